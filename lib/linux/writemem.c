/*
 * writemem.c - all-or-nothing writes to another process's memory on Linux.
 *
 * The promise: when the call fails, the target's memory holds what it held
 * before, and nothing of the target is written before the whole range has
 * been found writable and the caller's whole buffer readable.
 *
 * Every write goes through /proc/<pid>/mem, opened by tlh_os_target_mem(),
 * whose descriptor stays bound to the target's address space.  That file
 * writes with forced access, as a debugger does: it writes read-only and
 * PROT_NONE memory too.  So the target's maps decide first what may be
 * written, by the Windows rules:
 *
 *   - a mapping with PROT_WRITE, private or shared (PAGE_READWRITE,
 *     PAGE_WRITECOPY, PAGE_EXECUTE_READWRITE): written;
 *   - a private mapping with PROT_EXEC and without PROT_WRITE (code:
 *     PAGE_EXECUTE, PAGE_EXECUTE_READ): written, as kernel32 does, and as
 *     debuggers plant breakpoints: the forced write breaks copy-on-write,
 *     so the target gets a private copy of the page holding the new bytes,
 *     the mapping keeps its protection and the file behind it never
 *     changes;
 *   - anything else (read-only data, PROT_NONE, a shared mapping without
 *     PROT_WRITE, where a forced write could reach the file) and a hole:
 *     refused.
 *
 * Process_vm_writev() is never used: it cannot write code, it names the
 * target by pid rather than by address space, and the maps it would need
 * to be checked against come from the same /proc.  Where /proc/<pid>/mem
 * cannot be opened for writing, the write fails.
 *
 * Then the caller's buffer is checked readable (MADV_POPULATE_READ, which
 * faults where a read would and copies nothing; the caller's maps where
 * the kernel lacks it), and the target's bytes are read into a private
 * buffer (the thread's scratch for small writes, a fresh mapping for
 * larger ones).  That read goes through the same descriptor and so is the
 * check for what the maps cannot show: a guard region (MADV_GUARD_INSTALL),
 * a file mapping's pages past the end of the file, device memory.  Only
 * then is anything written.
 *
 * If the write still stops short -- the target unmapped, moved or replaced
 * part of the range during the call, or a page refused the write although
 * it could be read (a userfaultfd write-protected page, a shared file page
 * the file system cannot allocate) -- the saved bytes are written back
 * over what was written, one piece at a time, each within one page so
 * that the kernel writes it whole or not at all.  A piece is written back
 * only if it holds the new bytes: one that holds anything else has been
 * replaced or rewritten by the target since, and is left as the target
 * made it.  A piece that can be neither read nor written (its page was
 * unmapped or moved away) is tried again, SPINS times in a row and then
 * after sleeps that add up to at most 100 ms for the whole undo, in case
 * the page comes back (a piece once seen holding the new bytes is then
 * written back without being read again, so that a page the target keeps
 * moving needs one chance, not two in a row).  If it does not come back,
 * the call fails with -EIO: the new bytes may remain wherever the target
 * moved that page.  When the caller's buffer faults during the write (its
 * own threads changed it), the kernel does not say how much the failing
 * system call wrote, and everything it may have written is put back.
 *
 * The first write ends at a page boundary, so that the kernel writes every
 * later page in one piece and a page is never left half written by a
 * remap between two pieces.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "maps.h"
#include "os.h"

#define SMALL_MAX	8192u	/* writes this size or less: no allocation */
#define PIECE		4096u	/* the unit put back: within one page */
#define SPINS		64	/* tries of a piece before sleeping */
#define SLEEP_NS	50000L	/* the first sleep */
#define PATIENCE_NS	100000000L	/* the sleeps of one undo: 100 ms */

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22	/* Linux 5.14 */
#endif
#ifndef EHWPOISON
#define EHWPOISON	133
#endif

/*
 * The saved bytes of a small write and, when the caller's buffer overlaps
 * the range in the calling process, a copy of the buffer after them.
 */
static __thread unsigned char scratch[2 * SMALL_MAX];

static size_t
page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* The Windows rules above, for one mapping: 0 or -EFAULT. */
static int
vma_writable(const struct tlh_vma *vma, void *arg)
{
	(void)arg;
	if (vma->flags & TLH_VMA_WRITE)
		return 0;
	if ((vma->flags & TLH_VMA_EXEC) && !(vma->flags & TLH_VMA_SHARED))
		return 0;	/* code: copy-on-write */
	return -EFAULT;
}

/*
 * The target's maps over [dst, dst + n), confirmed to be @t's: the maps
 * are read by pid, which may have come to name another process.
 */
static int
target_writable(const struct tlh_target *t, uintptr_t dst, size_t n)
{
	int ret, alive;

	ret = tlh_maps_walk(t->pid, dst, dst + n, vma_writable, NULL);
	if (ret == -ENXIO)
		ret = -EFAULT;		/* a hole */
	if (ret && ret != -EFAULT)
		return ret;
	alive = tlh_os_target_check(t);
	return alive ? alive : ret;
}

/* A mapping the caller may read from: 0 or -EFAULT. */
static int
vma_readable(const struct tlh_vma *vma, void *arg)
{
	(void)arg;
	return vma->flags & TLH_VMA_READ ? 0 : -EFAULT;
}

/*
 * 0 if the caller may read every byte of [src, src + n), else -EFAULT.
 * MADV_POPULATE_READ faults where a read would and reads nothing: ENOMEM
 * for a hole, EFAULT for a guard region or a file's end.  It says EINVAL
 * for PROT_NONE but also for memory it cannot populate that a read may
 * reach (device memory), and before Linux 5.14 (or behind a seccomp
 * filter) it fails whatever the memory: the caller's maps decide then.
 */
static int
source_readable(const void *src, size_t n)
{
	uintptr_t s = (uintptr_t)src, start = s & ~(uintptr_t)(page_size() - 1);
	int ret;

	do
		ret = madvise((void *)start, s + n - start, MADV_POPULATE_READ);
	while (ret && errno == EINTR);
	if (!ret)
		return 0;
	if (errno == ENOMEM || errno == EFAULT || errno == EHWPOISON)
		return -EFAULT;
	ret = tlh_maps_walk(tlh_os_self(), s, s + n, vma_readable, NULL);
	return ret == -ENXIO ? -EFAULT : ret;
}

/* Read all @n bytes at @at through @fd: 0, -EIO, or -errno. */
static int
read_exact(int fd, void *buf, size_t n, uintptr_t at)
{
	size_t done = 0;
	ssize_t got;

	while (done < n) {
		got = pread(fd, (char *)buf + done, n - done,
			    (off_t)(at + done));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return got < 0 ? -errno : -EIO;
		done += (size_t)got;
	}
	return 0;
}

/*
 * Write @n bytes from @src at @dst through @fd.  *@done is how many were
 * surely written when it stops.  A fault on the caller's side (-EFAULT)
 * hides how much the failing call wrote: *@unsure is then its length.
 * Returns 0, -EIO (the target refused a page), or -errno.
 */
static int
write_all(int fd, const unsigned char *src, uintptr_t dst, size_t n,
	  size_t *done, size_t *unsure)
{
	size_t pg = page_size(), head = pg - (dst & (pg - 1)), len;
	ssize_t got;

	*done = 0;
	*unsure = 0;
	while (*done < n) {
		len = n - *done;
		if (!*done && head < pg && len > head)
			len = head;	/* then whole pages at a time */
		got = pwrite(fd, src + *done, len, (off_t)(dst + *done));
		if (got > 0) {
			*done += (size_t)got;
			continue;
		}
		if (got == 0)
			return -EIO;
		if (errno == EINTR)
			continue;
		if (errno == EFAULT)
			*unsure = len;
		return -errno;
	}
	return 0;
}

/*
 * How long a write that stopped short waits for pages to come back: a
 * piece is tried SPINS times in a row, yielding between tries, then again
 * after sleeps that double from SLEEP_NS, until the sleeps of the whole
 * undo reach PATIENCE_NS.
 */
struct patience {
	const struct tlh_target *t;
	long step;		/* the next sleep */
	long slept;
};

/* 0: try again; -EIO: no more time; -ESRCH: the process is gone. */
static int
wait_for_page(struct patience *p, int *spins)
{
	struct timespec ts;

	if ((*spins)++ < SPINS) {
		sched_yield();
		return 0;
	}
	if (tlh_os_target_check(p->t))
		return -ESRCH;
	if (p->slept >= PATIENCE_NS)
		return -EIO;
	ts.tv_sec = 0;
	ts.tv_nsec = p->step;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	p->slept += p->step;
	p->step *= 2;
	return 0;
}

/*
 * Put @old back over the piece at @at if it holds @new (always, without
 * @new).  A piece once seen holding @new is ours: it is then written
 * back without looking again.  0 when the piece no longer holds what this
 * call wrote; -EIO or -ESRCH as wait_for_page() says.
 */
static int
put_back(int fd, uintptr_t at, size_t len, const unsigned char *old,
	 const unsigned char *new, struct patience *p)
{
	unsigned char now[PIECE];
	int ours = !new, spins = 0, ret;

	for (;;) {
		if (!ours && pread(fd, now, len, (off_t)at) == (ssize_t)len) {
			if (memcmp(now, new, len))
				return 0;	/* the target's now */
			ours = 1;
		}
		if (ours && pwrite(fd, old, len, (off_t)at) == (ssize_t)len)
			return 0;
		ret = wait_for_page(p, &spins);
		if (ret)
			return ret;
	}
}

/*
 * Undo a write that stopped short: put @saved back over [dst, dst + n),
 * piece by piece, where it holds @src (everywhere, if @src is NULL),
 * waiting a while where a page has gone.  0 when nothing of the write is
 * left, -ESRCH when the process is gone, -EIO otherwise.
 */
static int
restore(int fd, const struct tlh_target *t, uintptr_t dst, size_t n,
	const unsigned char *saved, const unsigned char *src)
{
	struct patience p = { t, SLEEP_NS, 0 };
	uintptr_t a, b;
	int ret = 0, r;

	for (a = dst; a < dst + n; a = b) {
		b = (a & ~(uintptr_t)(PIECE - 1)) + PIECE;
		if (b > dst + n)
			b = dst + n;
		r = put_back(fd, a, b - a, saved + (a - dst),
			     src ? src + (a - dst) : NULL, &p);
		if (r == -ESRCH)
			return r;
		if (r)
			ret = r;
	}
	return ret;
}

/* Room for @copies times @n bytes: the scratch, or a fresh mapping. */
static unsigned char *
buffer_get(size_t n, size_t copies)
{
	void *p;

	if (n <= SMALL_MAX)
		return scratch;
	if (n > SIZE_MAX / copies)
		return NULL;
	p = mmap(NULL, n * copies, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void
buffer_put(unsigned char *p, size_t n, size_t copies)
{
	if (p && p != scratch)
		munmap(p, n * copies);
}

/*
 * After the write stopped short with @err: undo it, and say why.  @src
 * is what was written, NULL if the caller's buffer faulted (it cannot be
 * compared then: everything the failing call may have written is put
 * back).
 */
static int
undo(int fd, const struct tlh_target *t, uintptr_t dst, size_t n, int err,
     const unsigned char *saved, const unsigned char *src)
{
	int ret = restore(fd, t, dst, n, saved, src);

	if (!ret)
		ret = tlh_os_target_check(t);
	if (ret)
		return ret;
	return err == -EIO ? -EFAULT : err;
}

int
tlh_os_write(const struct tlh_target *t, uintptr_t dst, const void *src,
	     size_t n)
{
	const unsigned char *from = src;
	uintptr_t s = (uintptr_t)src;
	size_t copies = 1, done, unsure;
	unsigned char *buf = NULL;
	int fd, ret, saved_errno;

	fd = tlh_os_target_mem(t, O_RDWR);
	if (fd < 0)
		return fd;
	ret = target_writable(t, dst, n);
	if (!ret)
		ret = source_readable(src, n);
	if (ret)
		goto out;

	/* Writing to itself from within the range: write from a copy. */
	if (t->pid == tlh_os_self() && s < dst + n && dst < s + n)
		copies = 2;
	buf = buffer_get(n, copies);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	ret = read_exact(fd, buf, n, dst);
	if (ret) {
		/* a page the maps cannot show unreachable, or the end */
		if (ret != -ENOMEM)
			ret = tlh_os_target_check(t) ? -ESRCH : -EFAULT;
		goto out;
	}
	if (copies == 2) {
		memcpy(buf + n, src, n);
		from = buf + n;
	}

	ret = write_all(fd, from, dst, n, &done, &unsure);
	if (ret)
		ret = undo(fd, t, dst, done + unsure, ret, buf,
			   unsure ? NULL : from);
out:
	saved_errno = errno;
	buffer_put(buf, n, copies);
	close(fd);
	errno = saved_errno;
	return ret;
}
