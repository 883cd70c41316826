/*
 * th32-names.h - the names of regions: see th32-names.c.
 */
#ifndef TH32_NAMES_H
#define TH32_NAMES_H

#include "th32.h"

struct file_map {
	uintptr_t lo, hi;
	char *path;
};

struct names {
	MODULEENTRY32 *mods;
	size_t nmods;
	struct file_map *files;
	size_t nfiles;
};

/* Load the modules and file mappings of @pid; 0 or the exit status. */
int names_load(DWORD pid, struct names *nm, const char *ctx);
void names_free(struct names *nm);
/* The module whose image region @m is, or NULL. */
const MODULEENTRY32 *names_module(const struct names *nm,
				  const MEMORY_BASIC_INFORMATION *m);
/* The file mapping (or named kernel mapping) at @addr, or NULL. */
const struct file_map *names_file(const struct names *nm, uintptr_t addr);
/* The module's path or the file's for region @m, or NULL. */
const char *names_path(const struct names *nm,
		       const MEMORY_BASIC_INFORMATION *m);

#endif /* TH32_NAMES_H */
