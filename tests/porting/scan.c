/*
 * scan.c - a memory scanner's first scan: walk the regions of a process
 * with VirtualQueryEx between the bounds GetSystemInfo gives, read every
 * committed writable region (up to 1 GiB) with ReadProcessMemory, and
 * list the aligned addresses that hold a 32-bit value.
 *
 *   scan PID VALUE      (VALUE hexadecimal)
 */
#include <windows.h>
#include <tlhelp32.h>
#include <tchar.h>

#define CHUNK		65536
/* Like most scanners: regions this large are reservations, not data. */
#define REGION_MAX	((SIZE_T)1 << 30)

static void
printError(LPCTSTR lpszFunction)
{
	LPVOID lpMsgBuf = NULL;
	DWORD dw = GetLastError();

	FormatMessage(FORMAT_MESSAGE_ALLOCATE_BUFFER |
		      FORMAT_MESSAGE_FROM_SYSTEM |
		      FORMAT_MESSAGE_IGNORE_INSERTS, NULL, dw,
		      MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
		      (LPTSTR)&lpMsgBuf, 0, NULL);
	_tprintf(_T("%s failed with error %u: %s"), lpszFunction,
		 (unsigned)dw, lpMsgBuf ? (LPCTSTR)lpMsgBuf : _T("\n"));
	LocalFree(lpMsgBuf);
}

static BOOL
IsWritable(DWORD protect)
{
	if (protect & (PAGE_GUARD | PAGE_NOACCESS))
		return FALSE;
	return (protect & (PAGE_READWRITE | PAGE_WRITECOPY |
			   PAGE_EXECUTE_READWRITE |
			   PAGE_EXECUTE_WRITECOPY)) != 0;
}

int
main(int argc, char *argv[])
{
	MEMORY_BASIC_INFORMATION mbi;
	SYSTEM_INFO si;
	HANDLE hProcess;
	BYTE *buffer, *addr, *end;
	SIZE_T off, len, got, i;
	DWORD pid, value, hits = 0, regions = 0;

	if (argc != 3) {
		_tprintf(_T("usage: scan PID VALUE\n"));
		return 2;
	}
	pid = (DWORD)strtoul(argv[1], NULL, 10);
	value = (DWORD)strtoul(argv[2], NULL, 16);

	ZeroMemory(&si, sizeof(si));
	GetSystemInfo(&si);
	_tprintf(_T("page size %u, addresses %p to %p\n"),
		 (unsigned)si.dwPageSize, si.lpMinimumApplicationAddress,
		 si.lpMaximumApplicationAddress);

	hProcess = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ,
			       FALSE, pid);
	if (hProcess == NULL) {
		printError(_T("OpenProcess"));
		return 1;
	}
	buffer = (BYTE *)malloc(CHUNK);
	if (buffer == NULL) {
		CloseHandle(hProcess);
		return 1;
	}

	addr = (BYTE *)si.lpMinimumApplicationAddress;
	end = (BYTE *)si.lpMaximumApplicationAddress;
	while (addr < end &&
	       VirtualQueryEx(hProcess, addr, &mbi, sizeof(mbi)) != 0) {
		if (mbi.State == MEM_COMMIT && IsWritable(mbi.Protect) &&
		    mbi.RegionSize <= REGION_MAX) {
			regions++;
			for (off = 0; off < mbi.RegionSize; off += CHUNK) {
				len = min(mbi.RegionSize - off, (SIZE_T)CHUNK);
				if (!ReadProcessMemory(hProcess,
						       (BYTE *)mbi.BaseAddress +
							       off,
						       buffer, len, &got))
					continue;
				for (i = 0; i + sizeof(DWORD) <= got;
				     i += sizeof(DWORD)) {
					if (memcmp(buffer + i, &value,
						   sizeof(DWORD)))
						continue;
					_tprintf(_T("found %p\n"),
						 (void *)((BYTE *)
							  mbi.BaseAddress +
							  off + i));
					hits++;
				}
			}
		}
		addr = (BYTE *)mbi.BaseAddress + mbi.RegionSize;
	}
	_tprintf(_T("%u hits in %u writable regions\n"), (unsigned)hits,
		 (unsigned)regions);
	free(buffer);
	CloseHandle(hProcess);
	return hits ? 0 : 1;
}
