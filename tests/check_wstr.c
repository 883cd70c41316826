/*
 * check_wstr.c - the C runtime's text functions of <tlhelp32_crt.h> and
 * kernel32's lstr functions: 16-bit strings, numbers, UTF-8 and UTF-16,
 * the wide printf functions with Microsoft's rules (into 16-bit buffers
 * and, as UTF-8, into streams), the narrow printf functions of the
 * wchar16 mode, and Microsoft's narrow names.
 *
 * This file is built with the C library's 32-bit wchar_t, so it calls the
 * tlhelp32_ names and writes 16-bit text as C11 u"..." literals, whose
 * units are WCHAR's; tests/wchar16.c reaches the same functions through
 * the wchar16 mode's macros and L"...".
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <windows.h>

#include "suites.h"

/* --- helpers --------------------------------------------------------------- */

/* Show 16-bit text for a failure message: ASCII as is, the rest \uXXXX. */
static const char *
show(const WCHAR *s, char *buf, size_t cap)
{
	size_t o = 0;

	if (!s)
		return "(NULL)";
	for (; *s && o + 8 < cap; s++) {
		if (*s >= 0x20 && *s < 0x7f)
			buf[o++] = (char)*s;
		else
			o += (size_t)snprintf(buf + o, cap - o, "\\u%04x", *s);
	}
	buf[o] = '\0';
	return buf;
}

#define ck_assert_w16_eq(got, want) do {				\
	const WCHAR *g_ = (got), *w_ = (want);				\
	char gb_[512], wb_[512];					\
									\
	ck_assert_msg(g_ && !tlhelp32_wcscmp(g_, w_),			\
		      "%s is \"%s\", not \"%s\"", #got,			\
		      show(g_, gb_, sizeof(gb_)), show(w_, wb_, sizeof(wb_))); \
} while (0)

/* A stream into memory; the text is in *buf after fflush() or fclose(). */
struct mem {
	char *buf;
	size_t len;
	FILE *f;
};

static void
mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	ck_assert_ptr_nonnull(m->f);
}

static void
mem_close(struct mem *m)
{
	ck_assert_int_eq(fclose(m->f), 0);
	free(m->buf);
}

/* --- narrow: Microsoft's names ------------------------------------------------ */

START_TEST(test_narrow_names)
{
	char s[] = "Game.EXE 1_z", *d;

	ck_assert_int_eq(_stricmp("GAME.exe", "game.EXE"), 0);
	ck_assert_int_lt(_stricmp("abc", "ABD"), 0);
	ck_assert_int_gt(_stricmp("abd", "ABC"), 0);
	ck_assert_int_lt(_stricmp("ab", "ABC"), 0);
	/* Windows compares the lower-case forms: '_' (0x5f) < 'a' (0x61),
	 * while an upper-case comparison would put it after 'A' (0x41) */
	ck_assert_int_lt(_stricmp("_", "A"), 0);
	ck_assert_int_lt(_strcmpi("_", "a"), 0);
	/* only ASCII is folded */
	ck_assert_int_ne(_stricmp("\xc3\xa9", "\xc3\x89"), 0);
	ck_assert_int_eq(_strnicmp("GAMEx", "gamey", 4), 0);
	ck_assert_int_ne(_strnicmp("GAMEx", "gamey", 5), 0);
	ck_assert_int_eq(_strnicmp("a", "b", 0), 0);
	errno = 0;
	ck_assert_int_eq(_stricmp(NULL, "a"), INT_MAX);
	ck_assert_int_eq(errno, EINVAL);

	ck_assert_str_eq(_strlwr(s), "game.exe 1_z");
	ck_assert_str_eq(_strupr(s), "GAME.EXE 1_Z");
	errno = 0;
	ck_assert_ptr_null(_strlwr(NULL));
	ck_assert_int_eq(errno, EINVAL);

	d = _strdup(s);
	ck_assert_ptr_ne(d, s);
	ck_assert_str_eq(d, s);
	free(d);
	ck_assert_ptr_null(_strdup(NULL));
}
END_TEST

/* _snprintf: the C library's format, Microsoft's bounds. */
START_TEST(test_narrow_snprintf)
{
	char buf[8];

	memset(buf, '#', sizeof(buf));
	ck_assert_int_eq(_snprintf(buf, sizeof(buf), "%d-%s", 12, "ab"), 5);
	ck_assert_str_eq(buf, "12-ab");
	/* exactly full: no terminator */
	memset(buf, '#', sizeof(buf));
	ck_assert_int_eq(_snprintf(buf, 5, "%s", "abcde"), 5);
	ck_assert_int_eq(memcmp(buf, "abcde#", 6), 0);
	/* too long: n bytes, no terminator, -1 */
	memset(buf, '#', sizeof(buf));
	ck_assert_int_eq(_snprintf(buf, 4, "%s", "abcdef"), -1);
	ck_assert_int_eq(memcmp(buf, "abcd#", 5), 0);
	/* NULL and 0: the length needed */
	ck_assert_int_eq(_snprintf(NULL, 0, "%s", "abcdef"), 6);
	errno = 0;
	ck_assert_int_eq(_snprintf(NULL, 4, "%s", "abcdef"), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* the wchar16 mode's: the same bounds */
	memset(buf, '#', sizeof(buf));
	ck_assert_int_eq(tlhelp32_w16__snprintf(buf, 3, "%d", 1234), -1);
	ck_assert_int_eq(memcmp(buf, "123#", 4), 0);
	ck_assert_int_eq(tlhelp32_w16__snprintf(buf, 4, "%d", 1234), 4);
	ck_assert_int_eq(memcmp(buf, "1234#", 5), 0);
}
END_TEST

/* --- 16-bit strings ------------------------------------------------------------ */

START_TEST(test_length_compare)
{
	static const WCHAR clef[] = u"a\U0001D11Eb";	/* a surrogate pair */

	ck_assert_uint_eq(tlhelp32_wcslen(u""), 0);
	ck_assert_uint_eq(tlhelp32_wcslen(clef), 4);
	ck_assert_uint_eq(tlhelp32_wcsnlen(clef, 2), 2);
	ck_assert_uint_eq(tlhelp32_wcsnlen(clef, 10), 4);

	ck_assert_int_eq(tlhelp32_wcscmp(u"game.exe", u"game.exe"), 0);
	ck_assert_int_lt(tlhelp32_wcscmp(u"game", u"game.exe"), 0);
	ck_assert_int_gt(tlhelp32_wcscmp(u"game.exe", u"game"), 0);
	/* units compare as unsigned 16-bit values */
	ck_assert_int_gt(tlhelp32_wcscmp(u"\uffff", u"A"), 0);
	ck_assert_int_lt(tlhelp32_wcscmp(u"\u00e9", u"\uffee"), 0);
	ck_assert_int_eq(tlhelp32_wcsncmp(u"gamex", u"gamey", 4), 0);
	ck_assert_int_lt(tlhelp32_wcsncmp(u"gamex", u"gamey", 5), 0);

	ck_assert_int_eq(_wcsicmp(u"GAME.exe", u"game.EXE"), 0);
	ck_assert_int_lt(_wcsicmp(u"_", u"A"), 0);
	ck_assert_int_ne(_wcsicmp(u"\u00e9", u"\u00c9"), 0);
	ck_assert_int_eq(_wcsnicmp(u"GAMEx", u"gamey", 4), 0);
	ck_assert_int_gt(_wcsnicmp(u"GAMEz", u"gamey", 5), 0);
	errno = 0;
	ck_assert_int_eq(_wcsicmp(u"a", NULL), INT_MAX);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_copy_append)
{
	WCHAR buf[16], *d;

	tlhelp32_wmemset(buf, 0x2323, 16);
	ck_assert_ptr_eq(tlhelp32_wcscpy(buf, u"game"), buf);
	ck_assert_w16_eq(buf, u"game");
	ck_assert_uint_eq(buf[5], 0x2323);
	ck_assert_ptr_eq(tlhelp32_wcscat(buf, u".exe"), buf);
	ck_assert_w16_eq(buf, u"game.exe");
	/* wcsncat: at most n units, then a terminator */
	tlhelp32_wcsncat(buf, u"12345", 2);
	ck_assert_w16_eq(buf, u"game.exe12");

	/* wcsncpy: pads with 0 to n; no terminator when src is longer */
	tlhelp32_wmemset(buf, 0x2323, 16);
	tlhelp32_wcsncpy(buf, u"ab", 5);
	ck_assert(buf[0] == 'a' && buf[1] == 'b' && !buf[2] && !buf[3] &&
		  !buf[4] && buf[5] == 0x2323);
	tlhelp32_wcsncpy(buf, u"abcdef", 3);
	ck_assert(buf[2] == 'c' && buf[3] == 0);	/* from before */

	d = tlhelp32_wcsdup(u"\u00e9t\u00e9");
	ck_assert_ptr_nonnull(d);
	ck_assert_w16_eq(d, u"\u00e9t\u00e9");
	free(d);
	d = _wcsdup(u"");
	ck_assert_w16_eq(d, u"");
	free(d);
	ck_assert_ptr_null(_wcsdup(NULL));

	tlhelp32_wcscpy(buf, u"Gr\u00c9e.Exe");
	ck_assert_w16_eq(_wcslwr(buf), u"gr\u00c9e.exe");
	ck_assert_w16_eq(_wcsupr(buf), u"GR\u00c9E.EXE");
	errno = 0;
	ck_assert_ptr_null(_wcsupr(NULL));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_search)
{
	static const WCHAR s[] = u"a.b.c\u00e9", aaab[] = u"aaab";
	WCHAR tok[] = u",,one,,two,three,", *state = NULL, *t;
	WCHAR tok2[] = u"x y";

	ck_assert_ptr_eq(tlhelp32_wcschr(s, '.'), s + 1);
	ck_assert_ptr_eq(tlhelp32_wcschr(s, 0x00e9), s + 5);
	ck_assert_ptr_eq(tlhelp32_wcschr(s, 0), s + 6);	/* the terminator */
	ck_assert_ptr_null(tlhelp32_wcschr(s, 'z'));
	ck_assert_ptr_eq(tlhelp32_wcsrchr(s, '.'), s + 3);
	ck_assert_ptr_eq(tlhelp32_wcsrchr(s, 0), s + 6);
	ck_assert_ptr_null(tlhelp32_wcsrchr(s, 'z'));

	ck_assert_ptr_eq(tlhelp32_wcsstr(s, u"b.c"), s + 2);
	ck_assert_ptr_eq(tlhelp32_wcsstr(s, u""), s);
	ck_assert_ptr_null(tlhelp32_wcsstr(s, u"c\u00e9x"));
	ck_assert_ptr_eq(tlhelp32_wcsstr(aaab, u"aab"), aaab + 1);

	ck_assert_uint_eq(tlhelp32_wcsspn(u"abcabd", u"abc"), 5);
	ck_assert_uint_eq(tlhelp32_wcscspn(u"abc.d", u".,"), 3);
	ck_assert_uint_eq(tlhelp32_wcscspn(u"abc", u".,"), 3);
	ck_assert_ptr_eq(tlhelp32_wcspbrk(s, u"c."), s + 1);
	ck_assert_ptr_null(tlhelp32_wcspbrk(s, u"xyz"));

	t = tlhelp32_wcstok(tok, u",", &state);
	ck_assert_w16_eq(t, u"one");
	t = tlhelp32_wcstok(NULL, u",", &state);
	ck_assert_w16_eq(t, u"two");
	t = tlhelp32_wcstok(NULL, u",", &state);
	ck_assert_w16_eq(t, u"three");
	ck_assert_ptr_null(tlhelp32_wcstok(NULL, u",", &state));
	/* Microsoft's two-argument form keeps its place itself */
	ck_assert_w16_eq(_wcstok(tok2, u" "), u"x");
	ck_assert_w16_eq(_wcstok(NULL, u" "), u"y");
	ck_assert_ptr_null(_wcstok(NULL, u" "));

	{
		WCHAR m[6] = u"abcde";

		ck_assert_ptr_eq(tlhelp32_wmemchr(m, 'd', 5), m + 3);
		ck_assert_ptr_null(tlhelp32_wmemchr(m, 'd', 3));
		ck_assert_int_lt(tlhelp32_wmemcmp(m, u"abd", 3), 0);
		ck_assert_int_eq(tlhelp32_wmemcmp(m, u"abx", 2), 0);
		tlhelp32_wmemmove(m + 1, m, 3);		/* overlapping */
		ck_assert_w16_eq(m, u"aabce");
		tlhelp32_wmemcpy(m, u"xy", 2);
		ck_assert_w16_eq(m, u"xybce");
	}
}
END_TEST

START_TEST(test_numbers)
{
	static const WCHAR hex[] = u"  0x1fZ", neg[] = u"-42\u00e97";
	static const WCHAR flt[] = u"1.5e3xyz", xyz[] = u" xyz";
	WCHAR big[160], *end;
	size_t i;

	ck_assert_int_eq(tlhelp32_wcstol(hex, &end, 0), 31);
	ck_assert_ptr_eq(end, hex + 6);
	ck_assert_int_eq(tlhelp32_wcstol(neg, &end, 10), -42);
	ck_assert_ptr_eq(end, neg + 3);		/* stops at the U+00E9 */
	ck_assert_int_eq(tlhelp32_wcstol(u"zz", &end, 36), 35 * 36 + 35);
	ck_assert_int_eq(tlhelp32_wcstol(xyz, &end, 10), 0);
	ck_assert_ptr_eq(end, xyz);		/* no number: end is s */
	errno = 0;
	ck_assert_int_eq(tlhelp32_wcstoll(u"99999999999999999999", NULL, 10),
			 LLONG_MAX);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_uint_eq(tlhelp32_wcstoul(u"ffffffff", NULL, 16), 0xffffffffu);
	ck_assert_uint_eq(tlhelp32_wcstoull(u"18446744073709551615", NULL, 10),
			  UINT64_MAX);
	ck_assert_int_eq(_wcstoi64(u"-9000000000", NULL, 10), -9000000000LL);
	ck_assert_uint_eq(_wcstoui64(u"9000000000", NULL, 10), 9000000000ULL);

	ck_assert_double_eq(tlhelp32_wcstod(flt, &end), 1500.0);
	ck_assert_ptr_eq(end, flt + 5);
	ck_assert_float_eq(tlhelp32_wcstof(u"0.25", NULL), 0.25f);
	ck_assert_ldouble_eq(tlhelp32_wcstold(u"-0x1p-2", NULL), -0.25L);
	ck_assert_double_eq(_wtof(u" 2.5"), 2.5);

	/* a number longer than the reader's own buffer */
	for (i = 0; i < 150; i++)
		big[i] = '0';
	big[150] = '7';
	big[151] = 0;
	ck_assert_int_eq(tlhelp32_wcstol(big, &end, 10), 7);
	ck_assert_ptr_eq(end, big + 151);

	ck_assert_int_eq(_wtoi(u"  -123abc"), -123);
	ck_assert_int_eq(_wtol(u"77"), 77);
	ck_assert_int_eq(_wtoi64(u"-8589934592"), -8589934592LL);
	/* out of int's range: clamped, ERANGE, as Microsoft's _wtoi */
	errno = 0;
	ck_assert_int_eq(_wtoi(u"3000000000"), INT_MAX);
	ck_assert_int_eq(errno, ERANGE);
	errno = 0;
	ck_assert_int_eq(_wtoi(u"-3000000000"), INT_MIN);
	ck_assert_int_eq(errno, ERANGE);
	errno = 0;
	ck_assert_int_eq(_wtoi(NULL), 0);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* UTF-8 "\u00e9\U0001D11E!" is c3 a9 f0 9d 84 9e 21: 4 UTF-16 units. */
START_TEST(test_conversions)
{
	static const char utf8[] = "\xc3\xa9\xf0\x9d\x84\x9e!";
	static const WCHAR utf16[] = u"\u00e9\U0001D11E!";
	WCHAR w[8];
	char c[16];

	ck_assert_uint_eq(tlhelp32_mbstowcs(NULL, utf8, 0), 4);
	tlhelp32_wmemset(w, 0x2323, 8);
	ck_assert_uint_eq(tlhelp32_mbstowcs(w, utf8, 8), 4);
	ck_assert_w16_eq(w, utf16);
	/* room for 2 units: the pair does not fit, nothing split */
	tlhelp32_wmemset(w, 0x2323, 8);
	ck_assert_uint_eq(tlhelp32_mbstowcs(w, utf8, 2), 1);
	ck_assert_uint_eq(w[0], 0xe9);
	ck_assert_uint_eq(w[1], 0x2323);
	errno = 0;
	ck_assert_uint_eq(tlhelp32_mbstowcs(w, "a\xff", 8), (size_t)-1);
	ck_assert_int_eq(errno, EILSEQ);
	errno = 0;
	ck_assert_uint_eq(tlhelp32_mbstowcs(w, "\xed\xa0\x80", 8), (size_t)-1);
	ck_assert_int_eq(errno, EILSEQ);		/* an encoded surrogate */

	ck_assert_uint_eq(tlhelp32_wcstombs(NULL, utf16, 0), 7);
	memset(c, '#', sizeof(c));
	ck_assert_uint_eq(tlhelp32_wcstombs(c, utf16, sizeof(c)), 7);
	ck_assert_str_eq(c, utf8);
	/* room for 5 bytes: the 4-byte character does not fit */
	memset(c, '#', sizeof(c));
	ck_assert_uint_eq(tlhelp32_wcstombs(c, utf16, 5), 2);
	ck_assert_int_eq(memcmp(c, "\xc3\xa9#", 3), 0);
	errno = 0;
	ck_assert_uint_eq(tlhelp32_wcstombs(c, u"a\xd800" u"b", sizeof(c)),
			  (size_t)-1);
	ck_assert_int_eq(errno, EILSEQ);
}
END_TEST

START_TEST(test_streams)
{
	static const WCHAR bad[] = { 'x', 0xdc00, 'y', 0 };
	char path[64], *name, line[64];
	struct mem m;
	FILE *f;

	mem_open(&m);
	ck_assert_int_ge(tlhelp32_fputws(u"\u00e9t\u00e9 \U0001D11E", m.f), 0);
	ck_assert_int_ge(tlhelp32_fputws(bad, m.f), 0);
	ck_assert_uint_eq(tlhelp32_fputwc('!', m.f), '!');
	ck_assert_uint_eq(tlhelp32_fputwc(0x20ac, m.f), 0x20ac);
	ck_assert_uint_eq(tlhelp32_fputwc(0xd834, m.f), 0xd834);
	ck_assert_int_eq(fflush(m.f), 0);
	ck_assert_str_eq(m.buf, "\xc3\xa9t\xc3\xa9 \xf0\x9d\x84\x9e"
			 "x\xef\xbf\xbdy!\xe2\x82\xac\xef\xbf\xbd");
	mem_close(&m);

	/* _wfopen: the name and the mode as UTF-8 */
	snprintf(path, sizeof(path), "/tmp/tlh-wstr-%d-\xc3\xa9", (int)getpid());
	name = path;
	{
		WCHAR wpath[64];

		ck_assert_uint_ne(tlhelp32_mbstowcs(wpath, name, 64),
				  (size_t)-1);
		f = _wfopen(wpath, u"w");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_ge(tlhelp32_fputws(u"line\u00e9", f), 0);
		ck_assert_int_eq(fclose(f), 0);
		ck_assert_ptr_null(_wfopen(wpath, u"\xd800"));
		ck_assert_int_eq(errno, EILSEQ);
	}
	f = fopen(name, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "line\xc3\xa9");
	fclose(f);
	ck_assert_int_eq(unlink(name), 0);
	errno = 0;
	ck_assert_ptr_null(_wfopen(NULL, u"r"));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* --- wide printf: Microsoft's rules ------------------------------------------ */

/* Format into a 16-bit buffer with _snwprintf and compare. */
#define ck_wfmt(want, ...) do {						\
	WCHAR b_[256];							\
	int n_ = _snwprintf(b_, 256, __VA_ARGS__);			\
									\
	ck_assert_int_eq(n_, (int)tlhelp32_wcslen(want));		\
	ck_assert_w16_eq(b_, want);					\
} while (0)

START_TEST(test_wprintf_text)
{
	static const WCHAR wide[] = u"w\u00e9";
	static const char narrow[] = "n\xc3\xa9";

	/* %s and %c are wide; h makes them narrow; S and C are narrow */
	ck_wfmt(u"w\u00e9|n\u00e9|n\u00e9|w\u00e9", u"%s|%hs|%S|%ls",
		wide, narrow, narrow, wide);
	ck_wfmt(u"w\u00e9|w\u00e9|n\u00e9", u"%ws|%lS|%hS", wide, wide,
		narrow);
	ck_wfmt(u"\u00e9|x|y|\u20ac|z", u"%c|%hc|%C|%lc|%wc", 0xe9, 'x', 'y',
		0x20ac, 'z');
	/* width and precision count units */
	ck_wfmt(u"[   w\u00e9][w\u00e9   ][w][ w]", u"[%5s][%-5s][%.1s][%2.1s]",
		wide, wide, wide, wide);
	ck_wfmt(u"[  ab][ab  ][a]", u"[%*s][%*s][%.*s]", 4, u"ab", -4, u"ab",
		1, u"ab");
	ck_wfmt(u"[ab]", u"[%.*s]", -1, u"ab");	/* negative: no precision */
	/* a narrow precision counts bytes */
	ck_wfmt(u"n\u00e9|n", u"%.3hs|%.1hs", narrow, narrow);
	/* "0" pads text with spaces */
	ck_wfmt(u"   ab|    x", u"%05s|%05c", u"ab", 'x');
	/* UTF-8 that is not well formed: U+FFFD for each bad byte */
	ck_wfmt(u"a\ufffdb\ufffd", u"%hs", "a\xff" "b\xc3");
	/* NULL strings */
	ck_wfmt(u"(null)|(null)|(nu", u"%s|%hs|%.3s", (WCHAR *)NULL,
		(char *)NULL, (WCHAR *)NULL);
	ck_wfmt(u"100%", u"%d%%", 100);
	ck_wfmt(u"\U0001D11E!", u"%s!", u"\U0001D11E");
}
END_TEST

START_TEST(test_wprintf_numbers)
{
	WCHAR want[64];
	char hex[40];

	ck_wfmt(u"42|-7|+5| 5|0042|42  |052|0x2a|2A|52",
		u"%d|%i|%+d|% d|%04d|%-4d|%#o|%#x|%X|%u", 42, -7, 5, 5, 42, 42,
		42, 42, 42, 52);
	/* l is 32 bits wide, as Windows' long */
	ck_wfmt(u"4294967295|-1|ffffffff", u"%lu|%ld|%lx", (DWORD)0xffffffff,
		(LONG)-1, (DWORD)0xffffffff);
	/* h, hh; I64, I32, ll, I, z, j, t */
	ck_wfmt(u"-1|65535|-1|255", u"%hd|%hu|%hhd|%hhu", 0xffff, 0xffff, 0xff,
		0xff);
	ck_wfmt(u"1099511627776|-5|1099511627776|18446744073709551615",
		u"%I64d|%I32d|%lld|%I64u", (long long)1 << 40, -5,
		(long long)1 << 40, (unsigned long long)-1);
	ck_wfmt(u"12345|12345|-3|7", u"%Iu|%zu|%jd|%td", (size_t)12345,
		(size_t)12345, (intmax_t)-3, (ptrdiff_t)7);
	ck_wfmt(u"1.50|  2.2|3.000000e+00|0.1|-1", u"%.2f|%5.1f|%e|%g|%.0f",
		1.5, 2.25, 3.0, 0.1, -1.0);
	ck_wfmt(u"2.50", u"%.2Lf", (long double)2.5);
	/* %p: every hexadecimal digit of the address, upper case */
	snprintf(hex, sizeof(hex), "[%0*llX]", (int)(2 * sizeof(void *)),
		 (unsigned long long)(uintptr_t)&want);
	ck_assert_uint_ne(tlhelp32_mbstowcs(want, hex, 64), (size_t)-1);
	ck_wfmt(want, u"[%p]", (void *)&want);
	ck_wfmt(sizeof(void *) == 8 ? u"[0000000000000000]" : u"[00000000]",
		u"[%p]", (void *)NULL);
	/* a field wider than the engine's first buffer */
	{
		WCHAR b[1100];

		ck_assert_int_eq(_snwprintf(b, 1100, u"%1000d|", 5), 1001);
		ck_assert_uint_eq(b[998], ' ');
		ck_assert_uint_eq(b[999], '5');
		ck_assert_uint_eq(b[1000], '|');
	}
}
END_TEST

/* What the engine refuses writes nothing: -1, EINVAL. */
START_TEST(test_wprintf_refused)
{
	static const WCHAR *const bad[] = {
		u"%n", u"%k", u"%1$d", u"%Ld", u"%ws%", u"%wd", u"%Z",
	};
	WCHAR b[16];
	int count = 0;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tlhelp32_wmemset(b, 0x2323, 16);
		errno = 0;
		ck_assert_int_eq(_snwprintf(b, 16, bad[i], &count), -1);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_uint_eq(b[0], 0x2323);
		ck_assert_int_eq(count, 0);
	}
	errno = 0;
	ck_assert_int_eq(_snwprintf(b, 16, NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* The bounds of swprintf, _snwprintf and _swprintf. */
START_TEST(test_wprintf_bounds)
{
	WCHAR b[8];

	/* swprintf (C): the text and a terminator, or n - 1 units and -1 */
	tlhelp32_wmemset(b, 0x2323, 8);
	ck_assert_int_eq(tlhelp32_swprintf(b, 8, u"%s", u"abc"), 3);
	ck_assert_w16_eq(b, u"abc");
	ck_assert_int_eq(tlhelp32_swprintf(b, 4, u"%s", u"abcdef"), -1);
	ck_assert_w16_eq(b, u"abc");
	ck_assert_int_eq(tlhelp32_swprintf(b, 4, u"%s", u"abc"), 3);
	ck_assert_int_eq(tlhelp32_swprintf(b, 0, u"x"), -1);

	/* _snwprintf (Microsoft): exactly full: no terminator */
	tlhelp32_wmemset(b, 0x2323, 8);
	ck_assert_int_eq(_snwprintf(b, 3, u"%s", u"abc"), 3);
	ck_assert(b[0] == 'a' && b[2] == 'c' && b[3] == 0x2323);
	tlhelp32_wmemset(b, 0x2323, 8);
	ck_assert_int_eq(_snwprintf(b, 3, u"%s", u"abcdef"), -1);
	ck_assert(b[2] == 'c' && b[3] == 0x2323);
	ck_assert_int_eq(_snwprintf(NULL, 0, u"%s", u"abcdef"), 6);
	errno = 0;
	ck_assert_int_eq(_snwprintf(NULL, 3, u"x"), -1);
	ck_assert_int_eq(errno, EINVAL);

	/* _swprintf: no bound */
	ck_assert_int_eq(_swprintf(b, u"%d%s", 12, u"ab"), 4);
	ck_assert_w16_eq(b, u"12ab");
	errno = 0;
	ck_assert_int_eq(_swprintf(NULL, u"x"), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* The stream functions write UTF-8 and return the units. */
START_TEST(test_wprintf_streams)
{
	static const WCHAR lone[] = { 'a', 0xd800, 0 };
	struct mem m;

	mem_open(&m);
	ck_assert_int_eq(tlhelp32_fwprintf(m.f, u"%s %d\n", u"\u00e9\U0001D11E",
					   5), 6);
	ck_assert_int_eq(tlhelp32_fwprintf(m.f, u"[%s|%hs]", lone, "\xc3\xa9"),
			 6);
	ck_assert_int_eq(fflush(m.f), 0);
	ck_assert_str_eq(m.buf, "\xc3\xa9\xf0\x9d\x84\x9e 5\n"
			 "[a\xef\xbf\xbd|\xc3\xa9]");
	errno = 0;
	ck_assert_int_eq(tlhelp32_fwprintf(m.f, u"%n", (int *)NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(fflush(m.f), 0);
	ck_assert_uint_eq(m.len, 18);	/* nothing written */
	mem_close(&m);
	errno = 0;
	ck_assert_int_eq(tlhelp32_fwprintf(NULL, u"x"), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* --- narrow printf of the wchar16 mode ------------------------------------------ */

/*
 * The compiler checks these formats against this file's 32-bit wchar_t;
 * the functions read %ls as 16-bit text, which u"..." is.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wformat-overflow"
#endif

START_TEST(test_w16_printf)
{
	char buf[64], ref[32], *s = NULL;
	struct mem m;
	int n = 0, fds[2];
	ssize_t got;

	ck_assert_int_eq(tlhelp32_w16_snprintf(buf, sizeof(buf),
					       "%ls|%S|%lc|%C|%s|%d",
					       u"\u00e9\U0001D11E", u"ab",
					       0xe9, 'c', "n", 7), 18);
	ck_assert_str_eq(buf, "\xc3\xa9\xf0\x9d\x84\x9e|ab|\xc3\xa9|c|n|7");
	/* width and precision of %ls count bytes, whole characters only */
	ck_assert_int_eq(tlhelp32_w16_snprintf(buf, sizeof(buf),
					       "[%.3ls][%.4ls][%4ls][%-4ls]",
					       u"\u00e9\u00e9", u"\u00e9\u00e9",
					       u"\u00e9", u"\u00e9"), 22);
	ck_assert_str_eq(buf, "[\xc3\xa9][\xc3\xa9\xc3\xa9][  \xc3\xa9]"
			 "[\xc3\xa9  ]");
	/* the C library's rules otherwise: l is long, %p as it prints it */
	snprintf(ref, sizeof(ref), "x %ld", LONG_MIN + 1);
	ck_assert_int_eq(tlhelp32_w16_snprintf(buf, sizeof(buf), "%ls %ld",
					       u"x", LONG_MIN + 1),
			 (int)strlen(ref));
	ck_assert_str_eq(buf, ref);
	ck_assert_int_eq(tlhelp32_w16_snprintf(buf, sizeof(buf), "%ls%p",
					       u"", (void *)NULL), 5);
	ck_assert_str_eq(buf, "(nil)");
	/* NULL: "(null)", unless the precision cuts it, as glibc does */
	ck_assert_int_eq(tlhelp32_w16_snprintf(buf, sizeof(buf), "%ls|%.3ls|",
					       (WCHAR *)NULL, (WCHAR *)NULL),
			 8);
	ck_assert_str_eq(buf, "(null)||");
	/* %n counts bytes */
	tlhelp32_w16_snprintf(buf, sizeof(buf), "%ls%n", u"\u00e9", &n);
	ck_assert_int_eq(n, 2);
	/* truncation: the C library's */
	ck_assert_int_eq(tlhelp32_w16_snprintf(buf, 3, "%ls", u"abcd"), 4);
	ck_assert_str_eq(buf, "ab");
	/* no wide conversion: the C library's own, positions included */
	ck_assert_int_eq(tlhelp32_w16_snprintf(buf, sizeof(buf), "%2$s%1$s",
					       "b", "a"), 2);
	ck_assert_str_eq(buf, "ab");
	errno = ENOENT;
	tlhelp32_w16_snprintf(buf, sizeof(buf), "%ls:%m", u"e");
	ck_assert_str_eq(buf, "e:No such file or directory");
	/* positions with wide text: refused */
	errno = 0;
	ck_assert_int_eq(tlhelp32_w16_snprintf(buf, sizeof(buf), "%1$ls",
					       u"a"), -1);
	ck_assert_int_eq(errno, EINVAL);

	ck_assert_int_eq(tlhelp32_w16_sprintf(buf, "<%ls>", u"\u00e9"), 4);
	ck_assert_str_eq(buf, "<\xc3\xa9>");
	ck_assert_int_eq(tlhelp32_w16_asprintf(&s, "%ls%d", u"ab", 3), 3);
	ck_assert_str_eq(s, "ab3");
	free(s);

	mem_open(&m);
	ck_assert_int_eq(tlhelp32_w16_fprintf(m.f, "%ls=%d;", u"\u00e9", 1),
			 5);
	ck_assert_int_eq(tlhelp32_w16_fprintf(m.f, "%s", "plain"), 5);
	ck_assert_int_eq(fflush(m.f), 0);
	ck_assert_str_eq(m.buf, "\xc3\xa9=1;plain");
	mem_close(&m);

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(tlhelp32_w16_dprintf(fds[1], "%ls!", u"\u00e9"), 3);
	close(fds[1]);
	got = read(fds[0], buf, sizeof(buf));
	close(fds[0]);
	ck_assert_int_eq((int)got, 3);
	ck_assert_int_eq(memcmp(buf, "\xc3\xa9!", 3), 0);
}
END_TEST

/* The scanf functions of the wchar16 mode refuse wide conversions. */
START_TEST(test_w16_scanf)
{
	WCHAR w[8];
	char word[8];
	int n = 0;

	ck_assert_int_eq(tlhelp32_w16_sscanf("12 ab", "%d %7s", &n, word), 2);
	ck_assert_int_eq(n, 12);
	ck_assert_str_eq(word, "ab");
	ck_assert_int_eq(tlhelp32_w16_sscanf("[x]", "[%7[^]]]", word), 1);
	ck_assert_str_eq(word, "x");
	errno = 0;
	ck_assert_int_eq(tlhelp32_w16_sscanf("ab", "%7ls", w), EOF);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(tlhelp32_w16_sscanf("ab", "%d %S", &n, w), EOF);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(tlhelp32_w16_sscanf("ab", "%l[a-z]", w), EOF);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

#pragma GCC diagnostic pop

/* --- kernel32's lstr functions -------------------------------------------------- */

START_TEST(test_lstr)
{
	char a[16];
	WCHAR w[16];

	ck_assert_int_eq(lstrlenA("game"), 4);
	ck_assert_int_eq(lstrlenA(NULL), 0);
	ck_assert_int_eq(lstrlenW(u"g\U0001D11E"), 3);
	ck_assert_int_eq(lstrlenW(NULL), 0);

	/* word sort: case-insensitive first... */
	ck_assert_int_eq(lstrcmpA("game.exe", "game.exe"), 0);
	ck_assert_int_eq(lstrcmpA("a", "B"), -1);	/* strcmp: > 0 */
	ck_assert_int_eq(lstrcmpA("B", "a"), 1);
	ck_assert_int_eq(lstrcmpA("abc", "abd"), -1);
	ck_assert_int_eq(lstrcmpA("ab", "abc"), -1);
	/* ...symbols before digits before letters... */
	ck_assert_int_eq(lstrcmpA("_", "1"), -1);	/* strcmp: > 0 */
	ck_assert_int_eq(lstrcmpA("9", "a"), -1);
	/* ...then lower case first */
	ck_assert_int_eq(lstrcmpA("a", "A"), -1);
	ck_assert_int_eq(lstrcmpA("Ab", "ab"), 1);
	ck_assert_int_eq(lstrcmpA("Ab", "ac"), -1);	/* b before c first */
	ck_assert_int_eq(lstrcmpiA("GAME.EXE", "game.exe"), 0);
	ck_assert_int_eq(lstrcmpiA("a", "B"), -1);
	ck_assert_int_eq(lstrcmpA(NULL, NULL), 0);
	ck_assert_int_eq(lstrcmpA(NULL, ""), -1);
	ck_assert_int_eq(lstrcmpiA("", NULL), 1);
	ck_assert_int_eq(lstrcmpW(u"game.exe", u"game.exe"), 0);
	ck_assert_int_eq(lstrcmpW(u"a", u"B"), -1);
	ck_assert_int_eq(lstrcmpiW(u"GAME.exe", u"game.EXE"), 0);
	ck_assert_int_eq(lstrcmpW(u"z", u"\u00e9"), -1);  /* ASCII first */

	memset(a, '#', sizeof(a));
	ck_assert_ptr_eq(lstrcpyA(a, "ab"), a);
	ck_assert_ptr_eq(lstrcatA(a, "cd"), a);
	ck_assert_str_eq(a, "abcd");
	ck_assert_ptr_null(lstrcpyA(NULL, "x"));
	ck_assert_ptr_null(lstrcpyA(a, NULL));
	ck_assert_ptr_null(lstrcatA(a, NULL));
	ck_assert_str_eq(a, "abcd");
	/* lstrcpyn: at most n - 1 characters and a terminator */
	ck_assert_ptr_eq(lstrcpynA(a, "wxyz", 3), a);
	ck_assert_str_eq(a, "wx");
	ck_assert_ptr_eq(lstrcpynA(a, "q", 10), a);
	ck_assert_str_eq(a, "q");
	memset(a, '#', sizeof(a));
	ck_assert_ptr_eq(lstrcpynA(a, "q", 1), a);
	ck_assert_uint_eq(a[0], '\0');
	ck_assert_ptr_eq(lstrcpynA(a, "q", 0), a);	/* nothing written */
	ck_assert_uint_eq(a[1], '#');

	ck_assert_ptr_eq(lstrcpyW(w, u"\u00e9"), w);
	ck_assert_ptr_eq(lstrcatW(w, u".exe"), w);
	ck_assert_w16_eq(w, u"\u00e9.exe");
	ck_assert_ptr_eq(lstrcpynW(w, u"abcdef", 4), w);
	ck_assert_w16_eq(w, u"abc");
	ck_assert_ptr_null(lstrcpynW(NULL, u"a", 4));
	ck_assert_ptr_null(lstrcatW(NULL, u"a"));
}
END_TEST

Suite *
wstr_suite(void)
{
	Suite *s = suite_create("wstr");
	TCase *tc;

	tc = tcase_create("narrow");
	tcase_add_test(tc, test_narrow_names);
	tcase_add_test(tc, test_narrow_snprintf);
	suite_add_tcase(s, tc);

	tc = tcase_create("strings");
	tcase_add_test(tc, test_length_compare);
	tcase_add_test(tc, test_copy_append);
	tcase_add_test(tc, test_search);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_conversions);
	tcase_add_test(tc, test_streams);
	suite_add_tcase(s, tc);

	tc = tcase_create("wprintf");
	tcase_add_test(tc, test_wprintf_text);
	tcase_add_test(tc, test_wprintf_numbers);
	tcase_add_test(tc, test_wprintf_refused);
	tcase_add_test(tc, test_wprintf_bounds);
	tcase_add_test(tc, test_wprintf_streams);
	suite_add_tcase(s, tc);

	tc = tcase_create("w16");
	tcase_add_test(tc, test_w16_printf);
	tcase_add_test(tc, test_w16_scanf);
	suite_add_tcase(s, tc);

	tc = tcase_create("lstr");
	tcase_add_test(tc, test_lstr);
	suite_add_tcase(s, tc);
	return s;
}
