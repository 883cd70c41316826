/*
 * fdcache.h - /proc/<pid>/maps and /proc/<pid>/pagemap descriptors kept
 * open between reads of the same process.
 */
#ifndef TLHELP32_LINUX_FDCACHE_H
#define TLHELP32_LINUX_FDCACHE_H

#include <sys/types.h>

enum tlh_fd_kind { TLH_FD_MAPS, TLH_FD_PAGEMAP, TLH_FD_KINDS };

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

void tlh_fdcache_unlock(void);

#endif /* TLHELP32_LINUX_FDCACHE_H */
