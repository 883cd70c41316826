/*
 * modules.c - the module list: one entry per ELF object mapped from a file,
 * found in one pass over /proc/<pid>/maps.
 *
 * An object starts at a mapping of its file at offset 0 and takes in the
 * mappings of the same file (device and inode) that follow it before any
 * other object starts; its base is that first mapping's start and its
 * size runs to the end of its last mapping.  Whether it is ELF is read from
 * its first bytes in the target, many objects per system call, or where
 * that system call cannot be used, through /proc/<pid>/mem, and failing
 * that through /proc/<pid>/map_files/: never from the file by its path,
 * which names nothing for an object deleted since it was mapped and
 * another file for one of another mount namespace.  The main executable,
 * the object whose file is the exe link's (device and inode), comes first;
 * the rest follow in address order.  Memory with no file behind it
 * ([vdso], anonymous mappings) is not a module.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "maps.h"
#include "os.h"
#include "procfs.h"
#include "../snapshot.h"

#define DELETED		" (deleted)"

struct object {
	uintptr_t base;
	uintptr_t first_end;	/* the end of its offset-0 mapping */
	uintptr_t end;
	uint64_t inode;
	uint32_t major;
	uint32_t minor;
	char *path;		/* unescaped, without " (deleted)" */
	int elf_class;		/* 1: 32-bit, 2: 64-bit, 0: not ELF */
};

struct objects {
	struct object *o;
	size_t n;
	size_t alloc;
};

/*
 * The path as a program can open it: the kernel writes a newline in a name
 * as "\012" and marks a file that is gone with " (deleted)".
 */
static char *
clean_path(const char *name, size_t len)
{
	char *p = malloc(len + 1);
	size_t i, o = 0;

	if (!p)
		return NULL;
	for (i = 0; i < len; i++) {
		if (name[i] == '\\' && len - i >= 4 && !memcmp(name + i, "\\012", 4)) {
			p[o++] = '\n';
			i += 3;
		} else {
			p[o++] = name[i];
		}
	}
	p[o] = '\0';
	if (o > strlen(DELETED) && !strcmp(p + o - strlen(DELETED), DELETED))
		p[o - strlen(DELETED)] = '\0';
	return p;
}

static int
collect(const struct tlh_vma *vma, void *arg)
{
	struct objects *os = arg;
	struct object *o, *grown;

	if (!vma->inode || !vma->name_len || vma->name[0] != '/')
		return 0;
	if (vma->offset) {
		/* a later part of the object just begun? */
		o = os->n ? &os->o[os->n - 1] : NULL;
		if (o && o->inode == vma->inode && o->major == vma->major &&
		    o->minor == vma->minor && vma->end > o->end)
			o->end = vma->end;
		return 0;	/* else a piece of a file mapped on its own */
	}
	if (os->n == os->alloc) {
		os->alloc = os->alloc ? os->alloc * 2 : 32;
		grown = realloc(os->o, os->alloc * sizeof(*os->o));
		if (!grown)
			return -ENOMEM;
		os->o = grown;
	}
	o = &os->o[os->n];
	o->base = vma->start;
	o->first_end = vma->end;
	o->end = vma->end;
	o->inode = vma->inode;
	o->major = vma->major;
	o->minor = vma->minor;
	o->elf_class = 0;
	o->path = clean_path(vma->name, vma->name_len);
	if (!o->path)
		return -ENOMEM;
	os->n++;
	return 0;
}

#define ELF_BATCH	256	/* headers read per system call */

/* 1 or 2 (ELFCLASS32, ELFCLASS64) if @hdr starts an ELF file, else 0. */
static int
class_of(const unsigned char *hdr)
{
	if (memcmp(hdr, "\177ELF", 4) || (hdr[4] != 1 && hdr[4] != 2))
		return 0;
	return hdr[4];
}

/* The class of the 5 bytes at @off of @fd, or -1 if they cannot be read. */
static int
class_at(int fd, off_t off)
{
	unsigned char hdr[5];
	ssize_t got;

	do
		got = pread(fd, hdr, sizeof(hdr), off);
	while (got < 0 && errno == EINTR);
	return got == (ssize_t)sizeof(hdr) ? class_of(hdr) : -1;
}

/* "map_files/<start>-<end>" for a mapping, as the kernel names it. */
static void
map_files_name(char *name, uintptr_t start, uintptr_t end)
{
	static const char digits[] = "0123456789abcdef";
	uintptr_t v[2] = { start, end };
	char *p = name + strlen(strcpy(name, "map_files/"));
	int i, shift;

	for (i = 0; i < 2; i++) {
		for (shift = 0; v[i] >> shift >> 4; shift += 4)
			;
		for (; shift >= 0; shift -= 4)
			*p++ = digits[v[i] >> shift & 0xf];
		*p++ = i ? '\0' : '-';
	}
}

/*
 * The ELF class of an object process_vm_readv() did not read: through
 * /proc/<pid>/mem (@mem: its descriptor, -1 if it cannot be opened, -2 if
 * not yet tried; it reads a PROT_NONE header too), else through the
 * object's link in map_files (root only), which opens the very file that
 * is mapped, deleted or not.  @dir is /proc/<pid>.
 */
static int
class_elsewhere(int dir, const struct object *o, int *mem)
{
	char name[48];
	int fd, class = -1;

	if (dir < 0)
		return 0;
	if (*mem == -2) {
		do
			*mem = openat(dir, "mem", O_RDONLY | O_CLOEXEC);
		while (*mem < 0 && errno == EINTR);
	}
	if (*mem >= 0)
		class = class_at(*mem, (off_t)o->base);
	if (class >= 0)
		return class;
	map_files_name(name, o->base, o->first_end);
	do
		fd = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOCTTY |
			    O_NONBLOCK);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return 0;
	class = class_at(fd, 0);
	close(fd);
	return class > 0 ? class : 0;
}

/*
 * The ELF class of every object, from the first bytes of its offset-0
 * mapping in the target, read ELF_BATCH objects per system call.  The
 * kernel stops at the first header it cannot read (each is 5 bytes at a
 * page start, so read whole or not at all); that object is read another
 * way (class_elsewhere()) and the batch goes on after it.  Where
 * process_vm_readv() cannot be used at all, every object is.
 */
static void
elf_classes(pid_t pid, int dir, struct objects *os)
{
	unsigned char hdr[ELF_BATCH][5];
	struct iovec local[ELF_BATCH], remote[ELF_BATCH];
	size_t i = 0, j, n, done;
	int elsewhere = 0, mem = -2;
	ssize_t got;

	while (i < os->n) {
		n = os->n - i < ELF_BATCH ? os->n - i : ELF_BATCH;
		done = 0;
		if (!elsewhere) {
			for (j = 0; j < n; j++) {
				local[j].iov_base = hdr[j];
				local[j].iov_len = sizeof(hdr[j]);
				remote[j].iov_base = (void *)os->o[i + j].base;
				remote[j].iov_len = sizeof(hdr[j]);
			}
			got = process_vm_readv(pid, local, n, remote, n, 0);
			if (got < 0 && errno != EFAULT)
				elsewhere = 1;	/* may not read it at all */
			done = got > 0 ? (size_t)got / sizeof(hdr[0]) : 0;
			for (j = 0; j < done; j++)
				os->o[i + j].elf_class = class_of(hdr[j]);
		}
		if (done < n) {
			os->o[i + done].elf_class =
				class_elsewhere(dir, &os->o[i + done], &mem);
			done++;
		}
		i += done;
	}
	if (mem >= 0)
		close(mem);
}

/*
 * The ELF class of @pid's executable, read from the file its exe link
 * names: 1 (32-bit), 2 (64-bit), or 0 if it cannot be read.
 */
static int
exe_class(pid_t pid)
{
	unsigned char hdr[5];
	ssize_t got;
	int fd;

	fd = tlh_procfs_open(pid, "exe");
	if (fd < 0)
		return 0;
	got = pread(fd, hdr, sizeof(hdr), 0);
	close(fd);
	return got == (ssize_t)sizeof(hdr) ? class_of(hdr) : 0;
}

int
tlh_os_snap_check_pid(pid_t pid)
{
	char buf[1024], *p;
	ssize_t len;
	int fd, ret;

	/* A thread id is not a process id: its Tgid line says whose it is. */
	fd = tlh_procfs_open(pid, "status");
	if (fd < 0)
		return fd;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -ESRCH;
	buf[len] = '\0';
	p = strstr(buf, "\nTgid:");
	if (!p || strtol(p + 6, NULL, 10) != (long)pid)
		return -ESRCH;
	ret = tlh_os_reach(pid);
	/*
	 * A 32-bit caller cannot name a 64-bit process's modules and heaps
	 * (most lie above 4 GiB): as under WOW64, ERROR_PARTIAL_COPY.
	 */
	if (!ret && UINTPTR_MAX == UINT32_MAX && exe_class(pid) == 2)
		ret = -EIO;
	return ret;
}

static int
add_object(struct tlh_snapshot *s, const struct object *o)
{
	struct tlh_module_rec *rec;
	const char *base = strrchr(o->path, '/');
	long name, path;

	base = base ? base + 1 : o->path;
	name = tlh_snap_add_string(s, base, strlen(base));
	path = tlh_snap_add_string(s, o->path, strlen(o->path));
	rec = name < 0 || path < 0 ? NULL : tlh_snap_add_module(s);
	if (!rec)
		return -ENOMEM;
	rec->base = o->base;
	rec->size = o->end - o->base;
	rec->name = (size_t)name;
	rec->path = (size_t)path;
	return 0;
}

int
tlh_os_snap_modules(struct tlh_snapshot *s, pid_t pid, int all, int only32)
{
	struct objects os = { NULL, 0, 0 };
	struct stat exe;
	size_t i, main_i;
	int ret, dir, have_exe = 0, bits32;

	dir = tlh_procfs_open(pid, "");
	if (dir >= 0)
		have_exe = !fstatat(dir, "exe", &exe, 0);
	ret = tlh_maps_each(pid, collect, &os);
	if (ret)
		goto out;

	elf_classes(pid, dir, &os);
	main_i = os.n;
	for (i = 0; i < os.n; i++) {
		if (main_i == os.n && have_exe && os.o[i].elf_class &&
		    os.o[i].inode == (uint64_t)exe.st_ino &&
		    os.o[i].major == major(exe.st_dev) &&
		    os.o[i].minor == minor(exe.st_dev))
			main_i = i;
	}
	/* The target's word size is its executable's. */
	bits32 = main_i < os.n && os.o[main_i].elf_class == 1;
	if (!all && !(only32 && bits32))
		goto out;
	if (main_i < os.n) {
		ret = add_object(s, &os.o[main_i]);
		if (ret)
			goto out;
	}
	for (i = 0; i < os.n; i++) {
		if (i == main_i || !os.o[i].elf_class)
			continue;
		ret = add_object(s, &os.o[i]);
		if (ret)
			goto out;
	}
out:
	if (dir >= 0)
		close(dir);
	for (i = 0; i < os.n; i++)
		free(os.o[i].path);
	free(os.o);
	return ret;
}
