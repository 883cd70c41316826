/*
 * handle.h - the handle table: every HANDLE the library gives out names a
 * slot of one table holding a typed object (a snapshot or a process), and
 * the pseudo-handle GetCurrentProcess() returns names the calling process.
 */
#ifndef TLHELP32_HANDLE_H
#define TLHELP32_HANDLE_H

#include "internal.h"
#include "linux/os.h"

enum tlh_handle_kind {
	TLH_HANDLE_SNAPSHOT = 1,
	TLH_HANDLE_PROCESS,
};

/*
 * The pseudo-handle for the calling process: GetCurrentProcess() returns
 * it, and it is also INVALID_HANDLE_VALUE, as on Windows.
 */
#define TLH_CURRENT_PROCESS	((HANDLE)(intptr_t)-1)

/*
 * What every object a handle names starts with: its kind, how many users
 * it has (the handle counts as one), and how it is freed when the last
 * one is done.
 */
struct tlh_object {
	enum tlh_handle_kind kind;
	unsigned long refs;
	void (*free_fn)(struct tlh_object *obj);
};

/*
 * Give @obj (kind and free_fn set by the caller) a handle, which holds its
 * first reference.  Returns NULL if the table is full or out of memory.
 */
HANDLE tlh_handle_open(struct tlh_object *obj);

/*
 * The object @h names if it is of @kind, with a reference the caller gives
 * back with tlh_handle_put(); NULL if @h is closed, made up or of another
 * kind.  The table lock is held for a constant time and never while an
 * object is used, so users of one handle never wait for another's.
 */
struct tlh_object *tlh_handle_get(HANDLE h, enum tlh_handle_kind kind);
void tlh_handle_put(struct tlh_object *obj);

/* Close @h: 0, or -EBADF if it names nothing open. */
int tlh_handle_close(HANDLE h);

/*
 * The process a process handle (or the pseudo-handle) names, if the handle
 * grants every right in @access: a target for the lib/linux functions,
 * given back with tlh_target_put().  NULL with *@err set to -EBADF (not a
 * process handle: ERROR_INVALID_HANDLE) or -EACCES (a right is missing:
 * ERROR_ACCESS_DENIED).
 */
struct tlh_target *tlh_target_get(HANDLE h, uint32_t access, int *err);
void tlh_target_put(struct tlh_target *t);

#endif /* TLHELP32_HANDLE_H */
