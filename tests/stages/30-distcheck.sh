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

# For the record: files git tracks that the tarball leaves out (a missing
# test fixture shows up here before it breaks distcheck's "make check").
if git -C "$SRCDIR" rev-parse --git-dir >/dev/null 2>&1; then
	tar tzf "$b"/ikedaemon-*.tar.gz | sed 's|^[^/]*/||' | sort >"$b/in-tarball"
	git -C "$SRCDIR" ls-files | sort | comm -23 - "$b/in-tarball" >"$b/not-in-tarball"
	if [ -s "$b/not-in-tarball" ]; then
		echo "30-distcheck: tracked but not in the tarball:"
		sed 's/^/  /' "$b/not-in-tarball"
	fi
fi

nw="$WORK/nowerror"
rm -rf "$nw" && mkdir -p "$nw" && cd "$nw"
"$SRCDIR/configure" -q --disable-werror
if grep '^WARN_CFLAGS' Makefile | grep -q -- '-Werror'; then
	echo "30-distcheck: FAIL: --disable-werror left -Werror in the Makefile"
	exit 1
fi
make -j2 -s
echo "30-distcheck: --disable-werror builds without -Werror"
