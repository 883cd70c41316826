/*
 * thread.c - Thread32First/Next.
 */
#include "config.h"

#include "internal.h"
#include "snapshot.h"

static void
fill(const struct tlh_snapshot *s, const void *r, void *entry)
{
	const struct tlh_thread_rec *rec = r;
	THREADENTRY32 *te = entry;

	(void)s;
	te->cntUsage = 0;
	te->th32ThreadID = rec->tid;
	te->th32OwnerProcessID = rec->pid;
	te->tpBasePri = rec->base_pri;
	te->tpDeltaPri = 0;
	te->dwFlags = 0;
}

/* Rewind the snapshot's thread list and return its first entry. */
TLH_EXPORT BOOL WINAPI
Thread32First(HANDLE hSnapshot, LPTHREADENTRY32 lpte)
{
	return tlh_snap_step(hSnapshot, TLH_LIST_THREADS, 1, lpte,
			     sizeof(*lpte), fill);
}

/* Return the thread entry at the cursor and advance. */
TLH_EXPORT BOOL WINAPI
Thread32Next(HANDLE hSnapshot, LPTHREADENTRY32 lpte)
{
	return tlh_snap_step(hSnapshot, TLH_LIST_THREADS, 0, lpte,
			     sizeof(*lpte), fill);
}
