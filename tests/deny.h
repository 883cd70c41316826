/*
 * deny.h - seccomp filters that make chosen system calls (or ioctls, or
 * madvise advice) fail with a chosen errno, for the running architecture:
 * the tests' way to be an old kernel, a container profile or an emulator
 * without changing the machine.  Used by check_confined.c inside a test
 * and by deny-run, which runs a whole command (make check) that way.
 */
#ifndef TLHELP32_TESTS_DENY_H
#define TLHELP32_TESTS_DENY_H

#include <stddef.h>
#include <stdint.h>

/* One refusal: system call @nr, with argument @arg equal to @val if @arg
 * is not -1 (its low 32 bits are compared), fails with @err. */
struct tlh_deny {
	long nr;
	int arg;
	uint32_t val;
	int err;
};

/*
 * The AUDIT_ARCH_* value of this build's architecture and system call
 * numbers, or 0 where deny.c knows none, or was built without the
 * kernel's headers (filters are then refused).
 */
uint32_t tlh_deny_arch(void);

/*
 * Install a filter with @n rules on this process (inherited by its
 * children and kept across exec), setting no_new_privs first.  Returns 0,
 * -EOPNOTSUPP (architecture unknown here), -E2BIG (too many rules) or the
 * -errno of prctl().
 */
int tlh_deny_install(const struct tlh_deny *rules, size_t n);

/*
 * deny-mem.c: install a filter on this process (inherited, kept across
 * exec) that sends its opens to a supervisor; returns the listener's
 * descriptor or -errno (-EOPNOTSUPP without user notifications).
 */
int tlh_deny_mem_install(void);

/*
 * Serve @listener until every process under its filter is gone: opens of
 * /proc/<pid>/mem (or self, or a task's) fail with @err, others go on.
 * Returns 0, or -errno.
 */
int tlh_deny_mem_serve(int listener, int err);

#endif /* TLHELP32_TESTS_DENY_H */
