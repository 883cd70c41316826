/*
 * bench.c - the libtlhelp32 benchmark suite, run by "make bench".
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
 * The snapshots are timed against the obvious implementation (readdir
 * /proc, read each stat file) and against ps(1), with at least 1,000
 * processes on the machine (idle children are started to get there); the
 * module snapshot against one careful pass over the maps of a child that
 * has loaded NLIBS copies of a small shared library.
 *
 * The library chooses once per process between PROCMAP_QUERY and the text
 * of /proc/<pid>/maps, so the text path is measured in a re-executed copy
 * of this program started with TLHELP32_FORCE_MAPS_TEXT=1.  Which path a
 * process really took is read from its own /proc/self/io: the text path
 * read()s the maps, the ioctl path never calls read().
 *
 * Output: a table per section, then lines for machines ("INFO", "RATIO",
 * "RESULT", "SUMMARY").  The exit status is non-zero when a check of the
 * data fails or the benchmark cannot run; a missed target is reported in
 * the table and the summary, not in the exit status.
 */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <windows.h>
#include <tlhelp32.h>

extern char **environ;

#define KiB		((size_t)1 << 10)
#define MiB		((size_t)1 << 20)

#define DATA_LEN	(66 * MiB)	/* the pattern in each target */
#define NPIECES		12		/* mappings the pattern is made of */
#define NTARGETS	3
#define MAPS_SLACK	2000		/* max_map_count beyond the largest */
#define PROCS_WANTED	1000
#define NLIBS		220		/* shared objects in the module child */
#define SLOTS		64		/* destinations of a small batch */
#define MID_SLOTS	4		/* destinations of a 1 MiB batch */
#define ROUNDS_MAX	128
#define SNAP_ROUNDS	9
#define MOD_ROUNDS	21
#define MISSES_MAX	64
#define TEXT_CHILD_ARG	"--maps-text-child"
#define TEXT_FD		3		/* the text child's list of targets */

static const int target_maps[NTARGETS] = { 64, 10000, 60000 };

/* The PROCMAP_QUERY ioctl's argument (Linux 6.11+), spelled out here. */
struct pmq_arg {
	uint64_t size;
	uint64_t query_flags;
	uint64_t query_addr;
	uint64_t vma_start;
	uint64_t vma_end;
	uint64_t vma_flags;
	uint64_t vma_page_size;
	uint64_t vma_offset;
	uint64_t inode;
	uint32_t dev_major;
	uint32_t dev_minor;
	uint32_t vma_name_size;
	uint32_t build_id_size;
	uint64_t vma_name_addr;
	uint64_t build_id_addr;
};

#define PMQ_COVERING_OR_NEXT	0x10
#define PMQ_IOCTL		_IOWR('f', 17, struct pmq_arg)

_Static_assert(sizeof(struct pmq_arg) == 104, "procmap_query is 104 bytes");

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

struct summ {
	double med;
	double min;
};

static size_t pg;
static pid_t main_pid;
static int bad_checks;		/* checks of the data that failed */
static int n_met, n_missed;
static char misses[MISSES_MAX][256];
static volatile uint64_t sink_sum;

/* What the cleanup must undo; only the main process owns any of it. */
static pid_t live[8];
static int nlive;
static pid_t idle_pgid;
static char libdir[64];
static char libpath[NLIBS][96];
static int nlibfiles;
static char mmc_restore[24];	/* vm.max_map_count to write back */

/* --- plumbing ----------------------------------------------------------- */

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void
fail_check(const char *what)
{
	printf("CHECK FAILED: %s\n", what);
	bad_checks++;
}

static void *
map_anon(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static ssize_t
read_full(int fd, void *buf, size_t n)
{
	size_t done = 0;
	ssize_t got;

	while (done < n) {
		got = read(fd, (char *)buf + done, n - done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		done += (size_t)got;
	}
	return (ssize_t)done;
}

static int
write_full(int fd, const void *buf, size_t n)
{
	size_t done = 0;
	ssize_t got;

	while (done < n) {
		got = write(fd, (const char *)buf + done, n - done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		done += (size_t)got;
	}
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct summ
summarize(double *v, int n)
{
	struct summ s;

	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	s.med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	s.min = v[0];
	return s;
}

static void
note_target(int met, const char *line)
{
	if (met) {
		n_met++;
		return;
	}
	if (n_missed < MISSES_MAX)
		snprintf(misses[n_missed], sizeof(misses[0]), "%s", line);
	n_missed++;
}

/* "median/min" in a column, with as many decimals as the size needs. */
static const char *
fmt_summ(char *buf, size_t size, struct summ s)
{
	if (s.med >= 1000)
		snprintf(buf, size, "%.0f/%.0f", s.med, s.min);
	else if (s.med >= 100)
		snprintf(buf, size, "%.1f/%.1f", s.med, s.min);
	else
		snprintf(buf, size, "%.2f/%.2f", s.med, s.min);
	return buf;
}

static const char *
size_name(char *buf, size_t size, size_t n)
{
	if (n >= MiB && n % MiB == 0)
		snprintf(buf, size, "%zuMiB", n / MiB);
	else if (n >= KiB && n % KiB == 0)
		snprintf(buf, size, "%zuKiB", n / KiB);
	else
		snprintf(buf, size, "%zuB", n);
	return buf;
}

/* --- cleanup: children, files, the sysctl, even on a signal ------------- */

static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE };
#define NCAUGHT	(sizeof(caught) / sizeof(caught[0]))

/*
 * Hold the caught signals while a child is made and listed, or reaped and
 * struck off, so that the cleanup never misses one nor kills a stale pid.
 */
static void
hold_signals(sigset_t *old)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < NCAUGHT; i++)
		sigaddset(&set, caught[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void
release_signals(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

static void
track(pid_t pid)
{
	if (nlive < (int)(sizeof(live) / sizeof(live[0])))
		live[nlive++] = pid;
}

static void
reap_status(pid_t pid, int *st)
{
	while (waitpid(pid, st, 0) < 0 && errno == EINTR)
		;
}

static void
reap(pid_t pid)
{
	reap_status(pid, NULL);
}

static void
forget(pid_t pid)
{
	int i;

	for (i = 0; i < nlive; i++) {
		if (live[i] == pid) {
			live[i] = live[--nlive];
			break;
		}
	}
}

static void
stop_child(pid_t pid)
{
	sigset_t old;

	hold_signals(&old);
	kill(pid, SIGKILL);
	reap(pid);
	forget(pid);
	release_signals(&old);
}

/* Wait for @pid to end by itself; reap it and strike it off. */
static int
wait_child(pid_t pid)
{
	siginfo_t si;
	sigset_t old;
	int st = -1;

	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0 &&
	       errno == EINTR)
		;
	hold_signals(&old);
	reap_status(pid, &st);
	forget(pid);
	release_signals(&old);
	return st;
}

/*
 * Kill the idle processes' whole group.  They are this process's
 * grandchildren; as a child subreaper it inherits them when their parent
 * dies, so it reaps them all here: no zombie is left for init.
 */
static void
stop_idle(void)
{
	pid_t pgid = idle_pgid;
	sigset_t old;

	if (!pgid)
		return;
	hold_signals(&old);
	kill(-pgid, SIGKILL);
	for (;;) {
		if (waitpid(-pgid, NULL, 0) > 0)
			continue;
		if (errno != EINTR)
			break;
	}
	idle_pgid = 0;
	release_signals(&old);
}

static void
remove_libs(void)
{
	while (nlibfiles > 0)
		unlink(libpath[--nlibfiles]);
	if (libdir[0])
		rmdir(libdir);
	libdir[0] = '\0';
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

/* Async-signal-safe; does nothing in any process but the main one. */
static void
cleanup(void)
{
	if (getpid() != main_pid)
		return;
	while (nlive > 0)
		stop_child(live[nlive - 1]);
	stop_idle();
	remove_libs();
	restore_sysctl();
}

static void
on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

static void
catch_signals(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NCAUGHT; i++)
		sigaddset(&sa.sa_mask, caught[i]);	/* no nesting */
	for (i = 0; i < NCAUGHT; i++)
		sigaction(caught[i], &sa, NULL);
}

/* In a new child: die with the parent, default signal handling. */
static void
child_setup(pid_t parent)
{
	sigset_t none;
	size_t i;

	for (i = 0; i < NCAUGHT; i++)
		signal(caught[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
}

static pid_t
fork_child(void)
{
	sigset_t old;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	hold_signals(&old);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		child_setup(main_pid);
	track(pid);
	release_signals(&old);
	return pid;
}

/* --- the machine -------------------------------------------------------- */

static int
procmap_query_works(void)
{
	struct pmq_arg q;
	int fd, ok;

	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	q.query_flags = PMQ_COVERING_OR_NEXT;
	q.query_addr = (uintptr_t)&q;
	ok = ioctl(fd, PMQ_IOCTL, &q) == 0 && q.vma_start <= (uintptr_t)&q &&
	     q.vma_end > (uintptr_t)&q;
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

static int
count_procs(void)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		die("/proc");
	while ((de = readdir(d)))
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
			n++;
	closedir(d);
	return n;
}

static int
count_maps(pid_t pid)
{
	char path[40], buf[65536];
	ssize_t got, i;
	int fd, n = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < got; i++)
			n += buf[i] == '\n';
	close(fd);
	return n;
}

/*
 * Pin to the last CPU we may use: the targets sleep, so the work of a read
 * is all on the reader's CPU.  BENCH_NO_PIN=1 leaves the scheduler free.
 */
static void
pin_cpu(void)
{
	const char *no = getenv("BENCH_NO_PIN");
	cpu_set_t set;
	int cpu;

	if (no && *no && strcmp(no, "0")) {
		printf("cpu: not pinned (BENCH_NO_PIN)\n");
		return;
	}
	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	for (cpu = CPU_SETSIZE - 1; cpu >= 0; cpu--)
		if (CPU_ISSET(cpu, &set))
			break;
	if (cpu < 0 || CPU_COUNT(&set) < 2) {
		printf("cpu: not pinned (one CPU)\n");
		return;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		printf("cpu: not pinned (%s)\n", strerror(errno));
	else
		printf("cpu: pinned to cpu %d of %ld online\n", cpu,
		       sysconf(_SC_NPROCESSORS_ONLN));
}

/* Raise vm.max_map_count if the largest target needs it; put it back at
 * exit. */
static void
check_max_map_count(void)
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
	unsigned char *p = map_anon(DATA_LEN);
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
target_main(int want, const unsigned char *pat, int wfd)
{
	struct target t;
	char *r, *data;
	size_t len;
	long k, i;

	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY);
	k = want - count_maps(getpid()) - NPIECES - 2;
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
	memset(&t, 0, sizeof(t));
	t.pid = getpid();
	t.want = want;
	t.nmaps = count_maps(t.pid);
	t.data = (uintptr_t)data;
	t.none = (uintptr_t)data + DATA_LEN;
	if (write_full(wfd, &t, sizeof(t)))
		_exit(3);
	close(wfd);
	for (;;)
		pause();
}

static void
start_target(struct target *t, int want, const unsigned char *pat)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		die("pipe");
	pid = fork_child();
	if (pid == 0) {
		close(fds[0]);
		target_main(want, pat, fds[1]);
	}
	close(fds[1]);
	if (read_full(fds[0], t, sizeof(*t)) != (ssize_t)sizeof(*t)) {
		errno = ENOMEM;
		die("a target could not make its mappings");
	}
	close(fds[0]);
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
	   size_t off, int batch, int rounds, struct summ out[NMETH],
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
			t0 = now_ns();
			bad = read_batch(r, m, src, dst, batch, n);
			t1 = now_ns();
			for (i = 0; i < batch && !bad; i++)
				bad = memcmp(dst[i], want, n) != 0;
			if (bad) {
				snprintf(what, sizeof(what),
					 "%s read of %s at maps=%d failed or "
					 "brought wrong bytes", meth_name[m],
					 size_name(sz, sizeof(sz), n),
					 r->t->want);
				fail_check(what);
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
	*paired = summarize(pr, rounds).med;
	*paired_rpm = summarize(pq, rounds).med;
	for (m = 0; m < NMETH; m++)
		out[m] = summarize(v[m], rounds);
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
	struct summ s[NMETH];
	char col[NMETH][32], sz[32], line[256], rat[24], tgt[16], layout[16];
	double ratio, rmin, paired, paired_rpm;
	const char *status;
	int m, met;

	if (time_reads(r, b, c->size, c->layout == L_DST_XPAGE, c->src_off,
		       c->batch[text], c->rounds[text], s, &paired,
		       &paired_rpm))
		return;
	for (m = 0; m < NMETH; m++)
		fmt_summ(col[m], sizeof(col[m]), s[m]);
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
	       size_name(sz, sizeof(sz), c->size), layout,
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
		note_target(met, line);
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
	struct summ s[2];
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
			t0 = now_ns();
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
			t1 = now_ns();
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
			 size_name(sz, sizeof(sz), n), r->t->want);
		fail_check(what);
		return;
	}
	s[0] = summarize(v[0], rounds);
	if (nm > 1)
		s[1] = summarize(v[1], rounds);
	met = s[0].med <= REFUSE_TARGET_US;
	printf("%-6d %-6d %-7s %-15s %-15s %-6s %s\n", r->t->want,
	       r->t->nmaps, size_name(sz, sizeof(sz), n),
	       fmt_summ(col[0], sizeof(col[0]), s[0]),
	       nm > 1 ? fmt_summ(col[1], sizeof(col[1]), s[1]) : "-",
	       text ? "-" : "5.00",
	       text ? "report" : met ? "met" : "MISSED");
	snprintf(line, sizeof(line),
		 "RESULT refusal size=%zu maps=%d path=%s us=%.2f min=%.2f "
		 "target=%s status=%s", n, r->t->want, path, s[0].med,
		 s[0].min, text ? "-" : "5", text ? "report" :
		 met ? "met" : "missed");
	printf("%s\n", line);
	if (!text)
		note_target(met, line);
}

struct iostat {
	unsigned long long rchar;
	unsigned long long syscr;
};

static int
read_io(struct iostat *io)
{
	char buf[512], *p;
	ssize_t len;
	int fd;

	fd = open("/proc/self/io", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	p = strstr(buf, "rchar:");
	io->rchar = p ? strtoull(p + 6, NULL, 10) : 0;
	p = strstr(buf, "syscr:");
	io->syscr = p ? strtoull(p + 6, NULL, 10) : 0;
	return p ? 0 : -1;
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
	struct iostat a0, a1, b0, b1;
	SIZE_T got;
	int ok;

	if (read_io(&a0) || read_io(&a1) || read_io(&b0))
		return "";
	ok = Toolhelp32ReadProcessMemory((DWORD)r->t->pid,
					 (LPCVOID)(r->t->data + 128 * KiB),
					 b->mid, MiB, &got);
	if (read_io(&b1))
		return "";
	if (!ok || memcmp(b->mid, b->pat + 128 * KiB, MiB)) {
		fail_check("1 MiB read while checking the path");
		return "";
	}
	*reads = (b1.syscr - b0.syscr) - (a1.syscr - a0.syscr);
	*bytes = (b1.rchar - b0.rchar) - (a1.rchar - a0.rchar);
	return *reads ? "maps_text" : "procmap_query";
}

static void
alloc_bufs(struct bufs *b)
{
	b->small = map_anon(SLOTS * 2 * pg);
	b->mid = map_anon(MID_SLOTS * (MiB + pg));
	b->big = map_anon(64 * MiB);
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
			die(rd[i].mempath);
		rd[i].proc = OpenProcess(PROCESS_VM_READ, FALSE,
					 (DWORD)rd[i].t->pid);
		if (!rd[i].proc)
			die("OpenProcess");
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

/* --- the handle table ---------------------------------------------------- */

#define HANDLES_N	((1 << 20) - 64)	/* as many as the table holds */
#define HANDLES_BATCH	65536

/*
 * Open (nearly) a million snapshot handles in batches of 65,536, timing
 * each batch: the table's cost per open must not grow with the number
 * open (issue 16: at most 2 s for a million, the last batch no slower
 * than the first).  Every handle is checked and closed afterwards.
 */
static void
bench_handles(void)
{
	static HANDLE h[HANDLES_N];
	double first = 0, last = 0, total = 0, t;
	char line[256];
	size_t i, n;
	uint64_t t0;
	int bad = 0, met;

	printf("\n== handles: CreateToolhelp32Snapshot(0, 0) opened %d "
	       "at a time ==\n", HANDLES_BATCH);
	for (i = 0; i < HANDLES_N; i += n) {
		n = HANDLES_N - i < HANDLES_BATCH ? HANDLES_N - i :
						   HANDLES_BATCH;
		t0 = now_ns();
		for (size_t j = i; j < i + n; j++)
			h[j] = CreateToolhelp32Snapshot(0, 0);
		t = (double)(now_ns() - t0) / 1e9;
		total += t;
		if (i == 0)
			first = t / (double)n;
		if (i + n == HANDLES_N)
			last = t / (double)n;
	}
	for (i = 0; i < HANDLES_N; i++) {
		bad += h[i] == INVALID_HANDLE_VALUE;
		bad += !CloseHandle(h[i]);
	}
	if (bad)
		fail_check("opening and closing a million snapshot handles");
	met = total <= 2.0 && last <= first * 1.5;
	snprintf(line, sizeof(line),
		 "RATIO handles n=%d seconds=%.3f first_batch_us=%.3f "
		 "last_batch_us=%.3f last/first=%.2f target=2s,1.5 status=%s",
		 HANDLES_N, total, first * 1e6, last * 1e6, last / first,
		 met ? "met" : "missed");
	printf("%s\n", line);
	note_target(met, line);
}

/* --- the text path, in a re-executed copy ------------------------------- */

static int
text_child_main(void)
{
	struct target ts[NTARGETS];
	struct bufs b;
	ssize_t len;
	int nt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	pg = (size_t)sysconf(_SC_PAGESIZE);
	main_pid = 0;		/* owns nothing to clean up */
	len = read_full(TEXT_FD, ts, sizeof(ts));
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
	return bad_checks ? 1 : 0;
}

static void
run_text_child(const struct target *ts, int nt)
{
	int fds[2], st;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		die("pipe");
	if (write_full(fds[1], ts, (size_t)nt * sizeof(*ts)))
		die("pipe");
	close(fds[1]);
	pid = fork_child();
	if (pid == 0) {
		/* dup2() onto itself would keep FD_CLOEXEC */
		if (fds[0] == TEXT_FD ? fcntl(TEXT_FD, F_SETFD, 0) < 0 :
		    dup2(fds[0], TEXT_FD) < 0)
			_exit(2);
		setenv("TLHELP32_FORCE_MAPS_TEXT", "1", 1);
		execl("/proc/self/exe", "bench", TEXT_CHILD_ARG, (char *)NULL);
		_exit(2);
	}
	close(fds[0]);
	st = wait_child(pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("CHECK FAILED: the maps_text child exited with status "
		       "%d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		bad_checks++;
	}
}

/* --- process and thread snapshots --------------------------------------- */

/*
 * Start idle processes until /proc holds PROCS_WANTED: children of one
 * spawner, all in the spawner's process group, each dying with its parent.
 * Returns the spawner's pid; *n gets how many were started.
 */
static pid_t
start_idle(int want, int *n)
{
	int fds[2], i, made = 0;
	pid_t spawner, pid, me;
	sigset_t old;

	if (pipe2(fds, O_CLOEXEC))
		die("pipe");
	fflush(stdout);
	hold_signals(&old);
	spawner = fork();
	if (spawner < 0)
		die("fork");
	if (spawner == 0) {
		child_setup(main_pid);
		setpgid(0, 0);
		close(fds[0]);
		me = getpid();
		for (i = 0; i < want; i++) {
			pid = fork();
			if (pid < 0)
				break;
			if (pid == 0) {
				close(fds[1]);
				child_setup(me);
				for (;;)
					pause();
			}
			made++;
		}
		if (write_full(fds[1], &made, sizeof(made)))
			_exit(1);
		close(fds[1]);
		for (;;)
			pause();
	}
	setpgid(spawner, spawner);
	idle_pgid = spawner;
	release_signals(&old);
	close(fds[1]);
	if (read_full(fds[0], n, sizeof(*n)) != (ssize_t)sizeof(*n)) {
		errno = ECHILD;
		die("the spawner of idle processes");
	}
	close(fds[0]);
	return spawner;
}

struct pent {
	int pid;
	int ppid;
	int threads;
	int nice;
	char comm[16];
};

struct plist {
	struct pent *v;
	size_t n;
	size_t alloc;
};

static struct pent *
plist_add(struct plist *l)
{
	struct pent *grown;

	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 256;
		grown = realloc(l->v, l->alloc * sizeof(*l->v));
		if (!grown)
			die("realloc");
		l->v = grown;
	}
	return &l->v[l->n++];
}

static ssize_t
read_file(const char *path, char *buf, size_t size)
{
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read_full(fd, buf, size - 1);	/* to the end of the file */
	close(fd);
	buf[len > 0 ? len : 0] = '\0';
	return len;
}

/* pid (comm) state ppid ... nice(19) num_threads(20) */
static int
parse_stat(const char *buf, struct pent *e)
{
	const char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	char *p;
	size_t n;
	int f;

	if (!open || !close || close < open)
		return -1;
	e->pid = atoi(buf);
	n = (size_t)(close - open - 1);
	if (n >= sizeof(e->comm))
		n = sizeof(e->comm) - 1;
	memcpy(e->comm, open + 1, n);
	e->comm[n] = '\0';
	p = (char *)close + 3;		/* past ") S" */
	e->ppid = (int)strtol(p, &p, 10);
	for (f = 5; f < 19; f++)
		strtoll(p, &p, 10);
	e->nice = (int)strtol(p, &p, 10);
	e->threads = (int)strtol(p, &p, 10);
	return 0;
}

static int
is_pid(const char *s)
{
	if (*s < '1' || *s > '9')
		return 0;
	while (*++s)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* The obvious process list: readdir /proc, read each stat; then iterate. */
static size_t
obvious_procs(void)
{
	struct plist l = { NULL, 0, 0 };
	char path[300], buf[1024];
	struct dirent *de;
	uint64_t sum = 0;
	size_t i, n;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		die("/proc");
	while ((de = readdir(d))) {
		if (!is_pid(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if (read_file(path, buf, sizeof(buf)) <= 0)
			continue;
		if (parse_stat(buf, plist_add(&l)))
			l.n--;
	}
	closedir(d);
	for (i = 0; i < l.n; i++)
		sum += (uint64_t)l.v[i].pid + (uint64_t)l.v[i].ppid +
		       (uint64_t)l.v[i].threads + (unsigned char)l.v[i].comm[0];
	sink_sum += sum;
	n = l.n;
	free(l.v);
	return n;
}

/* The obvious thread list: readdir /proc/<pid>/task too. */
static size_t
obvious_threads(void)
{
	struct plist l = { NULL, 0, 0 };
	char path[600], buf[1024];
	struct dirent *de, *te;
	uint64_t sum = 0;
	DIR *d, *td;
	size_t i, n;

	d = opendir("/proc");
	if (!d)
		die("/proc");
	while ((de = readdir(d))) {
		if (!is_pid(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", de->d_name);
		td = opendir(path);
		if (!td)
			continue;
		while ((te = readdir(td))) {
			if (!is_pid(te->d_name))
				continue;
			snprintf(path, sizeof(path), "/proc/%s/task/%s/stat",
				 de->d_name, te->d_name);
			if (read_file(path, buf, sizeof(buf)) <= 0)
				continue;
			if (parse_stat(buf, plist_add(&l)))
				l.n--;
			else
				l.v[l.n - 1].ppid = atoi(de->d_name);
		}
		closedir(td);
	}
	closedir(d);
	for (i = 0; i < l.n; i++)
		sum += (uint64_t)l.v[i].pid + (uint64_t)l.v[i].ppid +
		       (uint64_t)l.v[i].nice;
	sink_sum += sum;
	n = l.n;
	free(l.v);
	return n;
}

static size_t
tlh_procs(void)
{
	PROCESSENTRY32 pe;
	uint64_t sum = 0;
	size_t n = 0;
	HANDLE h;
	BOOL ok;

	h = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	if (h == INVALID_HANDLE_VALUE)
		return 0;
	pe.dwSize = sizeof(pe);
	for (ok = Process32First(h, &pe); ok; ok = Process32Next(h, &pe)) {
		sum += pe.th32ProcessID + pe.th32ParentProcessID +
		       pe.cntThreads + (unsigned char)pe.szExeFile[0];
		n++;
	}
	CloseHandle(h);
	sink_sum += sum;
	return n;
}

static size_t
tlh_threads(void)
{
	THREADENTRY32 te;
	uint64_t sum = 0;
	size_t n = 0;
	HANDLE h;
	BOOL ok;

	h = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
	if (h == INVALID_HANDLE_VALUE)
		return 0;
	te.dwSize = sizeof(te);
	for (ok = Thread32First(h, &te); ok; ok = Thread32Next(h, &te)) {
		sum += te.th32ThreadID + te.th32OwnerProcessID +
		       (uint64_t)(int64_t)te.tpBasePri;
		n++;
	}
	CloseHandle(h);
	sink_sum += sum;
	return n;
}

/* Run ps with its output thrown away; 0 if it ran and succeeded. */
static int
run_ps(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t old, none;
	int st = -1, err;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	hold_signals(&old);
	err = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	if (!err)
		track(pid);
	release_signals(&old);
	if (!err)
		st = wait_child(pid);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return !err && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/*
 * The idle processes must all be in the snapshots, rightly described:
 * each a child of the spawner with one thread, named after this program's
 * executable, whose one thread has the process's id.  Fills @pids (sorted)
 * from the process snapshot.
 */
static void
check_snapshots(pid_t spawner, int nidle, int *pids)
{
	char exe[4096], *base;
	PROCESSENTRY32 pe;
	THREADENTRY32 te;
	int n = 0, bad = 0, key;
	ssize_t len;
	HANDLE h;
	BOOL ok;

	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[len > 0 ? len : 0] = '\0';
	base = strrchr(exe, '/');
	base = base ? base + 1 : exe;
	h = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	if (h == INVALID_HANDLE_VALUE) {
		fail_check("process snapshot failed");
		return;
	}
	pe.dwSize = sizeof(pe);
	for (ok = Process32First(h, &pe); ok; ok = Process32Next(h, &pe)) {
		if (pe.th32ParentProcessID != (DWORD)spawner)
			continue;
		if (pe.cntThreads != 1 || strcmp(pe.szExeFile, base))
			bad++;
		if (n < nidle)
			pids[n] = (int)pe.th32ProcessID;
		n++;
	}
	CloseHandle(h);
	if (n != nidle || bad) {
		fail_check("process snapshot: the idle children are missing "
			   "or misdescribed");
		return;
	}
	qsort(pids, (size_t)n, sizeof(*pids), cmp_int);

	h = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
	if (h == INVALID_HANDLE_VALUE) {
		fail_check("thread snapshot failed");
		return;
	}
	n = 0;
	te.dwSize = sizeof(te);
	for (ok = Thread32First(h, &te); ok; ok = Thread32Next(h, &te)) {
		key = (int)te.th32OwnerProcessID;
		if (!bsearch(&key, pids, (size_t)nidle, sizeof(*pids),
			     cmp_int))
			continue;
		if (te.th32ThreadID != te.th32OwnerProcessID)
			bad++;
		n++;
	}
	CloseHandle(h);
	if (n != nidle || bad)
		fail_check("thread snapshot: the idle children's threads are "
			   "missing or misdescribed");
}

static void
snap_row(const char *kind, struct summ t, struct summ o, struct summ p,
	 int have_ps, size_t count)
{
	char col[3][32], line[256];
	double ro = t.med / o.med, rp = have_ps ? t.med / p.med : 0;
	int met = ro <= 1.0 && (!have_ps || rp <= 1.0 / 3);

	printf("%-8s %-15s %-15s %-15s %-12.3f %-8.3f %-20s %s\n", kind,
	       fmt_summ(col[0], sizeof(col[0]), t),
	       fmt_summ(col[1], sizeof(col[1]), o),
	       have_ps ? fmt_summ(col[2], sizeof(col[2]), p) : "n/a", ro, rp,
	       "<=1.00, <=0.333", met ? "met" : "MISSED");
	snprintf(line, sizeof(line),
		 "RATIO snapshot=%s tlh/obvious=%.3f tlh/ps=%.3f %s=%zu "
		 "status=%s", kind, ro, rp,
		 kind[0] == 'p' ? "procs" : "threads", count,
		 met ? "met" : "missed");
	printf("%s\n", line);
	note_target(met, line);
}

static void
bench_tasks(void)
{
	static char *const ps_p[] = { "ps", "-e", "-o", "pid,ppid,nlwp,comm",
				      NULL };
	static char *const ps_t[] = { "ps", "-e", "-L", "-o",
				      "pid,lwp,pri,comm", NULL };
	static double v[6][SNAP_ROUNDS];
	int have, nidle = 0, round, j, k, have_ps, *pids;
	size_t nproc = 0, nthr = 0, np = 0, nt = 0;
	struct summ s[6];
	pid_t spawner;
	uint64_t t0;

	have = count_procs();
	spawner = start_idle(have < PROCS_WANTED ?
			     PROCS_WANTED - have + 16 : 0, &nidle);
	printf("\n== snapshots: %d processes on the machine (%d idle "
	       "children started); milliseconds per snapshot + full "
	       "iteration, median/min of %d ==\n", count_procs(), nidle,
	       SNAP_ROUNDS);
	pids = calloc((size_t)nidle + 1, sizeof(*pids));
	if (!pids)
		die("calloc");
	check_snapshots(spawner, nidle, pids);
	free(pids);
	have_ps = !run_ps(ps_p) && !run_ps(ps_t);

	/* warm-up round unrecorded; then tlh, obvious, ps in turns */
	for (round = -1; round < SNAP_ROUNDS; round++) {
		for (j = 0; j < 3; j++) {
			k = (round + 1 + j) % 3;
			t0 = now_ns();
			if (k == 0)
				nproc = tlh_procs();
			else if (k == 1)
				np = obvious_procs();
			else if (have_ps)
				run_ps(ps_p);
			if (round >= 0)
				v[k][round] = (double)(now_ns() - t0) / 1e6;
			t0 = now_ns();
			if (k == 0)
				nthr = tlh_threads();
			else if (k == 1)
				nt = obvious_threads();
			else if (have_ps)
				run_ps(ps_t);
			if (round >= 0)
				v[3 + k][round] = (double)(now_ns() - t0) /
						  1e6;
		}
	}
	stop_idle();
	if (!nproc || !nthr) {
		fail_check("a snapshot failed");
		return;
	}
	printf("(entries: tlh %zu processes, %zu threads; obvious %zu "
	       "processes, %zu threads)\n", nproc, nthr, np, nt);
	for (k = 0; k < 6; k++)
		s[k] = summarize(v[k], SNAP_ROUNDS);
	printf("%-8s %-15s %-15s %-15s %-12s %-8s %-20s %s\n", "kind", "tlh",
	       "obvious", "ps", "tlh/obvious", "tlh/ps", "target", "status");
	snap_row("process", s[0], s[1], s[2], have_ps, nproc);
	snap_row("thread", s[3], s[4], s[5], have_ps, nthr);
	printf("  (ps: \"ps -e -o pid,ppid,nlwp,comm\" and \"ps -e -L -o "
	       "pid,lwp,pri,comm\", output to /dev/null%s)\n",
	       have_ps ? "" : "; NOT AVAILABLE");
}

/* --- module snapshot ---------------------------------------------------- */

/* A small shared object to copy: libutil (a stub in modern glibc), else
 * this library itself. */
static int
small_lib(char *out, size_t size)
{
	struct link_map *lm = NULL;
	Dl_info di;
	void *h;

	h = dlopen("libutil.so.1", RTLD_LAZY | RTLD_LOCAL);
	if (h && !dlinfo(h, RTLD_DI_LINKMAP, &lm) && lm && lm->l_name &&
	    lm->l_name[0] == '/') {
		snprintf(out, size, "%s", lm->l_name);
		dlclose(h);
		return 0;
	}
	if (h)
		dlclose(h);
	if (dladdr((void *)(uintptr_t)&CreateToolhelp32Snapshot, &di) &&
	    di.dli_fname && di.dli_fname[0] == '/') {
		snprintf(out, size, "%s", di.dli_fname);
		return 0;
	}
	return -1;
}

static void
make_libs(const char *src)
{
	char *buf;
	ssize_t len;
	int fd, i;

	buf = malloc(16 * MiB);
	if (!buf)
		die("malloc");
	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(src);
	len = read_full(fd, buf, 16 * MiB);
	close(fd);
	if (len <= 0)
		die(src);
	snprintf(libdir, sizeof(libdir), "/tmp/tlh-bench-XXXXXX");
	if (!mkdtemp(libdir)) {
		libdir[0] = '\0';
		die("mkdtemp");
	}
	for (i = 0; i < NLIBS; i++) {
		snprintf(libpath[i], sizeof(libpath[i]), "%s/lib%03d.so",
			 libdir, i);
		nlibfiles = i + 1;	/* before it exists: see cleanup() */
		fd = open(libpath[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			  0755);
		if (fd < 0)
			die(libpath[i]);
		if (write_full(fd, buf, (size_t)len))
			die(libpath[i]);
		close(fd);
	}
	free(buf);
}

static pid_t
start_module_child(int *loaded)
{
	int fds[2], i, n = 0;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		die("pipe");
	pid = fork_child();
	if (pid == 0) {
		close(fds[0]);
		for (i = 0; i < NLIBS; i++)
			n += dlopen(libpath[i], RTLD_NOW | RTLD_LOCAL) != NULL;
		if (write_full(fds[1], &n, sizeof(n)))
			_exit(1);
		close(fds[1]);
		for (;;)
			pause();
	}
	close(fds[1]);
	if (read_full(fds[0], loaded, sizeof(*loaded)) !=
	    (ssize_t)sizeof(*loaded))
		*loaded = -1;
	close(fds[0]);
	return pid;
}

struct mobj {
	uintptr_t base;
	uintptr_t end;
	uint64_t inode;
	unsigned long maj;
	unsigned long min;
	char *path;
};

struct mlist {
	struct mobj *v;
	size_t n;
	size_t alloc;
};

static void
mlist_free(struct mlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

/* One line of the maps: a new object at offset 0, or more of the last. */
static void
maps_line(struct mlist *l, char *p, char *eol)
{
	unsigned long long start, end, off, inode;
	unsigned long maj, min;
	struct mobj *o;

	start = strtoull(p, &p, 16);
	end = strtoull(p + 1, &p, 16);
	p += 6;				/* " rwxp" */
	off = strtoull(p, &p, 16);
	maj = strtoul(p + 1, &p, 16);
	min = strtoul(p + 1, &p, 16);
	inode = strtoull(p + 1, &p, 10);
	while (p < eol && *p == ' ')
		p++;
	if (!inode || p >= eol || *p != '/')
		return;
	if (off) {
		o = l->n ? &l->v[l->n - 1] : NULL;
		if (o && o->inode == inode && o->maj == maj && o->min == min &&
		    end > o->end)
			o->end = (uintptr_t)end;
		return;
	}
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 64;
		o = realloc(l->v, l->alloc * sizeof(*o));
		if (!o)
			die("realloc");
		l->v = o;
	}
	o = &l->v[l->n++];
	o->base = (uintptr_t)start;
	o->end = (uintptr_t)end;
	o->inode = inode;
	o->maj = maj;
	o->min = min;
	o->path = strndup(p, (size_t)(eol - p));
	if (!o->path)
		die("strndup");
}

/* The careful pass: read() the maps in big blocks, parse each line once,
 * group the mappings of each file into one object. */
static int
careful_modules(pid_t pid, struct mlist *l)
{
	static char buf[65536 + 1];
	size_t have = 0, pos;
	char path[40], *nl;
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		got = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		have += (size_t)got;
		buf[have] = '\0';
		pos = 0;
		while ((nl = memchr(buf + pos, '\n', have - pos))) {
			maps_line(l, buf + pos, nl);
			pos = (size_t)(nl - buf) + 1;
		}
		if (got == 0) {
			if (pos < have)
				maps_line(l, buf + pos, buf + have);
			break;
		}
		memmove(buf, buf + pos, have - pos);
		have -= pos;
	}
	close(fd);
	return got < 0 ? -1 : 0;
}

static size_t
tlh_modules(pid_t pid, struct mlist *keep)
{
	MODULEENTRY32 me;
	uint64_t sum = 0;
	struct mobj *o;
	size_t n = 0;
	HANDLE h;
	BOOL ok;

	h = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, (DWORD)pid);
	if (h == INVALID_HANDLE_VALUE)
		return 0;
	me.dwSize = sizeof(me);
	for (ok = Module32First(h, &me); ok; ok = Module32Next(h, &me)) {
		sum += (uintptr_t)me.modBaseAddr + me.modBaseSize +
		       (unsigned char)me.szExePath[0];
		n++;
		if (!keep)
			continue;
		if (keep->n == keep->alloc) {
			keep->alloc = keep->alloc ? 2 * keep->alloc : 64;
			o = realloc(keep->v, keep->alloc * sizeof(*o));
			if (!o)
				die("realloc");
			keep->v = o;
		}
		o = &keep->v[keep->n++];
		memset(o, 0, sizeof(*o));
		o->base = (uintptr_t)me.modBaseAddr;
		o->end = o->base + me.modBaseSize;
		o->path = strdup(me.szExePath);
		if (!o->path)
			die("strdup");
	}
	CloseHandle(h);
	sink_sum += sum;
	return n;
}

/* Every copied library, at the same place in both lists. */
static void
check_modules(pid_t pid)
{
	struct mlist c = { NULL, 0, 0 }, t = { NULL, 0, 0 };
	size_t i, j, found = 0, dl = strlen(libdir);

	if (careful_modules(pid, &c) || !tlh_modules(pid, &t)) {
		fail_check("module list unreadable");
		goto out;
	}
	for (i = 0; i < c.n; i++) {
		if (strncmp(c.v[i].path, libdir, dl))
			continue;
		for (j = 0; j < t.n; j++)
			if (!strcmp(t.v[j].path, c.v[i].path))
				break;
		if (j == t.n || t.v[j].base != c.v[i].base ||
		    t.v[j].end != c.v[i].end)
			break;
		found++;
	}
	if (found != NLIBS)
		fail_check("module snapshot: the loaded libraries are missing "
			   "or misplaced");
out:
	mlist_free(&c);
	mlist_free(&t);
}

static void
bench_modules(void)
{
	static double v[2][MOD_ROUNDS];
	struct mlist l = { NULL, 0, 0 };
	char src[512], col[2][32], line[256];
	size_t nmods = 0, ncareful = 0;
	int loaded, round, j, met;
	struct summ s[2];
	double ratio;
	uint64_t t0;
	pid_t pid;

	if (small_lib(src, sizeof(src))) {
		fail_check("no shared library to copy for the module child");
		return;
	}
	make_libs(src);
	pid = start_module_child(&loaded);
	if (loaded != NLIBS) {
		fail_check("the module child could not load its libraries");
		goto out;
	}
	check_modules(pid);
	for (round = -1; round < MOD_ROUNDS; round++) {
		for (j = 0; j < 2; j++) {
			t0 = now_ns();
			if ((round + j) % 2 == 0) {
				nmods = tlh_modules(pid, NULL);
			} else {
				careful_modules(pid, &l);
				ncareful = l.n;
				mlist_free(&l);
			}
			if (round >= 0)
				v[(round + j) % 2][round] =
					(double)(now_ns() - t0) / 1e3;
		}
	}
	s[0] = summarize(v[0], MOD_ROUNDS);
	s[1] = summarize(v[1], MOD_ROUNDS);
	ratio = s[0].med / s[1].med;
	met = ratio <= 1.0;
	printf("\n== module snapshot: a child with %d copies of %s loaded "
	       "(%d mappings, %zu objects); microseconds, median/min of "
	       "%d ==\n", NLIBS, src, count_maps(pid), ncareful, MOD_ROUNDS);
	printf("%-8s %-15s %-15s %-12s %-8s %s\n", "kind", "tlh",
	       "careful", "tlh/careful", "target", "status");
	printf("%-8s %-15s %-15s %-12.3f %-8s %s\n", "module",
	       fmt_summ(col[0], sizeof(col[0]), s[0]),
	       fmt_summ(col[1], sizeof(col[1]), s[1]), ratio, "<=1.00",
	       met ? "met" : "MISSED");
	snprintf(line, sizeof(line), "RATIO snapshot=module tlh/careful=%.3f "
		 "modules=%zu status=%s", ratio, nmods, met ? "met" : "missed");
	printf("%s\n", line);
	note_target(met, line);
out:
	stop_child(pid);
	remove_libs();
}

/* --- main --------------------------------------------------------------- */

int
main(int argc, char **argv)
{
	struct target ts[NTARGETS];
	uint64_t start = now_ns();
	const char *path;
	struct utsname u;
	struct bufs b;
	int pmq, i;

	if (argc > 1 && !strcmp(argv[1], TEXT_CHILD_ARG))
		return text_child_main();
	setvbuf(stdout, NULL, _IOLBF, 0);
	pg = (size_t)sysconf(_SC_PAGESIZE);
	main_pid = getpid();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		die("PR_SET_CHILD_SUBREAPER");
	atexit(cleanup);
	catch_signals();

	uname(&u);
	pmq = procmap_query_works();
	path = pmq && !forced_text() ? "procmap_query" : "maps_text";
	printf("# libtlhelp32 benchmark\n");
	printf("kernel: %s %s\n", u.sysname, u.release);
	printf("procmap_query: %s (ioctl 0x%lx on /proc/self/maps)\n",
	       pmq ? "works" : "NOT AVAILABLE", (unsigned long)PMQ_IOCTL);
	printf("mode: %s%s\n", path, !strcmp(path, "procmap_query") ?
	       " (the maps_text fallback follows, in a re-executed child)" :
	       pmq ? " (TLHELP32_FORCE_MAPS_TEXT set)" :
	       " (the kernel lacks PROCMAP_QUERY)");
	printf("INFO kernel=%s procmap_query=%s mode=%s\n", u.release,
	       pmq ? "yes" : "no", path);
	pin_cpu();
	check_max_map_count();

	/* While this process is small: forks are cheap. */
	bench_tasks();
	bench_modules();
	bench_handles();

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
		stop_child(ts[i].pid);

	printf("\n== summary ==\n");
	for (i = 0; i < n_missed && i < MISSES_MAX; i++)
		printf("MISSED: %s\n", misses[i]);
	printf("SUMMARY targets_met=%d targets_missed=%d byte_checks=%s "
	       "seconds=%.1f\n", n_met, n_missed, bad_checks ? "FAILED" : "ok",
	       (double)(now_ns() - start) / 1e9);
	cleanup();
	return bad_checks ? 1 : 0;
}
