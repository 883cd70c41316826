/*
 * bench.c - the libtlhelp32 benchmark suite, run by "make bench".
 *
 * Its sections, one file each: the process and thread snapshots against
 * the obvious implementation (readdir /proc, read each stat file) and
 * against ps(1), with at least 1,000 processes on the machine (tasks.c);
 * the module snapshot against one careful pass over the maps of a child
 * that has loaded many copies of a small shared library (modules.c); a
 * million snapshot handles (handles.c); and Toolhelp32ReadProcessMemory()
 * against process_vm_readv(), pread() on /proc/<pid>/mem and open +
 * pread + close, every byte read checked, on the path this kernel gives
 * the library and then on the text of the maps (reads.c).
 *
 * Output: a table per section, then lines for machines ("INFO", "RATIO",
 * "RESULT", "SUMMARY").  The exit status is non-zero when a check of the
 * data fails or the benchmark cannot run; a missed target is reported in
 * the table and the summary, not in the exit status.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "bench.h"
#include "core.h"

int
main(int argc, char **argv)
{
	uint64_t start = core_now_ns();
	const char *path;
	struct utsname u;

	if (argc > 1 && !strcmp(argv[1], READS_TEXT_CHILD_ARG))
		return reads_text_child();
	setvbuf(stdout, NULL, _IOLBF, 0);
	core_init();

	uname(&u);
	printf("# libtlhelp32 benchmark\n");
	printf("kernel: %s %s\n", u.sysname, u.release);
	path = reads_probe(u.release);
	core_pin_cpu();
	reads_prepare();

	/* While this process is small: forks are cheap. */
	tasks_run();
	modules_run();
	handles_run();

	reads_run(path);
	return core_summary(start);
}
