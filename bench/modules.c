/*
 * modules.c - bench/bench's module snapshot section: the module snapshot
 * of a child that has loaded NLIBS copies of a small shared library,
 * against one careful pass over its maps.  Checked outside the timing:
 * every copy is in the snapshot, where the maps put it.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <windows.h>
#include <tlhelp32.h>

#include "bench.h"
#include "core.h"

#define NLIBS		220		/* shared objects in the module child */
#define MOD_ROUNDS	21

/* The copies, removed at the cleanup. */
static char libdir[64];
static char libpath[NLIBS][96];
static int nlibfiles;

static void
remove_libs(void)
{
	while (nlibfiles > 0)
		unlink(libpath[--nlibfiles]);
	if (libdir[0])
		rmdir(libdir);
	libdir[0] = '\0';
}

/* A small shared object to copy: libutil (a stub in modern glibc), else
 * this library itself. */
static int
small_lib(char *out, size_t size)
{
	struct link_map *lm = NULL;
	Dl_info di;
	void *h;

	h = dlopen("libutil.so.1", RTLD_LAZY | RTLD_LOCAL);
	if (h && !dlinfo(h, RTLD_DI_LINKMAP, &lm) && lm && lm->l_name &&
	    lm->l_name[0] == '/') {
		snprintf(out, size, "%s", lm->l_name);
		dlclose(h);
		return 0;
	}
	if (h)
		dlclose(h);
	if (dladdr((void *)(uintptr_t)&CreateToolhelp32Snapshot, &di) &&
	    di.dli_fname && di.dli_fname[0] == '/') {
		snprintf(out, size, "%s", di.dli_fname);
		return 0;
	}
	return -1;
}

static void
make_libs(const char *src)
{
	char *buf;
	ssize_t len;
	int fd, i;

	buf = malloc(16 * MiB);
	if (!buf)
		core_die("malloc");
	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		core_die(src);
	len = core_read_full(fd, buf, 16 * MiB);
	close(fd);
	if (len <= 0)
		core_die(src);
	snprintf(libdir, sizeof(libdir), "/tmp/tlh-bench-XXXXXX");
	if (!mkdtemp(libdir)) {
		libdir[0] = '\0';
		core_die("mkdtemp");
	}
	for (i = 0; i < NLIBS; i++) {
		snprintf(libpath[i], sizeof(libpath[i]), "%s/lib%03d.so",
			 libdir, i);
		nlibfiles = i + 1;	/* before it exists */
		fd = open(libpath[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			  0755);
		if (fd < 0)
			core_die(libpath[i]);
		if (core_write_full(fd, buf, (size_t)len))
			core_die(libpath[i]);
		close(fd);
	}
	free(buf);
}

/* The module child: every copy loaded, their number in *@loaded. */
static void
load_libs(void *loaded, const void *arg, int wfd)
{
	int i, n = 0;

	(void)arg;
	(void)wfd;
	for (i = 0; i < NLIBS; i++)
		n += dlopen(libpath[i], RTLD_NOW | RTLD_LOCAL) != NULL;
	*(int *)loaded = n;
}

static pid_t
start_module_child(int *loaded)
{
	pid_t pid;

	if (core_start(&pid, 0, load_libs, NULL, loaded, sizeof(*loaded)))
		*loaded = -1;
	return pid;
}

struct mobj {
	uintptr_t base;
	uintptr_t end;
	uint64_t inode;
	unsigned long maj;
	unsigned long min;
	char *path;
};

struct mlist {
	struct mobj *v;
	size_t n;
	size_t alloc;
};

static void
mlist_free(struct mlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

/* One line of the maps: a new object at offset 0, or more of the last. */
static void
maps_line(struct mlist *l, char *p, char *eol)
{
	unsigned long long start, end, off, inode;
	unsigned long maj, min;
	struct mobj *o;

	start = strtoull(p, &p, 16);
	end = strtoull(p + 1, &p, 16);
	p += 6;				/* " rwxp" */
	off = strtoull(p, &p, 16);
	maj = strtoul(p + 1, &p, 16);
	min = strtoul(p + 1, &p, 16);
	inode = strtoull(p + 1, &p, 10);
	while (p < eol && *p == ' ')
		p++;
	if (!inode || p >= eol || *p != '/')
		return;
	if (off) {
		o = l->n ? &l->v[l->n - 1] : NULL;
		if (o && o->inode == inode && o->maj == maj && o->min == min &&
		    end > o->end)
			o->end = (uintptr_t)end;
		return;
	}
	l->v = core_grow(l->v, l->n, &l->alloc, sizeof(*l->v));
	o = &l->v[l->n++];
	o->base = (uintptr_t)start;
	o->end = (uintptr_t)end;
	o->inode = inode;
	o->maj = maj;
	o->min = min;
	o->path = strndup(p, (size_t)(eol - p));
	if (!o->path)
		core_die("strndup");
}

/* The careful pass: read() the maps in big blocks, parse each line once,
 * group the mappings of each file into one object. */
static int
careful_modules(pid_t pid, struct mlist *l)
{
	static char buf[65536 + 1];
	size_t have = 0, pos;
	char path[40], *nl;
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		got = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		have += (size_t)got;
		buf[have] = '\0';
		pos = 0;
		while ((nl = memchr(buf + pos, '\n', have - pos))) {
			maps_line(l, buf + pos, nl);
			pos = (size_t)(nl - buf) + 1;
		}
		if (got == 0) {
			if (pos < have)
				maps_line(l, buf + pos, buf + have);
			break;
		}
		memmove(buf, buf + pos, have - pos);
		have -= pos;
	}
	close(fd);
	return got < 0 ? -1 : 0;
}

static size_t
tlh_modules(pid_t pid, struct mlist *keep)
{
	MODULEENTRY32 me;
	uint64_t sum = 0;
	struct mobj *o;
	size_t n = 0;
	HANDLE h;
	BOOL ok;

	h = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, (DWORD)pid);
	if (h == INVALID_HANDLE_VALUE)
		return 0;
	me.dwSize = sizeof(me);
	for (ok = Module32First(h, &me); ok; ok = Module32Next(h, &me)) {
		sum += (uintptr_t)me.modBaseAddr + me.modBaseSize +
		       (unsigned char)me.szExePath[0];
		n++;
		if (!keep)
			continue;
		keep->v = core_grow(keep->v, keep->n, &keep->alloc,
				    sizeof(*keep->v));
		o = &keep->v[keep->n++];
		memset(o, 0, sizeof(*o));
		o->base = (uintptr_t)me.modBaseAddr;
		o->end = o->base + me.modBaseSize;
		o->path = strdup(me.szExePath);
		if (!o->path)
			core_die("strdup");
	}
	CloseHandle(h);
	core_sink(sum);
	return n;
}

/* Every copied library, at the same place in both lists. */
static void
check_modules(pid_t pid)
{
	struct mlist c = { NULL, 0, 0 }, t = { NULL, 0, 0 };
	size_t i, j, found = 0, dl = strlen(libdir);

	if (careful_modules(pid, &c) || !tlh_modules(pid, &t)) {
		core_fail_check("module list unreadable");
		goto out;
	}
	for (i = 0; i < c.n; i++) {
		if (strncmp(c.v[i].path, libdir, dl))
			continue;
		for (j = 0; j < t.n; j++)
			if (!strcmp(t.v[j].path, c.v[i].path))
				break;
		if (j == t.n || t.v[j].base != c.v[i].base ||
		    t.v[j].end != c.v[i].end)
			break;
		found++;
	}
	if (found != NLIBS)
		core_fail_check("module snapshot: the loaded libraries are "
				"missing or misplaced");
out:
	mlist_free(&c);
	mlist_free(&t);
}

void
modules_run(void)
{
	static double v[2][MOD_ROUNDS];
	struct mlist l = { NULL, 0, 0 };
	char src[512], col[2][32], line[256];
	size_t nmods = 0, ncareful = 0;
	int loaded, round, j, met;
	struct core_summ s[2];
	double ratio;
	uint64_t t0;
	pid_t pid;

	if (small_lib(src, sizeof(src))) {
		core_fail_check("no shared library to copy for the module "
				"child");
		return;
	}
	core_on_cleanup(remove_libs);	/* even on a signal */
	make_libs(src);
	pid = start_module_child(&loaded);
	if (loaded != NLIBS) {
		core_fail_check("the module child could not load its "
				"libraries");
		goto out;
	}
	check_modules(pid);
	for (round = -1; round < MOD_ROUNDS; round++) {
		for (j = 0; j < 2; j++) {
			t0 = core_now_ns();
			if ((round + j) % 2 == 0) {
				nmods = tlh_modules(pid, NULL);
			} else {
				careful_modules(pid, &l);
				ncareful = l.n;
				mlist_free(&l);
			}
			if (round >= 0)
				v[(round + j) % 2][round] =
					(double)(core_now_ns() - t0) / 1e3;
		}
	}
	s[0] = core_summarize(v[0], MOD_ROUNDS);
	s[1] = core_summarize(v[1], MOD_ROUNDS);
	ratio = s[0].med / s[1].med;
	met = ratio <= 1.0;
	printf("\n== module snapshot: a child with %d copies of %s loaded "
	       "(%d mappings, %zu objects); microseconds, median/min of "
	       "%d ==\n", NLIBS, src, core_count_maps(pid), ncareful,
	       MOD_ROUNDS);
	printf("%-8s %-15s %-15s %-12s %-8s %s\n", "kind", "tlh",
	       "careful", "tlh/careful", "target", "status");
	printf("%-8s %-15s %-15s %-12.3f %-8s %s\n", "module",
	       core_fmt_summ(col[0], sizeof(col[0]), s[0]),
	       core_fmt_summ(col[1], sizeof(col[1]), s[1]), ratio, "<=1.00",
	       met ? "met" : "MISSED");
	snprintf(line, sizeof(line), "RATIO snapshot=module tlh/careful=%.3f "
		 "modules=%zu status=%s", ratio, nmods, met ? "met" : "missed");
	printf("%s\n", line);
	core_note(met, line);
out:
	core_stop_child(pid);
	remove_libs();
}
