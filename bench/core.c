/*
 * core.c - the shared plumbing of the workload benchmarks (see core.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

#define CHILDREN_MAX	8
#define MISSES_MAX	64
#define CLEANUPS_MAX	4

extern char **environ;

/* What the cleanup must undo; only the main process owns any of it. */
static struct {
	pid_t pid;
	int group;		/* leads its own process group */
} children[CHILDREN_MAX];
static int nchildren;
static pid_t main_pid;
static void (*cleanups[CLEANUPS_MAX])(void);
static int ncleanups;

static int bad_checks, n_met, n_missed;
static char misses[MISSES_MAX][256];
static volatile uint64_t sink_sum;

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

struct core_summ
core_summarize(double *v, int n)
{
	struct core_summ s;

	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	s.med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	s.min = v[0];
	return s;
}

double
core_median(double *v, int n)
{
	return core_summarize(v, n).med;
}

void
core_sink(uint64_t x)
{
	sink_sum += x;
}

const char *
core_fmt_summ(char *buf, size_t size, struct core_summ s)
{
	if (s.med >= 1000)
		snprintf(buf, size, "%.0f/%.0f", s.med, s.min);
	else if (s.med >= 100)
		snprintf(buf, size, "%.1f/%.1f", s.med, s.min);
	else
		snprintf(buf, size, "%.2f/%.2f", s.med, s.min);
	return buf;
}

const char *
core_size_name(char *buf, size_t size, size_t n)
{
	if (n >= MiB && n % MiB == 0)
		snprintf(buf, size, "%zuMiB", n / MiB);
	else if (n >= KiB && n % KiB == 0)
		snprintf(buf, size, "%zuKiB", n / KiB);
	else
		snprintf(buf, size, "%zuB", n);
	return buf;
}

void *
core_grow(void *v, size_t n, size_t *alloc, size_t size)
{
	if (n < *alloc)
		return v;
	*alloc = *alloc ? 2 * *alloc : 64;
	v = realloc(v, *alloc * size);
	if (!v)
		core_die("realloc");
	return v;
}

void *
core_map(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		core_die("mmap");
	return p;
}

ssize_t
core_read_full(int fd, void *buf, size_t n)
{
	size_t done = 0;
	ssize_t got;

	while (done < n) {
		got = read(fd, (char *)buf + done, n - done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		done += (size_t)got;
	}
	return (ssize_t)done;
}

int
core_write_full(int fd, const void *buf, size_t n)
{
	size_t done = 0;
	ssize_t got;

	while (done < n) {
		got = write(fd, (const char *)buf + done, n - done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		done += (size_t)got;
	}
	return 0;
}

int
core_count_maps(pid_t pid)
{
	char path[40], buf[65536];
	ssize_t got, i;
	int fd, n = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < got; i++)
			n += buf[i] == '\n';
	close(fd);
	return n;
}

/*
 * The last CPU we may use: the targets sleep, so the work of a read is
 * all on the reader's CPU.
 */
void
core_pin_cpu(void)
{
	const char *no = getenv("BENCH_NO_PIN");
	cpu_set_t set;
	int cpu;

	if (no && *no && strcmp(no, "0")) {
		printf("cpu: not pinned (BENCH_NO_PIN)\n");
		return;
	}
	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	for (cpu = CPU_SETSIZE - 1; cpu >= 0; cpu--)
		if (CPU_ISSET(cpu, &set))
			break;
	if (cpu < 0 || CPU_COUNT(&set) < 2) {
		printf("cpu: not pinned (one CPU)\n");
		return;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		printf("cpu: not pinned (%s)\n", strerror(errno));
	else
		printf("cpu: pinned to cpu %d of %ld online\n", cpu,
		       sysconf(_SC_NPROCESSORS_ONLN));
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

int
core_checks_failed(void)
{
	return bad_checks;
}

/* --- children, and the cleanup, even on a signal ------------------------ */

static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE };
#define NCAUGHT	(sizeof(caught) / sizeof(caught[0]))

/*
 * Hold the caught signals while a child is made and listed, or reaped and
 * struck off, so that the cleanup never misses one nor kills a stale pid.
 */
static void
hold_signals(sigset_t *old)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < NCAUGHT; i++)
		sigaddset(&set, caught[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void
release_signals(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* With the signals held. */
static void
track(pid_t pid, int group)
{
	if (nchildren == CHILDREN_MAX) {
		kill(pid, SIGKILL);
		errno = EAGAIN;
		core_die("too many children");
	}
	children[nchildren].pid = pid;
	children[nchildren].group = group;
	nchildren++;
}

static void
reap_status(pid_t pid, int *st)
{
	while (waitpid(pid, st, 0) < 0 && errno == EINTR)
		;
}

/* With the signals held: strike @pid off; whether it leads a group. */
static int
forget(pid_t pid)
{
	int i, group;

	for (i = 0; i < nchildren; i++) {
		if (children[i].pid == pid) {
			group = children[i].group;
			children[i] = children[--nchildren];
			return group;
		}
	}
	return 0;
}

/*
 * A group (the idle processes and their spawner) dies whole.  Its members
 * but the leader are this process's grandchildren; as a child subreaper it
 * inherits them when their parent dies, so it reaps them all here: no
 * zombie is left for init.
 */
void
core_stop_child(pid_t pid)
{
	sigset_t old;

	hold_signals(&old);
	if (forget(pid)) {
		kill(-pid, SIGKILL);
		for (;;) {
			if (waitpid(-pid, NULL, 0) > 0)
				continue;
			if (errno != EINTR)
				break;
		}
	} else {
		kill(pid, SIGKILL);
		reap_status(pid, NULL);
	}
	release_signals(&old);
}

int
core_wait_child(pid_t pid)
{
	siginfo_t si;
	sigset_t old;
	int st = -1;

	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0 &&
	       errno == EINTR)
		;
	hold_signals(&old);
	reap_status(pid, &st);
	forget(pid);
	release_signals(&old);
	return st;
}

void
core_kill_children(void)
{
	while (nchildren > 0)
		core_stop_child(children[nchildren - 1].pid);
}

/* Async-signal-safe. */
static void
run_cleanup(void)
{
	int i;

	core_kill_children();
	for (i = ncleanups - 1; i >= 0; i--)
		cleanups[i]();
}

/* Does nothing in any process but the main one. */
static void
cleanup_main(void)
{
	if (main_pid && getpid() == main_pid)
		run_cleanup();
}

static void
on_signal(int sig)
{
	cleanup_main();
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

void
core_init(void)
{
	struct sigaction sa;
	size_t i;

	main_pid = getpid();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		core_die("PR_SET_CHILD_SUBREAPER");
	atexit(cleanup_main);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NCAUGHT; i++)
		sigaddset(&sa.sa_mask, caught[i]);	/* no nesting */
	for (i = 0; i < NCAUGHT; i++)
		sigaction(caught[i], &sa, NULL);
}

void
core_on_cleanup(void (*fn)(void))
{
	if (ncleanups == CLEANUPS_MAX) {
		errno = EAGAIN;
		core_die("too many cleanups");
	}
	cleanups[ncleanups++] = fn;
}

/* In a new child: die with the parent, default signal handling. */
static void
child_setup(pid_t parent)
{
	sigset_t none;
	size_t i;

	for (i = 0; i < NCAUGHT; i++)
		signal(caught[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	nchildren = 0;
	ncleanups = 0;
}

static pid_t
fork_tracked(int group)
{
	pid_t parent = getpid(), pid;
	sigset_t old;

	fflush(stdout);
	fflush(stderr);
	hold_signals(&old);
	pid = fork();
	if (pid < 0)
		core_die("fork");
	if (pid == 0) {
		child_setup(parent);
		if (group)
			setpgid(0, 0);
		return 0;
	}
	/* in both, so that the group exists whichever runs first */
	if (group)
		setpgid(pid, pid);
	track(pid, group);
	release_signals(&old);
	return pid;
}

pid_t
core_fork(void)
{
	return fork_tracked(0);
}

pid_t
core_fork_group(void)
{
	return fork_tracked(1);
}

int
core_start(pid_t *pid, int group, core_child_fn *fn, const void *arg,
	   void *out, size_t size)
{
	ssize_t got;
	int fds[2];

	if (pipe2(fds, O_CLOEXEC))
		core_die("pipe");
	*pid = fork_tracked(group);
	if (*pid == 0) {
		close(fds[0]);
		fn(out, arg, fds[1]);
		if (core_write_full(fds[1], out, size))
			_exit(1);
		close(fds[1]);
		for (;;)
			pause();
	}
	close(fds[1]);
	got = core_read_full(fds[0], out, size);
	close(fds[0]);
	if (got == (ssize_t)size)
		return 0;
	errno = EPIPE;
	return -1;
}

int
core_run_quiet(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t old, none;
	int st = -1, err;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	hold_signals(&old);
	err = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	if (!err)
		track(pid, 0);
	release_signals(&old);
	if (!err)
		st = core_wait_child(pid);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return !err && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* --- the results -------------------------------------------------------- */

void
core_note(int met, const char *line)
{
	if (met) {
		n_met++;
		return;
	}
	if (n_missed < MISSES_MAX)
		snprintf(misses[n_missed], sizeof(misses[0]), "%s", line);
	n_missed++;
}

void
core_row(const char *name, double tlh, double pread, double bar)
{
	char line[200];
	int met = !bar || tlh <= bar;

	snprintf(line, sizeof(line), "%-52s %6.2fx %7.2fx", name, tlh, pread);
	if (bar) {
		printf("%s   <= %.2fx %s\n", line, bar, met ? "met" : "MISSED");
		core_note(met, name);
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
	core_note(met, name);
	fflush(stdout);
}

int
core_finish(void)
{
	run_cleanup();
	printf("SUMMARY: %d bars met, %d missed, %d failed checks\n", n_met,
	       n_missed, bad_checks);
	return bad_checks ? 1 : 0;
}

int
core_summary(uint64_t start)
{
	int i;

	printf("\n== summary ==\n");
	for (i = 0; i < n_missed && i < MISSES_MAX; i++)
		printf("MISSED: %s\n", misses[i]);
	printf("SUMMARY targets_met=%d targets_missed=%d byte_checks=%s "
	       "seconds=%.1f\n", n_met, n_missed, bad_checks ? "FAILED" : "ok",
	       (double)(core_now_ns() - start) / 1e9);
	run_cleanup();
	return bad_checks ? 1 : 0;
}
