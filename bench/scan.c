/*
 * scan.c - the reads memory scanners and trainers really make, timed
 * against the raw process_vm_readv() of the same bytes and pread() on a
 * kept-open /proc/<pid>/mem, in one run (issue 13): every readable region
 * of a target scanned in 4 KiB, 64 KiB and whole-region chunks into a
 * malloc'd buffer (its address % 4096 = 16) and a page-aligned one; 8-byte
 * reads at random addresses; 16 KiB into a destination that crosses
 * pages; 1 MiB over 5 mappings; 64 KiB and 64 MiB in one mapping.  Then
 * the process snapshot (procs.c).
 *
 * The target has NREGIONS readable regions of 1 to 64 pages with a
 * PROT_NONE page between each two, all filled with the pattern of core.c.
 * Each workload is run once by each method with every byte it read checked
 * (a fast wrong answer fails the run), then timed: rounds in which the
 * methods take turns, in a rotating order; the figure is the median of
 * the rounds' ratios to the raw call.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <windows.h>
#include <tlhelp32.h>

#include "core.h"
#include "procs.h"

#define NREGIONS	2000
#define REGION_PAGES	64	/* a region has 1 to this many pages */
#define FIVE_PIECE	(256 * KiB)	/* the 5 mappings, each this long */
#define BIG_LEN		(66 * MiB)
#define NPOLL		100000
#define ROUNDS		101

enum { M_RAW, M_PREAD, M_TLH, NMETH };

static const char *const meth_name[NMETH] = { "raw", "pread", "tlh" };

struct region {
	uintptr_t addr;
	size_t size;
};

/* What the target made, sent to the benchmark through a pipe. */
struct layout {
	struct region r[NREGIONS];
	uintptr_t five;		/* 5 mappings of FIVE_PIECE bytes */
	uintptr_t big;		/* one mapping of BIG_LEN bytes */
};

static struct layout lay;
static pid_t tpid;
static int memfd;
static size_t pg;

/* --- the target ---------------------------------------------------------- */

static void
target_main(void *out, const void *arg, int wfd)
{
	size_t total = pg, i, off;
	unsigned char *base, *five;
	uint64_t seed = 12345;

	(void)out;		/* &lay, which this fills */
	(void)arg;
	(void)wfd;
	for (i = 0; i < NREGIONS; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		lay.r[i].size = (1 + (size_t)(seed >> 33) % REGION_PAGES) * pg;
		total += lay.r[i].size + pg;
	}
	base = mmap(NULL, total, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		_exit(1);
	for (i = 0, off = pg; i < NREGIONS; off += lay.r[i++].size + pg) {
		lay.r[i].addr = (uintptr_t)base + off;
		if (mprotect(base + off, lay.r[i].size,
			     PROT_READ | PROT_WRITE))
			_exit(1);
		core_fill(base + off, lay.r[i].size);
	}
	/* Five mappings the kernel cannot merge: every other read-only. */
	five = core_map(5 * FIVE_PIECE);
	core_fill(five, 5 * FIVE_PIECE);
	for (i = 1; i < 5; i += 2)
		if (mprotect(five + i * FIVE_PIECE, FIVE_PIECE, PROT_READ))
			_exit(1);
	lay.five = (uintptr_t)five;
	lay.big = (uintptr_t)core_map(BIG_LEN);
	core_fill((void *)lay.big, BIG_LEN);
}

static void
start_target(void)
{
	char path[40];

	if (core_start(&tpid, 0, target_main, NULL, &lay, sizeof(lay)))
		core_die("the target");
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)tpid);
	memfd = open(path, O_RDONLY | O_CLOEXEC);
	if (memfd < 0)
		core_die(path);
}

/* --- one read, each way -------------------------------------------------- */

static int
read_one(int m, uintptr_t src, void *dst, size_t n)
{
	struct iovec local = { dst, n }, remote = { (void *)src, n };
	SIZE_T count = 0;

	switch (m) {
	case M_RAW:
		return process_vm_readv(tpid, &local, 1, &remote, 1, 0) ==
		       (ssize_t)n ? 0 : -1;
	case M_PREAD:
		return pread(memfd, dst, n, (off_t)src) == (ssize_t)n ? 0 : -1;
	default:
		return Toolhelp32ReadProcessMemory((DWORD)tpid, (void *)src,
						   dst, n, &count) &&
		       count == n ? 0 : -1;
	}
}

/* Read, and if @check, check what came. */
static int
read_checked(int m, uintptr_t src, void *dst, size_t n, int check)
{
	if (read_one(m, src, dst, n))
		return -1;
	return check ? core_check(dst, src, n) : 0;
}

/* --- the workloads ------------------------------------------------------- */

/*
 * Round @r of ROUNDS of a workload, made by method @m; with @r < 0, all
 * of it, each read checked: 0 or -1.
 */
typedef int (*work_fn)(int m, int r, const void *arg);

/* The part [*from, *to) of @n items that round @r takes. */
static void
slice(size_t n, int r, size_t *from, size_t *to)
{
	*from = r < 0 ? 0 : n * (size_t)r / ROUNDS;
	*to = r < 0 ? n : n * (size_t)(r + 1) / ROUNDS;
}

struct scan {
	size_t chunk;		/* 0: each region in one read */
	unsigned char *buf;
};

static int
scan_all(int m, int r, const void *arg)
{
	const struct scan *s = arg;
	size_t i, to, off, len;

	for (slice(NREGIONS, r, &i, &to); i < to; i++) {
		for (off = 0; off < lay.r[i].size; off += len) {
			len = lay.r[i].size - off;
			if (s->chunk && len > s->chunk)
				len = s->chunk;
			if (read_checked(m, lay.r[i].addr + off, s->buf, len,
					 r < 0))
				return -1;
		}
	}
	return 0;
}

struct poll {
	const uintptr_t *at;
	size_t n;
};

static int
poll_all(int m, int r, const void *arg)
{
	const struct poll *p = arg;
	uint64_t v;
	size_t i, to;

	for (slice(p->n, r, &i, &to); i < to; i++)
		if (read_checked(m, p->at[i], &v, sizeof(v), r < 0))
			return -1;
	return 0;
}

struct repeat {
	uintptr_t src;
	size_t n;
	unsigned char *dst;
	int times;
};

static int
repeat_one(int m, int r, const void *arg)
{
	const struct repeat *rp = arg;
	int i;

	for (i = 0; i < (r < 0 ? 1 : rp->times); i++)
		if (read_checked(m, rp->src, rp->dst, rp->n, r < 0))
			return -1;
	return 0;
}

/*
 * Check each method's whole workload once, then time it in ROUNDS short
 * rounds, each a slice of it made by each method in turn, in a rotating
 * order: the median of the rounds' ratios is what a busy machine's drift
 * moves least.
 */
static void
measure(const char *name, double bar, work_fn fn, const void *arg)
{
	double tlh[ROUNDS], prd[ROUNDS], t[NMETH];
	uint64_t t0;
	char what[160];
	const char *only = getenv("BENCH_ONLY");
	int r, i, m;

	/* BENCH_ONLY=text: only the workloads whose name holds it */
	if (only && !strstr(name, only))
		return;
	for (m = 0; m < NMETH; m++) {
		if (fn(m, -1, arg)) {
			snprintf(what, sizeof(what), "%s by %s", name,
				 meth_name[m]);
			core_fail_check(what);
		}
	}
	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < NMETH; i++) {
			m = (r + i) % NMETH;
			t0 = core_now_ns();
			fn(m, r, arg);
			t[m] = (double)(core_now_ns() - t0);
		}
		tlh[r] = t[M_TLH] / t[M_RAW];
		prd[r] = t[M_PREAD] / t[M_RAW];
	}
	core_row(name, core_median(tlh, ROUNDS), core_median(prd, ROUNDS),
		 bar);
}

static unsigned char *
buffer(size_t n, size_t off)
{
	unsigned char *p = aligned_alloc(4096, n + 4096);

	if (!p)
		core_die("aligned_alloc");
	memset(p, 0xa5, n + 4096);
	return p + off;
}

static void
run_reads(void)
{
	static const struct { size_t chunk; const char *name; double bar[2]; }
	scans[] = {
		{ 4 * KiB, "scan, 4 KiB chunks", { 1.60, 1.05 } },
		{ 64 * KiB, "scan, 64 KiB chunks", { 1.25, 0 } },
		{ 0, "scan, whole regions", { 1.08, 1.08 } },
	};
	static const char *const bufname[2] = { "malloc'd", "page-aligned" };
	unsigned char *bufs[2], *big;
	uintptr_t *at;
	struct scan s;
	struct poll p;
	struct repeat rp;
	uint64_t seed = 99;
	size_t i, k, total = 0;
	char name[120];
	int b;

	for (i = 0; i < NREGIONS; i++)
		total += lay.r[i].size;
	printf("target: %d regions, %zu MiB, PROT_NONE between them\n",
	       NREGIONS, total / MiB);
	printf("%-52s %7s %8s   %s\n", "workload", "tlh/raw", "pread/raw",
	       "bar");

	bufs[0] = buffer(REGION_PAGES * pg + 16 * KiB, 16);
	bufs[1] = buffer(REGION_PAGES * pg + 16 * KiB, 0);
	for (k = 0; k < sizeof(scans) / sizeof(scans[0]); k++) {
		for (b = 0; b < 2; b++) {
			s.chunk = scans[k].chunk;
			s.buf = bufs[b];
			snprintf(name, sizeof(name), "%s, %s buffer",
				 scans[k].name, bufname[b]);
			measure(name, scans[k].bar[b], scan_all, &s);
		}
	}

	at = malloc(NPOLL * sizeof(*at));
	if (!at)
		core_die("malloc");
	for (i = 0; i < NPOLL; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		k = (size_t)(seed >> 33) % NREGIONS;
		at[i] = lay.r[k].addr +
			((size_t)(seed >> 13) % (lay.r[k].size / 8)) * 8;
	}
	p.at = at;
	p.n = NPOLL;
	snprintf(name, sizeof(name), "%d reads of 8 B at random addresses",
		 NPOLL);
	measure(name, 1.02, poll_all, &p);
	free(at);

	rp.src = lay.big + MiB;
	rp.n = 16 * KiB;
	rp.dst = bufs[1] + 16;
	rp.times = 20;
	measure("16 KiB, destination crossing pages (5 pages)", 1.90,
		repeat_one, &rp);

	rp.src = lay.five + FIVE_PIECE / 2;
	rp.n = MiB;
	rp.dst = big = buffer(64 * MiB, 0);
	rp.times = 2;
	measure("1 MiB spanning 5 mappings", 1.12, repeat_one, &rp);

	rp.src = lay.big + MiB;
	rp.n = 64 * KiB;
	rp.times = 10;
	measure("64 KiB in one mapping", 1.45, repeat_one, &rp);

	rp.n = 64 * MiB;
	rp.times = 1;
	measure("64 MiB in one mapping", 1.03, repeat_one, &rp);
}

int
main(void)
{
	pg = (size_t)sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	core_init();
	start_target();
	run_reads();
	core_kill_children();
	if (!getenv("BENCH_ONLY") ||
	    strstr("process snapshot", getenv("BENCH_ONLY")))
		procs_run();
	return core_finish();
}
