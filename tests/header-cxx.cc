/*
 * header-cxx.cc - <tlhelp32.h> in a C++11 program (-pedantic -Werror).
 *
 * Checks that the header compiles as C++, that its types have the Windows
 * widths, that each function has exactly the Windows type, and that the
 * functions have C language linkage (so a C++ program links against the C
 * library).  Everything is decided at compile time; the program does not
 * need the library to link.
 */
#include <tlhelp32.h>
#include <tlhelp32.h>	// a second time: the include guard works
#include <windows.h>	// and with it, the rest of the Windows API here

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

// Base types: Windows (LLP64) widths and signedness.
static_assert(sizeof(DWORD) == 4 && std::is_unsigned<DWORD>::value,
	      "DWORD is 32-bit unsigned");
static_assert(std::is_same<DWORD, std::uint32_t>::value, "DWORD is uint32_t");
static_assert(sizeof(LONG) == 4 && std::is_signed<LONG>::value,
	      "LONG is 32-bit signed");
static_assert(std::is_same<LONG, std::int32_t>::value, "LONG is int32_t");
static_assert(std::is_same<BOOL, int>::value, "BOOL is int");
static_assert(std::is_same<BYTE, std::uint8_t>::value, "BYTE is uint8_t");
static_assert(std::is_same<CHAR, char>::value, "CHAR is char");
static_assert(sizeof(WCHAR) == 2 && std::is_unsigned<WCHAR>::value,
	      "WCHAR is a 16-bit unsigned UTF-16 code unit");
static_assert(!std::is_same<WCHAR, wchar_t>::value, "WCHAR is not wchar_t");
static_assert(std::is_same<SIZE_T, std::size_t>::value, "SIZE_T is size_t");
static_assert(std::is_same<ULONG_PTR, std::uintptr_t>::value,
	      "ULONG_PTR is uintptr_t");
static_assert(sizeof(ULONG_PTR) == sizeof(void *), "ULONG_PTR holds a pointer");
static_assert(std::is_same<HANDLE, void *>::value, "HANDLE is void *");
static_assert(std::is_same<HMODULE, void *>::value, "HMODULE is void *");
static_assert(std::is_same<LPVOID, void *>::value, "LPVOID is void *");
static_assert(std::is_same<LPCVOID, const void *>::value,
	      "LPCVOID is const void *");
static_assert(std::is_same<LPDWORD, DWORD *>::value, "LPDWORD is DWORD *");

// Constants.
static_assert(TRUE == 1 && FALSE == 0, "TRUE and FALSE");
static_assert(MAX_PATH == 260, "MAX_PATH");
static_assert(ERROR_SUCCESS == 0, "ERROR_SUCCESS");
static_assert(ERROR_ACCESS_DENIED == 5, "ERROR_ACCESS_DENIED");
static_assert(ERROR_INVALID_HANDLE == 6, "ERROR_INVALID_HANDLE");
static_assert(ERROR_NOT_ENOUGH_MEMORY == 8, "ERROR_NOT_ENOUGH_MEMORY");
static_assert(ERROR_INVALID_DATA == 13, "ERROR_INVALID_DATA");
static_assert(ERROR_NO_MORE_FILES == 18, "ERROR_NO_MORE_FILES");
static_assert(ERROR_BAD_LENGTH == 24, "ERROR_BAD_LENGTH");
static_assert(ERROR_NOT_SUPPORTED == 50, "ERROR_NOT_SUPPORTED");
static_assert(ERROR_INVALID_PARAMETER == 87, "ERROR_INVALID_PARAMETER");
static_assert(ERROR_CALL_NOT_IMPLEMENTED == 120, "ERROR_CALL_NOT_IMPLEMENTED");
static_assert(ERROR_INSUFFICIENT_BUFFER == 122, "ERROR_INSUFFICIENT_BUFFER");
static_assert(ERROR_PARTIAL_COPY == 299, "ERROR_PARTIAL_COPY");
static_assert(ERROR_NOACCESS == 998, "ERROR_NOACCESS");

static_assert(MAX_MODULE_NAME32 == 255, "MAX_MODULE_NAME32");
static_assert(TH32CS_SNAPHEAPLIST == 0x1 && TH32CS_SNAPPROCESS == 0x2 &&
	      TH32CS_SNAPTHREAD == 0x4 && TH32CS_SNAPMODULE == 0x8 &&
	      TH32CS_SNAPMODULE32 == 0x10 && TH32CS_SNAPALL == 0xF &&
	      TH32CS_INHERIT == 0x80000000u, "TH32CS_ flags");
static_assert(HF32_DEFAULT == 1 && HF32_SHARED == 2 && LF32_FIXED == 1 &&
	      LF32_FREE == 2 && LF32_MOVEABLE == 4, "HF32_ and LF32_ flags");
static_assert(std::is_same<decltype(INVALID_HANDLE_VALUE), HANDLE>::value,
	      "INVALID_HANDLE_VALUE is a HANDLE");

// Plain C structures: C++ code memsets them and passes them to C.
static_assert(std::is_standard_layout<PROCESSENTRY32W>::value &&
	      std::is_trivial<PROCESSENTRY32W>::value,
	      "PROCESSENTRY32W is POD");
static_assert(std::is_standard_layout<PROCESSENTRY32>::value &&
	      std::is_trivial<PROCESSENTRY32>::value, "PROCESSENTRY32 is POD");
static_assert(std::is_standard_layout<THREADENTRY32>::value &&
	      std::is_trivial<THREADENTRY32>::value, "THREADENTRY32 is POD");
static_assert(std::is_standard_layout<MODULEENTRY32W>::value &&
	      std::is_trivial<MODULEENTRY32W>::value, "MODULEENTRY32W is POD");
static_assert(std::is_standard_layout<MODULEENTRY32>::value &&
	      std::is_trivial<MODULEENTRY32>::value, "MODULEENTRY32 is POD");
static_assert(std::is_standard_layout<HEAPLIST32>::value &&
	      std::is_trivial<HEAPLIST32>::value, "HEAPLIST32 is POD");
static_assert(std::is_standard_layout<HEAPENTRY32>::value &&
	      std::is_trivial<HEAPENTRY32>::value, "HEAPENTRY32 is POD");

// Tags and pointer typedefs.
static_assert(std::is_same<struct tagPROCESSENTRY32W, PROCESSENTRY32W>::value &&
	      std::is_same<LPPROCESSENTRY32W, PROCESSENTRY32W *>::value &&
	      std::is_same<PPROCESSENTRY32W, PROCESSENTRY32W *>::value,
	      "PROCESSENTRY32W names");
static_assert(std::is_same<struct tagPROCESSENTRY32, PROCESSENTRY32>::value &&
	      std::is_same<LPPROCESSENTRY32, PROCESSENTRY32 *>::value &&
	      std::is_same<PPROCESSENTRY32, PROCESSENTRY32 *>::value,
	      "PROCESSENTRY32 names");
static_assert(std::is_same<struct tagTHREADENTRY32, THREADENTRY32>::value &&
	      std::is_same<LPTHREADENTRY32, THREADENTRY32 *>::value &&
	      std::is_same<PTHREADENTRY32, THREADENTRY32 *>::value,
	      "THREADENTRY32 names");
static_assert(std::is_same<struct tagMODULEENTRY32W, MODULEENTRY32W>::value &&
	      std::is_same<LPMODULEENTRY32W, MODULEENTRY32W *>::value &&
	      std::is_same<PMODULEENTRY32W, MODULEENTRY32W *>::value,
	      "MODULEENTRY32W names");
static_assert(std::is_same<struct tagMODULEENTRY32, MODULEENTRY32>::value &&
	      std::is_same<LPMODULEENTRY32, MODULEENTRY32 *>::value &&
	      std::is_same<PMODULEENTRY32, MODULEENTRY32 *>::value,
	      "MODULEENTRY32 names");
static_assert(std::is_same<struct tagHEAPLIST32, HEAPLIST32>::value &&
	      std::is_same<LPHEAPLIST32, HEAPLIST32 *>::value &&
	      std::is_same<PHEAPLIST32, HEAPLIST32 *>::value,
	      "HEAPLIST32 names");
static_assert(std::is_same<struct tagHEAPENTRY32, HEAPENTRY32>::value &&
	      std::is_same<LPHEAPENTRY32, HEAPENTRY32 *>::value &&
	      std::is_same<PHEAPENTRY32, HEAPENTRY32 *>::value,
	      "HEAPENTRY32 names");
static_assert(std::is_same<decltype(HEAPLIST32::dwSize), SIZE_T>::value &&
	      std::is_same<decltype(HEAPENTRY32::dwSize), SIZE_T>::value &&
	      std::is_same<decltype(HEAPENTRY32::dwBlockSize), SIZE_T>::value &&
	      std::is_same<decltype(HEAPENTRY32::dwAddress), ULONG_PTR>::value &&
	      std::is_same<decltype(HEAPENTRY32::hHandle), HANDLE>::value &&
	      std::is_same<decltype(HEAPLIST32::th32HeapID), ULONG_PTR>::value,
	      "the heap structures' member types");

// Win64 sizes and offsets, which LP64 Linux reproduces.
#ifdef __LP64__
static_assert(sizeof(PROCESSENTRY32W) == 568 &&
	      offsetof(PROCESSENTRY32W, th32DefaultHeapID) == 16 &&
	      offsetof(PROCESSENTRY32W, th32ModuleID) == 24 &&
	      offsetof(PROCESSENTRY32W, dwFlags) == 40 &&
	      offsetof(PROCESSENTRY32W, szExeFile) == 44,
	      "PROCESSENTRY32W layout");
static_assert(sizeof(PROCESSENTRY32) == 304 &&
	      offsetof(PROCESSENTRY32, th32DefaultHeapID) == 16 &&
	      offsetof(PROCESSENTRY32, szExeFile) == 44,
	      "PROCESSENTRY32 layout");
static_assert(sizeof(THREADENTRY32) == 28 &&
	      offsetof(THREADENTRY32, tpBasePri) == 16 &&
	      offsetof(THREADENTRY32, dwFlags) == 24, "THREADENTRY32 layout");
static_assert(sizeof(MODULEENTRY32W) == 1080 &&
	      offsetof(MODULEENTRY32W, modBaseAddr) == 24 &&
	      offsetof(MODULEENTRY32W, modBaseSize) == 32 &&
	      offsetof(MODULEENTRY32W, hModule) == 40 &&
	      offsetof(MODULEENTRY32W, szModule) == 48 &&
	      offsetof(MODULEENTRY32W, szExePath) == 560,
	      "MODULEENTRY32W layout");
static_assert(sizeof(MODULEENTRY32) == 568 &&
	      offsetof(MODULEENTRY32, hModule) == 40 &&
	      offsetof(MODULEENTRY32, szModule) == 48 &&
	      offsetof(MODULEENTRY32, szExePath) == 304,
	      "MODULEENTRY32 layout");
static_assert(sizeof(HEAPLIST32) == 32 &&
	      offsetof(HEAPLIST32, th32ProcessID) == 8 &&
	      offsetof(HEAPLIST32, th32HeapID) == 16 &&
	      offsetof(HEAPLIST32, dwFlags) == 24, "HEAPLIST32 layout");
static_assert(sizeof(HEAPENTRY32) == 56 &&
	      offsetof(HEAPENTRY32, hHandle) == 8 &&
	      offsetof(HEAPENTRY32, dwAddress) == 16 &&
	      offsetof(HEAPENTRY32, dwBlockSize) == 24 &&
	      offsetof(HEAPENTRY32, dwFlags) == 32 &&
	      offsetof(HEAPENTRY32, dwLockCount) == 36 &&
	      offsetof(HEAPENTRY32, dwResvd) == 40 &&
	      offsetof(HEAPENTRY32, th32ProcessID) == 44 &&
	      offsetof(HEAPENTRY32, th32HeapID) == 48, "HEAPENTRY32 layout");
#elif defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ == 4
// Win32's, which a 32-bit build reproduces.
static_assert(sizeof(PROCESSENTRY32W) == 556 &&
	      offsetof(PROCESSENTRY32W, th32DefaultHeapID) == 12 &&
	      offsetof(PROCESSENTRY32W, th32ModuleID) == 16 &&
	      offsetof(PROCESSENTRY32W, dwFlags) == 32 &&
	      offsetof(PROCESSENTRY32W, szExeFile) == 36,
	      "PROCESSENTRY32W layout");
static_assert(sizeof(PROCESSENTRY32) == 296 &&
	      offsetof(PROCESSENTRY32, th32DefaultHeapID) == 12 &&
	      offsetof(PROCESSENTRY32, szExeFile) == 36,
	      "PROCESSENTRY32 layout");
static_assert(sizeof(THREADENTRY32) == 28 &&
	      offsetof(THREADENTRY32, tpBasePri) == 16 &&
	      offsetof(THREADENTRY32, dwFlags) == 24, "THREADENTRY32 layout");
static_assert(sizeof(MODULEENTRY32W) == 1064 &&
	      offsetof(MODULEENTRY32W, modBaseAddr) == 20 &&
	      offsetof(MODULEENTRY32W, modBaseSize) == 24 &&
	      offsetof(MODULEENTRY32W, hModule) == 28 &&
	      offsetof(MODULEENTRY32W, szModule) == 32 &&
	      offsetof(MODULEENTRY32W, szExePath) == 544,
	      "MODULEENTRY32W layout");
static_assert(sizeof(MODULEENTRY32) == 548 &&
	      offsetof(MODULEENTRY32, hModule) == 28 &&
	      offsetof(MODULEENTRY32, szModule) == 32 &&
	      offsetof(MODULEENTRY32, szExePath) == 288,
	      "MODULEENTRY32 layout");
static_assert(sizeof(HEAPLIST32) == 16 &&
	      offsetof(HEAPLIST32, th32ProcessID) == 4 &&
	      offsetof(HEAPLIST32, th32HeapID) == 8 &&
	      offsetof(HEAPLIST32, dwFlags) == 12, "HEAPLIST32 layout");
static_assert(sizeof(HEAPENTRY32) == 36 &&
	      offsetof(HEAPENTRY32, hHandle) == 4 &&
	      offsetof(HEAPENTRY32, dwAddress) == 8 &&
	      offsetof(HEAPENTRY32, dwBlockSize) == 12 &&
	      offsetof(HEAPENTRY32, dwFlags) == 16 &&
	      offsetof(HEAPENTRY32, dwLockCount) == 20 &&
	      offsetof(HEAPENTRY32, dwResvd) == 24 &&
	      offsetof(HEAPENTRY32, th32ProcessID) == 28 &&
	      offsetof(HEAPENTRY32, th32HeapID) == 32, "HEAPENTRY32 layout");
#else
#error "neither LP64 nor 32-bit: which Windows layout applies?"
#endif

// <windows.h>'s memory and system structures.
static_assert(std::is_standard_layout<MEMORY_BASIC_INFORMATION>::value &&
	      std::is_trivial<MEMORY_BASIC_INFORMATION>::value &&
	      std::is_standard_layout<SYSTEM_INFO>::value &&
	      std::is_trivial<SYSTEM_INFO>::value,
	      "MEMORY_BASIC_INFORMATION and SYSTEM_INFO are POD");
#ifdef __LP64__
static_assert(sizeof(MEMORY_BASIC_INFORMATION) == 48 &&
	      offsetof(MEMORY_BASIC_INFORMATION, AllocationBase) == 8 &&
	      offsetof(MEMORY_BASIC_INFORMATION, AllocationProtect) == 16 &&
	      offsetof(MEMORY_BASIC_INFORMATION, PartitionId) == 20 &&
	      offsetof(MEMORY_BASIC_INFORMATION, RegionSize) == 24 &&
	      offsetof(MEMORY_BASIC_INFORMATION, State) == 32 &&
	      offsetof(MEMORY_BASIC_INFORMATION, Protect) == 36 &&
	      offsetof(MEMORY_BASIC_INFORMATION, Type) == 40,
	      "MEMORY_BASIC_INFORMATION layout");
static_assert(sizeof(SYSTEM_INFO) == 48 &&
	      offsetof(SYSTEM_INFO, dwPageSize) == 4 &&
	      offsetof(SYSTEM_INFO, lpMinimumApplicationAddress) == 8 &&
	      offsetof(SYSTEM_INFO, lpMaximumApplicationAddress) == 16 &&
	      offsetof(SYSTEM_INFO, dwActiveProcessorMask) == 24 &&
	      offsetof(SYSTEM_INFO, dwNumberOfProcessors) == 32 &&
	      offsetof(SYSTEM_INFO, dwProcessorType) == 36 &&
	      offsetof(SYSTEM_INFO, dwAllocationGranularity) == 40 &&
	      offsetof(SYSTEM_INFO, wProcessorLevel) == 44 &&
	      offsetof(SYSTEM_INFO, wProcessorRevision) == 46,
	      "SYSTEM_INFO layout");
#else
static_assert(sizeof(MEMORY_BASIC_INFORMATION) == 28 &&
	      offsetof(MEMORY_BASIC_INFORMATION, AllocationBase) == 4 &&
	      offsetof(MEMORY_BASIC_INFORMATION, AllocationProtect) == 8 &&
	      offsetof(MEMORY_BASIC_INFORMATION, RegionSize) == 12 &&
	      offsetof(MEMORY_BASIC_INFORMATION, State) == 16 &&
	      offsetof(MEMORY_BASIC_INFORMATION, Protect) == 20 &&
	      offsetof(MEMORY_BASIC_INFORMATION, Type) == 24,
	      "MEMORY_BASIC_INFORMATION layout");
static_assert(sizeof(SYSTEM_INFO) == 36 &&
	      offsetof(SYSTEM_INFO, dwPageSize) == 4 &&
	      offsetof(SYSTEM_INFO, lpMinimumApplicationAddress) == 8 &&
	      offsetof(SYSTEM_INFO, lpMaximumApplicationAddress) == 12 &&
	      offsetof(SYSTEM_INFO, dwActiveProcessorMask) == 16 &&
	      offsetof(SYSTEM_INFO, dwNumberOfProcessors) == 20 &&
	      offsetof(SYSTEM_INFO, dwProcessorType) == 24 &&
	      offsetof(SYSTEM_INFO, dwAllocationGranularity) == 28 &&
	      offsetof(SYSTEM_INFO, wProcessorLevel) == 32 &&
	      offsetof(SYSTEM_INFO, wProcessorRevision) == 34,
	      "SYSTEM_INFO layout");
#endif
static_assert(offsetof(SYSTEM_INFO, dwOemId) == 0 &&
	      offsetof(SYSTEM_INFO, wProcessorArchitecture) == 0 &&
	      offsetof(SYSTEM_INFO, wReserved) == 2 &&
	      std::is_same<decltype(SYSTEM_INFO::dwActiveProcessorMask),
			   DWORD_PTR>::value,
	      "SYSTEM_INFO's union and mask");
static_assert(ERROR_NO_WORK_DONE == 235 && ERROR_MR_MID_NOT_FOUND == 317 &&
	      ERROR_RESOURCE_TYPE_NOT_FOUND == 1813 &&
	      ERROR_RESOURCE_LANG_NOT_FOUND == 1815 &&
	      ERROR_MUI_FILE_NOT_FOUND == 15100, "FormatMessage's errors");

// The function types, spelled with C language linkage.
extern "C" {
typedef BOOL WINAPI read_memory_fn(DWORD, LPCVOID, LPVOID, SIZE_T, SIZE_T *);
typedef DWORD WINAPI get_last_error_fn(void);
typedef void WINAPI set_last_error_fn(DWORD);
typedef HANDLE WINAPI create_snapshot_fn(DWORD, DWORD);
typedef BOOL WINAPI close_handle_fn(HANDLE);
typedef BOOL WINAPI process_walk_fn(HANDLE, PROCESSENTRY32 *);
typedef BOOL WINAPI process_walk_w_fn(HANDLE, PROCESSENTRY32W *);
typedef BOOL WINAPI thread_walk_fn(HANDLE, THREADENTRY32 *);
typedef BOOL WINAPI module_walk_fn(HANDLE, MODULEENTRY32 *);
typedef BOOL WINAPI module_walk_w_fn(HANDLE, MODULEENTRY32W *);
typedef BOOL WINAPI heaplist_walk_fn(HANDLE, HEAPLIST32 *);
typedef BOOL WINAPI heap_first_fn(HEAPENTRY32 *, DWORD, ULONG_PTR);
typedef BOOL WINAPI heap_next_fn(HEAPENTRY32 *);
typedef DWORD WINAPI format_a_fn(DWORD, LPCVOID, DWORD, DWORD, LPSTR, DWORD,
				 va_list *);
typedef DWORD WINAPI format_w_fn(DWORD, LPCVOID, DWORD, DWORD, LPWSTR, DWORD,
				 va_list *);
typedef HLOCAL WINAPI local_free_fn(HLOCAL);
typedef void WINAPI system_info_fn(LPSYSTEM_INFO);
}

#define TLH_SAME_TYPE(fn, type) \
	static_assert(std::is_same<decltype(fn), type>::value, \
		      #fn " has the Windows prototype"); \
	static_assert(std::is_assignable<type *&, decltype(&fn)>::value, \
		      "a " #type " pointer takes " #fn)

TLH_SAME_TYPE(CreateToolhelp32Snapshot, create_snapshot_fn);
TLH_SAME_TYPE(CloseHandle, close_handle_fn);
TLH_SAME_TYPE(Process32First, process_walk_fn);
TLH_SAME_TYPE(Process32Next, process_walk_fn);
TLH_SAME_TYPE(Process32FirstW, process_walk_w_fn);
TLH_SAME_TYPE(Process32NextW, process_walk_w_fn);
TLH_SAME_TYPE(Thread32First, thread_walk_fn);
TLH_SAME_TYPE(Thread32Next, thread_walk_fn);
TLH_SAME_TYPE(Module32First, module_walk_fn);
TLH_SAME_TYPE(Module32Next, module_walk_fn);
TLH_SAME_TYPE(Module32FirstW, module_walk_w_fn);
TLH_SAME_TYPE(Module32NextW, module_walk_w_fn);
TLH_SAME_TYPE(Heap32ListFirst, heaplist_walk_fn);
TLH_SAME_TYPE(Heap32ListNext, heaplist_walk_fn);
TLH_SAME_TYPE(Heap32First, heap_first_fn);
TLH_SAME_TYPE(Heap32Next, heap_next_fn);
TLH_SAME_TYPE(FormatMessageA, format_a_fn);
TLH_SAME_TYPE(FormatMessageW, format_w_fn);
TLH_SAME_TYPE(LocalFree, local_free_fn);
TLH_SAME_TYPE(GetSystemInfo, system_info_fn);

// Exact types: no conversion, no overload, nothing in a namespace.
static_assert(std::is_same<decltype(Toolhelp32ReadProcessMemory),
			   read_memory_fn>::value,
	      "Toolhelp32ReadProcessMemory has the Windows prototype");
static_assert(std::is_same<decltype(GetLastError), get_last_error_fn>::value,
	      "GetLastError has the Windows prototype");
static_assert(std::is_same<decltype(SetLastError), set_last_error_fn>::value,
	      "SetLastError has the Windows prototype");

/*
 * C linkage: a function first declared with C++ linkage may not be
 * redeclared extern "C" (the compiler rejects the second declaration), so
 * these redeclarations compile only if the header gave the functions C
 * linkage.
 */
extern "C" BOOL WINAPI Toolhelp32ReadProcessMemory(DWORD, LPCVOID, LPVOID,
						   SIZE_T, SIZE_T *);
extern "C" DWORD WINAPI GetLastError(void);
extern "C" void WINAPI SetLastError(DWORD);
extern "C" HANDLE WINAPI CreateToolhelp32Snapshot(DWORD, DWORD);
extern "C" BOOL WINAPI CloseHandle(HANDLE);
extern "C" BOOL WINAPI Process32First(HANDLE, LPPROCESSENTRY32);
extern "C" BOOL WINAPI Process32Next(HANDLE, LPPROCESSENTRY32);
extern "C" BOOL WINAPI Process32FirstW(HANDLE, LPPROCESSENTRY32W);
extern "C" BOOL WINAPI Process32NextW(HANDLE, LPPROCESSENTRY32W);
extern "C" BOOL WINAPI Thread32First(HANDLE, LPTHREADENTRY32);
extern "C" BOOL WINAPI Thread32Next(HANDLE, LPTHREADENTRY32);
extern "C" BOOL WINAPI Module32First(HANDLE, LPMODULEENTRY32);
extern "C" BOOL WINAPI Module32Next(HANDLE, LPMODULEENTRY32);
extern "C" BOOL WINAPI Module32FirstW(HANDLE, LPMODULEENTRY32W);
extern "C" BOOL WINAPI Module32NextW(HANDLE, LPMODULEENTRY32W);
extern "C" BOOL WINAPI Heap32ListFirst(HANDLE, LPHEAPLIST32);
extern "C" BOOL WINAPI Heap32ListNext(HANDLE, LPHEAPLIST32);
extern "C" BOOL WINAPI Heap32First(LPHEAPENTRY32, DWORD, ULONG_PTR);
extern "C" BOOL WINAPI Heap32Next(LPHEAPENTRY32);
extern "C" DWORD WINAPI FormatMessageA(DWORD, LPCVOID, DWORD, DWORD, LPSTR,
				       DWORD, va_list *);
extern "C" DWORD WINAPI FormatMessageW(DWORD, LPCVOID, DWORD, DWORD, LPWSTR,
				       DWORD, va_list *);
extern "C" HLOCAL WINAPI LocalFree(HLOCAL);
extern "C" void WINAPI GetSystemInfo(LPSYSTEM_INFO);

// Pointers of the exact types take the functions' addresses.
static_assert(std::is_assignable<read_memory_fn *&,
				 decltype(&Toolhelp32ReadProcessMemory)>::value,
	      "a read_memory_fn pointer takes Toolhelp32ReadProcessMemory");
static_assert(std::is_assignable<get_last_error_fn *&,
				 decltype(&GetLastError)>::value,
	      "a get_last_error_fn pointer takes GetLastError");
static_assert(std::is_assignable<set_last_error_fn *&,
				 decltype(&SetLastError)>::value,
	      "a set_last_error_fn pointer takes SetLastError");

static_assert(TLHELP32_VERSION_NUMBER ==
	      TLHELP32_VERSION_ENCODE(TLHELP32_VERSION_MAJOR,
				      TLHELP32_VERSION_MINOR,
				      TLHELP32_VERSION_MICRO) &&
	      sizeof(TLHELP32_VERSION_STRING) == sizeof(TLH_PACKAGE_VERSION),
	      "the version macros are configure's version");

int
main()
{
	CHAR path[MAX_PATH] = "";
	WCHAR wide[2] = { 0xFFFF, 0 };
	PROCESSENTRY32W pe = PROCESSENTRY32W();
	HANDLE h = INVALID_HANDLE_VALUE;

	pe.dwSize = sizeof(pe);
	return (path[0] != '\0' ||
		std::strcmp(TLHELP32_VERSION_STRING, TLH_PACKAGE_VERSION) || wide[0] != 0xFFFFu || pe.szExeFile[0] ||
		h == nullptr) ? 1 : 0;
}
