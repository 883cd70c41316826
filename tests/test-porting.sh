#!/bin/sh
# test-porting.sh - Windows tools, ported as their users would port them:
# install the built tree into a temporary DESTDIR, build each program of
# tests/porting/ and the Windows-style examples (modbase, regions) from
# its source, unchanged, with nothing but
#   $CC -Wall -Wextra -Werror prog.c $(pkg-config --cflags --libs tlhelp32)
# and run them against a child this script starts (tests/sleeper under a
# name of its own, holding a known 32-bit value in its data), checking
# what they print against what the child is and holds:
#
#   findpid   finds the child's pid by name, and only it
#   proclist  lists the child with its priority class, its executable and
#             C library among its modules, and its thread
#             (these two are generic text, and are built and run once more
#             as Unicode programs with tlhelp32-wchar16 where it works)
#   modbase   reads the child's value at its module base + offset
#   trainer   changes the value (WriteProcessMemory); the child then
#             reports the new value itself
#   scan      finds the value's address among the child's writable memory
#   regions   walks the child's regions from 0 to the top of user space:
#             contiguous, and every mapping in /proc/PID/maps lies in
#             regions that are not MEM_FREE
#
# Environment (from Makefile.am): top_srcdir, top_builddir, MAKE, CC,
# PKG_CONFIG.

set -u

: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_srcdir/tests/installed.sh"
sleeper=$top_builddir/tests/sleeper
# A machine that refuses to read other processes: nothing to test.
"$top_builddir/tests/can-read" || exit 77
if [ ! -x "$sleeper" ]; then
	echo "SKIP: $sleeper not built"
	exit 77
fi
# The child lets any process trace it (PR_SET_PTRACER), which Yama's
# ptrace_scope 1 honours; 2 and 3 leave only root.
scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)
if [ "$scope" -ge 2 ] && [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: Yama ptrace_scope $scope lets only root read another" \
		"process"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlh-porting.XXXXXX") || exit 99
kid=''
cleanup() {
	if [ -n "$kid" ]; then
		kill "$kid" 2>/dev/null
		wait "$kid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

dest=$tmp/dest
mkdir "$dest" || exit 99

# --- install ----------------------------------------------------------------

install_tree
cflags=$($PKG_CONFIG --cflags tlhelp32)
libs=$($PKG_CONFIG --libs tlhelp32)
libdir=$(pcvar libdir) || { bad "tlhelp32.pc: no absolute libdir"; exit 1; }
LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH

# --- build every program as it is ------------------------------------------

progs=''
for src in "$top_srcdir"/tests/porting/*.c "$top_srcdir/examples/modbase.c" \
	"$top_srcdir/examples/regions.c"; do
	name=${src##*/}
	name=${name%.c}
	# shellcheck disable=SC2086
	if $CC $san -Wall -Wextra -Werror -o "$tmp/$name" "$src" $cflags \
		$libs >"$tmp/cc.log" 2>&1; then
		progs="$progs $name"
	else
		bad "$CC -Wall -Wextra -Werror $name.c $cflags $libs"
		show "$tmp/cc.log"
	fi
done
# The generic-text ones (_tmain) once more as Unicode programs, with the
# wchar16 module, where the C library takes a 16-bit wchar_t (not musl).
wide=''
if grep -q '^HAVE_WCHAR16 = yes$' "$top_builddir/Makefile"; then
	wcflags=$($PKG_CONFIG --cflags tlhelp32-wchar16)
	wlibs=$($PKG_CONFIG --libs tlhelp32-wchar16)
	for name in findpid proclist; do
		# shellcheck disable=SC2086
		if $CC $san -Wall -Wextra -Werror -DUNICODE -D_UNICODE \
			-o "$tmp/$name-w" "$top_srcdir/tests/porting/$name.c" \
			$wcflags $wlibs >"$tmp/cc.log" 2>&1; then
			progs="$progs $name-w"
			wide="$wide $name-w"
		else
			bad "$CC -DUNICODE -D_UNICODE $name.c $wcflags $wlibs"
			show "$tmp/cc.log"
		fi
	done
fi
has() {
	case " $progs " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# --- the child: tests/sleeper under a name of its own -----------------------

# Unique on this host, and short enough for the kernel's 15-character comm.
exe=tp$$
cp "$sleeper" "$tmp/$exe" || exit 99
"$tmp/$exe" 300 value >"$tmp/child.out" &
kid=$!
i=0
while ! grep -q '^offset ' "$tmp/child.out" 2>/dev/null && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
read -r _ offset _ value <"$tmp/child.out"
if [ -z "${offset:-}" ] || [ -z "${value:-}" ]; then
	bad "the child did not say where its value lies"
	show "$tmp/child.out"
	exit 1
fi

# run NAME ARGS...: run a built program, its output in $tmp/NAME.out.
run() {
	r=$1
	shift
	"$tmp/$r" "$@" >"$tmp/$r.out" 2>&1
}

# --- findpid: the child, and only it (ANSI and Unicode) --------------------

for f in findpid findpid-w; do
	has "$f" || continue
	run "$f" "$exe"
	st=$?
	if [ $st -ne 0 ] || [ "$(cat "$tmp/$f.out")" != "$exe $kid" ]; then
		bad "$f $exe: expected '$exe $kid'"
		show "$tmp/$f.out"
	fi
	# Windows compares names without case.
	upper=$(printf '%s' "$exe" | tr '[:lower:]' '[:upper:]')
	run "$f" "$upper"
	if [ "$(cat "$tmp/$f.out")" != "$exe $kid" ]; then
		bad "$f $upper: expected '$exe $kid'"
		show "$tmp/$f.out"
	fi
	if run "$f" "$exe-none" || [ -s "$tmp/$f.out" ]; then
		bad "$f $exe-none found something"
		show "$tmp/$f.out"
	fi
done

# --- proclist: the child, its modules and its thread (ANSI and Unicode) -----

for f in proclist proclist-w; do
	has "$f" || continue
	run "$f" "$exe"
	st=$?
	out=$tmp/$f.out
	# The class through a handle agrees with the snapshot's base priority.
	if [ $st -ne 0 ] ||
	   ! grep -Eq "^process $exe pid $kid parent $$ threads [0-9]+ \
base priority (4 class 0x40|6 class 0x4000|8 class 0x20|10 class 0x8000|\
13 class 0x80|24 class 0x100)\$" "$out" ||
	   ! grep -q "^  module $exe  *base .* $tmp/$exe\$" "$out" ||
	   ! grep -Eq '^  module (libc[.-]|ld-musl)' "$out" ||
	   ! grep -q "^  thread $kid base priority " "$out" ||
	   grep -q WARNING "$out"; then
		bad "$f $exe: the child, its modules and thread not listed"
		show "$out"
	fi
done

# --- modbase: the value at the module base + offset -------------------------

base=''
if has modbase; then
	run modbase "$exe" "$exe" "$offset" 4
	out=$tmp/modbase.out
	base=$(sed -n "s/^pid $kid, $exe at 0x\([0-9a-f]*\)\$/\1/p" "$out")
	if [ -z "$base" ] ||
	   ! grep -q ": 0x$value = $((0x$value))\$" "$out"; then
		bad "modbase $exe $exe $offset: expected the value 0x$value"
		show "$out"
	fi
fi

# --- scan: the value's address among the writable regions -------------------

if has scan; then
	run scan "$kid" "$value"
	out=$tmp/scan.out
	pg=$(getconf PAGESIZE 2>/dev/null || echo 4096)
	if ! grep -q "^page size $pg, " "$out"; then
		bad "scan: GetSystemInfo's page size is not $pg"
		show "$out"
	fi
	if [ -n "$base" ]; then
		want=$(printf '0x%x' $((0x$base + 0x$offset)))
		if ! grep -qx "found $want" "$out"; then
			bad "scan $kid $value: $want not found"
			show "$out"
		fi
	fi
	# No process 0: OpenProcess fails, and FormatMessage says why.
	if run scan 0 1 || ! grep -q \
	   '^OpenProcess failed with error 87: The parameter is incorrect\.' \
	   "$tmp/scan.out"; then
		bad "scan 0 1: expected error 87 and its text"
		show "$tmp/scan.out"
	fi
fi

# --- trainer: a new value, which the child then reports ---------------------

if has trainer; then
	new=$(printf '%x' $(((0x$value + 0x1111) & 0xffffffff)))
	run trainer "$exe" "$offset" "$new"
	st=$?
	if [ $st -ne 0 ] ||
	   ! grep -qi "^\[+\] 0x0*$value -> 0x0*$new (4 bytes written)\$" \
		"$tmp/trainer.out"; then
		bad "trainer $exe $offset $new"
		show "$tmp/trainer.out"
	else
		# Ask the child (SIGUSR1) until it prints what it holds.
		i=0
		while ! grep -q "^value $new\$" "$tmp/child.out" &&
		      [ $i -lt 100 ]; do
			kill -USR1 "$kid"
			sleep 0.05
			i=$((i + 1))
		done
		if ! grep -q "^value $new\$" "$tmp/child.out"; then
			bad "the child does not hold the trainer's 0x$new"
			show "$tmp/child.out"
		fi
	fi
	# The ELF header is read-only: 998, and it stays as it was.
	if run trainer "$exe" 0 12345678 || ! grep -q \
	   '^\[-\] .*: Invalid access to memory location\. (998)$' \
	   "$tmp/trainer.out"; then
		bad "trainer $exe 0: expected error 998 and its text"
		show "$tmp/trainer.out"
	fi
	if has modbase; then
		run modbase "$exe" "$exe" 0 4
		grep -q ': 0x464c457f = ' "$tmp/modbase.out" ||
			bad "the child's ELF header changed"
	fi
fi

# --- regions: contiguous from 0, and covering every mapping -----------------

if has regions; then
	run regions "$kid"
	out=$tmp/regions.out
	top=$(sed -n 's/^process .* to 0x\([0-9a-f]*\), .*/\1/p' "$out")
	# BASE SIZE STATE PROTECT [+GUARD] TYPE, all hexadecimal numbers.
	awk '$1 ~ /^[0-9a-f]+$/ && $2 ~ /^[0-9a-f]+$/ { print $1, $2, $3 }' \
		"$out" >"$tmp/regions.list"
	if ! grep -q '^[0-9]* regions, ' "$out" || [ -z "$top" ] ||
	   [ ! -s "$tmp/regions.list" ]; then
		bad "regions $kid: no complete walk"
		show "$out"
	else
		before=$fail
		fail=0
		next=0 gap=''
		while read -r b s state; do
			[ $((0x$b)) -eq "$next" ] ||
				gap="$gap 0x$b"
			next=$((0x$b + 0x$s))
		done <"$tmp/regions.list"
		[ -z "$gap" ] || bad "regions: not contiguous at$gap"
		[ "$next" -gt $((0x$top)) ] ||
			bad "regions: the walk ends at $(printf 0x%x "$next")," \
				"below 0x$top"
		# Every mapping below the top must lie in regions in use.
		while read -r range _; do
			# [vsyscall] and the like, above every user address
			case ${range%-*} in
			????????????????*) continue ;;
			esac
			ms=$((0x${range%-*}))
			me=$((0x${range#*-}))
			[ "$ms" -le $((0x$top)) ] || continue
			free=$(while read -r b s state; do
				rs=$((0x$b))
				re=$((rs + 0x$s))
				[ "$re" -le "$ms" ] || [ "$rs" -ge "$me" ] ||
					[ "$state" != free ] || echo "0x$b"
			done <"$tmp/regions.list")
			[ -z "$free" ] ||
				bad "regions: mapping $range lies in free" \
					"region(s)" $free
		done <"/proc/$kid/maps"
		[ "$fail" -eq 0 ] || show "$out"
		[ "$before" -eq 0 ] || fail=1
		# A free region above the module base: a read there fails
		# with 299, and FormatMessage says why.
		hole=$(while read -r b s state; do
			[ "$state" = free ] && [ -n "$base" ] &&
				[ $((0x$b)) -gt $((0x$base)) ] &&
				{ echo "$b"; break; }
		done <"$tmp/regions.list")
		if has modbase && [ -n "$hole" ]; then
			run modbase "$exe" "$exe" \
				"$(printf %x $((0x$hole - 0x$base)))" 4
			grep -q "^ReadProcessMemory failed with error 299 \
(Only part of a ReadProcessMemory or WriteProcessMemory request was \
completed)\$" "$tmp/modbase.out" || {
				bad "modbase in the free region at 0x$hole:" \
					"expected error 299 and its text"
				show "$tmp/modbase.out"
			}
		fi
	fi
fi

# Whatever did not build has failed above; say what ran.
if [ "$fail" -eq 0 ]; then
	echo "PASS: built and ran$progs against $exe (pid $kid)"
fi
exit "$fail"
