/*
 * proclist.c - the Tool Help walk of the Windows documentation's samples,
 * as a Windows programmer writes it: every process (or every one running
 * NAME), its priority class through a process handle, then its modules
 * and its threads.  Generic text: it builds as ANSI, and with UNICODE and
 * _UNICODE as Unicode.
 *
 *   proclist [NAME]
 */
#include <windows.h>
#include <tlhelp32.h>
#include <tchar.h>

static void
printError(const TCHAR *msg)
{
	DWORD eNum = GetLastError();
	TCHAR sysMsg[256];
	TCHAR *p;

	if (!FormatMessage(FORMAT_MESSAGE_FROM_SYSTEM |
			   FORMAT_MESSAGE_IGNORE_INSERTS, NULL, eNum,
			   MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), sysMsg,
			   256, NULL))
		sysMsg[0] = 0;
	/* Cut the text at its first control character. */
	for (p = sysMsg; *p >= 32 || *p == 9; p++)
		;
	*p = 0;
	_tprintf(TEXT("  WARNING: %s failed with error %u (%s)\n"), msg,
		 (unsigned)eNum, sysMsg);
}

static BOOL
ListProcessModules(DWORD dwPID)
{
	HANDLE hModuleSnap;
	MODULEENTRY32 me32;

	hModuleSnap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, dwPID);
	if (hModuleSnap == INVALID_HANDLE_VALUE) {
		printError(TEXT("CreateToolhelp32Snapshot (of modules)"));
		return FALSE;
	}
	me32.dwSize = sizeof(MODULEENTRY32);
	if (!Module32First(hModuleSnap, &me32)) {
		printError(TEXT("Module32First"));
		CloseHandle(hModuleSnap);
		return FALSE;
	}
	do {
		_tprintf(TEXT("  module %-24s base %p size %-8u %s\n"),
			 me32.szModule, (void *)me32.modBaseAddr,
			 (unsigned)me32.modBaseSize, me32.szExePath);
	} while (Module32Next(hModuleSnap, &me32));
	CloseHandle(hModuleSnap);
	return TRUE;
}

static BOOL
ListProcessThreads(DWORD dwOwnerPID)
{
	HANDLE hThreadSnap;
	THREADENTRY32 te32;

	hThreadSnap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
	if (hThreadSnap == INVALID_HANDLE_VALUE) {
		printError(TEXT("CreateToolhelp32Snapshot (of threads)"));
		return FALSE;
	}
	te32.dwSize = sizeof(THREADENTRY32);
	if (!Thread32First(hThreadSnap, &te32)) {
		printError(TEXT("Thread32First"));
		CloseHandle(hThreadSnap);
		return FALSE;
	}
	do {
		if (te32.th32OwnerProcessID == dwOwnerPID)
			_tprintf(TEXT("  thread %u base priority %d delta %d\n"),
				 (unsigned)te32.th32ThreadID,
				 (int)te32.tpBasePri, (int)te32.tpDeltaPri);
	} while (Thread32Next(hThreadSnap, &te32));
	CloseHandle(hThreadSnap);
	return TRUE;
}

static BOOL
GetProcessList(const TCHAR *name)
{
	HANDLE hProcessSnap, hProcess;
	PROCESSENTRY32 pe32;
	DWORD dwPriorityClass;

	hProcessSnap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	if (hProcessSnap == INVALID_HANDLE_VALUE) {
		printError(TEXT("CreateToolhelp32Snapshot (of processes)"));
		return FALSE;
	}
	ZeroMemory(&pe32, sizeof(pe32));
	pe32.dwSize = sizeof(PROCESSENTRY32);
	if (!Process32First(hProcessSnap, &pe32)) {
		printError(TEXT("Process32First"));
		CloseHandle(hProcessSnap);
		return FALSE;
	}
	do {
		if (name && _tcscmp(pe32.szExeFile, name) != 0)
			continue;
		dwPriorityClass = 0;
		hProcess = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION,
				       FALSE, pe32.th32ProcessID);
		if (hProcess == NULL) {
			printError(TEXT("OpenProcess"));
		} else {
			dwPriorityClass = GetPriorityClass(hProcess);
			if (!dwPriorityClass)
				printError(TEXT("GetPriorityClass"));
			CloseHandle(hProcess);
		}
		_tprintf(TEXT("process %s pid %u parent %u threads %u ")
			 TEXT("base priority %d class 0x%X\n"),
			 pe32.szExeFile, (unsigned)pe32.th32ProcessID,
			 (unsigned)pe32.th32ParentProcessID,
			 (unsigned)pe32.cntThreads, (int)pe32.pcPriClassBase,
			 (unsigned)dwPriorityClass);
		ListProcessModules(pe32.th32ProcessID);
		ListProcessThreads(pe32.th32ProcessID);
	} while (Process32Next(hProcessSnap, &pe32));
	CloseHandle(hProcessSnap);
	return TRUE;
}

int
_tmain(int argc, _TCHAR *argv[])
{
	return GetProcessList(argc > 1 ? argv[1] : NULL) ? 0 : 1;
}
