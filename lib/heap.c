/*
 * heap.c - Heap32ListFirst/Next over a snapshot's heap list, and
 * Heap32First/Next, which walk the blocks of one heap in the live process.
 * Finding and reading glibc's heaps is lib/linux/heap.c's work.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>

#include "internal.h"
#include "linux/os.h"
#include "snapshot.h"

/* Highest pid Linux can hand out (PID_MAX_LIMIT on 64-bit). */
#define TLH_PID_MAX	4194304u

static void
fill_list(const struct tlh_snapshot *s, const void *r, void *entry)
{
	const struct tlh_heap_rec *rec = r;
	HEAPLIST32 *hl = entry;

	hl->th32ProcessID = s->module_pid;
	hl->th32HeapID = rec->id;
	hl->dwFlags = rec->flags;
}

/* HEAPLIST32's dwSize is a SIZE_T: checked here, not as a DWORD. */
static BOOL
list_step(HANDLE hSnapshot, LPHEAPLIST32 lphl, int first)
{
	if (!lphl) {
		tlh_error_set(-EINVAL);
		return FALSE;
	}
	if (lphl->dwSize < sizeof(*lphl)) {
		tlh_error_set(-EMSGSIZE);
		return FALSE;
	}
	return tlh_snap_step_checked(hSnapshot, TLH_LIST_HEAPS, first, lphl,
				     fill_list);
}

/* Rewind the snapshot's heap list and return its first entry. */
TLH_EXPORT BOOL WINAPI
Heap32ListFirst(HANDLE hSnapshot, LPHEAPLIST32 lphl)
{
	return list_step(hSnapshot, lphl, 1);
}

/* Return the heap list entry at the cursor and advance. */
TLH_EXPORT BOOL WINAPI
Heap32ListNext(HANDLE hSnapshot, LPHEAPLIST32 lphl)
{
	return list_step(hSnapshot, lphl, 0);
}

static void
fill_entry(LPHEAPENTRY32 lphe, pid_t pid, ULONG_PTR id,
	   const struct tlh_heap_block *b)
{
	lphe->hHandle = (HANDLE)b->addr;
	lphe->dwAddress = b->addr;
	lphe->dwBlockSize = b->size;
	lphe->dwFlags = b->free ? LF32_FREE : LF32_FIXED;
	lphe->dwLockCount = 0;
	lphe->dwResvd = b->index;
	lphe->th32ProcessID = (DWORD)pid;
	lphe->th32HeapID = id;
}

/* The entry pointer and its size, in the order Windows checks them. */
static int
check_entry(LPHEAPENTRY32 lphe)
{
	if (!lphe)
		return -EINVAL;
	if (lphe->dwSize < sizeof(*lphe))
		return -EMSGSIZE;
	return 0;
}

/*
 * Return the first block of heap th32HeapID of process th32ProcessID (0:
 * this process), read from the process as it is now.
 */
TLH_EXPORT BOOL WINAPI
Heap32First(LPHEAPENTRY32 lphe, DWORD th32ProcessID, ULONG_PTR th32HeapID)
{
	struct tlh_heap_block b;
	pid_t pid = 0;
	int ret;

	ret = check_entry(lphe);
	if (!ret && th32ProcessID > TLH_PID_MAX)
		ret = -ESRCH;
	if (!ret) {
		pid = th32ProcessID ? (pid_t)th32ProcessID : tlh_os_self();
		ret = tlh_os_heap_first(pid, th32HeapID, &b);
	}
	if (ret) {
		tlh_error_set(ret);
		return FALSE;
	}
	fill_entry(lphe, pid, th32HeapID, &b);
	return TRUE;
}

/*
 * Return the block after the one *lphe describes, in the heap and process
 * the entry names.  Everything the walk needs is in the entry.
 */
TLH_EXPORT BOOL WINAPI
Heap32Next(LPHEAPENTRY32 lphe)
{
	struct tlh_heap_block b;
	pid_t pid = 0;
	int ret;

	ret = check_entry(lphe);
	if (!ret && lphe->th32ProcessID > TLH_PID_MAX)
		ret = -ESRCH;
	if (!ret) {
		pid = lphe->th32ProcessID ? (pid_t)lphe->th32ProcessID :
					    tlh_os_self();
		b.addr = lphe->dwAddress;
		b.size = lphe->dwBlockSize;
		b.free = lphe->dwFlags == LF32_FREE;
		b.index = lphe->dwResvd;
		ret = tlh_os_heap_next(pid, lphe->th32HeapID, &b);
	}
	if (ret) {
		tlh_error_set(ret);
		return FALSE;
	}
	fill_entry(lphe, pid, lphe->th32HeapID, &b);
	return TRUE;
}
