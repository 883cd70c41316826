/*
 * check_vquery.c - VirtualQueryEx and VirtualQuery.
 *
 * A child lays out every kind of memory the man page tabulates (anonymous
 * memory of each protection, PROT_NONE, private and shared file mappings,
 * shared anonymous memory, memfd, /dev/zero, SysV shared memory, guard
 * pages, and images made of a file starting with "MZ" or "\177ELF" mapped
 * the ways loaders map them), and the region walk every Windows memory
 * scanner runs is checked against the /proc/<pid>/maps this test reads and
 * parses itself, and against the module list: contiguous, increasing,
 * page-aligned regions from 0 to the top, each one mapping (or a guard
 * run within one) or one gap, with Windows' State, Protect, Type,
 * AllocationBase and AllocationProtect as the table says; then
 * ERROR_INVALID_PARAMETER just past the top.  Then: the region from an
 * address inside a mapping, each kind alone, the errors in Windows' order
 * (handle, rights, length, buffer, address), a process that has exited,
 * answers that follow a process that changes, walks from two threads at
 * once, and VirtualQuery of this process.
 *
 * The cases tagged "maps" run again in a fresh copy of this program with
 * TLHELP32_FORCE_MAPS_TEXT=1, over the text of /proc/<pid>/maps instead of
 * PROCMAP_QUERY (the choice is made once per process, hence the exec).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <windows.h>

#include "fixtures.h"
#include "linux/procmap_query.h"
#include "suites.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL	102	/* Linux 6.13 */
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC		1U
#endif

#define MBI		sizeof(MEMORY_BASIC_INFORMATION)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define LAST_PRESET	12345u
#define MAX_REGIONS	8192
#define MAX_LINES	4096
#define FAR_PAGES	50
#define FAR_OTHERS	40	/* more file mappings than the reader keeps */
#define FAR_SEGMENT	45

static size_t pg;

static void
setup(void)
{
	pg = tlh_fx_page_size();
}

static void
skip(const char *test, const char *why)
{
	fprintf(stderr, "vquery: %s: SKIPPED: %s\n", test, why);
}

/* --- the child's layout --------------------------------------------------- */

/* A protection, and the Protect it gets. */
struct kind {
	int prot;
	DWORD protect;
};

/* Anonymous private memory. */
static const struct kind anon_kinds[] = {
	{ PROT_READ, PAGE_READONLY },
	{ PROT_READ | PROT_WRITE, PAGE_READWRITE },
	{ PROT_READ | PROT_EXEC, PAGE_EXECUTE_READ },
	{ PROT_READ | PROT_WRITE | PROT_EXEC, PAGE_EXECUTE_READWRITE },
	{ PROT_EXEC, PAGE_EXECUTE },
};

/* Private file mappings: copied on write. */
static const struct kind file_kinds[] = {
	{ PROT_READ, PAGE_READONLY },
	{ PROT_READ | PROT_WRITE, PAGE_WRITECOPY },
	{ PROT_READ | PROT_WRITE | PROT_EXEC, PAGE_EXECUTE_WRITECOPY },
	{ PROT_READ | PROT_EXEC, PAGE_EXECUTE_READ },
};

/* Shared memory of every sort: MEM_MAPPED, PAGE_READWRITE. */
enum {
	SH_ANON,	/* MAP_SHARED | MAP_ANONYMOUS */
	SH_FILE,	/* MAP_SHARED of a file */
	SH_MEMFD,
	SH_DEVZERO,	/* MAP_SHARED of /dev/zero */
	SH_SYSV,
	SH_KINDS
};

static const char *const shared_names[SH_KINDS] = {
	"shared anonymous", "shared file", "memfd", "/dev/zero", "SysV shm",
};

struct zoo {
	int err;		/* errno of the step that failed, or 0 */
	int step;		/* that step */
	int guards;		/* guard pages could be installed */
	uintptr_t anon[ARRAY_SIZE(anon_kinds)];	/* 2 pages each */
	uintptr_t none;		/* 3 pages of PROT_NONE */
	uintptr_t file[ARRAY_SIZE(file_kinds)];	/* 2 pages each */
	uintptr_t shared[SH_KINDS];	/* 2 pages each; 0 if unavailable */
	uintptr_t guard;	/* 8 pages rw, pages 3 and 4 guards */
	uintptr_t inside;	/* 8 pages rw */
	uintptr_t pe;		/* "MZ": page 0 r--, page 1 r-x */
	uintptr_t chain;	/* "\177ELF": off 0; p at +p; 2p at +3p */
	uintptr_t gap;		/* "\177ELF": off 0; off p at +2p past a gap */
	uintptr_t far;		/* off 0, others, off 45p at +45p */
	uintptr_t fallback;	/* off 0 PROT_NONE, off p r-- at +p */
	uintptr_t changing;	/* 4 pages rw, changed on command */
};

/* What the child is given: its command pipe, and a file by path. */
struct zoo_arg {
	int cmd;		/* the child reads commands here */
	int ack;		/* and answers here */
	const char *fallback_path;	/* an image file that stays linked */
};

/* A fresh unlinked file of @pages pages starting with @magic (or zeros). */
static int
temp_file(size_t pages, const char *magic, unsigned int seed)
{
	char path[] = "/tmp/tlh-vquery-XXXXXX";
	unsigned char buf[256];
	int fd;

	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	unlink(path);
	/* no magic at all but the one asked for; the rest tells files apart */
	memset(buf, 0, sizeof(buf));
	tlh_fx_pattern_fill(buf + 64, sizeof(buf) - 64, seed, 0);
	if (magic)
		memcpy(buf, magic, strlen(magic));
	if (ftruncate(fd, (off_t)(pages * pg)) ||
	    pwrite(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reserve @pages pages (PROT_NONE), or 0. */
static uintptr_t
reserve(size_t pages)
{
	void *p = mmap(NULL, pages * pg, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? 0 : (uintptr_t)p;
}

/* Map @pages pages of @fd from page @off at @at exactly. */
static int
map_at(uintptr_t at, size_t pages, int prot, int fd, size_t off)
{
	void *p = mmap((void *)at, pages * pg, prot, MAP_PRIVATE | MAP_FIXED,
		       fd, (off_t)(off * pg));

	return p == (void *)at ? 0 : -1;
}

/* A PROT_NONE page of a file on each side: nothing merges with it. */
static int isolating_fd = -1;

static uintptr_t
map_anon(size_t pages, int prot, int flags)
{
	uintptr_t r = reserve(pages + 2);
	void *p;

	if (!r || map_at(r, 1, PROT_NONE, isolating_fd, 0) ||
	    map_at(r + (pages + 1) * pg, 1, PROT_NONE, isolating_fd, 0))
		return 0;
	p = mmap((void *)(r + pg), pages * pg, prot,
		 flags | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	return p == MAP_FAILED ? 0 : (uintptr_t)p;
}

static uintptr_t
map_shared_fd(int fd)
{
	void *p;

	if (fd < 0)
		return 0;
	p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? 0 : (uintptr_t)p;
}

static uintptr_t
map_sysv(void)
{
	int id = shmget(IPC_PRIVATE, 2 * pg, IPC_CREAT | 0600);
	void *p;

	if (id < 0)
		return 0;
	p = shmat(id, NULL, 0);
	shmctl(id, IPC_RMID, NULL);	/* gone with the child */
	return p == (void *)-1 ? 0 : (uintptr_t)p;
}

/* Each part of the zoo; 0 if it worked. */
static int
zoo_images(struct zoo *z, const char *fallback_path)
{
	int mz, elf, other, fb;
	size_t i;

	mz = temp_file(4, "MZ", 1);
	elf = temp_file(64, "\177ELF", 2);
	other = temp_file(64, NULL, 3);
	fb = open(fallback_path, O_RDONLY | O_CLOEXEC);
	if (mz < 0 || elf < 0 || other < 0 || fb < 0)
		return -1;

	/* A PE image: headers r--, code r-x (one file mapping, re-protected) */
	z->pe = reserve(2);
	if (!z->pe || map_at(z->pe, 2, PROT_READ, mz, 0) ||
	    mprotect((void *)(z->pe + pg), pg, PROT_READ | PROT_EXEC))
		return -1;

	/* Segments whose start minus offset falls in an earlier segment. */
	z->chain = reserve(6);
	if (!z->chain || map_at(z->chain, 4, PROT_READ, elf, 0) ||
	    map_at(z->chain + pg, 2, PROT_READ | PROT_EXEC, elf, 1) ||
	    map_at(z->chain + 3 * pg, 1, PROT_READ | PROT_WRITE, elf, 2))
		return -1;

	/* A segment whose start minus offset falls in a gap: a file view. */
	z->gap = reserve(4);
	if (!z->gap || map_at(z->gap, 1, PROT_READ, elf, 0) ||
	    map_at(z->gap + 2 * pg, 1, PROT_READ, elf, 1))
		return -1;

	/* A base far behind its segment, other file mappings between. */
	z->far = reserve(FAR_PAGES);
	if (!z->far || map_at(z->far, 1, PROT_READ, elf, 0))
		return -1;
	for (i = 0; i < FAR_OTHERS; i++)
		if (map_at(z->far + (1 + i) * pg, 1,
			   i % 2 ? PROT_READ : PROT_READ | PROT_WRITE, other,
			   i))
			return -1;
	if (map_at(z->far + FAR_SEGMENT * pg, 1, PROT_READ, elf, FAR_SEGMENT))
		return -1;

	/* A base page that cannot be read: its file says what it is. */
	z->fallback = reserve(2);
	if (!z->fallback || map_at(z->fallback, 1, PROT_NONE, fb, 0) ||
	    map_at(z->fallback + pg, 1, PROT_READ, fb, 1))
		return -1;

	close(mz);
	close(elf);
	close(other);
	close(fb);
	return 0;
}

static void
zoo_build(struct zoo *z, const char *fallback_path)
{
	size_t i;
	int fd;

	memset(z, 0, sizeof(*z));
	isolating_fd = temp_file(1, NULL, 9);
	if (isolating_fd < 0)
		goto fail;
	for (i = 0; i < ARRAY_SIZE(anon_kinds); i++) {
		z->step = 1;
		z->anon[i] = map_anon(2, anon_kinds[i].prot, MAP_PRIVATE);
		if (!z->anon[i])
			goto fail;
	}
	z->step = 2;
	z->none = map_anon(3, PROT_NONE, MAP_PRIVATE);
	if (!z->none)
		goto fail;
	for (i = 0; i < ARRAY_SIZE(file_kinds); i++) {
		z->step = 3;
		fd = temp_file(2, NULL, 10 + (unsigned int)i);
		z->file[i] = reserve(2);
		if (fd < 0 || !z->file[i] ||
		    map_at(z->file[i], 2, file_kinds[i].prot, fd, 0))
			goto fail;
		close(fd);
	}
	z->step = 4;
	z->shared[SH_ANON] = map_anon(2, PROT_READ | PROT_WRITE, MAP_SHARED);
	z->shared[SH_FILE] = map_shared_fd(temp_file(2, NULL, 20));
	z->shared[SH_MEMFD] = map_shared_fd((int)syscall(SYS_memfd_create,
		"tlh-vquery", MFD_CLOEXEC));
	z->shared[SH_DEVZERO] = map_shared_fd(open("/dev/zero",
						   O_RDWR | O_CLOEXEC));
	z->shared[SH_SYSV] = map_sysv();	/* may be unavailable */
	if (!z->shared[SH_ANON] || !z->shared[SH_FILE] ||
	    !z->shared[SH_DEVZERO])
		goto fail;
	z->step = 5;
	z->guard = map_anon(8, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	z->inside = map_anon(8, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	z->changing = map_anon(4, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	if (!z->guard || !z->inside || !z->changing)
		goto fail;
	/* guards the library can see: PAGEMAP_SCAN that answers (ENOTTY:
	 * a kernel before 6.7, without guards; ENOSYS: a sandbox or an
	 * emulator that refuses it, leaving them unknown) */
	z->guards = !madvise((void *)(z->guard + 3 * pg), 2 * pg,
			     MADV_GUARD_INSTALL) &&
		    !tlh_fx_ioctl_error("pagemap", PAGEMAP_SCAN);
	z->step = 6;
	if (zoo_images(z, fallback_path))
		goto fail;
	return;
fail:
	z->err = errno ? errno : EIO;
}

/* The child: build, report, then obey commands until killed. */
static void
zoo_child(void *arg, int report)
{
	const struct zoo_arg *a = arg;
	struct zoo z;
	char cmd, ack;
	void *p;

	zoo_build(&z, a->fallback_path);
	if (write(report, &z, sizeof(z)) != (ssize_t)sizeof(z))
		_exit(1);
	for (;;) {
		if (read(a->cmd, &cmd, 1) != 1)
			_exit(0);
		ack = 0;
		switch (cmd) {
		case 'r':	/* the first two pages read-only */
			ack = (char)mprotect((void *)z.changing, 2 * pg,
					     PROT_READ);
			break;
		case 'u':	/* the third page unmapped */
			ack = (char)munmap((void *)(z.changing + 2 * pg), pg);
			break;
		case 'm':	/* and mapped again, executable */
			p = mmap((void *)(z.changing + 2 * pg), pg,
				 PROT_READ | PROT_EXEC, MAP_PRIVATE |
				 MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			ack = p == MAP_FAILED;
			break;
		default:
			ack = 1;
		}
		if (write(a->ack, &ack, 1) != 1)
			_exit(1);
	}
}

/* A zoo child, a handle to query it, and its command pipes. */
struct zoo_child {
	struct tlh_fx_child c;
	struct zoo z;
	HANDLE h;		/* PROCESS_QUERY_INFORMATION */
	int cmd;		/* our ends */
	int ack;
};

static char fallback_path[64];

static void
remove_fallback(void)
{
	if (fallback_path[0])
		unlink(fallback_path);
	fallback_path[0] = '\0';
}

static void
teardown(void)
{
	tlh_fx_teardown();
	remove_fallback();
}

static HANDLE
open_query(pid_t pid)
{
	HANDLE h = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, (DWORD)pid);

	ck_assert_msg(h != NULL, "OpenProcess(%d): %lu", (int)pid,
		      (unsigned long)GetLastError());
	return h;
}

static void
zoo_start(struct zoo_child *zc)
{
	int cmd[2], ack[2], fd, ret;
	struct zoo_arg a;

	if (!fallback_path[0]) {
		strcpy(fallback_path, "/tmp/tlh-vquery-image-XXXXXX");
		fd = mkstemp(fallback_path);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(ftruncate(fd, (off_t)(2 * pg)), 0);
		ck_assert_int_eq(pwrite(fd, "\177ELF", 4, 0), 4);
		close(fd);
	}
	ck_assert_int_eq(pipe2(cmd, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(ack, O_CLOEXEC), 0);
	a.cmd = cmd[0];
	a.ack = ack[1];
	a.fallback_path = fallback_path;
	ret = tlh_fx_child_run(&zc->c, zoo_child, &a, &zc->z, sizeof(zc->z));
	close(cmd[0]);
	close(ack[1]);
	ck_assert_msg(ret == 0, "starting the child: %s", strerror(-ret));
	zc->cmd = cmd[1];
	zc->ack = ack[0];
	ck_assert_msg(zc->z.err == 0, "the child's layout, step %d: %s",
		      zc->z.step, strerror(zc->z.err));
	zc->h = open_query(zc->c.pid);
}

static void
zoo_command(struct zoo_child *zc, char cmd)
{
	char ack = 1;

	ck_assert_int_eq(write(zc->cmd, &cmd, 1), 1);
	ck_assert_int_eq(read(zc->ack, &ack, 1), 1);
	ck_assert_msg(ack == 0, "the child could not do '%c'", cmd);
}

static void
zoo_stop(struct zoo_child *zc)
{
	ck_assert(CloseHandle(zc->h));
	close(zc->cmd);
	close(zc->ack);
	tlh_fx_child_stop(&zc->c);
}

/* --- one query, and the walk ---------------------------------------------- */

static void
query(HANDLE h, uintptr_t addr, MEMORY_BASIC_INFORMATION *m)
{
	SIZE_T got;

	memset(m, 0xA5, sizeof(*m));
	got = VirtualQueryEx(h, (LPCVOID)addr, m, sizeof(*m));
	ck_assert_msg(got == MBI, "VirtualQueryEx(%#lx): %lu, error %lu",
		      (unsigned long)addr, (unsigned long)got,
		      (unsigned long)GetLastError());
}

/* What a region must be. */
struct want {
	uintptr_t base;
	uintptr_t end;
	uintptr_t alloc_base;
	DWORD alloc_protect;
	DWORD state;
	DWORD protect;
	DWORD type;
};

static void
expect(const MEMORY_BASIC_INFORMATION *m, const struct want *w,
       const char *what)
{
	ck_assert_msg((uintptr_t)m->BaseAddress == w->base &&
		      m->RegionSize == w->end - w->base,
		      "%s: region %#lx+%#lx, want %#lx-%#lx", what,
		      (unsigned long)(uintptr_t)m->BaseAddress,
		      (unsigned long)m->RegionSize, (unsigned long)w->base,
		      (unsigned long)w->end);
	ck_assert_msg(m->State == w->state && m->Protect == w->protect &&
		      m->Type == w->type,
		      "%s at %#lx: state %#lx protect %#lx type %#lx, want "
		      "%#lx %#lx %#lx", what, (unsigned long)w->base,
		      (unsigned long)m->State, (unsigned long)m->Protect,
		      (unsigned long)m->Type, (unsigned long)w->state,
		      (unsigned long)w->protect, (unsigned long)w->type);
	ck_assert_msg((uintptr_t)m->AllocationBase == w->alloc_base &&
		      m->AllocationProtect == w->alloc_protect,
		      "%s at %#lx: allocation %#lx protect %#lx, want %#lx "
		      "%#lx", what, (unsigned long)w->base,
		      (unsigned long)(uintptr_t)m->AllocationBase,
		      (unsigned long)m->AllocationProtect,
		      (unsigned long)w->alloc_base,
		      (unsigned long)w->alloc_protect);
#if UINTPTR_MAX > 0xFFFFFFFFu
	ck_assert_uint_eq(m->PartitionId, 0);
#endif
}

/* Query @addr and expect @w. */
static void
query_expect(HANDLE h, uintptr_t addr, const struct want *w, const char *what)
{
	MEMORY_BASIC_INFORMATION m;

	query(h, addr, &m);
	expect(&m, w, what);
}

static struct want
committed(uintptr_t base, size_t pages, DWORD protect, DWORD type)
{
	struct want w = { base, base + pages * pg, base, protect, MEM_COMMIT,
			  protect, type };

	return w;
}

static struct want
image(uintptr_t at, size_t pages, uintptr_t base, DWORD protect)
{
	struct want w = { at, at + pages * pg, base, PAGE_EXECUTE_WRITECOPY,
			  MEM_COMMIT, protect, MEM_IMAGE };

	return w;
}

/* The whole walk of @h: regions from 0 until the call that fails. */
struct walk {
	MEMORY_BASIC_INFORMATION r[MAX_REGIONS];
	size_t n;
	DWORD err;		/* the failing call's error */
	uintptr_t stop;		/* its address */
};

static void
walk(HANDLE h, struct walk *w)
{
	uintptr_t p = 0;

	for (w->n = 0; w->n < MAX_REGIONS; w->n++) {
		SetLastError(LAST_PRESET);
		if (VirtualQueryEx(h, (LPCVOID)p, &w->r[w->n], MBI) != MBI)
			break;
		p = (uintptr_t)w->r[w->n].BaseAddress + w->r[w->n].RegionSize;
	}
	w->err = GetLastError();
	w->stop = p;
	ck_assert_msg(w->n < MAX_REGIONS, "more than %d regions",
		      MAX_REGIONS);
}

/* Contiguous, increasing, page-aligned from 0 to the top, then 87. */
static void
expect_walk_shape(const struct walk *w, uintptr_t top)
{
	uintptr_t at = 0;
	size_t i;

	ck_assert_uint_gt(w->n, 2);
	for (i = 0; i < w->n; i++) {
		const MEMORY_BASIC_INFORMATION *m = &w->r[i];

		ck_assert_msg((uintptr_t)m->BaseAddress == at,
			      "region %zu starts at %p, want %#lx", i,
			      m->BaseAddress, (unsigned long)at);
		ck_assert_msg(m->RegionSize && m->RegionSize % pg == 0,
			      "region %zu: size %#lx", i,
			      (unsigned long)m->RegionSize);
		at += m->RegionSize;
		ck_assert_uint_le(at, top);
	}
	ck_assert_msg(at == top, "the walk ends at %#lx, not at the top %#lx",
		      (unsigned long)at, (unsigned long)top);
	ck_assert_uint_eq(w->stop, top);
	ck_assert_uint_eq(w->err, ERROR_INVALID_PARAMETER);
}

/* --- the maps, read and parsed here --------------------------------------- */

struct line {
	uintptr_t start;
	uintptr_t end;
	char perms[5];
	unsigned long long inode;
	char name[256];
};

struct maps {
	struct line l[MAX_LINES];
	size_t n;
};

static void
read_maps(pid_t pid, uintptr_t top, struct maps *mp)
{
	char path[64], *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long s, e, off;
	unsigned int maj, min;
	int name_at;
	struct line *l;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	ck_assert_ptr_nonnull(f);
	mp->n = 0;
	while ((len = getline(&buf, &cap, f)) > 0) {
		ck_assert_uint_lt(mp->n, MAX_LINES);
		if (buf[len - 1] == '\n')
			buf[--len] = '\0';
		l = &mp->l[mp->n];
		name_at = 0;
		ck_assert_msg(sscanf(buf, "%lx-%lx %4s %lx %x:%x %llu %n", &s,
				     &e, l->perms, &off, &maj, &min, &l->inode,
				     &name_at) >= 7, "bad line: %s", buf);
		if (s >= top)
			continue;	/* [vsyscall]: not reported */
		l->start = s;
		l->end = e;
		snprintf(l->name, sizeof(l->name), "%s",
			 name_at ? buf + name_at : "");
		mp->n++;
	}
	free(buf);
	fclose(f);
}

/* The modules of @pid, from the module snapshot. */
struct modules {
	uintptr_t base[512];
	uintptr_t end[512];
	char path[512][MAX_PATH];
	size_t n;
};

static void
read_modules(pid_t pid, struct modules *mo)
{
	MODULEENTRY32 me;
	HANDLE snap;
	BOOL ok;

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, (DWORD)pid);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);
	me.dwSize = sizeof(me);
	mo->n = 0;
	for (ok = Module32First(snap, &me); ok; ok = Module32Next(snap, &me)) {
		ck_assert_uint_lt(mo->n, ARRAY_SIZE(mo->base));
		mo->base[mo->n] = (uintptr_t)me.modBaseAddr;
		mo->end[mo->n] = (uintptr_t)me.modBaseAddr + me.modBaseSize;
		snprintf(mo->path[mo->n], MAX_PATH, "%s", me.szExePath);
		mo->n++;
	}
	CloseHandle(snap);
	ck_assert_uint_gt(mo->n, 0);
}

/* The base of the module that holds @addr, or 0. */
static uintptr_t
module_of(const struct modules *mo, uintptr_t addr)
{
	size_t i;

	for (i = 0; i < mo->n; i++)
		if (addr >= mo->base[i] && addr < mo->end[i])
			return mo->base[i];
	return 0;
}

/* The crafted images: where they lie, and their bases. */
struct crafted {
	uintptr_t start[8];
	uintptr_t end[8];
	uintptr_t base[8];
	size_t n;
};

static void
add_crafted(struct crafted *c, uintptr_t start, size_t pages, uintptr_t base)
{
	c->start[c->n] = start;
	c->end[c->n] = start + pages * pg;
	c->base[c->n++] = base;
}

static void
crafted_list(const struct zoo *z, struct crafted *c)
{
	c->n = 0;
	add_crafted(c, z->pe, 2, z->pe);
	add_crafted(c, z->chain, 4, z->chain);
	add_crafted(c, z->gap, 1, z->gap);
	add_crafted(c, z->far, 1, z->far);
	add_crafted(c, z->far + FAR_SEGMENT * pg, 1, z->far);
	add_crafted(c, z->fallback, 2, z->fallback);
}

static int
named(const struct line *l, const char *name)
{
	return !strcmp(l->name, name);
}

/* The path a module list shows for a line's file. */
static int
same_path(const struct line *l, const char *path)
{
	size_t n = strlen(path);

	return !strncmp(l->name, path, n) &&
	       (!l->name[n] || !strcmp(l->name + n, " (deleted)"));
}

/* Protect from the perms, by the man page's table. */
static DWORD
table_protect(const struct line *l)
{
	int r = l->perms[0] == 'r', w = l->perms[1] == 'w';
	int x = l->perms[2] == 'x';
	int cow = l->inode && l->perms[3] == 'p';

	if (!r && !w && !x)
		return 0;
	if (x && w)
		return cow ? PAGE_EXECUTE_WRITECOPY : PAGE_EXECUTE_READWRITE;
	if (x)
		return r ? PAGE_EXECUTE_READ : PAGE_EXECUTE;
	if (w)
		return cow ? PAGE_WRITECOPY : PAGE_READWRITE;
	return PAGE_READONLY;
}

/* What the regions of line @l must say (but their bounds). */
static struct want
line_want(const struct line *l, const struct modules *mo,
	  const struct crafted *c)
{
	struct want w;
	size_t i;

	memset(&w, 0, sizeof(w));
	w.base = l->start;
	w.end = l->end;
	w.alloc_base = l->start;
	w.protect = table_protect(l);
	w.state = w.protect ? MEM_COMMIT : MEM_RESERVE;
	w.alloc_protect = w.protect ? w.protect : PAGE_NOACCESS;
	if (l->inode || l->perms[3] == 's')
		w.type = MEM_MAPPED;
	else
		w.type = MEM_PRIVATE;
	if (named(l, "[vvar]") || named(l, "[vvar_vclock]")) {
		w.protect = PAGE_NOACCESS;
		w.alloc_protect = PAGE_NOACCESS;
	}
	if (named(l, "[vdso]"))
		w.type = MEM_IMAGE;
	for (i = 0; l->inode && l->perms[3] == 'p' && i < mo->n; i++)
		if (l->start >= mo->base[i] && l->end <= mo->end[i] &&
		    same_path(l, mo->path[i])) {
			w.type = MEM_IMAGE;
			w.alloc_base = mo->base[i];
		}
	for (i = 0; i < c->n; i++)
		if (l->start >= c->start[i] && l->end <= c->end[i]) {
			w.type = MEM_IMAGE;
			w.alloc_base = c->base[i];
		}
	if (w.type == MEM_IMAGE)
		w.alloc_protect = PAGE_EXECUTE_WRITECOPY;
	return w;
}

/*
 * The walk against the maps: each gap one free region, each mapping one
 * region, or several where guard pages (only those of @z) split it.
 */
static void
expect_walk_maps(const struct walk *wk, const struct maps *mp,
		 const struct modules *mo, const struct zoo *z,
		 uintptr_t top)
{
	uintptr_t gstart = z->guards ? z->guard + 3 * pg : 0;
	uintptr_t gend = z->guards ? z->guard + 5 * pg : 0;
	struct crafted c;
	struct want w;
	size_t i, j = 0, guard_regions = 0, free_regions = 0;
	char what[64];

	crafted_list(z, &c);
	for (i = 0; i < wk->n; i++) {
		const MEMORY_BASIC_INFORMATION *m = &wk->r[i];
		uintptr_t s = (uintptr_t)m->BaseAddress;
		uintptr_t e = s + m->RegionSize;

		snprintf(what, sizeof(what), "region %zu", i);
		if (j == mp->n || s < mp->l[j].start) {
			/* a gap: free up to the next mapping */
			w.base = s;
			w.end = j < mp->n ? mp->l[j].start : top;
			w.alloc_base = 0;
			w.alloc_protect = 0;
			w.state = MEM_FREE;
			w.protect = PAGE_NOACCESS;
			w.type = 0;
			expect(m, &w, what);
			free_regions++;
			continue;
		}
		ck_assert_msg(s < mp->l[j].end, "region %zu at %#lx is past "
			      "mapping %#lx-%#lx", i, (unsigned long)s,
			      (unsigned long)mp->l[j].start,
			      (unsigned long)mp->l[j].end);
		w = line_want(&mp->l[j], mo, &c);
		w.base = s;
		if (s >= gstart && s < gend) {
			w.end = gend;
			w.protect |= PAGE_GUARD;
			guard_regions++;
		} else if (gstart > s && gstart < w.end) {
			w.end = gstart;
		}
		snprintf(what, sizeof(what), "region %zu (%s %s)", i,
			 mp->l[j].perms, mp->l[j].name);
		expect(m, &w, what);
		if (e == mp->l[j].end)
			j++;
	}
	ck_assert_msg(j == mp->n, "mappings from %#lx on were not walked",
		      (unsigned long)mp->l[j].start);
	ck_assert_uint_eq(guard_regions, z->guards ? 1 : 0);
	/* at 0, at the top, and between mappings */
	ck_assert_uint_gt(free_regions, 2);
}

/* --- the walk ------------------------------------------------------------- */

static struct walk *
walk_alloc(void)
{
	struct walk *w = malloc(sizeof(*w));

	ck_assert_ptr_nonnull(w);
	return w;
}

/*
 * The scanner's loop over a child with every kind of memory, checked
 * against its maps and its module list, region by region.
 */
START_TEST(walk_child)
{
	uintptr_t top = tlh_fx_user_top();
	struct zoo_child zc;
	struct modules *mo = malloc(sizeof(*mo));
	struct maps *mp = malloc(sizeof(*mp));
	struct walk *w = walk_alloc();

	ck_assert_ptr_nonnull(mo);
	ck_assert_ptr_nonnull(mp);
	if (!top) {
		skip("walk_child", "the top of user space is unknown here");
		return;
	}
	zoo_start(&zc);
	walk(zc.h, w);
	expect_walk_shape(w, top);
	read_maps(zc.c.pid, top, mp);
	read_modules(zc.c.pid, mo);
	expect_walk_maps(w, mp, mo, &zc.z, top);
	if (!zc.z.guards)
		skip("walk_child", "no guard pages (Linux < 6.13), or "
		     "PAGEMAP_SCAN fails here (ENOTTY, ENOSYS)");
	zoo_stop(&zc);
	free(w);
	free(mp);
	free(mo);
}
END_TEST

/* The main executable and libc are images based where the modules are. */
START_TEST(modules_are_images)
{
	struct zoo_child zc;
	struct modules *mo = malloc(sizeof(*mo));
	MEMORY_BASIC_INFORMATION m;
	int libc = 0;
	size_t i;

	ck_assert_ptr_nonnull(mo);
	zoo_start(&zc);
	read_modules(zc.c.pid, mo);
	for (i = 0; i < mo->n; i++) {
		/* the module's first page, and its last */
		query(zc.h, mo->base[i], &m);
		ck_assert_uint_eq(m.Type, MEM_IMAGE);
		ck_assert_uint_eq((uintptr_t)m.AllocationBase, mo->base[i]);
		ck_assert_uint_eq((uintptr_t)m.BaseAddress, mo->base[i]);
		ck_assert_uint_eq(m.AllocationProtect, PAGE_EXECUTE_WRITECOPY);
		ck_assert_uint_eq(m.State, MEM_COMMIT);
		query(zc.h, mo->end[i] - 1, &m);
		ck_assert_msg(m.Type != MEM_IMAGE ||
			      (uintptr_t)m.AllocationBase == mo->base[i],
			      "%s: last page based at %p", mo->path[i],
			      m.AllocationBase);
		libc |= strstr(mo->path[i], "/libc.") != NULL ||
			strstr(mo->path[i], "/libc-") != NULL;
	}
	/* This program's code (the main executable's, but under valgrind)
	 * is an image's code, based where its module is. */
	query(zc.h, (uintptr_t)&setup, &m);
	ck_assert_uint_eq(m.Type, MEM_IMAGE);
	ck_assert_uint_eq((uintptr_t)m.AllocationBase,
			  module_of(mo, (uintptr_t)&setup));
	ck_assert_uint_eq(m.Protect, PAGE_EXECUTE_READ);
	ck_assert_msg(libc, "no libc among the modules");
	zoo_stop(&zc);
	free(mo);
}
END_TEST

/* An address inside a mapping: the region runs from its page to the end. */
START_TEST(inside_region)
{
	struct zoo_child zc;
	struct want w;
	size_t i;

	zoo_start(&zc);
	for (i = 0; i < 8; i++) {
		w = committed(zc.z.inside, 8, PAGE_READWRITE, MEM_PRIVATE);
		w.base = zc.z.inside + i * pg;
		query_expect(zc.h, w.base, &w, "a page's start");
		query_expect(zc.h, w.base + 123, &w, "inside a page");
		query_expect(zc.h, w.base + pg - 1, &w, "a page's last byte");
	}
	zoo_stop(&zc);
}
END_TEST

/* Each of @n regions of 2 pages at @at, of kinds @k, is so, and of @type. */
static void
expect_kinds(HANDLE h, const uintptr_t *at, const struct kind *k, size_t n,
	     DWORD type, const char *what)
{
	struct want w;
	size_t i;

	for (i = 0; i < n; i++) {
		w = committed(at[i], 2, k[i].protect, type);
		query_expect(h, at[i], &w, what);
		w.base += pg;
		query_expect(h, at[i] + pg + pg / 2, &w, what);
	}
}

/* Anonymous memory of each protection, and PROT_NONE. */
START_TEST(anonymous)
{
	struct zoo_child zc;
	struct want w;

	zoo_start(&zc);
	expect_kinds(zc.h, zc.z.anon, anon_kinds, ARRAY_SIZE(anon_kinds),
		     MEM_PRIVATE, "anonymous");
	/* Reserved: Protect 0, reserved with PAGE_NOACCESS. */
	w = committed(zc.z.none, 3, 0, MEM_PRIVATE);
	w.state = MEM_RESERVE;
	w.alloc_protect = PAGE_NOACCESS;
	query_expect(zc.h, zc.z.none, &w, "PROT_NONE");
	w.base += 2 * pg;
	query_expect(zc.h, zc.z.none + 2 * pg + 5, &w, "PROT_NONE, last page");
	zoo_stop(&zc);
}
END_TEST

/* Private file mappings: views, copied on write. */
START_TEST(private_files)
{
	struct zoo_child zc;

	zoo_start(&zc);
	expect_kinds(zc.h, zc.z.file, file_kinds, ARRAY_SIZE(file_kinds),
		     MEM_MAPPED, "private file");
	zoo_stop(&zc);
}
END_TEST

/* Shared memory of every sort is mapped, read-write. */
START_TEST(shared_memory)
{
	struct zoo_child zc;
	struct want w;
	size_t i;

	zoo_start(&zc);
	for (i = 0; i < SH_KINDS; i++) {
		if (!zc.z.shared[i]) {
			skip("shared_memory", shared_names[i]);
			continue;
		}
		w = committed(zc.z.shared[i], 2, PAGE_READWRITE, MEM_MAPPED);
		query_expect(zc.h, zc.z.shared[i], &w, shared_names[i]);
		w.base += pg;
		query_expect(zc.h, zc.z.shared[i] + pg + 8, &w,
			     shared_names[i]);
	}
	zoo_stop(&zc);
}
END_TEST

/*
 * Images made of a file's mappings: "MZ" (a PE image as Wine maps it) and
 * "\177ELF", based where the file's offset 0 is mapped, found through a
 * segment placed past a gap, through another segment, from far behind,
 * and from the file when the base page cannot be read; a mapping whose
 * offset leads into a gap is only a view.
 */
START_TEST(crafted_images)
{
	struct zoo_child zc;
	struct want w;

	zoo_start(&zc);

	w = image(zc.z.pe, 1, zc.z.pe, PAGE_READONLY);
	query_expect(zc.h, zc.z.pe, &w, "PE headers");
	w = image(zc.z.pe + pg, 1, zc.z.pe, PAGE_EXECUTE_READ);
	query_expect(zc.h, zc.z.pe + pg, &w, "PE code");

	w = image(zc.z.chain, 1, zc.z.chain, PAGE_READONLY);
	query_expect(zc.h, zc.z.chain, &w, "ELF base");
	w = image(zc.z.chain + pg, 2, zc.z.chain, PAGE_EXECUTE_READ);
	w.base = zc.z.chain + 2 * pg;
	query_expect(zc.h, w.base, &w, "ELF text, from its second page");
	w = image(zc.z.chain + 3 * pg, 1, zc.z.chain, PAGE_WRITECOPY);
	query_expect(zc.h, zc.z.chain + 3 * pg, &w, "ELF data, through text");

	w = committed(zc.z.gap + 2 * pg, 1, PAGE_READONLY, MEM_MAPPED);
	query_expect(zc.h, zc.z.gap + 2 * pg, &w, "a segment past a gap");

	w = image(zc.z.far + FAR_SEGMENT * pg, 1, zc.z.far, PAGE_READONLY);
	query_expect(zc.h, zc.z.far + FAR_SEGMENT * pg, &w,
		     "far from its base");

	w = image(zc.z.fallback, 1, zc.z.fallback, 0);
	w.state = MEM_RESERVE;
	query_expect(zc.h, zc.z.fallback, &w, "an unreadable base");
	w = image(zc.z.fallback + pg, 1, zc.z.fallback, PAGE_READONLY);
	query_expect(zc.h, zc.z.fallback + pg, &w, "known from the file");

	zoo_stop(&zc);
}
END_TEST

/* Guard pages: a region of their own, PAGE_GUARD on the protection. */
START_TEST(guard_pages)
{
	struct zoo_child zc;
	struct want w;

	zoo_start(&zc);
	if (!zc.z.guards) {
		skip("guard_pages", "no MADV_GUARD_INSTALL (Linux < 6.13), "
		     "or PAGEMAP_SCAN fails here (ENOTTY, ENOSYS)");
		zoo_stop(&zc);
		return;
	}
	w = committed(zc.z.guard, 3, PAGE_READWRITE, MEM_PRIVATE);
	query_expect(zc.h, zc.z.guard, &w, "before the guards");
	w.base = zc.z.guard + pg;
	query_expect(zc.h, zc.z.guard + pg, &w, "before the guards, inside");
	w = committed(zc.z.guard, 5, PAGE_READWRITE, MEM_PRIVATE);
	w.base = zc.z.guard + 3 * pg;
	w.protect = PAGE_READWRITE | PAGE_GUARD;
	query_expect(zc.h, w.base, &w, "the guards");
	w.base += pg;
	query_expect(zc.h, w.base + 8, &w, "the second guard");
	w = committed(zc.z.guard, 8, PAGE_READWRITE, MEM_PRIVATE);
	w.base = zc.z.guard + 5 * pg;
	query_expect(zc.h, w.base, &w, "after the guards");
	zoo_stop(&zc);
}
END_TEST

/* The kernel's mappings: [vdso] an image, [vvar] not to be read. */
START_TEST(kernel_mappings)
{
	uintptr_t top = tlh_fx_user_top();
	struct maps *mp = malloc(sizeof(*mp));
	struct zoo_child zc;
	struct want w;
	int vdso = 0;
	size_t i;

	ck_assert_ptr_nonnull(mp);
	zoo_start(&zc);
	read_maps(zc.c.pid, top ? top : UINTPTR_MAX, mp);
	for (i = 0; i < mp->n; i++) {
		const struct line *l = &mp->l[i];

		if (named(l, "[vdso]")) {
			w = image(l->start, (l->end - l->start) / pg, l->start,
				  PAGE_EXECUTE_READ);
			query_expect(zc.h, l->start, &w, "[vdso]");
			vdso = 1;
		} else if (named(l, "[vvar]") || named(l, "[vvar_vclock]")) {
			w = committed(l->start, (l->end - l->start) / pg,
				      PAGE_NOACCESS, MEM_PRIVATE);
			query_expect(zc.h, l->start, &w, l->name);
		}
	}
	if (!vdso)
		skip("kernel_mappings", "no [vdso]");
	zoo_stop(&zc);
	free(mp);
}
END_TEST

/*
 * Each answer describes the process as it is: a region changed, unmapped
 * or mapped again since the last call is seen so at once, at the same
 * address and at the next.
 */
START_TEST(follows_changes)
{
	struct zoo_child zc;
	struct want w;

	zoo_start(&zc);
	w = committed(zc.z.changing, 4, PAGE_READWRITE, MEM_PRIVATE);
	query_expect(zc.h, zc.z.changing, &w, "before");

	zoo_command(&zc, 'r');
	w = committed(zc.z.changing, 2, PAGE_READONLY, MEM_PRIVATE);
	query_expect(zc.h, zc.z.changing, &w, "made read-only");
	w = committed(zc.z.changing + 2 * pg, 2, PAGE_READWRITE, MEM_PRIVATE);
	query_expect(zc.h, w.base, &w, "the rest");

	zoo_command(&zc, 'u');
	query_expect(zc.h, zc.z.changing + 3 * pg, &(struct want){
		zc.z.changing + 3 * pg, zc.z.changing + 4 * pg,
		zc.z.changing + 3 * pg, PAGE_READWRITE, MEM_COMMIT,
		PAGE_READWRITE, MEM_PRIVATE }, "past the hole");
	query_expect(zc.h, zc.z.changing + 2 * pg, &(struct want){
		zc.z.changing + 2 * pg, zc.z.changing + 3 * pg, 0, 0,
		MEM_FREE, PAGE_NOACCESS, 0 }, "the hole");

	zoo_command(&zc, 'm');
	w = committed(zc.z.changing + 2 * pg, 1, PAGE_EXECUTE_READ,
		      MEM_PRIVATE);
	query_expect(zc.h, w.base, &w, "mapped again");
	zoo_stop(&zc);
}
END_TEST

/* Two threads walking one process at once get the same walk. */
struct walker {
	HANDLE h;
	struct walk *w;
};

static void *
walker_run(void *arg)
{
	struct walker *wk = arg;
	uintptr_t p = 0;
	struct walk *w = wk->w;

	for (w->n = 0; w->n < MAX_REGIONS; w->n++) {
		if (VirtualQueryEx(wk->h, (LPCVOID)p, &w->r[w->n], MBI) != MBI)
			break;
		p = (uintptr_t)w->r[w->n].BaseAddress + w->r[w->n].RegionSize;
	}
	w->err = GetLastError();
	w->stop = p;
	return NULL;
}

START_TEST(threads_walk)
{
	uintptr_t top = tlh_fx_user_top();
	struct walker a, b;
	struct zoo_child zc;
	pthread_t ta, tb;
	int round;

	if (!top) {
		skip("threads_walk", "the top of user space is unknown here");
		return;
	}
	zoo_start(&zc);
	a.h = zc.h;
	b.h = zc.h;
	a.w = walk_alloc();
	b.w = walk_alloc();
	for (round = 0; round < 3; round++) {
		ck_assert_int_eq(pthread_create(&ta, NULL, walker_run, &a), 0);
		ck_assert_int_eq(pthread_create(&tb, NULL, walker_run, &b), 0);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		expect_walk_shape(a.w, top);
		expect_walk_shape(b.w, top);
		ck_assert_uint_eq(a.w->n, b.w->n);
		ck_assert(!memcmp(a.w->r, b.w->r, a.w->n * MBI));
	}
	zoo_stop(&zc);
	free(a.w);
	free(b.w);
}
END_TEST

/* --- the errors, in Windows' order ---------------------------------------- */

/* A failed call: 0, @code, and the buffer untouched. */
static void
expect_fail(HANDLE h, uintptr_t addr, SIZE_T len, DWORD code,
	    const char *what)
{
	unsigned char buf[2 * MBI];
	SIZE_T got;

	tlh_fx_canary_fill(buf, sizeof(buf));
	SetLastError(LAST_PRESET);
	got = VirtualQueryEx(h, (LPCVOID)addr,
			     (PMEMORY_BASIC_INFORMATION)(void *)buf, len);
	ck_assert_msg(got == 0, "%s: returned %lu", what, (unsigned long)got);
	ck_assert_msg(GetLastError() == code, "%s: error %lu, want %lu", what,
		      (unsigned long)GetLastError(), (unsigned long)code);
	ck_assert_msg(tlh_fx_canary_check(buf, sizeof(buf)) == sizeof(buf),
		      "%s: the buffer was written", what);
}

START_TEST(bad_lengths)
{
	static const SIZE_T lens[] = { 0, 1, 24, MBI - 1 };
	unsigned char buf[3 * MBI];
	HANDLE h = GetCurrentProcess();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lens); i++)
		expect_fail(h, (uintptr_t)buf, lens[i], ERROR_BAD_LENGTH,
			    "a short length");
	/* Enough, or more: 48 bytes written, not one more. */
	tlh_fx_canary_fill(buf, sizeof(buf));
	ck_assert_uint_eq(VirtualQuery(buf, (PMEMORY_BASIC_INFORMATION)(void *)
				       buf, sizeof(buf)), MBI);
	ck_assert_uint_eq(tlh_fx_canary_check(buf + MBI, 2 * MBI), 2 * MBI);
	ck_assert_uint_eq(VirtualQuery(buf, (PMEMORY_BASIC_INFORMATION)(void *)
				       buf, (SIZE_T)-1), MBI);
}
END_TEST

/* A buffer the caller cannot write: ERROR_NOACCESS, nothing written. */
START_TEST(bad_buffers)
{
	unsigned char *p;
	size_t i;

	p = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	tlh_fx_canary_fill(p, 3 * pg);
	ck_assert_int_eq(mprotect(p + pg, pg, PROT_READ), 0);
	ck_assert_int_eq(mprotect(p + 2 * pg, pg, PROT_NONE), 0);

	SetLastError(LAST_PRESET);
	ck_assert_uint_eq(VirtualQuery(p, NULL, MBI), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_NOACCESS);
	tlh_fx_quiet_begin();
	for (i = 0; i < 3; i++) {
		/* read-only; from read-write into read-only; into PROT_NONE */
		unsigned char *b = i == 0 ? p + pg : i == 1 ?
				   p + pg - MBI / 2 : p + 2 * pg - MBI / 2;

		SetLastError(LAST_PRESET);
		ck_assert_uint_eq(VirtualQuery(p, (PMEMORY_BASIC_INFORMATION)
					       (void *)b, MBI), 0);
		ck_assert_uint_eq(GetLastError(), ERROR_NOACCESS);
	}
	tlh_fx_quiet_end();
	ck_assert_int_eq(mprotect(p, 3 * pg, PROT_READ), 0);
	ck_assert_uint_eq(tlh_fx_canary_check(p, 3 * pg), 3 * pg);
	munmap(p, 3 * pg);
}
END_TEST

/* Above lpMaximumApplicationAddress: ERROR_INVALID_PARAMETER. */
START_TEST(above_top)
{
	uintptr_t top = tlh_fx_user_top();
	HANDLE h = GetCurrentProcess();
	MEMORY_BASIC_INFORMATION m;

	if (!top) {
		skip("above_top", "the top of user space is unknown here");
		return;
	}
	expect_fail(h, top, MBI, ERROR_INVALID_PARAMETER, "the top");
	expect_fail(h, top + 12345, MBI, ERROR_INVALID_PARAMETER,
		    "above the top");
	expect_fail(h, UINTPTR_MAX, MBI, ERROR_INVALID_PARAMETER,
		    "the last address");
	/* The last byte below: a free region (the stack lies lower). */
	ck_assert_uint_eq(VirtualQuery((LPCVOID)(top - 1), &m, MBI), MBI);
	ck_assert_uint_eq((uintptr_t)m.BaseAddress + m.RegionSize, top);
	ck_assert_uint_eq((uintptr_t)m.BaseAddress, top - pg);
	/* Address 0: free, from 0. */
	ck_assert_uint_eq(VirtualQuery(NULL, &m, MBI), MBI);
	ck_assert_uint_eq((uintptr_t)m.BaseAddress, 0);
	ck_assert_uint_eq(m.State, MEM_FREE);
	ck_assert_uint_eq(m.Protect, PAGE_NOACCESS);
	ck_assert_uint_eq(m.Type, 0);
	ck_assert_ptr_null(m.AllocationBase);
	ck_assert_uint_eq(m.AllocationProtect, 0);
	/* the length is checked before the address, the buffer too */
	expect_fail(h, top, MBI - 1, ERROR_BAD_LENGTH, "both bad");
	SetLastError(LAST_PRESET);
	ck_assert_uint_eq(VirtualQueryEx(h, (LPCVOID)top, NULL, MBI), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_NOACCESS);
}
END_TEST

/* NULL, closed and made-up handles: ERROR_INVALID_HANDLE, first of all. */
START_TEST(bad_handles)
{
	struct tlh_fx_child c;
	HANDLE closed, snap;

	ck_assert_int_eq(tlh_fx_child_start(&c, &(struct tlh_fx_spec){
		NULL, 0, 0, NULL, 0, 0 }), 0);
	closed = open_query(c.pid);
	ck_assert(CloseHandle(closed));
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	ck_assert_ptr_ne(snap, INVALID_HANDLE_VALUE);

	expect_fail(NULL, 0, MBI, ERROR_INVALID_HANDLE, "NULL");
	expect_fail(closed, 0, MBI, ERROR_INVALID_HANDLE, "closed");
	expect_fail((HANDLE)(uintptr_t)0x1234, 0, MBI, ERROR_INVALID_HANDLE,
		    "made up");
	expect_fail(snap, 0, MBI, ERROR_INVALID_HANDLE, "a snapshot");
	/* before the length, the address and the buffer */
	expect_fail(NULL, UINTPTR_MAX, 0, ERROR_INVALID_HANDLE, "all bad");
	SetLastError(LAST_PRESET);
	ck_assert_uint_eq(VirtualQueryEx(closed, NULL, NULL, 0), 0);
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_HANDLE);
	CloseHandle(snap);
	tlh_fx_child_stop(&c);
}
END_TEST

/* Rights: PROCESS_QUERY_INFORMATION is needed, and checked second. */
START_TEST(access_rights)
{
	static const DWORD denied[] = {
		PROCESS_VM_READ, PROCESS_QUERY_LIMITED_INFORMATION,
		PROCESS_VM_READ | PROCESS_VM_OPERATION | PROCESS_VM_WRITE,
		SYNCHRONIZE,
	};
	static const DWORD allowed[] = {
		PROCESS_QUERY_INFORMATION, PROCESS_ALL_ACCESS, GENERIC_READ,
		MAXIMUM_ALLOWED,
	};
	MEMORY_BASIC_INFORMATION m;
	struct tlh_fx_child c;
	size_t i;
	HANDLE h;

	ck_assert_int_eq(tlh_fx_child_start(&c, &(struct tlh_fx_spec){
		NULL, 0, 0, NULL, 0, 0 }), 0);
	for (i = 0; i < ARRAY_SIZE(denied); i++) {
		h = OpenProcess(denied[i], FALSE, (DWORD)c.pid);
		ck_assert_ptr_nonnull(h);
		expect_fail(h, 0, MBI, ERROR_ACCESS_DENIED,
			    "without the right");
		expect_fail(h, UINTPTR_MAX, 0, ERROR_ACCESS_DENIED,
			    "before the arguments");
		ck_assert(CloseHandle(h));
	}
	for (i = 0; i < ARRAY_SIZE(allowed); i++) {
		h = OpenProcess(allowed[i], FALSE, (DWORD)c.pid);
		ck_assert_ptr_nonnull(h);
		ck_assert_uint_eq(VirtualQueryEx(h, NULL, &m, MBI), MBI);
		ck_assert_uint_eq(m.State, MEM_FREE);
		ck_assert(CloseHandle(h));
	}
	tlh_fx_child_stop(&c);
}
END_TEST

/* A process that has exited, reaped or not: ERROR_ACCESS_DENIED. */
START_TEST(exited_process)
{
	struct tlh_fx_child c;
	siginfo_t si;
	HANDLE h;

	ck_assert_int_eq(tlh_fx_child_start(&c, &(struct tlh_fx_spec){
		NULL, 0, 0, NULL, 0, 0 }), 0);
	h = open_query(c.pid);
	ck_assert_int_eq(kill(c.pid, SIGKILL), 0);
	ck_assert_int_eq(waitid(P_PID, (id_t)c.pid, &si, WEXITED | WNOWAIT),
			 0);
	expect_fail(h, 0, MBI, ERROR_ACCESS_DENIED, "a zombie");
	tlh_fx_child_stop(&c);
	expect_fail(h, 0, MBI, ERROR_ACCESS_DENIED, "reaped");
	expect_fail(h, 0, 0, ERROR_BAD_LENGTH, "the length first");
	ck_assert(CloseHandle(h));
}
END_TEST

/* --- this process -------------------------------------------------------- */

static int static_var = 42;

/* VirtualQuery: a walk of our own, and places we know. */
START_TEST(self)
{
	uintptr_t top = tlh_fx_user_top();
	struct modules *mo = malloc(sizeof(*mo));
	struct walk *w = walk_alloc();
	MEMORY_BASIC_INFORMATION m;
	int local = 1;

	ck_assert_ptr_nonnull(mo);
	if (top) {
		walk(GetCurrentProcess(), w);
		expect_walk_shape(w, top);
	}
	free(w);

	ck_assert_uint_eq(VirtualQuery(&local, &m, MBI), MBI);
	ck_assert_uint_eq(m.State, MEM_COMMIT);
	ck_assert_uint_eq(m.Protect, PAGE_READWRITE);
	ck_assert_uint_eq(m.Type, MEM_PRIVATE);
	ck_assert_uint_eq((uintptr_t)m.BaseAddress,
			  (uintptr_t)&local & ~(uintptr_t)(pg - 1));

	/* our data: the copy-on-write data of this program's image */
	read_modules(getpid(), mo);
	ck_assert_uint_eq(VirtualQuery(&static_var, &m, MBI), MBI);
	ck_assert_uint_eq(m.Type, MEM_IMAGE);
	ck_assert_uint_eq((uintptr_t)m.AllocationBase,
			  module_of(mo, (uintptr_t)&static_var));
	ck_assert_uint_eq(m.Protect, PAGE_WRITECOPY);
	ck_assert_int_eq(static_var, 42);
	free(mo);
}
END_TEST

/* --- the text of the maps ------------------------------------------------- */

/* The cases tagged "maps" again, over the text of /proc/<pid>/maps. */
START_TEST(maps_text)
{
	char out[4096];
	int ret, checks;

	if (getenv("TLHELP32_FORCE_MAPS_TEXT")) {
		skip("maps_text", "TLHELP32_FORCE_MAPS_TEXT is set already: "
		     "the whole run uses the text");
		return;
	}
	ret = tlh_fx_run_maps_text("vquery", out, sizeof(out), &checks);
	ck_assert_msg(ret >= 0, "running the tests again: %s", strerror(-ret));
	ck_assert_msg(ret == 0, "with TLHELP32_FORCE_MAPS_TEXT=1 the tests "
		      "exited %d:\n%s", ret, out);
	ck_assert_msg(checks > 0, "no tests ran with "
		      "TLHELP32_FORCE_MAPS_TEXT=1:\n%s", out);
}
END_TEST

/* -------------------------------------------------------------------------- */

static TCase *
tcase(Suite *s, const char *name, int maps, double timeout)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, timeout);
	if (maps)
		tcase_set_tags(tc, "maps");
	suite_add_tcase(s, tc);
	return tc;
}

Suite *
vquery_suite(void)
{
	Suite *s = suite_create("vquery");
	TCase *tc;

	tc = tcase(s, "layout", 1, 60);
	tcase_add_test(tc, walk_child);
	tcase_add_test(tc, modules_are_images);
	tcase_add_test(tc, inside_region);
	tcase_add_test(tc, anonymous);
	tcase_add_test(tc, private_files);
	tcase_add_test(tc, shared_memory);
	tcase_add_test(tc, crafted_images);
	tcase_add_test(tc, guard_pages);
	tcase_add_test(tc, kernel_mappings);
	tcase_add_test(tc, follows_changes);
	tcase_add_test(tc, threads_walk);
	tcase_add_test(tc, self);

	tc = tcase(s, "errors", 0, 30);
	tcase_add_test(tc, bad_lengths);
	tcase_add_test(tc, bad_buffers);
	tcase_add_test(tc, above_top);
	tcase_add_test(tc, bad_handles);
	tcase_add_test(tc, access_rights);
	tcase_add_test(tc, exited_process);

	tc = tcase(s, "text", 0, 300);
	tcase_add_test(tc, maps_text);
	return s;
}
