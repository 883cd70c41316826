/*
 * fdcache.c - descriptors of the maps and pagemap files of the last few
 * processes read, and of the caller itself.  Opening /proc/<pid>/maps costs
 * several times what one PROCMAP_QUERY does, so a large read checks its
 * range through descriptors kept here rather than opening them per call.
 * A second maps descriptor, read in order across calls by tlh_maps_find(),
 * is kept with the state of that reading, which is zeroed whenever the
 * descriptor is opened (the reading starts again).
 *
 * A descriptor stays bound to the address space it was opened on: once
 * that process is gone, queries fail (ESRCH, or an empty text), the caller
 * drops the entry and opens the pid afresh, so a pid reused by another
 * process is never checked against the old one's maps.  Entries are keyed
 * by pid, so after fork() the child, whose own pid is new, never takes its
 * parent's self entry for its own; still the child closes what it
 * inherited, so that a child that gives up privileges (setuid) opens the
 * maps it asks for with its own rights.  One mutex guards the cache; it is
 * held for the few system calls of a check, never for a copy, and around
 * fork() (pthread_atfork), so that a child never inherits it held.
 *
 * A file that is not procfs's is a copy of the text taken when it was
 * opened: qemu-user answers for /proc/self/maps with one.  Such a copy
 * never shows a later change, so it is opened afresh on every use.
 */
#include "config.h"

#include <pthread.h>
#include <sys/vfs.h>
#include <stdlib.h>
#include <unistd.h>

#include "fdcache.h"
#include "procfs.h"

#define SLOTS	4
#define PROC_SUPER_MAGIC	0x9fa0	/* <linux/magic.h> */

struct slot {
	pid_t pid;		/* 0: free */
	int fd[TLH_FD_KINDS];	/* -1: not open */
	int copy[TLH_FD_KINDS];	/* 1: not procfs's file (see above) */
	unsigned long used;	/* for eviction: least recently used goes */
	void *seq_state;	/* the TLH_FD_MAPS_SEQ reader's, or NULL */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct slot slots[SLOTS];
static unsigned long tick;

static const char *const names[TLH_FD_KINDS] = {
	[TLH_FD_MAPS] = "maps",
	[TLH_FD_PAGEMAP] = "pagemap",
	[TLH_FD_MAPS_SEQ] = "maps",
};

static void
slot_clear(struct slot *sl)
{
	int k;

	for (k = 0; k < TLH_FD_KINDS; k++) {
		if (sl->pid && sl->fd[k] >= 0)
			close(sl->fd[k]);
		sl->fd[k] = -1;
	}
	free(sl->seq_state);
	sl->seq_state = NULL;
	sl->pid = 0;
}

static void
before_fork(void)
{
	pthread_mutex_lock(&lock);
}

static void
after_fork_parent(void)
{
	pthread_mutex_unlock(&lock);
}

static void
after_fork_child(void)
{
	int i;

	for (i = 0; i < SLOTS; i++)
		slot_clear(&slots[i]);
	pthread_mutex_unlock(&lock);
}

static void
setup(void)
{
	pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

int
tlh_fdcache_get(pid_t pid, enum tlh_fd_kind kind)
{
	struct slot *sl = NULL;
	struct statfs fs;
	int i, fd;

	pthread_once(&once, setup);
	pthread_mutex_lock(&lock);
	for (i = 0; i < SLOTS; i++)
		if (slots[i].pid == pid)
			sl = &slots[i];
	if (!sl) {
		sl = &slots[0];
		for (i = 1; i < SLOTS; i++)
			if (!slots[i].pid || (sl->pid && slots[i].used < sl->used))
				sl = &slots[i];
		slot_clear(sl);
		sl->pid = pid;
	}
	sl->used = ++tick;
	if (sl->fd[kind] >= 0 && sl->copy[kind]) {
		close(sl->fd[kind]);
		sl->fd[kind] = -1;
	}
	if (sl->fd[kind] < 0) {
		fd = tlh_procfs_open(pid, names[kind]);
		if (fd < 0) {
			for (i = 0; i < TLH_FD_KINDS && sl->fd[i] < 0; i++)
				;
			if (i == TLH_FD_KINDS)	/* nothing open: free it */
				slot_clear(sl);
			pthread_mutex_unlock(&lock);
			return fd;
		}
		sl->fd[kind] = fd;
		sl->copy[kind] = !fstatfs(fd, &fs) &&
				 fs.f_type != PROC_SUPER_MAGIC;
		if (kind == TLH_FD_MAPS_SEQ && sl->seq_state) {
			free(sl->seq_state);	/* a new reading */
			sl->seq_state = NULL;
		}
	}
	return sl->fd[kind];
}

void *
tlh_fdcache_seq_state(pid_t pid, size_t size)
{
	int i;

	for (i = 0; i < SLOTS; i++) {
		if (slots[i].pid != pid)
			continue;
		if (!slots[i].seq_state)
			slots[i].seq_state = calloc(1, size);
		return slots[i].seq_state;
	}
	return NULL;
}

void
tlh_fdcache_drop(pid_t pid)
{
	int i;

	for (i = 0; i < SLOTS; i++)
		if (slots[i].pid == pid)
			slot_clear(&slots[i]);
}

void
tlh_fdcache_unlock(void)
{
	pthread_mutex_unlock(&lock);
}
