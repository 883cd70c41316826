#!/bin/sh
# test-th32.sh - th32 end to end: its listings of a child we start, --json
# that parses, memory dumps by MODULE+OFFSET, errors and exit statuses.
set -u
th32="$top_builddir/tools/th32"
# A machine that refuses to read other processes: nothing to test.
"$top_builddir/tests/can-read" || exit 77
fails=0
tmp=$(mktemp -d) || exit 99
child= wchild=
cleanup() {
	[ -n "$child" ] && kill "$child" 2>/dev/null
	[ -n "$wchild" ] && kill "$wchild" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() { printf 'ok: %s\n' "$1"; }
bad() { printf 'FAIL: %s\n' "$1"; fails=$((fails + 1)); }
check() { # check DESCRIPTION COMMAND...: the command must succeed
	d=$1; shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}

if command -v python3 >/dev/null 2>&1; then
	json_ok() { python3 -c 'import json,sys; json.load(sys.stdin)'; }
elif command -v jq >/dev/null 2>&1; then
	json_ok() { jq -e . >/dev/null; }
else
	echo "SKIP: neither python3 nor jq to check --json with"
	json_ok() { cat >/dev/null; }
fi

# wait_exe PID FILE: until PID runs FILE itself, not this shell's fork
wait_exe() {
	want=$(readlink -f "$2") i=0
	while [ "$(readlink -f /proc/$1/exe 2>/dev/null)" != "$want" ] &&
	      [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
}

sleeper=$(command -v sleep) || { echo "no sleep(1)"; exit 77; }
sleeper=$(readlink -f "$sleeper")
# A 32-bit th32 (CFLAGS=-m32) cannot list a 64-bit sleep(1)'s modules, as
# under WOW64: it looks at tests/sleeper, built as it was, and must fail
# that way on sleep(1) (below).
elf_class() { od -An -tu1 -j4 -N1 "$1" 2>/dev/null | tr -d ' '; }
own=$top_builddir/tests/sleeper
sleep64='' last=0xfffffffffffffff0 w32=''
if [ -x "$own" ] && [ "$(elf_class "$own")" = 1 ]; then
	last=0xfffffff0 w32=yes
	[ "$(elf_class "$sleeper")" = 2 ] && sleep64=$sleeper
	sleeper=$(readlink -f "$own")
fi
"$sleeper" 300 &
child=$!
wait_exe "$child" "$sleeper"
name=$(basename "$sleeper")

# The child's Windows priority class from its nice value and policy, as
# the library maps them: the suite may run under nice(1) or chrt(1).
class_base() {
	stat=$(cat "/proc/$1/stat") || return 1
	# shellcheck disable=SC2086
	set -- ${stat##*) }	# field 3 (state) is $1
	nice=${17} policy=${39}
	case $policy in
	1|2|6) echo 24; return ;;	# FIFO, RR, DEADLINE
	5) echo 4; return ;;		# IDLE
	esac
	if [ "$nice" -ge 15 ]; then echo 4
	elif [ "$nice" -ge 5 ]; then echo 6
	elif [ "$nice" -gt -5 ]; then echo 8
	elif [ "$nice" -gt -15 ]; then echo 10
	else echo 13
	fi
}
pri=$(class_base "$child") || { echo "no /proc/$child/stat"; exit 99; }

# ps: the child once, with our pid as its parent and one thread
"$th32" ps >"$tmp/ps" || bad "th32 ps exits 0"
check "ps header" grep -q '^ *PID *PPID *THREADS *PRI *NAME$' "$tmp/ps"
check "ps lists the child once, parent $$, 1 thread, priority $pri, $name" \
	test "$(awk -v p="$child" '$1 == p' "$tmp/ps" | wc -l)" -eq 1
check "ps fields of the child" \
	test "$(awk -v p="$child" '$1 == p { print $2, $3, $4, $5 }' "$tmp/ps")" = "$$ 1 $pri $name"
"$th32" --json ps >"$tmp/ps.json" || bad "th32 --json ps exits 0"
check "ps --json parses" json_ok <"$tmp/ps.json"
check "ps --json holds the child" \
	grep -q "\"pid\":$child,\"ppid\":$$,\"threads\":1,\"pri\":$pri,\"name\":\"$name\"" "$tmp/ps.json"

# threads
"$th32" threads "$child" >"$tmp/threads" || bad "th32 threads PID exits 0"
check "threads of the child: its main thread only" \
	test "$(awk 'NR > 1 { print $1, $2 }' "$tmp/threads")" = "$child $child"
"$th32" --json threads "$child" | json_ok && ok "threads --json parses" ||
	bad "threads --json parses"

# modules: the main executable first
"$th32" modules "$child" >"$tmp/mods" || bad "th32 modules PID exits 0"
check "modules: main executable first" \
	test "$(awk 'NR == 2 { print $3, $4 }' "$tmp/mods")" = "$name $sleeper"
check "modules: libc listed" grep -q ' libc\.so' "$tmp/mods"
"$th32" --json modules "$child" >"$tmp/mods.json" || bad "modules --json"
check "modules --json parses" json_ok <"$tmp/mods.json"

# read: the ELF header of the main module, by name and by address
"$th32" read "$child" "$name+0" 16 >"$tmp/dump" || bad "th32 read exits 0"
check "read MODULE+0 dumps the ELF magic" grep -q ': 7f45 4c46 ' "$tmp/dump"
base=$(awk 'NR == 2 { print $1 }' "$tmp/mods")
"$th32" read "$child" "$base" 4 -o "$tmp/raw" || bad "th32 read -o exits 0"
check "read -o FILE writes the raw bytes" \
	test "$(od -An -tx1 "$tmp/raw" | tr -d ' \n')" = "7f454c46"
"$th32" read "$child" "$name+0x1" 3 -o - >"$tmp/raw2"
check "read MODULE+0x1 with -o -" \
	test "$(od -An -tx1 "$tmp/raw2" | tr -d ' \n')" = "454c46"
"$th32" --json read "$child" "$name" 4 >"$tmp/read.json" || bad "read --json"
check "read --json parses" json_ok <"$tmp/read.json"
check "read --json hex" grep -q '"hex":"7f454c46"' "$tmp/read.json"

# heaps: sleep's malloc is glibc's; its default heap and its blocks (the
# walker knows x86-64's glibc only: a 32-bit th32 says so, below)
if [ -z "$w32" ]; then
	"$th32" heaps "$child" >"$tmp/heaps" || bad "th32 heaps exits 0"
	check "heaps: the default heap" \
		test "$(awk 'NR == 2 { print $2 }' "$tmp/heaps")" = default
	heap=$(awk 'NR == 2 { print $1 }' "$tmp/heaps")
	"$th32" heap "$child" "$heap" >"$tmp/blocks" || bad "th32 heap exits 0"
	check "heap: blocks, used and 16-byte aligned" \
		awk 'NR > 1 && $3 == "used" { n++; if (substr($1, length($1)) != "0") exit 1 }
		     END { exit !(n > 0) }' "$tmp/blocks"
	"$th32" heap "$child" "$heap" --free >"$tmp/free" || bad "th32 heap --free"
	check "heap --free lists free blocks only" \
		awk 'NR > 1 && $3 != "free" { exit 1 }' "$tmp/free"
	"$th32" --json heaps "$child" >"$tmp/heaps.json" || bad "heaps --json"
	check "heaps --json parses" json_ok <"$tmp/heaps.json"
	"$th32" --json heap "$child" "$heap" >"$tmp/blocks.json" || bad "heap --json"
	check "heap --json parses" json_ok <"$tmp/blocks.json"
fi

# names are the target's to choose: a C1 control (U+009B, CSI, in UTF-8)
# and a byte outside UTF-8 (0x9b, CSI to a terminal reading 8-bit codes)
# reach the terminal as '?', as C0 controls do; the rest of UTF-8 is kept
weird=$(printf 'tlh\302\233[31m\2332J\303\251')
shown=$(printf 'tlh?[31m?2J\303\251')
no_c1() { LC_ALL=C tr -d '\200-\237' <"$1" | cmp -s - "$1"; }
cp "$sleeper" "$tmp/$weird" || bad "copy sleep(1) under a hostile name"
"$tmp/$weird" 300 &
wchild=$!
wait_exe "$wchild" "$tmp/$weird"
"$th32" ps >"$tmp/wps" || bad "th32 ps exits 0 (hostile name)"
check "ps: C1 controls and stray bytes in a name become '?'" \
	test "$(awk -v p="$wchild" '$1 == p { print $5 }' "$tmp/wps")" = "$shown"
check "ps: no byte 0x80-0x9f outside UTF-8 reaches the terminal" no_c1 "$tmp/wps"
"$th32" --json ps >"$tmp/wps.json" || bad "th32 --json ps (hostile name)"
check "ps --json: C1 as \\u009b, a stray byte as \\ufffd" grep -qF \
	"\"name\":\"tlh\\u009b[31m\\ufffd2J$(printf '\303\251')\"" "$tmp/wps.json"
"$th32" modules "$wchild" >"$tmp/wmods" || bad "th32 modules (hostile name)"
check "modules: the name and path escaped alike" \
	test "$(awk 'NR == 2 { print $3, $4 }' "$tmp/wmods")" = "$shown $tmp/$shown"
check "modules: no byte 0x80-0x9f outside UTF-8" no_c1 "$tmp/wmods"
kill "$wchild" 2>/dev/null
wait "$wchild" 2>/dev/null
wchild=

# errors: the Windows code by name and number, non-zero exit
expect_fail() { # expect_fail STATUS PATTERN DESCRIPTION COMMAND...
	st=$1 pat=$2 d=$3; shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$st" ] && grep -q -- "$pat" "$tmp/err"; then
		ok "$d"
	else
		bad "$d (exit $rc, stderr: $(head -c 300 "$tmp/err"))"
	fi
}
expect_fail 1 'ERROR_PARTIAL_COPY (299)' "unreadable address" \
	"$th32" read "$child" 0 8
expect_fail 1 'ERROR_INVALID_PARAMETER (87)' "no such process" \
	"$th32" modules 4194305
expect_fail 1 'ERROR_NOACCESS (998)' "range past user space" \
	"$th32" read "$child" "$last" 16
expect_fail 1 "no module" "unknown module name" \
	"$th32" read "$child" no-such-module.so+0 4
if [ -z "$w32" ]; then
	expect_fail 1 'no heap' "unknown heap id" "$th32" heap "$child" 0x1234
else
	expect_fail 1 'ERROR_NOT_SUPPORTED (50)' "heaps, 32-bit: not known" \
		"$th32" heaps "$child"
fi
expect_fail 2 'usage' "unknown command" "$th32" frobnicate
expect_fail 2 'th32' "bad pid" "$th32" modules notapid
"$th32" --help >"$tmp/help" && grep -q 'th32' "$tmp/help" &&
	ok "--help exits 0" || bad "--help exits 0"

if [ -n "$sleep64" ]; then
	kill "$child" 2>/dev/null
	wait "$child" 2>/dev/null
	"$sleep64" 300 &
	child=$!
	wait_exe "$child" "$sleep64"
	expect_fail 1 'ERROR_PARTIAL_COPY (299)' \
		"modules of a 64-bit process (WOW64)" "$th32" modules "$child"
	"$th32" ps >"$tmp/ps" && grep -q "^ *$child " "$tmp/ps" &&
		ok "ps lists a 64-bit process" ||
		bad "ps lists a 64-bit process"
fi

echo "th32 end to end: $fails failed"
[ "$fails" -eq 0 ]
