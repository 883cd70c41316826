/*
 * check_heap.c - Heap32ListFirst/Next and Heap32First/Next.  The subjects
 * are tests/heap-child processes, run with exec so that their malloc is
 * glibc's whatever these tests run under, which lay out their heaps as
 * told and report each block's address, size, contents and fate; and
 * tests/heap-other, whose malloc is its own.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tlhelp32.h>

#include "fixtures.h"
#include "heap-child.h"
#include "suites.h"

#define WALK_MAX	((size_t)1 << 23)	/* longer than any test heap */
#define HEAPS_MAX	64
#define CHILDREN_MAX	8

/* This test program uses glibc's malloc itself (not valgrind's, ASan's)? */
#if defined(__SANITIZE_ADDRESS__)
#define SELF_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SELF_SANITIZED	1
#endif
#endif
#ifndef SELF_SANITIZED
#define SELF_SANITIZED	0
#endif

/*
 * The walker knows glibc's malloc on x86-64 and arm64 only: in a 32-bit
 * build the subjects are 32-bit and every heap list is
 * ERROR_NOT_SUPPORTED.
 */
#if (defined(__x86_64__) || defined(__aarch64__)) && \
	UINTPTR_MAX == UINT64_MAX
#define WALKER_KNOWN	1
#else
#define WALKER_KNOWN	0
#endif

static int
self_uses_glibc_malloc(void)
{
	return !SELF_SANITIZED && !tlh_fx_under_valgrind();
}

/* --- subjects ------------------------------------------------------------- */

struct child {
	pid_t pid;
	int ctl;		/* its standard input: closing it ends it */
	struct hc_report rep;
	struct hc_record *rec;
};

static pid_t children[CHILDREN_MAX];

/*
 * The path of @rel, a file of the build tree that exists (with @mode, as
 * access() takes it): under $top_builddir when make check runs us, else
 * under the directory above this program's (tests/), or above the one
 * libtool keeps the real program in (tests/.libs/).
 */
static const char *
build_file(const char *rel, int mode, char *buf, size_t len)
{
	static const char *const up[] = { "..", "../.." };
	const char *top = getenv("top_builddir");
	char exe[PATH_MAX], *slash;
	ssize_t n;
	size_t i;

	if (top && snprintf(buf, len, "%s/%s", top, rel) < (int)len &&
	    !access(buf, mode))
		return buf;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	for (i = 0; i < sizeof(up) / sizeof(up[0]); i++)
		if (snprintf(buf, len, "%s/%s/%s", exe, up[i], rel) <
		    (int)len && !access(buf, mode))
			return buf;
	return NULL;
}

/* The path of helper program tests/@name. */
static const char *
helper(const char *name, char *buf, size_t len)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "tests/%s", name);
	return build_file(rel, X_OK, buf, len);
}

/*
 * Start helper @prog with arguments @a1, @a2 (either may be NULL) and
 * with @env added to its environment (or NULL), and read its report.
 */
static void
child_start_env(struct child *c, const char *prog, const char *a1,
		const char *a2, const char *env)
{
	char path[PATH_MAX];
	int in[2], out[2], slot;
	pid_t parent = getpid();
	size_t len;

	ck_assert_msg(helper(prog, path, sizeof(path)),
		      "tests/%s not found", prog);
	for (slot = 0; slot < CHILDREN_MAX && children[slot]; slot++)
		;
	ck_assert_int_lt(slot, CHILDREN_MAX);
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	c->pid = fork();
	ck_assert_int_ge(c->pid, 0);
	if (c->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		if (dup2(in[0], STDIN_FILENO) < 0 ||
		    dup2(out[1], STDOUT_FILENO) < 0)
			_exit(127);
		if (env)
			putenv((char *)env);
		execl(path, prog, a1, a2, (char *)NULL);
		_exit(127);
	}
	children[slot] = c->pid;
	close(in[0]);
	close(out[1]);
	c->ctl = in[1];
	c->rec = NULL;
	ck_assert_uint_eq(tlh_fx_read_all(out[0], &c->rep, sizeof(c->rep)),
			  sizeof(c->rep));
	ck_assert_uint_eq(c->rep.magic, HC_MAGIC);
	ck_assert_uint_le(c->rep.count, 4096);
	len = (size_t)c->rep.count * sizeof(*c->rec);
	c->rec = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(c->rec);
	ck_assert_uint_eq(tlh_fx_read_all(out[0], c->rec, len), len);
	close(out[0]);
}

static void
child_start(struct child *c, const char *a1, const char *a2)
{
	child_start_env(c, "heap-child", a1, a2, NULL);
}

static void
child_stop(struct child *c)
{
	int i;

	close(c->ctl);
	kill(c->pid, SIGKILL);
	while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
		;
	for (i = 0; i < CHILDREN_MAX; i++)
		if (children[i] == c->pid)
			children[i] = 0;
	free(c->rec);
	c->rec = NULL;
}

/* A checked teardown: no child outlives a failed test. */
static void
children_teardown(void)
{
	int i;

	for (i = 0; i < CHILDREN_MAX; i++) {
		if (children[i]) {
			kill(children[i], SIGKILL);
			while (waitpid(children[i], NULL, 0) < 0 &&
			       errno == EINTR)
				;
			children[i] = 0;
		}
	}
	tlh_fx_teardown();
}

/* --- lists and walks ------------------------------------------------------ */

/*
 * The heap list of @pid: returns how many heaps it holds, keeps the first
 * @max in @hl, and the error that ended it in *@err.
 */
static size_t
heap_list_some(DWORD pid, HEAPLIST32 *hl, size_t max, DWORD *err)
{
	HEAPLIST32 e;
	HANDLE snap;
	size_t n = 0;
	BOOL ok;

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPHEAPLIST, pid);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	memset(&e, 0, sizeof(e));
	e.dwSize = sizeof(e);
	for (ok = Heap32ListFirst(snap, &e); ok;
	     ok = Heap32ListNext(snap, &e)) {
		ck_assert_uint_eq(e.dwSize, sizeof(e));
		if (n < max)
			hl[n] = e;
		n++;
	}
	*err = GetLastError();
	ck_assert(CloseHandle(snap));
	return n;
}

/* The heap list of @pid, all of it in @hl; as heap_list_some(). */
static size_t
heap_list(DWORD pid, HEAPLIST32 *hl, size_t max, DWORD *err)
{
	size_t n = heap_list_some(pid, hl, max, err);

	ck_assert_uint_le(n, max);
	return n;
}

/* A heap list that must succeed: ends with ERROR_NO_MORE_FILES. */
static size_t
heaps_of(DWORD pid, HEAPLIST32 *hl, size_t max)
{
	DWORD err;
	size_t n = heap_list(pid, hl, max, &err);

	ck_assert_uint_eq(err, ERROR_NO_MORE_FILES);
	ck_assert_uint_ge(n, 1);
	ck_assert_uint_eq(hl[0].dwFlags, HF32_DEFAULT);
	return n;
}

struct block {
	uintptr_t addr;
	size_t size;
	DWORD flags;
};

struct walk_result {
	struct block *b;
	size_t n;
	DWORD err;		/* what ended it */
};

/*
 * What is wrong with an entry the walk returned, or NULL: its fields, and
 * its place after the previous one (@prev, or NULL for the first).  (Not
 * ck_assert for each: Check reports every passed assertion to its parent,
 * and walks are long.)
 */
static const char *
entry_fault(const HEAPENTRY32 *he, DWORD pid, ULONG_PTR id,
	    const HEAPENTRY32 *prev, size_t index)
{
	if (he->dwSize != sizeof(*he))
		return "dwSize changed";
	if (he->th32ProcessID != pid)
		return "th32ProcessID";
	if (he->th32HeapID != id)
		return "th32HeapID";
	if (he->hHandle != (HANDLE)he->dwAddress)
		return "hHandle is not dwAddress";
	if (he->dwLockCount)
		return "dwLockCount";
	if (he->dwResvd != index)
		return "dwResvd is not the block's index";
	if (he->dwFlags != LF32_FIXED && he->dwFlags != LF32_FREE)
		return "dwFlags";
	if (!he->dwAddress || he->dwAddress % 16 || !he->dwBlockSize)
		return "dwAddress or dwBlockSize";
	/* blocks come in address order and do not overlap */
	if (prev && he->dwAddress < prev->dwAddress + prev->dwBlockSize)
		return "out of order, or overlaps the previous block";
	return NULL;
}

/* Walk heap @id of @pid to its end, keeping every block. */
static void
walk(DWORD pid, ULONG_PTR id, struct walk_result *r)
{
	HEAPENTRY32 he, prev;
	size_t alloc = 0;
	struct block *grown;
	const char *why;
	BOOL ok;

	r->b = NULL;
	r->n = 0;
	memset(&he, 0, sizeof(he));
	he.dwSize = sizeof(he);
	for (ok = Heap32First(&he, pid, id); ok; ok = Heap32Next(&he)) {
		why = entry_fault(&he, pid ? pid : (DWORD)getpid(), id,
				  r->n ? &prev : NULL, r->n);
		if (why)
			ck_abort_msg("block %zu at %#lx: %s", r->n,
				     (unsigned long)he.dwAddress, why);
		if (r->n >= WALK_MAX)
			ck_abort_msg("a walk that does not end");
		if (r->n == alloc) {
			alloc = alloc ? alloc * 2 : 1024;
			grown = realloc(r->b, alloc * sizeof(*r->b));
			if (!grown)
				ck_abort_msg("out of memory");
			r->b = grown;
		}
		r->b[r->n].addr = he.dwAddress;
		r->b[r->n].size = he.dwBlockSize;
		r->b[r->n].flags = he.dwFlags;
		r->n++;
		prev = he;
	}
	r->err = GetLastError();
}

/* The block at @addr in a walk, or NULL. */
static const struct block *
find_block(const struct walk_result *r, uint64_t addr)
{
	size_t lo = 0, hi = r->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->b[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->n && r->b[lo].addr == addr ? &r->b[lo] : NULL;
}

/*
 * Every live block of @c that @select picks is in @r, in use, with a
 * usable size within malloc's rounding of its request and its contents
 * readable through Toolhelp32ReadProcessMemory; every freed one is there
 * as a free block.
 */
static void
check_blocks(const struct child *c, const struct walk_result *r,
	     uint32_t select, uint32_t reject)
{
	const struct hc_record *rec;
	const struct block *b;
	unsigned char *buf;
	SIZE_T got;
	size_t i, checked = 0;

	for (i = 0; i < c->rep.count; i++) {
		rec = &c->rec[i];
		if ((rec->flags & select) != select || (rec->flags & reject))
			continue;
		b = find_block(r, rec->addr);
		ck_assert_msg(b, "block %#llx (%llu bytes) not found",
			      (unsigned long long)rec->addr,
			      (unsigned long long)rec->request);
		checked++;
		if (rec->flags & HC_FREED) {
			ck_assert_msg(b->flags == LF32_FREE, "freed block "
				      "%#llx (%llu bytes) not reported free",
				      (unsigned long long)rec->addr,
				      (unsigned long long)rec->request);
			continue;
		}
		ck_assert_msg(b->flags == LF32_FIXED, "block %#llx (%llu "
			      "bytes) not reported in use",
			      (unsigned long long)rec->addr,
			      (unsigned long long)rec->request);
		ck_assert_uint_ge(b->size, rec->request);
		if (rec->flags & HC_MMAPPED)
			ck_assert_uint_lt(b->size, rec->request +
					  tlh_fx_page_size() + 32);
		else
			ck_assert_uint_lt(b->size, rec->request + 24);
		buf = calloc(1, rec->request);
		ck_assert_ptr_nonnull(buf);
		ck_assert(Toolhelp32ReadProcessMemory((DWORD)c->pid,
						      (LPCVOID)b->addr, buf,
						      rec->request, &got));
		ck_assert_uint_eq(got, rec->request);
		ck_assert_uint_eq(tlh_fx_pattern_check(buf, rec->request,
						       rec->seed, 0),
				  rec->request);
		free(buf);
	}
	ck_assert_uint_gt(checked, 0);
}

/* --- the heap list -------------------------------------------------------- */

START_TEST(test_list_child)
{
	HEAPLIST32 hl[HEAPS_MAX];
	struct child c;

	child_start(&c, "blocks", NULL);
	ck_assert_uint_eq(heaps_of((DWORD)c.pid, hl, HEAPS_MAX), 1);
	ck_assert_uint_eq(hl[0].th32ProcessID, (DWORD)c.pid);
	ck_assert_uint_ne(hl[0].th32HeapID, 0);
	child_stop(&c);
}
END_TEST

/* A thread's first malloc gets it an arena of its own: a second heap. */
START_TEST(test_list_second_arena)
{
	HEAPLIST32 hl[HEAPS_MAX];
	struct child c;

	child_start(&c, "thread", NULL);
	ck_assert_uint_eq(heaps_of((DWORD)c.pid, hl, HEAPS_MAX), 2);
	ck_assert_uint_eq(hl[1].dwFlags, 0);
	ck_assert_uint_eq(hl[1].th32ProcessID, (DWORD)c.pid);
	ck_assert_uint_ne(hl[1].th32HeapID, hl[0].th32HeapID);
	child_stop(&c);
}
END_TEST

/* TH32CS_SNAPALL takes the heap list with the others. */
START_TEST(test_list_snapall)
{
	PROCESSENTRY32 pe;
	HEAPLIST32 hl;
	struct child c;
	HANDLE snap;

	child_start(&c, "blocks", NULL);
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPALL, (DWORD)c.pid);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	hl.dwSize = sizeof(hl);
	ck_assert(Heap32ListFirst(snap, &hl));
	ck_assert_uint_eq(hl.th32ProcessID, (DWORD)c.pid);
	ck_assert_uint_eq(hl.dwFlags, HF32_DEFAULT);
	pe.dwSize = sizeof(pe);
	ck_assert(Process32First(snap, &pe));
	/* a snapshot is a copy: the heap list outlives the process */
	child_stop(&c);
	ck_assert(Heap32ListFirst(snap, &hl));
	ck_assert(!Heap32ListNext(snap, &hl));
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	ck_assert(CloseHandle(snap));
}
END_TEST

START_TEST(test_list_cursor)
{
	HEAPLIST32 a, b, *big;
	struct child c;
	HANDLE snap;

	child_start(&c, "thread", NULL);
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPHEAPLIST, (DWORD)c.pid);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.dwSize = b.dwSize = sizeof(a);
	ck_assert(Heap32ListNext(snap, &a));	/* before First: entry 0 */
	ck_assert_uint_eq(a.dwFlags, HF32_DEFAULT);
	ck_assert(Heap32ListNext(snap, &b));
	ck_assert_uint_eq(b.dwFlags, 0);
	ck_assert(!Heap32ListNext(snap, &b));
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	ck_assert(!Heap32ListNext(snap, &b));	/* and stays at the end */
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	ck_assert(Heap32ListFirst(snap, &b));	/* First rewinds */
	ck_assert_int_eq(memcmp(&a, &b, sizeof(a)), 0);

	/* dwSize is a SIZE_T: all of it counts, and more is accepted */
	big = calloc(2, sizeof(*big));
	ck_assert_ptr_nonnull(big);
	tlh_fx_canary_fill(big, 2 * sizeof(*big));
	big->dwSize = 2 * sizeof(*big);
	ck_assert(Heap32ListFirst(snap, big));
	ck_assert_uint_eq(big->th32HeapID, a.th32HeapID);
	ck_assert_uint_eq(tlh_fx_canary_check(big + 1, sizeof(*big)),
			  sizeof(*big));
#if SIZE_MAX > 0xffffffffu
	big->dwSize = (SIZE_T)1 << 32;	/* a DWORD would read 0 */
	ck_assert(Heap32ListFirst(snap, big));
#endif
	free(big);
	ck_assert(CloseHandle(snap));
	child_stop(&c);
}
END_TEST

START_TEST(test_list_errors)
{
	HEAPLIST32 hl, before;
	HANDLE snap, closed;

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	hl.dwSize = sizeof(hl);
	/* a snapshot without a heap list */
	ck_assert(!Heap32ListFirst(snap, &hl));
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	ck_assert(!Heap32ListNext(snap, &hl));
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	/* the entry pointer, then dwSize, then the handle */
	ck_assert(!Heap32ListFirst(snap, NULL));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert(!Heap32ListNext(NULL, NULL));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	tlh_fx_canary_fill(&hl, sizeof(hl));
	hl.dwSize = sizeof(hl) - 1;
	before = hl;
	ck_assert(!Heap32ListFirst(snap, &hl));
	ck_assert_uint_eq(GetLastError(), ERROR_BAD_LENGTH);
	ck_assert(!Heap32ListNext(INVALID_HANDLE_VALUE, &hl));
	ck_assert_uint_eq(GetLastError(), ERROR_BAD_LENGTH);
	hl.dwSize = 0;
	ck_assert(!Heap32ListFirst(snap, &hl));
	ck_assert_uint_eq(GetLastError(), ERROR_BAD_LENGTH);
	hl.dwSize = sizeof(hl) - 1;
	ck_assert_int_eq(memcmp(&hl, &before, sizeof(hl)), 0);
	hl.dwSize = sizeof(hl);
	ck_assert(!Heap32ListFirst(NULL, &hl));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
	ck_assert(!Heap32ListNext(INVALID_HANDLE_VALUE, &hl));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
	closed = CreateToolhelp32Snapshot(TH32CS_SNAPHEAPLIST, 0);
	ck_assert_ptr_ne(closed, INVALID_HANDLE_VALUE);
	ck_assert(CloseHandle(closed));
	ck_assert(!Heap32ListFirst(closed, &hl));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
	ck_assert(CloseHandle(snap));
}
END_TEST

/* Unknown, dead, zombie and forbidden processes, as for the module list. */
START_TEST(test_list_bad_pid)
{
	HEAPENTRY32 he;
	pid_t dead, zombie;
	HANDLE snap;

	dead = tlh_fx_dead_pid();
	ck_assert_int_gt(dead, 0);
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPHEAPLIST, (DWORD)dead);
	ck_assert_ptr_eq(snap, INVALID_HANDLE_VALUE);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	memset(&he, 0, sizeof(he));
	he.dwSize = sizeof(he);
	ck_assert(!Heap32First(&he, (DWORD)dead, 1));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert(!Heap32First(&he, 4194305, 1));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert(!Heap32First(&he, 0xFFFFFFFFu, 1));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);

	zombie = tlh_fx_zombie();
	ck_assert_int_gt(zombie, 0);
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPHEAPLIST, (DWORD)zombie);
	ck_assert_ptr_eq(snap, INVALID_HANDLE_VALUE);
	ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);
	ck_assert(!Heap32First(&he, (DWORD)zombie, 1));
	ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);
	tlh_fx_reap(zombie);
}
END_TEST

/* --- walks ---------------------------------------------------------------- */

/* Every block of the child, live or freed, large or small, is found. */
START_TEST(test_walk_blocks)
{
	HEAPLIST32 hl[HEAPS_MAX];
	struct walk_result r;
	struct child c;
	size_t i, nfree = 0, nmmap = 0;

	child_start(&c, "blocks", NULL);
	heaps_of((DWORD)c.pid, hl, HEAPS_MAX);
	walk((DWORD)c.pid, hl[0].th32HeapID, &r);
	ck_assert_uint_eq(r.err, ERROR_NO_MORE_FILES);
	check_blocks(&c, &r, 0, 0);
	for (i = 0; i < r.n; i++)
		nfree += r.b[i].flags == LF32_FREE;
	for (i = 0; i < c.rep.count; i++)
		nmmap += !!(c.rec[i].flags & HC_MMAPPED);
	ck_assert_uint_eq(nmmap, 3);
	/* the freed blocks, and the top chunk */
	for (i = 0; i < c.rep.count; i++)
		nfree -= !!(c.rec[i].flags & HC_FREED);
	ck_assert_uint_ge(nfree, 1);
	free(r.b);
	child_stop(&c);
}
END_TEST

/* The second arena's blocks are in the second heap, and only there. */
START_TEST(test_walk_second_arena)
{
	HEAPLIST32 hl[HEAPS_MAX];
	struct walk_result r0, r1;
	struct child c;
	size_t i;

	child_start(&c, "thread", NULL);
	ck_assert_uint_eq(heaps_of((DWORD)c.pid, hl, HEAPS_MAX), 2);
	walk((DWORD)c.pid, hl[0].th32HeapID, &r0);
	ck_assert_uint_eq(r0.err, ERROR_NO_MORE_FILES);
	walk((DWORD)c.pid, hl[1].th32HeapID, &r1);
	ck_assert_uint_eq(r1.err, ERROR_NO_MORE_FILES);
	check_blocks(&c, &r0, 0, HC_THREAD);
	check_blocks(&c, &r1, HC_THREAD, 0);
	for (i = 0; i < c.rep.count; i++) {
		if (c.rec[i].flags & HC_THREAD)
			ck_assert_ptr_null(find_block(&r0, c.rec[i].addr));
		else
			ck_assert_ptr_null(find_block(&r1, c.rec[i].addr));
	}
	free(r0.b);
	free(r1.b);
	child_stop(&c);
}
END_TEST

/*
 * An arena larger than one 64 MiB mapping: its blocks in all of them, in
 * address order, and the markers at the end of the older ones skipped.
 */
START_TEST(test_walk_big_arena)
{
	HEAPLIST32 hl[HEAPS_MAX];
	struct walk_result r;
	struct child c;
	size_t i, n = 0;
	uintptr_t lo = UINTPTR_MAX, hi = 0;

	child_start(&c, "bigarena", NULL);
	ck_assert_uint_eq(heaps_of((DWORD)c.pid, hl, HEAPS_MAX), 2);
	walk((DWORD)c.pid, hl[1].th32HeapID, &r);
	ck_assert_uint_eq(r.err, ERROR_NO_MORE_FILES);
	check_blocks(&c, &r, HC_THREAD, 0);
	for (i = 0; i < c.rep.count; i++) {
		if (!(c.rec[i].flags & HC_THREAD))
			continue;
		n++;
		if (c.rec[i].addr < lo)
			lo = (uintptr_t)c.rec[i].addr;
		if (c.rec[i].addr > hi)
			hi = (uintptr_t)c.rec[i].addr;
	}
	ck_assert_uint_eq(n, 720);
	/* in more than one 64 MiB-aligned mapping */
	ck_assert_uint_ne(lo >> 26, hi >> 26);
	free(r.b);
	child_stop(&c);
}
END_TEST

/* The end of a walk, again and again; an unknown heap; bad entries. */
START_TEST(test_walk_errors)
{
	HEAPLIST32 hl[HEAPS_MAX];
	HEAPENTRY32 he, before, *big;
	struct child c;
	ULONG_PTR id;
	DWORD pid;

	child_start(&c, "blocks", NULL);
	pid = (DWORD)c.pid;
	heaps_of(pid, hl, HEAPS_MAX);
	id = hl[0].th32HeapID;

	/* the entry pointer, then dwSize, then the process, then the heap */
	ck_assert(!Heap32First(NULL, pid, id));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert(!Heap32Next(NULL));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	tlh_fx_canary_fill(&he, sizeof(he));
	he.dwSize = sizeof(he) - 1;
	before = he;
	ck_assert(!Heap32First(&he, 0xFFFFFFFFu, id));
	ck_assert_uint_eq(GetLastError(), ERROR_BAD_LENGTH);
	ck_assert(!Heap32Next(&he));
	ck_assert_uint_eq(GetLastError(), ERROR_BAD_LENGTH);
	he.dwSize = 0;
	ck_assert(!Heap32First(&he, pid, id));
	ck_assert_uint_eq(GetLastError(), ERROR_BAD_LENGTH);
	he.dwSize = sizeof(he) - 1;
	ck_assert_int_eq(memcmp(&he, &before, sizeof(he)), 0);

	/* not a heap of the process: no blocks, entry untouched */
	he.dwSize = sizeof(he);
	before = he;
	ck_assert(!Heap32First(&he, pid, 0));
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	ck_assert(!Heap32First(&he, pid, id + 16));
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	ck_assert(!Heap32First(&he, pid, (ULONG_PTR)c.rec[0].addr));
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	ck_assert_int_eq(memcmp(&he, &before, sizeof(he)), 0);

	/* the end, and past it */
	ck_assert(Heap32First(&he, pid, id));
	while (Heap32Next(&he))
		;
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	before = he;
	ck_assert(!Heap32Next(&he));
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	ck_assert_int_eq(memcmp(&he, &before, sizeof(he)), 0);

	/* an entry of a heap the process does not have */
	he.th32HeapID = 12345;
	ck_assert(!Heap32Next(&he));
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	/* of a process that is gone */
	he.th32HeapID = id;
	he.th32ProcessID = (DWORD)tlh_fx_dead_pid();
	ck_assert(!Heap32Next(&he));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);

	/* a larger structure is accepted, and its tail left alone */
	big = calloc(2, sizeof(*big));
	ck_assert_ptr_nonnull(big);
	tlh_fx_canary_fill(big, 2 * sizeof(*big));
	big->dwSize = 2 * sizeof(*big);
	ck_assert(Heap32First(big, pid, id));
	ck_assert(Heap32Next(big));
	ck_assert_uint_eq(big->dwResvd, 1);
	ck_assert_uint_eq(big->dwSize, 2 * sizeof(*big));
	ck_assert_uint_eq(tlh_fx_canary_check(big + 1, sizeof(*big)),
			  sizeof(*big));
	free(big);
	child_stop(&c);
}
END_TEST

/*
 * Two walks taken in turns by one thread, and a walk carried on by
 * another thread: Heap32Next needs only the entry.
 */
struct rest {
	HEAPENTRY32 he;
	struct walk_result r;
};

static void *
walk_rest(void *arg)
{
	struct rest *t = arg;
	size_t alloc = 0;

	t->r.b = NULL;
	t->r.n = 0;
	while (Heap32Next(&t->he)) {
		if (t->r.n == alloc) {
			alloc = alloc ? 2 * alloc : 256;
			t->r.b = realloc(t->r.b, alloc * sizeof(*t->r.b));
			if (!t->r.b)
				break;
		}
		t->r.b[t->r.n].addr = t->he.dwAddress;
		t->r.b[t->r.n].size = t->he.dwBlockSize;
		t->r.b[t->r.n].flags = t->he.dwFlags;
		t->r.n++;
	}
	t->r.err = GetLastError();
	return NULL;
}

START_TEST(test_walk_interleaved)
{
	HEAPLIST32 hl[HEAPS_MAX];
	struct walk_result r[2];
	HEAPENTRY32 he[2];
	size_t i[2], k, half;
	struct rest t;
	pthread_t th;
	struct child c;
	BOOL ok[2];

	child_start(&c, "thread", NULL);
	ck_assert_uint_eq(heaps_of((DWORD)c.pid, hl, HEAPS_MAX), 2);
	for (k = 0; k < 2; k++) {
		walk((DWORD)c.pid, hl[k].th32HeapID, &r[k]);
		ck_assert_uint_eq(r[k].err, ERROR_NO_MORE_FILES);
		he[k].dwSize = sizeof(he[k]);
		ok[k] = Heap32First(&he[k], (DWORD)c.pid, hl[k].th32HeapID);
		i[k] = 0;
	}
	while (ok[0] || ok[1]) {
		for (k = 0; k < 2; k++) {
			if (!ok[k])
				continue;
			ck_assert_uint_lt(i[k], r[k].n);
			ck_assert_uint_eq(he[k].dwAddress, r[k].b[i[k]].addr);
			ck_assert_uint_eq(he[k].dwBlockSize, r[k].b[i[k]].size);
			ck_assert_uint_eq(he[k].dwFlags, r[k].b[i[k]].flags);
			i[k]++;
			ok[k] = Heap32Next(&he[k]);
			if (!ok[k])
				ck_assert_uint_eq(GetLastError(),
						  ERROR_NO_MORE_FILES);
		}
	}
	ck_assert_uint_eq(i[0], r[0].n);
	ck_assert_uint_eq(i[1], r[1].n);

	/* half a walk here, the rest in another thread */
	half = r[0].n / 2;
	ck_assert_uint_gt(half, 0);
	t.he.dwSize = sizeof(t.he);
	ck_assert(Heap32First(&t.he, (DWORD)c.pid, hl[0].th32HeapID));
	for (k = 1; k < half; k++)
		ck_assert(Heap32Next(&t.he));
	ck_assert_int_eq(pthread_create(&th, NULL, walk_rest, &t), 0);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_uint_eq(t.r.err, ERROR_NO_MORE_FILES);
	ck_assert_uint_eq(t.r.n, r[0].n - half);
	for (k = 0; k < t.r.n; k++)
		ck_assert_uint_eq(t.r.b[k].addr, r[0].b[half + k].addr);
	free(t.r.b);
	free(r[0].b);
	free(r[1].b);
	child_stop(&c);
}
END_TEST

/*
 * A target that allocates and frees all the while: every walk ends, with
 * ERROR_NO_MORE_FILES or ERROR_INVALID_DATA, and the target lives on.
 */
START_TEST(test_walk_churn)
{
	HEAPLIST32 hl[HEAPS_MAX];
	struct walk_result r;
	struct timespec t0, t;
	struct child c;
	size_t n, k, walks = 0, ended = 0;
	DWORD err;
	int status;

	child_start(&c, "churn", NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		n = heap_list((DWORD)c.pid, hl, HEAPS_MAX, &err);
		ck_assert(err == ERROR_NO_MORE_FILES ||
			  err == ERROR_INVALID_DATA);
		for (k = 0; k < n; k++) {
			walk((DWORD)c.pid, hl[k].th32HeapID, &r);
			ck_assert_msg(r.err == ERROR_NO_MORE_FILES ||
				      r.err == ERROR_INVALID_DATA,
				      "walk ended with %u", r.err);
			walks++;
			ended += r.err == ERROR_NO_MORE_FILES;
			free(r.b);
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L +
		 (t.tv_nsec - t0.tv_nsec) < 400000000L || walks < 4);
	ck_assert_uint_gt(walks, 0);
	ck_assert_int_eq(waitpid(c.pid, &status, WNOHANG), 0);
	fprintf(stderr, "heap churn: %zu walks, %zu to the end\n", walks,
		ended);
	child_stop(&c);
}
END_TEST

/* A damaged chunk ends the walk there with ERROR_INVALID_DATA. */
START_TEST(test_walk_corrupt)
{
	static const char *const how[] = { "huge", "zero", "odd", "footer" };
	HEAPLIST32 hl[HEAPS_MAX];
	HEAPENTRY32 last, he;
	struct walk_result r;
	uint64_t damaged;
	struct child c;
	size_t i, k;

	for (k = 0; k < sizeof(how) / sizeof(how[0]); k++) {
		child_start(&c, "corrupt", how[k]);
		heaps_of((DWORD)c.pid, hl, HEAPS_MAX);
		walk((DWORD)c.pid, hl[0].th32HeapID, &r);
		ck_assert_msg(r.err == ERROR_INVALID_DATA, "%s: walk ended "
			      "with %u", how[k], r.err);
		damaged = 0;
		for (i = 0; i < c.rep.count; i++)
			if (c.rec[i].flags & HC_DAMAGED)
				damaged = c.rec[i].addr;
		ck_assert_uint_ne(damaged, 0);
		ck_assert_uint_gt(r.n, 0);
		ck_assert_uint_lt(r.b[r.n - 1].addr, damaged);
		for (i = 0; i < 4; i++)	/* the blocks before it */
			ck_assert_ptr_nonnull(find_block(&r, c.rec[i].addr));
		/* where it stopped, it stops again */
		memset(&last, 0, sizeof(last));
		last.dwSize = sizeof(last);
		ck_assert(Heap32First(&last, (DWORD)c.pid, hl[0].th32HeapID));
		while (last.dwAddress != r.b[r.n - 1].addr)
			ck_assert(Heap32Next(&last));
		he = last;
		ck_assert(!Heap32Next(&he));
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_DATA);
		ck_assert_int_eq(memcmp(&he, &last, sizeof(he)), 0);
		free(r.b);
		child_stop(&c);
	}

	/* a fast-bin list that leads out of the heap: no walk at all */
	child_start(&c, "corrupt", "fastbin");
	heaps_of((DWORD)c.pid, hl, HEAPS_MAX);
	memset(&he, 0, sizeof(he));
	he.dwSize = sizeof(he);
	ck_assert(!Heap32First(&he, (DWORD)c.pid, hl[0].th32HeapID));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_DATA);
	ck_assert_uint_eq(he.dwAddress, 0);
	child_stop(&c);
}
END_TEST

/* --- hostile heaps -------------------------------------------------------- */

/*
 * The calls these tests bound do all their work in the calling thread
 * (reads of the target with process_vm_readv or /proc/<pid>/mem, and
 * arithmetic), so their cost is measured in that thread's CPU time, user
 * and system: what else runs on the machine, and how it is scheduled
 * against this test, does not count.
 */
static void
cpu_start(struct timespec *t0)
{
	ck_assert_int_eq(clock_gettime(CLOCK_THREAD_CPUTIME_ID, t0), 0);
}

/* CPU seconds this thread has used since cpu_start(@t0). */
static double
cpu_seconds_since(const struct timespec *t0)
{
	struct timespec t;

	ck_assert_int_eq(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t), 0);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A field of /proc/self/status in KiB ("VmRSS:"), or -1. */
static long
status_kib(const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n))
			v = strtol(line + n, NULL, 10);
	fclose(f);
	return v;
}

/*
 * The peak of this process's resident memory from now on: the peak is
 * reset to what is resident now where the kernel allows (clear_refs 5),
 * else measured from the peak so far (which can only understate).
 */
struct peak {
	long base;
};

static void
peak_begin(struct peak *pk)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	int reset = fd >= 0 && write(fd, "5", 1) == 1;

	if (fd >= 0)
		close(fd);
	pk->base = status_kib(reset ? "VmRSS:" : "VmHWM:");
	ck_assert_int_gt(pk->base, 0);
}

/* KiB the peak rose by since peak_begin(). */
static long
peak_end(const struct peak *pk)
{
	long hwm = status_kib("VmHWM:");

	ck_assert_int_gt(hwm, 0);
	return hwm > pk->base ? hwm - pk->base : 0;
}

/* Heap32First of @id in @pid: its result, CPU time and peak memory. */
static BOOL
timed_first(DWORD pid, ULONG_PTR id, HEAPENTRY32 *he, double *secs,
	    long *kib)
{
	struct timespec t0;
	struct peak pk;
	BOOL ok;

	memset(he, 0, sizeof(*he));
	he->dwSize = sizeof(*he);
	peak_begin(&pk);
	cpu_start(&t0);
	ok = Heap32First(he, pid, id);
	*secs = cpu_seconds_since(&t0);
	*kib = peak_end(&pk);
	return ok;
}

/*
 * Print what a call cost, @secs of this thread's CPU time (@kib < 0: not
 * measured), and hold it to @max_secs and @max_kib (0: any).  Not under
 * valgrind, which slows this process and counts memory its own way.
 */
static void
check_cost(const char *what, double secs, double max_secs, long kib,
	   long max_kib)
{
	if (kib < 0)
		fprintf(stderr, "%s: %.3f s CPU\n", what, secs);
	else
		fprintf(stderr, "%s: %.3f s CPU, %ld KiB\n", what, secs,
			kib);
	if (tlh_fx_under_valgrind())
		return;
	/* the bounds are process_vm_readv's: each read through
	 * /proc/<pid>/mem makes several system calls more */
	if (tlh_fx_pvr_error())
		max_secs *= 4;
	ck_assert_msg(secs < max_secs, "%s: %.3f s CPU (at most %.1f s)",
		      what, secs, max_secs);
	if (max_kib)
		ck_assert_msg(kib < max_kib, "%s: %ld KiB", what, kib);
}

/*
 * A fast-bin list that loops, in a heap of 8 GiB that the process never
 * touched (less where the system will not lend that much): found at once,
 * whatever the heap's size, with little memory.
 */
START_TEST(test_hostile_fastbin_loop)
{
	HEAPLIST32 hl[HEAPS_MAX];
	struct child c;
	HEAPENTRY32 he;
	char what[64];
	double secs;
	long kib;

	child_start(&c, "fastloop", "8");
	heaps_of((DWORD)c.pid, hl, HEAPS_MAX);
	ck_assert(!timed_first((DWORD)c.pid, hl[0].th32HeapID, &he, &secs,
			       &kib));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_DATA);
	snprintf(what, sizeof(what), "fast-bin loop, %llu GiB heap",
		 (unsigned long long)c.rep.blocks);
	check_cost(what, secs, 0.5, kib, 8192);
	child_stop(&c);
}
END_TEST

/*
 * Fast bins longer than a walk follows (1,048,576 chunks): refused at
 * once, with ERROR_INVALID_DATA, not followed to their end.  Shorter ones
 * are walked.
 */
START_TEST(test_hostile_fastbin_cap)
{
	static const char *const count[] = { "200000", "1100000" };
	HEAPLIST32 hl[HEAPS_MAX];
	struct child c;
	HEAPENTRY32 he;
	char what[64];
	double secs;
	size_t k;
	long kib;
	BOOL ok;

	for (k = 0; k < 2; k++) {
		child_start(&c, "fastmany", count[k]);
		heaps_of((DWORD)c.pid, hl, HEAPS_MAX);
		ok = timed_first((DWORD)c.pid, hl[0].th32HeapID, &he, &secs,
				 &kib);
		if (k) {
			ck_assert(!ok);
			ck_assert_uint_eq(GetLastError(), ERROR_INVALID_DATA);
		} else {
			ck_assert(ok);
		}
		snprintf(what, sizeof(what), "fast bin of %s chunks",
			 count[k]);
		check_cost(what, secs, 2.0, kib, 16384);
		child_stop(&c);
	}
}
END_TEST

/* The forged arenas' tests: 20,000 of them (2,000 under valgrind). */
static size_t
forged_count(char *arg, size_t len)
{
	size_t n = tlh_fx_under_valgrind() ? 2000 : 20000;

	snprintf(arg, len, "%zu", n);
	return n;
}

/*
 * 20,000 forged one-page arenas in the ring, each with a per-thread cache
 * whose entries name chunks that do not exist: the heap list and a walk
 * cost time in proportion to the arenas, not to their square.
 */
START_TEST(test_hostile_many_arenas)
{
	HEAPLIST32 first;
	struct timespec t0;
	struct child c;
	HEAPENTRY32 he;
	double secs;
	char arg[32];
	long kib;
	size_t n = forged_count(arg, sizeof(arg));
	DWORD err;

	child_start(&c, "arenas", arg);
	ck_assert_uint_eq(c.rep.blocks, n);
	cpu_start(&t0);
	ck_assert_uint_eq(heap_list_some((DWORD)c.pid, &first, 1, &err), n + 1);
	check_cost("forged arenas: heap list", cpu_seconds_since(&t0), 2.0, -1,
		   0);
	ck_assert_uint_eq(err, ERROR_NO_MORE_FILES);
	ck_assert_uint_eq(first.th32HeapID, c.rep.arena);
	ck_assert_uint_eq(first.dwFlags, HF32_DEFAULT);
	ck_assert(timed_first((DWORD)c.pid, first.th32HeapID, &he, &secs,
			      &kib));
	check_cost("forged arenas: Heap32First", secs, 2.0, kib, 0);
	child_stop(&c);
}
END_TEST

/*
 * A ring of arenas that never comes back to the main one, and an arena
 * whose chain of heaps loops: damaged, found without going round again.
 * The heap list holds the arenas before the damage, each once: the main
 * one and all the forged ones (whose last links back into the ring), or
 * the main one and the first forged one (whose heaps loop).
 */
START_TEST(test_hostile_arena_loops)
{
	static const char *const how[] = { "ringloop", "heaploop" };
	HEAPLIST32 first;
	struct child c;
	HEAPENTRY32 he;
	double secs;
	char arg[32];
	long kib;
	size_t n = forged_count(arg, sizeof(arg)), k;
	DWORD err;

	for (k = 0; k < sizeof(how) / sizeof(how[0]); k++) {
		child_start(&c, how[k], arg);
		ck_assert_uint_eq(heap_list_some((DWORD)c.pid, &first, 1, &err),
				  k ? 2 : n + 1);
		ck_assert_uint_eq(err, ERROR_INVALID_DATA);
		ck_assert_uint_eq(first.th32HeapID, c.rep.arena);
		ck_assert(!timed_first((DWORD)c.pid, c.rep.arena, &he, &secs,
				       &kib));
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_DATA);
		check_cost(how[k], secs, 4.0, kib, 0);
		child_stop(&c);
	}
}
END_TEST

/* --- unloading ----------------------------------------------------------- */

/*
 * The library unloaded with dlclose() while a thread of the process that
 * loaded it is in the middle of a heap walk, and that thread exiting
 * afterwards: nothing of the library may be left to run then.
 * tests/heap-child does it, in a process that has not got the library
 * loaded already (as this one has, linked with it, so that a dlclose here
 * would unload nothing).
 */
START_TEST(test_unload_mid_walk)
{
	char lib[PATH_MAX], path[PATH_MAX];
	int status;
	pid_t pid;

	if (SELF_SANITIZED) {
		fprintf(stderr, "unload mid-walk: skipped: the library is "
			"built with AddressSanitizer, which a process without "
			"it cannot load\n");
		return;
	}
	if (!build_file("lib/.libs/libtlhelp32.so", R_OK, lib,
			sizeof(lib))) {
		fprintf(stderr, "unload mid-walk: skipped: no shared library "
			"was built (lib/.libs/libtlhelp32.so)\n");
		return;
	}
	ck_assert_msg(helper("heap-child", path, sizeof(path)),
		      "tests/heap-child not found");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		execl(path, "heap-child", "unload", lib, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		ck_assert_int_eq(errno, EINTR);
	ck_assert_msg(!WIFSIGNALED(status), "the process died of signal %d "
		      "after the library was unloaded", WTERMSIG(status));
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "heap-child unload: exit status %d (3: not loaded, 4: "
		      "no walk, 5: not unloaded)", WEXITSTATUS(status));
}
END_TEST

/* --- other allocators, and this process ----------------------------------- */

static void
check_not_supported(DWORD pid)
{
	HEAPLIST32 hl;
	HEAPENTRY32 he;
	HANDLE snap;

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPHEAPLIST, pid);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	hl.dwSize = sizeof(hl);
	ck_assert(!Heap32ListFirst(snap, &hl));
	ck_assert_uint_eq(GetLastError(), ERROR_NOT_SUPPORTED);
	ck_assert(!Heap32ListNext(snap, &hl));
	ck_assert_uint_eq(GetLastError(), ERROR_NOT_SUPPORTED);
	ck_assert(CloseHandle(snap));
	he.dwSize = sizeof(he);
	ck_assert(!Heap32First(&he, pid, 0x1000));
	ck_assert_uint_eq(GetLastError(), ERROR_NOT_SUPPORTED);
}

/* Another malloc than glibc's: a clear error, never garbage. */
START_TEST(test_other_allocator)
{
	static const char *const jemalloc[] = {
		"/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
		"/usr/lib64/libjemalloc.so.2",
	};
	char env[PATH_MAX + 16];
	struct child c;
	size_t i;

	child_start_env(&c, "heap-other", NULL, NULL, NULL);
	check_not_supported((DWORD)c.pid);
	child_stop(&c);

	/* jemalloc preloaded, where it is installed */
	for (i = 0; i < sizeof(jemalloc) / sizeof(jemalloc[0]); i++) {
		if (access(jemalloc[i], R_OK))
			continue;
		snprintf(env, sizeof(env), "LD_PRELOAD=%s", jemalloc[i]);
		child_start_env(&c, "heap-child", "blocks", NULL, env);
		check_not_supported((DWORD)c.pid);
		child_stop(&c);
		break;
	}
}
END_TEST

/*
 * Walk this process's default heap; 1 if the block of @len bytes at @mine
 * was found in use and the walk ended with ERROR_NO_MORE_FILES.
 */
static int
self_walk_finds(const void *mine, size_t len)
{
	HEAPLIST32 hl;
	HEAPENTRY32 he;
	HANDLE snap;
	size_t n = 0;
	int found = 0;
	BOOL ok;

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPHEAPLIST, 0);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	hl.dwSize = sizeof(hl);
	ck_assert(Heap32ListFirst(snap, &hl));
	ck_assert_uint_eq(hl.th32ProcessID, (DWORD)getpid());
	ck_assert_uint_eq(hl.dwFlags, HF32_DEFAULT);
	ck_assert(CloseHandle(snap));
	/* nothing is allocated during the walk: it reads our own heap */
	he.dwSize = sizeof(he);
	for (ok = Heap32First(&he, 0, hl.th32HeapID); ok && n < WALK_MAX;
	     ok = Heap32Next(&he)) {
		n++;
		if (he.dwAddress == (ULONG_PTR)mine &&
		    he.dwFlags == LF32_FIXED && he.dwBlockSize >= len &&
		    he.dwBlockSize < len + 24)
			found = 1;
	}
	ck_assert_msg(GetLastError() == ERROR_NO_MORE_FILES,
		      "the walk ended with error %u after %zu blocks",
		      (unsigned)GetLastError(), n);
	ck_assert_uint_eq(he.th32ProcessID, (DWORD)getpid());
	return found;
}

/* pid 0 is this process: its heap, or (valgrind, ASan) a clear error. */
START_TEST(test_self)
{
	static unsigned char *volatile mine;

	if (!self_uses_glibc_malloc() || !WALKER_KNOWN) {
		check_not_supported(0);
		return;
	}
	mine = malloc(777);
	ck_assert_ptr_nonnull(mine);
	mine[0] = 1;
	ck_assert(self_walk_finds(mine, 777));
	free(mine);
}
END_TEST

/* The number of [heap] mappings in /proc/self/maps. */
static int
brk_mappings(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "[heap]") != NULL;
	fclose(f);
	return n;
}

/*
 * A brk area of more than one mapping (the kernel does not always merge
 * what the brk grows by; here a madvise() splits it) is one heap: found
 * and walked whole, from its first chunk.
 */
START_TEST(test_split_brk)
{
	static unsigned char *volatile mine;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *end, *from;
	int found;

	if (!self_uses_glibc_malloc() || !WALKER_KNOWN) {
		check_not_supported(0);
		return;
	}
	mine = malloc(64 * 1024);	/* below the mmap threshold */
	ck_assert_ptr_nonnull(mine);
	memset(mine, 1, 64 * 1024);
	end = sbrk(0);
	from = (unsigned char *)(((uintptr_t)mine + 16 * 1024) & ~(pg - 1));
	ck_assert((uintptr_t)from < (uintptr_t)end);
	/* a flag on the upper part splits the mapping in two */
	ck_assert_int_eq(madvise(from, (size_t)(end - from), MADV_DONTFORK),
			 0);
	ck_assert_int_ge(brk_mappings(), 2);
	found = self_walk_finds(mine, 64 * 1024);
	ck_assert_int_eq(madvise(from, (size_t)(end - from), MADV_DOFORK), 0);
	ck_assert(found);
	free(mine);
}
END_TEST

/* Where the walker does not know the machine, glibc's heaps neither. */
START_TEST(test_machine_not_known)
{
	struct child c;

	child_start(&c, "blocks", NULL);
	check_not_supported((DWORD)c.pid);
	child_stop(&c);
}
END_TEST

/*
 * Under qemu-user the heaps cannot be found: its /proc/self/maps (7.2's)
 * does not name the brk area [heap], and another process's maps are the
 * emulator's, whose [heap] is its own.  The walker must refuse them
 * cleanly, never list what it misread.
 */
START_TEST(test_emulated)
{
	HEAPLIST32 hl;
	HEAPENTRY32 he;
	HANDLE snap;
	size_t n = 0;
	DWORD err;
	BOOL ok;

	printf("SKIP: heap: every walk and list test: under %s, whose "
	       "/proc/self/maps does not name the brk area [heap] and whose "
	       "processes' maps read from outside are the emulator's: "
	       "glibc's main arena cannot be found there\n",
	       tlh_fx_emulator());
	/* our own heap: listed or not, walked or not, a clean end */
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPHEAPLIST, 0);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	hl.dwSize = sizeof(hl);
	ok = Heap32ListFirst(snap, &hl);
	err = GetLastError();
	ck_assert(CloseHandle(snap));
	if (ok) {
		he.dwSize = sizeof(he);
		for (ok = Heap32First(&he, 0, hl.th32HeapID);
		     ok && n < WALK_MAX; ok = Heap32Next(&he))
			n++;
		ck_assert(!ok);
		err = GetLastError();
		ck_assert_msg(err == ERROR_NO_MORE_FILES ||
			      err == ERROR_INVALID_DATA, "walk: error %u", err);
	} else {
		ck_assert_msg(err == ERROR_INVALID_DATA ||
			      err == ERROR_NOT_SUPPORTED, "list: error %u",
			      err);
	}
}
END_TEST

/* --- speed ---------------------------------------------------------------- */

/*
 * A million blocks: all found, in one walk.  Prints the rate; asserts
 * only the count.
 */
START_TEST(test_walk_million)
{
	HEAPLIST32 hl[HEAPS_MAX];
	struct timespec t0, t1;
	struct child c;
	HEAPENTRY32 he;
	size_t n = 0, used = 0, want;
	char count[32];
	double secs;
	BOOL ok;

	want = tlh_fx_under_valgrind() ? 100000 : 1000000;
	snprintf(count, sizeof(count), "%zu", want);
	child_start(&c, "many", count);
	ck_assert_uint_eq(c.rep.blocks, want);
	heaps_of((DWORD)c.pid, hl, HEAPS_MAX);
	he.dwSize = sizeof(he);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (ok = Heap32First(&he, (DWORD)c.pid, hl[0].th32HeapID); ok;
	     ok = Heap32Next(&he)) {
		n++;
		used += he.dwFlags == LF32_FIXED && he.dwBlockSize == 24;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	ck_assert_uint_ge(used, want);
	ck_assert_uint_lt(n, want + 1000);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr, "heap walk: %zu blocks in %.3f s: %.0f blocks/s\n",
		n, secs, secs > 0 ? (double)n / secs : 0.0);
	child_stop(&c);
}
END_TEST

/* A test case of @s, with the children's teardown and @timeout seconds. */
static TCase *
heap_tcase(Suite *s, const char *name, int timeout)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, NULL, children_teardown);
	if (timeout)
		tcase_set_timeout(tc, timeout);
	suite_add_tcase(s, tc);
	return tc;
}

Suite *
heap_suite(void)
{
	Suite *s = suite_create("heap");
	int emulated = tlh_fx_emulator() != NULL;
	int known = WALKER_KNOWN && !emulated;
	TCase *tc;

	tc = heap_tcase(s, "list", 0);
	if (emulated) {
		tcase_add_test(tc, test_emulated);
	} else if (known) {
		tcase_add_test(tc, test_list_child);
		tcase_add_test(tc, test_list_second_arena);
		tcase_add_test(tc, test_list_snapall);
		tcase_add_test(tc, test_list_cursor);
	} else {
		tcase_add_test(tc, test_machine_not_known);
	}
	tcase_add_test(tc, test_list_errors);
	tcase_add_test(tc, test_list_bad_pid);

	tc = heap_tcase(s, "walk", 30);
	if (known) {
		tcase_add_test(tc, test_walk_blocks);
		tcase_add_test(tc, test_walk_second_arena);
		tcase_add_test(tc, test_walk_big_arena);
		tcase_add_test(tc, test_walk_errors);
		tcase_add_test(tc, test_walk_interleaved);
		tcase_add_test(tc, test_walk_churn);
		tcase_add_test(tc, test_walk_corrupt);
	}
	if (!emulated) {
		tcase_add_test(tc, test_other_allocator);
		tcase_add_test(tc, test_self);
		tcase_add_test(tc, test_split_brk);
	}
	if (known) {
		tcase_add_test(tc, test_walk_million);
		tcase_add_test(tc, test_unload_mid_walk);
	}

	/* heaps made to cost the walker: each call's work stays bounded */
	tc = heap_tcase(s, "hostile", 60);
	if (known) {
		tcase_add_test(tc, test_hostile_fastbin_loop);
		tcase_add_test(tc, test_hostile_fastbin_cap);
		tcase_add_test(tc, test_hostile_many_arenas);
		tcase_add_test(tc, test_hostile_arena_loops);
	}
	return s;
}
