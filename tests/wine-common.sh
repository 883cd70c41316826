# wine-common.sh - sourced by test-wine.sh and test-wine32.sh: reporting,
# a throw-away WINEPREFIX, building tests/wine/ with MinGW, and starting
# the program once.  The sourcing script sets cc (the MinGW compiler),
# exe (the program's file name) and WINE_ARCH_NOTE (what to install).
list="$top_builddir/tests/wine-list"
src="$top_srcdir/tests/wine"
fails=0 checks=0
ok() { checks=$((checks + 1)); printf 'ok: %s\n' "$1"; }
bad() { checks=$((checks + 1)); printf 'FAIL: %s\n' "$1"; fails=$((fails + 1)); }
skip() { echo "SKIP: $1"; exit 77; }
[ "${WINE_TESTS:-yes}" = no ] &&
	skip "WINE_TESTS=no (CI runs the Wine tests in a section of their own)"
# wine_list ARGS: tests/wine-list, under $WINE_LIST_WRAPPER (valgrind) if set
wine_list() { ${WINE_LIST_WRAPPER:-} "$list" "$@"; }

# need_mingw: skip unless $cc and its objdump are there
need_mingw() {
	objdump=${cc%gcc}objdump
	command -v "$cc" >/dev/null 2>&1 &&
	command -v "$objdump" >/dev/null 2>&1 ||
		skip "no $cc (Debian: gcc-mingw-w64)"
	[ -x "$list" ] || { echo "no $list"; exit 99; }
	[ "$(od -An -tu1 -j4 -N1 "$list" | tr -d ' ')" = 2 ] ||
		skip "a 32-bit build cannot list a 64-bit Wine process"
}

# new_prefix: a temporary directory $tmp with the programs' $app in it,
# and Wine's environment pointed at a new prefix there
new_prefix() {
	tmp=$(mktemp -d) || exit 99
	app=$tmp/app
	game=
	mkdir "$app" || exit 99
	WINEPREFIX="$tmp/prefix" WINEDEBUG=-all
	# no Mono or Gecko to offer to install, no display
	WINEDLLOVERRIDES="mscoree,mshtml="
	export WINEPREFIX WINEDEBUG WINEDLLOVERRIDES
	unset DISPLAY WAYLAND_DISPLAY
	trap cleanup EXIT
}
cleanup() {
	[ -n "$game" ] && kill "$game" 2>/dev/null
	command -v wineserver >/dev/null 2>&1 && wineserver -k 2>/dev/null
	rm -rf "$tmp"
}

# build_programs: $exe and its five DLLs, all wanting the same base (only
# the first can have it)
dlls="first.dll second.dll liar.dll nosig.dll trunc.dll"
build_programs() {
	$cc -O2 -o "$app/$exe" "$src/game.c" ||
		{ echo "FAIL: $cc game.c"; exit 1; }
	for d in $dlls; do
		$cc -O2 -shared -Wl,--image-base=0x6f000000 -o "$app/$d" \
			"$src/plugin.c" || { echo "FAIL: $cc plugin.c"; exit 1; }
	done
}

# start_program: make the prefix and run $exe until it says "ready";
# $game is its pid, $tmp/said what it printed
start_program() {
	start=$(date +%s)
	wineboot -i >/dev/null 2>&1 || { echo "FAIL: wineboot -i"; exit 1; }
	echo "wineboot: $(($(date +%s) - start)) s"
	cd "$app" || exit 99
	wine "./$exe" >"$tmp/out" 2>"$tmp/err" &
	game=$!
	i=0
	while ! grep -q '^ready' "$tmp/out" 2>/dev/null; do
		if ! kill -0 "$game" 2>/dev/null || [ $i -ge 600 ]; then
			echo "FAIL: the program did not start:"
			cat "$tmp/out" "$tmp/err"
			exit 1
		fi
		sleep 0.1; i=$((i + 1))
	done
	cd "$tmp" || exit 99
	echo "program started: $(($(date +%s) - start)) s"
	# msvcrt's text mode ends lines with CR LF
	tr -d '\r' <"$tmp/out" >"$tmp/said"
}
