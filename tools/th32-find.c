/*
 * th32-find.c - th32 find PID PATTERN [--module NAME | --range ADDR-ADDR]
 * [--max N]: every match of a pattern in another process's committed,
 * readable memory, the target running throughout.  The search is
 * th32-scan.c's.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "th32-names.h"
#include "th32-scan.h"

struct find {
	const struct options *o;
	const struct names *nm;
	const char *ctx;
	uintmax_t max, found;
	double start, last;	/* seconds: the scan's start, last progress */
	int tty, shown;		/* a progress line may be, is, on stderr */
	uintptr_t lo, hi;
};

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
clear_progress(struct find *f)
{
	if (f->shown)
		fputs("\r\033[K", stderr);
	f->shown = 0;
}

static int
on_match(void *arg, uintptr_t addr, const MEMORY_BASIC_INFORMATION *m)
{
	struct find *f = arg;
	const MODULEENTRY32 *me = names_module(f->nm, m);
	const struct file_map *map = NULL;
	const char *file = NULL;
	uintptr_t base = (uintptr_t)m->BaseAddress;

	if (me) {
		base = (uintptr_t)me->modBaseAddr;
	} else if ((map = names_file(f->nm, addr))) {
		file = map->path;
		base = map->lo;
	}
	clear_progress(f);
	if (f->o->json) {
		json_element((size_t)f->found);
		printf("{\"address\":\"0x%" PRIxPTR "\",\"region\":\"0x%"
		       PRIxPTR "\",\"name\":", addr,
		       (uintptr_t)m->BaseAddress);
		if (me || file)
			put_json_string(me ? me->szModule : file);
		else
			fputs("null", stdout);
		printf(",\"offset\":\"0x%" PRIxPTR "\"}", addr - base);
	} else {
		printf("0x%0*" PRIxPTR "  ", ADDR_DIGITS, addr);
		if (me || file)
			put_text(me ? me->szModule : file, 0);
		else
			printf("0x%" PRIxPTR, base);
		printf("+0x%" PRIxPTR "\n", addr - base);
	}
	f->found++;
	return f->max && f->found >= f->max;
}

static void
on_failed(void *arg, uintptr_t addr, size_t len, DWORD err)
{
	struct find *f = arg;

	clear_progress(f);
	fflush(stdout);
	fprintf(stderr, "th32: %s: 0x%" PRIxPTR "-0x%" PRIxPTR ": could not "
		"be read (error %lu), skipped\n", f->ctx, addr, addr + len,
		(unsigned long)err);
}

static void
on_progress(void *arg, uintptr_t addr)
{
	struct find *f = arg;
	double t = now();

	if (!f->tty || t - f->start < 1.0 || t - f->last < 0.2)
		return;
	f->last = t;
	f->shown = 1;
	fprintf(stderr, "\r\033[Kth32: find: at 0x%" PRIxPTR ", %ju found",
		addr, f->found);
}

/*
 * Split --range A-B at the first '-' where both sides are addresses,
 * resolved with the module list @me of @n entries.  0, or the last
 * resolve_in error.
 */
static int
split_range(const char *spec, const MODULEENTRY32 *me, size_t n,
	    uintptr_t *lo, uintptr_t *hi)
{
	const char *dash;
	char *left;
	int ret = -EINVAL, missing = 0;

	for (dash = strchr(spec, '-'); dash; dash = strchr(dash + 1, '-')) {
		left = strndup(spec, (size_t)(dash - spec));
		if (!left)
			return -ENOMEM;
		ret = resolve_in(left, me, n, lo);
		free(left);
		if (!ret)
			ret = resolve_in(dash + 1, me, n, hi);
		if (!ret || ret == -ENOMEM)
			return ret;
		missing |= ret == -ENOENT;
	}
	return missing ? -ENOENT : ret;
}

/* --range A-B, hex or MODULE+OFFSET each: [A, B). */
static int
parse_range(DWORD pid, const char *spec, const char *ctx, uintptr_t *lo,
	    uintptr_t *hi)
{
	MODULEENTRY32 *me = NULL;
	size_t n = 0;
	int ret;

	ret = split_range(spec, NULL, 0, lo, hi);
	if (ret == -ENOENT) {
		/* A module's name: only now take the snapshot. */
		ret = get_modules(pid, &me, &n, ctx);
		if (ret)
			return ret;
		ret = split_range(spec, me, n, lo, hi);
		free(me);
	}
	if (ret == -ENOMEM)
		return out_of_memory();
	if (ret)
		return usage_error("invalid --range '%s': expected ADDRESS-"
				   "ADDRESS, each hex or MODULE+OFFSET of a "
				   "loaded module", spec);
	if (*hi <= *lo)
		return usage_error("invalid --range '%s': empty", spec);
	return 0;
}

/* --module NAME: the extent of that module. */
static int
module_range(DWORD pid, const char *name, const char *ctx, uintptr_t *lo,
	     uintptr_t *hi)
{
	MODULEENTRY32 *me = NULL;
	size_t n = 0, i;
	int ret;

	ret = get_modules(pid, &me, &n, ctx);
	if (ret)
		return ret;
	for (i = 0; i < n; i++)
		if (module_matches(name, &me[i]))
			break;
	if (i == n) {
		fprintf(stderr, "th32: %s: no module named '%s' in process "
			"%lu\n", ctx, name, (unsigned long)pid);
		ret = EXIT_FAIL;
	} else {
		*lo = (uintptr_t)me[i].modBaseAddr;
		*hi = *lo + me[i].modBaseSize;
	}
	free(me);
	return ret;
}

int
cmd_find(const struct options *o, char **args, int nargs)
{
	struct find f = { .o = o, .hi = UINTPTR_MAX };
	struct scan s;
	char ctx[CONTEXT_MAX];
	struct pattern p;
	struct names nm;
	HANDLE h;
	DWORD pid;
	int ret;

	if (nargs < 1)
		return usage_error("find: PID missing");
	if (nargs > 1)
		return usage_error("find: unexpected argument '%s'", args[1]);
	if (o->kind == VAL_NONE)
		return usage_error("find: the pattern is missing: --hex, "
				   "--string, --wstring, --u8 ... --f64");
	if (o->module && o->range)
		return usage_error("find: --module and --range cannot be "
				   "combined");
	ret = parse_pid(args[0], &pid);
	if (ret)
		return ret;
	if (o->max && parse_num(o->max, NUM_AUTO, UINTMAX_MAX, &f.max))
		return usage_error("invalid --max '%s': expected a decimal "
				   "or 0x hexadecimal number", o->max);
	ret = parse_value(o->kind, o->value, &p);
	if (ret)
		return ret;
	if (!p.len || p.len > SCAN_PATTERN_MAX) {
		free_pattern(&p);
		return usage_error("find: the pattern must be 1 to %zu bytes "
				   "long", SCAN_PATTERN_MAX);
	}
	snprintf(ctx, sizeof(ctx), "find %lu", (unsigned long)pid);
	f.ctx = ctx;
	if (o->range)
		ret = parse_range(pid, o->range, ctx, &f.lo, &f.hi);
	else if (o->module)
		ret = module_range(pid, o->module, ctx, &f.lo, &f.hi);
	if (ret)
		goto out;
	ret = open_process(pid, PROCESS_QUERY_INFORMATION | PROCESS_VM_READ,
			   ctx, &h);
	if (ret)
		goto out;
	ret = names_load(pid, &nm, ctx);
	if (ret) {
		close_process(h);
		goto out;
	}
	f.nm = &nm;
	f.tty = isatty(STDERR_FILENO);
	f.start = f.last = now();

	memset(&s, 0, sizeof(s));
	s.process = h;
	s.bytes = p.bytes;
	s.mask = p.mask;
	s.len = p.len;
	s.lo = f.lo;
	s.hi = f.hi;
	s.match = on_match;
	s.failed = on_failed;
	s.progress = on_progress;
	s.arg = &f;
	SetLastError(ERROR_SUCCESS);
	ret = scan_run(&s);
	clear_progress(&f);
	if (o->json)
		json_end((size_t)f.found);
	if (ret < 0) {
		fflush(stdout);
		ret = report_last(ctx);
	} else {
		/* As grep(1): nothing found is a failure. */
		ret = f.found ? EXIT_OK : EXIT_FAIL;
	}
	names_free(&nm);
	close_process(h);
out:
	free_pattern(&p);
	return ret;
}
