/*
 * check_maps.c - the internal maps parser and walker (lib/linux/maps.c,
 * linked into the test program directly).
 *
 * The parser is fed real lines and malformed ones, each placed at the very
 * end of a page followed by an inaccessible page, so that reading one byte
 * past the given length crashes the test.
 *
 * The walker is run over mappings the tests make in their own process (and
 * in a forked copy): runs of pages with different protections and file
 * backing, holes, hundreds of mappings, and a file whose path is longer
 * than the walker's 8 KiB read buffer.  The "walk" case runs twice: here,
 * with whatever the kernel offers (PROCMAP_QUERY on Linux 6.11+), and in a
 * fresh copy of this program started with TLHELP32_FORCE_MAPS_TEXT=1, so
 * the /proc/<pid>/maps text parser is tested on the same layouts.  (The
 * choice is cached in the process on first use, hence the exec.)
 * tlh_maps_each(), which always reads the text, is run over the same
 * kinds of layouts and checked for names as well.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/maps.h"
#include "linux/procmap_query.h"

#include "suites.h"

extern char **environ;

#define RW	(TLH_VMA_READ | TLH_VMA_WRITE)
#define R	TLH_VMA_READ
#define W	TLH_VMA_WRITE
#define F	TLH_VMA_FILE
#define X	TLH_VMA_EXEC
#define S	TLH_VMA_SHARED

/* Set in the copy of this program that tests the text parser. */
#define CHILD_ENV	"TLHELP32_TEST_MAPS_TEXT_CHILD"
#define FORCE_ENV	"TLHELP32_FORCE_MAPS_TEXT"

static size_t
page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* 1 if this process was told to parse the maps text. */
static int
text_forced(void)
{
	const char *force = getenv(FORCE_ENV);

	return force && *force && strcmp(force, "0") != 0;
}

/* --- the parser ---------------------------------------------------------- */

/*
 * Parse @len bytes of @line copied to the end of a readable page that is
 * followed by a PROT_NONE page: an over-read faults.
 */
static int
parse_guarded(const char *line, size_t len, struct tlh_vma *vma)
{
	static char *area;
	static size_t area_len;
	size_t pg = page(), need = (len + pg - 1) / pg * pg + pg;
	char *copy;
	int ret;

	if (need > area_len) {
		if (area)
			munmap(area, area_len);
		area = mmap(NULL, need, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ck_assert_ptr_ne(area, MAP_FAILED);
		area_len = need;
		ck_assert_int_eq(mprotect(area + need - pg, pg, PROT_NONE), 0);
	}
	copy = area + area_len - pg - len;
	memcpy(copy, line, len);
	memset(vma, 0xA5, sizeof(*vma));	/* nothing left over counts */
	ret = tlh_maps_parse_line(copy, len, vma);
	return ret;
}

/*
 * A 32-bit build cannot name addresses from 4 GiB up: there a line that
 * starts above UINTPTR_MAX is -ERANGE, one that only ends there ends at
 * UINTPTR_MAX (a 64-bit target's maps, read by a 32-bit caller).
 */
struct good_line {
	const char *line;
	uint64_t start, end;
	unsigned int flags;
};

static int
in_reach(uint64_t start)
{
	return start <= UINTPTR_MAX;
}

static uintptr_t
cut(uint64_t end)
{
	return end > UINTPTR_MAX ? UINTPTR_MAX : (uintptr_t)end;
}

static const struct good_line good_lines[] = {
	/* A file mapping. */
	{ "00400000-00452000 r-xp 00000000 08:02 173521                     "
	  "        /usr/bin/dbus-daemon", 0x400000, 0x452000, R | F | X },
	/* Anonymous, without a name, with and without trailing spaces. */
	{ "7f2c5c000000-7f2c5c021000 rw-p 00000000 00:00 0",
	  0x7f2c5c000000, 0x7f2c5c021000, RW },
	{ "7f2c5c000000-7f2c5c021000 rw-p 00000000 00:00 0 ",
	  0x7f2c5c000000, 0x7f2c5c021000, RW },
	{ "7f2c5c000000-7f2c5c021000 rw-p 00000000 00:00 0                  "
	  "        ", 0x7f2c5c000000, 0x7f2c5c021000, RW },
	/* Named kernel mappings. */
	{ "7ffd3b5f8000-7ffd3b5fc000 r--p 00000000 00:00 0                  "
	  "        [vvar]", 0x7ffd3b5f8000, 0x7ffd3b5fc000, R },
	{ "7ffd3b5fc000-7ffd3b5fe000 r-xp 00000000 00:00 0                  "
	  "        [vdso]", 0x7ffd3b5fc000, 0x7ffd3b5fe000, R | X },
	{ "55e4c6a1e000-55e4c6a3f000 rw-p 00000000 00:00 0                  "
	  "        [heap]", 0x55e4c6a1e000, 0x55e4c6a3f000, RW },
	{ "7ffd3b4d7000-7ffd3b4f8000 rw-p 00000000 00:00 0                  "
	  "        [stack]", 0x7ffd3b4d7000, 0x7ffd3b4f8000, RW },
	/* A named anonymous mapping (PR_SET_VMA_ANON_NAME), with a space. */
	{ "7f0000004000-7f0000005000 rw-p 00000000 00:00 0                  "
	  "        [anon:my buffer]", 0x7f0000004000, 0x7f0000005000, RW },
	/* Paths with spaces, deleted files, an escaped newline. */
	{ "7f0000001000-7f0000002000 rw-s 00001000 fd:01 131090             "
	  "        /tmp/my file with  spaces.dat",
	  0x7f0000001000, 0x7f0000002000, RW | F | S },
	{ "7f0000002000-7f0000003000 rw-s 00000000 00:01 1027               "
	  "        /memfd:shm (deleted)", 0x7f0000002000, 0x7f0000003000,
	  RW | F | S },
	{ "7f0000003000-7f0000004000 r--p 00000000 fd:01 131091             "
	  "        /tmp/new\\012line (deleted)",
	  0x7f0000003000, 0x7f0000004000, R | F },
	/* Each permission alone. */
	{ "7f0000005000-7f0000006000 ---p 00000000 00:00 0 ",
	  0x7f0000005000, 0x7f0000006000, 0 },
	{ "7f0000006000-7f0000007000 -w-p 00000000 00:00 0",
	  0x7f0000006000, 0x7f0000007000, W },
	{ "7f0000006000-7f0000007000 --xs 00000000 00:00 0",
	  0x7f0000006000, 0x7f0000007000, X | S },
	{ "7f0000006000-7f0000007000 --xp 00000000 00:00 0",
	  0x7f0000006000, 0x7f0000007000, X },
	{ "7f0000006000-7f0000007000 ---s 00000000 00:00 0",
	  0x7f0000006000, 0x7f0000007000, S },
	{ "7f0000006000-7f0000007000 rwxs 00000000 00:05 3                  "
	  "        /dev/zero (deleted)", 0x7f0000006000, 0x7f0000007000,
	  RW | F | X | S },
	/* Three-digit major, five-digit minor. */
	{ "7f0000007000-7f0000008000 r--s 00002000 103:02 2621450           "
	  "        /dev/shm/x", 0x7f0000007000, 0x7f0000008000, R | F | S },
	{ "7f0000008000-7f0000009000 r--p 00000000 00:1a3f5 77 /x",
	  0x7f0000008000, 0x7f0000009000, R | F },
	/* Address 0, a 64-bit offset. */
	{ "00000000-00001000 r--p 7fffffffffff0000 00:00 0",
	  0, 0x1000, R },
	/* 20-digit inodes: 1 with leading zeros, and a huge one. */
	{ "00001000-00002000 r--p 00000000 08:01 00000000000000000001 /f",
	  0x1000, 0x2000, R | F },
	{ "00001000-00002000 r--p 00000000 08:01 18446744073709551609 /f",
	  0x1000, 0x2000, R | F },
	/* 16-digit addresses. */
	{ "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0          "
	  "        [vsyscall]", 0xffffffffff600000, 0xffffffffff601000, X },
	{ "ffffffffffff0000-ffffffffffffffff rw-p ffffffffffffffff "
	  "ffffffff:ffffffff 18446744073709551609 /huge",
	  0xffffffffffff0000, 0xffffffffffffffff, RW | F },
	/* Across 4 GiB (a 32-bit build cuts it). */
	{ "fffff000-100001000 r--p 00000000 00:00 0",
	  0xfffff000, 0x100001000, R },
};

START_TEST(parse_good_lines)
{
	const struct good_line *g = &good_lines[_i];
	struct tlh_vma vma;

	if (!in_reach(g->start)) {
		ck_assert_msg(parse_guarded(g->line, strlen(g->line), &vma) ==
			      -ERANGE, "not -ERANGE: \"%s\"", g->line);
		return;
	}
	ck_assert_msg(parse_guarded(g->line, strlen(g->line), &vma) == 0,
		      "rejected: \"%s\"", g->line);
	ck_assert_msg(vma.start == g->start && vma.end == cut(g->end),
		      "\"%s\": got %#lx-%#lx", g->line,
		      (unsigned long)vma.start, (unsigned long)vma.end);
	ck_assert_msg(vma.flags == g->flags, "\"%s\": flags %#x, want %#x",
		      g->line, vma.flags, g->flags);
}
END_TEST

/* The other fields, and the name: what follows the inode and its spaces. */
struct field_line {
	const char *line;
	uint64_t offset, inode;
	uint32_t major, minor;
	const char *name;
};

static const struct field_line field_lines[] = {
	{ "00400000-00452000 r-xp 00001000 08:02 173521                     "
	  "        /usr/bin/dbus-daemon", 0x1000, 173521, 8, 2,
	  "/usr/bin/dbus-daemon" },
	{ "7f2c5c000000-7f2c5c021000 rw-p 00000000 00:00 0",
	  0, 0, 0, 0, "" },
	{ "7f2c5c000000-7f2c5c021000 rw-p 00000000 00:00 0                  "
	  "        ", 0, 0, 0, 0, "" },
	{ "7f0000004000-7f0000005000 rw-p 00000000 00:00 0                  "
	  "        [anon:my buffer]", 0, 0, 0, 0, "[anon:my buffer]" },
	{ "7f0000001000-7f0000002000 rw-s 00001000 fd:01 131090             "
	  "        /tmp/my file with  spaces.dat", 0x1000, 131090, 0xfd, 1,
	  "/tmp/my file with  spaces.dat" },
	{ "7f0000002000-7f0000003000 rw-s 00000000 00:01 1027               "
	  "        /memfd:shm (deleted)", 0, 1027, 0, 1,
	  "/memfd:shm (deleted)" },
	{ "7f0000003000-7f0000004000 r--p 00000000 fd:01 131091 "
	  "/tmp/new\\012line", 0, 131091, 0xfd, 1, "/tmp/new\\012line" },
	{ "7f0000007000-7f0000008000 r--s 00002000 103:1a3f5 2621450        "
	  "        /dev/shm/x", 0x2000, 2621450, 0x103, 0x1a3f5,
	  "/dev/shm/x" },
	{ "00001000-00002000 r--p 7fffffffffff0000 ffffffff:ffffffff "
	  "18446744073709551609 /f", 0x7fffffffffff0000,
	  UINT64_C(18446744073709551609), 0xffffffff, 0xffffffff, "/f" },
};

START_TEST(parse_fields)
{
	const struct field_line *f = &field_lines[_i];
	size_t len = strlen(f->line), nlen = strlen(f->name);
	struct tlh_vma vma;

	if (!in_reach(strtoull(f->line, NULL, 16))) {
		ck_assert_msg(parse_guarded(f->line, len, &vma) == -ERANGE,
			      "not -ERANGE: \"%s\"", f->line);
		return;
	}
	ck_assert_msg(parse_guarded(f->line, len, &vma) == 0,
		      "rejected: \"%s\"", f->line);
	ck_assert_uint_eq(vma.offset, f->offset);
	ck_assert_uint_eq(vma.inode, f->inode);
	ck_assert_uint_eq(vma.major, f->major);
	ck_assert_uint_eq(vma.minor, f->minor);
	ck_assert_msg(vma.name_len == nlen &&
		      (nlen == 0 || memcmp(vma.name, f->name, nlen) == 0),
		      "\"%s\": name \"%.*s\", want \"%s\"", f->line,
		      (int)vma.name_len, vma.name_len ? vma.name : "",
		      f->name);
}
END_TEST

static const char *const bad_lines[] = {
	/* Empty or blank. */
	"",
	" ",
	"\n",
	/* Empty or reversed range. */
	"00452000-00452000 r--p 00000000 00:00 0",
	"00453000-00452000 r--p 00000000 00:00 0",
	/* 17 hex digits in each hex field. */
	"00000000000400000-00452000 r--p 00000000 00:00 0",
	"00400000-00000000000452000 r--p 00000000 00:00 0",
	"00400000-00452000 r--p 00000000000000000 00:00 0",
	"00400000-00452000 r--p 00000000 00000000000000008:00 0",
	"00400000-00452000 r--p 00000000 08:00000000000000001 0",
	/* Device numbers wider than 32 bits. */
	"00400000-00452000 r--p 00000000 100000000:00 0",
	"00400000-00452000 r--p 00000000 00:100000000 0",
	/* Inode: 21 digits, or a 20-digit value above UINT64_MAX. */
	"00400000-00452000 r--p 00000000 00:00 000000000000000000001",
	"00400000-00452000 r--p 00000000 00:00 99999999999999999999",
	"00400000-00452000 r--p 00000000 00:00 18446744073709551616",
	/* Missing fields. */
	"00400000",
	"00400000-",
	"00400000-00452000",
	"00400000-00452000 ",
	"00400000-00452000 r--p",
	"00400000-00452000 r--p ",
	"00400000-00452000 r--p 00000000",
	"00400000-00452000 r--p 00000000 00",
	"00400000-00452000 r--p 00000000 00:",
	"00400000-00452000 r--p 00000000 00:00",
	"00400000-00452000 r--p 00000000 00:00 ",
	"-00452000 r--p 00000000 00:00 0",
	"00400000-00452000 r--p 00000000 :00 0",
	/* Wrong separators or spacing. */
	"00400000 00452000 r--p 00000000 00:00 0",
	"00400000_00452000 r--p 00000000 00:00 0",
	" 00400000-00452000 r--p 00000000 00:00 0",
	"00400000-00452000  r--p 00000000 00:00 0",
	"00400000-00452000 r--p  00000000 00:00 0",
	"00400000-00452000 r--p 00000000 00-00 0",
	"00400000-00452000 r--p 00000000 00:00\t0",
	"00400000-00452000 r--p 00000000 00:00 0\t/tab",
	"00400000-00452000 r--p 00000000 00:00 0x",
	"00400000-00452000 r--p 00000000 00:00 12a",
	"00400000-00452000 r--p 00000000 00:00 -1",
	/* Not hex. */
	"0040g000-00452000 r--p 00000000 00:00 0",
	"0x400000-00452000 r--p 00000000 00:00 0",
	"00400000-00452000 r--p 0000000z 00:00 0",
	"00400000-00452000 r--p 00000000 0g:00 0",
	/* Bad permissions. */
	"00400000-00452000 rwxq 00000000 00:00 0",
	"00400000-00452000 Rw-p 00000000 00:00 0",
	"00400000-00452000 xw-p 00000000 00:00 0",
	"00400000-00452000 r-wp 00000000 00:00 0",
	"00400000-00452000 rwsp 00000000 00:00 0",
	"00400000-00452000 r--- 00000000 00:00 0",
	"00400000-00452000 r--pp 00000000 00:00 0",
	"00400000-00452000 r-- 00000000 00:00 0",
	"00400000-00452000 r-x 00000000 00:00 0",
	"00400000-00452000 ---- 00000000 00:00 0",
	"00400000-00452000 rw-p00000000 00:00 0",
};

START_TEST(parse_bad_lines)
{
	const char *line = bad_lines[_i];
	struct tlh_vma vma;

	ck_assert_msg(parse_guarded(line, strlen(line), &vma) == -EINVAL,
		      "accepted: \"%s\"", line);
}
END_TEST

/* Every prefix of a line: complete from the first inode digit on. */
START_TEST(parse_prefixes)
{
	static const char line[] =
		"7f0000000000-7f0000001000 r-xp 00001000 fd:01 173521    "
		"                     /usr/lib/libx.so";
	size_t inode_at = (size_t)(strstr(line, "173521") - line);
	struct tlh_vma vma;
	size_t len;
	int ret;

	for (len = 0; len <= sizeof(line) - 1; len++) {
		ret = parse_guarded(line, len, &vma);
		if (len <= inode_at) {
			ck_assert_msg(ret == -EINVAL, "prefix %zu accepted",
				      len);
			continue;
		}
		if (!in_reach(UINT64_C(0x7f0000000000))) {
			ck_assert_msg(ret == -ERANGE, "prefix %zu: %d", len,
				      ret);
			continue;
		}
		ck_assert_msg(ret == 0, "prefix %zu rejected", len);
		ck_assert_uint_eq(vma.start, 0x7f0000000000);
		ck_assert_uint_eq(vma.end, 0x7f0000001000);
		ck_assert_uint_eq(vma.flags, R | F | X);
	}
}
END_TEST

/* The length is honoured: what follows it is not part of the line. */
START_TEST(parse_stops_at_len)
{
	static const char line[] = "00400000-00452000 rw-p 00000000 00:00 0X";
	static const char two[] =
		"00400000-00452000 r--p 00000000 00:00 0\n"
		"00452000-00453000 rw-p 00000000 08:01 12 /f\n";
	struct tlh_vma vma;

	/* The X after the inode would make it malformed. */
	ck_assert_int_eq(parse_guarded(line, sizeof(line) - 1, &vma),
			 -EINVAL);
	ck_assert_int_eq(parse_guarded(line, sizeof(line) - 2, &vma), 0);
	ck_assert_uint_eq(vma.flags, RW);
	/* Two lines in one buffer: the length picks the first... */
	ck_assert_int_eq(tlh_maps_parse_line(two, strchr(two, '\n') - two,
					     &vma), 0);
	ck_assert_uint_eq(vma.start, 0x400000);
	ck_assert_uint_eq(vma.end, 0x452000);
	ck_assert_uint_eq(vma.flags, R);
	/* ...and the newline is not part of a line. */
	ck_assert_int_eq(tlh_maps_parse_line(two, strchr(two, '\n') - two + 1,
					     &vma), -EINVAL);
}
END_TEST

/* A line longer than any buffer: only its head matters. */
START_TEST(parse_long_line)
{
	static const char head[] =
		"7f0000000000-7f0000003000 rw-s 00000000 fd:01 4242         "
		"                  /";
	size_t len = 3 * 8192 + 77;
	struct tlh_vma vma;
	char *line;
	int ret;

	line = malloc(len);
	ck_assert_ptr_nonnull(line);
	memset(line, 'a', len);
	memcpy(line, head, sizeof(head) - 1);
	memcpy(line + len - 10, " (deleted)", 10);
	ret = parse_guarded(line, len, &vma);
	free(line);
	if (!in_reach(UINT64_C(0x7f0000000000))) {
		ck_assert_int_eq(ret, -ERANGE);
		return;
	}
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(vma.start, 0x7f0000000000);
	ck_assert_uint_eq(vma.end, 0x7f0000003000);
	ck_assert_uint_eq(vma.flags, RW | F | S);
	ck_assert_uint_eq(vma.inode, 4242);
	ck_assert_uint_eq(vma.name_len, len - (sizeof(head) - 2));
}
END_TEST

/* Each line of our own maps parses, and agrees with the kernel's order. */
START_TEST(parse_own_maps)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char *line = NULL;
	size_t cap = 0, lines = 0, bad = 0;
	uintptr_t prev_end = 0;
	struct tlh_vma vma;
	ssize_t n;

	ck_assert_ptr_nonnull(f);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			n--;
		lines++;
		if (tlh_maps_parse_line(line, (size_t)n, &vma) != 0 ||
		    vma.start < prev_end) {
			fprintf(stderr, "parse_own_maps: %.*s\n", (int)n, line);
			bad++;
		}
		prev_end = vma.end;
	}
	free(line);
	fclose(f);
	ck_assert_uint_gt(lines, 5);
	ck_assert_uint_eq(bad, 0);
}
END_TEST

/* --- the walker ---------------------------------------------------------- */

#define COLLECT_MAX	1024

/* What the callback saw; it can stop the walk at the stop_at'th VMA. */
struct collect {
	struct tlh_vma v[COLLECT_MAX];
	size_t n;
	size_t stop_at;		/* 0: never */
	int stop_ret;
};

static int
collect_vma(const struct tlh_vma *vma, void *arg)
{
	struct collect *c = arg;

	if (c->n == COLLECT_MAX)
		return -E2BIG;
	c->v[c->n++] = *vma;
	if (c->stop_at && c->n == c->stop_at)
		return c->stop_ret;
	return 0;
}

static int
walk(pid_t pid, const void *start, const void *end, struct collect *c)
{
	memset(c, 0, sizeof(*c));
	return tlh_maps_walk(pid, (uintptr_t)start, (uintptr_t)end,
			     collect_vma, c);
}

/* What a page of a test region holds. */
enum kind {
	K_NONE,		/* anonymous PROT_NONE */
	K_R,		/* anonymous read-only */
	K_RW,		/* anonymous read-write */
	K_FILE_R,	/* a file, read-only */
	K_FILE_RW,	/* a file, MAP_PRIVATE read-write */
};

static const unsigned int kind_flags[] = {
	[K_NONE] = 0, [K_R] = R, [K_RW] = RW,
	[K_FILE_R] = R | F, [K_FILE_RW] = RW | F,
};

/*
 * @n pages between two PROT_NONE guard pages, page i of kind kinds[i].
 * Neighbouring pages must differ so that each is its own VMA (file pages
 * never merge with anonymous ones; anonymous pages of different
 * protections never merge), and the first and last must not be K_NONE.
 */
struct region {
	char *map;		/* including the guards */
	size_t map_len;
	char *base;		/* first page of the region */
	size_t pages;
	const enum kind *kinds;
};

/* A one-page file with a long name, already unlinked; its name to @path. */
static int
long_named_file(char *path, size_t size)
{
	const char *dir = getenv("TMPDIR");
	int fd, len;

	if (!dir || !*dir)
		dir = "/tmp";
	len = snprintf(path, size, "%s/tlh-maps-", dir);
	ck_assert_int_gt(len, 0);
	ck_assert_int_lt(len + 200 + 6, (int)size);
	memset(path + len, 'n', 200);
	strcpy(path + len + 200, "XXXXXX");
	fd = mkostemp(path, O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(ftruncate(fd, (off_t)page()), 0);
	return fd;
}

static void
region_make(struct region *r, const enum kind *kinds, size_t n, int fd)
{
	size_t pg = page(), i;
	int prot, own_fd = -1;
	char path[PATH_MAX];
	void *p;

	r->pages = n;
	r->kinds = kinds;
	r->map_len = (n + 2) * pg;
	r->map = mmap(NULL, r->map_len, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(r->map, MAP_FAILED);
	r->base = r->map + pg;
	for (i = 0; i < n; i++) {
		char *at = r->base + i * pg;

		prot = kind_flags[kinds[i]] & W ? PROT_READ | PROT_WRITE :
		       kind_flags[kinds[i]] & R ? PROT_READ : PROT_NONE;
		if (kinds[i] == K_FILE_R || kinds[i] == K_FILE_RW) {
			if (fd < 0 && own_fd < 0)
				own_fd = long_named_file(path,
							  sizeof(path));
			p = mmap(at, pg, prot, MAP_PRIVATE | MAP_FIXED,
				 fd >= 0 ? fd : own_fd, 0);
			ck_assert_ptr_eq(p, at);
		} else if (kinds[i] != K_NONE) {
			ck_assert_int_eq(mprotect(at, pg, prot), 0);
		}
	}
	if (own_fd >= 0)
		close(own_fd);
}

static void
region_free(struct region *r)
{
	munmap(r->map, r->map_len);
}

static char *
region_page(const struct region *r, size_t i)
{
	return r->base + i * page();
}

/* The walk saw exactly pages [first, first + n) of the region. */
static void
expect_pages(const struct region *r, const struct collect *c, size_t first,
	     size_t n)
{
	size_t i;

	ck_assert_uint_eq(c->n, n);
	for (i = 0; i < n; i++) {
		const struct tlh_vma *v = &c->v[i];
		char *at = region_page(r, first + i);

		ck_assert_msg(v->start == (uintptr_t)at &&
			      v->end == (uintptr_t)at + page(),
			      "VMA %zu is %#lx-%#lx, want page %zu at %p", i,
			      (unsigned long)v->start, (unsigned long)v->end,
			      first + i, (void *)at);
		ck_assert_msg(v->flags == kind_flags[r->kinds[first + i]],
			      "VMA %zu (page %zu): flags %#x, want %#x", i,
			      first + i, v->flags,
			      kind_flags[r->kinds[first + i]]);
	}
}

/* The VMAs seen cover [start, end) in order without a gap. */
static void
expect_contiguous(const struct collect *c, uintptr_t start, uintptr_t end)
{
	size_t i;

	ck_assert_uint_gt(c->n, 0);
	ck_assert_uint_le(c->v[0].start, start);
	for (i = 1; i < c->n; i++)
		ck_assert_uint_eq(c->v[i].start, c->v[i - 1].end);
	ck_assert_uint_ge(c->v[c->n - 1].end, end);
	ck_assert_uint_lt(c->v[c->n - 1].start, end);
}

static const enum kind mixed[] = {
	K_R, K_RW, K_FILE_R, K_NONE, K_R, K_FILE_RW, K_RW, K_NONE, K_FILE_R,
	K_RW, K_R,
};
#define NMIXED	(sizeof(mixed) / sizeof(mixed[0]))

/* Which path the walks take: the text when told to, else the ioctl if the
 * running kernel has it. */
START_TEST(walk_path)
{
	struct procmap_query q;
	struct collect c;
	int fd, has_ioctl;
	char x = 1;

	ck_assert_int_eq(walk(getpid(), &x, &x + 1, &c), 0);
	if (text_forced()) {
		ck_assert_int_eq(tlh_maps_have_query(), 0);
		return;
	}
	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	q.query_flags = PROCMAP_QUERY_COVERING_OR_NEXT_VMA;
	q.query_addr = (uintptr_t)&x;
	has_ioctl = ioctl(fd, PROCMAP_QUERY, &q) == 0;
	if (!has_ioctl)
		printf("SKIP: PROCMAP_QUERY walks: the ioctl fails here (%s): "
		       "every walk reads the text\n", strerror(errno));
	close(fd);
	ck_assert_int_eq(tlh_maps_have_query(), has_ioctl);
}
END_TEST

/* Adjacent mappings of different kinds: one VMA each, in order. */
START_TEST(walk_adjacent)
{
	struct region r;
	struct collect c;
	int ret;

	region_make(&r, mixed, NMIXED, -1);
	ret = walk(getpid(), region_page(&r, 0), region_page(&r, NMIXED), &c);
	ck_assert_int_eq(ret, 0);
	expect_pages(&r, &c, 0, NMIXED);

	/* A range inside: from the middle of page 2 to the middle of 5. */
	ret = walk(getpid(), region_page(&r, 2) + 100,
		   region_page(&r, 5) + 1, &c);
	ck_assert_int_eq(ret, 0);
	expect_pages(&r, &c, 2, 4);

	/* The guard pages are mappings too: no hole. */
	ret = walk(getpid(), r.map, r.map + r.map_len, &c);
	ck_assert_int_eq(ret, 0);
	expect_contiguous(&c, (uintptr_t)r.map, (uintptr_t)r.map + r.map_len);
	ck_assert_uint_eq(c.n, NMIXED + 2);
	ck_assert_uint_eq(c.v[0].flags, 0);
	ck_assert_uint_eq(c.v[NMIXED + 1].flags, 0);
	region_free(&r);
}
END_TEST

static int
check(const void *start, const void *end, unsigned int need,
      struct collect *c)
{
	memset(c, 0, sizeof(*c));
	return tlh_maps_check(getpid(), (uintptr_t)start, (uintptr_t)end, need,
			      collect_vma, c);
}

/*
 * tlh_maps_check: every mapping must have the flags asked for.  A range
 * whose last page lacks them is refused before the callback sees anything
 * when the ioctl answers (it asks for the last page first); the text is
 * read in order.
 */
START_TEST(walk_check_need)
{
	static const enum kind ends_bad[] = { K_R, K_RW, K_R, K_NONE };
	static const enum kind middle_bad[] = { K_R, K_NONE, K_RW };
	struct region r;
	struct collect c;

	region_make(&r, ends_bad, 4, -1);
	ck_assert_int_eq(check(region_page(&r, 0), region_page(&r, 3), R, &c),
			 0);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_int_eq(check(region_page(&r, 0) + 5, region_page(&r, 4), R,
			       &c), -EACCES);
	ck_assert_uint_eq(c.n, tlh_maps_have_query() ? 0 : 3);
	ck_assert_int_eq(check(region_page(&r, 1), region_page(&r, 2) + 1, W,
			       &c), -EACCES);
	ck_assert_uint_eq(c.n, tlh_maps_have_query() ? 0 : 1);
	ck_assert_int_eq(check(region_page(&r, 1), region_page(&r, 2), W, &c),
			 0);
	ck_assert_uint_eq(c.n, 1);
	region_free(&r);

	region_make(&r, middle_bad, 3, -1);
	ck_assert_int_eq(check(region_page(&r, 0), region_page(&r, 3), R, &c),
			 -EACCES);
	ck_assert_uint_eq(c.n, 1);
	region_free(&r);
}
END_TEST

/*
 * Execute permission and sharing, as both the ioctl and the text report
 * them: private and shared anonymous mappings, with and without PROT_EXEC
 * and PROT_WRITE, side by side.
 */
START_TEST(walk_exec_shared)
{
	static const struct {
		int prot, shared;
		unsigned int flags;
	} kinds[] = {
		{ PROT_READ | PROT_EXEC, 0, R | X },
		{ PROT_READ | PROT_WRITE, 1, RW | S },
		{ PROT_EXEC, 0, X },
		{ PROT_READ, 1, R | S },
		{ PROT_READ | PROT_WRITE | PROT_EXEC, 0, RW | X },
		{ PROT_READ | PROT_EXEC, 1, R | X | S },
	};
	size_t pg = page(), n = sizeof(kinds) / sizeof(kinds[0]), i;
	struct collect c;
	char *m, *p;

	m = mmap(NULL, (n + 2) * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	ck_assert_ptr_ne(m, MAP_FAILED);
	for (i = 0; i < n; i++) {
		p = mmap(m + (i + 1) * pg, pg, kinds[i].prot,
			 MAP_FIXED | MAP_ANONYMOUS |
			 (kinds[i].shared ? MAP_SHARED : MAP_PRIVATE), -1, 0);
		ck_assert_ptr_eq(p, m + (i + 1) * pg);
	}
	ck_assert_int_eq(walk(getpid(), m + pg, m + (n + 1) * pg, &c), 0);
	ck_assert_uint_eq(c.n, n);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(c.v[i].start, (uintptr_t)(m + (i + 1) * pg));
		/* a shared anonymous mapping is a file (of shmem) */
		ck_assert_msg((c.v[i].flags & ~F) == kinds[i].flags,
			      "mapping %zu: flags %#x, want %#x", i,
			      c.v[i].flags & ~F, kinds[i].flags);
	}
	munmap(m, (n + 2) * pg);
}
END_TEST

/* A range that starts inside a VMA gets the whole VMA. */
START_TEST(walk_inside_vma)
{
	size_t pg = page();
	struct collect c;
	char *m;
	int ret;

	m = mmap(NULL, 6 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(m, MAP_FAILED);
	ck_assert_int_eq(mprotect(m + pg, 4 * pg, PROT_READ | PROT_WRITE), 0);

	ret = walk(getpid(), m + pg + 100, m + 2 * pg, &c);
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(c.v[0].start, (uintptr_t)(m + pg));
	ck_assert_uint_eq(c.v[0].end, (uintptr_t)(m + 5 * pg));
	ck_assert_uint_eq(c.v[0].flags, RW);

	/* One byte in the middle. */
	ret = walk(getpid(), m + 3 * pg + 7, m + 3 * pg + 8, &c);
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(c.v[0].start, (uintptr_t)(m + pg));

	/* Into the PROT_NONE guard after it: still covered. */
	ret = walk(getpid(), m + 4 * pg + 1, m + 5 * pg + 1, &c);
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_uint_eq(c.v[1].start, (uintptr_t)(m + 5 * pg));
	ck_assert_uint_eq(c.v[1].flags, 0);

	/* An empty range: covered, nothing to report. */
	ret = walk(getpid(), m + 2 * pg, m + 2 * pg, &c);
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(c.n, 0);
	munmap(m, 6 * pg);
}
END_TEST

/* Holes: -ENXIO, after reporting what came before the hole. */
START_TEST(walk_hole)
{
	size_t pg = page();
	struct collect c;
	char *m;
	int ret;

	/* [guard][A r--][hole][B rw-][guard] */
	m = mmap(NULL, 5 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(m, MAP_FAILED);
	ck_assert_int_eq(mprotect(m + pg, pg, PROT_READ), 0);
	ck_assert_int_eq(munmap(m + 2 * pg, pg), 0);
	ck_assert_int_eq(mprotect(m + 3 * pg, pg, PROT_READ | PROT_WRITE), 0);

	/* Across the hole. */
	ret = walk(getpid(), m + pg, m + 4 * pg, &c);
	ck_assert_int_eq(ret, -ENXIO);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(c.v[0].start, (uintptr_t)(m + pg));
	ck_assert_uint_eq(c.v[0].flags, R);

	/* Ending one byte into the hole. */
	ret = walk(getpid(), m + pg, m + 2 * pg + 1, &c);
	ck_assert_int_eq(ret, -ENXIO);
	ck_assert_uint_eq(c.n, 1);

	/* Starting in the hole. */
	ret = walk(getpid(), m + 2 * pg, m + 3 * pg + 1, &c);
	ck_assert_int_eq(ret, -ENXIO);
	ck_assert_uint_eq(c.n, 0);

	/* Entirely in the hole. */
	ret = walk(getpid(), m + 2 * pg + 8, m + 2 * pg + 16, &c);
	ck_assert_int_eq(ret, -ENXIO);
	ck_assert_uint_eq(c.n, 0);

	/* Up to the hole, and from it: no hole in the range. */
	ret = walk(getpid(), m + pg, m + 2 * pg, &c);
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(c.n, 1);
	ret = walk(getpid(), m + 3 * pg, m + 4 * pg, &c);
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(c.v[0].flags, RW);

	munmap(m, 5 * pg);
}
END_TEST

/* Past the last mapping of user space: a hole to the end of the maps. */
START_TEST(walk_after_last_mapping)
{
	FILE *f = fopen("/proc/self/maps", "re");
	uintptr_t last_end = 0;
	struct tlh_vma vma;
	struct collect c;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret;

	ck_assert_ptr_nonnull(f);
	while ((n = getline(&line, &cap, f)) > 0) {
		/* Skip the vsyscall page: it lies in kernel space. */
		if (tlh_maps_parse_line(line, (size_t)n - 1, &vma) == 0 &&
		    vma.start < ((uintptr_t)1 << (sizeof(void *) * 8 - 1)))
			last_end = vma.end;
	}
	free(line);
	fclose(f);
	ck_assert_uint_ne(last_end, 0);
	ret = walk(getpid(), (void *)last_end, (void *)(last_end + page()),
		   &c);
	ck_assert_int_eq(ret, -ENXIO);
	ck_assert_uint_eq(c.n, 0);
}
END_TEST

/* A non-zero return from the callback ends the walk and is returned. */
START_TEST(walk_callback_stops)
{
	struct collect c;
	struct region r;
	int ret;

	region_make(&r, mixed, NMIXED, -1);

	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	c.stop_ret = 42;
	ret = tlh_maps_walk(getpid(), (uintptr_t)region_page(&r, 0),
			    (uintptr_t)region_page(&r, NMIXED),
			    collect_vma, &c);
	ck_assert_int_eq(ret, 42);
	ck_assert_uint_eq(c.n, 2);

	memset(&c, 0, sizeof(c));
	c.stop_at = 1;
	c.stop_ret = -EIO;
	ret = tlh_maps_walk(getpid(), (uintptr_t)region_page(&r, 0),
			    (uintptr_t)region_page(&r, NMIXED),
			    collect_vma, &c);
	ck_assert_int_eq(ret, -EIO);
	ck_assert_uint_eq(c.n, 1);

	/* 1 is a value like any other. */
	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	c.stop_ret = 1;
	ret = tlh_maps_walk(getpid(), (uintptr_t)region_page(&r, 0),
			    (uintptr_t)region_page(&r, NMIXED),
			    collect_vma, &c);
	ck_assert_int_eq(ret, 1);
	ck_assert_uint_eq(c.n, 2);

	/* Stopping at the last VMA still returns the callback's value. */
	memset(&c, 0, sizeof(c));
	c.stop_at = NMIXED;
	c.stop_ret = 7;
	ret = tlh_maps_walk(getpid(), (uintptr_t)region_page(&r, 0),
			    (uintptr_t)region_page(&r, NMIXED),
			    collect_vma, &c);
	ck_assert_int_eq(ret, 7);
	ck_assert_uint_eq(c.n, NMIXED);

	/* Stopping before a hole wins over the hole. */
	memset(&c, 0, sizeof(c));
	c.stop_at = 1;
	c.stop_ret = 9;
	ret = tlh_maps_walk(getpid(), (uintptr_t)r.map - 1,
			    (uintptr_t)r.map + 1, collect_vma, &c);
	region_free(&r);
	/* r.map - 1 is mapped or a hole depending on the neighbours. */
	ck_assert(ret == 9 || ret == -ENXIO);
	ck_assert_uint_eq(c.n, ret == 9 ? 1 : 0);
}
END_TEST

/* Another process: a forked copy has the same layout. */
START_TEST(walk_other_process)
{
	struct collect c;
	struct region r;
	int fds[2], ret, status;
	pid_t pid;
	char byte;

	region_make(&r, mixed, NMIXED, -1);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[1]);
		/* Wait until the parent closes its end. */
		while (read(fds[0], &byte, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(fds[0]);
	ret = walk(pid, region_page(&r, 0), region_page(&r, NMIXED), &c);
	close(fds[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(ret, 0);
	expect_pages(&r, &c, 0, NMIXED);

	/* Once it is gone (and reaped) there are no maps to open. */
	ret = walk(pid, region_page(&r, 0), region_page(&r, 1), &c);
	region_free(&r);
	ck_assert_int_eq(ret, -ESRCH);
	ck_assert_uint_eq(c.n, 0);
}
END_TEST

START_TEST(walk_no_such_process)
{
	struct collect c;
	char x = 0;

	/* Above PID_MAX_LIMIT: no process ever has these. */
	ck_assert_int_eq(walk(4194305, &x, &x + 1, &c), -ESRCH);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_int_eq(walk(INT_MAX, &x, &x + 1, &c), -ESRCH);
	ck_assert_uint_eq(c.n, 0);
}
END_TEST

/*
 * A process whose maps we may not open: -EPERM.  As root, a child that
 * has become nobody looks at us; otherwise we look at a child that has
 * made itself non-dumpable (inspecting it then takes CAP_SYS_PTRACE).
 */
START_TEST(walk_not_permitted)
{
	int ready[2], done[2], status, ret = 0;
	pid_t pid, parent = getpid();
	int as_root = geteuid() == 0;
	struct collect c;
	char x = 0, byte;

	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(done), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(ready[0]);
		close(done[1]);
		if (as_root) {
			if (setgid(65534) || setuid(65534))
				_exit(2);
			_exit(walk(parent, &x, &x + 1, &c) == -EPERM &&
			      c.n == 0 ? 0 : 1);
		}
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) ||
		    write(ready[1], "r", 1) != 1)
			_exit(2);
		while (read(done[0], &byte, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(ready[1]);
	close(done[0]);
	if (!as_root) {
		if (read(ready[0], &byte, 1) == 1)
			ret = walk(pid, &x, &x + 1, &c);
		else
			ret = 1;
	}
	close(ready[0]);
	close(done[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_msg(WEXITSTATUS(status) == 0, "child: exit status %d",
		      WEXITSTATUS(status));
	if (!as_root) {
		ck_assert_int_eq(ret, -EPERM);
		ck_assert_uint_eq(c.n, 0);
	}
}
END_TEST

/*
 * Hundreds of mappings, many with long file names, before the range: the
 * text parser goes through far more than its 8 KiB buffer first.
 */
#define NMANY	401

static size_t
maps_offset_of(uintptr_t start, size_t *line_len)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char *line = NULL, want[32];
	size_t cap = 0, off = 0, found = (size_t)-1;
	ssize_t n;

	ck_assert_ptr_nonnull(f);
	snprintf(want, sizeof(want), "%08lx-", (unsigned long)start);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (strncmp(line, want, strlen(want)) == 0) {
			found = off;
			*line_len = (size_t)n;
			break;
		}
		off += (size_t)n;
	}
	free(line);
	fclose(f);
	return found;
}

START_TEST(walk_many_mappings)
{
	static enum kind kinds[NMANY];
	static const enum kind cycle[] = { K_R, K_FILE_R, K_RW, K_NONE };
	struct collect *c = malloc(sizeof(*c));
	size_t i, off, len;
	struct region r;
	char path[PATH_MAX];
	int fd, ret;

	ck_assert_ptr_nonnull(c);
	for (i = 0; i < NMANY; i++)
		kinds[i] = cycle[i % 4];
	fd = long_named_file(path, sizeof(path));
	region_make(&r, kinds, NMANY, fd);
	close(fd);

	/* The last pages come after more than 8 KiB of text. */
	off = maps_offset_of((uintptr_t)region_page(&r, NMANY - 1), &len);
	ck_assert_uint_ne(off, (size_t)-1);
	ck_assert_uint_gt(off, 3 * 8192);

	ret = walk(getpid(), region_page(&r, NMANY - 3),
		   region_page(&r, NMANY), c);
	ck_assert_int_eq(ret, 0);
	expect_pages(&r, c, NMANY - 3, 3);

	/* The whole region, every VMA in order. */
	ret = walk(getpid(), region_page(&r, 0), region_page(&r, NMANY), c);
	ck_assert_int_eq(ret, 0);
	expect_pages(&r, c, 0, NMANY);

	/* A hole after all of them. */
	ck_assert_int_eq(munmap(region_page(&r, NMANY - 1), page()), 0);
	ret = walk(getpid(), region_page(&r, NMANY - 2),
		   region_page(&r, NMANY), c);
	ck_assert_int_eq(ret, -ENXIO);
	ck_assert_uint_eq(c->n, 1);
	region_free(&r);
	free(c);
}
END_TEST

/*
 * A file whose path is longer than the text walker's buffer (paths may be
 * longer than PATH_MAX when built a directory at a time), mapped between
 * two anonymous pages.  Everything is removed from the file system before
 * the first check, so a failing test leaves nothing behind.
 */
#define DEPTH	40	/* 40 directories of 255 bytes: about 10 KiB */

static int
deep_file(char *top, size_t top_len)
{
	int dirs[DEPTH + 1], fd = -1, i, made = 0;
	const char *tmp = getenv("TMPDIR");
	char name[256];

	memset(name, 'd', 255);
	name[255] = '\0';
	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(top, top_len, "%s/tlh-deep-XXXXXX", tmp);
	if (!mkdtemp(top))
		return -1;
	dirs[0] = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirs[0] < 0)
		goto out;
	for (made = 0; made < DEPTH; made++) {
		if (mkdirat(dirs[made], name, 0700) < 0)
			break;
		dirs[made + 1] = openat(dirs[made], name,
					O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirs[made + 1] < 0) {
			unlinkat(dirs[made], name, AT_REMOVEDIR);
			break;
		}
	}
	if (made == DEPTH) {
		fd = openat(dirs[DEPTH], "file", O_RDWR | O_CREAT | O_EXCL |
			    O_CLOEXEC, 0600);
		if (fd >= 0) {
			unlinkat(dirs[DEPTH], "file", 0);
			if (ftruncate(fd, (off_t)page()) < 0) {
				close(fd);
				fd = -1;
			}
		}
	}
	for (i = made; i > 0; i--) {
		close(dirs[i]);
		unlinkat(dirs[i - 1], name, AT_REMOVEDIR);
	}
	close(dirs[0]);
out:
	rmdir(top);
	return fd;
}

START_TEST(walk_overlong_line)
{
	static const enum kind kinds[] = { K_RW, K_FILE_R, K_R, K_FILE_RW,
					   K_RW };
	char top[PATH_MAX];
	struct collect c;
	struct region r;
	size_t len = 0;
	int fd, ret;

	fd = deep_file(top, sizeof(top));
	ck_assert_msg(fd >= 0, "cannot make a deep path under %s", top);
	region_make(&r, kinds, 5, fd);
	close(fd);

	/* The lines really are longer than the walker's buffer. */
	ck_assert_uint_ne(maps_offset_of((uintptr_t)region_page(&r, 1), &len),
			  (size_t)-1);
	ck_assert_uint_gt(len, 8192 + 1024);
	ck_assert_uint_ne(maps_offset_of((uintptr_t)region_page(&r, 3), &len),
			  (size_t)-1);
	ck_assert_uint_gt(len, 8192 + 1024);

	ret = walk(getpid(), region_page(&r, 0), region_page(&r, 5), &c);
	ck_assert_int_eq(ret, 0);
	expect_pages(&r, &c, 0, 5);

	/* Starting on a long line, and just after one. */
	ret = walk(getpid(), region_page(&r, 1) + 5, region_page(&r, 1) + 6,
		   &c);
	ck_assert_int_eq(ret, 0);
	expect_pages(&r, &c, 1, 1);
	ret = walk(getpid(), region_page(&r, 2), region_page(&r, 3) + 1, &c);
	ck_assert_int_eq(ret, 0);
	expect_pages(&r, &c, 2, 2);
	ret = walk(getpid(), region_page(&r, 4), region_page(&r, 5), &c);
	ck_assert_int_eq(ret, 0);
	expect_pages(&r, &c, 4, 1);
	region_free(&r);
}
END_TEST

/* --- every mapping, with names ------------------------------------------ */

/* What tlh_maps_each() showed of one region, checked as it went. */
struct each_check {
	const struct region *r;
	const char *file_name;	/* expected name of the file pages */
	size_t calls;
	size_t seen;		/* region pages seen, in order */
	size_t bad;		/* pages wrong in address, flags or name */
	uintptr_t last_end;
	size_t out_of_order;
	size_t stop_at;		/* 0: never */
	int stop_ret;
};

static int
each_vma(const struct tlh_vma *vma, void *arg)
{
	struct each_check *e = arg;
	const struct region *r = e->r;
	uintptr_t base = (uintptr_t)r->base, pg = page();
	enum kind k;
	size_t i;

	e->calls++;
	if (vma->start < e->last_end || vma->end <= vma->start)
		e->out_of_order++;
	e->last_end = vma->end;
	if (vma->start >= base && vma->start < base + r->pages * pg) {
		i = (vma->start - base) / pg;
		k = r->kinds[i];
		if (i != e->seen || vma->end != vma->start + pg ||
		    vma->flags != kind_flags[k])
			e->bad++;
		else if ((k == K_FILE_R || k == K_FILE_RW) && e->file_name &&
			 (vma->name_len != strlen(e->file_name) ||
			  memcmp(vma->name, e->file_name, vma->name_len)))
			e->bad++;
		else if (k != K_FILE_R && k != K_FILE_RW &&
			 vma->name_len != 0)
			e->bad++;
		e->seen++;
	}
	if (e->stop_at && e->calls == e->stop_at)
		return e->stop_ret;
	return 0;
}

START_TEST(each_own_process)
{
	static const enum kind kinds[] = {
		K_R, K_FILE_R, K_RW, K_NONE, K_FILE_RW, K_R,
	};
	char path[PATH_MAX], name[PATH_MAX + 16];
	struct each_check e;
	struct region r;
	int fd, ret;

	fd = long_named_file(path, sizeof(path));
	snprintf(name, sizeof(name), "%s (deleted)", path);
	region_make(&r, kinds, 6, fd);
	close(fd);

	memset(&e, 0, sizeof(e));
	e.r = &r;
	e.file_name = name;
	ret = tlh_maps_each(getpid(), each_vma, &e);
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(e.out_of_order, 0);
	ck_assert_uint_eq(e.seen, 6);
	ck_assert_uint_eq(e.bad, 0);
	ck_assert_uint_gt(e.calls, 6 + 2);

	/* A non-zero return stops it and is returned, 1 included. */
	memset(&e, 0, sizeof(e));
	e.r = &r;
	e.stop_at = 3;
	e.stop_ret = 5;
	ck_assert_int_eq(tlh_maps_each(getpid(), each_vma, &e), 5);
	ck_assert_uint_eq(e.calls, 3);
	memset(&e, 0, sizeof(e));
	e.r = &r;
	e.stop_at = 1;
	e.stop_ret = 1;
	ck_assert_int_eq(tlh_maps_each(getpid(), each_vma, &e), 1);
	ck_assert_uint_eq(e.calls, 1);
	region_free(&r);
}
END_TEST

START_TEST(each_many_and_long_lines)
{
	static enum kind kinds[NMANY];
	static const enum kind cycle[] = { K_R, K_FILE_R, K_RW, K_NONE };
	static const enum kind deep_kinds[] = { K_RW, K_FILE_R, K_R };
	struct each_check e;
	struct region r, d;
	char top[PATH_MAX];
	size_t i;
	int fd, ret;

	for (i = 0; i < NMANY; i++)
		kinds[i] = cycle[i % 4];
	region_make(&r, kinds, NMANY, -1);
	fd = deep_file(top, sizeof(top));
	ck_assert_msg(fd >= 0, "cannot make a deep path under %s", top);
	region_make(&d, deep_kinds, 3, fd);
	close(fd);

	memset(&e, 0, sizeof(e));
	e.r = &r;
	ret = tlh_maps_each(getpid(), each_vma, &e);
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(e.out_of_order, 0);
	ck_assert_uint_eq(e.seen, NMANY);
	ck_assert_uint_eq(e.bad, 0);

	/* Past a line longer than the buffer: its head, then the rest. */
	memset(&e, 0, sizeof(e));
	e.r = &d;
	ret = tlh_maps_each(getpid(), each_vma, &e);
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(e.out_of_order, 0);
	ck_assert_uint_eq(e.seen, 3);
	ck_assert_uint_eq(e.bad, 0);
	region_free(&d);
	region_free(&r);
}
END_TEST

START_TEST(each_no_such_process)
{
	struct each_check e;

	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(tlh_maps_each(4194305, each_vma, &e), -ESRCH);
	ck_assert_uint_eq(e.calls, 0);
}
END_TEST

/* --- the same walks through the text parser ------------------------------ */

static int walk_tests;		/* how many tests the "walk" case has */

static char **
child_environment(void)
{
	static const char *const drop[] = {
		"CK_RUN_SUITE=", "CK_RUN_CASE=", "CK_INCLUDE_TAGS=",
		"CK_EXCLUDE_TAGS=", "CK_VERBOSITY=", "CK_LOG_FILE_NAME=",
		"CK_XML_LOG_FILE_NAME=", "CK_TAP_LOG_FILE_NAME=",
		FORCE_ENV "=", CHILD_ENV "=",
	};
	static char *const add[] = {
		"CK_RUN_SUITE=maps", "CK_RUN_CASE=walk",
		"CK_VERBOSITY=normal", FORCE_ENV "=1", CHILD_ENV "=1",
	};
	size_t n = 0, i, j, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + sizeof(add) / sizeof(add[0]) + 1, sizeof(*env));
	ck_assert_ptr_nonnull(env);
	for (i = 0; i < n; i++) {
		for (j = 0; j < sizeof(drop) / sizeof(drop[0]); j++)
			if (!strncmp(environ[i], drop[j], strlen(drop[j])))
				break;
		if (j == sizeof(drop) / sizeof(drop[0]))
			env[k++] = environ[i];
	}
	for (j = 0; j < sizeof(add) / sizeof(add[0]); j++)
		env[k++] = add[j];
	env[k] = NULL;
	return env;
}

START_TEST(walk_with_text_parser)
{
	char exe[PATH_MAX], out[65536], *argv[2], **env;
	int fds[2], status, checks = -1, failures = -1, errors = -1;
	size_t have = 0;
	const char *summary;
	ssize_t got, len;
	pid_t pid;

	ck_assert_msg(!getenv(CHILD_ENV), "the text-parser run recursed");
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ck_assert_int_gt(len, 0);
	exe[len] = '\0';
	argv[0] = exe;
	argv[1] = NULL;
	env = child_environment();

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		execve(exe, argv, env);
		_exit(127);
	}
	free(env);
	close(fds[1]);
	for (;;) {
		got = read(fds[0], out + have, sizeof(out) - 1 - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		have += (size_t)got;
		if (have == sizeof(out) - 1)	/* keep the tail */
			have = 0;
	}
	out[have] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);

	summary = strstr(out, "%: Checks: ");
	if (summary)
		sscanf(summary, "%%: Checks: %d, Failures: %d, Errors: %d",
		       &checks, &failures, &errors);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    checks != walk_tests || failures != 0 || errors != 0)
		fprintf(stderr, "--- %s with %s=1 ---\n%s--- end ---\n", exe,
			FORCE_ENV, out);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the text-parser run failed (output above)");
	ck_assert_int_eq(checks, walk_tests);
	ck_assert_int_eq(failures, 0);
	ck_assert_int_eq(errors, 0);
}
END_TEST

Suite *
maps_suite(void)
{
	Suite *s = suite_create("maps");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, parse_good_lines, 0,
			    sizeof(good_lines) / sizeof(good_lines[0]));
	tcase_add_loop_test(tc, parse_bad_lines, 0,
			    sizeof(bad_lines) / sizeof(bad_lines[0]));
	tcase_add_loop_test(tc, parse_fields, 0,
			    sizeof(field_lines) / sizeof(field_lines[0]));
	tcase_add_test(tc, parse_prefixes);
	tcase_add_test(tc, parse_stops_at_len);
	tcase_add_test(tc, parse_long_line);
	tcase_add_test(tc, parse_own_maps);
	suite_add_tcase(s, tc);

	/* Run again by walk_with_text_parser: keep walk_tests in step. */
	tc = tcase_create("walk");
	tcase_set_timeout(tc, 20);
	walk_tests = 0;
#define ADD_WALK_TEST(fn)	(tcase_add_test(tc, fn), walk_tests++)
	ADD_WALK_TEST(walk_path);
	ADD_WALK_TEST(walk_adjacent);
	ADD_WALK_TEST(walk_inside_vma);
	ADD_WALK_TEST(walk_hole);
	ADD_WALK_TEST(walk_after_last_mapping);
	ADD_WALK_TEST(walk_callback_stops);
	ADD_WALK_TEST(walk_other_process);
	ADD_WALK_TEST(walk_no_such_process);
	ADD_WALK_TEST(walk_not_permitted);
	ADD_WALK_TEST(walk_many_mappings);
	ADD_WALK_TEST(walk_overlong_line);
	ADD_WALK_TEST(walk_check_need);
	ADD_WALK_TEST(walk_exec_shared);
#undef ADD_WALK_TEST
	suite_add_tcase(s, tc);

	tc = tcase_create("each");
	tcase_add_test(tc, each_own_process);
	tcase_add_test(tc, each_many_and_long_lines);
	tcase_add_test(tc, each_no_such_process);
	suite_add_tcase(s, tc);

	tc = tcase_create("walk_text");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, walk_with_text_parser);
	suite_add_tcase(s, tc);
	return s;
}
