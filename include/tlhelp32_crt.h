/*
 * tlhelp32_crt.h - the text functions of Microsoft's C runtime that
 * Windows tools call, for Linux (libtlhelp32).  <windows.h> and <tchar.h>
 * include it, and so does <tlhelp32.h> when wchar_t is 16 bits wide; a
 * program has no need to include it itself.  windows.h(7) lists it all.
 *
 * Windows' wchar_t is 16 bits wide and glibc's 32, so what this header
 * does depends on the compiler's wchar_t:
 *
 * Default mode ("pkg-config tlhelp32", a 32-bit wchar_t): WCHAR is
 * uint16_t, L"..." literals are not WCHAR strings, and the C library's
 * wide functions stay as they are.  The Microsoft-only wide names
 * (_wcsicmp, _snwprintf, ...) take WCHAR strings.  The C library's wide
 * printf and scanf functions, whose %s is a narrow string where
 * Microsoft's is a wide one, warn at every call.
 *
 * wchar16 mode ("pkg-config tlhelp32-wchar16", -fshort-wchar): WCHAR is
 * wchar_t and L"..." literals are WCHAR strings, as on Windows.  The wide
 * string, conversion and output functions Windows code calls are macros
 * for 16-bit versions in libtlhelp32, tlhelp32_<name>, with Microsoft's
 * printf rules; the narrow printf and scanf functions are macros for
 * versions whose %ls and %lc take 16-bit text, tlhelp32_w16_<name>; each
 * other C library function that takes wide text fails to compile with a
 * message that says why.
 *
 * Either way the functions Microsoft's C runtime has and glibc lacks
 * (_stricmp, _strdup, _snprintf, ...) are macros for tlhelp32_<name>.
 */
#ifndef TLHELP32_CRT_H
#define TLHELP32_CRT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <inttypes.h>

/*
 * Every C library header that declares a name this header redefines is
 * included before it does (libstdc++'s <cwchar>, <cstdlib>, <cstdio> and
 * <cinttypes> #undef those names), so including one later changes nothing.
 */
#ifdef __cplusplus
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#if __cplusplus >= 201103L
#include <cinttypes>
#endif
#endif

#include "tlhelp32.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the functions of this header: Microsoft declares them __cdecl. */
#define TLHELP32_CRTAPI

#ifdef __GNUC__
#define TLHELP32_PRINTF(f, a) \
	__attribute__((__format__(__printf__, f, a)))
#define TLHELP32_SCANF(f, a) \
	__attribute__((__format__(__scanf__, f, a)))
/* long long, which C90 and C++98 lack but GCC and Clang have in all modes */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wlong-long"
#else
#define TLHELP32_PRINTF(f, a)
#define TLHELP32_SCANF(f, a)
#endif

struct tm;

/* --- narrow text: what Microsoft's C runtime has and glibc lacks ---------- */

/* Compare ignoring ASCII case, as Windows does in the "C" locale. */
int TLHELP32_CRTAPI tlhelp32__stricmp(const char *s1, const char *s2);
int TLHELP32_CRTAPI tlhelp32__strnicmp(const char *s1, const char *s2,
				       size_t n);
char *TLHELP32_CRTAPI tlhelp32__strdup(const char *s);
char *TLHELP32_CRTAPI tlhelp32__strlwr(char *s);
char *TLHELP32_CRTAPI tlhelp32__strupr(char *s);

/*
 * _snprintf and _vsnprintf: the C library's format rules (its wchar_t
 * for %ls), Microsoft's result: no terminator when the text fills the
 * buffer exactly, -1 and no terminator when it does not fit.
 */
int TLHELP32_CRTAPI tlhelp32__snprintf(char *buf, size_t n, const char *fmt,
				       ...) TLHELP32_PRINTF(3, 4);
int TLHELP32_CRTAPI tlhelp32__vsnprintf(char *buf, size_t n, const char *fmt,
					va_list ap) TLHELP32_PRINTF(3, 0);

/* --- 16-bit wide text: the C and Microsoft functions, for WCHAR ----------- */

size_t TLHELP32_CRTAPI tlhelp32_wcslen(const WCHAR *s);
size_t TLHELP32_CRTAPI tlhelp32_wcsnlen(const WCHAR *s, size_t n);
int TLHELP32_CRTAPI tlhelp32_wcscmp(const WCHAR *s1, const WCHAR *s2);
int TLHELP32_CRTAPI tlhelp32_wcsncmp(const WCHAR *s1, const WCHAR *s2,
				     size_t n);
int TLHELP32_CRTAPI tlhelp32__wcsicmp(const WCHAR *s1, const WCHAR *s2);
int TLHELP32_CRTAPI tlhelp32__wcsnicmp(const WCHAR *s1, const WCHAR *s2,
				       size_t n);
WCHAR *TLHELP32_CRTAPI tlhelp32_wcscpy(WCHAR *dst, const WCHAR *src);
WCHAR *TLHELP32_CRTAPI tlhelp32_wcsncpy(WCHAR *dst, const WCHAR *src,
					size_t n);
WCHAR *TLHELP32_CRTAPI tlhelp32_wcscat(WCHAR *dst, const WCHAR *src);
WCHAR *TLHELP32_CRTAPI tlhelp32_wcsncat(WCHAR *dst, const WCHAR *src,
					size_t n);
WCHAR *TLHELP32_CRTAPI tlhelp32_wcschr(const WCHAR *s, WCHAR c);
WCHAR *TLHELP32_CRTAPI tlhelp32_wcsrchr(const WCHAR *s, WCHAR c);
WCHAR *TLHELP32_CRTAPI tlhelp32_wcsstr(const WCHAR *s, const WCHAR *sub);
size_t TLHELP32_CRTAPI tlhelp32_wcsspn(const WCHAR *s, const WCHAR *set);
size_t TLHELP32_CRTAPI tlhelp32_wcscspn(const WCHAR *s, const WCHAR *set);
WCHAR *TLHELP32_CRTAPI tlhelp32_wcspbrk(const WCHAR *s, const WCHAR *set);
WCHAR *TLHELP32_CRTAPI tlhelp32_wcstok(WCHAR *s, const WCHAR *delim,
				       WCHAR **state);
WCHAR *TLHELP32_CRTAPI tlhelp32__wcstok(WCHAR *s, const WCHAR *delim);
WCHAR *TLHELP32_CRTAPI tlhelp32_wcsdup(const WCHAR *s);
WCHAR *TLHELP32_CRTAPI tlhelp32__wcslwr(WCHAR *s);
WCHAR *TLHELP32_CRTAPI tlhelp32__wcsupr(WCHAR *s);
WCHAR *TLHELP32_CRTAPI tlhelp32_wmemchr(const WCHAR *s, WCHAR c, size_t n);
int TLHELP32_CRTAPI tlhelp32_wmemcmp(const WCHAR *s1, const WCHAR *s2,
				     size_t n);
WCHAR *TLHELP32_CRTAPI tlhelp32_wmemcpy(WCHAR *dst, const WCHAR *src,
					size_t n);
WCHAR *TLHELP32_CRTAPI tlhelp32_wmemmove(WCHAR *dst, const WCHAR *src,
					 size_t n);
WCHAR *TLHELP32_CRTAPI tlhelp32_wmemset(WCHAR *dst, WCHAR c, size_t n);

/* Numbers, read as strtol() and friends read them. */
long TLHELP32_CRTAPI tlhelp32_wcstol(const WCHAR *s, WCHAR **end, int base);
unsigned long TLHELP32_CRTAPI tlhelp32_wcstoul(const WCHAR *s, WCHAR **end,
					       int base);
long long TLHELP32_CRTAPI tlhelp32_wcstoll(const WCHAR *s, WCHAR **end,
					    int base);
unsigned long long TLHELP32_CRTAPI tlhelp32_wcstoull(const WCHAR *s,
						     WCHAR **end, int base);
long long TLHELP32_CRTAPI tlhelp32__wcstoi64(const WCHAR *s, WCHAR **end,
					     int base);
unsigned long long TLHELP32_CRTAPI tlhelp32__wcstoui64(const WCHAR *s,
						       WCHAR **end,
						       int base);
double TLHELP32_CRTAPI tlhelp32_wcstod(const WCHAR *s, WCHAR **end);
float TLHELP32_CRTAPI tlhelp32_wcstof(const WCHAR *s, WCHAR **end);
long double TLHELP32_CRTAPI tlhelp32_wcstold(const WCHAR *s, WCHAR **end);
int TLHELP32_CRTAPI tlhelp32__wtoi(const WCHAR *s);
long TLHELP32_CRTAPI tlhelp32__wtol(const WCHAR *s);
long long TLHELP32_CRTAPI tlhelp32__wtoi64(const WCHAR *s);
double TLHELP32_CRTAPI tlhelp32__wtof(const WCHAR *s);

/* UTF-8 to and from UTF-16. */
size_t TLHELP32_CRTAPI tlhelp32_mbstowcs(WCHAR *dst, const char *src,
					 size_t n);
size_t TLHELP32_CRTAPI tlhelp32_wcstombs(char *dst, const WCHAR *src,
					 size_t n);

/* Output to a stdio stream, as UTF-8. */
int TLHELP32_CRTAPI tlhelp32_fputws(const WCHAR *s, FILE *stream);
int TLHELP32_CRTAPI tlhelp32__putws(const WCHAR *s);
wint_t TLHELP32_CRTAPI tlhelp32_fputwc(WCHAR c, FILE *stream);
wint_t TLHELP32_CRTAPI tlhelp32_putwchar(WCHAR c);
FILE *TLHELP32_CRTAPI tlhelp32__wfopen(const WCHAR *path, const WCHAR *mode);

/*
 * The wide printf functions, with Microsoft's rules: %s and %c take wide
 * text, %hs, %S, %hc and %C narrow; l sizes a 32-bit integer, as I32; I64
 * and I size 64-bit and pointer-sized ones.  The stream functions write
 * UTF-8.
 */
int TLHELP32_CRTAPI tlhelp32_wprintf(const WCHAR *fmt, ...);
int TLHELP32_CRTAPI tlhelp32_fwprintf(FILE *stream, const WCHAR *fmt, ...);
int TLHELP32_CRTAPI tlhelp32_swprintf(WCHAR *buf, size_t n, const WCHAR *fmt,
				      ...);
int TLHELP32_CRTAPI tlhelp32_vwprintf(const WCHAR *fmt, va_list ap);
int TLHELP32_CRTAPI tlhelp32_vfwprintf(FILE *stream, const WCHAR *fmt,
				       va_list ap);
int TLHELP32_CRTAPI tlhelp32_vswprintf(WCHAR *buf, size_t n,
				       const WCHAR *fmt, va_list ap);
int TLHELP32_CRTAPI tlhelp32__snwprintf(WCHAR *buf, size_t n,
					const WCHAR *fmt, ...);
int TLHELP32_CRTAPI tlhelp32__vsnwprintf(WCHAR *buf, size_t n,
					 const WCHAR *fmt, va_list ap);
int TLHELP32_CRTAPI tlhelp32__swprintf(WCHAR *buf, const WCHAR *fmt, ...);
int TLHELP32_CRTAPI tlhelp32__vswprintf(WCHAR *buf, const WCHAR *fmt,
					va_list ap);

/*
 * The narrow printf and scanf functions for the wchar16 mode: the C
 * library's, except that the printf ones read %ls, %S, %lc and %C
 * arguments as 16-bit text, and the scanf ones refuse those conversions.
 */
int TLHELP32_CRTAPI tlhelp32_w16_printf(const char *fmt, ...)
	TLHELP32_PRINTF(1, 2);
int TLHELP32_CRTAPI tlhelp32_w16_fprintf(FILE *stream, const char *fmt, ...)
	TLHELP32_PRINTF(2, 3);
int TLHELP32_CRTAPI tlhelp32_w16_sprintf(char *buf, const char *fmt, ...)
	TLHELP32_PRINTF(2, 3);
int TLHELP32_CRTAPI tlhelp32_w16_snprintf(char *buf, size_t n,
					  const char *fmt, ...)
	TLHELP32_PRINTF(3, 4);
int TLHELP32_CRTAPI tlhelp32_w16_dprintf(int fd, const char *fmt, ...)
	TLHELP32_PRINTF(2, 3);
int TLHELP32_CRTAPI tlhelp32_w16_asprintf(char **strp, const char *fmt, ...)
	TLHELP32_PRINTF(2, 3);
int TLHELP32_CRTAPI tlhelp32_w16__snprintf(char *buf, size_t n,
					   const char *fmt, ...)
	TLHELP32_PRINTF(3, 4);
int TLHELP32_CRTAPI tlhelp32_w16_vprintf(const char *fmt, va_list ap)
	TLHELP32_PRINTF(1, 0);
int TLHELP32_CRTAPI tlhelp32_w16_vfprintf(FILE *stream, const char *fmt,
					  va_list ap) TLHELP32_PRINTF(2, 0);
int TLHELP32_CRTAPI tlhelp32_w16_vsprintf(char *buf, const char *fmt,
					  va_list ap) TLHELP32_PRINTF(2, 0);
int TLHELP32_CRTAPI tlhelp32_w16_vsnprintf(char *buf, size_t n,
					   const char *fmt, va_list ap)
	TLHELP32_PRINTF(3, 0);
int TLHELP32_CRTAPI tlhelp32_w16_vdprintf(int fd, const char *fmt,
					  va_list ap) TLHELP32_PRINTF(2, 0);
int TLHELP32_CRTAPI tlhelp32_w16_vasprintf(char **strp, const char *fmt,
					   va_list ap) TLHELP32_PRINTF(2, 0);
int TLHELP32_CRTAPI tlhelp32_w16__vsnprintf(char *buf, size_t n,
					    const char *fmt, va_list ap)
	TLHELP32_PRINTF(3, 0);
int TLHELP32_CRTAPI tlhelp32_w16_scanf(const char *fmt, ...)
	TLHELP32_SCANF(1, 2);
int TLHELP32_CRTAPI tlhelp32_w16_fscanf(FILE *stream, const char *fmt, ...)
	TLHELP32_SCANF(2, 3);
int TLHELP32_CRTAPI tlhelp32_w16_sscanf(const char *s, const char *fmt, ...)
	TLHELP32_SCANF(2, 3);
int TLHELP32_CRTAPI tlhelp32_w16_vscanf(const char *fmt, va_list ap)
	TLHELP32_SCANF(1, 0);
int TLHELP32_CRTAPI tlhelp32_w16_vfscanf(FILE *stream, const char *fmt,
					 va_list ap) TLHELP32_SCANF(2, 0);
int TLHELP32_CRTAPI tlhelp32_w16_vsscanf(const char *s, const char *fmt,
					 va_list ap) TLHELP32_SCANF(2, 0);

#if TLHELP32_WCHAR16
/*
 * wchar16 mode: the C library's functions that take or return wide text
 * and have no 16-bit version here.  Each name is a macro for one of
 * these, which no library defines: a call is a compile error (GCC, Clang)
 * or, with other compilers, a link error, naming the function.
 */
#define TLHELP32_NO16_WHY(name)	#name ": the C library's " #name " is " \
	"written for its 32-bit wchar_t and this program is built with " \
	"-fshort-wchar (tlhelp32-wchar16); libtlhelp32 has no 16-bit " \
	#name ": see windows.h(7)"
#if defined(__clang__)
#define TLHELP32_NO16(name) \
	__attribute__((__unavailable__(TLHELP32_NO16_WHY(name))))
#elif defined(__GNUC__)
#define TLHELP32_NO16(name) \
	__attribute__((__error__(TLHELP32_NO16_WHY(name))))
#else
#define TLHELP32_NO16(name)
#endif
int tlhelp32_no16_wcscoll(const wchar_t *, const wchar_t *)
	TLHELP32_NO16(wcscoll);
size_t tlhelp32_no16_wcsxfrm(wchar_t *, const wchar_t *, size_t)
	TLHELP32_NO16(wcsxfrm);
size_t tlhelp32_no16_wcsftime(wchar_t *, size_t, const wchar_t *,
			      const struct tm *) TLHELP32_NO16(wcsftime);
int tlhelp32_no16_wcscasecmp(const wchar_t *, const wchar_t *)
	TLHELP32_NO16(wcscasecmp);
int tlhelp32_no16_wcsncasecmp(const wchar_t *, const wchar_t *, size_t)
	TLHELP32_NO16(wcsncasecmp);
wchar_t *tlhelp32_no16_wcpcpy(wchar_t *, const wchar_t *)
	TLHELP32_NO16(wcpcpy);
wchar_t *tlhelp32_no16_wcpncpy(wchar_t *, const wchar_t *, size_t)
	TLHELP32_NO16(wcpncpy);
wchar_t *tlhelp32_no16_wcschrnul(const wchar_t *, wchar_t)
	TLHELP32_NO16(wcschrnul);
wchar_t *tlhelp32_no16_wcswcs(const wchar_t *, const wchar_t *)
	TLHELP32_NO16(wcswcs);
int tlhelp32_no16_wcswidth(const wchar_t *, size_t) TLHELP32_NO16(wcswidth);
wchar_t *tlhelp32_no16_wmempcpy(wchar_t *, const wchar_t *, size_t)
	TLHELP32_NO16(wmempcpy);
size_t tlhelp32_no16_wcsrtombs(char *, const wchar_t **, size_t,
			       mbstate_t *) TLHELP32_NO16(wcsrtombs);
size_t tlhelp32_no16_wcsnrtombs(char *, const wchar_t **, size_t, size_t,
				mbstate_t *) TLHELP32_NO16(wcsnrtombs);
size_t tlhelp32_no16_mbsrtowcs(wchar_t *, const char **, size_t,
			       mbstate_t *) TLHELP32_NO16(mbsrtowcs);
size_t tlhelp32_no16_mbsnrtowcs(wchar_t *, const char **, size_t, size_t,
				mbstate_t *) TLHELP32_NO16(mbsnrtowcs);
size_t tlhelp32_no16_mbrtowc(wchar_t *, const char *, size_t, mbstate_t *)
	TLHELP32_NO16(mbrtowc);
int tlhelp32_no16_mbtowc(wchar_t *, const char *, size_t)
	TLHELP32_NO16(mbtowc);
intmax_t tlhelp32_no16_wcstoimax(const wchar_t *, wchar_t **, int)
	TLHELP32_NO16(wcstoimax);
uintmax_t tlhelp32_no16_wcstoumax(const wchar_t *, wchar_t **, int)
	TLHELP32_NO16(wcstoumax);
long long tlhelp32_no16_wcstoq(const wchar_t *, wchar_t **, int)
	TLHELP32_NO16(wcstoq);
unsigned long long tlhelp32_no16_wcstouq(const wchar_t *, wchar_t **, int)
	TLHELP32_NO16(wcstouq);
FILE *tlhelp32_no16_open_wmemstream(wchar_t **, size_t *)
	TLHELP32_NO16(open_wmemstream);
wchar_t *tlhelp32_no16_fgetws(wchar_t *, int, FILE *) TLHELP32_NO16(fgetws);
wchar_t *tlhelp32_no16_fgetws_unlocked(wchar_t *, int, FILE *)
	TLHELP32_NO16(fgetws_unlocked);
int tlhelp32_no16_fputws_unlocked(const wchar_t *, FILE *)
	TLHELP32_NO16(fputws_unlocked);
/* Wide stream input would set the stream wide-oriented: no narrow
 * function could use it afterwards. */
wint_t tlhelp32_no16_fgetwc(FILE *) TLHELP32_NO16(fgetwc);
wint_t tlhelp32_no16_getwc(FILE *) TLHELP32_NO16(getwc);
wint_t tlhelp32_no16_getwchar(void) TLHELP32_NO16(getwchar);
wint_t tlhelp32_no16_ungetwc(wint_t, FILE *) TLHELP32_NO16(ungetwc);
wint_t tlhelp32_no16_fgetwc_unlocked(FILE *) TLHELP32_NO16(fgetwc_unlocked);
wint_t tlhelp32_no16_getwc_unlocked(FILE *) TLHELP32_NO16(getwc_unlocked);
wint_t tlhelp32_no16_getwchar_unlocked(void)
	TLHELP32_NO16(getwchar_unlocked);
wint_t tlhelp32_no16_fputwc_unlocked(wchar_t, FILE *)
	TLHELP32_NO16(fputwc_unlocked);
wint_t tlhelp32_no16_putwc_unlocked(wchar_t, FILE *)
	TLHELP32_NO16(putwc_unlocked);
wint_t tlhelp32_no16_putwchar_unlocked(wchar_t)
	TLHELP32_NO16(putwchar_unlocked);
int tlhelp32_no16_wscanf(const wchar_t *, ...) TLHELP32_NO16(wscanf);
int tlhelp32_no16_fwscanf(FILE *, const wchar_t *, ...)
	TLHELP32_NO16(fwscanf);
int tlhelp32_no16_swscanf(const wchar_t *, const wchar_t *, ...)
	TLHELP32_NO16(swscanf);
int tlhelp32_no16_vwscanf(const wchar_t *, va_list) TLHELP32_NO16(vwscanf);
int tlhelp32_no16_vfwscanf(FILE *, const wchar_t *, va_list)
	TLHELP32_NO16(vfwscanf);
int tlhelp32_no16_vswscanf(const wchar_t *, const wchar_t *, va_list)
	TLHELP32_NO16(vswscanf);
#else
/*
 * Default mode: the C library's wide printf and scanf functions, under
 * names that warn at each call (the assembler names are the C library's
 * own: the calls reach it).  Windows code that calls them means
 * Microsoft's %s and %c, wide text, where the C library's are narrow.
 */
#ifdef __GNUC__
#define TLHELP32_LIBC(name) \
	__asm__(#name) __attribute__((__deprecated__( \
	#name ": in Windows code %s and %c are wide text, in the C " \
	"library's " #name " narrow: build with tlhelp32-wchar16 for " \
	"Microsoft's " #name ", or use %ls and %lc with wchar_t text")))
int tlhelp32_libc_wprintf(const wchar_t *, ...) TLHELP32_LIBC(wprintf);
int tlhelp32_libc_fwprintf(FILE *, const wchar_t *, ...)
	TLHELP32_LIBC(fwprintf);
int tlhelp32_libc_swprintf(wchar_t *, size_t, const wchar_t *, ...)
	TLHELP32_LIBC(swprintf);
int tlhelp32_libc_vwprintf(const wchar_t *, va_list) TLHELP32_LIBC(vwprintf);
int tlhelp32_libc_vfwprintf(FILE *, const wchar_t *, va_list)
	TLHELP32_LIBC(vfwprintf);
int tlhelp32_libc_vswprintf(wchar_t *, size_t, const wchar_t *, va_list)
	TLHELP32_LIBC(vswprintf);
int tlhelp32_libc_wscanf(const wchar_t *, ...) TLHELP32_LIBC(wscanf);
int tlhelp32_libc_fwscanf(FILE *, const wchar_t *, ...)
	TLHELP32_LIBC(fwscanf);
int tlhelp32_libc_swscanf(const wchar_t *, const wchar_t *, ...)
	TLHELP32_LIBC(swscanf);
int tlhelp32_libc_vwscanf(const wchar_t *, va_list) TLHELP32_LIBC(vwscanf);
int tlhelp32_libc_vfwscanf(FILE *, const wchar_t *, va_list)
	TLHELP32_LIBC(vfwscanf);
int tlhelp32_libc_vswscanf(const wchar_t *, const wchar_t *, va_list)
	TLHELP32_LIBC(vswscanf);
#endif
#endif /* TLHELP32_WCHAR16 */

#ifdef __GNUC__
#pragma GCC diagnostic pop
#endif

#ifdef __cplusplus
}
#endif

/*
 * The macros.  GCC and Clang treat the rest of this file as a system
 * header, so that their expansions inside the C++ library's own headers
 * (std::to_wstring takes &std::vswprintf) do not warn there: a program's
 * own calls still do.
 */
#ifdef __GNUC__
#pragma GCC system_header
#endif

/* Microsoft's names for what glibc lacks (both modes). */
#define _stricmp	tlhelp32__stricmp
#define _strcmpi	tlhelp32__stricmp
#define _strnicmp	tlhelp32__strnicmp
#define _strdup		tlhelp32__strdup
#define _strlwr		tlhelp32__strlwr
#define _strupr		tlhelp32__strupr
#define _wcsicmp	tlhelp32__wcsicmp
#define _wcsnicmp	tlhelp32__wcsnicmp
#define _wcsdup		tlhelp32_wcsdup
#define _wcslwr		tlhelp32__wcslwr
#define _wcsupr		tlhelp32__wcsupr
#define _wcstok		tlhelp32__wcstok
#define _wcstoi64	tlhelp32__wcstoi64
#define _wcstoui64	tlhelp32__wcstoui64
#define _wtoi		tlhelp32__wtoi
#define _wtol		tlhelp32__wtol
#define _wtoi64		tlhelp32__wtoi64
#define _wtof		tlhelp32__wtof
#define _putws		tlhelp32__putws
#define _wfopen		tlhelp32__wfopen
#define _snwprintf	tlhelp32__snwprintf
#define _vsnwprintf	tlhelp32__vsnwprintf
#define _swprintf	tlhelp32__swprintf
#define _vswprintf	tlhelp32__vswprintf

#if TLHELP32_WCHAR16

#define _snprintf	tlhelp32_w16__snprintf
#define _vsnprintf	tlhelp32_w16__vsnprintf

/*
 * The C library's names (the #undef drops the function-like macros some
 * C libraries define for them, as glibc does with _FORTIFY_SOURCE).
 */
#undef wcslen
#define wcslen		tlhelp32_wcslen
#undef wcsnlen
#define wcsnlen		tlhelp32_wcsnlen
#undef wcscmp
#define wcscmp		tlhelp32_wcscmp
#undef wcsncmp
#define wcsncmp		tlhelp32_wcsncmp
#undef wcscpy
#define wcscpy		tlhelp32_wcscpy
#undef wcsncpy
#define wcsncpy		tlhelp32_wcsncpy
#undef wcscat
#define wcscat		tlhelp32_wcscat
#undef wcsncat
#define wcsncat		tlhelp32_wcsncat
#undef wcschr
#define wcschr		tlhelp32_wcschr
#undef wcsrchr
#define wcsrchr		tlhelp32_wcsrchr
#undef wcsstr
#define wcsstr		tlhelp32_wcsstr
#undef wcsspn
#define wcsspn		tlhelp32_wcsspn
#undef wcscspn
#define wcscspn		tlhelp32_wcscspn
#undef wcspbrk
#define wcspbrk		tlhelp32_wcspbrk
#undef wcstok
#define wcstok		tlhelp32_wcstok
#undef wcsdup
#define wcsdup		tlhelp32_wcsdup
#undef wmemchr
#define wmemchr		tlhelp32_wmemchr
#undef wmemcmp
#define wmemcmp		tlhelp32_wmemcmp
#undef wmemcpy
#define wmemcpy		tlhelp32_wmemcpy
#undef wmemmove
#define wmemmove	tlhelp32_wmemmove
#undef wmemset
#define wmemset		tlhelp32_wmemset
#undef wcstol
#define wcstol		tlhelp32_wcstol
#undef wcstoul
#define wcstoul		tlhelp32_wcstoul
#undef wcstoll
#define wcstoll		tlhelp32_wcstoll
#undef wcstoull
#define wcstoull	tlhelp32_wcstoull
#undef wcstod
#define wcstod		tlhelp32_wcstod
#undef wcstof
#define wcstof		tlhelp32_wcstof
#undef wcstold
#define wcstold		tlhelp32_wcstold
#undef mbstowcs
#define mbstowcs	tlhelp32_mbstowcs
#undef wcstombs
#define wcstombs	tlhelp32_wcstombs
#undef fputws
#define fputws		tlhelp32_fputws
#undef fputwc
#define fputwc		tlhelp32_fputwc
#undef putwc
#define putwc		tlhelp32_fputwc
#undef putwchar
#define putwchar	tlhelp32_putwchar
#undef wprintf
#define wprintf		tlhelp32_wprintf
#undef fwprintf
#define fwprintf	tlhelp32_fwprintf
#undef swprintf
#define swprintf	tlhelp32_swprintf
#undef vwprintf
#define vwprintf	tlhelp32_vwprintf
#undef vfwprintf
#define vfwprintf	tlhelp32_vfwprintf
#undef vswprintf
#define vswprintf	tlhelp32_vswprintf

#undef printf
#define printf		tlhelp32_w16_printf
#undef fprintf
#define fprintf		tlhelp32_w16_fprintf
#undef sprintf
#define sprintf		tlhelp32_w16_sprintf
#undef snprintf
#define snprintf	tlhelp32_w16_snprintf
#undef dprintf
#define dprintf		tlhelp32_w16_dprintf
#undef asprintf
#define asprintf	tlhelp32_w16_asprintf
#undef vprintf
#define vprintf		tlhelp32_w16_vprintf
#undef vfprintf
#define vfprintf	tlhelp32_w16_vfprintf
#undef vsprintf
#define vsprintf	tlhelp32_w16_vsprintf
#undef vsnprintf
#define vsnprintf	tlhelp32_w16_vsnprintf
#undef vdprintf
#define vdprintf	tlhelp32_w16_vdprintf
#undef vasprintf
#define vasprintf	tlhelp32_w16_vasprintf
#undef scanf
#define scanf		tlhelp32_w16_scanf
#undef fscanf
#define fscanf		tlhelp32_w16_fscanf
#undef sscanf
#define sscanf		tlhelp32_w16_sscanf
#undef vscanf
#define vscanf		tlhelp32_w16_vscanf
#undef vfscanf
#define vfscanf		tlhelp32_w16_vfscanf
#undef vsscanf
#define vsscanf		tlhelp32_w16_vsscanf

#undef wcscoll
#define wcscoll		tlhelp32_no16_wcscoll
#undef wcsxfrm
#define wcsxfrm		tlhelp32_no16_wcsxfrm
#undef wcsftime
#define wcsftime	tlhelp32_no16_wcsftime
#undef wcscasecmp
#define wcscasecmp	tlhelp32_no16_wcscasecmp
#undef wcsncasecmp
#define wcsncasecmp	tlhelp32_no16_wcsncasecmp
#undef wcpcpy
#define wcpcpy		tlhelp32_no16_wcpcpy
#undef wcpncpy
#define wcpncpy		tlhelp32_no16_wcpncpy
#undef wcschrnul
#define wcschrnul	tlhelp32_no16_wcschrnul
#undef wcswcs
#define wcswcs		tlhelp32_no16_wcswcs
#undef wcswidth
#define wcswidth	tlhelp32_no16_wcswidth
#undef wmempcpy
#define wmempcpy	tlhelp32_no16_wmempcpy
#undef wcsrtombs
#define wcsrtombs	tlhelp32_no16_wcsrtombs
#undef wcsnrtombs
#define wcsnrtombs	tlhelp32_no16_wcsnrtombs
#undef mbsrtowcs
#define mbsrtowcs	tlhelp32_no16_mbsrtowcs
#undef mbsnrtowcs
#define mbsnrtowcs	tlhelp32_no16_mbsnrtowcs
#undef mbrtowc
#define mbrtowc		tlhelp32_no16_mbrtowc
#undef mbtowc
#define mbtowc		tlhelp32_no16_mbtowc
#undef wcstoimax
#define wcstoimax	tlhelp32_no16_wcstoimax
#undef wcstoumax
#define wcstoumax	tlhelp32_no16_wcstoumax
#undef wcstoq
#define wcstoq		tlhelp32_no16_wcstoq
#undef wcstouq
#define wcstouq		tlhelp32_no16_wcstouq
#undef open_wmemstream
#define open_wmemstream	tlhelp32_no16_open_wmemstream
#undef fgetws
#define fgetws		tlhelp32_no16_fgetws
#undef fgetws_unlocked
#define fgetws_unlocked	tlhelp32_no16_fgetws_unlocked
#undef fputws_unlocked
#define fputws_unlocked	tlhelp32_no16_fputws_unlocked
#undef fgetwc
#define fgetwc		tlhelp32_no16_fgetwc
#undef getwc
#define getwc		tlhelp32_no16_getwc
#undef getwchar
#define getwchar	tlhelp32_no16_getwchar
#undef ungetwc
#define ungetwc		tlhelp32_no16_ungetwc
#undef fgetwc_unlocked
#define fgetwc_unlocked	tlhelp32_no16_fgetwc_unlocked
#undef getwc_unlocked
#define getwc_unlocked	tlhelp32_no16_getwc_unlocked
#undef getwchar_unlocked
#define getwchar_unlocked tlhelp32_no16_getwchar_unlocked
#undef fputwc_unlocked
#define fputwc_unlocked	tlhelp32_no16_fputwc_unlocked
#undef putwc_unlocked
#define putwc_unlocked	tlhelp32_no16_putwc_unlocked
#undef putwchar_unlocked
#define putwchar_unlocked tlhelp32_no16_putwchar_unlocked
#undef wscanf
#define wscanf		tlhelp32_no16_wscanf
#undef fwscanf
#define fwscanf		tlhelp32_no16_fwscanf
#undef swscanf
#define swscanf		tlhelp32_no16_swscanf
#undef vwscanf
#define vwscanf		tlhelp32_no16_vwscanf
#undef vfwscanf
#define vfwscanf	tlhelp32_no16_vfwscanf
#undef vswscanf
#define vswscanf	tlhelp32_no16_vswscanf

#ifdef __cplusplus
/*
 * std::wcslen and the rest are the C names' using-declarations, made by
 * <cwchar> and its siblings above, before the macros: these make the
 * qualified names (std::tlhelp32_wcslen, after the macros) reach the
 * same functions as the unqualified ones.
 */
namespace std {
using ::tlhelp32_wcslen;
using ::tlhelp32_wcsnlen;
using ::tlhelp32_wcscmp;
using ::tlhelp32_wcsncmp;
using ::tlhelp32_wcscpy;
using ::tlhelp32_wcsncpy;
using ::tlhelp32_wcscat;
using ::tlhelp32_wcsncat;
using ::tlhelp32_wcschr;
using ::tlhelp32_wcsrchr;
using ::tlhelp32_wcsstr;
using ::tlhelp32_wcsspn;
using ::tlhelp32_wcscspn;
using ::tlhelp32_wcspbrk;
using ::tlhelp32_wcstok;
using ::tlhelp32_wmemchr;
using ::tlhelp32_wmemcmp;
using ::tlhelp32_wmemcpy;
using ::tlhelp32_wmemmove;
using ::tlhelp32_wmemset;
using ::tlhelp32_wcstol;
using ::tlhelp32_wcstoul;
using ::tlhelp32_wcstoll;
using ::tlhelp32_wcstoull;
using ::tlhelp32_wcstod;
using ::tlhelp32_wcstof;
using ::tlhelp32_wcstold;
using ::tlhelp32_mbstowcs;
using ::tlhelp32_wcstombs;
using ::tlhelp32_fputws;
using ::tlhelp32_fputwc;
using ::tlhelp32_putwchar;
using ::tlhelp32_wprintf;
using ::tlhelp32_fwprintf;
using ::tlhelp32_swprintf;
using ::tlhelp32_vwprintf;
using ::tlhelp32_vfwprintf;
using ::tlhelp32_vswprintf;
using ::tlhelp32_w16_printf;
using ::tlhelp32_w16_fprintf;
using ::tlhelp32_w16_sprintf;
using ::tlhelp32_w16_snprintf;
using ::tlhelp32_w16_vprintf;
using ::tlhelp32_w16_vfprintf;
using ::tlhelp32_w16_vsprintf;
using ::tlhelp32_w16_vsnprintf;
using ::tlhelp32_w16_scanf;
using ::tlhelp32_w16_fscanf;
using ::tlhelp32_w16_sscanf;
using ::tlhelp32_w16_vscanf;
using ::tlhelp32_w16_vfscanf;
using ::tlhelp32_w16_vsscanf;
using ::tlhelp32_no16_wcscoll;
using ::tlhelp32_no16_wcsxfrm;
using ::tlhelp32_no16_wcsftime;
using ::tlhelp32_no16_wcsrtombs;
using ::tlhelp32_no16_mbsrtowcs;
using ::tlhelp32_no16_mbrtowc;
using ::tlhelp32_no16_mbtowc;
using ::tlhelp32_no16_wcstoimax;
using ::tlhelp32_no16_wcstoumax;
using ::tlhelp32_no16_fgetws;
using ::tlhelp32_no16_fgetwc;
using ::tlhelp32_no16_getwc;
using ::tlhelp32_no16_getwchar;
using ::tlhelp32_no16_ungetwc;
using ::tlhelp32_no16_wscanf;
using ::tlhelp32_no16_fwscanf;
using ::tlhelp32_no16_swscanf;
using ::tlhelp32_no16_vwscanf;
using ::tlhelp32_no16_vfwscanf;
using ::tlhelp32_no16_vswscanf;
}
#endif /* __cplusplus */

#elif defined(__GNUC__) /* default mode */

#define _snprintf	tlhelp32__snprintf
#define _vsnprintf	tlhelp32__vsnprintf

#undef wprintf
#define wprintf		tlhelp32_libc_wprintf
#undef fwprintf
#define fwprintf	tlhelp32_libc_fwprintf
#undef swprintf
#define swprintf	tlhelp32_libc_swprintf
#undef vwprintf
#define vwprintf	tlhelp32_libc_vwprintf
#undef vfwprintf
#define vfwprintf	tlhelp32_libc_vfwprintf
#undef vswprintf
#define vswprintf	tlhelp32_libc_vswprintf
#undef wscanf
#define wscanf		tlhelp32_libc_wscanf
#undef fwscanf
#define fwscanf		tlhelp32_libc_fwscanf
#undef swscanf
#define swscanf		tlhelp32_libc_swscanf
#undef vwscanf
#define vwscanf		tlhelp32_libc_vwscanf
#undef vfwscanf
#define vfwscanf	tlhelp32_libc_vfwscanf
#undef vswscanf
#define vswscanf	tlhelp32_libc_vswscanf

#ifdef __cplusplus
namespace std {
using ::tlhelp32_libc_wprintf;
using ::tlhelp32_libc_fwprintf;
using ::tlhelp32_libc_swprintf;
using ::tlhelp32_libc_vwprintf;
using ::tlhelp32_libc_vfwprintf;
using ::tlhelp32_libc_vswprintf;
using ::tlhelp32_libc_wscanf;
using ::tlhelp32_libc_fwscanf;
using ::tlhelp32_libc_swscanf;
using ::tlhelp32_libc_vwscanf;
using ::tlhelp32_libc_vfwscanf;
using ::tlhelp32_libc_vswscanf;
}
#endif /* __cplusplus */

#else /* default mode, not GCC or Clang */

#define _snprintf	tlhelp32__snprintf
#define _vsnprintf	tlhelp32__vsnprintf

#endif /* TLHELP32_WCHAR16 */

#endif /* TLHELP32_CRT_H */
