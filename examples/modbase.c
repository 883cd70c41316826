/*
 * modbase.c - a trainer's first steps, as Windows code writes them: find a
 * process by its executable's name, find where one of its modules is
 * loaded, open the process and read a value at an offset from that base.
 *
 *   modbase EXE MODULE OFFSET [SIZE]
 *
 * OFFSET is hexadecimal, SIZE is 1, 2, 4 (the default) or 8 bytes.  For
 * example, the ELF magic at the start of a running sleep(1):
 *
 *   modbase sleep sleep 0 4
 *
 * Plain Win32 code: it builds unchanged on Windows, and on Linux with
 *   cc modbase.c $(pkg-config --cflags --libs tlhelp32)
 */
#include <windows.h>
#include <tlhelp32.h>
#include <tchar.h>

/* Say what failed, with the system's text for the last error. */
static void
printError(const TCHAR *what)
{
	DWORD code = GetLastError();
	TCHAR text[256];
	DWORD len;

	len = FormatMessage(FORMAT_MESSAGE_FROM_SYSTEM |
			    FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code,
			    MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), text,
			    sizeof(text) / sizeof(text[0]), NULL);
	/* The text ends in a period and CR LF: keep the sentence only. */
	while (len > 0 && (text[len - 1] == _T('\n') ||
			   text[len - 1] == _T('\r') ||
			   text[len - 1] == _T('.')))
		len--;
	text[len] = 0;
	_tprintf(_T("%s failed with error %lu (%s)\n"), what,
		 (unsigned long)code, len ? text : _T("no text"));
}

/* The id of the first process running exeName, or 0. */
static DWORD
findProcess(const TCHAR *exeName)
{
	PROCESSENTRY32 pe32;
	HANDLE hSnap;
	DWORD pid = 0;

	hSnap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	if (hSnap == INVALID_HANDLE_VALUE) {
		printError(_T("CreateToolhelp32Snapshot (processes)"));
		return 0;
	}
	pe32.dwSize = sizeof(PROCESSENTRY32);
	if (!Process32First(hSnap, &pe32)) {
		printError(_T("Process32First"));
		CloseHandle(hSnap);
		return 0;
	}
	do {
		if (_tcscmp(pe32.szExeFile, exeName) == 0) {
			pid = pe32.th32ProcessID;
			break;
		}
	} while (Process32Next(hSnap, &pe32));
	CloseHandle(hSnap);
	return pid;
}

/* Where moduleName is loaded in process pid, or NULL. */
static BYTE *
findModuleBase(DWORD pid, const TCHAR *moduleName)
{
	MODULEENTRY32 me32;
	HANDLE hSnap;
	BYTE *base = NULL;

	hSnap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE |
					 TH32CS_SNAPMODULE32, pid);
	if (hSnap == INVALID_HANDLE_VALUE) {
		printError(_T("CreateToolhelp32Snapshot (modules)"));
		return NULL;
	}
	me32.dwSize = sizeof(MODULEENTRY32);
	if (!Module32First(hSnap, &me32)) {
		printError(_T("Module32First"));
		CloseHandle(hSnap);
		return NULL;
	}
	do {
		if (_tcscmp(me32.szModule, moduleName) == 0) {
			base = me32.modBaseAddr;
			break;
		}
	} while (Module32Next(hSnap, &me32));
	CloseHandle(hSnap);
	return base;
}

int
main(int argc, char *argv[])
{
	union {
		BYTE b;
		WORD w;
		DWORD d;
		ULONGLONG q;
	} raw;
	ULONG_PTR offset;
	ULONGLONG value;
	SIZE_T size = 4, got = 0;
	HANDLE hProcess;
	BYTE *base;
	DWORD pid;

	if (argc < 4 || argc > 5) {
		_tprintf(_T("usage: %s EXE MODULE OFFSET [SIZE]\n"), argv[0]);
		return 2;
	}
	offset = (ULONG_PTR)strtoull(argv[3], NULL, 16);
	if (argc == 5)
		size = (SIZE_T)strtoul(argv[4], NULL, 10);
	if (size != 1 && size != 2 && size != 4 && size != 8) {
		_tprintf(_T("SIZE must be 1, 2, 4 or 8\n"));
		return 2;
	}

	pid = findProcess(argv[1]);
	if (pid == 0) {
		_tprintf(_T("no process runs %s\n"), argv[1]);
		return 1;
	}
	base = findModuleBase(pid, argv[2]);
	if (base == NULL) {
		_tprintf(_T("process %lu has no module %s\n"),
			 (unsigned long)pid, argv[2]);
		return 1;
	}

	hProcess = OpenProcess(PROCESS_VM_READ, FALSE, pid);
	if (hProcess == NULL) {
		printError(_T("OpenProcess"));
		return 1;
	}
	if (!ReadProcessMemory(hProcess, base + offset, &raw, size, &got)) {
		printError(_T("ReadProcessMemory"));
		CloseHandle(hProcess);
		return 1;
	}
	CloseHandle(hProcess);
	value = size == 1 ? raw.b : size == 2 ? raw.w : size == 4 ? raw.d :
		raw.q;

	_tprintf(_T("pid %lu, %s at 0x%llx\n"), (unsigned long)pid, argv[2],
		 (unsigned long long)(ULONG_PTR)base);
	_tprintf(_T("0x%llx (+0x%llx), %lu bytes: 0x%llx = %llu\n"),
		 (unsigned long long)(ULONG_PTR)(base + offset),
		 (unsigned long long)offset, (unsigned long)got,
		 (unsigned long long)value, (unsigned long long)value);
	return 0;
}
