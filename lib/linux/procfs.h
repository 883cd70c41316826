/*
 * procfs.h - opening files under /proc/<pid>.
 */
#ifndef TLHELP32_LINUX_PROCFS_H
#define TLHELP32_LINUX_PROCFS_H

#include <sys/types.h>

/*
 * Open /proc/<pid>/<name> read-only and close-on-exec.  Returns the
 * descriptor, -ESRCH if there is no such process, -EPERM if the caller may
 * not open it, /proc hides it (hidepid=) or the file needs an address
 * space the process has not (a zombie's mem), -ENOSYS if /proc is not
 * mounted, or another -errno.
 */
int tlh_procfs_open(pid_t pid, const char *name);

/* tlh_procfs_open() with open(2)'s @flags (O_CLOEXEC is added). */
int tlh_procfs_open_flags(pid_t pid, const char *name, int flags);

#endif /* TLHELP32_LINUX_PROCFS_H */
