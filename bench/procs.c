/*
 * procs.c - the process snapshot workload (see procs.h).
 *
 * bench/scan times a process snapshot and its walk against the
 * straightforward walk of /proc a tool would write (opendir, then stat
 * and the status file of each pid) and against ps -e -o pid,ppid,nlwp,comm,
 * with at least PROCS_WANTED processes on the machine (idle children of
 * one spawner make up the rest).  Checked outside the timing: both walks
 * see each idle child, with its parent and one thread.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <windows.h>
#include <tlhelp32.h>

#include "core.h"
#include "procs.h"

#define PROCS_WANTED	1000
#define PROC_ROUNDS	9

int
procs_is_pid(const char *s)
{
	if (*s < '1' || *s > '9')
		return 0;
	while (*++s)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int
procs_count(void)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		core_die("/proc");
	while ((de = readdir(d)))
		n += procs_is_pid(de->d_name);
	closedir(d);
	return n;
}

/* The spawner: *@want idle children, their number in *@made. */
static void
spawn_idle(void *made, const void *want, int wfd)
{
	int i, n = 0;
	pid_t pid;

	for (i = 0; i < *(const int *)want; i++) {
		pid = fork();
		if (pid < 0)
			break;
		if (pid == 0) {
			/* dies with the spawner, if not with its group */
			close(wfd);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		n++;
	}
	*(int *)made = n;
}

pid_t
procs_start_idle(int want, int *made)
{
	pid_t spawner;

	if (core_start(&spawner, 1, spawn_idle, &want, made, sizeof(*made))) {
		errno = ECHILD;
		core_die("the spawner of idle processes");
	}
	return spawner;
}

int
procs_snapshot(pid_t parent, int *idle)
{
	PROCESSENTRY32 pe;
	uint64_t sum = 0;
	HANDLE h;
	BOOL ok;
	int n = 0;

	h = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	if (h == INVALID_HANDLE_VALUE)
		return -1;
	pe.dwSize = sizeof(pe);
	for (ok = Process32First(h, &pe); ok; ok = Process32Next(h, &pe)) {
		sum += pe.th32ProcessID + pe.th32ParentProcessID +
		       pe.cntThreads + (unsigned char)pe.szExeFile[0];
		n++;
		if (idle && parent > 0 &&
		    pe.th32ParentProcessID == (DWORD)parent &&
		    pe.cntThreads == 1)
			++*idle;
	}
	CloseHandle(h);
	core_sink(sum);
	return n;
}

/* A file of /proc, to its end (as a tool reads it); its length. */
static ssize_t
read_file(const char *path, char *buf, size_t size)
{
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = core_read_full(fd, buf, size - 1);
	close(fd);
	buf[len > 0 ? len : 0] = '\0';
	return len;
}

/* pid (comm) state ppid ... nice(19) num_threads(20); the comm ends at
 * the last ')', as it may hold one itself */
static int
parse_stat(const char *buf, struct procs_ent *e)
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

int
procs_read_stat(const char *path, struct procs_ent *e)
{
	char buf[1024];

	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return parse_stat(buf, e);
}

/* The pid's directory stat()ed, then its status file read: Name, Pid,
 * PPid and Threads. */
static int
read_status(const char *pid, struct procs_ent *e)
{
	char path[300], buf[4096], *s;
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%s", pid);
	if (stat(path, &st))
		return -1;
	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	memset(e, 0, sizeof(*e));
	e->ppid = e->threads = -1;
	e->pid = atoi(pid);
	if ((s = strstr(buf, "Name:\t")))
		sscanf(s + 6, "%15[^\n]", e->comm);
	if ((s = strstr(buf, "\nPPid:\t")))
		e->ppid = atoi(s + 7);
	if ((s = strstr(buf, "\nThreads:\t")))
		e->threads = atoi(s + 10);
	return 0;
}

/*
 * What a tool writes: readdir /proc, each pid's entry read into a list;
 * then the list is walked, as a snapshot's is.
 */
int
procs_walk(enum procs_how how, pid_t parent, int *idle)
{
	struct procs_ent *v = NULL;
	size_t n = 0, alloc = 0, i;
	char path[300];
	struct dirent *de;
	uint64_t sum = 0;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (!procs_is_pid(de->d_name))
			continue;
		v = core_grow(v, n, &alloc, sizeof(*v));
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if (how == PROCS_STAT ? procs_read_stat(path, &v[n]) == 0 :
		    read_status(de->d_name, &v[n]) == 0)
			n++;
	}
	closedir(d);
	for (i = 0; i < n; i++) {
		sum += (uint64_t)v[i].pid + (uint64_t)v[i].ppid +
		       (uint64_t)v[i].threads + (unsigned char)v[i].comm[0];
		if (idle && parent > 0 && v[i].ppid == parent &&
		    v[i].threads == 1 && v[i].comm[0])
			++*idle;
	}
	core_sink(sum);
	free(v);
	return (int)n;
}

int
procs_ps(void)
{
	static char *const argv[] = { "ps", "-e", "-o", "pid,ppid,nlwp,comm",
				      NULL };

	return core_run_quiet(argv);
}

void
procs_run(void)
{
	double snap_walk[PROC_ROUNDS], ps_snap[PROC_ROUNDS], t[3];
	int have = procs_count(), made = 0, idle, r, i, m, ps_ok;
	pid_t spawner = 0;
	uint64_t t0;
	char fig[64];

	if (have < PROCS_WANTED)
		spawner = procs_start_idle(PROCS_WANTED - have, &made);
	idle = 0;
	if (procs_snapshot(spawner, &idle) < 0 || idle != made)
		core_fail_check("the snapshot's idle children");
	idle = 0;
	if (procs_walk(PROCS_STATUS, spawner, &idle) < 0 || idle != made)
		core_fail_check("the /proc walk's idle children");
	ps_ok = procs_ps() == 0;
	for (r = 0; r < PROC_ROUNDS; r++) {
		for (i = 0; i < 3; i++) {
			m = (r + i) % 3;
			if (m == 2 && !ps_ok)
				continue;
			t0 = core_now_ns();
			if (m == 0)
				procs_snapshot(0, NULL);
			else if (m == 1)
				procs_walk(PROCS_STATUS, 0, NULL);
			else
				procs_ps();
			t[m] = (double)(core_now_ns() - t0);
		}
		snap_walk[r] = t[0] / t[1];
		ps_snap[r] = ps_ok ? t[2] / t[0] : 0;
	}
	printf("processes: %d\n", procs_count());
	snprintf(fig, sizeof(fig), "%5.2fx the /proc walk",
		 core_median(snap_walk, PROC_ROUNDS));
	core_row_text("process snapshot + walk", fig, "<= 1.00x",
		      snap_walk[PROC_ROUNDS / 2] <= 1.0);
	if (ps_ok) {
		snprintf(fig, sizeof(fig), "%5.1fx faster than ps",
			 core_median(ps_snap, PROC_ROUNDS));
		core_row_text("process snapshot + walk", fig, ">= 6x",
			      ps_snap[PROC_ROUNDS / 2] >= 6.0);
	} else {
		printf("ps -e -o pid,ppid,nlwp,comm: not run (no ps here)\n");
	}
	if (spawner)
		core_stop_child(spawner);
}
