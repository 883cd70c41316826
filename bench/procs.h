/*
 * procs.h - the process snapshot workload of the scanner benchmark.
 */
#ifndef TLHELP32_BENCH_PROCS_H
#define TLHELP32_BENCH_PROCS_H

void procs_run(void);

#endif
