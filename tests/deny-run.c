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
 * process_vm_writev), an ioctl (PROCMAP_QUERY, PAGEMAP_SCAN) or proc_mem,
 * the opening of /proc/<pid>/mem; ERRNO one of ENOSYS, ENOTTY, EPERM,
 * EINVAL, EACCES.  process_vm_readv=EPERM process_vm_writev=EPERM
 * proc_mem=EACCES is what a machine that refuses ptrace attach gives
 * (Yama ptrace_scope 2 or 3, no CAP_SYS_PTRACE over another user's
 * process): the command then runs in a child, its opens answered by
 * this process (deny-mem.c).  Before it runs the command it checks
 * that each rule is in force, and says what it denies on
 * standard error unless -q.  Exits 125 when it cannot set the filter
 * (126, 127 when the command cannot be run), or with the command's status.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
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
	{ "proc_mem", -1, 0 },	/* deny-mem.c: not a filter rule */
};

static const struct {
	const char *name;
	int err;
} errnos[] = {
	{ "ENOSYS", ENOSYS },
	{ "ENOTTY", ENOTTY },
	{ "EPERM", EPERM },
	{ "EINVAL", EINVAL },
	{ "EACCES", EACCES },
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
	int fd;

	if (r->nr < 0) {
		fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 0;	/* other opens must go on */
		close(fd);
		fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		return fd < 0 && errno == r->err;
	}
	if (r->arg >= 0)
		got = syscall(r->nr, -1L, (long)r->val, 0L);
	else
		got = syscall(r->nr, (long)getpid(), &l, 1L, &rem, 1L, 0L);
	return got == -1 && errno == r->err;
}

/*
 * The supervisor of a proc_mem rule: fork; the child sends the
 * listener of its filter back and runs the command; this process answers
 * its opens until it and all it started are gone, then exits with its
 * status.  Returns only in the child, 0, or -errno on failure.
 */
static int
supervise(int err)
{
	int sv[2], listener = -1, status, ret;
	char c = 0;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { &c, 1 };
	struct msghdr msg;
	pid_t child;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	child = fork();
	if (child < 0)
		return -errno;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	if (child == 0) {
		close(sv[0]);
		listener = tlh_deny_mem_install();
		if (listener < 0)
			return listener;
		memset(&ctl, 0, sizeof(ctl));
		CMSG_FIRSTHDR(&msg)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&msg)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&msg)->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&msg)), &listener, sizeof(int));
		if (sendmsg(sv[1], &msg, 0) != 1)
			return -errno;
		close(listener);
		close(sv[1]);
		return 0;
	}
	close(sv[1]);
	if (recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC) == 1 &&
	    CMSG_FIRSTHDR(&msg) &&
	    CMSG_FIRSTHDR(&msg)->cmsg_type == SCM_RIGHTS)
		memcpy(&listener, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
	close(sv[0]);
	ret = listener < 0 ? -EPROTO : tlh_deny_mem_serve(listener, err);
	if (ret < 0) {
		fprintf(stderr, "deny-run: supervising opens: %s\n",
			strerror(-ret));
		kill(child, SIGKILL);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			exit(125);
	if (ret < 0)
		exit(125);
	exit(WIFEXITED(status) ? WEXITSTATUS(status) :
	     128 + WTERMSIG(status));
}

int
main(int argc, char **argv)
{
	struct tlh_deny rules[RULES_MAX], filter[RULES_MAX];
	size_t n = 0, nf = 0, i;
	int quiet = 0, a = 1, ret, mem_err = 0;

	if (a < argc && !strcmp(argv[a], "-q")) {
		quiet = 1;
		a++;
	}
	for (; a < argc && strcmp(argv[a], "--"); a++) {
		if (n == RULES_MAX || parse_rule(argv[a], &rules[n]))
			usage();
		if (rules[n].nr < 0)
			mem_err = rules[n].err;
		else
			filter[nf++] = rules[n];
		n++;
	}
	if (a + 1 >= argc || !n)
		usage();
	a++;

	ret = mem_err ? supervise(mem_err) : 0;
	if (!ret && nf)
		ret = tlh_deny_install(filter, nf);
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
