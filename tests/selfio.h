/*
 * selfio.h - how many read() calls this process has made, from its own
 * /proc/self/io: the tests and the benchmarks tell by it which path the
 * library took (the text of the maps is read(), PROCMAP_QUERY never is).
 * Header-only, so that a program in tests/ or bench/ takes it with one
 * #include and no object to link.
 */
#ifndef TLHELP32_TESTS_SELFIO_H
#define TLHELP32_TESTS_SELFIO_H

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The read() calls so far (syscr), or -1; the bytes read (rchar) in
 * *@rchar, if not NULL. */
static inline long long
selfio_reads(unsigned long long *rchar)
{
	char buf[512], *p;
	ssize_t len;
	int fd;

	fd = open("/proc/self/io", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	if (rchar) {
		p = strstr(buf, "rchar:");
		*rchar = p ? strtoull(p + 6, NULL, 10) : 0;
	}
	p = strstr(buf, "syscr:");
	return p ? strtoll(p + 6, NULL, 10) : -1;
}

#endif
