/*
 * can-read - exit 0 if this machine lets a process read a child of its
 * own (process_vm_readv or /proc/<pid>/mem), else print "SKIP: " and why
 * and exit 77: the script tests that read processes start with it.
 */
#include "config.h"

#include <stdio.h>

#include "readable.h"

int
main(void)
{
	char why[256];

	if (tlh_can_read_child(why, sizeof(why)))
		return 0;
	printf("SKIP: %s\n", why);
	return 77;
}
