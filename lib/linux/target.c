/*
 * target.c - a process as a process handle names it.
 *
 * Linux names a process by its pid, and gives the pid to a new process
 * once the old one is gone.  A Windows handle names one process for its
 * whole life, so a target carries what ties it to the process it was
 * opened on:
 *
 * - a pidfd (Linux 5.3+), which becomes readable when that process exits:
 *   one poll() says whether it still lives, and while it lives its pid is
 *   its own;
 * - its start time from /proc/<pid>/stat, which a later process with the
 *   same pid cannot share: the check where there are no pidfds;
 * - a token: the 16 random bytes the kernel writes into every process at
 *   exec (AT_RANDOM in its auxiliary vector), and where they lie.  A read
 *   by pid takes the token in the same process_vm_readv() as the data and
 *   before it, so one system call both reads and proves whose memory it
 *   read, at no extra cost (lib/linux/readmem.c).
 *
 * A process that calls execve() gets a new address space and a new token;
 * its handles then fail as those of a process that exited.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "os.h"
#include "procfs.h"
#include "stat.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open	434	/* the same number on every architecture */
#endif

/*
 * Read a small file of @pid into @buf (terminated): its length or -errno.
 * A file that reads empty is that of a process that has gone: -ESRCH.
 */
static ssize_t
read_small_file(pid_t pid, const char *name, char *buf, size_t size)
{
	ssize_t len = 0, got;
	int fd, err = 0;	/* what ended the reads; 0: end of file */

	fd = tlh_procfs_open(pid, name);
	if (fd < 0)
		return fd;
	while ((size_t)len < size - 1) {
		got = read(fd, buf + len, size - 1 - (size_t)len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			err = errno;
		if (got <= 0)
			break;
		len += got;
	}
	close(fd);
	if (len == 0)
		return err && err != ESRCH ? -err : -ESRCH;
	buf[len] = '\0';
	return len;
}

static int
read_stat(pid_t pid, struct tlh_stat *st)
{
	char buf[1024];
	ssize_t len = read_small_file(pid, "stat", buf, sizeof(buf));

	if (len < 0)
		return (int)len;
	return tlh_stat_parse(buf, (size_t)len, st) ? -ESRCH : 0;
}

/* 0 if @pid is a process's id, not only one of its threads'; -ESRCH. */
static int
is_process(pid_t pid)
{
	char buf[1024], *p;
	ssize_t len = read_small_file(pid, "status", buf, sizeof(buf));

	if (len < 0)
		return (int)len;
	p = strstr(buf, "\nTgid:");
	return p && strtol(p + 6, NULL, 10) == (long)pid ? 0 : -ESRCH;
}

/* Learn @t's token; without one (auxv unreadable), leave token_addr 0. */
static void
learn_token(struct tlh_target *t)
{
	uintptr_t at;

	if (!tlh_procfs_random(t->pid, &at) &&
	    !tlh_os_read(t->pid, at, t->token, sizeof(t->token)))
		t->token_addr = at;
}

/*
 * Pidfds held by targets.  A program may keep thousands of handles open;
 * past PIDFDS_MAX, targets do without, so that handles never use up the
 * program's descriptors.
 */
#define PIDFDS_MAX	256
static unsigned int pidfds;

static int
pidfd_open_counted(pid_t pid)
{
	int fd;

	if (__atomic_add_fetch(&pidfds, 1, __ATOMIC_RELAXED) > PIDFDS_MAX) {
		__atomic_sub_fetch(&pidfds, 1, __ATOMIC_RELAXED);
		return -2;
	}
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		__atomic_sub_fetch(&pidfds, 1, __ATOMIC_RELAXED);
	return fd;
}

int
tlh_os_target_open(struct tlh_target *t, pid_t pid)
{
	struct tlh_stat st;
	int ret;

	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->pidfd = pidfd_open_counted(pid);
	if (t->pidfd == -2) {
		t->pidfd = -1;
		ret = is_process(pid);
		if (ret)
			return ret;
	} else if (t->pidfd < 0) {
		/* EINVAL: a thread that does not lead its process */
		if (errno == ESRCH || errno == EINVAL)
			return -ESRCH;
		/* No pidfds (before 5.3), or no descriptor left: the start
		 * time does the pidfd's work, at the price of reading stat. */
		t->pidfd = -1;
		ret = is_process(pid);
		if (ret)
			return ret;
	}
	ret = read_stat(pid, &st);
	if (ret)
		goto fail;
	t->start = st.starttime;
	learn_token(t);
	/* All of that was learnt from the process the pidfd names. */
	ret = tlh_os_target_check(t);
	if (!ret)
		return 0;
fail:
	tlh_os_target_close(t);
	return ret;
}

void
tlh_os_target_close(struct tlh_target *t)
{
	if (t->pidfd >= 0) {
		close(t->pidfd);
		__atomic_sub_fetch(&pidfds, 1, __ATOMIC_RELAXED);
	}
	t->pidfd = -1;
}

void
tlh_os_target_self(struct tlh_target *t)
{
	memset(t, 0, sizeof(*t));
	t->pid = tlh_os_self();
	t->pidfd = -1;
}

int
tlh_os_target_alive(const struct tlh_target *t)
{
	struct pollfd p;
	struct tlh_stat st;
	int ret;

	if (t->pidfd >= 0) {
		p.fd = t->pidfd;
		p.events = POLLIN;
		p.revents = 0;
		do
			ret = poll(&p, 1, 0);
		while (ret < 0 && errno == EINTR);
		return ret == 0 ? 0 : -ESRCH;
	}
	if (!t->start)		/* the calling process */
		return 0;
	if (read_stat(t->pid, &st) || st.starttime != t->start ||
	    st.state == 'Z' || st.state == 'X')
		return -ESRCH;
	return 0;
}

/* 1 if @fd, a /proc/<pid>/mem descriptor, holds @t's token, else 0. */
static int
mem_has_token(int fd, const struct tlh_target *t)
{
	unsigned char token[sizeof(t->token)];
	ssize_t got;

	do
		got = pread(fd, token, sizeof(token), (off_t)t->token_addr);
	while (got < 0 && errno == EINTR);
	return got == (ssize_t)sizeof(token) &&
	       !memcmp(token, t->token, sizeof(token));
}

int
tlh_os_target_check(const struct tlh_target *t)
{
	unsigned char token[sizeof(t->token)];
	struct iovec local = { token, sizeof(token) };
	struct iovec remote = { (void *)t->token_addr, sizeof(token) };
	int ret = tlh_os_target_alive(t), err, fd;

	if (ret || !t->token_addr)
		return ret;
	/* Alive, and still the same program: execve() makes a new token. */
	if (process_vm_readv(t->pid, &local, 1, &remote, 1, 0) ==
	    (ssize_t)sizeof(token))
		return memcmp(token, t->token, sizeof(token)) ? -ESRCH : 0;
	/* Without process_vm_readv (ENOSYS, or EPERM from a seccomp filter)
	 * the token is read as the reads then read: through /proc/<pid>/mem.
	 * Where that cannot be opened either, the pidfd's word stands for
	 * ENOSYS; EPERM is the ptrace check's refusal. */
	err = errno;
	if (err != ENOSYS && err != EPERM)
		return -ESRCH;
	fd = tlh_procfs_open(t->pid, "mem");
	if (fd < 0)
		return err == ENOSYS ? 0 : -ESRCH;
	ret = mem_has_token(fd, t) ? 0 : -ESRCH;
	close(fd);
	return ret;
}

int
tlh_os_maps_open(pid_t pid)
{
	return tlh_procfs_open(pid, "maps");
}

int
tlh_os_target_mem(const struct tlh_target *t, int flags)
{
	int fd;

	fd = tlh_procfs_open_flags(t->pid, "mem", flags);
	if (fd < 0)
		return fd == -EPERM && tlh_os_target_check(t) ? -ESRCH : fd;
	/* The descriptor holds the address space it was opened on. */
	if (t->token_addr) {
		if (mem_has_token(fd, t))
			return fd;
	} else if (!tlh_os_target_alive(t)) {
		return fd;
	}
	close(fd);
	return -ESRCH;
}

int
tlh_os_priority_base(const struct tlh_target *t, int32_t *base)
{
	struct tlh_stat st;
	int ret;

	ret = read_stat(t->pid, &st);
	if (!ret)
		ret = tlh_os_target_check(t);
	if (ret)
		return ret == -EPERM ? ret : -ESRCH;
	*base = tlh_stat_class_base(&st);
	return 0;
}
