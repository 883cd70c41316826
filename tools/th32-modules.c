/*
 * th32-modules.c - th32 modules PID: the ELF objects (and, under Wine, PE
 * images) a module snapshot holds.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "th32.h"

int
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

