/*
 * handle.c - snapshot handles.  A handle is never a pointer: it names a
 * slot of one table and the slot's generation, so a closed, made-up, NULL
 * or INVALID_HANDLE_VALUE handle is recognised as such and can never reach
 * freed memory.  One mutex guards the table and everything reached through
 * it; First/Next hold it for the few microseconds they copy one entry, so
 * a thread closing a handle that another thread is reading waits for it.
 * The mutex is also taken around fork() (pthread_atfork), so a child never
 * inherits it held by a thread it does not have; the child gets a copy of
 * every open snapshot, to use and close as its own.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "internal.h"
#include "snapshot.h"

#define INDEX_BITS	20	/* slots: up to a million open snapshots */
#define INDEX_MASK	(((uintptr_t)1 << INDEX_BITS) - 1)
#define GEN_MASK	(UINTPTR_MAX >> (INDEX_BITS + 2))

struct slot {
	struct tlh_snapshot *snap;	/* NULL: free */
	uintptr_t gen;			/* bumped at every close */
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;
static struct slot *table;
static size_t table_len;

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

/* The value a caller sees: index 1.., generation 1.., low bits 0. */
static HANDLE
encode(size_t index, uintptr_t gen)
{
	return (HANDLE)(((gen << INDEX_BITS) | (uintptr_t)(index + 1)) << 2);
}

/* The slot a handle names, or NULL; the table must be locked. */
static struct slot *
decode(HANDLE h)
{
	uintptr_t v = (uintptr_t)h;
	size_t index;
	struct slot *sl;

	if (v & 3)
		return NULL;
	v >>= 2;
	index = (size_t)(v & INDEX_MASK);
	if (index == 0 || index > table_len)
		return NULL;
	sl = &table[index - 1];
	if (!sl->snap || sl->gen != (v >> INDEX_BITS))
		return NULL;
	return sl;
}

HANDLE
tlh_handle_open(struct tlh_snapshot *s)
{
	struct slot *grown;
	size_t i, len;
	HANDLE h = INVALID_HANDLE_VALUE;

	lock_table();
	for (i = 0; i < table_len; i++)
		if (!table[i].snap)
			break;
	if (i == table_len) {
		len = table_len ? table_len * 2 : 16;
		if (len > INDEX_MASK)
			len = INDEX_MASK;
		if (len <= table_len)
			goto out;
		grown = realloc(table, len * sizeof(*table));
		if (!grown)
			goto out;
		table = grown;
		for (; table_len < len; table_len++) {
			table[table_len].snap = NULL;
			table[table_len].gen = 0;
		}
	}
	table[i].gen = (table[i].gen + 1) & GEN_MASK;
	if (!table[i].gen)
		table[i].gen = 1;
	table[i].snap = s;
	h = encode(i, table[i].gen);
out:
	pthread_mutex_unlock(&table_lock);
	return h;
}

struct tlh_snapshot *
tlh_handle_lock(HANDLE h)
{
	struct slot *sl;

	lock_table();
	sl = decode(h);
	if (sl)
		return sl->snap;
	pthread_mutex_unlock(&table_lock);
	return NULL;
}

void
tlh_handle_unlock(void)
{
	pthread_mutex_unlock(&table_lock);
}

/*
 * Close a snapshot handle and free what it holds.  Any other value fails
 * with ERROR_INVALID_HANDLE.
 */
TLH_EXPORT BOOL WINAPI
CloseHandle(HANDLE hObject)
{
	struct tlh_snapshot *s = NULL;
	struct slot *sl;

	lock_table();
	sl = decode(hObject);
	if (sl) {
		s = sl->snap;
		sl->snap = NULL;
	}
	pthread_mutex_unlock(&table_lock);
	if (!s) {
		tlh_error_set(-EBADF);
		return FALSE;
	}
	tlh_snap_free(s);
	return TRUE;
}
