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
 */
#ifndef TLHELP32_H
#define TLHELP32_H

#include <stddef.h>
#include <stdint.h>

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
typedef uint16_t WCHAR;
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
#define ERROR_ACCESS_DENIED		5
#define ERROR_INVALID_HANDLE		6
#define ERROR_NOT_ENOUGH_MEMORY		8
#define ERROR_NO_MORE_FILES		18
#define ERROR_BAD_LENGTH		24
#define ERROR_GEN_FAILURE		31
#define ERROR_INVALID_PARAMETER		87
#define ERROR_CALL_NOT_IMPLEMENTED	120
#define ERROR_INSUFFICIENT_BUFFER	122
#define ERROR_PARTIAL_COPY		299
#define ERROR_NOACCESS			998

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

#ifdef __cplusplus
}
#endif

#endif /* TLHELP32_H */
