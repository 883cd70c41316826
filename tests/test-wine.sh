#!/bin/sh
# test-wine.sh - a Windows program under Wine, as Tool Help sees it.
#
# Builds tests/wine/game.c and its DLLs (tests/wine/plugin.c) with MinGW,
# runs the program once under Wine in a throw-away WINEPREFIX, and holds
# what tests/wine-list (the library) says about it against what is learnt
# elsewhere: the program's own word (GetModuleHandle, LoadLibrary), the PE
# files' headers (MinGW's objdump), /proc/PID/maps.  Without Wine or
# MinGW it skips, saying which is missing.
set -u
cc=x86_64-w64-mingw32-gcc
exe="My Long Game Name.exe"	# longer than comm's 15 bytes, with spaces
. "$top_srcdir/tests/wine-common.sh"
th32="$top_builddir/tools/th32"

command -v wine >/dev/null 2>&1 ||
	skip "no Wine (Debian: apt-get install wine wine64)"
need_mingw
new_prefix
build_programs

# PE header fields of a file, by MinGW's objdump: hex, as a number.
pe_field() {
	v=$($objdump -p "$1" 2>/dev/null | awk -v f="$2" '$1 == f { print $2; exit }')
	[ -n "$v" ] && echo $((0x$v))
}
num() { echo $(($1)); }

start_program
pid=$game
wine_list "$pid" >"$tmp/list" || bad "wine-list $pid exits 0"
field() { awk -F '\t' -v t="$1" -v n="$2" -v c="$3" '$1 == t && $4 == n { print $c; exit }' "$tmp/list"; }
said() { awk -v n="$1" '$1 == "dll" && $2 == n { print "0x" $3 }' "$tmp/said"; }
# ours PID: whether PID is a process of this test's WINEPREFIX
ours() {
	tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null |
		grep -qxF "WINEPREFIX=$WINEPREFIX"
}

# --- the process list ------------------------------------------------------
[ "$(awk -F '\t' '$1 == "P" { print $2 }' "$tmp/list")" = "$exe" ] &&
	ok "Process32 lists $pid as '$exe'" ||
	bad "Process32 lists $pid as '$(awk -F '\t' '$1 == "P" { print $2 }' "$tmp/list")', not '$exe'"
[ "$(awk -F '\t' '$1 == "PW" { print $2 }' "$tmp/list")" = "$exe" ] &&
	ok "Process32W lists it the same" || bad "Process32W's name"
# Wine's own processes, started by Windows paths (argv[0] C:\...\x.exe)
n=0
for p in $(pgrep -x -f 'C:\\windows\\system32\\[a-z]*\.exe' 2>/dev/null); do
	ours "$p" || continue
	want=$(tr '\0' '\n' <"/proc/$p/cmdline" | head -n 1 | sed 's/.*\\//')
	got=$(wine_list "$p" | awk -F '\t' '$1 == "P" { print $2 }')
	[ -z "$got" ] && continue	# gone meanwhile
	n=$((n + 1))
	[ "$got" = "$want" ] && ok "pid $p (C:\\...\\$want) listed as $got" ||
		bad "pid $p (C:\\...\\$want) listed as $got"
done
[ $n -gt 0 ] || bad "no Wine service process (services.exe, ...) to check"
# Wine's native wineserver keeps its own name
n=0
for p in $(pgrep -x 'wineserver|wineserver64'); do
	ours "$p" || continue
	n=$((n + 1))
	got=$(wine_list "$p" | awk -F '\t' '$1 == "P" { print $2 }')
	want=$(basename "$(readlink "/proc/$p/exe")")
	[ "$got" = "$want" ] && ok "the native wineserver is listed as $got" ||
		bad "wineserver $p listed as '$got', not '$want'"
done
[ $n -gt 0 ] || bad "no wineserver of this prefix to check"

# --- the module list -------------------------------------------------------
first=$(awk -F '\t' '$1 == "M" { print $4; exit }' "$tmp/list")
[ "$first" = "$exe" ] && ok "the program's image is the first module" ||
	bad "the first module is '$first', not '$exe'"
base=$(field M "$exe" 2)
[ -n "$base" ] &&
[ "$(num "$base")" = "$(num "0x$(awk '$1 == "exe" { print $2 }' "$tmp/said")")" ] &&
	ok "its base is where the program says it is ($base)" ||
	bad "its base $base, the program says 0x$(awk '$1 == "exe" { print $2 }' "$tmp/said")"
[ "$(awk -F '\t' '$1 == "R" { print $2 }' "$tmp/list")" = 4d5a ] &&
	ok "Toolhelp32ReadProcessMemory reads MZ at its base" ||
	bad "Toolhelp32ReadProcessMemory at its base: '$(awk -F '\t' '$1 == "R" { print $2 }' "$tmp/list")'"

# check_image NAME FILE: base, size (SizeOfImage), path and mapping right
check_image() {
	b=$(field M "$1" 2) s=$(field M "$1" 3) p=$(field M "$1" 5)
	if [ -z "$b" ]; then
		bad "$1 is not listed"; return
	fi
	want=$(pe_field "$2" SizeOfImage)
	[ "$(num "$s")" = "$want" ] && ok "$1: size $s is its SizeOfImage" ||
		bad "$1: size $s, SizeOfImage $want"
	[ "$p" -ef "$2" ] && ok "$1: path $p is its file" ||
		bad "$1: path '$p' is not $2"
	case $p in /*) ;; *) bad "$1: path '$p' is not absolute" ;; esac
	# the file's offset 0 is mapped at the base
	ino=$(stat -c %i "$2")
	awk -v b="$(printf '%x' "$(num "$b")")" -v i="$ino" '
		{ split($1, r, "-"); s = r[1]; sub(/^0+/, "", s) }
		s == b && $3 == "00000000" && $5 == i { f = 1 }
		END { exit !f }' "/proc/$pid/maps" &&
		ok "$1: maps has its file at offset 0 at $b" ||
		bad "$1: maps has no offset-0 mapping of $2 at $b"
	# the name and numbers the W list gives are the same
	awk -F '\t' -v n="$1" -v b="$b" -v s="$s" '$1 == "MW" && $4 == n &&
		$2 == b && $3 == s { f = 1 } END { exit !f }' "$tmp/list" &&
		ok "$1: Module32W agrees" || bad "$1: Module32W differs"
}
check_image "$exe" "$app/$exe"
for d in first.dll second.dll trunc.dll; do
	check_image $d "$app/$d"
	[ "$(num "$(field M $d 2)")" = "$(num "$(said $d)")" ] &&
		ok "$d: base is where LoadLibrary put it" ||
		bad "$d: base $(field M $d 2), LoadLibrary said $(said $d)"
done
pref=$(pe_field "$app/second.dll" ImageBase)
[ "$(num "$(field M second.dll 2)")" != "$pref" ] &&
	ok "second.dll was moved from its ImageBase and is listed where it is" ||
	bad "second.dll is at its ImageBase: no relocated image was tested"
for d in ntdll.dll kernel32.dll kernelbase.dll; do
	p=$(field M $d 5)
	[ -n "$p" ] && check_image $d "$p" || bad "$d is not listed"
done
# liar.dll claims 2 GiB - 1 MiB: the list stops where its mappings do
b=$(num "$(field M liar.dll 2)") s=$(num "$(field M liar.dll 3)")
end=$b
while read -r range rest; do
	lo=$((0x${range%-*})) hi=$((0x${range#*-}))
	[ $lo -le $end ] && [ $hi -gt $end ] && end=$hi
done <"/proc/$pid/maps"
want=$((end - b))
[ $want -gt $((0x7ff00000)) ] && want=$((0x7ff00000))
[ "$s" = "$want" ] &&
	ok "liar.dll's lying SizeOfImage is cut where its mappings end ($s)" ||
	bad "liar.dll: size $s, its mappings run $want bytes"
[ -z "$(field M nosig.dll 2)" ] &&
	ok "nosig.dll, whose PE signature the program erased, is not listed" ||
	bad "nosig.dll is listed without a PE header"
# PE images first, then the ELF objects; no image without its "MZ"
awk -F '\t' '$1 == "M" { print $5 }' "$tmp/list" >"$tmp/paths"
order=$(while read -r p; do
	case $(od -An -c -N2 "$p" 2>/dev/null | tr -d ' ') in
	MZ) echo P ;; 177E) echo E ;; *) echo "? $p" ;;
	esac
done <"$tmp/paths" | uniq | tr '\n' ' ')
[ "$order" = "P E " ] && ok "the PE images come first, the ELF objects after" ||
	bad "the module list's order is: $order"
grep -q '/ntdll\.so$' "$tmp/paths" && ok "Wine's ntdll.so follows" ||
	bad "no ntdll.so among the ELF objects"
[ -z "$(awk -F '\t' '$1 == "M32"' "$tmp/list")" ] &&
	ok "TH32CS_SNAPMODULE32 alone lists nothing of a 64-bit program" ||
	bad "TH32CS_SNAPMODULE32 lists modules of a 64-bit program"

# --- th32 ------------------------------------------------------------------
"$th32" ps | grep -q "^ *$pid .* $exe\$" && ok "th32 ps shows $exe" ||
	bad "th32 ps does not show $exe"
"$th32" modules "$pid" | sed -n 2p | grep -q " $exe " &&
	ok "th32 modules shows $exe first" || bad "th32 modules: $("$th32" modules "$pid" | sed -n 2p)"
"$th32" modules "$pid" | head -n 4
if out=$("$th32" read "$pid" "$exe+0x0" 2 2>"$tmp/th32err"); then
	echo "$out" | grep -q 'MZ' && ok "th32 read PID '$exe+0x0' 2 reads MZ" ||
		bad "th32 read '$exe+0x0': $out"
	at=$(printf '0x%x' $(($(field M "$exe" 2) + 0x1000)))
	a=$("$th32" read "$pid" "$exe+0x1000" 16) b=$("$th32" read "$pid" "$at" 16)
	[ -n "$a" ] && [ "$a" = "$b" ] &&
		ok "th32 read PID '$exe+0x1000' 16 reads what $at holds" ||
		bad "th32 read '$exe+0x1000' 16: '$a', at $at: '$b'"
else
	echo "SKIP: th32 read does not take MODULE+OFFSET: $(head -n 1 "$tmp/th32err")"
fi

# --- a file cut short under the running program --------------------------
: >"$app/trunc.dll"
# (timeout runs no shell function)
if timeout 60 ${WINE_LIST_WRAPPER:-} "$list" "$pid" >"$tmp/list"; then
	ok "wine-list still works once trunc.dll's file is empty"
else
	bad "wine-list failed or hung once trunc.dll's file is empty"
fi
[ -z "$(field M trunc.dll 2)" ] &&
	ok "trunc.dll, whose header is past its file's end now, is not listed" ||
	bad "trunc.dll is listed though its header cannot be read"
[ "$(awk -F '\t' '$1 == "M" { print $4; exit }' "$tmp/list")" = "$exe" ] &&
	ok "the rest of the list stands" || bad "the list after truncation"

echo "checks: $checks, failed: $fails, total $(($(date +%s) - start)) s"
[ $fails -eq 0 ]
