/*
 * os.h - what the API files need from the platform.  Everything that knows
 * about /proc or Linux system calls lives behind these functions; a FreeBSD
 * or macOS backend would implement the same interface in a sibling of
 * lib/linux/.
 *
 * All functions return >= 0 on success or -errno, with these meanings:
 *   -ESRCH   no such process
 *   -EPERM   the process exists but cannot be read (permission, no address
 *            space: zombie, kernel thread)
 *   -EIO     some byte of the source range is not readable in the target
 *   -EFAULT  some byte of the destination is not writable by the caller
 *   -ENOMEM  the kernel ran out of memory
 * and, from the heap functions:
 *   -EOPNOTSUPP  the process's heap is not one the walker knows (not
 *                glibc's malloc, or a glibc or architecture it does not know)
 *   -EUCLEAN     the heap is not well formed where it was read (corrupt, or
 *                changed under the walk)
 *   -ENODATA     no such heap, or no more blocks
 */
#ifndef TLHELP32_LINUX_OS_H
#define TLHELP32_LINUX_OS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The caller's own process id. */
pid_t tlh_os_self(void);

/*
 * A process as a process handle names it: its pid, and what ties the
 * handle to that one process for its whole life, so that a process that
 * exited is never confused with a new one given the same pid.  A target
 * without a token (Tool Help's pid-based calls) is whatever process has
 * the pid at the time.  See lib/linux/target.c.
 */
struct tlh_target {
	pid_t pid;
	int pidfd;		/* a pidfd for it, or -1 */
	uint64_t start;		/* its start time (clock ticks after boot) */
	uintptr_t token_addr;	/* where its token lies in it; 0: no token */
	unsigned char token[16];	/* AT_RANDOM's bytes, set at exec */
};

/*
 * Open a target for @pid: -ESRCH (no such process), -EPERM (may not read
 * it, or no address space), or 0.  tlh_os_target_close() releases it.
 */
int tlh_os_target_open(struct tlh_target *t, pid_t pid);
void tlh_os_target_close(struct tlh_target *t);

/* A target for the calling process, filled in place (no token needed). */
void tlh_os_target_self(struct tlh_target *t);

/* Open @pid's maps: the descriptor, or -ESRCH, -EPERM, -ENOSYS. */
int tlh_os_maps_open(pid_t pid);

/*
 * 0 while @t's process lives and runs the program it ran when it was
 * opened (its token is unchanged: no execve() since); -ESRCH.
 */
int tlh_os_target_check(const struct tlh_target *t);

/* 0 while @t's process lives (exec or not), -ESRCH: the cheap half. */
int tlh_os_target_alive(const struct tlh_target *t);

/*
 * The Windows class base priority of @t's process (4, 6, 8, 10, 13, 24:
 * idle to realtime) from its scheduling policy and nice value; -ESRCH if
 * it is gone, -EPERM if /proc hides it.
 */
int tlh_os_priority_base(const struct tlh_target *t, int32_t *base);

/*
 * Open /proc/<pid>/mem of @t with @flags (O_RDONLY or O_RDWR), and prove
 * the descriptor reaches @t's own address space by reading the token
 * through it: the descriptor, or -ESRCH (gone), -EPERM, -ENOSYS (no
 * /proc).  A /proc/<pid>/mem descriptor stays bound to the address space
 * it was opened on, so everything done through it is done to @t.
 */
int tlh_os_target_mem(const struct tlh_target *t, int flags);

/* 0 if @pid names a process whose memory the caller may read. */
int tlh_os_reach(pid_t pid);

/* One past the highest address user space can map. */
uintptr_t tlh_os_user_top(void);

/* What GetSystemInfo reports of the machine (lib/linux/sysinfo.c). */
struct tlh_sysinfo {
	size_t page_size;
	uint32_t ncpus;		/* the CPUs the calling thread may run on */
	uint64_t cpu_mask;	/* which of CPUs 0..63 those are */
	uint64_t midr;		/* arm64: MIDR_EL1 of the first; 0: unknown */
};
void tlh_os_sysinfo(struct tlh_sysinfo *si);

/*
 * Copy @n bytes at @src in @pid to @dst, all or nothing.  Bounds (wrap,
 * user_top) are the caller's to check first; @n is not 0.
 */
int tlh_os_read(pid_t pid, uintptr_t src, void *dst, size_t n);

/*
 * tlh_os_read() from @t's process.  With a token, the token is read in
 * the same system call as the data, before it, and a token that does not
 * match fails the read with -ESRCH: the pid names another program now.
 * Where the token's address is unmapped in the new program (with ASLR,
 * always in practice) the kernel stops before a byte reaches @dst; where
 * it is mapped but holds other bytes (ASLR off), the data may have
 * reached @dst although the call fails.
 */
int tlh_os_read_target(const struct tlh_target *t, uintptr_t src, void *dst,
		       size_t n);

/*
 * tlh_os_read_target() for a caller that then stores a size_t at @count
 * (NULL: none), as Windows stores lpNumberOfBytesRead; it may lie
 * anywhere, in @dst too.  Whether @count takes a write is found before
 * anything reaches @dst, in the read's own first system call where that
 * can be done: if it does not, the call fails with -EFAULT, after the
 * process's own errors (-ESRCH, -EPERM) and before the range's, and
 * neither @dst nor @count is written.  After any return but -ESRCH,
 * -EPERM and -EFAULT, @count is known to take a write.
 */
int tlh_os_read_count(const struct tlh_target *t, uintptr_t src, void *dst,
		      size_t n, size_t *count);

/* 0 if the caller can write the @n bytes at @p, else -EFAULT. */
int tlh_os_writable(const void *p, size_t n);

/* A target with no token and no pidfd: whatever process has @pid. */
#define TLH_TARGET_PID(p)	{ (p), -1, 0, 0, { 0 } }

/*
 * A region of a process's address space, as tlh_os_query() describes it:
 * pages from @start to @end that are all free, or all one mapping's with
 * the same access.
 */
struct tlh_region {
	uintptr_t start;	/* the first page asked about */
	uintptr_t end;		/* one past the region's last byte */
	uintptr_t alloc_base;	/* the mapping's start, or its image's base */
	unsigned int flags;	/* TLH_REGION_* */
};

#define TLH_REGION_MAPPED	0x001	/* else free: nothing is mapped */
#define TLH_REGION_READ		0x002
#define TLH_REGION_WRITE	0x004
#define TLH_REGION_EXEC		0x008
#define TLH_REGION_SHARED	0x010	/* shared (MAP_SHARED), else private */
#define TLH_REGION_FILE		0x020	/* backed by a file, or by shared memory
					 * (memfd, SysV, shared anonymous) */
#define TLH_REGION_IMAGE	0x040	/* part of a mapped executable image
					 * (ELF, or PE as Wine maps them):
					 * alloc_base is the image's base */
#define TLH_REGION_GUARD	0x080	/* guard pages: any access faults */
#define TLH_REGION_OPAQUE	0x100	/* the kernel's data ([vvar]): readable
					 * by the process itself, but copied
					 * out by no one */

/*
 * Describe the region of @t's process holding @addr (below
 * tlh_os_user_top()) from @addr's page up: a mapping's pages up to its
 * end, or up to its first guard page or past its last, or the free pages
 * up to the next mapping (or to the top).  0, -ESRCH (the process is gone
 * or is not @t's any more), -EPERM (its maps cannot be read), -ENOSYS (no
 * /proc), -ENOMEM.
 */
int tlh_os_query(const struct tlh_target *t, uintptr_t addr,
		 struct tlh_region *r);

/*
 * Write @n bytes from @src (the caller's memory) at @dst in @t, all or
 * nothing: writable memory and code (private, executable, not writable:
 * copy-on-write, the file untouched) are written; see lib/linux/writemem.c.
 * Bounds (wrap, user_top) are the caller's to check first; @n is not 0.
 * Returns 0, or:
 *   -ESRCH   @t's process has exited (or its pid names another now)
 *   -EPERM   /proc/<pid>/mem may not be opened for writing
 *   -EFAULT  some byte of [@dst, @dst + @n) may not be written (a hole,
 *            read-only or PROT_NONE memory, a shared mapping without
 *            PROT_WRITE, a guard region, a page past a file's end, one
 *            that refused the write), or some byte of @src may not be
 *            read by the caller: the target is as it was
 *   -EIO     the write stopped part way (the target moved or unmapped
 *            pages during the call) and could not all be undone: part of
 *            the new bytes may remain
 *   -ENOMEM  out of memory: the target is as it was
 *   -ENOSYS  no /proc; -EMFILE, -ENFILE: out of descriptors
 */
int tlh_os_write(const struct tlh_target *t, uintptr_t dst, const void *src,
		 size_t n);

struct tlh_snapshot;

/*
 * 0 if @pid names a process (not a thread of one) whose module and heap
 * lists the caller may take: -ESRCH, -EPERM otherwise, and -EIO for a
 * 64-bit process when the caller is 32-bit (WOW64's ERROR_PARTIAL_COPY).
 */
int tlh_os_snap_check_pid(pid_t pid);

/*
 * Add every process (@procs) and every thread (@threads) of the system to
 * @s.  Processes that vanish during the walk are skipped.
 */
int tlh_os_snap_tasks(struct tlh_snapshot *s, int procs, int threads);

/*
 * Add the modules (mapped ELF objects) of @pid to @s, the main executable
 * first: all of them with @all, or only when @pid is a 32-bit process with
 * @only32.
 */
int tlh_os_snap_modules(struct tlh_snapshot *s, pid_t pid, int all,
			int only32);

/*
 * Add the malloc heaps of @pid to @s, the default (main) heap first.  A
 * heap the walker does not know, or one too damaged to list, is not a
 * failure of the snapshot: s->heap_err records -EOPNOTSUPP or -EUCLEAN and
 * the list stays empty.  See lib/linux/heap.c.
 */
int tlh_os_snap_heaps(struct tlh_snapshot *s, pid_t pid);

/* One block of a heap walk. */
struct tlh_heap_block {
	uintptr_t addr;		/* the address malloc returned for it */
	size_t size;		/* its usable size */
	int free;		/* 1: free, 0: in use */
	uint32_t index;		/* its place in the walk, from 0 */
};

/*
 * The first block of heap @id of @pid, and the block after @b (which a
 * previous call filled) in the same walk.  -ENODATA: no such heap, or no
 * more blocks.
 */
int tlh_os_heap_first(pid_t pid, uintptr_t id, struct tlh_heap_block *b);
int tlh_os_heap_next(pid_t pid, uintptr_t id, struct tlh_heap_block *b);

#endif /* TLHELP32_LINUX_OS_H */
