/*
 * bench.h - the sections of bench/bench, one file each; bench.c runs them
 * in order.
 */
#ifndef TLHELP32_BENCH_BENCH_H
#define TLHELP32_BENCH_BENCH_H

/* tasks.c: the process and thread snapshots. */
void tasks_run(void);

/* modules.c: the module snapshot. */
void modules_run(void);

/* handles.c: a million snapshot handles. */
void handles_run(void);

/*
 * reads.c: the fixed-size reads and the refusals.  reads_probe() prints
 * what the machine offers and returns the path this process's library
 * takes ("procmap_query" or "maps_text"); reads_prepare() raises
 * vm.max_map_count for the largest target; reads_run() times the reads
 * on that path, then the maps_text path in a re-executed copy of the
 * program, which runs reads_text_child() when given READS_TEXT_CHILD_ARG.
 */
#define READS_TEXT_CHILD_ARG	"--maps-text-child"
const char *reads_probe(const char *release);
void reads_prepare(void);
void reads_run(const char *path);
int reads_text_child(void);

#endif
