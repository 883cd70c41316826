/*
 * dumpmod.c - find a process by its executable's name and dump the first
 * bytes of its main module, the classic trainer and scanner opening move:
 * Process32First/Next to find the pid, Module32First for the base address,
 * Toolhelp32ReadProcessMemory for the bytes.  Plain Win32 code.
 *
 *   dumpmod NAME [COUNT]
 */
#ifdef _WIN32
#include <windows.h>
#endif
#include <tlhelp32.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static DWORD
find_process(const char *name)
{
	HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	PROCESSENTRY32 pe;
	DWORD pid = 0;

	if (snap == INVALID_HANDLE_VALUE)
		return 0;
	pe.dwSize = sizeof(pe);
	if (Process32First(snap, &pe)) {
		do {
			if (!strcmp(pe.szExeFile, name)) {
				pid = pe.th32ProcessID;
				break;
			}
		} while (Process32Next(snap, &pe));
	}
	CloseHandle(snap);
	return pid;
}

int
main(int argc, char **argv)
{
	unsigned char bytes[256];
	MODULEENTRY32 me;
	SIZE_T count = 16, got, i;
	HANDLE snap;
	DWORD pid;

	if (argc < 2) {
		fprintf(stderr, "usage: dumpmod NAME [COUNT]\n");
		return 2;
	}
	if (argc > 2)
		count = (SIZE_T)strtoul(argv[2], NULL, 0);
	if (count == 0 || count > sizeof(bytes))
		count = sizeof(bytes);

	pid = find_process(argv[1]);
	if (!pid) {
		fprintf(stderr, "dumpmod: no process named %s\n", argv[1]);
		return 1;
	}
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, pid);
	if (snap == INVALID_HANDLE_VALUE) {
		fprintf(stderr, "dumpmod: module snapshot of %lu: error %lu\n",
			(unsigned long)pid, (unsigned long)GetLastError());
		return 1;
	}
	me.dwSize = sizeof(me);
	if (!Module32First(snap, &me)) {
		fprintf(stderr, "dumpmod: %lu has no modules\n",
			(unsigned long)pid);
		CloseHandle(snap);
		return 1;
	}
	CloseHandle(snap);

	if (!Toolhelp32ReadProcessMemory(pid, me.modBaseAddr, bytes, count,
					 &got)) {
		fprintf(stderr, "dumpmod: read failed: error %lu\n",
			(unsigned long)GetLastError());
		return 1;
	}
	printf("%s (pid %lu) main module %s at %p:\n", argv[1],
	       (unsigned long)pid, me.szModule, (void *)me.modBaseAddr);
	for (i = 0; i < got; i++)
		printf("%02x%s", bytes[i], (i % 16 == 15 || i + 1 == got) ?
		       "\n" : " ");
	return 0;
}
