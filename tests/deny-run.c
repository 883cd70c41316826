/*
 * deny-run - run a command as if the kernel lacked some of what the
 * library uses: process_vm_readv (as before Linux 3.2, or behind a
 * container's seccomp profile), or the PROCMAP_QUERY and PAGEMAP_SCAN
 * ioctls (before 6.11 and 6.7, or under an emulator).  A seccomp filter
 * for the running architecture makes the named calls fail with the named
 * errno in the command and everything it starts.
 *
 *	deny-run [-q] RULE... -- COMMAND [ARG...]
 *
 * RULE is NAME=ERRNO: NAME a system call (process_vm_readv,
 * process_vm_writev) or an ioctl (PROCMAP_QUERY, PAGEMAP_SCAN); ERRNO one
 * of ENOSYS, ENOTTY, EPERM, EINVAL.  Before it runs the command it checks
 * that each rule is in force, and says what it denies on
 * standard error unless -q.  Exits 125 when it cannot set the filter
 * (126, 127 when the command cannot be run), or with the command's status.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "deny.h"
#include "linux/procmap_query.h"

#define RULES_MAX	8

static const struct {
	const char *name;
	long nr;
	uint32_t ioctl;		/* 0: the system call itself */
} calls[] = {
	{ "process_vm_readv", SYS_process_vm_readv, 0 },
	{ "process_vm_writev", SYS_process_vm_writev, 0 },
	{ "PROCMAP_QUERY", SYS_ioctl, (uint32_t)PROCMAP_QUERY },
	{ "PAGEMAP_SCAN", SYS_ioctl, (uint32_t)PAGEMAP_SCAN },
};

static const struct {
	const char *name;
	int err;
} errnos[] = {
	{ "ENOSYS", ENOSYS },
	{ "ENOTTY", ENOTTY },
	{ "EPERM", EPERM },
	{ "EINVAL", EINVAL },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static void
usage(void)
{
	size_t i;

	fprintf(stderr, "usage: deny-run [-q] NAME=ERRNO... -- COMMAND "
		"[ARG...]\nNAME:");
	for (i = 0; i < ARRAY_SIZE(calls); i++)
		fprintf(stderr, " %s", calls[i].name);
	fprintf(stderr, "\nERRNO:");
	for (i = 0; i < ARRAY_SIZE(errnos); i++)
		fprintf(stderr, " %s", errnos[i].name);
	fprintf(stderr, "\n");
	exit(125);
}

/* Parse NAME=ERRNO into @r; 0, or -1 if it is not one. */
static int
parse_rule(const char *s, struct tlh_deny *r)
{
	const char *eq = strchr(s, '=');
	size_t i, len;

	if (!eq)
		return -1;
	len = (size_t)(eq - s);
	for (i = 0; i < ARRAY_SIZE(calls); i++)
		if (strlen(calls[i].name) == len &&
		    !memcmp(calls[i].name, s, len))
			break;
	if (i == ARRAY_SIZE(calls))
		return -1;
	r->nr = calls[i].nr;
	r->arg = calls[i].ioctl ? 1 : -1;
	r->val = calls[i].ioctl;
	for (i = 0; i < ARRAY_SIZE(errnos); i++) {
		if (!strcmp(errnos[i].name, eq + 1)) {
			r->err = errnos[i].err;
			return 0;
		}
	}
	return -1;
}

/*
 * A rule is in force: the call fails with its errno (an ioctl on no file
 * at all, which would otherwise be EBADF; a one-byte copy of our own).
 */
static int
in_force(const struct tlh_deny *r)
{
	char b = 0;
	struct iovec l = { &b, 1 }, rem = { &b, 1 };
	long got;

	if (r->arg >= 0)
		got = syscall(r->nr, -1L, (long)r->val, 0L);
	else
		got = syscall(r->nr, (long)getpid(), &l, 1L, &rem, 1L, 0L);
	return got == -1 && errno == r->err;
}

int
main(int argc, char **argv)
{
	struct tlh_deny rules[RULES_MAX];
	size_t n = 0, i;
	int quiet = 0, a = 1, ret;

	if (a < argc && !strcmp(argv[a], "-q")) {
		quiet = 1;
		a++;
	}
	for (; a < argc && strcmp(argv[a], "--"); a++) {
		if (n == RULES_MAX || parse_rule(argv[a], &rules[n]))
			usage();
		n++;
	}
	if (a + 1 >= argc || !n)
		usage();
	a++;

	ret = tlh_deny_install(rules, n);
	if (ret) {
		fprintf(stderr, "deny-run: cannot install the filter: %s\n",
			strerror(-ret));
		return 125;
	}
	for (i = 0; i < n; i++) {
		if (!in_force(&rules[i])) {
			fprintf(stderr, "deny-run: rule %zu is not in force\n",
				i + 1);
			return 125;
		}
	}
	if (!quiet) {
		fprintf(stderr, "deny-run: denied:");
		for (i = 0; i < n; i++)
			fprintf(stderr, " %s", argv[1 + quiet + i]);
		fprintf(stderr, "\n");
	}
	execvp(argv[a], argv + a);
	fprintf(stderr, "deny-run: %s: %s\n", argv[a], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
