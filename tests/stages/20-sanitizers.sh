#!/bin/sh
# The same Check suite built with ASan+UBSan.
set -eu
. "$SRCDIR/tests/stages/lib.sh"
b="$WORK/asan"
ensure_configure
rm -rf "$b" && mkdir -p "$b" && cd "$b"
"$SRCDIR/configure" -q --enable-sanitizers
make -j2 -s
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run_check "$b"
