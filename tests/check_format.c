/*
 * check_format.c - FormatMessageA, FormatMessageW and LocalFree: the
 * system texts (Windows' en-US wording, CR LF at the end, the same in both
 * forms, one for every ERROR_ code the headers define), unknown codes,
 * buffers too small by one, allocated buffers and LocalFree of pointers
 * the library never handed out, messages from strings with inserts taken
 * from a va_list or an array, the escapes, joined and wrapped lines,
 * FORMAT_MESSAGE_FROM_HMODULE, languages, and bad arguments.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <windows.h>

#include "suites.h"

/* A UTF-16 literal as the WCHAR string W functions take. */
#define WS(s)		((const WCHAR *)u"" s)

#define SYS		(FORMAT_MESSAGE_FROM_SYSTEM | \
			 FORMAT_MESSAGE_IGNORE_INSERTS)
#define STR		FORMAT_MESSAGE_FROM_STRING
#define DEFLANG		MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT)
#define SENTINEL	0x5EA1
#define CANARY		0xA5

/* Windows' en-US texts, without their CR LF. */
static const struct {
	DWORD code;
	const char *text;
} texts[] = {
	{ 0, "The operation completed successfully." },
	{ 4, "The system cannot open the file." },
	{ 5, "Access is denied." },
	{ 6, "The handle is invalid." },
	{ 8, "Not enough memory resources are available to process this "
	     "command." },
	{ 13, "The data is invalid." },
	{ 18, "There are no more files." },
	{ 24, "The program issued a command but the command length is "
	      "incorrect." },
	{ 31, "A device attached to the system is not functioning." },
	{ 50, "The request is not supported." },
	{ 87, "The parameter is incorrect." },
	{ 120, "This function is not supported on this system." },
	{ 122, "The data area passed to a system call is too small." },
	{ 235, "The action requested resulted in no work being done. "
	       "Error-style clean-up has been performed." },
	{ 299, "Only part of a ReadProcessMemory or WriteProcessMemory "
	       "request was completed." },
	{ 317, "The system cannot find message text for message number 0x%1 "
	       "in the message file for %2." },
	{ 487, "Attempt to access invalid address." },
	{ 998, "Invalid access to memory location." },
	{ 1813, "The specified resource type cannot be found in the image "
		"file." },
	{ 1815, "The specified resource language ID cannot be found in the "
		"image file." },
	{ 15100, "The resource loader failed to find MUI file." },
};

#define NTEXTS	(sizeof(texts) / sizeof(texts[0]))

/* --- helpers ------------------------------------------------------------- */

static size_t
wlen(const WCHAR *w)
{
	size_t n = 0;

	while (w[n])
		n++;
	return n;
}

/* @w is the UTF-16 string @expect? */
static int
w_equals(const WCHAR *w, const WCHAR *expect)
{
	size_t n = wlen(expect);

	return wlen(w) == n && !memcmp(w, expect, n * sizeof(WCHAR));
}

/* @w is @ascii, widened? */
static int
w_equals_ascii(const WCHAR *w, const char *ascii)
{
	size_t i;

	for (i = 0; ascii[i]; i++) {
		if (w[i] != (unsigned char)ascii[i])
			return 0;
	}
	return w[i] == 0;
}

/* Index of the first byte of @p that is not CANARY, or @n. */
static size_t
canary_at(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n && b[i] == CANARY; i++)
		;
	return i;
}

/* FormatMessageA with the variadic arguments as its va_list. */
static DWORD
fmt_a(DWORD flags, const char *src, char *buf, DWORD n, ...)
{
	va_list ap;
	DWORD r;

	va_start(ap, n);
	r = FormatMessageA(flags, src, 0, 0, buf, n, &ap);
	va_end(ap);
	return r;
}

/* The same, and the int that follows the arguments the call used. */
static DWORD
fmt_a_next(int *next, DWORD flags, const char *src, char *buf, DWORD n, ...)
{
	va_list ap;
	DWORD r;

	va_start(ap, n);
	r = FormatMessageA(flags, src, 0, 0, buf, n, &ap);
	*next = va_arg(ap, int);
	va_end(ap);
	return r;
}

static DWORD
fmt_w(DWORD flags, const WCHAR *src, WCHAR *buf, DWORD n, ...)
{
	va_list ap;
	DWORD r;

	va_start(ap, n);
	r = FormatMessageW(flags, src, 0, 0, buf, n, &ap);
	va_end(ap);
	return r;
}

/*
 * FROM_STRING @src with @flags and the variadic arguments gives @expect
 * (returning its length), in the A form.
 */
#define CHECK_A(flags, expect, src, ...) do { \
	char out_[512]; \
	DWORD r_ = fmt_a(STR | (flags), (src), out_, sizeof(out_), \
			 __VA_ARGS__); \
	ck_assert_msg(r_ == strlen(expect) && !strcmp(out_, (expect)), \
		      "\"%s\": got %u \"%s\", error %u", (src), r_, \
		      r_ ? out_ : "", GetLastError()); \
} while (0)

#define CHECK_W(flags, expect, src, ...) do { \
	WCHAR out_[512]; \
	DWORD r_ = fmt_w(STR | (flags), WS(src), out_, 512, __VA_ARGS__); \
	ck_assert_msg(r_ == wlen(WS(expect)) && \
		      w_equals(out_, WS(expect)), \
		      "W \"%s\": got %u, error %u", (src), r_, \
		      GetLastError()); \
} while (0)

/* --- system texts -------------------------------------------------------- */

START_TEST(system_texts)
{
	char a[512], expect[512];
	WCHAR w[512];
	DWORD r;
	size_t i;

	for (i = 0; i < NTEXTS; i++) {
		snprintf(expect, sizeof(expect), "%s\r\n", texts[i].text);
		SetLastError(0xDEADBEEF);
		r = FormatMessageA(SYS, NULL, texts[i].code, DEFLANG, a,
				   sizeof(a), NULL);
		ck_assert_msg(r == strlen(expect), "code %u: A returned %u",
			      texts[i].code, r);
		ck_assert_str_eq(a, expect);
		/* success leaves the last error alone */
		ck_assert_uint_eq(GetLastError(), 0xDEADBEEF);

		r = FormatMessageW(SYS, NULL, texts[i].code, DEFLANG, w,
				   512, NULL);
		ck_assert_msg(r == strlen(expect), "code %u: W returned %u",
			      texts[i].code, r);
		ck_assert_msg(w_equals_ascii(w, expect),
			      "code %u: W text differs from A", texts[i].code);
	}
}
END_TEST

/* The path of header @name: under $top_srcdir, or near this program. */
static FILE *
open_header(const char *name)
{
	static const char *const rel[] = { "..", "../.." };
	const char *top = getenv("top_srcdir");
	char path[PATH_MAX], exe[PATH_MAX], *slash;
	ssize_t n;
	FILE *f;
	size_t i;

	if (top) {
		if (snprintf(path, sizeof(path), "%s/include/%s", top, name) >=
		    (int)sizeof(path))
			return NULL;
		return fopen(path, "re");
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		if (snprintf(path, sizeof(path), "%s/%s/include/%s", exe,
			     rel[i], name) >= (int)sizeof(path))
			continue;
		f = fopen(path, "re");
		if (f)
			return f;
	}
	return NULL;
}

/*
 * Every "#define ERROR_... <number>" of the headers is a code the library
 * may set: the table above (and so the library's) must have its text.
 */
START_TEST(every_header_code)
{
	static const char *const headers[] = { "tlhelp32.h", "windows.h" };
	char line[256], name[64], a[512];
	unsigned long code;
	size_t h, i, found = 0;
	FILE *f;

	for (h = 0; h < 2; h++) {
		f = open_header(headers[h]);
		ck_assert_msg(f != NULL, "cannot open include/%s (set "
			      "top_srcdir)", headers[h]);
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "#define %63s %lu", name, &code) !=
			    2 || strncmp(name, "ERROR_", 6))
				continue;
			found++;
			for (i = 0; i < NTEXTS && texts[i].code != code; i++)
				;
			ck_assert_msg(i < NTEXTS, "%s (%lu) has no text in "
				      "this test's table", name, code);
			ck_assert_msg(FormatMessageA(SYS, NULL, (DWORD)code, 0,
						     a, sizeof(a), NULL),
				      "%s (%lu): error %u", name, code,
				      GetLastError());
		}
		fclose(f);
	}
	/* tlhelp32.h alone defines 15 */
	ck_assert_uint_ge(found, 20);
}
END_TEST

START_TEST(unknown_codes)
{
	static const DWORD codes[] = {
		1, 2, 3, 7, 100, 1000, 12345, 0x7FFFFFFF, 0xFFFFFFFF,
		0x8007FFFF, 0xC0000005,
	};
	unsigned char a[64];
	WCHAR w[32];
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		memset(a, CANARY, sizeof(a));
		memset(w, CANARY, sizeof(w));
		SetLastError(0);
		ck_assert_uint_eq(FormatMessageA(SYS, NULL, codes[i], DEFLANG,
						 (LPSTR)a, sizeof(a), NULL), 0);
		ck_assert_uint_eq(GetLastError(), ERROR_MR_MID_NOT_FOUND);
		SetLastError(0);
		ck_assert_uint_eq(FormatMessageW(SYS, NULL, codes[i], DEFLANG,
						 w, 32, NULL), 0);
		ck_assert_uint_eq(GetLastError(), ERROR_MR_MID_NOT_FOUND);
		ck_assert_uint_eq(canary_at(a, sizeof(a)), sizeof(a));
		ck_assert_uint_eq(canary_at(w, sizeof(w)), sizeof(w));
	}
}
END_TEST

/* An HRESULT that wraps a Win32 code has the code's text. */
START_TEST(hresult_codes)
{
	char a[128];
	WCHAR w[128];

	ck_assert_uint_eq(FormatMessageA(SYS, NULL, 0x80070005, DEFLANG, a,
					 sizeof(a), NULL), 19);
	ck_assert_str_eq(a, "Access is denied.\r\n");
	ck_assert_uint_eq(FormatMessageW(SYS, NULL, 0x80070057, DEFLANG, w,
					 128, NULL), 29);
	ck_assert(w_equals_ascii(w, "The parameter is incorrect.\r\n"));
	/* other facilities are not Win32 codes */
	ck_assert_uint_eq(FormatMessageA(SYS, NULL, 0x80040005, DEFLANG, a,
					 sizeof(a), NULL), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_MR_MID_NOT_FOUND);
}
END_TEST

/* --- buffer sizes -------------------------------------------------------- */

/* Sizes around the exact fit, and nothing written past nSize. */
START_TEST(buffer_sizes_a)
{
	static const char text[] = "Access is denied.\r\n";
	const DWORD len = sizeof(text) - 1;
	unsigned char a[64];
	DWORD n, r;

	for (n = 0; n <= len + 2; n++) {
		memset(a, CANARY, sizeof(a));
		SetLastError(0);
		r = FormatMessageA(SYS, NULL, ERROR_ACCESS_DENIED, DEFLANG,
				   (LPSTR)a, n, NULL);
		if (n <= len) {
			ck_assert_msg(r == 0, "size %u: returned %u", n, r);
			ck_assert_uint_eq(GetLastError(),
					  ERROR_INSUFFICIENT_BUFFER);
			/* the buffer is left as it was */
			ck_assert_uint_eq(canary_at(a, sizeof(a)), sizeof(a));
		} else {
			ck_assert_uint_eq(r, len);
			ck_assert_str_eq((char *)a, text);
			ck_assert_uint_eq(canary_at(a + len + 1,
						    sizeof(a) - len - 1),
					  sizeof(a) - len - 1);
		}
	}
}
END_TEST

START_TEST(buffer_sizes_w)
{
	static const char text[] = "Access is denied.\r\n";
	const DWORD len = sizeof(text) - 1;
	WCHAR w[64];
	DWORD n, r;

	for (n = 0; n <= len + 2; n++) {
		memset(w, CANARY, sizeof(w));
		SetLastError(0);
		r = FormatMessageW(SYS, NULL, ERROR_ACCESS_DENIED, DEFLANG, w,
				   n, NULL);
		if (n <= len) {
			ck_assert_msg(r == 0, "size %u: returned %u", n, r);
			ck_assert_uint_eq(GetLastError(),
					  ERROR_INSUFFICIENT_BUFFER);
			ck_assert_uint_eq(canary_at(w, sizeof(w)), sizeof(w));
		} else {
			ck_assert_uint_eq(r, len);
			ck_assert(w_equals_ascii(w, text));
			size_t rest = sizeof(w) - (len + 1) * sizeof(WCHAR);

			ck_assert_uint_eq(canary_at(w + len + 1, rest), rest);
		}
	}
}
END_TEST

/* The size counts TCHARs: a W string needs nSize >= its WCHARs + 1. */
START_TEST(buffer_sizes_multibyte)
{
	static const char euro[] = "\xe2\x82\xac\xe2\x82\xac";	/* 2 chars */
	char a[16];
	WCHAR w[16];

	ck_assert_uint_eq(FormatMessageA(STR, euro, 0, 0, a, 6, NULL), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
	ck_assert_uint_eq(FormatMessageA(STR, euro, 0, 0, a, 7, NULL), 6);
	ck_assert_str_eq(a, euro);
	ck_assert_uint_eq(FormatMessageW(STR, WS("\u20ac\u20ac"), 0, 0, w, 2,
					 NULL), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
	ck_assert_uint_eq(FormatMessageW(STR, WS("\u20ac\u20ac"), 0, 0, w, 3,
					 NULL), 2);
}
END_TEST

/* --- allocated buffers and LocalFree ------------------------------------- */

START_TEST(allocate_buffer)
{
	static const char text[] = "The parameter is incorrect.\r\n";
	const DWORD len = sizeof(text) - 1;
	const DWORD sizes[] = { 0, 1, len, len + 1, len + 2, 4096 };
	char *a;
	WCHAR *w;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		a = (char *)0x1;
		ck_assert_uint_eq(FormatMessageA(SYS |
				FORMAT_MESSAGE_ALLOCATE_BUFFER, NULL,
				ERROR_INVALID_PARAMETER, DEFLANG, (LPSTR)&a,
				sizes[i], NULL), len);
		ck_assert_str_eq(a, text);
		/* at least nSize TCHARs: the last one can be written */
		if (sizes[i])
			a[sizes[i] - 1] = 'x';
		ck_assert_ptr_null(LocalFree(a));

		w = (WCHAR *)0x1;
		ck_assert_uint_eq(FormatMessageW(SYS |
				FORMAT_MESSAGE_ALLOCATE_BUFFER, NULL,
				ERROR_INVALID_PARAMETER, DEFLANG, (LPWSTR)&w,
				sizes[i], NULL), len);
		ck_assert(w_equals_ascii(w, text));
		if (sizes[i])
			w[sizes[i] - 1] = 'x';
		ck_assert_ptr_null(LocalFree(w));
	}
}
END_TEST

/* A failure stores NULL through lpBuffer, so LocalFree of it is safe. */
START_TEST(allocate_buffer_failures)
{
	char *a;
	WCHAR *w;

	a = (char *)0x1;
	ck_assert_uint_eq(FormatMessageA(SYS | FORMAT_MESSAGE_ALLOCATE_BUFFER,
					 NULL, 12345, DEFLANG, (LPSTR)&a, 0,
					 NULL), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_MR_MID_NOT_FOUND);
	ck_assert_ptr_null(a);
	ck_assert_ptr_null(LocalFree(a));

	w = (WCHAR *)0x1;
	ck_assert_uint_eq(FormatMessageW(STR | FORMAT_MESSAGE_ALLOCATE_BUFFER,
					 WS(""), 0, 0, (LPWSTR)&w, 0, NULL), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_NO_WORK_DONE);
	ck_assert_ptr_null(w);

	a = (char *)0x1;
	ck_assert_uint_eq(FormatMessageA(FORMAT_MESSAGE_ALLOCATE_BUFFER,
					 "test", 0, 0, (LPSTR)&a, 0, NULL), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert_ptr_null(a);

	a = (char *)0x1;
	ck_assert_uint_eq(FormatMessageA(STR | FORMAT_MESSAGE_ALLOCATE_BUFFER,
					 "%1", 0, 0, (LPSTR)&a, 0, NULL), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert_ptr_null(a);
}
END_TEST

START_TEST(local_free_foreign)
{
	char stack[16], *heap = malloc(16), *mine;
	HLOCAL bogus = (HLOCAL)(uintptr_t)0x1000;

	ck_assert_ptr_nonnull(heap);

	/* NULL: NULL, and the last error is left alone */
	SetLastError(0xDEADBEEF);
	ck_assert_ptr_null(LocalFree(NULL));
	ck_assert_uint_eq(GetLastError(), 0xDEADBEEF);

	/* pointers the library never handed out come back, untouched */
	memset(stack, CANARY, sizeof(stack));
	memset(heap, CANARY, 16);
	SetLastError(0);
	ck_assert_ptr_eq(LocalFree(stack), stack);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
	SetLastError(0);
	ck_assert_ptr_eq(LocalFree(heap), heap);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
	SetLastError(0);
	ck_assert_ptr_eq(LocalFree(bogus), bogus);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
	ck_assert_uint_eq(canary_at(stack, sizeof(stack)), sizeof(stack));
	ck_assert_uint_eq(canary_at(heap, 16), 16);
	free(heap);

	/* inside an allocated buffer is not the buffer */
	ck_assert_uint_eq(FormatMessageA(SYS | FORMAT_MESSAGE_ALLOCATE_BUFFER,
					 NULL, 5, 0, (LPSTR)&mine, 0, NULL),
			  19);
	SetLastError(0);
	ck_assert_ptr_eq(LocalFree(mine + 1), mine + 1);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
	ck_assert_str_eq(mine, "Access is denied.\r\n");

	/* freed once; the second time it is no longer the library's */
	ck_assert_ptr_null(LocalFree(mine));
	SetLastError(0);
	ck_assert_ptr_eq(LocalFree(mine), mine);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
}
END_TEST

/* Many buffers alive at once, freed in another order. */
START_TEST(local_free_many)
{
	enum { N = 1000 };
	char **p = calloc(N, sizeof(*p));
	size_t i;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < N; i++)
		ck_assert_uint_eq(FormatMessageA(STR |
				FORMAT_MESSAGE_ALLOCATE_BUFFER, "x", 0, 0,
				(LPSTR)&p[i], 0, NULL), 1);
	for (i = 0; i < N; i += 2)
		ck_assert_ptr_null(LocalFree(p[i]));
	for (i = 0; i < N; i += 2)
		ck_assert_ptr_eq(LocalFree(p[i]), p[i]);
	for (i = N - 1; i < N; i -= 2)
		ck_assert_ptr_null(LocalFree(p[i]));
	free(p);
}
END_TEST

/* A child inherits the record of buffers: each side frees its own copy. */
START_TEST(local_free_fork)
{
	char *p;
	pid_t pid;
	int status;

	ck_assert_uint_eq(FormatMessageA(SYS | FORMAT_MESSAGE_ALLOCATE_BUFFER,
					 NULL, 6, 0, (LPSTR)&p, 0, NULL), 24);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char fake[4];

		_exit(LocalFree(p) != NULL || LocalFree(p) != p ||
		      LocalFree(fake) != fake);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_str_eq(p, "The handle is invalid.\r\n");
	ck_assert_ptr_null(LocalFree(p));
}
END_TEST

#define THREADS		4
#define THREAD_ROUNDS	2000

static void *
alloc_and_free(void *arg)
{
	uintptr_t bad = 0;
	char *p, fake[4];
	int i;

	(void)arg;
	for (i = 0; i < THREAD_ROUNDS; i++) {
		if (FormatMessageA(SYS | FORMAT_MESSAGE_ALLOCATE_BUFFER, NULL,
				   ERROR_NOACCESS, 0, (LPSTR)&p, 0, NULL) !=
		    36 || strcmp(p, "Invalid access to memory location.\r\n"))
			bad++;
		if (LocalFree(fake) != fake ||
		    GetLastError() != ERROR_INVALID_HANDLE)
			bad++;
		if (LocalFree(p))
			bad++;
	}
	return (void *)bad;
}

START_TEST(local_free_threads)
{
	pthread_t th[THREADS];
	void *bad;
	int i;

	for (i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, alloc_and_free,
						NULL), 0);
	for (i = 0; i < THREADS; i++) {
		ck_assert_int_eq(pthread_join(th[i], &bad), 0);
		ck_assert_ptr_null(bad);
	}
}
END_TEST

/* --- messages from strings ----------------------------------------------- */

START_TEST(string_plain)
{
	CHECK_A(0, "test", "test", 0);
	CHECK_W(0, "test", "test", 0);
	/* every kind of line break becomes CR LF */
	CHECK_A(0, "hi\r\n", "hi\n", 0);
	CHECK_A(0, "hi\r\n", "hi\r\n", 0);
	CHECK_A(0, "\r\n", "\r", 0);
	CHECK_A(0, "\r\n\r\n", "\r\r\n", 0);
	CHECK_A(0, "a\r\nb\r\n\r\nc", "a\nb\n\rc", 0);
	CHECK_W(0, "\r\n\r\n", "\r\r\n", 0);
}
END_TEST

START_TEST(string_escapes)
{
	CHECK_A(0, " %% ", " %%%% ", 0);
	CHECK_A(0, " .. x", " %.%. x", 0);
	CHECK_A(0, "yah!", "yah%!%0   ", 0);
	CHECK_A(0, "    ", "% %   ", 0);
	CHECK_A(0, "\r\n\r\t", "%n%r%t", 0);
	CHECK_A(0, "test", "test%0test", 0);
	CHECK_A(0, "test", "test%0", 0);
	/* any other character after % stands for itself */
	CHECK_A(0, "aqb", "a%qb", 0);
	CHECK_W(0, " %% ..!", " %%%% %.%.%!", 0);
	CHECK_W(0, "\r\n\r\t", "%n%r%t", 0);
	CHECK_W(0, "test", "test%0test", 0);
}
END_TEST

START_TEST(string_failures)
{
	unsigned char a[16];
	WCHAR w[8];

	memset(a, CANARY, sizeof(a));
	memset(w, CANARY, sizeof(w));
	/* a lone % at the end */
	ck_assert_uint_eq(fmt_a(STR, "%", (LPSTR)a, sizeof(a)), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert_uint_eq(fmt_a(STR, "test%", (LPSTR)a, sizeof(a)), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert_uint_eq(fmt_w(STR, WS("test%"), w, 8), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	/* nothing to output */
	ck_assert_uint_eq(fmt_a(STR, "", (LPSTR)a, sizeof(a)), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_NO_WORK_DONE);
	ck_assert_uint_eq(fmt_a(STR, "%0test", (LPSTR)a, sizeof(a)), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_NO_WORK_DONE);
	ck_assert_uint_eq(fmt_w(STR, WS(""), w, 8), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_NO_WORK_DONE);
	/* a NULL string */
	ck_assert_uint_eq(FormatMessageA(STR, NULL, 0, 0, (LPSTR)a, sizeof(a),
					 NULL), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert_uint_eq(FormatMessageW(STR, NULL, 0, 0, w, 8, NULL), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	/* the buffers are left as they were */
	ck_assert_uint_eq(canary_at(a, sizeof(a)), sizeof(a));
	ck_assert_uint_eq(canary_at(w, sizeof(w)), sizeof(w));
}
END_TEST

/* UTF-8 in A strings, UTF-16 in W strings, each way. */
START_TEST(string_encodings)
{
	static const WCHAR lone[] = { 'a', 0xD800, 'b', 0 };
	char a[64];
	WCHAR w[64];

	/* A source, W output */
	ck_assert_uint_eq(FormatMessageW(STR, WS("caf\u00e9 \u20ac"), 0, 0, w,
					 64, NULL), 6);
	ck_assert(w_equals(w, WS("caf\u00e9 \u20ac")));
	ck_assert_uint_eq(FormatMessageA(STR, "caf\xc3\xa9 \xe2\x82\xac", 0,
					 0, a, sizeof(a), NULL), 9);
	ck_assert_str_eq(a, "caf\xc3\xa9 \xe2\x82\xac");
	/* beyond the BMP: a surrogate pair, 4 bytes of UTF-8 */
	ck_assert_uint_eq(fmt_a(STR, "%1!S!", a, sizeof(a),
				WS("\U0001F600x")), 5);
	ck_assert_str_eq(a, "\xf0\x9f\x98\x80x");
	ck_assert_uint_eq(fmt_w(STR, WS("%1!S!"), w, 64,
				"\xf0\x9f\x98\x80x"), 3);
	ck_assert(w_equals(w, WS("\U0001F600x")));
	/* bytes that are not UTF-8 pass through A, are U+FFFD in W */
	ck_assert_uint_eq(FormatMessageA(STR, "a\xff\xc3z", 0, 0, a,
					 sizeof(a), NULL), 4);
	ck_assert_str_eq(a, "a\xff\xc3z");
	ck_assert_uint_eq(fmt_w(STR, WS("%1!S!"), w, 64, "a\xffz"), 3);
	ck_assert(w_equals(w, WS("a\ufffdz")));
	/* a lone surrogate passes through W, is U+FFFD in A */
	ck_assert_uint_eq(FormatMessageW(STR, lone, 0, 0, w, 64, NULL), 3);
	ck_assert(w_equals(w, lone));
	ck_assert_uint_eq(fmt_a(STR, "%1!S!", a, sizeof(a), lone), 5);
	ck_assert_str_eq(a, "a\xef\xbf\xbd" "b");
	/* precision and width count characters, not bytes */
	ck_assert_uint_eq(fmt_a(STR, "[%1!4.2s!]", a, sizeof(a),
				"\xc3\xa9\xc3\xa8\xc3\xa0"), 8);
	ck_assert_str_eq(a, "[  \xc3\xa9\xc3\xa8]");
}
END_TEST

/* --- inserts ------------------------------------------------------------- */

START_TEST(inserts_strings)
{
	CHECK_A(0, "test", "%1!s!", "test");
	CHECK_A(0, "test", "%1", "test");
	CHECK_A(0, "test", "%1%2", "te", "st");
	CHECK_A(0, "test", "%1%3%2%1", "t", "s", "e");
	CHECK_A(0, "narrow wide", "%1!s! %2!S!", "narrow", WS("wide"));
	CHECK_A(0, "a b c d", "%1!hs! %2!ls! %3!ws! %4!hS!", "a", WS("b"),
		WS("c"), "d");
	CHECK_A(0, "(null)", "%1", (char *)NULL);
	CHECK_A(0, "  t|t  |ab", "%1!3s!|%2!-3s!|%3!.2s!", "t", "t", "abc");
	CHECK_A(0, "   t", "%1!*s!", 4, "t");
	CHECK_A(0, "t   |", "%1!*s!|", -4, "t");
	CHECK_A(0, "ab", "%1!.*s!", 2, "abcdef");
	/* two digits at most: %100 is insert 10, then 0 */
	CHECK_A(0, "j j0", "%10 %100", "a", "b", "c", "d", "e", "f", "g", "h",
		"i", "j");
	CHECK_W(0, "a b c d", "%1!s! %2!S! %3!hs! %4!ls!", WS("a"), "b", "c",
		WS("d"));
	CHECK_W(0, "test", "%1%3%2%1", WS("t"), WS("s"), WS("e"));
	CHECK_W(0, "(null)", "%1", (WCHAR *)NULL);
}
END_TEST

START_TEST(inserts_numbers)
{
	char expect[64];

	CHECK_A(0, "123", "%1!d!%2!d!%3!d!", 1, 2, 3);
	CHECK_A(0, "-5 4294967295 ff 0XFF 010", "%1!d! %2!u! %3!x! %4!#X! "
		"%5!#o!", -5, -1, 255, 255, 8);
	CHECK_A(0, "   1|1   |  11|   b|   B| 1AB", "%1!4d!|%2!-4d!|%3!4d!|"
		"%4!4x!|%5!4X!|%6!4X!", 1, 1, 11, 11, 11, 0x1ab);
	CHECK_A(0, "+5  5 -0042 007 []", "%1!+d! %2! d! %3!05d! %4!.3d! "
		"[%5!.0d!]", 5, 5, -42, 7, 0);
	CHECK_A(0, "  03", "%1!4.2u!", 3);
	CHECK_A(0, "  001", "%1!*.*u!", 5, 3, 1);
	CHECK_A(0, "x", "%1!c!", 'x');
	CHECK_A(0, "x\xe2\x82\xac", "%1!c!%2!C!", 'x', 0x20AC);
	CHECK_A(0, "-1 -1 1 -1", "%1!hd! %2!hhd! %3!hu! %4!ld!", 65535, 255,
		65537, -1);
	CHECK_A(0, "18446744073709551615 -9223372036854775808 -1",
		"%1!I64u! %2!I64d! %3!lld!", UINT64_MAX, INT64_MIN, -1LL);
	CHECK_A(0, "4294967295", "%1!I32u!", 0xFFFFFFFFu);
	snprintf(expect, sizeof(expect), "%zu %zd", SIZE_MAX, (ssize_t)-2);
	CHECK_A(0, expect, "%1!Iu! %2!zd!", SIZE_MAX, (ssize_t)-2);
	snprintf(expect, sizeof(expect), "%0*" PRIXPTR,
		 (int)(2 * sizeof(void *)), (uintptr_t)0xABC);
	CHECK_A(0, expect, "%1!p!", (void *)0xABC);
	CHECK_W(0, "  11|B   |\u20ac", "%1!4d!|%2!-4X!|%3!c!", 11, 11, 0x20AC);
	CHECK_W(0, "9223372036854775807", "%1!I64d!", INT64_MAX);
}
END_TEST

/*
 * Inserts with '*' widths and precisions, numbered as Windows numbers them
 * for a va_list: a second %1 takes its width from %1's first argument and
 * the rest after the last one used; %3 after %1!*.*u! starts after it.
 */
START_TEST(inserts_stars_va)
{
	CHECK_A(0, "  001, 0002", "%1!*.*u!,%1!*.*u!", 5, 3, 1, 4, 2);
	CHECK_A(0, "  001,  0002", "%1!*.*u!,%3!*.*u!", 5, 3, 1, 6, 4, 2);
	CHECK_A(0, "  ab|c", "%1!*s!|%2", 4, "ab", "c");
	CHECK_W(0, "  001, 0002", "%1!*.*u!,%1!*.*u!", 5, 3, 1, 4, 2);
}
END_TEST

/* The va_list is advanced past the arguments used, and no further. */
START_TEST(inserts_consume)
{
	char a[64];
	int next = 0;

	ck_assert_uint_eq(fmt_a_next(&next, STR, "%1 %2!d!", a, sizeof(a),
				     "x", 7, SENTINEL), 3);
	ck_assert_str_eq(a, "x 7");
	ck_assert_int_eq(next, SENTINEL);
	ck_assert_uint_eq(fmt_a_next(&next, STR, "%2 %1", a, sizeof(a),
				     "a", "b", SENTINEL), 3);
	ck_assert_str_eq(a, "b a");
	ck_assert_int_eq(next, SENTINEL);
	/* unused arguments before a used one are taken too */
	ck_assert_uint_eq(fmt_a_next(&next, STR, "%3", a, sizeof(a), "x",
				     "y", "z", SENTINEL), 1);
	ck_assert_str_eq(a, "z");
	ck_assert_int_eq(next, SENTINEL);
	/* I64 takes 64 bits, also on 32-bit builds */
	ck_assert_uint_eq(fmt_a_next(&next, STR, "%1!I64x!", a, sizeof(a),
				     0x1122334455667788ull, SENTINEL), 16);
	ck_assert_str_eq(a, "1122334455667788");
	ck_assert_int_eq(next, SENTINEL);
	/* even when the buffer is too small */
	ck_assert_uint_eq(fmt_a_next(&next, STR, "%1 %2!d!", a, 2, "x", 7,
				     SENTINEL), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
	ck_assert_int_eq(next, SENTINEL);
	/* a message that cannot be parsed takes nothing */
	ck_assert_uint_eq(fmt_a_next(&next, STR, "%1 %2!f!", a, sizeof(a),
				     SENTINEL), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(next, SENTINEL);
	/* nor does one without inserts */
	ck_assert_uint_eq(fmt_a_next(&next, STR, "none", a, sizeof(a),
				     SENTINEL), 4);
	ck_assert_int_eq(next, SENTINEL);
}
END_TEST

START_TEST(inserts_array)
{
	DWORD_PTR strs[] = { (DWORD_PTR)"one", (DWORD_PTR)"two" };
	DWORD_PTR wstrs[] = { (DWORD_PTR)WS("one"), (DWORD_PTR)WS("two") };
	DWORD_PTR nums[] = { 6, 4, 2, 5, 3, 1 };
	DWORD_PTR neg[] = { (DWORD_PTR)-1, (DWORD_PTR)-1, (DWORD_PTR)-1 };
	const DWORD flags = STR | FORMAT_MESSAGE_ARGUMENT_ARRAY;
	char a[64], expect[64];
	WCHAR w[64];

	ck_assert_uint_eq(FormatMessageA(flags, "%2 %1", 0, 0, a, sizeof(a),
					 (va_list *)strs), 7);
	ck_assert_str_eq(a, "two one");
	ck_assert_uint_eq(FormatMessageW(flags, WS("%2 %1"), 0, 0, w, 64,
					 (va_list *)wstrs), 7);
	ck_assert(w_equals(w, WS("two one")));
	/* each '*' takes the next element; a second %1 starts over */
	ck_assert_uint_eq(FormatMessageA(flags, "%1!*.*u!,%1!*.*u!", 0, 0, a,
					 sizeof(a), (va_list *)nums), 13);
	ck_assert_str_eq(a, "  0002, 00003");
	ck_assert_uint_eq(FormatMessageA(flags, "%1!*.*u!,%4!*.*u!", 0, 0, a,
					 sizeof(a), (va_list *)nums), 12);
	ck_assert_str_eq(a, "  0002,  001");
	/* each element is a DWORD_PTR, cut to the size the format names */
	snprintf(expect, sizeof(expect), "-1 4294967295 %zu", SIZE_MAX);
	ck_assert_uint_eq(FormatMessageA(flags, "%1!d! %2!u! %3!Iu!", 0, 0, a,
					 sizeof(a), (va_list *)neg),
			  strlen(expect));
	ck_assert_str_eq(a, expect);
}
END_TEST

START_TEST(inserts_without_arguments)
{
	unsigned char a[16];
	WCHAR w[8];

	memset(a, CANARY, sizeof(a));
	memset(w, CANARY, sizeof(w));
	ck_assert_uint_eq(FormatMessageA(STR, "%1", 0, 0, (LPSTR)a, sizeof(a),
					 NULL), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert_uint_eq(FormatMessageA(STR | FORMAT_MESSAGE_ARGUMENT_ARRAY,
					 "%1", 0, 0, (LPSTR)a, sizeof(a), NULL),
			  0);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert_uint_eq(FormatMessageW(STR, WS("x%2"), 0, 0, w, 8, NULL), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	/* a system text with inserts, not told to ignore them */
	ck_assert_uint_eq(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL,
					 ERROR_MR_MID_NOT_FOUND, 0, (LPSTR)a,
					 sizeof(a), NULL), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	ck_assert_uint_eq(canary_at(a, sizeof(a)), sizeof(a));
	ck_assert_uint_eq(canary_at(w, sizeof(w)), sizeof(w));
}
END_TEST

/* Formats that are not understood: refused, not guessed. */
START_TEST(inserts_bad_formats)
{
	static const char *const bad[] = {
		"%1!", "%1!s", "%1!!", "%1!f!", "%1!e!", "%1!n!", "%1!q!",
		"%1!ss!", "%1!lls!", "%1!I64s!", "%1!zc!", "%1!lp!",
		"%1!99999999999d!", "%1!.99999999999d!", "%1!%d!", "x%1!-!",
	};
	unsigned char a[16];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(a, CANARY, sizeof(a));
		SetLastError(0);
		ck_assert_msg(fmt_a(STR, bad[i], (LPSTR)a, sizeof(a), 1, 2) ==
			      0, "\"%s\" was accepted", bad[i]);
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
		ck_assert_uint_eq(canary_at(a, sizeof(a)), sizeof(a));
	}
}
END_TEST

START_TEST(ignore_inserts)
{
	const DWORD ign = FORMAT_MESSAGE_IGNORE_INSERTS;
	char a[512];
	DWORD_PTR args[] = { (DWORD_PTR)"1F", (DWORD_PTR)"tlhelp32" };

	/* inserts and most escapes stay as they are, without arguments */
	ck_assert_uint_eq(FormatMessageA(STR | ign, "test%1%2!*.*s!%99", 0, 0,
					 a, sizeof(a), NULL), 17);
	ck_assert_str_eq(a, "test%1%2!*.*s!%99");
	ck_assert_uint_eq(FormatMessageA(STR | ign, "%%% %.%!", 0, 0, a,
					 sizeof(a), NULL), 8);
	ck_assert_str_eq(a, "%%% %.%!");
	ck_assert_uint_eq(FormatMessageA(STR | ign, "a%", 0, 0, a, sizeof(a),
					 NULL), 2);
	ck_assert_str_eq(a, "a%");
	/* %0, %n, %r, %t and line breaks are still processed */
	CHECK_A(ign, "\r\n\r\t", "%n%r%t", 0);
	CHECK_A(ign, "test", "test%0test", 0);
	CHECK_A(ign, "hi\r\n\r\n", "hi\n\r", 0);
	CHECK_W(ign, "%1 %%\r\n", "%1 %%%n", 0);

	/* the system's texts with inserts */
	ck_assert_uint_eq(FormatMessageA(SYS, NULL, ERROR_MR_MID_NOT_FOUND, 0,
					 a, sizeof(a), NULL), 89);
	ck_assert(strstr(a, "number 0x%1 in the message file for %2.\r\n"));
	/* ...and filled in */
	ck_assert_uint_eq(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM |
					 FORMAT_MESSAGE_ARGUMENT_ARRAY, NULL,
					 ERROR_MR_MID_NOT_FOUND, 0, a,
					 sizeof(a), (va_list *)args), 95);
	ck_assert_str_eq(a, "The system cannot find message text for message "
			 "number 0x1F in the message file for tlhelp32.\r\n");
}
END_TEST

/* --- line width ---------------------------------------------------------- */

START_TEST(max_width_mask)
{
	const DWORD join = FORMAT_MESSAGE_MAX_WIDTH_MASK;
	char a[64], in[300], expect[300];
	WCHAR w[64];
	int i;

	/* the text's line breaks become spaces; %n stays */
	CHECK_A(join, "hi ", "hi\n", 0);
	CHECK_A(join, "hi ", "hi\r\n", 0);
	CHECK_A(join, "  ", "\r\r\n", 0);
	CHECK_A(join, "a\r\nb c", "a%nb\nc", 0);
	CHECK_W(join, "hi  ", "hi\r\n\n", 0);
	/* system texts end in a space instead of CR LF */
	ck_assert_uint_eq(FormatMessageA(SYS | join, NULL, 5, 0, a, sizeof(a),
					 NULL), 18);
	ck_assert_str_eq(a, "Access is denied. ");
	ck_assert_uint_eq(FormatMessageW(SYS | join, NULL, 5, 0, w, 64, NULL),
			  18);
	ck_assert(w_equals_ascii(w, "Access is denied. "));
	/* and lines are never wrapped */
	strcpy(in, "first line%n");
	strcpy(expect, "first line\r\n");
	for (i = 0; i < 26; i++) {
		strcat(in, "123456789 ");
		strcat(expect, "123456789 ");
	}
	CHECK_A(join, expect, in, 0);
}
END_TEST

/* A width of 1..254: lines wrap at the last run of spaces. */
START_TEST(line_width)
{
	CHECK_A(20, "short long line", "short long line", 0);
	CHECK_A(11, "short long\r\nline", "short long line", 0);
	/* a line holds fewer characters than the width, unless one word
	 * fills it */
	CHECK_A(10, "short\r\nlong line", "short long line", 0);
	CHECK_A(8, "shortlon\r\n", "shortlon", 0);
	CHECK_A(8, "shortlon\r\ngline", "shortlongline", 0);
	CHECK_A(7, "short\r\nlong\r\nline", "short long line", 0);
	/* the run of spaces at the break goes; spaces after it stay */
	CHECK_A(16, "short long\r\nline", "short long    line", 0);
	CHECK_A(12, "short long\r\n  line", "short long    line", 0);
	CHECK_A(12, "short long\r\n\r\nwordlongerth\r\nanaline",
		"short long    wordlongerthanaline", 0);
	CHECK_A(11, "\r\nshortlong\r\nline", "   shortlong line", 0);
	CHECK_A(5, "\r\n\r\n\r\n ", "                ", 0);
	CHECK_A(5, "l1\r\n\r\n\r\n  ", "l1               ", 0);
	/* only spaces break: not tabs or punctuation */
	CHECK_A(11, "short\r\nlong\tline", "short long\tline", 0);
	CHECK_A(11, "short\r\nlong-line", "short long-line", 0);
	/* the text's line breaks are spaces; %n and %r start a new line */
	CHECK_A(11, "short long\r\nline", "short\nlong line", 0);
	CHECK_A(8, "shortlon\r\n\r\n", "shortlon%n", 0);
	CHECK_A(8, "short\r\nlong\r\nline", "short%nlong line", 0);
	CHECK_A(8, "short\rlong\r\nline", "short%rlong line", 0);
	/* inserts wrap with the rest; ignored inserts too */
	CHECK_A(FORMAT_MESSAGE_IGNORE_INSERTS | 8, "short\r\nlong\r\nline%1",
		"short%nlong line%1", 0);
	CHECK_A(9, "insert\r\nhere ok", "%1 here ok", "insert");
	/* characters, not bytes: e-acute is two bytes of UTF-8 */
	CHECK_A(7, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\r\n"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 "
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 0);
	CHECK_W(11, "short long\r\nline", "short long line", 0);
	CHECK_W(1, "a\r\n\r\nb\r\n", "a b", 0);
}
END_TEST

/* --- sources, languages, arguments --------------------------------------- */

START_TEST(from_hmodule)
{
	unsigned char a[64];
	WCHAR w[32];
	HMODULE mods[] = { NULL, (HMODULE)(uintptr_t)0x400000, (HMODULE)a };
	size_t i;

	for (i = 0; i < 3; i++) {
		/* no module has a message table here */
		memset(a, CANARY, sizeof(a));
		SetLastError(0);
		ck_assert_uint_eq(FormatMessageA(FORMAT_MESSAGE_FROM_HMODULE |
						 FORMAT_MESSAGE_IGNORE_INSERTS,
						 mods[i], 5, 0, (LPSTR)a,
						 sizeof(a), NULL), 0);
		ck_assert_uint_eq(GetLastError(),
				  ERROR_RESOURCE_TYPE_NOT_FOUND);
		ck_assert_uint_eq(canary_at(a, sizeof(a)), sizeof(a));
		ck_assert_uint_eq(FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE,
						 mods[i], 5, 0, w, 32, NULL),
				  0);
		ck_assert_uint_eq(GetLastError(),
				  ERROR_RESOURCE_TYPE_NOT_FOUND);
		/* with FROM_SYSTEM the system table is searched next */
		ck_assert_uint_eq(FormatMessageA(SYS |
						 FORMAT_MESSAGE_FROM_HMODULE,
						 mods[i], 5, 0, (LPSTR)a,
						 sizeof(a), NULL), 19);
		ck_assert_str_eq((char *)a, "Access is denied.\r\n");
		ck_assert_uint_eq(FormatMessageA(SYS |
						 FORMAT_MESSAGE_FROM_HMODULE,
						 mods[i], 12345, 0, (LPSTR)a,
						 sizeof(a), NULL), 0);
		ck_assert_uint_eq(GetLastError(), ERROR_MR_MID_NOT_FOUND);
	}
	/* a string wins over both */
	ck_assert_uint_eq(FormatMessageA(STR | FORMAT_MESSAGE_FROM_HMODULE |
					 FORMAT_MESSAGE_FROM_SYSTEM, "test", 5,
					 0, (LPSTR)a, sizeof(a), NULL), 4);
	ck_assert_str_eq((char *)a, "test");
}
END_TEST

START_TEST(languages)
{
	static const DWORD served[] = {
		0, MAKELANGID(LANG_NEUTRAL, SUBLANG_NEUTRAL),
		MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
		MAKELANGID(LANG_NEUTRAL, SUBLANG_SYS_DEFAULT),
		LANG_USER_DEFAULT, LANG_SYSTEM_DEFAULT, LANG_ENGLISH,
		MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US),
		MAKELANGID(LANG_ENGLISH, 0x02),		/* en-GB */
	};
	static const DWORD others[] = {
		0x0407, 0x040C, 0x0411, 0x0804, 0x0007, 0x3FF,
		0x10000, 0x10409, 0xFFFFFFFF,
	};
	unsigned char a[64];
	WCHAR w[32];
	size_t i;

	for (i = 0; i < sizeof(served) / sizeof(served[0]); i++) {
		ck_assert_msg(FormatMessageA(SYS, NULL, 6, served[i], (LPSTR)a,
					     sizeof(a), NULL) == 24,
			      "language %#x: error %u", served[i],
			      GetLastError());
		ck_assert_str_eq((char *)a, "The handle is invalid.\r\n");
	}
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		memset(a, CANARY, sizeof(a));
		SetLastError(0);
		ck_assert_uint_eq(FormatMessageA(SYS, NULL, 6, others[i],
						 (LPSTR)a, sizeof(a), NULL), 0);
		ck_assert_uint_eq(GetLastError(), ERROR_MUI_FILE_NOT_FOUND);
		ck_assert_uint_eq(FormatMessageW(SYS, NULL, 6, others[i], w,
						 32, NULL), 0);
		ck_assert_uint_eq(GetLastError(), ERROR_MUI_FILE_NOT_FOUND);
		ck_assert_uint_eq(canary_at(a, sizeof(a)), sizeof(a));
		/* a string has no language */
		ck_assert_uint_eq(FormatMessageA(STR, "test", 0, others[i],
						 (LPSTR)a, sizeof(a), NULL), 4);
	}
}
END_TEST

START_TEST(bad_arguments)
{
	static const DWORD sizes[] = { 0, 1, 256 };
	static const DWORD bad_flags[] = {
		0, FORMAT_MESSAGE_IGNORE_INSERTS,
		FORMAT_MESSAGE_ARGUMENT_ARRAY, FORMAT_MESSAGE_MAX_WIDTH_MASK,
		STR | 0x4000, SYS | 0x80000000,
	};
	unsigned char a[16];
	size_t i;

	/* no buffer at all, whatever the size */
	for (i = 0; i < 3; i++) {
		SetLastError(0);
		ck_assert_uint_eq(FormatMessageA(SYS, NULL, 5, 0, NULL,
						 sizes[i], NULL), 0);
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
		ck_assert_uint_eq(FormatMessageW(SYS |
						 FORMAT_MESSAGE_ALLOCATE_BUFFER,
						 NULL, 5, 0, NULL, sizes[i],
						 NULL), 0);
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
		ck_assert_uint_eq(FormatMessageW(STR, WS("x"), 0, 0, NULL,
						 sizes[i], NULL), 0);
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	}
	/* no source, or flags Windows does not define */
	for (i = 0; i < sizeof(bad_flags) / sizeof(bad_flags[0]); i++) {
		memset(a, CANARY, sizeof(a));
		SetLastError(0);
		ck_assert_uint_eq(FormatMessageA(bad_flags[i], "test", 5, 0,
						 (LPSTR)a, sizeof(a), NULL), 0);
		ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
		ck_assert_uint_eq(canary_at(a, sizeof(a)), sizeof(a));
	}
}
END_TEST

/* The TCHAR names follow UNICODE: without it, the A form. */
START_TEST(generic_name)
{
	char a[64];

	ck_assert_uint_eq(FormatMessage(SYS, NULL, 0, 0, a, sizeof(a), NULL),
			  39);
	ck_assert_str_eq(a, "The operation completed successfully.\r\n");
}
END_TEST

Suite *
format_suite(void)
{
	Suite *s = suite_create("format");
	TCase *tc;

	tc = tcase_create("system");
	tcase_add_test(tc, system_texts);
	tcase_add_test(tc, every_header_code);
	tcase_add_test(tc, unknown_codes);
	tcase_add_test(tc, hresult_codes);
	tcase_add_test(tc, languages);
	tcase_add_test(tc, from_hmodule);
	tcase_add_test(tc, generic_name);
	suite_add_tcase(s, tc);

	tc = tcase_create("buffers");
	tcase_add_test(tc, buffer_sizes_a);
	tcase_add_test(tc, buffer_sizes_w);
	tcase_add_test(tc, buffer_sizes_multibyte);
	tcase_add_test(tc, allocate_buffer);
	tcase_add_test(tc, allocate_buffer_failures);
	tcase_add_test(tc, local_free_foreign);
	tcase_add_test(tc, local_free_many);
	tcase_add_test(tc, local_free_fork);
	tcase_add_test(tc, local_free_threads);
	tcase_add_test(tc, bad_arguments);
	suite_add_tcase(s, tc);

	tc = tcase_create("strings");
	tcase_add_test(tc, string_plain);
	tcase_add_test(tc, string_escapes);
	tcase_add_test(tc, string_failures);
	tcase_add_test(tc, string_encodings);
	tcase_add_test(tc, inserts_strings);
	tcase_add_test(tc, inserts_numbers);
	tcase_add_test(tc, inserts_stars_va);
	tcase_add_test(tc, inserts_consume);
	tcase_add_test(tc, inserts_array);
	tcase_add_test(tc, inserts_without_arguments);
	tcase_add_test(tc, inserts_bad_formats);
	tcase_add_test(tc, ignore_inserts);
	tcase_add_test(tc, max_width_mask);
	tcase_add_test(tc, line_width);
	suite_add_tcase(s, tc);
	return s;
}
