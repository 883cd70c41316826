/*
 * fuzz.h - what every fuzz target shares.  A target is one
 * LLVMFuzzerTestOneInput() that feeds its input to a parser of kernel text
 * and checks what came out; a broken invariant aborts, which libFuzzer
 * (make fuzz) and the replay driver (make check) both report as a failure.
 */
#ifndef TLHELP32_FUZZ_H
#define TLHELP32_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The entry point libFuzzer and fuzz/replay.c call with each input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The target's name: its corpus is fuzz/corpus/<name>/. */
extern const char fuzz_target_name[];

static inline void
fuzz_fail(const char *what, const char *file, int line)
{
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
	abort();
}

/* Abort unless @cond holds. */
#define fuzz_check(cond)						\
	do {								\
		if (!(cond))						\
			fuzz_fail(#cond, __FILE__, __LINE__);		\
	} while (0)

struct tlh_snapshot;

/* Free what fuzz/snapstub.c gathered in @s, and zero it. */
void fuzz_snap_clear(struct tlh_snapshot *s);

/* A small deterministic generator (splitmix64) for derived test values. */
static inline uint64_t
fuzz_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A seed for fuzz_next() that depends on every byte of the input. */
static inline uint64_t
fuzz_hash(const uint8_t *data, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */
	size_t i;

	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ull;
	return h ^ size;
}

#endif /* TLHELP32_FUZZ_H */
