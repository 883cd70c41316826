/*
 * th32.h - what the commands of th32 share: options, error reports,
 * numbers, text and JSON output, modules and addresses.
 *
 * Each command lives in its own file (th32-ps.c, th32-find.c, ...
 * one per command); th32-core.c holds the rest, th32-main.c the
 * command line.  Only the library's public API is used.
 */
#ifndef TH32_H
#define TH32_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>
#include <tlhelp32.h>

#include "utf8.h"

#define EXIT_OK		0
#define EXIT_FAIL	1	/* a call failed, or (ps, find) none found */
#define EXIT_USAGE	2	/* the command line is wrong */

#define LENGTH_MAX	((SIZE_T)1 << 30)	/* read: at most 1 GiB */
#define CONTEXT_MAX	512			/* "read PID ADDRESS" */

/* Digits of a zero-padded address column: 16 on 64-bit systems. */
#define ADDR_DIGITS	((int)(2 * sizeof(void *)))

/* The kind of a value given to find or write, or asked of read. */
enum value_kind {
	VAL_NONE,
	VAL_HEX,	/* --hex "48 8b ?? 05" */
	VAL_STRING,	/* --string TEXT, its bytes */
	VAL_WSTRING,	/* --wstring TEXT, as UTF-16LE */
	VAL_U8, VAL_U16, VAL_U32, VAL_U64,
	VAL_I8, VAL_I16, VAL_I32, VAL_I64,
	VAL_F32, VAL_F64,
};

struct options {
	int json;
	const char *out;	/* read -o FILE, or NULL */
	int free_only;		/* heap --free */
	const char *min_size;	/* heap --min-size N, or NULL */
	enum value_kind kind;	/* find, write: the pattern; read: type */
	const char *value;	/* find, write: the option's argument */
	const char *module;	/* find --module NAME */
	const char *range;	/* find --range ADDR-ADDR */
	const char *max;	/* find --max N */
};

/* A byte pattern; where @mask is not NULL, only bytes whose mask is
 * 0xff must match (--hex's ?? has mask 0). */
struct pattern {
	unsigned char *bytes;
	unsigned char *mask;
	size_t len;
};

/* th32-core.c: reports */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int report_code(const char *ctx, DWORD code);
int report_last(const char *ctx);
int out_of_memory(void);

/* th32-core.c: numbers */
enum num_form {
	NUM_DEC,	/* decimal digits */
	NUM_HEX,	/* hex digits, 0x optional */
	NUM_AUTO,	/* decimal, or hex after 0x */
};
int parse_num(const char *s, enum num_form form, uintmax_t max,
	      uintmax_t *out);
int parse_pid(const char *s, DWORD *pid);
int parse_length(const char *s, uintmax_t max, uintmax_t *out);
int hex_value(char c);

/* th32-core.c: output */
void put_text(const char *s, int width);
int text_width(const char *s);
void put_json_string(const char *s);
void json_element(size_t i);
void json_end(size_t n);

/* th32-core.c: processes, modules and addresses */
int open_process(DWORD pid, DWORD access, const char *ctx, HANDLE *h);
void close_process(HANDLE h);
int get_modules(DWORD pid, MODULEENTRY32 **list, size_t *n,
		const char *ctx);
int module_matches(const char *name, const MODULEENTRY32 *me);
int resolve_in(const char *spec, const MODULEENTRY32 *me, size_t n,
	       uintptr_t *addr);
int parse_address(const char *cmd, DWORD pid, const char *spec,
		  uintptr_t *addr);

/* th32-value.c: values of --hex, --string, --u32, ... */
const char *value_option(enum value_kind kind);
size_t value_size(enum value_kind kind);
int parse_value(enum value_kind kind, const char *text, struct pattern *p);
void free_pattern(struct pattern *p);
void put_value(enum value_kind kind, const unsigned char *p, int json);

/* th32-regions.c: a region's state, protection and type by name */
const char *state_name(DWORD state);
const char *type_name(DWORD type);
const char *protect_name(DWORD protect);

/* the commands */
int cmd_ps(const struct options *o, char **args, int nargs);
int cmd_threads(const struct options *o, char **args, int nargs);
int cmd_modules(const struct options *o, char **args, int nargs);
int cmd_heaps(const struct options *o, char **args, int nargs);
int cmd_heap(const struct options *o, char **args, int nargs);
int cmd_read(const struct options *o, char **args, int nargs);
int cmd_write(const struct options *o, char **args, int nargs);
int cmd_regions(const struct options *o, char **args, int nargs);
int cmd_find(const struct options *o, char **args, int nargs);

#endif /* TH32_H */
