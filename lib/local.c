/*
 * local.c - LocalFree, and the buffers it may free: those FormatMessage
 * allocates for FORMAT_MESSAGE_ALLOCATE_BUFFER.  Every such buffer is
 * recorded in one set (open addressing, linear probing) under a mutex, so
 * LocalFree recognises a pointer the library did not hand out, or one
 * already freed, and refuses it instead of passing it to free().  The
 * mutex is also taken around fork() (pthread_atfork), so a child never
 * inherits it held; the child may free its copies of the buffers.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include <windows.h>

#include "internal.h"

static pthread_mutex_t set_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t set_once = PTHREAD_ONCE_INIT;
static void **set;		/* NULL: an empty slot */
static size_t set_cap;		/* a power of two, or 0 */
static size_t set_len;

static void
before_fork(void)
{
	pthread_mutex_lock(&set_lock);
}

static void
after_fork(void)
{
	pthread_mutex_unlock(&set_lock);
}

static void
setup(void)
{
	pthread_atfork(before_fork, after_fork, after_fork);
}

static void
lock_set(void)
{
	pthread_once(&set_once, setup);
	pthread_mutex_lock(&set_lock);
}

/* The slot where @p's probe starts (a multiplicative hash of its bits). */
static size_t
home(const void *p, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;

	return (size_t)(h >> 32) & (cap - 1);
}

/* The slot holding @p, or set_cap if @p is not in the set. */
static size_t
find(const void *p)
{
	size_t i;

	if (!set_cap)
		return 0;
	for (i = home(p, set_cap); set[i]; i = (i + 1) & (set_cap - 1)) {
		if (set[i] == p)
			return i;
	}
	return set_cap;
}

/* Put @p in the first free slot of its probe sequence. */
static void
place(void **slots, size_t cap, void *p)
{
	size_t i = home(p, cap);

	while (slots[i])
		i = (i + 1) & (cap - 1);
	slots[i] = p;
}

/* Record @p, growing the set to keep it at most half full: 0 or -ENOMEM. */
static int
insert(void *p)
{
	void **slots;
	size_t cap, i;

	if (2 * (set_len + 1) > set_cap) {
		cap = set_cap ? 2 * set_cap : 16;
		slots = calloc(cap, sizeof(*slots));
		if (!slots)
			return -ENOMEM;
		for (i = 0; i < set_cap; i++) {
			if (set[i])
				place(slots, cap, set[i]);
		}
		free(set);
		set = slots;
		set_cap = cap;
	}
	place(set, set_cap, p);
	set_len++;
	return 0;
}

/*
 * Empty slot @i, then move back every entry after it in the same run that
 * the hole would cut off from its home slot (no tombstones needed).
 */
static void
delete(size_t i)
{
	size_t mask = set_cap - 1, j = i, h;

	set[i] = NULL;
	set_len--;
	for (;;) {
		j = (j + 1) & mask;
		if (!set[j])
			return;
		h = home(set[j], set_cap);
		/* set[j] may stay if its home lies cyclically in (i, j]. */
		if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
			continue;
		set[i] = set[j];
		set[j] = NULL;
		i = j;
	}
}

void *
tlh_local_alloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	int ret;

	if (!p)
		return NULL;
	lock_set();
	ret = insert(p);
	pthread_mutex_unlock(&set_lock);
	if (ret) {
		free(p);
		return NULL;
	}
	return p;
}

/*
 * Free a buffer FormatMessage allocated: NULL on success, and for NULL.
 * Anything else (never handed out, or already freed) is left alone and
 * returned, with ERROR_INVALID_HANDLE.
 */
TLH_EXPORT HLOCAL WINAPI
LocalFree(HLOCAL hMem)
{
	size_t i;

	if (!hMem)
		return NULL;
	lock_set();
	i = find(hMem);
	if (i < set_cap)
		delete(i);
	pthread_mutex_unlock(&set_lock);
	if (i >= set_cap) {
		tlh_error_set(-EBADF);
		return hMem;
	}
	free(hMem);
	return NULL;
}
