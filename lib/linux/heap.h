/*
 * heap.h - what the heap walker knows about glibc's malloc: the layout of
 * its chunks, arenas, heaps and per-thread caches on 64-bit targets, as
 * glibc 2.34 and later lay them out (checked against 2.36).  Every number
 * here describes the *target's* memory; nothing is taken from the malloc
 * this library itself runs on.
 *
 * A chunk starts with two 8-byte words: the size of the previous chunk
 * (meaningful only when that one is free) and its own size, whose low bits
 * are flags.  A program's pointer is the chunk's address + 16.
 */
#ifndef TLHELP32_LINUX_HEAP_H
#define TLHELP32_LINUX_HEAP_H

#include <stdint.h>

#define GL_HDR		16u	/* prev_size + size */
#define GL_ALIGN	16u	/* chunks and user pointers */
#define GL_MINSIZE	32u	/* the smallest chunk */

#define GL_PREV_INUSE	0x1u	/* the previous chunk is in use */
#define GL_IS_MMAPPED	0x2u	/* a chunk with its own mapping */
#define GL_NON_MAIN	0x4u	/* in use, in a non-main arena */
#define GL_SIZE_BITS	0x7u

/* Chunks a per-thread cache may hold: 64 bins of 32 .. 1040 bytes. */
#define GL_TCACHE_BINS	64u
#define GL_TCACHE_MAX	(GL_MINSIZE + (GL_TCACHE_BINS - 1) * GL_ALIGN)

/*
 * tcache_perthread_struct: uint16_t counts[64], then the 64 list heads
 * (user pointers).  Its chunk is normally the first of each arena.
 */
#define GL_TC_COUNTS	0u
#define GL_TC_ENTRIES	128u
#define GL_TC_SIZE	640u
#define GL_TC_CHUNK	(GL_TC_SIZE + GL_HDR)	/* 0x290 */

/* struct malloc_state (glibc 2.27 and later, 64-bit). */
#define GL_MS_FLAGS		4u	/* int */
#define GL_MS_FASTBINS		16u	/* mchunkptr[10] */
#define GL_NFASTBINS		10u
#define GL_MS_TOP		96u
#define GL_MS_BINS		112u	/* 127 pairs of fd, bk */
#define GL_NBIN_PAIRS		127u
#define GL_MS_NEXT		2160u	/* the ring of all arenas */
#define GL_MS_SYSTEM_MEM	2184u
#define GL_MS_MAX_SYSTEM_MEM	2192u
#define GL_MS_SIZE		2200u

#define GL_NONCONTIGUOUS	0x2u	/* malloc_state.flags */

/*
 * struct heap_info heads each mapping of a non-main arena: ar_ptr, prev,
 * size, mprotect_size (and from 2.35 pagesize), padded to 32 or 48 bytes.
 * The mappings are aligned to their maximum size, 64 MiB by default.
 */
#define GL_HI_AR_PTR	0u
#define GL_HI_PREV	8u
#define GL_HI_SIZE	16u
#define GL_HI_WORDS	4u	/* the words read */
#define GL_HEAP_MAX	((uintptr_t)64 << 20)

/* The oldest glibc whose layout is the above (random tcache key). */
#define GL_MIN_MINOR	34

/*
 * Safe-linking (2.32+): a list pointer stored at address @at holds
 * (@at >> 12) ^ pointer.
 */
static inline uintptr_t
gl_reveal(uintptr_t at, uintptr_t stored)
{
	return (at >> 12) ^ stored;
}

#endif /* TLHELP32_LINUX_HEAP_H */
