/*
 * lstr.c - kernel32's string functions: lstrlen, lstrcmp, lstrcmpi,
 * lstrcpy, lstrcpyn and lstrcat, in A (char) and W (WCHAR) forms.  See
 * lstrlenA(3).
 *
 * As on Windows, NULL strings are accepted: lstrlen gives 0, lstrcmp
 * orders NULL first, the copying functions return NULL and touch nothing.
 * lstrcmp and lstrcmpi order text as Windows' word sort does for ASCII:
 * case-insensitively first (symbols before digits before letters), then,
 * for lstrcmp, lower case before upper case at the first difference.
 * Other characters come after ASCII letters, in code unit order.
 */
#include "config.h"

#include <string.h>

#include "internal.h"
#include "windows.h"

/* The primary sort weight of a character: its class, then its value. */
static unsigned long
weight(unsigned int c)
{
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	if (c >= 'a' && c <= 'z')
		return 3ul << 16 | c;
	if (c >= '0' && c <= '9')
		return 2ul << 16 | c;
	if (c >= 0x80)
		return 4ul << 16 | c;
	return c ? 1ul << 16 | c : 0;
}

/* Whether c is an upper-case ASCII letter. */
static int
upper(unsigned int c)
{
	return c >= 'A' && c <= 'Z';
}

/*
 * Compare strings a and b, of char or (wide) WCHAR units; with nocase,
 * ignoring case.  -1, 0 or 1.
 */
static int
compare(const void *a, const void *b, int wide, int nocase)
{
	const unsigned char *a8 = a, *b8 = b;
	const WCHAR *a16 = a, *b16 = b;
	unsigned int x, y;
	int tie = 0;
	size_t i;

	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	for (i = 0;; i++) {
		x = wide ? a16[i] : a8[i];
		y = wide ? b16[i] : b8[i];
		if (weight(x) != weight(y))
			return weight(x) < weight(y) ? -1 : 1;
		if (!x)
			return nocase ? 0 : tie;
		if (!tie && x != y)
			tie = upper(x) ? 1 : -1;
	}
}

/* Return the length of a string in characters; 0 for NULL. */
TLH_EXPORT int WINAPI
lstrlenA(LPCSTR lpString)
{
	return lpString ? (int)strlen(lpString) : 0;
}

/* Return the length of a wide string in units; 0 for NULL. */
TLH_EXPORT int WINAPI
lstrlenW(LPCWSTR lpString)
{
	return lpString ? (int)tlhelp32_wcslen(lpString) : 0;
}

/* Compare two strings: -1, 0 or 1. */
TLH_EXPORT int WINAPI
lstrcmpA(LPCSTR lpString1, LPCSTR lpString2)
{
	return compare(lpString1, lpString2, 0, 0);
}

/* Compare two wide strings: -1, 0 or 1. */
TLH_EXPORT int WINAPI
lstrcmpW(LPCWSTR lpString1, LPCWSTR lpString2)
{
	return compare(lpString1, lpString2, 1, 0);
}

/* Compare two strings ignoring case: -1, 0 or 1. */
TLH_EXPORT int WINAPI
lstrcmpiA(LPCSTR lpString1, LPCSTR lpString2)
{
	return compare(lpString1, lpString2, 0, 1);
}

/* Compare two wide strings ignoring case: -1, 0 or 1. */
TLH_EXPORT int WINAPI
lstrcmpiW(LPCWSTR lpString1, LPCWSTR lpString2)
{
	return compare(lpString1, lpString2, 1, 1);
}

/* Copy lpString2 to lpString1; return lpString1, or NULL for NULL. */
TLH_EXPORT LPSTR WINAPI
lstrcpyA(LPSTR lpString1, LPCSTR lpString2)
{
	if (!lpString1 || !lpString2)
		return NULL;
	return strcpy(lpString1, lpString2);
}

/* Copy lpString2 to lpString1; return lpString1, or NULL for NULL. */
TLH_EXPORT LPWSTR WINAPI
lstrcpyW(LPWSTR lpString1, LPCWSTR lpString2)
{
	if (!lpString1 || !lpString2)
		return NULL;
	return tlhelp32_wcscpy(lpString1, lpString2);
}

/*
 * Copy at most iMaxLength - 1 characters of lpString2 to lpString1, and
 * a terminator; return lpString1, or NULL for NULL.
 */
TLH_EXPORT LPSTR WINAPI
lstrcpynA(LPSTR lpString1, LPCSTR lpString2, int iMaxLength)
{
	size_t n;

	if (!lpString1 || !lpString2)
		return NULL;
	if (iMaxLength > 0) {
		n = strnlen(lpString2, (size_t)iMaxLength - 1);
		memmove(lpString1, lpString2, n);
		lpString1[n] = '\0';
	}
	return lpString1;
}

/* The wide lstrcpynA. */
TLH_EXPORT LPWSTR WINAPI
lstrcpynW(LPWSTR lpString1, LPCWSTR lpString2, int iMaxLength)
{
	size_t n;

	if (!lpString1 || !lpString2)
		return NULL;
	if (iMaxLength > 0) {
		n = tlhelp32_wcsnlen(lpString2, (size_t)iMaxLength - 1);
		memmove(lpString1, lpString2, n * sizeof(WCHAR));
		lpString1[n] = 0;
	}
	return lpString1;
}

/* Append lpString2 to lpString1; return lpString1, or NULL for NULL. */
TLH_EXPORT LPSTR WINAPI
lstrcatA(LPSTR lpString1, LPCSTR lpString2)
{
	if (!lpString1 || !lpString2)
		return NULL;
	return strcat(lpString1, lpString2);
}

/* Append lpString2 to lpString1; return lpString1, or NULL for NULL. */
TLH_EXPORT LPWSTR WINAPI
lstrcatW(LPWSTR lpString1, LPCWSTR lpString2)
{
	if (!lpString1 || !lpString2)
		return NULL;
	return tlhelp32_wcscat(lpString1, lpString2);
}
