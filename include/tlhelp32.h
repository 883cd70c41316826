/*
 * tlhelp32.h - the Windows Tool Help API for Linux (libtlhelp32)
 *
 * Declares the Tool Help functions with the types, widths and constants a
 * Windows program expects, so that code written against <tlhelp32.h> builds
 * unchanged.  Self-contained: it needs only the C standard headers and
 * compiles as C89, C99, C11 and C++.
 *
 * The Windows base types keep their Windows (LLP64) widths on LP64 Linux:
 * DWORD and LONG are 32 bits, WCHAR is a 16-bit UTF-16 code unit.
 *
 * WCHAR is uint16_t, unless the compiler's wchar_t is 16 bits wide, as on
 * Windows (-fshort-wchar, which "pkg-config tlhelp32-wchar16" adds): then
 * WCHAR is wchar_t, L"..." literals are WCHAR strings, and this header
 * brings in <tlhelp32_crt.h>, which replaces the C library's wide-string
 * functions, written for its 32-bit wchar_t, with 16-bit ones.
 */
#ifndef TLHELP32_H
#define TLHELP32_H

#include <stddef.h>
#include <stdint.h>

#include "tlhelp32_version.h"

/* -DTLHELP32_PREFIX: this library's functions by their tlhelp32_ names. */
#ifdef TLHELP32_PREFIX
#include "tlhelp32_prefix.h"
#endif

/* TLHELP32_WCHAR16: 1 when wchar_t is 16 bits wide (the wchar16 mode). */
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
#define TLHELP32_WCHAR16 1
#if !defined(WCHAR_MAX) || WCHAR_MAX != 0xffff
#error "-fshort-wchar (tlhelp32-wchar16) needs a C library whose wchar_t follows the compiler's (glibc); this one's stays 32 bits wide"
#endif
#else
#define TLHELP32_WCHAR16 0
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WINAPI
#define WINAPI
#endif

#ifndef TLHELP32_BASE_TYPES
#define TLHELP32_BASE_TYPES
typedef uint32_t DWORD;
typedef int32_t LONG;
typedef int BOOL;
typedef uint8_t BYTE;
typedef char CHAR;
#if TLHELP32_WCHAR16
typedef wchar_t WCHAR;
#else
typedef uint16_t WCHAR;
#endif
typedef size_t SIZE_T;
typedef uintptr_t ULONG_PTR;
typedef void *HANDLE;
typedef void *HMODULE;
typedef void *LPVOID;
typedef const void *LPCVOID;
typedef DWORD *LPDWORD;
#endif

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

#ifndef MAX_PATH
#define MAX_PATH 260
#endif

/* GetLastError() codes the library sets. */
#define ERROR_SUCCESS			0
#define ERROR_TOO_MANY_OPEN_FILES	4
#define ERROR_ACCESS_DENIED		5
#define ERROR_INVALID_HANDLE		6
#define ERROR_NOT_ENOUGH_MEMORY		8
#define ERROR_INVALID_DATA		13
#define ERROR_NO_MORE_FILES		18
#define ERROR_BAD_LENGTH		24
#define ERROR_GEN_FAILURE		31
#define ERROR_NOT_SUPPORTED		50
#define ERROR_INVALID_PARAMETER		87
#define ERROR_CALL_NOT_IMPLEMENTED	120
#define ERROR_INSUFFICIENT_BUFFER	122
#define ERROR_PARTIAL_COPY		299
#define ERROR_NOACCESS			998

#ifndef INVALID_HANDLE_VALUE
#define INVALID_HANDLE_VALUE ((HANDLE)(intptr_t)-1)
#endif

#define MAX_MODULE_NAME32	255

/* CreateToolhelp32Snapshot() flags. */
#define TH32CS_SNAPHEAPLIST	0x00000001
#define TH32CS_SNAPPROCESS	0x00000002
#define TH32CS_SNAPTHREAD	0x00000004
#define TH32CS_SNAPMODULE	0x00000008
#define TH32CS_SNAPMODULE32	0x00000010
#define TH32CS_SNAPALL		(TH32CS_SNAPHEAPLIST | TH32CS_SNAPPROCESS | \
				 TH32CS_SNAPTHREAD | TH32CS_SNAPMODULE)
#define TH32CS_INHERIT		0x80000000

/* HEAPLIST32.dwFlags and HEAPENTRY32.dwFlags. */
#define HF32_DEFAULT		1
#define HF32_SHARED		2
#define LF32_FIXED		0x00000001
#define LF32_FREE		0x00000002
#define LF32_MOVEABLE		0x00000004

typedef struct tagPROCESSENTRY32W {
	DWORD dwSize;
	DWORD cntUsage;
	DWORD th32ProcessID;
	ULONG_PTR th32DefaultHeapID;
	DWORD th32ModuleID;
	DWORD cntThreads;
	DWORD th32ParentProcessID;
	LONG pcPriClassBase;
	DWORD dwFlags;
	WCHAR szExeFile[MAX_PATH];
} PROCESSENTRY32W, *PPROCESSENTRY32W, *LPPROCESSENTRY32W;

typedef struct tagPROCESSENTRY32 {
	DWORD dwSize;
	DWORD cntUsage;
	DWORD th32ProcessID;
	ULONG_PTR th32DefaultHeapID;
	DWORD th32ModuleID;
	DWORD cntThreads;
	DWORD th32ParentProcessID;
	LONG pcPriClassBase;
	DWORD dwFlags;
	CHAR szExeFile[MAX_PATH];
} PROCESSENTRY32, *PPROCESSENTRY32, *LPPROCESSENTRY32;

typedef struct tagTHREADENTRY32 {
	DWORD dwSize;
	DWORD cntUsage;
	DWORD th32ThreadID;
	DWORD th32OwnerProcessID;
	LONG tpBasePri;
	LONG tpDeltaPri;
	DWORD dwFlags;
} THREADENTRY32, *PTHREADENTRY32, *LPTHREADENTRY32;

typedef struct tagMODULEENTRY32W {
	DWORD dwSize;
	DWORD th32ModuleID;
	DWORD th32ProcessID;
	DWORD GlblcntUsage;
	DWORD ProccntUsage;
	BYTE *modBaseAddr;
	DWORD modBaseSize;
	HMODULE hModule;
	WCHAR szModule[MAX_MODULE_NAME32 + 1];
	WCHAR szExePath[MAX_PATH];
} MODULEENTRY32W, *PMODULEENTRY32W, *LPMODULEENTRY32W;

typedef struct tagMODULEENTRY32 {
	DWORD dwSize;
	DWORD th32ModuleID;
	DWORD th32ProcessID;
	DWORD GlblcntUsage;
	DWORD ProccntUsage;
	BYTE *modBaseAddr;
	DWORD modBaseSize;
	HMODULE hModule;
	CHAR szModule[MAX_MODULE_NAME32 + 1];
	CHAR szExePath[MAX_PATH];
} MODULEENTRY32, *PMODULEENTRY32, *LPMODULEENTRY32;

typedef struct tagHEAPLIST32 {
	SIZE_T dwSize;
	DWORD th32ProcessID;
	ULONG_PTR th32HeapID;
	DWORD dwFlags;
} HEAPLIST32, *PHEAPLIST32, *LPHEAPLIST32;

typedef struct tagHEAPENTRY32 {
	SIZE_T dwSize;
	HANDLE hHandle;
	ULONG_PTR dwAddress;
	SIZE_T dwBlockSize;
	DWORD dwFlags;
	DWORD dwLockCount;
	DWORD dwResvd;
	DWORD th32ProcessID;
	ULONG_PTR th32HeapID;
} HEAPENTRY32, *PHEAPENTRY32, *LPHEAPENTRY32;

/*
 * Take a point-in-time copy of the lists dwFlags names.  See
 * CreateToolhelp32Snapshot(3).
 */
HANDLE WINAPI CreateToolhelp32Snapshot(DWORD dwFlags, DWORD th32ProcessID);
BOOL WINAPI CloseHandle(HANDLE hObject);

BOOL WINAPI Process32First(HANDLE hSnapshot, LPPROCESSENTRY32 lppe);
BOOL WINAPI Process32Next(HANDLE hSnapshot, LPPROCESSENTRY32 lppe);
BOOL WINAPI Process32FirstW(HANDLE hSnapshot, LPPROCESSENTRY32W lppe);
BOOL WINAPI Process32NextW(HANDLE hSnapshot, LPPROCESSENTRY32W lppe);
BOOL WINAPI Thread32First(HANDLE hSnapshot, LPTHREADENTRY32 lpte);
BOOL WINAPI Thread32Next(HANDLE hSnapshot, LPTHREADENTRY32 lpte);
BOOL WINAPI Module32First(HANDLE hSnapshot, LPMODULEENTRY32 lpme);
BOOL WINAPI Module32Next(HANDLE hSnapshot, LPMODULEENTRY32 lpme);
BOOL WINAPI Module32FirstW(HANDLE hSnapshot, LPMODULEENTRY32W lpme);
BOOL WINAPI Module32NextW(HANDLE hSnapshot, LPMODULEENTRY32W lpme);
BOOL WINAPI Heap32ListFirst(HANDLE hSnapshot, LPHEAPLIST32 lphl);
BOOL WINAPI Heap32ListNext(HANDLE hSnapshot, LPHEAPLIST32 lphl);

/*
 * Walk the blocks of heap th32HeapID of process th32ProcessID (0: the
 * calling process) in the live process, not in a snapshot.  See
 * Heap32First(3).
 */
BOOL WINAPI Heap32First(LPHEAPENTRY32 lphe, DWORD th32ProcessID,
			ULONG_PTR th32HeapID);
BOOL WINAPI Heap32Next(LPHEAPENTRY32 lphe);

/*
 * Copy cbRead bytes at lpBaseAddress in process th32ProcessID (0: the
 * calling process) to lpBuffer, all or nothing.  See
 * Toolhelp32ReadProcessMemory(3).
 */
BOOL WINAPI Toolhelp32ReadProcessMemory(DWORD th32ProcessID,
					LPCVOID lpBaseAddress,
					LPVOID lpBuffer, SIZE_T cbRead,
					SIZE_T *lpNumberOfBytesRead);

/* The calling thread's last error code.  See GetLastError(3). */
DWORD WINAPI GetLastError(void);
void WINAPI SetLastError(DWORD dwErrCode);

/* With UNICODE, the generic names are the W forms, as in Windows. */
#ifdef UNICODE
#define Process32First		Process32FirstW
#define Process32Next		Process32NextW
#define Module32First		Module32FirstW
#define Module32Next		Module32NextW
#define PROCESSENTRY32		PROCESSENTRY32W
#define PPROCESSENTRY32		PPROCESSENTRY32W
#define LPPROCESSENTRY32	LPPROCESSENTRY32W
#define MODULEENTRY32		MODULEENTRY32W
#define PMODULEENTRY32		PMODULEENTRY32W
#define LPMODULEENTRY32		LPMODULEENTRY32W
#endif

#ifdef __cplusplus
}
#endif

#if TLHELP32_WCHAR16
#include "tlhelp32_crt.h"
#endif

#endif /* TLHELP32_H */
