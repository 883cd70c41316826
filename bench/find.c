/*
 * find.c - th32 find's search (tools/th32-scan.c, the code the command
 * runs) over a child with 1 GiB of memory, against a bare loop of 1 MiB
 * process_vm_readv calls and memmem over the same regions, run by
 * "make bench".
 *
 * The child fills 1 GiB with pseudo-random bytes and plants a 16-byte
 * pattern PLANTED times; the scan must find each of them, and at least
 * as many matches as the bare loop.
 * The bare loop reads the readable mappings of /proc/<pid>/maps, in
 * 1 MiB pieces, each with one process_vm_readv, and runs memmem over each
 * piece: the least a scanner can do (it misses matches across pieces).
 * The scan walks the regions with VirtualQueryEx and reads them with
 * ReadProcessMemory, carrying the tail of each chunk into the next.  Each
 * is timed ROUNDS times, interleaved, and the medians compared; the bar
 * is that the scan runs at half the bare loop's throughput or better.
 * The exit status is non-zero if a count is wrong or the bar is missed.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <windows.h>

#include "../tools/th32-scan.h"

#define TARGET_SIZE	((size_t)1 << 30)
#define PIECE		((size_t)1 << 20)
#define PLANTED		1000
#define ROUNDS		5

static const unsigned char pattern[16] = {
	0xf3, 0x9a, 0x11, 0x7e, 0xc4, 0x05, 0xd2, 0x68,
	0x3b, 0xe9, 0x50, 0xa7, 0x1c, 0x86, 0xfd, 0x42,
};

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The child: 1 GiB of noise with the pattern PLANTED times in it. */
static void
child(int ready)
{
	uint64_t x = 0x9e3779b97f4a7c15ull, *w;
	unsigned char *m;
	size_t i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	m = mmap(NULL, TARGET_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		_exit(1);
	w = (uint64_t *)m;
	for (i = 0; i < TARGET_SIZE / 8; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		w[i] = x;
	}
	/* Spread out, some across a 1 MiB boundary of the mapping. */
	for (i = 0; i < PLANTED; i++)
		memcpy(m + (i + 1) * (TARGET_SIZE / (PLANTED + 1)) -
		       (i % 2 ? 7 : 0), pattern, sizeof(pattern));
	if (write(ready, "r", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

struct range {
	uintptr_t lo, hi;
};

/* The readable mappings of @pid, as the bare loop reads them. */
static size_t
readable_maps(pid_t pid, struct range *r, size_t max)
{
	char path[64], line[512], perms[8];
	unsigned long lo, hi;
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 ||
		    perms[0] != 'r' || strstr(line, "[vvar") ||
		    strstr(line, "[vsyscall]"))
			continue;
		r[n].lo = lo;
		r[n].hi = hi;
		n++;
	}
	fclose(f);
	return n;
}

/* The bare loop: returns the matches, adds the bytes read to *@bytes. */
static long
bare(pid_t pid, const struct range *r, size_t n, unsigned char *buf,
     uint64_t *bytes)
{
	struct iovec local, remote;
	const unsigned char *p, *hit;
	long found = 0;
	uintptr_t a;
	ssize_t got;
	size_t i, len;

	for (i = 0; i < n; i++) {
		for (a = r[i].lo; a < r[i].hi; a += len) {
			len = r[i].hi - a < PIECE ? r[i].hi - a : PIECE;
			local.iov_base = buf;
			local.iov_len = len;
			remote.iov_base = (void *)a;
			remote.iov_len = len;
			got = process_vm_readv(pid, &local, 1, &remote, 1, 0);
			if (got <= 0)
				continue;
			*bytes += (uint64_t)got;
			for (p = buf; (hit = memmem(p, (size_t)got -
						    (size_t)(p - buf),
						    pattern,
						    sizeof(pattern)));
			     p = hit + 1)
				found++;
		}
	}
	return found;
}

static int
count(void *arg, uintptr_t addr, const MEMORY_BASIC_INFORMATION *m)
{
	(void)addr;
	(void)m;
	++*(long *)arg;
	return 0;
}

int
main(void)
{
	static struct range r[65536];
	double tb[ROUNDS], ts[ROUNDS], t, b_rate, s_rate;
	uint64_t bb = 0, sb = 0;
	long fb = 0, fs = 0;
	unsigned char *buf;
	struct scan s;
	int fds[2], round, status = 0;
	size_t n;
	HANDLE h;
	pid_t pid;
	char c;

	if (pipe(fds))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		close(fds[0]);
		child(fds[1]);
	}
	close(fds[1]);
	if (read(fds[0], &c, 1) != 1) {
		fprintf(stderr, "find: the child did not start\n");
		return 1;
	}
	buf = malloc(PIECE);
	h = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE,
			(DWORD)pid);
	if (!buf || !h) {
		fprintf(stderr, "find: OpenProcess: error %lu\n",
			(unsigned long)GetLastError());
		kill(pid, SIGKILL);
		return 1;
	}
	n = readable_maps(pid, r, sizeof(r) / sizeof(r[0]));

	for (round = 0; round < ROUNDS; round++) {
		bb = 0;
		fb = 0;
		t = now();
		fb = bare(pid, r, n, buf, &bb);
		tb[round] = now() - t;

		memset(&s, 0, sizeof(s));
		s.process = h;
		s.bytes = pattern;
		s.len = sizeof(pattern);
		s.lo = 0;
		s.hi = UINTPTR_MAX;
		s.match = count;
		fs = 0;
		s.arg = &fs;
		t = now();
		if (scan_run(&s) < 0) {
			fprintf(stderr, "find: scan failed: error %lu\n",
				(unsigned long)GetLastError());
			status = 1;
		}
		ts[round] = now() - t;
		sb = s.bytes_read;
	}
	qsort(tb, ROUNDS, sizeof(tb[0]), cmp_double);
	qsort(ts, ROUNDS, sizeof(ts[0]), cmp_double);
	b_rate = (double)bb / tb[ROUNDS / 2] / (1 << 30);
	s_rate = (double)sb / ts[ROUNDS / 2] / (1 << 30);

	printf("find: a 16-byte pattern in %.2f GiB of a child's memory, "
	       "median of %d\n", (double)bb / (1 << 30), ROUNDS);
	printf("  bare process_vm_readv + memmem, 1 MiB: %7.1f ms  "
	       "%5.2f GiB/s  %ld found\n", tb[ROUNDS / 2] * 1e3, b_rate, fb);
	printf("  th32 find's scan (VirtualQueryEx, RPM): %7.1f ms  "
	       "%5.2f GiB/s  %ld found\n", ts[ROUNDS / 2] * 1e3, s_rate, fs);
	printf("  scan / bare: %.0f%% (bar: 50%%)\n", 100 * s_rate / b_rate);
	/* The bench's own copy of the pattern is in the child too, and
	 * the bare loop misses what crosses its pieces. */
	if (fs < PLANTED || fs < fb) {
		printf("  FAIL: %d planted, the bare loop found %ld, the "
		       "scan %ld\n", PLANTED, fb, fs);
		status = 1;
	}
	if (s_rate < b_rate / 2) {
		printf("  FAIL: the scan is below half the bare loop's "
		       "throughput\n");
		status = 1;
	}
	CloseHandle(h);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	free(buf);
	return status;
}
