/*
 * th32-core.c - what th32's commands share: Windows errors reported by name,
 * numbers and lengths, text and JSON output that no name can subvert,
 * processes opened with OpenProcess, module lists, and addresses given
 * as hex or MODULE+OFFSET.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "th32.h"

extern const char th32_usage_text[];

/* Print "th32: <message>" and the synopsis to stderr; returns 2. */
int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("th32: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(th32_usage_text, stderr);
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
int
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
int
report_last(const char *ctx)
{
	return report_code(ctx, GetLastError());
}

int
out_of_memory(void)
{
	fputs("th32: out of memory\n", stderr);
	return EXIT_FAIL;
}

/* ---- numbers ------------------------------------------------------------ */

int
hex_value(char c)
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
int
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
		d = hex_value(*s);
		if (d < 0 || (unsigned int)d >= base)
			return -EINVAL;
		if ((unsigned int)d > max || v > (max - (unsigned int)d) / base)
			range = 1;
		else
			v = v * base + (unsigned int)d;
	}
	if (range)
		return -ERANGE;
	*out = v;
	return 0;
}

int
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

static size_t
utf8_len(const unsigned char *s, size_t n)
{
	uint32_t c;

	return tlh_utf8_decode(s, n, &c);
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
void
put_text(const char *s, int width)
{
	int chars = term_text(s, 1);

	for (; chars < width; chars++)
		putchar(' ');
}

int
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
void
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
void
json_element(size_t i)
{
	fputs(i ? ",\n  " : "[\n  ", stdout);
}

void
json_end(size_t n)
{
	fputs(n ? "\n]\n" : "[]\n", stdout);
}

/* ---- modules ------------------------------------------------------------ */

/*
 * Take a module snapshot of @pid and copy its list into a new array.
 * Returns 0, or the exit status after reporting.
 */
int
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


/*
 * A LENGTH: a decimal or 0x hexadecimal number, optionally followed by
 * K, M or G (times 1024, 1024^2, 1024^3; either case).  Returns 0,
 * -EINVAL or -ERANGE (above @max) as parse_num does.
 */
int
parse_length(const char *s, uintmax_t max, uintmax_t *out)
{
	size_t n = strlen(s);
	unsigned int shift = 0;
	char *num;
	uintmax_t v;
	int ret;

	if (n > 1 && !(n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
		switch (s[n - 1]) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		}
	if (!shift)
		return parse_num(s, NUM_AUTO, max, out);
	num = strndup(s, n - 1);
	if (!num)
		return -ENOMEM;
	ret = parse_num(num, NUM_AUTO, max >> shift, &v);
	free(num);
	if (ret)
		return ret;
	*out = v << shift;
	return *out > max ? -ERANGE : 0;
}

/* ---- processes, modules and addresses ----------------------------------- */

/*
 * Open process @pid (0: th32 itself) with @access.  Returns 0, or the
 * exit status after reporting for @ctx.
 */
int
open_process(DWORD pid, DWORD access, const char *ctx, HANDLE *h)
{
	if (!pid) {
		*h = GetCurrentProcess();
		return 0;
	}
	SetLastError(ERROR_SUCCESS);
	*h = OpenProcess(access, FALSE, pid);
	return *h ? 0 : report_last(ctx);
}

void
close_process(HANDLE h)
{
	if (h != GetCurrentProcess())
		CloseHandle(h);
}

/* Does @name end in @suffix, compared without case? */
static int
ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n > k && !strcasecmp(name + n - k, suffix);
}

/*
 * Does MODULE @name name module @me?  With a '/' it must equal the path
 * exactly; otherwise the name: without regard to case if it ends in .exe
 * or .dll (a Windows file name), exactly otherwise (a Linux one).
 */
int
module_matches(const char *name, const MODULEENTRY32 *me)
{
	if (strchr(name, '/'))
		return !strcmp(name, me->szExePath);
	if (ends_with(name, ".exe") || ends_with(name, ".dll"))
		return !strcasecmp(name, me->szModule);
	return !strcmp(name, me->szModule);
}

/*
 * 0xBASE+OFFSET, both hex, as find prints a place in anonymous memory:
 * 0 and the sum, -ERANGE if too large, -EINVAL if @spec is not one.
 */
static int
hex_plus(const char *spec, uintptr_t *addr)
{
	const char *plus = strchr(spec, '+');
	uintmax_t base, off;
	char *head;
	int ret;

	if (spec[0] != '0' || (spec[1] != 'x' && spec[1] != 'X') || !plus)
		return -EINVAL;
	head = strndup(spec, (size_t)(plus - spec));
	if (!head)
		return -ENOMEM;
	ret = parse_num(head, NUM_HEX, UINTPTR_MAX, &base);
	free(head);
	if (!ret)
		ret = parse_num(plus + 1, NUM_HEX, UINTPTR_MAX, &off);
	if (ret)
		return ret;
	if (base > UINTPTR_MAX - off)
		return -ERANGE;
	*addr = (uintptr_t)(base + off);
	return 0;
}

/* Split MODULE[+OFFSET] in @spec: a new string MODULE, and OFFSET. */
static int
split_module(const char *spec, char **name, uintmax_t *off)
{
	const char *plus = strrchr(spec, '+');
	int ret;

	*off = 0;
	/* MODULE+OFFSET if what follows the last '+' is a hex number. */
	if (plus) {
		ret = parse_num(plus + 1, NUM_HEX, UINTPTR_MAX, off);
		if (ret == -ERANGE)
			return -ERANGE;
		if (ret)
			plus = NULL;
	}
	*name = plus ? strndup(spec, (size_t)(plus - spec)) : strdup(spec);
	if (!*name)
		return -ENOMEM;
	if (!**name) {
		free(*name);
		return -EINVAL;
	}
	return 0;
}

/*
 * Resolve ADDRESS @spec with the module list @me of @n entries, saying
 * nothing: 0, -EINVAL (no such form), -ERANGE (too large), -ENOENT (no
 * such module) or -ENOMEM.
 */
int
resolve_in(const char *spec, const MODULEENTRY32 *me, size_t n,
	   uintptr_t *addr)
{
	uintmax_t off;
	char *name;
	size_t i;
	int ret;

	ret = parse_num(spec, NUM_HEX, UINTPTR_MAX, &off);
	if (ret != -EINVAL) {
		*addr = (uintptr_t)off;
		return ret;
	}
	ret = hex_plus(spec, addr);
	if (ret != -EINVAL)
		return ret;
	ret = split_module(spec, &name, &off);
	if (ret)
		return ret;
	for (i = 0; i < n; i++)
		if (module_matches(name, &me[i]))
			break;
	free(name);
	if (i == n)
		return -ENOENT;
	if ((uintptr_t)me[i].modBaseAddr > UINTPTR_MAX - off)
		return -ERANGE;
	*addr = (uintptr_t)me[i].modBaseAddr + (uintptr_t)off;
	return 0;
}

/*
 * An ADDRESS of command @cmd: hex (0x optional), 0xBASE+OFFSET, or
 * MODULE[+OFFSET]: the
 * base of the first module (main executable first) MODULE matches (see
 * module_matches) plus OFFSET, in process @pid.  Returns 0, or the exit
 * status after reporting.
 */
int
parse_address(const char *cmd, DWORD pid, const char *spec, uintptr_t *addr)
{
	char ctx[CONTEXT_MAX], *name;
	MODULEENTRY32 *me = NULL;
	uintmax_t off;
	size_t n = 0;
	int ret;

	ret = parse_num(spec, NUM_HEX, UINTPTR_MAX, &off);
	if (!ret)
		*addr = (uintptr_t)off;
	if (ret == -EINVAL)
		ret = hex_plus(spec, addr);
	if (ret != -EINVAL)
		goto out;
	ret = split_module(spec, &name, &off);
	if (ret)
		goto out;
	snprintf(ctx, sizeof(ctx), "%s %lu %s", cmd, (unsigned long)pid,
		 spec);
	ret = get_modules(pid, &me, &n, ctx);
	if (ret) {
		free(name);
		return ret;
	}
	ret = resolve_in(spec, me, n, addr);
	if (ret == -ENOENT)
		fprintf(stderr, "th32: %s: no module named '%s' in process "
			"%lu\n", ctx, name, (unsigned long)pid);
	free(name);
	free(me);
	if (ret == -ENOENT)
		return EXIT_FAIL;
out:
	switch (ret) {
	case 0:
		return 0;
	case -ENOMEM:
		return out_of_memory();
	case -ERANGE:
		return usage_error("invalid ADDRESS '%s': address out of "
				   "range", spec);
	default:
		return usage_error("invalid ADDRESS '%s': module name "
				   "missing", spec);
	}
}
