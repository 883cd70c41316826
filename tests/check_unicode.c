/*
 * check_unicode.c - with UNICODE defined before <tlhelp32.h>, the generic
 * names are the W forms, as Windows code compiled for Unicode expects.
 */
#define UNICODE
#include <tlhelp32.h>

#include "suites.h"

START_TEST(test_unicode_names)
{
	PROCESSENTRY32 pe;	/* PROCESSENTRY32W */
	LPPROCESSENTRY32 ppe = &pe;
	MODULEENTRY32 me;	/* MODULEENTRY32W */
	PMODULEENTRY32 pme = &me;
	HANDLE snap;

	ck_assert_uint_eq(sizeof(pe), sizeof(PROCESSENTRY32W));
	ck_assert_uint_eq(sizeof(pe.szExeFile[0]), sizeof(WCHAR));
	ck_assert_uint_eq(sizeof(me), sizeof(MODULEENTRY32W));
	ck_assert_uint_eq(sizeof(*ppe), sizeof(PROCESSENTRY32W));
	ck_assert_uint_eq(sizeof(*pme), sizeof(MODULEENTRY32W));

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPMODULE,
					0);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	pe.dwSize = sizeof(pe);
	me.dwSize = sizeof(me);
	/* the W functions: they accept the W size and fill W strings */
	ck_assert(Process32First(snap, &pe));
	ck_assert(Process32Next(snap, &pe));
	ck_assert_uint_ne(pe.szExeFile[0], 0);
	ck_assert(Module32First(snap, &me));
	ck_assert_uint_eq(me.szExePath[0], '/');
	ck_assert(Module32Next(snap, &me));
	ck_assert(CloseHandle(snap));
}
END_TEST

Suite *
unicode_suite(void)
{
	Suite *s = suite_create("unicode");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, test_unicode_names);
	suite_add_tcase(s, tc);
	return s;
}
