/*
 * snapstub.c - what lib/linux/modules.c and tasks.c need from the rest of
 * the library, for the fuzz targets that include them: a snapshot that
 * only collects strings and records, a tlh_os_reach() that lets every
 * process be read, and a tlh_os_read() that reads no byte of any (the PE
 * header parser has a target of its own, fuzz_pe.c).  The real ones would pull in the whole library.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "snapshot.h"
#include "linux/os.h"

int
tlh_os_reach(pid_t pid)
{
	return pid > 0 ? 0 : -ESRCH;
}

int
tlh_os_read(pid_t pid, uintptr_t src, void *dst, size_t n)
{
	(void)pid;
	(void)src;
	(void)dst;
	(void)n;
	return -EIO;
}

uintptr_t
tlh_os_user_top(void)
{
	return (uintptr_t)1 << (sizeof(uintptr_t) == 8 ? 47 : 31);
}

long
tlh_snap_add_string(struct tlh_snapshot *s, const char *str, size_t len)
{
	size_t off = s->pool_len;
	char *grown;

	if (s->pool_alloc - s->pool_len < len + 1) {
		grown = realloc(s->pool, s->pool_len + len + 1);
		if (!grown)
			return -ENOMEM;
		s->pool = grown;
		s->pool_alloc = s->pool_len + len + 1;
	}
	memcpy(s->pool + off, str, len);
	s->pool[off + len] = '\0';
	s->pool_len += len + 1;
	return (long)off;
}

/* Append a zeroed record of @size bytes to @l; NULL if no memory. */
static void *
add(struct tlh_list *l, size_t size)
{
	void *grown;

	if (l->count == l->alloc) {
		grown = realloc(l->items, (l->alloc * 2 + 1) * size);
		if (!grown)
			return NULL;
		l->items = grown;
		l->alloc = l->alloc * 2 + 1;
	}
	return memset((char *)l->items + l->count++ * size, 0, size);
}

struct tlh_module_rec *
tlh_snap_add_module(struct tlh_snapshot *s)
{
	return add(&s->modules, sizeof(struct tlh_module_rec));
}

struct tlh_proc_rec *
tlh_snap_add_proc(struct tlh_snapshot *s)
{
	return add(&s->procs, sizeof(struct tlh_proc_rec));
}

struct tlh_thread_rec *
tlh_snap_add_thread(struct tlh_snapshot *s)
{
	return add(&s->threads, sizeof(struct tlh_thread_rec));
}

/* Free what the functions above gathered, and start again. */
void
fuzz_snap_clear(struct tlh_snapshot *s)
{
	free(s->procs.items);
	free(s->threads.items);
	free(s->modules.items);
	free(s->pool);
	memset(s, 0, sizeof(*s));
}
