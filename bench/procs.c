/*
 * procs.c - a process snapshot and its walk, against the straightforward
 * walk of /proc a tool would write (opendir, then stat and the status
 * file of each pid) and against ps -e -o pid,ppid,nlwp,comm, with at
 * least PROCS_WANTED processes on the machine (idle children of one
 * spawner make up the rest).  Checked outside the timing: both walks see
 * each idle child, with its parent and one thread.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <windows.h>
#include <tlhelp32.h>

#include "core.h"
#include "procs.h"

#define PROCS_WANTED	1000
#define PROC_ROUNDS	9

extern char **environ;

static pid_t spawner;
static int idle_made;

static int
count_procs(void)
{
	struct dirent *e;
	DIR *d = opendir("/proc");
	int n = 0;

	if (!d)
		core_die("/proc");
	while ((e = readdir(d)))
		n += e->d_name[0] >= '0' && e->d_name[0] <= '9';
	closedir(d);
	return n;
}

static void
start_idle(int want)
{
	int fds[2], i;
	pid_t me, pid;

	if (pipe(fds))
		core_die("pipe");
	spawner = core_fork();
	if (spawner == 0) {
		close(fds[0]);
		me = getpid();
		for (i = 0; i < want; i++) {
			pid = fork();
			if (pid < 0)
				break;
			if (pid == 0) {
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				if (getppid() != me)
					_exit(1);
				for (;;)
					pause();
			}
			idle_made++;
		}
		if (write(fds[1], &idle_made, sizeof(idle_made)) < 0)
			_exit(1);
		for (;;)
			pause();
	}
	close(fds[1]);
	if (read(fds[0], &idle_made, sizeof(idle_made)) !=
	    (ssize_t)sizeof(idle_made)) {
		errno = ECHILD;
		core_die("the spawner of idle processes");
	}
	close(fds[0]);
}

/* The snapshot and its walk; idle children seen as they are. */
static int
by_snapshot(int *idle)
{
	PROCESSENTRY32 pe;
	HANDLE h = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	int n = 0;

	if (h == INVALID_HANDLE_VALUE)
		return -1;
	pe.dwSize = sizeof(pe);
	for (BOOL ok = Process32First(h, &pe); ok; ok = Process32Next(h, &pe)) {
		n++;
		if (idle && pe.th32ParentProcessID == (DWORD)spawner &&
		    pe.cntThreads == 1)
			++*idle;
	}
	CloseHandle(h);
	return n;
}

/* What a tool writes: each pid's directory stat()ed, its status read. */
static int
by_walk(int *idle)
{
	char path[300], buf[2048], name[32];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir("/proc");
	int n = 0, fd, ppid, threads;
	ssize_t got;
	char *s;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s", e->d_name);
		if (stat(path, &st))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/status", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		got = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (got <= 0)
			continue;
		buf[got] = 0;
		ppid = threads = -1;
		name[0] = 0;
		if ((s = strstr(buf, "Name:\t")))
			sscanf(s + 6, "%31[^\n]", name);
		if ((s = strstr(buf, "\nPPid:\t")))
			ppid = atoi(s + 7);
		if ((s = strstr(buf, "\nThreads:\t")))
			threads = atoi(s + 10);
		n++;
		if (idle && ppid == spawner && threads == 1 && name[0])
			++*idle;
	}
	closedir(d);
	return n;
}

static int
by_ps(void)
{
	static char *const argv[] = { "ps", "-e", "-o", "pid,ppid,nlwp,comm",
				      NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "ps", &fa, NULL, argv, environ)) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st))
		return -1;
	return 0;
}

void
procs_run(void)
{
	double snap_walk[PROC_ROUNDS], ps_snap[PROC_ROUNDS], t[3];
	int have = count_procs(), idle, r, i, m, ps_ok;
	uint64_t t0;
	char fig[64];

	if (have < PROCS_WANTED)
		start_idle(PROCS_WANTED - have);
	idle = 0;
	if (by_snapshot(&idle) < 0 || idle != idle_made)
		core_fail_check("the snapshot's idle children");
	idle = 0;
	if (by_walk(&idle) < 0 || idle != idle_made)
		core_fail_check("the /proc walk's idle children");
	ps_ok = by_ps() == 0;
	for (r = 0; r < PROC_ROUNDS; r++) {
		for (i = 0; i < 3; i++) {
			m = (r + i) % 3;
			if (m == 2 && !ps_ok)
				continue;
			t0 = core_now_ns();
			if (m == 0)
				by_snapshot(NULL);
			else if (m == 1)
				by_walk(NULL);
			else
				by_ps();
			t[m] = (double)(core_now_ns() - t0);
		}
		snap_walk[r] = t[0] / t[1];
		ps_snap[r] = ps_ok ? t[2] / t[0] : 0;
	}
	printf("processes: %d\n", count_procs());
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
	core_kill_children();
}
