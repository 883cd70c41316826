/*
 * module.c - Module32First/Next and their W forms.
 */
#include "config.h"

#include "internal.h"
#include "snapshot.h"

#define FILL_COMMON(s, me, rec) do {				\
	(me)->th32ModuleID = 1;					\
	(me)->th32ProcessID = (s)->module_pid;			\
	(me)->GlblcntUsage = 0xffff;				\
	(me)->ProccntUsage = 0xffff;				\
	(me)->modBaseAddr = (BYTE *)(rec)->base;		\
	(me)->modBaseSize = (rec)->size > 0xffffffffu ?		\
			    0xffffffffu : (DWORD)(rec)->size;	\
	(me)->hModule = (HMODULE)(rec)->base;			\
} while (0)

static void
fill_a(const struct tlh_snapshot *s, const void *r, void *entry)
{
	const struct tlh_module_rec *rec = r;
	MODULEENTRY32 *me = entry;

	FILL_COMMON(s, me, rec);
	tlh_text_to_a(me->szModule, MAX_MODULE_NAME32 + 1,
		      tlh_snap_str(s, rec->name));
	tlh_text_to_a(me->szExePath, MAX_PATH, tlh_snap_str(s, rec->path));
}

static void
fill_w(const struct tlh_snapshot *s, const void *r, void *entry)
{
	const struct tlh_module_rec *rec = r;
	MODULEENTRY32W *me = entry;

	FILL_COMMON(s, me, rec);
	tlh_text_to_w(me->szModule, MAX_MODULE_NAME32 + 1,
		      tlh_snap_str(s, rec->name));
	tlh_text_to_w(me->szExePath, MAX_PATH, tlh_snap_str(s, rec->path));
}

/* Rewind the snapshot's module list and return its first entry. */
TLH_EXPORT BOOL WINAPI
Module32First(HANDLE hSnapshot, LPMODULEENTRY32 lpme)
{
	return tlh_snap_step(hSnapshot, TLH_LIST_MODULES, 1, lpme,
			     sizeof(*lpme), fill_a);
}

/* Return the module entry at the cursor and advance. */
TLH_EXPORT BOOL WINAPI
Module32Next(HANDLE hSnapshot, LPMODULEENTRY32 lpme)
{
	return tlh_snap_step(hSnapshot, TLH_LIST_MODULES, 0, lpme,
			     sizeof(*lpme), fill_a);
}

/* Module32First with UTF-16 names. */
TLH_EXPORT BOOL WINAPI
Module32FirstW(HANDLE hSnapshot, LPMODULEENTRY32W lpme)
{
	return tlh_snap_step(hSnapshot, TLH_LIST_MODULES, 1, lpme,
			     sizeof(*lpme), fill_w);
}

/* Module32Next with UTF-16 names. */
TLH_EXPORT BOOL WINAPI
Module32NextW(HANDLE hSnapshot, LPMODULEENTRY32W lpme)
{
	return tlh_snap_step(hSnapshot, TLH_LIST_MODULES, 0, lpme,
			     sizeof(*lpme), fill_w);
}
