/*
 * wchar16-self.c - a Windows tool written for Unicode, built as a user
 * builds it with "pkg-config --cflags --libs tlhelp32-wchar16" and
 * UNICODE and _UNICODE defined: L"..." literals, _tmain, TCHAR, and the C
 * library's wide names as Windows has them.
 *
 * It walks the process list with Process32First/Next (the W forms), finds
 * itself with wcscmp(pe.szExeFile, L"wchar16-self"), and prints what
 * test-tchar.sh compares: its name with _tprintf(TEXT("%s\n")), its first
 * argument (which wmain got as UTF-16) and a line of the narrow printf
 * with %ls.  It exits 0 when everything it checks itself holds.
 */
#ifndef UNICODE
#error "built without UNICODE"
#endif
#include <windows.h>
#include <tlhelp32.h>
#include <tchar.h>

static int failures;

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "wchar16-self: FAIL: %s\n", what);
		failures++;
	}
}

int
_tmain(int argc, _TCHAR *argv[])
{
	PROCESSENTRY32 pe;	/* PROCESSENTRY32W */
	DWORD self = GetCurrentProcessId();
	TCHAR line[MAX_PATH + 32], *dup;
	char narrow[MAX_PATH * 3];
	HANDLE snap;
	int found = 0;
	BOOL ok;

	check(sizeof(L"x"[0]) == sizeof(WCHAR), "L\"...\" is WCHAR text");
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	check(snap != INVALID_HANDLE_VALUE, "CreateToolhelp32Snapshot");
	pe.dwSize = sizeof(pe);
	for (ok = Process32First(snap, &pe); ok;
	     ok = Process32Next(snap, &pe)) {
		if (wcscmp(pe.szExeFile, L"wchar16-self") != 0)
			continue;
		if (pe.th32ProcessID == self) {
			found++;
			_tprintf(TEXT("%s\n"), pe.szExeFile);
		}
	}
	CloseHandle(snap);
	check(found == 1, "wcscmp(pe.szExeFile, L\"wchar16-self\") finds us");

	/* the argument, converted by the wmain glue */
	check(argc == 2, "one argument");
	if (argc == 2)
		_tprintf(_T("argv[1] %s, %u units\n"), argv[1],
			 (unsigned)_tcslen(argv[1]));

	/* the C and Microsoft wide names, on WCHAR text */
	check(_tcsicmp(L"WCHAR16-Self", L"wchar16-self") == 0, "_tcsicmp");
	check(_wcsicmp(L"GAME.EXE", L"game.exe") == 0, "_wcsicmp");
	check(wcslen(L"\u00e9\U0001D11E") == 3, "wcslen counts units");
	check(wcsstr(L"a.exe", L".exe") != NULL, "wcsstr");
	check(wcstol(L"0x10", NULL, 0) == 16, "wcstol");
	check(_stprintf(line, _T("%s|%hs|%d"), L"w", "n", 5) == 5 &&
	      !wcscmp(line, L"w|n|5"), "_stprintf");
	check(swprintf(line, MAX_PATH, L"%5.2s|%c", L"\u00e9t\u00e9", L'x') ==
	      7 && !wcscmp(line, L"   \u00e9t|x"), "swprintf");
	check(wcstombs(narrow, L"\u00e9", sizeof(narrow)) == 2 &&
	      !strcmp(narrow, "\xc3\xa9"), "wcstombs");
	dup = _tcsdup(_T("Mixed.EXE"));
	check(dup && !_tcscmp(_tcslwr(dup), _T("mixed.exe")), "_tcslwr");
	free(dup);
	check(lstrcmpi(TEXT("A.EXE"), TEXT("a.exe")) == 0, "lstrcmpi");

	/* the narrow printf reads %ls as WCHAR text */
	printf("narrow %ls %d\n", L"\u00e9t\u00e9", 2);
	fflush(stdout);
	return failures ? 1 : 0;
}
