/*
 * soak.c - every function of the library called hundreds of thousands of
 * times, failures included, from several threads at once, while the
 * process's descriptors and memory are watched.
 *
 * SOAK_THREADS threads (4) run the same mix for SOAK_SECONDS (20):
 * Toolhelp32ReadProcessMemory of this process and of a forked child, small
 * and large, succeeding and failing every way it can (unmapped, PROT_NONE,
 * running into PROT_NONE, NULL and read-only destination, wrapping range,
 * no such pid, a zombie); the same through process handles
 * (OpenProcess, ReadProcessMemory, GetPriorityClass, CloseHandle: opened,
 * used, refused for a missing right, closed twice, and the pseudo-handle);
 * GetLastError/SetLastError; and, every few
 * rounds, snapshots of every kind (processes, threads, modules of this
 * process and of the child, 32-bit modules, heaps) walked to the end in
 * their A and W forms, heap blocks walked with Heap32First/Next to the end
 * and refused (NULL entry, dwSize 0, no such pid, not a heap), snapshots
 * that fail (zombie, thread id, no such pid), and calls on closed,
 * made-up and NULL handles and NULL or short entries.  Every result is
 * checked against what the manual pages promise; a wrong one fails the
 * test.  Each call whose result is checked counts once.
 *
 * After a warm-up (a fifth of the time) and at the end, with every thread
 * parked between two rounds, the process's open descriptors
 * (/proc/self/fd), heap in use (mallinfo2(), or the sanitizer's count
 * under AddressSanitizer) and resident size (VmRSS) are taken.  The test
 * fails if a descriptor was gained, the heap grew by more than 256 KiB or
 * the resident size by more than 4 MiB (not checked under
 * AddressSanitizer, whose quarantine keeps freed memory resident).
 *
 * Output: one line (wrapped here),
 *	soak: N calls in S s (T threads), fds A->B, heap X->Y,
 *	rss P->Q KiB, W wrong: PASS
 * and the first few wrong results before it.  Exit status 0, 1 (FAIL) or
 * 77 (cannot run here: no /proc, no fork).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "primap.h"
#include "readable.h"

#include "windows.h"

#if defined(__SANITIZE_ADDRESS__)
#define SOAK_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SOAK_ASAN	1
#endif
#endif

#ifdef SOAK_ASAN
/* From <sanitizer/allocator_interface.h>, which gcc does not install. */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

#define MAX_THREADS	16
#define SMALL		64
#define LARGE		((size_t)256 << 10)	/* past the 16 KiB small path */
#define HEAP_MARGIN	((size_t)256 << 10)
#define RSS_MARGIN	((long)4 << 10)		/* KiB */
#define NO_PID		4194305u		/* above PID_MAX_LIMIT */
#define MAX_REPORTS	10

/* Memory every thread reads; the child has a copy at the same addresses. */
static unsigned char *small_src;	/* SMALL bytes of pattern */
static unsigned char *large_src;	/* LARGE bytes, then a PROT_NONE page */
static unsigned char *none_page;	/* the PROT_NONE page after large_src */
static unsigned char *ro_page;		/* a read-only page, for destinations */
static size_t page;

static pid_t child = -1, zombie = -1;
static DWORD child_class;		/* at the nice value we run at */
static pid_t thread_tid;		/* a thread id that is not a pid */

static int stop, park;		/* read and written with __atomic */
static pthread_barrier_t parked, resumed;
static unsigned long wrong;
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;

struct worker {
	pthread_t thread;
	unsigned int id;
	unsigned long calls;
	unsigned long rounds;
	unsigned char *dst;		/* LARGE bytes */
};

static void
report(const char *what, unsigned long err)
{
	pthread_mutex_lock(&report_lock);
	if (wrong++ < MAX_REPORTS)
		printf("wrong: %s (last error %lu)\n", what, err);
	pthread_mutex_unlock(&report_lock);
}

/* Count one call and check its result: @ok must hold. */
#define EXPECT(w, ok, what)						\
	do {								\
		(w)->calls++;						\
		if (!(ok))						\
			report(what, (unsigned long)GetLastError());	\
	} while (0)

static unsigned char
pattern(size_t i)
{
	return (unsigned char)(i * 131 + (i >> 8) * 7 + 1);
}

/* --- reads ---------------------------------------------------------------- */

/* A read that must fail with @code, leaving the count as documented. */
static void
read_fails(struct worker *w, DWORD pid, const void *src, void *dst,
	   SIZE_T n, DWORD code, int count_untouched, const char *what)
{
	SIZE_T got = 12345;
	BOOL ok;

	SetLastError(0);
	ok = Toolhelp32ReadProcessMemory(pid, src, dst, n, &got);
	EXPECT(w, !ok && GetLastError() == code &&
	       got == (count_untouched ? 12345 : 0), what);
}

static void
read_works(struct worker *w, DWORD pid, const unsigned char *src, size_t off,
	   size_t n, const char *what)
{
	SIZE_T got = 0;
	size_t i;
	BOOL ok;

	ok = Toolhelp32ReadProcessMemory(pid, src + off, w->dst, n, &got);
	for (i = 0; ok && i < n; i += 509)
		ok = w->dst[i] == pattern(off + i);
	EXPECT(w, ok && got == n && w->dst[n - 1] == pattern(off + n - 1),
	       what);
}

static void
reads(struct worker *w)
{
	SIZE_T got = 7;
	DWORD pid;
	int i;

	for (i = 0; i < 2; i++) {
		pid = i ? (DWORD)child : 0;
		read_works(w, pid, small_src, 0, 8, "read 8 bytes");
		read_works(w, pid, small_src, 3, SMALL - 3, "read small");
		read_works(w, pid, large_src, 100, 4096, "read 4 KiB");
		if (w->rounds % 8 == 0)
			read_works(w, pid, large_src, 0, LARGE, "read 256 KiB");
		read_fails(w, pid, (void *)(uintptr_t)page, w->dst, 8,
			   ERROR_PARTIAL_COPY, 0, "read unmapped");
		read_fails(w, pid, NULL, w->dst, 8, ERROR_PARTIAL_COPY, 0,
			   "read NULL");
		read_fails(w, pid, none_page, w->dst, 8, ERROR_PARTIAL_COPY,
			   0, "read PROT_NONE");
		read_fails(w, pid, none_page - 8, w->dst, 16,
			   ERROR_PARTIAL_COPY, 0, "read into PROT_NONE");
		read_fails(w, pid, none_page - 65536, w->dst, 65536 + 8,
			   ERROR_PARTIAL_COPY, 0, "large read into PROT_NONE");
		read_fails(w, pid, small_src, NULL, 8, ERROR_NOACCESS, 0,
			   "read to NULL");
		read_fails(w, pid, small_src, ro_page, 8, ERROR_NOACCESS, 0,
			   "read to a read-only page");
		read_fails(w, pid, (void *)-16, w->dst, 8, ERROR_NOACCESS, 0,
			   "read a wrapping range");
		EXPECT(w, Toolhelp32ReadProcessMemory(pid, NULL, NULL, 0, &got)
		       && got == 0, "read 0 bytes");
	}
	read_fails(w, NO_PID, small_src, w->dst, 8, ERROR_INVALID_PARAMETER, 1,
		   "read from no such pid");
	read_fails(w, (DWORD)zombie, small_src, w->dst, 8,
		   ERROR_ACCESS_DENIED, 1, "read from a zombie");
	EXPECT(w, !Toolhelp32ReadProcessMemory(NO_PID, small_src, w->dst, 8,
					       NULL),
	       "read with a NULL count");
}

/* --- process handles ------------------------------------------------------ */

static void
handles(struct worker *w)
{
	HANDLE h, q;
	SIZE_T got = 7;

	h = OpenProcess(PROCESS_VM_READ | PROCESS_QUERY_INFORMATION, FALSE,
			(DWORD)child);
	w->calls++;
	EXPECT(w, h != NULL, "OpenProcess");
	if (!h)
		return;
	EXPECT(w, ReadProcessMemory(h, small_src, w->dst, SMALL, &got) &&
	       got == SMALL && !memcmp(w->dst, small_src, SMALL),
	       "ReadProcessMemory");
	if (w->rounds % 8 == 0)
		EXPECT(w, ReadProcessMemory(h, large_src, w->dst, LARGE, &got)
		       && got == LARGE, "ReadProcessMemory 256 KiB");
	EXPECT(w, !ReadProcessMemory(h, none_page - 8, w->dst, 16, &got) &&
	       got == 0 && GetLastError() == ERROR_PARTIAL_COPY,
	       "ReadProcessMemory into PROT_NONE");
	EXPECT(w, GetPriorityClass(h) == child_class, "GetPriorityClass");
	EXPECT(w, GetProcessId(h) == (DWORD)child, "GetProcessId");
	q = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
			(DWORD)child);
	EXPECT(w, q && !ReadProcessMemory(q, small_src, w->dst, 8, &got) &&
	       got == 0 && GetLastError() == ERROR_ACCESS_DENIED,
	       "ReadProcessMemory without PROCESS_VM_READ");
	EXPECT(w, q && CloseHandle(q), "close a process handle");
	EXPECT(w, CloseHandle(h), "close a process handle");
	EXPECT(w, !CloseHandle(h) && GetLastError() == ERROR_INVALID_HANDLE,
	       "close a process handle twice");
	EXPECT(w, !ReadProcessMemory(h, small_src, w->dst, 8, &got) &&
	       got == 0 && GetLastError() == ERROR_INVALID_HANDLE,
	       "ReadProcessMemory on a closed handle");
	EXPECT(w, !OpenProcess(PROCESS_VM_READ, FALSE, (DWORD)zombie) &&
	       GetLastError() == ERROR_INVALID_PARAMETER,
	       "OpenProcess of a zombie");
	EXPECT(w, ReadProcessMemory(GetCurrentProcess(), small_src, w->dst, 8,
				    &got) && got == 8,
	       "ReadProcessMemory of GetCurrentProcess()");
}

/* --- last error ----------------------------------------------------------- */

static void
last_error(struct worker *w)
{
	DWORD mine = 0x10000 + w->id * 97 + (DWORD)(w->rounds % 89);

	SetLastError(mine);
	w->calls++;
	EXPECT(w, GetLastError() == mine, "last error of this thread");
	SetLastError(ERROR_SUCCESS);
	w->calls++;
}

/* --- snapshots ------------------------------------------------------------ */

static void
processes(struct worker *w, HANDLE h)
{
	PROCESSENTRY32 pe;
	PROCESSENTRY32W pw;
	int self = 0, n = 0;
	BOOL ok;

	pe.dwSize = sizeof(pe);
	for (ok = Process32First(h, &pe); ok; ok = Process32Next(h, &pe)) {
		w->calls++;
		self |= pe.th32ProcessID == (DWORD)getpid();
		EXPECT(w, memchr(pe.szExeFile, 0, MAX_PATH), "process name");
	}
	EXPECT(w, GetLastError() == ERROR_NO_MORE_FILES && self,
	       "process list");
	pw.dwSize = sizeof(pw);
	for (ok = Process32FirstW(h, &pw); ok; ok = Process32NextW(h, &pw)) {
		w->calls++;
		n++;
	}
	EXPECT(w, GetLastError() == ERROR_NO_MORE_FILES && n > 1,
	       "process list (W)");
}

static void
threads(struct worker *w, HANDLE h)
{
	THREADENTRY32 te;
	int mine = 0;
	BOOL ok;

	te.dwSize = sizeof(te);
	for (ok = Thread32First(h, &te); ok; ok = Thread32Next(h, &te)) {
		w->calls++;
		mine += te.th32OwnerProcessID == (DWORD)getpid();
		EXPECT(w, te.tpBasePri >= 0 && te.tpBasePri <= 31,
		       "thread priority");
	}
	EXPECT(w, GetLastError() == ERROR_NO_MORE_FILES && mine >= 2,
	       "thread list");
}

/* The modules of @pid: at least @least of them, in both forms. */
static void
modules(struct worker *w, DWORD flags, DWORD pid, int least)
{
	HANDLE h = CreateToolhelp32Snapshot(flags, pid);
	MODULEENTRY32W mw;
	MODULEENTRY32 me;
	int n = 0, nw = 0;
	BOOL ok;

	EXPECT(w, h != INVALID_HANDLE_VALUE, "module snapshot");
	if (h == INVALID_HANDLE_VALUE)
		return;
	me.dwSize = sizeof(me);
	for (ok = Module32First(h, &me); ok; ok = Module32Next(h, &me)) {
		w->calls++;
		n++;
		EXPECT(w, me.modBaseSize > 0 && me.szExePath[0] == '/',
		       "module entry");
	}
	EXPECT(w, GetLastError() == ERROR_NO_MORE_FILES && n >= least,
	       "module list");
	mw.dwSize = sizeof(mw);
	for (ok = Module32FirstW(h, &mw); ok; ok = Module32NextW(h, &mw)) {
		w->calls++;
		nw++;
	}
	EXPECT(w, GetLastError() == ERROR_NO_MORE_FILES && nw == n,
	       "module list (W)");
	EXPECT(w, CloseHandle(h), "close a module snapshot");
}

/* The heaps of this process, and the blocks of the first, to the end. */
static void
heaps(struct worker *w)
{
	HANDLE h = CreateToolhelp32Snapshot(TH32CS_SNAPHEAPLIST, 0);
	HEAPLIST32 hl;
	HEAPENTRY32 he;
	unsigned long blocks = 0;
	BOOL ok;

	EXPECT(w, h != INVALID_HANDLE_VALUE, "heap snapshot");
	if (h == INVALID_HANDLE_VALUE)
		return;
	memset(&he, 0, sizeof(he));
	he.dwSize = sizeof(he);
	hl.dwSize = sizeof(hl);
	SetLastError(ERROR_SUCCESS);
	ok = Heap32ListFirst(h, &hl);
	w->calls++;
	if (ok) {
		for (ok = Heap32First(&he, 0, hl.th32HeapID);
		     ok && blocks < 1000000; ok = Heap32Next(&he)) {
			w->calls++;
			blocks++;
		}
		w->calls++;
		while (Heap32ListNext(h, &hl))
			w->calls++;
		w->calls++;
	}
	/* the heap of a glibc process may be walked; under a sanitizer's
	 * malloc the list ends or the walk is refused, with a reason */
	EXPECT(w, GetLastError() != ERROR_SUCCESS, "heap walk ends");
	EXPECT(w, !Heap32ListFirst(h, NULL) &&
	       GetLastError() == ERROR_INVALID_PARAMETER, "NULL heap list");
	EXPECT(w, CloseHandle(h), "close a heap snapshot");

	EXPECT(w, !Heap32First(NULL, 0, 0) &&
	       GetLastError() == ERROR_INVALID_PARAMETER, "NULL heap entry");
	he.dwSize = 0;
	EXPECT(w, !Heap32Next(&he) && GetLastError() == ERROR_BAD_LENGTH,
	       "heap entry dwSize 0");
	he.dwSize = sizeof(he);
	EXPECT(w, !Heap32First(&he, NO_PID, 0) &&
	       GetLastError() == ERROR_INVALID_PARAMETER,
	       "heap of no such pid");
	SetLastError(ERROR_SUCCESS);
	EXPECT(w, !Heap32First(&he, 0, (ULONG_PTR)small_src) &&
	       GetLastError() != ERROR_SUCCESS, "not a heap");
}

static void
bad_handles(struct worker *w)
{
	HANDLE h = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
	PROCESSENTRY32 pe;
	THREADENTRY32 te;

	EXPECT(w, h != INVALID_HANDLE_VALUE, "thread snapshot");
	te.dwSize = 0;
	EXPECT(w, !Thread32First(h, &te) &&
	       GetLastError() == ERROR_BAD_LENGTH, "dwSize 0");
	EXPECT(w, !Thread32Next(h, NULL) &&
	       GetLastError() == ERROR_INVALID_PARAMETER, "NULL entry");
	EXPECT(w, CloseHandle(h), "close");
	EXPECT(w, !CloseHandle(h) && GetLastError() == ERROR_INVALID_HANDLE,
	       "close twice");
	te.dwSize = sizeof(te);
	EXPECT(w, !Thread32First(h, &te) &&
	       GetLastError() == ERROR_INVALID_HANDLE, "closed handle");
	EXPECT(w, !CloseHandle(NULL) && GetLastError() == ERROR_INVALID_HANDLE,
	       "close NULL");
	EXPECT(w, CloseHandle(INVALID_HANDLE_VALUE),
	       "close INVALID_HANDLE_VALUE (GetCurrentProcess())");
	pe.dwSize = sizeof(pe);
	EXPECT(w, !Process32First((HANDLE)(uintptr_t)0x1235, &pe) &&
	       GetLastError() == ERROR_INVALID_HANDLE, "made-up handle");
}

static void
failing_snapshots(struct worker *w)
{
	HANDLE h;

	h = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, (DWORD)zombie);
	EXPECT(w, h == INVALID_HANDLE_VALUE &&
	       GetLastError() == ERROR_ACCESS_DENIED, "modules of a zombie");
	h = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, NO_PID);
	EXPECT(w, h == INVALID_HANDLE_VALUE &&
	       GetLastError() == ERROR_INVALID_PARAMETER,
	       "modules of no such pid");
	h = CreateToolhelp32Snapshot(TH32CS_SNAPHEAPLIST, (DWORD)thread_tid);
	EXPECT(w, h == INVALID_HANDLE_VALUE &&
	       GetLastError() == ERROR_INVALID_PARAMETER,
	       "heaps of a thread id");
}

static void
snapshots(struct worker *w)
{
	MODULEENTRY32 me;
	HANDLE h;

	if (w->rounds % 64 == 0) {
		h = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS |
					     TH32CS_SNAPTHREAD, 0);
		EXPECT(w, h != INVALID_HANDLE_VALUE, "system snapshot");
		if (h != INVALID_HANDLE_VALUE) {
			processes(w, h);
			threads(w, h);
			EXPECT(w, CloseHandle(h), "close");
		}
	}
	if (w->rounds % 16 == 0) {
		modules(w, TH32CS_SNAPMODULE, 0, 2);
		modules(w, TH32CS_SNAPMODULE | TH32CS_SNAPMODULE32,
			(DWORD)child, 2);
		/* TH32CS_SNAPMODULE32 alone: a 32-bit process's modules */
		h = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE32, 0);
		me.dwSize = sizeof(me);
		if (UINTPTR_MAX == UINT32_MAX)
			EXPECT(w, h != INVALID_HANDLE_VALUE &&
			       Module32First(h, &me),
			       "32-bit modules of a 32-bit process");
		else
			EXPECT(w, h != INVALID_HANDLE_VALUE &&
			       !Module32First(h, &me) &&
			       GetLastError() == ERROR_NO_MORE_FILES,
			       "no 32-bit modules in a 64-bit process");
		EXPECT(w, CloseHandle(h), "close");
	}
	if (w->rounds % 32 == 0)
		heaps(w);
	if (w->rounds % 4 == 0) {
		bad_handles(w);
		failing_snapshots(w);
	}
}

/* --- the threads ---------------------------------------------------------- */

static void *
work(void *arg)
{
	struct worker *w = arg;

	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		if (__atomic_load_n(&park, __ATOMIC_ACQUIRE)) {
			pthread_barrier_wait(&parked);
			pthread_barrier_wait(&resumed);
			continue;
		}
		reads(w);
		handles(w);
		last_error(w);
		snapshots(w);
		w->rounds++;
	}
	return NULL;
}

static void *
idle_thread(void *arg)
{
	*(volatile pid_t *)arg = (pid_t)syscall(SYS_gettid);
	for (;;)
		pause();
	return NULL;
}

/* --- measurements --------------------------------------------------------- */

struct usage {
	long fds;
	size_t heap;
	long rss_kib;
};

static long
count_fds(void)
{
	struct dirent *de;
	long n = 0;
	DIR *d = opendir("/proc/self/fd");

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the directory's own */
}

static long
rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return kib;
}

/* Bytes of heap in use, or 0 where the C library cannot tell (musl). */
static size_t
heap_in_use(void)
{
#if defined(SOAK_ASAN)
	return __sanitizer_get_current_allocated_bytes();
#elif defined(__GLIBC__)
#if __GLIBC_PREREQ(2, 33)
	return mallinfo2().uordblks;
#else
	return 0;
#endif
#else
	return 0;
#endif
}

static void
measure(struct usage *u)
{
	u->fds = count_fds();
	u->heap = heap_in_use();
	u->rss_kib = rss_kib();
}

/* Park every worker, measure, let them go on (unless it is the end). */
static void
measure_parked(struct usage *u, int last)
{
	__atomic_store_n(&park, 1, __ATOMIC_RELEASE);
	pthread_barrier_wait(&parked);
	__atomic_store_n(&park, 0, __ATOMIC_RELEASE);
	measure(u);
	if (last)
		__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_barrier_wait(&resumed);
}

/* --- subjects ------------------------------------------------------------- */

static int
setup_memory(void)
{
	size_t i;

	page = (size_t)sysconf(_SC_PAGESIZE);
	small_src = mmap(NULL, page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	large_src = mmap(NULL, LARGE + page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro_page = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (small_src == MAP_FAILED || large_src == MAP_FAILED ||
	    ro_page == MAP_FAILED)
		return -1;
	for (i = 0; i < SMALL; i++)
		small_src[i] = pattern(i);
	for (i = 0; i < LARGE; i++)
		large_src[i] = pattern(i);
	none_page = large_src + LARGE;
	return mprotect(none_page, page, PROT_NONE);
}

static int
is_zombie(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	int z = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f)) {
		p = strrchr(buf, ')');
		z = p && p[1] == ' ' && p[2] == 'Z';
	}
	fclose(f);
	return z;
}

static int
setup_children(void)
{
	struct primap pm;
	int tries;

	child = fork();
	if (child < 0)
		return -1;
	if (child == 0) {
		for (;;)
			pause();
	}
	zombie = fork();
	if (zombie < 0)
		return -1;
	if (zombie == 0)
		_exit(0);
	for (tries = 0; tries < 5000 && !is_zombie(zombie); tries++)
		usleep(1000);
	/* the child's class by the manual's table, not the library's */
	if (primap_of(child, &pm))
		return -1;
	child_class = pm.cls;
	return is_zombie(zombie) ? 0 : -1;
}

static void
end_children(void)
{
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	if (zombie > 0)
		waitpid(zombie, NULL, 0);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_until(double t)
{
	double left;
	struct timespec ts;

	while ((left = t - now()) > 0) {
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
}

static long
env_long(const char *name, long def, long lo, long hi)
{
	const char *s = getenv(name);
	long v = s && *s ? strtol(s, NULL, 10) : def;

	return v < lo ? lo : v > hi ? hi : v;
}

int
main(void)
{
	long seconds = env_long("SOAK_SECONDS", 20, 1, 86400);
	long nthreads = env_long("SOAK_THREADS", 4, 1, MAX_THREADS);
	struct worker w[MAX_THREADS];
	struct usage before, after;
	volatile pid_t tid = 0;
	unsigned long calls = 0;
	pthread_t idle;
	double t0, t1;
	long i;
	int fail, rss_checked = 1;
	char why[256];

	/* a machine that refuses to read other processes: nothing to soak */
	if (!tlh_can_read_child(why, sizeof(why))) {
		printf("soak: SKIP: %s\n", why);
		return 77;
	}
	if (count_fds() < 0 || rss_kib() < 0) {
		printf("soak: SKIP: no /proc/self\n");
		return 77;
	}
	if (setup_memory() || setup_children()) {
		printf("soak: SKIP: cannot set up memory or children: %s\n",
		       strerror(errno));
		end_children();
		return 77;
	}
	if (pthread_create(&idle, NULL, idle_thread, (void *)&tid)) {
		end_children();
		return 1;
	}
	while (!tid)
		usleep(1000);
	thread_tid = tid;

	pthread_barrier_init(&parked, NULL, (unsigned int)nthreads + 1);
	pthread_barrier_init(&resumed, NULL, (unsigned int)nthreads + 1);
	memset(w, 0, sizeof(w));
	t0 = now();
	for (i = 0; i < nthreads; i++) {
		w[i].id = (unsigned int)i;
		w[i].dst = malloc(LARGE);
		if (!w[i].dst ||
		    pthread_create(&w[i].thread, NULL, work, &w[i])) {
			printf("soak: cannot start thread %ld\n", i);
			end_children();
			return 1;
		}
	}
	sleep_until(t0 + (double)seconds / 5);
	measure_parked(&before, 0);
	sleep_until(t0 + (double)seconds);
	measure_parked(&after, 1);
	for (i = 0; i < nthreads; i++) {
		pthread_join(w[i].thread, NULL);
		calls += w[i].calls;
		free(w[i].dst);
	}
	t1 = now();
	pthread_cancel(idle);
	pthread_join(idle, NULL);
	end_children();

#ifdef SOAK_ASAN
	rss_checked = 0;
#endif
	fail = wrong || after.fds > before.fds ||
	       after.heap > before.heap + HEAP_MARGIN ||
	       (rss_checked && after.rss_kib > before.rss_kib + RSS_MARGIN);
	printf("soak: %lu calls in %.1f s (%ld threads), fds %ld->%ld, "
	       "heap %zu->%zu%s, rss %ld->%ld KiB%s, %lu wrong: %s\n",
	       calls, t1 - t0, nthreads, before.fds, after.fds, before.heap,
	       after.heap, before.heap ? "" : " (not measurable here)",
	       before.rss_kib, after.rss_kib,
	       rss_checked ? "" : " (not checked under ASan)", wrong,
	       fail ? "FAIL" : "PASS");
	return fail ? 1 : 0;
}
