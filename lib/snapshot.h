/*
 * snapshot.h - what a Tool Help snapshot holds.  The platform layer fills
 * it through tlh_snap_add_*(); the API files only read it and move cursors.
 */
#ifndef TLHELP32_SNAPSHOT_H
#define TLHELP32_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "handle.h"

struct tlh_proc_rec {
	uint32_t pid;
	uint32_t ppid;
	uint32_t threads;
	int32_t pri_class;	/* Windows class base priority */
	size_t name;		/* offset into the string pool */
};

struct tlh_thread_rec {
	uint32_t tid;
	uint32_t pid;
	int32_t base_pri;	/* 0..31 */
};

struct tlh_module_rec {
	uintptr_t base;
	size_t size;
	size_t name;		/* offsets into the string pool */
	size_t path;
};

struct tlh_heap_rec {
	uintptr_t id;		/* th32HeapID */
	uint32_t flags;		/* HF32_DEFAULT or 0 */
};

/*
 * One list of fixed-size records, with its cursor (moved atomically: the
 * records never change once the snapshot is made, so threads sharing a
 * handle need no lock).
 */
struct tlh_list {
	void *items;
	size_t count;
	size_t alloc;
	size_t cursor;
};

struct tlh_snapshot {
	struct tlh_object obj;	/* first: the handle table's part */
	uint32_t flags;
	uint32_t module_pid;	/* real pid of the module and heap lists */
	struct tlh_list procs;
	struct tlh_list threads;
	struct tlh_list modules;
	struct tlh_list heaps;
	int heap_err;		/* why the heap list is empty (-errno) */
	char *pool;
	size_t pool_len;
	size_t pool_alloc;
};

/* Append a string to the pool; returns its offset, or -ENOMEM. */
long tlh_snap_add_string(struct tlh_snapshot *s, const char *str, size_t len);

/* Append one record to a list; return a pointer to it, NULL if no memory. */
struct tlh_proc_rec *tlh_snap_add_proc(struct tlh_snapshot *s);
struct tlh_thread_rec *tlh_snap_add_thread(struct tlh_snapshot *s);
struct tlh_module_rec *tlh_snap_add_module(struct tlh_snapshot *s);
struct tlh_heap_rec *tlh_snap_add_heap(struct tlh_snapshot *s);

/* The string at pool offset @off. */
static inline const char *
tlh_snap_str(const struct tlh_snapshot *s, size_t off)
{
	return s->pool + off;
}

void tlh_snap_free(struct tlh_snapshot *s);

/*
 * The shared body of every First/Next: check the entry pointer and its
 * dwSize (a DWORD first in every entry struct; @need is the struct's
 * size), find the snapshot and the list, move the cursor, and call @fill
 * with the record.  Returns TRUE, or FALSE with the last error set.
 */
enum tlh_list_id {
	TLH_LIST_PROCS, TLH_LIST_THREADS, TLH_LIST_MODULES, TLH_LIST_HEAPS
};
typedef void (*tlh_fill_fn)(const struct tlh_snapshot *s, const void *rec,
			    void *entry);
BOOL tlh_snap_step(HANDLE h, enum tlh_list_id id, int first, void *entry,
		   size_t need, tlh_fill_fn fill);

/*
 * tlh_snap_step after the entry's own checks, for an entry whose dwSize is
 * not a DWORD (HEAPLIST32's is a SIZE_T): the caller has checked @entry
 * and its size.  At the end of the heap list it fails with the snapshot's
 * heap_err, if set, instead of ERROR_NO_MORE_FILES.
 */
BOOL tlh_snap_step_checked(HANDLE h, enum tlh_list_id id, int first,
			   void *entry, tlh_fill_fn fill);

/*
 * Text: UTF-8 in, truncated to fit and always terminated; nothing after
 * the terminator is written.
 */
void tlh_text_to_a(CHAR *dst, size_t cap, const char *src);
void tlh_text_to_w(WCHAR *dst, size_t cap, const char *src);

#endif /* TLHELP32_SNAPSHOT_H */
