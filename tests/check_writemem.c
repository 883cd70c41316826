/*
 * check_writemem.c - WriteProcessMemory: writes to children and to this
 * process through GetCurrentProcess(), every kind of memory it writes
 * (writable anonymous and file memory, private and shared, and code),
 * every kind it refuses (read-only, PROT_NONE, holes, shared mappings
 * without write permission, guard regions, pages past a file's end, a
 * page that refuses the write after the checks), bad caller buffers,
 * bounds, sizes, counts, rights, handles, exited processes, the order of
 * the checks, and a target that moves the range while it is written.
 *
 * Children's memory holds pattern SEED_OLD and the caller's buffers
 * pattern SEED_NEW, so a write shows byte by byte.  "Untouched" is checked
 * by an image of the whole layout, read through /proc/<pid>/mem (which
 * reads PROT_NONE pages too), taken before and after the call.
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
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_LINUX_USERFAULTFD_H
#include <linux/userfaultfd.h>
#endif

#include <windows.h>
#include <tlhelp32.h>

#include "fixtures.h"
#include "suites.h"

#define KIB		((size_t)1024)
#define MIB		(1024 * KIB)
#define SMALL_MAX	(8 * KIB)	/* the library's scratch limit */
#define COUNT_UNSET	((SIZE_T)0x5eed5eed)	/* a count preset: untouched */
#define LAST_PRESET	12345u		/* a last error preset */
#define SEED_OLD	21u		/* what targets hold */
#define SEED_NEW	22u		/* what is written */

#define RW	(PROT_READ | PROT_WRITE)
#define RO	PROT_READ
#define RX	(PROT_READ | PROT_EXEC)
#define RWX	(PROT_READ | PROT_WRITE | PROT_EXEC)
#define XO	PROT_EXEC
#define NONE	PROT_NONE
#define HOLE	TLH_FX_HOLE

#define WRITE_RIGHTS	(PROCESS_VM_WRITE | PROCESS_VM_OPERATION)

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL	102	/* Linux 6.13 */
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Byte @off of a child's layout. */
#define AT(c, off)	((unsigned char *)(c)->base + (off))

static size_t pg;

static void
setup(void)
{
	pg = tlh_fx_page_size();
}

static void
skip(const char *test, const char *why)
{
	fprintf(stderr, "writemem: %s: SKIPPED: %s\n", test, why);
}

static HANDLE
open_process(pid_t pid, DWORD access)
{
	HANDLE h = OpenProcess(access, FALSE, (DWORD)pid);

	ck_assert_msg(h != NULL, "OpenProcess(%#x, %d): error %u",
		      (unsigned int)access, (int)pid,
		      (unsigned int)GetLastError());
	return h;
}

/* A buffer of @n bytes of pattern SEED_NEW (offset 0 at its start). */
static unsigned char *
new_bytes(size_t n)
{
	unsigned char *p = malloc(n ? n : 1);

	ck_assert_ptr_nonnull(p);
	tlh_fx_pattern_fill(p, n, SEED_NEW, 0);
	return p;
}

/* --- images of a target's memory ------------------------------------------ */

/*
 * Every page of [base, base + len) read through /proc/<pid>/mem, which
 * forces access as the library does: PROT_NONE pages read, holes and
 * guard pages do not (ok[] says which did).
 */
struct image {
	unsigned char *bytes;
	unsigned char *ok;
	size_t len;
};

static void
image_take(struct image *im, pid_t pid, const void *base, size_t len)
{
	char path[64];
	size_t i;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	im->len = len;
	im->bytes = malloc(len);
	im->ok = malloc(len / pg);
	ck_assert(im->bytes && im->ok);
	for (i = 0; i < len / pg; i++)
		im->ok[i] = pread(fd, im->bytes + i * pg, pg,
				  (off_t)((uintptr_t)base + i * pg)) ==
			    (ssize_t)pg;
	close(fd);
}

static void
image_free(struct image *im)
{
	free(im->bytes);
	free(im->ok);
}

/* @a and @b hold the same: the same pages readable, the same bytes. */
static void
image_assert_same(const struct image *a, const struct image *b,
		  const char *what)
{
	size_t i, j;

	ck_assert_uint_eq(a->len, b->len);
	for (i = 0; i < a->len / pg; i++) {
		if (a->ok[i] != b->ok[i])
			ck_abort_msg("%s: page %zu was %s, is %s", what, i,
				     a->ok[i] ? "readable" : "unreadable",
				     b->ok[i] ? "readable" : "unreadable");
		if (!a->ok[i] || !memcmp(a->bytes + i * pg, b->bytes + i * pg,
					 pg))
			continue;
		for (j = i * pg; a->bytes[j] == b->bytes[j]; j++)
			;
		ck_abort_msg("%s: byte %zu changed from %#x to %#x", what, j,
			     a->bytes[j], b->bytes[j]);
	}
}

/*
 * The layout of a child after a write of @n bytes of SEED_NEW at @off:
 * the new bytes there and pattern SEED_OLD on every readable page around.
 */
static void
assert_layout(pid_t pid, const unsigned char *base, size_t len, size_t off,
	      size_t n, const char *what)
{
	struct image im;
	size_t i;

	image_take(&im, pid, base, len);
	for (i = 0; i < len; i++) {
		if (!im.ok[i / pg])
			continue;
		if (i >= off && i < off + n) {
			if (im.bytes[i] != tlh_fx_pattern_byte(SEED_NEW,
							       i - off))
				ck_abort_msg("%s: byte %zu of the write is "
					     "%#x", what, i - off,
					     im.bytes[i]);
		} else if (im.bytes[i] != tlh_fx_pattern_byte(SEED_OLD, i)) {
			ck_abort_msg("%s: byte %zu outside the write "
				     "changed", what, i);
		}
	}
	image_free(&im);
}

/* --- children ------------------------------------------------------------- */

/*
 * A child holding a layout of pattern SEED_OLD, with optionally one page
 * made a guard region (MADV_GUARD_INSTALL) and one page write-protected
 * with userfaultfd: readable, but a write from outside fails.
 */
struct wspec {
	const struct tlh_fx_piece *pieces;
	size_t npieces;
	int guard_page;		/* -1: none */
	int wp_page;		/* -1: none */
};

struct wreport {
	int err;		/* mapping the layout */
	int guard_err;		/* 0, or why there is no guard */
	int wp_err;		/* 0, or why there is no write protection */
	unsigned char *base;
	size_t len;
};

/* Write-protect [p, p + len) with a userfaultfd kept open: 0 or errno. */
static int
write_protect(unsigned char *p, size_t len)
{
#if defined(HAVE_LINUX_USERFAULTFD_H) && defined(UFFDIO_WRITEPROTECT) && \
	defined(SYS_userfaultfd)
	struct uffdio_api api;
	struct uffdio_register reg;
	struct uffdio_writeprotect wp;
	int fd;

	fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return errno;
	memset(&api, 0, sizeof(api));
	api.api = UFFD_API;
	if (ioctl(fd, UFFDIO_API, &api))
		return errno;
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)p;
	reg.range.len = len;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (ioctl(fd, UFFDIO_REGISTER, &reg))
		return errno;
	memset(&wp, 0, sizeof(wp));
	wp.range.start = (uintptr_t)p;
	wp.range.len = len;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	if (ioctl(fd, UFFDIO_WRITEPROTECT, &wp))
		return errno;
	return 0;	/* the descriptor stays open for the child's life */
#else
	(void)p;
	(void)len;
	return ENOSYS;
#endif
}

static void
wchild_main(void *arg, int report)
{
	const struct wspec *s = arg;
	struct wreport r;

	memset(&r, 0, sizeof(r));
	r.base = tlh_fx_layout(s->pieces, s->npieces, SEED_OLD, &r.len);
	if (!r.base)
		r.err = errno;
	if (r.base && s->guard_page >= 0 &&
	    madvise(r.base + (size_t)s->guard_page * pg, pg,
		    MADV_GUARD_INSTALL))
		r.guard_err = errno;
	if (r.base && s->wp_page >= 0)
		r.wp_err = write_protect(r.base + (size_t)s->wp_page * pg, pg);
	if (write(report, &r, sizeof(r)) != sizeof(r))
		_exit(1);
}

static void
wchild_start(struct tlh_fx_child *c, const struct wspec *s,
	     struct wreport *r)
{
	int ret = tlh_fx_child_run(c, wchild_main, (void *)s, r, sizeof(*r));

	ck_assert_msg(ret == 0, "starting a child: %s", strerror(-ret));
	ck_assert_msg(r->err == 0, "the child's layout: %s",
		      strerror(r->err));
	c->base = r->base;
	c->len = r->len;
}

/* A child with a plain layout. */
static void
layout_child(struct tlh_fx_child *c, const struct tlh_fx_piece *pieces,
	     size_t n)
{
	struct wspec s = { pieces, n, -1, -1 };
	struct wreport r;

	wchild_start(c, &s, &r);
}

/*
 * Write @n bytes of SEED_NEW at @off in @c's layout, expecting success:
 * TRUE, the count, the last error kept, the layout as assert_layout()
 * says.
 */
static void
write_ok(HANDLE h, struct tlh_fx_child *c, size_t off, size_t n,
	 const char *what)
{
	unsigned char *src = new_bytes(n);
	SIZE_T count = COUNT_UNSET;

	SetLastError(LAST_PRESET);
	ck_assert_msg(WriteProcessMemory(h, AT(c, off), src, n, &count),
		      "%s: FALSE, error %u", what,
		      (unsigned int)GetLastError());
	ck_assert_msg(count == n, "%s: count %zu", what, (size_t)count);
	ck_assert_uint_eq(GetLastError(), LAST_PRESET);
	assert_layout(c->pid, c->base, c->len, off, n, what);
	free(src);
}

/*
 * Write @n bytes from @src at @dst, expecting FALSE with @err, the count
 * left alone, and the target's [base, base + len) untouched.
 */
static void
call_refused(HANDLE h, void *dst, const void *src, size_t n, DWORD err,
	     const char *what)
{
	SIZE_T count = COUNT_UNSET;
	BOOL ok;

	tlh_fx_quiet_begin();
	ok = WriteProcessMemory(h, dst, src, n, &count);
	tlh_fx_quiet_end();
	ck_assert_msg(!ok, "%s: TRUE", what);
	ck_assert_msg(GetLastError() == err, "%s: error %u, want %u", what,
		      (unsigned int)GetLastError(), (unsigned int)err);
	ck_assert_msg(count == COUNT_UNSET, "%s: count set to %zu", what,
		      (size_t)count);
}

/* The image taken before, another now: the same. */
static void
image_assert_kept(struct image *before, pid_t pid, const void *base,
		  const char *what)
{
	struct image after;

	image_take(&after, pid, base, before->len);
	image_assert_same(before, &after, what);
	image_free(before);
	image_free(&after);
}

static void
write_refused_from(HANDLE h, pid_t pid, const unsigned char *base,
		   size_t len, void *dst, const void *src, size_t n,
		   DWORD err, const char *what)
{
	struct image before;

	image_take(&before, pid, base, len);
	call_refused(h, dst, src, n, err, what);
	image_assert_kept(&before, pid, base, what);
}

static void
write_refused(HANDLE h, struct tlh_fx_child *c, size_t off, size_t n,
	      const char *what)
{
	unsigned char *src = new_bytes(n);

	write_refused_from(h, c->pid, c->base, c->len, AT(c, off), src, n,
			   ERROR_NOACCESS, what);
	free(src);
}

/* --- writable memory and code: written ------------------------------------ */

/*
 * Writable anonymous memory, writable code (rwx), code (r-x, and x only)
 * side by side, each its own mapping; every range is written.
 */
static const struct tlh_fx_piece writable[] = {
	{ 4, RW }, { 1, RWX }, { 2, RX }, { 1, XO }, { 2, RW },
};

struct range {
	size_t off, n;		/* in bytes, from the layout's base */
};

#define P(pages)	((pages) * 4096)	/* scaled to the page size below */

static const struct range write_ranges[] = {
	{ 0, 1 },
	{ 100, 8 },
	{ P(1) - 4, 8 },		/* across two pages */
	{ 100, P(1) },
	{ P(1), P(3) },			/* whole pages */
	{ P(2) + 7, P(2) + 100 },	/* into rwx */
	{ P(4), P(1) },			/* rwx */
	{ P(5) + 3, 40 },		/* code */
	{ P(5) - 10, P(3) + 20 },	/* rw, rwx, r-x, x */
	{ 0, P(10) },			/* everything */
	{ 5, P(10) - 10 },
};

/* The ranges were written for 4 KiB pages: scale them to this machine. */
static size_t
scale(size_t bytes)
{
	return bytes / 4096 * pg + bytes % 4096;
}

START_TEST(write_kinds)
{
	const struct range *r = &write_ranges[_i];
	struct tlh_fx_child c;
	char what[96];
	HANDLE h;

	layout_child(&c, writable, ARRAY_SIZE(writable));
	h = open_process(c.pid, WRITE_RIGHTS);
	snprintf(what, sizeof(what), "%zu bytes at +%zu", scale(r->n),
		 scale(r->off));
	write_ok(h, &c, scale(r->off), scale(r->n), what);
	CloseHandle(h);
	tlh_fx_child_stop(&c);
}
END_TEST

/* The code pages keep their protection: the maps line is the same. */
static void
maps_line(pid_t pid, uintptr_t addr, char *line, size_t len)
{
	unsigned long s, e;
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	while (fgets(line, (int)len, f)) {
		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && addr >= s &&
		    addr < e) {
			fclose(f);
			return;
		}
	}
	fclose(f);
	ck_abort_msg("%#lx is in no mapping of %d", (unsigned long)addr,
		     (int)pid);
}

START_TEST(write_keeps_protections)
{
	struct tlh_fx_child c;
	char before[ARRAY_SIZE(writable)][512], after[512];
	size_t i, at;
	HANDLE h;

	layout_child(&c, writable, ARRAY_SIZE(writable));
	h = open_process(c.pid, WRITE_RIGHTS);
	for (i = 0, at = 0; i < ARRAY_SIZE(writable); i++) {
		maps_line(c.pid, (uintptr_t)c.base + at, before[i],
			  sizeof(before[i]));
		at += writable[i].pages * pg;
	}
	write_ok(h, &c, 0, c.len, "the whole layout");
	for (i = 0, at = 0; i < ARRAY_SIZE(writable); i++) {
		maps_line(c.pid, (uintptr_t)c.base + at, after, sizeof(after));
		ck_assert_str_eq(after, before[i]);
		at += writable[i].pages * pg;
	}
	CloseHandle(h);
	tlh_fx_child_stop(&c);
}
END_TEST

/* A temporary file of @len bytes of SEED_OLD, opened read-write. */
static int
temp_file(size_t len)
{
	unsigned char *buf = malloc(len);
	char path[] = "/tmp/tlh-writemem-XXXXXX";
	int fd;

	ck_assert_ptr_nonnull(buf);
	fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp: %s", strerror(errno));
	unlink(path);
	tlh_fx_pattern_fill(buf, len, SEED_OLD, 0);
	ck_assert(pwrite(fd, buf, len, 0) == (ssize_t)len);
	free(buf);
	return fd;
}

/* The file at @fd holds SEED_OLD for its @len bytes, and no more. */
static void
assert_file_old(int fd, size_t len, const char *what)
{
	unsigned char *buf = malloc(len + 1);
	ssize_t got;

	ck_assert_ptr_nonnull(buf);
	got = pread(fd, buf, len + 1, 0);
	ck_assert_msg(got == (ssize_t)len, "%s: the file has %zd bytes", what,
		      got);
	ck_assert_msg(tlh_fx_pattern_check(buf, len, SEED_OLD, 0) == len,
		      "%s: the file changed", what);
	free(buf);
}

/*
 * A child inheriting the parent's mapping (@maplen bytes, @prot, @flags)
 * of a fresh file of @flen bytes of SEED_OLD, as its layout: the file's
 * descriptor, or -1 if the file may not be mapped so (a noexec /tmp).
 */
static int
file_child(struct tlh_fx_child *c, size_t flen, size_t maplen, int prot,
	   int flags)
{
	struct tlh_fx_spec spec;
	int fd = temp_file(flen), ret;
	void *map;

	map = mmap(NULL, maplen, prot, flags, fd, 0);
	if (map == MAP_FAILED && errno == EPERM) {
		close(fd);
		return -1;
	}
	ck_assert_msg(map != MAP_FAILED, "mapping the file: %s",
		      strerror(errno));
	memset(&spec, 0, sizeof(spec));
	ret = tlh_fx_child_start(c, &spec);
	ck_assert_msg(ret == 0, "starting a child: %s", strerror(-ret));
	c->base = map;
	c->len = maplen;
	return fd;
}

static void
file_child_stop(struct tlh_fx_child *c, int fd)
{
	tlh_fx_child_stop(c);
	munmap(c->base, c->len);
	close(fd);
}

/*
 * A private writable file mapping (PAGE_WRITECOPY): the child's copy
 * changes; the file and the parent's copy do not.
 */
START_TEST(write_private_file)
{
	size_t len = 4 * pg;
	struct tlh_fx_child c;
	HANDLE h;
	int fd;

	fd = file_child(&c, len, len, RW, MAP_PRIVATE);
	h = open_process(c.pid, WRITE_RIGHTS);
	write_ok(h, &c, pg - 10, 2 * pg, "the child's private copy");
	ck_assert_uint_eq(tlh_fx_pattern_check(c.base, len, SEED_OLD, 0),
			  len);
	assert_file_old(fd, len, "private mapping");
	CloseHandle(h);
	file_child_stop(&c, fd);
}
END_TEST

/*
 * A shared writable file mapping (MEM_MAPPED): the file changes, and with
 * it the parent's view of it.
 */
START_TEST(write_shared_file)
{
	size_t len = 4 * pg, off = pg + 3, n = 2 * pg + 10, i;
	unsigned char *map, *src = new_bytes(n), *file, want;
	struct tlh_fx_child c;
	HANDLE h;
	int fd;

	fd = file_child(&c, len, len, RW, MAP_SHARED);
	map = c.base;
	h = open_process(c.pid, WRITE_RIGHTS);
	write_ok(h, &c, off, n, "the child's view");
	file = malloc(len);
	ck_assert(pread(fd, file, len, 0) == (ssize_t)len);
	for (i = 0; i < len; i++) {
		want = i >= off && i < off + n ? src[i - off] :
		       tlh_fx_pattern_byte(SEED_OLD, i);
		if (map[i] != want || file[i] != want)
			ck_abort_msg("byte %zu: %#x in our view, %#x in the "
				     "file, want %#x", i, map[i], file[i],
				     want);
	}
	CloseHandle(h);
	file_child_stop(&c, fd);
	free(file);
	free(src);
}
END_TEST

/*
 * Code of the test program itself, mapped from its file: the child gets
 * 0xCC planted in victim(), which it never runs, and must go on running
 * survivor(), which the parent did not change.
 */
int tlh_wm_survivor(int x);
int tlh_wm_victim(int x);

__attribute__((noinline)) int
tlh_wm_survivor(int x)
{
	return x * 5 + 3;
}

__attribute__((noinline)) int
tlh_wm_victim(int x)
{
	return x * 7 + 1;
}

struct code_child {
	int cmd[2];		/* parent -> child: run survivor() */
	int ans[2];		/* child -> parent: its result */
};

static void
code_child_main(void *arg, int report)
{
	struct code_child *cc = arg;
	int x, y;

	if (write(report, "r", 1) != 1)
		_exit(1);
	close(cc->cmd[1]);
	close(cc->ans[0]);
	while (read(cc->cmd[0], &x, sizeof(x)) == sizeof(x)) {
		y = tlh_wm_survivor(x);
		if (write(cc->ans[1], &y, sizeof(y)) != sizeof(y))
			_exit(1);
	}
}

static int
ask_survivor(struct code_child *cc, int x)
{
	int y = -1;

	ck_assert(write(cc->cmd[1], &x, sizeof(x)) == sizeof(x));
	ck_assert_msg(tlh_fx_read_all(cc->ans[0], &y, sizeof(y)) == sizeof(y),
		      "the child died running unchanged code");
	return y;
}

/* Where @addr lies in the file its mapping (of our executable) maps. */
static off_t
file_offset(uintptr_t addr)
{
	unsigned long s, e, off;
	char line[512];
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %*s %lx", &s, &e, &off) == 3 &&
		    addr >= s && addr < e) {
			fclose(f);
			return (off_t)(off + (addr - s));
		}
	}
	fclose(f);
	ck_abort_msg("no mapping holds our own code");
	return -1;
}

START_TEST(write_code_page)
{
	uintptr_t victim = (uintptr_t)tlh_wm_victim;
	uintptr_t page = victim & ~(uintptr_t)(pg - 1);
	unsigned char cc = 0xCC, mine[16], file_before[16], file_after[16];
	unsigned char back[16];
	char line_before[512], line_after[512];
	struct code_child ch;
	struct tlh_fx_child c;
	SIZE_T count = 0;
	off_t at = file_offset(victim);
	char r;
	HANDLE h;
	int exe;

	memcpy(mine, (const void *)victim, sizeof(mine));
	exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(exe, 0);
	ck_assert(pread(exe, file_before, sizeof(file_before), at) ==
		  (ssize_t)sizeof(file_before));
	ck_assert_msg(!memcmp(file_before, mine, sizeof(mine)),
		      "our code is not the executable's bytes");

	ck_assert_int_eq(pipe2(ch.cmd, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(ch.ans, O_CLOEXEC), 0);
	ck_assert_int_eq(tlh_fx_child_run(&c, code_child_main, &ch, &r, 1), 0);
	close(ch.cmd[0]);
	close(ch.ans[1]);
	ck_assert_int_eq(ask_survivor(&ch, 4), 23);

	maps_line(c.pid, page, line_before, sizeof(line_before));
	ck_assert_msg(strstr(line_before, " r-xp ") != NULL,
		      "our code is mapped as %s", line_before);
	h = open_process(c.pid, WRITE_RIGHTS);
	ck_assert_msg(WriteProcessMemory(h, (LPVOID)victim, &cc, 1, &count),
		      "planting a breakpoint: error %u",
		      (unsigned int)GetLastError());
	ck_assert_uint_eq(count, 1);

	/* The child's code changed there only... */
	ck_assert(Toolhelp32ReadProcessMemory((DWORD)c.pid, (LPCVOID)victim,
					      back, sizeof(back), NULL));
	ck_assert_uint_eq(back[0], 0xCC);
	ck_assert(!memcmp(back + 1, mine + 1, sizeof(mine) - 1));
	/* ...with the same protection, mapping and file... */
	maps_line(c.pid, page, line_after, sizeof(line_after));
	ck_assert_str_eq(line_after, line_before);
	/* ...while the file and our own code are as they were. */
	ck_assert(pread(exe, file_after, sizeof(file_after), at) ==
		  (ssize_t)sizeof(file_after));
	ck_assert(!memcmp(file_after, file_before, sizeof(file_before)));
	ck_assert(!memcmp((const void *)victim, mine, sizeof(mine)));
	ck_assert_int_eq(tlh_wm_victim(2), 15);

	/* The child still runs what was not changed, on the same page if
	 * the compiler put it there. */
	if (((uintptr_t)tlh_wm_survivor & ~(uintptr_t)(pg - 1)) != page)
		fprintf(stderr, "writemem: write_code_page: survivor() is not "
			"on victim()'s page: only its running elsewhere was "
			"checked\n");
	ck_assert_int_eq(ask_survivor(&ch, 10), 53);
	ck_assert_int_eq(ask_survivor(&ch, -3), -12);

	CloseHandle(h);
	close(ch.cmd[1]);
	close(ch.ans[0]);
	close(exe);
	tlh_fx_child_stop(&c);
}
END_TEST

/* --- memory that is not written: 998, untouched --------------------------- */

struct refused_case {
	struct tlh_fx_piece pieces[4];
	size_t npieces;
	size_t off, n;		/* scaled as write_ranges */
	const char *what;
};

static const struct refused_case refused[] = {
	{ { { 2, RO } }, 1, 100, 8, "read-only" },
	{ { { 2, NONE } }, 1, 100, 8, "PROT_NONE" },
	{ { { 1, RW }, { 1, HOLE }, { 1, RW } }, 3, P(1) + 5, 8, "a hole" },
	{ { { 2, RW }, { 1, RO } }, 2, P(1), P(2), "writable into read-only" },
	{ { { 2, RW }, { 1, RO } }, 2, P(2) - 1, 2, "the last byte read-only" },
	{ { { 2, RW }, { 1, NONE } }, 2, P(1) + 9, P(1) + 10,
	  "writable into PROT_NONE" },
	{ { { 2, RW }, { 1, HOLE }, { 1, RW } }, 3, 8, P(3),
	  "writable across a hole" },
	{ { { 1, RO }, { 2, RW } }, 2, 0, P(3), "read-only, then writable" },
	{ { { 1, RW }, { 1, HOLE }, { 2, RW } }, 3, P(1), P(3),
	  "a hole, then writable" },
	{ { { 1, RX }, { 1, RO } }, 2, 16, P(1), "code into read-only" },
	{ { { 1, RW }, { 1, RX }, { 1, NONE } }, 3, 0, P(3),
	  "writable, code, PROT_NONE" },
	{ { { 9, RW }, { 1, RO } }, 2, 100, P(10) - 100,
	  "a large write whose last page is read-only" },
	{ { { 1, NONE }, { 9, RW } }, 2, P(1) - 1, P(9) + 1,
	  "a large write whose first byte is PROT_NONE" },
	{ { { 4, RW }, { 1, HOLE }, { 4, RW } }, 3, 0, P(9),
	  "a large write across a hole" },
};

START_TEST(write_refused_kinds)
{
	const struct refused_case *r = &refused[_i];
	struct tlh_fx_child c;
	HANDLE h;

	layout_child(&c, r->pieces, r->npieces);
	h = open_process(c.pid, WRITE_RIGHTS);
	write_refused(h, &c, scale(r->off), scale(r->n), r->what);
	CloseHandle(h);
	tlh_fx_child_stop(&c);
}
END_TEST

/* Nothing mapped at all: address 0, and a page below mmap_min_addr. */
START_TEST(write_unmapped)
{
	static const struct tlh_fx_piece one = { 1, RW };
	unsigned char src[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct tlh_fx_child c;
	HANDLE h;

	layout_child(&c, &one, 1);
	h = open_process(c.pid, WRITE_RIGHTS);
	write_refused_from(h, c.pid, c.base, c.len, NULL, src, sizeof(src),
			   ERROR_NOACCESS, "address 0");
	write_refused_from(h, c.pid, c.base, c.len, (void *)(uintptr_t)4096,
			   src, sizeof(src), ERROR_NOACCESS, "address 4096");
	CloseHandle(h);
	tlh_fx_child_stop(&c);
}
END_TEST

/*
 * Shared mappings without PROT_WRITE: a forced write could reach the
 * file, so they are refused, code or not.  The file stays as it was.
 */
START_TEST(write_shared_readonly)
{
	static const int prots[] = { RO, RX };
	size_t len = 3 * pg;
	struct tlh_fx_child c;
	HANDLE h;
	int fd;

	fd = file_child(&c, len, len, prots[_i], MAP_SHARED);
	if (fd < 0) {
		skip("write_shared_readonly", "/tmp is mounted noexec");
		return;
	}
	h = open_process(c.pid, WRITE_RIGHTS);
	write_refused(h, &c, 10, pg, _i ? "shared r-x" : "shared r--");
	assert_file_old(fd, len, "shared read-only");
	CloseHandle(h);
	file_child_stop(&c, fd);
}
END_TEST

/*
 * A shared writable file mapping longer than its file: the maps call it
 * writable, but the pages past the end cannot be written.  Refused, and
 * the file keeps its length and bytes.
 */
START_TEST(write_file_past_eof)
{
	size_t flen = pg + 100, len = 3 * pg;
	size_t off = _i ? 0 : pg + 50, n = _i ? 3 * pg : pg;
	struct tlh_fx_child c;
	HANDLE h;
	int fd;

	fd = file_child(&c, flen, len, RW, MAP_SHARED);
	h = open_process(c.pid, WRITE_RIGHTS);
	write_refused(h, &c, off, n, "past the end of the file");
	assert_file_old(fd, flen, "past the end of the file");
	CloseHandle(h);
	file_child_stop(&c, fd);
}
END_TEST

/*
 * A child with 12 writable pages, one of them special: a guard page, or
 * a write-protected one.  0 (and the test skipped) where the kernel or
 * valgrind cannot make it.
 */
static int
special_child(struct tlh_fx_child *c, int guard_page, int wp_page,
	      const char *test)
{
	static const struct tlh_fx_piece piece = { 12, RW };
	struct wspec s = { &piece, 1, guard_page, wp_page };
	struct wreport r;

	wchild_start(c, &s, &r);
	if (!r.guard_err && !r.wp_err)
		return 1;
	skip(test, r.guard_err ? "no MADV_GUARD_INSTALL (Linux < 6.13)" :
	     "no userfaultfd write protection here");
	tlh_fx_child_stop(c);
	return 0;
}

/*
 * A guard region (MADV_GUARD_INSTALL) inside writable memory: the maps
 * show one writable mapping, but the page cannot be touched.
 */
START_TEST(write_guard_region)
{
	struct tlh_fx_child c;
	HANDLE h;

	if (!special_child(&c, 6, -1, "write_guard_region"))
		return;
	h = open_process(c.pid, WRITE_RIGHTS);
	if (_i)
		write_refused(h, &c, 100, 10 * pg, "a large write over a guard");
	else
		write_refused(h, &c, 5 * pg + 7, pg, "a small write over a guard");
	write_refused(h, &c, 6 * pg, 1, "one byte of a guard");
	CloseHandle(h);
	tlh_fx_child_stop(&c);
}
END_TEST

/*
 * A page that reads but refuses the write (write-protected with
 * userfaultfd): every check passes, the write stops there, and what was
 * written before it is put back.
 */
START_TEST(write_stops_and_restores)
{
	struct tlh_fx_child c;
	HANDLE h;

	if (!special_child(&c, -1, 8, "write_stops_and_restores"))
		return;
	h = open_process(c.pid, WRITE_RIGHTS);
	if (_i) {
		write_refused(h, &c, 100, 10 * pg, "large, stopped by the "
			      "ninth page");
		write_refused(h, &c, 0, 12 * pg, "everything");
	} else {
		write_refused(h, &c, 8 * pg - 5, 100, "small, across into the "
			      "protected page");
		write_refused(h, &c, 6 * pg + 1, 2 * pg + 1,
			      "small, over the protected page");
	}
	/* The pages before it take writes: the control. */
	write_ok(h, &c, 100, 7 * pg, "the pages before the protected one");
	CloseHandle(h);
	tlh_fx_child_stop(&c);
}
END_TEST

/* --- the caller's buffer --------------------------------------------------- */

/*
 * A buffer that is not readable for all nSize bytes: 998, the target
 * untouched, no crash.  @kind: 0 runs into PROT_NONE, 1 into a hole, 2
 * into a guard page, 3 past the end of a file, 4 NULL.
 */
static void
bad_source(int kind, size_t n)
{
	static const struct tlh_fx_piece target = { 20, RW };
	static const struct tlh_fx_piece none[] = { { 3, RW }, { 1, NONE } };
	static const struct tlh_fx_piece hole[] = { { 3, RW }, { 1, HOLE } };
	static const struct tlh_fx_piece plain = { 4, RW };
	static const char *const whats[] = {
		"a buffer into PROT_NONE", "a buffer into a hole",
		"a buffer into a guard page", "a buffer past a file's end",
		"a NULL buffer",
	};
	unsigned char *buf = NULL, *src = NULL, warm = 0, one = 1;
	struct tlh_fx_child c;
	struct image before;
	size_t len = 0;
	HANDLE h;

	/*
	 * Everything that allocates comes before the buffer, so that nothing
	 * lands in its hole: the child, the handle, the image, and the
	 * library's first call in this thread, which may map its
	 * thread-local buffer (ASan's DTLS).
	 */
	layout_child(&c, &target, 1);
	h = open_process(c.pid, WRITE_RIGHTS);
	image_take(&before, c.pid, c.base, c.len);
	ck_assert(WriteProcessMemory(GetCurrentProcess(), &warm, &one, 1,
				     NULL));
	switch (kind) {
	case 0:
		buf = tlh_fx_layout(none, 2, SEED_NEW, &len);
		break;
	case 1:
		buf = tlh_fx_layout(hole, 2, SEED_NEW, &len);
		len -= pg;	/* the hole, which may not stay one, is not ours */
		break;
	case 2:
		buf = tlh_fx_layout(&plain, 1, SEED_NEW, &len);
		ck_assert_ptr_nonnull(buf);
		if (madvise(buf + 3 * pg, pg, MADV_GUARD_INSTALL)) {
			skip("bad_source", "no MADV_GUARD_INSTALL "
			     "(Linux < 6.13)");
			image_free(&before);
			goto out;
		}
		break;
	case 3:
		len = 4 * pg;
		buf = tlh_fx_map_file(3 * pg - 10, len, RO, SEED_NEW);
		break;
	}
	if (kind != 4) {
		ck_assert_msg(buf != NULL, "the buffer: %s", strerror(errno));
		/* the last n / 2 bytes lie in the bad page */
		src = buf + 3 * pg - n / 2;
	}
	call_refused(h, AT(&c, 100), src, n, ERROR_NOACCESS, whats[kind]);
	image_assert_kept(&before, c.pid, c.base, whats[kind]);
out:
	CloseHandle(h);
	if (buf)
		munmap(buf, len);
	tlh_fx_child_stop(&c);
}

START_TEST(source_small)
{
	bad_source(_i, 64);
}
END_TEST

START_TEST(source_large)
{
	bad_source(_i, 6 * pg);
}
END_TEST

/* --- bounds, sizes, counts ------------------------------------------------- */

/* A range that wraps or reaches past user space, either side: 998. */
START_TEST(bounds)
{
	static const struct tlh_fx_piece piece = { 2, RW };
	uintptr_t top = tlh_fx_user_top();
	unsigned char *src = new_bytes(64);
	struct tlh_fx_child c;
	HANDLE h, self = GetCurrentProcess();
	unsigned char *mine;
	size_t len;

	layout_child(&c, &piece, 1);
	h = open_process(c.pid, WRITE_RIGHTS);
	mine = tlh_fx_layout(&piece, 1, SEED_OLD, &len);
	ck_assert_ptr_nonnull(mine);
	write_refused_from(h, c.pid, c.base, c.len,
			   (void *)-(uintptr_t)16, src, 32, ERROR_NOACCESS,
			   "a target range that wraps");
	write_refused_from(h, c.pid, c.base, c.len, c.base, (void *)-16, 32,
			   ERROR_NOACCESS, "a buffer that wraps");
	write_refused_from(h, c.pid, c.base, c.len, c.base, src, SIZE_MAX,
			   ERROR_NOACCESS, "SIZE_MAX bytes");
	write_refused_from(self, getpid(), mine, len, mine, src, SIZE_MAX,
			   ERROR_NOACCESS, "SIZE_MAX bytes to ourselves");
	if (top) {
		write_refused_from(h, c.pid, c.base, c.len,
				   (void *)(top - 16), src, 32,
				   ERROR_NOACCESS, "past the top");
		write_refused_from(h, c.pid, c.base, c.len, (void *)top, src,
				   1, ERROR_NOACCESS, "at the top");
		write_refused_from(h, c.pid, c.base, c.len, c.base,
				   (void *)(top - 16), 32, ERROR_NOACCESS,
				   "a buffer past the top");
	}
	tlh_fx_layout_free(mine, len);
	CloseHandle(h);
	tlh_fx_child_stop(&c);
	free(src);
}
END_TEST

/* Size 0: TRUE and count 0, whatever the addresses. */
START_TEST(size_zero)
{
	static const struct tlh_fx_piece piece = { 1, RO };
	struct tlh_fx_child c;
	struct image before;
	SIZE_T count = COUNT_UNSET;
	HANDLE h;

	layout_child(&c, &piece, 1);
	h = open_process(c.pid, WRITE_RIGHTS);
	image_take(&before, c.pid, c.base, c.len);
	SetLastError(LAST_PRESET);
	ck_assert(WriteProcessMemory(h, c.base, "x", 0, &count));
	ck_assert_uint_eq(count, 0);
	count = COUNT_UNSET;
	ck_assert(WriteProcessMemory(h, NULL, NULL, 0, &count));
	ck_assert_uint_eq(count, 0);
	count = COUNT_UNSET;
	ck_assert(WriteProcessMemory(h, (void *)-1, (void *)-1, 0, &count));
	ck_assert_uint_eq(count, 0);
	ck_assert(WriteProcessMemory(h, c.base, NULL, 0, NULL));
	count = COUNT_UNSET;
	ck_assert(WriteProcessMemory(GetCurrentProcess(), NULL, NULL, 0,
				     &count));
	ck_assert_uint_eq(count, 0);
	ck_assert_uint_eq(GetLastError(), LAST_PRESET);
	image_assert_kept(&before, c.pid, c.base, "size 0");
	CloseHandle(h);
	tlh_fx_child_stop(&c);
}
END_TEST

/* A NULL count: no crash either way. */
START_TEST(null_count)
{
	static const struct tlh_fx_piece pieces[] = { { 1, RW }, { 1, RO } };
	unsigned char *src = new_bytes(pg);
	struct tlh_fx_child c;
	HANDLE h;

	layout_child(&c, pieces, 2);
	h = open_process(c.pid, WRITE_RIGHTS);
	ck_assert(WriteProcessMemory(h, AT(&c, 10), src, 100, NULL));
	assert_layout(c.pid, c.base, c.len, 10, 100, "NULL count");
	ck_assert(!WriteProcessMemory(h, AT(&c, 10), src, pg, NULL));
	ck_assert_uint_eq(GetLastError(), ERROR_NOACCESS);
	assert_layout(c.pid, c.base, c.len, 10, 100, "NULL count, refused");
	CloseHandle(h);
	h = open_process(c.pid, PROCESS_VM_READ);
	ck_assert(!WriteProcessMemory(h, AT(&c, 10), src, 100, NULL));
	ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);
	CloseHandle(h);
	tlh_fx_child_stop(&c);
	free(src);
}
END_TEST

/* Several MiB at once, unaligned at both ends. */
START_TEST(write_large)
{
	struct tlh_fx_piece piece = { 8 * MIB / 4096 + 2, RW };
	size_t n = 8 * MIB + 12345;
	struct tlh_fx_child c;
	HANDLE h;

	piece.pages = (n + 2 * pg) / pg + 1;
	layout_child(&c, &piece, 1);
	h = open_process(c.pid, WRITE_RIGHTS);
	write_ok(h, &c, pg - 77, n, "8 MiB and more");
	CloseHandle(h);
	tlh_fx_child_stop(&c);
}
END_TEST

/* --- the calling process -------------------------------------------------- */

START_TEST(write_self)
{
	static const struct tlh_fx_piece pieces[] = {
		{ 3, RW }, { 1, RO }, { 1, RW },
	};
	unsigned char *base, *src = new_bytes(3 * pg);
	HANDLE self = GetCurrentProcess();
	SIZE_T count = COUNT_UNSET;
	size_t len;

	base = tlh_fx_layout(pieces, 3, SEED_OLD, &len);
	ck_assert_ptr_nonnull(base);
	ck_assert(WriteProcessMemory(self, base + 5, src, 2 * pg, &count));
	ck_assert_uint_eq(count, 2 * pg);
	assert_layout(getpid(), base, len, 5, 2 * pg, "ourselves");

	/* read-only: refused, untouched */
	write_refused_from(self, getpid(), base, len, base + 2 * pg, src,
			   2 * pg, ERROR_NOACCESS, "our read-only page");
	assert_layout(getpid(), base, len, 5, 2 * pg, "ourselves, refused");

	/* from within the range itself, both ways: as memmove() */
	tlh_fx_pattern_fill(base, 3 * pg, SEED_OLD, 0);
	ck_assert(WriteProcessMemory(self, base + 100, base, 2 * pg, NULL));
	ck_assert_uint_eq(tlh_fx_pattern_check(base + 100, 2 * pg, SEED_OLD,
					       0), 2 * pg);
	tlh_fx_pattern_fill(base, 3 * pg, SEED_OLD, 0);
	ck_assert(WriteProcessMemory(self, base, base + 100, 2 * pg, NULL));
	ck_assert_uint_eq(tlh_fx_pattern_check(base, 2 * pg, SEED_OLD, 100),
			  2 * pg);
	tlh_fx_pattern_fill(base, 3 * pg, SEED_OLD, 0);
	ck_assert(WriteProcessMemory(self, base + 1, base, 20, NULL));
	ck_assert_uint_eq(tlh_fx_pattern_check(base + 1, 20, SEED_OLD, 0),
			  20);
	tlh_fx_layout_free(base, len);
	free(src);
}
END_TEST

/* Our own code, through GetCurrentProcess(): written, and put back. */
START_TEST(write_self_code)
{
	volatile unsigned char *code =
		(volatile unsigned char *)(uintptr_t)tlh_wm_victim;
	char before[512], after[512];
	unsigned char old = code[0], cc = 0xCC;

	maps_line(getpid(), (uintptr_t)code, before, sizeof(before));
	ck_assert(WriteProcessMemory(GetCurrentProcess(), (LPVOID)code, &cc,
				     1, NULL));
	ck_assert_uint_eq(code[0], 0xCC);
	ck_assert(WriteProcessMemory(GetCurrentProcess(), (LPVOID)code, &old,
				     1, NULL));
	ck_assert_uint_eq(code[0], old);
	ck_assert_int_eq(tlh_wm_victim(3), 22);
	maps_line(getpid(), (uintptr_t)code, after, sizeof(after));
	ck_assert_str_eq(after, before);
}
END_TEST

/* --- rights, handles, exited processes, order ---------------------------- */

/* Every combination without both rights: 5, count 0, untouched. */
START_TEST(rights_missing)
{
	static const DWORD lacking[] = {
		PROCESS_VM_READ, PROCESS_VM_WRITE, PROCESS_VM_OPERATION,
		PROCESS_QUERY_INFORMATION, PROCESS_VM_READ | PROCESS_VM_WRITE,
		PROCESS_VM_READ | PROCESS_VM_OPERATION, SYNCHRONIZE,
		GENERIC_READ,
	};
	static const DWORD enough[] = {
		PROCESS_ALL_ACCESS, WRITE_RIGHTS, GENERIC_WRITE, GENERIC_ALL,
	};
	static const struct tlh_fx_piece piece = { 2, RW };
	unsigned char *src = new_bytes(64);
	struct image before;
	struct tlh_fx_child c;
	SIZE_T count;
	size_t i;
	HANDLE h;

	layout_child(&c, &piece, 1);
	for (i = 0; i < ARRAY_SIZE(lacking); i++) {
		h = open_process(c.pid, lacking[i]);
		image_take(&before, c.pid, c.base, c.len);
		count = COUNT_UNSET;
		ck_assert(!WriteProcessMemory(h, c.base, src, 64, &count));
		ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);
		ck_assert_uint_eq(count, 0);
		/* the rights come before the size */
		count = COUNT_UNSET;
		ck_assert(!WriteProcessMemory(h, c.base, src, 0, &count));
		ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);
		ck_assert_uint_eq(count, 0);
		image_assert_kept(&before, c.pid, c.base, "without the rights");
		CloseHandle(h);
	}
	for (i = 0; i < ARRAY_SIZE(enough); i++) {
		h = open_process(c.pid, enough[i]);
		write_ok(h, &c, 10, 64, "with the rights");
		CloseHandle(h);
	}
	tlh_fx_child_stop(&c);
	free(src);
}
END_TEST

/* Handles that name no process: 6, count untouched, even for size 0. */
START_TEST(bad_handles)
{
	static const struct tlh_fx_piece piece = { 1, RW };
	unsigned char *base, src[8] = { 0 };
	HANDLE closed, snap, bad[4];
	SIZE_T count;
	size_t len, i;

	base = tlh_fx_layout(&piece, 1, SEED_OLD, &len);
	ck_assert_ptr_nonnull(base);
	closed = open_process(getpid(), PROCESS_ALL_ACCESS);
	ck_assert(CloseHandle(closed));
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	ck_assert(snap != INVALID_HANDLE_VALUE);
	bad[0] = NULL;
	bad[1] = (HANDLE)(uintptr_t)0x1234;
	bad[2] = closed;
	bad[3] = snap;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		count = COUNT_UNSET;
		ck_assert(!WriteProcessMemory(bad[i], base, src, sizeof(src),
					      &count));
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
		ck_assert_uint_eq(count, COUNT_UNSET);
		ck_assert(!WriteProcessMemory(bad[i], base, src, 0, &count));
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
		ck_assert_uint_eq(count, COUNT_UNSET);
	}
	ck_assert_uint_eq(tlh_fx_pattern_check(base, len, SEED_OLD, 0), len);
	CloseHandle(snap);
	tlh_fx_layout_free(base, len);
}
END_TEST

/*
 * A handle whose process has exited (reaped, or a zombie): 299 with count
 * 0; a zero size still succeeds and the bounds are checked first.
 */
START_TEST(exited)
{
	static const struct tlh_fx_piece piece = { 1, RW };
	unsigned char src[8] = { 0 };
	struct tlh_fx_child c;
	SIZE_T count;
	siginfo_t si;
	void *base;
	HANDLE h;

	layout_child(&c, &piece, 1);
	base = c.base;
	h = open_process(c.pid, WRITE_RIGHTS);
	if (_i) {
		/* a zombie: killed, not reaped */
		ck_assert_int_eq(kill(c.pid, SIGKILL), 0);
		memset(&si, 0, sizeof(si));
		while (waitid(P_PID, (id_t)c.pid, &si, WEXITED | WNOWAIT) < 0)
			ck_assert_int_eq(errno, EINTR);
	} else {
		tlh_fx_child_stop(&c);
	}
	count = COUNT_UNSET;
	ck_assert(!WriteProcessMemory(h, base, src, sizeof(src), &count));
	ck_assert_uint_eq(GetLastError(), ERROR_PARTIAL_COPY);
	ck_assert_uint_eq(count, 0);
	count = COUNT_UNSET;
	ck_assert(WriteProcessMemory(h, base, src, 0, &count));
	ck_assert_uint_eq(count, 0);
	count = COUNT_UNSET;
	ck_assert(!WriteProcessMemory(h, (void *)-4, src, sizeof(src),
				      &count));
	ck_assert_uint_eq(GetLastError(), ERROR_NOACCESS);
	ck_assert_uint_eq(count, COUNT_UNSET);
	CloseHandle(h);
	tlh_fx_child_stop(&c);
}
END_TEST

/*
 * Without privileges: a process that is not dumpable cannot open its own
 * /proc/self/mem (it belongs to root then), so it cannot write even to
 * itself; once dumpable it can.  A process of another user (the test
 * runner, root) cannot be written: 5, and it is untouched.
 */
static unsigned char parent_bytes[64];

static int
nobody_writes(void *arg, char *msg, size_t len)
{
	unsigned char buf[64], src[64];
	SIZE_T count;
	HANDLE h;

	(void)arg;
	memset(buf, 1, sizeof(buf));
	memset(src, 2, sizeof(src));
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	count = COUNT_UNSET;
	if (WriteProcessMemory(GetCurrentProcess(), buf, src, sizeof(src),
			       &count) ||
	    GetLastError() != ERROR_ACCESS_DENIED || count != 0 ||
	    buf[0] != 1 || buf[63] != 1) {
		snprintf(msg, len, "not dumpable, to itself: error %u, count "
			 "%zu", (unsigned int)GetLastError(), (size_t)count);
		return TLH_FX_FAIL;
	}
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	if (!WriteProcessMemory(GetCurrentProcess(), buf, src, sizeof(src),
				&count) || count != sizeof(src) ||
	    memcmp(buf, src, sizeof(src))) {
		snprintf(msg, len, "dumpable, to itself: error %u",
			 (unsigned int)GetLastError());
		return TLH_FX_FAIL;
	}
	h = OpenProcess(WRITE_RIGHTS, FALSE, (DWORD)getppid());
	if (!h && GetLastError() == ERROR_ACCESS_DENIED)
		return TLH_FX_PASS;
	if (!h) {
		snprintf(msg, len, "OpenProcess(root's): error %u",
			 (unsigned int)GetLastError());
		return TLH_FX_FAIL;
	}
	count = COUNT_UNSET;
	if (WriteProcessMemory(h, parent_bytes, src, sizeof(src), &count) ||
	    GetLastError() != ERROR_ACCESS_DENIED || count != 0) {
		snprintf(msg, len, "to root's process: error %u, count %zu",
			 (unsigned int)GetLastError(), (size_t)count);
		CloseHandle(h);
		return TLH_FX_FAIL;
	}
	CloseHandle(h);
	return TLH_FX_PASS;
}

START_TEST(unprivileged)
{
	char msg[256];
	int ret;

	memset(parent_bytes, 7, sizeof(parent_bytes));
	ret = tlh_fx_run_as_nobody(nobody_writes, NULL, msg, sizeof(msg));
	if (ret == TLH_FX_SKIP) {
		skip("unprivileged", msg);
		return;
	}
	ck_assert_msg(ret == TLH_FX_PASS, "%s", msg);
	ck_assert_uint_eq(parent_bytes[0], 7);
	ck_assert_uint_eq(parent_bytes[63], 7);
}
END_TEST

/* The last error is kept by a success, set by each failure. */
START_TEST(last_error)
{
	static const struct tlh_fx_piece pieces[] = { { 1, RW }, { 1, RO } };
	unsigned char src[16] = { 0 };
	struct tlh_fx_child c;
	HANDLE h;

	layout_child(&c, pieces, 2);
	h = open_process(c.pid, WRITE_RIGHTS);
	SetLastError(LAST_PRESET);
	ck_assert(WriteProcessMemory(h, c.base, src, sizeof(src), NULL));
	ck_assert_uint_eq(GetLastError(), LAST_PRESET);
	ck_assert(!WriteProcessMemory(h, AT(&c, pg), src, sizeof(src),
				      NULL));
	ck_assert_uint_eq(GetLastError(), ERROR_NOACCESS);
	ck_assert(!WriteProcessMemory(NULL, c.base, src, sizeof(src), NULL));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
	CloseHandle(h);
	tlh_fx_child_stop(&c);
}
END_TEST

/* --- a target that moves the range while it is written ------------------ */

#define RACE_PAGES	2		/* A1, and A2 which moves */
#define RACE_SECONDS	1.0
#define RACE_MAX_SECONDS	8.0

/*
 * Shared between the test and its child: the child's remapping thread
 * moves A2 away and back (its pages, and so its bytes, go with it) until
 * asked to pause with A2 in place.
 */
struct race {
	unsigned char *a1, *a2, *away;
	int pause, paused, err;
};

static void *
race_mover(void *arg)
{
	struct race *r = arg;
	size_t len = RACE_PAGES * pg;
	void *p;

	for (;;) {
		if (__atomic_load_n(&r->pause, __ATOMIC_ACQUIRE)) {
			__atomic_store_n(&r->paused, 1, __ATOMIC_RELEASE);
			while (__atomic_load_n(&r->pause, __ATOMIC_ACQUIRE))
				sched_yield();
			__atomic_store_n(&r->paused, 0, __ATOMIC_RELEASE);
		}
		p = mremap(r->a2, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
			   r->away);
		if (p != r->away)
			break;
		p = mremap(r->away, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
			   r->a2);
		if (p != r->a2)
			break;
	}
	__atomic_store_n(&r->err, errno ? errno : EIO, __ATOMIC_RELEASE);
	__atomic_store_n(&r->paused, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void
race_child(void *arg, int report)
{
	struct race *r = arg;
	pthread_t t;
	char ok = 1;

	if (pthread_create(&t, NULL, race_mover, r))
		ok = 0;
	if (write(report, &ok, 1) != 1)
		_exit(1);
}

/* The child paused with A2 in place (0), or its mover failed (-1). */
static int
race_pause(struct race *r)
{
	double start = (double)time(NULL);

	__atomic_store_n(&r->pause, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&r->paused, __ATOMIC_ACQUIRE)) {
		sched_yield();
		ck_assert_msg((double)time(NULL) - start < 30,
			      "the child does not pause");
	}
	return __atomic_load_n(&r->err, __ATOMIC_ACQUIRE) ? -1 : 0;
}

static void
race_resume(struct race *r)
{
	__atomic_store_n(&r->pause, 0, __ATOMIC_RELEASE);
	while (__atomic_load_n(&r->paused, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&r->err, __ATOMIC_ACQUIRE))
		sched_yield();
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Write new patterns over A1 and A2 while A2 moves: after every TRUE the
 * range holds all of the new bytes, after every FALSE all of the old.
 */
START_TEST(race_moving_target)
{
	size_t len = RACE_PAGES * pg, off = _i ? 100 : 0;
	size_t n = 2 * len - 2 * off, i;
	unsigned char *shared, *cur, *src, *got;
	unsigned long oks = 0, fails = 0, bad = 0, k;
	char first_bad[160] = "";
	struct tlh_fx_child c;
	struct race *r;
	double start;
	SIZE_T count;
	DWORD err;
	char ready;
	HANDLE h;
	BOOL ok;

	shared = mmap(NULL, pg, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert(shared != MAP_FAILED);
	r = (struct race *)(void *)shared;
	memset(r, 0, sizeof(*r));
	r->a1 = mmap(NULL, 4 * len, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(r->a1 != MAP_FAILED);
	r->a2 = r->a1 + len;
	r->away = r->a1 + 3 * len;	/* a gap of one range between */
	ck_assert_int_eq(munmap(r->a1 + 2 * len, 2 * len), 0);
	tlh_fx_pattern_fill(r->a1, 2 * len, SEED_OLD, 0);
	ck_assert_int_eq(tlh_fx_child_run(&c, race_child, r, &ready, 1), 0);
	ck_assert_msg(ready == 1, "the child could not start its mover");
	h = open_process(c.pid, WRITE_RIGHTS);

	cur = malloc(n);
	src = malloc(n);
	got = malloc(n);
	ck_assert(cur && src && got);
	tlh_fx_pattern_fill(cur, n, SEED_OLD, off);
	start = now();
	for (k = 0;; k++) {
		if (now() - start > RACE_MAX_SECONDS ||
		    (now() - start > RACE_SECONDS && oks && fails))
			break;
		tlh_fx_pattern_fill(src, n, SEED_NEW + (unsigned int)k, 0);
		count = COUNT_UNSET;
		ok = WriteProcessMemory(h, r->a1 + off, src, n, &count);
		err = GetLastError();
		ck_assert_msg(race_pause(r) == 0, "the child's mover failed: "
			      "%s", strerror(r->err));
		ck_assert(Toolhelp32ReadProcessMemory((DWORD)c.pid,
						      r->a1 + off, got, n,
						      NULL));
		race_resume(r);
		if (ok && count == n && !memcmp(got, src, n)) {
			oks++;
			memcpy(cur, src, n);
			continue;
		}
		if (!ok && err == ERROR_NOACCESS && count == COUNT_UNSET &&
		    !memcmp(got, cur, n)) {
			fails++;
			continue;
		}
		for (i = 0; i < n && got[i] == (ok ? src : cur)[i]; i++)
			;
		if (!bad++)
			snprintf(first_bad, sizeof(first_bad),
				 "%s, error %u, count %zu: byte %zu of %zu "
				 "is %s", ok ? "TRUE" : "FALSE",
				 (unsigned int)err, (size_t)count, i, n,
				 ok ? "old" : "new");
		memcpy(cur, got, n);
	}
	CloseHandle(h);
	tlh_fx_child_stop(&c);
	munmap(r->a1, 2 * len);
	munmap(shared, pg);
	free(cur);
	free(src);
	free(got);
	ck_assert_msg(!bad, "%lu of %lu writes left the target wrong; the "
		      "first: %s", bad, oks + fails, first_bad);
	if (!(oks && fails)) {
		if (tlh_fx_under_valgrind()) {
			skip("race_moving_target", "under valgrind the writes "
			     "and the mover did not interleave");
			return;
		}
		ck_abort_msg("the race never happened: %lu writes succeeded, "
			     "%lu failed", oks, fails);
	}
}
END_TEST

/*
 * The caller's own buffer losing a page while it is written from (another
 * thread of the caller keeps protecting and unprotecting it): the write
 * stops on our side, and everything it may have written is put back.
 */
struct flipper {
	unsigned char *page;
	int stop;
};

static void *
flip_page(void *arg)
{
	struct flipper *f = arg;
	int valgrind = tlh_fx_under_valgrind();

	while (!__atomic_load_n(&f->stop, __ATOMIC_RELAXED)) {
		mprotect(f->page, pg, NONE);
		mprotect(f->page, pg, RO);
		if (valgrind)
			sched_yield();
	}
	return NULL;
}

START_TEST(race_source_buffer)
{
	static const struct tlh_fx_piece target = { 6, RW };
	static const struct tlh_fx_piece buffer = { 5, RW };
	size_t n = 5 * pg - 200, len;
	unsigned long oks = 0, fails = 0, bad = 0;
	unsigned char *buf, *got, *cur;
	struct tlh_fx_child c;
	struct flipper f;
	pthread_t thread;
	double start;
	SIZE_T count;
	DWORD err;
	HANDLE h;
	BOOL ok;

	layout_child(&c, &target, 1);
	h = open_process(c.pid, WRITE_RIGHTS);
	buf = tlh_fx_layout(&buffer, 1, SEED_NEW, &len);
	ck_assert_ptr_nonnull(buf);
	got = malloc(n);
	cur = malloc(n);
	ck_assert(got && cur);
	tlh_fx_pattern_fill(cur, n, SEED_OLD, 100);
	f.page = buf + 3 * pg;
	f.stop = 0;
	ck_assert_int_eq(pthread_create(&thread, NULL, flip_page, &f), 0);
	start = now();
	while (now() - start < RACE_MAX_SECONDS &&
	       !(now() - start > RACE_SECONDS && oks && fails)) {
		count = COUNT_UNSET;
		tlh_fx_quiet_begin();
		ok = WriteProcessMemory(h, AT(&c, 100), buf + 100, n, &count);
		tlh_fx_quiet_end();
		err = GetLastError();
		ck_assert(Toolhelp32ReadProcessMemory((DWORD)c.pid, AT(&c, 100),
						      got, n, NULL));
		if (ok && count == n &&
		    tlh_fx_pattern_check(got, n, SEED_NEW, 100) == n) {
			oks++;
			memcpy(cur, got, n);
		} else if (!ok && err == ERROR_NOACCESS &&
			   count == COUNT_UNSET && !memcmp(got, cur, n)) {
			fails++;
		} else {
			bad++;
			memcpy(cur, got, n);
		}
	}
	__atomic_store_n(&f.stop, 1, __ATOMIC_RELAXED);
	pthread_join(thread, NULL);
	CloseHandle(h);
	tlh_fx_child_stop(&c);
	tlh_fx_layout_free(buf, len);
	free(got);
	free(cur);
	ck_assert_msg(!bad, "%lu of %lu writes left the target wrong", bad,
		      oks + fails + bad);
	if (!(oks && fails)) {
		if (tlh_fx_under_valgrind()) {
			skip("race_source_buffer", "under valgrind the writes "
			     "and the flips did not interleave");
			return;
		}
		ck_abort_msg("the race never happened: %lu writes succeeded, "
			     "%lu failed", oks, fails);
	}
}
END_TEST

/* -------------------------------------------------------------------------- */

static TCase *
tcase(Suite *s, const char *name, double timeout)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, tlh_fx_teardown);
	tcase_set_timeout(tc, timeout);
	suite_add_tcase(s, tc);
	return tc;
}

#define LOOP(tc, fn, table) \
	tcase_add_loop_test(tc, fn, 0, (int)ARRAY_SIZE(table))

Suite *
writemem_suite(void)
{
	Suite *s = suite_create("writemem");
	TCase *tc;

	tc = tcase(s, "written", 30);
	LOOP(tc, write_kinds, write_ranges);
	tcase_add_test(tc, write_keeps_protections);
	tcase_add_test(tc, write_private_file);
	tcase_add_test(tc, write_shared_file);
	tcase_add_test(tc, write_code_page);
	tcase_add_test(tc, write_large);
	tcase_add_test(tc, write_self);
	tcase_add_test(tc, write_self_code);

	tc = tcase(s, "refused", 30);
	LOOP(tc, write_refused_kinds, refused);
	tcase_add_test(tc, write_unmapped);
	tcase_add_loop_test(tc, write_shared_readonly, 0, 2);
	tcase_add_loop_test(tc, write_file_past_eof, 0, 2);
	tcase_add_loop_test(tc, write_guard_region, 0, 2);
	tcase_add_loop_test(tc, write_stops_and_restores, 0, 2);

	tc = tcase(s, "arguments", 30);
	tcase_add_loop_test(tc, source_small, 0, 5);
	tcase_add_loop_test(tc, source_large, 0, 5);
	tcase_add_test(tc, bounds);
	tcase_add_test(tc, size_zero);
	tcase_add_test(tc, null_count);
	tcase_add_test(tc, rights_missing);
	tcase_add_test(tc, bad_handles);
	tcase_add_loop_test(tc, exited, 0, 2);
	tcase_add_test(tc, last_error);
	tcase_add_test(tc, unprivileged);

	tc = tcase(s, "race", 120);
	tcase_add_loop_test(tc, race_moving_target, 0, 2);
	tcase_add_test(tc, race_source_buffer);
	return s;
}
