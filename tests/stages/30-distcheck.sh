#!/bin/sh
# The release tarball: "make distcheck" builds it, unpacks it read-only,
# builds out of tree, runs the test suite, installs and uninstalls (under
# a prefix), and checks the tarball can rebuild itself.  Then the packager's
# build: --disable-werror must drop -Werror and still build.
set -eu
. "$SRCDIR/tests/stages/lib.sh"
b="$WORK/distcheck"
ensure_configure
rm -rf "$b" && mkdir -p "$b" && cd "$b"
"$SRCDIR/configure" -q
out="$b/distcheck.out"
mkdir -p "$WORK/results"
if ! make -j2 -s distcheck >"$out" 2>&1; then
	tail -n 150 "$out"
	echo "30-distcheck: FAIL: make distcheck (full output: $out)"
	exit 1
fi
# distcheck removes its build tree on success: the counts come from its output.
grep -h '^# \(TOTAL\|PASS\|FAIL\|XPASS\|ERROR\):' "$out"
awk '/^# PASS:/ { p += $3 } /^# (FAIL|XPASS|ERROR):/ { f += $3 }
     END { print p + 0, f + 0 }' "$out" >"$WORK/results/30-distcheck.counts"
grep -h 'archives ready for distribution' -A 1 "$out"
ls -l "$b"/ikedaemon-*.tar.gz

nw="$WORK/nowerror"
rm -rf "$nw" && mkdir -p "$nw" && cd "$nw"
"$SRCDIR/configure" -q --disable-werror
if grep '^WARN_CFLAGS' Makefile | grep -q -- '-Werror'; then
	echo "30-distcheck: FAIL: --disable-werror left -Werror in the Makefile"
	exit 1
fi
make -j2 -s
echo "30-distcheck: --disable-werror builds without -Werror"
