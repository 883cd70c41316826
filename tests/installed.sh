# installed.sh - sourced by the script tests that use the library as it is
# installed (test-install.sh, test-porting.sh): install the built tree
# into $dest and point pkg-config at it alone, the flags a program built
# against it needs, and the failure helpers.  Exits 77 (skip) when
# configure found no pkg-config.
#
# Needs top_builddir, MAKE, CC, PKG_CONFIG from the environment, and from
# the script, before install_tree: tmp (a scratch directory) and dest (an
# empty directory for DESTDIR).

MAKE=${MAKE:-make}
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-}
if [ -z "$PKG_CONFIG" ]; then
	echo "SKIP: pkg-config not found by configure"
	exit 77
fi

fail=0
bad() {
	echo "FAIL: $*"
	fail=1
}
# Show a log file indented (after a failure).
show() {
	sed 's/^/  | /' "$1"
}

# Compiler flags the library was built with that a program linking it
# statically (or against an instrumented library) needs as well.
san=$(sed -n 's/^SANITIZE_CFLAGS = *//p' "$top_builddir/Makefile" 2>/dev/null)
# And the user's CFLAGS and LDFLAGS, which may choose the target (-m32).
san="$san $(sed -n 's/^CFLAGS = *//p; s/^LDFLAGS = *//p' \
	"$top_builddir/Makefile" 2>/dev/null | tr '\n' ' ')"

# make install DESTDIR=$dest; then only the installed tlhelp32.pc, with
# its paths under $dest, is what pkg-config knows (pcdir: its directory).
# Exits on failure.
install_tree() {
	if ! $MAKE -C "$top_builddir" install DESTDIR="$dest" \
		>"$tmp/install.log" 2>&1; then
		bad "make install DESTDIR=$dest"
		show "$tmp/install.log"
		exit 1
	fi
	pcs=$(find "$dest" -name tlhelp32.pc)
	if [ "$(printf '%s\n' "$pcs" | grep -c .)" -ne 1 ]; then
		bad "expected exactly one installed tlhelp32.pc, found:" \
			"${pcs:-none}"
		exit 1
	fi
	pcdir=${pcs%/*}
	PKG_CONFIG_PATH=$pcdir
	PKG_CONFIG_LIBDIR=$pcdir
	PKG_CONFIG_SYSROOT_DIR=$dest
	export PKG_CONFIG_PATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
}

# A directory the .pc names, under $dest (pkgconf already prefixes the
# sysroot to --variable output; pkg-config 0.29 does not).
pcvar() {
	v=$($PKG_CONFIG --variable="$1" tlhelp32) || return 1
	[ -n "$v" ] || return 1
	case $v in
	"$dest"/*) printf '%s\n' "$v" ;;
	/*) printf '%s\n' "$dest$v" ;;
	*) return 1 ;;
	esac
}
