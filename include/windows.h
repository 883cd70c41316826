/*
 * windows.h - the part of the Windows API that tools built around Tool
 * Help use, for Linux (libtlhelp32).
 *
 * A Windows tool that finds, opens, reads, writes and queries another
 * process starts with #include <windows.h>.  This header gives such code
 * what it relies on: the Windows base types (with their Windows widths),
 * the constants and macros it uses, every function libtlhelp32 implements
 * (Tool Help included: <tlhelp32.h> is brought in), and the C library
 * headers <windows.h> brings in on Windows, and through <tlhelp32_crt.h>
 * the C runtime's text functions Windows code calls.  It declares nothing
 * the library does not implement: a program that needs more fails to
 * compile with the missing name in the message, rather than failing at
 * link or run time.  windows.h(7) lists exactly what is here.
 *
 * Windows' wchar_t is 16 bits wide and glibc's 32: see <tlhelp32_crt.h>
 * for the two modes that follow, and UNICODE below.
 *
 * Self-contained beside the C library's headers; compiles as C89 to C23
 * and as C++ with -Wall -Wextra -pedantic.
 */
#ifndef TLHELP32_WINDOWS_H
#define TLHELP32_WINDOWS_H

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tlhelp32.h"
#include "tlhelp32_crt.h"

/*
 * UNICODE makes TCHAR WCHAR and TEXT("...") L"...": a 32-bit wchar_t
 * literal where WCHAR is 16 bits wide, unless wchar_t is 16 bits wide too.
 */
#if defined(UNICODE) && !TLHELP32_WCHAR16
#error "UNICODE needs a 16-bit wchar_t, as on Windows: build with the tlhelp32-wchar16 pkg-config module (-fshort-wchar), see windows.h(7)"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* --- calling conventions and annotations: nothing on Linux ---------------- */

#ifndef WINAPI
#define WINAPI
#endif
#ifndef APIENTRY
#define APIENTRY
#endif
#ifndef CALLBACK
#define CALLBACK
#endif
#ifndef __stdcall
#define __stdcall
#endif
#ifndef __cdecl
#define __cdecl
#endif
#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif
#ifndef CONST
#define CONST const
#endif
#ifndef VOID
#define VOID void
#endif
#ifndef FAR
#define FAR
#endif
#ifndef NEAR
#define NEAR
#endif

/* --- base types beyond <tlhelp32.h>'s, with Windows (LLP64) widths -------- */

typedef uint16_t WORD;
typedef uint32_t ULONG;
typedef uint32_t UINT;
typedef int32_t INT;
typedef int16_t SHORT;
typedef uint16_t USHORT;
typedef unsigned char UCHAR;
typedef uint8_t BOOLEAN;
typedef float FLOAT;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG;
typedef uint64_t DWORDLONG;
typedef uint64_t DWORD64;
typedef uint32_t DWORD32;
typedef int8_t INT8;
typedef uint8_t UINT8;
typedef int16_t INT16;
typedef uint16_t UINT16;
typedef int32_t INT32;
typedef uint32_t UINT32;
typedef int64_t INT64;
typedef uint64_t UINT64;
typedef intptr_t INT_PTR;
typedef uintptr_t UINT_PTR;
typedef intptr_t LONG_PTR;
typedef uintptr_t DWORD_PTR;
typedef intptr_t SSIZE_T;

typedef void *PVOID;
typedef BYTE *PBYTE, *LPBYTE;
typedef WORD *PWORD, *LPWORD;
typedef DWORD *PDWORD;
typedef LONG *PLONG, *LPLONG;
typedef ULONG *PULONG;
typedef UINT *PUINT;
typedef INT *PINT, *LPINT;
typedef BOOL *PBOOL, *LPBOOL;
typedef SIZE_T *PSIZE_T;
typedef ULONG_PTR *PULONG_PTR;
typedef DWORD_PTR *PDWORD_PTR;
typedef HANDLE *PHANDLE, *LPHANDLE;
typedef CHAR *PCHAR;
typedef WCHAR *PWCHAR;
typedef CHAR *LPSTR, *PSTR;
typedef const CHAR *LPCSTR, *PCSTR;
typedef WCHAR *LPWSTR, *PWSTR;
typedef const WCHAR *LPCWSTR, *PCWSTR;

typedef void *HINSTANCE;
typedef void *HLOCAL;

/* TCHAR and its strings: WCHAR with UNICODE, CHAR without. */
#ifdef UNICODE
typedef WCHAR TCHAR;
#else
typedef CHAR TCHAR;
#endif
typedef TCHAR *LPTSTR, *PTSTR;
typedef const TCHAR *LPCTSTR, *PCTSTR;

/* TEXT("...") is a TCHAR string. */
#define TLHELP32_WIDE(q)	L##q
#ifdef UNICODE
#define TEXT(q)		TLHELP32_WIDE(q)
#else
#define TEXT(q)		q
#endif

/* --- macros --------------------------------------------------------------- */

#define MAKEWORD(lo, hi) \
	((WORD)(((BYTE)((DWORD_PTR)(lo) & 0xff)) | \
		((WORD)((BYTE)((DWORD_PTR)(hi) & 0xff))) << 8))
#define MAKELONG(lo, hi) \
	((LONG)(((WORD)((DWORD_PTR)(lo) & 0xffff)) | \
		((DWORD)((WORD)((DWORD_PTR)(hi) & 0xffff))) << 16))
#define LOWORD(l)	((WORD)((DWORD_PTR)(l) & 0xffff))
#define HIWORD(l)	((WORD)(((DWORD_PTR)(l) >> 16) & 0xffff))
#define LOBYTE(w)	((BYTE)((DWORD_PTR)(w) & 0xff))
#define HIBYTE(w)	((BYTE)(((DWORD_PTR)(w) >> 8) & 0xff))

#define ZeroMemory(dst, len)		memset((dst), 0, (len))
#define FillMemory(dst, len, fill)	memset((dst), (fill), (len))
#define CopyMemory(dst, src, len)	memcpy((dst), (src), (len))
#define MoveMemory(dst, src, len)	memmove((dst), (src), (len))

/* As on Windows, C code gets min() and max() unless NOMINMAX. */
#if !defined(__cplusplus) && !defined(NOMINMAX)
#ifndef min
#define min(a, b)	(((a) < (b)) ? (a) : (b))
#endif
#ifndef max
#define max(a, b)	(((a) > (b)) ? (a) : (b))
#endif
#endif

/* --- error codes beyond <tlhelp32.h>'s ------------------------------------ */

#define NO_ERROR			0
#define ERROR_NO_WORK_DONE		235
#define ERROR_MR_MID_NOT_FOUND		317
#define ERROR_INVALID_ADDRESS		487
#define ERROR_RESOURCE_TYPE_NOT_FOUND	1813
#define ERROR_RESOURCE_LANG_NOT_FOUND	1815
#define ERROR_MUI_FILE_NOT_FOUND	15100

/* --- languages, for FormatMessage ----------------------------------------- */

#define LANG_NEUTRAL		0x00
#define LANG_ENGLISH		0x09
#define SUBLANG_NEUTRAL		0x00
#define SUBLANG_DEFAULT		0x01
#define SUBLANG_SYS_DEFAULT	0x02
#define SUBLANG_ENGLISH_US	0x01
#define MAKELANGID(p, s)	((((WORD)(s)) << 10) | (WORD)(p))
#define PRIMARYLANGID(l)	((WORD)(l) & 0x3ff)
#define SUBLANGID(l)		((WORD)(l) >> 10)
#define LANG_SYSTEM_DEFAULT	MAKELANGID(LANG_NEUTRAL, SUBLANG_SYS_DEFAULT)
#define LANG_USER_DEFAULT	MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT)

#define FORMAT_MESSAGE_ALLOCATE_BUFFER	0x00000100
#define FORMAT_MESSAGE_IGNORE_INSERTS	0x00000200
#define FORMAT_MESSAGE_FROM_STRING	0x00000400
#define FORMAT_MESSAGE_FROM_HMODULE	0x00000800
#define FORMAT_MESSAGE_FROM_SYSTEM	0x00001000
#define FORMAT_MESSAGE_ARGUMENT_ARRAY	0x00002000
#define FORMAT_MESSAGE_MAX_WIDTH_MASK	0x000000FF

/* --- process access rights ------------------------------------------------ */

#define DELETE				0x00010000
#define READ_CONTROL			0x00020000
#define WRITE_DAC			0x00040000
#define WRITE_OWNER			0x00080000
#define SYNCHRONIZE			0x00100000
#define STANDARD_RIGHTS_REQUIRED	0x000F0000
#define STANDARD_RIGHTS_READ		READ_CONTROL
#define STANDARD_RIGHTS_WRITE		READ_CONTROL
#define STANDARD_RIGHTS_EXECUTE		READ_CONTROL
#define STANDARD_RIGHTS_ALL		0x001F0000
#define MAXIMUM_ALLOWED			0x02000000
#define GENERIC_READ			0x80000000
#define GENERIC_WRITE			0x40000000
#define GENERIC_EXECUTE			0x20000000
#define GENERIC_ALL			0x10000000

#define PROCESS_TERMINATE			0x0001
#define PROCESS_CREATE_THREAD			0x0002
#define PROCESS_SET_SESSIONID			0x0004
#define PROCESS_VM_OPERATION			0x0008
#define PROCESS_VM_READ				0x0010
#define PROCESS_VM_WRITE			0x0020
#define PROCESS_DUP_HANDLE			0x0040
#define PROCESS_CREATE_PROCESS			0x0080
#define PROCESS_SET_QUOTA			0x0100
#define PROCESS_SET_INFORMATION			0x0200
#define PROCESS_QUERY_INFORMATION		0x0400
#define PROCESS_SUSPEND_RESUME			0x0800
#define PROCESS_QUERY_LIMITED_INFORMATION	0x1000
#define PROCESS_SET_LIMITED_INFORMATION		0x2000
#define PROCESS_ALL_ACCESS \
	(STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF)

/* --- priority classes ----------------------------------------------------- */

#define NORMAL_PRIORITY_CLASS		0x00000020
#define IDLE_PRIORITY_CLASS		0x00000040
#define HIGH_PRIORITY_CLASS		0x00000080
#define REALTIME_PRIORITY_CLASS		0x00000100
#define BELOW_NORMAL_PRIORITY_CLASS	0x00004000
#define ABOVE_NORMAL_PRIORITY_CLASS	0x00008000

/* --- virtual memory ------------------------------------------------------- */

#define MEM_COMMIT	0x00001000
#define MEM_RESERVE	0x00002000
#define MEM_FREE	0x00010000
#define MEM_PRIVATE	0x00020000
#define MEM_MAPPED	0x00040000
#define MEM_IMAGE	0x01000000

#define PAGE_NOACCESS		0x01
#define PAGE_READONLY		0x02
#define PAGE_READWRITE		0x04
#define PAGE_WRITECOPY		0x08
#define PAGE_EXECUTE		0x10
#define PAGE_EXECUTE_READ	0x20
#define PAGE_EXECUTE_READWRITE	0x40
#define PAGE_EXECUTE_WRITECOPY	0x80
#define PAGE_GUARD		0x100
#define PAGE_NOCACHE		0x200
#define PAGE_WRITECOMBINE	0x400

typedef struct _MEMORY_BASIC_INFORMATION {
	PVOID BaseAddress;
	PVOID AllocationBase;
	DWORD AllocationProtect;
#if UINTPTR_MAX > 0xFFFFFFFFu
	WORD PartitionId;
#endif
	SIZE_T RegionSize;
	DWORD State;
	DWORD Protect;
	DWORD Type;
} MEMORY_BASIC_INFORMATION, *PMEMORY_BASIC_INFORMATION,
  *LPMEMORY_BASIC_INFORMATION;

/* --- system information --------------------------------------------------- */

#define PROCESSOR_ARCHITECTURE_INTEL	0
#define PROCESSOR_ARCHITECTURE_ARM	5
#define PROCESSOR_ARCHITECTURE_IA64	6
#define PROCESSOR_ARCHITECTURE_AMD64	9
#define PROCESSOR_ARCHITECTURE_ARM64	12
#define PROCESSOR_ARCHITECTURE_UNKNOWN	0xFFFF

#define PROCESSOR_INTEL_386	386
#define PROCESSOR_INTEL_486	486
#define PROCESSOR_INTEL_PENTIUM	586
#define PROCESSOR_AMD_X8664	8664

/* The anonymous union and struct are C11 (C++ has only the union);
 * __extension__ lets GCC and Clang take them with -pedantic anywhere. */
#if defined(__GNUC__) && (defined(__cplusplus) || \
	!defined(__STDC_VERSION__) || __STDC_VERSION__ < 201112L)
#define TLHELP32_ANON __extension__
#else
#define TLHELP32_ANON
#endif

typedef struct _SYSTEM_INFO {
	TLHELP32_ANON union {
		DWORD dwOemId;
		TLHELP32_ANON struct {
			WORD wProcessorArchitecture;
			WORD wReserved;
		};
	};
	DWORD dwPageSize;
	LPVOID lpMinimumApplicationAddress;
	LPVOID lpMaximumApplicationAddress;
	DWORD_PTR dwActiveProcessorMask;
	DWORD dwNumberOfProcessors;
	DWORD dwProcessorType;
	DWORD dwAllocationGranularity;
	WORD wProcessorLevel;
	WORD wProcessorRevision;
} SYSTEM_INFO, *LPSYSTEM_INFO;

/* --- functions ------------------------------------------------------------ */

/* Processes: see OpenProcess(3). */
HANDLE WINAPI OpenProcess(DWORD dwDesiredAccess, BOOL bInheritHandle,
			  DWORD dwProcessId);
HANDLE WINAPI GetCurrentProcess(void);
DWORD WINAPI GetCurrentProcessId(void);
DWORD WINAPI GetCurrentThreadId(void);
DWORD WINAPI GetProcessId(HANDLE Process);
DWORD WINAPI GetPriorityClass(HANDLE hProcess);

/* Their memory: see ReadProcessMemory(3), WriteProcessMemory(3),
 * VirtualQueryEx(3). */
BOOL WINAPI ReadProcessMemory(HANDLE hProcess, LPCVOID lpBaseAddress,
			      LPVOID lpBuffer, SIZE_T nSize,
			      SIZE_T *lpNumberOfBytesRead);
BOOL WINAPI WriteProcessMemory(HANDLE hProcess, LPVOID lpBaseAddress,
			       LPCVOID lpBuffer, SIZE_T nSize,
			       SIZE_T *lpNumberOfBytesWritten);
SIZE_T WINAPI VirtualQueryEx(HANDLE hProcess, LPCVOID lpAddress,
			     PMEMORY_BASIC_INFORMATION lpBuffer,
			     SIZE_T dwLength);
SIZE_T WINAPI VirtualQuery(LPCVOID lpAddress,
			   PMEMORY_BASIC_INFORMATION lpBuffer,
			   SIZE_T dwLength);

/* See GetSystemInfo(3). */
void WINAPI GetSystemInfo(LPSYSTEM_INFO lpSystemInfo);

/* Error texts: see FormatMessage(3). */
DWORD WINAPI FormatMessageA(DWORD dwFlags, LPCVOID lpSource,
			    DWORD dwMessageId, DWORD dwLanguageId,
			    LPSTR lpBuffer, DWORD nSize, va_list *Arguments);
DWORD WINAPI FormatMessageW(DWORD dwFlags, LPCVOID lpSource,
			    DWORD dwMessageId, DWORD dwLanguageId,
			    LPWSTR lpBuffer, DWORD nSize, va_list *Arguments);
HLOCAL WINAPI LocalFree(HLOCAL hMem);

/*
 * Strings, as kernel32 has them: see lstrlenA(3).  The W forms take
 * WCHAR strings in both modes.
 */
int WINAPI lstrlenA(LPCSTR lpString);
int WINAPI lstrlenW(LPCWSTR lpString);
int WINAPI lstrcmpA(LPCSTR lpString1, LPCSTR lpString2);
int WINAPI lstrcmpW(LPCWSTR lpString1, LPCWSTR lpString2);
int WINAPI lstrcmpiA(LPCSTR lpString1, LPCSTR lpString2);
int WINAPI lstrcmpiW(LPCWSTR lpString1, LPCWSTR lpString2);
LPSTR WINAPI lstrcpyA(LPSTR lpString1, LPCSTR lpString2);
LPWSTR WINAPI lstrcpyW(LPWSTR lpString1, LPCWSTR lpString2);
LPSTR WINAPI lstrcpynA(LPSTR lpString1, LPCSTR lpString2, int iMaxLength);
LPWSTR WINAPI lstrcpynW(LPWSTR lpString1, LPCWSTR lpString2,
			int iMaxLength);
LPSTR WINAPI lstrcatA(LPSTR lpString1, LPCSTR lpString2);
LPWSTR WINAPI lstrcatW(LPWSTR lpString1, LPCWSTR lpString2);

#ifdef UNICODE
#define FormatMessage	FormatMessageW
#define lstrlen		lstrlenW
#define lstrcmp		lstrcmpW
#define lstrcmpi	lstrcmpiW
#define lstrcpy		lstrcpyW
#define lstrcpyn	lstrcpynW
#define lstrcat		lstrcatW
#else
#define FormatMessage	FormatMessageA
#define lstrlen		lstrlenA
#define lstrcmp		lstrcmpA
#define lstrcmpi	lstrcmpiA
#define lstrcpy		lstrcpyA
#define lstrcpyn	lstrcpynA
#define lstrcat		lstrcatA
#endif

#ifdef __cplusplus
}
#endif

#endif /* TLHELP32_WINDOWS_H */
