/*
 * fuzz_maps_text.c - the reading of a whole /proc/<pid>/maps text:
 * read_lines(), which splits it into lines (keeping only the head of an
 * overlong one), and the walks over it, walk_text() (the range walk of
 * the text fallback) and each_line() (tlh_maps_each()'s).
 *
 * Those are static in lib/linux/maps.c, so this file includes maps.c
 * itself; lib/ is not changed.  read(), pread() and lseek() are
 * redirected, in this file only, to serve the fuzz input from memory: in
 * chunks of a size the input chooses and with EINTR now and then, since
 * /proc hands its text out in pieces of its own choosing and the result
 * must not depend on them.
 *
 * The same text is read one mapping at a time, as tlh_maps_find() reads
 * it without PROCMAP_QUERY: find_text(), with its reading kept between
 * calls, over addresses that walk up the space as a region walker does,
 * jump about, and go back.  Every answer must be a line of the input that
 * ends above the address asked, with its name (or none, where it does not
 * fit); for an input whose lines are well formed and in order, as the
 * kernel's are, it must be exactly the first such line, and the base it
 * finds for a file mapping exactly the one the model finds by following
 * offsets back through the whole list.
 *
 * The answer of each walk is checked against a model: the input split on
 * '\n' (each line cut to the 8192 bytes of read_lines()'s buffer), each
 * line parsed with tlh_maps_parse_line() (which fuzz_maps_line checks),
 * and the walk's rules applied to that list: the mappings handed to the
 * callback, in order and with their names, and the return value must be
 * the model's.  The ranges walked come from the mappings the text names
 * (each one, its middle, its edges, all of them) and from the input's
 * hash; the flags wanted and the callback's stop vary with the input.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "fuzz.h"

static ssize_t text_read(int fd, void *buf, size_t n);
static ssize_t text_pread(int fd, void *buf, size_t n, off_t off);
static off_t text_lseek(int fd, off_t off, int whence);

#define read(fd, buf, n)	text_read(fd, buf, n)
#define pread(fd, buf, n, off)	text_pread(fd, buf, n, off)
#define lseek(fd, off, whence)	text_lseek(fd, off, whence)
#include "linux/maps.c"
#undef read
#undef pread
#undef lseek

const char fuzz_target_name[] = "maps_text";

#define HEAD_MAX	8192	/* read_lines()'s buffer */
#define MAX_WALKS	16
#define STOP_VALUE	4242

/* What text_read() serves. */
static struct {
	const uint8_t *data;
	size_t size;
	size_t pos;
	size_t chunk;		/* most bytes per call, 0 for no limit */
	unsigned int eintr;	/* every eintr-th call fails, 0 never */
	unsigned long calls;
} text;

/* @n bytes at @at, as the text is served (chunks, EINTR): read or -1. */
static ssize_t
text_serve(void *buf, size_t n, size_t at)
{
	size_t left = at < text.size ? text.size - at : 0;

	text.calls++;
	if (text.eintr && text.calls % text.eintr == 0) {
		errno = EINTR;
		return -1;
	}
	if (text.chunk && n > text.chunk)
		n = text.chunk;
	if (n > left)
		n = left;
	memcpy(buf, text.data + at, n);
	return (ssize_t)n;
}

static ssize_t
text_read(int fd, void *buf, size_t n)
{
	ssize_t got = text_serve(buf, n, text.pos);

	(void)fd;
	if (got > 0)
		text.pos += (size_t)got;
	return got;
}

/* pread() does not move the descriptor's offset: a reading in order on
 * the same descriptor goes on where it was. */
static ssize_t
text_pread(int fd, void *buf, size_t n, off_t off)
{
	(void)fd;
	return text_serve(buf, n, (size_t)off);
}

static off_t
text_lseek(int fd, off_t off, int whence)
{
	(void)fd;
	fuzz_check(off == 0 && whence == SEEK_SET);	/* rewinds only */
	text.pos = 0;
	return 0;
}

static void
text_rewind(size_t chunk, unsigned int eintr)
{
	text.pos = 0;
	text.chunk = chunk;
	text.eintr = eintr;
	text.calls = 0;
}

/* A mapping as the callback saw it, its name reduced to length and hash. */
struct seen {
	struct tlh_vma vma;
	uint64_t name_hash;
};

/* One line of the model: tlh_maps_parse_line()'s answer, and the vma. */
struct mline {
	int ret;	/* 0, -EINVAL, or -ERANGE (above a 32-bit build) */
	struct tlh_vma vma;
	uint64_t name_hash;
};

struct model {
	struct mline *l;
	size_t n;
};

struct record {
	struct seen *s;
	size_t n;
	size_t cap;
	size_t stop_at;		/* return STOP_VALUE on this call, from 1 */
};

static void
model_build(struct model *m, const uint8_t *data, size_t size)
{
	const uint8_t *nl;
	size_t pos = 0, len;
	struct mline *ml;

	m->n = 0;
	while (pos < size) {
		nl = memchr(data + pos, '\n', size - pos);
		len = nl ? (size_t)(nl - (data + pos)) : size - pos;
		ml = &m->l[m->n++];
		ml->ret = tlh_maps_parse_line((const char *)data + pos,
					      len < HEAD_MAX ? len : HEAD_MAX,
					      &ml->vma);
		if (!ml->ret)
			ml->name_hash = fuzz_hash((const uint8_t *)
						  ml->vma.name,
						  ml->vma.name_len);
		pos += len + (nl ? 1 : 0);
	}
}

static int
record_vma(const struct tlh_vma *vma, void *arg)
{
	struct record *r = arg;
	struct seen *s;

	fuzz_check(r->n < r->cap);
	s = &r->s[r->n++];
	s->vma = *vma;
	s->name_hash = fuzz_hash((const uint8_t *)vma->name, vma->name_len);
	return r->n == r->stop_at ? STOP_VALUE : 0;
}

/* The model's calls are @want; check that the record holds them. */
static void
expect_seen(const struct record *r, const struct mline *const *want,
	    size_t n)
{
	const struct tlh_vma *a, *b;
	size_t i;

	fuzz_check(r->n == n);
	for (i = 0; i < n; i++) {
		a = &r->s[i].vma;
		b = &want[i]->vma;
		fuzz_check(a->start == b->start && a->end == b->end);
		fuzz_check(a->flags == b->flags && a->offset == b->offset);
		fuzz_check(a->inode == b->inode && a->major == b->major &&
			   a->minor == b->minor);
		fuzz_check(a->name_len == b->name_len);
		fuzz_check(r->s[i].name_hash == want[i]->name_hash);
	}
}

/*
 * tlh_maps_each()'s reading: every line, in order, until one is bad; one
 * a 32-bit build cannot name is left out.
 */
static void
check_each(const struct model *m, const struct mline **want,
	   struct record *r, size_t stop_at)
{
	struct each e = { record_vma, r };
	size_t i, n = 0;
	int ret, expect = 0;

	r->n = 0;
	r->stop_at = stop_at;
	ret = read_lines(0, each_line, &e);
	if (!m->n)
		expect = -ESRCH;
	for (i = 0; i < m->n && !expect; i++) {
		if (m->l[i].ret == -ERANGE)
			continue;
		if (m->l[i].ret) {
			expect = -EBADMSG;
			break;
		}
		want[n++] = &m->l[i];
		if (n == stop_at)
			expect = STOP_VALUE;
	}
	fuzz_check(ret == expect);
	expect_seen(r, want, n);
}

/*
 * walk_text() over [@start, @end) with @need: a hole (or a line a 32-bit
 * build cannot name) ends it with -ENXIO, a bad line with -EBADMSG.
 */
static void
check_walk(const struct model *m, const struct mline **want,
	   struct record *r, uintptr_t start, uintptr_t end,
	   unsigned int need, size_t stop_at)
{
	const struct tlh_vma *v;
	uintptr_t addr = start;
	size_t i, n = 0;
	int ret, expect = -ENXIO;

	r->n = 0;
	r->stop_at = stop_at;
	text_rewind(0, 0);
	ret = walk_text(0, start, end, need, record_vma, r);
	if (start >= end)
		expect = 0;
	else if (!m->n)
		expect = -ESRCH;
	for (i = 0; i < m->n && expect == -ENXIO && start < end; i++) {
		if (m->l[i].ret == -ERANGE)
			break;
		if (m->l[i].ret) {
			expect = -EBADMSG;
			break;
		}
		v = &m->l[i].vma;
		if (v->end <= addr)
			continue;
		if (v->start > addr)
			break;		/* a hole: -ENXIO */
		if ((v->flags & need) != need) {
			expect = -EACCES;
			break;
		}
		want[n++] = &m->l[i];
		if (n == stop_at) {
			expect = STOP_VALUE;
			break;
		}
		addr = v->end;
		if (addr >= end)
			expect = 0;
	}
	fuzz_check(ret == expect);
	expect_seen(r, want, n);
	/* what was handed over covers the range from its start, without a
	 * gap, and to its end if the walk succeeded */
	for (i = 0; i < r->n; i++) {
		v = &r->s[i].vma;
		fuzz_check(v->start < v->end && v->end > start);
		fuzz_check(i || v->start <= start);
		fuzz_check(!i || v->start <= r->s[i - 1].vma.end);
		fuzz_check(!i || v->end > r->s[i - 1].vma.end);
		fuzz_check((v->flags & need) == need);
	}
	fuzz_check(ret || start >= end ||
		   (r->n && r->s[r->n - 1].vma.end >= end));
}

/* Well formed and in order, without overlaps: as the kernel writes it. */
static int
model_sorted(const struct model *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->l[i].ret ||
		    (i && m->l[i].vma.start < m->l[i - 1].vma.end))
			return 0;
	return 1;
}

/* The model's base for file mapping @v: offsets followed back. */
static uintptr_t
model_base(const struct model *m, const struct tlh_vma *v)
{
	const struct tlh_vma *n = v;
	uintptr_t at;
	size_t hop, i;

	for (hop = 0; hop < BASE_HOPS; hop++) {
		if (!n->offset)
			return n->start;
		if (n->offset > n->start)
			return 0;
		at = n->start - (uintptr_t)n->offset;
		for (i = 0; i < m->n; i++)
			if (m->l[i].vma.start <= at && at < m->l[i].vma.end)
				break;
		if (i == m->n || !same_file(&m->l[i].vma, v) ||
		    m->l[i].vma.offset >= n->offset)
			return 0;
		n = &m->l[i].vma;
	}
	return 0;
}

/* The name copy_name() gives for @v in @size bytes: its length, or 0. */
static size_t
model_name(const struct tlh_vma *v, size_t size, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < v->name_len; i++) {
		if (o + 1 >= size)
			return 0;
		if (v->name[i] == '\\' && v->name_len - i >= 4 &&
		    !memcmp(v->name + i, "\\012", 4)) {
			out[o++] = '\n';
			i += 3;
		} else {
			out[o++] = v->name[i];
		}
	}
	return o;
}

/* One find_text() at @addr, checked; the next address a walk would ask. */
static uintptr_t
check_find(const struct model *m, struct cursor *c, uintptr_t addr,
	   size_t name_size, int sorted)
{
	static char name[320], want_name[320];
	struct tlh_maps_query q;
	const struct tlh_vma *w = NULL;
	size_t i, len;
	int ret;

	memset(&q, 0, sizeof(q));
	q.addr = addr;
	q.name = name;
	q.name_size = name_size;
	q.want_base = 1;
	ret = find_text(0, c, &q);
	fuzz_check(ret == 0 || ret == -ENXIO || ret == -EBADMSG ||
		   ret == -ESRCH);
	fuzz_check(ret != -ESRCH || !m->n);
	if (sorted) {
		for (i = 0; i < m->n && !w; i++)
			if (m->l[i].vma.end > addr)
				w = &m->l[i].vma;
		fuzz_check(ret == (w ? 0 : m->n ? -ENXIO : -ESRCH));
	}
	if (ret)
		return addr + 4096;
	for (i = 0; i < m->n && !w; i++)
		if (!m->l[i].ret && m->l[i].vma.start == q.vma.start &&
		    m->l[i].vma.end == q.vma.end &&
		    m->l[i].vma.flags == q.vma.flags &&
		    m->l[i].vma.offset == q.vma.offset &&
		    m->l[i].vma.inode == q.vma.inode)
			w = &m->l[i].vma;
	fuzz_check(w && q.vma.end > addr);
	fuzz_check(q.vma.start == w->start && q.vma.end == w->end &&
		   q.vma.flags == w->flags && q.vma.offset == w->offset &&
		   q.vma.inode == w->inode && q.vma.major == w->major &&
		   q.vma.minor == w->minor);
	len = model_name(w, name_size, want_name);
	fuzz_check(q.vma.name == name && q.vma.name_len == len &&
		   !memcmp(name, want_name, len) && !name[len]);
	if (sorted)
		fuzz_check(q.base == ((w->flags & TLH_VMA_FILE) ?
				      model_base(m, w) : 0));
	return q.vma.start > addr ? q.vma.start : q.vma.end;
}

/*
 * Walks one mapping at a time over the text, as a region walker does,
 * then addresses that jump about and go back, on one reading.
 */
static void
check_finds(const struct model *m, uint64_t *rng, size_t size)
{
	struct cursor *c = calloc(1, sizeof(*c));
	int sorted = model_sorted(m);
	uintptr_t addr = 0;
	size_t i, name_size;

	fuzz_check(c != NULL);
	text_rewind(fuzz_next(rng) % 2 ? 0 :
		    1 + (size_t)(fuzz_next(rng) % (size > 512 ? 512 : 16)),
		    fuzz_next(rng) % 3 ? 0 :
		    2 + (unsigned int)(fuzz_next(rng) % 5));
	name_size = 1 + (size_t)(fuzz_next(rng) % 300);
	for (i = 0; i <= m->n + 1; i++) {
		addr = check_find(m, c, addr, name_size, sorted);
		if (!addr)
			break;	/* wrapped past the top */
	}
	for (i = 0; i < 2 * MAX_WALKS; i++) {
		switch (fuzz_next(rng) % 4) {
		case 0:		/* anywhere */
			addr = (uintptr_t)fuzz_next(rng);
			break;
		case 1:		/* inside a line, or at its edges */
			if (m->n) {
				const struct mline *l =
					&m->l[fuzz_next(rng) % m->n];

				addr = l->vma.start + (l->ret ? 0 :
					(uintptr_t)(fuzz_next(rng) %
					(l->vma.end - l->vma.start + 1)));
			}
			break;
		case 2:		/* the same again */
			break;
		default:	/* a little lower */
			addr -= (uintptr_t)(fuzz_next(rng) % 65536);
		}
		check_find(m, c, addr, name_size, sorted);
	}
	free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int needs[] = {
		0, TLH_VMA_READ, TLH_VMA_READ | TLH_VMA_WRITE,
	};
	uintptr_t lo[MAX_WALKS], hi[MAX_WALKS], s, e;
	uint64_t rng = fuzz_hash(data, size);
	const struct mline **want;
	struct record r;
	struct model m;
	size_t i, k, walks = 0, lines = 1, chunk;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	m.l = malloc(lines * sizeof(*m.l));
	want = malloc(lines * sizeof(*want));
	r.s = malloc(lines * sizeof(*r.s));
	fuzz_check(m.l && want && r.s);
	r.cap = lines;
	text.data = data;
	text.size = size;
	model_build(&m, data, size);

	/* tlh_maps_each(): whole reads, small reads with EINTR, one stop */
	text_rewind(0, 0);
	check_each(&m, want, &r, 0);
	chunk = 1 + (size_t)(fuzz_next(&rng) % (size > 4096 ? 4096 : 16));
	text_rewind(chunk, 2 + (unsigned int)(fuzz_next(&rng) % 5));
	check_each(&m, want, &r, 0);
	text_rewind(HEAD_MAX - 1 - (size_t)(fuzz_next(&rng) % 8), 0);
	check_each(&m, want, &r, 1 + (size_t)(fuzz_next(&rng) % 4));

	/* the ranges to walk */
	lo[walks] = (uintptr_t)fuzz_next(&rng);
	hi[walks] = lo[walks] + (uintptr_t)(fuzz_next(&rng) % 65536);
	walks++;
	for (i = 0; i < m.n && walks + 4 <= MAX_WALKS; i++) {
		if (m.l[i].ret)
			continue;
		s = m.l[i].vma.start;
		e = m.l[i].vma.end;
		lo[walks] = s;
		hi[walks++] = e;
		lo[walks] = s + (e - s) / 2;
		hi[walks++] = e + (e < UINTPTR_MAX);
		lo[walks] = e - 1;
		hi[walks++] = e + (uintptr_t)(fuzz_next(&rng) % 8192);
		for (k = m.n; k > i + 1 && m.l[k - 1].ret; k--)
			;
		lo[walks] = s;
		hi[walks++] = k > i + 1 ? m.l[k - 1].vma.end : e;
	}
	for (i = 0; i < walks; i++)
		check_walk(&m, want, &r, lo[i], hi[i],
			   needs[fuzz_next(&rng) % 3],
			   fuzz_next(&rng) % 4 ? 0 :
			   1 + (size_t)(fuzz_next(&rng) % 3));

	check_finds(&m, &rng, size);

	free(r.s);
	free(want);
	free(m.l);
	return 0;
}
