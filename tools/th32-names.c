/*
 * th32-names.c - what th32 regions and th32 find call a region: the module
 * of an image (from the module snapshot), the file of a file view, or
 * nothing for anonymous memory.
 *
 * The Windows API names a view's file with GetMappedFileName, which the
 * library does not have; th32 reads the file names (and the kernel's
 * names in brackets, [heap], [stack], [vdso]) from /proc/PID/maps, by
 * address, and uses nothing else of it.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th32-names.h"

static void
free_files(struct names *nm)
{
	size_t i;

	for (i = 0; i < nm->nfiles; i++)
		free(nm->files[i].path);
	free(nm->files);
	nm->files = NULL;
	nm->nfiles = 0;
}

/* The file mappings of @pid; none if its maps cannot be read. */
static int
load_files(DWORD pid, struct names *nm)
{
	struct file_map *grown;
	char path[64], *line = NULL, *name;
	unsigned long lo, hi;
	size_t cap = 0, alloc = 0;
	int used;
	FILE *f;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%lu/maps",
			 (unsigned long)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/maps");
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		used = 0;
		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &lo, &hi,
			   &used) < 2 || !used)
			continue;
		name = line + used;
		name[strcspn(name, "\n")] = '\0';
		/* A file's path, or the kernel's name of a mapping
		 * ([heap], [stack], [vdso]). */
		if (name[0] != '/' && name[0] != '[')
			continue;
		if (nm->nfiles == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			grown = realloc(nm->files, alloc * sizeof(*grown));
			if (!grown)
				goto nomem;
			nm->files = grown;
		}
		nm->files[nm->nfiles].lo = (uintptr_t)lo;
		nm->files[nm->nfiles].hi = (uintptr_t)hi;
		nm->files[nm->nfiles].path = strdup(name);
		if (!nm->files[nm->nfiles].path)
			goto nomem;
		nm->nfiles++;
	}
	free(line);
	fclose(f);
	return 0;
nomem:
	free(line);
	fclose(f);
	free_files(nm);
	return out_of_memory();
}

int
names_load(DWORD pid, struct names *nm, const char *ctx)
{
	int ret;

	memset(nm, 0, sizeof(*nm));
	ret = get_modules(pid, &nm->mods, &nm->nmods, ctx);
	if (ret)
		return ret;
	ret = load_files(pid, nm);
	if (ret)
		names_free(nm);
	return ret;
}

void
names_free(struct names *nm)
{
	free(nm->mods);
	nm->mods = NULL;
	nm->nmods = 0;
	free_files(nm);
}

const MODULEENTRY32 *
names_module(const struct names *nm, const MEMORY_BASIC_INFORMATION *m)
{
	size_t i;

	if (m->Type != MEM_IMAGE)
		return NULL;
	for (i = 0; i < nm->nmods; i++)
		if (nm->mods[i].modBaseAddr == m->AllocationBase)
			return &nm->mods[i];
	return NULL;
}

const struct file_map *
names_file(const struct names *nm, uintptr_t addr)
{
	size_t lo = 0, hi = nm->nfiles, mid;

	/* The maps are in ascending order of address. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (addr < nm->files[mid].lo)
			hi = mid;
		else if (addr >= nm->files[mid].hi)
			lo = mid + 1;
		else
			return &nm->files[mid];
	}
	return NULL;
}

const char *
names_path(const struct names *nm, const MEMORY_BASIC_INFORMATION *m)
{
	const MODULEENTRY32 *me = names_module(nm, m);
	const struct file_map *f;

	if (me)
		return me->szExePath;
	if (m->State == MEM_FREE)
		return NULL;
	f = names_file(nm, (uintptr_t)m->BaseAddress);
	return f ? f->path : NULL;
}
