#!/bin/sh
# test-install.sh - install the built tree into a temporary DESTDIR and use
# it the way a user would: pkg-config validates tlhelp32.pc, the header
# lands in $(includedir)/tlhelp32/ and nothing else in $(includedir), every
# man page is installed in its section, examples/readmem_demo.c builds with
# nothing but "pkg-config --cflags --libs tlhelp32" and runs against the
# installed shared library, and once more linked with the static archive;
# the snapshot examples (proclist, dumpmod) build and run the same way, and
# so do a TCHAR tool and, with tlhelp32-wchar16.pc, a UNICODE one.
# README, NEWS and the examples' sources land in $(docdir); make install's
# ldconfig hook runs only as its rule says (with a stand-in ldconfig).
# Finally "make uninstall" must remove every file it installed.
#
# Environment (from Makefile.am): top_srcdir, top_builddir, MAKE, CC,
# PKG_CONFIG.  The paths come from the installed tlhelp32.pc itself, so any
# --prefix/--libdir/--includedir works (distcheck's too).

set -u

: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_srcdir/tests/installed.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlh-install.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT PIPE TERM
dest=$tmp/dest
mkdir "$dest" || exit 99

# A library built for another word size than this shell's (-m32) cannot
# list a 64-bit process's modules, as under WOW64: the snapshot examples
# then look at tests/sleeper, built as the library was.
elf_class() {
	od -An -tu1 -j4 -N1 "$1" 2>/dev/null | tr -d ' '
}
own_sleeper=
if [ -x "$top_builddir/tests/sleeper" ] &&
   [ "$(elf_class "$top_builddir/tests/sleeper")" != \
     "$(elf_class /proc/$$/exe)" ]; then
	own_sleeper=$top_builddir/tests/sleeper
fi

# A machine that refuses to read other processes (tests/can-read says
# why): the examples are built and installed, and not run.
reads=yes
if ! "$top_builddir/tests/can-read" >"$tmp/can-read.log"; then
	reads=no
	sed 's/^SKIP: /SKIP: running the examples: /' "$tmp/can-read.log"
fi

# --- install ----------------------------------------------------------------

install_tree

if ! $PKG_CONFIG --validate tlhelp32 >"$tmp/validate.log" 2>&1; then
	bad "$PKG_CONFIG --validate tlhelp32"
	show "$tmp/validate.log"
fi

libdir=$(pcvar libdir) || bad "tlhelp32.pc: no absolute libdir"
includedir=$(pcvar includedir) || bad "tlhelp32.pc: no absolute includedir"
[ "$fail" -eq 0 ] || exit 1

version=$($PKG_CONFIG --modversion tlhelp32)
pkgver=$(sed -n "s/^PACKAGE_VERSION = *//p" "$top_builddir/Makefile")
[ "$version" = "$pkgver" ] ||
	bad "tlhelp32.pc says version '$version', the package is '$pkgver'"

# --- header: $(includedir)/tlhelp32/, nothing Windows-named beside it -------

if [ ! -f "$includedir/tlhelp32/tlhelp32.h" ]; then
	bad "no $includedir/tlhelp32/tlhelp32.h"
elif ! cmp -s "$includedir/tlhelp32/tlhelp32.h" \
	"$top_srcdir/include/tlhelp32.h"; then
	bad "installed tlhelp32.h differs from include/tlhelp32.h"
fi
for h in "$top_srcdir"/include/*.h; do
	[ -f "$includedir/tlhelp32/${h##*/}" ] ||
		bad "include/${h##*/} not installed in $includedir/tlhelp32"
done
top_entries=$(cd "$includedir" && ls -A)
[ "$top_entries" = tlhelp32 ] ||
	bad "$includedir must hold only tlhelp32/, it holds:" \
		"$(printf '%s\n' "$top_entries" | tr '\n' ' ')"

cflags=$($PKG_CONFIG --cflags tlhelp32)
case " $cflags " in
*" -I$includedir/tlhelp32 "*) ;;
*) bad "pkg-config --cflags gives '$cflags', not -I$includedir/tlhelp32" ;;
esac

# --- man pages --------------------------------------------------------------

man3=$(find "$dest" -type d -name man3)
if [ "$(printf '%s\n' "$man3" | grep -c .)" -ne 1 ]; then
	bad "expected one installed man3 directory, found: ${man3:-none}"
else
	mandir=${man3%/*}
	for p in man3/Toolhelp32ReadProcessMemory.3 man7/libtlhelp32.7; do
		[ -f "$mandir/$p" ] || bad "$p not installed in $mandir"
	done
	npages=0
	for page in "$top_srcdir"/man/*.[1-9]; do
		[ -f "$page" ] || continue
		name=${page##*/}
		npages=$((npages + 1))
		if [ ! -f "$mandir/man${name##*.}/$name" ]; then
			bad "man/$name not installed in $mandir/man${name##*.}"
		elif ! cmp -s "$page" "$mandir/man${name##*.}/$name"; then
			bad "installed $name differs from man/$name"
		fi
	done
	[ "$npages" -gt 0 ] || bad "no pages in $top_srcdir/man"
fi

# --- libraries --------------------------------------------------------------

shared=no
static=no
if [ -f "$top_builddir/lib/.libs/libtlhelp32.so" ]; then
	shared=yes
	if [ ! -f "$libdir/libtlhelp32.so" ]; then
		bad "no $libdir/libtlhelp32.so"
	elif command -v readelf >/dev/null 2>&1; then
		soname=$(readelf -d "$libdir/libtlhelp32.so" |
			sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
		if [ -z "$soname" ] || [ ! -f "$libdir/$soname" ]; then
			bad "SONAME '$soname' of libtlhelp32.so not in $libdir"
		fi
	fi
fi
if [ -f "$top_builddir/lib/.libs/libtlhelp32.a" ]; then
	static=yes
	[ -f "$libdir/libtlhelp32.a" ] || bad "no $libdir/libtlhelp32.a"
fi
[ "$shared" = yes ] || [ "$static" = yes ] || bad "no library was built"

# --- a program built as a user builds it ------------------------------------

demo=$top_srcdir/examples/readmem_demo.c
libs=$($PKG_CONFIG --libs tlhelp32)

if [ "$shared" = yes ]; then
	# shellcheck disable=SC2086
	if ! $CC $san -o "$tmp/demo" "$demo" $cflags $libs \
		>"$tmp/cc.log" 2>&1; then
		bad "$CC -o demo readmem_demo.c $cflags $libs"
		show "$tmp/cc.log"
	else
		ldpath=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
		# The loader must find the installed library, not another.
		found=$(LD_TRACE_LOADED_OBJECTS=1 LD_LIBRARY_PATH=$ldpath \
			"$tmp/demo" 2>/dev/null | sed -n \
			's/.*libtlhelp32[^ ]* => \([^ ]*\).*/\1/p')
		case $found in
		"$libdir"/*|"") ;;
		*) bad "demo loads $found, not the library in $libdir" ;;
		esac
		if [ "$reads" = no ]; then
			:
		elif ! LD_LIBRARY_PATH=$ldpath "$tmp/demo" \
			>"$tmp/run.log" 2>&1; then
			bad "readmem_demo (shared) failed"
			show "$tmp/run.log"
		fi
	fi
fi

# The snapshot examples, built the same way: list our own process with its
# modules, and find a sleep(1) we start by name and dump its ELF header.
if [ "$shared" = yes ]; then
	ldpath=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	for ex in proclist dumpmod; do
		# shellcheck disable=SC2086
		if ! $CC $san -o "$tmp/$ex" "$top_srcdir/examples/$ex.c" \
			$cflags $libs >"$tmp/cc.log" 2>&1; then
			bad "$CC -o $ex $ex.c $cflags $libs"
			show "$tmp/cc.log"
		fi
	done
	target=$$ kid=''
	if [ -n "$own_sleeper" ]; then
		"$own_sleeper" 30 &
		target=$! kid=$!
	fi
	if [ -x "$tmp/proclist" ] && [ "$reads" = yes ]; then
		LD_LIBRARY_PATH=$ldpath "$tmp/proclist" $target \
			>"$tmp/run.log" 2>&1
		if [ $? -ne 0 ] || ! grep -q "^ *$target " "$tmp/run.log" ||
		   ! grep -q ' module .*libc\.so' "$tmp/run.log"; then
			bad "proclist $target did not list it and its modules"
			show "$tmp/run.log"
		fi
	fi
	if [ -n "$kid" ]; then
		kill "$kid" 2>/dev/null
		wait "$kid" 2>/dev/null
	fi
	sleeper=${own_sleeper:-$(command -v sleep)}
	if [ -x "$tmp/dumpmod" ] && [ -n "$sleeper" ] && [ "$reads" = yes ]; then
		cp "$sleeper" "$tmp/tlh-sleeper"
		"$tmp/tlh-sleeper" 30 &
		spid=$!
		i=0
		while [ "$(readlink /proc/$spid/exe 2>/dev/null)" != \
			"$tmp/tlh-sleeper" ] && [ $i -lt 100 ]; do
			sleep 0.05; i=$((i + 1))
		done
		LD_LIBRARY_PATH=$ldpath "$tmp/dumpmod" tlh-sleeper 16 \
			>"$tmp/run.log" 2>&1
		st=$?
		kill "$spid" 2>/dev/null
		wait "$spid" 2>/dev/null
		if [ $st -ne 0 ] || ! grep -q '^7f 45 4c 46 ' "$tmp/run.log"; then
			bad "dumpmod tlh-sleeper did not dump the ELF header"
			show "$tmp/run.log"
		fi
	fi
fi

if [ "$static" = yes ]; then
	# The archive by name; Libs.private comes with --static.
	slibs=$($PKG_CONFIG --static --libs tlhelp32 |
		sed 's/-ltlhelp32\([ ]\|$\)/-l:libtlhelp32.a\1/')
	# shellcheck disable=SC2086
	if ! $CC $san -o "$tmp/demo-static" "$demo" $cflags $slibs \
		>"$tmp/cc.log" 2>&1; then
		bad "$CC -o demo-static readmem_demo.c $cflags $slibs"
		show "$tmp/cc.log"
	else
		if command -v readelf >/dev/null 2>&1 &&
		    readelf -d "$tmp/demo-static" |
		    grep -q 'NEEDED.*libtlhelp32'; then
			bad "the static demo still needs libtlhelp32.so"
		fi
		if [ "$reads" = no ]; then
			:
		elif ! "$tmp/demo-static" >"$tmp/run.log" 2>&1; then
			bad "readmem_demo (static) failed"
			show "$tmp/run.log"
		fi
	fi
fi

# --- tchar.h code, and UNICODE code with the wchar16 module -----------------

# tests/tchar-ansi.c and tests/wchar16-self.c look for themselves in the
# process list by these names, and exit 0 only if all they check holds.
if [ "$shared" = yes ]; then
	ldpath=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	# shellcheck disable=SC2086
	if ! $CC $san -o "$tmp/tchar-ansi" "$top_srcdir/tests/tchar-ansi.c" \
		$cflags $libs >"$tmp/cc.log" 2>&1; then
		bad "$CC -o tchar-ansi tchar-ansi.c $cflags $libs"
		show "$tmp/cc.log"
	elif ! LD_LIBRARY_PATH=$ldpath "$tmp/tchar-ansi" 42 \
		>"$tmp/run.log" 2>&1; then
		bad "tchar-ansi (built with tlhelp32) failed"
		show "$tmp/run.log"
	fi
fi
if ! $PKG_CONFIG --validate tlhelp32-wchar16 >"$tmp/validate.log" 2>&1; then
	bad "$PKG_CONFIG --validate tlhelp32-wchar16"
	show "$tmp/validate.log"
fi
wcflags=$($PKG_CONFIG --cflags tlhelp32-wchar16)
wlibs=$($PKG_CONFIG --libs tlhelp32-wchar16)
case " $wcflags " in
*" -fshort-wchar "*) ;;
*) bad "pkg-config --cflags tlhelp32-wchar16 gives '$wcflags'" ;;
esac
[ -f "$libdir/libtlhelp32_wmain.a" ] || bad "no $libdir/libtlhelp32_wmain.a"
# Only where the C library takes a 16-bit wchar_t (not musl).
if [ "$shared" = yes ] &&
   grep -q '^HAVE_WCHAR16 = yes$' "$top_builddir/Makefile"; then
	# shellcheck disable=SC2086
	if ! $CC $san -DUNICODE -D_UNICODE -o "$tmp/wchar16-self" \
		"$top_srcdir/tests/wchar16-self.c" $wcflags $wlibs \
		>"$tmp/cc.log" 2>&1; then
		bad "$CC -o wchar16-self wchar16-self.c $wcflags $wlibs"
		show "$tmp/cc.log"
	elif ! LD_LIBRARY_PATH=$ldpath "$tmp/wchar16-self" x \
		>"$tmp/run.log" 2>&1 ||
	     [ "$(head -n 1 "$tmp/run.log")" != wchar16-self ]; then
		bad "wchar16-self (built with tlhelp32-wchar16) failed"
		show "$tmp/run.log"
	fi
fi

# --- docs, and the ldconfig rule -------------------------------------------

docdir=$(find "$dest" -type d -path '*/doc/libtlhelp32')
if [ "$(printf '%s\n' "$docdir" | grep -c .)" -ne 1 ]; then
	bad "expected one installed doc/libtlhelp32, found: ${docdir:-none}"
else
	for f in README.md NEWS examples/readmem_demo.c examples/regions.c; do
		[ -f "$docdir/$f" ] || bad "$f not installed in $docdir"
	done
fi

# make install's hook runs ldconfig only without DESTDIR, as root, into a
# directory ldconfig searches (Makefile.am, LDCONFIG_RUN).  A stand-in
# ldconfig lists $tmp/searched as searched and records being run.
mkdir "$tmp/searched" "$tmp/other" || exit 99
cat >"$tmp/ldconfig" <<EOF
#!/bin/sh
if [ "\$1" = -N ]; then
	echo "$tmp/searched: (from test)"
	echo "/nonexistent: (from test)"
else
	echo "\$*" >>"$tmp/ldconfig.ran"
fi
EOF
chmod +x "$tmp/ldconfig"
hook() {
	rm -f "$tmp/ldconfig.ran"
	$MAKE -s -C "$top_builddir" install-exec-hook LDCONFIG="$tmp/ldconfig" \
		"$@" >"$tmp/hook.log" 2>&1 || bad "install-exec-hook $*"
}
hook DESTDIR="$dest" libdir="$tmp/searched"
[ -e "$tmp/ldconfig.ran" ] && bad "ldconfig ran with DESTDIR set"
hook DESTDIR= libdir="$tmp/other"
[ -e "$tmp/ldconfig.ran" ] &&
	bad "ldconfig ran for a directory it does not search"
grep -q 'not searched by the dynamic linker' "$tmp/hook.log" ||
	bad "no note for a libdir the dynamic linker does not search"
hook DESTDIR= libdir="$tmp/searched"
if [ "$(id -u)" = 0 ]; then
	[ -e "$tmp/ldconfig.ran" ] ||
		bad "ldconfig did not run as root for a searched libdir"
else
	[ -e "$tmp/ldconfig.ran" ] && bad "ldconfig ran though not root"
	grep -q 'run ldconfig as root' "$tmp/hook.log" ||
		bad "no note to run ldconfig as root"
fi

# --- uninstall --------------------------------------------------------------

if ! $MAKE -C "$top_builddir" uninstall DESTDIR="$dest" \
	>"$tmp/uninstall.log" 2>&1; then
	bad "make uninstall DESTDIR=$dest"
	show "$tmp/uninstall.log"
else
	left=$(find "$dest" ! -type d)
	[ -z "$left" ] ||
		bad "make uninstall left: $(printf '%s\n' "$left" | tr '\n' ' ')"
fi

if [ "$fail" -eq 0 ]; then
	echo "PASS: installed, libdir $libdir," \
		"built readmem_demo with: $cflags $libs" \
		"(shared: $shared, static: $static)"
fi
exit "$fail"
