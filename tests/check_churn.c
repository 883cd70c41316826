/*
 * check_churn.c - targets that do not hold still: processes that exit,
 * exec or churn their threads while they are read and snapshotted, and a
 * caller that forks while handles are open and other threads use them.
 * Every call must return a whole answer or a documented error, never
 * crash, hang or leave part of a small read behind.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tlhelp32.h>

#include "fixtures.h"
#include "suites.h"

#define CHURN_SECONDS	2.0

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* --- fork while other threads use and close handles ----------------------- */

static HANDLE shared;
static volatile int stop_walkers;

static void *
walker(void *arg)
{
	int valgrind = tlh_fx_under_valgrind();
	THREADENTRY32 te;
	HANDLE h;

	(void)arg;
	te.dwSize = sizeof(te);
	while (!stop_walkers) {
		h = __atomic_load_n(&shared, __ATOMIC_RELAXED);
		if (Thread32First(h, &te))
			while (Thread32Next(h, &te))
				;
		/* valgrind runs one thread at a time, not fairly */
		if (valgrind)
			sched_yield();
	}
	return NULL;
}

/*
 * Children forked while another thread holds the handle table's lock must
 * not inherit it held: each child walks and closes the snapshot it got a
 * copy of, within a time limit.
 */
START_TEST(fork_with_open_handles)
{
	static const char *const step[] = {
		"", "Process32First", "CloseHandle",
		"a second CloseHandle (must fail with ERROR_INVALID_HANDLE)",
		"a read of itself"
	};
	pthread_t t[2];
	PROCESSENTRY32 pe;
	DWORD *fail;	/* shared with the children: step, then error */
	int i, status, hung = 0;
	pid_t pid;

	fail = mmap(NULL, 2 * sizeof(*fail), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(fail, MAP_FAILED);
	shared = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS |
					  TH32CS_SNAPTHREAD, 0);
	ck_assert_ptr_ne(shared, INVALID_HANDLE_VALUE);
	stop_walkers = 0;
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, walker, NULL), 0);
	for (i = 0; i < 40 && !fail[0]; i++) {
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			alarm(10);	/* a deadlock ends as SIGALRM */
			pe.dwSize = sizeof(pe);
			fail[0] = 1;
			if (!Process32First(shared, &pe))
				goto failed;
			fail[0] = 2;
			if (!CloseHandle(shared))
				goto failed;
			fail[0] = 3;
			SetLastError(0);
			if (CloseHandle(shared) ||
			    GetLastError() != ERROR_INVALID_HANDLE)
				goto failed;
			/* and the library still works in the child */
			fail[0] = 4;
			if (!Toolhelp32ReadProcessMemory(0, &pe, &pe.cntUsage,
							 4, NULL))
				goto failed;
			fail[0] = 0;
			_exit(0);
failed:
			fail[1] = GetLastError();
			_exit(1);
		}
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		if (WIFSIGNALED(status))
			hung++;
	}
	stop_walkers = 1;
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	ck_assert_msg(!hung, "a child was killed (or hung) in %s",
		      step[fail[0] < 5 ? fail[0] : 0]);
	ck_assert_msg(!fail[0], "a child's %s went wrong: error %lu",
		      step[fail[0] < 5 ? fail[0] : 0], (unsigned long)fail[1]);
	munmap(fail, 2 * sizeof(*fail));
	/* the parent's handle is its own still */
	pe.dwSize = sizeof(pe);
	ck_assert(Process32First(shared, &pe));
	ck_assert(CloseHandle(shared));
}
END_TEST

/* --- a target that exits while it is read --------------------------------- */

static void
doomed(void *arg, int report)
{
	size_t len = 64 * tlh_fx_page_size();
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	useconds_t life = (useconds_t)(uintptr_t)arg;

	if (p == MAP_FAILED)
		_exit(2);
	tlh_fx_pattern_fill(p, len, 11, 0);
	if (write(report, &p, sizeof(p)) != sizeof(p))
		_exit(2);
	usleep(life);
	_exit(0);
}

/*
 * Reads of a process that exits in the middle of them: each is whole and
 * right, or fails with ERROR_INVALID_PARAMETER / ERROR_ACCESS_DENIED (gone,
 * or a zombie) / ERROR_PARTIAL_COPY, and a failed small read leaves the
 * buffer alone.
 */
START_TEST(target_exits_while_read)
{
	size_t len = 64 * tlh_fx_page_size(), sizes[] = { 8, 5000, len };
	unsigned char *buf = malloc(len);
	struct tlh_fx_child c;
	unsigned char *at;
	int round, ok = 0, gone = 0;
	size_t k;
	SIZE_T got;

	ck_assert_ptr_nonnull(buf);
	for (round = 0; round < 12; round++) {
		ck_assert_int_eq(tlh_fx_child_run(&c, doomed,
			(void *)(uintptr_t)(2000 + round * 3000), &at,
			sizeof(at)), 0);
		/* until it is gone; it lives a few milliseconds */
		for (k = 0; k < 1000000; k++) {
			size_t n = sizes[k % 3];

			tlh_fx_canary_fill(buf, len);
			got = 77;
			if (Toolhelp32ReadProcessMemory((DWORD)c.pid, at, buf, n,
							&got)) {
				ck_assert_uint_eq(got, n);
				ck_assert_uint_eq(tlh_fx_pattern_check(buf, n, 11,
								       0), n);
				ok++;
				continue;
			}
			switch (GetLastError()) {
			case ERROR_INVALID_PARAMETER:
			case ERROR_ACCESS_DENIED:
				ck_assert_uint_eq(got, 77);
				break;
			case ERROR_PARTIAL_COPY:
				ck_assert_uint_eq(got, 0);
				break;
			default:
				ck_abort_msg("read of an exiting target: "
					     "error %u", GetLastError());
			}
			if (n <= 16384)
				ck_assert_uint_eq(tlh_fx_canary_check(buf, len),
						  len);
			gone++;
			/* a zombie (5) stays one until reaped; gone (87) */
			if (GetLastError() != ERROR_PARTIAL_COPY)
				break;
		}
		tlh_fx_child_stop(&c);
	}
	ck_assert_int_gt(ok, 0);
	ck_assert_int_gt(gone, 0);
	free(buf);
}
END_TEST

/* --- a target that execs and forks in a loop ------------------------------ */

static void
exec_loop(void *arg, int report)
{
	char ok = 1;

	(void)arg;
	if (write(report, &ok, 1) != 1)
		_exit(2);
	/* a shell that keeps starting and replacing short-lived programs */
	execl("/bin/sh", "sh", "-c",
	      "while :; do /bin/true; exec /bin/sh -c 'while :; do "
	      "/bin/true; done'; done", (char *)NULL);
	_exit(3);
}

/* Is the string in the array of @cap units at @s terminated within it? */
static int
w_terminated(const WCHAR *s, size_t cap)
{
	size_t i;

	for (i = 0; i < cap; i++)
		if (!s[i])
			return 1;
	return 0;
}

static int
snapshot_is_sane(DWORD flags, DWORD pid)
{
	HANDLE snap = CreateToolhelp32Snapshot(flags, pid);
	PROCESSENTRY32W pw;
	THREADENTRY32 te;
	MODULEENTRY32 me;
	int n = 0;

	/* what follows a string's terminator is left as it was: known bytes */
	memset(&pw, 0x5c, sizeof(pw));
	memset(&me, 0x5c, sizeof(me));

	/* A 32-bit caller cannot list a 64-bit program's modules (WOW64). */
	if (snap == INVALID_HANDLE_VALUE)
		return GetLastError() == ERROR_INVALID_PARAMETER ||
		       GetLastError() == ERROR_ACCESS_DENIED ||
		       (UINTPTR_MAX == UINT32_MAX &&
			GetLastError() == ERROR_PARTIAL_COPY) ? 0 : -1;
	pw.dwSize = sizeof(pw);
	te.dwSize = sizeof(te);
	me.dwSize = sizeof(me);
	if (Process32FirstW(snap, &pw))
		do {
			if (!pw.szExeFile[0] ||
			    !w_terminated(pw.szExeFile, MAX_PATH))
				n = -1000000;
			n++;
		} while (Process32NextW(snap, &pw));
	if (Thread32First(snap, &te))
		while (Thread32Next(snap, &te))
			n++;
	if (Module32First(snap, &me))
		do {
			if (me.szExePath[0] != '/' ||
			    !memchr(me.szModule, '\0', sizeof(me.szModule)) ||
			    !memchr(me.szExePath, '\0', sizeof(me.szExePath)))
				n = -1000000;
		} while (Module32Next(snap, &me));
	if (GetLastError() != ERROR_NO_MORE_FILES)
		n = -1000000;
	CloseHandle(snap);
	return n < 0 ? -1 : n;
}

/*
 * Snapshots and reads of a process tree that keeps exec'ing and forking:
 * every snapshot either fails with a documented error or reads whole and
 * well formed.
 */
START_TEST(targets_exec_and_fork)
{
	struct tlh_fx_child c;
	double end;
	char ok, b[64];
	int rounds = 0;
	SIZE_T got;

	ck_assert_int_eq(tlh_fx_child_run(&c, exec_loop, NULL, &ok, 1), 0);
	end = now() + CHURN_SECONDS;
	while (now() < end) {
		ck_assert_int_ge(snapshot_is_sane(TH32CS_SNAPPROCESS |
						  TH32CS_SNAPTHREAD, 0), 0);
		ck_assert_int_ge(snapshot_is_sane(TH32CS_SNAPMODULE,
						  (DWORD)c.pid), 0);
		if (!Toolhelp32ReadProcessMemory((DWORD)c.pid, (void *)0x10000,
						 b, sizeof(b), &got))
			ck_assert(GetLastError() == ERROR_PARTIAL_COPY ||
				  GetLastError() == ERROR_INVALID_PARAMETER ||
				  GetLastError() == ERROR_ACCESS_DENIED);
		rounds++;
	}
	tlh_fx_child_stop(&c);
	ck_assert_int_gt(rounds, 5);
}
END_TEST

/* --- a target that keeps starting and ending threads ---------------------- */

static void *
brief(void *arg)
{
	return arg;
}

static void
thread_churn(void *arg, int report)
{
	pthread_t t[4];
	char ok = 1;
	int i;

	(void)arg;
	if (write(report, &ok, 1) != 1)
		_exit(2);
	for (;;) {
		for (i = 0; i < 4; i++)
			if (pthread_create(&t[i], NULL, brief, NULL))
				_exit(3);
		for (i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
	}
}

START_TEST(threads_come_and_go)
{
	struct tlh_fx_child c;
	THREADENTRY32 te;
	HANDLE snap;
	double end;
	char ok;
	int rounds = 0, seen, main_first;

	if (tlh_fx_skip_emulated("threads_come_and_go", TLH_FX_EMU_THREAD))
		return;
	ck_assert_int_eq(tlh_fx_child_run(&c, thread_churn, NULL, &ok, 1), 0);
	end = now() + CHURN_SECONDS;
	while (now() < end) {
		snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
		ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
		te.dwSize = sizeof(te);
		seen = 0;
		main_first = 0;
		ck_assert(Thread32First(snap, &te));
		do {
			if (te.th32OwnerProcessID != (DWORD)c.pid)
				continue;
			if (!seen++)
				main_first = te.th32ThreadID == (DWORD)c.pid;
		} while (Thread32Next(snap, &te));
		ck_assert_uint_eq(GetLastError(), ERROR_NO_MORE_FILES);
		CloseHandle(snap);
		ck_assert_int_ge(seen, 1);
		ck_assert_int_le(seen, 5);
		ck_assert(main_first);
		rounds++;
	}
	tlh_fx_child_stop(&c);
	ck_assert_int_gt(rounds, 5);
}
END_TEST

Suite *
churn_suite(void)
{
	Suite *s = suite_create("churn");
	TCase *tc = tcase_create("churn");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, NULL, tlh_fx_teardown);
	tcase_add_test(tc, fork_with_open_handles);
	tcase_add_test(tc, target_exits_while_read);
	tcase_add_test(tc, targets_exec_and_fork);
	tcase_add_test(tc, threads_come_and_go);
	suite_add_tcase(s, tc);
	return s;
}
