/*
 * wstr.c - the C runtime's string functions for 16-bit (WCHAR) text, and
 * Microsoft's narrow ones glibc lacks.  <tlhelp32_crt.h> maps the C and
 * Microsoft names to these tlhelp32_ names; see tlhelp32_wcslen(3).
 *
 * Case is folded in ASCII only, as Windows does in the "C" locale.
 * Numbers are read by the C library's strtol() family from an ASCII copy
 * of the string's start.  Conversions to and from char text take it as
 * UTF-8.  Where Microsoft's functions call the invalid parameter handler
 * (NULL strings), these set errno to EINVAL and return what Microsoft's
 * return once the handler returns; the C functions, as in C, take no NULL.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tlhelp32_crt.h"
#include "wstr.h"

/* What _stricmp and _wcsicmp return for a NULL string (_NLSCMPERROR). */
#define NLSCMPERROR	INT_MAX

static unsigned int
fold(unsigned int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static unsigned int
unfold(unsigned int c)
{
	return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
}

/* --- narrow --------------------------------------------------------------- */

/* Compare two strings ignoring ASCII case. */
TLH_EXPORT int
tlhelp32__stricmp(const char *s1, const char *s2)
{
	return tlhelp32__strnicmp(s1, s2, SIZE_MAX);
}

/* Compare at most n characters of two strings ignoring ASCII case. */
TLH_EXPORT int
tlhelp32__strnicmp(const char *s1, const char *s2, size_t n)
{
	const unsigned char *a = (const unsigned char *)s1;
	const unsigned char *b = (const unsigned char *)s2;
	size_t i;

	if (!s1 || !s2) {
		errno = EINVAL;
		return NLSCMPERROR;
	}
	for (i = 0; i < n; i++) {
		if (fold(a[i]) != fold(b[i]))
			return (int)fold(a[i]) - (int)fold(b[i]);
		if (!a[i])
			break;
	}
	return 0;
}

/* Return a malloc'd copy of s (NULL for NULL). */
TLH_EXPORT char *
tlhelp32__strdup(const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	p = malloc(n);
	return p ? memcpy(p, s, n) : NULL;
}

/* Map the ASCII letters of s in place with f (fold or unfold). */
static char *
map_case(char *s, unsigned int (*f)(unsigned int))
{
	char *p;

	if (!s) {
		errno = EINVAL;
		return NULL;
	}
	for (p = s; *p; p++)
		*p = (char)f((unsigned char)*p);
	return s;
}

/* Lower the ASCII letters of s in place. */
TLH_EXPORT char *
tlhelp32__strlwr(char *s)
{
	return map_case(s, fold);
}

/* Raise the ASCII letters of s in place. */
TLH_EXPORT char *
tlhelp32__strupr(char *s)
{
	return map_case(s, unfold);
}

/* --- 16-bit strings ------------------------------------------------------- */

/* Return the number of units before the terminator. */
TLH_EXPORT size_t
tlhelp32_wcslen(const WCHAR *s)
{
	const WCHAR *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

/* Return the number of units before the terminator, at most n. */
TLH_EXPORT size_t
tlhelp32_wcsnlen(const WCHAR *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i]; i++)
		;
	return i;
}

/* Compare two strings unit by unit. */
TLH_EXPORT int
tlhelp32_wcscmp(const WCHAR *s1, const WCHAR *s2)
{
	return tlhelp32_wcsncmp(s1, s2, SIZE_MAX);
}

/* Compare at most n units of two strings. */
TLH_EXPORT int
tlhelp32_wcsncmp(const WCHAR *s1, const WCHAR *s2, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s1[i] != s2[i])
			return s1[i] < s2[i] ? -1 : 1;
		if (!s1[i])
			break;
	}
	return 0;
}

/* Compare two strings ignoring ASCII case. */
TLH_EXPORT int
tlhelp32__wcsicmp(const WCHAR *s1, const WCHAR *s2)
{
	return tlhelp32__wcsnicmp(s1, s2, SIZE_MAX);
}

/* Compare at most n units of two strings ignoring ASCII case. */
TLH_EXPORT int
tlhelp32__wcsnicmp(const WCHAR *s1, const WCHAR *s2, size_t n)
{
	size_t i;

	if (!s1 || !s2) {
		errno = EINVAL;
		return NLSCMPERROR;
	}
	for (i = 0; i < n; i++) {
		if (fold(s1[i]) != fold(s2[i]))
			return (int)fold(s1[i]) - (int)fold(s2[i]);
		if (!s1[i])
			break;
	}
	return 0;
}

/* Copy src, terminator included, to dst. */
TLH_EXPORT WCHAR *
tlhelp32_wcscpy(WCHAR *dst, const WCHAR *src)
{
	return memcpy(dst, src, (tlhelp32_wcslen(src) + 1) * sizeof(WCHAR));
}

/* Copy at most n units of src to dst, and fill the rest of n with 0. */
TLH_EXPORT WCHAR *
tlhelp32_wcsncpy(WCHAR *dst, const WCHAR *src, size_t n)
{
	size_t len = tlhelp32_wcsnlen(src, n);

	memcpy(dst, src, len * sizeof(WCHAR));
	memset(dst + len, 0, (n - len) * sizeof(WCHAR));
	return dst;
}

/* Append src to dst. */
TLH_EXPORT WCHAR *
tlhelp32_wcscat(WCHAR *dst, const WCHAR *src)
{
	tlhelp32_wcscpy(dst + tlhelp32_wcslen(dst), src);
	return dst;
}

/* Append at most n units of src to dst, and a terminator. */
TLH_EXPORT WCHAR *
tlhelp32_wcsncat(WCHAR *dst, const WCHAR *src, size_t n)
{
	WCHAR *end = dst + tlhelp32_wcslen(dst);
	size_t len = tlhelp32_wcsnlen(src, n);

	memcpy(end, src, len * sizeof(WCHAR));
	end[len] = 0;
	return dst;
}

/* Find the first c in s (the terminator included). */
TLH_EXPORT WCHAR *
tlhelp32_wcschr(const WCHAR *s, WCHAR c)
{
	for (;; s++) {
		if (*s == c)
			return (WCHAR *)s;
		if (!*s)
			return NULL;
	}
}

/* Find the last c in s (the terminator included). */
TLH_EXPORT WCHAR *
tlhelp32_wcsrchr(const WCHAR *s, WCHAR c)
{
	const WCHAR *found = NULL;

	for (;; s++) {
		if (*s == c)
			found = s;
		if (!*s)
			return (WCHAR *)found;
	}
}

/* Find the first occurrence of sub in s. */
TLH_EXPORT WCHAR *
tlhelp32_wcsstr(const WCHAR *s, const WCHAR *sub)
{
	size_t n = tlhelp32_wcslen(sub);

	for (;; s++) {
		if (!tlhelp32_wcsncmp(s, sub, n))
			return (WCHAR *)s;
		if (!*s)
			return NULL;
	}
}

/* Whether unit c is one of set's. */
static int
in_set(WCHAR c, const WCHAR *set)
{
	for (; *set; set++)
		if (*set == c)
			return 1;
	return 0;
}

/* Count the units at the start of s that are in set. */
TLH_EXPORT size_t
tlhelp32_wcsspn(const WCHAR *s, const WCHAR *set)
{
	size_t i;

	for (i = 0; s[i] && in_set(s[i], set); i++)
		;
	return i;
}

/* Count the units at the start of s that are not in set. */
TLH_EXPORT size_t
tlhelp32_wcscspn(const WCHAR *s, const WCHAR *set)
{
	size_t i;

	for (i = 0; s[i] && !in_set(s[i], set); i++)
		;
	return i;
}

/* Find the first unit of s that is in set. */
TLH_EXPORT WCHAR *
tlhelp32_wcspbrk(const WCHAR *s, const WCHAR *set)
{
	s += tlhelp32_wcscspn(s, set);
	return *s ? (WCHAR *)s : NULL;
}

/* Split s into tokens separated by units of delim; *state keeps the place. */
TLH_EXPORT WCHAR *
tlhelp32_wcstok(WCHAR *s, const WCHAR *delim, WCHAR **state)
{
	WCHAR *end;

	if (!s)
		s = *state;
	if (!s)
		return NULL;
	s += tlhelp32_wcsspn(s, delim);
	if (!*s) {
		*state = NULL;
		return NULL;
	}
	end = s + tlhelp32_wcscspn(s, delim);
	if (*end)
		*end++ = 0;
	else
		end = NULL;
	*state = end;
	return s;
}

/* As wcstok, with the place kept for the calling thread (Microsoft's). */
TLH_EXPORT WCHAR *
tlhelp32__wcstok(WCHAR *s, const WCHAR *delim)
{
	static __thread WCHAR *place;

	return tlhelp32_wcstok(s, delim, &place);
}

/* Return a malloc'd copy of s (NULL for NULL). */
TLH_EXPORT WCHAR *
tlhelp32_wcsdup(const WCHAR *s)
{
	size_t n;
	WCHAR *p;

	if (!s)
		return NULL;
	n = (tlhelp32_wcslen(s) + 1) * sizeof(WCHAR);
	p = malloc(n);
	return p ? memcpy(p, s, n) : NULL;
}

/* Map the ASCII letters of s in place with f (fold or unfold). */
static WCHAR *
map_case_w(WCHAR *s, unsigned int (*f)(unsigned int))
{
	WCHAR *p;

	if (!s) {
		errno = EINVAL;
		return NULL;
	}
	for (p = s; *p; p++)
		*p = (WCHAR)f(*p);
	return s;
}

/* Lower the ASCII letters of s in place. */
TLH_EXPORT WCHAR *
tlhelp32__wcslwr(WCHAR *s)
{
	return map_case_w(s, fold);
}

/* Raise the ASCII letters of s in place. */
TLH_EXPORT WCHAR *
tlhelp32__wcsupr(WCHAR *s)
{
	return map_case_w(s, unfold);
}

/* Find c in the n units at s. */
TLH_EXPORT WCHAR *
tlhelp32_wmemchr(const WCHAR *s, WCHAR c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == c)
			return (WCHAR *)s + i;
	return NULL;
}

/* Compare n units. */
TLH_EXPORT int
tlhelp32_wmemcmp(const WCHAR *s1, const WCHAR *s2, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s1[i] != s2[i])
			return s1[i] < s2[i] ? -1 : 1;
	return 0;
}

/* Copy n units between buffers that do not overlap. */
TLH_EXPORT WCHAR *
tlhelp32_wmemcpy(WCHAR *dst, const WCHAR *src, size_t n)
{
	return n ? memcpy(dst, src, n * sizeof(WCHAR)) : dst;
}

/* Copy n units between buffers that may overlap. */
TLH_EXPORT WCHAR *
tlhelp32_wmemmove(WCHAR *dst, const WCHAR *src, size_t n)
{
	return n ? memmove(dst, src, n * sizeof(WCHAR)) : dst;
}

/* Set n units to c. */
TLH_EXPORT WCHAR *
tlhelp32_wmemset(WCHAR *dst, WCHAR c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = c;
	return dst;
}

/* --- numbers -------------------------------------------------------------- */

/*
 * The start of a number, as char text: the units of s up to the first one
 * that no number (of any base, inf, nan(...) and hexadecimal floats
 * included) can hold, in buf or, when longer, in a malloc'd copy.
 */
struct number {
	char buf[64];
	char *text;
};

/* Make n->text; 0, or -1 (ENOMEM, *end = s) when it cannot be made. */
static int
number_open(struct number *n, const WCHAR *s, WCHAR **end)
{
	static const char allowed[] = " \t\n\v\f\r+-.()_";
	size_t len, i;

	for (len = 0; s[len] && s[len] < 0x80; len++)
		if (!((s[len] >= '0' && s[len] <= '9') ||
		      (fold(s[len]) >= 'a' && fold(s[len]) <= 'z') ||
		      strchr(allowed, (char)s[len])))
			break;
	n->text = len < sizeof(n->buf) ? n->buf : malloc(len + 1);
	if (!n->text) {
		if (end)
			*end = (WCHAR *)s;
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < len; i++)
		n->text[i] = (char)s[i];
	n->text[len] = '\0';
	return 0;
}

/* Point *end where the C library's reader stopped in n->text. */
static void
number_close(struct number *n, const WCHAR *s, WCHAR **end, const char *stop)
{
	int err = errno;

	if (end)
		*end = (WCHAR *)s + (stop - n->text);
	if (n->text != n->buf)
		free(n->text);
	errno = err;
}

/* The body of a reader: call, with n.text and &stop, reads the number. */
#define READ_NUMBER(type, call)						\
	struct number n;						\
	char *stop;							\
	type v;								\
									\
	if (number_open(&n, s, end))					\
		return 0;						\
	v = call;							\
	number_close(&n, s, end, stop);					\
	return v

/* Read a long, as strtol. */
TLH_EXPORT long
tlhelp32_wcstol(const WCHAR *s, WCHAR **end, int base)
{
	READ_NUMBER(long, strtol(n.text, &stop, base));
}

/* Read an unsigned long, as strtoul. */
TLH_EXPORT unsigned long
tlhelp32_wcstoul(const WCHAR *s, WCHAR **end, int base)
{
	READ_NUMBER(unsigned long, strtoul(n.text, &stop, base));
}

/* Read a long long, as strtoll. */
TLH_EXPORT long long
tlhelp32_wcstoll(const WCHAR *s, WCHAR **end, int base)
{
	READ_NUMBER(long long, strtoll(n.text, &stop, base));
}

/* Read an unsigned long long, as strtoull. */
TLH_EXPORT unsigned long long
tlhelp32_wcstoull(const WCHAR *s, WCHAR **end, int base)
{
	READ_NUMBER(unsigned long long, strtoull(n.text, &stop, base));
}

/* Read a double, as strtod. */
TLH_EXPORT double
tlhelp32_wcstod(const WCHAR *s, WCHAR **end)
{
	READ_NUMBER(double, strtod(n.text, &stop));
}

/* Read a float, as strtof. */
TLH_EXPORT float
tlhelp32_wcstof(const WCHAR *s, WCHAR **end)
{
	READ_NUMBER(float, strtof(n.text, &stop));
}

/* Read a long double, as strtold. */
TLH_EXPORT long double
tlhelp32_wcstold(const WCHAR *s, WCHAR **end)
{
	READ_NUMBER(long double, strtold(n.text, &stop));
}

/* Read a 64-bit integer (Microsoft's _wcstoi64). */
TLH_EXPORT long long
tlhelp32__wcstoi64(const WCHAR *s, WCHAR **end, int base)
{
	return tlhelp32_wcstoll(s, end, base);
}

/* Read an unsigned 64-bit integer (Microsoft's _wcstoui64). */
TLH_EXPORT unsigned long long
tlhelp32__wcstoui64(const WCHAR *s, WCHAR **end, int base)
{
	return tlhelp32_wcstoull(s, end, base);
}

/* Read a decimal int; out of range: INT_MAX or INT_MIN and ERANGE. */
TLH_EXPORT int
tlhelp32__wtoi(const WCHAR *s)
{
	long v = tlhelp32__wtol(s);

	if (v > INT_MAX || v < INT_MIN) {
		errno = ERANGE;
		return v > 0 ? INT_MAX : INT_MIN;
	}
	return (int)v;
}

/* Read a decimal long. */
TLH_EXPORT long
tlhelp32__wtol(const WCHAR *s)
{
	if (!s) {
		errno = EINVAL;
		return 0;
	}
	return tlhelp32_wcstol(s, NULL, 10);
}

/* Read a decimal 64-bit integer. */
TLH_EXPORT long long
tlhelp32__wtoi64(const WCHAR *s)
{
	if (!s) {
		errno = EINVAL;
		return 0;
	}
	return tlhelp32_wcstoll(s, NULL, 10);
}

/* Read a double. */
TLH_EXPORT double
tlhelp32__wtof(const WCHAR *s)
{
	if (!s) {
		errno = EINVAL;
		return 0;
	}
	return tlhelp32_wcstod(s, NULL);
}

/* --- UTF-8 and UTF-16 ----------------------------------------------------- */

/*
 * Convert UTF-8 to UTF-16: at most n units at dst, whole characters, and
 * a terminator if it fits.  With dst NULL, count the units s needs.
 * Return the units stored (the terminator not counted), or (size_t)-1 and
 * EILSEQ for a malformed sequence.
 */
TLH_EXPORT size_t
tlhelp32_mbstowcs(WCHAR *dst, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t len, i = 0, out = 0, k;
	WCHAR units[2];
	uint32_t cp;

	if (!src) {
		errno = EINVAL;
		return (size_t)-1;
	}
	len = strlen(src);
	while (i < len) {
		k = tlh_text_decode(s + i, len - i, &cp);
		if (!k) {
			errno = EILSEQ;
			return (size_t)-1;
		}
		i += k;
		k = tlh_text_put16(units, cp);
		if (dst) {
			if (out + k > n)
				return out;
			memcpy(dst + out, units, k * sizeof(WCHAR));
		}
		out += k;
	}
	if (dst && out < n)
		dst[out] = 0;
	return out;
}

/*
 * Convert UTF-16 to UTF-8: at most n bytes at dst, whole characters, and
 * a terminator if it fits.  With dst NULL, count the bytes src needs.
 * Return the bytes stored (the terminator not counted), or (size_t)-1 and
 * EILSEQ for a lone surrogate.
 */
TLH_EXPORT size_t
tlhelp32_wcstombs(char *dst, const WCHAR *src, size_t n)
{
	size_t len, i = 0, out = 0, k;
	unsigned char bytes[4];
	uint32_t cp;

	if (!src) {
		errno = EINVAL;
		return (size_t)-1;
	}
	len = tlhelp32_wcslen(src);
	while (i < len) {
		i += tlh_text_next16(src + i, len - i, &cp);
		if (cp == TLH_TEXT_BAD) {
			errno = EILSEQ;
			return (size_t)-1;
		}
		k = tlh_text_encode(bytes, cp);
		if (dst) {
			if (out + k > n)
				return out;
			memcpy(dst + out, bytes, k);
		}
		out += k;
	}
	if (dst && out < n)
		dst[out] = '\0';
	return out;
}

/* --- streams -------------------------------------------------------------- */

int
tlh_wstr_put(const WCHAR *s, size_t n, FILE *stream)
{
	char small[256], *buf = small;
	size_t len = n * 3;
	int ret = 0;

	if (len > sizeof(small)) {
		buf = malloc(len);
		if (!buf)
			return EOF;
	}
	len = tlh_wstr_to_utf8(buf, s, n);
	if (fwrite(buf, 1, len, stream) != len)
		ret = EOF;
	if (buf != small)
		free(buf);
	return ret;
}

/* Write s to stream as UTF-8; 0, or EOF on failure. */
TLH_EXPORT int
tlhelp32_fputws(const WCHAR *s, FILE *stream)
{
	if (!s || !stream) {
		errno = EINVAL;
		return EOF;
	}
	return tlh_wstr_put(s, tlhelp32_wcslen(s), stream);
}

/* Write s and a newline to stdout as UTF-8; 0, or EOF (WEOF) on failure. */
TLH_EXPORT int
tlhelp32__putws(const WCHAR *s)
{
	if (tlhelp32_fputws(s, stdout) == EOF || putc('\n', stdout) == EOF)
		return EOF;
	return 0;
}

/*
 * Write unit c to stream as UTF-8 (a surrogate, which has no meaning on
 * its own, as U+FFFD); return c, or WEOF on failure.
 */
TLH_EXPORT wint_t
tlhelp32_fputwc(WCHAR c, FILE *stream)
{
	if (!stream) {
		errno = EINVAL;
		return WEOF;
	}
	return tlh_wstr_put(&c, 1, stream) == EOF ? WEOF : c;
}

/* Write unit c to stdout as UTF-8. */
TLH_EXPORT wint_t
tlhelp32_putwchar(WCHAR c)
{
	return tlhelp32_fputwc(c, stdout);
}

/* Open the file named path with fopen(mode), both converted to UTF-8. */
TLH_EXPORT FILE *
tlhelp32__wfopen(const WCHAR *path, const WCHAR *mode)
{
	char *p = NULL, *m = NULL;
	size_t plen, mlen;
	FILE *f = NULL;
	int err;

	if (!path || !mode) {
		errno = EINVAL;
		return NULL;
	}
	plen = tlhelp32_wcstombs(NULL, path, 0);
	mlen = tlhelp32_wcstombs(NULL, mode, 0);
	if (plen == (size_t)-1 || mlen == (size_t)-1)
		return NULL;		/* EILSEQ: no such name */
	p = malloc(plen + 1);
	m = malloc(mlen + 1);
	if (p && m) {
		tlhelp32_wcstombs(p, path, plen + 1);
		tlhelp32_wcstombs(m, mode, mlen + 1);
		f = fopen(p, m);
	} else {
		errno = ENOMEM;
	}
	err = errno;
	free(p);
	free(m);
	errno = err;
	return f;
}
