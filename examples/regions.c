/*
 * regions.c - walk the memory of a process region by region with
 * VirtualQueryEx, the loop every memory scanner starts with, and print
 * each region's base, size, state, protection and type.
 *
 *   regions [PID]       (without PID: this process)
 *
 * Plain Win32 code: it builds unchanged on Windows, and on Linux with
 *   cc regions.c $(pkg-config --cflags --libs tlhelp32)
 */
#include <windows.h>
#include <tlhelp32.h>
#include <tchar.h>

/* Say what failed, with the system's text for the last error. */
static void
printError(const TCHAR *what)
{
	DWORD code = GetLastError();
	LPTSTR text = NULL;

	/* The system allocates the text; LocalFree releases it. */
	if (FormatMessage(FORMAT_MESSAGE_ALLOCATE_BUFFER |
			  FORMAT_MESSAGE_FROM_SYSTEM |
			  FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code,
			  MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
			  (LPTSTR)&text, 0, NULL) == 0) {
		_tprintf(_T("%s failed with error %lu\n"), what,
			 (unsigned long)code);
		return;
	}
	/* The text already ends in CR LF. */
	_tprintf(_T("%s failed with error %lu: %s"), what,
		 (unsigned long)code, text);
	LocalFree(text);
}

static const TCHAR *
stateName(DWORD state)
{
	switch (state) {
	case MEM_COMMIT:	return _T("commit");
	case MEM_RESERVE:	return _T("reserve");
	case MEM_FREE:		return _T("free");
	default:		return _T("?");
	}
}

static const TCHAR *
typeName(DWORD type)
{
	switch (type) {
	case MEM_IMAGE:		return _T("image");
	case MEM_MAPPED:	return _T("mapped");
	case MEM_PRIVATE:	return _T("private");
	case 0:			return _T("-");
	default:		return _T("?");
	}
}

/* The protection as Windows names it, without PAGE_ and the modifiers. */
static const TCHAR *
protectName(DWORD protect)
{
	switch (protect & 0xff) {
	case 0:				return _T("-");
	case PAGE_NOACCESS:		return _T("NOACCESS");
	case PAGE_READONLY:		return _T("READONLY");
	case PAGE_READWRITE:		return _T("READWRITE");
	case PAGE_WRITECOPY:		return _T("WRITECOPY");
	case PAGE_EXECUTE:		return _T("EXECUTE");
	case PAGE_EXECUTE_READ:		return _T("EXECUTE_READ");
	case PAGE_EXECUTE_READWRITE:	return _T("EXECUTE_READWRITE");
	case PAGE_EXECUTE_WRITECOPY:	return _T("EXECUTE_WRITECOPY");
	default:			return _T("?");
	}
}

int
main(int argc, char *argv[])
{
	MEMORY_BASIC_INFORMATION mbi;
	SYSTEM_INFO si;
	HANDLE hProcess;
	BYTE *p;
	DWORD pid;
	SIZE_T committed = 0;
	unsigned long count = 0;

	if (argc > 2) {
		_tprintf(_T("usage: %s [PID]\n"), argv[0]);
		return 2;
	}
	if (argc == 2) {
		pid = (DWORD)strtoul(argv[1], NULL, 10);
		hProcess = OpenProcess(PROCESS_QUERY_INFORMATION |
				       PROCESS_VM_READ, FALSE, pid);
		if (hProcess == NULL) {
			printError(_T("OpenProcess"));
			return 1;
		}
	} else {
		pid = GetCurrentProcessId();
		hProcess = GetCurrentProcess();
	}

	GetSystemInfo(&si);
	_tprintf(_T("process %lu, user addresses 0x%llx to 0x%llx, ")
		 _T("pages of %lu bytes\n"), (unsigned long)pid,
		 (unsigned long long)(ULONG_PTR)si.lpMinimumApplicationAddress,
		 (unsigned long long)(ULONG_PTR)si.lpMaximumApplicationAddress,
		 (unsigned long)si.dwPageSize);
	_tprintf(_T("%-16s %12s %-8s %-23s %s\n"), _T("BASE"), _T("SIZE"),
		 _T("STATE"), _T("PROTECT"), _T("TYPE"));

	/* From address 0 to the end of user space, one region at a time. */
	p = NULL;
	while (VirtualQueryEx(hProcess, p, &mbi, sizeof(mbi)) ==
	       sizeof(mbi)) {
		_tprintf(_T("%016llx %12llx %-8s %-17s%-6s %s\n"),
			 (unsigned long long)(ULONG_PTR)mbi.BaseAddress,
			 (unsigned long long)mbi.RegionSize,
			 stateName(mbi.State), protectName(mbi.Protect),
			 (mbi.Protect & PAGE_GUARD) ? _T("+GUARD") : _T(""),
			 typeName(mbi.Type));
		if (mbi.State == MEM_COMMIT)
			committed += mbi.RegionSize;
		count++;
		p = (BYTE *)mbi.BaseAddress + mbi.RegionSize;
	}
	/* The walk ends past the highest user address: 87.  Anything else
	 * is a failure. */
	if (GetLastError() != ERROR_INVALID_PARAMETER) {
		printError(_T("VirtualQueryEx"));
		CloseHandle(hProcess);
		return 1;
	}
	_tprintf(_T("%lu regions, %llu bytes committed\n"), count,
		 (unsigned long long)committed);
	/* For the pseudo-handle this does nothing, as on Windows. */
	CloseHandle(hProcess);
	return 0;
}
