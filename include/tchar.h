/*
 * tchar.h - generic text for Windows code, for Linux (libtlhelp32).
 *
 * Code written with _TCHAR, _T("...") and the _t names (_tprintf,
 * _tcscmp, ...) builds as narrow (ANSI) text by default, and as wide
 * text with _UNICODE, as on Windows.  Narrow text is the C library's
 * char and its functions, with Microsoft's own names (_stricmp, _strdup,
 * _snprintf, ...) provided by libtlhelp32.  Wide text needs a 16-bit
 * wchar_t, as on Windows: _UNICODE code is built with the
 * tlhelp32-wchar16 pkg-config module, which the #error below asks for.
 *
 * Each name either works as on Windows or is not defined, so that a
 * program that uses what is missing fails to compile naming it.
 * windows.h(7) lists exactly what is here.
 */
#ifndef TLHELP32_TCHAR_H
#define TLHELP32_TCHAR_H

#include <ctype.h>
#include <wctype.h>

#include "tlhelp32_crt.h"

#if defined(_UNICODE) && !TLHELP32_WCHAR16
#error "_UNICODE needs a 16-bit wchar_t, as on Windows: build with the tlhelp32-wchar16 pkg-config module (-fshort-wchar), see windows.h(7)"
#endif

#define TLHELP32_TWIDE(q)	L##q

#ifdef _UNICODE

typedef wchar_t _TCHAR;
typedef wchar_t _TSCHAR;
typedef wchar_t _TUCHAR;
typedef wchar_t _TXCHAR;
typedef wint_t _TINT;

#define _T(q)		TLHELP32_TWIDE(q)
#define _TEXT(q)	TLHELP32_TWIDE(q)
#define _TEOF		WEOF

#define _tmain		wmain

/* formatted output */
#define _tprintf	wprintf
#define _ftprintf	fwprintf
#define _stprintf	_swprintf
#define _sntprintf	_snwprintf
#define _vtprintf	vwprintf
#define _vftprintf	vfwprintf
#define _vstprintf	_vswprintf
#define _vsntprintf	_vsnwprintf

/* strings */
#define _tcslen		wcslen
#define _tcsnlen	wcsnlen
#define _tcscpy		wcscpy
#define _tcsncpy	wcsncpy
#define _tcscat		wcscat
#define _tcsncat	wcsncat
#define _tcscmp		wcscmp
#define _tcsncmp	wcsncmp
#define _tcsicmp	_wcsicmp
#define _tcsnicmp	_wcsnicmp
#define _tcschr		wcschr
#define _tcsrchr	wcsrchr
#define _tcsstr		wcsstr
#define _tcsspn		wcsspn
#define _tcscspn	wcscspn
#define _tcspbrk	wcspbrk
#define _tcstok		_wcstok
#define _tcsdup		_wcsdup
#define _tcslwr		_wcslwr
#define _tcsupr		_wcsupr

/* numbers */
#define _tcstol		wcstol
#define _tcstoul	wcstoul
#define _tcstoi64	_wcstoi64
#define _tcstoui64	_wcstoui64
#define _tcstod		wcstod
#define _ttoi		_wtoi
#define _tstoi		_wtoi
#define _ttol		_wtol
#define _tstol		_wtol
#define _ttoi64		_wtoi64
#define _tstoi64	_wtoi64
#define _ttof		_wtof
#define _tstof		_wtof

/* characters: the C library's, which take any wint_t */
#define _istalnum	iswalnum
#define _istalpha	iswalpha
#define _istcntrl	iswcntrl
#define _istdigit	iswdigit
#define _istgraph	iswgraph
#define _istlower	iswlower
#define _istprint	iswprint
#define _istpunct	iswpunct
#define _istspace	iswspace
#define _istupper	iswupper
#define _istxdigit	iswxdigit
#define _totlower	towlower
#define _totupper	towupper

/* streams */
#define _fputts		fputws
#define _putts		_putws
#define _fputtc		fputwc
#define _puttc		fputwc
#define _puttchar	putwchar
#define _tfopen		_wfopen

#else /* narrow text */

typedef char _TCHAR;
typedef signed char _TSCHAR;
typedef unsigned char _TUCHAR;
typedef char _TXCHAR;
typedef int _TINT;

#define _T(q)		q
#define _TEXT(q)	q
#define _TEOF		EOF

#define _tmain		main

/* formatted output */
#define _tprintf	printf
#define _ftprintf	fprintf
#define _stprintf	sprintf
#define _sntprintf	_snprintf
#define _vtprintf	vprintf
#define _vftprintf	vfprintf
#define _vstprintf	vsprintf
#define _vsntprintf	_vsnprintf

/* formatted input (wide formatted input has no 16-bit version) */
#define _tscanf		scanf
#define _ftscanf	fscanf
#define _stscanf	sscanf

/* strings */
#define _tcslen		strlen
#define _tcscpy		strcpy
#define _tcsncpy	strncpy
#define _tcscat		strcat
#define _tcsncat	strncat
#define _tcscmp		strcmp
#define _tcsncmp	strncmp
#define _tcsicmp	_stricmp
#define _tcsnicmp	_strnicmp
#define _tcschr		strchr
#define _tcsrchr	strrchr
#define _tcsstr		strstr
#define _tcsspn		strspn
#define _tcscspn	strcspn
#define _tcspbrk	strpbrk
#define _tcstok		strtok
#define _tcsdup		_strdup
#define _tcslwr		_strlwr
#define _tcsupr		_strupr

/* numbers */
#define _tcstol		strtol
#define _tcstoul	strtoul
#define _tcstod		strtod
#define _ttoi		atoi
#define _tstoi		atoi
#define _ttol		atol
#define _tstol		atol
#define _ttof		atof
#define _tstof		atof

/* characters */
#define _istalnum	isalnum
#define _istalpha	isalpha
#define _istcntrl	iscntrl
#define _istdigit	isdigit
#define _istgraph	isgraph
#define _istlower	islower
#define _istprint	isprint
#define _istpunct	ispunct
#define _istspace	isspace
#define _istupper	isupper
#define _istxdigit	isxdigit
#define _totlower	tolower
#define _totupper	toupper

/* streams */
#define _fputts		fputs
#define _putts		puts
#define _fputtc		fputc
#define _puttc		putc
#define _puttchar	putchar
#define _fgetts		fgets
#define _fgettc		fgetc
#define _gettc		getc
#define _gettchar	getchar
#define _tfopen		fopen
#define _tremove	remove
#define _trename	rename
#define _tgetenv	getenv
#define _tsystem	system
#define _tperror	perror

#endif /* _UNICODE */

#endif /* TLHELP32_TCHAR_H */
