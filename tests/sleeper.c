/*
 * sleeper.c - a process for the script tests to look at, built by the
 * same compiler as the library, so of its word size and C library: a
 * 32-bit th32 cannot list the modules of the system's 64-bit sleep(1).
 *
 *   sleeper SECONDS [value]
 *
 * With "value" it prints where sleeper_value lies, as an offset from the
 * start of its own executable's first mapping (the module base Tool Help
 * reports), and the value itself; and prints the value again each time
 * it gets SIGUSR1, so that a test can see what a tool wrote there.  Any
 * process may read and write it, whatever Yama's ptrace_scope says.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* What tests/porting's tools find, read and change. */
volatile uint32_t sleeper_value = 0x5EE9E700u;

/* The linker's symbol for the ELF header: the executable's first byte. */
extern const char __ehdr_start[];

static volatile sig_atomic_t asked;

static void
on_usr1(int sig)
{
	(void)sig;
	asked = 1;
}

int
main(int argc, char **argv)
{
	unsigned int left = argc > 1 ? (unsigned int)atoi(argv[1]) : 30;
	int show = argc > 2 && !strcmp(argv[2], "value");

	if (show) {
#if defined(PR_SET_PTRACER) && defined(PR_SET_PTRACER_ANY)
		prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
#endif
		signal(SIGUSR1, on_usr1);
		printf("offset %lx value %x\n",
		       (unsigned long)((const char *)&sleeper_value -
				       __ehdr_start),
		       (unsigned int)sleeper_value);
		fflush(stdout);
	}
	while (left) {
		left = sleep(left);
		if (asked) {
			asked = 0;
			printf("value %x\n", (unsigned int)sleeper_value);
			fflush(stdout);
		}
	}
	return 0;
}
