/*
 * smoke.c - the library end to end with plain assertions, for the builds
 * that have no Check to link (musl-gcc; CFLAGS=-m32 beside a 64-bit
 * Check) and run in every other build too: reads of this process and of a
 * child (whole, ERROR_PARTIAL_COPY, ERROR_NOACCESS, the process errors,
 * the destination untouched on failure), every snapshot kind walked, and
 * the errors of CreateToolhelp32Snapshot and First/Next.  A 32-bit build
 * on a 64-bit kernel also looks at 64-bit processes as WOW64 callers do:
 * their module and heap lists fail with ERROR_PARTIAL_COPY, and what
 * lies below 4 GiB reads as usual.
 *
 * Also FormatMessage (system texts, a buffer too small, an allocated
 * buffer and LocalFree, inserts from a va_list and an array), and
 * GetSystemInfo.
 *
 * The program then runs itself again with TLHELP32_FORCE_MAPS_TEXT=1, so
 * that large reads are checked through the text of the maps as well.
 * Every failed assertion prints a line; the exit status is 1 if any
 * failed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tlhelp32.h>
#include <windows.h>

#include "readable.h"

#define TEXT_ENV	"TLHELP32_FORCE_MAPS_TEXT"
#define BAD_PID		4194305u	/* above PID_MAX_LIMIT */
#define SMALL		8u
#define LARGE		((size_t)64 << 10)	/* > 16 KiB: the maps path */

#if defined(__SANITIZE_ADDRESS__)
#define SMOKE_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SMOKE_ASAN	1
#endif
#endif

static unsigned int passed, failed;
static const char *mode = "procmap";	/* or "text" */

static void __attribute__((format(printf, 3, 4)))
check_at(int ok, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	fprintf(stderr, "smoke.c:%d (%s): FAIL: ", line, mode);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

#define CHECK(cond, ...)	check_at(!!(cond), __LINE__, __VA_ARGS__)

static size_t
page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static unsigned char
pattern(size_t i, unsigned int seed)
{
	return (unsigned char)((i * 131 + seed * 17 + (i >> 8)) ^ (i >> 16));
}

static void
fill(unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = pattern(i, seed);
}

/* 1 if @p holds @n bytes of pattern @seed. */
static int
holds(const unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != pattern(i, seed))
			return 0;
	return 1;
}

static void *
map(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("smoke: mmap");
		exit(99);
	}
	return p;
}

/*
 * Read @n bytes at @src of @pid into a canary-filled buffer and expect
 * failure with @err: count 0 (or untouched for the process errors), the
 * buffer as it was, and the last error.
 */
static void
expect_fail(DWORD pid, const void *src, size_t n, DWORD err,
	    const char *what)
{
	unsigned char *dst = map(n + page(), PROT_READ | PROT_WRITE);
	SIZE_T count = 12345;
	BOOL ok;

	fill(dst, n, 77);
	SetLastError(0);
	ok = Toolhelp32ReadProcessMemory(pid, src, dst, n, &count);
	CHECK(!ok, "%s: succeeded", what);
	CHECK(GetLastError() == err, "%s: error %lu, want %lu", what,
	      (unsigned long)GetLastError(), (unsigned long)err);
	if (err == ERROR_INVALID_PARAMETER || err == ERROR_ACCESS_DENIED)
		CHECK(count == 12345, "%s: count changed to %lu", what,
		      (unsigned long)count);
	else
		CHECK(count == 0, "%s: count %lu, want 0", what,
		      (unsigned long)count);
	CHECK(holds(dst, n, 77), "%s: the buffer changed", what);
	munmap(dst, n + page());
}

/* Read @n bytes at @src of @pid and expect pattern @seed. */
static void
expect_read(DWORD pid, const void *src, size_t n, unsigned int seed,
	    const char *what)
{
	unsigned char *dst = map(n, PROT_READ | PROT_WRITE);
	SIZE_T count = 0;
	BOOL ok;

	SetLastError(4321);
	ok = Toolhelp32ReadProcessMemory(pid, src, dst, n, &count);
	CHECK(ok, "%s: failed, error %lu", what,
	      (unsigned long)GetLastError());
	CHECK(count == n, "%s: count %lu, want %lu", what,
	      (unsigned long)count, (unsigned long)n);
	CHECK(holds(dst, n, seed), "%s: wrong bytes", what);
	CHECK(GetLastError() == 4321, "%s: success changed the last error",
	      what);
	munmap(dst, n);
}

/* --- reads of this process ------------------------------------------------ */

static void
read_self(void)
{
	static const size_t sizes[] = { 8, 4096, 5000, LARGE, 4u << 20 };
	size_t pg = page(), i, n;
	unsigned char *src, *ro, *area;
	SIZE_T count = 7;
	char what[64];

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		n = sizes[i];
		src = map(n + pg, PROT_READ | PROT_WRITE);
		fill(src + 3, n, (unsigned int)i);
		snprintf(what, sizeof(what), "self, %lu bytes",
			 (unsigned long)n);
		expect_read(0, src + 3, n, (unsigned int)i, what);
		expect_read((DWORD)getpid(), src + 3, n, (unsigned int)i,
			    what);
		munmap(src, n + pg);
	}

	/* No count wanted; a zero-length read touches nothing. */
	src = map(pg, PROT_READ | PROT_WRITE);
	fill(src, pg, 5);
	area = map(pg, PROT_READ | PROT_WRITE);
	CHECK(Toolhelp32ReadProcessMemory(0, src, area, SMALL, NULL),
	      "NULL count: failed");
	CHECK(Toolhelp32ReadProcessMemory(0, NULL, NULL, 0, &count) &&
	      count == 0, "zero bytes from NULL: count %lu",
	      (unsigned long)count);

	/* Unreadable sources: ERROR_PARTIAL_COPY. */
	expect_fail(0, NULL, SMALL, ERROR_PARTIAL_COPY, "NULL source");
	ro = map(4 * pg, PROT_READ | PROT_WRITE);
	fill(ro, 4 * pg, 9);
	mprotect(ro + 2 * pg, pg, PROT_NONE);
	munmap(ro + 3 * pg, pg);
	expect_fail(0, ro + 2 * pg, SMALL, ERROR_PARTIAL_COPY, "PROT_NONE");
	expect_fail(0, ro + 2 * pg - 4, SMALL, ERROR_PARTIAL_COPY,
		    "into PROT_NONE, small");
	expect_fail(0, ro, 3 * pg, ERROR_PARTIAL_COPY,
		    "into PROT_NONE, two pages");
	expect_fail(0, ro + 3 * pg, SMALL, ERROR_PARTIAL_COPY, "unmapped");
	munmap(ro, 3 * pg);
	ro = map(LARGE + pg, PROT_READ | PROT_WRITE);
	mprotect(ro + LARGE, pg, PROT_NONE);
	expect_fail(0, ro + pg, LARGE, ERROR_PARTIAL_COPY,
		    "into PROT_NONE, large");
	munmap(ro, LARGE + pg);

	/* Bad destinations and ranges: ERROR_NOACCESS. */
	count = 3;
	SetLastError(0);
	CHECK(!Toolhelp32ReadProcessMemory(0, src, NULL, SMALL, &count) &&
	      GetLastError() == ERROR_NOACCESS && count == 0,
	      "NULL destination: error %lu, count %lu",
	      (unsigned long)GetLastError(), (unsigned long)count);
	ro = map(pg, PROT_READ | PROT_WRITE);
	fill(ro, pg, 11);
	mprotect(ro, pg, PROT_READ);
	SetLastError(0);
	CHECK(!Toolhelp32ReadProcessMemory(0, src, ro, SMALL, &count) &&
	      GetLastError() == ERROR_NOACCESS && holds(ro, pg, 11),
	      "read-only destination: error %lu",
	      (unsigned long)GetLastError());
	munmap(ro, pg);
	expect_fail(0, (const void *)(uintptr_t)-16, 16, ERROR_NOACCESS,
		    "a range that wraps");
	SetLastError(0);
	CHECK(!Toolhelp32ReadProcessMemory(0, src, area, SIZE_MAX, &count) &&
	      GetLastError() == ERROR_NOACCESS,
	      "SIZE_MAX bytes: error %lu", (unsigned long)GetLastError());
	munmap(src, pg);
	munmap(area, pg);
}

/* --- processes ------------------------------------------------------------ */

struct child {
	pid_t pid;
	int ctl;		/* closing it ends the child */
	unsigned char *base;	/* LARGE bytes of pattern 21, then PROT_NONE */
};

/* A forked child holding a layout, blocked on a pipe until told to go. */
static void
child_start(struct child *c)
{
	int rep[2], ctl[2];
	unsigned char *p;
	char b;

	if (pipe(rep) || pipe(ctl)) {
		perror("smoke: pipe");
		exit(99);
	}
	c->pid = fork();
	if (c->pid < 0) {
		perror("smoke: fork");
		exit(99);
	}
	if (c->pid == 0) {
		close(rep[0]);
		close(ctl[1]);
		p = map(LARGE + page(), PROT_READ | PROT_WRITE);
		fill(p, LARGE, 21);
		mprotect(p + LARGE, page(), PROT_NONE);
		if (write(rep[1], &p, sizeof(p)) != (ssize_t)sizeof(p))
			_exit(1);
		while (read(ctl[0], &b, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(rep[1]);
	close(ctl[0]);
	c->ctl = ctl[1];
	if (read(rep[0], &c->base, sizeof(c->base)) != sizeof(c->base)) {
		fprintf(stderr, "smoke: the child did not report\n");
		exit(99);
	}
	close(rep[0]);
}

static void
child_stop(struct child *c)
{
	close(c->ctl);
	kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
}

static void
read_child(const struct child *c)
{
	DWORD pid = (DWORD)c->pid;

	expect_read(pid, c->base, SMALL, 21, "child, small");
	expect_read(pid, c->base, 4096, 21, "child, a page");
	expect_read(pid, c->base, LARGE, 21, "child, large");
	expect_fail(pid, c->base + LARGE - 4, SMALL, ERROR_PARTIAL_COPY,
		    "child, into PROT_NONE, small");
	expect_fail(pid, c->base + page(), LARGE, ERROR_PARTIAL_COPY,
		    "child, into PROT_NONE, large");
	expect_fail(pid, NULL, LARGE, ERROR_PARTIAL_COPY, "child, NULL");
}

static void
read_bad_processes(void)
{
	siginfo_t si;
	pid_t z;

	expect_fail(BAD_PID, &passed, SMALL, ERROR_INVALID_PARAMETER,
		    "pid above PID_MAX_LIMIT");
	z = fork();
	if (z < 0) {
		perror("smoke: fork");
		exit(99);
	}
	if (z == 0)
		_exit(0);
	/* A zombie has no memory to read. */
	while (waitid(P_PID, (id_t)z, &si, WEXITED | WNOWAIT) < 0 &&
	       errno == EINTR)
		;
	expect_fail((DWORD)z, &passed, SMALL, ERROR_ACCESS_DENIED, "zombie");
	waitpid(z, NULL, 0);
	/* Reaped: the pid names nothing. */
	expect_fail((DWORD)z, &passed, SMALL, ERROR_INVALID_PARAMETER,
		    "a reaped child");
}

/* --- snapshots ------------------------------------------------------------ */

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void
snap_processes(const struct child *c, const char *exe)
{
	HANDLE h = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	PROCESSENTRY32 pe;
	PROCESSENTRY32W pw;
	unsigned int self = 0, kid = 0, n = 0, nw = 0;
	BOOL ok;

	CHECK(h != INVALID_HANDLE_VALUE, "process snapshot: error %lu",
	      (unsigned long)GetLastError());
	if (h == INVALID_HANDLE_VALUE)
		return;
	pe.dwSize = sizeof(pe);
	for (ok = Process32First(h, &pe); ok; ok = Process32Next(h, &pe)) {
		n++;
		if (pe.th32ProcessID == (DWORD)getpid()) {
			self++;
			CHECK(pe.th32ParentProcessID == (DWORD)getppid() &&
			      pe.cntThreads == 1 &&
			      !strcmp(pe.szExeFile, base_name(exe)),
			      "self: ppid %lu, %lu threads, \"%s\"",
			      (unsigned long)pe.th32ParentProcessID,
			      (unsigned long)pe.cntThreads, pe.szExeFile);
		}
		if (pe.th32ProcessID == (DWORD)c->pid) {
			kid++;
			CHECK(pe.th32ParentProcessID == (DWORD)getpid(),
			      "child: ppid %lu",
			      (unsigned long)pe.th32ParentProcessID);
		}
	}
	CHECK(GetLastError() == ERROR_NO_MORE_FILES,
	      "processes end with error %lu", (unsigned long)GetLastError());
	CHECK(self == 1 && kid == 1, "self listed %u times, child %u", self,
	      kid);
	pw.dwSize = sizeof(pw);
	for (ok = Process32FirstW(h, &pw); ok; ok = Process32NextW(h, &pw))
		nw++;
	CHECK(n > 1 && nw == n, "%u processes, %u in the W walk", n, nw);
	/* Lists the snapshot does not hold; entries too small or NULL. */
	pe.dwSize = 8;
	SetLastError(0);
	CHECK(!Process32First(h, &pe) && GetLastError() == ERROR_BAD_LENGTH,
	      "dwSize 8: error %lu", (unsigned long)GetLastError());
	CHECK(!Process32Next(h, NULL) &&
	      GetLastError() == ERROR_INVALID_PARAMETER,
	      "NULL entry: error %lu", (unsigned long)GetLastError());
	{
		THREADENTRY32 te;
		MODULEENTRY32 me;

		te.dwSize = sizeof(te);
		me.dwSize = sizeof(me);
		SetLastError(0);
		CHECK(!Thread32First(h, &te) &&
		      GetLastError() == ERROR_NO_MORE_FILES,
		      "threads of a process snapshot: error %lu",
		      (unsigned long)GetLastError());
		SetLastError(0);
		CHECK(!Module32First(h, &me) &&
		      GetLastError() == ERROR_NO_MORE_FILES,
		      "modules of a process snapshot: error %lu",
		      (unsigned long)GetLastError());
	}
	CHECK(CloseHandle(h), "CloseHandle");
	SetLastError(0);
	CHECK(!CloseHandle(h) && GetLastError() == ERROR_INVALID_HANDLE,
	      "closing twice: error %lu", (unsigned long)GetLastError());
	pe.dwSize = sizeof(pe);
	SetLastError(0);
	CHECK(!Process32First(h, &pe) && GetLastError() == ERROR_INVALID_HANDLE,
	      "a closed handle: error %lu", (unsigned long)GetLastError());
	/* INVALID_HANDLE_VALUE is also GetCurrentProcess(), which closes
	 * successfully and stays valid, as on Windows */
	SetLastError(0);
	CHECK(CloseHandle(INVALID_HANDLE_VALUE) &&
	      !Process32First(INVALID_HANDLE_VALUE, &pe) &&
	      GetLastError() == ERROR_INVALID_HANDLE,
	      "INVALID_HANDLE_VALUE: error %lu",
	      (unsigned long)GetLastError());
}

static void
snap_threads(const struct child *c)
{
	HANDLE h = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
	THREADENTRY32 te;
	unsigned int self = 0, kid = 0;
	BOOL ok;

	CHECK(h != INVALID_HANDLE_VALUE, "thread snapshot: error %lu",
	      (unsigned long)GetLastError());
	if (h == INVALID_HANDLE_VALUE)
		return;
	te.dwSize = sizeof(te);
	for (ok = Thread32First(h, &te); ok; ok = Thread32Next(h, &te)) {
		if (te.th32OwnerProcessID == (DWORD)getpid()) {
			self++;
			CHECK(te.th32ThreadID == (DWORD)getpid() &&
			      te.tpBasePri >= 1 && te.tpBasePri <= 31,
			      "own thread %lu, priority %ld",
			      (unsigned long)te.th32ThreadID,
			      (long)te.tpBasePri);
		}
		if (te.th32OwnerProcessID == (DWORD)c->pid)
			kid += te.th32ThreadID == (DWORD)c->pid;
	}
	CHECK(GetLastError() == ERROR_NO_MORE_FILES,
	      "threads end with error %lu", (unsigned long)GetLastError());
	CHECK(self == 1 && kid == 1, "own threads %u, the child's %u", self,
	      kid);
	CloseHandle(h);
}

/* The module list of @pid: the main executable @exe first, and a module
 * holding each of @addrs. */
static void
snap_modules(DWORD pid, const char *exe, const void *const *addrs,
	     size_t naddrs, const char *what)
{
	HANDLE h = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, pid);
	MODULEENTRY32 me;
	MODULEENTRY32W mw;
	unsigned int n = 0, nw = 0, found = 0;
	uintptr_t a, b;
	size_t i;
	BOOL ok;

	CHECK(h != INVALID_HANDLE_VALUE, "%s: module snapshot: error %lu",
	      what, (unsigned long)GetLastError());
	if (h == INVALID_HANDLE_VALUE)
		return;
	me.dwSize = sizeof(me);
	for (ok = Module32First(h, &me); ok; ok = Module32Next(h, &me)) {
		if (!n++)
			CHECK(!strcmp(me.szExePath, exe) &&
			      !strcmp(me.szModule, base_name(exe)),
			      "%s: first module %s, want %s", what,
			      me.szExePath, exe);
		CHECK(me.th32ProcessID == (pid ? pid : (DWORD)getpid()) &&
		      me.hModule == (HMODULE)me.modBaseAddr &&
		      me.modBaseSize > 0 && me.szExePath[0] == '/',
		      "%s: module %s: pid %lu, base %p, size %lu", what,
		      me.szExePath, (unsigned long)me.th32ProcessID,
		      (void *)me.modBaseAddr, (unsigned long)me.modBaseSize);
		a = (uintptr_t)me.modBaseAddr;
		b = a + me.modBaseSize;
		for (i = 0; i < naddrs; i++)
			if ((uintptr_t)addrs[i] >= a && (uintptr_t)addrs[i] < b)
				found |= 1u << i;
	}
	CHECK(GetLastError() == ERROR_NO_MORE_FILES,
	      "%s: modules end with error %lu", what,
	      (unsigned long)GetLastError());
	CHECK(found == (1u << naddrs) - 1,
	      "%s: addresses without a module: %#x", what,
	      ~found & ((1u << naddrs) - 1));
	mw.dwSize = sizeof(mw);
	for (ok = Module32FirstW(h, &mw); ok; ok = Module32NextW(h, &mw))
		nw++;
	CHECK(n > 1 && nw == n, "%s: %u modules, %u in the W walk", what, n,
	      nw);
	CloseHandle(h);
}

static void
snap_module32(void)
{
	HANDLE h = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE32, 0);
	MODULEENTRY32 me;
	BOOL ok;

	CHECK(h != INVALID_HANDLE_VALUE, "MODULE32 snapshot: error %lu",
	      (unsigned long)GetLastError());
	if (h == INVALID_HANDLE_VALUE)
		return;
	me.dwSize = sizeof(me);
	SetLastError(0);
	ok = Module32First(h, &me);
	/* It lists the modules of a 32-bit process only. */
	if (UINTPTR_MAX == UINT32_MAX)
		CHECK(ok, "MODULE32 of a 32-bit process: error %lu",
		      (unsigned long)GetLastError());
	else
		CHECK(!ok && GetLastError() == ERROR_NO_MORE_FILES,
		      "MODULE32 of a 64-bit process: error %lu",
		      (unsigned long)GetLastError());
	CloseHandle(h);
}

static void
snap_heaps(void)
{
	HANDLE h = CreateToolhelp32Snapshot(TH32CS_SNAPHEAPLIST, 0);
	HEAPLIST32 hl;
	HEAPENTRY32 he;
	BOOL ok;

	CHECK(h != INVALID_HANDLE_VALUE, "heap snapshot: error %lu",
	      (unsigned long)GetLastError());
	if (h == INVALID_HANDLE_VALUE)
		return;
	memset(&hl, 0, sizeof(hl));
	hl.dwSize = sizeof(hl) - 1;
	SetLastError(0);
	CHECK(!Heap32ListFirst(h, &hl) && GetLastError() == ERROR_BAD_LENGTH,
	      "HEAPLIST32 too small: error %lu",
	      (unsigned long)GetLastError());
	hl.dwSize = sizeof(hl);
	SetLastError(0);
	ok = Heap32ListFirst(h, &hl);
#if defined(__GLIBC__) && defined(__x86_64__) && \
	UINTPTR_MAX == UINT64_MAX && !defined(SMOKE_ASAN)
	/* glibc's malloc on x86-64: the walker knows it. */
	CHECK(ok, "the heap list of glibc's malloc: error %lu",
	      (unsigned long)GetLastError());
#else
	/* Another malloc (musl's, a sanitizer's) or word size: not known. */
	CHECK(ok || GetLastError() == ERROR_NOT_SUPPORTED,
	      "the heap list: error %lu", (unsigned long)GetLastError());
#if !defined(__GLIBC__) || !defined(__x86_64__) || UINTPTR_MAX != UINT64_MAX
	CHECK(!ok, "a heap list of a malloc the walker cannot know");
#endif
#endif
	if (ok) {
		CHECK(hl.th32ProcessID == (DWORD)getpid() &&
		      hl.dwFlags == HF32_DEFAULT && hl.th32HeapID != 0,
		      "the default heap: pid %lu, flags %lu",
		      (unsigned long)hl.th32ProcessID,
		      (unsigned long)hl.dwFlags);
		he.dwSize = sizeof(he);
		CHECK(Heap32First(&he, 0, hl.th32HeapID) &&
		      he.th32HeapID == hl.th32HeapID && he.dwBlockSize > 0,
		      "the default heap's first block: error %lu",
		      (unsigned long)GetLastError());
	}
	he.dwSize = 4;
	SetLastError(0);
	CHECK(!Heap32First(&he, 0, hl.th32HeapID) &&
	      GetLastError() == ERROR_BAD_LENGTH,
	      "HEAPENTRY32 too small: error %lu",
	      (unsigned long)GetLastError());
	CloseHandle(h);
}

static void
snap_errors(void)
{
	static const DWORD flags[] = {
		TH32CS_SNAPMODULE, TH32CS_SNAPMODULE32, TH32CS_SNAPHEAPLIST,
	};
	HANDLE h;
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		SetLastError(0);
		h = CreateToolhelp32Snapshot(flags[i], BAD_PID);
		CHECK(h == INVALID_HANDLE_VALUE &&
		      GetLastError() == ERROR_INVALID_PARAMETER,
		      "flags %#lx of no process: error %lu",
		      (unsigned long)flags[i],
		      (unsigned long)GetLastError());
	}
}

/* --- a 32-bit caller and 64-bit processes (WOW64) ------------------------ */

#if UINTPTR_MAX == UINT32_MAX
/*
 * The smallest x86-64 program there is, loaded at 0x400000 (below 4 GiB,
 * where a 32-bit caller can name it): one PT_LOAD of its own 4 KiB file
 * page plus LOW_BSS of zeros, then pause() for ever.
 */
#define LOW_BASE	0x400000u
#define LOW_BSS		((uint32_t)LARGE)
#define LOW_CODE	120u	/* ELF header (64) + one program header (56) */

static void
put16(unsigned char *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void
put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void
put64(unsigned char *p, uint32_t v)
{
	uint64_t w = v;

	memcpy(p, &w, sizeof(w));
}

static size_t
low_elf(unsigned char *f)
{
	static const unsigned char code[] = {
		0xb8, 0x22, 0x00, 0x00, 0x00,	/* mov eax, 34 (pause) */
		0x0f, 0x05,			/* syscall */
		0xeb, 0xf7,			/* jmp back to the mov */
	};
	unsigned char *ph = f + 64;

	memset(f, 0, LOW_CODE + sizeof(code));
	memcpy(f, "\177ELF\2\1\1", 7);	/* 64-bit, little-endian, v1 */
	put16(f + 16, 2);		/* ET_EXEC */
	put16(f + 18, 62);		/* EM_X86_64 */
	put32(f + 20, 1);
	put64(f + 24, LOW_BASE + LOW_CODE);	/* e_entry */
	put64(f + 32, 64);		/* e_phoff */
	put16(f + 52, 64);		/* e_ehsize */
	put16(f + 54, 56);		/* e_phentsize */
	put16(f + 56, 1);		/* e_phnum */
	put32(ph, 1);			/* PT_LOAD */
	put32(ph + 4, 5);		/* PF_R | PF_X */
	put64(ph + 16, LOW_BASE);	/* p_vaddr */
	put64(ph + 24, LOW_BASE);	/* p_paddr */
	put64(ph + 32, LOW_CODE + sizeof(code));	/* p_filesz */
	put64(ph + 40, LOW_BSS);	/* p_memsz */
	put64(ph + 48, 4096);		/* p_align */
	memcpy(f + LOW_CODE, code, sizeof(code));
	return LOW_CODE + sizeof(code);
}

/* Start @path (args @argv) and wait until it runs it.  -1 on failure. */
static pid_t
spawn(const char *path, char *const argv[])
{
	char link[64], got[4096], real[4096];
	ssize_t n;
	pid_t pid;
	int i;

	if (!realpath(path, real))
		return -1;
	pid = fork();
	if (pid == 0) {
		execv(path, argv);
		_exit(127);
	}
	if (pid < 0)
		return -1;
	snprintf(link, sizeof(link), "/proc/%ld/exe", (long)pid);
	for (i = 0; i < 400; i++) {
		n = readlink(link, got, sizeof(got) - 1);
		if (n > 0) {
			got[n] = '\0';
			if (!strcmp(got, real))
				return pid;
		}
		usleep(5000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static void
wow64_lists_fail(pid_t pid, const char *what)
{
	static const DWORD flags[] = {
		TH32CS_SNAPMODULE, TH32CS_SNAPMODULE32,
		TH32CS_SNAPMODULE | TH32CS_SNAPMODULE32, TH32CS_SNAPHEAPLIST,
		TH32CS_SNAPALL,
	};
	HANDLE h;
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		SetLastError(0);
		h = CreateToolhelp32Snapshot(flags[i], (DWORD)pid);
		CHECK(h == INVALID_HANDLE_VALUE &&
		      GetLastError() == ERROR_PARTIAL_COPY,
		      "%s: flags %#lx: error %lu, want ERROR_PARTIAL_COPY",
		      what, (unsigned long)flags[i],
		      (unsigned long)GetLastError());
		if (h != INVALID_HANDLE_VALUE)
			CloseHandle(h);
	}
	/* The process and thread lists are everyone's. */
	h = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD,
				     (DWORD)pid);
	CHECK(h != INVALID_HANDLE_VALUE, "%s: process snapshot: error %lu",
	      what, (unsigned long)GetLastError());
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
}

static void
wow64(void)
{
	static const char *const sleeps[] = { "/bin/sleep", "/usr/bin/sleep" };
	unsigned char file[256], hdr[5], *got;
	char path[] = "/tmp/tlh-smoke-elf64.XXXXXX";
	char arg30[] = "30", *argv[3];
	struct utsname u;
	SIZE_T count;
	pid_t pid = -1;
	size_t i, len;
	int fd;

	if (uname(&u) || strcmp(u.machine, "x86_64")) {
		printf("smoke: not a 64-bit x86 kernel: "
		       "WOW64 checks skipped\n");
		return;
	}

	/* sleep(1) of the system: a 64-bit PIE, all of it above 4 GiB. */
	for (i = 0; i < sizeof(sleeps) / sizeof(sleeps[0]); i++) {
		fd = open(sleeps[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = (size_t)read(fd, hdr, sizeof(hdr));
		close(fd);
		if (len != sizeof(hdr) || memcmp(hdr, "\177ELF\2", 5))
			continue;
		argv[0] = (char *)"sleep";
		argv[1] = arg30;
		argv[2] = NULL;
		pid = spawn(sleeps[i], argv);
		break;
	}
	if (pid > 0) {
		wow64_lists_fail(pid, "64-bit sleep");
		expect_fail((DWORD)pid, NULL, SMALL, ERROR_PARTIAL_COPY,
			    "64-bit sleep, NULL");
		expect_fail((DWORD)pid, (const void *)0x10000000, LARGE,
			    ERROR_PARTIAL_COPY, "64-bit sleep, low, large");
		expect_fail((DWORD)pid, (const void *)(uintptr_t)-16, 16,
			    ERROR_NOACCESS, "64-bit sleep, wrapping");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	} else {
		printf("smoke: no 64-bit sleep(1): that part skipped\n");
	}

	/* A 64-bit process with memory below 4 GiB. */
	fd = mkstemp(path);
	if (fd < 0) {
		perror("smoke: mkstemp");
		exit(99);
	}
	len = low_elf(file);
	if (write(fd, file, len) != (ssize_t)len || fchmod(fd, 0700)) {
		perror("smoke: write");
		exit(99);
	}
	close(fd);
	argv[0] = path;
	argv[1] = NULL;
	pid = spawn(path, argv);
	unlink(path);
	CHECK(pid > 0, "a 64-bit program at %#x did not start", LOW_BASE);
	if (pid <= 0)
		return;
	wow64_lists_fail(pid, "64-bit low program");
	got = map(LARGE, PROT_READ | PROT_WRITE);
	count = 0;
	CHECK(Toolhelp32ReadProcessMemory((DWORD)pid,
					  (const void *)LOW_BASE, got, LARGE,
					  &count) && count == LARGE &&
	      !memcmp(got, file, len),
	      "64-bit low program: %lu bytes at %#x: error %lu",
	      (unsigned long)LARGE, LOW_BASE, (unsigned long)GetLastError());
	for (i = len; i < LARGE && !got[i]; i++)
		;
	CHECK(i == LARGE, "64-bit low program: byte %lu of its bss is %#x",
	      (unsigned long)i, i < LARGE ? got[i] : 0);
	CHECK(Toolhelp32ReadProcessMemory((DWORD)pid,
					  (const void *)LOW_BASE, got, 4,
					  NULL) && !memcmp(got, "\177ELF", 4),
	      "64-bit low program: its first 4 bytes");
	munmap(got, LARGE);
	expect_fail((DWORD)pid, (const void *)(LOW_BASE + LOW_BSS - 4), SMALL,
		    ERROR_PARTIAL_COPY, "64-bit low program, past its end");
	expect_fail((DWORD)pid, (const void *)LOW_BASE, LARGE + 4096,
		    ERROR_PARTIAL_COPY,
		    "64-bit low program, large, past its end");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
#endif

/* --- FormatMessage and GetSystemInfo -------------------------------------- */

/* FormatMessageA of a string with the variadic arguments as its va_list. */
static DWORD
format_va(char *buf, DWORD n, const char *src, ...)
{
	va_list ap;
	DWORD r;

	va_start(ap, src);
	r = FormatMessageA(FORMAT_MESSAGE_FROM_STRING, src, 0, 0, buf, n, &ap);
	va_end(ap);
	return r;
}

static void
format_messages(void)
{
	const DWORD sys = FORMAT_MESSAGE_FROM_SYSTEM |
			  FORMAT_MESSAGE_IGNORE_INSERTS;
	DWORD_PTR args[] = { (DWORD_PTR)"two", (DWORD_PTR)-1 };
	char buf[128], expect[64], *p = NULL;
	WCHAR w[128];
	DWORD r;

	r = FormatMessageA(sys, NULL, ERROR_ACCESS_DENIED, 0, buf,
			   sizeof(buf), NULL);
	CHECK(r == 19 && !strcmp(buf, "Access is denied.\r\n"),
	      "FormatMessageA(5): %u", r);
	r = FormatMessageW(sys, NULL, ERROR_PARTIAL_COPY, 0, w, 128, NULL);
	CHECK(r == 79 && w[0] == 'O' && w[77] == '\r' && w[79] == 0,
	      "FormatMessageW(299): %u", r);
	memset(buf, 'x', sizeof(buf));
	r = FormatMessageA(sys, NULL, ERROR_ACCESS_DENIED, 0, buf, 19, NULL);
	CHECK(!r && GetLastError() == ERROR_INSUFFICIENT_BUFFER &&
	      buf[0] == 'x', "FormatMessageA, 19 bytes: %u, error %u", r,
	      GetLastError());
	r = FormatMessageA(sys, NULL, 12345, 0, buf, sizeof(buf), NULL);
	CHECK(!r && GetLastError() == ERROR_MR_MID_NOT_FOUND,
	      "FormatMessageA(12345): %u, error %u", r, GetLastError());

	r = FormatMessageA(sys | FORMAT_MESSAGE_ALLOCATE_BUFFER, NULL,
			   ERROR_NOACCESS, 0, (LPSTR)&p, 0, NULL);
	CHECK(r == 36 && p && !strcmp(p, "Invalid access to memory "
				      "location.\r\n"),
	      "FormatMessageA, allocated: %u", r);
	CHECK(LocalFree(p) == NULL, "LocalFree of the buffer");
	CHECK(LocalFree(buf) == buf && GetLastError() == ERROR_INVALID_HANDLE,
	      "LocalFree of a stack buffer: error %u", GetLastError());

	/* 64-bit arguments take two words of a 32-bit va_list */
	r = format_va(buf, sizeof(buf), "%1!I64u! %2 %3!d!",
		      (unsigned long long)UINT64_MAX, "s", -7);
	CHECK(r == 25 && !strcmp(buf, "18446744073709551615 s -7"),
	      "FormatMessageA, va_list: %u \"%s\"", r, r ? buf : "");
	snprintf(expect, sizeof(expect), "two %zu", SIZE_MAX);
	r = FormatMessageA(FORMAT_MESSAGE_FROM_STRING |
			   FORMAT_MESSAGE_ARGUMENT_ARRAY, "%1 %2!Iu!", 0, 0,
			   buf, sizeof(buf), (va_list *)args);
	CHECK(r == strlen(expect) && !strcmp(buf, expect),
	      "FormatMessageA, array: %u \"%s\"", r, r ? buf : "");
}

static void
system_info(void)
{
	SYSTEM_INFO si;
	uintptr_t max;

	GetSystemInfo(&si);
	max = (uintptr_t)si.lpMaximumApplicationAddress;
	CHECK(si.dwPageSize == page(), "dwPageSize %u", si.dwPageSize);
	CHECK(si.dwAllocationGranularity == 65536 &&
	      si.lpMinimumApplicationAddress == (LPVOID)0x10000,
	      "granularity %u, minimum %p", si.dwAllocationGranularity,
	      si.lpMinimumApplicationAddress);
	CHECK((max + 1) % page() == 0 && max > (uintptr_t)&si,
	      "maximum %p", si.lpMaximumApplicationAddress);
	CHECK(si.dwNumberOfProcessors >= 1 && si.dwActiveProcessorMask,
	      "%u processors, mask %#lx", si.dwNumberOfProcessors,
	      (unsigned long)si.dwActiveProcessorMask);
#if defined(__x86_64__)
	CHECK(si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64 &&
	      si.dwProcessorType == PROCESSOR_AMD_X8664,
	      "architecture %u", si.wProcessorArchitecture);
#elif defined(__i386__)
	CHECK(si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_INTEL &&
	      max >= 0xBFFFFFFFu, "architecture %u, maximum %p",
	      si.wProcessorArchitecture, si.lpMaximumApplicationAddress);
#endif
}

/* --- the run -------------------------------------------------------------- */

/* Run this program again with TEXT_ENV=1; its exit status. */
static int
run_text_mode(void)
{
	char *argv[] = { (char *)"smoke", NULL };
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 99;
	if (pid == 0) {
		setenv(TEXT_ENV, "1", 1);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return 99;
	return WEXITSTATUS(status);
}

int
main(void)
{
	const void *addrs[3];
	const char *force = getenv(TEXT_ENV);
	char exe[4096];
	struct child c;
	ssize_t n;
	int sub = 0;
	char why[256];

	/* a machine that refuses to read other processes: nothing to test */
	if (!tlh_can_read_child(why, sizeof(why))) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	if (force && *force && strcmp(force, "0"))
		mode = "text";
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		perror("smoke: /proc/self/exe");
		return 99;
	}
	exe[n] = '\0';

	read_self();
	read_bad_processes();
	child_start(&c);
	read_child(&c);
	snap_processes(&c, exe);
	snap_threads(&c);
	addrs[0] = (const void *)(uintptr_t)main;
	addrs[1] = (const void *)(uintptr_t)GetLastError;
	addrs[2] = (const void *)(uintptr_t)fprintf;
	snap_modules(0, exe, addrs, 3, "self");
	snap_modules((DWORD)c.pid, exe, addrs, 3, "child");
	child_stop(&c);
	snap_module32();
	snap_heaps();
	snap_errors();
	format_messages();
	system_info();
#if UINTPTR_MAX == UINT32_MAX
	wow64();
#endif

	if (!strcmp(mode, "procmap"))
		sub = run_text_mode();
	printf("%s: %u passed, %u failed\n", mode, passed, failed);
	if (sub == 99 || sub == 127)
		return 99;
	return failed || sub ? 1 : 0;
}
