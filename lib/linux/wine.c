/*
 * wine.c - Wine processes: how to tell one, and the name of the Windows
 * program it runs.
 *
 * Wine runs a Windows program in a Linux process whose executable is
 * Wine's loader.  Once the program is loaded, Wine sets the process's
 * comm to the program's file name (the kernel keeps 15 bytes of it) and
 * rewrites its argv so that argv[0] is the program's path as it was
 * started: a Windows path for a program started by another Windows
 * program ("C:\windows\system32\winedevice.exe"), the path as typed for
 * one started from a shell ("./game.exe", "Z:\home\me\game.exe").  The
 * file name is the part after the last '\' or '/'.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "wine.h"

#define COMM_MAX	15	/* the kernel cuts comm to this */

static const char *const loaders[] = {
	"wine", "wine64", "wine-preloader", "wine64-preloader",
};

int
tlh_wine_is_loader(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++)
		if (!strcmp(base, loaders[i]))
			return 1;
	return 0;
}

/* Whether @s (@len bytes) ends in ".exe", in any case. */
static int
ends_exe(const char *s, size_t len)
{
	return len > 4 && !strncasecmp(s + len - 4, ".exe", 4);
}

size_t
tlh_wine_name(const char *argv0, size_t argv0_len, const char *comm,
	      const char *loader, const char **name)
{
	size_t clen = strnlen(comm, COMM_MAX + 1), i, alen;
	size_t llen = strnlen(loader, COMM_MAX);
	const char *a = argv0;

	/* argv0 up to its first NUL, then its last component */
	alen = strnlen(argv0, argv0_len);
	for (i = 0; i < alen; i++)
		if (argv0[i] == '\\' || argv0[i] == '/')
			a = argv0 + i + 1;
	alen -= (size_t)(a - argv0);

	/* comm is still the loader's own: no program yet */
	if (!clen || (clen == llen && !strncmp(comm, loader, clen)))
		return 0;
	/* a comm with a '/' or '\' is no file name (a thread set it so) */
	if (strpbrk(comm, "/\\"))
		clen = 0;
	/* argv[0] is comm, or continues the comm the kernel cut */
	if (clen && alen >= clen && !strncasecmp(a, comm, clen)) {
		*name = a;
		return alen;
	}
	/* started without its ".exe" ("wine game"): comm has it whole */
	if (clen && clen < COMM_MAX && alen && alen < clen &&
	    !strncasecmp(a, comm, alen)) {
		*name = comm;
		return clen;
	}
	/* comm renamed since (a thread name): argv[0] names a program */
	if (ends_exe(a, alen)) {
		*name = a;
		return alen;
	}
	if (clen && clen < COMM_MAX) {
		*name = comm;
		return clen;
	}
	return 0;
}
