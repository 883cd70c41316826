/*
 * procfs.c - paths under /proc/<pid>, built without stdio.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"

int
tlh_procfs_open(pid_t pid, const char *name)
{
	return tlh_procfs_open_flags(pid, name, O_RDONLY);
}

int
tlh_procfs_open_flags(pid_t pid, const char *name, int flags)
{
	char path[64], digits[12];
	size_t nd = 0, len, nlen = strlen(name);
	unsigned int v = (unsigned int)pid;
	int fd;

	if (pid <= 0 || nlen > sizeof(path) - 24)
		return -EINVAL;
	do {
		digits[nd++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	memcpy(path, "/proc/", 6);
	for (len = 6; nd; len++)
		path[len] = digits[--nd];
	path[len++] = '/';
	memcpy(path + len, name, nlen + 1);

	do
		fd = open(path, flags | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd >= 0)
		return fd;
	if (errno == ENOENT || errno == ESRCH) {
		/* no /proc at all; a process hidden from us (hidepid=) or
		 * without an address space (a zombie's mem); or none */
		if (errno == ENOENT && access("/proc/self", F_OK))
			return -ENOSYS;
		if (kill(pid, 0) == 0 || errno == EPERM)
			return -EPERM;
		return -ESRCH;
	}
	if (errno == EACCES)
		return -EPERM;
	return -errno;
}
