/*
 * procs.h - the process snapshot workload: idle processes to make up a
 * thousand, the process snapshot and its walk, the walk of /proc a tool
 * would write, and ps; shared by bench/scan (procs_run) and the snapshot
 * section of bench/bench (tasks.c).
 */
#ifndef TLHELP32_BENCH_PROCS_H
#define TLHELP32_BENCH_PROCS_H

#include <sys/types.h>

/* A process (or thread) as a walk of /proc saw it. */
struct procs_ent {
	int pid;
	int ppid;
	int threads;
	int nice;
	char comm[16];
};

/* What the walk of /proc reads of each pid. */
enum procs_how {
	PROCS_STAT,		/* its stat file */
	PROCS_STATUS,		/* stat() of its directory, its status file */
};

/* How many processes /proc lists. */
int procs_count(void);
/* Whether @s is a pid's name in /proc. */
int procs_is_pid(const char *s);
/* Read a stat file of /proc into @e; -1 if it cannot be read. */
int procs_read_stat(const char *path, struct procs_ent *e);

/*
 * Start @want idle processes, children of one spawner that leads their
 * process group (core_stop_child() ends them all); the spawner's pid, and
 * in *@made how many it started.
 */
pid_t procs_start_idle(int want, int *made);

/*
 * The process snapshot and its walk; the processes seen, -1 on failure.
 * In *@idle (if not NULL) the children of @parent with one thread.
 */
int procs_snapshot(pid_t parent, int *idle);
/* The same by the walk of /proc a tool writes, which reads @how. */
int procs_walk(enum procs_how how, pid_t parent, int *idle);
/* ps -e -o pid,ppid,nlwp,comm, output thrown away; 0 if it ran. */
int procs_ps(void);

/* bench/scan's process section. */
void procs_run(void);

#endif
