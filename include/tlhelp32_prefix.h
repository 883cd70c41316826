/*
 * tlhelp32_prefix.h - libtlhelp32's functions under their tlhelp32_ names
 * (included by <tlhelp32.h> and <windows.h> when TLHELP32_PREFIX is
 * defined before them)
 *
 * The library exports each Windows function twice: as CloseHandle, and as
 * tlhelp32_CloseHandle, the same function.  Another Windows compatibility
 * layer in the same process (WinPR, FreeRDP's) exports CloseHandle,
 * GetLastError, SetLastError and others too, without symbol versions, and
 * the dynamic linker then binds every reference to one of them, whichever
 * it meets first: a handle of one layer reaches the other.  Code built
 * with -DTLHELP32_PREFIX refers to this library by the tlhelp32_ names
 * alone, which no other layer defines; see libtlhelp32(7), "Other Windows
 * compatibility layers".
 */
#ifndef TLHELP32_PREFIX_H
#define TLHELP32_PREFIX_H

#define CloseHandle                      tlhelp32_CloseHandle
#define CreateToolhelp32Snapshot         tlhelp32_CreateToolhelp32Snapshot
#define FormatMessageA                   tlhelp32_FormatMessageA
#define FormatMessageW                   tlhelp32_FormatMessageW
#define GetCurrentProcess                tlhelp32_GetCurrentProcess
#define GetCurrentProcessId              tlhelp32_GetCurrentProcessId
#define GetCurrentThreadId               tlhelp32_GetCurrentThreadId
#define GetLastError                     tlhelp32_GetLastError
#define GetPriorityClass                 tlhelp32_GetPriorityClass
#define GetProcessId                     tlhelp32_GetProcessId
#define GetSystemInfo                    tlhelp32_GetSystemInfo
#define Heap32First                      tlhelp32_Heap32First
#define Heap32ListFirst                  tlhelp32_Heap32ListFirst
#define Heap32ListNext                   tlhelp32_Heap32ListNext
#define Heap32Next                       tlhelp32_Heap32Next
#define LocalFree                        tlhelp32_LocalFree
#define Module32First                    tlhelp32_Module32First
#define Module32FirstW                   tlhelp32_Module32FirstW
#define Module32Next                     tlhelp32_Module32Next
#define Module32NextW                    tlhelp32_Module32NextW
#define OpenProcess                      tlhelp32_OpenProcess
#define Process32First                   tlhelp32_Process32First
#define Process32FirstW                  tlhelp32_Process32FirstW
#define Process32Next                    tlhelp32_Process32Next
#define Process32NextW                   tlhelp32_Process32NextW
#define ReadProcessMemory                tlhelp32_ReadProcessMemory
#define SetLastError                     tlhelp32_SetLastError
#define Thread32First                    tlhelp32_Thread32First
#define Thread32Next                     tlhelp32_Thread32Next
#define Toolhelp32ReadProcessMemory      tlhelp32_Toolhelp32ReadProcessMemory
#define VirtualQuery                     tlhelp32_VirtualQuery
#define VirtualQueryEx                   tlhelp32_VirtualQueryEx
#define WriteProcessMemory               tlhelp32_WriteProcessMemory
#define lstrcatA                         tlhelp32_lstrcatA
#define lstrcatW                         tlhelp32_lstrcatW
#define lstrcmpA                         tlhelp32_lstrcmpA
#define lstrcmpW                         tlhelp32_lstrcmpW
#define lstrcmpiA                        tlhelp32_lstrcmpiA
#define lstrcmpiW                        tlhelp32_lstrcmpiW
#define lstrcpyA                         tlhelp32_lstrcpyA
#define lstrcpyW                         tlhelp32_lstrcpyW
#define lstrcpynA                        tlhelp32_lstrcpynA
#define lstrcpynW                        tlhelp32_lstrcpynW
#define lstrlenA                         tlhelp32_lstrlenA
#define lstrlenW                         tlhelp32_lstrlenW

#endif /* TLHELP32_PREFIX_H */
