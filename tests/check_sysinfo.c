/*
 * check_sysinfo.c - GetSystemInfo: the page size and granularity, the
 * address range (its top is the highest page user space can map, which
 * MAP_FIXED_NOREPLACE confirms), the CPUs of the caller's affinity mask,
 * narrowed in a thread of its own, the processor as /proc/cpuinfo names
 * it, and a NULL pointer.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <windows.h>

#include "fixtures.h"
#include "suites.h"

#define MASK_BITS	(8 * sizeof(DWORD_PTR))
#define MAX_CPUS	16384

START_TEST(pages)
{
	SYSTEM_INFO si;

	memset(&si, 0xA5, sizeof(si));
	GetSystemInfo(&si);
	ck_assert_uint_eq(si.dwPageSize, (DWORD)sysconf(_SC_PAGESIZE));
	ck_assert_uint_eq(si.dwAllocationGranularity, 65536);
	ck_assert_uint_eq(si.dwAllocationGranularity % si.dwPageSize, 0);
	ck_assert_ptr_eq(si.lpMinimumApplicationAddress, (LPVOID)0x10000);
	ck_assert_uint_eq(si.wReserved, 0);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* the architecture, seen through the union's other member */
	ck_assert_uint_eq(si.dwOemId, si.wProcessorArchitecture);
#endif
}
END_TEST

/* 1 if the page at @addr can be mapped (or already is). */
static int
page_mappable(uintptr_t addr, size_t pg)
{
	void *hint = (void *)addr, *p;

	p = mmap(hint, pg, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != MAP_FAILED)
		munmap(p, pg);
	return p == hint || (p == MAP_FAILED && errno == EEXIST);
}

START_TEST(address_range)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	uintptr_t min, max, top = tlh_fx_user_top();
	SYSTEM_INFO si;
	void *heap = malloc(1);

	GetSystemInfo(&si);
	min = (uintptr_t)si.lpMinimumApplicationAddress;
	max = (uintptr_t)si.lpMaximumApplicationAddress;
	/* what the process has lies within the range */
	ck_assert_ptr_nonnull(heap);
	ck_assert_uint_ge((uintptr_t)heap, min);
	ck_assert_uint_le((uintptr_t)heap, max);
	ck_assert_uint_le((uintptr_t)&si, max);
	ck_assert_uint_ge((uintptr_t)&page_mappable, min);
	free(heap);
	if (!top)
		return;		/* the fixtures know no top here */

	/* the last byte of the last page user space can map */
	ck_assert_uint_eq(max, top - 1);
	ck_assert_uint_eq((max + 1) % pg, 0);
#ifdef __x86_64__
	ck_assert(max == 0x7FFFFFFFEFFFu || max == 0xFFFFFFFFFFEFFFu);
#endif
	ck_assert_msg(page_mappable(max + 1 - pg, pg),
		      "the page at %#zx, below the top, cannot be mapped",
		      (size_t)(max + 1 - pg));
	ck_assert_msg(!page_mappable(max + 1, pg),
		      "the page at %#zx, above the top, can be mapped",
		      (size_t)(max + 1));
}
END_TEST

/* The calling thread's CPUs: their number, and which of the first ones. */
static void
allowed_cpus(DWORD *count, DWORD_PTR *mask)
{
	size_t size = CPU_ALLOC_SIZE(MAX_CPUS), i;
	cpu_set_t *set = CPU_ALLOC(MAX_CPUS);

	ck_assert_ptr_nonnull(set);
	ck_assert_int_eq(sched_getaffinity(0, size, set), 0);
	*count = (DWORD)CPU_COUNT_S(size, set);
	*mask = 0;
	for (i = 0; i < MASK_BITS; i++) {
		if (CPU_ISSET_S(i, size, set))
			*mask |= (DWORD_PTR)1 << i;
	}
	CPU_FREE(set);
}

#ifdef __aarch64__
/* The lowest CPU the calling thread may run on. */
static int
first_cpu(void)
{
	size_t size = CPU_ALLOC_SIZE(MAX_CPUS);
	cpu_set_t *set = CPU_ALLOC(MAX_CPUS);
	int i;

	ck_assert_ptr_nonnull(set);
	ck_assert_int_eq(sched_getaffinity(0, size, set), 0);
	for (i = 0; i < MAX_CPUS && !CPU_ISSET_S(i, size, set); i++)
		;
	CPU_FREE(set);
	return i;
}
#endif

START_TEST(processors)
{
	SYSTEM_INFO si;
	DWORD count;
	DWORD_PTR mask;

	GetSystemInfo(&si);
	allowed_cpus(&count, &mask);
	ck_assert_uint_ge(si.dwNumberOfProcessors, 1);
	ck_assert_uint_eq(si.dwNumberOfProcessors, count);
	ck_assert_uint_eq(si.dwActiveProcessorMask, mask);
}
END_TEST

/* A thread that runs on the CPUs of @arg only and reports what it sees. */
struct narrowed {
	cpu_set_t *set;
	size_t size;
	int err;
	SYSTEM_INFO si;
};

static void *
run_narrowed(void *arg)
{
	struct narrowed *n = arg;

	n->err = sched_setaffinity(0, n->size, n->set) ? errno : 0;
	if (!n->err)
		GetSystemInfo(&n->si);
	return NULL;
}

START_TEST(processors_narrowed)
{
	size_t size = CPU_ALLOC_SIZE(MAX_CPUS), i;
	cpu_set_t *all = CPU_ALLOC(MAX_CPUS);
	struct narrowed n;
	DWORD_PTR mask = 0;
	pthread_t th;

	ck_assert_ptr_nonnull(all);
	ck_assert_int_eq(sched_getaffinity(0, size, all), 0);
	n.set = CPU_ALLOC(MAX_CPUS);
	n.size = size;
	ck_assert_ptr_nonnull(n.set);
	/* the first CPU, then the first and the last */
	CPU_ZERO_S(size, n.set);
	for (i = 0; i < MAX_CPUS && !CPU_ISSET_S(i, size, all); i++)
		;
	ck_assert_uint_lt(i, MAX_CPUS);
	CPU_SET_S(i, size, n.set);
	if (i < MASK_BITS)
		mask = (DWORD_PTR)1 << i;

	ck_assert_int_eq(pthread_create(&th, NULL, run_narrowed, &n), 0);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_eq(n.err, 0);
	ck_assert_uint_eq(n.si.dwNumberOfProcessors, 1);
	ck_assert_uint_eq(n.si.dwActiveProcessorMask, mask);

	/* add the last allowed CPU, if there is another */
	for (i = MAX_CPUS; i-- > 0;) {
		if (CPU_ISSET_S(i, size, all))
			break;
	}
	if (!CPU_ISSET_S(i, size, n.set)) {
		CPU_SET_S(i, size, n.set);
		if (i < MASK_BITS)
			mask |= (DWORD_PTR)1 << i;
		ck_assert_int_eq(pthread_create(&th, NULL, run_narrowed, &n),
				 0);
		ck_assert_int_eq(pthread_join(th, NULL), 0);
		ck_assert_int_eq(n.err, 0);
		ck_assert_uint_eq(n.si.dwNumberOfProcessors, 2);
		ck_assert_uint_eq(n.si.dwActiveProcessorMask, mask);
	}
	CPU_FREE(n.set);
	CPU_FREE(all);
}
END_TEST

#if defined(__x86_64__) || defined(__i386__)
/*
 * The first value of "@key : n" in /proc/cpuinfo (the first processor),
 * in @base (0: as C reads it, so 0x... is hex); -1 if there is none.
 */
static long
cpuinfo(const char *key, int base)
{
	char line[512], *colon, *end;
	size_t klen = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		colon = strchr(line, ':');
		if (!colon || strncmp(line, key, klen) ||
		    strspn(line + klen, " \t") != (size_t)(colon - line) - klen)
			continue;
		v = strtol(colon + 1, &end, base);
		if (end == colon + 1)
			v = -1;
		break;
	}
	fclose(f);
	return v;
}

/*
 * 1 if the CPUID this process sees is not the processor's, which
 * /proc/cpuinfo describes: under valgrind, or a QEMU user-mode emulator
 * (whose processor names itself "QEMU Virtual CPU").
 */
static int
cpuid_emulated(void)
{
	unsigned int brand[13] = { 0 }, i;

	if (tlh_fx_under_valgrind())
		return 1;
	if ((unsigned int)__get_cpuid_max(0x80000000, NULL) < 0x80000004u)
		return 0;
	for (i = 0; i < 3; i++)
		__get_cpuid(0x80000002 + i, &brand[4 * i], &brand[4 * i + 1],
			    &brand[4 * i + 2], &brand[4 * i + 3]);
	return strstr((const char *)brand, "QEMU") != NULL;
}
#endif

START_TEST(processor_identity)
{
	SYSTEM_INFO si;
	long family, model, stepping;

	GetSystemInfo(&si);
#if defined(__x86_64__) || defined(__i386__)
#ifdef __x86_64__
	ck_assert_uint_eq(si.wProcessorArchitecture,
			  PROCESSOR_ARCHITECTURE_AMD64);
	ck_assert_uint_eq(si.dwProcessorType, PROCESSOR_AMD_X8664);
#else
	ck_assert_uint_eq(si.wProcessorArchitecture,
			  PROCESSOR_ARCHITECTURE_INTEL);
#endif
	family = cpuinfo("cpu family", 10);
	model = cpuinfo("model", 10);
	stepping = cpuinfo("stepping", 10);
	if (cpuid_emulated() || family < 0 || model < 0 || stepping < 0) {
		/* a CPUID of the emulator's: read it as Linux does */
		unsigned int a, b, c, d;

		ck_assert(__get_cpuid(1, &a, &b, &c, &d));
		family = a >> 8 & 0xF;
		model = a >> 4 & 0xF;
		stepping = a & 0xF;
		if (family >= 6)
			model += (a >> 16 & 0xF) << 4;
		if (family == 0xF)
			family += a >> 20 & 0xFF;
	}
	ck_assert_uint_eq(si.wProcessorLevel, family);
	ck_assert_uint_eq(si.wProcessorRevision, model << 8 | stepping);
#ifdef __i386__
	ck_assert_uint_eq(si.dwProcessorType, family >= 5 ?
			  PROCESSOR_INTEL_PENTIUM : family == 4 ?
			  PROCESSOR_INTEL_486 : PROCESSOR_INTEL_386);
#endif
#elif defined(__aarch64__)
	ck_assert_uint_eq(si.wProcessorArchitecture,
			  PROCESSOR_ARCHITECTURE_ARM64);
	ck_assert_uint_eq(si.dwProcessorType, 0);
	{
		/* MIDR_EL1 of the first CPU the thread may run on */
		unsigned long long midr = 0;
		char path[96];
		FILE *f;
		int cpu;

		cpu = first_cpu();
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/"
			 "regs/identification/midr_el1", cpu);
		f = fopen(path, "re");
		if (f) {
			ck_assert_int_eq(fscanf(f, "%llx", &midr), 1);
			fclose(f);
		}
		model = (long)(midr >> 4 & 0xFFF);
		family = (long)(midr >> 20 & 0xF);
		stepping = (long)(midr & 0xF);
		ck_assert_uint_eq(si.wProcessorLevel, model);
		ck_assert_uint_eq(si.wProcessorRevision,
				  family << 8 | stepping);
	}
#else
	(void)family;
	(void)model;
	(void)stepping;
	ck_assert_uint_eq(si.wProcessorArchitecture,
			  PROCESSOR_ARCHITECTURE_UNKNOWN);
#endif
}
END_TEST

/* Windows crashes on NULL; here nothing happens. */
START_TEST(null_pointer)
{
	SetLastError(0x1234);
	GetSystemInfo(NULL);
	ck_assert_uint_eq(GetLastError(), 0x1234);
}
END_TEST

Suite *
sysinfo_suite(void)
{
	Suite *s = suite_create("sysinfo");
	TCase *tc = tcase_create("system");

	tcase_add_test(tc, pages);
	tcase_add_test(tc, address_range);
	tcase_add_test(tc, processors);
	tcase_add_test(tc, processors_narrowed);
	tcase_add_test(tc, processor_identity);
	tcase_add_test(tc, null_pointer);
	suite_add_tcase(s, tc);
	return s;
}
