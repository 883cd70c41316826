#!/bin/sh
# test-wine32.sh - a 32-bit (PE32) Windows program under Wine: what
# TH32CS_SNAPMODULE and TH32CS_SNAPMODULE32 list of it, as 64-bit Windows
# lists a WOW64 process (see Module32First(3)).
#
# Builds tests/wine/game.c and its DLLs with MinGW's i686 compiler, then
# runs the program if 32-bit Wine can start here: it needs Debian's wine32
# (i386) and a kernel that runs 32-bit x86 programs.  Where either is
# missing it skips after the build, saying which.
set -u
cc=i686-w64-mingw32-gcc
exe=game32.exe
. "$top_srcdir/tests/wine-common.sh"

need_mingw
new_prefix
build_programs
$objdump -p "$app/$exe" | grep -q 'Magic.*010b' ||
	{ echo "FAIL: $exe is not PE32"; exit 1; }
echo "ok: built $exe (PE32) and its DLLs"

command -v wine >/dev/null 2>&1 ||
	skip "no Wine (Debian: apt-get install wine wine32:i386)"
# Debian's 32-bit loader (wine32:i386), and whether this kernel runs it
loader=
for l in /usr/lib/wine/wine /usr/lib/i386-linux-gnu/wine/wine; do
	[ -x "$l" ] && loader=$l && break
done
[ -n "$loader" ] || skip "no 32-bit Wine loader (Debian: wine32:i386)"
why=$("$loader" --version 2>&1 >/dev/null) ||
	skip "32-bit Wine cannot start here: $(echo "$why" | head -n 1)"

start_program
wine_list "$game" >"$tmp/list" || bad "wine-list exits 0"

[ "$(awk -F '\t' '$1 == "P" { print $2 }' "$tmp/list")" = "$exe" ] &&
	ok "Process32 lists it as $exe" || bad "Process32's name"
# TH32CS_SNAPMODULE32: the 32-bit images, the program's first
[ "$(awk -F '\t' '$1 == "M32" { print $4; exit }' "$tmp/list")" = "$exe" ] &&
	ok "TH32CS_SNAPMODULE32 lists $exe first" ||
	bad "TH32CS_SNAPMODULE32's first entry"
for d in first.dll second.dll kernel32.dll ntdll.dll; do
	awk -F '\t' -v n=$d '$1 == "M32" && $4 == n { f = 1 } END { exit !f }' \
		"$tmp/list" && ok "TH32CS_SNAPMODULE32 lists $d" ||
		bad "TH32CS_SNAPMODULE32 does not list $d"
done
awk -F '\t' '$1 == "M32" { print $5 }' "$tmp/list" | while read -r p; do
	case $(od -An -c -N2 "$p" | tr -d ' ') in
	MZ) $objdump -p "$p" | grep -q 'Magic.*010b' || echo "$p" ;;
	esac
done | grep -q . && bad "TH32CS_SNAPMODULE32 lists a PE32+ image" ||
	ok "every PE image TH32CS_SNAPMODULE32 lists is PE32"
# TH32CS_SNAPMODULE: the program's image, then no 32-bit DLL
[ "$(awk -F '\t' '$1 == "M" { print $4; exit }' "$tmp/list")" = "$exe" ] &&
	ok "TH32CS_SNAPMODULE lists $exe first" ||
	bad "TH32CS_SNAPMODULE's first entry"
awk -F '\t' '$1 == "M" && $4 == "first.dll"' "$tmp/list" | grep -q . &&
	bad "TH32CS_SNAPMODULE lists a 32-bit DLL" ||
	ok "TH32CS_SNAPMODULE lists no 32-bit DLL"
echo "checks: $checks, failed: $fails"
[ $fails -eq 0 ]
