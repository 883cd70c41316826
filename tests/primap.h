/*
 * primap.h - the Windows priorities a process or thread should report,
 * worked out from its Linux scheduling policy and nice value as the kernel
 * gives them (sched_getscheduler(2), sched_getparam(2), getpriority(2)),
 * by the tables the manual pages document:
 *
 *   GetPriorityClass(3), Process32First(3) pcPriClassBase:
 *	SCHED_FIFO, SCHED_RR, SCHED_DEADLINE	REALTIME_PRIORITY_CLASS	24
 *	SCHED_IDLE, or nice 15 to 19		IDLE_PRIORITY_CLASS	 4
 *	nice 5 to 14				BELOW_NORMAL_PRIORITY_CLASS 6
 *	nice -4 to 4				NORMAL_PRIORITY_CLASS	 8
 *	nice -14 to -5				ABOVE_NORMAL_PRIORITY_CLASS 10
 *	nice -20 to -15				HIGH_PRIORITY_CLASS	13
 *
 *   Thread32First(3) tpBasePri:
 *	real-time:	16 + (rt_priority * 15 + 49) / 99
 *	SCHED_IDLE:	1
 *	otherwise:	8 - nice / 3 (C division), kept within 1 to 15
 *
 * Written out here apart from the library's code on purpose: a test that
 * asked the library what to expect could not fail.  The tests use it so
 * that they expect what the process they look at really runs with, and
 * pass whatever nice value or policy the suite itself was started under
 * (nice -n 19 make check).  Header-only, as selfio.h.
 */
#ifndef TLHELP32_TESTS_PRIMAP_H
#define TLHELP32_TESTS_PRIMAP_H

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "windows.h"

#ifndef SCHED_IDLE
#define SCHED_IDLE	5
#endif
#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE	6
#endif
#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK	0x40000000
#endif

/* What the library should report for one process or thread. */
struct primap {
	int nice;		/* as getpriority(2) gives it */
	int policy;		/* SCHED_*, without SCHED_RESET_ON_FORK */
	DWORD cls;		/* GetPriorityClass() of a process */
	LONG class_base;	/* pcPriClassBase of a process */
	LONG thread_base;	/* tpBasePri of a thread */
};

/* The class and its base for @policy and @nice, by the table above. */
static inline void
primap_class(int policy, int nice, DWORD *cls, LONG *base)
{
	if (policy == SCHED_FIFO || policy == SCHED_RR ||
	    policy == SCHED_DEADLINE) {
		*cls = REALTIME_PRIORITY_CLASS;
		*base = 24;
	} else if (policy == SCHED_IDLE || nice >= 15) {
		*cls = IDLE_PRIORITY_CLASS;
		*base = 4;
	} else if (nice >= 5) {
		*cls = BELOW_NORMAL_PRIORITY_CLASS;
		*base = 6;
	} else if (nice >= -4) {
		*cls = NORMAL_PRIORITY_CLASS;
		*base = 8;
	} else if (nice >= -14) {
		*cls = ABOVE_NORMAL_PRIORITY_CLASS;
		*base = 10;
	} else {
		*cls = HIGH_PRIORITY_CLASS;
		*base = 13;
	}
}

/*
 * Fill @p for the process or thread @id (0: the calling thread; a pid
 * names the process's first thread, whose values are the process's, as
 * the manual pages say).  Returns 0, or -1 with errno set if the kernel
 * does not know @id.
 */
static inline int
primap_of(pid_t id, struct primap *p)
{
	struct sched_param sp = { 0 };
	int nice, policy;

	errno = 0;
	nice = getpriority(PRIO_PROCESS, (id_t)id);
	if (nice == -1 && errno)
		return -1;
	policy = sched_getscheduler(id);
	if (policy < 0)
		return -1;
	policy &= ~SCHED_RESET_ON_FORK;
	if (sched_getparam(id, &sp))
		return -1;
	p->nice = nice;
	p->policy = policy;
	primap_class(policy, nice, &p->cls, &p->class_base);
	if (p->cls == REALTIME_PRIORITY_CLASS)
		p->thread_base = 16 + (sp.sched_priority * 15 + 49) / 99;
	else if (policy == SCHED_IDLE)
		p->thread_base = 1;
	else {
		p->thread_base = 8 - nice / 3;
		if (p->thread_base < 1)
			p->thread_base = 1;
		if (p->thread_base > 15)
			p->thread_base = 15;
	}
	return 0;
}

/*
 * Make @id (0: the calling thread) run as a process an unprivileged user
 * starts on an idle machine does: policy SCHED_OTHER, nice 0.  Returns 0,
 * or -errno when it may not: lowering a nice value, or leaving SCHED_IDLE
 * or a real-time policy, needs CAP_SYS_NICE or enough RLIMIT_NICE.
 */
static inline int
primap_make_normal(pid_t id)
{
	struct sched_param sp = { 0 };
	int policy;

	policy = sched_getscheduler(id);
	if (policy < 0)
		return -errno;
	if ((policy & ~SCHED_RESET_ON_FORK) != SCHED_OTHER &&
	    sched_setscheduler(id, SCHED_OTHER, &sp))
		return -errno;
	if (setpriority(PRIO_PROCESS, (id_t)id, 0))
		return -errno;
	return 0;
}

#endif
