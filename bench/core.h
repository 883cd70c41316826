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

/* A set of timings, summed up. */
struct core_summ {
	double med;
	double min;
};

uint64_t core_now_ns(void);
void core_die(const char *what);
double core_median(double *v, int n);
/* The median and the minimum of @v (sorted in place). */
struct core_summ core_summarize(double *v, int n);
/* Add to a sum no compiler may prove unused, so a timed walk is done. */
void core_sink(uint64_t x);

/* "median/min" in a column, with as many decimals as the size needs. */
const char *core_fmt_summ(char *buf, size_t size, struct core_summ s);
/* "8B", "4KiB", "64MiB". */
const char *core_size_name(char *buf, size_t size, size_t n);

/* @v, an array of @n elements of @size with room for *@alloc, made room
 * for one more (doubled when full), or die. */
void *core_grow(void *v, size_t n, size_t *alloc, size_t size);
/* Fresh read-write anonymous memory, or die. */
void *core_map(size_t n);
/* Read until @n bytes or the end; what was read. */
ssize_t core_read_full(int fd, void *buf, size_t n);
/* 0 if all of @buf was written, else -1. */
int core_write_full(int fd, const void *buf, size_t n);
/* The lines of /proc/<pid>/maps, -1 if unreadable. */
int core_count_maps(pid_t pid);
/* Pin to the last CPU allowed (BENCH_NO_PIN=1: do not); says which. */
void core_pin_cpu(void);

/* The word at address @addr of a target (8-byte aligned). */
uint64_t core_word(uintptr_t addr);
/* Fill [p, p + n) (8-byte aligned) with the pattern at its own address. */
void core_fill(void *p, size_t n);
/* 0 if @buf holds the pattern of a target's [src, src + n), else -1;
 * src and n need no alignment. */
int core_check(const void *buf, uintptr_t src, size_t n);
/* A check failed: say what, and fail the run at the end. */
void core_fail_check(const char *what);
/* How many checks have failed. */
int core_checks_failed(void);

/*
 * The main process: a child subreaper (idle grandchildren come back to it
 * to be reaped), whose children are killed and @core_on_cleanup's
 * functions run at exit and on SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE.
 */
void core_init(void);
/* Run @fn (async-signal-safe) at the cleanup, after the children die. */
void core_on_cleanup(void (*fn)(void));

/*
 * A child that is killed with the benchmark (and when it exits), with
 * the signals' default handling.  core_fork_group's child leads a new
 * process group, all of which is killed and reaped with it.
 */
pid_t core_fork(void);
pid_t core_fork_group(void);
/* Kill a child (its group, if it leads one), reap it, strike it off. */
void core_stop_child(pid_t pid);
/* Wait for a child to end by itself; its wait status. */
int core_wait_child(pid_t pid);
/*
 * Start a child (core_fork_group's if @group) that @fn(@out, @arg, wfd)
 * makes into what a benchmark needs (mappings, libraries, idle children),
 * that sends the @size bytes @fn left at @out back to the parent's @out,
 * and then sleeps until it is killed.  @fn may _exit() on failure; a
 * child it forks must close wfd, the pipe's end.  The child's pid in
 * *@pid; 0 if all @size bytes came, else -1.
 */
typedef void core_child_fn(void *out, const void *arg, int wfd);
int core_start(pid_t *pid, int group, core_child_fn *fn, const void *arg,
	       void *out, size_t size);
/* Run @argv[0] (from PATH) as a child, output thrown away; 0 if it ran
 * and exited 0. */
int core_run_quiet(char *const argv[]);
void core_kill_children(void);

/*
 * One row of the table: tlh/raw and pread/raw (median of the per-round
 * ratios), against @bar (0: none), for a row of the table.
 */
void core_row(const char *name, double tlh, double pread, double bar);
/* A row whose figure is not a ratio to the raw call. */
void core_row_text(const char *name, const char *figure, const char *bar,
		   int met);
/* A target met or missed; @line names it in the list of misses. */
void core_note(int met, const char *line);
/* The summary; the exit status. */
int core_finish(void);
/* The summary in bench/bench's words: the misses, then one line for
 * machines with the time since @start; the exit status. */
int core_summary(uint64_t start);

#endif
