/*
 * heap-child.c - a subject for the heap tests (check_heap.c): a process
 * that lays out its glibc malloc heap as told, reports what it did on
 * standard output, and then waits until standard input is closed.
 *
 * It is a program of its own, run with exec, so that its malloc is
 * glibc's even when the tests themselves run under valgrind (whose
 * malloc replaces glibc's in the processes it runs, and which does not
 * follow exec here) or AddressSanitizer (Makefile.am builds this without
 * it).
 *
 *   heap-child blocks          blocks of chosen sizes, some freed
 *   heap-child thread          blocks in the main arena and in a thread's
 *   heap-child bigarena        the same, the thread's in several mappings
 *   heap-child churn           threads that allocate and free forever
 *   heap-child corrupt HOW     blocks, then one chunk damaged (HOW: huge,
 *                              zero, odd, footer, fastbin)
 *   heap-child many N          N blocks of 16 bytes
 *   heap-child fastloop GIB    a fast-bin chunk whose list pointer leads
 *                              back to itself, behind a block of GIB GiB
 *                              taken from the brk and never touched
 *   heap-child fastmany N      N blocks of 24 bytes, all freed: all but
 *                              the 7 the tcache takes in one fast bin
 *   heap-child arenas N        N forged one-page arenas linked into the
 *                              ring of arenas after the main one
 *   heap-child ringloop N      the same, the last linking back to the
 *                              middle one instead of the main arena
 *   heap-child heaploop N      the same ring, the first forged arena's
 *                              top in a second heap whose link to the
 *                              previous heap leads back to itself
 *   heap-child unload LIB      dlopen the library LIB, start a heap walk
 *                              in a thread, dlclose LIB, let the thread
 *                              exit; no report, exit status 0 if all went
 *                              well (see mode_unload)
 *
 * The report is binary: a struct hc_report, then hc_report.count records.
 * Nothing is allocated after the report is made, so the heap the parent
 * walks is the one reported (except in churn).
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <tlhelp32.h>

#include "fixtures.h"
#include "heap-child.h"

static struct hc_record *recs;
static size_t nrecs, maxrecs, nblocks;
static uintptr_t arena;

static void __attribute__((noreturn))
die(int status)
{
	_exit(status);
}

static void
write_all(const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(STDOUT_FILENO, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die(3);
		p += n;
		len -= (size_t)n;
	}
}

/* The records live in a mapping of their own, not in the heap. */
static void
records(size_t n)
{
	void *p = mmap(NULL, n * sizeof(*recs), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die(2);
	recs = p;
	maxrecs = n;
}

static struct hc_record *
record(void *p, size_t request, unsigned int seed, unsigned int flags)
{
	struct hc_record *r;

	if (!p || nrecs == maxrecs)
		die(2);
	r = &recs[nrecs++];
	memset(r, 0, sizeof(*r));
	r->addr = (uint64_t)(uintptr_t)p;
	r->request = request;
	r->seed = seed;
	r->flags = flags;
	tlh_fx_pattern_fill(p, request, seed, 0);
	return r;
}

static struct hc_record *
alloc(size_t request, unsigned int flags)
{
	return record(malloc(request), request, (unsigned int)nrecs + 1,
		      flags);
}

static void
release(struct hc_record *r)
{
	free((void *)(uintptr_t)r->addr);
	r->flags |= HC_FREED;
}

/* Report and wait for standard input to close. */
static void
report_and_wait(void)
{
	struct hc_report h;
	char b;

	memset(&h, 0, sizeof(h));
	h.magic = HC_MAGIC;
	h.count = nrecs;
	h.blocks = nblocks;
	h.arena = arena;
	write_all(&h, sizeof(h));
	write_all(recs, nrecs * sizeof(*recs));
	while (read(STDIN_FILENO, &b, 1) > 0 || errno == EINTR)
		;
	_exit(0);
}

/*
 * Blocks of many sizes.  Every freed block sits between blocks in use, so
 * none merges with a neighbour or the top, and all are freed after the
 * last allocation: each stays in a per-thread cache, a fast bin or a bin,
 * at its own address.
 */
static void
mode_blocks(void)
{
	static const size_t sizes[] = {
		1, 8, 24, 25, 40, 100, 200, 500, 1000, 1032, 1033, 2000,
		5000, 40000,
	};
	struct hc_record *cached[3], *fast[12], *binned[2];
	void *p;
	size_t i;

	records(256);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		alloc(sizes[i], 0);
		alloc(sizes[i], 0);
	}
	for (i = 0; i < 3; i++) {
		cached[i] = alloc(100, 0);
		alloc(8, 0);
	}
	for (i = 0; i < 12; i++) {
		fast[i] = alloc(40, 0);
		alloc(8, 0);
	}
	for (i = 0; i < 2; i++) {
		binned[i] = alloc(2000, 0);
		alloc(8, 0);
	}
	/* blocks with their own mappings, one page-aligned */
	alloc(200000, HC_MMAPPED);
	alloc((size_t)1 << 20, HC_MMAPPED);
	if (posix_memalign(&p, 4096, 300000))
		die(2);
	record(p, 300000, (unsigned int)nrecs + 1, HC_MMAPPED);
	if (posix_memalign(&p, 64, 1000))
		die(2);
	record(p, 1000, (unsigned int)nrecs + 1, 0);
	alloc(8, 0);	/* keeps the last blocks away from the top */

	/* tcache: three 100-byte blocks */
	for (i = 0; i < 3; i++)
		release(cached[i]);
	/* 12 blocks of 40: 7 go to the tcache, 5 to a fast bin */
	for (i = 0; i < 12; i++)
		release(fast[i]);
	/* too large for the tcache: the unsorted bin, with a footer */
	for (i = 0; i < 2; i++)
		release(binned[i]);
	report_and_wait();
}

static pthread_barrier_t barrier;

static void *
thread_main(void *arg)
{
	struct hc_record *r[20];
	size_t i, n = arg ? 720 : 20;

	/* with @arg, 100 KiB blocks: more than one 64 MiB heap's worth */
	for (i = 0; i < n; i++) {
		if (arg)
			alloc(100000, HC_THREAD);
		else
			r[i] = alloc(64 + 32 * i, HC_THREAD);
	}
	for (i = 0; !arg && i < 20; i += 4)
		release(r[i]);	/* to this thread's tcache */
	pthread_barrier_wait(&barrier);
	for (;;)
		pause();
	return NULL;
}

/*
 * Blocks of the main thread, and of a second thread in an arena of its
 * own (glibc gives a new thread a new arena on its first malloc); with
 * @big, enough of them that the arena takes several mappings.
 */
static void
mode_thread(int big)
{
	struct hc_record *r[10];
	pthread_t t;
	size_t i;

	records(1024);
	for (i = 0; i < 10; i++)
		r[i] = alloc(48 + 16 * i, 0);
	release(r[3]);
	release(r[7]);
	if (pthread_barrier_init(&barrier, NULL, 2) ||
	    pthread_create(&t, NULL, thread_main, big ? &barrier : NULL))
		die(2);
	pthread_barrier_wait(&barrier);
	report_and_wait();
}

static void *
churn_main(void *arg)
{
	uint64_t x = (uintptr_t)arg | 1;
	void *slot[256];
	size_t i, n;

	memset(slot, 0, sizeof(slot));
	for (;;) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		i = x % 256;
		free(slot[i]);
		n = (x >> 8) % 64 == 0 ? 100000 + (x >> 20) % 300000 :
					  1 + (x >> 8) % 2000;
		slot[i] = malloc(n);
		if (slot[i])
			memset(slot[i], (int)x, n < 64 ? n : 64);
	}
	return NULL;
}

/* Two threads (two arenas) that allocate and free without end. */
static void
mode_churn(void)
{
	pthread_t t;

	records(1);
	if (pthread_create(&t, NULL, churn_main, (void *)(uintptr_t)7) ||
	    pthread_create(&t, NULL, churn_main, (void *)(uintptr_t)99))
		die(2);
	usleep(20000);
	report_and_wait();
}

/*
 * Blocks, then one chunk damaged as @how says.  The damaged block is the
 * record flagged HC_DAMAGED; the walk must stop there.
 */
static void
mode_corrupt(const char *how)
{
	struct hc_record *a, *b, *f[10];
	uint64_t *hdr;
	size_t i;

	records(64);
	for (i = 0; i < 4; i++)
		alloc(100, 0);
	if (!strcmp(how, "fastbin")) {
		/* fill the tcache, then one chunk to a fast bin, whose list
		 * pointer then points far outside the heap */
		for (i = 0; i < 8; i++) {
			f[i] = alloc(40, 0);
			alloc(8, 0);
		}
		for (i = 0; i < 8; i++)
			release(f[i]);
		f[7]->flags |= HC_DAMAGED;
		*(uint64_t *)(uintptr_t)f[7]->addr ^= (uint64_t)1 << 44;
		report_and_wait();
	}
	a = alloc(3000, 0);
	b = alloc(200, 0);
	alloc(100, 0);
	hdr = (uint64_t *)(uintptr_t)b->addr - 2;
	if (!strcmp(how, "huge")) {
		hdr[1] = ((uint64_t)1 << 40) | 1;
	} else if (!strcmp(how, "zero")) {
		hdr[1] = 0;
	} else if (!strcmp(how, "odd")) {
		hdr[1] += 8;		/* no longer a multiple of 16 */
	} else if (!strcmp(how, "footer")) {
		/* a free chunk whose size the next one does not repeat */
		release(a);
		hdr[0] += 16;
		b = a;
	} else {
		die(2);
	}
	b->flags |= HC_DAMAGED;
	report_and_wait();
}

static void
mode_many(size_t n)
{
	static void *volatile sink;
	size_t i;

	records(1);
	mallopt(M_MMAP_THRESHOLD, 1 << 30);	/* all in the brk heap */
	for (i = 0; i < n; i++) {
		sink = malloc(16);
		if (!sink)
			die(2);
	}
	nblocks = n;
	report_and_wait();
}

/*
 * A fast-bin list that loops, in a heap of @gib GiB: the tcache of 48-byte
 * chunks is filled, the eighth such chunk goes to a fast bin, and its list
 * pointer (safe-linked: stored at chunk + 16 as (chunk + 16) >> 12 ^ next)
 * is made to name the chunk itself.  A block of @gib GiB taken from the brk
 * after the small ones makes the heap that large; only its header is ever
 * written, so it costs address space, not memory.  Where the system will
 * not lend that much, half as much, down to 1 GiB; the report's blocks
 * say how many GiB.
 */
static void
mode_fastloop(size_t gib)
{
	struct hc_record *f[8];
	uint64_t *fd;
	uintptr_t c;
	size_t i;

	records(16);
	mallopt(M_MMAP_MAX, 0);		/* the large block from the brk too */
	for (i = 0; i < 8; i++) {
		f[i] = alloc(40, 0);
		alloc(8, 0);
	}
	while (!malloc(gib << 30))
		if ((gib /= 2) == 0)
			die(4);
	for (i = 0; i < 8; i++)
		release(f[i]);
	fd = (uint64_t *)(uintptr_t)f[7]->addr;
	c = (uintptr_t)fd - 16;
	*fd = ((uintptr_t)fd >> 12) ^ c;
	f[7]->flags |= HC_DAMAGED;
	nblocks = gib;
	report_and_wait();
}

/* A fast bin of @n - 7 chunks, the last allocation freed first. */
static void
mode_fastmany(size_t n)
{
	void **p;
	size_t i;

	records(1);
	p = mmap(NULL, n * sizeof(*p), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die(2);
	for (i = 0; i < n; i++)
		if (!(p[i] = malloc(24)))
			die(2);
	for (i = 0; i < n; i++)
		free(p[i]);
	nblocks = n;
	report_and_wait();
}

/*
 * glibc's struct malloc_state and struct heap_info on x86-64 (2.35 and
 * later), as far as forged arenas need them: byte offsets.
 */
#define MS_TOP		96u	/* mchunkptr top */
#define MS_BINS		112u	/* 127 pairs of list heads */
#define MS_NEXT		2160u	/* struct malloc_state *next */
#define MS_SYSMEM	2184u	/* system_mem, then max_system_mem */
#define MS_SIZE		2200u
#define HI_SIZE		48u	/* ar_ptr, prev, size, mprotect_size, pagesize */

static void
put64(unsigned char *base, size_t off, uint64_t v)
{
	memcpy(base + off, &v, sizeof(v));
}

/*
 * The main arena's address: a chunk too large for the tcache and the fast
 * bins, freed between two in use, goes to the unsorted bin, whose list
 * head sits at the arena's top field (the bins start 16 bytes after it);
 * the chunk's forward pointer names that head.
 */
static uintptr_t
main_arena(void)
{
	static void *volatile keep;
	static volatile uintptr_t at;
	void *a = malloc(2000);
	uint64_t fd;

	keep = malloc(16);
	if (!a || !keep)
		die(2);
	at = (uintptr_t)a;
	free(a);
	/* its first word, read after free on purpose */
	memcpy(&fd, (const void *)at, sizeof(fd));
	return (uintptr_t)fd - MS_TOP;
}

/*
 * A one-page arena at @page: a heap_info, the malloc_state after it with
 * every bin empty, a per-thread cache chunk whose 64 entries each claim a
 * chunk that does not exist, and the top chunk filling the rest.
 */
static uintptr_t
forge_arena(unsigned char *page, size_t pg)
{
	uintptr_t at = (uintptr_t)page, a = at + HI_SIZE, tc, top;
	unsigned char *m = page + HI_SIZE;
	size_t i;

	put64(page, 0, a);		/* ar_ptr */
	put64(page, 8, 0);		/* prev: the arena's first heap */
	put64(page, 16, pg);		/* size */
	put64(page, 24, pg);		/* mprotect_size */
	put64(page, 32, pg);		/* pagesize */
	for (i = 0; i < 127; i++) {
		put64(m, MS_BINS + 16 * i, a + MS_BINS + 16 * i - 16);
		put64(m, MS_BINS + 16 * i + 8, a + MS_BINS + 16 * i - 16);
	}
	tc = (a + MS_SIZE + 15) & ~(uintptr_t)15;
	top = tc + 0x290;
	put64(page, tc - at + 8, 0x290 | 1);
	for (i = 0; i < 64; i++) {
		memcpy(page + tc - at + 16 + 2 * i, &(uint16_t){ 1 }, 2);
		put64(page, tc - at + 16 + 128 + 8 * i, 0x10000);
	}
	put64(page, top - at + 8, (at + pg - top) | 1);
	put64(m, MS_TOP, top);
	put64(m, MS_SYSMEM, pg);
	put64(m, MS_SYSMEM + 8, pg);
	return a;
}

/*
 * @n forged arenas, each a read-write page between pages without access
 * (so that each is a mapping of its own), linked into the ring of arenas
 * after the main one.  @how: 'a' back to the main arena at the end, 'r'
 * the last back to the middle one (a ring that never returns), 'h' as 'a'
 * but the first forged arena's top lies in a second heap (a page after the
 * last arena's) whose prev names itself.
 */
static void
mode_arenas(size_t n, int how)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), i;
	uintptr_t main_at = main_arena(), *addr;
	unsigned char *base, *loop;

	records(1);
	addr = mmap(NULL, (n + 1) * sizeof(*addr), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	base = mmap(NULL, (2 * n + 3) * pg, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (n < 2 || addr == MAP_FAILED || base == MAP_FAILED)
		die(2);
	for (i = 0; i < n + 1; i++)
		if (mprotect(base + (2 * i + 1) * pg, pg,
			     PROT_READ | PROT_WRITE))
			die(2);
	for (i = 0; i < n; i++)
		addr[i] = forge_arena(base + (2 * i + 1) * pg, pg);
	for (i = 0; i < n; i++)
		put64((unsigned char *)addr[i], MS_NEXT,
		      i + 1 < n ? addr[i + 1] : how == 'r' ? addr[n / 2] :
		      main_at);
	if (how == 'h') {
		/* a heap_info naming the first arena, and its prev itself */
		loop = base + (2 * n + 1) * pg;
		put64(loop, 0, addr[0]);
		put64(loop, 8, (uintptr_t)loop);
		put64(loop, 16, pg);
		put64(loop, HI_SIZE + 8, (pg - HI_SIZE) | 1);
		put64((unsigned char *)addr[0], MS_TOP,
		      (uintptr_t)loop + HI_SIZE);
	}
	put64((unsigned char *)main_at, MS_NEXT, addr[0]);
	nblocks = n;
	arena = main_at;
	report_and_wait();
}

/* What the walking thread of mode_unload() shares with the main one. */
struct unload {
	BOOL (*first)(LPHEAPENTRY32, DWORD, ULONG_PTR);
	ULONG_PTR id;
	BOOL ok;
	pthread_barrier_t walking, unloaded;
};

static void *
unload_walker(void *arg)
{
	struct unload *u = arg;
	HEAPENTRY32 he;

	memset(&he, 0, sizeof(he));
	he.dwSize = sizeof(he);
	u->ok = u->first(&he, 0, u->id);	/* and the walk goes on */
	pthread_barrier_wait(&u->walking);
	pthread_barrier_wait(&u->unloaded);
	return NULL;	/* the thread's exit frees what it kept */
}

/* Is a file named like @lib's last component mapped in this process? */
static int
still_mapped(const char *lib)
{
	const char *base = strrchr(lib, '/') ? strrchr(lib, '/') + 1 : lib;
	char line[4096];
	int found = 0;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		found |= strstr(line, base) != NULL;
	fclose(f);
	return found;
}

/*
 * Load the library @lib with dlopen, walk this process's default heap from
 * a second thread, unload the library while that walk is in progress, and
 * only then let the thread exit.  Whatever the library left behind to run
 * at a thread's exit runs then, after its code is gone.  Exit status: 0
 * all went well; 3 the library could not be loaded or used (why, on
 * standard error); 4 the walk failed; 5 dlclose left the library mapped,
 * so this proves nothing.  A crash is the bug.
 */
static void
mode_unload(const char *lib)
{
	HANDLE (*snap)(DWORD, DWORD);
	BOOL (*list_first)(HANDLE, LPHEAPLIST32);
	BOOL (*close_handle)(HANDLE);
	struct unload u;
	HEAPLIST32 hl;
	pthread_t t;
	HANDLE h;
	void *dl;

	dl = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		fprintf(stderr, "heap-child: %s\n", dlerror());
		die(3);
	}
	*(void **)&snap = dlsym(dl, "CreateToolhelp32Snapshot");
	*(void **)&list_first = dlsym(dl, "Heap32ListFirst");
	*(void **)&close_handle = dlsym(dl, "CloseHandle");
	*(void **)&u.first = dlsym(dl, "Heap32First");
	if (!snap || !list_first || !close_handle || !u.first)
		die(3);
	h = snap(TH32CS_SNAPHEAPLIST, 0);
	memset(&hl, 0, sizeof(hl));
	hl.dwSize = sizeof(hl);
	if (h == INVALID_HANDLE_VALUE || !list_first(h, &hl))
		die(4);
	close_handle(h);
	u.id = hl.th32HeapID;
	if (pthread_barrier_init(&u.walking, NULL, 2) ||
	    pthread_barrier_init(&u.unloaded, NULL, 2) ||
	    pthread_create(&t, NULL, unload_walker, &u))
		die(2);
	pthread_barrier_wait(&u.walking);
	if (dlclose(dl))
		die(3);
	pthread_barrier_wait(&u.unloaded);
	pthread_join(t, NULL);
	if (!u.ok)
		die(4);
	if (still_mapped(lib))
		die(5);
	_exit(0);
}

int
main(int argc, char *argv[])
{
	if (argc >= 2 && !strcmp(argv[1], "blocks"))
		mode_blocks();
	else if (argc >= 2 && !strcmp(argv[1], "thread"))
		mode_thread(0);
	else if (argc >= 2 && !strcmp(argv[1], "bigarena"))
		mode_thread(1);
	else if (argc >= 2 && !strcmp(argv[1], "churn"))
		mode_churn();
	else if (argc >= 3 && !strcmp(argv[1], "corrupt"))
		mode_corrupt(argv[2]);
	else if (argc >= 3 && !strcmp(argv[1], "many"))
		mode_many(strtoul(argv[2], NULL, 10));
	else if (argc >= 3 && !strcmp(argv[1], "fastloop"))
		mode_fastloop(strtoul(argv[2], NULL, 10));
	else if (argc >= 3 && !strcmp(argv[1], "fastmany"))
		mode_fastmany(strtoul(argv[2], NULL, 10));
	else if (argc >= 3 && !strcmp(argv[1], "arenas"))
		mode_arenas(strtoul(argv[2], NULL, 10), 'a');
	else if (argc >= 3 && !strcmp(argv[1], "ringloop"))
		mode_arenas(strtoul(argv[2], NULL, 10), 'r');
	else if (argc >= 3 && !strcmp(argv[1], "heaploop"))
		mode_arenas(strtoul(argv[2], NULL, 10), 'h');
	else if (argc >= 3 && !strcmp(argv[1], "unload"))
		mode_unload(argv[2]);
	return 2;
}
