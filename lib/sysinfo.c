/*
 * sysinfo.c - GetSystemInfo: the page size, the address range, the CPUs
 * the caller may run on and what processor they are, in Windows' terms.
 * The processor is identified as Windows identifies it: on x86 from
 * CPUID leaf 1 (family, model and stepping, with the extended fields folded
 * in as the vendors specify), on arm64 from MIDR_EL1 (part number,
 * variant and revision).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <windows.h>

#include "internal.h"
#include "linux/os.h"

/* As on Windows: nothing is mapped below 64 KiB, allocations are aligned
 * to 64 KiB. */
#define MIN_APPLICATION_ADDRESS	0x10000u
#define ALLOCATION_GRANULARITY	65536u

/* The processor fields of @info, for this build's architecture. */
static void
describe_cpu(SYSTEM_INFO *info, const struct tlh_sysinfo *si)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int a, b, c, d, family, model;

	(void)si;
#ifdef __x86_64__
	info->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_AMD64;
	info->dwProcessorType = PROCESSOR_AMD_X8664;
#else
	info->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_INTEL;
	info->dwProcessorType = PROCESSOR_INTEL_PENTIUM;
#endif
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return;
	family = a >> 8 & 0xF;
	model = a >> 4 & 0xF;
	if (family == 6 || family == 0xF)
		model |= (a >> 16 & 0xF) << 4;
	if (family == 0xF)
		family += a >> 20 & 0xFF;
	info->wProcessorLevel = (WORD)family;
	info->wProcessorRevision = (WORD)(model << 8 | (a & 0xF));
#ifdef __i386__
	if (family == 4)
		info->dwProcessorType = PROCESSOR_INTEL_486;
	else if (family < 4)
		info->dwProcessorType = PROCESSOR_INTEL_386;
#endif
#elif defined(__aarch64__)
	/* Windows on Arm: type 0, level the part number, revision the
	 * variant and revision (r3p1: 0x0301). */
	info->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_ARM64;
	info->dwProcessorType = 0;
	info->wProcessorLevel = (WORD)(si->midr >> 4 & 0xFFF);
	info->wProcessorRevision = (WORD)((si->midr >> 20 & 0xF) << 8 |
					  (si->midr & 0xF));
#else
	(void)si;
	info->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_UNKNOWN;
#endif
}

/*
 * Describe the system to @lpSystemInfo.  A NULL pointer (which Windows
 * dereferences) is ignored.
 */
TLH_EXPORT void WINAPI
GetSystemInfo(LPSYSTEM_INFO lpSystemInfo)
{
	struct tlh_sysinfo si;
	SYSTEM_INFO info;

	if (!lpSystemInfo)
		return;
	memset(&info, 0, sizeof(info));
	tlh_os_sysinfo(&si);
	describe_cpu(&info, &si);
	info.dwPageSize = (DWORD)si.page_size;
	info.lpMinimumApplicationAddress =
		(LPVOID)(uintptr_t)MIN_APPLICATION_ADDRESS;
	info.lpMaximumApplicationAddress = (LPVOID)(tlh_os_user_top() - 1);
	info.dwActiveProcessorMask = (DWORD_PTR)si.cpu_mask;
	info.dwNumberOfProcessors = si.ncpus;
	info.dwAllocationGranularity = ALLOCATION_GRANULARITY;
	memcpy(lpSystemInfo, &info, sizeof(info));
}
