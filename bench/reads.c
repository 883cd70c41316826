/*
 * reads.c - bench/bench's read section.
 *
 * Toolhelp32ReadProcessMemory() is timed against the system call it is
 * built on, process_vm_readv(), and against the two other ways to read
 * another process: pread() on a kept-open /proc/<pid>/mem, and open +
 * pread + close.  The targets are children with 64, 10,000 and 60,000
 * separate mappings and a region, itself several mappings of different
 * protections, filled with a known pattern.  Every byte read is checked
 * against the pattern: a fast wrong answer fails the run.  The methods
 * are interleaved batch by batch, in a rotating order; each is summed up
 * by the median and the minimum of its batches, and the library against
 * the raw call by the median of the per-round ratios, which the drift of
 * a noisy machine between rounds does not move.  Reads that must be
 * refused, because the range ends in a PROT_NONE page, are timed too, and
 * the destination is checked untouched.
 *
 * The library chooses once per process between PROCMAP_QUERY and the text
 * of /proc/<pid>/maps, so the text path is measured in a re-executed copy
 * of this program started with TLHELP32_FORCE_MAPS_TEXT=1.  Which path a
 * process really took is read from its own /proc/self/io: the text path
 * read()s the maps, the ioctl path never calls read().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <windows.h>
#include <tlhelp32.h>

#include "linux/procmap_query.h"
#include "bench.h"
#include "core.h"
#include "../tests/selfio.h"

#define DATA_LEN	(66 * MiB)	/* the pattern in each target */
#define NPIECES		12		/* mappings the pattern is made of */
#define NTARGETS	3
#define MAPS_SLACK	2000		/* max_map_count beyond the largest */
#define SLOTS		64		/* destinations of a small batch */
#define MID_SLOTS	4		/* destinations of a 1 MiB batch */
#define ROUNDS_MAX	128
#define TEXT_FD		3		/* the text child's list of targets */

static const int target_maps[NTARGETS] = { 64, 10000, 60000 };

/* A target as the parent made it; passed as is to the text child. */
struct target {
	pid_t pid;
	int want;		/* mappings asked for */
	int nmaps;		/* mappings it has */
	uintptr_t data;		/* the pattern, DATA_LEN bytes */
	uintptr_t none;		/* the PROT_NONE page right after it */
};

/* What a measuring process reads into, and the pattern to check with. */
struct bufs {
	unsigned char *pat;
	unsigned char *small;	/* SLOTS destinations of two pages */
	unsigned char *mid;	/* MID_SLOTS destinations of 1 MiB + a page */
	unsigned char *big;	/* 64 MiB */
};

struct reader {
	const struct target *t;
	int memfd;		/* /proc/<pid>/mem, kept open */
	char mempath[40];
	HANDLE proc;		/* OpenProcess(PROCESS_VM_READ), kept open */
};

enum { M_RAW, M_PREAD, M_OPEN, M_TLH, M_RPM, NMETH };

static const char *const meth_name[NMETH] = {
	"raw", "pread", "open+pread", "tlh", "rpm"
};

/* Where a small read's source and destination lie. */
enum { L_ALIGNED, L_DST_XPAGE, L_SRC_XPAGE };

/* A read to time: batch and rounds for the query run [0], text run [1]. */
struct rcase {
	size_t size;
	int layout;
	size_t src_off;		/* source, from the start of the pattern */
	int batch[2];
	int rounds[2];
	double target;		/* tlh/raw at most */
};

#define SMALL_SRC	(256 * 1024 + 3 * 4096)	/* in the second mapping */

static const struct rcase rcases[] = {
	{ 8, L_ALIGNED, SMALL_SRC + 40, { 64, 32 }, { 101, 15 }, 1.15 },
	{ 8, L_DST_XPAGE, SMALL_SRC + 40, { 64, 32 }, { 101, 15 }, 1.15 },
	{ 4096, L_ALIGNED, SMALL_SRC, { 64, 32 }, { 101, 15 }, 1.15 },
	{ 4096, L_DST_XPAGE, SMALL_SRC, { 64, 32 }, { 101, 15 }, 1.15 },
	{ 4096, L_SRC_XPAGE, SMALL_SRC + 1000, { 64, 32 }, { 101, 15 }, 1.15 },
	{ 1 << 20, L_ALIGNED, 128 * 1024, { 4, 1 }, { 31, 5 }, 1.05 },
	{ 64 << 20, L_ALIGNED, 1 << 20, { 1, 1 }, { 15, 3 }, 1.03 },
};

/* A read to refuse: its range ends in the PROT_NONE page. */
struct fcase {
	size_t size;
	int batch[2];
	int rounds[2];
};

static const struct fcase fcases[] = {
	{ 8, { 32, 16 }, { 31, 9 } },
	{ 4096, { 32, 16 }, { 31, 9 } },
	{ 1 << 20, { 8, 1 }, { 21, 3 } },
	{ 64 << 20, { 8, 1 }, { 21, 3 } },
};

#define REFUSE_TARGET_US	5.0

static size_t pg;
static char mmc_restore[24];	/* vm.max_map_count to write back */

/* --- the machine -------------------------------------------------------- */

static int
procmap_query_works(void)
{
	struct procmap_query q;
	int fd, ok;

	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	q.query_flags = PROCMAP_QUERY_COVERING_OR_NEXT_VMA;
	q.query_addr = (uintptr_t)&q;
	ok = ioctl(fd, PROCMAP_QUERY, &q) == 0 &&
	     q.vma_start <= (uintptr_t)&q && q.vma_end > (uintptr_t)&q;
	close(fd);
	return ok;
}

/* As the library reads it. */
static int
forced_text(void)
{
	const char *force = getenv("TLHELP32_FORCE_MAPS_TEXT");

	return force && *force && strcmp(force, "0");
}

static void
restore_sysctl(void)
{
	int fd;

	if (!mmc_restore[0])
		return;
	fd = open("/proc/sys/vm/max_map_count", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, mmc_restore, strlen(mmc_restore)) < 0)
			mmc_restore[0] = '\0';
		close(fd);
	}
	mmc_restore[0] = '\0';
}

/* Raise vm.max_map_count if the largest target needs it; put it back at
 * exit. */
void
reads_prepare(void)
{
	long need = target_maps[NTARGETS - 1] + MAPS_SLACK, have = 0;
	char buf[32];
	ssize_t len;
	int fd;

	fd = open("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len > 0) {
			buf[len] = '\0';
			have = strtol(buf, NULL, 10);
		}
	}
	if (have >= need) {
		printf("vm.max_map_count: %ld (enough for %ld; unchanged)\n",
		       have, need);
		return;
	}
	fd = open("/proc/sys/vm/max_map_count", O_WRONLY | O_CLOEXEC);
	len = snprintf(buf, sizeof(buf), "%ld\n", need);
	if (fd < 0 || write(fd, buf, (size_t)len) != len) {
		printf("vm.max_map_count: %ld, cannot raise it to %ld (%s): "
		       "the largest target may fall short\n", have, need,
		       strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	core_on_cleanup(restore_sysctl);
	snprintf(mmc_restore, sizeof(mmc_restore), "%ld\n", have);
	printf("vm.max_map_count: RAISED from %ld to %ld (restored at exit)\n",
	       have, need);
}

/* --- the pattern and the targets ---------------------------------------- */

static uint64_t
mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static unsigned char *
make_pattern(void)
{
	unsigned char *p = core_map(DATA_LEN);
	uint64_t w;
	size_t i;

	for (i = 0; i < DATA_LEN / 8; i++) {
		w = mix64(i ^ 0x746c683332626e63ull);
		memcpy(p + 8 * i, &w, 8);
	}
	return p;
}

/*
 * The pattern's mappings: eight of 256 KiB, then four of 16 MiB; the even
 * ones read-only, the odd ones read-write, so that none can merge.
 */
static size_t
piece_start(int i)
{
	if (i <= 8)
		return (size_t)i * 256 * KiB;
	return 2 * MiB + (size_t)(i - 8) * 16 * MiB;
}

/* How many of the pattern's mappings [off, off + n) touches. */
static int
spans(size_t off, size_t n)
{
	int i, k = 0;

	for (i = 0; i < NPIECES; i++)
		k += off < piece_start(i + 1) && off + n > piece_start(i);
	return k;
}

/*
 * A target: in one reserved range, the many single pages that bring the
 * process to @want mappings (read-only and read-write by turns), a
 * PROT_NONE guard page, the pattern in NPIECES mappings, and a PROT_NONE
 * page.  The pattern lies above the many pages, so a walk of the maps
 * text reads them all before it: the text path's worst case.
 */
static void
target_main(void *out, const void *pat, int wfd)
{
	struct target *t = out;
	char *r, *data;
	size_t len;
	long k, i;

	(void)wfd;
	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY);
	k = t->want - core_count_maps(getpid()) - NPIECES - 2;
	if (k < 2)
		k = 2;
	len = ((size_t)k + 1) * pg + DATA_LEN + pg;
	r = mmap(NULL, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED || mprotect(r, (size_t)k * pg, PROT_READ))
		_exit(3);
	for (i = 1; i < k; i += 2)
		if (mprotect(r + i * pg, pg, PROT_READ | PROT_WRITE))
			_exit(3);
	data = r + (k + 1) * pg;
	if (mprotect(data, DATA_LEN, PROT_READ | PROT_WRITE))
		_exit(3);
	memcpy(data, pat, DATA_LEN);
	for (i = 0; i < NPIECES; i += 2)
		if (mprotect(data + piece_start((int)i),
			     piece_start((int)i + 1) - piece_start((int)i),
			     PROT_READ))
			_exit(3);
	t->pid = getpid();
	t->nmaps = core_count_maps(t->pid);
	t->data = (uintptr_t)data;
	t->none = (uintptr_t)data + DATA_LEN;
}

static void
start_target(struct target *t, int want, const unsigned char *pat)
{
	pid_t pid;

	memset(t, 0, sizeof(*t));
	t->want = want;
	if (core_start(&pid, 0, target_main, pat, t, sizeof(*t))) {
		errno = ENOMEM;
		core_die("a target could not make its mappings");
	}
}

/* --- reads -------------------------------------------------------------- */

static int
pread_all(int fd, void *buf, size_t n, uintptr_t off)
{
	size_t done = 0;
	ssize_t got;

	while (done < n) {
		got = pread(fd, (char *)buf + done, n - done,
			    (off_t)(off + done));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return 1;
		done += (size_t)got;
	}
	return 0;
}

/* @batch reads of [src, src + n) into dst[0..batch), by method @m; the
 * number that failed. */
static int
read_batch(const struct reader *r, int m, uintptr_t src,
	   unsigned char *const *dst, int batch, size_t n)
{
	struct iovec lv, rv;
	int i, bad = 0, fd;
	SIZE_T got;

	switch (m) {
	case M_RAW:
		for (i = 0; i < batch; i++) {
			lv.iov_base = dst[i];
			lv.iov_len = n;
			rv.iov_base = (void *)src;
			rv.iov_len = n;
			bad += process_vm_readv(r->t->pid, &lv, 1, &rv, 1, 0) !=
			       (ssize_t)n;
		}
		break;
	case M_PREAD:
		for (i = 0; i < batch; i++)
			bad += pread_all(r->memfd, dst[i], n, src);
		break;
	case M_OPEN:
		for (i = 0; i < batch; i++) {
			fd = open(r->mempath, O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				bad++;
				continue;
			}
			bad += pread_all(fd, dst[i], n, src);
			close(fd);
		}
		break;
	case M_RPM:
		for (i = 0; i < batch; i++) {
			got = 0;
			bad += !ReadProcessMemory(r->proc, (LPCVOID)src,
						  dst[i], n, &got) || got != n;
		}
		break;
	default:
		for (i = 0; i < batch; i++) {
			got = 0;
			bad += !Toolhelp32ReadProcessMemory(
				(DWORD)r->t->pid, (LPCVOID)src, dst[i], n,
				&got) || got != n;
		}
		break;
	}
	return bad;
}

/* Every byte different from what the read must bring. */
static void
poison(unsigned char *dst, const unsigned char *want, size_t n)
{
	uint64_t w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, want + i, 8);
		w = ~w;
		memcpy(dst + i, &w, 8);
	}
	for (; i < n; i++)
		dst[i] = (unsigned char)~want[i];
}

static unsigned char *
slot(const struct bufs *b, size_t n, int cross, int i)
{
	if (n <= 4096)
		return b->small + (size_t)i * 2 * pg +
		       (cross ? pg - n / 2 : 0);
	if (n <= MiB)
		return b->mid + (size_t)i * (MiB + pg);
	return b->big;
}

/*
 * Time one read case on one target: every method in every round, in an
 * order that rotates, each batch checked byte for byte.  Fills @out
 * (microseconds per call); non-zero if a read failed or a check did.
 */
static int
time_reads(const struct reader *r, const struct bufs *b, size_t n, int cross,
	   size_t off, int batch, int rounds, struct core_summ out[NMETH],
	   double *paired, double *paired_rpm)
{
	static double v[NMETH][ROUNDS_MAX], pr[ROUNDS_MAX], pq[ROUNDS_MAX];
	unsigned char *dst[SLOTS];
	const unsigned char *want = b->pat + off;
	uintptr_t src = r->t->data + off;
	char what[160], sz[32];
	int round, j, m, i, bad;
	uint64_t t0, t1;

	for (i = 0; i < batch; i++)
		dst[i] = slot(b, n, cross, i);
	for (round = -1; round < rounds; round++) {	/* -1: warm-up */
		for (j = 0; j < NMETH; j++) {
			m = (round + 1 + j) % NMETH;
			for (i = 0; i < batch; i++)
				poison(dst[i], want, n);
			t0 = core_now_ns();
			bad = read_batch(r, m, src, dst, batch, n);
			t1 = core_now_ns();
			for (i = 0; i < batch && !bad; i++)
				bad = memcmp(dst[i], want, n) != 0;
			if (bad) {
				snprintf(what, sizeof(what),
					 "%s read of %s at maps=%d failed or "
					 "brought wrong bytes", meth_name[m],
					 core_size_name(sz, sizeof(sz), n),
					 r->t->want);
				core_fail_check(what);
				return -1;
			}
			if (round >= 0)
				v[m][round] = (double)(t1 - t0) / batch / 1e3;
		}
	}
	for (round = 0; round < rounds; round++) {
		pr[round] = v[M_TLH][round] / v[M_RAW][round];
		pq[round] = v[M_RPM][round] / v[M_TLH][round];
	}
	*paired = core_summarize(pr, rounds).med;
	*paired_rpm = core_summarize(pq, rounds).med;
	for (m = 0; m < NMETH; m++)
		out[m] = core_summarize(v[m], rounds);
	return 0;
}

static void
read_table_head(const char *path)
{
	printf("\n== reads, path=%s: microseconds per call, median/min "
	       "of the batches ==\n", path);
	printf("layout: aligned = source in one page, destination from a "
	       "page start;\n  dst-xpage = destination crosses a page "
	       "boundary; src-xpage = source does;\n  Nmaps = source spans "
	       "N mappings.  route: the library's path: one-pass (source and\n"
	       "  destination each within one page), two-pass (other reads <= 16 KiB)\n"
	       "  or validate (larger).\n"
	       "tlh/raw: median of the per-round ratios (every round runs "
	       "each method once,\n  back to back); in brackets the ratio "
	       "of the medians.\n"
	       "rpm: ReadProcessMemory through a handle kept open (the same "
	       "engine, plus the\n  handle's checks); rpm/tlh: median of "
	       "the per-round ratios.\n");
	printf("%-6s %-6s %-7s %-9s %-9s %-15s %-15s %-15s %-15s %-13s "
	       "%-15s %-8s %-6s %s\n", "maps", "actual", "size", "layout",
	       "route", "raw", "pread(mem)", "open+pread", "tlh",
	       "tlh/raw(med)", "rpm", "rpm/tlh", "target", "status");
}

/* Which of the library's read paths a case takes (lib/linux/readmem.c). */
static const char *
route(const struct rcase *c)
{
	if (c->size > 16384)
		return "validate";
	return c->layout == L_ALIGNED ? "one-pass" : "two-pass";
}

static void
run_read_case(const struct reader *r, const struct bufs *b,
	      const struct rcase *c, int text, const char *path)
{
	struct core_summ s[NMETH];
	char col[NMETH][32], sz[32], line[256], rat[24], tgt[16], layout[16];
	double ratio, rmin, paired, paired_rpm;
	const char *status;
	int m, met;

	if (time_reads(r, b, c->size, c->layout == L_DST_XPAGE, c->src_off,
		       c->batch[text], c->rounds[text], s, &paired,
		       &paired_rpm))
		return;
	for (m = 0; m < NMETH; m++)
		core_fmt_summ(col[m], sizeof(col[m]), s[m]);
	ratio = s[M_TLH].med / s[M_RAW].med;
	rmin = s[M_TLH].min / s[M_RAW].min;
	met = paired <= c->target;
	if (c->size > 16384)
		snprintf(layout, sizeof(layout), "%dmaps",
			 spans(c->src_off, c->size));
	else
		snprintf(layout, sizeof(layout), "%s",
			 c->layout == L_DST_XPAGE ? "dst-xpage" :
			 c->layout == L_SRC_XPAGE ? "src-xpage" : "aligned");
	if (text) {
		status = "report";
		snprintf(tgt, sizeof(tgt), "-");
	} else {
		status = met ? "met" : "MISSED";
		snprintf(tgt, sizeof(tgt), "%.2f", c->target);
	}
	snprintf(rat, sizeof(rat), "%.3f(%.3f)", paired, ratio);
	printf("%-6d %-6d %-7s %-9s %-9s %-15s %-15s %-15s %-15s %-13s %-15s "
	       "%-8.3f %-6s %s\n", r->t->want, r->t->nmaps,
	       core_size_name(sz, sizeof(sz), c->size), layout,
	       route(c), col[M_RAW],
	       col[M_PREAD], col[M_OPEN], col[M_TLH], rat, col[M_RPM],
	       paired_rpm, tgt, status);
	snprintf(line, sizeof(line),
		 "RATIO read size=%zu maps=%d dest=%s src=%s path=%s route=%s "
		 "tlh/raw=%.3f medians=%.3f mins=%.3f pread/raw=%.3f "
		 "openpread/raw=%.3f rpm/tlh=%.3f target=%s status=%s",
		 c->size, r->t->want,
		 c->layout == L_DST_XPAGE ? "crosspage" : "aligned",
		 c->size > 16384 ? layout :
		 c->layout == L_SRC_XPAGE ? "crosspage" : "onepage", path,
		 route(c), paired, ratio, rmin,
		 s[M_PREAD].med / s[M_RAW].med, s[M_OPEN].med / s[M_RAW].med,
		 paired_rpm, tgt, text ? "report" : met ? "met" : "missed");
	printf("%s\n", line);
	if (!text)
		core_note(met, line);
}

/*
 * Time the refusal of a read whose range ends in the PROT_NONE page after
 * the pattern: each call must fail with ERROR_PARTIAL_COPY, count 0, and
 * leave the destination as it was.  For scale, up to 4 KiB: raw is
 * process_vm_readv() of the same range, which stops short at that page.
 */
static void
run_refusal(const struct reader *r, const struct bufs *b,
	    const struct fcase *c, int text, const char *path)
{
	static double v[2][ROUNDS_MAX];
	int batch = c->batch[text], rounds = c->rounds[text];
	size_t n = c->size, half = n / 2 < pg / 2 ? n / 2 : pg / 2;
	int nm = n <= 4096 ? 2 : 1, round, j, k, i, bad = 0, met;
	uintptr_t src = r->t->none + half - n;
	unsigned char *dst = slot(b, n, 0, 0);
	char sz[32], what[160], line[256], col[2][32];
	struct iovec lv, rv;
	struct core_summ s[2];
	uint64_t t0, t1;
	SIZE_T got;
	size_t x;

	memset(dst, 0xa5, n);
	lv.iov_base = slot(b, 4096, 0, SLOTS - 1);	/* raw's scratch */
	lv.iov_len = n;
	rv.iov_base = (void *)src;
	rv.iov_len = n;
	for (round = -1; round < rounds; round++) {	/* -1: warm-up */
		for (j = 0; j < nm; j++) {
			k = (round + 1 + j) % nm;
			t0 = core_now_ns();
			for (i = 0; i < batch && k == 0; i++) {
				got = 7;
				SetLastError(0);
				bad += Toolhelp32ReadProcessMemory(
					(DWORD)r->t->pid, (LPCVOID)src, dst,
					n, &got) || got != 0 ||
				       GetLastError() != ERROR_PARTIAL_COPY;
			}
			for (i = 0; i < batch && k == 1; i++)
				process_vm_readv(r->t->pid, &lv, 1, &rv, 1, 0);
			t1 = core_now_ns();
			if (round >= 0)
				v[k][round] = (double)(t1 - t0) / batch / 1e3;
		}
	}
	for (x = 0; x < n && !bad; x++)
		bad = dst[x] != 0xa5;
	if (bad) {
		snprintf(what, sizeof(what),
			 "refusal of %s at maps=%d: not refused as "
			 "ERROR_PARTIAL_COPY, or the destination was written",
			 core_size_name(sz, sizeof(sz), n), r->t->want);
		core_fail_check(what);
		return;
	}
	s[0] = core_summarize(v[0], rounds);
	if (nm > 1)
		s[1] = core_summarize(v[1], rounds);
	met = s[0].med <= REFUSE_TARGET_US;
	printf("%-6d %-6d %-7s %-15s %-15s %-6s %s\n", r->t->want,
	       r->t->nmaps, core_size_name(sz, sizeof(sz), n),
	       core_fmt_summ(col[0], sizeof(col[0]), s[0]),
	       nm > 1 ? core_fmt_summ(col[1], sizeof(col[1]), s[1]) : "-",
	       text ? "-" : "5.00",
	       text ? "report" : met ? "met" : "MISSED");
	snprintf(line, sizeof(line),
		 "RESULT refusal size=%zu maps=%d path=%s us=%.2f min=%.2f "
		 "target=%s status=%s", n, r->t->want, path, s[0].med,
		 s[0].min, text ? "-" : "5", text ? "report" :
		 met ? "met" : "missed");
	printf("%s\n", line);
	if (!text)
		core_note(met, line);
}

/*
 * Which path the library took, from this process's own read() count: a
 * 1 MiB read (validated through the maps) of the largest target, with the
 * cost of reading /proc/self/io itself taken off.  "" if unknown.
 */
static const char *
observed_path(const struct reader *r, const struct bufs *b,
	      unsigned long long *reads, unsigned long long *bytes)
{
	unsigned long long c[4] = { 0 };	/* bytes read, at each count */
	long long n[4];			/* read() calls, before and after */
	SIZE_T got;
	int ok;

	n[0] = selfio_reads(&c[0]);
	n[1] = selfio_reads(&c[1]);
	n[2] = selfio_reads(&c[2]);
	if (n[0] < 0 || n[1] < 0 || n[2] < 0)
		return "";
	ok = Toolhelp32ReadProcessMemory((DWORD)r->t->pid,
					 (LPCVOID)(r->t->data + 128 * KiB),
					 b->mid, MiB, &got);
	n[3] = selfio_reads(&c[3]);
	if (n[3] < 0)
		return "";
	if (!ok || memcmp(b->mid, b->pat + 128 * KiB, MiB)) {
		core_fail_check("1 MiB read while checking the path");
		return "";
	}
	*reads = (unsigned long long)((n[3] - n[2]) - (n[1] - n[0]));
	*bytes = (c[3] - c[2]) - (c[1] - c[0]);
	return *reads ? "maps_text" : "procmap_query";
}

static void
alloc_bufs(struct bufs *b)
{
	b->small = core_map(SLOTS * 2 * pg);
	b->mid = core_map(MID_SLOTS * (MiB + pg));
	b->big = core_map(64 * MiB);
	memset(b->small, 0, SLOTS * 2 * pg);
	memset(b->mid, 0, MID_SLOTS * (MiB + pg));
	memset(b->big, 0, 64 * MiB);
}

/* All the reads and refusals of this process's path, on every target. */
static void
run_reads(const struct target *ts, int nt, const struct bufs *b, int text,
	  const char *path)
{
	struct reader rd[NTARGETS];
	unsigned long long reads = 0, bytes = 0;
	const char *seen;
	size_t c;
	int i;

	for (i = 0; i < nt; i++) {
		rd[i].t = &ts[i];
		snprintf(rd[i].mempath, sizeof(rd[i].mempath), "/proc/%d/mem",
			 (int)ts[i].pid);
		rd[i].memfd = open(rd[i].mempath, O_RDONLY | O_CLOEXEC);
		if (rd[i].memfd < 0)
			core_die(rd[i].mempath);
		rd[i].proc = OpenProcess(PROCESS_VM_READ, FALSE,
					 (DWORD)rd[i].t->pid);
		if (!rd[i].proc)
			core_die("OpenProcess");
	}
	seen = observed_path(&rd[nt - 1], b, &reads, &bytes);
	if (!*seen)
		printf("path check: /proc/self/io unreadable, path not "
		       "verified\n");
	else
		printf("path check: a 1 MiB read at maps=%d made %llu read() "
		       "calls (%llu bytes): path=%s%s\n", ts[nt - 1].want,
		       reads, bytes, seen, strcmp(seen, path) ?
		       "  <-- NOT THE PATH EXPECTED" : "");
	printf("INFO path expected=%s observed=%s maps_reads=%llu "
	       "maps_bytes=%llu\n", path, *seen ? seen : "unknown", reads,
	       bytes);

	read_table_head(path);
	for (i = 0; i < nt; i++)
		for (c = 0; c < sizeof(rcases) / sizeof(rcases[0]); c++)
			run_read_case(&rd[i], b, &rcases[c], text, path);

	printf("\n== refusals, path=%s: range ends in a PROT_NONE page; "
	       "microseconds per call, median/min ==\n", path);
	printf("%-6s %-6s %-7s %-15s %-15s %-6s %s\n", "maps", "actual",
	       "size", "tlh", "raw(partial)", "target", "status");
	for (i = 0; i < nt; i++)
		for (c = 0; c < sizeof(fcases) / sizeof(fcases[0]); c++)
			run_refusal(&rd[i], b, &fcases[c], text, path);
	for (i = 0; i < nt; i++) {
		close(rd[i].memfd);
		CloseHandle(rd[i].proc);
	}
}

/* --- the text path, in a re-executed copy ------------------------------- */

int
reads_text_child(void)
{
	struct target ts[NTARGETS];
	struct bufs b;
	ssize_t len;
	int nt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	pg = (size_t)sysconf(_SC_PAGESIZE);
	len = core_read_full(TEXT_FD, ts, sizeof(ts));
	close(TEXT_FD);
	if (len <= 0 || len % (ssize_t)sizeof(ts[0])) {
		fprintf(stderr, "bench: text child: no targets\n");
		return 2;
	}
	nt = (int)(len / (ssize_t)sizeof(ts[0]));
	printf("\n#### maps_text fallback: re-executed child (pid %d) with "
	       "TLHELP32_FORCE_MAPS_TEXT=1; fewer rounds ####\n",
	       (int)getpid());
	b.pat = make_pattern();
	alloc_bufs(&b);
	run_reads(ts, nt, &b, 1, "maps_text");
	return core_checks_failed() ? 1 : 0;
}

static void
run_text_child(const struct target *ts, int nt)
{
	char what[80];
	int fds[2], st;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		core_die("pipe");
	if (core_write_full(fds[1], ts, (size_t)nt * sizeof(*ts)))
		core_die("pipe");
	close(fds[1]);
	pid = core_fork();
	if (pid == 0) {
		/* dup2() onto itself would keep FD_CLOEXEC */
		if (fds[0] == TEXT_FD ? fcntl(TEXT_FD, F_SETFD, 0) < 0 :
		    dup2(fds[0], TEXT_FD) < 0)
			_exit(2);
		setenv("TLHELP32_FORCE_MAPS_TEXT", "1", 1);
		execl("/proc/self/exe", "bench", READS_TEXT_CHILD_ARG,
		      (char *)NULL);
		_exit(2);
	}
	close(fds[0]);
	st = core_wait_child(pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(what, sizeof(what), "the maps_text child exited with "
			 "status %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		core_fail_check(what);
	}
}

const char *
reads_probe(const char *release)
{
	int pmq = procmap_query_works();
	const char *path = pmq && !forced_text() ? "procmap_query" :
			   "maps_text";

	printf("procmap_query: %s (ioctl 0x%lx on /proc/self/maps)\n",
	       pmq ? "works" : "NOT AVAILABLE", (unsigned long)PROCMAP_QUERY);
	printf("mode: %s%s\n", path, !strcmp(path, "procmap_query") ?
	       " (the maps_text fallback follows, in a re-executed child)" :
	       pmq ? " (TLHELP32_FORCE_MAPS_TEXT set)" :
	       " (the kernel lacks PROCMAP_QUERY)");
	printf("INFO kernel=%s procmap_query=%s mode=%s\n", release,
	       pmq ? "yes" : "no", path);
	return path;
}

void
reads_run(const char *path)
{
	struct target ts[NTARGETS];
	struct bufs b;
	int i;

	pg = (size_t)sysconf(_SC_PAGESIZE);
	b.pat = make_pattern();
	printf("\nstarting targets:");
	for (i = 0; i < NTARGETS; i++) {
		start_target(&ts[i], target_maps[i], b.pat);
		printf(" maps=%d (has %d)", ts[i].want, ts[i].nmaps);
	}
	printf("; pattern %zu MiB in %d mappings (r--/rw- by turns) above "
	       "the many single pages, then a PROT_NONE page\n",
	       DATA_LEN / MiB, NPIECES);
	alloc_bufs(&b);
	run_reads(ts, NTARGETS, &b, 0, path);
	if (!strcmp(path, "procmap_query"))
		run_text_child(ts, NTARGETS);
	for (i = 0; i < NTARGETS; i++)
		core_stop_child(ts[i].pid);
}
