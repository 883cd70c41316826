/*
 * abi-0.1.c - programs linked with libtlhelp32 0.1.0 still run: each of
 * the 19 functions 0.1.0 exported resolves at its version,
 * LIBTLHELP32_0.1, in the library just built (dlvsym), and is the same
 * function as its default version; and no function added since is found
 * at that version.  The list is 0.1.0's, written here once and never to
 * be edited: lib/libtlhelp32.map's LIBTLHELP32_0.1 node must keep it.
 *
 * Environment (from Makefile.am): top_builddir.  Exit 77 (skip) without
 * a shared library (--disable-shared) or dlvsym (musl).
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef HAVE_DLVSYM
static const char *const v01[] = {
	"CloseHandle", "CreateToolhelp32Snapshot", "GetLastError",
	"Heap32First", "Heap32ListFirst", "Heap32ListNext", "Heap32Next",
	"Module32First", "Module32FirstW", "Module32Next", "Module32NextW",
	"Process32First", "Process32FirstW", "Process32Next",
	"Process32NextW", "SetLastError", "Thread32First", "Thread32Next",
	"Toolhelp32ReadProcessMemory",
};

/* Some of 0.2.0's, which must not be found at 0.1's version. */
static const char *const v02[] = {
	"OpenProcess", "ReadProcessMemory", "VirtualQueryEx",
	"WriteProcessMemory", "FormatMessageA", "lstrlenA",
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

int
main(void)
{
#ifdef HAVE_DLVSYM
	const char *top = getenv("top_builddir");
	char path[4096];
	void *lib;
	size_t i;
	int fail = 0;

	snprintf(path, sizeof(path), "%s/lib/.libs/libtlhelp32.so.0",
		 top ? top : ".");
	lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		printf("SKIP: no shared library to open (%s)\n", dlerror());
		return 77;
	}
	for (i = 0; i < ARRAY_SIZE(v01); i++) {
		void *at = dlvsym(lib, v01[i], "LIBTLHELP32_0.1");
		void *dflt = dlsym(lib, v01[i]);

		if (!at) {
			printf("FAIL: %s@LIBTLHELP32_0.1 does not resolve\n",
			       v01[i]);
			fail = 1;
		} else if (at != dflt) {
			printf("FAIL: %s@LIBTLHELP32_0.1 is not its default "
			       "version\n", v01[i]);
			fail = 1;
		}
	}
	for (i = 0; i < ARRAY_SIZE(v02); i++) {
		if (dlvsym(lib, v02[i], "LIBTLHELP32_0.1")) {
			printf("FAIL: %s, added in 0.2.0, resolves at "
			       "LIBTLHELP32_0.1\n", v02[i]);
			fail = 1;
		}
		if (!dlvsym(lib, v02[i], "LIBTLHELP32_0.2")) {
			printf("FAIL: %s@LIBTLHELP32_0.2 does not resolve\n",
			       v02[i]);
			fail = 1;
		}
	}
	dlclose(lib);
	if (!fail)
		printf("PASS: the %zu functions of 0.1.0 resolve at "
		       "LIBTLHELP32_0.1, 0.2.0's only at LIBTLHELP32_0.2\n",
		       ARRAY_SIZE(v01));
	return fail;
#else
	printf("SKIP: this C library has no dlvsym\n");
	return 77;
#endif
}
