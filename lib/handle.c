/*
 * handle.c - the handle table.  A handle is never a pointer: it names a
 * slot of one table and the slot's generation, so a closed, made-up or
 * NULL handle is recognised as such and can never reach freed memory.
 *
 * Slots hold typed objects (snapshots, processes), each starting with a
 * struct tlh_object.  A user looks a handle up and takes a reference
 * under the table's lock, then uses the object without the lock; so the
 * lock is held for a constant time, whatever the number of handles and
 * whatever the users do: free slots form a list, and the table grows by
 * chunks that never move.  CloseHandle empties the slot and drops the
 * handle's reference; whoever drops the last one frees the object.
 *
 * The pseudo-handle (HANDLE)-1 that GetCurrentProcess() returns is in no
 * slot (every handle in the table has its low two bits clear).
 *
 * The lock is also taken around fork() (pthread_atfork), so a child never
 * inherits it held by a thread it does not have; the child gets every
 * open handle, to use and close as its own.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "handle.h"

#define INDEX_BITS	20	/* up to a million open handles */
#define CHUNK_BITS	6
#define CHUNK_SLOTS	((size_t)1 << CHUNK_BITS)
#define SLOTS_MAX	(((size_t)1 << INDEX_BITS) - 1)
#define INDEX_MASK	(((uintptr_t)1 << INDEX_BITS) - 1)
#define GEN_MASK	(UINTPTR_MAX >> (INDEX_BITS + 2))

struct slot {
	struct tlh_object *obj;	/* NULL: free */
	uintptr_t gen;		/* bumped at every open */
	size_t next_free;	/* free list: next free index + 1, 0 ends */
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;
static struct slot *chunks[(SLOTS_MAX >> CHUNK_BITS) + 1];
static size_t slots_used;	/* slots ever handed out: the grow point */
static size_t free_head;	/* first free index + 1, 0: none */

static void
before_fork(void)
{
	pthread_mutex_lock(&table_lock);
}

static void
after_fork(void)
{
	pthread_mutex_unlock(&table_lock);
}

static void
setup(void)
{
	pthread_atfork(before_fork, after_fork, after_fork);
}

static void
lock_table(void)
{
	pthread_once(&table_once, setup);
	pthread_mutex_lock(&table_lock);
}

static struct slot *
slot_at(size_t index)
{
	return &chunks[index >> CHUNK_BITS][index & (CHUNK_SLOTS - 1)];
}

/* The value a caller sees: index 1.., generation 1.., low bits 0. */
static HANDLE
encode(size_t index, uintptr_t gen)
{
	return (HANDLE)(((gen << INDEX_BITS) | (uintptr_t)(index + 1)) << 2);
}

/* The index of the open slot @h names, or -1; the table must be locked. */
static long
decode(HANDLE h)
{
	uintptr_t v = (uintptr_t)h;
	size_t index;
	struct slot *sl;

	if (v & 3)
		return -1;
	v >>= 2;
	index = (size_t)(v & INDEX_MASK);
	if (index == 0 || index > slots_used)
		return -1;
	sl = slot_at(index - 1);
	if (!sl->obj || sl->gen != (v >> INDEX_BITS))
		return -1;
	return (long)(index - 1);
}

HANDLE
tlh_handle_open(struct tlh_object *obj)
{
	struct slot *sl;
	size_t index;
	HANDLE h = NULL;

	obj->refs = 1;
	lock_table();
	if (free_head) {
		index = free_head - 1;
		free_head = slot_at(index)->next_free;
	} else {
		if (slots_used == SLOTS_MAX)
			goto out;
		if (!chunks[slots_used >> CHUNK_BITS]) {
			chunks[slots_used >> CHUNK_BITS] =
				calloc(CHUNK_SLOTS, sizeof(struct slot));
			if (!chunks[slots_used >> CHUNK_BITS])
				goto out;
		}
		index = slots_used++;
	}
	sl = slot_at(index);
	sl->gen = (sl->gen + 1) & GEN_MASK;
	if (!sl->gen)
		sl->gen = 1;
	sl->obj = obj;
	h = encode(index, sl->gen);
out:
	pthread_mutex_unlock(&table_lock);
	return h;
}

struct tlh_object *
tlh_handle_get(HANDLE h, enum tlh_handle_kind kind)
{
	struct tlh_object *obj = NULL;
	long index;

	lock_table();
	index = decode(h);
	if (index >= 0 && slot_at((size_t)index)->obj->kind == kind) {
		obj = slot_at((size_t)index)->obj;
		__atomic_add_fetch(&obj->refs, 1, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&table_lock);
	return obj;
}

void
tlh_handle_put(struct tlh_object *obj)
{
	if (__atomic_sub_fetch(&obj->refs, 1, __ATOMIC_ACQ_REL) == 0)
		obj->free_fn(obj);
}

int
tlh_handle_close(HANDLE h)
{
	struct tlh_object *obj = NULL;
	struct slot *sl;
	long index;

	lock_table();
	index = decode(h);
	if (index >= 0) {
		sl = slot_at((size_t)index);
		obj = sl->obj;
		sl->obj = NULL;
		sl->next_free = free_head;
		free_head = (size_t)index + 1;
	}
	pthread_mutex_unlock(&table_lock);
	if (!obj)
		return -EBADF;
	tlh_handle_put(obj);
	return 0;
}

/*
 * Close a handle: a snapshot's, a process's, or the pseudo-handle of the
 * calling process (which stays valid: TRUE, as on Windows).
 */
TLH_EXPORT BOOL WINAPI
CloseHandle(HANDLE hObject)
{
	int ret;

	if (hObject == TLH_CURRENT_PROCESS)
		return TRUE;
	ret = tlh_handle_close(hObject);
	if (ret) {
		tlh_error_set(ret);
		return FALSE;
	}
	return TRUE;
}
