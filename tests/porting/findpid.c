/*
 * findpid.c - a process's id from its executable's name, the helper at
 * the top of every trainer.  Windows compares names without regard to
 * case, and so does this.  Generic text: it builds as ANSI, and with
 * UNICODE and _UNICODE as Unicode.
 *
 *   findpid NAME...
 */
#include <windows.h>
#include <tlhelp32.h>
#include <tchar.h>

static void
printError(const TCHAR *func)
{
	DWORD err = GetLastError();
	LPTSTR msg = NULL;

	FormatMessage(FORMAT_MESSAGE_ALLOCATE_BUFFER |
		      FORMAT_MESSAGE_FROM_SYSTEM |
		      FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err,
		      MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
		      (LPTSTR)&msg, 0, NULL);
	_tprintf(_T("%s: error %u: %s"), func, (unsigned)err,
		 msg ? msg : _T("(no text)\n"));
	LocalFree(msg);
}

/* Print every process that runs procName; how many there were. */
static int
PrintProcIds(const TCHAR *procName)
{
	PROCESSENTRY32 procEntry;
	HANDLE hSnap;
	int found = 0;

	hSnap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	if (hSnap == INVALID_HANDLE_VALUE) {
		printError(_T("CreateToolhelp32Snapshot"));
		return -1;
	}
	procEntry.dwSize = sizeof(procEntry);
	if (Process32First(hSnap, &procEntry)) {
		do {
			if (!_tcsicmp(procEntry.szExeFile, procName)) {
				_tprintf(_T("%s %u\n"), procEntry.szExeFile,
					 (unsigned)procEntry.th32ProcessID);
				found++;
			}
		} while (Process32Next(hSnap, &procEntry));
	}
	if (GetLastError() != ERROR_NO_MORE_FILES) {
		printError(_T("Process32Next"));
		found = -1;
	}
	CloseHandle(hSnap);
	return found;
}

int
_tmain(int argc, _TCHAR *argv[])
{
	int i, status = 0;

	if (argc < 2) {
		_tprintf(_T("usage: findpid NAME...\n"));
		return 2;
	}
	for (i = 1; i < argc; i++)
		if (PrintProcIds(argv[i]) <= 0)
			status = 1;
	return status;
}
