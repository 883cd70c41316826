/*
 * header.c - <tlhelp32.h> on its own, as C89, C99 and C11 with -pedantic
 * -Werror (Makefile.am builds this file three times).
 *
 * The header comes first, so it must bring everything it uses.  The
 * Windows types keep their Windows widths; each width is pinned at compile
 * time with a typedef of an array whose size is negative when the
 * condition is false (C89 has no static_assert).  The prototypes are
 * checked against pointers of the exact Windows types: pointers to
 * functions of different types in one conditional expression are a
 * diagnostic, and -Werror makes it fatal.
 */
#include <tlhelp32.h>
#include <tlhelp32.h>	/* a second time: the include guard works */
#include <windows.h>	/* and with it, the rest of the Windows API here */

#include <stddef.h>
#include <stdint.h>

#define TLH_ASSERT(name, cond)	typedef char tlh_assert_##name[(cond) ? 1 : -1]

/* Base types: Windows (LLP64) widths and signedness on LP64 Linux. */
TLH_ASSERT(dword_size, sizeof(DWORD) == 4);
TLH_ASSERT(dword_unsigned, (DWORD)-1 > 0);
TLH_ASSERT(dword_max, (DWORD)-1 == 0xFFFFFFFFu);
TLH_ASSERT(long_size, sizeof(LONG) == 4);
TLH_ASSERT(long_signed, (LONG)-1 < 0);
TLH_ASSERT(bool_size, sizeof(BOOL) == sizeof(int));
TLH_ASSERT(bool_signed, (BOOL)-1 < 0);
TLH_ASSERT(byte_size, sizeof(BYTE) == 1);
TLH_ASSERT(byte_unsigned, (BYTE)-1 == 0xFF);
TLH_ASSERT(char_size, sizeof(CHAR) == 1);
TLH_ASSERT(char_sign, (CHAR)-1 == (char)-1);
TLH_ASSERT(wchar_size, sizeof(WCHAR) == 2);
TLH_ASSERT(wchar_unsigned, (WCHAR)-1 == 0xFFFF);
TLH_ASSERT(size_t_size, sizeof(SIZE_T) == sizeof(size_t));
TLH_ASSERT(size_t_unsigned, (SIZE_T)-1 > 0);
TLH_ASSERT(ulong_ptr_size, sizeof(ULONG_PTR) == sizeof(void *));
TLH_ASSERT(ulong_ptr_unsigned, (ULONG_PTR)-1 > 0);
TLH_ASSERT(handle_size, sizeof(HANDLE) == sizeof(void *));
TLH_ASSERT(hmodule_size, sizeof(HMODULE) == sizeof(void *));
TLH_ASSERT(lpvoid_size, sizeof(LPVOID) == sizeof(void *));
TLH_ASSERT(lpcvoid_size, sizeof(LPCVOID) == sizeof(void *));
TLH_ASSERT(lpdword_size, sizeof(LPDWORD) == sizeof(void *));
TLH_ASSERT(lpdword_target, sizeof(*(LPDWORD)0) == 4);

/* Constants, as values of the C language... */
TLH_ASSERT(true_value, TRUE == 1);
TLH_ASSERT(false_value, FALSE == 0);
TLH_ASSERT(max_path, MAX_PATH == 260);
TLH_ASSERT(error_success, ERROR_SUCCESS == 0);
TLH_ASSERT(error_access_denied, ERROR_ACCESS_DENIED == 5);
TLH_ASSERT(error_invalid_handle, ERROR_INVALID_HANDLE == 6);
TLH_ASSERT(error_not_enough_memory, ERROR_NOT_ENOUGH_MEMORY == 8);
TLH_ASSERT(error_invalid_data, ERROR_INVALID_DATA == 13);
TLH_ASSERT(error_no_more_files, ERROR_NO_MORE_FILES == 18);
TLH_ASSERT(error_bad_length, ERROR_BAD_LENGTH == 24);
TLH_ASSERT(error_not_supported, ERROR_NOT_SUPPORTED == 50);
TLH_ASSERT(error_invalid_parameter, ERROR_INVALID_PARAMETER == 87);
TLH_ASSERT(error_call_not_implemented, ERROR_CALL_NOT_IMPLEMENTED == 120);
TLH_ASSERT(error_insufficient_buffer, ERROR_INSUFFICIENT_BUFFER == 122);
TLH_ASSERT(error_partial_copy, ERROR_PARTIAL_COPY == 299);
TLH_ASSERT(error_noaccess, ERROR_NOACCESS == 998);

/* ...and as preprocessor numbers, since Windows code tests them in #if. */
#if TRUE != 1 || FALSE != 0 || MAX_PATH != 260
#error "TRUE, FALSE or MAX_PATH"
#endif
#if ERROR_SUCCESS != 0 || ERROR_ACCESS_DENIED != 5 || \
	ERROR_INVALID_HANDLE != 6 || ERROR_NOT_ENOUGH_MEMORY != 8 || \
	ERROR_NO_MORE_FILES != 18 || ERROR_BAD_LENGTH != 24 || \
	ERROR_INVALID_PARAMETER != 87 || ERROR_CALL_NOT_IMPLEMENTED != 120 || \
	ERROR_INSUFFICIENT_BUFFER != 122 || ERROR_PARTIAL_COPY != 299 || \
	ERROR_NOACCESS != 998 || ERROR_INVALID_DATA != 13 || \
	ERROR_NOT_SUPPORTED != 50
#error "an ERROR_ code differs from Windows"
#endif

/* Snapshot flags and heap flags. */
TLH_ASSERT(max_module_name32, MAX_MODULE_NAME32 == 255);
TLH_ASSERT(snapheaplist, TH32CS_SNAPHEAPLIST == 0x1);
TLH_ASSERT(snapprocess, TH32CS_SNAPPROCESS == 0x2);
TLH_ASSERT(snapthread, TH32CS_SNAPTHREAD == 0x4);
TLH_ASSERT(snapmodule, TH32CS_SNAPMODULE == 0x8);
TLH_ASSERT(snapmodule32, TH32CS_SNAPMODULE32 == 0x10);
TLH_ASSERT(snapall, TH32CS_SNAPALL == 0xF);
TLH_ASSERT(inherit, TH32CS_INHERIT == 0x80000000u);
TLH_ASSERT(hf32_default, HF32_DEFAULT == 1);
TLH_ASSERT(hf32_shared, HF32_SHARED == 2);
TLH_ASSERT(lf32_fixed, LF32_FIXED == 1);
TLH_ASSERT(lf32_free, LF32_FREE == 2);
TLH_ASSERT(lf32_moveable, LF32_MOVEABLE == 4);
#if TH32CS_SNAPALL != 0xF || TH32CS_SNAPMODULE32 != 0x10 || \
	MAX_MODULE_NAME32 != 255
#error "a snapshot constant differs from Windows"
#endif

/* The struct tags Windows code may use instead of the typedefs. */
TLH_ASSERT(tag_pe32w, sizeof(struct tagPROCESSENTRY32W) ==
	   sizeof(PROCESSENTRY32W));
TLH_ASSERT(tag_pe32, sizeof(struct tagPROCESSENTRY32) ==
	   sizeof(PROCESSENTRY32));
TLH_ASSERT(tag_te32, sizeof(struct tagTHREADENTRY32) ==
	   sizeof(THREADENTRY32));
TLH_ASSERT(tag_me32w, sizeof(struct tagMODULEENTRY32W) ==
	   sizeof(MODULEENTRY32W));
TLH_ASSERT(tag_me32, sizeof(struct tagMODULEENTRY32) ==
	   sizeof(MODULEENTRY32));
TLH_ASSERT(tag_hl32, sizeof(struct tagHEAPLIST32) == sizeof(HEAPLIST32));
TLH_ASSERT(tag_he32, sizeof(struct tagHEAPENTRY32) == sizeof(HEAPENTRY32));

/* The heap structures' dwSize is a SIZE_T, not a DWORD. */
TLH_ASSERT(hl32_dwsize_width, sizeof(((HEAPLIST32 *)0)->dwSize) ==
	   sizeof(SIZE_T));
TLH_ASSERT(he32_dwsize_width, sizeof(((HEAPENTRY32 *)0)->dwSize) ==
	   sizeof(SIZE_T));
TLH_ASSERT(he32_blocksize_width, sizeof(((HEAPENTRY32 *)0)->dwBlockSize) ==
	   sizeof(SIZE_T));
TLH_ASSERT(he32_address_width, sizeof(((HEAPENTRY32 *)0)->dwAddress) ==
	   sizeof(ULONG_PTR));

/* Array lengths, on any data model. */
#define TLH_LEN(type, field)	(sizeof(((type *)0)->field) / \
				 sizeof(((type *)0)->field[0]))
TLH_ASSERT(pe32w_exe_len, TLH_LEN(PROCESSENTRY32W, szExeFile) == MAX_PATH);
TLH_ASSERT(pe32w_exe_unit, sizeof(((PROCESSENTRY32W *)0)->szExeFile[0]) ==
	   2);
TLH_ASSERT(pe32_exe_len, TLH_LEN(PROCESSENTRY32, szExeFile) == MAX_PATH);
TLH_ASSERT(me32w_module_len, TLH_LEN(MODULEENTRY32W, szModule) == 256);
TLH_ASSERT(me32w_path_len, TLH_LEN(MODULEENTRY32W, szExePath) == MAX_PATH);
TLH_ASSERT(me32_module_len, TLH_LEN(MODULEENTRY32, szModule) == 256);
TLH_ASSERT(me32_path_len, TLH_LEN(MODULEENTRY32, szExePath) == MAX_PATH);

/*
 * Sizes and offsets as on Win64, which LP64 Linux reproduces: a structure
 * written by one is read by the other, and code that hard-codes them (or
 * reads a dump) keeps working.  A 32-bit build (4-byte pointers and
 * SIZE_T) reproduces Win32's, further down.
 */
#define TLH_AT(name, type, field, off) \
	TLH_ASSERT(name, offsetof(type, field) == (off))

#ifdef __LP64__
TLH_ASSERT(pe32w_size, sizeof(PROCESSENTRY32W) == 568);
TLH_AT(pe32w_dwsize, PROCESSENTRY32W, dwSize, 0);
TLH_AT(pe32w_cntusage, PROCESSENTRY32W, cntUsage, 4);
TLH_AT(pe32w_pid, PROCESSENTRY32W, th32ProcessID, 8);
TLH_AT(pe32w_heapid, PROCESSENTRY32W, th32DefaultHeapID, 16);
TLH_AT(pe32w_moduleid, PROCESSENTRY32W, th32ModuleID, 24);
TLH_AT(pe32w_threads, PROCESSENTRY32W, cntThreads, 28);
TLH_AT(pe32w_ppid, PROCESSENTRY32W, th32ParentProcessID, 32);
TLH_AT(pe32w_pri, PROCESSENTRY32W, pcPriClassBase, 36);
TLH_AT(pe32w_flags, PROCESSENTRY32W, dwFlags, 40);
TLH_AT(pe32w_exe, PROCESSENTRY32W, szExeFile, 44);

TLH_ASSERT(pe32_size, sizeof(PROCESSENTRY32) == 304);
TLH_AT(pe32_heapid, PROCESSENTRY32, th32DefaultHeapID, 16);
TLH_AT(pe32_ppid, PROCESSENTRY32, th32ParentProcessID, 32);
TLH_AT(pe32_flags, PROCESSENTRY32, dwFlags, 40);
TLH_AT(pe32_exe, PROCESSENTRY32, szExeFile, 44);

TLH_ASSERT(te32_size, sizeof(THREADENTRY32) == 28);
TLH_AT(te32_dwsize, THREADENTRY32, dwSize, 0);
TLH_AT(te32_cntusage, THREADENTRY32, cntUsage, 4);
TLH_AT(te32_tid, THREADENTRY32, th32ThreadID, 8);
TLH_AT(te32_pid, THREADENTRY32, th32OwnerProcessID, 12);
TLH_AT(te32_basepri, THREADENTRY32, tpBasePri, 16);
TLH_AT(te32_deltapri, THREADENTRY32, tpDeltaPri, 20);
TLH_AT(te32_flags, THREADENTRY32, dwFlags, 24);

TLH_ASSERT(me32w_size, sizeof(MODULEENTRY32W) == 1080);
TLH_AT(me32w_dwsize, MODULEENTRY32W, dwSize, 0);
TLH_AT(me32w_moduleid, MODULEENTRY32W, th32ModuleID, 4);
TLH_AT(me32w_pid, MODULEENTRY32W, th32ProcessID, 8);
TLH_AT(me32w_glblcnt, MODULEENTRY32W, GlblcntUsage, 12);
TLH_AT(me32w_proccnt, MODULEENTRY32W, ProccntUsage, 16);
TLH_AT(me32w_base, MODULEENTRY32W, modBaseAddr, 24);
TLH_AT(me32w_basesize, MODULEENTRY32W, modBaseSize, 32);
TLH_AT(me32w_hmodule, MODULEENTRY32W, hModule, 40);
TLH_AT(me32w_module, MODULEENTRY32W, szModule, 48);
TLH_AT(me32w_path, MODULEENTRY32W, szExePath, 560);

TLH_ASSERT(me32_size, sizeof(MODULEENTRY32) == 568);
TLH_AT(me32_base, MODULEENTRY32, modBaseAddr, 24);
TLH_AT(me32_basesize, MODULEENTRY32, modBaseSize, 32);
TLH_AT(me32_hmodule, MODULEENTRY32, hModule, 40);
TLH_AT(me32_module, MODULEENTRY32, szModule, 48);
TLH_AT(me32_path, MODULEENTRY32, szExePath, 304);

TLH_ASSERT(hl32_size, sizeof(HEAPLIST32) == 32);
TLH_AT(hl32_dwsize, HEAPLIST32, dwSize, 0);
TLH_AT(hl32_pid, HEAPLIST32, th32ProcessID, 8);
TLH_AT(hl32_heapid, HEAPLIST32, th32HeapID, 16);
TLH_AT(hl32_flags, HEAPLIST32, dwFlags, 24);

TLH_ASSERT(he32_size, sizeof(HEAPENTRY32) == 56);
TLH_AT(he32_dwsize, HEAPENTRY32, dwSize, 0);
TLH_AT(he32_handle, HEAPENTRY32, hHandle, 8);
TLH_AT(he32_address, HEAPENTRY32, dwAddress, 16);
TLH_AT(he32_blocksize, HEAPENTRY32, dwBlockSize, 24);
TLH_AT(he32_flags, HEAPENTRY32, dwFlags, 32);
TLH_AT(he32_lockcount, HEAPENTRY32, dwLockCount, 36);
TLH_AT(he32_resvd, HEAPENTRY32, dwResvd, 40);
TLH_AT(he32_pid, HEAPENTRY32, th32ProcessID, 44);
TLH_AT(he32_heapid, HEAPENTRY32, th32HeapID, 48);
#elif defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ == 4
TLH_ASSERT(pe32w_size, sizeof(PROCESSENTRY32W) == 556);
TLH_AT(pe32w_pid, PROCESSENTRY32W, th32ProcessID, 8);
TLH_AT(pe32w_heapid, PROCESSENTRY32W, th32DefaultHeapID, 12);
TLH_AT(pe32w_moduleid, PROCESSENTRY32W, th32ModuleID, 16);
TLH_AT(pe32w_threads, PROCESSENTRY32W, cntThreads, 20);
TLH_AT(pe32w_ppid, PROCESSENTRY32W, th32ParentProcessID, 24);
TLH_AT(pe32w_pri, PROCESSENTRY32W, pcPriClassBase, 28);
TLH_AT(pe32w_flags, PROCESSENTRY32W, dwFlags, 32);
TLH_AT(pe32w_exe, PROCESSENTRY32W, szExeFile, 36);

TLH_ASSERT(pe32_size, sizeof(PROCESSENTRY32) == 296);
TLH_AT(pe32_heapid, PROCESSENTRY32, th32DefaultHeapID, 12);
TLH_AT(pe32_flags, PROCESSENTRY32, dwFlags, 32);
TLH_AT(pe32_exe, PROCESSENTRY32, szExeFile, 36);

TLH_ASSERT(te32_size, sizeof(THREADENTRY32) == 28);
TLH_AT(te32_basepri, THREADENTRY32, tpBasePri, 16);
TLH_AT(te32_flags, THREADENTRY32, dwFlags, 24);

TLH_ASSERT(me32w_size, sizeof(MODULEENTRY32W) == 1064);
TLH_AT(me32w_proccnt, MODULEENTRY32W, ProccntUsage, 16);
TLH_AT(me32w_base, MODULEENTRY32W, modBaseAddr, 20);
TLH_AT(me32w_basesize, MODULEENTRY32W, modBaseSize, 24);
TLH_AT(me32w_hmodule, MODULEENTRY32W, hModule, 28);
TLH_AT(me32w_module, MODULEENTRY32W, szModule, 32);
TLH_AT(me32w_path, MODULEENTRY32W, szExePath, 544);

TLH_ASSERT(me32_size, sizeof(MODULEENTRY32) == 548);
TLH_AT(me32_base, MODULEENTRY32, modBaseAddr, 20);
TLH_AT(me32_hmodule, MODULEENTRY32, hModule, 28);
TLH_AT(me32_module, MODULEENTRY32, szModule, 32);
TLH_AT(me32_path, MODULEENTRY32, szExePath, 288);

TLH_ASSERT(hl32_size, sizeof(HEAPLIST32) == 16);
TLH_AT(hl32_pid, HEAPLIST32, th32ProcessID, 4);
TLH_AT(hl32_heapid, HEAPLIST32, th32HeapID, 8);
TLH_AT(hl32_flags, HEAPLIST32, dwFlags, 12);

TLH_ASSERT(he32_size, sizeof(HEAPENTRY32) == 36);
TLH_AT(he32_handle, HEAPENTRY32, hHandle, 4);
TLH_AT(he32_address, HEAPENTRY32, dwAddress, 8);
TLH_AT(he32_blocksize, HEAPENTRY32, dwBlockSize, 12);
TLH_AT(he32_flags, HEAPENTRY32, dwFlags, 16);
TLH_AT(he32_pid, HEAPENTRY32, th32ProcessID, 28);
TLH_AT(he32_heapid, HEAPENTRY32, th32HeapID, 32);
#else
#error "neither LP64 nor 32-bit: which Windows layout applies?"
#endif /* __LP64__ */

/*
 * <windows.h>: the memory and system structures, as on Win64 and Win32,
 * and the constants of FormatMessage and GetSystemInfo.
 */
#ifdef __LP64__
TLH_ASSERT(mbi_size, sizeof(MEMORY_BASIC_INFORMATION) == 48);
TLH_AT(mbi_base, MEMORY_BASIC_INFORMATION, BaseAddress, 0);
TLH_AT(mbi_allocbase, MEMORY_BASIC_INFORMATION, AllocationBase, 8);
TLH_AT(mbi_allocprot, MEMORY_BASIC_INFORMATION, AllocationProtect, 16);
TLH_AT(mbi_partition, MEMORY_BASIC_INFORMATION, PartitionId, 20);
TLH_AT(mbi_regionsize, MEMORY_BASIC_INFORMATION, RegionSize, 24);
TLH_AT(mbi_state, MEMORY_BASIC_INFORMATION, State, 32);
TLH_AT(mbi_protect, MEMORY_BASIC_INFORMATION, Protect, 36);
TLH_AT(mbi_type, MEMORY_BASIC_INFORMATION, Type, 40);

TLH_ASSERT(si_size, sizeof(SYSTEM_INFO) == 48);
TLH_AT(si_pagesize, SYSTEM_INFO, dwPageSize, 4);
TLH_AT(si_min, SYSTEM_INFO, lpMinimumApplicationAddress, 8);
TLH_AT(si_max, SYSTEM_INFO, lpMaximumApplicationAddress, 16);
TLH_AT(si_mask, SYSTEM_INFO, dwActiveProcessorMask, 24);
TLH_AT(si_ncpus, SYSTEM_INFO, dwNumberOfProcessors, 32);
TLH_AT(si_type, SYSTEM_INFO, dwProcessorType, 36);
TLH_AT(si_granularity, SYSTEM_INFO, dwAllocationGranularity, 40);
TLH_AT(si_level, SYSTEM_INFO, wProcessorLevel, 44);
TLH_AT(si_revision, SYSTEM_INFO, wProcessorRevision, 46);
#else
TLH_ASSERT(mbi_size, sizeof(MEMORY_BASIC_INFORMATION) == 28);
TLH_AT(mbi_allocbase, MEMORY_BASIC_INFORMATION, AllocationBase, 4);
TLH_AT(mbi_allocprot, MEMORY_BASIC_INFORMATION, AllocationProtect, 8);
TLH_AT(mbi_regionsize, MEMORY_BASIC_INFORMATION, RegionSize, 12);
TLH_AT(mbi_state, MEMORY_BASIC_INFORMATION, State, 16);
TLH_AT(mbi_protect, MEMORY_BASIC_INFORMATION, Protect, 20);
TLH_AT(mbi_type, MEMORY_BASIC_INFORMATION, Type, 24);

TLH_ASSERT(si_size, sizeof(SYSTEM_INFO) == 36);
TLH_AT(si_pagesize, SYSTEM_INFO, dwPageSize, 4);
TLH_AT(si_min, SYSTEM_INFO, lpMinimumApplicationAddress, 8);
TLH_AT(si_max, SYSTEM_INFO, lpMaximumApplicationAddress, 12);
TLH_AT(si_mask, SYSTEM_INFO, dwActiveProcessorMask, 16);
TLH_AT(si_ncpus, SYSTEM_INFO, dwNumberOfProcessors, 20);
TLH_AT(si_type, SYSTEM_INFO, dwProcessorType, 24);
TLH_AT(si_granularity, SYSTEM_INFO, dwAllocationGranularity, 28);
TLH_AT(si_level, SYSTEM_INFO, wProcessorLevel, 32);
TLH_AT(si_revision, SYSTEM_INFO, wProcessorRevision, 34);
#endif
/* The union at the start: dwOemId, or the architecture and a reserved
 * word. */
TLH_AT(si_oemid, SYSTEM_INFO, dwOemId, 0);
TLH_AT(si_arch, SYSTEM_INFO, wProcessorArchitecture, 0);
TLH_AT(si_reserved, SYSTEM_INFO, wReserved, 2);
TLH_ASSERT(si_arch_size, sizeof(((SYSTEM_INFO *)0)->wProcessorArchitecture)
	   == 2);
TLH_ASSERT(si_mask_size, sizeof(((SYSTEM_INFO *)0)->dwActiveProcessorMask)
	   == sizeof(void *));

#if FORMAT_MESSAGE_ALLOCATE_BUFFER != 0x100 || \
	FORMAT_MESSAGE_IGNORE_INSERTS != 0x200 || \
	FORMAT_MESSAGE_FROM_STRING != 0x400 || \
	FORMAT_MESSAGE_FROM_HMODULE != 0x800 || \
	FORMAT_MESSAGE_FROM_SYSTEM != 0x1000 || \
	FORMAT_MESSAGE_ARGUMENT_ARRAY != 0x2000 || \
	FORMAT_MESSAGE_MAX_WIDTH_MASK != 0xFF
#error "a FORMAT_MESSAGE_ flag differs from Windows"
#endif
#if ERROR_NO_WORK_DONE != 235 || ERROR_MR_MID_NOT_FOUND != 317 || \
	ERROR_RESOURCE_TYPE_NOT_FOUND != 1813 || \
	ERROR_RESOURCE_LANG_NOT_FOUND != 1815 || \
	ERROR_MUI_FILE_NOT_FOUND != 15100
#error "an ERROR_ code of FormatMessage differs from Windows"
#endif
#if PROCESSOR_ARCHITECTURE_INTEL != 0 || \
	PROCESSOR_ARCHITECTURE_AMD64 != 9 || \
	PROCESSOR_ARCHITECTURE_ARM64 != 12 || \
	PROCESSOR_ARCHITECTURE_UNKNOWN != 0xFFFF || \
	PROCESSOR_INTEL_PENTIUM != 586 || PROCESSOR_AMD_X8664 != 8664
#error "a PROCESSOR_ constant differs from Windows"
#endif
TLH_ASSERT(langid_default, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT) == 0x400);
TLH_ASSERT(langid_en_us, MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US) ==
	   0x409);

/*
 * The version macros: numbers the preprocessor compares, one number that
 * orders releases, and the string, all configure's version
 * (TLH_PACKAGE_VERSION, from Makefile.am).
 */
#if !defined(TLHELP32_VERSION_MAJOR) || !defined(TLHELP32_VERSION_MINOR) || \
	!defined(TLHELP32_VERSION_MICRO) || !defined(TLHELP32_VERSION_STRING)
#error "<tlhelp32.h> gives no TLHELP32_VERSION_* macros"
#endif
#if TLHELP32_VERSION_NUMBER < TLHELP32_VERSION_ENCODE(0, 2, 0) || \
	TLHELP32_VERSION_NUMBER != TLHELP32_VERSION_MAJOR * 10000L + \
	TLHELP32_VERSION_MINOR * 100L + TLHELP32_VERSION_MICRO
#error "TLHELP32_VERSION_NUMBER is not 0.2.0 or later, or not its parts"
#endif
#define TLH_STR(x)	#x
#define TLH_XSTR(x)	TLH_STR(x)
static const char version_parts[] = TLH_XSTR(TLHELP32_VERSION_MAJOR) "."
	TLH_XSTR(TLHELP32_VERSION_MINOR) "." TLH_XSTR(TLHELP32_VERSION_MICRO);
static const char version_string[] = TLHELP32_VERSION_STRING;
static const char version_package[] = TLH_PACKAGE_VERSION;
TLH_ASSERT(version_string, sizeof(version_string) == sizeof(version_parts));
TLH_ASSERT(version_package, sizeof(version_package) == sizeof(version_parts));

/* WINAPI is a calling convention on Windows and nothing here. */
static int WINAPI
twice(int x)
{
	return 2 * x;
}

int
main(void)
{
	/* Exact Windows prototypes. */
	BOOL (WINAPI *read_memory)(DWORD, LPCVOID, LPVOID, SIZE_T, SIZE_T *);
	DWORD (WINAPI *get_last_error)(void);
	void (WINAPI *set_last_error)(DWORD);
	HANDLE (WINAPI *create_snapshot)(DWORD, DWORD);
	BOOL (WINAPI *close_handle)(HANDLE);
	BOOL (WINAPI *process_walk)(HANDLE, PROCESSENTRY32 *);
	BOOL (WINAPI *process_walk_w)(HANDLE, PROCESSENTRY32W *);
	BOOL (WINAPI *thread_walk)(HANDLE, THREADENTRY32 *);
	BOOL (WINAPI *module_walk)(HANDLE, MODULEENTRY32 *);
	BOOL (WINAPI *module_walk_w)(HANDLE, MODULEENTRY32W *);
	BOOL (WINAPI *heaplist_walk)(HANDLE, HEAPLIST32 *);
	BOOL (WINAPI *heap_first)(HEAPENTRY32 *, DWORD, ULONG_PTR);
	BOOL (WINAPI *heap_next)(HEAPENTRY32 *);
	DWORD (WINAPI *format_a)(DWORD, LPCVOID, DWORD, DWORD, LPSTR, DWORD,
				 va_list *);
	DWORD (WINAPI *format_w)(DWORD, LPCVOID, DWORD, DWORD, LPWSTR, DWORD,
				 va_list *);
	HLOCAL (WINAPI *local_free)(HLOCAL);
	void (WINAPI *system_info)(LPSYSTEM_INFO);
	/* The pointer typedefs point to the structures. */
	PROCESSENTRY32 pe;
	PPROCESSENTRY32 ppe = &pe;
	LPPROCESSENTRY32 lppe = ppe;
	PROCESSENTRY32W pew;
	PPROCESSENTRY32W ppew = &pew;
	LPPROCESSENTRY32W lppew = ppew;
	THREADENTRY32 te;
	PTHREADENTRY32 pte = &te;
	LPTHREADENTRY32 lpte = pte;
	MODULEENTRY32 me;
	PMODULEENTRY32 pme = &me;
	LPMODULEENTRY32 lpme = pme;
	MODULEENTRY32W mew;
	PMODULEENTRY32W pmew = &mew;
	LPMODULEENTRY32W lpmew = pmew;
	HEAPLIST32 hl;
	PHEAPLIST32 phl = &hl;
	LPHEAPLIST32 lphl = phl;
	HEAPENTRY32 he;
	PHEAPENTRY32 phe = &he;
	LPHEAPENTRY32 lphe = phe;
	BYTE *base;
	/* Pointer types: these assignments only compile without a warning
	 * if the types are what Windows code takes them to be. */
	DWORD dw = 0;
	LPDWORD lpdw = &dw;
	uint32_t *u32 = lpdw;
	int i = 0;
	HANDLE h = &i;
	HMODULE hm = h;
	LPVOID lpv = hm;
	LPCVOID lpcv = lpv;
	const void *cv = lpcv;
	CHAR path[MAX_PATH];

	/*
	 * Each function's address meets a pointer of the expected type in
	 * a conditional expression, which requires the two types to be
	 * compatible.  As the operand of sizeof it is type-checked but
	 * never evaluated, so this program links without the library at
	 * any optimisation level (Makefile.am gives it none).
	 */
	(void)sizeof(0 ? read_memory : &Toolhelp32ReadProcessMemory);
	(void)sizeof(0 ? get_last_error : &GetLastError);
	(void)sizeof(0 ? set_last_error : &SetLastError);
	(void)sizeof(0 ? create_snapshot : &CreateToolhelp32Snapshot);
	(void)sizeof(0 ? close_handle : &CloseHandle);
	(void)sizeof(0 ? process_walk : &Process32First);
	(void)sizeof(0 ? process_walk : &Process32Next);
	(void)sizeof(0 ? process_walk_w : &Process32FirstW);
	(void)sizeof(0 ? process_walk_w : &Process32NextW);
	(void)sizeof(0 ? thread_walk : &Thread32First);
	(void)sizeof(0 ? thread_walk : &Thread32Next);
	(void)sizeof(0 ? module_walk : &Module32First);
	(void)sizeof(0 ? module_walk : &Module32Next);
	(void)sizeof(0 ? module_walk_w : &Module32FirstW);
	(void)sizeof(0 ? module_walk_w : &Module32NextW);
	(void)sizeof(0 ? heaplist_walk : &Heap32ListFirst);
	(void)sizeof(0 ? heaplist_walk : &Heap32ListNext);
	(void)sizeof(0 ? heap_first : &Heap32First);
	(void)sizeof(0 ? heap_next : &Heap32Next);
	(void)sizeof(0 ? format_a : &FormatMessageA);
	(void)sizeof(0 ? format_w : &FormatMessageW);
	(void)sizeof(0 ? local_free : &LocalFree);
	(void)sizeof(0 ? system_info : &GetSystemInfo);

	/* Field types, by use. */
	lppe->dwSize = sizeof(*lppe);
	lppew->dwSize = sizeof(*lppew);
	lpte->dwSize = sizeof(*lpte);
	lpme->dwSize = sizeof(*lpme);
	lpmew->dwSize = sizeof(*lpmew);
	lphl->dwSize = sizeof(*lphl);
	lphe->dwSize = sizeof(*lphe);
	lphe->hHandle = (HANDLE)&i;
	lphe->dwAddress = (ULONG_PTR)lphe->hHandle;
	lphl->th32HeapID = lphe->dwAddress;
	lppew->szExeFile[0] = (WCHAR)0xFFFF;
	lppe->szExeFile[0] = 'x';
	base = lpme->modBaseAddr = (BYTE *)&i;
	lpmew->hModule = (HMODULE)base;
	h = INVALID_HANDLE_VALUE;

	path[0] = '\0';
	if (strcmp(version_string, version_parts) ||
	    strcmp(version_package, version_parts))
		return 1;
	return twice(*u32) + (cv == (const void *)&i ? 0 : 1) + path[0] +
	       (h == lpmew->hModule) + (lppew->szExeFile[0] != 0xFFFF) +
	       (lppe->szExeFile[0] != 'x') + (lpte->dwSize != 28) +
	       (lphl->th32HeapID != (ULONG_PTR)&i) +
	       (lphe->dwSize != sizeof(HEAPENTRY32));
}
