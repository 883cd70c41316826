/*
 * check_snapshot.c - CreateToolhelp32Snapshot, the process, thread and
 * module lists, and handles.  Every subject is a child the test starts:
 * threads it creates in a known order, programs it runs under odd names,
 * a hand-made 32-bit executable.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tlhelp32.h>

#include "fixtures.h"
#include "primap.h"
#include "suites.h"

#define NTHREADS	5

/* --- helpers -------------------------------------------------------------- */

/* Find @pid in a process snapshot; count how often it appears. */
static int
find_process(HANDLE snap, DWORD pid, PROCESSENTRY32 *out)
{
	PROCESSENTRY32 pe;
	int seen = 0;
	BOOL ok;

	pe.dwSize = sizeof(pe);
	for (ok = Process32First(snap, &pe); ok; ok = Process32Next(snap, &pe)) {
		if (pe.th32ProcessID == pid) {
			if (!seen && out)
				*out = pe;
			seen++;
		}
	}
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	return seen;
}

/*
 * The executable as /proc links it.  Relative to the /proc/self directory,
 * so that valgrind, which answers readlink("/proc/self/exe") with its
 * client's path, gives its own, as the library sees it.
 */
static void
self_exe(char *buf, size_t size)
{
	int dir = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ssize_t len;

	ck_assert_int_ge(dir, 0);
	len = readlinkat(dir, "exe", buf, size - 1);
	close(dir);
	ck_assert_int_gt(len, 0);
	buf[len] = '\0';
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* A child that starts NTHREADS threads one after another, reporting tids. */
struct threads_report {
	pid_t tids[NTHREADS];
};

static int thread_pipe[2];

static void *
idle_thread(void *arg)
{
	pid_t tid = (pid_t)syscall(SYS_gettid);

	(void)arg;
	if (write(thread_pipe[1], &tid, sizeof(tid)) != sizeof(tid))
		_exit(3);
	for (;;)
		pause();
	return NULL;
}

static void
threads_child(void *arg, int report)
{
	struct threads_report r;
	pthread_t t;
	int i;

	(void)arg;
	if (pipe(thread_pipe))
		_exit(2);
	for (i = 0; i < NTHREADS; i++) {
		if (pthread_create(&t, NULL, idle_thread, NULL) ||
		    read(thread_pipe[0], &r.tids[i], sizeof(pid_t)) !=
		    sizeof(pid_t))
			_exit(2);
	}
	if (write(report, &r, sizeof(r)) != sizeof(r))
		_exit(2);
}

static void
start_threads_child(struct tlh_fx_child *c, struct threads_report *r)
{
	ck_assert_int_eq(tlh_fx_child_run(c, threads_child, NULL, r,
					  sizeof(*r)), 0);
}

/*
 * Run @path as a new process (argv[0] = its last component, then @arg).
 * Returns once the exec has happened (a close-on-exec pipe closes), with
 * the pid, or -errno if the exec failed.
 */
static pid_t
spawn(const char *path, const char *arg)
{
	int sync[2], err = 0;
	char *argv[3];
	pid_t pid;

	ck_assert_int_eq(pipe2(sync, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		argv[0] = (char *)base_name(path);
		argv[1] = (char *)arg;
		argv[2] = NULL;
		close(sync[0]);
		execv(path, argv);
		err = errno;
		if (write(sync[1], &err, sizeof(err)) < 0)
			_exit(126);
		_exit(127);
	}
	close(sync[1]);
	if (read(sync[0], &err, sizeof(err)) == sizeof(err)) {
		close(sync[0]);
		waitpid(pid, NULL, 0);
		return -err;
	}
	close(sync[0]);
	return pid;
}

static void
copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	ssize_t n;
	int in, out;

	in = open(from, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(in, 0);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ck_assert_msg(out >= 0, "create %s: %s", to, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
	close(in);
	ck_assert_int_eq(close(out), 0);
}

/* sleep(1) of the system, whatever its word size. */
static const char *
system_sleep(void)
{
	static const char *const candidates[] = { "/bin/sleep", "/usr/bin/sleep" };
	size_t i;

	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (access(candidates[i], X_OK) == 0)
			return candidates[i];
	return NULL;
}

/*
 * A program that sleeps: a copy of sleep(1) under the name we choose.  A
 * 32-bit build cannot list a 64-bit sleep(1)'s modules (as under WOW64):
 * it runs tests/sleeper, built as it is.
 */
static const char *
sleep_binary(void)
{
	static char own[PATH_MAX];
	const char *top = getenv("top_builddir");

	if (UINTPTR_MAX == UINT64_MAX)
		return system_sleep();
	if (top && snprintf(own, sizeof(own), "%s/tests/sleeper", top) <
	    (int)sizeof(own) && access(own, X_OK) == 0)
		return own;
	return NULL;
}

/* UTF-16 of an ASCII string equals @w? */
static int
ascii_equals_w(const char *a, const WCHAR *w)
{
	size_t i;

	for (i = 0; a[i]; i++)
		if ((WCHAR)(unsigned char)a[i] != w[i])
			return 0;
	return w[i] == 0;
}

static size_t
wlen(const WCHAR *w)
{
	size_t n = 0;

	while (w[n])
		n++;
	return n;
}

/* --- processes ------------------------------------------------------------ */

START_TEST(test_process_self_and_child)
{
	struct tlh_fx_child c;
	struct threads_report r;
	PROCESSENTRY32 pe;
	PROCESSENTRY32W pw;
	struct primap self_pri, child_pri;
	char exe[PATH_MAX];
	HANDLE snap;

	if (tlh_fx_skip_emulated("test_process_self_and_child",
				  TLH_FX_EMU_THREAD))
		return;
	start_threads_child(&c, &r);
	/* the suite may run at any nice value: expect what each runs at */
	ck_assert_int_eq(primap_of(getpid(), &self_pri), 0);
	ck_assert_int_eq(primap_of(c.pid, &child_pri), 0);
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	ck_assert_ptr_nonnull(snap);

	self_exe(exe, sizeof(exe));
	ck_assert_int_eq(find_process(snap, (DWORD)getpid(), &pe), 1);
	ck_assert_uint_eq(pe.th32ParentProcessID, (DWORD)getppid());
	ck_assert_str_eq(pe.szExeFile, base_name(exe));
	ck_assert_uint_eq(pe.cntThreads, 1);
	ck_assert_int_eq(pe.pcPriClassBase, self_pri.class_base);
	ck_assert_uint_eq(pe.cntUsage, 0);
	ck_assert_uint_eq(pe.th32DefaultHeapID, 0);
	ck_assert_uint_eq(pe.th32ModuleID, 0);
	ck_assert_uint_eq(pe.dwFlags, 0);

	ck_assert_int_eq(find_process(snap, (DWORD)c.pid, &pe), 1);
	ck_assert_uint_eq(pe.th32ParentProcessID, (DWORD)getpid());
	ck_assert_str_eq(pe.szExeFile, base_name(exe));
	ck_assert_uint_eq(pe.cntThreads, NTHREADS + 1);
	ck_assert_int_eq(pe.pcPriClassBase, child_pri.class_base);

	/* the W form of the same entry */
	pw.dwSize = sizeof(pw);
	ck_assert(Process32FirstW(snap, &pw));
	do {
		if (pw.th32ProcessID == (DWORD)c.pid)
			break;
	} while (Process32NextW(snap, &pw));
	ck_assert_uint_eq(pw.th32ProcessID, (DWORD)c.pid);
	ck_assert_uint_eq(pw.cntThreads, NTHREADS + 1);
	ck_assert(ascii_equals_w(base_name(exe), pw.szExeFile));

	ck_assert(CloseHandle(snap));
	tlh_fx_child_stop(&c);
}
END_TEST

/* The snapshot is a copy: a child that dies later is still in it, whole. */
START_TEST(test_process_snapshot_is_a_copy)
{
	struct tlh_fx_child c;
	struct threads_report r;
	PROCESSENTRY32 pe;
	char exe[PATH_MAX];
	HANDLE snap;
	pid_t pid;

	if (tlh_fx_skip_emulated("test_process_snapshot_is_a_copy",
				  TLH_FX_EMU_THREAD))
		return;
	start_threads_child(&c, &r);
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD,
					0);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	pid = c.pid;
	tlh_fx_child_stop(&c);

	self_exe(exe, sizeof(exe));
	ck_assert_int_eq(find_process(snap, (DWORD)pid, &pe), 1);
	ck_assert_str_eq(pe.szExeFile, base_name(exe));
	ck_assert_uint_eq(pe.cntThreads, NTHREADS + 1);
	ck_assert(CloseHandle(snap));
}
END_TEST

/* First rewinds; a second pass gives exactly the same entries. */
START_TEST(test_process_first_rewinds)
{
	PROCESSENTRY32 *a, pe;
	size_t n = 0, i, alloc = 64;
	HANDLE snap;
	BOOL ok;

	a = malloc(alloc * sizeof(*a));
	ck_assert_ptr_nonnull(a);
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	memset(&pe, 0, sizeof(pe));	/* padding too: entries are compared */
	pe.dwSize = sizeof(pe);
	for (ok = Process32First(snap, &pe); ok; ok = Process32Next(snap, &pe)) {
		if (n == alloc) {
			alloc *= 2;
			a = realloc(a, alloc * sizeof(*a));
			ck_assert_ptr_nonnull(a);
		}
		a[n++] = pe;
	}
	ck_assert_uint_gt(n, 1);
	/* past the end it stays at the end */
	ck_assert(!Process32Next(snap, &pe));
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);

	/* as at the start: the bytes after each name are the earlier ones' */
	memset(&pe, 0, sizeof(pe));
	pe.dwSize = sizeof(pe);
	i = 0;
	for (ok = Process32First(snap, &pe); ok; ok = Process32Next(snap, &pe)) {
		ck_assert_uint_lt(i, n);
		ck_assert_int_eq(memcmp(&a[i], &pe, sizeof(pe)), 0);
		i++;
	}
	ck_assert_uint_eq(i, n);
	ck_assert(CloseHandle(snap));
	free(a);
}
END_TEST

/* Next before First gives entry 0; cursors are per list. */
START_TEST(test_cursors)
{
	PROCESSENTRY32 p0, p1, pe;
	THREADENTRY32 t0, te;
	HANDLE snap;

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD,
					0);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	/* zeroed, so that their padding compares equal too */
	memset(&p0, 0, sizeof(p0));
	memset(&p1, 0, sizeof(p1));
	memset(&pe, 0, sizeof(pe));
	memset(&t0, 0, sizeof(t0));
	memset(&te, 0, sizeof(te));
	p0.dwSize = p1.dwSize = pe.dwSize = sizeof(pe);
	t0.dwSize = te.dwSize = sizeof(te);

	ck_assert(Process32Next(snap, &p0));	/* before First: entry 0 */
	ck_assert(Process32Next(snap, &p1));	/* then entry 1 */
	ck_assert_uint_ne(p0.th32ProcessID, p1.th32ProcessID);
	ck_assert(Thread32Next(snap, &t0));	/* the thread list's own 0 */
	ck_assert(Process32First(snap, &pe));
	ck_assert_int_eq(memcmp(&pe, &p0, sizeof(pe)), 0);
	/* zeroed again: after its name, it keeps entry 0's bytes */
	memset(&pe, 0, sizeof(pe));
	pe.dwSize = sizeof(pe);
	ck_assert(Process32Next(snap, &pe));
	ck_assert_int_eq(memcmp(&pe, &p1, sizeof(pe)), 0);
	ck_assert(Thread32First(snap, &te));
	ck_assert_int_eq(memcmp(&te, &t0, sizeof(te)), 0);
	/* the A and W forms walk the same list with one cursor */
	{
		PROCESSENTRY32W pw;

		pw.dwSize = sizeof(pw);
		ck_assert(Process32First(snap, &pe));
		ck_assert(Process32NextW(snap, &pw));
		ck_assert_uint_eq(pw.th32ProcessID, p1.th32ProcessID);
	}
	ck_assert(CloseHandle(snap));
}
END_TEST

/* --- threads -------------------------------------------------------------- */

START_TEST(test_thread_order)
{
	struct tlh_fx_child c;
	struct threads_report r;
	THREADENTRY32 te;
	DWORD seen[NTHREADS + 1];
	struct primap pm;
	size_t n = 0;
	int in_run = 0, runs = 0;
	HANDLE snap;
	BOOL ok;

	if (tlh_fx_skip_emulated("test_thread_order", TLH_FX_EMU_THREAD))
		return;
	start_threads_child(&c, &r);
	/* the pid does not matter for the thread list */
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 1);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	te.dwSize = sizeof(te);
	for (ok = Thread32First(snap, &te); ok; ok = Thread32Next(snap, &te)) {
		if (te.th32OwnerProcessID == (DWORD)c.pid) {
			if (!in_run)
				runs++;
			in_run = 1;
			ck_assert_uint_lt(n, NTHREADS + 1);
			seen[n++] = te.th32ThreadID;
			/* at the nice value it inherited from us */
			ck_assert_int_eq(primap_of((pid_t)te.th32ThreadID,
						   &pm), 0);
			ck_assert_int_eq(te.tpBasePri, pm.thread_base);
			ck_assert_int_eq(te.tpDeltaPri, 0);
			ck_assert_uint_eq(te.cntUsage, 0);
			ck_assert_uint_eq(te.dwFlags, 0);
		} else {
			in_run = 0;
		}
	}
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	ck_assert_int_eq(runs, 1);		/* together */
	ck_assert_uint_eq(n, NTHREADS + 1);
	ck_assert_uint_eq(seen[0], (DWORD)c.pid);	/* main first */
	for (n = 0; n < NTHREADS; n++)		/* then creation order */
		ck_assert_uint_eq(seen[n + 1], (DWORD)r.tids[n]);
	ck_assert(CloseHandle(snap));
	tlh_fx_child_stop(&c);
}
END_TEST

/* A process that vanished before the snapshot is not in it; our own
 * thread is, under our pid. */
START_TEST(test_thread_self)
{
	THREADENTRY32 te;
	HANDLE snap;
	int found = 0;
	BOOL ok;

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	te.dwSize = sizeof(te);
	for (ok = Thread32First(snap, &te); ok; ok = Thread32Next(snap, &te))
		if (te.th32ThreadID == (DWORD)getpid()) {
			ck_assert_uint_eq(te.th32OwnerProcessID,
					  (DWORD)getpid());
			found++;
		}
	ck_assert_int_eq(found, 1);
	ck_assert(CloseHandle(snap));
}
END_TEST

/* --- modules -------------------------------------------------------------- */

/* Check a module list: main executable first, libc present, @addr in some
 * module, hModule == modBaseAddr, the W entries equal the A ones (the A and
 * W calls share one cursor, so each form takes its own pass). */
static void
check_modules(DWORD pid, const char *exe, const void *addr)
{
	MODULEENTRY32 me, *a = NULL;
	MODULEENTRY32W mw;
	HANDLE snap;
	int n = 0, i, libc = 0, has_addr = 0;
	BOOL ok;

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, pid);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	me.dwSize = sizeof(me);
	mw.dwSize = sizeof(mw);
	ok = Module32First(snap, &me);
	ck_assert(ok);
	ck_assert_str_eq(me.szExePath, exe);
	ck_assert_str_eq(me.szModule, base_name(exe));
	for (; ok; ok = Module32Next(snap, &me)) {
		a = realloc(a, (size_t)(n + 1) * sizeof(*a));
		ck_assert_ptr_nonnull(a);
		a[n++] = me;
		ck_assert_uint_eq(me.th32ProcessID, pid ? pid : (DWORD)getpid());
		ck_assert_uint_eq(me.th32ModuleID, 1);
		ck_assert_uint_eq(me.GlblcntUsage, 0xffff);
		ck_assert_uint_eq(me.ProccntUsage, 0xffff);
		ck_assert_ptr_eq((void *)me.hModule, (void *)me.modBaseAddr);
		ck_assert_uint_gt(me.modBaseSize, 0);
		ck_assert_int_eq(me.szExePath[0], '/');
		ck_assert_str_eq(me.szModule, base_name(me.szExePath));
		if (!strncmp(me.szModule, "libc.so", 7))
			libc++;
		if ((const BYTE *)addr >= me.modBaseAddr &&
		    (const BYTE *)addr < me.modBaseAddr + me.modBaseSize)
			has_addr++;
	}
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	ck_assert_int_ge(n, 2);
	ck_assert_int_eq(libc, 1);
	ck_assert_int_eq(has_addr, 1);

	i = 0;
	for (ok = Module32FirstW(snap, &mw); ok; ok = Module32NextW(snap, &mw)) {
		ck_assert_int_lt(i, n);
		ck_assert_ptr_eq(mw.modBaseAddr, a[i].modBaseAddr);
		ck_assert_ptr_eq((void *)mw.hModule, (void *)a[i].hModule);
		ck_assert_uint_eq(mw.modBaseSize, a[i].modBaseSize);
		ck_assert_uint_eq(mw.th32ProcessID, a[i].th32ProcessID);
		ck_assert(ascii_equals_w(a[i].szModule, mw.szModule));
		ck_assert(ascii_equals_w(a[i].szExePath, mw.szExePath));
		i++;
	}
	ck_assert_int_eq(i, n);
	ck_assert(CloseHandle(snap));
	free(a);
}

/* Why the module lists of whole processes differ under qemu-user. */
#define MODULES_EMU \
	"the process runs qemu-aarch64: its exe link, and its maps read " \
	"from another process, are the emulator's (its own libraries among " \
	"them)"

START_TEST(test_modules_self)
{
	char exe[PATH_MAX];

	if (tlh_fx_skip_emulated("test_modules_self", MODULES_EMU))
		return;
	self_exe(exe, sizeof(exe));
	check_modules(0, exe, (const void *)&check_modules);
	check_modules((DWORD)getpid(), exe, (const void *)&check_modules);
}
END_TEST

START_TEST(test_modules_child)
{
	struct tlh_fx_child c;
	struct threads_report r;
	char exe[PATH_MAX];

	if (tlh_fx_skip_emulated("test_modules_child", MODULES_EMU))
		return;
	start_threads_child(&c, &r);
	self_exe(exe, sizeof(exe));
	/* the child runs the same program at the same addresses */
	check_modules((DWORD)c.pid, exe, (const void *)&check_modules);
	tlh_fx_child_stop(&c);
}
END_TEST

/* A tiny static i386 program: pause() forever. */
static int
write_elf32(const char *path)
{
	static const unsigned char code[] = {
		0xb8, 0x1d, 0x00, 0x00, 0x00,	/* mov $29 (pause), %eax */
		0xcd, 0x80,			/* int $0x80 */
		0xeb, 0xf7,			/* jmp back */
	};
	unsigned char img[52 + 32 + sizeof(code)];
	uint32_t base = 0x08048000, entry = base + 52 + 32;
	uint32_t size = (uint32_t)sizeof(img);
	int fd;

	memset(img, 0, sizeof(img));
	memcpy(img, "\177ELF\1\1\1", 7);
#define PUT16(off, v) do { img[off] = (v) & 0xff; img[(off) + 1] = ((v) >> 8) & 0xff; } while (0)
#define PUT32(off, v) do { PUT16(off, (v) & 0xffff); PUT16((off) + 2, ((v) >> 16) & 0xffff); } while (0)
	PUT16(16, 2);		/* ET_EXEC */
	PUT16(18, 3);		/* EM_386 */
	PUT32(20, 1);		/* EV_CURRENT */
	PUT32(24, entry);
	PUT32(28, 52);		/* e_phoff */
	PUT16(40, 52);		/* e_ehsize */
	PUT16(42, 32);		/* e_phentsize */
	PUT16(44, 1);		/* e_phnum */
	PUT32(52, 1);		/* PT_LOAD */
	PUT32(56, 0);		/* p_offset */
	PUT32(60, base);	/* p_vaddr */
	PUT32(64, base);	/* p_paddr */
	PUT32(68, size);	/* p_filesz */
	PUT32(72, size);	/* p_memsz */
	PUT32(76, 5);		/* PF_R | PF_X */
	PUT32(80, 0x1000);	/* p_align */
#undef PUT32
#undef PUT16
	memcpy(img + 52 + 32, code, sizeof(code));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0)
		return -errno;
	if (write(fd, img, sizeof(img)) != (ssize_t)sizeof(img)) {
		close(fd);
		return -EIO;
	}
	return close(fd) ? -errno : 0;
}

static int
count_modules(DWORD flags, DWORD pid, MODULEENTRY32 *first)
{
	MODULEENTRY32 me;
	HANDLE snap;
	int n = 0;
	BOOL ok;

	snap = CreateToolhelp32Snapshot(flags, pid);
	ck_assert_msg(snap != INVALID_HANDLE_VALUE, "snapshot %#x of %u: %u",
		      flags, pid, GetLastError());
	me.dwSize = sizeof(me);
	for (ok = Module32First(snap, &me); ok; ok = Module32Next(snap, &me))
		if (!n++ && first)
			*first = me;
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	ck_assert(CloseHandle(snap));
	return n;
}

/* Whether @pid runs the program at @path, within about two seconds. */
static int
runs_program(pid_t pid, const char *path)
{
	char link[64], target[256];
	ssize_t n;
	int i;

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	for (i = 0; i < 200; i++) {
		n = readlink(link, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			if (!strcmp(target, path))
				return 1;
		}
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return 0;
		usleep(10000);
	}
	return 0;
}

START_TEST(test_modules_32bit)
{
	char dir[] = "/tmp/tlh-elf32-XXXXXX", path[64];
	MODULEENTRY32 me;
	pid_t pid;

	/* TH32CS_SNAPMODULE32 alone lists only a 32-bit target's modules */
	if (UINTPTR_MAX == UINT32_MAX)
		ck_assert_int_gt(count_modules(TH32CS_SNAPMODULE32, 0, NULL),
				 2);
	else
		ck_assert_int_eq(count_modules(TH32CS_SNAPMODULE32, 0, NULL),
				 0);
	ck_assert_int_gt(count_modules(TH32CS_SNAPMODULE |
				       TH32CS_SNAPMODULE32, 0, NULL), 2);

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pause32", dir);
	ck_assert_int_eq(write_elf32(path), 0);
	pid = spawn(path, NULL);
	if (pid > 0 && !runs_program(pid, path)) {
		/* the exec failed in a way spawn() could not see (under
		 * valgrind, whose child reports no exec error to it) */
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -ENOEXEC;
	}
	if (pid < 0) {
		unlink(path);
		rmdir(dir);
		printf("SKIP: test_modules_32bit: this kernel cannot run "
		       "32-bit programs (%s)\n", strerror((int)-pid));
		return;
	}
	ck_assert_int_eq(count_modules(TH32CS_SNAPMODULE32, (DWORD)pid, &me), 1);
	ck_assert_str_eq(me.szExePath, path);
	ck_assert_str_eq(me.szModule, "pause32");
	ck_assert_ptr_eq(me.modBaseAddr, (BYTE *)0x08048000);
	ck_assert_int_eq(count_modules(TH32CS_SNAPMODULE, (DWORD)pid, NULL), 1);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(path);
	rmdir(dir);
}
END_TEST

/*
 * A 32-bit caller cannot name a 64-bit process's modules and heaps (they
 * lie above 4 GiB): as under WOW64, ERROR_PARTIAL_COPY.  Its process and
 * threads are listed as any other's.
 */
START_TEST(test_modules_wow64)
{
	static const DWORD flags[] = {
		TH32CS_SNAPMODULE, TH32CS_SNAPMODULE32, TH32CS_SNAPHEAPLIST,
		TH32CS_SNAPALL, TH32CS_SNAPMODULE | TH32CS_SNAPPROCESS,
	};
	const char *sleeper = system_sleep();
	unsigned char hdr[5] = { 0 };
	HANDLE snap;
	size_t i;
	pid_t pid;
	int fd;

	fd = sleeper ? open(sleeper, O_RDONLY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		ck_assert_int_eq(read(fd, hdr, sizeof(hdr)), sizeof(hdr));
		close(fd);
	}
	if (memcmp(hdr, "\177ELF\2", 5)) {
		printf("SKIP: test_modules_wow64: no 64-bit sleep(1)\n");
		return;
	}
	pid = spawn(sleeper, "100");
	if (pid < 0) {
		printf("SKIP: test_modules_wow64: this kernel cannot run "
		       "64-bit programs (%s)\n", strerror((int)-pid));
		return;
	}
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		SetLastError(0);
		snap = CreateToolhelp32Snapshot(flags[i], (DWORD)pid);
		ck_assert_msg(snap == INVALID_HANDLE_VALUE,
			      "flags %#x of a 64-bit process succeeded",
			      flags[i]);
		ck_assert_uint_eq(GetLastError(), ERROR_PARTIAL_COPY);
	}
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD,
					(DWORD)pid);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	ck_assert_int_eq(find_process(snap, (DWORD)pid, NULL), 1);
	ck_assert(CloseHandle(snap));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
END_TEST

/* --- names ---------------------------------------------------------------- */

/* A program run under @name in a fresh directory: the snapshots must give
 * the name back byte for byte (A) and well-formed (W). */
static void
check_odd_name(const char *dir, const char *name, const WCHAR *wname)
{
	char path[PATH_MAX];
	PROCESSENTRY32 pe;
	PROCESSENTRY32W pw;
	MODULEENTRY32 me;
	MODULEENTRY32W mw;
	HANDLE snap;
	const char *sleeper = sleep_binary();
	pid_t pid;
	size_t i;

	if (!sleeper) {
		printf("SKIP: no sleep(1) to run under another name\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	copy_file(sleeper, path, 0755);
	pid = spawn(path, "100");
	ck_assert_msg(pid > 0, "exec %s: %s", path, strerror((int)-pid));

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPMODULE,
					(DWORD)pid);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	ck_assert_int_eq(find_process(snap, (DWORD)pid, &pe), 1);
	ck_assert_str_eq(pe.szExeFile, name);
	pw.dwSize = sizeof(pw);
	ck_assert(Process32FirstW(snap, &pw));
	while (pw.th32ProcessID != (DWORD)pid)
		ck_assert(Process32NextW(snap, &pw));
	for (i = 0; wname[i]; i++)
		ck_assert_uint_eq(pw.szExeFile[i], wname[i]);
	ck_assert_uint_eq(pw.szExeFile[i], 0);

	me.dwSize = sizeof(me);
	ck_assert(Module32First(snap, &me));
	ck_assert_str_eq(me.szExePath, path);
	ck_assert_str_eq(me.szModule, name);
	mw.dwSize = sizeof(mw);
	ck_assert(Module32FirstW(snap, &mw));
	for (i = 0; wname[i]; i++)
		ck_assert_uint_eq(mw.szModule[i], wname[i]);
	ck_assert_uint_eq(mw.szModule[i], 0);
	ck_assert(CloseHandle(snap));

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(path);
}

START_TEST(test_names_odd)
{
	char dir[] = "/tmp/tlh-names-XXXXXX";
	/* "sp ace" */
	static const WCHAR w_space[] = { 's', 'p', ' ', 'a', 'c', 'e', 0 };
	/* "new\nline" */
	static const WCHAR w_nl[] = { 'n', 'e', 'w', '\n', 'l', 'i', 'n', 'e', 0 };
	/* "bad\xffutf8": the stray byte becomes U+FFFD */
	static const WCHAR w_bad[] = { 'b', 'a', 'd', 0xfffd, 'u', 't', 'f',
				       '8', 0 };
	/* "caf\xc3\xa9-\xf0\x9f\x98\x80": é and an emoji (a surrogate pair) */
	static const WCHAR w_utf8[] = { 'c', 'a', 'f', 0xe9, '-', 0xd83d,
					0xde00, 0 };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	check_odd_name(dir, "sp ace", w_space);
	check_odd_name(dir, "new\nline", w_nl);
	check_odd_name(dir, "bad\xffutf8", w_bad);
	check_odd_name(dir, "caf\xc3\xa9-\xf0\x9f\x98\x80", w_utf8);
	rmdir(dir);
}
END_TEST

/* The entries with strings, and where their strings are. */
enum named { NAMED_PA, NAMED_PW, NAMED_MA, NAMED_MW, NAMED_KINDS };

static const struct {
	const char *name;
	DWORD size;
	struct {
		size_t at, unit, cap;
	} field[2];
} named[NAMED_KINDS] = {
	[NAMED_PA] = { "PROCESSENTRY32", sizeof(PROCESSENTRY32), {
		{ offsetof(PROCESSENTRY32, szExeFile), 1, MAX_PATH } } },
	[NAMED_PW] = { "PROCESSENTRY32W", sizeof(PROCESSENTRY32W), {
		{ offsetof(PROCESSENTRY32W, szExeFile), 2, MAX_PATH } } },
	[NAMED_MA] = { "MODULEENTRY32", sizeof(MODULEENTRY32), {
		{ offsetof(MODULEENTRY32, szModule), 1,
		  MAX_MODULE_NAME32 + 1 },
		{ offsetof(MODULEENTRY32, szExePath), 1, MAX_PATH } } },
	[NAMED_MW] = { "MODULEENTRY32W", sizeof(MODULEENTRY32W), {
		{ offsetof(MODULEENTRY32W, szModule), 2,
		  MAX_MODULE_NAME32 + 1 },
		{ offsetof(MODULEENTRY32W, szExePath), 2, MAX_PATH } } },
};

static BOOL
named_step(HANDLE snap, enum named kind, int first, void *e)
{
	switch (kind) {
	case NAMED_PA:
		return first ? Process32First(snap, e) : Process32Next(snap, e);
	case NAMED_PW:
		return first ? Process32FirstW(snap, e) :
			       Process32NextW(snap, e);
	case NAMED_MA:
		return first ? Module32First(snap, e) : Module32Next(snap, e);
	default:
		return first ? Module32FirstW(snap, e) : Module32NextW(snap, e);
	}
}

/*
 * A string field of @f's shape in @e: terminated, and after the terminator
 * exactly what @before held there.
 */
static void
check_tail(const unsigned char *e, const unsigned char *before,
	   size_t at, size_t unit, size_t cap, const char *what, size_t n)
{
	static const unsigned char nul[2];
	size_t len, rest;

	for (len = 0; len < cap && memcmp(e + at + len * unit, nul, unit);
	     len++)
		;
	ck_assert_msg(len < cap, "%s %zu: not terminated", what, n);
	rest = at + (len + 1) * unit;
	ck_assert_msg(!memcmp(e + rest, before + rest, at + cap * unit - rest),
		      "%s %zu: bytes after the terminator were written", what,
		      n);
}

/*
 * Only a string and its terminating null are written, as on Windows: the
 * rest of the array keeps what it held (here the canary, then what the
 * entries before left), in every entry of the process and module lists,
 * A and W.
 */
START_TEST(test_names_tail)
{
	union {
		PROCESSENTRY32 pa;
		PROCESSENTRY32W pw;
		MODULEENTRY32 ma;
		MODULEENTRY32W mw;
		unsigned char b[sizeof(MODULEENTRY32W)];
	} e, before;
	HANDLE snap;
	size_t n, f;
	int kind;

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS |
					TH32CS_SNAPMODULE, 0);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	for (kind = 0; kind < NAMED_KINDS; kind++) {
		tlh_fx_canary_fill(&e, sizeof(e));
		memcpy(e.b, &named[kind].size, sizeof(DWORD));
		for (n = 0;; n++) {
			before = e;
			if (!named_step(snap, kind, !n, &e))
				break;
			for (f = 0; f < 2 && named[kind].field[f].cap; f++)
				check_tail(e.b, before.b,
					   named[kind].field[f].at,
					   named[kind].field[f].unit,
					   named[kind].field[f].cap,
					   named[kind].name, n);
		}
		ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
		ck_assert_uint_gt(n, 0);
	}
	ck_assert(CloseHandle(snap));
}
END_TEST

/* A path longer than MAX_PATH is cut to fit, terminated, and the A and W
 * forms are cut alike. */
START_TEST(test_names_long_path)
{
	char base[] = "/tmp/tlh-long-XXXXXX", path[PATH_MAX], dirs[PATH_MAX];
	const char *seg = "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	const char *sleeper = sleep_binary();
	MODULEENTRY32 me;
	MODULEENTRY32W mw;
	PROCESSENTRY32 pe;
	HANDLE snap;
	size_t i;
	pid_t pid;

	if (!sleeper) {
		printf("SKIP: no sleep(1) to run from a long path\n");
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(base));
	snprintf(dirs, sizeof(dirs), "%s", base);
	for (i = 0; i < 8; i++) {
		strcat(dirs, seg);
		ck_assert_int_eq(mkdir(dirs, 0755), 0);
	}
	ck_assert_int_lt(snprintf(path, sizeof(path), "%s/sleeper", dirs),
			 (int)sizeof(path));
	ck_assert_uint_gt(strlen(path), MAX_PATH);
	copy_file(sleeper, path, 0755);
	pid = spawn(path, "100");
	ck_assert_int_gt(pid, 0);

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPMODULE,
					(DWORD)pid);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	ck_assert_int_eq(find_process(snap, (DWORD)pid, &pe), 1);
	ck_assert_str_eq(pe.szExeFile, "sleeper");
	me.dwSize = sizeof(me);
	mw.dwSize = sizeof(mw);
	ck_assert(Module32First(snap, &me));
	ck_assert(Module32FirstW(snap, &mw));
	ck_assert_uint_eq(strlen(me.szExePath), MAX_PATH - 1);
	ck_assert_int_eq(strncmp(me.szExePath, path, MAX_PATH - 1), 0);
	ck_assert_uint_eq(wlen(mw.szExePath), MAX_PATH - 1);
	ck_assert(ascii_equals_w(me.szExePath, mw.szExePath));
	ck_assert_str_eq(me.szModule, "sleeper");
	ck_assert(CloseHandle(snap));

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(path);
	for (i = 0; i < 8; i++) {
		ck_assert_int_eq(rmdir(dirs), 0);
		*strrchr(dirs, '/') = '\0';
	}
	rmdir(base);
}
END_TEST

/* A deleted executable keeps its name, without " (deleted)". */
START_TEST(test_names_deleted)
{
	char dir[] = "/tmp/tlh-del-XXXXXX", path[PATH_MAX];
	const char *sleeper = sleep_binary();
	PROCESSENTRY32 pe;
	MODULEENTRY32 me;
	HANDLE snap;
	pid_t pid;

	if (!sleeper) {
		printf("SKIP: no sleep(1) to run and delete\n");
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/gone", dir);
	copy_file(sleeper, path, 0755);
	pid = spawn(path, "100");
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(unlink(path), 0);

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPMODULE,
					(DWORD)pid);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	ck_assert_int_eq(find_process(snap, (DWORD)pid, &pe), 1);
	ck_assert_str_eq(pe.szExeFile, "gone");
	me.dwSize = sizeof(me);
	ck_assert(Module32First(snap, &me));
	ck_assert_str_eq(me.szModule, "gone");
	ck_assert_str_eq(me.szExePath, path);
	ck_assert(CloseHandle(snap));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	rmdir(dir);
}
END_TEST

/*
 * An object the reader cannot open by its path: 0, deleted after it was
 * mapped; 1, in a tmpfs of a mount namespace the reader does not share.
 * Its header is read from the target's memory, and it is a module in
 * every mode (CI runs this suite again without process_vm_readv).
 */
struct hidden_elf {
	int own_ns;
	char dir[32];
};

struct hidden_report {
	void *base;
	int err;
};

#define HIDDEN_NAME	"tlh-hidden.so"

static void
hidden_elf_child(void *arg, int report)
{
	const struct hidden_elf *h = arg;
	struct hidden_report r = { NULL, 0 };

	if (h->own_ns &&
	    (unshare(CLONE_NEWNS) ||
	     mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	     mount("tmpfs", h->dir, "tmpfs", 0, "size=1m"))) {
		r.err = errno;
	} else {
		r.base = tlh_fx_map_elf_copy(h->dir, HIDDEN_NAME, !h->own_ns);
		r.err = r.base ? 0 : errno;
	}
	if (write(report, &r, sizeof(r)) != sizeof(r))
		_exit(2);
}

START_TEST(test_modules_path_unreachable)
{
	struct hidden_elf h = { _i, "/tmp/tlh-elf-XXXXXX" };
	struct hidden_report r;
	struct tlh_fx_child c;
	char path[64];
	MODULEENTRY32 me;
	HANDLE snap;
	int found = 0;
	size_t len;
	BOOL ok;

	ck_assert_ptr_nonnull(mkdtemp(h.dir));
	ck_assert_int_eq(tlh_fx_child_run(&c, hidden_elf_child, &h, &r,
					  sizeof(r)), 0);
	if (!r.base && h.own_ns) {
		printf("SKIP: test_modules_path_unreachable: no tmpfs in a "
		       "mount namespace of its own: %s\n", strerror(r.err));
		goto out;
	}
	ck_assert_msg(r.base != NULL, "mapping an ELF copy: %s",
		      strerror(r.err));
	/* the path names nothing here */
	snprintf(path, sizeof(path), "%s/%s", h.dir, HIDDEN_NAME);
	ck_assert_int_ne(access(path, F_OK), 0);

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, (DWORD)c.pid);
	ck_assert_msg(snap != INVALID_HANDLE_VALUE, "error %u", GetLastError());
	me.dwSize = sizeof(me);
	for (ok = Module32First(snap, &me); ok; ok = Module32Next(snap, &me)) {
		if (me.modBaseAddr != (BYTE *)r.base)
			continue;
		found++;
		ck_assert_str_eq(me.szModule, HIDDEN_NAME);
		len = strlen(me.szExePath);
		ck_assert_uint_gt(len, strlen(HIDDEN_NAME));
		ck_assert_str_eq(me.szExePath + len - strlen(HIDDEN_NAME),
				 HIDDEN_NAME);
		ck_assert_uint_eq(me.modBaseSize, tlh_fx_page_size());
	}
	ck_assert(CloseHandle(snap));
	ck_assert_msg(found == 1, "%s object at %p listed %d times",
		      h.own_ns ? "another mount namespace's" : "a deleted",
		      r.base, found);
out:
	tlh_fx_child_stop(&c);
	rmdir(h.dir);
}
END_TEST

/* --- errors --------------------------------------------------------------- */

START_TEST(test_list_not_in_snapshot)
{
	HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	THREADENTRY32 te;
	MODULEENTRY32 me;
	PROCESSENTRY32 pe;

	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	te.dwSize = sizeof(te);
	me.dwSize = sizeof(me);
	SetLastError(0);
	ck_assert(!Thread32First(snap, &te));
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	SetLastError(0);
	ck_assert(!Module32First(snap, &me));
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	ck_assert(CloseHandle(snap));

	/* the heap list arrives later: TH32CS_SNAPHEAPLIST adds no list, and
	 * TH32CS_SNAPALL holds the other three */
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPALL | TH32CS_INHERIT, 0);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	pe.dwSize = sizeof(pe);
	ck_assert(Process32First(snap, &pe));
	ck_assert(Thread32First(snap, &te));
	ck_assert(Module32First(snap, &me));
	ck_assert(CloseHandle(snap));

	/* no flags: a valid, empty snapshot */
	snap = CreateToolhelp32Snapshot(0, 0);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	ck_assert(!Process32First(snap, &pe));
	ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
	ck_assert(CloseHandle(snap));
}
END_TEST

START_TEST(test_entry_checks)
{
	HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPALL, 0);
	union {
		PROCESSENTRY32W pw;
		unsigned char bytes[sizeof(PROCESSENTRY32W) + 64];
	} big;
	PROCESSENTRY32 pe, copy;
	THREADENTRY32 te;
	MODULEENTRY32W mw;
	size_t i;

	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);

	/* NULL: invalid parameter */
	ck_assert(!Process32First(snap, NULL));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert(!Process32NextW(snap, NULL));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert(!Thread32Next(snap, NULL));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert(!Module32FirstW(snap, NULL));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);

	/* dwSize 0 and one short: bad length, entry untouched */
	memset(&pe, 0x5c, sizeof(pe));
	pe.dwSize = 0;
	copy = pe;
	ck_assert(!Process32First(snap, &pe));
	ck_assert_uint_eq(GetLastError(), ERROR_BAD_LENGTH);
	ck_assert_int_eq(memcmp(&pe, &copy, sizeof(pe)), 0);
	pe.dwSize = sizeof(pe) - 1;
	ck_assert(!Process32Next(snap, &pe));
	ck_assert_uint_eq(GetLastError(), ERROR_BAD_LENGTH);
	/* the A size is too small for the W struct */
	big.pw.dwSize = sizeof(PROCESSENTRY32);
	ck_assert(!Process32FirstW(snap, &big.pw));
	ck_assert_uint_eq(GetLastError(), ERROR_BAD_LENGTH);
	te.dwSize = sizeof(te) - 4;
	ck_assert(!Thread32First(snap, &te));
	ck_assert_uint_eq(GetLastError(), ERROR_BAD_LENGTH);
	mw.dwSize = sizeof(MODULEENTRY32);
	ck_assert(!Module32FirstW(snap, &mw));
	ck_assert_uint_eq(GetLastError(), ERROR_BAD_LENGTH);

	/* larger is accepted; bytes past the struct stay as they were */
	memset(&big, 0x77, sizeof(big));
	big.pw.dwSize = sizeof(big);
	ck_assert(Process32FirstW(snap, &big.pw));
	ck_assert_uint_eq(big.pw.dwSize, sizeof(big));
	for (i = sizeof(PROCESSENTRY32W); i < sizeof(big); i++)
		ck_assert_uint_eq(big.bytes[i], 0x77);
	ck_assert(CloseHandle(snap));
}
END_TEST

START_TEST(test_bad_handles)
{
	HANDLE snap, bad[] = {
		NULL, INVALID_HANDLE_VALUE, (HANDLE)4, (HANDLE)0x1234,
		(HANDLE)0x400000, (HANDLE)(uintptr_t)0xdeadbeef,
		(HANDLE)&bad,
	};
	PROCESSENTRY32 pe;
	THREADENTRY32 te;
	MODULEENTRY32 me;
	size_t i;

	pe.dwSize = sizeof(pe);
	te.dwSize = sizeof(te);
	me.dwSize = sizeof(me);
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	ck_assert(CloseHandle(snap));
	for (i = 0; i <= sizeof(bad) / sizeof(bad[0]); i++) {
		HANDLE h = i < sizeof(bad) / sizeof(bad[0]) ? bad[i] : snap;

		SetLastError(0);
		ck_assert(!Process32First(h, &pe));
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
		ck_assert(!Thread32Next(h, &te));
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
		ck_assert(!Module32First(h, &me));
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
		if (h == INVALID_HANDLE_VALUE) {
			/* also GetCurrentProcess(): closing it changes
			 * nothing and succeeds, as on Windows */
			ck_assert(CloseHandle(h));
			continue;
		}
		ck_assert(!CloseHandle(h));
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
	}
	/* a new snapshot may reuse the slot but not the handle value */
	{
		HANDLE again = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);

		ck_assert_ptr_ne(again, INVALID_HANDLE_VALUE);
		ck_assert_ptr_ne(again, snap);
		ck_assert(!Process32First(snap, &pe));
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
		ck_assert(Process32First(again, &pe));
		ck_assert(CloseHandle(again));
	}
}
END_TEST

START_TEST(test_bad_pids)
{
	pid_t dead = tlh_fx_dead_pid(), zombie;
	HANDLE snap;
	static const DWORD flags[] = { TH32CS_SNAPMODULE, TH32CS_SNAPMODULE32,
				       TH32CS_SNAPHEAPLIST };
	size_t i;

	ck_assert_int_gt(dead, 0);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		SetLastError(0);
		snap = CreateToolhelp32Snapshot(flags[i], (DWORD)dead);
		ck_assert_ptr_eq(snap, INVALID_HANDLE_VALUE);
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
		snap = CreateToolhelp32Snapshot(flags[i], 0xffffffffu);
		ck_assert_ptr_eq(snap, INVALID_HANDLE_VALUE);
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	}
	/* the pid does not matter to the process and thread lists */
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD,
					(DWORD)dead);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	ck_assert(CloseHandle(snap));

	/* a zombie and a kernel thread have no address space */
	zombie = tlh_fx_zombie();
	ck_assert_int_gt(zombie, 0);
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, (DWORD)zombie);
	ck_assert_ptr_eq(snap, INVALID_HANDLE_VALUE);
	ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);
	tlh_fx_reap(zombie);
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, 2);
	if (snap == INVALID_HANDLE_VALUE)
		ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);
	else
		CloseHandle(snap);	/* pid 2 is not kthreadd here */
}
END_TEST

static void *
block_thread(void *arg)
{
	pid_t *tid = arg;

	*tid = (pid_t)syscall(SYS_gettid);
	for (;;)
		pause();
	return NULL;
}

/* A thread id names a thread, not a process. */
START_TEST(test_thread_id_is_not_a_pid)
{
	volatile pid_t tid = 0;
	pthread_t t;
	HANDLE snap;

	ck_assert_int_eq(pthread_create(&t, NULL, block_thread, (void *)&tid),
			 0);
	while (!tid)
		usleep(1000);
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, (DWORD)tid);
	ck_assert_ptr_eq(snap, INVALID_HANDLE_VALUE);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	pthread_cancel(t);
	pthread_join(t, NULL);
}
END_TEST

static int
nobody_snapshots_root(void *arg, char *msg, size_t len)
{
	DWORD root_pid = *(DWORD *)arg;
	HANDLE snap;
	int err;

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, root_pid);
	if (snap != INVALID_HANDLE_VALUE) {
		snprintf(msg, len, "module snapshot of root's %u succeeded",
			 root_pid);
		return TLH_FX_FAIL;
	}
	if (GetLastError() != ERROR_ACCESS_DENIED) {
		snprintf(msg, len, "error %u, not ERROR_ACCESS_DENIED",
			 GetLastError());
		return TLH_FX_FAIL;
	}
	/* its own modules it may list, where it may read itself */
	err = tlh_fx_pvr_error();
	if (err) {
		snprintf(msg, len, "root's process refused; its own modules not "
			 "listed: without process_vm_readv (here: %s) a process "
			 "that changed its uid cannot read itself",
			 strerror(err));
		return TLH_FX_SKIP;
	}
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE | TH32CS_SNAPPROCESS,
					0);
	if (snap == INVALID_HANDLE_VALUE) {
		snprintf(msg, len, "own snapshot failed: %u", GetLastError());
		return TLH_FX_FAIL;
	}
	CloseHandle(snap);
	return TLH_FX_PASS;
}

START_TEST(test_permission_denied)
{
	DWORD me = (DWORD)getpid();
	char msg[256] = "";
	int r;

	r = tlh_fx_run_as_nobody(nobody_snapshots_root, &me, msg, sizeof(msg));
	if (r == TLH_FX_SKIP) {
		printf("SKIP: test_permission_denied: %s\n", msg);
		return;
	}
	ck_assert_msg(r == TLH_FX_PASS, "%s", msg);
}
END_TEST

/* --- handles under threads ------------------------------------------------ */

#define RACERS		4
#define RACE_ROUNDS	150

static HANDLE shared_handle;

static void *
racer(void *arg)
{
	PROCESSENTRY32W pw;
	THREADENTRY32 te;
	int i, j, *bad = arg;
	HANDLE h;

	pw.dwSize = sizeof(pw);
	te.dwSize = sizeof(te);
	for (i = 0; i < RACE_ROUNDS; i++) {
		/* our own snapshot, walked and closed */
		h = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
		if (h == INVALID_HANDLE_VALUE || !Process32FirstW(h, &pw) ||
		    !CloseHandle(h))
			(*bad)++;
		/* a handle everyone uses and someone closes */
		h = __atomic_load_n(&shared_handle, __ATOMIC_RELAXED);
		for (j = 0; j < 20; j++) {
			if (Thread32Next(h, &te))
				continue;
			if (GetLastError() != ERROR_INVALID_HANDLE &&
			    GetLastError() != ERROR_NO_MORE_FILES)
				(*bad)++;
		}
		if (i % 10 == 0) {
			h = __atomic_exchange_n(&shared_handle,
				CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0),
				__ATOMIC_RELAXED);
			if (!CloseHandle(h) &&
			    GetLastError() != ERROR_INVALID_HANDLE)
				(*bad)++;
		}
	}
	return NULL;
}

START_TEST(test_handles_threads)
{
	pthread_t t[RACERS];
	int bad[RACERS] = { 0 };
	int i;

	shared_handle = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
	ck_assert_ptr_ne(shared_handle, INVALID_HANDLE_VALUE);
	for (i = 0; i < RACERS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, racer, &bad[i]),
				 0);
	for (i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(bad[i], 0);
	}
	ck_assert(CloseHandle(shared_handle));
	ck_assert(!CloseHandle(shared_handle));
}
END_TEST

/* --- the suite ------------------------------------------------------------ */

Suite *
snapshot_suite(void)
{
	Suite *s = suite_create("snapshot");
	TCase *tc;

	tc = tcase_create("processes");
	tcase_add_checked_fixture(tc, NULL, tlh_fx_teardown);
	tcase_add_test(tc, test_process_self_and_child);
	tcase_add_test(tc, test_process_snapshot_is_a_copy);
	tcase_add_test(tc, test_process_first_rewinds);
	tcase_add_test(tc, test_cursors);
	suite_add_tcase(s, tc);

	tc = tcase_create("threads");
	tcase_add_checked_fixture(tc, NULL, tlh_fx_teardown);
	tcase_add_test(tc, test_thread_order);
	tcase_add_test(tc, test_thread_self);
	suite_add_tcase(s, tc);

	tc = tcase_create("modules");
	tcase_add_checked_fixture(tc, NULL, tlh_fx_teardown);
	tcase_add_test(tc, test_modules_self);
	tcase_add_test(tc, test_modules_child);
	tcase_add_test(tc, test_modules_32bit);
	if (UINTPTR_MAX == UINT32_MAX)
		tcase_add_test(tc, test_modules_wow64);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, test_names_odd);
	tcase_add_test(tc, test_names_long_path);
	tcase_add_test(tc, test_names_deleted);
	tcase_add_loop_test(tc, test_modules_path_unreachable, 0, 2);
	tcase_add_test(tc, test_names_tail);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, NULL, tlh_fx_teardown);
	tcase_add_test(tc, test_list_not_in_snapshot);
	tcase_add_test(tc, test_entry_checks);
	tcase_add_test(tc, test_bad_handles);
	tcase_add_test(tc, test_bad_pids);
	tcase_add_test(tc, test_thread_id_is_not_a_pid);
	tcase_add_test(tc, test_permission_denied);
	suite_add_tcase(s, tc);

	tc = tcase_create("handles");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_handles_threads);
	suite_add_tcase(s, tc);
	return s;
}
