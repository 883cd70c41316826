/* suites.h - one Check suite per area; the runner adds them all. */
#ifndef TLHELP32_TESTS_SUITES_H
#define TLHELP32_TESTS_SUITES_H

#include <check.h>

Suite *types_suite(void);
Suite *error_suite(void);
Suite *readmem_suite(void);
Suite *maps_suite(void);
Suite *snapshot_suite(void);
Suite *heap_suite(void);
Suite *unicode_suite(void);
Suite *confined_suite(void);
Suite *churn_suite(void);
Suite *wstr_suite(void);
Suite *process_suite(void);
Suite *format_suite(void);
Suite *sysinfo_suite(void);
Suite *vquery_suite(void);
Suite *writemem_suite(void);
Suite *reliable_suite(void);

#endif
