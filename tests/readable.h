/*
 * readable.h - can this process read the memory of a child of its own?
 * A build machine may refuse it: Yama ptrace_scope 2 or 3, a container
 * without CAP_SYS_PTRACE, a seccomp profile that blocks process_vm_readv
 * and /proc/<pid>/mem.  The tests that need it then skip, saying why.
 */
#ifndef TLHELP32_TESTS_READABLE_H
#define TLHELP32_TESTS_READABLE_H

#include <stddef.h>

/*
 * 1 if a forked child's memory can be read by process_vm_readv or through
 * /proc/<pid>/mem; 0 if both are refused for lack of permission, with the
 * one-line reason in @why; 1 too when the probe itself cannot be made
 * (the tests then run and say what fails).
 */
int tlh_can_read_child(char *why, size_t len);

#endif /* TLHELP32_TESTS_READABLE_H */
