/*
 * th32-ps.c - th32 ps [NAME...]: the processes of one snapshot, or those with
 * one of the NAMEs; exit status 1 when NAMEs are given and none matched,
 * as pgrep(1).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th32.h"

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

/* Is the process named one of @names (all of them if there are none)? */
static int
named(const PROCESSENTRY32 *pe, char **names, int nnames)
{
	int i;

	if (!nnames)
		return 1;
	for (i = 0; i < nnames; i++)
		if (!strcmp(pe->szExeFile, names[i]))
			return 1;
	return 0;
}

int
cmd_ps(const struct options *o, char **args, int nargs)
{
	PROCESSENTRY32 *pe = NULL;
	HANDLE snap;
	size_t n = 0, i, shown = 0;
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

	for (i = 0; i < n; i++) {
		if (!named(&pe[i], args, nargs))
			continue;
		/* the header over the first line: none when nothing matched,
		 * as pgrep(1) prints nothing */
		if (!o->json && !shown)
			printf("%7s %7s %7s %3s %s\n", "PID", "PPID", "THREADS",
			       "PRI", "NAME");
		if (o->json) {
			json_element(shown);
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
		shown++;
	}
	if (o->json)
		json_end(shown);
	free(pe);
	/* As pgrep(1): names that name no process are a failure. */
	return nargs && !shown ? EXIT_FAIL : EXIT_OK;
}

