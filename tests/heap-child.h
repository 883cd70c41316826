/*
 * heap-child.h - what tests/heap-child reports to check_heap.c.
 */
#ifndef TLHELP32_TESTS_HEAP_CHILD_H
#define TLHELP32_TESTS_HEAP_CHILD_H

#include <stdint.h>

#define HC_MAGIC	0x68656170u

/* hc_record.flags */
#define HC_FREED	0x1u	/* freed again */
#define HC_MMAPPED	0x2u	/* large: a mapping of its own */
#define HC_THREAD	0x4u	/* allocated by the second thread */
#define HC_DAMAGED	0x8u	/* its chunk was damaged on purpose */

struct hc_report {
	uint32_t magic;
	uint32_t pad;
	uint64_t count;		/* records that follow */
	uint64_t blocks;	/* "many": blocks allocated */
	uint64_t arena;		/* forged arenas: the main arena's address */
};

struct hc_record {
	uint64_t addr;		/* what malloc returned */
	uint64_t request;	/* the size asked for */
	uint32_t seed;		/* its contents: pattern @seed */
	uint32_t flags;
};

#endif /* TLHELP32_TESTS_HEAP_CHILD_H */
