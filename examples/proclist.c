/*
 * proclist.c - list every process with its threads and modules, the way a
 * Windows tool does it with Tool Help.  The code is plain Win32: on Windows
 * it builds as it is.
 *
 *   proclist          every process, with its thread count
 *   proclist PID      one process, with its threads and modules
 */
#ifdef _WIN32
#include <windows.h>
#endif
#include <tlhelp32.h>

#include <stdio.h>
#include <stdlib.h>

static void
print_error(const char *what)
{
	fprintf(stderr, "proclist: %s failed, error %lu\n", what,
		(unsigned long)GetLastError());
}

static int
list_threads(DWORD pid)
{
	HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
	THREADENTRY32 te;

	if (snap == INVALID_HANDLE_VALUE) {
		print_error("CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD)");
		return 1;
	}
	te.dwSize = sizeof(te);
	if (Thread32First(snap, &te)) {
		do {
			if (te.th32OwnerProcessID == pid)
				printf("  thread %lu, base priority %ld\n",
				       (unsigned long)te.th32ThreadID,
				       (long)te.tpBasePri);
		} while (Thread32Next(snap, &te));
	}
	CloseHandle(snap);
	return 0;
}

static int
list_modules(DWORD pid)
{
	HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, pid);
	MODULEENTRY32 me;

	if (snap == INVALID_HANDLE_VALUE) {
		print_error("CreateToolhelp32Snapshot(TH32CS_SNAPMODULE)");
		return 1;
	}
	me.dwSize = sizeof(me);
	if (Module32First(snap, &me)) {
		do {
			printf("  module %p %8lu %s\n", (void *)me.modBaseAddr,
			       (unsigned long)me.modBaseSize, me.szExePath);
		} while (Module32Next(snap, &me));
	}
	CloseHandle(snap);
	return 0;
}

int
main(int argc, char **argv)
{
	DWORD only = argc > 1 ? (DWORD)strtoul(argv[1], NULL, 0) : 0;
	HANDLE snap;
	PROCESSENTRY32 pe;
	int found = 0, bad = 0;

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	if (snap == INVALID_HANDLE_VALUE) {
		print_error("CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS)");
		return 1;
	}
	pe.dwSize = sizeof(pe);
	if (!Process32First(snap, &pe)) {
		print_error("Process32First");
		CloseHandle(snap);
		return 1;
	}
	do {
		if (only && pe.th32ProcessID != only)
			continue;
		found = 1;
		printf("%6lu %6lu %4lu %2ld %s\n",
		       (unsigned long)pe.th32ProcessID,
		       (unsigned long)pe.th32ParentProcessID,
		       (unsigned long)pe.cntThreads, (long)pe.pcPriClassBase,
		       pe.szExeFile);
		if (only)
			bad = list_threads(only) | list_modules(only);
	} while (Process32Next(snap, &pe));
	CloseHandle(snap);
	if (only && !found) {
		fprintf(stderr, "proclist: no process %lu\n",
			(unsigned long)only);
		return 1;
	}
	return bad;
}
