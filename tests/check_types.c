/*
 * check_types.c - the Windows types and constants of <tlhelp32.h> at run
 * time: widths, signedness, ranges, and the values Windows code relies on.
 * (tests/header.c pins the same at compile time, in C89 to C11.)
 */
#include "config.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <tlhelp32.h>

#include "suites.h"

#define STRINGIFY(x)	#x
#define EXPANDED(x)	STRINGIFY(x)

START_TEST(dword_is_32_bit_unsigned)
{
	DWORD d = 0xFFFFFFFFu;

	ck_assert_uint_eq(sizeof(DWORD), 4);
	ck_assert((DWORD)-1 > 0);
	ck_assert_uint_eq(d, UINT32_MAX);
	d++;	/* wraps like a 32-bit unsigned, not a 64-bit long */
	ck_assert_uint_eq(d, 0);
	ck_assert_uint_eq(sizeof(*(LPDWORD)NULL), 4);
}
END_TEST

START_TEST(long_is_32_bit_signed)
{
	LONG l = INT32_MIN;

	ck_assert_uint_eq(sizeof(LONG), 4);
	ck_assert_int_lt((LONG)-1, 0);
	ck_assert_int_eq(l, INT32_MIN);
	l = INT32_MAX;
	ck_assert_int_eq(l, 2147483647);
}
END_TEST

START_TEST(bool_is_int)
{
	BOOL b = TRUE;

	ck_assert_uint_eq(sizeof(BOOL), sizeof(int));
	ck_assert_int_lt((BOOL)-1, 0);
	ck_assert_int_eq(TRUE, 1);
	ck_assert_int_eq(FALSE, 0);
	ck_assert_int_eq(b, 1);
	ck_assert(!FALSE);
}
END_TEST

START_TEST(byte_and_char)
{
	ck_assert_uint_eq(sizeof(BYTE), 1);
	ck_assert_uint_eq((BYTE)-1, 255);
	ck_assert_uint_eq(sizeof(CHAR), 1);
	/* CHAR is plain char, with char's signedness. */
	ck_assert_int_eq((CHAR)-1, (char)-1);
	ck_assert_int_eq((CHAR)CHAR_MIN, CHAR_MIN);
}
END_TEST

START_TEST(wchar_is_16_bit_utf16_unit)
{
	WCHAR w = 0xFFFF;

	ck_assert_uint_eq(sizeof(WCHAR), 2);
	ck_assert_uint_eq(w, 0xFFFF);
	w++;
	ck_assert_uint_eq(w, 0);
	ck_assert((WCHAR)-1 > 0);
}
END_TEST

START_TEST(size_and_pointer_types)
{
	int x = 42;
	ULONG_PTR up = (ULONG_PTR)&x;
	HANDLE h = &x;
	HMODULE hm = &x;
	LPVOID lpv = &x;
	LPCVOID lpcv = &x;

	ck_assert_uint_eq(sizeof(SIZE_T), sizeof(size_t));
	ck_assert((SIZE_T)-1 == SIZE_MAX);
	ck_assert_uint_eq(sizeof(ULONG_PTR), sizeof(void *));
	ck_assert((ULONG_PTR)-1 == UINTPTR_MAX);
	/* ULONG_PTR holds a pointer and gives it back. */
	ck_assert_ptr_eq((int *)up, &x);
	ck_assert_int_eq(*(int *)up, 42);
	ck_assert_uint_eq(sizeof(HANDLE), sizeof(void *));
	ck_assert_uint_eq(sizeof(HMODULE), sizeof(void *));
	ck_assert_uint_eq(sizeof(LPVOID), sizeof(void *));
	ck_assert_uint_eq(sizeof(LPCVOID), sizeof(void *));
	ck_assert_ptr_eq(h, &x);
	ck_assert_ptr_eq(hm, &x);
	ck_assert_ptr_eq(lpv, &x);
	ck_assert_ptr_eq(lpcv, &x);
}
END_TEST

START_TEST(max_path)
{
	CHAR path[MAX_PATH];
	WCHAR wpath[MAX_PATH];

	ck_assert_int_eq(MAX_PATH, 260);
	ck_assert_uint_eq(sizeof(path), 260);
	ck_assert_uint_eq(sizeof(wpath), 520);
}
END_TEST

START_TEST(error_codes)
{
	ck_assert_uint_eq(ERROR_SUCCESS, 0);
	ck_assert_uint_eq(ERROR_ACCESS_DENIED, 5);
	ck_assert_uint_eq(ERROR_INVALID_HANDLE, 6);
	ck_assert_uint_eq(ERROR_NOT_ENOUGH_MEMORY, 8);
	ck_assert_uint_eq(ERROR_NO_MORE_FILES, 18);
	ck_assert_uint_eq(ERROR_BAD_LENGTH, 24);
	ck_assert_uint_eq(ERROR_INVALID_PARAMETER, 87);
	ck_assert_uint_eq(ERROR_CALL_NOT_IMPLEMENTED, 120);
	ck_assert_uint_eq(ERROR_INSUFFICIENT_BUFFER, 122);
	ck_assert_uint_eq(ERROR_PARTIAL_COPY, 299);
	ck_assert_uint_eq(ERROR_NOACCESS, 998);
}
END_TEST

/* All bits set, and distinct from NULL (a snapshot never returns NULL). */
START_TEST(invalid_handle_value)
{
	HANDLE h = INVALID_HANDLE_VALUE;

	ck_assert((ULONG_PTR)h == UINTPTR_MAX);
	ck_assert((intptr_t)h == -1);
	ck_assert_ptr_ne(h, NULL);
}
END_TEST

/* Declared the way Windows code declares its own callbacks. */
static DWORD WINAPI
add_one(DWORD x)
{
	return x + 1;
}

START_TEST(winapi_expands_to_nothing)
{
	DWORD (WINAPI *fn)(DWORD) = add_one;
	DWORD (*plain)(DWORD) = fn;	/* same type as without WINAPI */

	ck_assert_str_eq(EXPANDED(WINAPI), "");
	ck_assert_uint_eq(fn(41), 42);
	ck_assert_uint_eq(plain(0xFFFFFFFFu), 0);
}
END_TEST

Suite *
types_suite(void)
{
	Suite *s = suite_create("types");
	TCase *tc = tcase_create("types");

	tcase_add_test(tc, dword_is_32_bit_unsigned);
	tcase_add_test(tc, long_is_32_bit_signed);
	tcase_add_test(tc, bool_is_int);
	tcase_add_test(tc, byte_and_char);
	tcase_add_test(tc, wchar_is_16_bit_utf16_unit);
	tcase_add_test(tc, size_and_pointer_types);
	tcase_add_test(tc, max_path);
	tcase_add_test(tc, error_codes);
	tcase_add_test(tc, invalid_handle_value);
	tcase_add_test(tc, winapi_expands_to_nothing);
	suite_add_tcase(s, tc);
	return s;
}
