/*
 * wine.h - recognising Wine processes and the Windows program they run.
 */
#ifndef TLHELP32_LINUX_WINE_H
#define TLHELP32_LINUX_WINE_H

#include <stddef.h>

/*
 * Whether @path (an exe link's target) names one of Wine's loaders:
 * its last component is wine, wine64, wine-preloader or wine64-preloader,
 * the names Wine's own builds, Debian's and Proton's give them.
 */
int tlh_wine_is_loader(const char *path);

/*
 * The name a Wine process is listed under: the file name of the Windows
 * program it runs, from @argv0 (its /proc cmdline's first string, which
 * Wine rewrites to the program's path as Windows gave it, "C:\...\a.exe",
 * or as typed, "./a.exe") and @comm (which Wine sets to the program's
 * file name, cut to 15 bytes).  Returns the length of the name, which
 * begins at *@name (inside @argv0 or @comm), or 0 if the process is not
 * running a program yet (comm is still the loader's: @loader is the
 * loader's file name) or the two say nothing usable.
 */
size_t tlh_wine_name(const char *argv0, size_t argv0_len, const char *comm,
		     const char *loader, const char **name);

#endif /* TLHELP32_LINUX_WINE_H */
