/*
 * check_process.c - process handles: OpenProcess and its errors, the
 * pseudo-handle, access rights checked by each call, ReadProcessMemory
 * against the contract, and a handle's life: exit, reaping, pid reuse,
 * fork.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "windows.h"
#include "fixtures.h"
#include "primap.h"
#include "suites.h"

#define SEED	0x50c0

static const struct tlh_fx_piece readable_then_none[] = {
	{ 2, PROT_READ | PROT_WRITE },
	{ 1, PROT_NONE },
};

/* A child holding readable_then_none, and a handle with @access on it. */
static HANDLE
open_child(struct tlh_fx_child *c, DWORD access)
{
	struct tlh_fx_spec spec = {
		readable_then_none, 2, SEED, NULL, 0, 0,
	};
	HANDLE h;

	ck_assert_int_eq(tlh_fx_child_start(c, &spec), 0);
	SetLastError(0);
	h = OpenProcess(access, FALSE, (DWORD)c->pid);
	ck_assert_msg(h != NULL, "OpenProcess: error %u",
		      (unsigned)GetLastError());
	return h;
}

START_TEST(test_open_bad_pids)
{
	DWORD bad[] = { 0, 0xFFFFFFFFu, 4194305u, 0x7FFFFFFFu };
	pid_t dead = tlh_fx_dead_pid();
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SetLastError(0);
		ck_assert_ptr_null(OpenProcess(PROCESS_ALL_ACCESS, FALSE,
					       bad[i]));
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	}
	ck_assert_int_gt(dead, 0);
	SetLastError(0);
	ck_assert_ptr_null(OpenProcess(PROCESS_VM_READ, FALSE, (DWORD)dead));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
}
END_TEST

static void *
park(void *arg)
{
	pid_t *tid = arg;

	__atomic_store_n(tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	for (;;)
		pause();
	return NULL;
}

/* A thread's id is not a process's: 87, as on Windows. */
START_TEST(test_open_thread_id)
{
	pthread_t th;
	pid_t tid = 0;

	ck_assert_int_eq(pthread_create(&th, NULL, park, &tid), 0);
	while (!__atomic_load_n(&tid, __ATOMIC_ACQUIRE))
		usleep(1000);
	SetLastError(0);
	ck_assert_ptr_null(OpenProcess(PROCESS_VM_READ, FALSE, (DWORD)tid));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert_uint_eq(GetCurrentThreadId(), (DWORD)syscall(SYS_gettid));
	pthread_cancel(th);
	pthread_join(th, NULL);
}
END_TEST

/* An exited process that is not yet reaped is not there to open. */
START_TEST(test_open_zombie)
{
	pid_t z = tlh_fx_zombie();

	ck_assert_int_gt(z, 0);
	SetLastError(0);
	ck_assert_ptr_null(OpenProcess(PROCESS_VM_READ, FALSE, (DWORD)z));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	tlh_fx_reap(z);
}
END_TEST

START_TEST(test_open_self)
{
	static const char here[] = "a string in this process";
	char buf[sizeof(here)];
	HANDLE a, b;
	SIZE_T n = 1;

	a = OpenProcess(PROCESS_ALL_ACCESS, FALSE, GetCurrentProcessId());
	b = OpenProcess(PROCESS_ALL_ACCESS, FALSE, GetCurrentProcessId());
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);		/* each success is a new handle */
	ck_assert_ptr_ne(a, INVALID_HANDLE_VALUE);
	ck_assert_uint_eq(GetProcessId(a), (DWORD)getpid());
	ck_assert_uint_eq(GetCurrentProcessId(), (DWORD)getpid());
	ck_assert(ReadProcessMemory(a, here, buf, sizeof(buf), &n));
	ck_assert_uint_eq(n, sizeof(here));
	ck_assert_str_eq(buf, here);
	ck_assert(CloseHandle(a));
	ck_assert(CloseHandle(b));
	SetLastError(0);
	ck_assert(!CloseHandle(a));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
	ck_assert_uint_eq(GetProcessId(a), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
}
END_TEST

/*
 * GetPriorityClass(GetCurrentProcess()) in a child that has made itself a
 * normal process: exits 0 if that is NORMAL_PRIORITY_CLASS, 1 if not, 77
 * if it may not become normal (errno in the pipe @err).
 */
static void
pseudo_normal_child(int err)
{
	int r = primap_make_normal(0);

	if (r) {
		r = -r;
		if (write(err, &r, sizeof(r)) != sizeof(r))
			_exit(2);
		_exit(77);
	}
	_exit(GetPriorityClass(GetCurrentProcess()) ==
	      NORMAL_PRIORITY_CLASS ? 0 : 1);
}

/* GetCurrentProcess(): (HANDLE)-1, every right, and closing it is a no-op. */
START_TEST(test_pseudo_handle)
{
	static const char here[] = "pseudo";
	HANDLE self = GetCurrentProcess();
	char buf[sizeof(here)];
	struct primap pm;
	SIZE_T n = 0;
	int err[2], status, e = 0;
	pid_t k;

	ck_assert_ptr_eq(self, INVALID_HANDLE_VALUE);
	ck_assert_uint_eq(GetProcessId(self), (DWORD)getpid());
	ck_assert(CloseHandle(self));
	ck_assert(CloseHandle(self));
	ck_assert(ReadProcessMemory(self, here, buf, sizeof(buf), &n));
	ck_assert_str_eq(buf, here);
	/* ours, at whatever nice value the suite runs */
	ck_assert_int_eq(primap_of(getpid(), &pm), 0);
	ck_assert_uint_eq(GetPriorityClass(self), pm.cls);

	/* a normal process (nice 0) is of the normal class */
	ck_assert_int_eq(pipe2(err, O_CLOEXEC), 0);
	k = fork();
	ck_assert_int_ge(k, 0);
	if (k == 0)
		pseudo_normal_child(err[1]);
	close(err[1]);
	ck_assert_int_eq(waitpid(k, &status, 0), k);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		ck_assert_int_eq(read(err[0], &e, sizeof(e)), sizeof(e));
		fprintf(stderr, "test_pseudo_handle: nice 0 part skipped: "
			"may not go from policy %d, nice %d to SCHED_OTHER, "
			"nice 0: %s\n", pm.policy, pm.nice, strerror(e));
	} else {
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			      "GetPriorityClass(GetCurrentProcess()) of a "
			      "process at nice 0 is not NORMAL_PRIORITY_CLASS"
			      " (status %#x)", (unsigned)status);
	}
	close(err[0]);
}
END_TEST

START_TEST(test_bad_handles)
{
	HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	HANDLE bad[] = {
		NULL, (HANDLE)4, (HANDLE)0x1234, (HANDLE)(uintptr_t)0xdeadbeef,
		snap,		/* a snapshot is not a process */
	};
	char buf[8] = "canary!";
	SIZE_T n;
	size_t i;

	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = 99;
		SetLastError(0);
		ck_assert(!ReadProcessMemory(bad[i], buf, buf, 4, &n));
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
		ck_assert_uint_eq(n, 0);
		ck_assert_str_eq(buf, "canary!");
		SetLastError(0);
		ck_assert_uint_eq(GetPriorityClass(bad[i]), 0);
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
		SetLastError(0);
		ck_assert_uint_eq(GetProcessId(bad[i]), 0);
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
		/* a zero size succeeds before the handle is looked at */
		n = 99;
		ck_assert(ReadProcessMemory(bad[i], buf, buf, 0, &n));
		ck_assert_uint_eq(n, 0);
	}
	ck_assert(CloseHandle(snap));
}
END_TEST

/* Every call checks the rights the handle was opened with. */
START_TEST(test_access_rights)
{
	struct tlh_fx_child c;
	HANDLE query, read, generic;
	unsigned char buf[16];
	struct primap pm;
	SIZE_T n;

	query = open_child(&c, PROCESS_QUERY_LIMITED_INFORMATION);
	/* the child's class, at the nice value it inherited from us */
	ck_assert_int_eq(primap_of(c.pid, &pm), 0);
	memset(buf, 0xA5, sizeof(buf));
	n = 99;
	SetLastError(0);
	ck_assert(!ReadProcessMemory(query, c.base, buf, sizeof(buf), &n));
	ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(buf[0], 0xA5);
	ck_assert_uint_eq(GetPriorityClass(query), pm.cls);
	ck_assert_uint_eq(GetProcessId(query), (DWORD)c.pid);

	read = OpenProcess(PROCESS_VM_READ, FALSE, (DWORD)c.pid);
	ck_assert_ptr_nonnull(read);
	SetLastError(0);
	ck_assert_uint_eq(GetPriorityClass(read), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);
	ck_assert(ReadProcessMemory(read, c.base, buf, sizeof(buf), &n));
	ck_assert_uint_eq(n, sizeof(buf));
	ck_assert_uint_eq(tlh_fx_pattern_check(buf, sizeof(buf), SEED, 0),
			  sizeof(buf));

	/* GENERIC_READ includes reading and querying */
	generic = OpenProcess(GENERIC_READ, FALSE, (DWORD)c.pid);
	ck_assert_ptr_nonnull(generic);
	ck_assert(ReadProcessMemory(generic, c.base, buf, sizeof(buf), NULL));
	ck_assert_uint_eq(GetPriorityClass(generic), pm.cls);

	ck_assert(CloseHandle(query));
	ck_assert(CloseHandle(read));
	ck_assert(CloseHandle(generic));
	tlh_fx_child_stop(&c);
}
END_TEST

/* ReadProcessMemory keeps Toolhelp32ReadProcessMemory's promise. */
START_TEST(test_read_contract)
{
	struct tlh_fx_child c;
	size_t pg = tlh_fx_page_size();
	unsigned char *buf, *ro;
	uintptr_t top = tlh_fx_user_top();
	HANDLE h;
	SIZE_T n;

	buf = malloc(2 * pg);
	ck_assert_ptr_nonnull(buf);
	h = open_child(&c, PROCESS_VM_READ);

	/* the whole readable part, across its page boundary */
	ck_assert(ReadProcessMemory(h, c.base, buf, 2 * pg, &n));
	ck_assert_uint_eq(n, 2 * pg);
	ck_assert_uint_eq(tlh_fx_pattern_check(buf, 2 * pg, SEED, 0), 2 * pg);

	/* running into PROT_NONE: 299, count 0, buffer untouched */
	tlh_fx_canary_fill(buf, 2 * pg);
	n = 99;
	SetLastError(0);
	ck_assert(!ReadProcessMemory(h, (char *)c.base + pg, buf, 2 * pg, &n));
	ck_assert_uint_eq(GetLastError(), ERROR_PARTIAL_COPY);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(tlh_fx_canary_check(buf, 2 * pg), 2 * pg);

	/* address 0: 299 (Windows) */
	SetLastError(0);
	ck_assert(!ReadProcessMemory(h, NULL, buf, 8, &n));
	ck_assert_uint_eq(GetLastError(), ERROR_PARTIAL_COPY);

	/* a wrapping or too high source: 998 */
	SetLastError(0);
	ck_assert(!ReadProcessMemory(h, (void *)(UINTPTR_MAX - 3), buf, 8,
				     &n));
	ck_assert_uint_eq(GetLastError(), ERROR_NOACCESS);
	if (top) {
		SetLastError(0);
		ck_assert(!ReadProcessMemory(h, (void *)(top - 4), buf, 8,
					     &n));
		ck_assert_uint_eq(GetLastError(), ERROR_NOACCESS);
	}

	/* a destination that is read-only: 998, no crash */
	ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(ro, MAP_FAILED);
	n = 99;
	SetLastError(0);
	tlh_fx_quiet_begin();
	ck_assert(!ReadProcessMemory(h, c.base, ro, 16, &n));
	tlh_fx_quiet_end();
	ck_assert_uint_eq(GetLastError(), ERROR_NOACCESS);
	ck_assert_uint_eq(n, 0);
	munmap(ro, pg);

	/* a NULL count is allowed */
	ck_assert(ReadProcessMemory(h, c.base, buf, 8, NULL));
	ck_assert(CloseHandle(h));
	tlh_fx_child_stop(&c);
	free(buf);
}
END_TEST

/* After its process exits, a handle reads nothing: 299, count 0. */
START_TEST(test_exit)
{
	struct tlh_fx_child c;
	unsigned char buf[32];
	siginfo_t info;
	HANDLE h;
	SIZE_T n;
	int status;

	h = open_child(&c, PROCESS_VM_READ | PROCESS_QUERY_INFORMATION);
	ck_assert(ReadProcessMemory(h, c.base, buf, sizeof(buf), &n));

	/* exited, not reaped: a zombie */
	kill(c.pid, SIGKILL);
	ck_assert_int_eq(waitid(P_PID, (id_t)c.pid, &info, WEXITED | WNOWAIT),
			 0);
	memset(buf, 0x5A, sizeof(buf));
	n = 99;
	SetLastError(0);
	ck_assert(!ReadProcessMemory(h, c.base, buf, sizeof(buf), &n));
	ck_assert_uint_eq(GetLastError(), ERROR_PARTIAL_COPY);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(buf[0], 0x5A);
	SetLastError(0);
	ck_assert_uint_eq(GetPriorityClass(h), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);

	/* reaped */
	ck_assert_int_eq(waitpid(c.pid, &status, 0), c.pid);
	SetLastError(0);
	ck_assert(!ReadProcessMemory(h, c.base, buf, sizeof(buf), &n));
	ck_assert_uint_eq(GetLastError(), ERROR_PARTIAL_COPY);
	ck_assert_uint_eq(GetProcessId(h), (DWORD)c.pid);	/* still */
	ck_assert(CloseHandle(h));
	c.pid = 0;
}
END_TEST

/*
 * Fork a child that gets @pid (root can ask for the next pid through
 * ns_last_pid) and runs @fn; returns its pid, or -1 if it got another pid
 * after a few tries (the host forked in between).
 */
static pid_t
fork_with_pid(pid_t pid, void (*fn)(void))
{
	char num[24];
	int tries, fd, len;
	pid_t got;

	for (tries = 0; tries < 50; tries++) {
		fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		len = snprintf(num, sizeof(num), "%d", (int)pid - 1);
		if (write(fd, num, (size_t)len) != len) {
			close(fd);
			return -1;
		}
		got = fork();
		close(fd);
		if (got == 0) {
			fn();
			_exit(0);
		}
		if (got < 0)
			return -1;
		if (got == pid)
			return got;
		kill(got, SIGKILL);
		waitpid(got, NULL, 0);
	}
	return -1;
}

static char reuse_data[64] = "the first process";
static char reuse_big[64 * 1024];	/* a read that pins its process */

static void
second_process(void)
{
	/* the same address, other bytes: what a wrong read would show */
	memset(reuse_big, 'S', sizeof(reuse_big));
	strcpy(reuse_data, "the SECOND process");
	for (;;)
		pause();
}

static void
first_process(void)
{
	for (;;)
		pause();
}

/*
 * A pid handed to a new process is never reached through a handle to
 * the old one, even when the new one is a fork of the same parent (the
 * same memory layout, the same AT_RANDOM token).
 */
START_TEST(test_pid_reuse)
{
	static char big[sizeof(reuse_big)];
	char buf[64];
	size_t i;
	pid_t first, second;
	HANDLE h;
	SIZE_T n;

	if (geteuid() != 0 || access("/proc/sys/kernel/ns_last_pid", W_OK)) {
		fprintf(stderr, "test_pid_reuse: skipped: needs root to "
			"choose a child's pid (ns_last_pid)\n");
		return;
	}
	first = fork();
	if (first == 0) {
		first_process();
		_exit(0);
	}
	ck_assert_int_gt(first, 0);
	h = OpenProcess(PROCESS_VM_READ | PROCESS_QUERY_INFORMATION, FALSE,
			(DWORD)first);
	ck_assert_ptr_nonnull(h);
	ck_assert(ReadProcessMemory(h, reuse_data, buf, sizeof(buf), &n));
	ck_assert_str_eq(buf, "the first process");
	/* a large read by pid: the library keeps a pidfd of it */
	ck_assert(Toolhelp32ReadProcessMemory((DWORD)first, reuse_big, big,
					      sizeof(big), NULL));
	kill(first, SIGKILL);
	ck_assert_int_eq(waitpid(first, NULL, 0), first);

	second = fork_with_pid(first, second_process);
	if (second < 0) {
		fprintf(stderr, "test_pid_reuse: skipped: pid %d was not "
			"handed out again\n", (int)first);
		ck_assert(CloseHandle(h));
		return;
	}
	/* the new process is there and readable by pid... */
	memset(buf, 0, sizeof(buf));
	while (strcmp(buf, "the SECOND process")) {
		ck_assert(Toolhelp32ReadProcessMemory((DWORD)second,
						      reuse_data, buf,
						      sizeof(buf), NULL));
		usleep(1000);
	}
	/* ...large reads too, the first one after the pid changed hands
	 * (what the library kept of the first process is let go)... */
	memset(big, 0, sizeof(big));
	ck_assert(Toolhelp32ReadProcessMemory((DWORD)second, reuse_big, big,
					      sizeof(big), NULL));
	for (i = 0; i < sizeof(big) && big[i] == 'S'; i++)
		;
	ck_assert_uint_eq(i, sizeof(big));
	/* ...but never through the old handle */
	memset(buf, 0x33, sizeof(buf));
	SetLastError(0);
	ck_assert(!ReadProcessMemory(h, reuse_data, buf, sizeof(buf), &n));
	ck_assert_uint_eq(GetLastError(), ERROR_PARTIAL_COPY);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq((unsigned char)buf[0], 0x33);
	SetLastError(0);
	ck_assert_uint_eq(GetPriorityClass(h), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);
	ck_assert(CloseHandle(h));
	kill(second, SIGKILL);
	waitpid(second, NULL, 0);
}
END_TEST

/*
 * A process that execs runs another program in a new address space: its
 * old handle fails as that of a process that exited.
 */
START_TEST(test_exec)
{
	MEMORY_BASIC_INFORMATION mbi;
	int ctl[2];
	char buf[8], c = 0;
	pid_t pid;
	HANDLE h;

	ck_assert_int_eq(pipe2(ctl, O_CLOEXEC), 0);
	pid = fork();
	if (pid == 0) {
		/* wait for the parent to open us, then become sleep(1) */
		if (read(ctl[0], &c, 1) == 1)
			execlp("sleep", "sleep", "30", (char *)NULL);
		_exit(1);
	}
	ck_assert_int_gt(pid, 0);
	close(ctl[0]);
	h = OpenProcess(PROCESS_VM_READ | PROCESS_QUERY_INFORMATION, FALSE,
			(DWORD)pid);
	ck_assert_ptr_nonnull(h);
	ck_assert(ReadProcessMemory(h, reuse_data, buf, sizeof(buf), NULL));
	ck_assert_int_eq(write(ctl[1], &c, 1), 1);
	close(ctl[1]);
	/* once the exec is done, comm says so */
	for (;;) {
		PROCESSENTRY32 pe;
		HANDLE s = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
		int done = 0;

		pe.dwSize = sizeof(pe);
		ck_assert_ptr_ne(s, INVALID_HANDLE_VALUE);
		for (BOOL ok = Process32First(s, &pe); ok;
		     ok = Process32Next(s, &pe))
			if (pe.th32ProcessID == (DWORD)pid &&
			    !strcmp(pe.szExeFile, "sleep"))
				done = 1;
		CloseHandle(s);
		if (done)
			break;
		usleep(2000);
	}
	SetLastError(0);
	ck_assert(!ReadProcessMemory(h, reuse_data, buf, sizeof(buf), NULL));
	ck_assert_uint_eq(GetLastError(), ERROR_PARTIAL_COPY);
	SetLastError(0);
	ck_assert_uint_eq(GetPriorityClass(h), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);
	SetLastError(0);
	ck_assert_uint_eq(VirtualQueryEx(h, reuse_data, &mbi, sizeof(mbi)), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);
	ck_assert_uint_eq(GetProcessId(h), (DWORD)pid);
	ck_assert(CloseHandle(h));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
END_TEST

/* A forked child has the handles open at fork, and uses them as its own. */
START_TEST(test_fork)
{
	struct tlh_fx_child c;
	unsigned char buf[16];
	int status;
	HANDLE h;
	pid_t k;

	h = open_child(&c, PROCESS_VM_READ);
	k = fork();
	if (k == 0) {
		if (!ReadProcessMemory(h, c.base, buf, sizeof(buf), NULL))
			_exit(10 + (int)(GetLastError() % 200));
		if (tlh_fx_pattern_check(buf, sizeof(buf), SEED, 0) !=
		    sizeof(buf))
			_exit(2);
		_exit(CloseHandle(h) && !CloseHandle(h) ? 0 : 3);
	}
	ck_assert_int_gt(k, 0);
	ck_assert_int_eq(waitpid(k, &status, 0), k);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the child: status %#x", (unsigned)status);
	/* the child's close did not close ours */
	ck_assert(ReadProcessMemory(h, c.base, buf, sizeof(buf), NULL));
	ck_assert(CloseHandle(h));
	tlh_fx_child_stop(&c);
}
END_TEST

/* @pid's entry in a fresh snapshot, and that of its first thread. */
static void
snapshot_entries(DWORD pid, PROCESSENTRY32 *pe, THREADENTRY32 *te)
{
	HANDLE snap;
	int found = 0;
	BOOL ok;

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD,
					0);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	pe->dwSize = sizeof(*pe);
	for (ok = Process32First(snap, pe); ok; ok = Process32Next(snap, pe))
		if (pe->th32ProcessID == pid) {
			found |= 1;
			break;
		}
	te->dwSize = sizeof(*te);
	for (ok = Thread32First(snap, te); ok; ok = Thread32Next(snap, te))
		if (te->th32ThreadID == pid) {
			found |= 2;
			break;
		}
	ck_assert(CloseHandle(snap));
	ck_assert_int_eq(found, 3);
}

/*
 * Priority classes from nice values: GetPriorityClass, Process32's
 * pcPriClassBase and Thread32's tpBasePri of a child set to each value,
 * at both edges of every band of the tables in GetPriorityClass(3) and
 * Thread32First(3).  The child starts at our nice value, which may be
 * anything (nice -n 19 make check); the values below it that we may not
 * give it (not root) are skipped, so the table goes upward: every value
 * from the child's own up is always tried.
 */
START_TEST(test_priority_class)
{
	static const struct {
		int nice;
		DWORD cls;
		LONG base;	/* pcPriClassBase */
		LONG thread;	/* tpBasePri: 8 - nice / 3 */
	} map[] = {
		{ -20, HIGH_PRIORITY_CLASS, 13, 14 },
		{ -15, HIGH_PRIORITY_CLASS, 13, 13 },
		{ -14, ABOVE_NORMAL_PRIORITY_CLASS, 10, 12 },
		{ -5, ABOVE_NORMAL_PRIORITY_CLASS, 10, 9 },
		{ -4, NORMAL_PRIORITY_CLASS, 8, 9 },
		{ 0, NORMAL_PRIORITY_CLASS, 8, 8 },
		{ 4, NORMAL_PRIORITY_CLASS, 8, 7 },
		{ 5, BELOW_NORMAL_PRIORITY_CLASS, 6, 7 },
		{ 14, BELOW_NORMAL_PRIORITY_CLASS, 6, 4 },
		{ 15, IDLE_PRIORITY_CLASS, 4, 3 },
		{ 19, IDLE_PRIORITY_CLASS, 4, 2 },
	};
	struct sched_param sp = { 0 };
	struct tlh_fx_child c;
	PROCESSENTRY32 pe;
	THREADENTRY32 te;
	struct primap pm;
	int tried = 0, skipped = 0;
	HANDLE h;
	size_t i;

	h = open_child(&c, PROCESS_QUERY_INFORMATION);
	ck_assert_int_eq(primap_of(c.pid, &pm), 0);
	/* the nice value counts only under these policies */
	if (pm.policy != SCHED_OTHER && pm.policy != SCHED_BATCH &&
	    sched_setscheduler(c.pid, SCHED_OTHER, &sp)) {
		fprintf(stderr, "test_priority_class: skipped: the child "
			"runs under policy %d and may not leave it: %s\n",
			pm.policy, strerror(errno));
		ck_assert(CloseHandle(h));
		tlh_fx_child_stop(&c);
		return;
	}
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (setpriority(PRIO_PROCESS, (id_t)c.pid, map[i].nice)) {
			/* only lowering the child's nice value is refused */
			ck_assert_msg(errno == EACCES || errno == EPERM,
				      "setpriority(%d): %s", map[i].nice,
				      strerror(errno));
			ck_assert_int_lt(map[i].nice, pm.nice);
			skipped++;
			continue;
		}
		ck_assert_uint_eq(GetPriorityClass(h), map[i].cls);
		snapshot_entries((DWORD)c.pid, &pe, &te);
		ck_assert_int_eq(pe.pcPriClassBase, map[i].base);
		ck_assert_int_eq(te.tpBasePri, map[i].thread);
		tried++;
	}
	if (skipped)
		fprintf(stderr, "test_priority_class: nice %d to %d skipped: "
			"may not lower the child's nice value from %d\n",
			map[0].nice, map[skipped - 1].nice, pm.nice);
	ck_assert_int_gt(tried, 0);
	ck_assert(CloseHandle(h));
	tlh_fx_child_stop(&c);
}
END_TEST

/* Root's process, and the class it runs in at the suite's nice value. */
struct denied_arg {
	pid_t pid;
	DWORD cls;
};

/* As nobody: root's process opens for limited queries, not for memory. */
static int
as_nobody(void *arg, char *msg, size_t len)
{
	const struct denied_arg *a = arg;
	pid_t root_pid = a->pid;
	DWORD cls;
	HANDLE h;

	h = OpenProcess(PROCESS_VM_READ, FALSE, (DWORD)root_pid);
	if (h || GetLastError() != ERROR_ACCESS_DENIED) {
		snprintf(msg, len, "VM_READ on root's process: %p, error %u",
			 h, (unsigned)GetLastError());
		return TLH_FX_FAIL;
	}
	h = OpenProcess(PROCESS_VM_WRITE | PROCESS_VM_OPERATION, FALSE,
			(DWORD)root_pid);
	if (h || GetLastError() != ERROR_ACCESS_DENIED) {
		snprintf(msg, len, "VM_WRITE on root's process: error %u",
			 (unsigned)GetLastError());
		return TLH_FX_FAIL;
	}
	h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
			(DWORD)root_pid);
	if (!h || GetProcessId(h) != (DWORD)root_pid) {
		snprintf(msg, len, "limited query of root's process: %p, "
			 "error %u", h, (unsigned)GetLastError());
		return TLH_FX_FAIL;
	}
	cls = GetPriorityClass(h);
	if (cls != a->cls) {
		snprintf(msg, len, "GetPriorityClass of root's process: %#x, "
			 "not %#x, error %u", (unsigned)cls, (unsigned)a->cls,
			 (unsigned)GetLastError());
		CloseHandle(h);
		return TLH_FX_FAIL;
	}
	CloseHandle(h);
	return TLH_FX_PASS;
}

START_TEST(test_denied)
{
	char msg[256] = "";
	struct denied_arg a;
	struct primap pm;
	int r;

	if (geteuid() != 0) {
		fprintf(stderr, "test_denied: skipped: needs root to run a "
			"child as nobody against a root process\n");
		return;
	}
	a.pid = getpid();
	ck_assert_int_eq(primap_of(a.pid, &pm), 0);
	a.cls = pm.cls;
	r = tlh_fx_run_as_nobody(as_nobody, &a, msg, sizeof(msg));
	if (r == TLH_FX_SKIP) {
		fprintf(stderr, "test_denied: skipped: %s\n", msg);
		return;
	}
	ck_assert_msg(r == TLH_FX_PASS, "%s", msg);
}
END_TEST

/*
 * Many handles, more than the 256 that keep a pidfd: those past it work
 * the same; closing frees slots that new handles reuse.
 */
START_TEST(test_many_handles)
{
	enum { N = 1500 };
	HANDLE *h = malloc(N * sizeof(*h));
	size_t i;

	ck_assert_ptr_nonnull(h);
	for (i = 0; i < N; i++) {
		h[i] = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
				   GetCurrentProcessId());
		ck_assert_ptr_nonnull(h[i]);
	}
	for (i = 0; i < N; i += 2)
		ck_assert(CloseHandle(h[i]));
	for (i = 1; i < N; i += 2)
		ck_assert_uint_eq(GetProcessId(h[i]), (DWORD)getpid());
	for (i = 0; i < N; i += 2) {
		HANDLE again = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION,
					   FALSE, GetCurrentProcessId());

		ck_assert_ptr_nonnull(again);
		ck_assert_ptr_ne(again, h[i]);	/* a slot, not a value */
		ck_assert_uint_eq(GetProcessId(h[i]), 0);
		h[i] = again;
	}
	for (i = 0; i < N; i++)
		ck_assert(CloseHandle(h[i]));
	free(h);
}
END_TEST

Suite *
process_suite(void)
{
	Suite *s = suite_create("process");
	TCase *tc;

	tc = tcase_create("open");
	tcase_add_checked_fixture(tc, NULL, tlh_fx_teardown);
	tcase_add_test(tc, test_open_bad_pids);
	tcase_add_test(tc, test_open_thread_id);
	tcase_add_test(tc, test_open_zombie);
	tcase_add_test(tc, test_open_self);
	tcase_add_test(tc, test_pseudo_handle);
	tcase_add_test(tc, test_bad_handles);
	tcase_add_test(tc, test_access_rights);
	tcase_add_test(tc, test_priority_class);
	tcase_add_test(tc, test_denied);
	tcase_add_test(tc, test_many_handles);
	suite_add_tcase(s, tc);

	tc = tcase_create("read");
	tcase_add_checked_fixture(tc, NULL, tlh_fx_teardown);
	tcase_add_test(tc, test_read_contract);
	suite_add_tcase(s, tc);

	tc = tcase_create("life");
	tcase_add_checked_fixture(tc, NULL, tlh_fx_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_exit);
	tcase_add_test(tc, test_pid_reuse);
	tcase_add_test(tc, test_exec);
	tcase_add_test(tc, test_fork);
	suite_add_tcase(s, tc);
	return s;
}
