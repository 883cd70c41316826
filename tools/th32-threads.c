/*
 * th32-threads.c - th32 threads [PID]: the threads of one snapshot, grouped
 * by process.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "th32.h"

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

int
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

