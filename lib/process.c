/*
 * process.c - Process32First/Next and their W forms.
 */
#include "config.h"

#include <string.h>

#include "internal.h"
#include "snapshot.h"

/* The fields both forms share; the caller fills szExeFile. */
#define FILL_COMMON(pe, rec) do {				\
	(pe)->cntUsage = 0;					\
	(pe)->th32ProcessID = (rec)->pid;			\
	(pe)->th32DefaultHeapID = 0;				\
	(pe)->th32ModuleID = 0;					\
	(pe)->cntThreads = (rec)->threads;			\
	(pe)->th32ParentProcessID = (rec)->ppid;		\
	(pe)->pcPriClassBase = (rec)->pri_class;		\
	(pe)->dwFlags = 0;					\
} while (0)

static void
fill_a(const struct tlh_snapshot *s, const void *r, void *entry)
{
	const struct tlh_proc_rec *rec = r;
	PROCESSENTRY32 *pe = entry;

	FILL_COMMON(pe, rec);
	tlh_text_to_a(pe->szExeFile, MAX_PATH, tlh_snap_str(s, rec->name));
}

static void
fill_w(const struct tlh_snapshot *s, const void *r, void *entry)
{
	const struct tlh_proc_rec *rec = r;
	PROCESSENTRY32W *pe = entry;

	FILL_COMMON(pe, rec);
	tlh_text_to_w(pe->szExeFile, MAX_PATH, tlh_snap_str(s, rec->name));
}

/* Rewind the snapshot's process list and return its first entry. */
TLH_EXPORT BOOL WINAPI
Process32First(HANDLE hSnapshot, LPPROCESSENTRY32 lppe)
{
	return tlh_snap_step(hSnapshot, TLH_LIST_PROCS, 1, lppe,
			     sizeof(*lppe), fill_a);
}

/* Return the process entry at the cursor and advance. */
TLH_EXPORT BOOL WINAPI
Process32Next(HANDLE hSnapshot, LPPROCESSENTRY32 lppe)
{
	return tlh_snap_step(hSnapshot, TLH_LIST_PROCS, 0, lppe,
			     sizeof(*lppe), fill_a);
}

/* Process32First with a UTF-16 szExeFile. */
TLH_EXPORT BOOL WINAPI
Process32FirstW(HANDLE hSnapshot, LPPROCESSENTRY32W lppe)
{
	return tlh_snap_step(hSnapshot, TLH_LIST_PROCS, 1, lppe,
			     sizeof(*lppe), fill_w);
}

/* Process32Next with a UTF-16 szExeFile. */
TLH_EXPORT BOOL WINAPI
Process32NextW(HANDLE hSnapshot, LPPROCESSENTRY32W lppe)
{
	return tlh_snap_step(hSnapshot, TLH_LIST_PROCS, 0, lppe,
			     sizeof(*lppe), fill_w);
}
