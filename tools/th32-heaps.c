/*
 * th32-heaps.c - th32 heaps PID and th32 heap PID HEAPID: a process's malloc
 * heaps, and the blocks of one, read live.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "th32.h"

int
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
int
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

