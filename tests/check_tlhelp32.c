/*
 * check_tlhelp32.c - the test runner.  CK_RUN_SUITE=name runs one suite,
 * CK_FORK=no runs in one process (for gdb and valgrind).
 */
#include <stdlib.h>

#include "suites.h"

int
main(void)
{
	SRunner *sr;
	int failed;

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
