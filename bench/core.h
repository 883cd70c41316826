/*
 * core.h - what the workload benchmarks share: a clock, medians, the
 * pattern every target is filled with (each 8-byte word a function of its
 * own address, so any read can be checked wherever it came from), children
 * that die with the benchmark, and the table of bars.
 */
#ifndef TLHELP32_BENCH_CORE_H
#define TLHELP32_BENCH_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define KiB		((size_t)1 << 10)
#define MiB		((size_t)1 << 20)

uint64_t core_now_ns(void);
void core_die(const char *what);
double core_median(double *v, int n);

/* The word at address @addr of a target (8-byte aligned). */
uint64_t core_word(uintptr_t addr);
/* Fill [p, p + n) (8-byte aligned) with the pattern at its own address. */
void core_fill(void *p, size_t n);
/* 0 if @buf holds the pattern of a target's [src, src + n), else -1;
 * src and n need no alignment. */
int core_check(const void *buf, uintptr_t src, size_t n);
/* A check failed: say what, and fail the run at the end. */
void core_fail_check(const char *what);

/* A child that is killed with the benchmark (and when it exits). */
pid_t core_fork(void);
void core_kill_children(void);

/*
 * One row of the table: tlh/raw and pread/raw (median of the per-round
 * ratios), against @bar (0: none), for a row of the table.
 */
void core_row(const char *name, double tlh, double pread, double bar);
/* A row whose figure is not a ratio to the raw call. */
void core_row_text(const char *name, const char *figure, const char *bar,
		   int met);
/* The summary; the exit status. */
int core_finish(void);

#endif
