#!/bin/sh
# test-th32-mem.sh - th32's memory commands end to end against
# tests/memtarget (see there): find reports exactly the planted matches
# (across a page and a 1 MiB chunk boundary, overlapping, in a shared file
# mapping) and none in PROT_NONE, guard or vanishing memory, and goes on
# past a region unmapped while it reads it; regions agrees with
# /proc/PID/maps; write changes exactly the bytes asked, and nothing when
# it fails; read prints typed values; ps NAME's exit statuses.
set -u
th32="$top_builddir/tools/th32"
target="$top_builddir/tests/memtarget"
# A machine that refuses to read other processes: nothing to test.
"$top_builddir/tests/can-read" || exit 77
fails=0
tmp=$(mktemp -d) || exit 99
child=
cleanup() {
	[ -n "$child" ] && kill "$child" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

[ -r /proc/self/maps ] || { echo "SKIP: no /proc"; exit 77; }
[ -x "$target" ] || { echo "SKIP: no $target"; exit 77; }
case $(uname -m) in
x86_64|aarch64) ;;
*) echo "SKIP: addresses are checked for 64-bit x86 and Arm only"; exit 77 ;;
esac

ok() { printf 'ok: %s\n' "$1"; }
bad() { printf 'FAIL: %s\n' "$1"; fails=$((fails + 1)); }
check() { # check DESCRIPTION COMMAND...: the command must succeed
	d=$1; shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
# hex N: N (any form the shell reads) as 0x and lowercase digits
hex() { printf '0x%x' "$(($1))"; }

seed=$$
mkfifo "$tmp/out" || exit 99
"$target" "$seed" "$tmp/shared" >"$tmp/out" &
child=$!
# The fifo's lines up to "ready", kept in a file.
while read -r line; do
	echo "$line" >>"$tmp/places"
	[ "$line" = ready ] && break
done <"$tmp/out"
grep -q '^ready$' "$tmp/places" || { echo "memtarget did not start"; exit 99; }
place() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/places"; }
pattern=$(place pattern)
pg=$(getconf PAGESIZE)

# ---- find --------------------------------------------------------------

# Each hex adds no newline: put one after each.
{ hex "$(place page)"; echo; hex "$(place mib)"; echo
  awk '$1 == "overlap" { print $2; print $3 }' "$tmp/places" |
	while read -r a; do hex "$a"; echo; done
  hex "$(place shared)"; echo; hex "$(place eof)"; echo; } |
	sort >"$tmp/want"
found() { # the addresses in find's text output $1, as hex, sorted
	awk '{ print $1 }' "$1" | while read -r a; do hex "$a"; echo; done |
		sort
}

vanish=$(place vanish)
guard=$(awk '$1 == "guard" { print $2, $3 }' "$tmp/places")
gseen=${guard#* } guard=${guard%% *}
[ "$guard" = - ] &&
	echo "SKIP part: no MADV_GUARD_INSTALL in this kernel: no guard region"
[ "$vanish" = - ] &&
	echo "SKIP part: no userfaultfd here: no region vanishes mid-scan"
vbase='' gpage=''
[ "$vanish" != - ] && vbase=$(hex "$vanish - 64")
# A guard page the library cannot see (no PAGEMAP_SCAN) is read, fails,
# and is reported and skipped like memory that vanished.
[ "$guard" != - ] && [ "$gseen" = unseen ] && gpage=$(hex "$guard - 400")
# The pages past the end of the file mapped 2 MiB long: in a committed,
# readable region, yet not readable: reported and skipped every time.
eofbase=$(hex "$(place eof) - 1048576 + 5")
eofgap_lo=$(hex "$eofbase + 1048576 + $pg") eofgap_hi=$(hex "$eofbase + 2097152")

# skipped FILE: every line of find's stderr in FILE says it skipped the
# vanishing region, an unseen guard page or the pages past the file's
# end, nothing else
skipped() {
	while read -r line; do
		lo=${line#th32: find $child: } lo=${lo%%-*}
		hi=${line#*-} hi=${hi%%:*}
		case $line in
		"th32: find $child: 0x"*"-0x"*": could not be read (error "*"), skipped") ;;
		*) echo "unexpected: $line"; return 1 ;;
		esac
		if [ -n "$vbase" ] && [ $((lo)) -ge $((vbase)) ] &&
		   [ $((hi)) -le $((vbase + 2 * pg)) ]; then
			continue
		fi
		if [ $((lo)) -eq $((eofgap_lo)) ] && [ $((hi)) -eq $((eofgap_hi)) ]; then
			continue
		fi
		if [ -n "$gpage" ] && [ "$lo" = "$gpage" ] &&
		   [ $((hi)) -eq $((gpage + pg)) ]; then
			continue
		fi
		echo "unexpected range: $line"
		return 1
	done <"$1"
}

"$th32" find "$child" --hex "$pattern" >"$tmp/f1" 2>"$tmp/e1"
rc=$?
check "find exits 0" test "$rc" -eq 0
# Reading it through process_vm_readv faults its second page in, and the
# target unmaps it there; through /proc/PID/mem (no process_vm_readv) the
# fault is refused at once, and the region stays, its first page readable.
vgone=
if [ -n "$vbase" ]; then
	if grep -q "^0*${vbase#0x}-" "/proc/$child/maps"; then
		hex "$vanish" >>"$tmp/want"; echo >>"$tmp/want"
		sort -o "$tmp/want" "$tmp/want"
		echo "note: the vanishing region stayed (its reads were refused)"
	else
		vgone=yes
	fi
fi
found "$tmp/f1" >"$tmp/got1"
if cmp -s "$tmp/want" "$tmp/got1"; then
	ok "find: exactly page, 1 MiB, overlapping twice, shared file, 1 MiB before a file's end"
else
	bad "find: exactly the planted matches (want $(tr '\n' ' ' <"$tmp/want"), got $(tr '\n' ' ' <"$tmp/got1"))"
fi
check "find: stderr only for what vanished or is an unseen guard" \
	skipped "$tmp/e1"
if [ -n "$vgone" ]; then
	check "find: the region unmapped mid-scan is reported skipped" \
		grep -q "^th32: find $child: $vbase-.*skipped" "$tmp/e1"
	# ... and the scan went on: the page above it was found (above).
elif [ -n "$vbase" ]; then
	check "find: the region's refused page is reported skipped" \
		grep -q "^th32: find $child: $(hex "$vbase + $pg")-.*skipped" \
		"$tmp/e1"
fi
[ -n "$gpage" ] && check "find: the unseen guard page is reported skipped" \
	grep -q "^th32: find $child: $gpage-.*skipped" "$tmp/e1"
# find again, now that the region is gone: the same, and quiet
"$th32" find "$child" --hex "$pattern" >"$tmp/f2" 2>"$tmp/e2"
found "$tmp/f2" >"$tmp/got2"
check "find again: the same matches" cmp -s "$tmp/want" "$tmp/got2"
check "find again: stderr only for an unseen guard page or a refused page" \
	skipped "$tmp/e2"
check "find: the pages past the file's end are reported skipped" \
	grep -q "^th32: find $child: $eofgap_lo-$eofgap_hi: .*skipped" "$tmp/e1"
if [ -n "$vgone" ] && [ -z "$gpage" ]; then
	check "find again: nothing on stderr but the pages past the file's end" \
		test "$(grep -vc "^th32: find $child: $eofgap_lo-" "$tmp/e2")" -eq 0
fi

# text: ADDRESS, two spaces, NAME+0xOFFSET
sh=$(hex "$(place shared)" | sed 's/^0x//')
check "find: the shared file's match is named path+0x64" \
	grep -q "^0x0*$sh  $tmp/shared+0x64\$" "$tmp/f1"

# each place find prints, but a file's, is an ADDRESS read takes, and
# holds the pattern
grep -v '  /' "$tmp/f1" | while read -r addr where; do
	got=$("$th32" read "$child" "$where" 16 -o - | od -An -tx1 | tr -d ' \n')
	[ "$got" = "$pattern" ] || echo "$where: $got"
done >"$tmp/rb"
check "find's MODULE+OFFSET and 0xBASE+OFFSET read back as the pattern" \
	test ! -s "$tmp/rb"

# ?? wildcards: A ?? ?? ?? ?? A matches where A B A does
wild=$(echo "$pattern" | sed 's/^\(.\{12\}\)......../\1????????/')
"$th32" find "$child" --hex "$wild" >"$tmp/fw" 2>/dev/null
found "$tmp/fw" >"$tmp/gotw"
check "find --hex with ??: the same matches" cmp -s "$tmp/want" "$tmp/gotw"

# --json: address and region, parsed
if command -v python3 >/dev/null 2>&1; then
	"$th32" --json find "$child" --hex "$pattern" >"$tmp/fj" 2>/dev/null
	python3 - "$tmp/fj" "$tmp/want" <<'EOF' && ok "find --json: address, region, same set" || bad "find --json"
import json, sys
got = json.load(open(sys.argv[1]))
want = [int(l, 16) for l in open(sys.argv[2]) if l.strip()]
addrs = sorted(int(m["address"], 16) for m in got)
assert addrs == sorted(want), (addrs, want)
for m in got:
    r = int(m["region"], 16)
    assert r <= int(m["address"], 16) and r % 4096 == 0
EOF
else
	echo "SKIP part: no python3 to parse --json"
fi

# --max, --range, --module
n=$("$th32" find "$child" --hex "$pattern" --max 2 2>/dev/null | wc -l)
check "find --max 2: two lines" test "$n" -eq 2
ov=$(awk '$1 == "overlap" { print $2 }' "$tmp/places")
"$th32" find "$child" --hex "$pattern" \
	--range "$(hex "$ov - 200")-$(hex "$ov - 200 + $pg")" >"$tmp/fr"
check "find --range: the overlapping pair only" \
	test "$(found "$tmp/fr" | tr '\n' ' ')" = "$(hex "$ov") $(hex "$ov + 10") "
base=$("$th32" modules "$child" | awk 'NR == 2 { print $1 }')
"$th32" find "$child" --hex 7f454c46 --module memtarget >"$tmp/fm"
check "find --module: the ELF magic at the module's base" \
	test "$(found "$tmp/fm" | head -n 1)" = "$(hex "$base")"
check "find --module: named memtarget+0x0" \
	grep -q "  memtarget+0x0\$" "$tmp/fm"
"$th32" find "$child" --hex "$(echo "$pattern" | cut -c1-12)00ff00ff" \
	>"$tmp/fn" 2>"$tmp/en"
check "find: no match, exit 1, no output" test "$?" -eq 1 -a ! -s "$tmp/fn"
check "find: no match, stderr as before" skipped "$tmp/en"

# numbers and strings
vals=$(place values)
r="$(hex "$vals")-$(hex "$vals + $pg")"
for spec in "--u32 0xdeadbeef 0" "--i32 -5 4" "--f64 3.25 8" \
	    "--u16 48879 16" "--f32 -1.5 20" "--u64 81985529216486895 24" \
	    "--u8 0xab 32"; do
	set -- $spec
	"$th32" find "$child" "$1" "$2" --range "$r" >"$tmp/fv" 2>&1
	# (0xbeef is also in 0xdeadbeef, 0xab in the u64: among them)
	found "$tmp/fv" >"$tmp/fv.hex"
	check "find $1 $2: at values+$3" \
		grep -qx "$(hex "$vals + $3")" "$tmp/fv.hex"
done

# ---- read: typed values, K/M/G ------------------------------------------

rv() { "$th32" read "$child" "$@" 2>&1; }
check "read --u32" test "$(rv "$(hex "$vals")" --u32)" = 3735928559
check "read --i32" test "$(rv "$(hex "$vals + 4")" --i32)" = -5
check "read --f64" test "$(rv "$(hex "$vals + 8")" --f64)" = 3.25
check "read --u16" test "$(rv "$(hex "$vals + 16")" --u16)" = 48879
check "read --f32" test "$(rv "$(hex "$vals + 20")" --f32)" = -1.5
check "read --u64" test "$(rv "$(hex "$vals + 24")" --u64)" = 81985529216486895
check "read --u8" test "$(rv "$(hex "$vals + 32")" --u8)" = 171
check "read LENGTH --u16: one value per line" \
	test "$(rv "$(hex "$vals")" 4 --u16 | tr '\n' ' ')" = "48879 57005 "
check "read --json --i32" test "$("$th32" --json read "$child" \
	"$(hex "$vals + 4")" --i32)" = \
	"{\"pid\":$child,\"address\":\"$(hex "$vals + 4")\",\"type\":\"i32\",\"values\":[-5]}"
check "read 1K: 64 dump lines" \
	test "$(rv "$(hex "$vals")" 1K | wc -l)" -eq 64
check "read 1k: the suffix in either case" \
	test "$(rv "$(hex "$vals")" 1k | wc -l)" -eq 64
"$th32" read "$child" "$(hex "$vals")" 3 --u32 >/dev/null 2>&1
check "read: a LENGTH not a multiple of the type's size is usage" \
	test $? -eq 2
"$th32" read "$child" "$(hex "$vals")" 2G >/dev/null 2>&1
check "read: 2G is more than 1G: usage" test $? -eq 2
# 2^35 G is 2^65 bytes: refused, not wrapped to 0
"$th32" read "$child" "$(hex "$vals")" 34359738368G >/dev/null 2>&1
check "read: 34359738368G is more than 1G: usage" test $? -eq 2

# ---- write ---------------------------------------------------------------

bytes() { "$th32" read "$child" "$1" "$2" -o - | od -An -tx1 | tr -d ' \n'; }
w=$(hex "$vals + 64")
"$th32" write "$child" "$w" --u32 0x12345678 >"$tmp/w1" 2>&1
check "write --u32 exits 0" test $? -eq 0
check "write: exactly the 4 bytes changed" \
	test "$(bytes "$(hex "$vals + 60")" 12)" = 000000007856341200000000
"$th32" write "$child" "$w" --wstring 'hé' >/dev/null
check "write --wstring: UTF-16LE" test "$(bytes "$w" 4)" = 6800e900
"$th32" write "$child" "$w" --hex "01 02 03" >/dev/null
check "write --hex" test "$(bytes "$w" 4)" = 01020300
"$th32" write "$child" "$w" --f32 -1.5 >/dev/null
check "write --f32" test "$(rv "$w" --f32)" = -1.5
"$th32" write "$child" "$w" --string hi >/dev/null
check "write --string" test "$(bytes "$w" 2)" = 6869
ro=$(place ro)
"$th32" write "$child" "$(hex "$ro + $pg - 4")" --hex "aa bb cc dd ee ff 00 11" \
	>/dev/null 2>"$tmp/we"
check "write into a read-only page: exit 1" test $? -eq 1
check "write into a read-only page: ERROR_NOACCESS" \
	grep -q 'ERROR_NOACCESS (998)' "$tmp/we"
check "write into a read-only page: the writable part unchanged" \
	test "$(bytes "$(hex "$ro + $pg - 4")" 8)" = 1111111111111111
un=$(place unmapped)
"$th32" write "$child" "$(hex "$un + $pg - 2")" --u32 0 >/dev/null 2>&1
check "write into unmapped memory: exit 1" test $? -eq 1
check "write into unmapped memory: the mapped part unchanged" \
	test "$(bytes "$(hex "$un + $pg - 2")" 2)" = 2222
"$th32" write "$child" "$w" --hex "01 ?? 03" >/dev/null 2>&1
check "write --hex with ??: usage" test $? -eq 2
"$th32" write "$child" "$w" >/dev/null 2>&1
check "write without a value: usage" test $? -eq 2
"$th32" write "$child" "$w" --u8 256 >/dev/null 2>&1
check "write --u8 256: usage" test $? -eq 2

# ---- regions against /proc/PID/maps ---------------------------------------

if command -v python3 >/dev/null 2>&1; then
	"$th32" --json regions "$child" >"$tmp/rj" || bad "regions --json exits 0"
	"$th32" regions "$child" >"$tmp/rt" || bad "regions exits 0"
	cp "/proc/$child/maps" "$tmp/maps"
	# (a guard page only where the library can see it)
	g=$guard; [ "$gseen" = seen ] || g=-
	python3 - "$tmp/rj" "$tmp/maps" "$tmp/rt" "$g" "$pg" <<'EOF' && ok "regions: contiguous from 0, every mapping covered with its protection, free gaps" || bad "regions against /proc/PID/maps"
import json, sys
regs = json.load(open(sys.argv[1]))
guard = sys.argv[4]
pg = int(sys.argv[5])
text = open(sys.argv[3]).read().splitlines()
assert len(text) == len(regs) + 1, "text and JSON differ in length"
end = 0
for r in regs:
    b = int(r["base"], 16)
    assert b == end, "not contiguous at %x" % b
    assert r["size"] > 0 and b % pg == 0 and r["size"] % pg == 0
    assert r["state"] in ("commit", "reserve", "free")
    if r["state"] == "free":
        assert r["type"] == "-" and r["protect"] == "NOACCESS"
    end = b + r["size"]
top = end
def region_at(a):
    for r in regs:
        b = int(r["base"], 16)
        if b <= a < b + r["size"]:
            return r
    return None
want = {"r--": "READONLY", "rw-": "READWRITE", "r-x": "EXECUTE_READ",
        "rwx": "EXECUTE_READWRITE", "--x": "EXECUTE"}
gaps = 0
prev_hi = None
for line in open(sys.argv[2]):
    f = line.split()
    lo, hi = (int(x, 16) for x in f[0].split("-"))
    perms, path = f[1], (f[5] if len(f) > 5 else "")
    if lo >= top:       # [vsyscall], above user space
        continue
    if prev_hi is not None and lo > prev_hi:
        g = region_at(prev_hi)
        assert g["state"] == "free" and int(g["base"], 16) == prev_hi, \
            "gap at %x not free" % prev_hi
        gaps += 1
    prev_hi = hi
    a = lo
    while a < hi:        # every page of the mapping is in a region
        r = region_at(a)
        assert r and r["state"] != "free", "%x not covered" % a
        p = r["protect"].replace("+GUARD", "")
        if perms[:3] == "---":
            assert r["state"] == "reserve" and p == "-", (line, r)
        elif path.startswith("[vvar"):
            assert p == "NOACCESS"
        else:
            w = want[perms[:3]]
            if perms[3] == "p" and path.startswith("/") and "w" in perms:
                w = w.replace("READWRITE", "WRITECOPY")
            assert p == w, (line, r)
        a = int(r["base"], 16) + r["size"]
assert gaps > 0, "no free gap"
assert regs[0]["state"] == "free" and regs[0]["base"] == "0x0"
if guard != "-":
    r = region_at(int(guard, 16))
    assert r["protect"] == "READWRITE+GUARD", r
EOF
else
	echo "SKIP part: no python3 to compare regions with /proc/PID/maps"
fi
check "regions: the shared file mapping's path" \
	grep -q " mapped  *$tmp/shared\$" "$tmp/rt"

# ---- names ending in .exe or .dll: compared without case ----------------

"$th32" read "$child" MEMTARGET+0 4 >/dev/null 2>"$tmp/ne"
check "a Linux name compares exactly: MEMTARGET is no module" \
	grep -q "no module named 'MEMTARGET'" "$tmp/ne"
sleeper="$top_builddir/tests/sleeper"
if [ -x "$sleeper" ] && cp "$sleeper" "$tmp/Game.exe"; then
	"$tmp/Game.exe" 300 &
	game=$!
	i=0
	while [ "$(readlink "/proc/$game/exe")" != "$tmp/Game.exe" ] &&
	      [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
	check "GAME.EXE+0 names Game.exe: the ELF magic" \
		test "$("$th32" read "$game" GAME.EXE+0 4 -o - | od -An -tx1 |
			tr -d ' \n')" = 7f454c46
	"$th32" find "$game" --hex 7f454c46 --module game.EXE >"$tmp/ge"
	check "find --module game.EXE" grep -q '  Game.exe+0x0$' "$tmp/ge"
	kill "$game" 2>/dev/null
	wait "$game" 2>/dev/null
else
	echo "SKIP part: no tests/sleeper to run as Game.exe"
fi

# ---- ps NAME --------------------------------------------------------------

"$th32" ps memtarget >"$tmp/ps"
check "ps NAME: exit 0 when found" test $? -eq 0
check "ps NAME: the target listed" \
	test "$(awk -v p="$child" '$1 == p { print $5 }' "$tmp/ps")" = memtarget
check "ps NAME: only processes of that name" \
	awk 'NR > 1 && $5 != "memtarget" { exit 1 }' "$tmp/ps"
"$th32" ps no-such-process-name-th32 >"$tmp/ps2"
check "ps NAME: exit 1 and no output when none matched" \
	test $? -eq 1 -a ! -s "$tmp/ps2"
"$th32" --json ps memtarget no-such-process-name-th32 >"$tmp/ps3"
check "ps --json NAMES: exit 0 when one matched" test $? -eq 0
check "ps --json NAME: the target in the usual shape" \
	grep -q "{\"pid\":$child,\"ppid\":$$,\"threads\":[0-9]*,\"pri\":[0-9]*,\"name\":\"memtarget\"}" "$tmp/ps3"

echo "th32 memory commands end to end: $fails failed"
[ "$fails" -eq 0 ]
