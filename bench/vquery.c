/*
 * vquery.c - the region walk every Windows memory scanner runs,
 *
 *	for (p = 0; VirtualQueryEx(h, p, &m, sizeof(m)); p = end of m) ...
 *
 * timed over children with 1,000, 20,000 and 40,000 mappings (one page
 * each, protections alternating so that none merge), run by "make bench".
 * Each VirtualQueryEx costs a few system calls whatever the size of the
 * process: the walk is timed against what the kernel itself needs to list
 * the mappings once, a loop of bare PROCMAP_QUERY ioctls and one read of
 * /proc/<pid>/maps, so that a walk that re-read the maps on every call (a
 * thousand times slower at 40,000 mappings) shows at once.
 *
 * The library chooses once per process between PROCMAP_QUERY and the text
 * of /proc/<pid>/maps, so the text path is measured in a copy of this
 * program run again with TLHELP32_FORCE_MAPS_TEXT=1; the read() calls each
 * walk made (from /proc/self/io) show which path was taken.  Every walk is
 * checked: contiguous from 0 up to the call that fails with
 * ERROR_INVALID_PARAMETER, every mapping of the child seen with its
 * protection.  The exit status is non-zero if a check fails.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <windows.h>

#include "linux/procmap_query.h"
#include "../tests/selfio.h"

#define ROUNDS		7
#define TEXT_ENV	"TLHELP32_FORCE_MAPS_TEXT"

static const int sizes[] = { 1000, 20000, 40000 };

static size_t pg;
static int failed;

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
fail(const char *what)
{
	fprintf(stderr, "vquery bench: CHECK FAILED: %s\n", what);
	failed = 1;
}

/* A child with @n one-page mappings at *@base, alternating rw- and r--. */
static pid_t
start_child(int n, uintptr_t *base)
{
	int rep[2];
	char *p;
	pid_t pid;
	int i;

	if (pipe(rep))
		return -1;
	p = mmap(NULL, (size_t)n * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	*base = (uintptr_t)p;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (i = 1; i < n; i += 2)
			if (mprotect(p + (size_t)i * pg, pg, PROT_READ))
				_exit(1);
		if (write(rep[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	munmap(p, (size_t)n * pg);
	close(rep[1]);
	if (pid > 0 && read(rep[0], &i, 1) != 1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(rep[0]);
	return pid;
}

/* One walk: its region count, checked against the child's layout. */
static long
walk(HANDLE h, uintptr_t base, int n)
{
	MEMORY_BASIC_INFORMATION m;
	long regions = 0, seen = 0;
	uintptr_t p = 0;

	while (VirtualQueryEx(h, (LPCVOID)p, &m, sizeof(m)) == sizeof(m)) {
		if ((uintptr_t)m.BaseAddress != p)
			fail("regions not contiguous");
		if (p >= base && p < base + (size_t)n * pg) {
			if (m.RegionSize != pg || m.State != MEM_COMMIT ||
			    m.Protect != ((p - base) / pg % 2 ?
					  PAGE_READONLY : PAGE_READWRITE))
				fail("a mapping of the child misdescribed");
			seen++;
		}
		p += m.RegionSize;
		regions++;
	}
	if (p <= base || p % pg || GetLastError() != ERROR_INVALID_PARAMETER)
		fail("the walk does not end at the top with error 87");
	if (seen != n)
		fail("not every mapping of the child was seen");
	return regions;
}

static int
open_maps(pid_t pid)
{
	char path[40];

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Bare PROCMAP_QUERY over every mapping: the kernel's own cost. */
static double
ioctl_loop(pid_t pid)
{
	struct procmap_query q;
	uint64_t a = 0;
	double t;
	int fd;

	fd = open_maps(pid);
	if (fd < 0)
		return -1;
	t = now_ms();
	for (;;) {
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.query_flags = PROCMAP_QUERY_COVERING_OR_NEXT_VMA;
		q.query_addr = a;
		if (ioctl(fd, PROCMAP_QUERY, &q))
			break;
		a = q.vma_end;
	}
	t = now_ms() - t;
	close(fd);
	return errno == ENOENT ? t : -1;
}

/* One read of the whole maps text. */
static double
text_read(pid_t pid)
{
	static char buf[1 << 16];
	double t;
	int fd;

	fd = open_maps(pid);
	if (fd < 0)
		return -1;
	t = now_ms();
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	t = now_ms() - t;
	close(fd);
	return t;
}

static int
max_map_count(void)
{
	char buf[32];
	ssize_t n;
	int fd;

	fd = open("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 65530;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 65530;
	buf[n] = '\0';
	return atoi(buf);
}

static void
run(const char *path)
{
	double t[ROUNDS], raw[ROUNDS], txt[ROUNDS];
	long regions = 0, reads, before;
	uintptr_t base;
	size_t i;
	pid_t pid;
	HANDLE h;
	int r;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (sizes[i] + 1000 > max_map_count()) {
			printf("%-6s %8d  skipped: vm.max_map_count is %d\n",
			       path, sizes[i], max_map_count());
			continue;
		}
		pid = start_child(sizes[i], &base);
		h = pid > 0 ? OpenProcess(PROCESS_QUERY_INFORMATION, FALSE,
					  (DWORD)pid) : NULL;
		if (!h) {
			fail("starting and opening a child");
			continue;
		}
		reads = 0;
		for (r = 0; r < ROUNDS; r++) {
			before = selfio_reads(NULL);
			t[r] = now_ms();
			regions = walk(h, base, sizes[i]);
			t[r] = now_ms() - t[r];
			reads += selfio_reads(NULL) - before - 1;
			raw[r] = ioctl_loop(pid);
			txt[r] = text_read(pid);
		}
		reads /= ROUNDS;
		qsort(t, ROUNDS, sizeof(t[0]), cmp_double);
		qsort(raw, ROUNDS, sizeof(raw[0]), cmp_double);
		qsort(txt, ROUNDS, sizeof(txt[0]), cmp_double);
		printf("%-6s %8d %8ld %9.2f %9.2f %8.2f %10ld %9.2f %9.2f\n",
		       path, sizes[i], regions, t[ROUNDS / 2], t[0],
		       t[ROUNDS / 2] * 1000 / (double)regions, reads,
		       raw[ROUNDS / 2], txt[ROUNDS / 2]);
		printf("RESULT vquery_walk path=%s mappings=%d regions=%ld "
		       "median_ms=%.2f per_call_us=%.2f\n", path, sizes[i],
		       regions, t[ROUNDS / 2],
		       t[ROUNDS / 2] * 1000 / (double)regions);
		CloseHandle(h);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

int
main(int argc, char *argv[])
{
	const char *force = getenv(TEXT_ENV);
	int text = force && *force && strcmp(force, "0");
	int status;
	pid_t pid;

	(void)argc;
	pg = (size_t)sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!text) {
		printf("VirtualQueryEx region walk: %d rounds, median and "
		       "minimum; the kernel's own listing beside it\n",
		       ROUNDS);
		printf("%-6s %8s %8s %9s %9s %8s %10s %9s %9s\n", "path",
		       "mappings", "regions", "walk ms", "min ms", "us/call",
		       "reads/walk", "ioctls ms", "text ms");
	}
	run(text ? "text" : "ioctl");
	if (!text) {
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			setenv(TEXT_ENV, "1", 1);
			execv("/proc/self/exe", argv);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			fail("the text path's run");
	}
	return failed;
}
