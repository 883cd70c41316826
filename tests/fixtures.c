/*
 * fixtures.c - subjects for the tests; see fixtures.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000	/* Linux 4.17; a hint before */
#endif

/* valgrind's client requests, where its header is installed. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HAVE_VALGRIND_H	1
#endif
#endif

/* --- memory contents ------------------------------------------------------ */

/* A multiplicative hash: no shift of a copy by any distance looks right. */
unsigned char
tlh_fx_pattern_byte(unsigned int seed, size_t off)
{
	uint64_t x = ((uint64_t)off + 1) * 0x9e3779b97f4a7c15ull +
		     (uint64_t)seed * 0xc2b2ae3d27d4eb4full;

	x ^= x >> 32;
	return (unsigned char)(x >> 24);
}

void
tlh_fx_pattern_fill(void *p, size_t n, unsigned int seed, size_t off)
{
	unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = tlh_fx_pattern_byte(seed, off + i);
}

size_t
tlh_fx_pattern_check(const void *p, size_t n, unsigned int seed, size_t off)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != tlh_fx_pattern_byte(seed, off + i))
			break;
	return i;
}

/* The canary depends on the byte's address: any part can be checked. */
static unsigned char
canary_byte(const unsigned char *b)
{
	uintptr_t a = (uintptr_t)b;

	return (unsigned char)(0xa5 ^ (a * 13) ^ (a >> 9));
}

void
tlh_fx_canary_fill(void *p, size_t n)
{
	unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = canary_byte(b + i);
}

size_t
tlh_fx_canary_check(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != canary_byte(b + i))
			break;
	return i;
}

/* --- memory layouts ------------------------------------------------------- */

size_t
tlh_fx_page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * Where layouts with holes go: far below everything else.  The kernel
 * gives an mmap() without an address the highest gap that fits below the
 * stack (or, in the legacy layout, the lowest above a third of the
 * address space), so a hole here is never filled by anyone else's
 * mapping, such as a page a sanitizer's runtime maps on its own between
 * the munmap() and the call under test (and would then lose when the
 * layout is freed).  Each candidate is tried in steps; one that is taken
 * (a sanitizer's shadow memory) or out of reach (a smaller address space)
 * is passed over, and with none free the layout goes wherever mmap()
 * puts it.
 */
void *
tlh_fx_map_low(size_t len)
{
	static const uint64_t bases[] = {
		0x200000000000ull,	/* 32 TiB: x86-64, ASan's shadow below */
		0x1000000000ull,	/* 64 GiB: 39-bit arm64 */
		0x10000000ull,		/* 256 MiB: 32-bit */
	};
	size_t step = (len + ((size_t)1 << 20)) & ~(((size_t)1 << 20) - 1);
	unsigned char *want, *p;
	size_t i, k;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		if (bases[i] > UINTPTR_MAX - 64 * step)
			continue;
		for (k = 0; k < 64; k++) {
			want = (unsigned char *)(uintptr_t)bases[i] + k * step;
			p = mmap(want, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS |
				 MAP_FIXED_NOREPLACE, -1, 0);
			if (p == want)
				return p;
			if (p != MAP_FAILED)	/* an old kernel's hint */
				munmap(p, len);
			if (p != MAP_FAILED || errno != EEXIST)
				break;
		}
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void *
tlh_fx_layout(const struct tlh_fx_piece *pieces, size_t n, unsigned int seed,
	      size_t *lenp)
{
	size_t pg = tlh_fx_page_size(), len = 0, off = 0, plen, i;
	unsigned char *base;
	int ret, err, holes = 0;

	for (i = 0; i < n; i++) {
		len += pieces[i].pages * pg;
		holes |= pieces[i].prot == TLH_FX_HOLE && pieces[i].pages;
	}
	if (!len) {
		errno = EINVAL;
		return NULL;
	}
	if (holes) {
		base = tlh_fx_map_low(len);
		if (!base)
			return NULL;
	} else {
		base = mmap(NULL, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (base == MAP_FAILED)
			return NULL;
	}
	tlh_fx_pattern_fill(base, len, seed, 0);
	for (i = 0; i < n; i++, off += plen) {
		plen = pieces[i].pages * pg;
		if (!plen)
			continue;
		if (pieces[i].prot == TLH_FX_HOLE)
			ret = munmap(base + off, plen);
		else
			ret = mprotect(base + off, plen, pieces[i].prot);
		if (ret) {
			err = errno;
			munmap(base, len);
			errno = err;
			return NULL;
		}
	}
	*lenp = len;
	return base;
}

void
tlh_fx_layout_free(void *base, size_t len)
{
	if (base)
		munmap(base, len);
}

void *
tlh_fx_map_file(size_t filelen, size_t maplen, int prot, unsigned int seed)
{
	unsigned char buf[4096];
	size_t off, n;
	void *p;
	FILE *f;
	int err;

	f = tmpfile();
	if (!f)
		return NULL;
	for (off = 0; off < filelen; off += n) {
		n = filelen - off < sizeof(buf) ? filelen - off : sizeof(buf);
		tlh_fx_pattern_fill(buf, n, seed, off);
		if (fwrite(buf, 1, n, f) != n)
			break;
	}
	if (off < filelen || fflush(f)) {
		err = errno ? errno : EIO;
		fclose(f);
		errno = err;
		return NULL;
	}
	p = mmap(NULL, maplen, prot, MAP_SHARED, fileno(f), 0);
	err = errno;
	fclose(f);
	errno = err;
	return p == MAP_FAILED ? NULL : p;
}

void *
tlh_fx_map_elf_copy(const char *dir, const char *name, int delete)
{
	size_t pg = tlh_fx_page_size();
	char path[PATH_MAX];
	void *buf, *p = MAP_FAILED;
	int in, out = -1, err;

	buf = calloc(1, pg);
	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (!buf || in < 0)
		goto out;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	out = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		goto out;
	if (tlh_fx_read_all(in, buf, pg) < 64 ||
	    write(out, buf, pg) != (ssize_t)pg) {
		errno = EIO;
		goto out;
	}
	p = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, out, 0);
	if (p != MAP_FAILED && delete)
		unlink(path);
out:
	err = errno;
	if (p == MAP_FAILED && out >= 0)
		unlink(path);
	if (out >= 0)
		close(out);
	if (in >= 0)
		close(in);
	free(buf);
	errno = err;
	return p == MAP_FAILED ? NULL : p;
}

int
tlh_fx_self_mapping(const char *name, uintptr_t *start, uintptr_t *end)
{
	size_t cap = 0, len, nlen = strlen(name);
	unsigned long s, e;
	char *line = NULL;
	ssize_t got;
	int ret = -ENOENT;
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (!f)
		return -errno;
	while ((got = getline(&line, &cap, f)) > 0) {
		len = (size_t)got;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (len <= nlen || line[len - nlen - 1] != ' ' ||
		    strcmp(line + len - nlen, name))
			continue;
		if (sscanf(line, "%lx-%lx", &s, &e) == 2) {
			*start = s;
			*end = e;
			ret = 0;
			break;
		}
	}
	free(line);
	fclose(f);
	return ret;
}

uintptr_t
tlh_fx_user_top(void)
{
#if defined(__x86_64__) && defined(MAP_FIXED_NOREPLACE)
	size_t pg = tlh_fx_page_size();
	void *hint = (void *)((uintptr_t)1 << 47);
	void *p;

	/* A page above 47 bits can be mapped only with 5-level paging. */
	p = mmap(hint, pg, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != MAP_FAILED)
		munmap(p, pg);
	if (p == hint || (p == MAP_FAILED && errno == EEXIST))
		return ((uintptr_t)1 << 56) - pg;
	return ((uintptr_t)1 << 47) - pg;
#elif defined(__aarch64__) && defined(MAP_FIXED_NOREPLACE)
	/* 1 << VA_BITS: the highest of these whose last page maps (one
	 * above 48 bits only with 52-bit VAs, asked for by the hint); under
	 * qemu-user on an x86-64 host, that host's top */
	static const uintptr_t tops[] = {
		(uintptr_t)1 << 52, (uintptr_t)1 << 48, (uintptr_t)1 << 47,
		((uintptr_t)1 << 47) - 4096, (uintptr_t)1 << 42,
		(uintptr_t)1 << 39,
	};
	size_t pg = tlh_fx_page_size(), i;
	void *hint, *p;

	for (i = 0; i < sizeof(tops) / sizeof(tops[0]); i++) {
		hint = (void *)(tops[i] - pg);
		p = mmap(hint, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
			 MAP_FIXED_NOREPLACE, -1, 0);
		if (p != MAP_FAILED)
			munmap(p, pg);
		if (p == hint || (p == MAP_FAILED && errno == EEXIST))
			return tops[i];
	}
	return 0;
#elif defined(__i386__)
	struct utsname u;

	/* A 32-bit process under a 64-bit kernel: its TASK_SIZE. */
	if (!uname(&u) && !strcmp(u.machine, "x86_64") &&
	    !(personality(0xffffffff) & ADDR_LIMIT_3GB))
		return 0xFFFFE000u;
	return 0;	/* a 32-bit kernel's split: unknown here */
#else
	return 0;	/* unknown here: tests of the top are skipped */
#endif
}

/* --- child processes ------------------------------------------------------ */

/* Children not yet reaped, with the control pipe end to close first. */
#define FX_CHILDREN_MAX	16

static struct {
	pid_t pid;
	int fd;
} fx_children[FX_CHILDREN_MAX];

/* A free slot for a child about to be forked, or -1. */
static int
free_slot(void)
{
	int i;

	for (i = 0; i < FX_CHILDREN_MAX; i++)
		if (!fx_children[i].pid)
			return i;
	return -1;
}

static void
remember(int slot, pid_t pid, int fd)
{
	fx_children[slot].pid = pid;
	fx_children[slot].fd = fd;
}

/* Forget @pid, closing its control pipe end. */
static void
forget(pid_t pid)
{
	int i;

	for (i = 0; i < FX_CHILDREN_MAX; i++) {
		if (fx_children[i].pid == pid) {
			if (fx_children[i].fd >= 0)
				close(fx_children[i].fd);
			fx_children[i].pid = 0;
		}
	}
}

void
tlh_fx_reap(pid_t pid)
{
	if (pid <= 0)
		return;
	forget(pid);
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

void
tlh_fx_teardown(void)
{
	int i;

	for (i = 0; i < FX_CHILDREN_MAX; i++)
		if (fx_children[i].pid)
			tlh_fx_reap(fx_children[i].pid);
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

size_t
tlh_fx_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t have = 0;
	ssize_t n;

	while (have < len) {
		n = read(fd, p + have, len - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	return have;
}

/* In a new child: die with the parent (set after any change of uid). */
static void
die_with_parent(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
}

int
tlh_fx_child_run(struct tlh_fx_child *c, void (*fn)(void *arg, int report),
		 void *arg, void *report_buf, size_t report_len)
{
	int ctl[2], rep[2], err, slot = free_slot();
	pid_t parent = getpid();
	size_t got;
	char b;

	c->pid = -1;
	c->ctl = -1;
	c->base = NULL;
	c->len = 0;
	if (slot < 0)
		return -EAGAIN;
	if (pipe2(ctl, O_CLOEXEC))
		return -errno;
	if (pipe2(rep, O_CLOEXEC)) {
		err = -errno;
		close(ctl[0]);
		close(ctl[1]);
		return err;
	}
	c->pid = fork();
	if (c->pid == 0) {
		die_with_parent(parent);
		close(ctl[1]);
		close(rep[0]);
		fn(arg, rep[1]);
		close(rep[1]);
		while (read(ctl[0], &b, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	err = -errno;
	close(ctl[0]);
	close(rep[1]);
	if (c->pid < 0) {
		close(ctl[1]);
		close(rep[0]);
		return err;
	}
	c->ctl = ctl[1];
	remember(slot, c->pid, c->ctl);
	got = tlh_fx_read_all(rep[0], report_buf, report_len);
	close(rep[0]);
	if (got < report_len) {
		tlh_fx_child_stop(c);
		return -EPIPE;
	}
	return 0;
}

struct layout_report {
	int err;
	void *base;
	size_t len;
};

static void
layout_child(void *arg, int report)
{
	const struct tlh_fx_spec *spec = arg;
	struct layout_report r;

	memset(&r, 0, sizeof(r));	/* padding included: it is written */
	if (spec->poke)
		tlh_fx_pattern_fill(spec->poke, spec->poke_len,
				    spec->poke_seed, 0);
	if (spec->pieces) {
		r.base = tlh_fx_layout(spec->pieces, spec->npieces, spec->seed,
				       &r.len);
		if (!r.base)
			r.err = errno;
	}
	write_all(report, &r, sizeof(r));
}

int
tlh_fx_child_start(struct tlh_fx_child *c, const struct tlh_fx_spec *spec)
{
	struct tlh_fx_spec copy = *spec;
	struct layout_report r;
	int ret;

	ret = tlh_fx_child_run(c, layout_child, &copy, &r, sizeof(r));
	if (ret)
		return ret;
	if (r.err) {
		tlh_fx_child_stop(c);
		return -r.err;
	}
	c->base = r.base;
	c->len = r.len;
	return 0;
}

void
tlh_fx_child_stop(struct tlh_fx_child *c)
{
	if (c->pid > 0)
		tlh_fx_reap(c->pid);	/* closes c->ctl too */
	else if (c->ctl >= 0)
		close(c->ctl);
	c->pid = -1;
	c->ctl = -1;
}

pid_t
tlh_fx_zombie(void)
{
	int err, slot = free_slot();
	siginfo_t si;
	pid_t pid;

	if (slot < 0)
		return -EAGAIN;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(0);
	remember(slot, pid, -1);
	/* Wait for the exit but leave the child unreaped. */
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0) {
		if (errno != EINTR) {
			err = -errno;
			tlh_fx_reap(pid);
			return err;
		}
	}
	return pid;
}

pid_t
tlh_fx_dead_pid(void)
{
	char path[32];
	pid_t pid;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		pid = fork();
		if (pid < 0)
			return -errno;
		if (pid == 0)
			_exit(0);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		snprintf(path, sizeof(path), "/proc/%d", (int)pid);
		if (access(path, F_OK) < 0 && errno == ENOENT &&
		    kill(pid, 0) < 0 && errno == ESRCH)
			return pid;
	}
	return -EAGAIN;
}

int
tlh_fx_run_as_nobody(int (*fn)(void *arg, char *msg, size_t len),
		     void *arg, char *msg, size_t len)
{
	unsigned char result = 0xff;	/* none: the child died */
	pid_t parent = getpid(), pid;
	int p[2], status, slot;
	struct passwd *pw;
	size_t got;
	uid_t uid;
	gid_t gid;

	msg[0] = '\0';
	if (geteuid() != 0) {
		snprintf(msg, len, "not root (euid %u): cannot drop privileges",
			 (unsigned int)geteuid());
		return TLH_FX_SKIP;
	}
	pw = getpwnam("nobody");
	if (!pw || pw->pw_uid == 0) {
		snprintf(msg, len, "no unprivileged user \"nobody\"");
		return TLH_FX_SKIP;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	slot = free_slot();
	if (slot < 0) {
		snprintf(msg, len, "too many children");
		return TLH_FX_FAIL;
	}
	if (pipe2(p, O_CLOEXEC)) {
		snprintf(msg, len, "pipe: %s", strerror(errno));
		return TLH_FX_FAIL;
	}
	pid = fork();
	if (pid == 0) {
		/* The result goes through the pipe, not the exit status
		 * (which valgrind --error-exitcode may replace). */
		close(p[0]);
		if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
		    setresuid(uid, uid, uid)) {
			snprintf(msg, len, "cannot drop privileges to nobody: %s",
				 strerror(errno));
			result = TLH_FX_SKIP;
		} else {
			die_with_parent(parent);
			msg[0] = '\0';
			result = fn(arg, msg, len);
			if (result != TLH_FX_PASS && result != TLH_FX_SKIP)
				result = TLH_FX_FAIL;
		}
		write_all(p[1], &result, 1);
		write_all(p[1], msg, strnlen(msg, len));
		_exit(0);
	}
	close(p[1]);
	if (pid < 0) {
		snprintf(msg, len, "fork: %s", strerror(errno));
		close(p[0]);
		return TLH_FX_FAIL;
	}
	remember(slot, pid, -1);
	got = tlh_fx_read_all(p[0], &result, 1);
	if (got)
		got = tlh_fx_read_all(p[0], msg, len - 1);
	msg[got] = '\0';
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	forget(pid);
	if (result <= TLH_FX_SKIP)
		return result;
	snprintf(msg, len, "child running as nobody ended with status %#x",
		 (unsigned int)status);
	return TLH_FX_FAIL;
}

int
tlh_fx_run_self(char *const *set, const char *const *unset, char *out,
		size_t len)
{
	pid_t parent = getpid(), pid;
	char exe[PATH_MAX];
	int status, fd, i;
	ssize_t n, got;
	off_t size;
	FILE *f;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -errno;
	exe[n] = '\0';
	f = tmpfile();
	if (!f)
		return -errno;
	fd = fileno(f);
	pid = fork();
	if (pid == 0) {
		die_with_parent(parent);	/* kept across the exec */
		for (i = 0; unset && unset[i]; i++)
			unsetenv(unset[i]);
		for (i = 0; set && set[i]; i++)
			putenv(set[i]);
		if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(127);
		execl(exe, exe, (char *)NULL);
		_exit(127);
	}
	if (pid < 0) {
		i = -errno;
		fclose(f);
		return i;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* Keep the tail of what it printed. */
	out[0] = '\0';
	size = lseek(fd, 0, SEEK_END);
	if (size > 0 && len > 1) {
		n = size > (off_t)(len - 1) ? (ssize_t)(len - 1) : (ssize_t)size;
		got = pread(fd, out, (size_t)n, size - n);
		out[got > 0 ? got : 0] = '\0';
	}
	fclose(f);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int
tlh_fx_pvr_error(void)
{
	char a = 1, b = 0;
	struct iovec l = { &b, 1 }, r = { &a, 1 };

	return process_vm_readv(getpid(), &l, 1, &r, 1, 0) == 1 ? 0 : errno;
}

int
tlh_fx_ioctl_error(const char *file, unsigned long req)
{
	char path[64];
	int fd, err;

	snprintf(path, sizeof(path), "/proc/self/%s", file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	tlh_fx_quiet_begin();	/* a null argument on purpose */
	err = ioctl(fd, req, NULL) ? errno : 0;
	tlh_fx_quiet_end();
	close(fd);
	return err == EFAULT || err == EINVAL ? 0 : err;
}

int
tlh_fx_run_maps_text(const char *suite, char *out, size_t len, int *checks)
{
	static char env_force[] = "TLHELP32_FORCE_MAPS_TEXT=1";
	static char env_tags[] = "CK_INCLUDE_TAGS=maps";
	static const char *const unset[] = {
		"CK_RUN_CASE", "CK_EXCLUDE_TAGS", "CK_LOG_FILE_NAME",
		"CK_XML_LOG_FILE_NAME", "CK_TAP_LOG_FILE_NAME", NULL,
	};
	char env_suite[64];
	char *const set[] = { env_force, env_suite, env_tags, NULL };
	const char *at;
	int ret;

	snprintf(env_suite, sizeof(env_suite), "CK_RUN_SUITE=%s", suite);
	ret = tlh_fx_run_self(set, unset, out, len);
	at = ret >= 0 ? strstr(out, "Checks: ") : NULL;
	*checks = at ? atoi(at + 8) : -1;
	return ret;
}

const char *
tlh_fx_emulator(void)
{
	char exe[PATH_MAX];
	const char *base;
	ssize_t len;
	int dir;

	/* through a directory descriptor, past qemu's own answer */
	dir = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return NULL;
	len = readlinkat(dir, "exe", exe, sizeof(exe) - 1);
	close(dir);
	if (len <= 0)
		return NULL;
	exe[len] = '\0';
	base = strrchr(exe, '/');
	base = base ? base + 1 : exe;
	return !strncmp(base, "qemu-", 5) ? "qemu-user" : NULL;
}

int
tlh_fx_skip_emulated(const char *test, const char *why)
{
	const char *emu = tlh_fx_emulator();

	if (!emu)
		return 0;
	printf("SKIP: %s: under %s, %s\n", test, emu, why);
	fflush(stdout);
	return 1;
}

int
tlh_fx_under_valgrind(void)
{
#ifdef HAVE_VALGRIND_H
	return RUNNING_ON_VALGRIND != 0;
#else
	const char *preload = getenv("LD_PRELOAD");

	return preload && strstr(preload, "vgpreload") != NULL;
#endif
}

void
tlh_fx_quiet_begin(void)
{
#ifdef HAVE_VALGRIND_H
	VALGRIND_DISABLE_ERROR_REPORTING;
#endif
}

void
tlh_fx_quiet_end(void)
{
#ifdef HAVE_VALGRIND_H
	VALGRIND_ENABLE_ERROR_REPORTING;
#endif
}
