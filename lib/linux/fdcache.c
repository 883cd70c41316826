/*
 * fdcache.c - descriptors of the maps and pagemap files of the last few
 * processes read, and of the caller itself.  Opening /proc/<pid>/maps costs
 * several times what one PROCMAP_QUERY does, so a large read checks its
 * range through descriptors kept here rather than opening them per call.
 *
 * A kept descriptor is used only while three things hold:
 *
 * - It is still the library's.  A program may close descriptors it did
 *   not open (closefrom() or close_range() before it drops privileges or
 *   enters a sandbox) and open files of its own that get the same
 *   numbers.  The device and inode of each descriptor are noted when it is
 *   opened and compared (one fstat()) before every use; a descriptor that
 *   no longer matches is forgotten: never queried, read or closed.  Two
 *   opens of one /proc file share an inode, so before a descriptor is
 *   closed the open flags only the library asks for (O_APPEND and
 *   O_NONBLOCK, which change nothing for a file only read) are checked
 *   too; and maps.c reads the text with pread(), so a descriptor of the
 *   program's that names the same file keeps its offset.
 *
 * - It answers for the address space the pid has now.  A descriptor is
 *   bound to the address space its process had when it was opened, and
 *   that address space can outlive the pid's hold on it: a child that
 *   shared its parent's memory (vfork(), posix_spawn(), CLONE_VM) calls
 *   execve(), or a thread's id is given to a new process while the
 *   thread's process lives on.  Each entry of another process notes its
 *   token, the 16 bytes AT_RANDOM points at (see target.c), before its
 *   descriptors are opened and checks it after; before a descriptor is
 *   handed out it reads the token again (one process_vm_readv()), and
 *   other bytes, or none, mean another address space: the entry is opened
 *   afresh.  A caller that reads the token itself, in a system call it
 *   makes anyway, takes the descriptor unchecked and reports a mismatch
 *   with tlh_fdcache_forget().  Where the token cannot be read, the
 *   descriptors serve one call and are closed.
 *
 * - Its process lives: once it is gone, queries fail (ESRCH, or an empty
 *   text), the caller drops the entry and opens the pid afresh.
 *
 * A second maps descriptor, read in order across calls by tlh_maps_find(),
 * is kept with the state of that reading, which is zeroed whenever the
 * descriptor is opened (the reading starts again).  A file that is not
 * procfs's is a copy of the text taken when it was opened: qemu-user
 * answers for /proc/self/maps with one.  Such a copy never shows a later
 * change, so it is opened afresh on every use.
 *
 * Entries are keyed by pid, so after fork() the child, whose own pid is
 * new, never takes its parent's self entry for its own; still the child
 * closes what it inherited, so that a child that gives up privileges
 * (setuid) opens the maps it asks for with its own rights.  One mutex
 * guards the cache; it is held for the few system calls of a check, never
 * for a copy, and around fork() (pthread_atfork), so that a child never
 * inherits it held.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "fdcache.h"
#include "procfs.h"

#define SLOTS	4
#define PROC_SUPER_MAGIC	0x9fa0	/* <linux/magic.h> */

/* How the library opens what it keeps: flags no one else asks for. */
#define KEPT_FLAGS	(O_RDONLY | O_APPEND | O_NONBLOCK)

#ifndef SYS_pidfd_open
#define SYS_pidfd_open	434	/* the same number on every architecture */
#endif
#define PIDFS_MAGIC	0x50494446	/* "PIDF": pidfds with inodes of their own */

/*
 * Beside its files, an entry of another process keeps a pidfd of it.  A
 * read of more than 16 KiB pins its process with it (tlh_fdcache_pin()):
 * an fstat() and a poll() when the read begins and again after the copy,
 * instead of a pidfd of its own, opened and closed.  Its inode names that
 * one process (Linux 6.9+: pidfs), so a descriptor the program put at its
 * number is told apart.  Where pidfds share one inode (before 6.9) none
 * is kept.
 */
#define WARM	TLH_FD_KINDS
#define FDS	(TLH_FD_KINDS + 1)

struct slot {
	pid_t pid;		/* 0: free */
	int fd[FDS];		/* -1: not open */
	dev_t dev[FDS];		/* what fd[] named when opened */
	ino_t ino[FDS];
	int copy[TLH_FD_KINDS];	/* 1: not procfs's file (see above) */
	uintptr_t token_addr;	/* 0: no token (self, or unknown) */
	unsigned char token[TLH_FD_TOKEN_LEN];
	int once;		/* no token to check: closed at unlock */
	unsigned long used;	/* for eviction: least recently used goes */
	void *seq_state;	/* the TLH_FD_MAPS_SEQ reader's, or NULL */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct slot slots[SLOTS];
static unsigned long tick;
static pid_t self;		/* our own pid, which has no token to check */

static const char *const names[TLH_FD_KINDS] = {
	[TLH_FD_MAPS] = "maps",
	[TLH_FD_PAGEMAP] = "pagemap",
	[TLH_FD_MAPS_SEQ] = "maps",
};

/* Whether @sl's descriptor @k still names the file it was opened on. */
static int
same_file(const struct slot *sl, int k)
{
	struct stat st;

	return sl->fd[k] >= 0 && !fstat(sl->fd[k], &st) &&
	       st.st_dev == sl->dev[k] && st.st_ino == sl->ino[k];
}

/* Close @sl's descriptor @k if it is still the library's; forget it. */
static void
slot_close(struct slot *sl, int k)
{
	int fl;

	if (same_file(sl, k)) {
		fl = fcntl(sl->fd[k], F_GETFL);
		if (fl >= 0 && (fl & KEPT_FLAGS) == KEPT_FLAGS)
			close(sl->fd[k]);
	}
	sl->fd[k] = -1;
}

static void
slot_clear(struct slot *sl)
{
	int k;

	for (k = 0; k < FDS; k++)
		slot_close(sl, k);
	free(sl->seq_state);
	sl->seq_state = NULL;
	sl->pid = 0;
	sl->token_addr = 0;
	sl->once = 0;
}

/* Read @pid's 16 bytes at @addr into @buf: 0, or -1. */
static int
token_read(pid_t pid, uintptr_t addr, unsigned char *buf)
{
	struct iovec local = { buf, TLH_FD_TOKEN_LEN };
	struct iovec remote = { (void *)addr, TLH_FD_TOKEN_LEN };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0) ==
	       TLH_FD_TOKEN_LEN ? 0 : -1;
}

/* 0 if @sl's pid still has the address space whose token @sl holds. */
static int
slot_current(const struct slot *sl)
{
	unsigned char now[TLH_FD_TOKEN_LEN];

	if (token_read(sl->pid, sl->token_addr, now) ||
	    memcmp(now, sl->token, sizeof(now)))
		return -1;
	return 0;
}

int
tlh_pidfd_open(pid_t pid, int flags)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, flags);

	if (fd < 0 && errno == EINVAL)	/* a thread: PIDFD_THREAD */
		fd = (int)syscall(SYS_pidfd_open, pid, flags | O_EXCL);
	return fd;
}

/* Keep a pidfd of @sl's process, where pidfds have inodes of their own. */
static void
slot_warm(struct slot *sl)
{
	struct statfs sfs;
	struct stat st;
	int fd, fl;

	fd = tlh_pidfd_open(sl->pid, O_NONBLOCK);
	if (fd < 0)
		return;
	fl = fcntl(fd, F_GETFL);
	if (fstatfs(fd, &sfs) || sfs.f_type != PIDFS_MAGIC || fl < 0 ||
	    fcntl(fd, F_SETFL, fl | KEPT_FLAGS) || fstat(fd, &st)) {
		close(fd);
		return;
	}
	sl->fd[WARM] = fd;
	sl->dev[WARM] = st.st_dev;
	sl->ino[WARM] = st.st_ino;
}

/* Learn the token of @sl's process; without one, @sl serves one call. */
static void
slot_learn(struct slot *sl)
{
	uintptr_t at;

	if (!tlh_procfs_random(sl->pid, &at) &&
	    !token_read(sl->pid, at, sl->token)) {
		sl->token_addr = at;
		slot_warm(sl);
	} else {
		sl->once = 1;
	}
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
	self = getpid();
	pthread_mutex_unlock(&lock);
}

static void
setup(void)
{
	int i, k;

	for (i = 0; i < SLOTS; i++)
		for (k = 0; k < FDS; k++)
			slots[i].fd[k] = -1;
	self = getpid();
	pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

/* @pid's entry, or a fresh one for it (the least recently used goes). */
static struct slot *
slot_for(pid_t pid)
{
	struct slot *sl = NULL;
	int i;

	for (i = 0; i < SLOTS; i++)
		if (slots[i].pid == pid)
			return &slots[i];
	sl = &slots[0];
	for (i = 1; i < SLOTS; i++)
		if (!slots[i].pid || (sl->pid && slots[i].used < sl->used))
			sl = &slots[i];
	slot_clear(sl);
	sl->pid = pid;
	return sl;
}

/* Open @sl's descriptor @kind: 0, or -errno. */
static int
slot_open(struct slot *sl, enum tlh_fd_kind kind)
{
	struct statfs fs;
	struct stat st;
	int fd, fl;

	fd = tlh_procfs_open_flags(sl->pid, names[kind], KEPT_FLAGS);
	if (fd < 0)
		return fd;
	/* The flags are what slot_close() checks before it closes; one who
	 * answers the open with a file of its own (qemu-user, for
	 * /proc/self/maps) may not have passed them on. */
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || ((fl & KEPT_FLAGS) != KEPT_FLAGS &&
		       fcntl(fd, F_SETFL, fl | KEPT_FLAGS)) || fstat(fd, &st)) {
		close(fd);
		return -EBADF;
	}
	sl->fd[kind] = fd;
	sl->dev[kind] = st.st_dev;
	sl->ino[kind] = st.st_ino;
	sl->copy[kind] = !fstatfs(fd, &fs) && fs.f_type != PROC_SUPER_MAGIC;
	if (kind == TLH_FD_MAPS_SEQ) {
		free(sl->seq_state);	/* a new reading */
		sl->seq_state = NULL;
	}
	return 0;
}

static int
get(pid_t pid, enum tlh_fd_kind kind, int check)
{
	struct slot *sl;
	int attempt, ret, other, k;

	pthread_once(&once, setup);
	pthread_mutex_lock(&lock);
	other = pid != self;
	for (attempt = 0;; attempt++) {
		sl = slot_for(pid);
		sl->used = ++tick;
		if (sl->fd[kind] >= 0 && !same_file(sl, kind))
			sl->fd[kind] = -1;	/* the program's now */
		if (sl->fd[kind] >= 0 && sl->copy[kind])
			slot_close(sl, kind);	/* a copy: opened afresh */
		if (other && !sl->token_addr && !sl->once)
			slot_learn(sl);
		if (sl->fd[kind] >= 0) {
			if (!check || !sl->token_addr || !slot_current(sl))
				return sl->fd[kind];
		} else {
			ret = slot_open(sl, kind);
			if (ret < 0) {
				for (k = 0; k < TLH_FD_KINDS &&
				     sl->fd[k] < 0; k++)
					;
				if (k == TLH_FD_KINDS)	/* nothing open */
					slot_clear(sl);
				pthread_mutex_unlock(&lock);
				return ret;
			}
			/* the token before and after the open: the same
			 * address space all along, the descriptor's */
			if (!sl->token_addr || !slot_current(sl))
				return sl->fd[kind];
		}
		/* another address space: open the pid afresh, once */
		slot_clear(sl);
		if (attempt) {
			pthread_mutex_unlock(&lock);
			return -ESRCH;
		}
	}
}

int
tlh_fdcache_get(pid_t pid, enum tlh_fd_kind kind)
{
	return get(pid, kind, 1);
}

int
tlh_fdcache_get_unchecked(pid_t pid, enum tlh_fd_kind kind)
{
	return get(pid, kind, 0);
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

int
tlh_fdcache_owned(pid_t pid, enum tlh_fd_kind kind)
{
	int i;

	for (i = 0; i < SLOTS; i++)
		if (slots[i].pid == pid)
			return same_file(&slots[i], kind);
	return 0;
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
	int i;

	for (i = 0; i < SLOTS; i++)
		if (slots[i].pid && slots[i].once)
			slot_clear(&slots[i]);
	pthread_mutex_unlock(&lock);
}

int
tlh_fdcache_token(pid_t pid, uintptr_t *addr, unsigned char *token)
{
	int i;

	for (i = 0; i < SLOTS; i++) {
		if (slots[i].pid == pid && slots[i].token_addr) {
			*addr = slots[i].token_addr;
			memcpy(token, slots[i].token, TLH_FD_TOKEN_LEN);
			return 0;
		}
	}
	return -ENOENT;
}

pid_t
tlh_fdcache_self(void)
{
	pthread_once(&once, setup);
	return __atomic_load_n(&self, __ATOMIC_RELAXED);
}

void
tlh_fdcache_forget(pid_t pid)
{
	pthread_once(&once, setup);
	pthread_mutex_lock(&lock);
	tlh_fdcache_drop(pid);
	pthread_mutex_unlock(&lock);
}

int
tlh_pidfd_exited(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int ret;

	do
		ret = poll(&p, 1, 0);
	while (ret < 0 && errno == EINTR);
	return ret < 0 || (p.revents & POLLNVAL) ? -1 : ret > 0;
}

int
tlh_fdcache_pin(pid_t pid, ino_t *id)
{
	struct slot *sl;
	int attempt, ret = -ENOENT;

	pthread_once(&once, setup);
	pthread_mutex_lock(&lock);
	if (pid == self)
		goto out;
	for (attempt = 0; attempt < 2; attempt++) {
		sl = slot_for(pid);
		sl->used = ++tick;
		if (!sl->token_addr && !sl->once) {
			slot_learn(sl);	/* opens its pidfd: alive now */
			if (sl->fd[WARM] >= 0) {
				*id = sl->ino[WARM];
				ret = 0;
			}
			break;
		}
		if (sl->fd[WARM] < 0)
			break;	/* none kept: no pidfs */
		/* Proven ours before it is asked anything: a file the
		 * program put at its number would answer for no process, and
		 * a read that began with the pid's next process would fail. */
		if (same_file(sl, WARM) && !tlh_pidfd_exited(sl->fd[WARM])) {
			*id = sl->ino[WARM];
			ret = 0;
			break;
		}
		/* gone, the pid perhaps another's now, or the program's file:
		 * learnt afresh (slot_clear() closes only what is ours) */
		slot_clear(sl);
	}
out:
	tlh_fdcache_unlock();
	return ret;
}

/*
 * Whether @pid still names the process whose pidfd has inode @id, asked
 * of a pidfd opened now: 0 if so and it lives, else -ESRCH (another
 * process, none, or no way to tell).
 */
static int
same_process(pid_t pid, ino_t id)
{
	struct stat st;
	int fd, ret;

	fd = tlh_pidfd_open(pid, 0);
	if (fd < 0)
		return -ESRCH;
	ret = fstat(fd, &st) || st.st_ino != id || tlh_pidfd_exited(fd) ?
	      -ESRCH : 0;
	close(fd);
	return ret;
}

int
tlh_fdcache_pin_check(pid_t pid, ino_t id)
{
	int i, gone = -1;

	pthread_mutex_lock(&lock);
	for (i = 0; i < SLOTS; i++) {
		if (slots[i].pid != pid || slots[i].fd[WARM] < 0 ||
		    slots[i].ino[WARM] != id)
			continue;
		if (!same_file(&slots[i], WARM)) {
			slot_clear(&slots[i]);	/* the program's now */
			break;
		}
		gone = tlh_pidfd_exited(slots[i].fd[WARM]);
		if (gone > 0)
			slot_clear(&slots[i]);
		break;
	}
	pthread_mutex_unlock(&lock);
	/* The entry is gone (other reads took its place, or learnt the
	 * pid's next process), or its descriptor is not ours any more: a
	 * pidfd of the pid's process now tells whether it is the same. */
	if (gone < 0)
		return same_process(pid, id);
	return gone ? -ESRCH : 0;
}
