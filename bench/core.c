/*
 * core.c - the shared plumbing of the workload benchmarks (see core.h).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

#define CHILDREN_MAX	8

static pid_t children[CHILDREN_MAX];
static int nchildren, bad_checks, n_met, n_missed;

uint64_t
core_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void
core_die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	core_kill_children();
	exit(2);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
core_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

uint64_t
core_word(uintptr_t addr)
{
	uint64_t x = (uint64_t)addr;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

void
core_fill(void *p, size_t n)
{
	uint64_t *w = p;
	size_t i;

	for (i = 0; i < n / 8; i++)
		w[i] = core_word((uintptr_t)(w + i));
}

int
core_check(const void *buf, uintptr_t src, size_t n)
{
	const unsigned char *b = buf;
	uintptr_t a = src & ~(uintptr_t)7, end = src + n;
	uint64_t w;
	size_t i, k;

	for (; a < end; a += 8) {
		w = core_word(a);
		for (k = 0; k < 8; k++) {
			if (a + k < src || a + k >= end)
				continue;
			i = a + k - src;
			if (b[i] != (unsigned char)(w >> (8 * k)))
				return -1;
		}
	}
	return 0;
}

void
core_fail_check(const char *what)
{
	printf("CHECK FAILED: %s\n", what);
	bad_checks++;
}

pid_t
core_fork(void)
{
	pid_t parent = getpid(), pid;

	if (nchildren == CHILDREN_MAX) {
		errno = EAGAIN;
		core_die("too many children");
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		core_die("fork");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		nchildren = 0;
		return 0;
	}
	children[nchildren++] = pid;
	return pid;
}

void
core_kill_children(void)
{
	int i;

	for (i = 0; i < nchildren; i++) {
		kill(children[i], SIGKILL);
		waitpid(children[i], NULL, 0);
	}
	nchildren = 0;
}

void
core_row(const char *name, double tlh, double pread, double bar)
{
	char line[200];
	int met = !bar || tlh <= bar;

	snprintf(line, sizeof(line), "%-52s %6.2fx %7.2fx", name, tlh, pread);
	if (bar) {
		printf("%s   <= %.2fx %s\n", line, bar, met ? "met" : "MISSED");
		met ? n_met++ : n_missed++;
	} else {
		printf("%s\n", line);
	}
	fflush(stdout);
}

void
core_row_text(const char *name, const char *figure, const char *bar,
	      int met)
{
	printf("%-52s %s   %s %s\n", name, figure, bar, met ? "met" : "MISSED");
	met ? n_met++ : n_missed++;
	fflush(stdout);
}

int
core_finish(void)
{
	core_kill_children();
	printf("SUMMARY: %d bars met, %d missed, %d failed checks\n", n_met,
	       n_missed, bad_checks);
	return bad_checks ? 1 : 0;
}
