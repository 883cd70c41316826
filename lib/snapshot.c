/*
 * snapshot.c - CreateToolhelp32Snapshot and what every list shares: the
 * records and string pool a snapshot owns, and the First/Next step.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "linux/os.h"
#include "snapshot.h"

/* Grow @l to hold one more record of @size bytes; NULL if no memory. */
static void *
list_add(struct tlh_list *l, size_t size)
{
	void *grown;
	size_t n;

	if (l->count == l->alloc) {
		n = l->alloc ? l->alloc * 2 : 64;
		grown = realloc(l->items, n * size);
		if (!grown)
			return NULL;
		l->items = grown;
		l->alloc = n;
	}
	return memset((char *)l->items + l->count++ * size, 0, size);
}

struct tlh_proc_rec *
tlh_snap_add_proc(struct tlh_snapshot *s)
{
	return list_add(&s->procs, sizeof(struct tlh_proc_rec));
}

struct tlh_thread_rec *
tlh_snap_add_thread(struct tlh_snapshot *s)
{
	return list_add(&s->threads, sizeof(struct tlh_thread_rec));
}

struct tlh_module_rec *
tlh_snap_add_module(struct tlh_snapshot *s)
{
	return list_add(&s->modules, sizeof(struct tlh_module_rec));
}

struct tlh_heap_rec *
tlh_snap_add_heap(struct tlh_snapshot *s)
{
	return list_add(&s->heaps, sizeof(struct tlh_heap_rec));
}

long
tlh_snap_add_string(struct tlh_snapshot *s, const char *str, size_t len)
{
	size_t off = s->pool_len, n;
	char *grown;

	if (len > (size_t)1 << 24)
		return -ENOMEM;
	if (s->pool_alloc - s->pool_len < len + 1) {
		n = s->pool_alloc ? s->pool_alloc : 4096;
		while (n - s->pool_len < len + 1)
			n *= 2;
		grown = realloc(s->pool, n);
		if (!grown)
			return -ENOMEM;
		s->pool = grown;
		s->pool_alloc = n;
	}
	memcpy(s->pool + off, str, len);
	s->pool[off + len] = '\0';
	s->pool_len += len + 1;
	return (long)off;
}

static void
free_object(struct tlh_object *obj)
{
	tlh_snap_free((struct tlh_snapshot *)obj);
}

void
tlh_snap_free(struct tlh_snapshot *s)
{
	if (!s)
		return;
	free(s->procs.items);
	free(s->threads.items);
	free(s->modules.items);
	free(s->heaps.items);
	free(s->pool);
	free(s);
}

static const size_t rec_size[] = {
	[TLH_LIST_PROCS] = sizeof(struct tlh_proc_rec),
	[TLH_LIST_THREADS] = sizeof(struct tlh_thread_rec),
	[TLH_LIST_MODULES] = sizeof(struct tlh_module_rec),
	[TLH_LIST_HEAPS] = sizeof(struct tlh_heap_rec),
};

static struct tlh_list *
list_of(struct tlh_snapshot *s, enum tlh_list_id id)
{
	switch (id) {
	case TLH_LIST_PROCS:
		return &s->procs;
	case TLH_LIST_THREADS:
		return &s->threads;
	case TLH_LIST_HEAPS:
		return &s->heaps;
	default:
		return &s->modules;
	}
}

BOOL
tlh_snap_step(HANDLE h, enum tlh_list_id id, int first, void *entry,
	      size_t need, tlh_fill_fn fill)
{
	DWORD dw_size;

	if (!entry) {
		tlh_error_set(-EINVAL);
		return FALSE;
	}
	memcpy(&dw_size, entry, sizeof(dw_size));
	if (dw_size < need) {
		tlh_error_set(-EMSGSIZE);
		return FALSE;
	}
	return tlh_snap_step_checked(h, id, first, entry, fill);
}

BOOL
tlh_snap_step_checked(HANDLE h, enum tlh_list_id id, int first, void *entry,
		      tlh_fill_fn fill)
{
	struct tlh_snapshot *s;
	struct tlh_list *l;
	size_t at;
	int err = 0;

	s = (struct tlh_snapshot *)tlh_handle_get(h, TLH_HANDLE_SNAPSHOT);
	if (!s) {
		tlh_error_set(-EBADF);
		return FALSE;
	}
	l = list_of(s, id);
	/* First takes entry 0 and leaves the cursor at 1; Next takes the
	 * cursor's entry and moves it on, never past the end. */
	if (first) {
		at = 0;
		__atomic_store_n(&l->cursor, l->count ? 1 : 0,
				 __ATOMIC_RELAXED);
	} else {
		at = __atomic_load_n(&l->cursor, __ATOMIC_RELAXED);
		while (at < l->count &&
		       !__atomic_compare_exchange_n(&l->cursor, &at, at + 1, 0,
						    __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED))
			;
	}
	if (at < l->count)
		fill(s, (char *)l->items + at * rec_size[id], entry);
	else if (id == TLH_LIST_HEAPS && s->heap_err)
		err = s->heap_err;
	else
		err = -ENODATA;
	tlh_handle_put(&s->obj);
	if (err) {
		tlh_error_set(err);
		return FALSE;
	}
	return TRUE;
}

/*
 * Take a point-in-time copy of the processes, threads, modules or heaps
 * dwFlags asks for; th32ProcessID (0: this process) selects the module and
 * heap lists' process.  Returns a handle for CloseHandle(), or
 * INVALID_HANDLE_VALUE.
 */
TLH_EXPORT HANDLE WINAPI
CreateToolhelp32Snapshot(DWORD dwFlags, DWORD th32ProcessID)
{
	struct tlh_snapshot *s;
	int want_mod = !!(dwFlags & (TH32CS_SNAPMODULE | TH32CS_SNAPMODULE32));
	pid_t pid;
	HANDLE h;
	int ret = 0;

	s = calloc(1, sizeof(*s));
	if (!s) {
		tlh_error_set(-ENOMEM);
		return INVALID_HANDLE_VALUE;
	}
	s->obj.kind = TLH_HANDLE_SNAPSHOT;
	s->obj.free_fn = free_object;
	s->flags = dwFlags;

	/* The pid names the process of the module and heap lists only. */
	if (want_mod || (dwFlags & TH32CS_SNAPHEAPLIST)) {
		pid = th32ProcessID ? (pid_t)th32ProcessID : tlh_os_self();
		if (th32ProcessID > INT32_MAX)
			ret = -ESRCH;
		else
			ret = tlh_os_snap_check_pid(pid);
		if (!ret && want_mod)
			ret = tlh_os_snap_modules(s, pid,
				!!(dwFlags & TH32CS_SNAPMODULE),
				!!(dwFlags & TH32CS_SNAPMODULE32));
		if (!ret && (dwFlags & TH32CS_SNAPHEAPLIST))
			ret = tlh_os_snap_heaps(s, pid);
		s->module_pid = (uint32_t)pid;
		if (ret)
			goto fail;
	}
	if (dwFlags & (TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD)) {
		ret = tlh_os_snap_tasks(s, !!(dwFlags & TH32CS_SNAPPROCESS),
					!!(dwFlags & TH32CS_SNAPTHREAD));
		if (ret)
			goto fail;
	}
	h = tlh_handle_open(&s->obj);
	if (!h) {
		ret = -ENOMEM;
		goto fail;
	}
	return h;

fail:
	tlh_snap_free(s);
	tlh_error_set(ret);
	return INVALID_HANDLE_VALUE;
}
