/*
 * th32-regions.c - th32 regions PID: the address space as VirtualQueryEx
 * walks it, from address 0 to the top of user space, free gaps included.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "th32-names.h"

const char *
state_name(DWORD state)
{
	switch (state) {
	case MEM_COMMIT:	return "commit";
	case MEM_RESERVE:	return "reserve";
	case MEM_FREE:		return "free";
	default:		return "?";
	}
}

const char *
type_name(DWORD type)
{
	switch (type) {
	case MEM_IMAGE:		return "image";
	case MEM_MAPPED:	return "mapped";
	case MEM_PRIVATE:	return "private";
	case 0:			return "-";
	default:		return "?";
	}
}

/* The protection as Windows names it, without PAGE_; +GUARD added. */
const char *
protect_name(DWORD protect)
{
	static const char *const names[][2] = {
		{ "-", "-" },
		{ "NOACCESS", "NOACCESS+GUARD" },
		{ "READONLY", "READONLY+GUARD" },
		{ "READWRITE", "READWRITE+GUARD" },
		{ "WRITECOPY", "WRITECOPY+GUARD" },
		{ "EXECUTE", "EXECUTE+GUARD" },
		{ "EXECUTE_READ", "EXECUTE_READ+GUARD" },
		{ "EXECUTE_READWRITE", "EXECUTE_READWRITE+GUARD" },
		{ "EXECUTE_WRITECOPY", "EXECUTE_WRITECOPY+GUARD" },
	};
	int guard = (protect & PAGE_GUARD) != 0, i;

	switch (protect & 0xff) {
	case 0:				i = 0; break;
	case PAGE_NOACCESS:		i = 1; break;
	case PAGE_READONLY:		i = 2; break;
	case PAGE_READWRITE:		i = 3; break;
	case PAGE_WRITECOPY:		i = 4; break;
	case PAGE_EXECUTE:		i = 5; break;
	case PAGE_EXECUTE_READ:		i = 6; break;
	case PAGE_EXECUTE_READWRITE:	i = 7; break;
	case PAGE_EXECUTE_WRITECOPY:	i = 8; break;
	default:			return "?";
	}
	return names[i][guard];
}

int
cmd_regions(const struct options *o, char **args, int nargs)
{
	MEMORY_BASIC_INFORMATION m;
	char ctx[CONTEXT_MAX];
	struct names nm;
	const char *path;
	uintptr_t p = 0;
	size_t n = 0;
	HANDLE h;
	DWORD pid, err;
	int ret;

	if (nargs < 1)
		return usage_error("regions: PID missing");
	if (nargs > 1)
		return usage_error("regions: unexpected argument '%s'",
				   args[1]);
	ret = parse_pid(args[0], &pid);
	if (ret)
		return ret;
	snprintf(ctx, sizeof(ctx), "regions %lu", (unsigned long)pid);
	ret = open_process(pid, PROCESS_QUERY_INFORMATION | PROCESS_VM_READ,
			   ctx, &h);
	if (ret)
		return ret;
	ret = names_load(pid, &nm, ctx);
	if (ret) {
		close_process(h);
		return ret;
	}
	if (!o->json)
		printf("%-*s %-14s %-7s %-23s %-7s %s\n", ADDR_DIGITS + 2,
		       "BASE", "SIZE", "STATE", "PROTECT", "TYPE", "PATH");
	SetLastError(ERROR_SUCCESS);
	while (VirtualQueryEx(h, (LPCVOID)p, &m, sizeof(m))) {
		path = names_path(&nm, &m);
		if (o->json) {
			json_element(n);
			printf("{\"base\":\"0x%" PRIxPTR "\",\"size\":%zu,"
			       "\"state\":\"%s\",\"protect\":\"%s\","
			       "\"type\":\"%s\",\"path\":",
			       (uintptr_t)m.BaseAddress, (size_t)m.RegionSize,
			       state_name(m.State), protect_name(m.Protect),
			       type_name(m.Type));
			if (path)
				put_json_string(path);
			else
				fputs("null", stdout);
			putchar('}');
		} else {
			printf("0x%0*" PRIxPTR " 0x%-12zx %-7s %-23s %-7s ",
			       ADDR_DIGITS, (uintptr_t)m.BaseAddress,
			       (size_t)m.RegionSize, state_name(m.State),
			       protect_name(m.Protect), type_name(m.Type));
			put_text(path ? path : "-", 0);
			putchar('\n');
		}
		n++;
		p = (uintptr_t)m.BaseAddress + m.RegionSize;
		if (!p)
			break;
		SetLastError(ERROR_SUCCESS);
	}
	err = GetLastError();
	if (o->json)
		json_end(n);
	names_free(&nm);
	close_process(h);
	/* The walk ends past the top of user space, with this error. */
	if (p && err == ERROR_INVALID_PARAMETER && n)
		return EXIT_OK;
	fflush(stdout);
	return report_code(ctx, err);
}
