/*
 * check_tlhelp32.c - the test runner.  CK_RUN_SUITE=name runs one suite,
 * CK_FORK=no runs in one process (for gdb and valgrind).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readable.h"
#include "suites.h"

/*
 * On a machine that refuses to read other processes (Yama ptrace_scope
 * 2 or 3, no CAP_SYS_PTRACE, a seccomp profile: readable.h), only the
 * suites that read none run, and the binary exits 77 (skip) after them,
 * naming the suites left out and why; a failure among those run still
 * fails.
 */
static int
run_unreadable(const char *why)
{
	const char *only = getenv("CK_RUN_SUITE");
	char key[64];
	SRunner *sr;
	int failed;

	snprintf(key, sizeof(key), " %s ", only ? only : "");
	sr = srunner_create(types_suite());
	srunner_add_suite(sr, maps_suite());
	srunner_add_suite(sr, wstr_suite());
	srunner_add_suite(sr, format_suite());
	srunner_add_suite(sr, sysinfo_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (failed)
		return EXIT_FAILURE;
	/* a run of one of those alone (CK_RUN_SUITE, as the maps suite's
	 * text-parser run is) skipped nothing */
	if (only && strstr(" types maps wstr format sysinfo ", key))
		return EXIT_SUCCESS;
	printf("SKIP: suites error, readmem, snapshot, heap, unicode, "
	       "confined, churn, process, vquery, writemem, reliable: %s\n",
	       why);
	return 77;
}

int
main(void)
{
	SRunner *sr;
	int failed;
	char why[256];

	if (!tlh_can_read_child(why, sizeof(why)))
		return run_unreadable(why);
	sr = srunner_create(types_suite());
	srunner_add_suite(sr, error_suite());
	srunner_add_suite(sr, readmem_suite());
	srunner_add_suite(sr, maps_suite());
	srunner_add_suite(sr, snapshot_suite());
	srunner_add_suite(sr, heap_suite());
	srunner_add_suite(sr, unicode_suite());
	srunner_add_suite(sr, confined_suite());
	srunner_add_suite(sr, churn_suite());
	srunner_add_suite(sr, wstr_suite());
	srunner_add_suite(sr, process_suite());
	srunner_add_suite(sr, format_suite());
	srunner_add_suite(sr, sysinfo_suite());
	srunner_add_suite(sr, vquery_suite());
	srunner_add_suite(sr, writemem_suite());
	srunner_add_suite(sr, reliable_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
