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

#define NAME_MAX_Q	65536	/* most name bytes one query asks for */

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
 * that a walk's callback returns.  With @name, its name goes there
 * (-ENAMETOOLONG if it does not fit in @name_size bytes); the name of a
 * mapping without one is empty.
 */
static int
query(int fd, uintptr_t addr, struct tlh_vma *vma, char *name,
      size_t name_size)
{
	struct procmap_query q;

	do {
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.query_flags = PROCMAP_QUERY_COVERING_OR_NEXT_VMA;
		q.query_addr = addr;
		if (name) {
			/* what the kernel does not write stays defined, for
			 * tools that do not know the ioctl (valgrind) */
			memset(name, 0, name_size);
			q.vma_name_addr = (uintptr_t)name;
			/* the kernel takes no more than PATH_MAX anyway */
			q.vma_name_size = (uint32_t)(name_size < NAME_MAX_Q ?
						     name_size : NAME_MAX_Q);
		}
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
	if (q.vma_flags & PROCMAP_QUERY_VMA_EXECUTABLE)
		vma->flags |= TLH_VMA_EXEC;
	if (q.vma_flags & PROCMAP_QUERY_VMA_SHARED)
		vma->flags |= TLH_VMA_SHARED;
	if (q.inode)
		vma->flags |= TLH_VMA_FILE;
	vma->offset = q.vma_offset;
	vma->inode = q.inode;
	vma->major = q.dev_major;
	vma->minor = q.dev_minor;
	vma->name = name;
	vma->name_len = name && q.vma_name_size ? q.vma_name_size - 1 : 0;
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
		ret = query(fd, end - 1, &last, NULL, 0);
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
			ret = query(fd, addr, &vma, NULL, 0);
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
 * "start-end perms offset major:minor inode [path]": every field is
 * kept and checked for form.  A
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
		     (p[1] == 'w' ? TLH_VMA_WRITE : 0) |
		     (p[2] == 'x' ? TLH_VMA_EXEC : 0) |
		     (p[3] == 's' ? TLH_VMA_SHARED : 0);
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
 * Call @fn for each line of the text at @fd, read in blocks from its
 * start.  pread() leaves the descriptor's offset alone: a kept descriptor
 * needs no seek, and a descriptor of the program's that names the same
 * file is not moved.  A line longer than the buffer (a very long path) is
 * passed as its head, which holds every field but the end of the path,
 * and the rest of it is skipped.  A non-zero return from @fn stops the
 * reading and is returned.
 */
static int
read_lines(int fd, line_fn fn, void *arg)
{
	char buf[8192];
	size_t have = 0, pos, len;
	int skipping = 0, eof = 0, first = 1, ret;
	off_t off = 0;
	ssize_t got;
	char *nl;

	for (;;) {
		if (!eof && have < sizeof(buf)) {
			got = pread(fd, buf + have, sizeof(buf) - have, off);
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
			off += got;
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

/* --- one mapping at a time: tlh_maps_find() ------------------------------ */

#define SEQ_BUF		8192	/* a longer line is kept as its head */
#define SEQ_READ	256	/* asked per read(): the kernel's run-ahead */
#define RING_LEN	32	/* file mappings remembered for bases */
#define BASE_HOPS	8	/* mappings followed back to a base */

/* The mapping covering @at, or the next one above it: 0, -ENXIO, -errno. */
typedef int (*cover_fn)(void *ctx, uintptr_t at, struct tlh_vma *vma);

static int
same_file(const struct tlh_vma *a, const struct tlh_vma *b)
{
	return (a->flags & b->flags & TLH_VMA_FILE) && a->inode == b->inode &&
	       a->major == b->major && a->minor == b->minor;
}

/*
 * The base of file mapping @v: a mapping placed at start s from offset o
 * came from base s - o or, where the loader left a gap in front of it,
 * from a mapping of the same file at a smaller offset that covers s - o.
 * Follow that back to a mapping at offset 0: its start.  Anything else
 * there (another file, nothing, no progress) leaves *@base 0.
 */
static int
find_base(const struct tlh_vma *v, cover_fn cover, void *ctx,
	  uintptr_t *base)
{
	struct tlh_vma cur = *v, n;
	uintptr_t at;
	int hop, ret;

	*base = 0;
	for (hop = 0; hop < BASE_HOPS; hop++) {
		if (!cur.offset) {
			*base = cur.start;
			return 0;
		}
		if (cur.offset > cur.start)
			return 0;
		at = cur.start - (uintptr_t)cur.offset;
		ret = cover(ctx, at, &n);
		if (ret == -ENXIO)
			return 0;
		if (ret)
			return ret;
		if (n.start > at || !same_file(&n, v) || n.offset >= cur.offset)
			return 0;
		cur = n;
	}
	return 0;
}

static int
query_cover(void *ctx, uintptr_t at, struct tlh_vma *vma)
{
	return query(*(int *)ctx, at, vma, NULL, 0);
}

static int
find_query(int fd, struct tlh_maps_query *q)
{
	int ret;

	ret = query(fd, q->addr, &q->vma, q->name, q->name_size);
	if (ret == -ENAMETOOLONG) {
		ret = query(fd, q->addr, &q->vma, NULL, 0);
		q->vma.name = q->name;	/* empty, as query() left it */
	}
	if (!ret && q->want_base && (q->vma.flags & TLH_VMA_FILE))
		ret = find_base(&q->vma, query_cover, &fd, &q->base);
	return ret;
}

/* A file mapping the reading has passed, remembered for bases. */
struct passed_file {
	uintptr_t start;
	uintptr_t end;
	uint64_t offset;
	uint64_t inode;
	uint32_t major;
	uint32_t minor;
};

/*
 * A reading of the maps text in order, kept between calls beside its
 * descriptor (tlh_fdcache_seq_state()).  Lines are parsed one at a time;
 * the newest is pending until a call asks about an address at or above its
 * end, and is then passed.  The last RING_LEN file mappings passed are
 * remembered, so that finding a base, which looks back, seldom needs the
 * text read again from the start.
 */
struct cursor {
	int started;		/* the descriptor was rewound for it */
	int eof;		/* read() said end of file */
	int skipping;		/* dropping the rest of an overlong line */
	int got_any;		/* the reading has had some text */
	int have_pending;
	uintptr_t passed;	/* lines that end at or below this are passed */
	uintptr_t last_addr;	/* the previous call's address */
	struct tlh_vma pending;	/* its name lies in line[] */
	uintptr_t ring_from;	/* file mappings passed from here up: ring[] */
	unsigned int ring_n;
	unsigned int ring_next;	/* the oldest, once the ring is full */
	struct passed_file ring[RING_LEN];
	size_t head;		/* the text read and not yet split: */
	size_t have;		/* buf[head, have) */
	char buf[SEQ_BUF];
	char line[SEQ_BUF];
};

static int
cursor_rewind(struct cursor *c, int fd)
{
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	c->started = 1;
	c->eof = 0;
	c->skipping = 0;
	c->got_any = 0;
	c->have_pending = 0;
	c->passed = 0;
	c->ring_from = 0;
	c->ring_n = 0;
	c->ring_next = 0;
	c->head = 0;
	c->have = 0;
	return 0;
}

/*
 * The next line (without its newline) into line[]: its length in *@len,
 * or the head of a line longer than SEQ_BUF, whose rest is skipped.
 * -ENODATA at the end of the text, or -errno.
 */
static int
cursor_line(struct cursor *c, int fd, size_t *len)
{
	size_t want, n;
	ssize_t got;
	char *nl;
	int skip;

	for (;;) {
		nl = memchr(c->buf + c->head, '\n', c->have - c->head);
		if (nl || (c->eof && c->head < c->have)) {
			n = nl ? (size_t)(nl - (c->buf + c->head)) :
				 c->have - c->head;
			skip = c->skipping;
			if (!skip)
				memcpy(c->line, c->buf + c->head, n);
			c->head += n + (nl ? 1 : 0);
			c->skipping = 0;
			if (skip)
				continue;
			*len = n;
			return 0;
		}
		if (c->eof)
			return -ENODATA;
		memmove(c->buf, c->buf + c->head, c->have - c->head);
		c->have -= c->head;
		c->head = 0;
		if (c->have == SEQ_BUF) {
			c->have = 0;
			if (!c->skipping) {
				c->skipping = 1;
				memcpy(c->line, c->buf, SEQ_BUF);
				*len = SEQ_BUF;
				return 0;
			}
		}
		want = SEQ_BUF - c->have < SEQ_READ ? SEQ_BUF - c->have :
						       SEQ_READ;
		got = read(fd, c->buf + c->have, want);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (got == 0)
			c->eof = 1;
		c->have += (size_t)got;
		c->got_any |= got > 0;
	}
}

/*
 * The text has ended.  A process whose address space is gone shows an
 * empty text, or the end of it to a reading begun before: read the start
 * again to tell.  -ENXIO (no more mappings; the next call starts a new
 * reading), -ESRCH or -errno.
 */
static int
cursor_end(struct cursor *c, int fd)
{
	ssize_t got;
	int ret;

	if (!c->got_any)
		return -ESRCH;
	ret = cursor_rewind(c, fd);
	if (ret)
		return ret;
	c->started = 0;
	do
		got = read(fd, c->buf, SEQ_READ);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -errno;
	return got ? -ENXIO : -ESRCH;
}

/* The next line, parsed, as the pending one. */
static int
cursor_pend(struct cursor *c, int fd)
{
	size_t len = 0;
	int ret;

	ret = cursor_line(c, fd, &len);
	if (ret == -ENODATA)
		return cursor_end(c, fd);
	if (ret)
		return ret;
	ret = tlh_maps_parse_line(c->line, len, &c->pending);
	if (ret == -ERANGE)
		return -ENXIO;	/* the rest lies beyond what we can name */
	if (ret)
		return -EBADMSG;	/* unexpected: a catch-all error */
	c->have_pending = 1;
	return 0;
}

static void
cursor_pass(struct cursor *c)
{
	const struct tlh_vma *v = &c->pending;
	struct passed_file *f;

	c->have_pending = 0;
	if (v->end > c->passed)
		c->passed = v->end;
	if (!(v->flags & TLH_VMA_FILE))
		return;
	f = &c->ring[c->ring_next];
	if (c->ring_n == RING_LEN) {
		if (f->end > c->ring_from)
			c->ring_from = f->end;	/* forgotten */
	} else {
		c->ring_n++;
	}
	f->start = v->start;
	f->end = v->end;
	f->offset = v->offset;
	f->inode = v->inode;
	f->major = v->major;
	f->minor = v->minor;
	c->ring_next = (c->ring_next + 1) % RING_LEN;
}

/* Read on until the pending line is the first that ends above @addr. */
static int
cursor_reach(struct cursor *c, int fd, uintptr_t addr)
{
	int ret;

	for (;;) {
		if (c->have_pending) {
			if (c->pending.end > addr)
				return 0;
			cursor_pass(c);
		}
		ret = cursor_pend(c, fd);
		if (ret)
			return ret;
	}
}

struct text_ctx {
	struct cursor *c;
	int fd;
};

/* For find_base(): a file mapping passed, or read again from the start. */
static int
text_cover(void *ctx, uintptr_t at, struct tlh_vma *vma)
{
	struct text_ctx *t = ctx;
	struct cursor *c = t->c;
	const struct passed_file *f;
	unsigned int i;
	int ret;

	if (!c->started || at < c->ring_from) {
		ret = cursor_rewind(c, t->fd);
		if (ret)
			return ret;
	}
	if (at < c->passed) {
		for (i = 0; i < c->ring_n; i++) {
			f = &c->ring[i];
			if (f->start > at || f->end <= at)
				continue;
			memset(vma, 0, sizeof(*vma));
			vma->start = f->start;
			vma->end = f->end;
			vma->flags = TLH_VMA_FILE;
			vma->offset = f->offset;
			vma->inode = f->inode;
			vma->major = f->major;
			vma->minor = f->minor;
			return 0;
		}
		return -ENXIO;	/* no file mapping there */
	}
	ret = cursor_reach(c, t->fd, at);
	if (ret)
		return ret;
	*vma = c->pending;
	return 0;
}

/* The name of the pending line for @q: the kernel's escape of a newline
 * undone, as the ioctl gives it; empty if it does not fit. */
static void
copy_name(struct tlh_maps_query *q, const char *name, size_t len)
{
	size_t i, o = 0;

	q->vma.name = q->name;
	q->vma.name_len = 0;
	if (!q->name || !q->name_size)
		return;
	for (i = 0; i < len && o < q->name_size - 1; i++, o++) {
		q->name[o] = name[i];
		if (name[i] == '\\' && len - i >= 4 &&
		    !memcmp(name + i, "\\012", 4)) {
			q->name[o] = '\n';
			i += 3;
		}
	}
	if (i < len)
		o = 0;
	q->name[o] = '\0';
	q->vma.name_len = o;
}

static int
find_text(int fd, struct cursor *c, struct tlh_maps_query *q)
{
	struct text_ctx ctx = { c, fd };
	int ret;

	/*
	 * Only an address above the previous call's, and not inside the
	 * mapping that call described, goes on with the reading: asked again
	 * about what it was told, a caller is told afresh.
	 */
	if (!c->started || q->addr <= c->last_addr || q->addr < c->passed ||
	    (c->have_pending && c->pending.start < q->addr &&
	     q->addr < c->pending.end)) {
		ret = cursor_rewind(c, fd);
		if (ret)
			return ret;
	}
	c->last_addr = q->addr;
	ret = cursor_reach(c, fd, q->addr);
	if (ret)
		return ret;
	q->vma = c->pending;
	copy_name(q, c->pending.name, c->pending.name_len);
	if (q->want_base && (q->vma.flags & TLH_VMA_FILE))
		ret = find_base(&q->vma, text_cover, &ctx, &q->base);
	return ret;
}

static int
find_by_query(pid_t pid, struct tlh_maps_query *q)
{
	int fd, ret;

	fd = tlh_fdcache_get(pid, TLH_FD_MAPS);
	if (fd < 0)
		return fd;
	ret = find_query(fd, q);
	if (ret == -ESRCH)
		tlh_fdcache_drop(pid);	/* that process is gone */
	tlh_fdcache_unlock();
	return ret;
}

static int
find_by_text(pid_t pid, struct tlh_maps_query *q)
{
	struct cursor *c;
	int fd, ret;

	fd = tlh_fdcache_get(pid, TLH_FD_MAPS_SEQ);
	if (fd < 0)
		return fd;
	c = tlh_fdcache_seq_state(pid, sizeof(*c));
	ret = c ? find_text(fd, c, q) : -ENOMEM;
	if (ret == -ESRCH)
		tlh_fdcache_drop(pid);
	tlh_fdcache_unlock();
	return ret;
}

int
tlh_maps_find(pid_t pid, struct tlh_maps_query *q)
{
	int ret = -ENOTTY, attempt;

	q->base = 0;
	/* A descriptor of a process now gone is dropped, and one more try
	 * opens the pid afresh. */
	for (attempt = 0; attempt < 2; attempt++) {
		if (tlh_maps_have_query()) {
			ret = find_by_query(pid, q);
			if (ret == -ENOTTY || ret == -EINVAL)
				__atomic_store_n(&query_state, -1,
						 __ATOMIC_RELAXED);
		}
		if (!tlh_maps_have_query())
			ret = find_by_text(pid, q);
		if (ret != -ESRCH)
			break;
	}
	return ret;
}

/* One PAGEMAP_SCAN for the first run of guard pages in the range. */
static int
scan_guards(int fd, uintptr_t start, uintptr_t end, struct page_region *found)
{
	struct pm_scan_arg a;
	long n;

	memset(found, 0, sizeof(*found));	/* valgrind, as in query() */
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.start = start & ~(uintptr_t)(sysconf(_SC_PAGESIZE) - 1);
	a.end = end;	/* the kernel rounds the end up */
	a.vec = (uintptr_t)found;
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

/* A kept descriptor of @pid's that is gone, or no longer its own: drop
 * it and try again, once. */
static int
retry(pid_t pid, int ret, int attempt)
{
	if ((ret != -ESRCH && ret != -EBADF) || attempt)
		return 0;
	tlh_fdcache_drop(pid);
	tlh_fdcache_unlock();
	return 1;
}

static int
fd_get(pid_t pid, enum tlh_fd_kind kind, unsigned int flags)
{
	return flags & TLH_MAPS_UNCHECKED ?
	       tlh_fdcache_get_unchecked(pid, kind) :
	       tlh_fdcache_get(pid, kind);
}

int
tlh_maps_guard_find_flags(pid_t pid, uintptr_t start, uintptr_t end,
			  uintptr_t *gstart, uintptr_t *gend,
			  unsigned int flags)
{
	struct page_region found;
	int fd, ret, attempt;

	for (attempt = 0;; attempt++) {
		fd = fd_get(pid, TLH_FD_PAGEMAP, flags);
		if (fd < 0)
			return fd;
		ret = scan_guards(fd, start, end, &found);
		/* ENOTTY from another file is no answer about the kernel */
		if (ret == -ENOTTY && !tlh_fdcache_owned(pid, TLH_FD_PAGEMAP))
			ret = -EBADF;
		if (retry(pid, ret, attempt))
			continue;
		tlh_fdcache_unlock();
		break;
	}
	if (ret > 0) {
		*gstart = found.start < start ? start : (uintptr_t)found.start;
		*gend = found.end > end ? end : (uintptr_t)found.end;
	}
	return ret;
}

int
tlh_maps_guard_find(pid_t pid, uintptr_t start, uintptr_t end,
		    uintptr_t *gstart, uintptr_t *gend)
{
	return tlh_maps_guard_find_flags(pid, start, end, gstart, gend, 0);
}

int
tlh_maps_guarded_flags(pid_t pid, uintptr_t start, uintptr_t end,
		       unsigned int flags)
{
	uintptr_t gstart, gend;

	return tlh_maps_guard_find_flags(pid, start, end, &gstart, &gend,
					 flags);
}

int
tlh_maps_guarded(pid_t pid, uintptr_t start, uintptr_t end)
{
	return tlh_maps_guarded_flags(pid, start, end, 0);
}

/*
 * The walk over one of @pid's kept descriptors.  The text is read where
 * the kernel lacks PROCMAP_QUERY (ENOTTY, from a descriptor still ours:
 * then for good) or refuses a query (EINVAL: for this walk only).
 */
static int
walk_fd(pid_t pid, int fd, uintptr_t start, uintptr_t end, unsigned int need,
	tlh_vma_fn fn, void *arg)
{
	int ret = -ENOTTY;

	if (tlh_maps_have_query()) {
		ret = walk_query(fd, start, end, need, fn, arg);
		if (ret == -ENOTTY && !tlh_fdcache_owned(pid, TLH_FD_MAPS))
			return -EBADF;
		if (ret == -ENOTTY)
			__atomic_store_n(&query_state, -1, __ATOMIC_RELAXED);
	}
	if (ret == -ENOTTY || ret == -EINVAL)
		ret = walk_text(fd, start, end, need, fn, arg);
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
	return tlh_maps_check_token(pid, start, end, need, fn, arg, NULL);
}

int
tlh_maps_check_token(pid_t pid, uintptr_t start, uintptr_t end,
		     unsigned int need, tlh_vma_fn fn, void *arg,
		     struct tlh_maps_token *tok)
{
	int fd, ret, attempt;

	if (tok)
		tok->addr = 0;
	if (start >= end)
		return 0;
	for (attempt = 0;; attempt++) {
		fd = fd_get(pid, TLH_FD_MAPS, need);
		if (fd < 0)
			return fd;
		if (tok && tlh_fdcache_token(pid, &tok->addr, tok->bytes))
			tok->addr = 0;
		ret = walk_fd(pid, fd, start, end, need & ~TLH_MAPS_UNCHECKED,
			      fn, arg);
		if (retry(pid, ret, attempt))
			continue;
		tlh_fdcache_unlock();
		return ret;
	}
}
