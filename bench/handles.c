/*
 * handles.c - bench/bench's handle table section.
 */
#include "config.h"

#include <stdio.h>

#include <windows.h>
#include <tlhelp32.h>

#include "bench.h"
#include "core.h"

#define HANDLES_N	((1 << 20) - 64)	/* as many as the table holds */
#define HANDLES_BATCH	65536

/*
 * Open (nearly) a million snapshot handles in batches of 65,536, timing
 * each batch: the table's cost per open must not grow with the number
 * open (issue 16: at most 2 s for a million, the last batch no slower
 * than the first).  Every handle is checked and closed afterwards.
 */
void
handles_run(void)
{
	static HANDLE h[HANDLES_N];
	double first = 0, last = 0, total = 0, t;
	char line[256];
	size_t i, n;
	uint64_t t0;
	int bad = 0, met;

	printf("\n== handles: CreateToolhelp32Snapshot(0, 0) opened %d "
	       "at a time ==\n", HANDLES_BATCH);
	for (i = 0; i < HANDLES_N; i += n) {
		n = HANDLES_N - i < HANDLES_BATCH ? HANDLES_N - i :
						   HANDLES_BATCH;
		t0 = core_now_ns();
		for (size_t j = i; j < i + n; j++)
			h[j] = CreateToolhelp32Snapshot(0, 0);
		t = (double)(core_now_ns() - t0) / 1e9;
		total += t;
		if (i == 0)
			first = t / (double)n;
		if (i + n == HANDLES_N)
			last = t / (double)n;
	}
	for (i = 0; i < HANDLES_N; i++) {
		bad += h[i] == INVALID_HANDLE_VALUE;
		bad += !CloseHandle(h[i]);
	}
	if (bad)
		core_fail_check("opening and closing a million snapshot "
				"handles");
	met = total <= 2.0 && last <= first * 1.5;
	snprintf(line, sizeof(line),
		 "RATIO handles n=%d seconds=%.3f first_batch_us=%.3f "
		 "last_batch_us=%.3f last/first=%.2f target=2s,1.5 status=%s",
		 HANDLES_N, total, first * 1e6, last * 1e6, last / first,
		 met ? "met" : "missed");
	printf("%s\n", line);
	core_note(met, line);
}
