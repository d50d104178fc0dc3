#!/bin/sh
# Build every libFuzzer target (clang, ASan+UBSan) and run each one for
# FUZZ_SECONDS (default 30: 15 targets and more; longer runs by hand) with its seed corpus from tests/fuzz/corpus/<name>/
# if there is one, as many at once as there are cores.  Targets are found by name (fuzz_*), so every area's
# targets run without this script knowing them.  Any crash fails the stage.
set -eu
command -v clang >/dev/null 2>&1 || { echo "clang not installed"; exit 77; }
b="$WORK/fuzz"
secs=${FUZZ_SECONDS:-30}
cd "$SRCDIR" && [ -x configure ] || autoreconf -fi >/dev/null
rm -rf "$b" && mkdir -p "$b" && cd "$b"
CC=clang "$SRCDIR/configure" -q --enable-fuzzing
make -j"$(nproc)" -s

targets=$(find . -type f -name 'fuzz_*' -perm -u+x ! -name '*.*' | sort)
[ -n "$targets" ] || { echo "no fuzz targets built"; exit 1; }
# Targets run side by side, one per core, so the stage's time grows with
# (targets / cores) x FUZZ_SECONDS rather than targets x FUZZ_SECONDS.
run_one() {
	t=$1 name=$(basename "$1")
	out="$b/out-$name"	# new inputs go here, never into the source tree
	mkdir -p "$out"
	set -- "$out"
	[ -d "$SRCDIR/tests/fuzz/corpus/$name" ] && set -- "$@" "$SRCDIR/tests/fuzz/corpus/$name"
	log="$b/$name.log"
	if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	   "$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$b/crash-$name-" "$@" >"$log" 2>&1; then
		echo "$name: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') runs," \
		     "$(grep -o 'cov: [0-9]*' "$log" | tail -1)" >"$b/$name.result"
	else
		{ echo "$name: FAILED (log $log)"; tail -60 "$log"; } >"$b/$name.result"
		touch "$b/failed"
	fi
}
rm -f "$b/failed"
jobs=$(nproc)
n=0
for t in $targets; do
	run_one "$t" &
	n=$((n + 1))
	[ $((n % jobs)) -eq 0 ] && wait
done
wait
for t in $targets; do
	cat "$b/$(basename "$t").result"
done
[ -f "$b/failed" ] && exit 1
exit 0
