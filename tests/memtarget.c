/*
 * memtarget.c - the process test-th32-mem.sh searches, maps and writes:
 * a 16-byte pattern planted where a scanner most easily misses it or
 * must not look, values of known types, and memory that may and may not
 * be written.
 *
 *   memtarget SEED TMPFILE
 *
 * The pattern is A B A, A six bytes and B four, made from SEED with the
 * high bit set (so that no text of the process holds it), and only ever
 * written straight into place.  One line per place on stdout:
 *
 *   pattern HEX                  the 16 bytes, for find --hex
 *   page ADDR                    across a page boundary           found
 *   mib ADDR                     across a 1 MiB boundary of its   found
 *                                region (the scan's chunk size)
 *   overlap ADDR ADDR            twice, the two overlapping       found
 *   shared ADDR                  in a MAP_SHARED file mapping     found
 *   eof ADDR                     across the 1 MiB boundary of a   found
 *                                2 MiB mapping of a file that ends
 *                                a page later (the chunk after the
 *                                boundary cannot be read whole)
 *   none ADDR                    in a PROT_NONE page              not found
 *   guard ADDR SEEN | guard -    in a guard page (MADV_GUARD_INSTALL),
 *                                "-" where the kernel has none;   not found
 *                                SEEN "seen" where PAGEMAP_SCAN
 *                                answers (the library reports the
 *                                guard), "unseen" where not
 *   vanish ADDR | vanish -       in a region that is unmapped while a
 *                                scan reads it (userfaultfd; "-" where
 *                                it cannot be had)                not found
 *   values ADDR                  u32 0xdeadbeef, i32 -5, f64 3.25, u16
 *                                0xbeef, f32 -1.5, u64 0x0123456789abcdef,
 *                                u8 0xab at 0, 4, 8, 16, 20, 24, 32
 *   ro ADDR                      a page of 0x11, then a read-only page
 *   unmapped ADDR                a page of 0x22, then nothing mapped
 *   ready
 *
 * The process then waits for SIGTERM.  Linux only.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
/* Not with every C library's headers (musl-gcc has no kernel headers):
 * without it no region vanishes, and the test says so. */
#if defined(__has_include)
#if __has_include(<linux/userfaultfd.h>)
#include <linux/userfaultfd.h>
#define HAVE_UFFD 1
#endif
#endif
#if !defined(HAVE_UFFD) || !defined(__NR_userfaultfd)
#undef HAVE_UFFD
#endif

#include "linux/procmap_query.h"	/* PAGEMAP_SCAN */

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

#define MIB ((size_t)1 << 20)

static uint32_t seed;
static size_t pg;

/* Byte @i of A (0 to 5) or of B (6 to 9): never ASCII. */
static unsigned char
part(unsigned int i)
{
	uint32_t x = seed * 2654435761u + i * 40503u;

	x ^= x >> 13;
	return (unsigned char)(0x80 | (x & 0x7f));
}

/* The pattern's byte @i (0 to 15): A B A, period 10. */
static unsigned char
pat(unsigned int i)
{
	return part(i % 10);
}

/* Write the pattern at @p, byte by byte, from its byte @from on. */
static void
plant(unsigned char *p)
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		((volatile unsigned char *)p)[i] = pat(i);
}

static void *
map(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

/* Does PAGEMAP_SCAN answer here (not refused with ENOTTY or ENOSYS)? */
static int
pagemap_scan_answers(void)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return 0;
	err = ioctl(fd, PAGEMAP_SCAN, NULL) ? errno : 0;	/* EFAULT */
	close(fd);
	return err == EFAULT || err == EINVAL;
}

#ifdef HAVE_UFFD
struct vanish {
	int uffd;
	unsigned char *base;
	size_t len;
};

/* The first fault in the region (a scanner reading its second page):
 * unmap the region, then let the reader go on, to find nothing there. */
static void *
vanisher(void *arg)
{
	struct vanish *v = arg;
	struct uffd_msg msg;
	struct uffdio_range r;
	struct pollfd pfd = { v->uffd, POLLIN, 0 };

	for (;;) {
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return NULL;
		if (read(v->uffd, &msg, sizeof(msg)) != sizeof(msg))
			continue;
		if (msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		munmap(v->base, v->len);
		r.start = (uintptr_t)v->base;
		r.len = v->len;
		ioctl(v->uffd, UFFDIO_WAKE, &r);
		return NULL;
	}
}

/* A region of two pages, the pattern in the first (touched), the second
 * missing and watched: 0, or -1 if userfaultfd cannot be had. */
static int
make_vanish(struct vanish *v)
{
	struct uffdio_api api;
	struct uffdio_register reg;
	pthread_t t;

	memset(&api, 0, sizeof(api));
	api.api = UFFD_API;
	v->len = 2 * pg;
	v->uffd = (int)syscall(__NR_userfaultfd, O_CLOEXEC);
	if (v->uffd < 0)
		return -1;
	if (ioctl(v->uffd, UFFDIO_API, &api) < 0)
		return -1;
	v->base = map(v->len, PROT_READ | PROT_WRITE);
	plant(v->base + 64);
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)v->base;
	reg.range.len = v->len;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(v->uffd, UFFDIO_REGISTER, &reg) < 0) {
		munmap(v->base, v->len);
		return -1;
	}
	if (pthread_create(&t, NULL, vanisher, v))
		return -1;
	return 0;
}
#endif

int
main(int argc, char **argv)
{
	unsigned char *page, *mib, *ov, *sh, *eof, *none, *guard, *vals, *ro;
	unsigned char *un;
	char eof_path[4096];
	double f64 = 3.25;
	float f32 = -1.5f;
	uint32_t u32 = 0xdeadbeefu;
	int32_t i32 = -5;
	uint16_t u16 = 0xbeef;
	uint64_t u64 = 0x0123456789abcdefull;
	unsigned int i;
	int fd, have_guard;
#ifdef HAVE_UFFD
	static struct vanish v;
	int have_vanish = 0;
#endif

	if (argc != 3) {
		fprintf(stderr, "usage: memtarget SEED TMPFILE\n");
		return 2;
	}
	seed = (uint32_t)strtoul(argv[1], NULL, 10);
	pg = (size_t)sysconf(_SC_PAGESIZE);
#if defined(PR_SET_PTRACER) && defined(PR_SET_PTRACER_ANY)
	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
#endif

	/* Mappings go downward: the page first, so that it lies above the
	 * vanishing region and a scan must go on past that to find it. */
	page = map(2 * pg, PROT_READ | PROT_WRITE);
	plant(page + pg - 7);
#ifdef HAVE_UFFD
	have_vanish = make_vanish(&v) == 0;
#endif
	/* A region of 3 MiB with PROT_NONE on both sides, so that it is a
	 * region of its own and a scan's chunks start at its base. */
	mib = map(3 * MIB + 2 * pg, PROT_NONE);
	mib += pg;
	if (mprotect(mib, 3 * MIB, PROT_READ | PROT_WRITE)) {
		perror("mprotect");
		return 1;
	}
	plant(mib + MIB - 5);

	ov = map(pg, PROT_READ | PROT_WRITE);
	plant(ov + 200);
	plant(ov + 210);	/* A B A B A: matches at 200 and 210 */

	fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)pg)) {
		perror(argv[2]);
		return 1;
	}
	sh = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (sh == MAP_FAILED) {
		perror("mmap shared");
		return 1;
	}
	plant(sh + 100);

	/* A file one page past 1 MiB, mapped 2 MiB long: the pages past its
	 * end are in the region but cannot be read. */
	snprintf(eof_path, sizeof(eof_path), "%s.eof", argv[2]);
	fd = open(eof_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)(MIB + pg))) {
		perror(eof_path);
		return 1;
	}
	eof = mmap(NULL, 2 * MIB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (eof == MAP_FAILED) {
		perror("mmap eof");
		return 1;
	}
	plant(eof + MIB - 5);

	none = map(pg, PROT_READ | PROT_WRITE);
	plant(none + 300);
	mprotect(none, pg, PROT_NONE);

	guard = map(3 * pg, PROT_READ | PROT_WRITE);
	plant(guard + pg + 400);
	have_guard = madvise(guard + pg, pg, MADV_GUARD_INSTALL) == 0;

	vals = map(pg, PROT_READ | PROT_WRITE);
	memcpy(vals, &u32, 4);
	memcpy(vals + 4, &i32, 4);
	memcpy(vals + 8, &f64, 8);
	memcpy(vals + 16, &u16, 2);
	memcpy(vals + 20, &f32, 4);
	memcpy(vals + 24, &u64, 8);
	vals[32] = 0xab;

	ro = map(2 * pg, PROT_READ | PROT_WRITE);
	memset(ro, 0x11, 2 * pg);
	mprotect(ro + pg, pg, PROT_READ);
	un = map(2 * pg, PROT_READ | PROT_WRITE);
	memset(un, 0x22, pg);
	munmap(un + pg, pg);

	printf("pattern ");
	for (i = 0; i < 16; i++)
		printf("%02x", pat(i));
	printf("\npage %p\nmib %p\noverlap %p %p\nshared %p\neof %p\n"
	       "none %p\n", (void *)(page + pg - 7), (void *)(mib + MIB - 5),
	       (void *)(ov + 200), (void *)(ov + 210), (void *)(sh + 100),
	       (void *)(eof + MIB - 5), (void *)(none + 300));
	if (have_guard)
		printf("guard %p %s\n", (void *)(guard + pg + 400),
		       pagemap_scan_answers() ? "seen" : "unseen");
	else
		printf("guard -\n");
#ifdef HAVE_UFFD
	if (have_vanish)
		printf("vanish %p\n", (void *)(v.base + 64));
	else
#endif
		printf("vanish -\n");
	printf("values %p\nro %p\nunmapped %p\nready\n", (void *)vals,
	       (void *)ro, (void *)un);
	fflush(stdout);
	for (;;)
		pause();
}
