/*
 * heap-other.c - a subject for the heap tests whose malloc is not glibc's:
 * it defines malloc and its family itself (as a program linked with
 * jemalloc or tcmalloc does), so glibc's allocator is never used, even by
 * glibc.  It allocates a few blocks, writes a struct hc_report to standard
 * output, and waits until standard input is closed.
 */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heap-child.h"

#define ARENA_SIZE	((size_t)1 << 20)

static unsigned char arena[ARENA_SIZE] __attribute__((aligned(64)));
static size_t used;

/* A bump allocator: enough for a process that runs a few seconds. */
static void *
bump(size_t align, size_t n)
{
	size_t at = (used + align - 1) & ~(align - 1);

	if (at > ARENA_SIZE || n > ARENA_SIZE - at) {
		errno = ENOMEM;
		return NULL;
	}
	used = at + n;
	return arena + at;
}

void *
malloc(size_t n)
{
	return bump(16, n);
}

void
free(void *p)
{
	(void)p;
}

void *
calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	p = bump(16, n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *
realloc(void *old, size_t n)
{
	unsigned char *p = bump(16, n);
	size_t room;

	/* sizes are not kept: copy what can lie between the two blocks */
	if (p && old) {
		room = (size_t)(p - (unsigned char *)old);
		memcpy(p, old, room < n ? room : n);
	}
	return p;
}

void *
memalign(size_t align, size_t n)
{
	return bump(align < 16 ? 16 : align, n);
}

void *
aligned_alloc(size_t align, size_t n)
{
	return memalign(align, n);
}

int
posix_memalign(void **out, size_t align, size_t n)
{
	void *p = memalign(align, n);

	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

size_t
malloc_usable_size(void *p)
{
	(void)p;
	return 0;
}

int
main(void)
{
	static void *volatile sink;
	struct hc_report h;
	char b;
	int i;

	for (i = 0; i < 10; i++)
		sink = malloc(100);
	memset(&h, 0, sizeof(h));
	h.magic = HC_MAGIC;
	if (write(STDOUT_FILENO, &h, sizeof(h)) != (ssize_t)sizeof(h))
		return 3;
	while (read(STDIN_FILENO, &b, 1) > 0 || errno == EINTR)
		;
	return sink ? 0 : 1;
}
