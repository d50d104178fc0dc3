#!/bin/sh
# The same Check suite built with ASan+UBSan.
set -eu
b="$WORK/asan"
cd "$SRCDIR" && [ -x configure ] || autoreconf -fi >/dev/null
rm -rf "$b" && mkdir -p "$b" && cd "$b"
"$SRCDIR/configure" -q --enable-sanitizers
make -j"$(nproc)" -s
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	make -j"$(nproc)" -s check || { cat test-suite.log | tail -100; exit 1; }
grep -h '^# \(TOTAL\|PASS\|FAIL\|ERROR\)' test-suite.log
