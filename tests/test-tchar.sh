#!/bin/sh
# test-tchar.sh - the two Windows tools of tests/ run and print what a
# Windows user would see: tchar-ansi (TCHAR code built without UNICODE,
# default mode) and wchar16-self (UNICODE code built in the wchar16 mode,
# where it finds itself with wcscmp(pe.szExeFile, L"wchar16-self")).  Each
# also checks itself and exits 0 only if all holds.  The wchar16 tool is
# skipped, saying so, where the C library cannot have a 16-bit wchar_t.
#
# Environment (from Makefile.am): top_builddir.

set -u

: "${top_builddir:?}"

fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlh-tchar.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT PIPE TERM

# run NAME EXPECTED ARGS...: run tests/NAME, compare its output.
run() {
	name=$1 want=$2
	shift 2
	"$top_builddir/tests/$name" "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
	printf '%s' "$want" >"$tmp/want"
	if [ $st -ne 0 ]; then
		echo "FAIL: $name exited $st"
		sed 's/^/  | /' "$tmp/err"
		fail=1
	elif ! cmp -s "$tmp/out" "$tmp/want"; then
		echo "FAIL: $name printed:"
		sed 's/^/  | /' "$tmp/out"
		echo "  not:"
		sed 's/^/  | /' "$tmp/want"
		fail=1
	else
		echo "ok: $name"
	fi
}

run tchar-ansi 'tchar-ansi
' 42

if [ -x "$top_builddir/tests/wchar16-self" ]; then
	e=$(printf '\303\251')	# U+00E9
	run wchar16-self "wchar16-self
argv[1] ${e}t${e}, 3 units
narrow ${e}t${e} 2
" "${e}t${e}"
else
	echo "SKIP: wchar16-self (this C library has no 16-bit wchar_t)"
fi

[ "$fail" -eq 0 ] && echo PASS
exit "$fail"
