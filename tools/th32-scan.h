/*
 * th32-scan.h - th32 find's search of another process's memory, also run by
 * bench/find.c: the committed, readable regions VirtualQueryEx reports,
 * read in large chunks with ReadProcessMemory, every match reported,
 * overlapping ones included.
 */
#ifndef TH32_SCAN_H
#define TH32_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

#define SCAN_CHUNK	((size_t)1 << 20)	/* bytes per read */
#define SCAN_PATTERN_MAX ((size_t)1 << 16)	/* longest pattern */

struct scan {
	HANDLE process;		/* PROCESS_QUERY_INFORMATION | VM_READ */
	const unsigned char *bytes;	/* the pattern */
	const unsigned char *mask;	/* NULL, or 0 for "any byte" */
	size_t len;		/* 1 to SCAN_PATTERN_MAX */
	uintptr_t lo, hi;	/* search [lo, hi) only */
	/* A match at @addr, in the region @m: return non-zero to stop. */
	int (*match)(void *arg, uintptr_t addr,
		     const MEMORY_BASIC_INFORMATION *m);
	/* A read of [@addr, @addr + @len) failed with @err; the scan goes on
	 * after it.  May be NULL. */
	void (*failed)(void *arg, uintptr_t addr, size_t len, DWORD err);
	/* Called after each chunk, with the address reached.  May be NULL. */
	void (*progress)(void *arg, uintptr_t addr);
	void *arg;
	uint64_t bytes_read;	/* out: bytes read from the process */
};

/*
 * Run the search.  Returns 0 when the regions are done, 1 when
 * s->match stopped it, or -1 with the last error set when a region
 * could not be queried (the process is gone) or memory ran out.
 */
int scan_run(struct scan *s);

#endif /* TH32_SCAN_H */
