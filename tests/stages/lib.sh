# Helpers sourced by stage scripts: . "$SRCDIR/tests/stages/lib.sh"
# (not a stage itself: run-all.sh runs only tests/stages/[0-9]*.sh).

# Print, for the automake test suite run in build tree $1, each test's
# Check summary ("100%: Checks: 26, Failures: 0, Errors: 0") and the
# automake totals.  On failure test-suite.log holds the failing tests' logs.
suite_summary() {
	find "$1" -name '*.log' ! -name test-suite.log ! -name config.log | sort |
		while read -r log; do
			line=$(grep -h 'Checks: [0-9]' "$log" | tail -n 1)
			[ -n "$line" ] && echo "  ${log#"$1"/}: $line"
		done
	grep -h '^# \(TOTAL\|PASS\|SKIP\|XFAIL\|FAIL\|XPASS\|ERROR\):' "$1/test-suite.log" 2>/dev/null
	return 0
}

# Run "make check" in build tree $1 with the given extra make arguments;
# show the summary, and the failing tests' logs if any failed.
run_check() {
	dir=$1
	shift
	if make -C "$dir" -j2 -s check "$@"; then
		suite_summary "$dir"
		return 0
	fi
	suite_summary "$dir"
	echo "--- failing tests (from $dir/test-suite.log) ---"
	tail -n 200 "$dir/test-suite.log" 2>/dev/null
	return 1
}

# autoreconf once per source tree (stages may run in any order or alone).
ensure_configure() {
	[ -x "$SRCDIR/configure" ] && [ "$SRCDIR/configure" -nt "$SRCDIR/configure.ac" ] &&
		return 0
	(cd "$SRCDIR" && autoreconf -fi >/dev/null)
}
