/*
 * header-windows.c - <windows.h>, <Windows.h>, <TlHelp32.h> and <tchar.h>
 * as Windows code uses them, compiled (not run) by test-headers.sh as C89
 * to C23 and as C++98 to C++17 with -pedantic -Werror: in both wchar_t
 * modes, with and without UNICODE, each header first in turn, before and
 * after the C (and C++) library's headers.
 *
 * TLH_FIRST (1 to 4) picks the header included first, which must bring
 * everything it uses; TLH_LIBC_FIRST puts the C library's headers before
 * ours.  Layouts and constants are pinned with typedefs of arrays whose
 * size is negative when the condition is false; the functions are called
 * with the arguments Windows code passes, so that -Werror turns any type
 * mismatch (a 32-bit L"..." given to WCHAR, a wrong prototype) into a
 * failure.
 */
#ifdef TLH_LIBC_FIRST
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#ifdef __cplusplus
#include <string>
#endif
#endif

#if TLH_FIRST == 1
#include <windows.h>
#elif TLH_FIRST == 2
#include <Windows.h>
#elif TLH_FIRST == 3
#include <TlHelp32.h>
#else
#include <tchar.h>
#endif
#include <windows.h>
#include <Windows.h>
#include <TlHelp32.h>
#include <tlhelp32.h>
#include <tchar.h>

#ifndef TLH_LIBC_FIRST
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#ifdef __cplusplus
#include <string>
#endif
#endif

#include <stddef.h>

#define TLH_ASSERT(name, cond) \
	typedef char tlh_assert_##name[(cond) ? 1 : -1]
#define TLH_AT(name, type, field, off) \
	TLH_ASSERT(name, offsetof(type, field) == (off))

/* --- widths --------------------------------------------------------------- */

TLH_ASSERT(wchar_size, sizeof(WCHAR) == 2);
TLH_ASSERT(wchar_unsigned, (WCHAR)-1 == 0xFFFF);
TLH_ASSERT(word_size, sizeof(WORD) == 2);
TLH_ASSERT(ulong_size, sizeof(ULONG) == 4);
TLH_ASSERT(uint_size, sizeof(UINT) == 4);
TLH_ASSERT(dword64_size, sizeof(DWORD64) == 8);
TLH_ASSERT(dword_ptr_size, sizeof(DWORD_PTR) == sizeof(void *));
TLH_ASSERT(tchar_size, sizeof(TCHAR) == sizeof(_TCHAR));
#ifdef UNICODE
TLH_ASSERT(tchar_wide, sizeof(TCHAR) == 2);
TLH_ASSERT(text_wide, sizeof(TEXT("ab")) == 3 * sizeof(WCHAR));
TLH_ASSERT(t_wide, sizeof(_T("ab")) == 3 * sizeof(WCHAR));
#else
TLH_ASSERT(tchar_narrow, sizeof(TCHAR) == 1);
TLH_ASSERT(text_narrow, sizeof(TEXT("ab")) == 3);
TLH_ASSERT(t_narrow, sizeof(_T("ab")) == 3);
#endif
#if TLHELP32_WCHAR16
/* L"..." is WCHAR text, as on Windows. */
TLH_ASSERT(literal_unit, sizeof(L"ab"[0]) == sizeof(WCHAR));
TLH_ASSERT(literal_unsigned, (wchar_t)-1 > 0);
#else
TLH_ASSERT(literal_unit, sizeof(L"ab"[0]) == 4);
#endif

/* --- constants ------------------------------------------------------------ */

TLH_ASSERT(process_all_access, PROCESS_ALL_ACCESS == 0x1FFFFF);
TLH_ASSERT(process_vm_read, PROCESS_VM_READ == 0x10);
TLH_ASSERT(process_vm_write, PROCESS_VM_WRITE == 0x20);
TLH_ASSERT(process_vm_operation, PROCESS_VM_OPERATION == 0x8);
TLH_ASSERT(process_query, PROCESS_QUERY_INFORMATION == 0x400);
TLH_ASSERT(process_query_limited,
	   PROCESS_QUERY_LIMITED_INFORMATION == 0x1000);
TLH_ASSERT(synchronize, SYNCHRONIZE == 0x100000);
TLH_ASSERT(mem_commit, MEM_COMMIT == 0x1000);
TLH_ASSERT(mem_reserve, MEM_RESERVE == 0x2000);
TLH_ASSERT(mem_free, MEM_FREE == 0x10000);
TLH_ASSERT(mem_private, MEM_PRIVATE == 0x20000);
TLH_ASSERT(mem_mapped, MEM_MAPPED == 0x40000);
TLH_ASSERT(mem_image, MEM_IMAGE == 0x1000000);
TLH_ASSERT(page_noaccess, PAGE_NOACCESS == 0x01);
TLH_ASSERT(page_readonly, PAGE_READONLY == 0x02);
TLH_ASSERT(page_readwrite, PAGE_READWRITE == 0x04);
TLH_ASSERT(page_writecopy, PAGE_WRITECOPY == 0x08);
TLH_ASSERT(page_execute, PAGE_EXECUTE == 0x10);
TLH_ASSERT(page_execute_read, PAGE_EXECUTE_READ == 0x20);
TLH_ASSERT(page_execute_readwrite, PAGE_EXECUTE_READWRITE == 0x40);
TLH_ASSERT(page_execute_writecopy, PAGE_EXECUTE_WRITECOPY == 0x80);
TLH_ASSERT(page_guard, PAGE_GUARD == 0x100);
TLH_ASSERT(normal_priority, NORMAL_PRIORITY_CLASS == 0x20);
TLH_ASSERT(idle_priority, IDLE_PRIORITY_CLASS == 0x40);
TLH_ASSERT(high_priority, HIGH_PRIORITY_CLASS == 0x80);
TLH_ASSERT(realtime_priority, REALTIME_PRIORITY_CLASS == 0x100);
TLH_ASSERT(below_normal_priority, BELOW_NORMAL_PRIORITY_CLASS == 0x4000);
TLH_ASSERT(above_normal_priority, ABOVE_NORMAL_PRIORITY_CLASS == 0x8000);
TLH_ASSERT(error_mr_mid_not_found, ERROR_MR_MID_NOT_FOUND == 317);
TLH_ASSERT(error_invalid_address, ERROR_INVALID_ADDRESS == 487);
TLH_ASSERT(lang_user_default, LANG_USER_DEFAULT == 0x400);
TLH_ASSERT(makelangid, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT) == 0x400);
TLH_ASSERT(makeword, MAKEWORD(0x12, 0x34) == 0x3412);
TLH_ASSERT(makelong, MAKELONG(0x1234, 0x5678) == 0x56781234);
TLH_ASSERT(loword, LOWORD(0x12345678) == 0x5678);
TLH_ASSERT(hiword, HIWORD(0x12345678) == 0x1234);
#if PROCESS_ALL_ACCESS != 0x1FFFFF || MEM_COMMIT != 0x1000 || \
	PAGE_READWRITE != 0x04
#error "a constant is not a preprocessor number"
#endif

/* --- layouts: Win64's on LP64, Win32's on 32-bit -------------------------- */

#ifdef __LP64__
TLH_ASSERT(mbi_size, sizeof(MEMORY_BASIC_INFORMATION) == 48);
TLH_AT(mbi_base, MEMORY_BASIC_INFORMATION, BaseAddress, 0);
TLH_AT(mbi_allocbase, MEMORY_BASIC_INFORMATION, AllocationBase, 8);
TLH_AT(mbi_allocprotect, MEMORY_BASIC_INFORMATION, AllocationProtect, 16);
TLH_AT(mbi_regionsize, MEMORY_BASIC_INFORMATION, RegionSize, 24);
TLH_AT(mbi_state, MEMORY_BASIC_INFORMATION, State, 32);
TLH_AT(mbi_protect, MEMORY_BASIC_INFORMATION, Protect, 36);
TLH_AT(mbi_type, MEMORY_BASIC_INFORMATION, Type, 40);

TLH_ASSERT(si_size, sizeof(SYSTEM_INFO) == 48);
TLH_AT(si_oemid, SYSTEM_INFO, dwOemId, 0);
TLH_AT(si_arch, SYSTEM_INFO, wProcessorArchitecture, 0);
TLH_AT(si_reserved, SYSTEM_INFO, wReserved, 2);
TLH_AT(si_pagesize, SYSTEM_INFO, dwPageSize, 4);
TLH_AT(si_min, SYSTEM_INFO, lpMinimumApplicationAddress, 8);
TLH_AT(si_max, SYSTEM_INFO, lpMaximumApplicationAddress, 16);
TLH_AT(si_mask, SYSTEM_INFO, dwActiveProcessorMask, 24);
TLH_AT(si_ncpu, SYSTEM_INFO, dwNumberOfProcessors, 32);
TLH_AT(si_type, SYSTEM_INFO, dwProcessorType, 36);
TLH_AT(si_gran, SYSTEM_INFO, dwAllocationGranularity, 40);
TLH_AT(si_level, SYSTEM_INFO, wProcessorLevel, 44);
TLH_AT(si_revision, SYSTEM_INFO, wProcessorRevision, 46);
#elif defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ == 4
TLH_ASSERT(mbi_size, sizeof(MEMORY_BASIC_INFORMATION) == 28);
TLH_AT(mbi_base, MEMORY_BASIC_INFORMATION, BaseAddress, 0);
TLH_AT(mbi_allocbase, MEMORY_BASIC_INFORMATION, AllocationBase, 4);
TLH_AT(mbi_allocprotect, MEMORY_BASIC_INFORMATION, AllocationProtect, 8);
TLH_AT(mbi_regionsize, MEMORY_BASIC_INFORMATION, RegionSize, 12);
TLH_AT(mbi_state, MEMORY_BASIC_INFORMATION, State, 16);
TLH_AT(mbi_protect, MEMORY_BASIC_INFORMATION, Protect, 20);
TLH_AT(mbi_type, MEMORY_BASIC_INFORMATION, Type, 24);

TLH_ASSERT(si_size, sizeof(SYSTEM_INFO) == 36);
TLH_AT(si_oemid, SYSTEM_INFO, dwOemId, 0);
TLH_AT(si_arch, SYSTEM_INFO, wProcessorArchitecture, 0);
TLH_AT(si_pagesize, SYSTEM_INFO, dwPageSize, 4);
TLH_AT(si_min, SYSTEM_INFO, lpMinimumApplicationAddress, 8);
TLH_AT(si_max, SYSTEM_INFO, lpMaximumApplicationAddress, 12);
TLH_AT(si_mask, SYSTEM_INFO, dwActiveProcessorMask, 16);
TLH_AT(si_ncpu, SYSTEM_INFO, dwNumberOfProcessors, 20);
TLH_AT(si_type, SYSTEM_INFO, dwProcessorType, 24);
TLH_AT(si_gran, SYSTEM_INFO, dwAllocationGranularity, 28);
TLH_AT(si_level, SYSTEM_INFO, wProcessorLevel, 32);
TLH_AT(si_revision, SYSTEM_INFO, wProcessorRevision, 34);
#else
#error "neither LP64 nor 32-bit: which Windows layout applies?"
#endif

/* --- the functions, called as Windows code calls them --------------------- */

int tlh_use(void);

int
tlh_use(void)
{
	/* Exact prototypes: C++ takes these only for identical types. */
	HANDLE (WINAPI *open_process)(DWORD, BOOL, DWORD) = &OpenProcess;
	BOOL (WINAPI *read_memory)(HANDLE, LPCVOID, LPVOID, SIZE_T,
				   SIZE_T *) = &ReadProcessMemory;
	BOOL (WINAPI *write_memory)(HANDLE, LPVOID, LPCVOID, SIZE_T,
				    SIZE_T *) = &WriteProcessMemory;
	SIZE_T (WINAPI *query)(HANDLE, LPCVOID, PMEMORY_BASIC_INFORMATION,
			       SIZE_T) = &VirtualQueryEx;
	void (WINAPI *system_info)(LPSYSTEM_INFO) = &GetSystemInfo;
	DWORD (WINAPI *format)(DWORD, LPCVOID, DWORD, DWORD, LPSTR, DWORD,
			       va_list *) = &FormatMessageA;
	int (WINAPI *len_a)(LPCSTR) = &lstrlenA;
	int (WINAPI *len_w)(LPCWSTR) = &lstrlenW;
	LPWSTR (WINAPI *cpyn_w)(LPWSTR, LPCWSTR, int) = &lstrcpynW;
	PROCESSENTRY32 pe;
	PROCESSENTRY32W pew;
	TCHAR buf[MAX_PATH];
	_TCHAR tbuf[64];
	WCHAR wbuf[64];
	char nbuf[64];
	LPTSTR dup;
	long l;
	int n = 0;

	pe.dwSize = sizeof(pe);
	pew.dwSize = sizeof(pew);
	pe.szExeFile[0] = 0;
	pew.szExeFile[0] = 0;

	/* kernel32's strings, generic and W. */
	n += lstrlen(TEXT("abc")) + lstrcmpi(pe.szExeFile, TEXT("game.exe"));
	n += lstrcmp(lstrcpy(buf, TEXT("x")), TEXT("x"));
	n += lstrlenW(lstrcatW(lstrcpynW(wbuf, pew.szExeFile, 64),
			       pew.szExeFile));
	n += lstrcmpiW(pew.szExeFile, pew.szExeFile);

	/* tchar.h, as Microsoft's Tool Help samples use it. */
	n += _tprintf(_T("%s %d\n"), pe.szExeFile, n);
	n += _tcscmp(pe.szExeFile, _T("game.exe"));
	n += _tcsicmp(pe.szExeFile, _T("GAME.EXE"));
	n += _tcsncmp(pe.szExeFile, _T("game"), 4);
	n += _tcsnicmp(pe.szExeFile, _T("GAME"), 4);
	n += (int)_tcslen(_tcscpy(tbuf, _T("ab")));
	n += (int)_tcslen(_tcsncpy(tbuf, _T("ab"), 3));
	n += (int)_tcslen(_tcscat(tbuf, _T("cd")));
	n += _tcsrchr(tbuf, '.') != NULL;
	n += _tcsstr(tbuf, _T("bc")) != NULL;
	n += _sntprintf(tbuf, 64, _T("%s"), _T("x"));
	n += _stprintf(tbuf, _T("%d"), 5);
	n += _ttoi(_T("12")) + (int)_tcstol(_T("12"), NULL, 10);
	n += (int)_tcstoul(_T("12"), NULL, 16);
	n += _istdigit((_TUCHAR)tbuf[0]) + _totlower((_TUCHAR)tbuf[0]);
	dup = _tcsdup(pe.szExeFile);
	free(dup);

	/* Microsoft's narrow names. */
	n += _stricmp("a", "A") + _strnicmp("ab", "AB", 2) + _strcmpi("", "");
	n += _snprintf(nbuf, sizeof(nbuf), "%d", n);
	dup = (LPTSTR)_strdup("x");
	free(dup);

	/* WCHAR text: the Microsoft names take it in both modes... */
	n += _wcsicmp(pew.szExeFile, pew.szExeFile);
	n += _wtoi(pew.szExeFile);
	l = _wtol(pew.szExeFile);
	n += (int)l;
	n += _snwprintf(wbuf, 64, pew.szExeFile);
#if TLHELP32_WCHAR16
	/* ...and in the wchar16 mode, everything, with L"..." literals. */
	n += wcscmp(pew.szExeFile, L"game.exe");
	n += wcsncmp(pew.szExeFile, L"game", 4);
	n += (int)wcslen(wcscpy(wbuf, L"game.exe"));
	n += (int)wcslen(wcscat(wbuf, L".bak"));
	n += wcschr(wbuf, L'.') != NULL;
	n += wcsstr(wbuf, L"exe") != NULL;
	n += (int)wcstol(L"42", NULL, 10);
	n += wprintf(L"%s %hs %d\n", pew.szExeFile, "narrow", n);
	n += swprintf(wbuf, 64, L"%s", L"x");
#if defined(__STDC_VERSION__) || __cplusplus >= 201103L
	n += printf("%ls\n", pew.szExeFile);	/* C90 has no %ls */
#endif
	n += (int)wcstombs(nbuf, pew.szExeFile, sizeof(nbuf));
#endif
	(void)open_process;
	(void)read_memory;
	(void)write_memory;
	(void)query;
	(void)system_info;
	(void)format;
	(void)len_a;
	(void)len_w;
	(void)cpyn_w;
	return n;
}

#ifdef __cplusplus
/* The C++ library after the macros: std::wstring and friends compile. */
int tlh_use_cxx(void);

int
tlh_use_cxx(void)
{
	std::string s("x");
	std::wstring w(L"y");

	return (int)(s.size() + w.size());
}
#endif
