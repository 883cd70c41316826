/*
 * maps.h - walking the mappings of a process that cover an address range,
 * with the PROCMAP_QUERY ioctl where the kernel has it and by parsing the
 * text of /proc/<pid>/maps where it does not.
 */
#ifndef TLHELP32_LINUX_MAPS_H
#define TLHELP32_LINUX_MAPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TLH_VMA_READ	0x1
#define TLH_VMA_WRITE	0x2
#define TLH_VMA_FILE	0x4	/* backed by a file (inode != 0) */
#define TLH_VMA_EXEC	0x8
#define TLH_VMA_SHARED	0x10	/* MAP_SHARED: "s" in the text */

struct tlh_vma {
	uintptr_t start;
	uintptr_t end;
	unsigned int flags;
	uint64_t offset;
	uint64_t inode;
	uint32_t major;
	uint32_t minor;
	const char *name;	/* as the text shows it; NULL from the ioctl */
	size_t name_len;
};

/*
 * Called for each mapping overlapping the walked range, in address order;
 * a non-zero return stops the walk and is returned by tlh_maps_walk().
 */
typedef int (*tlh_vma_fn)(const struct tlh_vma *vma, void *arg);

/*
 * Walk the mappings of @pid over [@start, @end).  Returns 0 when mappings
 * cover the range without a hole, -ENXIO at the first hole, -ESRCH,
 * -EPERM or -ENOSYS when the maps cannot be read, or what @fn returned.
 * The descriptor comes from the cache in fdcache.c, locked while @fn runs:
 * @fn must not walk maps itself.
 */
int tlh_maps_walk(pid_t pid, uintptr_t start, uintptr_t end,
		  tlh_vma_fn fn, void *arg);

/*
 * The caller reads @pid's token (tlh_fdcache_token()) in a system call of
 * its own after the walk, and calls tlh_fdcache_forget() if it differs:
 * the walk need not check that @pid's kept descriptor still answers for
 * its address space.  A flag of tlh_maps_check()'s @need and of
 * tlh_maps_guarded_flags() and tlh_maps_guard_find_flags().
 */
#define TLH_MAPS_UNCHECKED	0x100

/*
 * tlh_maps_walk() that also wants every mapping to have the TLH_VMA_*
 * flags in @need: -EACCES at the first that lacks them.  The mapping under
 * the last byte is checked first, so a range that ends badly is refused
 * at the cost of one query.
 */
int tlh_maps_check(pid_t pid, uintptr_t start, uintptr_t end,
		   unsigned int need, tlh_vma_fn fn, void *arg);

/* The token of the address space a walk's maps answered for. */
struct tlh_maps_token {
	uintptr_t addr;		/* 0: none known (the caller's own maps) */
	unsigned char bytes[16];
};

/*
 * tlh_maps_check() that also fills @tok (if not NULL) with the token of
 * the address space whose maps the walk read, for a caller that checks it
 * (TLH_MAPS_UNCHECKED).
 */
int tlh_maps_check_token(pid_t pid, uintptr_t start, uintptr_t end,
			 unsigned int need, tlh_vma_fn fn, void *arg,
			 struct tlh_maps_token *tok);

/*
 * Call @fn for every mapping of @pid, from the text of its maps (names
 * included), in address order; mappings a 32-bit caller cannot name (from
 * 4 GiB up) are left out.  Returns 0, -ESRCH, -EPERM, or what @fn
 * returned.
 */
int tlh_maps_each(pid_t pid, tlh_vma_fn fn, void *arg);

/*
 * Parse one line of /proc/<pid>/maps (without its newline) into @vma.
 * Returns 0, -EINVAL for a line that is not well formed, or -ERANGE for a
 * mapping that starts above UINTPTR_MAX (a 64-bit target's, read by a
 * 32-bit caller; one that only ends there is cut at UINTPTR_MAX).
 */
int tlh_maps_parse_line(const char *line, size_t len, struct tlh_vma *vma);

/*
 * A question for tlh_maps_find(), and its answer.
 */
struct tlh_maps_query {
	uintptr_t addr;		/* in: the address asked about */
	char *name;		/* in: where the mapping's name goes, or NULL */
	size_t name_size;	/* in: its size */
	int want_base;		/* in: find the base of a file mapping */
	struct tlh_vma vma;	/* out: the mapping */
	uintptr_t base;		/* out: the base, or 0 */
};

/*
 * The mapping of @pid that covers @q->addr, or else the first one above
 * it, into @q->vma.  Its name (a path, or "[heap]", "[vdso]"...: as the
 * kernel prints it, a newline in a path included, " (deleted)" kept) goes
 * to @q->name, NUL-terminated, when it fits in @q->name_size bytes; an
 * empty string otherwise.  With @q->want_base, for a file mapping, @q->base
 * is the start of the mapping of the same file at offset 0 it was placed
 * from: a loader maps an object's segments at the base plus their
 * addresses, whose offsets in the file follow them, so its start minus its
 * offset leads back to the base, through at most a few other mappings of
 * the same file (0 if it leads elsewhere).  Returns 0, -ENXIO if no
 * mapping lies at or above @q->addr, -ESRCH, -EPERM or -ENOSYS when the
 * maps cannot be read, or -ENOMEM.
 *
 * Each call costs a PROCMAP_QUERY or two.  Without the ioctl the text is
 * read in order and the reading kept between calls (beside the cached
 * descriptors, fdcache.c): a call at a higher address than the call before
 * reads on from where that one stopped, so a walk up the address space
 * reads the text once.  The kernel hands its text out a little ahead (this
 * reader asks for SEQ_READ bytes at a time), so such a call may describe
 * the mapping or two just past the previous call's as they were during
 * that call.  A call at the same or a lower address reads afresh.
 */
int tlh_maps_find(pid_t pid, struct tlh_maps_query *q);

/*
 * The first run of guard pages (MADV_GUARD_INSTALL, Linux 6.13+; the maps
 * show them as ordinary memory) in [@start, @end) of @pid, asked of the
 * PAGEMAP_SCAN ioctl: 1 with the run in *@gstart, *@gend (cut to the range),
 * or 0 if there is none; -ENOTTY where the kernel has no PAGEMAP_SCAN
 * (older than guard regions: there are none); -EINVAL where it cannot
 * report guards; -ESRCH, -EPERM or -errno.
 */
int tlh_maps_guard_find(pid_t pid, uintptr_t start, uintptr_t end,
			uintptr_t *gstart, uintptr_t *gend);

/* tlh_maps_guard_find() with TLH_MAPS_UNCHECKED, or 0, in @flags. */
int tlh_maps_guard_find_flags(pid_t pid, uintptr_t start, uintptr_t end,
			      uintptr_t *gstart, uintptr_t *gend,
			      unsigned int flags);

/*
 * Whether any page of [@start, @end) in @pid is a guard region
 * (MADV_GUARD_INSTALL, Linux 6.13+), which the maps show as ordinary
 * memory.  Asks the PAGEMAP_SCAN ioctl.  Returns 1 or 0; -ENOTTY where the
 * kernel has no PAGEMAP_SCAN (older than guard regions: there are none);
 * -EINVAL where it cannot report guards; -ENOSYS where a seccomp profile
 * or an emulator refuses the ioctl (guards may exist: unknown); -ESRCH,
 * -EPERM or -errno.
 */
int tlh_maps_guarded(pid_t pid, uintptr_t start, uintptr_t end);

/* tlh_maps_guarded() with TLH_MAPS_UNCHECKED, or 0, in @flags. */
int tlh_maps_guarded_flags(pid_t pid, uintptr_t start, uintptr_t end,
			   unsigned int flags);

/* 1 if walks use PROCMAP_QUERY, 0 if they parse the text. */
int tlh_maps_have_query(void);

#endif /* TLHELP32_LINUX_MAPS_H */
