#!/bin/sh
# test-headers.sh - <windows.h>, <Windows.h>, <TlHelp32.h> and <tchar.h>
# compile as C89, C99, C11, C17 and C23 and as C++98, C++11 and C++17
# with -Wall -Wextra -pedantic -Werror, in the default mode and the wchar16
# mode (-fshort-wchar), with and without UNICODE, each header first in
# turn and the C library's headers before or after them
# (tests/header-windows.c, which also pins the layouts of
# MEMORY_BASIC_INFORMATION and SYSTEM_INFO).  And what must not compile
# does not, with a message that says why:
#  - UNICODE (windows.h) or _UNICODE (tchar.h) with a 32-bit wchar_t;
#  - a C library wide function that has no 16-bit version, in wchar16 mode;
#  - the C library's wprintf in the default mode (a warning), and the
#    issue's own case, wcscmp(pe.szExeFile, L"...") with a 32-bit wchar_t.
# Where the C library's wchar_t cannot be 16 bits wide (musl), every
# wchar16 compile must stop with the #error that says so.
#
# Environment (from Makefile.am): top_srcdir, CC, CXX, CFLAGS, CXXFLAGS.

set -u

: "${top_srcdir:?}"
CC=${CC:-cc}
CXX=${CXX:-c++}
CFLAGS=${CFLAGS:-}
CXXFLAGS=${CXXFLAGS:-}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlh-headers.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT PIPE TERM

src=$top_srcdir/tests/header-windows.c
# tlhelp32_version.h is configure's, in the build tree
inc="-I$top_srcdir/include -I${top_builddir:-$top_srcdir}/include"
strict='-Wall -Wextra -pedantic -Werror'
w16='-fshort-wchar'
fail=0
ok=0
n=0

bad() {
	echo "FAIL: $*"
	fail=1
}

# compile LANG(c|c++) OUT ARGS...: compile $src to an object; status of
# the compiler, its messages in OUT.
compile() {
	lang=$1 out=$2
	shift 2
	if [ "$lang" = c ]; then
		# shellcheck disable=SC2086
		$CC $CFLAGS $inc "$@" -c -o "$out.o" >"$out" 2>&1
	else
		# shellcheck disable=SC2086
		$CXX $CXXFLAGS $inc -x c++ "$@" -c -o "$out.o" >"$out" 2>&1
	fi
}

# Does this C library give -fshort-wchar a 16-bit wchar_t (glibc), or keep
# its own 32-bit one (musl)?
# (The C++ compiler may use another C library than the C compiler does.)
printf '#include <stdint.h>\n#if WCHAR_MAX != 0xffff\n#error\n#endif\n' \
	>"$tmp/probe.c"
have16=yes
# shellcheck disable=SC2086
$CC $CFLAGS $w16 -c -o "$tmp/probe.o" "$tmp/probe.c" >/dev/null 2>&1 ||
	have16=no
have16_cxx=yes
# shellcheck disable=SC2086
$CXX $CXXFLAGS $w16 -x c++ -c -o "$tmp/probe.o" "$tmp/probe.c" \
	>/dev/null 2>&1 || have16_cxx=no

have_cxx=yes
echo 'int main() { return 0; }' >"$tmp/probe.cc"
# shellcheck disable=SC2086
$CXX $CXXFLAGS -x c++ -c -o "$tmp/probe.o" "$tmp/probe.cc" >/dev/null 2>&1 ||
	have_cxx=no

# --- the matrix ---------------------------------------------------------------

# row LANG STD MODE K: compile $src, two rows at a time; MODE is default,
# wchar16, unicode (wchar16 with UNICODE and _UNICODE) or prefix
# (TLHELP32_PREFIX: the functions by their tlhelp32_ names).  Which header
# comes first, and whether the C library's come before ours, turn with K
# (the row's place among those of its language and mode), so that each
# mode sees every header first and both orders.  Each row's verdict goes
# to $tmp/row.N: "ok", or what failed.
row() {
	lang=$1 std=$2 mode=$3 k=$4
	n=$((n + 1))
	case $mode in
	default) flags= ;;
	wchar16) flags=$w16 k=$((k + 3)) ;;
	unicode) flags="$w16 -DUNICODE -D_UNICODE" k=$((k + 2)) ;;
	prefix) flags=-DTLHELP32_PREFIX k=$((k + 1)) ;;
	esac
	first=$((k % 4 + 1))
	order=
	[ $((k % 2)) -eq 1 ] && order=-DTLH_LIBC_FIRST
	lib16=$have16
	[ "$lang" = c ] || lib16=$have16_cxx
	what="$lang -std=$std $mode (header $first first${order:+, C library first})"
	# shellcheck disable=SC2086
	(
		out=$tmp/out.$n
		if compile "$lang" "$out" -std="$std" $strict $flags \
			-DTLH_FIRST=$first $order "$src"; then
			built=yes
		else
			built=no
		fi
		if [ "$mode" != default ] && [ "$mode" != prefix ] &&
		    [ "$lib16" = no ]; then
			# This C library's wchar_t stays 32 bits wide.
			if [ $built = yes ]; then
				echo "FAIL: $what: compiled with a C library" \
					"whose wchar_t stays 32 bits wide"
			elif ! grep -q 'needs a C library whose wchar_t' \
				"$out"; then
				echo "FAIL: $what: no message about the C" \
					"library's wchar_t"
				sed 's/^/  | /' "$out"
			else
				echo ok
			fi
		elif [ $built = yes ]; then
			echo ok
		else
			echo "FAIL: $what"
			sed 's/^/  | /' "$out"
		fi
	) >"$tmp/row.$n" &
	[ $((n % 2)) -eq 0 ] && wait
}

i=0
for std in c89 c99 c11 c17 c2x; do
	row c $std default $i
	row c $std unicode $((i + 1))
	i=$((i + 1))
done
row c c11 wchar16 0
row c c99 prefix 0
if [ "$have_cxx" = yes ]; then
	i=0
	for std in c++98 c++11 c++17; do
		row c++ $std default $i
		row c++ $std unicode $((i + 1))
		i=$((i + 1))
	done
	row c++ c++11 wchar16 0
	row c++ c++17 prefix 0
fi
wait
for f in "$tmp"/row.*; do
	if [ "$(cat "$f")" = ok ]; then
		ok=$((ok + 1))
	else
		cat "$f"
		fail=1
	fi
done

# --- what must not compile ------------------------------------------------------

# refuse LANG WHAT PATTERN CODE FLAGS...: CODE (a translation unit) must
# fail to build (compile, or link for the calls no compiler stops), with
# PATTERN in the messages.
refuse() {
	lang=$1 what=$2 pattern=$3 code=$4
	shift 4
	n=$((n + 1))
	if [ "$lang" = c ]; then
		printf '%s\n' "$code" >"$tmp/refuse.c"
		# shellcheck disable=SC2086
		$CC $CFLAGS $inc $strict "$@" -o "$tmp/refuse" \
			"$tmp/refuse.c" >"$tmp/out" 2>&1
	else
		printf '%s\n' "$code" >"$tmp/refuse.cc"
		# shellcheck disable=SC2086
		$CXX $CXXFLAGS $inc $strict "$@" -o "$tmp/refuse" \
			"$tmp/refuse.cc" >"$tmp/out" 2>&1
	fi
	if [ $? -eq 0 ]; then
		bad "$what: built"
	elif ! grep -q -e "$pattern" "$tmp/out"; then
		bad "$what: failed without '$pattern' in the message"
		sed 's/^/  | /' "$tmp/out"
	else
		ok=$((ok + 1))
	fi
}

refuse c 'UNICODE with a 32-bit wchar_t' 'tlhelp32-wchar16' \
	'#include <windows.h>
int main(void) { return 0; }' -DUNICODE
refuse c '_UNICODE with a 32-bit wchar_t (tchar.h)' 'tlhelp32-wchar16' \
	'#include <tchar.h>
int main(void) { return 0; }' -D_UNICODE
refuse c "the C library's wprintf in the default mode" \
	"wprintf: in Windows code %s and %c are wide text" \
	'#include <windows.h>
int main(void) { return wprintf(L"%d\n", 1) < 0; }'
refuse c 'wcscmp(pe.szExeFile, L"...") with a 32-bit wchar_t' \
	'incompatible' \
	'#include <windows.h>
int main(void) { PROCESSENTRY32W pe; pe.szExeFile[0] = 0;
return wcscmp(pe.szExeFile, L"game.exe"); }'
if [ "$have16" = yes ]; then
	refuse c 'wcscoll in the wchar16 mode' \
		"wcscoll.*-fshort-wchar" \
		'#include <windows.h>
int main(void) { return wcscoll(L"a", L"b"); }' $w16
	refuse c 'wcsftime in the wchar16 mode (tlhelp32.h alone)' \
		"wcsftime" \
		'#include <time.h>
#include <tlhelp32.h>
int main(void) { wchar_t b[9]; struct tm t = { 0 };
return (int)wcsftime(b, 9, L"%Y", &t); }' $w16
	if [ "$have_cxx" = yes ] && [ "$have16_cxx" = yes ]; then
		refuse c++ 'std::wcscoll in C++, wchar16 mode' 'wcscoll' \
			'#include <windows.h>
#include <string>
int main() { std::string s("x");
return std::wcscoll(L"a", L"b") + (int)s.size(); }' -std=c++11 $w16
	fi
fi

echo "$ok of $n compiles as expected (C++: $have_cxx," \
	"16-bit wchar_t in the C library: $have16)"
[ "$fail" -eq 0 ] && echo "PASS"
exit "$fail"
