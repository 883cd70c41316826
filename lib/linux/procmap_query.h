/*
 * procmap_query.h - the PROCMAP_QUERY ioctl on /proc/<pid>/maps (Linux
 * 6.11+), and PAGEMAP_SCAN on /proc/<pid>/pagemap.  Older kernel headers
 * (Debian 12 ships 6.1's) lack it, so the ABI is spelled out here when
 * <linux/fs.h> does not provide it.  Whether the running kernel supports
 * it is decided at run time (ENOTTY means no; ENOSYS, from a seccomp
 * profile or qemu-user, that it cannot be used).
 */
#ifndef TLHELP32_LINUX_PROCMAP_QUERY_H
#define TLHELP32_LINUX_PROCMAP_QUERY_H

#include <stdint.h>
#include <sys/ioctl.h>
#ifdef HAVE_LINUX_FS_H
#include <linux/fs.h>
#endif

#if !HAVE_DECL_PROCMAP_QUERY
#define PROCMAP_QUERY_VMA_READABLE		0x01
#define PROCMAP_QUERY_VMA_WRITABLE		0x02
#define PROCMAP_QUERY_VMA_EXECUTABLE		0x04
#define PROCMAP_QUERY_VMA_SHARED		0x08
#define PROCMAP_QUERY_COVERING_OR_NEXT_VMA	0x10
#define PROCMAP_QUERY_FILE_BACKED_VMA		0x20

struct procmap_query {
	uint64_t size;		/* in: sizeof(struct procmap_query) */
	uint64_t query_flags;	/* in */
	uint64_t query_addr;	/* in */
	uint64_t vma_start;	/* out */
	uint64_t vma_end;	/* out */
	uint64_t vma_flags;	/* out: PROCMAP_QUERY_VMA_* */
	uint64_t vma_page_size;	/* out */
	uint64_t vma_offset;	/* out */
	uint64_t inode;		/* out */
	uint32_t dev_major;	/* out */
	uint32_t dev_minor;	/* out */
	uint32_t vma_name_size;	/* in/out */
	uint32_t build_id_size;	/* in/out */
	uint64_t vma_name_addr;	/* in */
	uint64_t build_id_addr;	/* in */
};

#define PROCMAP_QUERY _IOWR(0x66, 17, struct procmap_query)
#endif

/*
 * PAGEMAP_SCAN on /proc/<pid>/pagemap (Linux 6.7+); PAGE_IS_GUARD, the
 * report of guard regions, came later (Linux 6.15).
 */
#ifndef PAGE_IS_GUARD
#define PAGE_IS_GUARD	(1 << 8)
#endif
#ifndef PAGEMAP_SCAN
struct pm_scan_arg {
	uint64_t size;
	uint64_t flags;
	uint64_t start;
	uint64_t end;
	uint64_t walk_end;
	uint64_t vec;
	uint64_t vec_len;
	uint64_t max_pages;
	uint64_t category_inverted;
	uint64_t category_mask;
	uint64_t category_anyof_mask;
	uint64_t return_mask;
};

struct page_region {
	uint64_t start;
	uint64_t end;
	uint64_t categories;
};

#define PAGEMAP_SCAN _IOWR(0x66, 16, struct pm_scan_arg)
#endif

#endif /* TLHELP32_LINUX_PROCMAP_QUERY_H */
