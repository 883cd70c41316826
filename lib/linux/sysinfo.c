/*
 * sysinfo.c - the machine as GetSystemInfo describes it: the page size,
 * the CPUs the calling thread may run on (its affinity mask, inherited
 * from the process and narrowed by sched_setaffinity(2), taskset(1) or a
 * cpuset), and on arm64 the identification register of the first of them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "os.h"

#define NCPU_LIMIT	(1 << 22)	/* beyond any kernel's NR_CPUS */

/* Fill in the CPUs from the affinity mask: the first of them, or -errno. */
static int
affinity(struct tlh_sysinfo *si)
{
	size_t ncpu = CPU_SETSIZE, size, i;
	cpu_set_t *set;
	int first = -1, err;

	for (;;) {
		set = CPU_ALLOC(ncpu);
		if (!set)
			return -ENOMEM;
		size = CPU_ALLOC_SIZE(ncpu);
		if (!sched_getaffinity(0, size, set))
			break;
		err = errno;
		CPU_FREE(set);
		/* EINVAL: the kernel's mask is larger than ours */
		if (err != EINVAL || ncpu >= NCPU_LIMIT)
			return -err;
		ncpu *= 2;
	}
	si->ncpus = (uint32_t)CPU_COUNT_S(size, set);
	for (i = 0; i < ncpu; i++) {
		if (!CPU_ISSET_S(i, size, set))
			continue;
		if (first < 0)
			first = (int)i;
		if (i < 64)
			si->cpu_mask |= (uint64_t)1 << i;
	}
	CPU_FREE(set);
	return first < 0 ? -ENODATA : first;
}

#ifdef __aarch64__
/* MIDR_EL1 of @cpu, as the kernel exposes it, or 0. */
static uint64_t
midr(int cpu)
{
	char path[96], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path),
		 "/sys/devices/system/cpu/cpu%d/regs/identification/midr_el1",
		 cpu);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoull(buf, NULL, 16);
}
#endif

void
tlh_os_sysinfo(struct tlh_sysinfo *si)
{
	long pg = sysconf(_SC_PAGESIZE), n;
	int first;

	si->page_size = pg > 0 ? (size_t)pg : 4096;
	si->ncpus = 0;
	si->cpu_mask = 0;
	si->midr = 0;
	first = affinity(si);
	if (first < 0) {
		/* no mask to be had: every online CPU, numbered from 0 */
		n = sysconf(_SC_NPROCESSORS_ONLN);
		si->ncpus = n > 0 ? (uint32_t)n : 1;
		si->cpu_mask = si->ncpus >= 64 ? UINT64_MAX :
			       ((uint64_t)1 << si->ncpus) - 1;
		first = 0;
	}
#ifdef __aarch64__
	si->midr = midr(first);
#else
	(void)first;
#endif
}
