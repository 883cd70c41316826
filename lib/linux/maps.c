/*
 * maps.c - the mappings of a process over an address range, from the
 * PROCMAP_QUERY ioctl (Linux 6.11+) or, where the kernel lacks it, from one
 * careful pass over the text of /proc/<pid>/maps.
 *
 * Setting TLHELP32_FORCE_MAPS_TEXT=1 in the environment makes every walk
 * use the text, so that both paths can be tested and measured on a kernel
 * that has the ioctl.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdcache.h"
#include "maps.h"
#include "procfs.h"
#include "procmap_query.h"

/* 0: not yet known, 1: use PROCMAP_QUERY, -1: parse the text. */
static int query_state;

int
tlh_maps_have_query(void)
{
	int state = __atomic_load_n(&query_state, __ATOMIC_RELAXED);
	const char *force;

	if (state == 0) {
		force = getenv("TLHELP32_FORCE_MAPS_TEXT");
		state = force && *force && strcmp(force, "0") ? -1 : 1;
		__atomic_store_n(&query_state, state, __ATOMIC_RELAXED);
	}
	return state > 0;
}

/*
 * The mapping covering @addr, or the next one above it: 0, -ENXIO if there
 * is none, -ENOTTY if PROCMAP_QUERY cannot be used, or -errno.  A seccomp
 * profile or an emulator (qemu-user) that refuses the ioctl says ENOSYS:
 * the same as a kernel without it, and told apart here from an ENOSYS
 * that a walk's callback returns.
 */
static int
query(int fd, uintptr_t addr, struct tlh_vma *vma)
{
	struct procmap_query q;

	do {
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.query_flags = PROCMAP_QUERY_COVERING_OR_NEXT_VMA;
		q.query_addr = addr;
		if (ioctl(fd, PROCMAP_QUERY, &q) == 0)
			break;
		if (errno == ENOENT)
			return -ENXIO;
		if (errno == ENOSYS)
			return -ENOTTY;
		if (errno != EINTR)
			return -errno;
	} while (1);
	/* A 32-bit caller names nothing from 4 GiB up (a 64-bit target's). */
	if (q.vma_start >= UINTPTR_MAX)
		return -ENXIO;
	vma->start = (uintptr_t)q.vma_start;
	vma->end = q.vma_end > UINTPTR_MAX ? UINTPTR_MAX : (uintptr_t)q.vma_end;
	vma->flags = 0;
	if (q.vma_flags & PROCMAP_QUERY_VMA_READABLE)
		vma->flags |= TLH_VMA_READ;
	if (q.vma_flags & PROCMAP_QUERY_VMA_WRITABLE)
		vma->flags |= TLH_VMA_WRITE;
	if (q.inode)
		vma->flags |= TLH_VMA_FILE;
	vma->offset = q.vma_offset;
	vma->inode = q.inode;
	vma->major = q.dev_major;
	vma->minor = q.dev_minor;
	vma->name = NULL;
	vma->name_len = 0;
	return 0;
}

/*
 * Walk with PROCMAP_QUERY.  With @need, the mapping under the range's last
 * byte is asked for first, so a range that ends in a hole or in memory
 * without @need (the usual refusal) is refused with one query whatever
 * lies before; the walk then reuses it, so a success costs no more.
 */
static int
walk_query(int fd, uintptr_t start, uintptr_t end, unsigned int need,
	   tlh_vma_fn fn, void *arg)
{
	struct tlh_vma vma, last;
	uintptr_t addr = start;
	int ret, have_last = 0;

	if (need) {
		ret = query(fd, end - 1, &last);
		if (ret)
			return ret;
		if (last.start > end - 1)
			return -ENXIO;
		if ((last.flags & need) != need)
			return -EACCES;
		have_last = 1;
	}
	while (addr < end) {
		if (have_last && addr >= last.start) {
			vma = last;
		} else {
			ret = query(fd, addr, &vma);
			if (ret)
				return ret;
		}
		if (vma.start > addr || vma.end <= addr)
			return -ENXIO;
		if ((vma.flags & need) != need)
			return -EACCES;
		ret = fn(&vma, arg);
		if (ret)
			return ret;
		addr = vma.end;
	}
	return 0;
}

/* Parse up to 16 hex digits at *p; advance *p. */
static int
parse_hex(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	int digits = 0;
	int d;

	while (s < end) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else
			break;
		if (++digits > 16)
			return -EINVAL;
		v = v << 4 | (uint64_t)d;
		s++;
	}
	if (!digits)
		return -EINVAL;
	*p = s;
	*out = v;
	return 0;
}

static int
expect(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return -EINVAL;
	(*p)++;
	return 0;
}

/*
 * "start-end perms offset major:minor inode [path]": only the fields a
 * range check needs are kept, but every field is checked for form.  A
 * 32-bit caller reading a 64-bit target's maps cannot name addresses from
 * 4 GiB up: a mapping that starts there is -ERANGE, one that runs into
 * it ends at UINTPTR_MAX.
 */
int
tlh_maps_parse_line(const char *line, size_t len, struct tlh_vma *vma)
{
	const char *p = line, *end = line + len;
	uint64_t start, stop, offset, major, minor, inode = 0;
	int digits = 0;
	unsigned int d;

	if (parse_hex(&p, end, &start) || expect(&p, end, '-') ||
	    parse_hex(&p, end, &stop) || expect(&p, end, ' '))
		return -EINVAL;
	if (end - p < 5 || (p[0] != 'r' && p[0] != '-') ||
	    (p[1] != 'w' && p[1] != '-') || (p[2] != 'x' && p[2] != '-') ||
	    (p[3] != 'p' && p[3] != 's') || p[4] != ' ')
		return -EINVAL;
	vma->flags = (p[0] == 'r' ? TLH_VMA_READ : 0) |
		     (p[1] == 'w' ? TLH_VMA_WRITE : 0);
	p += 5;
	if (parse_hex(&p, end, &offset) || expect(&p, end, ' ') ||
	    parse_hex(&p, end, &major) || expect(&p, end, ':') ||
	    parse_hex(&p, end, &minor) || expect(&p, end, ' '))
		return -EINVAL;
	while (p < end && *p >= '0' && *p <= '9') {
		d = (unsigned int)(*p++ - '0');
		if (++digits > 20 || inode > UINT64_MAX / 10 ||
		    (inode == UINT64_MAX / 10 && d > UINT64_MAX % 10))
			return -EINVAL;
		inode = inode * 10 + d;
	}
	if (!digits || (p < end && *p != ' '))
		return -EINVAL;
	if (start >= stop || major > UINT32_MAX || minor > UINT32_MAX)
		return -EINVAL;
	/* the last byte a 32-bit caller can name is UINTPTR_MAX itself: a
	 * mapping from there would be empty once clamped */
	if (start >= UINTPTR_MAX)
		return -ERANGE;
	while (p < end && *p == ' ')
		p++;
	vma->start = (uintptr_t)start;
	vma->end = stop > UINTPTR_MAX ? UINTPTR_MAX : (uintptr_t)stop;
	vma->offset = offset;
	vma->inode = inode;
	vma->major = (uint32_t)major;
	vma->minor = (uint32_t)minor;
	vma->name = p;
	vma->name_len = (size_t)(end - p);
	if (inode)
		vma->flags |= TLH_VMA_FILE;
	return 0;
}

typedef int (*line_fn)(const char *line, size_t len, void *arg);

/*
 * Call @fn for each line of the text at @fd, read in blocks.  A line longer
 * than the buffer (a very long path) is passed as its head, which holds
 * every field but the end of the path, and the rest of it is skipped.
 * A non-zero return from @fn stops the reading and is returned.
 */
static int
read_lines(int fd, line_fn fn, void *arg)
{
	char buf[8192];
	size_t have = 0, pos, len;
	int skipping = 0, eof = 0, first = 1, ret;
	ssize_t got;
	char *nl;

	for (;;) {
		if (!eof && have < sizeof(buf)) {
			got = read(fd, buf + have, sizeof(buf) - have);
			if (got < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			/* every live process has mappings */
			if (got == 0 && first)
				return -ESRCH;
			first = 0;
			if (got == 0)
				eof = 1;
			have += (size_t)got;
		}
		pos = 0;
		while (pos < have) {
			nl = memchr(buf + pos, '\n', have - pos);
			if (nl)
				len = (size_t)(nl - (buf + pos));
			else if (have == sizeof(buf) && pos == 0)
				len = have;	/* overlong line: its head */
			else if (eof)
				len = have - pos;	/* last line, no newline */
			else
				break;
			if (!skipping) {
				ret = fn(buf + pos, len, arg);
				if (ret)
					return ret;
			}
			skipping = !nl && !eof;
			pos += len + (nl ? 1 : 0);
		}
		memmove(buf, buf + pos, have - pos);
		have -= pos;
		if (eof && have == 0)
			return 0;
	}
}

struct cover {
	uintptr_t addr;		/* covered up to here */
	uintptr_t end;
	unsigned int need;
	tlh_vma_fn fn;
	void *arg;
	int done;
};

/* Stops the reading (done) once the range is covered; -ENXIO at a hole. */
static int
cover_line(const char *line, size_t len, void *arg)
{
	struct cover *c = arg;
	struct tlh_vma vma;
	int ret;

	ret = tlh_maps_parse_line(line, len, &vma);
	if (ret == -ERANGE)
		return -ENXIO;	/* the rest lies beyond what we can name */
	if (ret)
		return -EBADMSG;	/* unexpected: a catch-all error */
	if (vma.end <= c->addr)
		return 0;
	if (vma.start > c->addr)
		return -ENXIO;
	if ((vma.flags & c->need) != c->need)
		return -EACCES;
	ret = c->fn(&vma, c->arg);
	if (ret)
		return ret;
	c->addr = vma.end;
	c->done = c->addr >= c->end;
	return c->done;
}

static int
walk_text(int fd, uintptr_t start, uintptr_t end, unsigned int need,
	  tlh_vma_fn fn, void *arg)
{
	struct cover c = { start, end, need, fn, arg, 0 };
	int ret;

	if (start >= end)
		return 0;
	ret = read_lines(fd, cover_line, &c);
	if (c.done)
		return 0;
	if (ret)
		return ret;
	return -ENXIO;	/* the text ended before the range did */
}

struct each {
	tlh_vma_fn fn;
	void *arg;
};

static int
each_line(const char *line, size_t len, void *arg)
{
	struct each *e = arg;
	struct tlh_vma vma;
	int ret;

	ret = tlh_maps_parse_line(line, len, &vma);
	if (ret == -ERANGE)
		return 0;	/* beyond what we can name: left out */
	if (ret)
		return -EBADMSG;
	return e->fn(&vma, e->arg);
}

int
tlh_maps_each(pid_t pid, tlh_vma_fn fn, void *arg)
{
	struct each e = { fn, arg };
	int fd, ret, saved;

	fd = tlh_procfs_open(pid, "maps");
	if (fd < 0)
		return fd;
	ret = read_lines(fd, each_line, &e);
	saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

/* One PAGEMAP_SCAN for guard pages over the range. */
static int
scan_guards(int fd, uintptr_t start, uintptr_t end)
{
	struct page_region found;
	struct pm_scan_arg a;
	long n;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.start = start & ~(uintptr_t)(sysconf(_SC_PAGESIZE) - 1);
	a.end = end;	/* the kernel rounds the end up */
	a.vec = (uintptr_t)&found;
	a.vec_len = 1;
	a.category_anyof_mask = PAGE_IS_GUARD;
	a.return_mask = PAGE_IS_GUARD;
	do
		n = ioctl(fd, PAGEMAP_SCAN, &a);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n > 0;
}

int
tlh_maps_guarded(pid_t pid, uintptr_t start, uintptr_t end)
{
	int fd, ret, attempt;

	for (attempt = 0;; attempt++) {
		fd = tlh_fdcache_get(pid, TLH_FD_PAGEMAP);
		if (fd < 0)
			return fd;
		ret = scan_guards(fd, start, end);
		if (ret == -ESRCH && !attempt) {
			tlh_fdcache_drop(pid);	/* that process is gone */
			tlh_fdcache_unlock();
			continue;
		}
		tlh_fdcache_unlock();
		return ret;
	}
}

static int
walk_fd(int fd, uintptr_t start, uintptr_t end, unsigned int need,
	tlh_vma_fn fn, void *arg)
{
	int ret = -ENOTTY;

	if (tlh_maps_have_query()) {
		ret = walk_query(fd, start, end, need, fn, arg);
		if (ret == -ENOTTY || ret == -EINVAL)
			__atomic_store_n(&query_state, -1, __ATOMIC_RELAXED);
	}
	if (ret == -ENOTTY || ret == -EINVAL) {
		if (lseek(fd, 0, SEEK_SET) < 0)
			return -errno;
		ret = walk_text(fd, start, end, need, fn, arg);
	}
	return ret;
}

int
tlh_maps_walk(pid_t pid, uintptr_t start, uintptr_t end, tlh_vma_fn fn,
	      void *arg)
{
	return tlh_maps_check(pid, start, end, 0, fn, arg);
}

int
tlh_maps_check(pid_t pid, uintptr_t start, uintptr_t end, unsigned int need,
	       tlh_vma_fn fn, void *arg)
{
	int fd, ret, attempt;

	if (start >= end)
		return 0;
	for (attempt = 0;; attempt++) {
		fd = tlh_fdcache_get(pid, TLH_FD_MAPS);
		if (fd < 0)
			return fd;
		ret = walk_fd(fd, start, end, need, fn, arg);
		if (ret == -ESRCH && !attempt) {
			tlh_fdcache_drop(pid);	/* that process is gone */
			tlh_fdcache_unlock();
			continue;
		}
		tlh_fdcache_unlock();
		return ret;
	}
}
