#!/bin/sh
# test-symbols.sh - the ABI of the built shared library is exactly the
# version script: every name under a "global:" of lib/libtlhelp32.map is
# exported, with the version of its node, and nothing else is.  Also, the
# functions the public headers declare are exactly those in the map: the
# headers declare nothing the library does not implement.
#
# Environment (from Makefile.am): top_srcdir, top_builddir, NM.
# Exit 77 (skip) when no shared library was built (--disable-shared).

set -u

ident='[A-Za-z_][A-Za-z0-9_]*'

: "${top_srcdir:?}" "${top_builddir:?}"
NM=${NM:-nm}
so=$top_builddir/lib/.libs/libtlhelp32.so
map=$top_srcdir/lib/libtlhelp32.map
headers="$top_srcdir/include/tlhelp32.h $top_srcdir/include/windows.h
	$top_srcdir/include/tlhelp32_crt.h"

if [ ! -f "$so" ]; then
	echo "SKIP: $so not built (static-only build?)"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlh-symbols.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT PIPE TERM

fail=0

# "name@@NODE" for each name under global: in each node of the map.
# Comments (/* */ on their own lines or at line ends) are dropped first.
sed -e 's,/\*.*\*/,,g' -e '/\/\*/,/\*\//d' "$map" | awk '
	/^[[:blank:]]*[A-Za-z_][A-Za-z0-9_.]*[[:blank:]]*\{/ {
		node = $1; sub(/\{.*/, "", node); scope = ""; next
	}
	/^[[:blank:]]*\}/ { node = ""; scope = ""; next }
	/^[[:blank:]]*global:/ { scope = "global"; next }
	/^[[:blank:]]*local:/ { scope = "local"; next }
	scope == "global" && node != "" {
		for (i = 1; i <= NF; i++) {
			s = $i; sub(/;.*/, "", s)
			if (s != "") print s "@@" node
		}
	}
' | LC_ALL=C sort >"$tmp/map"

# The version nodes the map defines.
sed -n 's/^[[:blank:]]*\([A-Za-z_][A-Za-z0-9_.]*\)[[:blank:]]*{.*/\1/p' "$map" |
	LC_ALL=C sort >"$tmp/map-nodes"

if [ ! -s "$tmp/map" ]; then
	echo "FAIL: no global symbols found in $map"
	exit 1
fi

# Defined dynamic symbols with their versions: "name@@NODE".  Version
# nodes themselves show up as absolute (A) symbols named after the node.
# shellcheck disable=SC2086
if ! $NM -D --defined-only --with-symbol-versions "$so" >"$tmp/nm.raw" \
	2>"$tmp/nm.err"; then
	echo "FAIL: $NM -D --defined-only --with-symbol-versions $so:"
	cat "$tmp/nm.err"
	exit 1
fi
awk 'NF >= 3 && $2 != "A" { print $3 }' "$tmp/nm.raw" |
	LC_ALL=C sort >"$tmp/so"
awk 'NF >= 3 && $2 == "A" { print $3 }' "$tmp/nm.raw" |
	LC_ALL=C sort >"$tmp/so-nodes"

if ! cmp -s "$tmp/map" "$tmp/so"; then
	echo "FAIL: exported symbols differ from $map"
	echo "  (< only in the map, > only in the library; name@@version)"
	diff "$tmp/map" "$tmp/so" | grep '^[<>]' | sed 's/^/  /'
	fail=1
fi

if ! cmp -s "$tmp/map-nodes" "$tmp/so-nodes"; then
	echo "FAIL: version nodes differ from $map"
	diff "$tmp/map-nodes" "$tmp/so-nodes" | grep '^[<>]' | sed 's/^/  /'
	fail=1
fi

# Each function declared in the public headers: a line (outside comments
# and preprocessor lines) holding "WINAPI Name(", or for the C runtime's
# functions "TLHELP32_CRTAPI Name(".
# shellcheck disable=SC2086
cat $headers |
	sed -e 's,/\*.*\*/,,g' -e '/\/\*/,/\*\//d' -e '/^[[:blank:]]*#/d' |
	sed -n -e "s/.*WINAPI[[:blank:]]\{1,\}\**\($ident\)[[:blank:]]*(.*/\1/p" \
	    -e "s/.*TLHELP32_CRTAPI[[:blank:]]\{1,\}\($ident\)[[:blank:]]*(.*/\1/p" |
	LC_ALL=C sort -u >"$tmp/header"
# The Windows-named functions (WINAPI) are exported twice, the second
# time as tlhelp32_<name> at the same address, and <tlhelp32_prefix.h>
# maps each name to it: for code built with -DTLHELP32_PREFIX beside
# another Windows layer (libtlhelp32(7)).
# shellcheck disable=SC2086
cat $headers |
	sed -e 's,/\*.*\*/,,g' -e '/\/\*/,/\*\//d' -e '/^[[:blank:]]*#/d' |
	sed -n -e "s/.*WINAPI[[:blank:]]\{1,\}\**\($ident\)[[:blank:]]*(.*/\1/p" |
	LC_ALL=C sort -u >"$tmp/winapi"
prefix_h=$top_srcdir/include/tlhelp32_prefix.h
awk 'NF >= 3 && $2 != "A" { print $3, $1 }' "$tmp/nm.raw" |
	sed 's/@[^ ]*//' >"$tmp/addr"
while read -r fn; do
	alias=tlhelp32_$fn
	grep -q "^$alias@@" "$tmp/map" ||
		{ echo "FAIL: $alias (for $fn) is not in $map"; fail=1; }
	a=$(awk -v n="$fn" '$1 == n { print $2 }' "$tmp/addr")
	b=$(awk -v n="$alias" '$1 == n { print $2 }' "$tmp/addr")
	[ -n "$a" ] && [ "$a" = "$b" ] ||
		{ echo "FAIL: $alias is not $fn's address ($b, $a)"; fail=1; }
	grep -Eq "^#define[[:blank:]]+$fn[[:blank:]]+$alias\$" "$prefix_h" ||
		{ echo "FAIL: $prefix_h does not map $fn to $alias"; fail=1; }
done <"$tmp/winapi"
sed 's/^/tlhelp32_/' "$tmp/winapi" >"$tmp/aliases"
sed 's/@@.*//' "$tmp/map" | LC_ALL=C sort -u |
	grep -vxF -f "$tmp/aliases" >"$tmp/map-names"

if [ ! -s "$tmp/header" ]; then
	echo "FAIL: no function declarations found in $headers"
	fail=1
elif ! cmp -s "$tmp/header" "$tmp/map-names"; then
	echo "FAIL: functions the headers declare differ from $map"
	echo "  (< only in the header, > only in the map)"
	diff "$tmp/header" "$tmp/map-names" | grep '^[<>]' | sed 's/^/  /'
	fail=1
fi

if [ "$fail" -eq 0 ]; then
	echo "PASS: $(wc -l <"$tmp/so") symbols, as in the map:"
	sed 's/^/  /' "$tmp/so"
fi
exit "$fail"
