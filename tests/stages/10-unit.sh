#!/bin/sh
# Plain build with -Werror, then the Check suite.
set -eu
. "$SRCDIR/tests/stages/lib.sh"
b="$WORK/plain"
(cd "$SRCDIR" && autoreconf -fi >/dev/null)
rm -rf "$b" && mkdir -p "$b" && cd "$b"
"$SRCDIR/configure" -q
make -j2 -s
run_check "$b"
