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
 *
 * A Wine process (see wine_process()) runs Windows programs: its PE images
 * are its modules as Windows lists them, and come before its ELF objects.
 * Wine maps an image as several pieces, file-backed and anonymous, so an
 * image is found by its headers alone: a private mapping of a file at
 * offset 0 whose first page in the target is a PE header (pe.c), read with
 * the library's all-or-nothing read.  Its size is the header's SizeOfImage,
 * cut short where the mappings from its base end (a hole) or where user
 * space ends: a header that lies never makes an entry cover memory that is
 * not mapped.  A header that no longer parses (the program rewrote it) is
 * no module.  The program's own image (not a DLL) comes first.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "maps.h"
#include "os.h"
#include "pe.h"
#include "wine.h"
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
	int elf_class;		/* 1: 32-bit, 2: 64-bit, 0: not ELF, or
				 * OBJ_MZ: starts with "MZ" */
	int shared;		/* its offset-0 mapping is MAP_SHARED */
	int pe;			/* a PE image; then: */
	struct tlh_pe hdr;	/* its headers as the target holds them */
};

#define OBJ_MZ		3
#define IS_ELF(o)	((o)->elf_class == 1 || (o)->elf_class == 2)

/* A run of mappings with no hole between them. */
struct run {
	uintptr_t start;
	uintptr_t end;
};

struct objects {
	struct object *o;
	size_t n;
	size_t alloc;
	struct run *runs;
	size_t nruns;
	size_t runs_alloc;
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
	struct run *r;

	r = os->nruns ? &os->runs[os->nruns - 1] : NULL;
	if (r && r->end == vma->start) {
		r->end = vma->end;
	} else if (!r || r->end < vma->start) {	/* (maps come in order) */
		if (os->nruns == os->runs_alloc) {
			os->runs_alloc = os->runs_alloc ? os->runs_alloc * 2 :
							  32;
			r = realloc(os->runs, os->runs_alloc * sizeof(*r));
			if (!r)
				return -ENOMEM;
			os->runs = r;
		}
		r = &os->runs[os->nruns++];
		r->start = vma->start;
		r->end = vma->end;
	}
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
	o->shared = !!(vma->flags & TLH_VMA_SHARED);
	o->pe = 0;
	o->path = clean_path(vma->name, vma->name_len);
	if (!o->path)
		return -ENOMEM;
	os->n++;
	return 0;
}

#define ELF_BATCH	256	/* headers read per system call */

/*
 * 1 or 2 (ELFCLASS32, ELFCLASS64) if @hdr starts an ELF file, OBJ_MZ if it
 * starts as a PE image does, else 0.
 */
static int
class_of(const unsigned char *hdr)
{
	if (hdr[0] == 'M' && hdr[1] == 'Z')
		return OBJ_MZ;
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

/* The last component of @path. */
static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * Whether the process runs Wine: its executable is one of Wine's loaders
 * (tlh_wine_is_loader()), or it maps Wine's ELF side of ntdll (ntdll.so),
 * as Proton's and other builds with a loader of another name do.
 */
static int
wine_process(int dir, const struct objects *os)
{
	char link[4097];
	ssize_t len = -1;
	size_t i;

	if (dir >= 0)
		len = readlinkat(dir, "exe", link, sizeof(link) - 1);
	if (len > 0) {
		link[len] = '\0';
		if (tlh_wine_is_loader(link))
			return 1;
	}
	for (i = 0; i < os->n; i++)
		if (IS_ELF(&os->o[i]) &&
		    !strcmp(base_name(os->o[i].path), "ntdll.so"))
			return 1;
	return 0;
}

/* The end of the run of mappings holding @addr, or @addr if none does. */
static uintptr_t
run_end(const struct objects *os, uintptr_t addr)
{
	size_t lo = 0, hi = os->nruns, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (os->runs[mid].end <= addr)
			lo = mid + 1;
		else if (os->runs[mid].start > addr)
			hi = mid;
		else
			return os->runs[mid].end;
	}
	return addr;
}

/*
 * Which objects are PE images: a private offset-0 mapping (a view of a
 * file as data is shared, or holds no image) that starts with "MZ" and
 * whose first page in the target parses as PE headers.  An image's end is
 * its base plus SizeOfImage, cut at the first hole after the base and at
 * the top of user space.
 */
static void
find_images(pid_t pid, struct objects *os)
{
	unsigned char hdr[TLH_PE_HEADER_MAX];
	uintptr_t top = tlh_os_user_top(), end, limit;
	struct object *o;
	size_t i, len;

	for (i = 0; i < os->n; i++) {
		o = &os->o[i];
		if (o->elf_class != OBJ_MZ || o->shared)
			continue;
		len = o->first_end - o->base;
		if (len > sizeof(hdr))
			len = sizeof(hdr);
		if (tlh_os_read(pid, o->base, hdr, len) ||
		    tlh_pe_parse(hdr, len, &o->hdr))
			continue;
		limit = run_end(os, o->base);
		if (limit > top)
			limit = top;
		end = o->base + o->hdr.size_of_image;
		if (end < o->base || end > limit)
			end = limit;
		o->end = end;
		o->pe = 1;
	}
}

/*
 * The program's own image: the first that is not a DLL and whose name
 * begins as the process's comm (which Wine sets to the program's name)
 * does, else the first that is not a DLL; os->n if there is none.
 */
static size_t
main_image(int dir, const struct objects *os)
{
	char comm[17];
	size_t i, first = os->n, clen = 0;
	ssize_t len = -1;
	int fd;

	fd = dir < 0 ? -1 : openat(dir, "comm", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		len = read(fd, comm, sizeof(comm) - 1);
		close(fd);
	}
	if (len > 0) {
		clen = (size_t)len;
		if (comm[clen - 1] == '\n')
			clen--;
	}
	for (i = 0; i < os->n; i++) {
		if (!os->o[i].pe || os->o[i].hdr.dll)
			continue;
		if (first == os->n)
			first = i;
		if (clen && !strncasecmp(base_name(os->o[i].path), comm, clen))
			return i;
	}
	return first;
}

/*
 * Whether a PE image is listed: on 64-bit Windows, TH32CS_SNAPMODULE from
 * a 64-bit caller gives a WOW64 process's 64-bit modules, its program's
 * image among them, and TH32CS_SNAPMODULE32 its 32-bit ones.  So: the
 * program's image with either flag (with TH32CS_SNAPMODULE32 only if it
 * is PE32), other PE32+ images with TH32CS_SNAPMODULE, PE32 images with
 * TH32CS_SNAPMODULE32.
 */
static int
image_listed(const struct object *o, int is_main, int all, int only32)
{
	int pe32 = o->hdr.magic == TLH_PE_MAGIC32;

	if (is_main)
		return all || (only32 && pe32);
	return pe32 ? only32 : all;
}

int
tlh_os_snap_modules(struct tlh_snapshot *s, pid_t pid, int all, int only32)
{
	struct objects os = { NULL, 0, 0, NULL, 0, 0 };
	struct stat exe;
	size_t i, main_i, main_pe;
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
		if (main_i == os.n && have_exe && IS_ELF(&os.o[i]) &&
		    os.o[i].inode == (uint64_t)exe.st_ino &&
		    os.o[i].major == major(exe.st_dev) &&
		    os.o[i].minor == minor(exe.st_dev))
			main_i = i;
	}
	main_pe = os.n;
	if (wine_process(dir, &os)) {
		find_images(pid, &os);
		main_pe = main_image(dir, &os);
		if (main_pe < os.n &&
		    image_listed(&os.o[main_pe], 1, all, only32)) {
			ret = add_object(s, &os.o[main_pe]);
			if (ret)
				goto out;
		}
		for (i = 0; i < os.n; i++) {
			if (i == main_pe || !os.o[i].pe ||
			    !image_listed(&os.o[i], 0, all, only32))
				continue;
			ret = add_object(s, &os.o[i]);
			if (ret)
				goto out;
		}
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
		if (i == main_i || !IS_ELF(&os.o[i]))
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
	free(os.runs);
	return ret;
}
