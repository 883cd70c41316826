#!/bin/sh
# run-fuzz.sh - make fuzz: build each fuzz target with libFuzzer and run it
# for a bounded time, then print what it did and what it found.
#
#	run-fuzz.sh 'NAME|LIBFUZZER OPTIONS|LIBRARY SOURCES' ...
#
# From the environment (make fuzz sets them): FUZZ_CC (empty: skip),
# FUZZ_CFLAGS, FUZZ_CPPFLAGS, FUZZ_SECONDS (per target, default 60),
# FUZZ_OPTIONS (more libFuzzer options for every target, e.g.
# '-fork=2 -ignore_crashes=1' to go on after a crash), srcdir.
#
# Each target runs over a working corpus in fuzz/out/corpus-NAME (kept
# between runs, so the fuzzing accumulates) seeded from
# $srcdir/fuzz/corpus/NAME, with $srcdir/fuzz/NAME.dict or the dictionary
# of its family (maps.dict for maps_line).  A crash leaves its input in
# fuzz/out/artifacts-NAME/; replay it with fuzz/replay_NAME FILE (gcc, no
# libFuzzer) or fuzz/out/fuzz_NAME FILE.  Exit status 1 if a target failed
# to build or crashed.
set -u

srcdir=${srcdir:-.}
seconds=${FUZZ_SECONDS:-60}
out=fuzz/out

if [ -z "${FUZZ_CC:-}" ]; then
	echo "SKIP: make fuzz needs clang with libFuzzer (-fsanitize=fuzzer);"
	echo "      configure found none.  Install clang (Debian: clang and"
	echo "      libclang-rt-dev) and configure again, or set FUZZ_CC."
	exit 0
fi
mkdir -p "$out" || exit 1

failed=0
summary=
for spec in "$@"; do
	name=${spec%%|*}
	rest=${spec#*|}
	opts=${rest%%|*}
	libsrc=${rest#*|}
	bin=$out/fuzz_$name
	log=$out/$name.log
	work=$out/corpus-$name
	seeds=$srcdir/fuzz/corpus/$name

	srcs=$srcdir/fuzz/fuzz_$name.c
	for s in $libsrc; do
		srcs="$srcs $srcdir/$s"
	done
	echo "fuzz $name: building with $FUZZ_CC"
	# shellcheck disable=SC2086
	if ! $FUZZ_CC ${FUZZ_CPPFLAGS:-} ${FUZZ_CFLAGS:-} $srcs -o "$bin"; then
		summary="$summary
fuzz $name: BUILD FAILED"
		failed=1
		continue
	fi

	dict=$srcdir/fuzz/$name.dict
	[ -f "$dict" ] || dict=$srcdir/fuzz/${name%%_*}.dict
	[ -f "$dict" ] && opts="$opts -dict=$dict"
	mkdir -p "$work"
	before=$(find "$work" -type f | wc -l)
	arts=$out/artifacts-$name
	mkdir -p "$arts"
	: >"$out/stamp-$name"
	echo "fuzz $name: running for $seconds s (log: $log)"
	start=$(date +%s)
	# shellcheck disable=SC2086
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$arts/" \
		$opts ${FUZZ_OPTIONS:-} "$work" "$seeds" >"$log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
		tail -n 1)
	after=$(find "$work" -type f | wc -l)
	crashes=$(find "$arts" -type f -newer "$out/stamp-$name" | wc -l)
	line="fuzz $name: ${execs:-?} executions in $took s,"
	line="$line corpus $before -> $after, crashes $crashes"
	if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
		failed=1
		line="$line: FAIL (exit $rc)"
		echo "$line"
		grep -m 3 -E 'ERROR:|runtime error|invariant broken' "$log"
		grep -m 8 -E '^ +#[0-9]+ ' "$log"
		find "$arts" -type f -newer "$out/stamp-$name"
	else
		line="$line: PASS"
		echo "$line"
	fi
	summary="$summary
$line"
done
echo
echo "make fuzz summary:$summary"
exit "$failed"
