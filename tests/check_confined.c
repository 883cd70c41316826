/*
 * check_confined.c - the library where the system is less friendly: a
 * seccomp filter that answers EPERM or ENOSYS for process_vm_readv (as old
 * container profiles did), /proc mounted with hidepid=2, non-dumpable
 * processes.  Each scenario runs in a child that sets it up itself and
 * reports the first failed check through a pipe.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tlhelp32.h>

#include "deny.h"
#include "fixtures.h"
#include "suites.h"

/* --- a scenario in a child ------------------------------------------------ */

static char why[512];

/* Record the first failed check of a scenario and fail it. */
#define EXPECT(cond, ...) do {						\
	if (!(cond)) {							\
		if (!why[0])						\
			snprintf(why, sizeof(why), __VA_ARGS__);	\
		return 1;						\
	}								\
} while (0)

/*
 * Run @fn in a child; its result and message come back.  Returns 0 (pass),
 * 1 (fail, message in @msg) or 2 (skip, reason in @msg).
 */
static int
in_child(int (*fn)(void *), void *arg, char *msg, size_t len)
{
	int fds[2], status;
	ssize_t got;
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int r;

		close(fds[0]);
		why[0] = '\0';
		r = fn(arg);
		if (write(fds[1], why, strlen(why)) < 0)
			_exit(3);
		_exit(r);
	}
	close(fds[1]);
	got = read(fds[0], msg, len - 1);
	msg[got > 0 ? got : 0] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status)) {
		snprintf(msg, len, "the scenario died (status %#x)", status);
		return 1;
	}
	return WEXITSTATUS(status);
}

static void
run_scenario(const char *name, int (*fn)(void *), void *arg)
{
	char msg[512];
	int r;

	/* valgrind neither runs under seccomp filters nor lets a child's
	 * exit status be its own */
	if (tlh_fx_under_valgrind()) {
		printf("SKIP: %s: not under valgrind\n", name);
		return;
	}
	r = in_child(fn, arg, msg, sizeof(msg));

	if (r == 2) {
		printf("SKIP: %s: %s\n", name, msg);
		return;
	}
	ck_assert_msg(r == 0, "%s: %s", name, msg);
}

/* --- reads that must work anywhere ---------------------------------------- */

/*
 * The core promises, checked through whatever path the library takes
 * here: reads of self and of a child, small and large, refusals that
 * leave the buffer alone, and the process errors.
 */
static int
read_checks(const char *where)
{
	static const struct tlh_fx_piece layout[] = {
		{ 8, PROT_READ | PROT_WRITE }, { 8, PROT_READ },
		{ 1, PROT_NONE }, { 1, TLH_FX_HOLE }, { 2, PROT_READ },
	};
	size_t pg = tlh_fx_page_size(), len, big = 16 * pg;
	unsigned char *base, *buf, *fm;
	struct tlh_fx_child c;
	struct tlh_fx_spec spec = { layout, 5, 7, NULL, 0, 0 };
	uintptr_t vv, vv_end;
	SIZE_T got;
	pid_t z;

	buf = malloc(2 * big);
	EXPECT(buf, "%s: no memory", where);
	base = tlh_fx_layout(layout, 5, 7, &len);
	EXPECT(base, "%s: layout: %s", where, strerror(errno));

	/* successes: one page, two passes, large; self and a child */
	EXPECT(Toolhelp32ReadProcessMemory(0, base + 100, buf, 8, &got) &&
	       got == 8 && tlh_fx_pattern_check(buf, 8, 7, 100) == 8,
	       "%s: 8 bytes of self: error %u", where, GetLastError());
	EXPECT(Toolhelp32ReadProcessMemory(0, base + 100, buf, 3000 + pg,
					   &got) &&
	       tlh_fx_pattern_check(buf, 3000 + pg, 7, 100) == 3000 + pg,
	       "%s: two pages of self: error %u", where, GetLastError());
	EXPECT(Toolhelp32ReadProcessMemory(0, base + 5, buf, big - 5, &got) &&
	       got == big - 5 &&
	       tlh_fx_pattern_check(buf, big - 5, 7, 5) == big - 5,
	       "%s: 16 pages of self over two mappings: error %u", where,
	       GetLastError());
	EXPECT(tlh_fx_child_start(&c, &spec) == 0, "%s: child", where);
	EXPECT(Toolhelp32ReadProcessMemory((DWORD)c.pid, (char *)c.base + 9,
					   buf, big - 9, &got) &&
	       tlh_fx_pattern_check(buf, big - 9, 7, 9) == big - 9,
	       "%s: large read of a child: error %u", where, GetLastError());

	/* refusals: PROT_NONE, a hole, [vvar]: nothing written */
	tlh_fx_canary_fill(buf, 2 * big);
	got = 5;
	EXPECT(!Toolhelp32ReadProcessMemory(0, base + 16 * pg - 8, buf, 16,
					    &got) &&
	       GetLastError() == ERROR_PARTIAL_COPY && got == 0 &&
	       tlh_fx_canary_check(buf, 2 * big) == 2 * big,
	       "%s: small read into PROT_NONE: ok or error %u", where,
	       GetLastError());
	EXPECT(!Toolhelp32ReadProcessMemory(0, base + pg, buf, big, &got) &&
	       GetLastError() == ERROR_PARTIAL_COPY &&
	       tlh_fx_canary_check(buf, 2 * big) == 2 * big,
	       "%s: large read into PROT_NONE: ok or error %u", where,
	       GetLastError());
	EXPECT(!Toolhelp32ReadProcessMemory((DWORD)c.pid,
					    (char *)c.base + 15 * pg, buf,
					    3 * pg, &got) &&
	       GetLastError() == ERROR_PARTIAL_COPY &&
	       tlh_fx_canary_check(buf, 2 * big) == 2 * big,
	       "%s: a child's range into PROT_NONE and a hole: error %u",
	       where, GetLastError());
	if (tlh_fx_self_mapping("[vvar]", &vv, &vv_end) == 0)
		EXPECT(!Toolhelp32ReadProcessMemory(0, (void *)vv, buf, 8,
						    &got) &&
		       GetLastError() == ERROR_PARTIAL_COPY &&
		       tlh_fx_canary_check(buf, 2 * big) == 2 * big,
		       "%s: [vvar]: ok or error %u", where, GetLastError());

	/* a file mapping read past the file's end, large: 5 pages of file
	 * mapped over 8, 7 pages read (with 4 KiB pages, 28 KiB of a 20 KiB
	 * file mapped over 32 KiB) */
	fm = tlh_fx_map_file(5 * pg, 8 * pg, PROT_READ, 7);
	EXPECT(fm, "%s: file mapping: %s", where, strerror(errno));
	EXPECT(!Toolhelp32ReadProcessMemory(0, fm, buf, 7 * pg, &got) &&
	       GetLastError() == ERROR_PARTIAL_COPY &&
	       tlh_fx_canary_check(buf, 2 * big) == 2 * big,
	       "%s: large read past a file's end: error %u, %zu bytes of "
	       "the buffer kept", where, GetLastError(),
	       tlh_fx_canary_check(buf, 2 * big));
	munmap(fm, 8 * pg);

	/* the destination and the process */
	EXPECT(!Toolhelp32ReadProcessMemory(0, base, NULL, 8, &got) &&
	       GetLastError() == ERROR_NOACCESS,
	       "%s: NULL destination: error %u", where, GetLastError());
	/* a destination that runs from writable into read-only memory:
	 * refused before its writable part is touched */
	tlh_fx_pattern_fill(base + 8 * pg - 100, 100, 9, 0);
	EXPECT(!Toolhelp32ReadProcessMemory(0, buf, base + 8 * pg - 100, 300,
					    &got) &&
	       GetLastError() == ERROR_NOACCESS &&
	       tlh_fx_pattern_check(base + 8 * pg - 100, 100, 9, 0) == 100,
	       "%s: destination into read-only memory: error %u, or its "
	       "writable part changed", where, GetLastError());
	got = 5;
	EXPECT(!Toolhelp32ReadProcessMemory((DWORD)tlh_fx_dead_pid(), base,
					    buf, 8, &got) &&
	       GetLastError() == ERROR_INVALID_PARAMETER && got == 5,
	       "%s: no such process: error %u", where, GetLastError());
	z = tlh_fx_zombie();
	EXPECT(z > 0, "%s: zombie", where);
	EXPECT(!Toolhelp32ReadProcessMemory((DWORD)z, base, buf, 8, &got) &&
	       GetLastError() == ERROR_ACCESS_DENIED && got == 5,
	       "%s: zombie: error %u", where, GetLastError());
	EXPECT(!Toolhelp32ReadProcessMemory((DWORD)z, base, buf, 0, &got) &&
	       GetLastError() == ERROR_ACCESS_DENIED,
	       "%s: zombie, nothing to read: error %u", where,
	       GetLastError());
	tlh_fx_reap(z);
	EXPECT(Toolhelp32ReadProcessMemory((DWORD)c.pid, NULL, NULL, 0, &got)
	       && got == 0, "%s: cbRead 0: error %u", where, GetLastError());
	tlh_fx_child_stop(&c);
	tlh_fx_layout_free(base, len);
	free(buf);
	return 0;
}

/*
 * The module list: our main executable first, and an object whose file
 * was deleted after it was mapped (its header is read from memory).
 */
static int
module_checks(const char *where)
{
	char dir[] = "/tmp/tlh-elf-XXXXXX";
	HANDLE snap;
	MODULEENTRY32 me;
	void *gone;
	int n = 0, found = 0;

	EXPECT(mkdtemp(dir), "%s: mkdtemp: %s", where, strerror(errno));
	gone = tlh_fx_map_elf_copy(dir, "tlh-deleted.so", 1);
	rmdir(dir);
	EXPECT(gone, "%s: mapping an ELF copy: %s", where, strerror(errno));
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, 0);
	EXPECT(snap != INVALID_HANDLE_VALUE, "%s: module snapshot: error %u",
	       where, GetLastError());
	me.dwSize = sizeof(me);
	EXPECT(Module32First(snap, &me), "%s: no module", where);
	do {
		n++;
		found += me.modBaseAddr == (BYTE *)gone &&
			 !strcmp(me.szModule, "tlh-deleted.so");
	} while (Module32Next(snap, &me));
	CloseHandle(snap);
	munmap(gone, tlh_fx_page_size());
	EXPECT(n >= 3, "%s: only %d modules", where, n);
	EXPECT(found == 1, "%s: a deleted object listed %d times", where,
	       found);
	return 0;
}

/* --- seccomp -------------------------------------------------------------- */

/* Make process_vm_readv fail with @err from now on, in this process. */
static int
deny_process_vm_readv(int err)
{
	const struct tlh_deny rule = { SYS_process_vm_readv, -1, 0, err };
	struct iovec l = { why, 1 }, r = { why, 1 };
	int ret = tlh_deny_install(&rule, 1);

	if (ret)
		return ret;
	/* the filter is in place */
	if (process_vm_readv(getpid(), &l, 1, &r, 1, 0) != -1 || errno != err)
		return -EINVAL;
	return 0;
}

/* Make madvise(..., MADV_POPULATE_WRITE) fail with EINVAL, as before 5.14. */
static int
deny_populate_write(void)
{
	const struct tlh_deny rule = {
		SYS_madvise, 2, 23 /* MADV_POPULATE_WRITE */, EINVAL,
	};
	uintptr_t pg = tlh_fx_page_size();
	int ret = tlh_deny_install(&rule, 1);

	if (ret)
		return ret;
	/* the filter is in place: our own writable page is refused */
	if (madvise((void *)((uintptr_t)why & ~(pg - 1)), 1, 23) != -1 ||
	    errno != EINVAL)
		return -EINVAL;
	return 0;
}

/* A scenario whose filter could not be installed is skipped: why. */
static int
filter_failed(int r)
{
	snprintf(why, sizeof(why), "cannot install a seccomp filter: %s",
		 r == -EOPNOTSUPP ? "tests/deny.c has no filter for this "
		 "architecture or C library" : strerror(-r));
	return 2;
}

/* Destination checks without MADV_POPULATE_WRITE: the futex way. */
static int
old_kernel_scenario(void *arg)
{
	int r;

	(void)arg;
	r = deny_populate_write();
	if (r) {
		return filter_failed(r);
	}
	return read_checks("no MADV_POPULATE_WRITE");
}

START_TEST(no_populate_write)
{
	run_scenario("no_populate_write", old_kernel_scenario, NULL);
}
END_TEST

static int
seccomp_scenario(void *arg)
{
	int err = *(int *)arg, r;

	r = deny_process_vm_readv(err);
	if (r) {
		return filter_failed(r);
	}
	if (read_checks(err == EPERM ? "seccomp EPERM" : "seccomp ENOSYS"))
		return 1;
	return module_checks(err == EPERM ? "seccomp EPERM" :
			     "seccomp ENOSYS");
}

START_TEST(seccomp_eperm)
{
	int err = EPERM;

	run_scenario("seccomp_eperm", seccomp_scenario, &err);
}
END_TEST

START_TEST(seccomp_enosys)
{
	int err = ENOSYS;

	run_scenario("seccomp_enosys", seccomp_scenario, &err);
}
END_TEST

/* As nobody behind the filter, a root process stays out of reach. */
static int
nobody_behind_filter(void *arg, char *msg, size_t len)
{
	DWORD root = *(DWORD *)arg;
	unsigned char b[8];
	int r;

	/* as an ordinary process of nobody's is: changing uid made us
	 * non-dumpable, and a non-dumpable process behind such a filter
	 * cannot read even itself (its /proc/self/mem is root's) */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	r = deny_process_vm_readv(EPERM);

	if (r) {
		snprintf(msg, len, "cannot install a seccomp filter: %s",
			 r == -EOPNOTSUPP ? "tests/deny.c has no filter for this "
			 "architecture or C library" : strerror(-r));
		return TLH_FX_SKIP;
	}
	if (Toolhelp32ReadProcessMemory(root, (void *)&root, b, 8, NULL) ||
	    GetLastError() != ERROR_ACCESS_DENIED) {
		snprintf(msg, len, "read of root's process: error %u",
			 GetLastError());
		return TLH_FX_FAIL;
	}
	if (!Toolhelp32ReadProcessMemory(0, (void *)&root, b, 4, NULL)) {
		snprintf(msg, len, "read of self: error %u", GetLastError());
		return TLH_FX_FAIL;
	}
	return TLH_FX_PASS;
}

START_TEST(seccomp_unprivileged)
{
	DWORD root = (DWORD)getpid();
	char msg[256] = "";
	int r;

	if (tlh_fx_under_valgrind()) {
		printf("SKIP: seccomp_unprivileged: not under valgrind\n");
		return;
	}
	r = tlh_fx_run_as_nobody(nobody_behind_filter, &root, msg,
				 sizeof(msg));
	if (r == TLH_FX_SKIP) {
		printf("SKIP: seccomp_unprivileged: %s\n", msg);
		return;
	}
	ck_assert_msg(r == TLH_FX_PASS, "%s", msg);
}
END_TEST

/* --- hidepid ---------------------------------------------------------- */

struct hidden {
	DWORD root;
};

static int
as_nobody_hidden(void *arg, char *msg, size_t len)
{
	const struct hidden *h = arg;
	PROCESSENTRY32 pe;
	unsigned char b[8];
	HANDLE snap;
	int me = 0, root = 0;

	/* an ordinary process of nobody's, whose children it may read */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	/* our own reads, large ones included (they use /proc/self) */
	why[0] = '\0';
	if (read_checks("hidepid=2, as nobody")) {
		snprintf(msg, len, "%s", why);
		return TLH_FX_FAIL;
	}
	/* root's process: hidden, but it exists and is not ours to read */
	if (Toolhelp32ReadProcessMemory(h->root, (void *)&h->root, b, 8,
					NULL) ||
	    GetLastError() != ERROR_ACCESS_DENIED) {
		snprintf(msg, len, "read of a hidden root process: error %u",
			 GetLastError());
		return TLH_FX_FAIL;
	}
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, h->root);
	if (snap != INVALID_HANDLE_VALUE ||
	    GetLastError() != ERROR_ACCESS_DENIED) {
		snprintf(msg, len, "modules of a hidden process: error %u",
			 GetLastError());
		return TLH_FX_FAIL;
	}
	/* the process list shows what /proc shows: us, not root's */
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	if (snap == INVALID_HANDLE_VALUE) {
		snprintf(msg, len, "process snapshot: error %u",
			 GetLastError());
		return TLH_FX_FAIL;
	}
	pe.dwSize = sizeof(pe);
	if (Process32First(snap, &pe)) {
		do {
			me += pe.th32ProcessID == (DWORD)getpid();
			root += pe.th32ProcessID == h->root;
		} while (Process32Next(snap, &pe));
	}
	CloseHandle(snap);
	if (me != 1 || root != 0) {
		snprintf(msg, len, "hidepid=2 list: self %d times, root's %d",
			 me, root);
		return TLH_FX_FAIL;
	}
	return TLH_FX_PASS;
}

static int
hidepid_scenario(void *arg)
{
	char msg[400] = "";
	int r;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "hidepid=2")) {
		snprintf(why, sizeof(why), "cannot mount /proc with hidepid=2 "
			 "in a private mount namespace: %s", strerror(errno));
		return 2;
	}
	r = tlh_fx_run_as_nobody(as_nobody_hidden, arg, msg, sizeof(msg));
	snprintf(why, sizeof(why), "%s", msg);
	return r == TLH_FX_PASS ? 0 : r == TLH_FX_SKIP ? 2 : 1;
}

START_TEST(hidepid)
{
	struct hidden h = { (DWORD)getpid() };

	run_scenario("hidepid", hidepid_scenario, &h);
}
END_TEST

/* --- non-dumpable ----------------------------------------------------- */

static void
undumpable_child(void *arg, int report)
{
	int dumpable = *(int *)arg;
	char ok = 1;

	prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0);
	if (write(report, &ok, 1) != 1)
		_exit(1);
}

static int
nobody_reads_nobody(void *arg, char *msg, size_t len)
{
	struct tlh_fx_child c;
	int dumpable;
	char ok;
	BOOL read;

	(void)arg;
	for (dumpable = 0; dumpable <= 1; dumpable++) {
		if (tlh_fx_child_run(&c, undumpable_child, &dumpable, &ok, 1)) {
			snprintf(msg, len, "no child");
			return TLH_FX_FAIL;
		}
		read = Toolhelp32ReadProcessMemory((DWORD)c.pid, (void *)&c,
						   &ok, 1, NULL);
		tlh_fx_child_stop(&c);
		if (dumpable ? !read : read ||
		    GetLastError() != ERROR_ACCESS_DENIED) {
			snprintf(msg, len, "a %sdumpable process of ours: "
				 "read %d, error %u", dumpable ? "" : "non-",
				 read, GetLastError());
			return TLH_FX_FAIL;
		}
	}
	return TLH_FX_PASS;
}

START_TEST(non_dumpable)
{
	char msg[256] = "";
	int r;

	r = tlh_fx_run_as_nobody(nobody_reads_nobody, NULL, msg, sizeof(msg));
	if (r == TLH_FX_SKIP) {
		printf("SKIP: non_dumpable: %s\n", msg);
		return;
	}
	ck_assert_msg(r == TLH_FX_PASS, "%s", msg);
}
END_TEST

Suite *
confined_suite(void)
{
	Suite *s = suite_create("confined");
	TCase *tc = tcase_create("confined");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, NULL, tlh_fx_teardown);
	tcase_add_test(tc, seccomp_eperm);
	tcase_add_test(tc, seccomp_enosys);
	tcase_add_test(tc, seccomp_unprivileged);
	tcase_add_test(tc, no_populate_write);
	tcase_add_test(tc, hidepid);
	tcase_add_test(tc, non_dumpable);
	suite_add_tcase(s, tc);
	return s;
}
