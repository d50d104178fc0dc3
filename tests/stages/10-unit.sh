#!/bin/sh
# Plain build with -Werror, then the Check suite.
set -eu
b="$WORK/plain"
cd "$SRCDIR" && autoreconf -fi >/dev/null
rm -rf "$b" && mkdir -p "$b" && cd "$b"
"$SRCDIR/configure" -q
make -j"$(nproc)" -s
make -j"$(nproc)" -s check || { cat tests/*/*.log test-suite.log 2>/dev/null | tail -100; exit 1; }
grep -h '^# \(TOTAL\|PASS\|FAIL\|ERROR\)' test-suite.log
