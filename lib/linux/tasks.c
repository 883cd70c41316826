/*
 * tasks.c - the process and thread lists, read from /proc with openat()
 * relative to one descriptor of /proc itself, and a process that vanishes
 * during the walk simply left out.  Per process one stat file and the exe
 * link (plus cmdline when comm looks truncated); per thread one stat file;
 * a thread list alone reads no process's stat.  Each process's files are
 * named through "/proc/<pid>/..." rather than a descriptor of its
 * directory: that saves two system calls per process, and the pid could
 * name another process between the two lookups only if the kernel handed
 * out four million pids in those microseconds.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "os.h"
#include "stat.h"
#include "wine.h"
#include "../snapshot.h"

#define COMM_MAX	15	/* the kernel truncates comm to this */

/* The pid a /proc directory entry names, or 0. */
static pid_t
entry_pid(const char *name)
{
	unsigned long v = 0;

	if (!*name)
		return 0;
	for (; *name; name++) {
		if (*name < '0' || *name > '9')
			return 0;
		v = v * 10 + (unsigned long)(*name - '0');
		if (v > 4194304)	/* PID_MAX_LIMIT */
			return 0;
	}
	return (pid_t)v;
}

/* "<dir>/<name>" in @buf (32 bytes: a pid and a short name). */
static const char *
in_dir(char *buf, const char *dir, const char *name)
{
	size_t d = strlen(dir), n = strlen(name);

	if (d + n + 2 > 32)
		return "";	/* not a pid: fails to open */
	memcpy(buf, dir, d);
	buf[d] = '/';
	memcpy(buf + d + 1, name, n + 1);
	return buf;
}

/* Read a small file under @dirfd into @buf; returns its length or -errno. */
static ssize_t
read_at(int dirfd, const char *name, char *buf, size_t size)
{
	ssize_t got, total = 0;
	int fd, saved;

	do
		fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -errno;
	/* A short read means the end: these files are made in one piece. */
	do {
		got = read(fd, buf + total, size - (size_t)total);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		total += got;
	} while (got == (ssize_t)size - (total - got) && (size_t)total < size);
	saved = errno;
	close(fd);
	errno = saved;
	return got < 0 ? -errno : total;
}

/*
 * A file of a process or thread that could not be read because the task
 * is gone (or, for a parse error, was caught half made): skip the task.
 * Anything else, running out of descriptors say, fails the snapshot
 * rather than leaving it silently incomplete.
 */
static int
vanished(int err)
{
	return err == -ENOENT || err == -ESRCH || err == -EINVAL;
}

static int
read_stat(int dirfd, const char *name, struct tlh_stat *st)
{
	char buf[2048];
	ssize_t len = read_at(dirfd, name, buf, sizeof(buf));

	if (len <= 0)
		return len < 0 ? (int)len : -EINVAL;
	return tlh_stat_parse(buf, (size_t)len, st);
}

/*
 * A Wine process's name: the Windows program's file name (wine.c), from
 * its cmdline and comm.  0 if it has none yet; else 1 with *@off set to
 * the string's offset (or -ENOMEM).  @loader is the exe link's last
 * component.
 */
static int
add_wine_name(struct tlh_snapshot *s, int procfd, const char *pid_name,
	      const struct tlh_stat *st, const char *loader, long *off)
{
	char buf[4097], path[32];
	const char *name;
	ssize_t len;
	size_t n;

	len = read_at(procfd, in_dir(path, pid_name, "cmdline"), buf,
		      sizeof(buf) - 1);
	if (len < 0)
		len = 0;
	buf[len] = '\0';
	n = tlh_wine_name(buf, (size_t)len, st->comm, loader, &name);
	if (!n)
		return 0;
	*off = tlh_snap_add_string(s, name, n);
	return 1;
}

/*
 * The executable's file name: for a Wine process the Windows program's
 * (add_wine_name()); else the exe link's last component when the link
 * can be read; else comm, or argv[0]'s last component when comm was cut
 * short and argv[0] continues it; else the pid.  Never empty.
 */
static long
add_exe_name(struct tlh_snapshot *s, int procfd, const char *pid_name,
	     const struct tlh_stat *st)
{
	char buf[4097], path[32], *base;
	size_t clen = strlen(st->comm);
	ssize_t len;
	long off;

	len = readlinkat(procfd, in_dir(path, pid_name, "exe"), buf,
			 sizeof(buf) - 1);
	if (len > 0) {
		buf[len] = '\0';
		if (len > 10 && !strcmp(buf + len - 10, " (deleted)"))
			buf[len -= 10] = '\0';
		base = strrchr(buf, '/');
		base = base ? base + 1 : buf;
		if (*base && tlh_wine_is_loader(buf) &&
		    add_wine_name(s, procfd, pid_name, st, base, &off))
			return off;
		if (*base)
			return tlh_snap_add_string(s, base, strlen(base));
	}
	if (clen == COMM_MAX) {
		len = read_at(procfd, in_dir(path, pid_name, "cmdline"), buf,
			      sizeof(buf) - 1);
		if (len > 0) {
			buf[len] = '\0';
			base = strrchr(buf, '/');
			base = base ? base + 1 : buf;
			if (!strncmp(base, st->comm, clen))
				return tlh_snap_add_string(s, base,
							   strlen(base));
		}
	}
	if (clen)
		return tlh_snap_add_string(s, st->comm, clen);
	return tlh_snap_add_string(s, pid_name, strlen(pid_name));
}

struct thread_tmp {
	uint32_t tid;
	int main;
	uint64_t start;
	int32_t pri;
};

/* Main thread first, then in creation order (start time, then tid). */
static int
thread_order(const void *a, const void *b)
{
	const struct thread_tmp *x = a, *y = b;

	if (x->main != y->main)
		return x->main ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

/* The kernel's directory entry, as getdents64() returns it. */
struct dent64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

static int
add_threads(struct tlh_snapshot *s, int procfd, const char *pid_name,
	    uint32_t pid)
{
	struct thread_tmp *t = NULL, *grown;
	size_t n = 0, alloc = 0, i, len;
	struct tlh_thread_rec *rec;
	struct tlh_stat st;
	struct dent64 *de;
	char dents[4096], name[32];
	long got, pos;
	int fd, ret = 0;
	pid_t tid;

	fd = openat(procfd, in_dir(name, pid_name, "task"),
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return vanished(-errno) ? 0 : -errno;	/* gone, or trouble */
	while ((got = syscall(SYS_getdents64, fd, dents, sizeof(dents))) > 0) {
		for (pos = 0; pos < got; pos += de->reclen) {
			de = (struct dent64 *)(dents + pos);
			tid = entry_pid(de->name);
			len = strlen(de->name);
			if (!tid || len > 10)
				continue;
			memcpy(name, de->name, len);
			memcpy(name + len, "/stat", 6);
			ret = read_stat(fd, name, &st);
			if (vanished(ret)) {
				ret = 0;
				continue;	/* the thread ended */
			}
			if (ret)
				goto out;
			if (n == alloc) {
				alloc = alloc ? alloc * 2 : 16;
				grown = realloc(t, alloc * sizeof(*t));
				if (!grown) {
					ret = -ENOMEM;
					goto out;
				}
				t = grown;
			}
			t[n].tid = (uint32_t)tid;
			t[n].main = (uint32_t)tid == pid;
			t[n].start = st.starttime;
			t[n++].pri = tlh_stat_thread_base(&st);
		}
	}
	if (got < 0 && errno != ENOENT) {
		ret = -errno;
		goto out;
	}
	if (n)
		qsort(t, n, sizeof(*t), thread_order);
	for (i = 0; i < n; i++) {
		rec = tlh_snap_add_thread(s);
		if (!rec) {
			ret = -ENOMEM;
			goto out;
		}
		rec->tid = t[i].tid;
		rec->pid = pid;
		rec->base_pri = t[i].pri;
	}
out:
	free(t);
	close(fd);
	return ret;
}

/* One process: its entry and, if asked, its threads. */
static int
add_process(struct tlh_snapshot *s, int procfd, const char *name, pid_t pid,
	    int procs, int threads)
{
	struct tlh_proc_rec *rec;
	struct tlh_stat st;
	char path[32];
	long off;
	int ret;

	if (procs) {
		ret = read_stat(procfd, in_dir(path, name, "stat"), &st);
		if (vanished(ret) || (!ret && st.pid != (uint32_t)pid))
			return 0;	/* vanished, or not what it claims */
		if (ret)
			return ret;
		off = add_exe_name(s, procfd, name, &st);
		rec = off < 0 ? NULL : tlh_snap_add_proc(s);
		if (!rec)
			return -ENOMEM;
		rec->pid = st.pid;
		rec->ppid = st.ppid;
		rec->threads = st.threads;
		rec->pri_class = tlh_stat_class_base(&st);
		rec->name = (size_t)off;
	}
	return threads ? add_threads(s, procfd, name, (uint32_t)pid) : 0;
}

int
tlh_os_snap_tasks(struct tlh_snapshot *s, int procs, int threads)
{
	struct dirent *de;
	int ret = 0;
	pid_t pid;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return errno == ENOENT ? -ENOSYS : -errno;
	/* An empty directory where /proc should be: not mounted. */
	if (faccessat(dirfd(d), "self", F_OK, 0)) {
		closedir(d);
		return -ENOSYS;
	}
	while (!ret) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			ret = -errno;
			break;
		}
		pid = entry_pid(de->d_name);
		if (pid)
			ret = add_process(s, dirfd(d), de->d_name, pid, procs,
					  threads);
	}
	closedir(d);
	return ret;
}
