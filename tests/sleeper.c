/*
 * sleeper.c - a process for the script tests to look at, built by the
 * same compiler as the library, so of its word size and C library: a
 * 32-bit th32 cannot list the modules of the system's 64-bit sleep(1).
 *
 *   sleeper SECONDS
 */
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	unsigned int left = argc > 1 ? (unsigned int)atoi(argv[1]) : 30;

	while (left)
		left = sleep(left);
	return 0;
}
