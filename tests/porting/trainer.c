/*
 * trainer.c - the classic game trainer: find the game's process by name,
 * take its main module's base address, and set the value kept at an offset
 * from it, reading it before and after.
 *
 *   trainer EXE OFFSET NEWVALUE      (OFFSET and NEWVALUE hexadecimal)
 */
#include <windows.h>
#include <tlhelp32.h>
#include <tchar.h>

static void
printError(const TCHAR *what)
{
	TCHAR buf[512];
	DWORD code = GetLastError();
	DWORD n;

	n = FormatMessage(FORMAT_MESSAGE_FROM_SYSTEM |
			  FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code, 0, buf,
			  sizeof(buf) / sizeof(TCHAR), NULL);
	while (n && (buf[n - 1] == _T('\r') || buf[n - 1] == _T('\n')))
		buf[--n] = 0;
	_tprintf(_T("[-] %s: %s (%u)\n"), what, n ? buf : _T("?"),
		 (unsigned)code);
}

static DWORD
GetProcId(const TCHAR *exe)
{
	PROCESSENTRY32 entry;
	DWORD procId = 0;
	HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);

	if (snapshot == INVALID_HANDLE_VALUE)
		return 0;
	entry.dwSize = sizeof(entry);
	if (Process32First(snapshot, &entry)) {
		do {
			if (!_tcscmp(entry.szExeFile, exe)) {
				procId = entry.th32ProcessID;
				break;
			}
		} while (Process32Next(snapshot, &entry));
	}
	CloseHandle(snapshot);
	return procId;
}

/* The first module of a process is its executable. */
static uintptr_t
GetMainModuleBase(DWORD procId)
{
	MODULEENTRY32 modEntry;
	uintptr_t base = 0;
	HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE |
						   TH32CS_SNAPMODULE32, procId);

	if (snapshot == INVALID_HANDLE_VALUE) {
		printError(_T("CreateToolhelp32Snapshot"));
		return 0;
	}
	modEntry.dwSize = sizeof(modEntry);
	if (Module32First(snapshot, &modEntry))
		base = (uintptr_t)modEntry.modBaseAddr;
	else
		printError(_T("Module32First"));
	CloseHandle(snapshot);
	return base;
}

int
main(int argc, char *argv[])
{
	DWORD procId, oldValue = 0, newValue, check = 0;
	uintptr_t base, addr;
	SIZE_T written = 0;
	HANDLE hProcess;
	BOOL ok;

	if (argc != 4) {
		_tprintf(_T("usage: trainer EXE OFFSET NEWVALUE\n"));
		return 2;
	}
	procId = GetProcId(argv[1]);
	if (!procId) {
		_tprintf(_T("[-] %s is not running\n"), argv[1]);
		return 1;
	}
	base = GetMainModuleBase(procId);
	if (!base)
		return 1;
	addr = base + (uintptr_t)strtoull(argv[2], NULL, 16);
	newValue = (DWORD)strtoul(argv[3], NULL, 16);
	_tprintf(_T("[+] %s: pid %u, base 0x%llx, value at 0x%llx\n"),
		 argv[1], (unsigned)procId, (unsigned long long)base,
		 (unsigned long long)addr);

	hProcess = OpenProcess(PROCESS_VM_OPERATION | PROCESS_VM_READ |
			       PROCESS_VM_WRITE, FALSE, procId);
	if (!hProcess) {
		printError(_T("OpenProcess"));
		return 1;
	}
	ok = ReadProcessMemory(hProcess, (LPCVOID)addr, &oldValue,
			       sizeof(oldValue), NULL) &&
	     WriteProcessMemory(hProcess, (LPVOID)addr, &newValue,
				sizeof(newValue), &written) &&
	     ReadProcessMemory(hProcess, (LPCVOID)addr, &check,
			       sizeof(check), NULL);
	if (!ok)
		printError(_T("ReadProcessMemory/WriteProcessMemory"));
	else
		_tprintf(_T("[+] 0x%08X -> 0x%08X (%u bytes written)\n"),
			 (unsigned)oldValue, (unsigned)check,
			 (unsigned)written);
	CloseHandle(hProcess);
	return ok && check == newValue ? 0 : 1;
}
