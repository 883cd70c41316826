/*
 * stat.h - parsing /proc/<pid>/stat and /proc/<pid>/task/<tid>/stat.
 */
#ifndef TLHELP32_LINUX_STAT_H
#define TLHELP32_LINUX_STAT_H

#include <stddef.h>
#include <stdint.h>

struct tlh_stat {
	uint32_t pid;
	char comm[64];		/* as the kernel wrote it, NUL-terminated */
	char state;
	uint32_t ppid;
	int32_t nice;		/* -20..19 */
	uint32_t threads;
	uint64_t starttime;	/* clock ticks after boot */
	uint32_t rt_priority;	/* 0..99 */
	uint32_t policy;	/* SCHED_* */
};

/*
 * Parse the text of a stat file (@len bytes, not necessarily terminated).
 * The name ends at the last ')' of the line, since it may itself hold ')',
 * spaces and newlines.  Returns 0, or -EINVAL if the text is not well
 * formed or a number is out of range.
 */
int tlh_stat_parse(const char *buf, size_t len, struct tlh_stat *st);

/* Windows priorities from Linux scheduling: a process's class base
 * (4, 6, 8, 10, 13, 24) and a thread's base priority (1..31). */
int32_t tlh_stat_class_base(const struct tlh_stat *st);
int32_t tlh_stat_thread_base(const struct tlh_stat *st);

#endif /* TLHELP32_LINUX_STAT_H */
