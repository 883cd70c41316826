/*
 * wmain.c - main() for a program whose entry point is wmain(), as a
 * Windows program built for Unicode has (_tmain with _UNICODE): wmain()
 * gets its arguments and environment as UTF-16, converted from the UTF-8
 * (or any bytes) Linux gives.  A byte that is not part of well-formed
 * UTF-8 becomes U+FFFD.
 *
 * This file is the static library libtlhelp32_wmain.a, which the
 * tlhelp32-wchar16 pkg-config module links: a linker takes an archive
 * member only to resolve a symbol still undefined, so this main() is used
 * exactly when the program has none of its own.  The strings live until
 * the process ends.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wstr.h"

int wmain(int argc, WCHAR **argv, WCHAR **envp);
int main(int argc, char **argv, char **envp);

/*
 * The converted vectors, kept for the life of the process, as argv is:
 * wmain() and what it leaves to atexit() may hold on to them.  volatile,
 * so that the compiler keeps the stores to variables nothing reads.
 */
static WCHAR **volatile wargv, **volatile wenvp;

/* Convert a NULL-terminated vector of n strings; NULL when out of memory. */
static WCHAR **
widen(char **v, size_t n)
{
	WCHAR **w = calloc(n + 1, sizeof(*w));
	size_t i, len, units;

	if (!w)
		return NULL;
	for (i = 0; i < n; i++) {
		len = strlen(v[i]);
		units = tlh_wstr_from_utf8(NULL, v[i], len);
		w[i] = malloc((units + 1) * sizeof(WCHAR));
		if (!w[i])
			return NULL;	/* the process ends at once */
		tlh_wstr_from_utf8(w[i], v[i], len);
		w[i][units] = 0;
	}
	return w;
}

int
main(int argc, char **argv, char **envp)
{
	size_t nenv = 0;

	while (envp && envp[nenv])
		nenv++;
	wargv = widen(argv, (size_t)argc);
	wenvp = widen(envp, nenv);
	if (!wargv || !wenvp) {
		fputs("wmain: out of memory for the arguments\n", stderr);
		return EXIT_FAILURE;
	}
	return wmain(argc, wargv, wenvp);
}
