/*
 * tasks.c - bench/bench's snapshot section: the process and the thread
 * snapshot, each with its full iteration, against the obvious
 * implementation (readdir /proc, read each stat file, then walk the list;
 * for threads each /proc/<pid>/task too) and against ps(1), with at least
 * PROCS_WANTED processes on the machine (procs.c's idle children make up
 * the rest).  Checked outside the timing: every idle child is in both
 * snapshots, rightly described.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <windows.h>
#include <tlhelp32.h>

#include "core.h"
#include "procs.h"
#include "bench.h"

#define PROCS_WANTED	1000
#define SNAP_ROUNDS	9

/* The obvious thread list: readdir /proc/<pid>/task too. */
static int
obvious_threads(void)
{
	struct procs_ent *v = NULL;
	size_t n = 0, alloc = 0, i;
	char path[600];
	struct dirent *de, *te;
	uint64_t sum = 0;
	DIR *d, *td;

	d = opendir("/proc");
	if (!d)
		core_die("/proc");
	while ((de = readdir(d))) {
		if (!procs_is_pid(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", de->d_name);
		td = opendir(path);
		if (!td)
			continue;
		while ((te = readdir(td))) {
			if (!procs_is_pid(te->d_name))
				continue;
			v = core_grow(v, n, &alloc, sizeof(*v));
			snprintf(path, sizeof(path), "/proc/%s/task/%s/stat",
				 de->d_name, te->d_name);
			if (procs_read_stat(path, &v[n]))
				continue;
			v[n++].ppid = atoi(de->d_name);
		}
		closedir(td);
	}
	closedir(d);
	for (i = 0; i < n; i++)
		sum += (uint64_t)v[i].pid + (uint64_t)v[i].ppid +
		       (uint64_t)v[i].nice;
	core_sink(sum);
	free(v);
	return (int)n;
}

static int
tlh_threads(void)
{
	THREADENTRY32 te;
	uint64_t sum = 0;
	HANDLE h;
	BOOL ok;
	int n = 0;

	h = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
	if (h == INVALID_HANDLE_VALUE)
		return -1;
	te.dwSize = sizeof(te);
	for (ok = Thread32First(h, &te); ok; ok = Thread32Next(h, &te)) {
		sum += te.th32ThreadID + te.th32OwnerProcessID +
		       (uint64_t)(int64_t)te.tpBasePri;
		n++;
	}
	CloseHandle(h);
	core_sink(sum);
	return n;
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
		core_fail_check("process snapshot failed");
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
		core_fail_check("process snapshot: the idle children are "
				"missing or misdescribed");
		return;
	}
	qsort(pids, (size_t)n, sizeof(*pids), cmp_int);

	h = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
	if (h == INVALID_HANDLE_VALUE) {
		core_fail_check("thread snapshot failed");
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
		core_fail_check("thread snapshot: the idle children's threads "
				"are missing or misdescribed");
}

static void
snap_row(const char *kind, struct core_summ t, struct core_summ o,
	 struct core_summ p, int have_ps, int count)
{
	char col[3][32], line[256];
	double ro = t.med / o.med, rp = have_ps ? t.med / p.med : 0;
	int met = ro <= 1.0 && (!have_ps || rp <= 1.0 / 3);

	printf("%-8s %-15s %-15s %-15s %-12.3f %-8.3f %-20s %s\n", kind,
	       core_fmt_summ(col[0], sizeof(col[0]), t),
	       core_fmt_summ(col[1], sizeof(col[1]), o),
	       have_ps ? core_fmt_summ(col[2], sizeof(col[2]), p) : "n/a",
	       ro, rp, "<=1.00, <=0.333", met ? "met" : "MISSED");
	snprintf(line, sizeof(line),
		 "RATIO snapshot=%s tlh/obvious=%.3f tlh/ps=%.3f %s=%d "
		 "status=%s", kind, ro, rp,
		 kind[0] == 'p' ? "procs" : "threads", count,
		 met ? "met" : "missed");
	printf("%s\n", line);
	core_note(met, line);
}

void
tasks_run(void)
{
	static char *const ps_t[] = { "ps", "-e", "-L", "-o",
				      "pid,lwp,pri,comm", NULL };
	static double v[6][SNAP_ROUNDS];
	int have, nidle = 0, round, j, k, have_ps, *pids;
	int nproc = 0, nthr = 0, np = 0, nt = 0;
	struct core_summ s[6];
	pid_t spawner;
	uint64_t t0;

	have = procs_count();
	spawner = procs_start_idle(have < PROCS_WANTED ?
				   PROCS_WANTED - have + 16 : 0, &nidle);
	printf("\n== snapshots: %d processes on the machine (%d idle "
	       "children started); milliseconds per snapshot + full "
	       "iteration, median/min of %d ==\n", procs_count(), nidle,
	       SNAP_ROUNDS);
	pids = calloc((size_t)nidle + 1, sizeof(*pids));
	if (!pids)
		core_die("calloc");
	check_snapshots(spawner, nidle, pids);
	free(pids);
	have_ps = !procs_ps() && !core_run_quiet(ps_t);

	/* warm-up round unrecorded; then tlh, obvious, ps in turns */
	for (round = -1; round < SNAP_ROUNDS; round++) {
		for (j = 0; j < 3; j++) {
			k = (round + 1 + j) % 3;
			t0 = core_now_ns();
			if (k == 0)
				nproc = procs_snapshot(0, NULL);
			else if (k == 1)
				np = procs_walk(PROCS_STAT, 0, NULL);
			else if (have_ps)
				procs_ps();
			if (round >= 0)
				v[k][round] = (double)(core_now_ns() - t0) /
					      1e6;
			t0 = core_now_ns();
			if (k == 0)
				nthr = tlh_threads();
			else if (k == 1)
				nt = obvious_threads();
			else if (have_ps)
				core_run_quiet(ps_t);
			if (round >= 0)
				v[3 + k][round] = (double)(core_now_ns() -
							   t0) / 1e6;
		}
	}
	core_stop_child(spawner);
	if (nproc <= 0 || nthr <= 0) {
		core_fail_check("a snapshot failed");
		return;
	}
	printf("(entries: tlh %d processes, %d threads; obvious %d "
	       "processes, %d threads)\n", nproc, nthr, np, nt);
	for (k = 0; k < 6; k++)
		s[k] = core_summarize(v[k], SNAP_ROUNDS);
	printf("%-8s %-15s %-15s %-15s %-12s %-8s %-20s %s\n", "kind", "tlh",
	       "obvious", "ps", "tlh/obvious", "tlh/ps", "target", "status");
	snap_row("process", s[0], s[1], s[2], have_ps, nproc);
	snap_row("thread", s[3], s[4], s[5], have_ps, nthr);
	printf("  (ps: \"ps -e -o pid,ppid,nlwp,comm\" and \"ps -e -L -o "
	       "pid,lwp,pri,comm\", output to /dev/null%s)\n",
	       have_ps ? "" : "; NOT AVAILABLE");
}
