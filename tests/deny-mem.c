/*
 * deny-mem.c - deny.h's refusal of /proc/<pid>/mem: what a machine whose
 * ptrace access check refuses to attach (Yama ptrace_scope 2 or 3, a
 * container without CAP_SYS_PTRACE over processes of other users) does
 * to the library, which reads through process_vm_readv or that file and
 * never through ptrace itself.
 *
 * A seccomp filter cannot see a path, so the opens (open, openat,
 * openat2) of the filtered processes are sent to a supervisor through a
 * user notification listener (Linux 5.5): it reads the path from the
 * opener's memory, joins it to the directory it is relative to, and
 * answers those naming /proc/<pid>/mem, /proc/self/mem or
 * /proc/<pid>/task/<tid>/mem with the chosen errno; every other open
 * continues as it would have.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "deny.h"

#if defined(HAVE_LINUX_AUDIT_H) && defined(HAVE_LINUX_FILTER_H) && \
	defined(HAVE_LINUX_SECCOMP_H)
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#endif

#if defined(SECCOMP_FILTER_FLAG_NEW_LISTENER) && \
	defined(SECCOMP_USER_NOTIF_FLAG_CONTINUE)

#ifndef SYS_openat2
#define SYS_openat2	437	/* Linux 5.6, the same on every architecture */
#endif

#define STMT(code, k)	((struct sock_filter)BPF_STMT(code, k))
#define JEQ(k, t, f)	((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | \
							BPF_K, k, t, f))

int
tlh_deny_mem_install(void)
{
	struct sock_filter prog[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS,
		     offsetof(struct seccomp_data, arch)),
		JEQ(tlh_deny_arch(), 0, 5),
		STMT(BPF_LD | BPF_W | BPF_ABS,
		     offsetof(struct seccomp_data, nr)),
		JEQ(SYS_openat, 2, 0),
#ifdef SYS_open
		JEQ(SYS_open, 1, 0),
#else
		JEQ(SYS_openat, 1, 0),
#endif
		JEQ(SYS_openat2, 0, 1),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = { sizeof(prog) / sizeof(prog[0]), prog };
	long fd;

	if (!tlh_deny_arch())
		return -EOPNOTSUPP;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		     SECCOMP_FILTER_FLAG_NEW_LISTENER, &fprog);
	return fd < 0 ? -errno : (int)fd;
}

/* Past "<digits>/" at @p, or NULL if @p does not start so. */
static const char *
past_number(const char *p)
{
	if (*p < '0' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '/' ? p + 1 : NULL;
}

/* Does @path name the memory file of a process or thread? */
static int
is_mem(const char *path)
{
	const char *p = path;

	if (strncmp(p, "/proc/", 6))
		return 0;
	p += 6;
	if (!strncmp(p, "thread-self/", 12))
		return !strcmp(p + 12, "mem");
	if (!strncmp(p, "self/", 5))
		p += 5;
	else if (!(p = past_number(p)))
		return 0;
	if (!strncmp(p, "task/", 5) && !(p = past_number(p + 5)))
		return 0;
	return !strcmp(p, "mem");
}

/*
 * The absolute path the open of @req names, in @out; 0, or -1 if it
 * cannot be known (the request then continues).
 */
static int
request_path(const struct seccomp_notif *req, char *out, size_t size)
{
	char file[64], name[4096], dir[4096];
	int at = req->data.nr != SYS_openat && req->data.nr != SYS_openat2;
	long dirfd = at ? AT_FDCWD : (long)(int)req->data.args[0];
	uint64_t addr = req->data.args[at ? 0 : 1];
	ssize_t n;
	int fd;

	snprintf(file, sizeof(file), "/proc/%u/mem", req->pid);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, name, sizeof(name) - 1, (off_t)addr);
	close(fd);
	if (n <= 0)
		return -1;
	name[n] = '\0';
	if (strlen(name) == (size_t)n)
		return -1;	/* longer than PATH_MAX: not ours */
	if (name[0] == '/') {
		snprintf(out, size, "%s", name);
		return 0;
	}
	if (dirfd == AT_FDCWD)
		snprintf(file, sizeof(file), "/proc/%u/cwd", req->pid);
	else
		snprintf(file, sizeof(file), "/proc/%u/fd/%ld", req->pid,
			 dirfd);
	n = readlink(file, dir, sizeof(dir) - 1);
	if (n <= 0)
		return -1;
	dir[n] = '\0';
	snprintf(out, size, "%s/%s", dir, name);
	return 0;
}

int
tlh_deny_mem_serve(int listener, int err)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	char path[8192];

	for (;;) {
		struct pollfd p = { listener, POLLIN, 0 };

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!(p.revents & POLLIN))
			return 0;	/* every filtered process is gone */
		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return -errno;
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		if (!request_path(&req, path, sizeof(path)) && is_mem(path) &&
		    !ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id))
			resp.error = -err;
		else
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		/* ENOENT: the opener was killed meanwhile */
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 &&
		    errno != ENOENT)
			return -errno;
	}
}

#else	/* no user notifications in these headers */

int
tlh_deny_mem_install(void)
{
	return -EOPNOTSUPP;
}

int
tlh_deny_mem_serve(int listener, int err)
{
	(void)listener;
	(void)err;
	return -EOPNOTSUPP;
}
#endif
