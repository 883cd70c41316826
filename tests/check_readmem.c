/*
 * check_readmem.c - Toolhelp32ReadProcessMemory: reads of this process and
 * of children, both internal paths (<= 16 KiB: two passes; larger: check
 * the maps, then copy), every failure's code, count and untouched buffer,
 * the order of the checks, the last error, a target that remaps while it
 * is read, and the /proc/<pid>/maps text fallback.
 *
 * Sources are filled with tlh_fx_pattern_byte(seed, offset) and
 * destinations with the canary, so a wrong page, a short copy or a stray
 * write shows as a wrong byte.  Where a test maps a layout with a hole, it
 * maps its destination first, so that nothing lands in the hole.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tlhelp32.h>

#include "fixtures.h"
#include "linux/procmap_query.h"
#include "suites.h"

#define KIB		((size_t)1024)
#define MIB		(1024 * KIB)
#define SMALL_MAX	(16 * KIB)	/* the library's two-pass limit */
#define COUNT_UNSET	((SIZE_T)0x5eed5eed)	/* a count preset: untouched */
#define LAST_PRESET	12345u		/* a last error preset */
#define SEED		7u		/* sources */
#define SEED_CHILD	8u		/* what a child writes over SEED */
#define SEED_DEST	9u		/* destinations made of layouts */

#define RW	(PROT_READ | PROT_WRITE)
#define RO	PROT_READ
#define RX	(PROT_READ | PROT_EXEC)
#define NONE	PROT_NONE
#define HOLE	TLH_FX_HOLE

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static size_t pg;

static void
setup(void)
{
	pg = tlh_fx_page_size();
}

/* -------------------------------------------------------------------------- */

/*
 * A destination: @len bytes at @off past a page boundary, filled with the
 * canary, with at least a page of canary on each side.
 */
struct dest {
	unsigned char *map;
	size_t maplen;
	unsigned char *buf;
	size_t len;
};

static void
dest_init(struct dest *d, size_t len, size_t off)
{
	d->maplen = (off + len + pg - 1) / pg * pg + 2 * pg;
	d->map = mmap(NULL, d->maplen, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_msg(d->map != MAP_FAILED, "mmap %zu bytes: %s", d->maplen,
		      strerror(errno));
	tlh_fx_canary_fill(d->map, d->maplen);
	d->buf = d->map + pg + off;
	d->len = len;
}

static void
dest_fini(struct dest *d)
{
	munmap(d->map, d->maplen);
}

/* The canary around @d is intact; and in it, if @whole. */
static void
dest_assert_canary(const struct dest *d, int whole, const char *what)
{
	size_t before = (size_t)(d->buf - d->map);
	size_t after = d->maplen - before - d->len;
	size_t bad;

	bad = tlh_fx_canary_check(d->map, before);
	ck_assert_msg(bad == before, "%s: wrote %zu bytes before the buffer",
		      what, before - bad);
	bad = tlh_fx_canary_check(d->buf + d->len, after);
	ck_assert_msg(bad == after, "%s: wrote byte %zu after the buffer",
		      what, bad);
	if (!whole)
		return;
	bad = tlh_fx_canary_check(d->buf, d->len);
	ck_assert_msg(bad == d->len,
		      "%s: failed but changed byte %zu of the %zu-byte buffer",
		      what, bad, d->len);
}

/*
 * Read @d->len bytes at @src in @pid: TRUE, the full count, the last error
 * kept, pattern @seed from offset @off, nothing written around.
 */
static void
assert_read(DWORD pid, const void *src, struct dest *d, unsigned int seed,
	    size_t off, const char *what)
{
	SIZE_T count = COUNT_UNSET;
	size_t bad;
	BOOL ok;

	SetLastError(LAST_PRESET);
	ok = Toolhelp32ReadProcessMemory(pid, src, d->buf, d->len, &count);
	ck_assert_msg(ok == TRUE, "%s: returned %d, error %u", what, ok,
		      (unsigned int)GetLastError());
	ck_assert_msg(count == d->len, "%s: count %zu, expected %zu", what,
		      (size_t)count, d->len);
	ck_assert_msg(GetLastError() == LAST_PRESET,
		      "%s: success changed the last error to %u", what,
		      (unsigned int)GetLastError());
	bad = tlh_fx_pattern_check(d->buf, d->len, seed, off);
	ck_assert_msg(bad == d->len, "%s: byte %zu of %zu is %#x, expected %#x",
		      what, bad, d->len, d->buf[bad],
		      tlh_fx_pattern_byte(seed, off + bad));
	dest_assert_canary(d, 0, what);
}

/*
 * A read expected to fail, perhaps given deliberately bad pointers: what
 * the library's system calls do with them is not valgrind's to report.
 */
static BOOL
read_bad(DWORD pid, const void *src, void *dst, size_t n, SIZE_T *count)
{
	BOOL ok;

	tlh_fx_quiet_begin();
	ok = Toolhelp32ReadProcessMemory(pid, src, dst, n, count);
	tlh_fx_quiet_end();
	return ok;
}

/*
 * The read fails with @code; the count is 0, or untouched where the
 * process cannot be reached (87, 5).
 */
static void
assert_fail(DWORD pid, const void *src, void *dst, size_t n, DWORD code,
	    const char *what)
{
	SIZE_T count = COUNT_UNSET;
	BOOL ok;

	SetLastError(LAST_PRESET);
	ok = read_bad(pid, src, dst, n, &count);
	ck_assert_msg(ok == FALSE, "%s: returned %d, expected FALSE", what, ok);
	ck_assert_msg(GetLastError() == code, "%s: error %u, expected %u", what,
		      (unsigned int)GetLastError(), (unsigned int)code);
	if (code == ERROR_INVALID_PARAMETER || code == ERROR_ACCESS_DENIED)
		ck_assert_msg(count == COUNT_UNSET,
			      "%s: count set to %zu, expected it untouched",
			      what, (size_t)count);
	else
		ck_assert_msg(count == 0, "%s: count %zu, expected 0", what,
			      (size_t)count);
}

/* assert_fail() into a canary destination, which must stay untouched. */
static void
assert_fail_dest(DWORD pid, const void *src, struct dest *d, DWORD code,
		 const char *what)
{
	assert_fail(pid, src, d->buf, d->len, code, what);
	dest_assert_canary(d, 1, what);
}

static void *
layout(const struct tlh_fx_piece *pieces, size_t n, unsigned int seed,
       size_t *lenp)
{
	void *p = tlh_fx_layout(pieces, n, seed, lenp);

	ck_assert_msg(p != NULL, "mapping a layout: %s", strerror(errno));
	return p;
}

static void
child_start(struct tlh_fx_child *c, const struct tlh_fx_spec *spec)
{
	int ret = tlh_fx_child_start(c, spec);

	ck_assert_msg(ret == 0, "starting a child: %s", strerror(-ret));
}

static void
skip(const char *test, const char *why)
{
	fprintf(stderr, "readmem: %s: SKIPPED: %s\n", test, why);
}

/* --- self and child: sizes, offsets, adjacent mappings ------------------- */

/*
 * A size or an offset: @pages pages and @bytes bytes, so that the tables
 * cross page boundaries whatever the page size (4, 16 or 64 KiB).  The
 * library's own switch (SMALL_MAX, 16 KiB) is in bytes.
 */
struct span {
	size_t pages;
	long bytes;
};

#define B(n)		{ 0, (n) }
#define P(p, n)		{ (p), (n) }

static size_t
span(struct span s)
{
	return s.pages * pg + (size_t)s.bytes;
}

/* Both paths: 1 byte to 8 MiB, a page, around the 16 KiB switch. */
static const struct span sizes[] = {
	B(1), B(8), P(1, 0), B(16384), B(16385), P(2, 3), B(64 * KIB),
	B(8 * MIB),
};

static void
read_self_size(DWORD pid, size_t n)
{
	struct tlh_fx_piece piece = { n / pg + 1, RW };
	struct dest d;
	size_t len;
	char what[64];
	void *src;

	snprintf(what, sizeof(what), "pid %u, %zu bytes", (unsigned int)pid, n);
	dest_init(&d, n, 0);
	src = layout(&piece, 1, SEED, &len);
	assert_read(pid, src, &d, SEED, 0, what);
	tlh_fx_layout_free(src, len);
	dest_fini(&d);
}

START_TEST(self_pid0)
{
	read_self_size(0, span(sizes[_i]));
}
END_TEST

START_TEST(self_getpid)
{
	read_self_size((DWORD)getpid(), span(sizes[_i]));
}
END_TEST

/* Sources and destinations off alignment; destinations across pages. */
static const struct offset_spec {
	struct span src_off;
	struct span dst_off;
	struct span len;
} unaligned[] = {
	{ B(1), B(0), B(8) },
	{ B(0), B(1), B(8) },
	{ P(1, -3), B(0), B(8) },	/* source across a page boundary */
	{ B(3), B(5), P(1, 0) },
	{ P(1, -1), B(1), P(1, 0) },
	{ B(7), B(9), B(16383) },
	{ P(1, -1), B(3), B(16384) },
	{ B(1), B(2), B(16385) },
	{ P(1, -2), B(7), B(64 * KIB) },
	{ B(5), B(11), B(MIB + 3) },
}, straddling[] = {
	{ B(0), P(1, -1), B(2) },	/* destination across a boundary */
	{ B(0), P(1, -4), B(8) },
	{ B(1), P(1, -96), P(1, 0) },
	{ B(0), B(1), P(2, 0) },
	{ B(3), P(1, -1), P(3, 0) },	/* ... across three */
	{ B(0), P(1, -2048), B(16384) },	/* the most pages (5 of 4 KiB) */
	{ B(5), B(1), B(16384) },
	{ B(0), P(1, -1), B(16385) },
	{ B(2), P(1, -3), B(64 * KIB) },
};

/* An offset case with the page size applied. */
struct offset_case {
	size_t src_off;
	size_t dst_off;
	size_t len;
};

static struct offset_case
offsets(const struct offset_spec *o)
{
	struct offset_case c = {
		span(o->src_off), span(o->dst_off), span(o->len),
	};

	return c;
}

/*
 * Read @c from @pid, where @src holds pattern @seed at offset 0 over at
 * least c->src_off + c->len bytes.
 */
static void
read_offset_case(DWORD pid, const unsigned char *src, unsigned int seed,
		 const struct offset_case *c)
{
	struct dest d;
	char what[96];

	snprintf(what, sizeof(what), "pid %u, %zu bytes, src +%zu, dst +%zu",
		 (unsigned int)pid, c->len, c->src_off, c->dst_off);
	dest_init(&d, c->len, c->dst_off);
	assert_read(pid, src + c->src_off, &d, seed, c->src_off, what);
	dest_fini(&d);
}

static void
read_self_offset(const struct offset_spec *o)
{
	struct offset_case c = offsets(o);
	struct tlh_fx_piece piece = { (c.src_off + c.len) / pg + 1, RW };
	unsigned char *src;
	size_t len;

	src = layout(&piece, 1, SEED, &len);
	read_offset_case(0, src, SEED, &c);
	tlh_fx_layout_free(src, len);
}

START_TEST(self_unaligned)
{
	read_self_offset(&unaligned[_i]);
}
END_TEST

START_TEST(self_straddle)
{
	read_self_offset(&straddling[_i]);
}
END_TEST

/* Adjacent mappings, each readable with a different protection. */
static const struct tlh_fx_piece adjacent[] = {
	{ 2, RO }, { 2, RW }, { 2, RX }, { 1, RO }, { 3, RW }, { 1, RX },
};

#define ADJACENT_PAGES	11

/* Ranges over them, in pages and bytes: pages * pg + bytes. */
static const struct range_case {
	size_t off_pages;
	long off_bytes;
	size_t len_pages;
	long len_bytes;
} adjacent_ranges[] = {
	{ 2, -4, 0, 8 },		/* r-- | rw- */
	{ 2, -100, 3, 0 },		/* r-- | rw- | r-x */
	{ 1, 1, 4, -1 },		/* r-- | rw- | r-x, 16 KiB - 1 */
	{ 3, 0, 4, 0 },			/* rw- | r-x | r--, 16 KiB */
	{ 0, 0, ADJACENT_PAGES, 0 },	/* all six */
	{ 0, 3, ADJACENT_PAGES, -5 },
	{ 5, 7, 5, 0 },			/* r-x | r-- | rw- | r-x */
};

static size_t
range_off(const struct range_case *r)
{
	return r->off_pages * pg + (size_t)r->off_bytes;
}

static size_t
range_len(const struct range_case *r)
{
	return r->len_pages * pg + (size_t)r->len_bytes;
}

START_TEST(self_adjacent)
{
	const struct range_case *r = &adjacent_ranges[_i];
	unsigned char *src;
	struct dest d;
	size_t len;
	char what[64];

	snprintf(what, sizeof(what), "%zu bytes at +%zu", range_len(r),
		 range_off(r));
	src = layout(adjacent, ARRAY_SIZE(adjacent), SEED, &len);
	dest_init(&d, range_len(r), 0);
	assert_read(0, src + range_off(r), &d, SEED, range_off(r), what);
	dest_fini(&d);
	tlh_fx_layout_free(src, len);
}
END_TEST

/*
 * Many mappings (more than one system call's worth of probes, and more
 * than one block of maps text): r-- and rw- pages in turn, optionally
 * ending in a PROT_NONE page.
 */
#define MANY_PAGES	301

static unsigned char *
many_vmas(int last_none, size_t *lenp)
{
	struct tlh_fx_piece *pieces;
	unsigned char *p;
	size_t i;

	pieces = calloc(MANY_PAGES, sizeof(*pieces));
	ck_assert(pieces != NULL);
	for (i = 0; i < MANY_PAGES; i++) {
		pieces[i].pages = 1;
		pieces[i].prot = i % 2 ? RW : RO;
	}
	if (last_none)
		pieces[MANY_PAGES - 1].prot = NONE;
	p = tlh_fx_layout(pieces, MANY_PAGES, SEED, lenp);
	free(pieces);
	ck_assert_msg(p != NULL, "mapping %d pages: %s", MANY_PAGES,
		      strerror(errno));
	return p;
}

START_TEST(self_many_mappings)
{
	unsigned char *src;
	struct dest d;
	size_t len;

	dest_init(&d, MANY_PAGES * pg, 0);
	src = many_vmas(0, &len);
	assert_read(0, src, &d, SEED, 0, "301 mappings");
	tlh_fx_layout_free(src, len);
	dest_fini(&d);
}
END_TEST

/* A large destination over many writable mappings (rw- and rwx in turn). */
START_TEST(self_dest_many_mappings)
{
	struct tlh_fx_piece pieces[40];
	struct tlh_fx_piece piece = { 40, RW };
	unsigned char *src, *dst;
	size_t i, len, dlen, bad;
	SIZE_T count = 0;
	BOOL ok;

	for (i = 0; i < ARRAY_SIZE(pieces); i++) {
		pieces[i].pages = 1;
		pieces[i].prot = i % 2 ? RW | PROT_EXEC : RW;
	}
	src = layout(&piece, 1, SEED, &len);
	dst = layout(pieces, ARRAY_SIZE(pieces), SEED_DEST, &dlen);
	ok = Toolhelp32ReadProcessMemory(0, src + 1, dst + 2, dlen - 2,
					 &count);
	ck_assert_msg(ok == TRUE, "error %u", (unsigned int)GetLastError());
	ck_assert_uint_eq(count, dlen - 2);
	bad = tlh_fx_pattern_check(dst + 2, dlen - 2, SEED, 1);
	ck_assert_msg(bad == dlen - 2, "byte %zu wrong", bad);
	ck_assert_uint_eq(tlh_fx_pattern_check(dst, 2, SEED_DEST, 0), 2);
	tlh_fx_layout_free(dst, dlen);
	tlh_fx_layout_free(src, len);
}
END_TEST

/* A file mapping within the file's end reads: the control for EOF tests. */
START_TEST(self_file_within_eof)
{
	unsigned char *map;
	struct dest d;
	size_t i;

	map = tlh_fx_map_file(5 * pg + 100, 8 * pg, RO, SEED);
	ck_assert_msg(map != NULL, "file mapping: %s", strerror(errno));
	dest_init(&d, 5 * pg + 100, 0);
	assert_read(0, map, &d, SEED, 0, "the file's bytes");
	dest_fini(&d);

	/* The rest of the file's last page reads as zeros. */
	dest_init(&d, 6 * pg, 0);
	ck_assert(Toolhelp32ReadProcessMemory(0, map, d.buf, d.len, NULL));
	ck_assert_uint_eq(tlh_fx_pattern_check(d.buf, 5 * pg + 100, SEED, 0),
			  5 * pg + 100);
	for (i = 5 * pg + 100; i < 6 * pg; i++)
		ck_assert_msg(d.buf[i] == 0, "byte %zu past the end: %#x", i,
			      d.buf[i]);
	dest_fini(&d);
	munmap(map, 8 * pg);
}
END_TEST

/*
 * A child whose copy of the parent's memory differs: the parent fills a
 * region with SEED, the child overwrites its copy with SEED_CHILD.
 */
static unsigned char *
child_poked(struct tlh_fx_child *c, size_t n, size_t *lenp)
{
	struct tlh_fx_piece piece = { n / pg + 1, RW };
	struct tlh_fx_spec spec = { 0 };
	unsigned char *region;

	region = layout(&piece, 1, SEED, lenp);
	spec.poke = region;
	spec.poke_len = *lenp;
	spec.poke_seed = SEED_CHILD;
	child_start(c, &spec);
	return region;
}

/* The parent's copy still holds its own pattern. */
static void
assert_parent_copy(const unsigned char *region, size_t len)
{
	size_t bad = tlh_fx_pattern_check(region, len, SEED, 0);

	ck_assert_msg(bad == len, "the parent's copy changed at byte %zu", bad);
}

START_TEST(child_sizes)
{
	struct tlh_fx_child c;
	unsigned char *region;
	struct dest d;
	size_t len, n = span(sizes[_i]);
	char what[64];

	dest_init(&d, n, 0);
	region = child_poked(&c, n, &len);
	snprintf(what, sizeof(what), "child, %zu bytes", n);
	assert_read((DWORD)c.pid, region, &d, SEED_CHILD, 0, what);
	tlh_fx_child_stop(&c);
	assert_parent_copy(region, len);
	tlh_fx_layout_free(region, len);
	dest_fini(&d);
}
END_TEST

static void
read_child_offset(const struct offset_spec *o)
{
	struct offset_case oc = offsets(o);
	struct tlh_fx_child c;
	unsigned char *region;
	size_t len;

	region = child_poked(&c, oc.src_off + oc.len, &len);
	read_offset_case((DWORD)c.pid, region, SEED_CHILD, &oc);
	tlh_fx_child_stop(&c);
	assert_parent_copy(region, len);
	tlh_fx_layout_free(region, len);
}

START_TEST(child_unaligned)
{
	read_child_offset(&unaligned[_i]);
}
END_TEST

START_TEST(child_straddle)
{
	read_child_offset(&straddling[_i]);
}
END_TEST

START_TEST(child_adjacent)
{
	const struct range_case *r = &adjacent_ranges[_i];
	struct tlh_fx_spec spec = { 0 };
	struct tlh_fx_child c;
	unsigned char *src;
	struct dest d;
	char what[64];

	snprintf(what, sizeof(what), "child, %zu bytes at +%zu", range_len(r),
		 range_off(r));
	dest_init(&d, range_len(r), 0);
	spec.pieces = adjacent;
	spec.npieces = ARRAY_SIZE(adjacent);
	spec.seed = SEED_CHILD;
	child_start(&c, &spec);
	src = c.base;
	assert_read((DWORD)c.pid, src + range_off(r), &d, SEED_CHILD,
		    range_off(r), what);
	tlh_fx_child_stop(&c);
	dest_fini(&d);
}
END_TEST

/* --- unreadable sources: 299, count 0, destination untouched -------------- */

/* Small and large reads, for the cases that need no particular layout. */
static const struct span fail_sizes[] = {
	B(1), B(8), P(1, 0), B(16384), B(16385), B(64 * KIB),
};

START_TEST(src_unmapped)
{
	size_t n = span(fail_sizes[_i]), len = n + 2 * pg;
	struct dest d;
	char what[64];
	void *p;

	snprintf(what, sizeof(what), "unmapped, %zu bytes", n);
	dest_init(&d, n, 0);
	p = mmap(NULL, len, NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(p != MAP_FAILED);
	munmap(p, len);
	assert_fail_dest(0, (char *)p + pg, &d, ERROR_PARTIAL_COPY, what);
	dest_fini(&d);
}
END_TEST

START_TEST(src_null)
{
	size_t n = span(fail_sizes[_i]);
	struct dest d;
	char what[64];

	dest_init(&d, n, 0);
	snprintf(what, sizeof(what), "NULL, %zu bytes", n);
	assert_fail_dest(0, NULL, &d, ERROR_PARTIAL_COPY, what);
	snprintf(what, sizeof(what), "address 1, %zu bytes", n);
	assert_fail_dest(0, (void *)1, &d, ERROR_PARTIAL_COPY, what);
	dest_fini(&d);
}
END_TEST

START_TEST(src_prot_none)
{
	struct tlh_fx_piece piece = { 17, NONE };
	size_t n = span(fail_sizes[_i]), len;
	unsigned char *src;
	struct dest d;
	char what[64];

	snprintf(what, sizeof(what), "PROT_NONE, %zu bytes", n);
	dest_init(&d, n, 0);
	src = layout(&piece, 1, SEED, &len);
	assert_fail_dest(0, src + 3, &d, ERROR_PARTIAL_COPY, what);
	tlh_fx_layout_free(src, len);
	dest_fini(&d);
}
END_TEST

/*
 * Ranges over a layout [rw- 17][X 1][rw- 6], X unreadable (for sources) or
 * unwritable (for destinations).
 */
#define X_PAGE		17
#define X_PAGES		24

static const struct range_case x_ranges[] = {
	/* small */
	{ X_PAGE, -8, 0, 16 },			/* runs into X */
	{ X_PAGE - 4, 8, 4, 0 },		/* 16 KiB, ends 8 bytes in X */
	{ X_PAGE, 100, 0, 8 },			/* inside X */
	{ X_PAGE - 1, 0, 3, 0 },		/* X between readable pages */
	{ X_PAGE + 1, -8, 0, 16 },		/* starts in X */
	/* large */
	{ 0, 0, X_PAGE + 1, 0 },		/* the last page is X */
	{ 1, 5, X_PAGE - 1, 0 },		/* ends 5 bytes into X */
	{ 0, 0, X_PAGES, 0 },			/* X in the middle */
	{ X_PAGE, 0, 7, 0 },			/* starts in X */
	{ X_PAGE - 4, 1, 7, -1 },		/* X in the middle, unaligned */
};

static void
src_into(int prot, const struct range_case *r)
{
	const struct tlh_fx_piece pieces[] = {
		{ X_PAGE, RW }, { 1, prot }, { X_PAGES - X_PAGE - 1, RW },
	};
	unsigned char *src;
	struct dest d;
	char what[96];
	size_t len;

	snprintf(what, sizeof(what), "%s page, %zu bytes at +%zu",
		 prot == HOLE ? "hole" : "PROT_NONE", range_len(r),
		 range_off(r));
	dest_init(&d, range_len(r), 0);
	src = layout(pieces, ARRAY_SIZE(pieces), SEED, &len);
	assert_fail_dest(0, src + range_off(r), &d, ERROR_PARTIAL_COPY, what);
	tlh_fx_layout_free(src, len);
	dest_fini(&d);
}

START_TEST(src_into_prot_none)
{
	src_into(NONE, &x_ranges[_i]);
}
END_TEST

START_TEST(src_into_hole)
{
	src_into(HOLE, &x_ranges[_i]);
}
END_TEST

/* The same ranges, in a child read by pid. */
static void
child_src_into(int prot, const struct range_case *r)
{
	const struct tlh_fx_piece pieces[] = {
		{ X_PAGE, RW }, { 1, prot }, { X_PAGES - X_PAGE - 1, RW },
	};
	struct tlh_fx_spec spec = { 0 };
	struct tlh_fx_child c;
	struct dest d;
	char what[96];

	snprintf(what, sizeof(what), "child, %s page, %zu bytes at +%zu",
		 prot == HOLE ? "hole" : "PROT_NONE", range_len(r),
		 range_off(r));
	dest_init(&d, range_len(r), 0);
	spec.pieces = pieces;
	spec.npieces = ARRAY_SIZE(pieces);
	spec.seed = SEED;
	child_start(&c, &spec);
	assert_fail_dest((DWORD)c.pid, (unsigned char *)c.base + range_off(r),
			 &d, ERROR_PARTIAL_COPY, what);
	tlh_fx_child_stop(&c);
	dest_fini(&d);
}

START_TEST(child_src_into_prot_none)
{
	child_src_into(NONE, &x_ranges[_i]);
}
END_TEST

START_TEST(child_src_into_hole)
{
	child_src_into(HOLE, &x_ranges[_i]);
}
END_TEST

START_TEST(src_many_mappings_last_none)
{
	unsigned char *src;
	struct dest d;
	size_t len;

	dest_init(&d, MANY_PAGES * pg, 0);
	src = many_vmas(1, &len);
	assert_fail_dest(0, src, &d, ERROR_PARTIAL_COPY,
			 "301 mappings, the last PROT_NONE");
	tlh_fx_layout_free(src, len);
	dest_fini(&d);
}
END_TEST

/*
 * [vvar] (readable in the maps, but not copyable): 0-1 small reads at its
 * start, 2 a large read that starts in a readable mapping of ours just
 * below it, if that address is free, and ends in it.
 */
START_TEST(src_vvar)
{
	uintptr_t start, end;
	size_t n = _i < 2 ? (_i ? pg : 8) : 5 * pg;
	unsigned char *below = NULL, *src;
	struct dest d;
	int ret;

	ret = tlh_fx_self_mapping("[vvar]", &start, &end);
	if (ret) {
		skip("src_vvar", "no [vvar] in /proc/self/maps");
		return;
	}
	dest_init(&d, n, 0);
	src = (unsigned char *)start;
#ifdef MAP_FIXED_NOREPLACE
	if (_i == 2) {
		below = mmap((void *)(start - 4 * pg), 4 * pg, RW,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			     -1, 0);
		if (below == (void *)(start - 4 * pg))
			src = below;
		else if (below != MAP_FAILED)
			munmap(below, 4 * pg);
	}
#endif
	assert_fail_dest(0, src, &d, ERROR_PARTIAL_COPY,
			 src == below ? "[vvar], from the mapping below" :
			 "[vvar]");
	if (src == below)
		munmap(below, 4 * pg);
	dest_fini(&d);
}
END_TEST

/* A file mapping read past the end of the file (pages raising SIGBUS). */
static const struct file_case {
	size_t file_pages;	/* the file: pages * pg + 100 bytes */
	size_t map_pages;
	size_t off_pages;
	long off_bytes;
	size_t len_pages;
	long len_bytes;
} file_cases[] = {
	{ 0, 2, 1, 0, 0, 8 },		/* small, in the second page */
	{ 0, 2, 0, 50, 1, 0 },		/* small, runs into it */
	{ 0, 2, 0, 0, 2, 0 },		/* small, the whole mapping */
	{ 0, 6, 0, 0, 6, 0 },		/* large, all of it */
	{ 5, 8, 0, 0, 8, 0 },		/* large, ends two pages past EOF */
	{ 5, 8, 1, 3, 6, 0 },		/* large, unaligned */
	{ 5, 8, 6, 0, 0, 8 },		/* small, wholly past EOF */
};

START_TEST(src_file_past_eof)
{
	const struct file_case *f = &file_cases[_i];
	size_t off = f->off_pages * pg + (size_t)f->off_bytes;
	size_t n = f->len_pages * pg + (size_t)f->len_bytes;
	unsigned char *map;
	struct dest d;
	char what[96];

	snprintf(what, sizeof(what),
		 "file of %zu bytes mapped %zu pages, %zu bytes at +%zu",
		 f->file_pages * pg + 100, f->map_pages, n, off);
	dest_init(&d, n, 0);
	map = tlh_fx_map_file(f->file_pages * pg + 100, f->map_pages * pg, RO,
			      SEED);
	ck_assert_msg(map != NULL, "file mapping: %s", strerror(errno));
	assert_fail_dest(0, map + off, &d, ERROR_PARTIAL_COPY, what);
	munmap(map, f->map_pages * pg);
	dest_fini(&d);
}
END_TEST

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL	102	/* Linux 6.13 */
#endif

/* A guard is at @p: /proc/self/mem, which reads PROT_NONE, refuses it. */
static int
guard_in_place(const unsigned char *p)
{
	unsigned char b;
	int fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0)
		return 1;	/* cannot tell: take madvise() at its word */
	got = pread(fd, &b, 1, (off_t)(uintptr_t)p);
	close(fd);
	return got != 1;
}

/*
 * A guard page (MADV_GUARD_INSTALL) inside a readable mapping: the maps
 * show one readable mapping, but the kernel refuses to copy the page.
 * Read in 4 pages, in 24 (one system call of probes and data), and in 48
 * (more than 128 KiB: the maps and a guard region scan).
 */
START_TEST(src_guard_page)
{
	struct tlh_fx_piece piece = { 64, RW };
	size_t n = (size_t)(_i == 2 ? 48 : _i ? 24 : 4) * pg, len;
	unsigned char *src;
	struct dest d;
	int err;

	dest_init(&d, n, 0);
	src = layout(&piece, 1, SEED, &len);
	err = tlh_fx_ioctl_error("pagemap", PAGEMAP_SCAN);
	if (madvise(src + 16 * pg, pg, MADV_GUARD_INSTALL)) {
		skip("src_guard_page", "no MADV_GUARD_INSTALL (Linux < 6.13)");
	} else if (!guard_in_place(src + 16 * pg)) {
		skip("src_guard_page", "madvise(MADV_GUARD_INSTALL) succeeded "
		     "but put no guard there (qemu-user takes advice it does "
		     "not know for a hint to ignore)");
	} else if (err == ENOTTY) {
		/* the library takes ENOTTY for a kernel before 6.7 */
		skip("src_guard_page", "PAGEMAP_SCAN answers ENOTTY here, as "
		     "before Linux 6.7, which had no guard regions");
	} else {
		assert_fail_dest(0, src + 14 * pg, &d, ERROR_PARTIAL_COPY,
				 _i == 2 ? "read checked against the maps, "
				 "over a guard page" : _i ? "large read over a "
				 "guard page" : "small read over a guard page");
	}
	tlh_fx_layout_free(src, len);
	dest_fini(&d);
}
END_TEST

/* -------------------------------------------------------------------------- */

/* 0: small, 1: large. */
static size_t
bound_len(int i)
{
	return i ? 128 * KIB : 32;
}

START_TEST(src_wraps)
{
	size_t n = bound_len(_i);
	struct dest d;

	dest_init(&d, n, 0);
	assert_fail_dest(0, (void *)-(uintptr_t)(n / 2), &d, ERROR_NOACCESS,
			 "source wraps");
	dest_fini(&d);
	dest_init(&d, _i ? 2 : 1, 0);
	assert_fail_dest(0, (void *)UINTPTR_MAX, &d, ERROR_NOACCESS,
			 "source at the last address");
	dest_fini(&d);
}
END_TEST

START_TEST(src_past_user_space)
{
	uintptr_t top = tlh_fx_user_top(), above;
	size_t n = bound_len(_i);
	struct dest d;

	if (!top) {
		skip("src_past_user_space", "top of user space unknown here");
		return;
	}
	/* a 32-bit top (0xFFFFE000) leaves room for one page above it */
	above = top + 16 * pg > top ? top + 16 * pg : top + pg;
	dest_init(&d, n, 0);
	assert_fail_dest(0, (void *)(top - n / 2), &d, ERROR_NOACCESS,
			 "source reaches past user space");
	assert_fail_dest(0, (void *)top, &d, ERROR_NOACCESS,
			 "source starts at the top of user space");
	assert_fail_dest(0, (void *)above, &d, ERROR_NOACCESS,
			 "source above user space");
	dest_fini(&d);
}
END_TEST

/* A range that ends exactly at the top is in bounds: never 998. */
START_TEST(src_ends_at_top)
{
	uintptr_t top = tlh_fx_user_top();
	size_t n = bound_len(_i);
	SIZE_T count = COUNT_UNSET;
	struct dest d;
	BOOL ok;

	if (!top) {
		skip("src_ends_at_top", "top of user space unknown here");
		return;
	}
	dest_init(&d, n, 0);
	ok = Toolhelp32ReadProcessMemory(0, (void *)(top - n), d.buf, n,
					 &count);
	if (ok) {
		ck_assert_uint_eq(count, n);
	} else {
		ck_assert_uint_eq(GetLastError(), ERROR_PARTIAL_COPY);
		ck_assert_uint_eq(count, 0);
		dest_assert_canary(&d, 1, "range ending at the top");
	}
	dest_fini(&d);
}
END_TEST

START_TEST(huge_count)
{
	size_t counts[] = {
#if SIZE_MAX > UINT32_MAX
		SIZE_MAX, (size_t)1 << 60, SIZE_MAX / 2 + 1,
#else
		/* More than a 32-bit process has (0xFFFFE000 at most). */
		SIZE_MAX, SIZE_MAX - 4095, 0xFFFFE001u,
#endif
		0,	/* the size of user space, where it is known */
	};
	struct tlh_fx_piece piece = { 1, RW };
	size_t i, len, n = ARRAY_SIZE(counts);
	unsigned char *src;
	struct dest d;

	counts[n - 1] = tlh_fx_user_top();
	if (!counts[n - 1]) {
		skip("huge_count", "the size of user space is unknown here: "
		     "only counts past the end of the address space");
		n--;
	}
	dest_init(&d, 64, 0);
	src = layout(&piece, 1, SEED, &len);
	for (i = 0; i < n; i++) {
		assert_fail(0, src, d.buf, counts[i], ERROR_NOACCESS,
			    "enormous count");
		dest_assert_canary(&d, 1, "enormous count");
		/* Bounds come before readability. */
		assert_fail(0, NULL, d.buf, counts[i], ERROR_NOACCESS,
			    "enormous count from NULL");
		dest_assert_canary(&d, 1, "enormous count from NULL");
	}
	tlh_fx_layout_free(src, len);
	dest_fini(&d);
}
END_TEST

START_TEST(dest_wraps_or_past_top)
{
	struct tlh_fx_piece piece = { 33, RW };
	uintptr_t top = tlh_fx_user_top();
	size_t n = bound_len(_i), len;
	unsigned char *src;

	src = layout(&piece, 1, SEED, &len);
	assert_fail(0, src, (void *)-(uintptr_t)(n / 2), n, ERROR_NOACCESS,
		    "destination wraps");
	if (top) {
		assert_fail(0, src, (void *)(top - n / 2), n, ERROR_NOACCESS,
			    "destination reaches past user space");
		assert_fail(0, src, (void *)(top + pg), n, ERROR_NOACCESS,
			    "destination above user space");
	}
	tlh_fx_layout_free(src, len);
}
END_TEST

START_TEST(dest_null)
{
	struct tlh_fx_piece piece = { 17, RW };
	size_t n = span(fail_sizes[_i]), len;
	unsigned char *src;

	src = layout(&piece, 1, SEED, &len);
	assert_fail(0, src, NULL, n, ERROR_NOACCESS, "NULL destination");
	assert_fail(0, src, (void *)8, n, ERROR_NOACCESS,
		    "destination at address 8");
	tlh_fx_layout_free(src, len);
}
END_TEST

START_TEST(dest_read_only)
{
	struct tlh_fx_piece piece = { 17, RW };
	size_t n = span(fail_sizes[_i]), len, dlen, bad;
	unsigned char *src, *dst;

	src = layout(&piece, 1, SEED, &len);
	piece.prot = RO;
	dst = layout(&piece, 1, SEED_DEST, &dlen);
	assert_fail(0, src, dst + 1, n, ERROR_NOACCESS, "read-only destination");
	bad = tlh_fx_pattern_check(dst, dlen, SEED_DEST, 0);
	ck_assert_msg(bad == dlen, "read-only destination changed at %zu", bad);
	tlh_fx_layout_free(dst, dlen);
	tlh_fx_layout_free(src, len);
}
END_TEST

/*
 * Destinations over [rw- 17][X 1][rw- 6] with X read-only or a hole: the
 * writable pages must not change.
 */
static void
dest_into(int prot, const struct range_case *r)
{
	const struct tlh_fx_piece pieces[] = {
		{ X_PAGE, RW }, { 1, prot }, { X_PAGES - X_PAGE - 1, RW },
	};
	struct tlh_fx_piece piece = { X_PAGES, RW };
	size_t len, dlen, off = range_off(r), n = range_len(r), i, bad;
	unsigned char *src, *dst;
	char what[96];

	snprintf(what, sizeof(what), "destination over a %s page, "
		 "%zu bytes at +%zu", prot == HOLE ? "hole" : "read-only",
		 n, off);
	src = layout(&piece, 1, SEED, &len);
	dst = layout(pieces, ARRAY_SIZE(pieces), SEED_DEST, &dlen);
	assert_fail(0, src, dst + off, n, ERROR_NOACCESS, what);
	for (i = 0; i < ARRAY_SIZE(pieces); i++) {
		size_t at = i ? (i == 1 ? X_PAGE : X_PAGE + 1) * pg : 0;
		size_t plen = pieces[i].pages * pg;

		if (pieces[i].prot == HOLE)
			continue;
		bad = tlh_fx_pattern_check(dst + at, plen, SEED_DEST, at);
		ck_assert_msg(bad == plen, "%s: failed but changed byte %zu "
			      "of the destination's mapping", what, at + bad);
	}
	tlh_fx_layout_free(dst, dlen);
	tlh_fx_layout_free(src, len);
}

/* The ranges of x_ranges[] with no writable byte after an unwritable one. */
static const struct range_case *const x_ranges_into[] = {
	&x_ranges[0], &x_ranges[1], &x_ranges[2], &x_ranges[5], &x_ranges[6],
};

/* ...and those with writable bytes after one. */
static const struct range_case *const x_ranges_then_writable[] = {
	&x_ranges[3], &x_ranges[4], &x_ranges[7], &x_ranges[8], &x_ranges[9],
};

START_TEST(dest_into_read_only)
{
	dest_into(RO, x_ranges_into[_i]);
}
END_TEST

START_TEST(dest_into_hole)
{
	dest_into(HOLE, x_ranges_into[_i]);
}
END_TEST

START_TEST(dest_read_only_then_writable)
{
	dest_into(RO, x_ranges_then_writable[_i]);
}
END_TEST

START_TEST(dest_hole_then_writable)
{
	dest_into(HOLE, x_ranges_then_writable[_i]);
}
END_TEST

/*
 * Reads of more than 128 KiB whose destination has one unwritable page in
 * its middle: ERROR_NOACCESS, and not a byte of it written.  200 KiB is
 * checked by one MADV_POPULATE_WRITE (even _i), 512 KiB against the
 * caller's own maps and guard regions (odd _i); the page read-only
 * (_i 0, 1), a hole (_i 2, 3) or a guard region (_i 4, 5), which the maps
 * show as writable memory.
 */
START_TEST(dest_large_unwritable)
{
	static const char *const kinds[] = { "read-only", "hole", "guard" };
	size_t n = (_i % 2 ? 512 : 200) * KIB, pages = n / pg + 2;
	int kind = _i / 2;
	const struct tlh_fx_piece pieces[] = {
		{ pages / 2, RW }, { 1, kind == 0 ? RO : kind == 1 ? HOLE : RW },
		{ pages - pages / 2, RW },
	};
	struct tlh_fx_piece piece = { pages, RW };
	size_t len, dlen, bad, at[3], i;
	unsigned char *src, *dst;
	char what[96];

	snprintf(what, sizeof(what), "%zu bytes into a destination with a "
		 "%s page", n, kinds[kind]);
	src = layout(&piece, 1, SEED, &len);
	dst = layout(pieces, ARRAY_SIZE(pieces), SEED_DEST, &dlen);
	at[0] = 0;
	at[1] = pieces[0].pages * pg;
	at[2] = at[1] + pg;
	if (kind == 2 && madvise(dst + at[1], pg, MADV_GUARD_INSTALL)) {
		skip("dest_large_unwritable", "no MADV_GUARD_INSTALL (Linux < "
		     "6.13)");
	} else if (kind == 2 && !guard_in_place(dst + at[1])) {
		skip("dest_large_unwritable", "madvise(MADV_GUARD_INSTALL) "
		     "succeeded but put no guard there (qemu-user)");
	} else if (kind == 2 &&
		   tlh_fx_ioctl_error("pagemap", PAGEMAP_SCAN) == ENOTTY) {
		skip("dest_large_unwritable", "PAGEMAP_SCAN answers ENOTTY "
		     "here, as before Linux 6.7, which had no guard regions");
	} else {
		assert_fail(0, src, dst + 8, n, ERROR_NOACCESS, what);
		for (i = 0; i < ARRAY_SIZE(pieces); i += 2) {
			bad = tlh_fx_pattern_check(dst + at[i],
						   pieces[i].pages * pg,
						   SEED_DEST, at[i]);
			ck_assert_msg(bad == pieces[i].pages * pg, "%s: failed "
				      "but changed byte %zu of the "
				      "destination", what, at[i] + bad);
		}
	}
	tlh_fx_layout_free(dst, dlen);
	tlh_fx_layout_free(src, len);
}
END_TEST

/*
 * A destination in a writable shared file mapping that runs past the end
 * of the file: writable by its flags, but its last pages raise SIGBUS.
 */
START_TEST(dest_file_past_eof)
{
	struct tlh_fx_piece piece = { 8, RW };
	size_t n = _i ? 6 * pg : 16, len, bad, i;
	unsigned char *src, *map, *dst;

	src = layout(&piece, 1, SEED, &len);
	map = tlh_fx_map_file(100, 6 * pg, RW, SEED_DEST);
	ck_assert_msg(map != NULL, "file mapping: %s", strerror(errno));
	dst = _i ? map : map + pg - 8;
	assert_fail(0, src, dst, n, ERROR_NOACCESS,
		    "destination past the end of a file");
	bad = tlh_fx_pattern_check(map, 100, SEED_DEST, 0);
	ck_assert_msg(bad == 100, "the file's byte %zu changed", bad);
	for (i = 100; i < pg; i++)
		ck_assert_msg(map[i] == 0, "byte %zu of the file's page changed",
			      i);
	munmap(map, 6 * pg);
	tlh_fx_layout_free(src, len);
}
END_TEST

/* The source is checked before the destination: 299, not 998. */
START_TEST(source_before_dest)
{
	const struct tlh_fx_piece pieces[] = { { 17, NONE }, { 17, RO } };
	size_t n = span(fail_sizes[_i]), len;
	unsigned char *p;

	p = layout(pieces, ARRAY_SIZE(pieces), SEED, &len);
	assert_fail(0, NULL, NULL, n, ERROR_PARTIAL_COPY,
		    "NULL source into NULL");
	assert_fail(0, p, p + 17 * pg, n, ERROR_PARTIAL_COPY,
		    "PROT_NONE source into a read-only page");
	tlh_fx_layout_free(p, len);
}
END_TEST

/* --- arguments: cbRead 0, NULL count ------------------------------------- */

START_TEST(zero_count)
{
	static unsigned char src[64];
	SIZE_T count = COUNT_UNSET;
	struct dest d;

	tlh_fx_pattern_fill(src, sizeof(src), SEED, 0);
	dest_init(&d, 64, 0);
	SetLastError(LAST_PRESET);
	ck_assert_int_eq(Toolhelp32ReadProcessMemory(0, src, d.buf, 0, &count),
			 TRUE);
	ck_assert_uint_eq(count, 0);
	ck_assert_uint_eq(GetLastError(), LAST_PRESET);
	dest_assert_canary(&d, 1, "cbRead 0");
	dest_fini(&d);
}
END_TEST

START_TEST(zero_count_bad_pointers)
{
	static const struct {
		uintptr_t src, dst;
	} cases[] = {
		{ 0, 0 },
		{ (uintptr_t)-16, (uintptr_t)-16 },
		{ UINTPTR_MAX, 1 },
	};
	SIZE_T count;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		count = COUNT_UNSET;
		SetLastError(LAST_PRESET);
		ck_assert_int_eq(Toolhelp32ReadProcessMemory(0,
				 (void *)cases[i].src, (void *)cases[i].dst, 0,
				 &count), TRUE);
		ck_assert_uint_eq(count, 0);
		ck_assert_uint_eq(GetLastError(), LAST_PRESET);
	}
	ck_assert_int_eq(Toolhelp32ReadProcessMemory(0, NULL, NULL, 0, NULL),
			 TRUE);
}
END_TEST

START_TEST(zero_count_child)
{
	struct tlh_fx_spec spec = { 0 };
	struct tlh_fx_child c;
	SIZE_T count = COUNT_UNSET;
	BOOL ok;

	child_start(&c, &spec);
	ok = Toolhelp32ReadProcessMemory((DWORD)c.pid, NULL, NULL, 0, &count);
	tlh_fx_child_stop(&c);
	ck_assert_int_eq(ok, TRUE);
	ck_assert_uint_eq(count, 0);
}
END_TEST

START_TEST(null_count_success)
{
	struct tlh_fx_piece piece = { 17, RW };
	size_t n = _i ? 16 * pg + 1 : 8, len;
	unsigned char *src;
	struct dest d;

	dest_init(&d, n, 0);
	src = layout(&piece, 1, SEED, &len);
	SetLastError(LAST_PRESET);
	ck_assert_int_eq(Toolhelp32ReadProcessMemory(0, src, d.buf, n, NULL),
			 TRUE);
	ck_assert_uint_eq(GetLastError(), LAST_PRESET);
	ck_assert_uint_eq(tlh_fx_pattern_check(d.buf, n, SEED, 0), n);
	tlh_fx_layout_free(src, len);
	dest_fini(&d);
}
END_TEST

static void
assert_fail_no_count(DWORD pid, const void *src, void *dst, size_t n,
		     DWORD code, const char *what)
{
	SetLastError(LAST_PRESET);
	ck_assert_msg(!read_bad(pid, src, dst, n, NULL), "%s: succeeded", what);
	ck_assert_msg(GetLastError() == code, "%s: error %u, expected %u",
		      what, (unsigned int)GetLastError(), (unsigned int)code);
}

START_TEST(null_count_failure)
{
	size_t n = _i ? 64 * KIB : 8;
	pid_t zombie, dead;
	struct dest d;

	dest_init(&d, n, 0);
	dead = tlh_fx_dead_pid();
	ck_assert_msg(dead > 0, "no free pid: %s", strerror(-dead));
	zombie = tlh_fx_zombie();
	ck_assert_msg(zombie > 0, "zombie: %s", strerror(-zombie));
	assert_fail_no_count(0, NULL, d.buf, n, ERROR_PARTIAL_COPY,
			     "unreadable source");
	assert_fail_no_count(0, d.buf, (void *)-8, n, ERROR_NOACCESS,
			     "wrapping destination");
	assert_fail_no_count((DWORD)dead, d.buf, d.buf, n,
			     ERROR_INVALID_PARAMETER, "no such process");
	assert_fail_no_count((DWORD)zombie, d.buf, d.buf, n,
			     ERROR_ACCESS_DENIED, "zombie");
	tlh_fx_reap(zombie);
	dest_fini(&d);
}
END_TEST

/* -------------------------------------------------------------------------- */

START_TEST(proc_no_such_pid)
{
	size_t n = span(fail_sizes[_i]);
	struct dest d;
	pid_t dead;

	dest_init(&d, n, 0);
	dead = tlh_fx_dead_pid();
	ck_assert_msg(dead > 0, "no free pid: %s", strerror(-dead));
	assert_fail_dest((DWORD)dead, d.buf, &d, ERROR_INVALID_PARAMETER,
			 "a reaped child's pid");
	dest_fini(&d);
}
END_TEST

START_TEST(proc_pid_out_of_range)
{
	static const DWORD pids[] = {
		0xffffffffu, 0x80000000u, 4194305u, 4194304u,
	};
	size_t n = _i ? 64 * KIB : 8, i;
	struct dest d;
	char what[48];

	dest_init(&d, n, 0);
	for (i = 0; i < ARRAY_SIZE(pids); i++) {
		snprintf(what, sizeof(what), "pid %#x", (unsigned int)pids[i]);
		assert_fail_dest(pids[i], d.buf, &d, ERROR_INVALID_PARAMETER,
				 what);
	}
	dest_fini(&d);
}
END_TEST

START_TEST(proc_zombie)
{
	size_t n = span(fail_sizes[_i]);
	struct dest d;
	pid_t zombie;

	dest_init(&d, n, 0);
	zombie = tlh_fx_zombie();
	ck_assert_msg(zombie > 0, "zombie: %s", strerror(-zombie));
	assert_fail_dest((DWORD)zombie, d.buf, &d, ERROR_ACCESS_DENIED,
			 "zombie");
	tlh_fx_reap(zombie);
	dest_fini(&d);
}
END_TEST

/* Whether pid 2 is the kernel's kthreadd (not so in a pid namespace). */
static int
have_kthreadd(void)
{
	char comm[32] = "";
	FILE *f = fopen("/proc/2/comm", "re");

	if (!f)
		return 0;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strcmp(comm, "kthreadd\n");
}

START_TEST(proc_kernel_thread)
{
	size_t n = _i ? 64 * KIB : 8;
	struct dest d;

	if (!have_kthreadd()) {
		skip("proc_kernel_thread", "pid 2 is not kthreadd");
		return;
	}
	dest_init(&d, n, 0);
	assert_fail_dest(2, d.buf, &d, ERROR_ACCESS_DENIED, "kthreadd");
	dest_fini(&d);
}
END_TEST

/* What a child running as nobody checks (it cannot use Check). */
struct nobody_arg {
	DWORD root_pid;			/* a root process: the test itself */
	const unsigned char *addr;	/* pattern SEED here, in both */
	size_t len;
};

#define NOBODY_EXPECT(cond, ...)					\
	do {								\
		if (!(cond)) {						\
			snprintf(msg, len, __VA_ARGS__);		\
			return TLH_FX_FAIL;				\
		}							\
	} while (0)

static int
nobody_denied(void *arg, char *msg, size_t len)
{
	const struct nobody_arg *a = arg;
	static const size_t ns[] = { 0, 8, 64 * KIB };
	unsigned char *buf;
	SIZE_T count;
	size_t i, n;
	BOOL ok;

	buf = mmap(NULL, a->len, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	NOBODY_EXPECT(buf != MAP_FAILED, "mmap: %s", strerror(errno));
	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		n = ns[i];
		tlh_fx_canary_fill(buf, a->len);
		count = COUNT_UNSET;
		SetLastError(LAST_PRESET);
		ok = Toolhelp32ReadProcessMemory(a->root_pid, a->addr, buf, n,
						 &count);
		NOBODY_EXPECT(!ok, "as nobody, read %zu bytes of root's "
			      "process", n);
		NOBODY_EXPECT(GetLastError() == ERROR_ACCESS_DENIED,
			      "as nobody, %zu bytes of root's process: "
			      "error %u, expected 5", n,
			      (unsigned int)GetLastError());
		NOBODY_EXPECT(count == COUNT_UNSET,
			      "as nobody, %zu bytes: count set to %zu", n,
			      (size_t)count);
		NOBODY_EXPECT(tlh_fx_canary_check(buf, a->len) == a->len,
			      "as nobody, %zu bytes: buffer changed", n);
	}
	/* The process comes before the bounds. */
	count = COUNT_UNSET;
	ok = Toolhelp32ReadProcessMemory(a->root_pid, (void *)-16, buf, 32,
					 &count);
	NOBODY_EXPECT(!ok && GetLastError() == ERROR_ACCESS_DENIED &&
		      count == COUNT_UNSET, "as nobody, wrapping range of "
		      "root's process: %d, error %u", ok,
		      (unsigned int)GetLastError());
	munmap(buf, a->len);
	return TLH_FX_PASS;
}

static int
nobody_self(void *arg, char *msg, size_t len)
{
	const struct nobody_arg *a = arg;
	const DWORD pids[] = { 0, (DWORD)getpid() };
	const size_t ns[] = { 8, pg, 16385, 64 * KIB };
	unsigned char *buf;
	SIZE_T count;
	size_t i, j, n, bad;
	int err;
	BOOL ok;

	err = tlh_fx_pvr_error();
	if (err) {
		snprintf(msg, len, "process_vm_readv fails here (%s): a "
			 "process that changed its uid is not dumpable, and its "
			 "/proc/self/mem, root's, is closed to it; it cannot read "
			 "itself without process_vm_readv (libtlhelp32(7))",
			 strerror(err));
		return TLH_FX_SKIP;
	}

	buf = mmap(NULL, a->len, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	NOBODY_EXPECT(buf != MAP_FAILED, "mmap: %s", strerror(errno));
	for (i = 0; i < ARRAY_SIZE(pids); i++) {
		for (j = 0; j < ARRAY_SIZE(ns); j++) {
			n = ns[j];
			tlh_fx_canary_fill(buf, a->len);
			count = COUNT_UNSET;
			ok = Toolhelp32ReadProcessMemory(pids[i], a->addr, buf,
							 n, &count);
			NOBODY_EXPECT(ok && count == n, "as nobody, reading "
				      "itself (pid %u), %zu bytes: %d, error "
				      "%u, count %zu", (unsigned int)pids[i],
				      n, ok, (unsigned int)GetLastError(),
				      (size_t)count);
			bad = tlh_fx_pattern_check(buf, n, SEED, 0);
			NOBODY_EXPECT(bad == n, "as nobody, reading itself, "
				      "%zu bytes: byte %zu wrong", n, bad);
		}
	}
	munmap(buf, a->len);
	return TLH_FX_PASS;
}

static void
run_as_nobody(const char *test, int (*fn)(void *, char *, size_t))
{
	struct tlh_fx_piece piece = { 16, RW };
	struct nobody_arg a;
	unsigned char *region;
	char msg[256];
	int ret;

	region = layout(&piece, 1, SEED, &a.len);
	a.root_pid = (DWORD)getpid();
	a.addr = region;
	ret = tlh_fx_run_as_nobody(fn, &a, msg, sizeof(msg));
	tlh_fx_layout_free(region, a.len);
	if (ret == TLH_FX_SKIP) {
		skip(test, msg);
		return;
	}
	ck_assert_msg(ret == TLH_FX_PASS, "%s", msg);
}

START_TEST(proc_permission_denied)
{
	run_as_nobody("proc_permission_denied", nobody_denied);
}
END_TEST

START_TEST(proc_unprivileged_self)
{
	run_as_nobody("proc_unprivileged_self", nobody_self);
}
END_TEST

/* -------------------------------------------------------------------------- */

START_TEST(order_no_such_pid_zero_count)
{
	pid_t dead = tlh_fx_dead_pid();

	ck_assert_msg(dead > 0, "no free pid: %s", strerror(-dead));
	assert_fail((DWORD)dead, NULL, NULL, 0, ERROR_INVALID_PARAMETER,
		    "no such process, cbRead 0");
	assert_fail(0xffffffffu, NULL, NULL, 0, ERROR_INVALID_PARAMETER,
		    "pid 0xffffffff, cbRead 0");
}
END_TEST

START_TEST(order_no_such_pid_wraps)
{
	pid_t dead = tlh_fx_dead_pid();
	unsigned char buf[32];

	ck_assert_msg(dead > 0, "no free pid: %s", strerror(-dead));
	assert_fail((DWORD)dead, (void *)-16, buf, 32, ERROR_INVALID_PARAMETER,
		    "no such process, wrapping source");
	assert_fail((DWORD)dead, buf, (void *)-16, 32, ERROR_INVALID_PARAMETER,
		    "no such process, wrapping destination");
	assert_fail((DWORD)dead, buf, buf, SIZE_MAX, ERROR_INVALID_PARAMETER,
		    "no such process, cbRead SIZE_MAX");
}
END_TEST

START_TEST(order_zombie_zero_count)
{
	pid_t zombie = tlh_fx_zombie();
	unsigned char buf[32];

	ck_assert_msg(zombie > 0, "zombie: %s", strerror(-zombie));
	assert_fail((DWORD)zombie, NULL, NULL, 0, ERROR_ACCESS_DENIED,
		    "zombie, cbRead 0");
	assert_fail((DWORD)zombie, (void *)-16, buf, 32, ERROR_ACCESS_DENIED,
		    "zombie, wrapping source");
	tlh_fx_reap(zombie);
}
END_TEST

START_TEST(order_kernel_thread_zero_count)
{
	if (!have_kthreadd()) {
		skip("order_kernel_thread_zero_count", "pid 2 is not kthreadd");
		return;
	}
	assert_fail(2, NULL, NULL, 0, ERROR_ACCESS_DENIED,
		    "kthreadd, cbRead 0");
}
END_TEST

/* -------------------------------------------------------------------------- */

START_TEST(last_error_kept_on_success)
{
	static const size_t ns[] = { 0, 8, 64 * KIB };
	struct tlh_fx_piece piece = { 17, RW };
	size_t n = ns[_i], len;
	unsigned char *src;
	struct dest d;
	SIZE_T count;

	dest_init(&d, n ? n : 1, 0);
	src = layout(&piece, 1, SEED, &len);
	SetLastError(LAST_PRESET);
	ck_assert_int_eq(Toolhelp32ReadProcessMemory(0, src, d.buf, n, &count),
			 TRUE);
	ck_assert_uint_eq(GetLastError(), LAST_PRESET);
	SetLastError(ERROR_SUCCESS);
	ck_assert_int_eq(Toolhelp32ReadProcessMemory(0, src, d.buf, n, &count),
			 TRUE);
	ck_assert_uint_eq(GetLastError(), ERROR_SUCCESS);
	tlh_fx_layout_free(src, len);
	dest_fini(&d);
}
END_TEST

START_TEST(last_error_each_failure)
{
	unsigned char buf[16] = { 0 };

	SetLastError(LAST_PRESET);
	ck_assert(!read_bad(0, NULL, buf, 8, NULL));
	ck_assert_uint_eq(GetLastError(), ERROR_PARTIAL_COPY);
	ck_assert(!read_bad(0, buf, NULL, 8, NULL));
	ck_assert_uint_eq(GetLastError(), ERROR_NOACCESS);
	ck_assert(Toolhelp32ReadProcessMemory(0, buf + 8, buf, 8, NULL));
	ck_assert_uint_eq(GetLastError(), ERROR_NOACCESS);
}
END_TEST

struct thread_result {
	DWORD initial, after;
	BOOL ok;
};

static void *
failing_thread(void *arg)
{
	struct thread_result *r = arg;

	r->initial = GetLastError();
	r->ok = read_bad(0, NULL, &r->after, 1, NULL);
	r->after = GetLastError();
	return NULL;
}

START_TEST(last_error_per_thread)
{
	struct thread_result r = { 1, 1, TRUE };
	pthread_t t;

	SetLastError(LAST_PRESET);
	ck_assert_int_eq(pthread_create(&t, NULL, failing_thread, &r), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_uint_eq(r.initial, ERROR_SUCCESS);
	ck_assert_int_eq(r.ok, FALSE);
	ck_assert_uint_eq(r.after, ERROR_PARTIAL_COPY);
	ck_assert_uint_eq(GetLastError(), LAST_PRESET);
}
END_TEST

/* --- a target that remaps while it is read -------------------------------- */

#define RACE_PAGES	16
/*
 * A race runs RACE_SECONDS (small reads: twice that) and on until both
 * outcomes were seen, but never past RACE_MAX_SECONDS (valgrind: 2).
 */
#define RACE_SECONDS		0.5
#define RACE_MAX_SECONDS	10

/*
 * The target: RACE_PAGES pages of a memfd holding pattern SEED, so that
 * whatever is readable always holds the pattern, cycled through PROT_NONE
 * (part and whole), holes and remaps, with bursts on the first page (read
 * last by a two-pass read).
 */
struct race_target {
	unsigned char *base;
	int fd;
	int map_fixed;		/* MAP_FIXED, or MAP_FIXED_NOREPLACE */
	int stop;		/* for a thread: stop cycling */
	int err;		/* setting up, or a remap that went astray */
};

static int
race_map(struct race_target *t, size_t first, size_t pages)
{
	unsigned char *want = t->base + first * pg, *p;

	p = mmap(want, pages * pg, RO, MAP_SHARED | t->map_fixed, t->fd,
		 (off_t)(first * pg));
	if (p == want)
		return 0;
	if (p != MAP_FAILED)
		munmap(p, pages * pg);
	t->err = EEXIST;
	return -1;
}

static int
race_cycle(struct race_target *t)
{
	unsigned char *base = t->base;
	size_t len = RACE_PAGES * pg;
	int i;

	for (i = 0; i < 8; i++) {
		mprotect(base, pg, NONE);
		mprotect(base, pg, RO);
	}
	mprotect(base + 5 * pg, pg, NONE);
	mprotect(base + 5 * pg, pg, RO);
	munmap(base + 9 * pg, 2 * pg);
	if (race_map(t, 9, 2))
		return -1;
	mprotect(base, len, NONE);
	mprotect(base, len, RO);
	munmap(base, pg);
	if (race_map(t, 0, 1))
		return -1;
	munmap(base, len);
	if (race_map(t, 0, RACE_PAGES))
		return -1;
	mprotect(base + (RACE_PAGES - 1) * pg, pg, NONE);
	mprotect(base + (RACE_PAGES - 1) * pg, pg, RO);
	return 0;
}

/* Fill the memfd and map it; 0 or -errno. */
static int
race_setup(struct race_target *t, int map_fixed)
{
	size_t len = RACE_PAGES * pg, off;
	unsigned char buf[4096];
	int err;

	t->base = NULL;
	t->map_fixed = map_fixed;
	t->stop = 0;
	t->err = 0;
	t->fd = memfd_create("tlh-race", MFD_CLOEXEC);
	if (t->fd < 0)
		return -errno;
	for (off = 0; off < len; off += sizeof(buf)) {
		tlh_fx_pattern_fill(buf, sizeof(buf), SEED, off);
		if (pwrite(t->fd, buf, sizeof(buf), (off_t)off) != sizeof(buf))
			goto fail;
	}
	/* Far from everything, so that no mapping of anyone else's (a
	 * sanitizer runtime's, the library's) lands in a hole the cycle
	 * makes and keeps it from mapping its pages back in place. */
	t->base = tlh_fx_map_low(len);
	if (!t->base)
		goto fail;
	if (mmap(t->base, len, RO, MAP_SHARED | MAP_FIXED, t->fd, 0) !=
	    t->base) {
		munmap(t->base, len);
		goto fail;
	}
	return 0;
fail:
	err = errno ? -errno : -EIO;
	close(t->fd);
	t->base = NULL;
	return err;
}

static void
race_cleanup(struct race_target *t)
{
	munmap(t->base, RACE_PAGES * pg);
	close(t->fd);
}

/* In a child process: report the base, cycle until killed. */
static void
race_child(void *arg, int report)
{
	struct race_target *t = arg;

	t->err = -race_setup(t, MAP_FIXED);
	if (write(report, t, sizeof(*t)) != sizeof(*t) || t->err)
		_exit(1);
	while (!race_cycle(t))
		;
	_exit(1);
}

/* In a thread of the test process: cycle until told to stop. */
static void *
race_thread(void *arg)
{
	struct race_target *t = arg;
	int valgrind = tlh_fx_under_valgrind();

	while (!__atomic_load_n(&t->stop, __ATOMIC_RELAXED)) {
		if (race_cycle(t))
			break;
		/* valgrind runs one thread at a time and its lock is not
		 * fair: without this the reader can starve for minutes */
		if (valgrind)
			sched_yield();
	}
	return NULL;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Reads over the target: [0-9] small, [10-13] large.  Most small ones
 * start in the first page, which a two-pass read copies last.
 */
static const struct range_case race_ranges[] = {
	{ 0, 0, 4, 0 },
	{ 0, 0, 0, 8 },
	{ 0, 1, 2, 0 },
	{ 1, -4, 0, 8 },
	{ 0, 100, 3, 0 },
	{ 4, 100, 3, 0 },
	{ 0, 0, 4, 0 },
	{ 8, -10, 4, 0 },
	{ 0, 7, 3, 5 },
	{ 12, 0, 4, 0 },
	{ 0, 0, RACE_PAGES, 0 },
	{ 1, 3, 10, 0 },
	{ 0, 0, 5, 1 },
	{ 7, 0, 9, 0 },
};

#define RACE_FIRST_LARGE	10

/*
 * Read across a target that keeps changing: every TRUE has the full count
 * and the pattern; every FALSE is 299 with count 0 and, for a small read,
 * the destination untouched (a large read may leave part of the data when
 * the target changed during the call: the documented race).
 */
static void
race(int large, int in_thread)
{
	size_t first = large ? RACE_FIRST_LARGE : 0;
	size_t end = large ? ARRAY_SIZE(race_ranges) : RACE_FIRST_LARGE;
	unsigned long oks = 0, fails = 0, bad = 0;
	struct race_target t;
	struct tlh_fx_child c;
	char first_bad[160] = "";
	double start, elapsed, max = RACE_MAX_SECONDS;
	double min = large ? RACE_SECONDS : 2 * RACE_SECONDS;
	int valgrind = tlh_fx_under_valgrind();
	unsigned char *dst;
	size_t i, n, off, at;
	pthread_t thread;
	DWORD pid, err;
	SIZE_T count;
	BOOL ok;
	int ret;

	dst = mmap(NULL, RACE_PAGES * pg, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		   0);
	ck_assert(dst != MAP_FAILED);
	if (in_thread) {
#ifdef MAP_FIXED_NOREPLACE
		ret = race_setup(&t, MAP_FIXED_NOREPLACE);
#else
		ret = race_setup(&t, MAP_FIXED);
#endif
		ck_assert_msg(ret == 0, "target: %s", strerror(-ret));
		ret = pthread_create(&thread, NULL, race_thread, &t);
		ck_assert_msg(ret == 0, "pthread_create: %s", strerror(ret));
		pid = 0;
	} else {
		ret = tlh_fx_child_run(&c, race_child, &t, &t, sizeof(t));
		ck_assert_msg(ret == 0, "starting the target: %s",
			      strerror(-ret));
		ck_assert_msg(t.err == 0, "target: %s", strerror(t.err));
		pid = (DWORD)c.pid;
	}
	if (valgrind)
		max = 2;	/* its threads take turns: little racing */
	start = now();
	for (i = first;; i = i + 1 < end ? i + 1 : first) {
		elapsed = now() - start;
		if (elapsed > max ||
		    (elapsed > min && oks && fails))
			break;
		off = range_off(&race_ranges[i]);
		n = range_len(&race_ranges[i]);
		tlh_fx_canary_fill(dst, n);
		count = COUNT_UNSET;
		ok = Toolhelp32ReadProcessMemory(pid, t.base + off, dst, n,
						 &count);
		err = GetLastError();
		if (ok) {
			oks++;
			at = tlh_fx_pattern_check(dst, n, SEED, off);
			if (count == n && at == n)
				continue;
			if (!bad++)
				snprintf(first_bad, sizeof(first_bad),
					 "TRUE reading %zu bytes at +%zu: "
					 "count %zu, byte %zu wrong", n, off,
					 (size_t)count, at);
			continue;
		}
		fails++;
		at = n > SMALL_MAX ? n : tlh_fx_canary_check(dst, n);
		if (err == ERROR_PARTIAL_COPY && count == 0 && at == n)
			continue;
		if (!bad++)
			snprintf(first_bad, sizeof(first_bad),
				 "FALSE reading %zu bytes at +%zu: error %u, "
				 "count %zu, destination byte %zu changed",
				 n, off, (unsigned int)err, (size_t)count, at);
	}
	if (in_thread) {
		__atomic_store_n(&t.stop, 1, __ATOMIC_RELAXED);
		pthread_join(thread, NULL);
		race_cleanup(&t);
		ck_assert_msg(t.err == 0, "the target could not remap its "
			      "pages in place");
	} else {
		tlh_fx_child_stop(&c);
	}
	munmap(dst, RACE_PAGES * pg);
	ck_assert_msg(!bad, "%lu of %lu reads wrong (%lu failed); the first: "
		      "%s", bad, oks + fails, fails, first_bad);
	if (valgrind && !(oks && fails)) {
		skip(large ? (in_thread ? "race_large_thread" :
			      "race_large_child") :
		     (in_thread ? "race_small_thread" : "race_small_child"),
		     "under valgrind the target and the reads did not "
		     "interleave: only each read's result was checked");
		return;
	}
	ck_assert_msg(oks && fails, "the race never happened: %lu reads "
		      "succeeded, %lu failed", oks, fails);
}

/* Why the races cannot be run under qemu-user. */
#define RACE_EMU \
	"whose own memory shares the guest's address space and whose copy " \
	"of the maps follows each call late: a target that remaps while it " \
	"is read does not race as under a kernel"

START_TEST(race_small_child)
{
	if (!tlh_fx_skip_emulated("race_small_child", RACE_EMU))
		race(0, 0);
}
END_TEST

START_TEST(race_large_child)
{
	if (!tlh_fx_skip_emulated("race_large_child", RACE_EMU))
		race(1, 0);
}
END_TEST

START_TEST(race_small_thread)
{
	if (!tlh_fx_skip_emulated("race_small_thread", RACE_EMU))
		race(0, 1);
}
END_TEST

START_TEST(race_large_thread)
{
	if (!tlh_fx_skip_emulated("race_large_thread", RACE_EMU))
		race(1, 1);
}
END_TEST

/* -------------------------------------------------------------------------- */

/*
 * The test cases tagged "maps" again, in a fresh process that parses the
 * maps text (the choice is made once per process, so it needs an exec).
 */
START_TEST(maps_text_fallback)
{
	char out[2048];
	int ret, checks;

	if (getenv("TLHELP32_FORCE_MAPS_TEXT")) {
		skip("maps_text_fallback",
		     "TLHELP32_FORCE_MAPS_TEXT is set already: the whole run "
		     "uses the text");
		return;
	}
	ret = tlh_fx_run_maps_text("readmem", out, sizeof(out), &checks);
	ck_assert_msg(ret >= 0, "running the tests again: %s", strerror(-ret));
	ck_assert_msg(ret == 0, "with TLHELP32_FORCE_MAPS_TEXT=1 the tests "
		      "exited %d:\n%s", ret, out);
	ck_assert_msg(checks > 0,
		      "no tests ran with TLHELP32_FORCE_MAPS_TEXT=1:\n%s", out);
}
END_TEST

/* --- descriptors kept between large reads -------------------------------- */

/*
 * Large reads keep the target's maps and pagemap open between calls.  A
 * target that has exited since must not be checked against what those
 * descriptors knew: its pid now names nothing (or someone else).
 */
START_TEST(cache_target_exits)
{
	static const struct tlh_fx_piece pieces[] = {
		{ 32, PROT_READ | PROT_WRITE },
	};
	struct tlh_fx_spec spec = { pieces, 1, 41, NULL, 0, 0 };
	struct tlh_fx_child a, b;
	size_t n = 24 * tlh_fx_page_size();
	unsigned char *buf = malloc(n);
	SIZE_T got = 7;
	pid_t gone;

	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(tlh_fx_child_start(&a, &spec), 0);
	ck_assert(Toolhelp32ReadProcessMemory((DWORD)a.pid, a.base, buf, n,
					      &got));
	ck_assert_uint_eq(tlh_fx_pattern_check(buf, n, 41, 0), n);
	gone = a.pid;
	tlh_fx_child_stop(&a);

	got = 7;
	ck_assert(!Toolhelp32ReadProcessMemory((DWORD)gone, a.base, buf, n,
					       &got));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert_uint_eq(got, 7);

	spec.seed = 42;
	ck_assert_int_eq(tlh_fx_child_start(&b, &spec), 0);
	ck_assert(Toolhelp32ReadProcessMemory((DWORD)b.pid, b.base, buf, n,
					      &got));
	ck_assert_uint_eq(got, n);
	ck_assert_uint_eq(tlh_fx_pattern_check(buf, n, 42, 0), n);
	tlh_fx_child_stop(&b);
	free(buf);
}
END_TEST

/*
 * After fork() the child's own maps are not its parent's: a large read
 * into memory the child mapped after the fork must be checked against
 * the child's maps, not against descriptors the parent kept (and the
 * cache's lock, which fork() may catch held, must be free in the child).
 */
START_TEST(cache_after_fork)
{
	size_t n = 24 * tlh_fx_page_size();
	unsigned char *src, *dst, *fresh;
	int status;
	pid_t pid;

	/* mapped, not malloc'ed: the child leaves without freeing them */
	src = mmap(NULL, 2 * n, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(src, MAP_FAILED);
	dst = src + n;
	tlh_fx_pattern_fill(src, n, 43, 0);
	ck_assert(Toolhelp32ReadProcessMemory(0, src, dst, n, NULL));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* a destination the parent never had */
		fresh = mmap(NULL, 2 * n, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (fresh == MAP_FAILED)
			_exit(2);
		if (!Toolhelp32ReadProcessMemory(0, src, fresh + 3, n, NULL))
			_exit(3);
		_exit(tlh_fx_pattern_check(fresh + 3, n, 43, 0) == n ? 0 : 4);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the child's large read failed (status %#x)", status);
	munmap(src, 2 * n);
}
END_TEST

/* -------------------------------------------------------------------------- */

static TCase *
tcase(Suite *s, const char *name, int maps, double timeout)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, tlh_fx_teardown);
	tcase_set_timeout(tc, timeout);
	if (maps)
		tcase_set_tags(tc, "maps");
	suite_add_tcase(s, tc);
	return tc;
}

#define LOOP(tc, fn, table) \
	tcase_add_loop_test(tc, fn, 0, (int)ARRAY_SIZE(table))

Suite *
readmem_suite(void)
{
	Suite *s = suite_create("readmem");
	TCase *tc;

	tc = tcase(s, "self", 1, 30);
	LOOP(tc, self_pid0, sizes);
	LOOP(tc, self_getpid, sizes);
	LOOP(tc, self_unaligned, unaligned);
	LOOP(tc, self_straddle, straddling);
	LOOP(tc, self_adjacent, adjacent_ranges);
	tcase_add_test(tc, self_many_mappings);
	tcase_add_test(tc, self_dest_many_mappings);
	tcase_add_test(tc, self_file_within_eof);

	tc = tcase(s, "child", 1, 30);
	LOOP(tc, child_sizes, sizes);
	LOOP(tc, child_unaligned, unaligned);
	LOOP(tc, child_straddle, straddling);
	LOOP(tc, child_adjacent, adjacent_ranges);

	tc = tcase(s, "unreadable", 1, 30);
	LOOP(tc, src_unmapped, fail_sizes);
	LOOP(tc, src_null, fail_sizes);
	LOOP(tc, src_prot_none, fail_sizes);
	LOOP(tc, src_into_prot_none, x_ranges);
	LOOP(tc, src_into_hole, x_ranges);
	LOOP(tc, child_src_into_prot_none, x_ranges);
	LOOP(tc, child_src_into_hole, x_ranges);
	tcase_add_test(tc, src_many_mappings_last_none);
	tcase_add_loop_test(tc, src_vvar, 0, 3);
	LOOP(tc, src_file_past_eof, file_cases);
	tcase_add_loop_test(tc, src_guard_page, 0, 3);

	tc = tcase(s, "bounds", 1, 30);
	tcase_add_loop_test(tc, src_wraps, 0, 2);
	tcase_add_loop_test(tc, src_past_user_space, 0, 2);
	tcase_add_loop_test(tc, src_ends_at_top, 0, 2);
	tcase_add_test(tc, huge_count);
	tcase_add_loop_test(tc, dest_wraps_or_past_top, 0, 2);
	LOOP(tc, dest_null, fail_sizes);
	LOOP(tc, dest_read_only, fail_sizes);
	LOOP(tc, dest_into_read_only, x_ranges_into);
	LOOP(tc, dest_into_hole, x_ranges_into);
	LOOP(tc, dest_read_only_then_writable, x_ranges_then_writable);
	LOOP(tc, dest_hole_then_writable, x_ranges_then_writable);
	tcase_add_loop_test(tc, dest_file_past_eof, 0, 2);
	tcase_add_loop_test(tc, dest_large_unwritable, 0, 6);
	LOOP(tc, source_before_dest, fail_sizes);

	tc = tcase(s, "args", 1, 30);
	tcase_add_test(tc, zero_count);
	tcase_add_test(tc, zero_count_bad_pointers);
	tcase_add_test(tc, zero_count_child);
	tcase_add_loop_test(tc, null_count_success, 0, 2);
	tcase_add_loop_test(tc, null_count_failure, 0, 2);

	tc = tcase(s, "process", 1, 30);
	LOOP(tc, proc_no_such_pid, fail_sizes);
	tcase_add_loop_test(tc, proc_pid_out_of_range, 0, 2);
	LOOP(tc, proc_zombie, fail_sizes);
	tcase_add_loop_test(tc, proc_kernel_thread, 0, 2);
	tcase_add_test(tc, proc_permission_denied);
	tcase_add_test(tc, proc_unprivileged_self);
	tcase_add_test(tc, order_no_such_pid_zero_count);
	tcase_add_test(tc, order_no_such_pid_wraps);
	tcase_add_test(tc, order_zombie_zero_count);
	tcase_add_test(tc, order_kernel_thread_zero_count);

	tc = tcase(s, "cache", 1, 30);
	tcase_add_test(tc, cache_target_exits);
	tcase_add_test(tc, cache_after_fork);

	tc = tcase(s, "lasterror", 0, 30);
	tcase_add_loop_test(tc, last_error_kept_on_success, 0, 3);
	tcase_add_test(tc, last_error_each_failure);
	tcase_add_test(tc, last_error_per_thread);

	tc = tcase(s, "race", 0, 60);
	tcase_add_test(tc, race_small_child);
	tcase_add_test(tc, race_large_child);
	tcase_add_test(tc, race_small_thread);
	tcase_add_test(tc, race_large_thread);

	tc = tcase(s, "fallback", 0, 300);
	tcase_add_test(tc, maps_text_fallback);

	return s;
}
