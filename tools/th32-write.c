/*
 * th32-write.c - th32 write PID ADDRESS VALUE: change another process's
 * memory through WriteProcessMemory, all or nothing.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "th32.h"

/* What the write's failures mean: the read texts do not fit. */
static int
report_write(const char *ctx, DWORD code)
{
	const char *text = NULL;

	switch (code) {
	case ERROR_NOACCESS:
		text = "part of the range may not be written (read-only, "
		       "no access or unmapped), or it runs past the end of "
		       "user address space; nothing was written";
		break;
	case ERROR_PARTIAL_COPY:
		text = "the process exited or changed its memory during the "
		       "write; it may be partly written";
		break;
	case ERROR_ACCESS_DENIED:
		text = "not permitted to write to that process";
		break;
	}
	if (!text)
		return report_code(ctx, code);
	fprintf(stderr, "th32: %s: %s (%lu): %s\n", ctx,
		code == ERROR_NOACCESS ? "ERROR_NOACCESS" :
		code == ERROR_PARTIAL_COPY ? "ERROR_PARTIAL_COPY" :
		"ERROR_ACCESS_DENIED", (unsigned long)code, text);
	return EXIT_FAIL;
}

int
cmd_write(const struct options *o, char **args, int nargs)
{
	char ctx[CONTEXT_MAX];
	struct pattern p;
	uintptr_t addr;
	HANDLE h;
	DWORD pid;
	int ret;

	if (nargs < 2)
		return usage_error("write: PID and ADDRESS needed");
	if (nargs > 2)
		return usage_error("write: unexpected argument '%s'", args[2]);
	if (o->kind == VAL_NONE)
		return usage_error("write: the value is missing: --hex, "
				   "--string, --wstring, --u8 ... --f64");
	ret = parse_pid(args[0], &pid);
	if (ret)
		return ret;
	ret = parse_value(o->kind, o->value, &p);
	if (ret)
		return ret;
	if (p.mask) {
		free_pattern(&p);
		return usage_error("write: --hex cannot write ?\?, any byte");
	}
	ret = parse_address("write", pid, args[1], &addr);
	if (ret)
		goto out;
	snprintf(ctx, sizeof(ctx), "write %lu 0x%" PRIxPTR,
		 (unsigned long)pid, addr);
	ret = open_process(pid, PROCESS_VM_WRITE | PROCESS_VM_OPERATION, ctx,
			   &h);
	if (ret)
		goto out;
	SetLastError(ERROR_SUCCESS);
	if (!WriteProcessMemory(h, (LPVOID)addr, p.bytes, p.len, NULL))
		ret = report_write(ctx, GetLastError());
	else if (o->json)
		printf("{\"pid\":%lu,\"address\":\"0x%" PRIxPTR "\","
		       "\"length\":%zu}\n", (unsigned long)pid, addr, p.len);
	else
		printf("wrote %zu byte%s at 0x%" PRIxPTR "\n", p.len,
		       p.len == 1 ? "" : "s", addr);
	close_process(h);
out:
	free_pattern(&p);
	return ret;
}
