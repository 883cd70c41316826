/*
 * vquery.c - one region of a process's address space at a time, for
 * VirtualQueryEx: the mapping at an address (tlh_maps_find(): a
 * PROCMAP_QUERY, or a reading of the maps text kept between calls), what
 * kind of memory it is, and where its guard pages lie.
 *
 * What the maps do not say outright:
 * - Images.  A private file mapping belongs to an image when the mapping
 *   of its file at offset 0 that its offset leads back to (its base, see
 *   maps.c) starts with "\177ELF" (an ELF object) or "MZ" (a PE image as
 *   Wine maps it).  Those bytes are read from the process, or, where its
 *   memory may not be read (or the base page no longer can be), from the
 *   file the mapping names if that is still the mapped file (the same
 *   device and inode).  The vDSO is an ELF image the kernel maps.
 * - [vvar] and [vvar_vclock]: the kernel's data pages, which the maps show
 *   readable and the process itself reads, but which neither
 *   process_vm_readv() nor /proc/<pid>/mem can copy (no struct page backs
 *   them): opaque.
 * - Guard regions (MADV_GUARD_INSTALL), which the maps show as ordinary
 *   memory: PAGEMAP_SCAN finds the first run of guard pages from the
 *   address up; a region ends where such a run starts, and a region of
 *   guard pages ends where its run does.
 *
 * Everything is asked by pid; the answer stands only if the process that
 * has the pid afterwards is still the target's (tlh_os_target_check()).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "maps.h"
#include "os.h"

/* Names are wanted for [vdso] and [vvar], and for paths as a fallback. */
#define NAME_SIZE	256

/*
 * PAGEMAP_SCAN cannot report guard pages here (before Linux 6.7 there is
 * no PAGEMAP_SCAN and no guard regions; 6.7 to 6.14 cannot report them):
 * stop asking.
 */
static int no_guard_scan;

static int
is_named(const struct tlh_vma *v, const char *name)
{
	size_t len = strlen(name);

	return v->name && v->name_len == len && !memcmp(v->name, name, len);
}

/* 1 if the @n bytes at @hdr start an executable image, else 0. */
static int
image_magic(const unsigned char *hdr, size_t n)
{
	return (n >= 4 && !memcmp(hdr, "\177ELF", 4)) ||
	       (n >= 2 && !memcmp(hdr, "MZ", 2));
}

/*
 * Whether the file @v maps starts an image, read from the file its name
 * gives if that is still the mapped file: 1 or 0.
 */
static int
image_file(const struct tlh_vma *v)
{
	unsigned char hdr[4];
	struct stat st;
	ssize_t got = -1;
	int fd;

	if (!v->name_len || v->name[0] != '/')
		return 0;
	fd = open(v->name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return 0;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_ino == v->inode &&
	    major(st.st_dev) == v->major && minor(st.st_dev) == v->minor) {
		do
			got = pread(fd, hdr, sizeof(hdr), 0);
		while (got < 0 && errno == EINTR);
	}
	close(fd);
	return got > 0 && image_magic(hdr, (size_t)got);
}

/* Whether @v, of the object based at @base, is an image's: 1, 0, -ESRCH. */
static int
is_image(const struct tlh_target *t, uintptr_t base, const struct tlh_vma *v)
{
	unsigned char hdr[4];
	int ret;

	ret = tlh_os_read_target(t, base, hdr, sizeof(hdr));
	if (!ret)
		return image_magic(hdr, sizeof(hdr));
	if (ret == -ESRCH)
		return ret;
	return image_file(v);
}

/* Cut @r where its first guard pages start, or to them if it starts so. */
static int
find_guards(const struct tlh_target *t, struct tlh_region *r)
{
	uintptr_t gstart, gend;
	int ret;

	if (__atomic_load_n(&no_guard_scan, __ATOMIC_RELAXED))
		return 0;
	ret = tlh_maps_guard_find(t->pid, r->start, r->end, &gstart, &gend);
	if (ret == -ENOTTY || ret == -EINVAL) {
		__atomic_store_n(&no_guard_scan, 1, __ATOMIC_RELAXED);
		return 0;
	}
	if (ret == -EPERM || ret == -ENOSYS)
		return 0;	/* cannot be known: the maps' answer stands */
	if (ret <= 0)
		return ret;
	if (gstart <= r->start) {
		r->end = gend;
		r->flags |= TLH_REGION_GUARD;
	} else {
		r->end = gstart;
	}
	return 0;
}

/* The region from r->start in mapping @q->vma. */
static int
describe(const struct tlh_target *t, const struct tlh_maps_query *q,
	 uintptr_t top, struct tlh_region *r)
{
	const struct tlh_vma *v = &q->vma;
	int ret;

	r->end = v->end < top ? v->end : top;
	r->alloc_base = v->start;
	r->flags = TLH_REGION_MAPPED;
	if (v->flags & TLH_VMA_READ)
		r->flags |= TLH_REGION_READ;
	if (v->flags & TLH_VMA_WRITE)
		r->flags |= TLH_REGION_WRITE;
	if (v->flags & TLH_VMA_EXEC)
		r->flags |= TLH_REGION_EXEC;
	if (v->flags & TLH_VMA_SHARED)
		r->flags |= TLH_REGION_SHARED;
	if (v->flags & TLH_VMA_FILE)
		r->flags |= TLH_REGION_FILE;

	if ((v->flags & TLH_VMA_FILE) && !(v->flags & TLH_VMA_SHARED) &&
	    q->base) {
		ret = is_image(t, q->base, v);
		if (ret < 0)
			return ret;
		if (ret) {
			r->flags |= TLH_REGION_IMAGE;
			r->alloc_base = q->base;
		}
	} else if (!(v->flags & TLH_VMA_FILE)) {
		if (is_named(v, "[vdso]"))
			r->flags |= TLH_REGION_IMAGE;
		else if (is_named(v, "[vvar]") || is_named(v, "[vvar_vclock]"))
			r->flags |= TLH_REGION_OPAQUE;
	}

	if (!(r->flags & (TLH_REGION_READ | TLH_REGION_WRITE |
			  TLH_REGION_EXEC)) || (r->flags & TLH_REGION_OPAQUE))
		return 0;	/* nothing to guard */
	return find_guards(t, r);
}

int
tlh_os_query(const struct tlh_target *t, uintptr_t addr,
	     struct tlh_region *r)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t top = tlh_os_user_top();
	struct tlh_maps_query q;
	char name[NAME_SIZE];
	int ret;

	memset(r, 0, sizeof(*r));
	r->start = addr & ~(page - 1);
	memset(&q, 0, sizeof(q));
	q.addr = r->start;
	q.name = name;
	q.name_size = sizeof(name);
	q.want_base = 1;

	ret = tlh_maps_find(t->pid, &q);
	if (ret == -ENXIO || (!ret && q.vma.start >= top))
		r->end = top;		/* free up to the top */
	else if (!ret && q.vma.start > r->start)
		r->end = q.vma.start;	/* free up to the next mapping */
	else if (!ret)
		ret = describe(t, &q, top, r);
	if (ret && ret != -ENXIO)
		return ret;
	/* All of that was the target's only if it is still there. */
	return tlh_os_target_check(t);
}
