/*
 * readmem.c - all-or-nothing reads of another process's memory on Linux.
 *
 * The promise: when the call fails, the caller's buffer holds exactly what
 * it held before.  Two paths keep it.
 *
 * A read within one source page is one process_vm_readv() straight into
 * the buffer: the kernel pins that source page once and copies it whole
 * or not at all, so nothing partial can be left behind, and into one
 * destination page it costs exactly a raw read.  A destination that
 * spans pages is first checked writable, all of it, by one
 * MADV_POPULATE_WRITE (page_writable()).
 *
 * Other small reads (up to SMALL_MAX bytes) take one process_vm_readv()
 * with two passes over the source.  Pass one copies the whole range into this
 * thread's private buffer; pass two copies it again into the caller's
 * buffer.  The kernel stops at the first fault and reports how far it got,
 * so a source that is unreadable anywhere (unmapped, PROT_NONE, [vvar],
 * device memory, a file mapping past end of file, a guard region) fails
 * inside pass one and the caller's buffer is never reached.  That is the
 * check the maps would give, made by the kernel's own page walk.  If pass
 * two stops short although the caller's pages are writable, the target
 * changed its mappings between the passes: pass one's complete copy is
 * then delivered from the private buffer, so a race never leaves part of
 * the data behind either.  Pass two writes the destination's page, which
 * it can only fault on before any byte is stored.  Cost: one system call,
 * as a raw read, plus one extra small copy.  A destination that spans
 * pages has no pass two: pass one alone, then one MADV_POPULATE_WRITE over
 * the destination, then pass one's copy delivered by memcpy().
 *
 * Reads up to PROBED_MAX bytes (read_probed()) check the destination with
 * one MADV_POPULATE_WRITE and then make one process_vm_readv() that reads
 * a byte of every source page before the data: a source page that cannot
 * be read stops the kernel before it reaches the buffer.
 *
 * Larger reads check first and copy once: a one-byte probe of the first
 * byte, the target's maps over the range (PROCMAP_QUERY or the text), a
 * one-byte probe of the last page of each mapping (what maps cannot show:
 * device memory, [vvar], a file shorter than its mapping), the caller's own
 * maps over the destination, then one copy straight into the buffer.  If
 * the target changes its mappings between the check and the copy, the call
 * still fails, but the buffer may hold part of the data; libtlhelp32(7)
 * says so.  Where the maps cannot be opened (no /proc), every page is
 * probed instead: slower, as strict.
 *
 * Where process_vm_readv() is missing (ENOSYS: an old kernel, or a seccomp
 * profile that hides it) or refused while /proc/<pid>/mem may be opened
 * (EPERM from a seccomp filter rather than from the ptrace check), reads
 * go through /proc/<pid>/mem instead.  That file reads PROT_NONE memory
 * (the kernel forces access), so the range is always checked against the
 * maps first, and guard regions with it; small reads then go through the
 * private buffer as above, large ones straight into the caller's buffer.
 *
 * A read through a process handle names its process by a target
 * (target.c) with a token: 16 bytes at a known address in that process.
 * Every process_vm_readv() that copies data takes the token first, in the
 * same call (token_pvr()), so the call proves whose memory it read: when
 * the pid names another process now, the token's address is unmapped
 * there (the kernel stops before the data) or holds other bytes, and the
 * read fails with -ESRCH.  Through /proc/<pid>/mem the token is read
 * through the descriptor itself, which stays bound to one address space.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#ifdef HAVE_LINUX_FUTEX_H
#include <linux/futex.h>
#endif

/* The futex ABI, for a C library without the kernel's headers (musl). */
#ifndef FUTEX_WAKE_OP
#define FUTEX_WAKE_OP		5
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_OP_ADD		1
#define FUTEX_OP_CMP_EQ		0
#define FUTEX_OP(op, oparg, cmp, cmparg) \
	((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | \
	 (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))
#endif

#include "fdcache.h"
#include "maps.h"
#include "os.h"
#include "procfs.h"

#define SMALL_MAX	16384u		/* reads this size or less: read_small() */
#define PROBES_MAX	64		/* one-byte probes per system call */
#define CHUNK_MAX	((size_t)1 << 30)	/* within MAX_RW_COUNT */
#define PROBED_MAX	(128u << 10)	/* or less: read_probed() */
#define POPULATE_MAX	(256u << 10)	/* destinations checked page by page */

/*
 * Where the probes put what they read.  Only the kernel ever writes it and
 * nothing ever reads it, so threads may share it.
 */
static unsigned char sink[PROBES_MAX];

/*
 * Pass one's private copy of a small read, aligned for the kernel's copy;
 * a count that rides on pass one takes its first byte, which then lies
 * just before it.
 */
static __thread unsigned char bounce_room[64 + SMALL_MAX]
	__attribute__((aligned(64)));
#define bounce	(bounce_room + 64)

/* Where a read puts the token it takes with the data. */
static __thread unsigned char token_seen[16];

pid_t
tlh_os_self(void)
{
	return getpid();
}

/* The page size, asked for once: sysconf() shows in the profile of a
 * small read. */
static size_t
page_size(void)
{
	static size_t pg;
	size_t p = __atomic_load_n(&pg, __ATOMIC_RELAXED);

	if (!p) {
		p = (size_t)sysconf(_SC_PAGESIZE);
		__atomic_store_n(&pg, p, __ATOMIC_RELAXED);
	}
	return p;
}

/*
 * process_vm_readv() says ESRCH both for a pid that names nothing and for
 * one without an address space (zombie, kernel thread); kill(pid, 0) tells
 * them apart.
 */
static int
classify(pid_t pid, int err)
{
	switch (err) {
	case ESRCH:
		if (kill(pid, 0) < 0 && errno == ESRCH)
			return -ESRCH;
		return -EPERM;
	case EPERM:
	case EACCES:
		return -EPERM;
	case EFAULT:
		return -EIO;
	default:
		return -err;
	}
}

/*
 * process_vm_readv() has copied something: it works here, and read_probed()
 * may touch a destination before its first call (no fallback to
 * /proc/<pid>/mem will have to start afresh after that).
 */
static int pvr_works;

/*
 * process_vm_readv() of @t's process, @local and @remote having a free
 * first element for the token: with a token, it is read there first, in
 * the same call.  Returns the bytes of data copied (the token's not
 * counted), -1 with errno set by the call, or -2 when the token could not
 * be read or does not match: the pid names another process, and nothing
 * reached @local past the token if its address is unmapped there.
 */
static ssize_t
token_pvr(const struct tlh_target *t, struct iovec *local, size_t nl,
	  struct iovec *remote, size_t nr)
{
	ssize_t got;

	if (!t->token_addr) {
		got = process_vm_readv(t->pid, local + 1, nl, remote + 1, nr,
				       0);
		if (got >= 0 && !pvr_works)
			__atomic_store_n(&pvr_works, 1, __ATOMIC_RELAXED);
		return got;
	}
	local[0].iov_base = token_seen;
	local[0].iov_len = sizeof(token_seen);
	remote[0].iov_base = (void *)t->token_addr;
	remote[0].iov_len = sizeof(token_seen);
	got = process_vm_readv(t->pid, local, nl + 1, remote, nr + 1, 0);
	if (got < 0)
		return got;
	if (!pvr_works)
		__atomic_store_n(&pvr_works, 1, __ATOMIC_RELAXED);
	if ((size_t)got < sizeof(token_seen) ||
	    memcmp(token_seen, t->token, sizeof(token_seen)))
		return -2;
	return got - (ssize_t)sizeof(token_seen);
}

/* process_vm_readv() has answered ENOSYS: use /proc/<pid>/mem. */
static int no_pvr;

/*
 * Open /proc/<pid>/mem: the descriptor if @pid has an address space the
 * caller may read; -EPERM if it has none (zombie, kernel thread) or may
 * not be read, -ESRCH, -ENOSYS (no /proc).  Opened per call: this path is
 * the fallback, not the fast one.
 */
static int
mem_open(pid_t pid)
{
	unsigned char b;
	int fd = tlh_procfs_open(pid, "mem");

	if (fd < 0)
		return fd;
	/* Address 0 is unmapped (EIO) in a live process; with no address
	 * space behind the file, a read returns nothing at all. */
	if (pread(fd, &b, 1, 0) == 0) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

int
tlh_os_reach(pid_t pid)
{
	struct iovec local = { sink, 1 };
	struct iovec remote = { NULL, 1 };
	int ret, fd;

	/* Address 0: the kernel resolves the process before the page. */
	if (__atomic_load_n(&no_pvr, __ATOMIC_RELAXED))
		ret = -ENOSYS;
	else if (process_vm_readv(pid, &local, 1, &remote, 1, 0) < 0 &&
		 errno != EFAULT)
		ret = classify(pid, errno);
	else
		return 0;
	if (ret == -ENOSYS)
		__atomic_store_n(&no_pvr, 1, __ATOMIC_RELAXED);
	if (ret != -ENOSYS && ret != -EPERM)
		return ret;
	fd = mem_open(pid);
	if (fd < 0)
		return ret == -EPERM && fd != -ESRCH ? ret : fd;
	close(fd);
	return 0;
}

#if defined(MAP_FIXED_NOREPLACE) && (UINTPTR_MAX == UINT32_MAX || \
	defined(__x86_64__) || defined(__aarch64__))
#define PROBE_TOP	1

/* 1 if the page at @addr can be mapped (or already is), else 0. */
static int
page_mappable(uintptr_t addr)
{
	void *hint = (void *)addr;
	void *p;

	p = mmap(hint, page_size(), PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != MAP_FAILED)
		munmap(p, page_size());
	return p == hint || (p == MAP_FAILED && errno == EEXIST);
}

/* The first of @n tops, highest first, whose last page can be mapped. */
static uintptr_t
first_mappable(const uintptr_t *tops, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (page_mappable(tops[i] - page_size()))
			return tops[i];
	return UINTPTR_MAX;	/* none of them: only wrapping is refused */
}
#endif

/*
 * The lowest address user space cannot map, found once.  On x86-64 that
 * depends on whether the kernel runs 5-level page tables: ask whether a
 * page just below the 5-level top can be mapped.  On arm64 user space
 * spans 1 << VA_BITS bytes, VA_BITS being 39, 42, 47, 48 or 52 as the
 * kernel was configured (for its page size) and, for 52, as the CPU
 * allows: the highest of those whose last page can be mapped (a hint
 * above 48 bits is what opens the range above, which MAP_FIXED_NOREPLACE
 * gives).  A 32-bit process ends at 0xFFFFE000 under a 64-bit x86 kernel
 * and at the kernel's split (0xC0000000 by default) under a 32-bit one.
 * The bound is the caller's: a 64-bit target has more, but a 32-bit
 * caller can name no more (as under WOW64).
 */
uintptr_t
tlh_os_user_top(void)
{
	static uintptr_t top;
	uintptr_t t = __atomic_load_n(&top, __ATOMIC_RELAXED);
#if defined(PROBE_TOP) && UINTPTR_MAX == UINT32_MAX
	static const uintptr_t tops[] = {
		0xFFFFE000u, 0xC0000000u, 0xB0000000u, 0x80000000u,
		0x40000000u,
	};
#elif defined(PROBE_TOP) && defined(__x86_64__)
	/* TASK_SIZE leaves out the last 4 KiB page below 1 << 47 or 56 */
	static const uintptr_t tops[] = {
		((uintptr_t)1 << 56) - 4096, ((uintptr_t)1 << 47) - 4096,
	};
#elif defined(PROBE_TOP)
	/* and an x86-64 host's top, for arm64 programs under qemu-user */
	static const uintptr_t tops[] = {
		(uintptr_t)1 << 52, (uintptr_t)1 << 48, (uintptr_t)1 << 47,
		((uintptr_t)1 << 47) - 4096, (uintptr_t)1 << 42,
		(uintptr_t)1 << 39,
	};
#endif

	if (t)
		return t;
#ifdef PROBE_TOP
	t = first_mappable(tops, sizeof(tops) / sizeof(tops[0]));
#else
	t = UINTPTR_MAX;
#endif
	__atomic_store_n(&top, t, __ATOMIC_RELAXED);
	return t;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23	/* Linux 5.14 */
#endif

/* Whether madvise(MADV_POPULATE_WRITE) works here: 0 unknown, 1, -1. */
static int populate_state;

static int
populate_works(void)
{
	int s = __atomic_load_n(&populate_state, __ATOMIC_RELAXED);
	size_t pg;

	if (!s) {
		/* our own sink is writable: only an old kernel says no; and
		 * page 0 is not: an emulator that takes any advice for a
		 * hint to ignore (qemu-user) says yes to it */
		pg = page_size();
		s = madvise((void *)((uintptr_t)sink & ~(uintptr_t)(pg - 1)), pg,
			    MADV_POPULATE_WRITE) ||
		    !madvise(NULL, pg, MADV_POPULATE_WRITE) ? -1 : 1;
		__atomic_store_n(&populate_state, s, __ATOMIC_RELAXED);
	}
	return s > 0;
}

/*
 * Whether the caller may write the page holding @addr, found without
 * changing it.  MADV_POPULATE_WRITE takes the write fault a store would
 * take (it fails on a read-only, PROT_NONE, unmapped or guard page, and on
 * a file's page past its end) and stores nothing.  Before Linux 5.14,
 * FUTEX_WAKE_OP adding 0 to the aligned word does the same, but tools
 * like valgrind see it read the caller's (perhaps uninitialised) bytes.
 */
static int
page_writable(uintptr_t addr)
{
	size_t pg = page_size();
	uint32_t key = 0;

	if (populate_works())
		return madvise((void *)(addr & ~(uintptr_t)(pg - 1)), pg,
			       MADV_POPULATE_WRITE) == 0;
	return syscall(SYS_futex, &key, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 0,
		       (void *)0, (uint32_t *)(addr & ~(uintptr_t)3),
		       FUTEX_OP(FUTEX_OP_ADD, 0, FUTEX_OP_CMP_EQ, 0)) >= 0;
}

/*
 * 0 if every page of [dst, dst + n) takes a write, else -EFAULT: one
 * MADV_POPULATE_WRITE over them all (it asks each page what
 * page_writable() asks), or page by page.
 */
static int
dest_writable(uintptr_t dst, size_t n)
{
	size_t pg = page_size();
	uintptr_t p = dst & ~(pg - 1);

	if (!n)
		return 0;
	if (populate_works())
		return madvise((void *)p, ((dst + n + pg - 1) & ~(pg - 1)) - p,
			       MADV_POPULATE_WRITE) ? -EFAULT : 0;
	for (; p < dst + n; p += pg)
		if (!page_writable(p < dst ? dst : p))
			return -EFAULT;
	return 0;
}

/* [a, a + n) lies within one page. */
static int
one_page(uintptr_t a, size_t n, size_t pg)
{
	return !((a ^ (a + n - 1)) & ~(uintptr_t)(pg - 1));
}

/* [a, a + an) and [b, b + bn) share no byte. */
static int
apart(uintptr_t a, size_t an, uintptr_t b, size_t bn)
{
	return a + an <= b || b + bn <= a;
}

int
tlh_os_writable(const void *p, size_t n)
{
	return dest_writable((uintptr_t)p, n);
}

/*
 * The caller's count (Windows' lpNumberOfBytesRead), which it stores
 * after the read: where it lies, and whether it is known to take a write.
 */
struct count {
	void *at;		/* NULL: none */
	int ok;
	int touched;		/* a probe stored a byte of the source in it */
};

/* 0 if the count takes a write, or there is none; else -EFAULT. */
static int
count_check(struct count *c)
{
	if (!c->at || c->ok)
		return 0;
	if (dest_writable((uintptr_t)c->at, sizeof(size_t)))
		return -EFAULT;
	c->ok = 1;
	return 0;
}

/*
 * Whether the count can be proven in the read's own first system call, by
 * a byte of the source copied to it before anything else: one byte proves
 * a page, so not a count that spans two; and not one that lies in the
 * source, whose byte would change what is read when the source is the
 * caller's.
 */
static int
count_rides(const struct count *c, uintptr_t src, size_t n)
{
	uintptr_t a = (uintptr_t)c->at;

	return a && !c->ok && one_page(a, sizeof(size_t), page_size()) &&
	       apart(a, sizeof(size_t), src, n);
}

/* A count that cannot ride: checked now, after the process's errors. */
static int
count_first(const struct tlh_target *t, struct count *c)
{
	int ret;

	if (!count_check(c))
		return 0;
	ret = tlh_os_reach(t->pid);
	return ret ? ret : -EFAULT;
}

/*
 * A complete copy in the private buffer, @from, delivered into @dst once
 * every page of it is found to take the write: 0, or -EFAULT and @dst
 * untouched.
 */
static int
deliver(void *dst, const void *from, size_t n)
{
	int ret = dest_writable((uintptr_t)dst, n);

	if (!ret)
		memcpy(dst, from, n);
	return ret;
}

/*
 * A read that failed or came back short, found out slowly and in Windows'
 * order: the process, the count, the source (pass one alone, into our own
 * buffer), then the destination.  If the source reads whole now (it
 * changed during the first attempt), that copy is delivered: a complete
 * read.
 */
static int
read_slowly(const struct tlh_target *t, uintptr_t src, void *dst, size_t n,
	    struct count *c)
{
	struct iovec local[2] = { { NULL, 0 }, { bounce, n } };
	struct iovec remote[2] = { { NULL, 0 }, { (void *)src, n } };
	ssize_t got;
	int ret = 0;

	got = token_pvr(t, local, 1, remote, 1);
	if (got == -2)
		return -ESRCH;
	if (got < 0)
		ret = classify(t->pid, errno);
	if (ret && ret != -EIO)
		return ret;
	if (count_check(c))
		return -EFAULT;
	if (ret || (size_t)got < n)
		return -EIO;
	return deliver(dst, bounce, n);
}

/*
 * Small reads.  A count that rides takes the first byte of the data, in
 * the same system call, where it proves itself writable; the byte is put
 * in its place afterwards.  So that byte must not be overwritten before
 * it is taken back: a count inside the destination is checked first.
 */
static int
read_small(const struct tlh_target *t, uintptr_t src, void *dst, size_t n,
	   struct count *c)
{
	struct iovec local[4], remote[3];
	uintptr_t d = (uintptr_t)dst;
	size_t pg = page_size(), nl = 1, nr = 1, k = 0, want = n;
	unsigned char *first;
	ssize_t got;
	int ret, two;

	if (count_rides(c, src, n) &&
	    apart((uintptr_t)c->at, sizeof(size_t), d, n)) {
		local[nl].iov_base = c->at;
		local[nl++].iov_len = 1;
		k = 1;
	} else if ((ret = count_first(t, c))) {
		return ret;
	}

	/*
	 * One source page, apart from the destination: the kernel pins the
	 * source page once and copies it whole or not at all, so one pass
	 * straight into the buffer is all or nothing by itself, once a
	 * destination of several pages is known to take the write (one
	 * MADV_POPULATE_WRITE; a scanner's malloc'd buffer).
	 */
	if (one_page(src, n, pg) && apart(src, n, d, n) &&
	    (one_page(d, n, pg) || !dest_writable(d, n))) {
		/* One byte alone would leave nothing to prove its page: the
		 * count then takes a byte of its own. */
		if (k && n == 1) {
			remote[nr].iov_base = (void *)src;
			remote[nr++].iov_len = 1;
			want = 2;
			k = 0;
		}
		first = dst;
		local[nl].iov_base = first + k;
		local[nl++].iov_len = n - k;
		remote[nr].iov_base = (void *)src;
		remote[nr++].iov_len = n;
		got = token_pvr(t, local, nl - 1, remote, nr - 1);
		if (got > 0 && (k || want > n))
			c->ok = c->touched = 1;
		if (got == (ssize_t)want) {
			if (k)
				*first = *(unsigned char *)c->at;
			return 0;
		}
		if (got == -2)
			return -ESRCH;
		if (got < 0 && errno != EFAULT)
			return classify(t->pid, errno);
		return read_slowly(t, src, dst, n, c);
	}

	first = bounce - k;
	local[nl].iov_base = bounce;
	local[nl++].iov_len = n - k;
	remote[nr].iov_base = (void *)src;
	remote[nr++].iov_len = n;

	/*
	 * Pass two, in the same call, into a destination within one page: it
	 * can only fault there before any byte is stored.  A destination of
	 * several pages has none (it would pin every source page again): pass
	 * one's copy is delivered once one MADV_POPULATE_WRITE has found
	 * every page of it writable.
	 */
	two = one_page(d, n, pg);
	if (two) {
		local[nl].iov_base = dst;
		local[nl++].iov_len = n;
		remote[nr].iov_base = (void *)src;
		remote[nr++].iov_len = n;
	}

	got = token_pvr(t, local, nl - 1, remote, nr - 1);
	if (got > 0 && k)
		c->ok = c->touched = 1;
	if (got >= (ssize_t)n && k)
		*first = *(unsigned char *)c->at;
	if (two && got == (ssize_t)(2 * n)) {
		/*
		 * Pass two read each source page again: a page the target
		 * replaced meanwhile would arrive as two generations, and a
		 * source that overlaps the destination in the caller's own
		 * memory is changed by pass two itself.  Pass one took each
		 * source page whole: where the two differ, its copy is the
		 * answer.
		 */
		if (memcmp(dst, first, n))
			memcpy(dst, first, n);
		return 0;
	}
	if (got == -2)
		return -ESRCH;
	if (got < 0 && (errno != EFAULT || !k))
		return classify(t->pid, errno);
	if (got <= 0)
		return read_slowly(t, src, dst, n, c);	/* count, or source */
	if ((size_t)got < n)
		return -EIO;
	/* Pass one read it all: there was no pass two, or it stopped at our
	 * buffer or because the target changed between the passes.  Pass
	 * one's copy is the answer. */
	return deliver(dst, first, n);
}

/*
 * One-byte reads of each listed address, PROBES_MAX per system call.  The
 * first call also takes the token of the address space the maps were
 * read from (-ESTALE if it is not the pid's now), and proves the count
 * with the first probe's byte.
 */
struct probes {
	pid_t pid;
	uintptr_t end;		/* end of the range being checked */
	struct iovec at[1 + PROBES_MAX];	/* at[0]: the token's */
	size_t n;		/* probes in at[1..n] */
	struct tlh_maps_token tok;	/* tok.addr 0: none to take */
	struct count *c;	/* a count to prove, or NULL */
};

static void
probes_init(struct probes *pr, pid_t pid, uintptr_t src, size_t n,
	    struct count *c)
{
	pr->pid = pid;
	pr->end = src + n;
	pr->n = 1;		/* the first byte */
	pr->at[1].iov_base = (void *)src;
	pr->at[1].iov_len = 1;
	pr->tok.addr = 0;
	pr->c = count_rides(c, src, n) ? c : NULL;
}

static int
probes_flush(struct probes *pr)
{
	unsigned char seen[sizeof(pr->tok.bytes)];
	struct iovec local[3], *remote = pr->at + 1;
	size_t nl = 0, nr = pr->n, lead = 0, k = 0;
	ssize_t got;
	int ret;

	if (!pr->n && !pr->tok.addr)
		return 0;
	if (pr->tok.addr) {
		local[nl].iov_base = seen;
		local[nl++].iov_len = sizeof(seen);
		pr->at[0].iov_base = (void *)pr->tok.addr;
		pr->at[0].iov_len = sizeof(seen);
		remote = pr->at;
		nr++;
		lead = sizeof(seen);
	}
	if (pr->c && pr->n) {
		local[nl].iov_base = pr->c->at;
		local[nl++].iov_len = 1;
		k = 1;
	}
	if (pr->n > k) {
		local[nl].iov_base = sink;
		local[nl++].iov_len = pr->n - k;
	}
	got = process_vm_readv(pr->pid, local, nl, remote, nr, 0);
	if (got < 0 && errno != EFAULT)
		return classify(pr->pid, errno);
	if (got < 0)
		got = 0;
	if (lead && ((size_t)got < lead || memcmp(seen, pr->tok.bytes, lead)))
		return -ESTALE;
	pr->tok.addr = 0;
	if (k && (size_t)got > lead)
		pr->c->ok = pr->c->touched = 1;
	ret = (size_t)got == lead + pr->n ? 0 : -EIO;
	if (ret && k && (size_t)got == lead && count_check(pr->c))
		ret = -EFAULT;	/* the count's byte, not the source's */
	if (k)
		pr->c = NULL;
	pr->n = 0;
	return ret;
}

/* Without the maps: a one-byte probe of every page of the range. */
static int
probe_pages(struct probes *pr, uintptr_t src, size_t n)
{
	size_t pg = page_size();
	uintptr_t p;
	int ret;

	pr->n = 0;
	for (p = src; p < src + n; p = (p & ~(pg - 1)) + pg) {
		pr->at[1 + pr->n].iov_base = (void *)p;
		pr->at[1 + pr->n++].iov_len = 1;
		if (pr->n == PROBES_MAX) {
			ret = probes_flush(pr);
			if (ret)
				return ret;
		}
	}
	return probes_flush(pr);
}

/* For each mapping over the source: readable, and its last page copyable. */
static int
check_source_vma(const struct tlh_vma *vma, void *arg)
{
	struct probes *pr = arg;
	uintptr_t last = (vma->end < pr->end ? vma->end : pr->end) - 1;

	pr->at[1 + pr->n].iov_base = (void *)last;
	pr->at[1 + pr->n++].iov_len = 1;
	return pr->n == PROBES_MAX ? probes_flush(pr) : 0;
}

/* For each mapping over the destination: writable, and if a file's, its
 * last page really takes a write (not past the file's end). */
static int
check_dest_vma(const struct tlh_vma *vma, void *arg)
{
	uintptr_t end = *(uintptr_t *)arg;
	uintptr_t last = (vma->end < end ? vma->end : end) - 1;

	if ((vma->flags & TLH_VMA_FILE) && !page_writable(last))
		return -EFAULT;
	return 0;
}

/*
 * Guard regions look like ordinary memory in the maps.  0 when the range
 * has none; -EIO when it has; 1 when that cannot be known here, and every
 * page must be probed instead.
 */
static int
guards(pid_t pid, uintptr_t start, size_t n, unsigned int flags)
{
	int g = tlh_maps_guarded_flags(pid, start, start + n, flags);

	if (g == 0 || g == -ENOTTY)	/* none, or a kernel without them */
		return 0;
	return g > 0 ? -EIO : 1;
}

/* The maps could not be had: no /proc, hidden, no descriptor free, or
 * kept descriptors taken away twice. */
static int
no_maps(int ret)
{
	return ret == -ESRCH || ret == -EPERM || ret == -ENOSYS ||
	       ret == -EMFILE || ret == -ENFILE || ret == -EBADF;
}

/*
 * The source's checks, the count's with them.  The target's maps come
 * from a kept descriptor, and the probes' system call takes the token of
 * the address space that descriptor answers for (@tok, for the copy to
 * take again): -ESTALE when the pid has another now (the caller forgets
 * the descriptor and checks again).
 */
static int
check_source(pid_t pid, uintptr_t src, size_t n, struct count *c,
	     struct tlh_maps_token *tok)
{
	struct probes pr;
	int ret, flushed;

	/* The first byte is probed with the last page of each mapping: the
	 * probe's system call also says whether the process can be read. */
	probes_init(&pr, pid, src, n, c);
	ret = tlh_maps_check_token(pid, src, src + n,
				   TLH_VMA_READ | TLH_MAPS_UNCHECKED,
				   check_source_vma, &pr, &pr.tok);
	*tok = pr.tok;
	if (!ret)
		ret = guards(pid, src, n, TLH_MAPS_UNCHECKED);
	if (ret == -ENXIO || ret == -EACCES)
		ret = -EIO;
	if (!ret || ret == -EIO || ret == 1) {
		/*
		 * What the maps said, a refusal too, holds only if they were
		 * the pid's own: the probes' call reads the token.  It also
		 * says first whether the process can be read at all: its
		 * errors come before the range's.
		 */
		flushed = probes_flush(&pr);
		if (flushed == -ESTALE || (flushed && flushed != -EIO) ||
		    !ret)
			ret = flushed;
	} else if (no_maps(ret)) {
		ret = 1;
	}
	if (ret == 1)
		ret = probe_pages(&pr, src, n);
	if (ret == -ENXIO || ret == -EACCES)
		ret = -EIO;
	/* Then the count's, then the range's. */
	if (ret == -EIO && count_check(c))
		return -EFAULT;
	return ret;
}

/*
 * The destination, in the caller @self: every byte of it takes a write.
 * Up to POPULATE_MAX bytes, one MADV_POPULATE_WRITE over its pages asks
 * exactly that, each page, for less than the maps and guards would cost
 * (and the copy takes the faults it takes anyway); larger ones are checked
 * against the caller's own maps.
 */
static int
check_dest(pid_t self, uintptr_t d, size_t n)
{
	uintptr_t dend = d + n;
	int ret;

	if (n <= POPULATE_MAX && populate_works())
		return dest_writable(d, n);
	ret = tlh_maps_check(self, d, dend, TLH_VMA_WRITE, check_dest_vma,
			     &dend);
	if (!ret)
		ret = guards(self, d, n, 0);
	else if (no_maps(ret))
		ret = 1;
	if (ret == 1)
		ret = dest_writable(d, n);
	if (ret == -ENXIO || ret == -EACCES || ret == -EIO)
		ret = -EFAULT;
	return ret;
}

/*
 * Whether @pid shares the caller's address space: the caller itself, one
 * of its threads, a child made with CLONE_VM.
 */
static int
shares_memory(pid_t self, pid_t pid)
{
	if (pid == self)
		return 1;
#ifdef SYS_kcmp
	return syscall(SYS_kcmp, self, pid, 1 /* KCMP_VM */, 0, 0) == 0;
#else
	return 0;
#endif
}

/* Read @len bytes at @src of the target into the private buffer. */
typedef int (*piece_fn)(const void *ctx, uintptr_t src, size_t len);

static int
piece_pvr(const void *ctx, uintptr_t src, size_t len)
{
	const struct tlh_target *t = ctx;
	struct iovec local[2] = { { NULL, 0 }, { bounce, len } };
	struct iovec remote[2] = { { NULL, 0 }, { (void *)src, len } };
	ssize_t got;

	got = token_pvr(t, local, 1, remote, 1);
	if (got == -2)
		return -ESRCH;
	if (got < 0)
		return classify(t->pid, errno);
	return (size_t)got < len ? -EIO : 0;
}

/*
 * The kernel copies a read of /proc/<pid>/mem a page-sized piece at a
 * time from where it starts, each piece one pin of the pages under it: a
 * read that starts part way into a page stops at the page's end first,
 * so that every later piece is one whole source page, taken at once.
 */
static int
piece_mem(const void *ctx, uintptr_t src, size_t len)
{
	int fd = *(const int *)ctx;
	size_t pg = page_size(), done = 0, want;
	ssize_t got;

	while (done < len) {
		want = len - done;
		if ((src + done) & (pg - 1) &&
		    want > pg - ((src + done) & (pg - 1)))
			want = pg - ((src + done) & (pg - 1));
		got = pread(fd, bounce + done, want, (off_t)(src + done));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -EIO;
		done += (size_t)got;
	}
	return 0;
}

/*
 * The copy of a read whose source and destination overlap in one address
 * space, as memmove() makes it: through the private buffer, a piece at a
 * time, from the end when the destination lies above the source.
 */
static int
copy_overlapping(piece_fn piece, const void *ctx, uintptr_t src,
		 unsigned char *dst, size_t n)
{
	int down = (uintptr_t)dst > src, ret;
	size_t done, len, at;

	for (done = 0; done < n; done += len) {
		len = n - done < SMALL_MAX ? n - done : SMALL_MAX;
		at = down ? n - done - len : done;
		ret = piece(ctx, src + at, len);
		if (ret)
			return ret;
		memcpy(dst + at, bounce, len);
	}
	return 0;
}

/*
 * What pins a read of another process by pid to the process it began
 * with, from before the destination is touched (its faults may take any
 * time) to after the copy: the pidfd the descriptor cache keeps of it (an
 * fstat() and a poll() now, and again after the copy: fdcache.c), else a
 * pidfd of the read's own.  A target with a pidfd or start time of its
 * own is pinned by that; the caller itself needs nothing.
 */
struct pin {
	int kept;	/* pinned by the cache's pidfd, named by @id */
	ino_t id;
	int fd;		/* else the read's own pidfd, or -1 */
};

/* 0, or -ESRCH when the process is gone already. */
static int
pin_take(const struct tlh_target *t, pid_t self, struct pin *p)
{
	p->kept = 0;
	p->fd = -1;
	if (t->pid == self || t->pidfd >= 0 || t->start)
		return 0;
	if (!tlh_fdcache_pin(t->pid, &p->id)) {
		p->kept = 1;
		return 0;
	}
	/* one of its own; none where there can be none (no pidfds before
	 * Linux 5.3, no descriptor free, a thread's before 6.9) */
	p->fd = tlh_pidfd_open(t->pid, 0);
	return p->fd < 0 && errno == ESRCH ? -ESRCH : 0;
}

/* The pin let go of, with no verdict. */
static void
pin_drop(struct pin *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	p->kept = 0;
}

/*
 * After the copy: a copy that succeeded, or found another token or no
 * process, fails with -ESRCH when the process it began with is gone, or
 * -EIO for a read by pid (its pid may name another process by now).
 * Lets the pin go.
 */
static int
pin_end(const struct tlh_target *t, pid_t self, struct pin *p, int ret)
{
	int gone = 0;

	if (t->pid != self && (!ret || ret == -ESRCH || ret == -EPERM)) {
		if (p->kept)
			gone = tlh_fdcache_pin_check(t->pid, p->id) != 0;
		else if (p->fd >= 0)
			gone = tlh_pidfd_exited(p->fd) != 0;
		else if (t->pidfd >= 0 || t->start)
			gone = tlh_os_target_alive(t) != 0;
	}
	if (gone)
		ret = -ESRCH;
	if (ret == -ESRCH && !t->start)
		ret = -EIO;	/* by pid: changed during the read */
	pin_drop(p);
	return ret;
}

/*
 * The copy of a checked read, straight into the buffer, a chunk of at
 * most CHUNK_MAX bytes at a time, each call taking @t's token first.
 */
static int
copy_checked(const struct tlh_target *t, uintptr_t src, void *dst, size_t n)
{
	struct iovec local[2], remote[2];
	size_t done, len;
	ssize_t got;
	int ret;

	for (done = 0; done < n; done += (size_t)got) {
		len = n - done < CHUNK_MAX ? n - done : CHUNK_MAX;
		local[1].iov_base = (char *)dst + done;
		local[1].iov_len = len;
		remote[1].iov_base = (void *)(src + done);
		remote[1].iov_len = len;
		got = token_pvr(t, local, 1, remote, 1);
		if (got == -2)
			return -ESRCH;
		if (got < 0) {
			ret = classify(t->pid, errno);
			if (ret == -EIO &&
			    !page_writable((uintptr_t)dst + done))
				ret = -EFAULT;
			return ret;
		}
		if (got == 0)
			return -EIO;
	}
	return 0;
}

/*
 * Large reads check first and copy once, top to bottom: the process is
 * pinned (struct pin; read_large() takes the pin, read_pinned() is given
 * it), the source checked against the maps (check_source()), the count,
 * then the destination (check_dest()), and one copy made straight into
 * the buffer.  The pid is looked up by every step, so the copy takes again
 * the token the source's check took, and a process that exits before the
 * copy has ended, its pid perhaps another's by then, fails the read.
 */
static int
read_pinned(const struct tlh_target *t, uintptr_t src, void *dst, size_t n,
	    struct count *c, struct pin *pin)
{
	struct tlh_maps_token tok;
	struct tlh_target tt = *t;
	pid_t pid = t->pid, self = tlh_fdcache_self();
	int ret, attempt;

	for (attempt = 0;; attempt++) {
		ret = check_source(pid, src, n, c, &tok);
		if (ret != -ESTALE)
			break;
		tlh_fdcache_forget(pid);
		if (attempt) {
			ret = -EIO;	/* its address space keeps changing */
			break;
		}
	}
	if (!ret)
		ret = count_check(c);
	if (!ret)
		ret = check_dest(self, (uintptr_t)dst, n);
	if (ret) {
		pin_drop(pin);
		return ret;
	}
	if (pid != self && !tt.token_addr && tok.addr) {
		tt.token_addr = tok.addr;
		memcpy(tt.token, tok.bytes, sizeof(tt.token));
	}
	if (!apart(src, n, (uintptr_t)dst, n) && shares_memory(self, pid))
		ret = copy_overlapping(piece_pvr, &tt, src, dst, n);
	else
		ret = copy_checked(&tt, src, dst, n);
	/* Then it was one process from the check to the end. */
	return pin_end(t, self, pin, ret);
}

static int
read_large(const struct tlh_target *t, uintptr_t src, void *dst, size_t n,
	   struct count *c)
{
	struct pin pin;

	if (pin_take(t, tlh_fdcache_self(), &pin))
		return -ESRCH;	/* by pid, and no process has it */
	return read_pinned(t, src, dst, n, c, &pin);
}

/*
 * Reads up to PROBED_MAX bytes, in two system calls: one
 * MADV_POPULATE_WRITE over the destination, then one process_vm_readv()
 * that takes the token, a byte of every source page (the first into the
 * count, where it rides), and then the data, straight into the buffer.
 * The kernel copies in order and stops at the first fault, so a source
 * page that cannot be read stops it before the buffer is reached: the
 * same check as the maps', made by the kernel's own page walk, and it
 * sees guard regions too.  A read by pid is pinned, as read_large()'s
 * is.  Past PROBED_MAX, the per-page probes cost more than the maps
 * query.  Whatever fails once the pin is taken is found out again by
 * read_pinned(), in Windows' order, under the same pin: the read never
 * pins a second process.
 */
static int
read_probed(const struct tlh_target *t, uintptr_t src, void *dst, size_t n,
	    struct count *c)
{
	struct iovec local[4], remote[2 + PROBES_MAX];
	size_t pg = page_size(), np = 0, nl = 1, k = 0;
	pid_t self = tlh_fdcache_self();
	struct pin pin;
	uintptr_t p;
	ssize_t got;
	int ret;

	/* A count that cannot ride, a process not found readable, and
	 * anything else out of the way is read_large()'s to sort out. */
	if (pg * (PROBES_MAX - 1) < PROBED_MAX || !populate_works() ||
	    !__atomic_load_n(&pvr_works, __ATOMIC_RELAXED) ||
	    (c->at && !c->ok && !count_rides(c, src, n)) ||
	    (!apart(src, n, (uintptr_t)dst, n) && shares_memory(self, t->pid)))
		return read_large(t, src, dst, n, c);
	if (pin_take(t, self, &pin))
		return -ESRCH;	/* by pid, and no process has it */
	if (dest_writable((uintptr_t)dst, n))
		return read_pinned(t, src, dst, n, c, &pin);

	for (p = src; p < src + n; p = (p & ~(pg - 1)) + pg) {
		remote[1 + np].iov_base = (void *)p;
		remote[1 + np++].iov_len = 1;
	}
	remote[1 + np].iov_base = (void *)src;
	remote[1 + np].iov_len = n;
	if (count_rides(c, src, n)) {
		local[nl].iov_base = c->at;
		local[nl++].iov_len = 1;
		k = 1;
	}
	if (np > k) {
		local[nl].iov_base = sink;
		local[nl++].iov_len = np - k;
	}
	local[nl].iov_base = dst;
	local[nl++].iov_len = n;

	got = token_pvr(t, local, nl - 1, remote, np + 1);
	if (got > 0 && k)
		c->ok = c->touched = 1;
	if (got == (ssize_t)(np + n))
		ret = 0;
	else if (got == -2)
		ret = -ESRCH;
	else if (got <= (ssize_t)np)	/* nothing reached dst */
		return read_pinned(t, src, dst, n, c, &pin);
	else	/* the probes passed and the copy stopped: the target changed
		 * its mappings during the call, or the caller its own */
		ret = page_writable((uintptr_t)dst + (size_t)got - np) ?
		      -EIO : -EFAULT;
	return pin_end(t, self, &pin, ret);
}

static int
no_check(const struct tlh_vma *vma, void *arg)
{
	(void)vma;
	(void)arg;
	return 0;
}

/* One byte at @addr through a /proc/<pid>/mem descriptor: 0 or -EIO. */
static int
mem_probe(int fd, uintptr_t addr)
{
	unsigned char b;
	ssize_t got;

	do
		got = pread(fd, &b, 1, (off_t)addr);
	while (got < 0 && errno == EINTR);
	return got == 1 ? 0 : -EIO;
}

/* The source of a large read through /proc/<pid>/mem. */
struct mem_src {
	int fd;
	uintptr_t end;
};

/*
 * For each mapping over the source: its last page copyable, probed as
 * check_source_vma() probes it, but through the descriptor.
 */
static int
check_source_vma_mem(const struct tlh_vma *vma, void *arg)
{
	const struct mem_src *ms = arg;

	return mem_probe(ms->fd, (vma->end < ms->end ? vma->end : ms->end) - 1);
}

/* Where guard regions cannot be asked for: every page of the range. */
static int
probe_pages_mem(int fd, uintptr_t src, size_t n)
{
	size_t pg = page_size();
	uintptr_t p;
	int ret = 0;

	for (p = src; !ret && p < src + n; p = (p & ~(pg - 1)) + pg)
		ret = mem_probe(fd, p);
	return ret;
}

/*
 * The read through /proc/<pid>/mem, for when process_vm_readv() cannot be
 * used; it keeps the promise of the main path with the same checks.  The
 * file would read PROT_NONE memory (it forces access), so the maps decide
 * what is readable.  What the maps cannot show, the file refuses to copy
 * as process_vm_readv() does: guard regions, [vvar], a file mapping's
 * pages past the file's end.  A small read goes through the private
 * buffer, so such a page stops it before the caller's buffer is reached.
 * A large read, copied straight into the caller's buffer, first makes the
 * checks read_large() makes: the last page of each mapping over the
 * source probed (through the file), guard regions asked for (or, where
 * that cannot be known, every page probed), and the destination checked.
 */
static int
read_mem(int fd, pid_t pid, uintptr_t src, void *dst, size_t n)
{
	struct mem_src ms = { fd, src + n };
	uintptr_t d = (uintptr_t)dst;
	size_t done = 0;
	ssize_t got;
	pid_t self;
	int ret;

	if (n <= SMALL_MAX) {
		ret = tlh_maps_check(pid, src, src + n, TLH_VMA_READ, no_check,
				     NULL);
	} else {
		ret = tlh_maps_check(pid, src, src + n, TLH_VMA_READ,
				     check_source_vma_mem, &ms);
		if (!ret)
			ret = guards(pid, src, n, 0);
		if (ret == 1)
			ret = probe_pages_mem(fd, src, n);
	}
	if (ret == -ENXIO || ret == -EACCES)
		ret = -EIO;
	if (ret)	/* without the maps, PROT_NONE cannot be told apart */
		return ret == -ESRCH ? -ESRCH : ret == -EIO ? -EIO : -ENOSYS;

	if (n <= SMALL_MAX) {
		ret = piece_mem(&fd, src, n);
		return ret ? ret : deliver(dst, bounce, n);
	}

	self = tlh_fdcache_self();
	ret = check_dest(self, d, n);
	if (ret)
		return ret;
	if (!apart(src, n, d, n) && shares_memory(self, pid))
		return copy_overlapping(piece_mem, &fd, src, dst, n);
	while (done < n) {
		got = pread(fd, (char *)dst + done, n - done,
			    (off_t)(src + done));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -EIO;	/* changed under us: partial data */
		done += (size_t)got;
	}
	return 0;
}

int
tlh_os_read(pid_t pid, uintptr_t src, void *dst, size_t n)
{
	struct tlh_target t = TLH_TARGET_PID(pid);

	return tlh_os_read_target(&t, src, dst, n);
}

/* The read; without a pidfd or start time, @t is only a pid. */
static int
read_target(const struct tlh_target *t, uintptr_t src, void *dst, size_t n,
	    struct count *c)
{
	pid_t pid = t->pid;
	int ret = -ENOSYS, alt, fd;

	if (!__atomic_load_n(&no_pvr, __ATOMIC_RELAXED)) {
		ret = n <= SMALL_MAX ? read_small(t, src, dst, n, c) :
		      n <= PROBED_MAX ? read_probed(t, src, dst, n, c) :
					read_large(t, src, dst, n, c);
		if (ret == -ENOSYS)
			__atomic_store_n(&no_pvr, 1, __ATOMIC_RELAXED);
		if (ret != -ENOSYS && ret != -EPERM)
			return ret;
	}
	/* No process_vm_readv, or a refusal that mem may not share. */
	fd = t->start ? tlh_os_target_mem(t, O_RDONLY) : mem_open(pid);
	if (fd < 0)
		return ret == -EPERM && fd != -ESRCH ? ret : fd;
	alt = count_check(c) ? -EFAULT : read_mem(fd, pid, src, dst, n);
	close(fd);
	return alt;
}

/*
 * The read, with the checks a target's process must pass before and
 * after it.  A process that has exited is refused before anything is
 * read: its pid may already name another.  The token, read with the
 * data, catches a pid that changed hands after this check, unless the new
 * process is a fork of the old one's, without exec, and so holds the same
 * token (see libtlhelp32(7)).  Without a pidfd the check reads the start
 * time in /proc/<pid>/stat: slower, as exact.
 */
static int
read_checked(const struct tlh_target *t, uintptr_t src, void *dst, size_t n,
	     struct count *c)
{
	int ret;

	if ((t->pidfd >= 0 || t->start) && tlh_os_target_alive(t))
		return -ESRCH;
	ret = read_target(t, src, dst, n, c);

	/* A process the handle names that is gone (not one that only hides
	 * its memory) makes any failure -ESRCH. */
	if (ret && ret != -EFAULT && t->start && tlh_os_target_check(t))
		ret = -ESRCH;
	return ret;
}

int
tlh_os_read_target(const struct tlh_target *t, uintptr_t src, void *dst,
		   size_t n)
{
	struct count c = { NULL, 0, 0 };

	return read_checked(t, src, dst, n, &c);
}

int
tlh_os_read_count(const struct tlh_target *t, uintptr_t src, void *dst,
		  size_t n, size_t *count)
{
	struct count c = { count, 0, 0 };
	int ret;

	ret = read_checked(t, src, dst, n, &c);
	/* A count a probe wrote into is no longer untouched: the process,
	 * readable then, went away during the read. */
	if ((ret == -ESRCH || ret == -EPERM) && c.touched)
		ret = -EIO;
	/* After all but the process's errors and -EFAULT, the count is
	 * known to take a write. */
	if (ret && ret != -ESRCH && ret != -EPERM && ret != -EFAULT &&
	    count_check(&c))
		ret = -EFAULT;
	return ret;
}
