/*
 * tchar-ansi.c - a Windows tool written with TCHAR and built without
 * UNICODE, as Microsoft's Tool Help samples are, with nothing but
 * "pkg-config --cflags --libs tlhelp32": <windows.h>, <tchar.h>,
 * _tmain, _T, _tprintf, _tcsicmp, lstrcmpi and the Microsoft names
 * glibc lacks.
 *
 * It finds itself by name, case-insensitively, and prints what
 * test-tchar.sh compares; it exits 0 when everything it checks holds.
 */
#include <windows.h>
#include <tlhelp32.h>
#include <tchar.h>

static int failures;

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "tchar-ansi: FAIL: %s\n", what);
		failures++;
	}
}

int
_tmain(int argc, _TCHAR *argv[])
{
	PROCESSENTRY32 pe;
	DWORD self = GetCurrentProcessId();
	TCHAR buf[16], *dup;
	HANDLE snap;
	int found = 0;

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	check(snap != INVALID_HANDLE_VALUE, "CreateToolhelp32Snapshot");
	pe.dwSize = sizeof(pe);
	if (Process32First(snap, &pe)) {
		do {
			if (_tcsicmp(pe.szExeFile, _T("TCHAR-ANSI")) == 0 &&
			    lstrcmpi(pe.szExeFile, TEXT("Tchar-Ansi")) == 0 &&
			    pe.th32ProcessID == self) {
				found++;
				_tprintf(TEXT("%s\n"), pe.szExeFile);
			}
		} while (Process32Next(snap, &pe));
	}
	CloseHandle(snap);
	check(found == 1, "_tcsicmp(pe.szExeFile, _T(\"TCHAR-ANSI\")) finds us");

	check(argc == 2 && _ttoi(argv[1]) == 42, "_ttoi(argv[1])");
	/* Microsoft's _snprintf: no terminator when the text fills it */
	memset(buf, '#', sizeof(buf));
	check(_sntprintf(buf, 4, _T("%d"), 1234) == 4 && buf[4] == '#',
	      "_sntprintf fills without a terminator");
	check(_sntprintf(buf, 4, _T("%d"), 12345) == -1, "_sntprintf: -1");
	dup = _tcsdup(_T("Game.EXE"));
	check(dup && !_tcscmp(_tcsupr(dup), _T("GAME.EXE")), "_tcsupr");
	free(dup);
	check(_tcsnicmp(_T("abcX"), _T("ABCY"), 3) == 0, "_tcsnicmp");
	check(lstrlen(TEXT("four")) == 4, "lstrlen");
	return failures ? 1 : 0;
}
