/*
 * fdcache.h - /proc/<pid>/maps and /proc/<pid>/pagemap descriptors kept
 * open between reads of the same process (see fdcache.c for what keeps
 * them honest), and the state of a reading of the maps text kept between
 * calls.
 */
#ifndef TLHELP32_LINUX_FDCACHE_H
#define TLHELP32_LINUX_FDCACHE_H

#include <stdint.h>
#include <sys/types.h>

/*
 * TLH_FD_MAPS is for queries and for readings from the start;
 * TLH_FD_MAPS_SEQ is a second maps descriptor read in order across calls
 * (tlh_maps_find()), whose position no one else moves.
 */
enum tlh_fd_kind {
	TLH_FD_MAPS,
	TLH_FD_PAGEMAP,
	TLH_FD_MAPS_SEQ,
	TLH_FD_KINDS
};

#define TLH_FD_TOKEN_LEN	16

/*
 * Lock the cache and return an open descriptor of @kind for @pid, opening
 * it if need be; release with tlh_fdcache_unlock().  The descriptor is
 * the library's own and, for a process other than the caller, bound to
 * the address space @pid has now.  On failure returns -errno as
 * tlh_procfs_open() does (-ESRCH also when @pid's address space changed
 * twice while it was opened), with the cache unlocked.
 */
int tlh_fdcache_get(pid_t pid, enum tlh_fd_kind kind);

/*
 * tlh_fdcache_get() for a caller that proves the address space itself:
 * it reads @pid's token (tlh_fdcache_token()) in a system call of its own
 * and calls tlh_fdcache_forget() if it differs.
 */
int tlh_fdcache_get_unchecked(pid_t pid, enum tlh_fd_kind kind);

/*
 * With the cache locked: whether @pid's descriptor of @kind is still the
 * library's (a call on it failed in a way only another file would).
 */
int tlh_fdcache_owned(pid_t pid, enum tlh_fd_kind kind);

/*
 * With the cache locked: close @pid's descriptors, which no longer answer
 * (the process is gone, and the pid may now name another).
 */
void tlh_fdcache_drop(pid_t pid);

/*
 * With the cache locked, after tlh_fdcache_get(@pid, TLH_FD_MAPS_SEQ):
 * @size bytes kept with that descriptor for its reader, zeroed each time
 * the descriptor is opened; NULL if they cannot be allocated.  @size must
 * be the same at every call.
 */
void *tlh_fdcache_seq_state(pid_t pid, size_t size);

void tlh_fdcache_unlock(void);

/*
 * With the cache locked: the token of the address space @pid's kept
 * descriptors answer for, its address and TLH_FD_TOKEN_LEN bytes.  0, or
 * -ENOENT if there is none (nothing kept for @pid, or @pid is the
 * caller, or the token could not be read).
 */
int tlh_fdcache_token(pid_t pid, uintptr_t *addr, unsigned char *token);

/*
 * The caller's pid without a system call: noted when the cache is first
 * used and again in a child after fork().
 */
pid_t tlh_fdcache_self(void);

/* tlh_fdcache_drop() with the cache unlocked: @pid's token did not match. */
void tlh_fdcache_forget(pid_t pid);

/*
 * pidfd_open() of @pid with @flags, a thread's too (PIDFD_THREAD, Linux
 * 6.9+): the descriptor, or -1 with errno set.
 */
int tlh_pidfd_open(pid_t pid, int flags);

/* Whether the process of pidfd @fd has exited: 1, 0, or -1 (no answer). */
int tlh_pidfd_exited(int fd);

/*
 * A read by pid pinned to one process without a descriptor of its own:
 * the pidfd @pid's entry keeps, proven the library's (fstat()) and its
 * process found alive (poll()), or else the entry learnt afresh; named by
 * its inode, which no other process ever has (pidfs, Linux 6.9+).  0 and
 * @id, or -ENOENT where none is kept (the caller itself, no pidfs, a
 * token that cannot be read): the caller pins the process itself.
 */
int tlh_fdcache_pin(pid_t pid, ino_t *id);

/*
 * After the read: 0 if the process pinned as @id lives still, so that
 * @pid named it from the pin to now; else -ESRCH (it has exited, or it
 * cannot be told: a pidfd of the pid's process is then opened and its
 * inode compared, where the cache no longer keeps that pidfd).
 */
int tlh_fdcache_pin_check(pid_t pid, ino_t id);

#endif /* TLHELP32_LINUX_FDCACHE_H */
