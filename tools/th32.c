/*
 * th32.c - the command-line face of libtlhelp32: list the processes,
 * threads, modules and heaps a Tool Help snapshot holds, walk the blocks
 * of a heap, and read another process's memory, all or nothing.
 *
 * Only the public <tlhelp32.h> API and the C library are used, so th32 is
 * also a worked example of a Tool Help client.  See th32(1).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tlhelp32.h>

#define EXIT_OK		0
#define EXIT_FAIL	1	/* a Tool Help call or the output failed */
#define EXIT_USAGE	2	/* the command line is wrong */

#define LENGTH_MAX	((SIZE_T)1 << 30)	/* read: at most 1 GiB */
#define CONTEXT_MAX	512			/* "read PID ADDRESS" */

/* Digits of a zero-padded address column: 16 on 64-bit systems. */
#define ADDR_DIGITS	((int)(2 * sizeof(void *)))

struct options {
	int json;
	const char *out;	/* read -o FILE, or NULL */
	int free_only;		/* heap --free */
	const char *min_size;	/* heap --min-size N, or NULL */
};

static const char usage_text[] =
	"usage: th32 [--json] ps\n"
	"       th32 [--json] threads [PID]\n"
	"       th32 [--json] modules PID\n"
	"       th32 [--json] heaps PID\n"
	"       th32 [--json] heap PID HEAPID [--free] [--min-size N]\n"
	"       th32 [--json] read PID ADDRESS LENGTH\n"
	"       th32 read PID ADDRESS LENGTH -o FILE\n"
	"       th32 -h | --help | --version\n";

static const char help_text[] =
	"\n"
	"  ps                  list processes: PID PPID THREADS PRI NAME\n"
	"  threads [PID]       list the threads, of one process or all:\n"
	"                      TID PID PRI\n"
	"  modules PID         list a process's modules: BASE SIZE NAME PATH\n"
	"  heaps PID           list a process's malloc heaps: HEAPID FLAGS\n"
	"  heap PID HEAPID     list the blocks of one heap, read live:\n"
	"                      ADDRESS SIZE STATE; HEAPID is hex\n"
	"  --free              heap: only the free blocks\n"
	"  --min-size N        heap: only blocks of at least N bytes\n"
	"  read PID ADDRESS LENGTH\n"
	"                      read LENGTH bytes (decimal or 0x hex, at most\n"
	"                      1 GiB) at ADDRESS, all or nothing, and print a\n"
	"                      hex dump; ADDRESS is hex (0x optional) or\n"
	"                      MODULE[+OFFSET] with a hex OFFSET\n"
	"  --json              print JSON instead of text\n"
	"  -o FILE             read: write the raw bytes to FILE\n"
	"                      (- for standard output)\n"
	"  -h, --help          print this help\n"
	"  --version           print the version\n"
	"\n"
	"PID 0 is th32 itself.  Exit status: 0 success, 1 failure, 2 usage.\n"
	"See th32(1).\n";

/* Print "th32: <message>" and the synopsis to stderr; returns 2. */
static int __attribute__((format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("th32: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

/* ---- Windows errors ----------------------------------------------------- */

static const struct {
	DWORD code;
	const char *name;
	const char *text;
} win_errors[] = {
	{ ERROR_SUCCESS, "ERROR_SUCCESS",
	  "the call failed without giving a reason" },
	{ ERROR_ACCESS_DENIED, "ERROR_ACCESS_DENIED",
	  "not permitted to read that process, or it has no memory to read "
	  "(a zombie or a kernel thread)" },
	{ ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE",
	  "the snapshot handle is not valid" },
	{ ERROR_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY",
	  "out of memory" },
	{ ERROR_INVALID_DATA, "ERROR_INVALID_DATA",
	  "the heap is damaged, or changed while it was read" },
	{ ERROR_NO_MORE_FILES, "ERROR_NO_MORE_FILES",
	  "there are no more entries in the list" },
	{ ERROR_BAD_LENGTH, "ERROR_BAD_LENGTH",
	  "the library refused the size of the entry structure" },
	{ ERROR_GEN_FAILURE, "ERROR_GEN_FAILURE",
	  "unexpected failure in the library" },
	{ ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED",
	  "the process's heap is not glibc's malloc, or not a glibc th32 "
	  "knows" },
	{ ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER",
	  "no such process" },
	{ ERROR_CALL_NOT_IMPLEMENTED, "ERROR_CALL_NOT_IMPLEMENTED",
	  "not supported by this system (is /proc mounted?)" },
	{ ERROR_INSUFFICIENT_BUFFER, "ERROR_INSUFFICIENT_BUFFER",
	  "a buffer was too small" },
	{ ERROR_PARTIAL_COPY, "ERROR_PARTIAL_COPY",
	  "part of the range is not readable in the target; nothing was read" },
	{ ERROR_NOACCESS, "ERROR_NOACCESS",
	  "the range wraps around or runs past the end of user address "
	  "space; nothing was read" },
};

/* Report @code, the Windows error of the operation @ctx; returns 1. */
static int
report_code(const char *ctx, DWORD code)
{
	size_t i;

	for (i = 0; i < sizeof(win_errors) / sizeof(win_errors[0]); i++) {
		if (win_errors[i].code == code) {
			fprintf(stderr, "th32: %s: %s (%lu): %s\n", ctx,
				win_errors[i].name, (unsigned long)code,
				win_errors[i].text);
			return EXIT_FAIL;
		}
	}
	fprintf(stderr, "th32: %s: UNKNOWN (%lu): an error code th32 does not "
		"know\n", ctx, (unsigned long)code);
	return EXIT_FAIL;
}

/* Report the calling thread's last error for @ctx; returns 1. */
static int
report_last(const char *ctx)
{
	return report_code(ctx, GetLastError());
}

static int
out_of_memory(void)
{
	fputs("th32: out of memory\n", stderr);
	return EXIT_FAIL;
}

/* ---- numbers ------------------------------------------------------------ */

enum num_form {
	NUM_DEC,	/* decimal digits */
	NUM_HEX,	/* hex digits, 0x optional */
	NUM_AUTO,	/* decimal, or hex after 0x */
};

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parse all of @s as an unsigned number in @form.  Returns 0 and stores
 * the value, -EINVAL if @s is not such a number, or -ERANGE if it is one
 * greater than @max.
 */
static int
parse_num(const char *s, enum num_form form, uintmax_t max, uintmax_t *out)
{
	uintmax_t v = 0;
	unsigned int base = 10;
	int d, range = 0;

	if (form != NUM_DEC && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (form == NUM_HEX) {
		base = 16;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		d = hex_digit(*s);
		if (d < 0 || (unsigned int)d >= base)
			return -EINVAL;
		if (v > (max - (unsigned int)d) / base)
			range = 1;
		else
			v = v * base + (unsigned int)d;
	}
	if (range)
		return -ERANGE;
	*out = v;
	return 0;
}

static int
parse_pid(const char *s, DWORD *pid)
{
	uintmax_t v;

	if (parse_num(s, NUM_DEC, UINT32_MAX, &v))
		return usage_error("invalid PID '%s': expected a decimal "
				   "number from 0 to 4294967295", s);
	*pid = (DWORD)v;
	return 0;
}

/* ---- text and JSON output ----------------------------------------------- */

/*
 * The length of the well-formed UTF-8 sequence at @s (at most @n bytes),
 * or 0 if the bytes there are not one.
 */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	uint32_t c;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return len;
}

/*
 * The control character whose well-formed UTF-8 sequence of @len bytes is
 * at @p (C0, DEL or C1, U+0080 to U+009F), or -1 if it is none.
 */
static int
control_char(const unsigned char *p, size_t len)
{
	if (len == 1 && (*p < 0x20 || *p == 0x7f))
		return *p;
	if (len == 2 && p[0] == 0xc2 && p[1] < 0xa0)
		return p[1];
	return -1;
}

/*
 * Print @s for a terminal, if @print, and return its width: one column
 * for each character.  Only well-formed UTF-8 that is not a control
 * character is written as it is; each C0 control (0x00 to 0x1f), DEL,
 * C1 control (U+0080 to U+009F) and byte outside well-formed UTF-8 (which
 * a terminal reading 8-bit codes takes for a C1 control, 0x9b being CSI)
 * becomes '?'.  A name is the target's to choose: it never reaches the
 * terminal as a command.
 */
static int
term_text(const char *s, int print)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;
	int chars = 0, safe;

	for (; n; p += len, n -= len, chars++) {
		len = utf8_len(p, n);
		safe = len && control_char(p, len) < 0;
		if (!len)
			len = 1;
		if (!print)
			continue;
		if (safe)
			fwrite(p, 1, len, stdout);
		else
			putchar('?');
	}
	return chars;
}

/* Print @s for a terminal (see term_text), padded to @width columns. */
static void
put_text(const char *s, int width)
{
	int chars = term_text(s, 1);

	for (; chars < width; chars++)
		putchar(' ');
}

static int
text_width(const char *s)
{
	return term_text(s, 0);
}

/*
 * Print @s as a JSON string.  Quote and backslash are escaped with a
 * backslash, control characters (C0, DEL, C1) as \u00XX, and each byte
 * that is not part of well-formed UTF-8 as \ufffd; the rest is copied as
 * it is.
 */
static void
put_json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;
	int c;

	putchar('"');
	while (n) {
		len = utf8_len(p, n);
		if (!len) {
			fputs("\\ufffd", stdout);
			len = 1;
		} else if (*p == '"' || *p == '\\') {
			putchar('\\');
			putchar(*p);
		} else if ((c = control_char(p, len)) >= 0) {
			printf("\\u%04x", c);
		} else {
			fwrite(p, 1, len, stdout);
		}
		p += len;
		n -= len;
	}
	putchar('"');
}

/* Separators of a JSON array printed one element per line. */
static void
json_element(size_t i)
{
	fputs(i ? ",\n  " : "[\n  ", stdout);
}

static void
json_end(size_t n)
{
	fputs(n ? "\n]\n" : "[]\n", stdout);
}

/* ---- ps ----------------------------------------------------------------- */

static int
by_pid(const void *a, const void *b)
{
	const PROCESSENTRY32 *x = a, *y = b;

	return x->th32ProcessID < y->th32ProcessID ? -1 :
	       x->th32ProcessID > y->th32ProcessID;
}

/*
 * Take a process snapshot and copy its list into a new array *@list of
 * *@n entries.  Returns 0, or the exit status after reporting.
 */
static int
get_processes(HANDLE snap, PROCESSENTRY32 **list, size_t *n,
	      const char *ctx)
{
	PROCESSENTRY32 *pe = NULL, *grown;
	size_t count = 0, alloc = 0;
	BOOL ok;

	for (;;) {
		if (count == alloc) {
			alloc = alloc ? alloc * 2 : 256;
			grown = realloc(pe, alloc * sizeof(*pe));
			if (!grown) {
				free(pe);
				return out_of_memory();
			}
			pe = grown;
		}
		pe[count].dwSize = sizeof(*pe);
		SetLastError(ERROR_SUCCESS);
		ok = count ? Process32Next(snap, &pe[count]) :
			     Process32First(snap, &pe[count]);
		if (!ok)
			break;
		count++;
	}
	if (GetLastError() != ERROR_NO_MORE_FILES) {
		free(pe);
		return report_last(ctx);
	}
	*list = pe;
	*n = count;
	return 0;
}

static int
cmd_ps(const struct options *o)
{
	PROCESSENTRY32 *pe = NULL;
	HANDLE snap;
	size_t n = 0, i;
	int ret;

	SetLastError(ERROR_SUCCESS);
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	if (snap == INVALID_HANDLE_VALUE)
		return report_last("ps");
	ret = get_processes(snap, &pe, &n, "ps");
	CloseHandle(snap);
	if (ret)
		return ret;
	qsort(pe, n, sizeof(*pe), by_pid);

	if (!o->json)
		printf("%7s %7s %7s %3s %s\n", "PID", "PPID", "THREADS", "PRI",
		       "NAME");
	for (i = 0; i < n; i++) {
		if (o->json) {
			json_element(i);
			printf("{\"pid\":%lu,\"ppid\":%lu,\"threads\":%lu,"
			       "\"pri\":%ld,\"name\":",
			       (unsigned long)pe[i].th32ProcessID,
			       (unsigned long)pe[i].th32ParentProcessID,
			       (unsigned long)pe[i].cntThreads,
			       (long)pe[i].pcPriClassBase);
			put_json_string(pe[i].szExeFile);
			putchar('}');
		} else {
			printf("%7lu %7lu %7lu %3ld ",
			       (unsigned long)pe[i].th32ProcessID,
			       (unsigned long)pe[i].th32ParentProcessID,
			       (unsigned long)pe[i].cntThreads,
			       (long)pe[i].pcPriClassBase);
			put_text(pe[i].szExeFile, 0);
			putchar('\n');
		}
	}
	if (o->json)
		json_end(n);
	free(pe);
	return EXIT_OK;
}

/* ---- threads ------------------------------------------------------------ */

/* A thread entry and its place in the snapshot, for a stable sort. */
struct thread_item {
	THREADENTRY32 te;
	size_t index;
};

static int
by_owner(const void *a, const void *b)
{
	const struct thread_item *x = a, *y = b;

	if (x->te.th32OwnerProcessID != y->te.th32OwnerProcessID)
		return x->te.th32OwnerProcessID < y->te.th32OwnerProcessID ?
		       -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Is @pid in the process list of @snap?  1, 0, or -exit status. */
static int
has_process(HANDLE snap, DWORD pid, const char *ctx)
{
	PROCESSENTRY32 pe;
	BOOL ok;

	pe.dwSize = sizeof(pe);
	SetLastError(ERROR_SUCCESS);
	for (ok = Process32First(snap, &pe); ok;
	     ok = Process32Next(snap, &pe))
		if (pe.th32ProcessID == pid)
			return 1;
	if (GetLastError() != ERROR_NO_MORE_FILES)
		return -report_last(ctx);
	return 0;
}

static int
cmd_threads(const struct options *o, char **args, int nargs)
{
	struct thread_item *t = NULL, *grown;
	size_t n = 0, alloc = 0, i;
	char ctx[CONTEXT_MAX];
	DWORD pid = 0;
	HANDLE snap;
	int ret, filter = nargs > 0;
	BOOL ok;

	if (nargs > 1)
		return usage_error("threads: unexpected argument '%s'",
				   args[1]);
	snprintf(ctx, sizeof(ctx), "threads");
	if (filter) {
		ret = parse_pid(args[0], &pid);
		if (ret)
			return ret;
		snprintf(ctx, sizeof(ctx), "threads %lu", (unsigned long)pid);
		if (!pid)
			pid = (DWORD)getpid();
	}

	/* With a PID, the process list of the same snapshot says whether
	 * that process exists. */
	SetLastError(ERROR_SUCCESS);
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD |
					(filter ? TH32CS_SNAPPROCESS : 0), 0);
	if (snap == INVALID_HANDLE_VALUE)
		return report_last(ctx);
	if (filter) {
		ret = has_process(snap, pid, ctx);
		if (ret <= 0) {
			CloseHandle(snap);
			if (!ret)
				return report_code(ctx,
						   ERROR_INVALID_PARAMETER);
			return -ret;
		}
	}
	ret = 0;
	for (i = 0;; i++) {
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 1024;
			grown = realloc(t, alloc * sizeof(*t));
			if (!grown) {
				ret = out_of_memory();
				goto out;
			}
			t = grown;
		}
		t[n].te.dwSize = sizeof(t[n].te);
		SetLastError(ERROR_SUCCESS);
		ok = i ? Thread32Next(snap, &t[n].te) :
			 Thread32First(snap, &t[n].te);
		if (!ok)
			break;
		if (filter && t[n].te.th32OwnerProcessID != pid)
			continue;
		t[n].index = i;
		n++;
	}
	if (GetLastError() != ERROR_NO_MORE_FILES) {
		ret = report_last(ctx);
		goto out;
	}
	qsort(t, n, sizeof(*t), by_owner);

	if (!o->json)
		printf("%7s %7s %3s\n", "TID", "PID", "PRI");
	for (i = 0; i < n; i++) {
		if (o->json) {
			json_element(i);
			printf("{\"tid\":%lu,\"pid\":%lu,\"pri\":%ld}",
			       (unsigned long)t[i].te.th32ThreadID,
			       (unsigned long)t[i].te.th32OwnerProcessID,
			       (long)t[i].te.tpBasePri);
		} else {
			printf("%7lu %7lu %3ld\n",
			       (unsigned long)t[i].te.th32ThreadID,
			       (unsigned long)t[i].te.th32OwnerProcessID,
			       (long)t[i].te.tpBasePri);
		}
	}
	if (o->json)
		json_end(n);
out:
	free(t);
	CloseHandle(snap);
	return ret;
}

/* ---- modules ------------------------------------------------------------ */

/*
 * Take a module snapshot of @pid and copy its list into a new array.
 * Returns 0, or the exit status after reporting.
 */
static int
get_modules(DWORD pid, MODULEENTRY32 **list, size_t *n, const char *ctx)
{
	MODULEENTRY32 *me = NULL, *grown;
	size_t count = 0, alloc = 0;
	HANDLE snap;
	int ret = 0;
	BOOL ok;

	SetLastError(ERROR_SUCCESS);
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, pid);
	if (snap == INVALID_HANDLE_VALUE)
		return report_last(ctx);
	for (;;) {
		if (count == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			grown = realloc(me, alloc * sizeof(*me));
			if (!grown) {
				ret = out_of_memory();
				goto out;
			}
			me = grown;
		}
		me[count].dwSize = sizeof(*me);
		SetLastError(ERROR_SUCCESS);
		ok = count ? Module32Next(snap, &me[count]) :
			     Module32First(snap, &me[count]);
		if (!ok)
			break;
		count++;
	}
	if (GetLastError() != ERROR_NO_MORE_FILES)
		ret = report_last(ctx);
out:
	CloseHandle(snap);
	if (ret) {
		free(me);
		return ret;
	}
	*list = me;
	*n = count;
	return 0;
}

static int
cmd_modules(const struct options *o, char **args, int nargs)
{
	char ctx[CONTEXT_MAX];
	MODULEENTRY32 *me = NULL;
	int ret, width = 4;
	size_t n = 0, i;
	DWORD pid;

	if (nargs < 1)
		return usage_error("modules: PID missing");
	if (nargs > 1)
		return usage_error("modules: unexpected argument '%s'",
				   args[1]);
	ret = parse_pid(args[0], &pid);
	if (ret)
		return ret;
	snprintf(ctx, sizeof(ctx), "modules %lu", (unsigned long)pid);
	ret = get_modules(pid, &me, &n, ctx);
	if (ret)
		return ret;

	for (i = 0; i < n; i++)
		if (text_width(me[i].szModule) > width)
			width = text_width(me[i].szModule);
	if (!o->json)
		printf("%-*s %-10s %-*s %s\n", ADDR_DIGITS + 2, "BASE", "SIZE",
		       width, "NAME", "PATH");
	for (i = 0; i < n; i++) {
		if (o->json) {
			json_element(i);
			printf("{\"base\":\"0x%" PRIxPTR "\",\"size\":%lu,"
			       "\"name\":", (uintptr_t)me[i].modBaseAddr,
			       (unsigned long)me[i].modBaseSize);
			put_json_string(me[i].szModule);
			fputs(",\"path\":", stdout);
			put_json_string(me[i].szExePath);
			putchar('}');
		} else {
			printf("0x%0*" PRIxPTR " 0x%08lx ", ADDR_DIGITS,
			       (uintptr_t)me[i].modBaseAddr,
			       (unsigned long)me[i].modBaseSize);
			put_text(me[i].szModule, width);
			putchar(' ');
			put_text(me[i].szExePath, 0);
			putchar('\n');
		}
	}
	if (o->json)
		json_end(n);
	free(me);
	return EXIT_OK;
}

/* ---- heaps -------------------------------------------------------------- */

static int
cmd_heaps(const struct options *o, char **args, int nargs)
{
	char ctx[CONTEXT_MAX];
	HEAPLIST32 hl;
	HANDLE snap;
	size_t n = 0;
	DWORD pid;
	int ret;
	BOOL ok;

	if (nargs < 1)
		return usage_error("heaps: PID missing");
	if (nargs > 1)
		return usage_error("heaps: unexpected argument '%s'", args[1]);
	ret = parse_pid(args[0], &pid);
	if (ret)
		return ret;
	snprintf(ctx, sizeof(ctx), "heaps %lu", (unsigned long)pid);
	SetLastError(ERROR_SUCCESS);
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPHEAPLIST, pid);
	if (snap == INVALID_HANDLE_VALUE)
		return report_last(ctx);
	hl.dwSize = sizeof(hl);
	SetLastError(ERROR_SUCCESS);
	ok = Heap32ListFirst(snap, &hl);
	if (!ok && GetLastError() != ERROR_NO_MORE_FILES) {
		ret = report_last(ctx);
		CloseHandle(snap);
		return ret;
	}
	if (!o->json)
		printf("%-*s %s\n", ADDR_DIGITS + 2, "HEAPID", "FLAGS");
	for (; ok; ok = Heap32ListNext(snap, &hl), n++) {
		if (o->json) {
			json_element(n);
			printf("{\"pid\":%lu,\"heapid\":\"0x%" PRIxPTR "\","
			       "\"default\":%s}",
			       (unsigned long)hl.th32ProcessID,
			       (uintptr_t)hl.th32HeapID,
			       hl.dwFlags & HF32_DEFAULT ? "true" : "false");
		} else {
			printf("0x%0*" PRIxPTR " %s\n", ADDR_DIGITS,
			       (uintptr_t)hl.th32HeapID,
			       hl.dwFlags & HF32_DEFAULT ? "default" : "-");
		}
		SetLastError(ERROR_SUCCESS);
	}
	if (o->json)
		json_end(n);
	ret = GetLastError() == ERROR_NO_MORE_FILES ? EXIT_OK :
						      report_last(ctx);
	CloseHandle(snap);
	return ret;
}

/* Is @id in the heap list of @pid?  1, 0, or -exit status. */
static int
has_heap(DWORD pid, ULONG_PTR id, const char *ctx)
{
	HEAPLIST32 hl;
	HANDLE snap;
	int found = 0;
	BOOL ok;

	SetLastError(ERROR_SUCCESS);
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPHEAPLIST, pid);
	if (snap == INVALID_HANDLE_VALUE)
		return -report_last(ctx);
	hl.dwSize = sizeof(hl);
	for (ok = Heap32ListFirst(snap, &hl); ok && !found;
	     ok = Heap32ListNext(snap, &hl))
		found = hl.th32HeapID == id;
	if (!found && GetLastError() != ERROR_NO_MORE_FILES)
		found = -report_last(ctx);
	CloseHandle(snap);
	return found;
}

/*
 * The blocks of heap HEAPID of process PID, read from the running process
 * with Heap32First/Next.  A walk that ends early still prints what it
 * found (a complete JSON array) before the error.
 */
static int
cmd_heap(const struct options *o, char **args, int nargs)
{
	char ctx[CONTEXT_MAX];
	uintmax_t id, min = 0;
	HEAPENTRY32 he;
	size_t n = 0;
	DWORD pid, err;
	int ret;
	BOOL ok;

	if (nargs < 2)
		return usage_error("heap: PID and HEAPID needed");
	if (nargs > 2)
		return usage_error("heap: unexpected argument '%s'", args[2]);
	ret = parse_pid(args[0], &pid);
	if (ret)
		return ret;
	if (parse_num(args[1], NUM_HEX, UINTPTR_MAX, &id))
		return usage_error("invalid HEAPID '%s': expected a "
				   "hexadecimal number (0x optional)", args[1]);
	if (o->min_size && parse_num(o->min_size, NUM_AUTO, SIZE_MAX, &min))
		return usage_error("invalid --min-size '%s': expected a "
				   "decimal or 0x hexadecimal number",
				   o->min_size);
	snprintf(ctx, sizeof(ctx), "heap %lu 0x%" PRIxPTR, (unsigned long)pid,
		 (uintptr_t)id);
	/* An unknown HEAPID and an empty heap both end the walk at once:
	 * the heap list tells them apart. */
	ret = has_heap(pid, (ULONG_PTR)id, ctx);
	if (ret < 0)
		return -ret;
	if (!ret) {
		fprintf(stderr, "th32: %s: no heap 0x%" PRIxPTR " in process "
			"%lu\n", ctx, (uintptr_t)id, (unsigned long)pid);
		return EXIT_FAIL;
	}

	he.dwSize = sizeof(he);
	SetLastError(ERROR_SUCCESS);
	ok = Heap32First(&he, pid, (ULONG_PTR)id);
	if (!ok && GetLastError() != ERROR_NO_MORE_FILES)
		return report_last(ctx);
	if (!o->json)
		printf("%-*s %10s %s\n", ADDR_DIGITS + 2, "ADDRESS", "SIZE",
		       "STATE");
	for (; ok; ok = Heap32Next(&he)) {
		if ((o->free_only && !(he.dwFlags & LF32_FREE)) ||
		    he.dwBlockSize < min)
			continue;
		if (o->json) {
			json_element(n);
			printf("{\"address\":\"0x%" PRIxPTR "\",\"size\":%zu,"
			       "\"free\":%s}", (uintptr_t)he.dwAddress,
			       (size_t)he.dwBlockSize,
			       he.dwFlags & LF32_FREE ? "true" : "false");
		} else {
			printf("0x%0*" PRIxPTR " %10zu %s\n", ADDR_DIGITS,
			       (uintptr_t)he.dwAddress, (size_t)he.dwBlockSize,
			       he.dwFlags & LF32_FREE ? "free" : "used");
		}
		n++;
	}
	err = GetLastError();
	if (o->json)
		json_end(n);
	if (err == ERROR_NO_MORE_FILES)
		return EXIT_OK;
	fflush(stdout);
	return report_code(ctx, err);
}

/* ---- read --------------------------------------------------------------- */

/*
 * Resolve MODULE[+OFFSET] in @spec to an address in process @pid: the
 * base of the first module (main executable first) whose name, or with a
 * '/' in MODULE whose path, is exactly MODULE.  Returns 0, or the exit
 * status after reporting.
 */
static int
resolve_module(DWORD pid, const char *spec, uintptr_t *addr)
{
	char ctx[CONTEXT_MAX], *name;
	const char *plus = strrchr(spec, '+');
	uintmax_t off = 0;
	MODULEENTRY32 *me = NULL;
	size_t n = 0, i;
	int ret;

	/* MODULE+OFFSET if what follows the last '+' is a hex number. */
	if (plus) {
		ret = parse_num(plus + 1, NUM_HEX, UINTPTR_MAX, &off);
		if (ret == -ERANGE)
			return usage_error("invalid ADDRESS '%s': offset out "
					   "of range", spec);
		if (ret)
			plus = NULL;
	}
	name = plus ? strndup(spec, (size_t)(plus - spec)) : strdup(spec);
	if (!name)
		return out_of_memory();
	if (!*name) {
		free(name);
		return usage_error("invalid ADDRESS '%s': module name missing",
				   spec);
	}

	snprintf(ctx, sizeof(ctx), "read %lu %s", (unsigned long)pid, spec);
	ret = get_modules(pid, &me, &n, ctx);
	if (ret) {
		free(name);
		return ret;
	}
	for (i = 0; i < n; i++)
		if (!strcmp(name, strchr(name, '/') ? me[i].szExePath :
						       me[i].szModule))
			break;
	if (i == n) {
		fprintf(stderr, "th32: %s: no module named '%s' in process "
			"%lu\n", ctx, name, (unsigned long)pid);
		ret = EXIT_FAIL;
	} else if ((uintptr_t)me[i].modBaseAddr > UINTPTR_MAX - off) {
		ret = usage_error("invalid ADDRESS '%s': address out of range",
				  spec);
	} else {
		*addr = (uintptr_t)me[i].modBaseAddr + (uintptr_t)off;
	}
	free(me);
	free(name);
	return ret;
}

/* A hex dump in the format of xxd -o ADDRESS. */
static void
put_dump(uintptr_t addr, const unsigned char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char line[128];
	size_t i, j, k;
	int pos;

	for (i = 0; i < len; i += 16) {
		pos = snprintf(line, sizeof(line), "%08" PRIxPTR ": ",
			       addr + i);
		k = (size_t)pos;
		for (j = 0; j < 16; j++) {
			if (i + j < len) {
				line[k++] = hex[buf[i + j] >> 4];
				line[k++] = hex[buf[i + j] & 15];
			} else {
				line[k++] = ' ';
				line[k++] = ' ';
			}
			if (j & 1)
				line[k++] = ' ';
		}
		line[k++] = ' ';
		for (j = 0; j < 16 && i + j < len; j++)
			line[k++] = buf[i + j] >= 0x20 && buf[i + j] < 0x7f ?
				    (char)buf[i + j] : '.';
		line[k++] = '\n';
		fwrite(line, 1, k, stdout);
	}
}

static void
put_json_read(DWORD pid, uintptr_t addr, const unsigned char *buf,
	      size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char chunk[4096];
	size_t i, k = 0;

	printf("{\"pid\":%lu,\"address\":\"0x%" PRIxPTR "\",\"length\":%zu,"
	       "\"hex\":\"", (unsigned long)pid, addr, len);
	for (i = 0; i < len; i++) {
		chunk[k++] = hex[buf[i] >> 4];
		chunk[k++] = hex[buf[i] & 15];
		if (k == sizeof(chunk)) {
			fwrite(chunk, 1, k, stdout);
			k = 0;
		}
	}
	fwrite(chunk, 1, k, stdout);
	fputs("\"}\n", stdout);
}

/* Write @len bytes to @path ("-": standard output).  0 or exit status. */
static int
put_raw(const char *path, const unsigned char *buf, size_t len)
{
	ssize_t done;
	int fd, saved;

	if (!strcmp(path, "-")) {
		fwrite(buf, 1, len, stdout);
		return 0;	/* errors are found when stdout is closed */
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		goto fail;
	while (len) {
		done = write(fd, buf, len);
		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0) {
			saved = errno;
			close(fd);
			errno = saved;
			goto fail;
		}
		buf += done;
		len -= (size_t)done;
	}
	if (close(fd) == 0)
		return 0;
fail:
	fprintf(stderr, "th32: %s: %s\n", path, strerror(errno));
	return EXIT_FAIL;
}

static int
cmd_read(const struct options *o, char **args, int nargs)
{
	char ctx[CONTEXT_MAX];
	unsigned char *buf;
	uintptr_t addr = 0;
	uintmax_t v;
	SIZE_T len;
	DWORD pid;
	int ret;

	if (nargs < 3)
		return usage_error("read: PID, ADDRESS and LENGTH needed");
	if (nargs > 3)
		return usage_error("read: unexpected argument '%s'", args[3]);
	ret = parse_pid(args[0], &pid);
	if (ret)
		return ret;
	ret = parse_num(args[2], NUM_AUTO, LENGTH_MAX, &v);
	if (ret == -ERANGE)
		return usage_error("invalid LENGTH '%s': more than 1073741824 "
				   "(1 GiB)", args[2]);
	if (ret)
		return usage_error("invalid LENGTH '%s': expected a decimal "
				   "or 0x hexadecimal number", args[2]);
	len = (SIZE_T)v;

	ret = parse_num(args[1], NUM_HEX, UINTPTR_MAX, &v);
	if (ret == -ERANGE)
		return usage_error("invalid ADDRESS '%s': address out of range",
				   args[1]);
	if (ret)
		ret = resolve_module(pid, args[1], &addr);
	else
		addr = (uintptr_t)v;
	if (ret)
		return ret;

	/* The whole length in one call: a refusal refuses everything. */
	buf = malloc(len ? len : 1);
	if (!buf)
		return out_of_memory();
	snprintf(ctx, sizeof(ctx), "read %lu 0x%" PRIxPTR, (unsigned long)pid,
		 addr);
	SetLastError(ERROR_SUCCESS);
	if (!Toolhelp32ReadProcessMemory(pid, (LPCVOID)addr, buf, len, NULL))
		ret = report_last(ctx);
	else if (o->out)
		ret = put_raw(o->out, buf, len);
	else if (o->json)
		put_json_read(pid, addr, buf, len);
	else
		put_dump(addr, buf, len);
	free(buf);
	return ret;
}

/* ---- main --------------------------------------------------------------- */

static const struct option long_options[] = {
	{ "free", no_argument, NULL, 'F' },
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ "min-size", required_argument, NULL, 'm' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Close standard output and report a failed write; returns @ret or 1. */
static int
finish(int ret)
{
	int failed = ferror(stdout);

	if (fclose(stdout) != 0 || failed) {
		fprintf(stderr, "th32: write error: %s\n",
			failed ? "output failed" : strerror(errno));
		return EXIT_FAIL;
	}
	return ret;
}

int
main(int argc, char *argv[])
{
	struct options o = { 0, NULL, 0, NULL };
	char **args;
	int c, nargs = 0, ret;
	const char *cmd;

	args = calloc((size_t)argc + 1, sizeof(*args));
	if (!args)
		return out_of_memory();
	/* Options may come anywhere; '-' keeps the operands in order. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-:ho:", long_options,
				NULL)) != -1) {
		switch (c) {
		case 1:
			args[nargs++] = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			free(args);
			return finish(EXIT_OK);
		case 'V':
			printf("th32 (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			free(args);
			return finish(EXIT_OK);
		case 'j':
			o.json = 1;
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'F':
			o.free_only = 1;
			break;
		case 'm':
			o.min_size = optarg;
			break;
		case ':':
			free(args);
			if (optopt == 'm')
				return usage_error("option '--min-size' needs "
						   "an argument");
			return usage_error("option '-o' needs an argument");
		default:
			free(args);
			/* A long option, or a short one that is not ours. */
			if (!optopt || strchr("FhjmV", optopt))
				return usage_error("unknown option '%s'",
						   argv[optind - 1]);
			return usage_error("unknown option '-%c'", optopt);
		}
	}
	while (optind < argc)
		args[nargs++] = argv[optind++];

	if (!nargs) {
		free(args);
		return usage_error("no command given");
	}
	cmd = args[0];
	ret = -1;
	if (o.out && strcmp(cmd, "read"))
		ret = usage_error("option -o is for the read command only");
	else if (o.out && o.json)
		ret = usage_error("options -o and --json cannot be combined");
	else if ((o.free_only || o.min_size) && strcmp(cmd, "heap"))
		ret = usage_error("options --free and --min-size are for the "
				  "heap command only");
	else if (!strcmp(cmd, "ps"))
		ret = nargs > 1 ? usage_error("ps: unexpected argument '%s'",
					      args[1]) : cmd_ps(&o);
	else if (!strcmp(cmd, "threads"))
		ret = cmd_threads(&o, args + 1, nargs - 1);
	else if (!strcmp(cmd, "modules"))
		ret = cmd_modules(&o, args + 1, nargs - 1);
	else if (!strcmp(cmd, "heaps"))
		ret = cmd_heaps(&o, args + 1, nargs - 1);
	else if (!strcmp(cmd, "heap"))
		ret = cmd_heap(&o, args + 1, nargs - 1);
	else if (!strcmp(cmd, "read"))
		ret = cmd_read(&o, args + 1, nargs - 1);
	else
		ret = usage_error("unknown command '%s'", cmd);
	free(args);
	if (ret == EXIT_USAGE)
		return ret;
	return finish(ret);
}
