#!/bin/sh
# test-winpr.sh - libtlhelp32 beside WinPR (FreeRDP's Windows layer), which
# exports CloseHandle, GetLastError, SetLastError, GetCurrentProcessId,
# FormatMessageA and others under the same names, unversioned.  One
# program uses both: Tool Help code built with -DTLHELP32_PREFIX (which
# refers to tlhelp32_CloseHandle and the like), WinPR code as WinPR's
# users write it, libtlhelp32 linked after WinPR, as libtlhelp32(7)
# says.  Each layer's CloseHandle must close its own handles and each
# keeps its own last error, in one executable, as two shared objects, and
# with libtlhelp32's user opened by dlopen().
#
# Environment (from Makefile.am): top_srcdir, top_builddir, CC,
# PKG_CONFIG.  Exit 77 (skip) without WinPR (libwinpr2-dev), a shared
# libtlhelp32, or a compiler that links both.

set -u

: "${top_srcdir:?}" "${top_builddir:?}"
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
libs=$top_builddir/lib/.libs

if [ ! -f "$libs/libtlhelp32.so" ]; then
	echo "SKIP: no shared libtlhelp32 (static-only build?)"
	exit 77
fi
if ! $PKG_CONFIG --exists winpr2 2>/dev/null; then
	echo "SKIP: no WinPR to test beside (Debian: libwinpr2-dev)"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlh-winpr.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT PIPE TERM

# The library's sanitizer flags, and the user's CFLAGS and LDFLAGS.
san=$(sed -n 's/^SANITIZE_CFLAGS = *//p; s/^CFLAGS = *//p; s/^LDFLAGS = *//p' \
	"$top_builddir/Makefile" | tr '\n' ' ')
ours_cflags="-DTLHELP32_PREFIX -I$top_srcdir/include -I$top_builddir/include"
winpr_cflags=$($PKG_CONFIG --cflags winpr2)
winpr_libs=$($PKG_CONFIG --libs winpr2)
fail=0
bad() {
	echo "FAIL: $*"
	fail=1
}
# cc OUT ARGS...: compile or link, messages shown on failure.
cc() {
	out=$1
	shift
	# shellcheck disable=SC2086
	if ! $CC $san -o "$tmp/$out" "$@" >"$tmp/cc.log" 2>&1; then
		echo "$CC -o $out $*:"
		sed 's/^/  | /' "$tmp/cc.log"
		return 1
	fi
}

cat >"$tmp/ours.c" <<'EOC'
#include <windows.h>
#include <tlhelp32.h>
#include <stdio.h>

int ours_set(void);
int ours_check(void);

/* A snapshot, closed by libtlhelp32's CloseHandle; a last error set. */
int
ours_set(void)
{
	HANDLE s = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);

	if (s == INVALID_HANDLE_VALUE || !CloseHandle(s)) {
		printf("ours: snapshot %p closed: error %u\n", s,
		       (unsigned)GetLastError());
		return 1;
	}
	SetLastError(1111);
	return 0;
}

/* Our last error is still ours. */
int
ours_check(void)
{
	DWORD e = GetLastError();

	printf("ours: GetLastError() = %u\n", (unsigned)e);
	return e != 1111;
}
EOC
cat >"$tmp/theirs.c" <<'EOC'
#include <winpr/synch.h>
#include <winpr/handle.h>
#include <winpr/error.h>
#include <stdio.h>

int theirs(void);

/* An event, closed by WinPR's CloseHandle; WinPR's own last error. */
int
theirs(void)
{
	HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL);
	BOOL ok = e != NULL && CloseHandle(e);

	SetLastError(2222);
	printf("winpr: CloseHandle(event) = %d, GetLastError() = %u\n", ok,
	       (unsigned)GetLastError());
	return !ok || GetLastError() != 2222;
}
EOC
cat >"$tmp/main.c" <<'EOC'
#include <stdio.h>

int ours_set(void);
int ours_check(void);
int theirs(void);

int
main(void)
{
	int r = ours_set();

	r |= theirs() << 1;
	r |= ours_check() << 2;
	printf("%s\n", r ? "FAIL" : "both layers kept their own");
	return r;
}
EOC
cat >"$tmp/dl.c" <<'EOC'
#include <dlfcn.h>
#include <stdio.h>

int theirs(void);

int
main(void)
{
	void *h = dlopen("libours.so", RTLD_NOW | RTLD_LOCAL);
	int (*set)(void), (*check)(void), r;

	if (!h) {
		printf("%s\n", dlerror());
		return 9;
	}
	set = (int (*)(void))dlsym(h, "ours_set");
	check = (int (*)(void))dlsym(h, "ours_check");
	/* one after the other: the operands of | have no order */
	r = set();
	r |= theirs() << 1;
	r |= check() << 2;
	printf("%s\n", r ? "FAIL" : "both layers kept their own");
	return r;
}
EOC

# shellcheck disable=SC2086
if ! cc theirs.o -c -fPIC "$tmp/theirs.c" $winpr_cflags ||
   ! cc probe "$tmp/theirs.o" -shared $winpr_libs; then
	echo "SKIP: $CC cannot build against WinPR here"
	exit 77
fi
# shellcheck disable=SC2086
cc ours.o -c -fPIC "$tmp/ours.c" $ours_cflags || exit 1

# The prefixed build refers to no Windows name, only to tlhelp32_ ones.
undef=$(nm -u "$tmp/ours.o" | awk '{ print $NF }')
for fn in CloseHandle GetLastError SetLastError CreateToolhelp32Snapshot; do
	printf '%s\n' "$undef" | grep -qx "$fn" &&
		bad "ours.o (-DTLHELP32_PREFIX) refers to $fn"
	printf '%s\n' "$undef" | grep -qx "tlhelp32_$fn" ||
		bad "ours.o (-DTLHELP32_PREFIX) does not refer to tlhelp32_$fn"
done

run() {
	what=$1
	shift
	if ! LD_LIBRARY_PATH=$libs:$tmp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
		"$@" >"$tmp/run.log" 2>&1; then
		bad "$what"
		sed 's/^/  | /' "$tmp/run.log"
	else
		echo "ok: $what"
	fi
}
L="-L$libs -Wl,-rpath-link=$libs"

# shellcheck disable=SC2086
cc one "$tmp/main.c" "$tmp/ours.o" "$tmp/theirs.o" $winpr_libs $L \
	-ltlhelp32 && run "one executable, WinPR then libtlhelp32" "$tmp/one"

# shellcheck disable=SC2086
if cc libtheirs.so -shared "$tmp/theirs.o" $winpr_libs &&
   cc libours.so -shared "$tmp/ours.o" $L -ltlhelp32; then
	cc two "$tmp/main.c" -L"$tmp" -ltheirs -lours $L &&
		run "two shared objects, WinPR's first" "$tmp/two"
	cc dl "$tmp/dl.c" -L"$tmp" -ltheirs $L -ldl &&
		run "WinPR's linked, libtlhelp32's user by dlopen" "$tmp/dl"
fi

[ "$fail" -eq 0 ] && echo "PASS: libtlhelp32 (prefixed) and WinPR" \
	"$($PKG_CONFIG --modversion winpr2) in one process"
exit "$fail"
