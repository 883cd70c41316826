#!/bin/sh
# test-man.sh - the manual: every page under man/ lints clean with
# "mandoc -Tlint -W warning" (a page that is just ".so manN/other.N" is a
# stub: its target must exist instead), every page is listed in Makefile.am
# (so it is installed and distributed), and every function the public
# headers declare has its own page man/<Name>.3.  Every page's .Os is
# "libtlhelp32" and configure.ac's version; every function page has a
# HISTORY section naming the release that added each of its functions
# (its node in lib/libtlhelp32.map); every page renders at 80 columns
# without "can't break line" (man --warnings, where man-db is).
#
# Environment (from Makefile.am): top_srcdir, top_builddir, MANDOC.
# Exit 77 (skip) when mandoc was not found by configure.

set -u

ident='[A-Za-z_][A-Za-z0-9_]*'

: "${top_srcdir:?}"
MANDOC=${MANDOC:-}
man=$top_srcdir/man
headers="$top_srcdir/include/tlhelp32.h $top_srcdir/include/windows.h
	$top_srcdir/include/tlhelp32_crt.h"

if [ -z "$MANDOC" ]; then
	echo "SKIP: mandoc not found (install mandoc and re-run configure)"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlh-man.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT PIPE TERM

# configure.ac's version (the Makefile configure wrote holds it).
version=$(sed -n 's/^PACKAGE_VERSION = *//p' "${top_builddir:-.}/Makefile")
if [ -z "$version" ]; then
	echo "FAIL: no PACKAGE_VERSION in ${top_builddir:-.}/Makefile"
	exit 1
fi

# The version node of function $1 in the version script, or nothing.
map=$top_srcdir/lib/libtlhelp32.map
map_node() {
	sed -e 's,/\*.*\*/,,g' -e '/\/\*/,/\*\//d' "$map" | awk -v fn="$1" '
		/^[A-Za-z_][A-Za-z0-9_.]*[[:blank:]]*\{/ { node = $1 }
		{ for (i = 1; i <= NF; i++) if ($i == fn ";") print node }'
}

# man(1) (man-db) renders the pages as users read them; without it the
# width check is not made, and this says so.
man_cmd=
if command -v man >/dev/null 2>&1 &&
	man --warnings -l "$man/libtlhelp32.7" >/dev/null 2>&1; then
	man_cmd=man
else
	echo "note: no man-db man(1): the 80-column check is not made"
fi

fail=0
pages=0
stubs=0

for page in "$man"/*.[1-9]; do
	[ -f "$page" ] || continue
	name=${page##*/}
	sect=${name##*.}

	# Installed and distributed only if Makefile.am lists it.
	if ! grep -qwF "man/$name" "$top_srcdir/Makefile.am"; then
		echo "FAIL: $name is not listed in Makefile.am"
		fail=1
	fi

	# A stub: one line, ".so manS/target.S".
	if [ "$(wc -l <"$page")" -le 1 ] &&
	    grep -q '^\.so[[:blank:]]' "$page"; then
		stubs=$((stubs + 1))
		target=$(sed -n \
		    's/^\.so[[:blank:]]\{1,\}\([^[:blank:]]*\).*/\1/p' "$page")
		tname=${target##*/}
		tdir=${target%/*}
		if [ "$tdir" = "$target" ] || [ "$tdir" != "man${tname##*.}" ]
		then
			echo "FAIL: $name: .so $target is not of the form" \
				"manS/page.S"
			fail=1
		elif [ ! -f "$man/$tname" ]; then
			echo "FAIL: $name: .so target $tname does not exist"
			fail=1
		elif grep -q '^\.so[[:blank:]]' "$man/$tname"; then
			echo "FAIL: $name: .so target $tname is itself a stub"
			fail=1
		fi
		continue
	fi

	pages=$((pages + 1))
	"$MANDOC" -Tlint -W warning "$page" >"$tmp/out" 2>&1
	rc=$?
	if [ -s "$tmp/out" ] || [ "$rc" -ne 0 ]; then
		echo "FAIL: $name: mandoc -Tlint -W warning (exit $rc):"
		sed 's/^/  /' "$tmp/out"
		fail=1
	fi
	# The footer: this package and configure.ac's version, the one
	# source of truth; a release changes every page's .Os with it.
	os=$(sed -n 's/^\.Os[[:blank:]]*//p' "$page")
	if [ "$os" != "libtlhelp32 $version" ]; then
		echo "FAIL: $name: .Os '$os', not 'libtlhelp32 $version'" \
			"(configure.ac)"
		fail=1
	fi

	# A function page says in HISTORY the version that added each of
	# its functions: that of its node in the version script.
	if [ "$sect" = 3 ]; then
		history=$(sed -n '/^\.Sh HISTORY/,/^\.Sh /p' "$page")
		[ -n "$history" ] || {
			echo "FAIL: $name: no HISTORY section"; fail=1; }
		for fn in $(sed -n 's/^\.Nm[[:blank:]]\{1,\}\([A-Za-z_0-9]*\).*/\1/p' \
			"$page"); do
			node=$(map_node "$fn")
			[ -n "$node" ] || continue
			added="libtlhelp32 ${node#LIBTLHELP32_}.0"
			case $history in
			*"$added"*) ;;
			*)	echo "FAIL: $name: HISTORY does not say $fn" \
					"appeared in $added ($node)"
				fail=1 ;;
			esac
		done
	fi

	# Rendered at 80 columns, as man(1) shows it in a terminal, every
	# line breaks: no word wider than the page, no table wider than it.
	# A long example goes in a .Bd -literal display, each of its lines
	# at most 72 columns.
	if [ -n "$man_cmd" ]; then
		MANWIDTH=80 $man_cmd --warnings -E UTF-8 -l "$page" \
			2>"$tmp/width" >/dev/null
		if grep -q . "$tmp/width"; then
			echo "FAIL: $name at 80 columns (man --warnings):"
			sed 's/^/  /' "$tmp/width"
			fail=1
		fi
	fi
	case $sect in
	3|7|1) ;;
	*)	echo "FAIL: $name: unexpected section $sect"; fail=1 ;;
	esac
done

if [ "$pages" -eq 0 ]; then
	echo "FAIL: no manual pages found in $man"
	fail=1
fi

# Functions the headers declare: "WINAPI Name(" (or, for the C runtime's,
# "TLHELP32_CRTAPI Name(") outside comments and preprocessor lines.
# shellcheck disable=SC2086
funcs=$(cat $headers |
	sed -e 's,/\*.*\*/,,g' -e '/\/\*/,/\*\//d' -e '/^[[:blank:]]*#/d' |
	sed -n -e "s/.*WINAPI[[:blank:]]\{1,\}\**\($ident\)[[:blank:]]*(.*/\1/p" \
	    -e "s/.*TLHELP32_CRTAPI[[:blank:]]\{1,\}\($ident\)[[:blank:]]*(.*/\1/p" |
	LC_ALL=C sort -u)
if [ -z "$funcs" ]; then
	echo "FAIL: no function declarations found in $headers"
	fail=1
fi
nfuncs=0
for f in $funcs; do
	nfuncs=$((nfuncs + 1))
	if [ ! -f "$man/$f.3" ]; then
		echo "FAIL: $f is declared in a header but has no man/$f.3"
		fail=1
	fi
done

if [ "$fail" -eq 0 ]; then
	echo "PASS: $pages pages lint clean, $stubs stubs resolve," \
		"$nfuncs functions documented"
fi
exit "$fail"
