/*
 * check_reliable.c - reads where things go wrong around them: no file
 * descriptor free, a target that swaps pages while they are read, a
 * destination that overlaps the source, a count that points into the
 * buffer or into read-only memory, a pid that changes hands during a
 * read, kept descriptors whose pid got a new address space, descriptors
 * the program closed and reused; and test layouts whose holes stay holes.
 *
 * Scenarios that change the process itself (its descriptor limit, its
 * open files) run in a forked child, which reports the first failed check
 * through a pipe.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_LINUX_USERFAULTFD_H
#include <linux/userfaultfd.h>
#endif

#include <windows.h>
#include <tlhelp32.h>

#include "fixtures.h"
#include "selfio.h"
#include "suites.h"

#define KIB		((size_t)1024)
#define SMALL_MAX	(16 * KIB)	/* the library's two-pass limit */
#define RW		(PROT_READ | PROT_WRITE)
#define HOLE		TLH_FX_HOLE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define COUNT_UNSET	((SIZE_T)0x5eed5eed)

extern char **environ;

#ifndef SYS_pidfd_open
#define SYS_pidfd_open	434	/* the same number on every architecture */
#endif

static size_t pg;

static void
setup(void)
{
	pg = tlh_fx_page_size();
}

static void
skip(const char *test, const char *why)
{
	fprintf(stderr, "reliable: %s: SKIPPED: %s\n", test, why);
}

static void *
map_rw(size_t len)
{
	void *p = mmap(NULL, len, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_msg(p != MAP_FAILED, "mmap %zu bytes: %s", len,
		      strerror(errno));
	return p;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Whether process_vm_readv() works here.  Without it (a seccomp filter, an
 * old kernel, qemu-user: tests/deny-run makes it so) every read goes
 * through /proc/<pid>/mem, which takes a descriptor, is read with pread()
 * (which /proc/self/io counts), and checks the maps before it copies.
 */
static int
pvr_works(void)
{
	unsigned char a = 1, b = 0;
	struct iovec local = { &b, 1 }, remote = { &a, 1 };

	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == 1;
}

/* --- a scenario in a forked child ----------------------------------------- */

/* Where a scenario's report goes: above what scenarios close. */
#define REPORT_FD	900
#define SCENARIO_FDS	REPORT_FD	/* scenarios may close [3, this) */

static char msg[512];

/* Fail a scenario with a message. */
static int __attribute__((format(printf, 1, 2)))
flunk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return TLH_FX_FAIL;
}

/*
 * Run @fn(@arg) in a forked child and assert it passed; a skip is
 * reported.  The child may close any descriptor from 3 up to
 * SCENARIO_FDS.
 */
static void
scenario(const char *name, int (*fn)(void *), void *arg)
{
	int fds[2], status, r;
	char got[sizeof(msg)];
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		if (dup3(fds[1], REPORT_FD, O_CLOEXEC) < 0)
			_exit(TLH_FX_FAIL);
		close(fds[1]);
		msg[0] = '\0';
		r = fn(arg);
		if (write(REPORT_FD, msg, strlen(msg)) < 0)
			_exit(TLH_FX_FAIL);
		_exit(r);
	}
	close(fds[1]);
	n = (ssize_t)tlh_fx_read_all(fds[0], got, sizeof(got) - 1);
	got[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "%s: the scenario died (status %#x)",
		      name, status);
	if (WEXITSTATUS(status) == TLH_FX_SKIP) {
		skip(name, got);
		return;
	}
	ck_assert_msg(WEXITSTATUS(status) == TLH_FX_PASS, "%s: %s", name,
		      got);
}

/* --- layouts: a hole stays a hole ----------------------------------------- */

/*
 * A layout's hole must stay unmapped while the test runs, whatever else
 * maps pages: the kernel hands the highest free gap to an mmap() without
 * an address, which a hole among the latest mappings would be.
 */
START_TEST(hole_stays_hole)
{
	static const struct tlh_fx_piece pieces[] = {
		{ 1, RW }, { 1, HOLE }, { 1, RW },
	};
	unsigned char *base, *hole, v;
	void *p[16];
	size_t len, i;
	int ret;

	base = tlh_fx_layout(pieces, ARRAY_SIZE(pieces), 1, &len);
	ck_assert_msg(base != NULL, "layout: %s", strerror(errno));
	hole = base + pg;
	for (i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = map_rw(pg);
	ret = mincore(hole, pg, &v);
	ck_assert_msg(ret < 0 && errno == ENOMEM,
		      "a one-page mapping made after the layout filled its "
		      "hole");
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		ck_assert_ptr_ne(p[i], hole);
		munmap(p[i], pg);
	}
	tlh_fx_layout_free(base, len);
}
END_TEST

/* --- item 2: no descriptor free ------------------------------------------- */

/* Use up every descriptor below a low limit; 0 or -errno. */
static int
exhaust_fds(void)
{
	struct rlimit rl;
	int fd;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	rl.rlim_cur = 64;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	while ((fd = fcntl(REPORT_FD, F_DUPFD_CLOEXEC, 0)) >= 0)
		;
	return errno == EMFILE ? 0 : -errno;
}

/* A large read in @pid of @n bytes at @src, pattern @seed: TRUE, right. */
static int
large_ok(DWORD pid, const void *src, size_t n, unsigned int seed,
	 const char *what)
{
	unsigned char *dst = malloc(n);
	SIZE_T got = 0;
	size_t bad;
	BOOL ok;

	if (!dst)
		return flunk("%s: no memory", what);
	ok = Toolhelp32ReadProcessMemory(pid, src, dst, n, &got);
	if (!ok) {
		free(dst);
		return flunk("%s: %zu bytes: FALSE, error %u", what, n,
			    (unsigned int)GetLastError());
	}
	bad = tlh_fx_pattern_check(dst, n, seed, 0);
	free(dst);
	if (got != n || bad != n)
		return flunk("%s: count %zu, byte %zu wrong", what,
			    (size_t)got, bad);
	return TLH_FX_PASS;
}

static int
no_fd_fn(void *arg)
{
	static const struct tlh_fx_piece pieces[] = {
		{ 24, RW }, { 1, PROT_NONE },
	};
	struct tlh_fx_spec spec = { pieces, 2, 31, NULL, 0, 0 };
	size_t n = 16 * pg + 100, len, bad;
	unsigned char *self, *dst, *ro;
	struct tlh_fx_child c;
	SIZE_T got;
	HANDLE h;
	int ret, pidfds;

	(void)arg;
	if (!pvr_works()) {
		snprintf(msg, sizeof(msg), "without process_vm_readv reads go "
			 "through /proc/<pid>/mem, which takes a descriptor");
		return TLH_FX_SKIP;
	}
	/* a handle checks its process with a pidfd, or else by reading
	 * /proc/<pid>/stat, which takes a descriptor */
	ret = (int)syscall(SYS_pidfd_open, getpid(), 0);
	pidfds = ret >= 0;
	if (pidfds)
		close(ret);
	self = tlh_fx_layout(pieces, 2, 31, &len);
	dst = mmap(NULL, 2 * n, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!self || dst == MAP_FAILED || ro == MAP_FAILED)
		return flunk("mapping: %s", strerror(errno));
	ret = tlh_fx_child_start(&c, &spec);
	if (ret)
		return flunk("starting a child: %s", strerror(-ret));
	h = OpenProcess(PROCESS_VM_READ, FALSE, (DWORD)c.pid);
	if (!h)
		return flunk("OpenProcess: error %u",
			    (unsigned int)GetLastError());
	ret = exhaust_fds();
	if (ret)
		return flunk("using up the descriptors: %s", strerror(-ret));

	ret = large_ok(0, self, n, 31, "self, no descriptor free");
	if (!ret)
		ret = large_ok((DWORD)c.pid, c.base, n, 31,
			       "a child, no descriptor free");
	if (!ret)
		ret = large_ok(0, self, SMALL_MAX, 31,
			       "self, 16384 bytes, no descriptor free");
	if (ret)
		return ret;
	if (pidfds && (!ReadProcessMemory(h, c.base, dst, n, &got) ||
		       tlh_fx_pattern_check(dst, n, 31, 0) != n))
		return flunk("ReadProcessMemory, no descriptor free: error %u",
			    (unsigned int)GetLastError());

	/* refusals still come before the buffer is touched */
	tlh_fx_canary_fill(dst, 2 * n);
	got = COUNT_UNSET;
	if (Toolhelp32ReadProcessMemory(0, self + len - pg - n + 1, dst, n,
					&got) ||
	    GetLastError() != ERROR_PARTIAL_COPY || got != 0)
		return flunk("a read into PROT_NONE, no descriptor free: error "
			    "%u, count %zu", (unsigned int)GetLastError(),
			    (size_t)got);
	bad = tlh_fx_canary_check(dst, 2 * n);
	if (bad != 2 * n)
		return flunk("a refused read changed byte %zu", bad);
	if (Toolhelp32ReadProcessMemory(0, self, ro, n, &got) ||
	    GetLastError() != ERROR_NOACCESS)
		return flunk("a read into read-only memory, no descriptor "
			    "free: error %u", (unsigned int)GetLastError());
	tlh_fx_child_stop(&c);
	return TLH_FX_PASS;
}

START_TEST(no_free_descriptor)
{
	scenario("no_free_descriptor", no_fd_fn, NULL);
}
END_TEST

/* --- item 4: no torn pages from a small read ------------------------------ */

#define TORN_PAGES	4

/*
 * The target: TORN_PAGES pages, each all one byte (its generation), each
 * replaced in turn, for good, by a page filled with the next generation:
 * mremap(MREMAP_FIXED) of a page filled beforehand, so that every page
 * always holds exactly one generation.
 */
struct torn {
	unsigned char *base;
	int stop;
	int err;
};

static int
torn_setup(struct torn *t)
{
	size_t i;

	t->stop = 0;
	t->err = 0;
	t->base = mmap(NULL, TORN_PAGES * pg, RW, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (t->base == MAP_FAILED)
		return -errno;
	for (i = 0; i < TORN_PAGES; i++)
		memset(t->base + i * pg, (int)i, pg);
	return 0;
}

/* Replace pages until told to stop; 0, or -errno if a remap failed. */
static int
torn_cycle(struct torn *t, int *stop)
{
	unsigned long gen;
	unsigned char *p;
	void *q;

	for (gen = TORN_PAGES; !__atomic_load_n(stop, __ATOMIC_RELAXED);
	     gen++) {
		p = mmap(NULL, pg, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -errno;
		memset(p, (int)(gen & 0xff), pg);
		q = mremap(p, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED,
			   t->base + (gen % TORN_PAGES) * pg);
		if (q == MAP_FAILED)
			return -errno;
	}
	return 0;
}

static void
torn_child(void *arg, int report)
{
	struct torn *t = arg;
	int never = 0;

	t->err = -torn_setup(t);
	if (write(report, t, sizeof(*t)) != sizeof(*t) || t->err)
		_exit(1);
	torn_cycle(t, &never);
	_exit(1);
}

static void *
torn_thread(void *arg)
{
	struct torn *t = arg;

	t->err = -torn_cycle(t, &t->stop);
	return NULL;
}

/* Reads of at most 16 KiB whose source and destination pages are offset
 * differently, so that a second pass would split each source page; the
 * last has one destination page, which a second pass writes. */
static const struct {
	size_t src_off, dst_off, len;
} torn_reads[] = {
	{ 100, 3000, 4096 },
	{ 2000, 50, 2 * 4096 },
	{ 0, 2048, 3 * 4096 },
	{ 3000, 1000, 4096 + 1500 },
	{ 10, 4000, 4 * 4096 - 10 },
	{ 3000, 100, 2000 },	/* one destination page: two passes */
};

/*
 * Read the target over and over while it replaces pages; every read must
 * succeed and bring each source page as one generation: all its bytes
 * equal.  TLH_TORN_READS sets the number of reads (default 200,000, in at
 * most 30 seconds).
 */
static void
torn(int in_thread)
{
	const char *env = getenv("TLH_TORN_READS");
	unsigned long reads = env ? strtoul(env, NULL, 10) : 200000;
	unsigned long done, torn_pages = 0, fails = 0, changes = 0;
	unsigned char *dst, last[TORN_PAGES] = { 0 }, b;
	double start = now(), max = env ? 1e9 : 30;
	struct tlh_fx_child c;
	char first[160] = "";
	pthread_t thread;
	struct torn t;
	size_t i, k, s, e, pos;
	DWORD pid;
	int ret;

	dst = map_rw(6 * pg);
	if (in_thread) {
		ck_assert_int_eq(torn_setup(&t), 0);
		ret = pthread_create(&thread, NULL, torn_thread, &t);
		ck_assert_int_eq(ret, 0);
		pid = 0;
	} else {
		ret = tlh_fx_child_run(&c, torn_child, &t, &t, sizeof(t));
		ck_assert_msg(ret == 0, "starting the target: %s",
			      strerror(-ret));
		ck_assert_msg(t.err == 0, "target: %s", strerror(t.err));
		pid = (DWORD)c.pid;
	}
	if (tlh_fx_under_valgrind())
		reads = 2000;
	for (done = 0; done < reads && now() - start < max; done++) {
		i = done % ARRAY_SIZE(torn_reads);
		if (!Toolhelp32ReadProcessMemory(pid, t.base +
						 torn_reads[i].src_off,
						 dst + torn_reads[i].dst_off,
						 torn_reads[i].len, NULL)) {
			fails++;
			continue;
		}
		/* each source page's part of the copy: one byte value */
		for (s = torn_reads[i].src_off;
		     s < torn_reads[i].src_off + torn_reads[i].len; s = e) {
			e = (s / pg + 1) * pg;
			if (e > torn_reads[i].src_off + torn_reads[i].len)
				e = torn_reads[i].src_off + torn_reads[i].len;
			pos = torn_reads[i].dst_off +
			      (s - torn_reads[i].src_off);
			b = dst[pos];
			for (k = 1; k < e - s && dst[pos + k] == b; k++)
				;
			if (k < e - s && !torn_pages++)
				snprintf(first, sizeof(first),
					 "read %lu: source page %zu holds "
					 "%#x then %#x from byte %zu", done,
					 s / pg, b, dst[pos + k], k);
			changes += b != last[s / pg];
			last[s / pg] = b;
		}
	}
	if (in_thread) {
		__atomic_store_n(&t.stop, 1, __ATOMIC_RELAXED);
		pthread_join(thread, NULL);
		munmap(t.base, TORN_PAGES * pg);
		ck_assert_msg(t.err == 0, "the thread's remap failed: %s",
			      strerror(t.err));
	} else {
		tlh_fx_child_stop(&c);
	}
	munmap(dst, 6 * pg);
	fprintf(stderr, "reliable: torn_%s: %lu reads, %lu page changes "
		"seen, %lu torn pages, %lu failed\n",
		in_thread ? "thread" : "child", done, changes, torn_pages,
		fails);
	/* reads through /proc/<pid>/mem (no process_vm_readv) check the
	 * maps first, and may find them between two generations */
	ck_assert_msg(!fails || !pvr_works(), "%lu of %lu reads failed "
		      "(error %u)", fails, done, (unsigned int)GetLastError());
	ck_assert_msg(!torn_pages, "%lu torn pages in %lu reads; the first: "
		      "%s", torn_pages, done, first);
	if (changes < 100 && !tlh_fx_under_valgrind())
		skip(in_thread ? "torn_thread" : "torn_child",
		     "the target hardly ran during the reads: little racing");
}

START_TEST(torn_child_pages)
{
	torn(0);
}
END_TEST

START_TEST(torn_thread_pages)
{
	torn(1);
}
END_TEST

/* --- item 5: source and destination overlap ------------------------------- */

static const size_t overlap_sizes[] = {
	8, 64, 100, 4096, 5000, 8192, 16384, 16385, 30000, 65536,
	1024 * KIB + 3,
};

static const long overlap_shifts[] = { 1, 8, 100, 4095, 4096, 5000, 0 };

enum { OV_PID0, OV_GETPID, OV_RPM, OV_TID, OV_WAYS };

static const char *const ov_name[OV_WAYS] = {
	"pid 0", "getpid()", "ReadProcessMemory(GetCurrentProcess())",
	"another thread's id",
};

static void *
park(void *arg)
{
	int *fd = arg;
	char b;

	/* report our id, then wait to be let go */
	pid_t tid = (pid_t)syscall(SYS_gettid);

	if (write(fd[1], &tid, sizeof(tid)) != sizeof(tid))
		return NULL;
	while (read(fd[2], &b, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

/*
 * Read within one buffer of this process, source and destination
 * overlapping by every shift either way, by every way of naming this
 * process; the buffer must end as memmove() leaves it.
 */
START_TEST(overlap_self)
{
	size_t span = 3 * 1024 * KIB, n, so, d, lo, hi, i, k, bad;
	unsigned char *buf = map_rw(span), *want = malloc(span);
	unsigned long cases = 0, wrong = 0;
	int fds[4], pipes[3], w, ret;
	char first[200] = "";
	pthread_t thread;
	long shift;
	pid_t tid;
	BOOL ok;

	ck_assert_ptr_nonnull(want);
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(pipe(fds + 2), 0);
	pipes[0] = fds[0];
	pipes[1] = fds[1];
	pipes[2] = fds[2];
	ret = pthread_create(&thread, NULL, park, pipes);
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(tlh_fx_read_all(fds[0], &tid, sizeof(tid)),
			  sizeof(tid));
	for (w = 0; w < OV_WAYS; w++) {
		for (i = 0; i < ARRAY_SIZE(overlap_sizes); i++) {
			n = overlap_sizes[i];
			so = (span - n) / 2;
			for (k = 0; k < 2 * ARRAY_SIZE(overlap_shifts); k++) {
				shift = overlap_shifts[k / 2];
				if (!shift)
					shift = (long)(n / 2 + 1);
				if ((size_t)shift >= n)
					continue;
				if (k & 1)
					shift = -shift;
				d = (size_t)((long)so + shift);
				/* what may change, and a page either side */
				lo = (so < d ? so : d) - pg;
				hi = (so < d ? d : so) + n + pg;
				tlh_fx_pattern_fill(buf + lo, hi - lo,
						    (unsigned int)k, lo);
				memcpy(want + lo, buf + lo, hi - lo);
				memmove(want + d, want + so, n);
				switch (w) {
				case OV_RPM:
					ok = ReadProcessMemory(
						GetCurrentProcess(), buf + so,
						buf + d, n, NULL);
					break;
				default:
					ok = Toolhelp32ReadProcessMemory(
						w == OV_PID0 ? 0 :
						w == OV_TID ? (DWORD)tid :
						(DWORD)getpid(),
						buf + so, buf + d, n, NULL);
					break;
				}
				cases++;
				if (ok && !memcmp(buf + lo, want + lo, hi - lo))
					continue;
				for (bad = lo; bad < hi && buf[bad] ==
				     want[bad]; bad++)
					;
				if (!wrong++)
					snprintf(first, sizeof(first),
						 "%s, %zu bytes, destination "
						 "%+ld: %s, byte %zu of the "
						 "buffer is not memmove's",
						 ov_name[w], n, shift,
						 ok ? "TRUE" : "FALSE",
						 bad);
			}
		}
	}
	ck_assert_int_eq(write(fds[3], "x", 1), 1);
	pthread_join(thread, NULL);
	close(fds[0]);
	close(fds[1]);
	close(fds[2]);
	close(fds[3]);
	free(want);
	munmap(buf, span);
	ck_assert_msg(!wrong, "%lu of %lu overlapping reads differ from "
		      "memmove(); the first: %s", wrong, cases, first);
}
END_TEST

/* --- item 6: where the count points --------------------------------------- */

/* The ways to read: by pid and through a handle, of self and a child. */
enum { CW_SELF, CW_CHILD, CW_RPM_SELF, CW_RPM_CHILD, CW_WAYS };

static const char *const cw_name[CW_WAYS] = {
	"Toolhelp32ReadProcessMemory(0)", "Toolhelp32ReadProcessMemory(child)",
	"ReadProcessMemory(self)", "ReadProcessMemory(child)",
};

/* Sizes for each internal path: one page, two passes, checked first. */
static const size_t count_sizes[] = { 8, 4096 + 100, 64 * KIB };

struct count_env {
	unsigned char *src;	/* pattern 51 in self and the child */
	size_t src_len;		/* 64 KiB + 200 readable, then PROT_NONE */
	struct tlh_fx_child c;
	HANDLE h;
	unsigned char *dst;
	size_t dst_len;
};

static void
count_env_init(struct count_env *e)
{
	static const struct tlh_fx_piece pieces[] = {
		{ 17, RW }, { 1, PROT_NONE },
	};
	struct tlh_fx_spec spec = { NULL, 0, 0, NULL, 0, 51 };
	size_t len;
	int ret;

	e->src = tlh_fx_layout(pieces, 2, 51, &len);
	ck_assert_ptr_nonnull(e->src);
	e->src_len = len - pg;
	/* the child inherits the layout, pattern and all */
	ret = tlh_fx_child_start(&e->c, &spec);
	ck_assert_msg(ret == 0, "starting a child: %s", strerror(-ret));
	e->h = OpenProcess(PROCESS_VM_READ, FALSE, (DWORD)e->c.pid);
	ck_assert_ptr_nonnull(e->h);
	e->dst_len = 64 * KIB + 2 * pg;
	e->dst = map_rw(e->dst_len);
}

static void
count_env_fini(struct count_env *e)
{
	CloseHandle(e->h);
	tlh_fx_child_stop(&e->c);
	munmap(e->dst, e->dst_len);
	tlh_fx_layout_free(e->src, e->src_len + pg);
}

static BOOL
count_read(const struct count_env *e, int way, const void *src, void *dst,
	   size_t n, SIZE_T *count)
{
	BOOL ok;

	tlh_fx_quiet_begin();
	switch (way) {
	case CW_SELF:
		ok = Toolhelp32ReadProcessMemory(0, src, dst, n, count);
		break;
	case CW_CHILD:
		ok = Toolhelp32ReadProcessMemory((DWORD)e->c.pid, src, dst, n,
						 count);
		break;
	case CW_RPM_SELF:
		ok = ReadProcessMemory(GetCurrentProcess(), src, dst, n, count);
		break;
	default:
		ok = ReadProcessMemory(e->h, src, dst, n, count);
		break;
	}
	tlh_fx_quiet_end();
	return ok;
}

/*
 * A count the caller cannot write (read-only, unmapped, or running from a
 * writable page into a read-only one): every read fails with
 * ERROR_NOACCESS and writes nothing, neither the count nor the buffer,
 * whether the source is readable or not.
 */
START_TEST(count_unwritable)
{
	static const struct tlh_fx_piece cpieces[] = {
		{ 1, RW }, { 1, PROT_READ }, { 1, HOLE },
	};
	struct count_env e;
	unsigned char *cmap, *spots[3], before[16];
	size_t len, i, s, n, bad;
	int way, sp, good;
	const void *src;
	BOOL ok;

	count_env_init(&e);
	cmap = tlh_fx_layout(cpieces, 3, 52, &len);
	ck_assert_ptr_nonnull(cmap);
	spots[0] = cmap + pg + 64;		/* read-only */
	spots[1] = cmap + 2 * pg + 64;		/* a hole */
	spots[2] = cmap + pg - 4;		/* writable into read-only */
	for (way = 0; way < CW_WAYS; way++) {
		for (s = 0; s < ARRAY_SIZE(count_sizes); s++) {
			n = count_sizes[s];
			for (good = 1; good >= 0; good--) {
				/* a readable source, or one running into
				 * the PROT_NONE page */
				src = good ? e.src + 100 :
				      e.src + e.src_len - n + 8;
				for (sp = 0; sp < 3; sp++) {
					tlh_fx_canary_fill(e.dst, e.dst_len);
					if (sp != 1)
						memcpy(before, spots[sp] - 4,
						       sizeof(before));
					SetLastError(0);
					ok = count_read(&e, way, src, e.dst + 5,
							n, (SIZE_T *)(void *)
							spots[sp]);
					ck_assert_msg(!ok && GetLastError() ==
						      ERROR_NOACCESS,
						      "%s, %zu bytes, %s "
						      "source, count %s: %d, "
						      "error %u", cw_name[way],
						      n, good ? "readable" :
						      "unreadable", sp == 0 ?
						      "read-only" : sp == 1 ?
						      "unmapped" :
						      "across into read-only",
						      ok, (unsigned int)
						      GetLastError());
					bad = tlh_fx_canary_check(e.dst,
								  e.dst_len);
					ck_assert_msg(bad == e.dst_len,
						      "%s, %zu bytes: the "
						      "buffer changed at %zu",
						      cw_name[way], n, bad);
					if (sp != 1)
						ck_assert_msg(!memcmp(before,
							spots[sp] - 4,
							sizeof(before)),
							"%s: the count's bytes "
							"changed", cw_name[way]);
				}
			}
		}
	}
	/* zero-length reads store the count too */
	ck_assert(!Toolhelp32ReadProcessMemory(0, e.src, e.dst, 0,
					       (SIZE_T *)(void *)spots[0]));
	ck_assert_uint_eq(GetLastError(), ERROR_NOACCESS);
	ck_assert(!ReadProcessMemory(e.h, e.src, e.dst, 0,
				     (SIZE_T *)(void *)spots[0]));
	ck_assert_uint_eq(GetLastError(), ERROR_NOACCESS);
	/* a process that cannot be reached comes first: the count is not
	 * written, so it does not matter where it points */
	i = (size_t)tlh_fx_dead_pid();
	ck_assert(!Toolhelp32ReadProcessMemory((DWORD)i, e.src, e.dst, 8,
					       (SIZE_T *)(void *)spots[0]));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	tlh_fx_layout_free(cmap, len);
	count_env_fini(&e);
}
END_TEST

/*
 * A count inside the buffer is written after the data, as Windows does:
 * on success it holds the count over the data; after a failure it holds
 * 0, and every other byte of the buffer is untouched.
 */
START_TEST(count_in_buffer)
{
	struct count_env e;
	size_t s, n, off, bad;
	SIZE_T *count, c;
	unsigned char *b;
	int way, good;
	const void *src;
	BOOL ok;

	count_env_init(&e);
	for (way = 0; way < CW_WAYS; way++) {
		for (s = 0; s < ARRAY_SIZE(count_sizes); s++) {
			n = count_sizes[s];
			if (n < 2 * sizeof(SIZE_T))
				continue;
			for (good = 1; good >= 0; good--) {
				src = good ? e.src + 100 :
				      e.src + e.src_len - n + 8;
				b = e.dst + 8;
				off = n / 2 & ~(sizeof(SIZE_T) - 1);
				count = (SIZE_T *)(void *)(b + off);
				tlh_fx_canary_fill(e.dst, e.dst_len);
				ok = count_read(&e, way, src, b, n, count);
				memcpy(&c, count, sizeof(c));
				if (good) {
					ck_assert_msg(ok && c == n,
						      "%s, %zu bytes: %d, "
						      "count %zu", cw_name[way],
						      n, ok, (size_t)c);
					/* the data around the count */
					ck_assert_uint_eq(
						tlh_fx_pattern_check(b, off,
								     51, 100),
						off);
					continue;
				}
				ck_assert_msg(!ok && GetLastError() ==
					      ERROR_PARTIAL_COPY && c == 0,
					      "%s, %zu bytes, failing: %d, "
					      "error %u, count %zu",
					      cw_name[way], n, ok,
					      (unsigned int)GetLastError(),
					      (size_t)c);
				bad = tlh_fx_canary_check(e.dst, (size_t)
							  ((unsigned char *)
							   count - e.dst));
				ck_assert_msg((unsigned char *)count - e.dst ==
					      (long)bad, "%s: byte %zu "
					      "changed", cw_name[way], bad);
				off = (size_t)((unsigned char *)(count + 1) -
					       e.dst);
				bad = tlh_fx_canary_check(e.dst + off,
							  e.dst_len - off);
				ck_assert_msg(bad == e.dst_len - off,
					      "%s: byte %zu after the count "
					      "changed", cw_name[way], bad);
			}
		}
	}
	count_env_fini(&e);
}
END_TEST

/*
 * A count inside the source, in this process: the data read is the
 * source as it was before the call, and the count is written after it.
 */
START_TEST(count_in_source)
{
	size_t sizes[] = { 64, 4096 + 100, 64 * KIB }, i, n, off;
	unsigned char *src = map_rw(128 * KIB), *dst = map_rw(128 * KIB);
	SIZE_T *count, c;
	BOOL ok;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		n = sizes[i];
		tlh_fx_pattern_fill(src, 128 * KIB, 53, 0);
		off = n / 2 & ~(sizeof(SIZE_T) - 1);
		count = (SIZE_T *)(void *)(src + off);
		ok = Toolhelp32ReadProcessMemory(0, src, dst, n, count);
		memcpy(&c, count, sizeof(c));
		ck_assert_msg(ok && c == n, "%zu bytes: %d, count %zu", n, ok,
			      (size_t)c);
		ck_assert_msg(tlh_fx_pattern_check(dst, n, 53, 0) == n,
			      "%zu bytes: the copy holds byte %zu of the "
			      "count, not the source", n,
			      tlh_fx_pattern_check(dst, n, 53, 0));
	}
	munmap(src, 128 * KIB);
	munmap(dst, 128 * KIB);
}
END_TEST


/* --- item 8: one process from start to end -------------------------------- */

/* A child that fills @len bytes at @mem with pattern @seed, then waits on
 * @hold until it is killed; its pid, or -errno. */
static pid_t
holder(unsigned char *mem, size_t len, unsigned int seed, int hold)
{
	pid_t parent = getpid(), pid;
	int ready[2], err;
	char b;

	if (pipe2(ready, O_CLOEXEC))
		return -errno;
	pid = fork();
	err = errno;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		tlh_fx_pattern_fill(mem, len, seed, 0);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		while (read(hold, &b, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(ready[1]);
	if (pid > 0 && tlh_fx_read_all(ready[0], &b, 1) != 1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -EPIPE;
	}
	close(ready[0]);
	return pid == -1 ? -err : pid;
}

#ifdef HAVE_LINUX_USERFAULTFD_H
#define NS_LAST_PID	"/proc/sys/kernel/ns_last_pid"

/*
 * While a large read of process P waits on a page of its destination (a
 * userfaultfd), P dies and its pid goes to Q, a copy of P with other
 * bytes at the same address.  The read began with P and must not answer
 * with Q's memory.
 */
struct reuse {
	int uffd;
	unsigned char *dst;
	size_t dst_len;
	unsigned char *mem;	/* the source, in P and in Q */
	size_t mem_len;
	int hold;		/* Q waits for it to close */
	pid_t first;		/* P */
	pid_t second;		/* Q, or -1 */
	int faults;
	int read_second;	/* read Q by pid meanwhile, from the handler */
	int second_read;	/* and that read worked */
	int take_pidfds;	/* put an empty pipe over every pidfd */
	int taken[8];		/* those descriptors, then the writer */
	int ntaken;
};

/* Where descriptor @fd leads, in @link: the length, or 0 or -1. */
static ssize_t
fd_link(int fd, char *link, size_t size)
{
	char path[64];
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	len = readlink(path, link, size - 1);
	if (len > 0)
		link[len] = '\0';
	return len;
}

/*
 * Whether the library keeps a pidfd of each process it reads by pid:
 * where process_vm_readv() works and pidfds have inodes of their own
 * (pidfs, Linux 6.9+).
 */
static int
keeps_pidfds(void)
{
	struct iovec local, remote;
	struct statfs fs;
	unsigned char b = 0, from = 1;
	int fd, ret;

	local.iov_base = &b;
	local.iov_len = 1;
	remote.iov_base = &from;
	remote.iov_len = 1;
	if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != 1)
		return 0;
	fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (fd < 0)
		return 0;
	ret = !fstatfs(fd, &fs) && fs.f_type == 0x50494446;	/* PIDFS */
	close(fd);
	return ret;
}

/*
 * What a program that closes descriptors it did not open and gets the
 * numbers back for its own files does to the library: every pidfd of this
 * process becomes the read end of an empty pipe, which poll() finds as it
 * finds a live process's pidfd.
 */
static void
take_pidfds(struct reuse *r)
{
	struct dirent *de;
	char link[64];
	int p[2], fd;
	DIR *d;

	if (pipe2(p, O_CLOEXEC))
		return;
	d = opendir("/proc/self/fd");
	while (d && (de = readdir(d)) && r->ntaken < 7) {
		fd = atoi(de->d_name);
		if (fd_link(fd, link, sizeof(link)) <= 0)
			continue;
		if (strstr(link, "pidfd") && fd != dirfd(d) &&
		    dup3(p[0], fd, O_CLOEXEC) == fd)
			r->taken[r->ntaken++] = fd;
	}
	if (d)
		closedir(d);
	close(p[0]);
	r->taken[r->ntaken++] = p[1];	/* a writer: no POLLHUP */
}

/* fork() without the library's atfork handlers: the child of a process
 * whose read is stalled needs nothing of them. */
static pid_t
raw_fork(void)
{
	return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
}

/* In the fault handler: P dies, Q takes its pid. */
static void
reuse_swap(struct reuse *r)
{
	char num[24];
	int tries, fd, len;
	pid_t q;
	char b;

	kill(r->first, SIGKILL);
	waitpid(r->first, NULL, 0);
	for (tries = 0; tries < 50; tries++) {
		fd = open(NS_LAST_PID, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return;
		len = snprintf(num, sizeof(num), "%d", (int)r->first - 1);
		if (write(fd, num, (size_t)len) != len) {
			close(fd);
			return;
		}
		q = raw_fork();
		close(fd);
		if (q == 0) {
			tlh_fx_pattern_fill(r->mem, r->mem_len, 2, 0);
			syscall(SYS_read, r->hold, &b, 1);
			syscall(SYS_exit_group, 0);
		}
		if (q < 0)
			return;
		if (q == r->first) {
			r->second = q;
			return;
		}
		kill(q, SIGKILL);
		waitpid(q, NULL, 0);
	}
}

/*
 * The size of a reuse test's read: 16 pages up to 64 KiB, one system call
 * of probes and data; or with @big 64 pages up to 256 KiB, checked against
 * the maps and then copied.
 */
static size_t
reuse_len(int big)
{
	size_t pages = big ? 64 : 16, cap = big ? 262144 : 65536;

	return pages * pg < cap ? pages * pg : cap;
}

/* P: @n bytes at r->mem (pattern 3 here, 1 in P), held by @hold[0]. */
static void
reuse_start(struct reuse *r, size_t n, int hold[2])
{
	r->mem_len = n;
	r->mem = map_rw(n);
	tlh_fx_pattern_fill(r->mem, n, 3, 0);
	ck_assert_int_eq(pipe2(hold, O_CLOEXEC), 0);
	r->hold = hold[0];
	r->first = holder(r->mem, n, 1, hold[0]);
	ck_assert_msg(r->first > 0, "starting P: %s", strerror(-r->first));
}

static void *
reuse_handler(void *arg)
{
	struct reuse *r = arg;
	struct pollfd p = { r->uffd, POLLIN, 0 };
	struct uffdio_copy cp;
	struct uffd_msg m;
	unsigned char *zero, *got_q;
	size_t off;

	zero = calloc(1, pg);
	if (!zero)
		return NULL;
	while (poll(&p, 1, 20000) > 0) {
		if (read(r->uffd, &m, sizeof(m)) != sizeof(m))
			continue;
		if (m.event != UFFD_EVENT_PAGEFAULT)
			continue;
		if (!r->faults++) {
			reuse_swap(r);
			/* another thread reads the pid's new process: what the
			 * library keeps of the pid is then Q's */
			if (r->read_second && r->second > 0) {
				got_q = malloc(r->mem_len);
				r->second_read = got_q &&
					Toolhelp32ReadProcessMemory(
						(DWORD)r->second, r->mem,
						got_q, r->mem_len, NULL);
				free(got_q);
			}
			if (r->take_pidfds)
				take_pidfds(r);
		}
		/* every page at once: no fault comes again */
		for (off = 0; off < r->dst_len; off += pg) {
			cp.dst = (uintptr_t)(r->dst + off);
			cp.src = (uintptr_t)zero;
			cp.len = pg;
			cp.mode = 0;
			cp.copy = 0;
			ioctl(r->uffd, UFFDIO_COPY, &cp);
		}
		break;
	}
	free(zero);
	return NULL;
}

/*
 * A read by pid that began with one process and finds another holding the
 * pid after its copy fails: on the first read of that process (_i 0: the
 * library learns it in that call), on a later one (_i 1), and when another
 * thread reads the pid's new process while the read waits (_i 2: the
 * library then keeps the new process's pidfd, not the one the read was
 * pinned by), and when the program puts files of its own at the numbers
 * of the library's pidfds while the read waits (_i 3).  The process that
 * took the pid is then read as any other.
 * Each case twice: 64 KiB (_i 0-3), one system call of probes and data,
 * and 256 KiB (_i 4-7), checked against the maps and then copied.
 */
START_TEST(pid_reuse_during_read)
{
	struct uffdio_register reg;
	struct uffdio_api api;
	size_t n = reuse_len(_i >= 4);
	struct reuse r;
	pthread_t thread;
	int hold[2], memfd, ret;
	SIZE_T got = COUNT_UNSET;
	unsigned char b, *warm = NULL;
	int tries;
	BOOL ok;

	if (geteuid() != 0 || access(NS_LAST_PID, W_OK)) {
		skip("pid_reuse_during_read", "needs root to choose a pid "
		     "(ns_last_pid)");
		return;
	}
	if (tlh_fx_under_valgrind()) {
		skip("pid_reuse_during_read", "no userfaultfd under valgrind");
		return;
	}
	memset(&r, 0, sizeof(r));
	r.second = -1;
	r.read_second = _i % 4 == 2;
	r.take_pidfds = _i % 4 == 3;
	r.uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	memset(&api, 0, sizeof(api));
	api.api = UFFD_API;
	if (r.uffd < 0 || ioctl(r.uffd, UFFDIO_API, &api)) {
		skip("pid_reuse_during_read", "no userfaultfd here");
		if (r.uffd >= 0)
			close(r.uffd);
		return;
	}
	reuse_start(&r, n, hold);

	/* the destination: a memfd's pages, each a fault to handle */
	memfd = memfd_create("tlh-reuse", MFD_CLOEXEC);
	ck_assert_int_ge(memfd, 0);
	r.dst_len = n + pg;
	ck_assert_int_eq(ftruncate(memfd, (off_t)r.dst_len), 0);
	r.dst = mmap(NULL, r.dst_len, RW, MAP_SHARED, memfd, 0);
	ck_assert_ptr_ne(r.dst, MAP_FAILED);
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)r.dst;
	reg.range.len = r.dst_len;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(r.uffd, UFFDIO_REGISTER, &reg)) {
		skip("pid_reuse_during_read", "userfaultfd takes no shared "
		     "memory here");
		goto out;
	}
	ret = pthread_create(&thread, NULL, reuse_handler, &r);
	ck_assert_int_eq(ret, 0);
	/* a program that has read before: the library knows its reads work,
	 * and takes the path of reads up to 128 KiB */
	ck_assert(Toolhelp32ReadProcessMemory(0, &n, &b, 1, NULL));
	if (_i % 4) {
		warm = malloc(n);
		ck_assert_ptr_nonnull(warm);
		ck_assert(Toolhelp32ReadProcessMemory((DWORD)r.first, r.mem,
						      warm, n, NULL));
		ck_assert_uint_eq(tlh_fx_pattern_check(warm, n, 1, 0), n);
	}
	ok = Toolhelp32ReadProcessMemory((DWORD)r.first, r.mem, r.dst + 8, n,
					 &got);
	pthread_join(thread, NULL);
	if (!r.faults) {
		ck_assert_msg(0, "the read never touched its destination "
			      "before copying");
	} else if (r.second < 0) {
		skip("pid_reuse_during_read", "the pid was not handed out "
		     "again");
	} else {
		if (r.read_second)
			ck_assert_msg(r.second_read, "reading the pid's new "
				      "process from the handler failed");
		if (r.take_pidfds && r.ntaken <= 1) {
			ck_assert_msg(!keeps_pidfds(), "no pidfd of the "
				      "library's to take");
			skip("pid_reuse_during_read", "_i 3, 7: the library keeps "
			     "no pidfds here (no process_vm_readv, or before "
			     "Linux 6.9), so there are none to take");
		}
		ck_assert_msg(!ok, "the read began with one process and "
			      "returned %s of the process that took its pid",
			      tlh_fx_pattern_check(r.dst + 8, n, 2, 0) == n ?
			      "the memory" : "part of the memory");
		ck_assert_uint_eq(GetLastError(), ERROR_PARTIAL_COPY);
		ck_assert_uint_eq(got, 0);
		/* the pid's new process, read as any other (once it has
		 * written its pattern) */
		if (!warm)
			warm = malloc(n);
		ck_assert_ptr_nonnull(warm);
		for (tries = 0; tries < 2000; tries++) {
			ck_assert(Toolhelp32ReadProcessMemory((DWORD)r.second,
							      r.mem, warm, n,
							      NULL));
			if (tlh_fx_pattern_check(warm, n, 2, 0) == n)
				break;
			usleep(1000);
		}
		ck_assert_uint_eq(tlh_fx_pattern_check(warm, n, 2, 0), n);
	}
out:
	free(warm);
	while (r.ntaken)
		close(r.taken[--r.ntaken]);
	if (r.second > 0) {
		kill(r.second, SIGKILL);
		waitpid(r.second, NULL, 0);
	} else if (!r.faults) {
		kill(r.first, SIGKILL);
		waitpid(r.first, NULL, 0);
	}
	close(hold[0]);
	close(hold[1]);
	munmap(r.dst, r.dst_len);
	close(memfd);
	close(r.uffd);
	munmap(r.mem, n);
}
END_TEST

/*
 * The first read after a pid changed hands between two calls reads the
 * new process, and succeeds, even where the program has put files of its
 * own at the numbers of the library's pidfds meanwhile: what poll() says
 * of such a file says nothing of the old process.  At 64 KiB (_i 0) and
 * 256 KiB (_i 1).
 */
START_TEST(pid_reuse_between_reads)
{
	size_t n = reuse_len(_i);
	unsigned char *got;
	struct reuse r;
	int hold[2], tries;
	char link[64];
	BOOL ok;

	if (geteuid() != 0 || access(NS_LAST_PID, W_OK)) {
		skip("pid_reuse_between_reads", "needs root to choose a pid "
		     "(ns_last_pid)");
		return;
	}
	memset(&r, 0, sizeof(r));
	r.second = -1;
	reuse_start(&r, n, hold);
	got = malloc(n);
	ck_assert_ptr_nonnull(got);
	/* the library learns P, and keeps a pidfd of it */
	ck_assert(Toolhelp32ReadProcessMemory((DWORD)r.first, r.mem, got, n,
					      NULL));
	ck_assert_uint_eq(tlh_fx_pattern_check(got, n, 1, 0), n);

	take_pidfds(&r);
	reuse_swap(&r);
	if (r.second < 0) {
		skip("pid_reuse_between_reads", "the pid was not handed out "
		     "again");
	} else if (r.ntaken <= 1) {
		ck_assert_msg(!keeps_pidfds(), "no pidfd of the library's to "
			      "take");
		skip("pid_reuse_between_reads", "the library keeps no pidfds "
		     "here (no process_vm_readv, or before Linux 6.9)");
	} else {
		ok = Toolhelp32ReadProcessMemory((DWORD)r.second, r.mem, got,
						 n, NULL);
		ck_assert_msg(ok, "the first read of the process that took "
			      "the pid between two reads failed: error %u",
			      (unsigned int)GetLastError());
		/* Q, once it has written its pattern */
		for (tries = 0; tries < 2000 &&
		     tlh_fx_pattern_check(got, n, 2, 0) != n; tries++) {
			usleep(1000);
			ck_assert(Toolhelp32ReadProcessMemory(
					(DWORD)r.second, r.mem, got, n, NULL));
		}
		ck_assert_uint_eq(tlh_fx_pattern_check(got, n, 2, 0), n);
		/* and the program's files were left alone */
		for (tries = 0; tries < r.ntaken - 1; tries++) {
			ck_assert_int_gt(fd_link(r.taken[tries], link,
						 sizeof(link)), 0);
			ck_assert_msg(strstr(link, "pipe:"), "descriptor %d "
				      "the program put there is now %s",
				      r.taken[tries], link);
		}
	}
	free(got);
	while (r.ntaken)
		close(r.taken[--r.ntaken]);
	close(hold[1]);
	/* P is reaped already (reuse_swap()): its pid may be another's */
	if (r.second > 0) {
		kill(r.second, SIGKILL);
		waitpid(r.second, NULL, 0);
	}
	close(hold[0]);
	munmap(r.mem, n);
}
END_TEST
#endif /* HAVE_LINUX_USERFAULTFD_H */

/* --- item 9: a kept descriptor and a new address space -------------------- */

struct vm_child {
	int go;
	const char *path;
	char *const *argv;
};

/* Shares the test's memory until told to exec. */
static int
vm_child_main(void *arg)
{
	struct vm_child *v = arg;
	char b;

	syscall(SYS_read, v->go, &b, 1);
	syscall(SYS_execve, v->path, v->argv, environ);
	syscall(SYS_exit, 127);
	return 0;
}

/* The [stack] of @pid from its maps text: 0, or -1. */
static int
stack_of(pid_t pid, uintptr_t *start, uintptr_t *end)
{
	char path[64], line[512];
	unsigned long s, e;
	int ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[stack]") &&
		    sscanf(line, "%lx-%lx", &s, &e) == 2) {
			*start = s;
			*end = e;
			ret = 0;
		}
	fclose(f);
	return ret;
}

/*
 * A child that shares the test's memory (CLONE_VM) is read, so the
 * library keeps descriptors bound to that address space; the child then
 * calls execve() and has an address space of its own, while the old one
 * lives on in the test.  Reads of the child must be checked against its
 * new maps: its stack reads, the test's memory does not.
 */
START_TEST(cache_new_address_space)
{
	static char arg1[] = "30";
	const char *sleep_path = access("/bin/sleep", X_OK) ?
				 "/usr/bin/sleep" : "/bin/sleep";
	char *argv[] = { (char *)sleep_path, arg1, NULL };
	size_t n = 16 * pg, bad, i;
	unsigned char *mem = map_rw(n), *buf = map_rw(n), *want = map_rw(n);
	unsigned char *stack = map_rw(64 * KIB), v;
	char exe[PATH_MAX], real[PATH_MAX];
	struct vm_child vc;
	uintptr_t s, e;
	int go[2], tries, memfd;
	SIZE_T got;
	pid_t pid;
	BOOL ok;

	if (tlh_fx_under_valgrind()) {
		skip("cache_new_address_space", "valgrind runs no CLONE_VM "
		     "child");
		return;
	}
	if (tlh_fx_skip_emulated("cache_new_address_space", "qemu-user "
				 "makes no CLONE_VM child without "
				 "CLONE_THREAD (EINVAL)"))
		return;
	ck_assert_ptr_nonnull(realpath(sleep_path, real));
	tlh_fx_pattern_fill(mem, n, 81, 0);
	ck_assert_int_eq(pipe2(go, O_CLOEXEC), 0);
	vc.go = go[0];
	vc.path = sleep_path;
	vc.argv = argv;
	pid = clone(vm_child_main, stack + 64 * KIB, CLONE_VM | SIGCHLD, &vc);
	ck_assert_int_gt(pid, 0);

	/* while it shares our memory: it reads as ours */
	ck_assert_msg(Toolhelp32ReadProcessMemory((DWORD)pid, mem, buf, n,
						  &got),
		      "reading the CLONE_VM child: error %u",
		      (unsigned int)GetLastError());
	ck_assert_uint_eq(tlh_fx_pattern_check(buf, n, 81, 0), n);

	ck_assert_int_eq(write(go[1], "x", 1), 1);
	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)pid);
	for (tries = 0; tries < 500; tries++) {
		ssize_t len = readlink(exe, (char *)buf, n - 1);

		if (len > 0 && (buf[len] = '\0', !strcmp((char *)buf, real)))
			break;
		usleep(10000);
	}
	ck_assert_msg(tries < 500, "the child did not exec %s", real);
	ck_assert_int_eq(stack_of(pid, &s, &e), 0);
	ck_assert_msg(e - s >= n, "the child's stack is %zu bytes",
		      (size_t)(e - s));
	s = e - n;
	for (i = 0; i < n; i += pg)
		if (!mincore((void *)(s + i), pg, &v) || errno != ENOMEM)
			break;
	if (i < n) {
		skip("cache_new_address_space", "the child's stack lies where "
		     "the test has memory");
		goto out;
	}

	/* its own stack, which is nowhere in the test's memory: read until
	 * it stands still (the child may still be starting) */
	snprintf(exe, sizeof(exe), "/proc/%d/mem", (int)pid);
	memfd = open(exe, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(memfd, 0);
	for (tries = 0; tries < 100; tries++) {
		tlh_fx_canary_fill(buf, n);
		ok = Toolhelp32ReadProcessMemory((DWORD)pid, (LPCVOID)s, buf,
						 n, &got);
		ck_assert_msg(ok, "after exec, the child's stack: error %u "
			      "(checked against the maps of the test?)",
			      (unsigned int)GetLastError());
		ck_assert_int_eq(pread(memfd, want, n, (off_t)s), (ssize_t)n);
		for (bad = 0; bad < n && buf[bad] == want[bad]; bad++)
			;
		if (bad == n)
			break;
		usleep(20000);
	}
	close(memfd);
	ck_assert_msg(bad == n, "after exec, byte %zu of the child's stack "
		      "differs from /proc/<pid>/mem's", bad);

	/* and the test's memory is not the child's any more */
	if (mincore(mem, pg, &v) == 0) {
		tlh_fx_canary_fill(buf, n);
		ok = Toolhelp32ReadProcessMemory((DWORD)pid, mem, buf, n,
						 &got);
		ck_assert_msg(!ok || tlh_fx_pattern_check(buf, n, 81, 0) != n,
			      "after exec, the test's memory read as the "
			      "child's");
	}
out:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(go[0]);
	close(go[1]);
	munmap(stack, 64 * KIB);
	munmap(want, n);
	munmap(buf, n);
	munmap(mem, n);
}
END_TEST

/* --- item 10: descriptors the program closed and reused ------------------- */

/* Whether this kernel answers PROCMAP_QUERY (Linux 6.11+) and the library
 * was not told to read the text. */
static int
query_path(void)
{
	const char *force = getenv("TLHELP32_FORCE_MAPS_TEXT");
	uint64_t q[13];
	int fd, ok;

	if (force && *force && strcmp(force, "0"))
		return 0;
	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	memset(q, 0, sizeof(q));
	q[0] = sizeof(q);		/* size */
	q[1] = 0x10;			/* COVERING_OR_NEXT_VMA */
	q[2] = (uintptr_t)&q;		/* an address on our stack */
	ok = ioctl(fd, _IOWR('f', 17, uint64_t[13]), q) == 0;
	close(fd);
	return ok;
}

#define THEIRS_MAX	64
#define USER_TEXT	"the program's own file"
#define USER_OFF	5

/* The program's files: each still open, at its offset, unchanged. */
static int
theirs_intact(const int *fd, int n, const char *when)
{
	char buf[sizeof(USER_TEXT)];
	int i;

	for (i = 0; i < n; i++) {
		if (fcntl(fd[i], F_GETFD) < 0)
			return flunk("%s: the program's descriptor %d was "
				     "closed", when, fd[i]);
		if (lseek(fd[i], 0, SEEK_CUR) != USER_OFF)
			return flunk("%s: the program's descriptor %d was "
				     "seeked", when, fd[i]);
		if (pread(fd[i], buf, sizeof(buf), 0) != sizeof(buf) ||
		    memcmp(buf, USER_TEXT, sizeof(buf)))
			return flunk("%s: the program's file %d changed",
				     when, fd[i]);
	}
	return TLH_FX_PASS;
}

static int
stolen_fn(void *arg)
{
	/* past 128 KiB: a read the maps check, with kept descriptors */
	size_t n = 40 * pg + 100;
	unsigned char *mem = mmap(NULL, n, RW, MAP_PRIVATE | MAP_ANONYMOUS,
				  -1, 0);
	int theirs[THEIRS_MAX], ntheirs = 0, hold[2], fd, top = 0, ret, i;
	pid_t kids[5] = { 0 }, pid;
	long long r0, r1, r2, r3;
	struct dirent *de;
	char link[64];
	DIR *dir;
	int status;

	(void)arg;
	if (mem == MAP_FAILED || pipe2(hold, O_CLOEXEC))
		return flunk("setting up: %s", strerror(errno));
	tlh_fx_pattern_fill(mem, n, 91, 0);
	/* high, where the scenario's closing leaves them */
	if (dup3(hold[0], SCENARIO_FDS + 1, O_CLOEXEC) < 0 ||
	    dup3(hold[1], SCENARIO_FDS + 2, O_CLOEXEC) < 0)
		return flunk("dup3: %s", strerror(errno));
	close(hold[0]);
	close(hold[1]);
	for (i = 0; i < 5; i++) {
		kids[i] = holder(mem, n, 91, SCENARIO_FDS + 1);
		if (kids[i] < 0)
			return flunk("a child: %s", strerror(-kids[i]));
	}

	/* the library keeps descriptors of the first child and of itself */
	ret = large_ok(0, mem, n, 91, "self");
	if (!ret)
		ret = large_ok((DWORD)kids[0], mem, n, 91, "a child");
	if (ret)
		return ret;
	dir = opendir("/proc/self/fd");
	if (!dir)
		return flunk("/proc/self/fd: %s", strerror(errno));
	while ((de = readdir(dir))) {
		fd = atoi(de->d_name);
		if (fd_link(fd, link, sizeof(link)) <= 0)
			continue;
		if (((!strncmp(link, "/proc/", 6) &&
		      (strstr(link, "/maps") || strstr(link, "/pagemap"))) ||
		     strstr(link, "pidfd")) && fd > top)
			top = fd;
	}
	closedir(dir);
	if (!top)
		return flunk("the library kept no descriptor of a maps file");

	/* closefrom(3), and files of the program's own at those numbers */
	for (fd = 3; fd < SCENARIO_FDS; fd++)
		close(fd);
	while (ntheirs < THEIRS_MAX) {
		fd = memfd_create("theirs", MFD_CLOEXEC);
		if (fd < 0 || write(fd, USER_TEXT, sizeof(USER_TEXT)) !=
			      sizeof(USER_TEXT) ||
		    lseek(fd, USER_OFF, SEEK_SET) != USER_OFF)
			return flunk("the program's file: %s",
				     strerror(errno));
		theirs[ntheirs++] = fd;
		if (fd >= top)
			break;
	}

	ret = large_ok(0, mem, n, 91, "self, descriptors reused");
	if (!ret)
		ret = large_ok((DWORD)kids[0], mem, n, 91,
			       "a child, descriptors reused");
	if (!ret)
		ret = theirs_intact(theirs, ntheirs, "after the reads");
	if (ret)
		return ret;

	/* no slow path for good: the ioctl still answers (valgrind makes
	 * read() calls of its own; /proc/<pid>/mem is read with pread()) */
	if (query_path() && !tlh_fx_under_valgrind() && pvr_works()) {
		r0 = selfio_reads(NULL);
		r1 = selfio_reads(NULL);
		r2 = selfio_reads(NULL);
		ret = large_ok((DWORD)kids[0], mem, n, 91, "a child again");
		r3 = selfio_reads(NULL);
		if (ret)
			return ret;
		if (r0 < 0 || r3 - r2 - (r1 - r0) > 0)
			return flunk("a large read now reads the maps text "
				     "(%lld read() calls): PROCMAP_QUERY was "
				     "given up for good", r3 - r2 - (r1 - r0));
	}

	/* a child's fork() handler closes only the library's own */
	pid = fork();
	if (pid == 0)
		_exit(theirs_intact(theirs, ntheirs, "in a forked child"));
	if (pid < 0 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		return flunk("a forked child found the program's files "
			     "closed");

	/* and so does the eviction of the entries they were */
	for (i = 1; i < 5 && !ret; i++)
		ret = large_ok((DWORD)kids[i], mem, n, 91, "more children");
	if (!ret)
		ret = theirs_intact(theirs, ntheirs, "after evictions");
	for (i = 0; i < 5; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	return ret;
}

START_TEST(cache_descriptors_reused)
{
	scenario("cache_descriptors_reused", stolen_fn, NULL);
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

Suite *
reliable_suite(void)
{
	Suite *s = suite_create("reliable");
	TCase *tc;

	tc = tcase(s, "layout", 30);
	tcase_add_test(tc, hole_stays_hole);

	tc = tcase(s, "descriptors", 60);
	tcase_add_test(tc, no_free_descriptor);
	tcase_add_test(tc, cache_new_address_space);
	tcase_add_test(tc, cache_descriptors_reused);

#ifdef HAVE_LINUX_USERFAULTFD_H
	tc = tcase(s, "pid", 60);
	tcase_add_loop_test(tc, pid_reuse_during_read, 0, 8);
	tcase_add_loop_test(tc, pid_reuse_between_reads, 0, 2);
#endif

	tc = tcase(s, "torn", 120);
	tcase_add_test(tc, torn_child_pages);
	tcase_add_test(tc, torn_thread_pages);

	tc = tcase(s, "overlap", 120);
	tcase_add_test(tc, overlap_self);

	tc = tcase(s, "count", 60);
	tcase_add_test(tc, count_unwritable);
	tcase_add_test(tc, count_in_buffer);
	tcase_add_test(tc, count_in_source);

	return s;
}
