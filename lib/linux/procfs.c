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

#define AT_RANDOM_TYPE	25	/* <elf.h>'s AT_RANDOM */

/*
 * Where AT_RANDOM points in the auxiliary vector @v (@len bytes) of
 * entries of @word bytes each; 0 if it has none.
 */
static uintptr_t
find_random(const unsigned char *v, size_t len, size_t word)
{
	uint64_t type, val;
	uint32_t w32;
	size_t i;

	for (i = 0; i + 2 * word <= len; i += 2 * word) {
		if (word == 8) {
			memcpy(&type, v + i, 8);
			memcpy(&val, v + i + 8, 8);
		} else {
			memcpy(&w32, v + i, 4);
			type = w32;
			memcpy(&w32, v + i + 4, 4);
			val = w32;
		}
		if (type == 0)
			return 0;
		if (type == AT_RANDOM_TYPE)
			return val <= UINTPTR_MAX - 16 ? (uintptr_t)val : 0;
	}
	return 0;
}

int
tlh_procfs_random(pid_t pid, uintptr_t *addr)
{
	unsigned char v[1024];
	ssize_t len = 0, got;
	uintptr_t at;
	int fd;

	fd = tlh_procfs_open(pid, "auxv");
	if (fd < 0)
		return fd;
	while ((size_t)len < sizeof(v)) {
		got = read(fd, v + len, sizeof(v) - (size_t)len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += got;
	}
	close(fd);
	/* A 32-bit process's vector has 4-byte words; its last entry is
	 * AT_NULL either way, so the length tells nothing: try ours first. */
	at = find_random(v, (size_t)len, sizeof(uintptr_t));
	if (!at && sizeof(uintptr_t) == 8)
		at = find_random(v, (size_t)len, 4);
	if (!at)
		return -ENOENT;
	*addr = at;
	return 0;
}
