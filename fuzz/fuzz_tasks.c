/*
 * fuzz_tasks.c - the process and thread lists' reading of one process's
 * files: add_process() in lib/linux/tasks.c, with its stat file, exe link,
 * cmdline and task/<tid>/stat files, and the names in its task directory.
 *
 * add_process() is static, so this file includes tasks.c; the rest of the
 * library it calls is fuzz/snapstub.c.  It reads relative to a descriptor
 * of /proc, so it is handed one of a directory made here (under
 * $TMPDIR), where each input is laid out as the files of process 4242:
 *
 *	4242/stat  ####  4242/exe (a link to this)  ####  4242/cmdline
 *	####  task entry name, newline, its stat  ####  another ...
 *
 * the sections separated by "\n####\n" (at most 8 task entries; names
 * that cannot be a directory's, "/" or "..", are left out, and so is a
 * second name for a tid already listed, "07" after "7").
 *
 * The result must be what the comments of tasks.c promise: no entry when
 * the stat file does not parse or names another pid; else one with that
 * stat's numbers, a class base priority from it and the name from the
 * exe link's last component (" (deleted)" cut), or from cmdline's argv[0]
 * when comm has the 15 bytes the kernel cuts it to and argv[0] continues
 * it, or comm, or the pid.  Then one thread per task entry whose name is
 * a tid (digits, 1..4194304) and whose stat parses, the main thread
 * first and the rest by start time, then tid, each with a base priority
 * of 1..31.  Asked for threads only, the threads come whatever the
 * process's own stat says.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "linux/tasks.c"

const char fuzz_target_name[] = "tasks";

#define PID		4242
#define PID_NAME	"4242"
#define SEP		"\n####\n"
#define MAX_TASKS	8
#define STAT_READ	2048	/* read_stat()'s buffer */
#define CMDLINE_READ	4096	/* add_exe_name()'s, less its NUL */

struct piece {
	const char *p;
	size_t len;
};

struct task {
	char name[256];
	struct piece stat;
	uint32_t tid;		/* 0: not a tid, or its stat does not parse */
	struct tlh_stat st;
};

static char root[64];
static int procfd = -1;
static struct task tasks[MAX_TASKS];
static size_t ntasks;

/* "4242/task/<name><rest>" in @buf (512 bytes). */
static const char *
task_path(char *buf, const char *name, const char *rest)
{
	int n = snprintf(buf, 512, PID_NAME "/task/%s%s", name, rest);

	fuzz_check(n > 0 && n < 512);
	return buf;
}

static void
remove_tree(void)
{
	char path[512];
	size_t i;

	for (i = 0; i < ntasks; i++) {
		unlinkat(procfd, task_path(path, tasks[i].name, "/stat"), 0);
		unlinkat(procfd, task_path(path, tasks[i].name, ""),
			 AT_REMOVEDIR);
	}
	ntasks = 0;
	unlinkat(procfd, PID_NAME "/task", AT_REMOVEDIR);
	unlinkat(procfd, PID_NAME "/stat", 0);
	unlinkat(procfd, PID_NAME "/exe", 0);
	unlinkat(procfd, PID_NAME "/cmdline", 0);
}

static void
cleanup(void)
{
	if (procfd < 0)
		return;
	remove_tree();
	unlinkat(procfd, PID_NAME, AT_REMOVEDIR);
	close(procfd);
	rmdir(root);
}

static void
setup(void)
{
	const char *tmp = getenv("TMPDIR");

	if (procfd >= 0)
		return;
	fuzz_check(snprintf(root, sizeof(root), "%s/tlh-fuzz-tasks-XXXXXX",
			    tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp") <
		   (int)sizeof(root));
	fuzz_check(mkdtemp(root) != NULL);
	procfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fuzz_check(procfd >= 0);
	fuzz_check(!mkdirat(procfd, PID_NAME, 0700));
	atexit(cleanup);
}

static void
put_file(const char *path, const struct piece *pc)
{
	int fd = openat(procfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			0600);

	fuzz_check(fd >= 0);
	fuzz_check(write(fd, pc->p, pc->len) == (ssize_t)pc->len);
	close(fd);
}

/* The next section of the input, up to SEP or the end. */
static int
next_piece(const char **p, const char *end, struct piece *pc)
{
	const char *s = *p, *hit;

	if (!s)
		return 0;
	hit = memmem(s, (size_t)(end - s), SEP, sizeof(SEP) - 1);
	pc->p = s;
	pc->len = (size_t)((hit ? hit : end) - s);
	*p = hit ? hit + sizeof(SEP) - 1 : NULL;
	return 1;
}

/* 1..4194304 for a name of 1..10 digits naming that number, else 0. */
static uint32_t
tid_of(const char *name)
{
	uint64_t v = 0;
	size_t n = strlen(name), i;

	if (!n || n > 10)
		return 0;
	for (i = 0; i < n; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(name[i] - '0');
	}
	return v > 4194304 ? 0 : (uint32_t)v;
}

static int
parse_stat(const struct piece *pc, struct tlh_stat *st)
{
	return tlh_stat_parse(pc->p, pc->len < STAT_READ ? pc->len : STAT_READ,
			      st);
}

/* The process's name, as add_exe_name() promises to make it. */
/* The file names of Wine's loaders, as this harness knows them. */
static int
is_wine_loader(const char *base)
{
	return !strcmp(base, "wine") || !strcmp(base, "wine64") ||
	       !strcmp(base, "wine-preloader") ||
	       !strcmp(base, "wine64-preloader");
}

/* The name tlh_wine_name() gives a Wine process, into @out: 1, or 0. */
static int
wine_expected(char *out, size_t cap, const struct piece *cmdline,
	      const struct tlh_stat *st, const char *loader)
{
	char argv0[CMDLINE_READ + 1];
	const char *name;
	size_t len = cmdline->len < CMDLINE_READ ? cmdline->len : CMDLINE_READ;
	size_t n;

	memcpy(argv0, cmdline->p, len);
	argv0[len] = '\0';
	n = tlh_wine_name(argv0, len, st->comm, loader, &name);
	if (!n)
		return 0;
	snprintf(out, cap, "%.*s", (int)n, name);
	return 1;
}

static void
expected_name(char *out, size_t cap, const struct piece *exe, int have_exe,
	      const struct piece *cmdline, const struct tlh_stat *st)
{
	char buf[CMDLINE_READ + 1];
	const char *base;
	size_t len;

	if (have_exe) {
		memcpy(buf, exe->p, exe->len);
		len = exe->len;
		buf[len] = '\0';
		if (len > 10 && !memcmp(buf + len - 10, " (deleted)", 10))
			buf[len - 10] = '\0';
		base = strrchr(buf, '/');
		base = base ? base + 1 : buf;
		/* Wine's loaders: the program's name, where it has one yet
		 * (how it is found from argv[0] and comm is fuzz_pe.c's to
		 * check; here, that tasks.c lists what it gives) */
		if (is_wine_loader(base) &&
		    wine_expected(out, cap, cmdline, st, base))
			return;
		if (*base) {
			snprintf(out, cap, "%s", base);
			return;
		}
	}
	if (strlen(st->comm) == 15 && cmdline->len) {
		len = cmdline->len < CMDLINE_READ ? cmdline->len : CMDLINE_READ;
		memcpy(buf, cmdline->p, len);
		buf[len] = '\0';
		base = strrchr(buf, '/');
		base = base ? base + 1 : buf;
		if (!strncmp(base, st->comm, 15)) {
			snprintf(out, cap, "%s", base);
			return;
		}
	}
	snprintf(out, cap, "%s", st->comm[0] ? st->comm : PID_NAME);
}

/*
 * Lay out one task entry: its name up to the first newline, its stat
 * after.  A tid already listed ("7" after "07") is left out, so that each
 * thread of the result is one entry here.
 */
static void
add_task(const struct piece *pc)
{
	struct task *t = &tasks[ntasks];
	char path[512];
	const char *nl;
	size_t n, i;

	nl = memchr(pc->p, '\n', pc->len);
	n = nl ? (size_t)(nl - pc->p) : pc->len;
	if (!n || n >= sizeof(t->name) || memchr(pc->p, '/', n) ||
	    memchr(pc->p, '\0', n))
		return;
	memcpy(t->name, pc->p, n);
	t->name[n] = '\0';
	if (!strcmp(t->name, ".") || !strcmp(t->name, ".."))
		return;
	t->stat.p = nl ? nl + 1 : pc->p + pc->len;
	t->stat.len = (size_t)(pc->p + pc->len - t->stat.p);
	t->tid = tid_of(t->name);
	if (t->tid && parse_stat(&t->stat, &t->st))
		t->tid = 0;
	for (i = 0; t->tid && i < ntasks; i++)
		if (tasks[i].tid == t->tid)
			return;
	if (mkdirat(procfd, task_path(path, t->name, ""), 0700))
		return;		/* a name seen already */
	put_file(task_path(path, t->name, "/stat"), &t->stat);
	ntasks++;
}

/* The threads of @s must be the tasks that are threads, in order. */
static void
check_threads(const struct tlh_snapshot *s)
{
	const struct tlh_thread_rec *t = s->threads.items;
	const struct task *a, *b;
	size_t i, j, want = 0;

	for (i = 0; i < ntasks; i++)
		want += tasks[i].tid != 0;
	fuzz_check(s->threads.count == want);
	for (i = 0; i < s->threads.count; i++) {
		fuzz_check(t[i].pid == PID);
		fuzz_check(t[i].base_pri >= 1 && t[i].base_pri <= 31);
		for (j = 0; j < ntasks && tasks[j].tid != t[i].tid; j++)
			;
		fuzz_check(j < ntasks);
		fuzz_check(t[i].base_pri == tlh_stat_thread_base(&tasks[j].st));
		if (!i)
			continue;
		/* after the one before: main first, then start, then tid */
		for (j = 0; tasks[j].tid != t[i - 1].tid; j++)
			;
		a = &tasks[j];
		for (j = 0; tasks[j].tid != t[i].tid; j++)
			;
		b = &tasks[j];
		fuzz_check(b->tid != PID);
		fuzz_check(a->tid == PID || a->st.starttime < b->st.starttime ||
			   (a->st.starttime == b->st.starttime &&
			    a->tid <= b->tid));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct piece stat, exe, cmdline, pc;
	struct tlh_snapshot snap;
	const struct tlh_proc_rec *rec;
	struct tlh_stat st;
	char name[CMDLINE_READ + 1], target[CMDLINE_READ];
	int have_exe = 0, ok;
	size_t i;

	setup();
	remove_tree();
	memset(&stat, 0, sizeof(stat));
	memset(&exe, 0, sizeof(exe));
	memset(&cmdline, 0, sizeof(cmdline));
	if (!size)
		p = end = "";
	next_piece(&p, end, &stat);
	next_piece(&p, end, &exe);
	next_piece(&p, end, &cmdline);

	put_file(PID_NAME "/stat", &stat);
	put_file(PID_NAME "/cmdline", &cmdline);
	if (exe.len && exe.len < sizeof(target) && !memchr(exe.p, 0, exe.len)) {
		memcpy(target, exe.p, exe.len);
		target[exe.len] = '\0';
		have_exe = !symlinkat(target, procfd, PID_NAME "/exe");
	}
	fuzz_check(!mkdirat(procfd, PID_NAME "/task", 0700));
	while (ntasks < MAX_TASKS && next_piece(&p, end, &pc))
		add_task(&pc);

	/* the process and its threads */
	memset(&snap, 0, sizeof(snap));
	fuzz_check(add_process(&snap, procfd, PID_NAME, PID, 1, 1) == 0);
	ok = !parse_stat(&stat, &st) && st.pid == PID;
	fuzz_check(snap.procs.count == (size_t)ok);
	if (ok) {
		rec = snap.procs.items;
		fuzz_check(rec->pid == PID && rec->ppid == st.ppid);
		fuzz_check(rec->threads == st.threads);
		fuzz_check(rec->pri_class == tlh_stat_class_base(&st));
		fuzz_check(rec->name < snap.pool_len);
		expected_name(name, sizeof(name), &exe, have_exe, &cmdline,
			      &st);
		fuzz_check(!strcmp(snap.pool + rec->name, name));
		fuzz_check(name[0] != '\0');
		check_threads(&snap);
	} else {
		fuzz_check(snap.threads.count == 0);
	}
	fuzz_snap_clear(&snap);

	/* the threads alone */
	fuzz_check(add_process(&snap, procfd, PID_NAME, PID, 0, 1) == 0);
	fuzz_check(snap.procs.count == 0);
	check_threads(&snap);
	fuzz_snap_clear(&snap);
	for (i = 0; i < ntasks; i++)
		memset(&tasks[i].st, 0, sizeof(tasks[i].st));
	return 0;
}
