/*
 * fdcache.h - /proc/<pid>/maps and /proc/<pid>/pagemap descriptors kept
 * open between reads of the same process, and the state of a reading of
 * the maps text kept between calls.
 */
#ifndef TLHELP32_LINUX_FDCACHE_H
#define TLHELP32_LINUX_FDCACHE_H

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

/*
 * Lock the cache and return an open descriptor of @kind for @pid, opening
 * it if need be; release with tlh_fdcache_unlock().  On failure returns
 * -errno as tlh_procfs_open() does, with the cache unlocked.
 */
int tlh_fdcache_get(pid_t pid, enum tlh_fd_kind kind);

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

#endif /* TLHELP32_LINUX_FDCACHE_H */
