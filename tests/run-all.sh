#!/bin/sh
# The whole test suite (README's test command; .ci/run calls it).  Installs
# what the tests need (apt-get, as root), then runs every stage in
# tests/stages/ in name order.  Exits non-zero if any stage failed.
#
# Conventions for a stage (tests/stages/NN-name.sh):
#   - Environment: SRCDIR (the source tree) and WORK (scratch directory,
#     default SRCDIR/build-ci).  A stage builds what it needs under $WORK and
#     is bounded in time.
#   - Exit status: 0 passed, 77 skipped (say why on stdout), anything else
#     failed.
#   - Output goes to the console and to $WORK/logs/NN-name.log.
#   - Test counts: a stage may write "PASS FAIL" (two integers: individual
#     tests passed and failed) to $WORK/results/NN-name.counts.  If it does
#     not, every automake test-suite.log under $WORK written during the
#     stage is read instead ("# PASS:" counts as passed; "# FAIL:",
#     "# XPASS:" and "# ERROR:" as failed).  The last line of this script
#     is "N passed, N failed", the sum over all stages.
#
# Environment knobs: STAGES="10-unit 30-distcheck" runs only those stages;
# SKIP_DEPS=1 skips the apt-get step.
set -u
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$SRCDIR/build-ci}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
export SRCDIR WORK
mkdir -p "$WORK/logs" "$WORK/results"

if [ "${SKIP_DEPS:-0}" != 1 ]; then
	sh "$SRCDIR/tools/install-deps.sh" test || { echo "install-deps failed"; exit 1; }
fi

# Sum the automake summaries of the test-suite.log files newer than $1.
suite_counts() {
	find "$WORK" -name test-suite.log -newer "$1" 2>/dev/null | while read -r f; do
		awk '/^# PASS:/ { p += $3 }
		     /^# (FAIL|XPASS|ERROR):/ { f += $3 }
		     END { print p + 0, f + 0 }' "$f"
	done | awk '{ p += $1; f += $2 } END { print p + 0, f + 0 }'
}

pass=0 fail=0 skip=0 failed="" tpass=0 tfail=0
for stage in "$SRCDIR"/tests/stages/[0-9]*.sh; do
	[ -f "$stage" ] || continue
	name=$(basename "$stage" .sh)
	if [ -n "${STAGES:-}" ] && ! echo " $STAGES " | grep -q " $name "; then
		continue
	fi
	echo "=== stage $name ==="
	stamp="$WORK/results/$name.start"
	rm -f "$WORK/results/$name.counts" "$WORK/results/$name.rc"
	touch "$stamp"
	start=$(date +%s)
	# The exit status crosses the pipe to tee through a file.
	{ sh "$stage"; echo $? >"$WORK/results/$name.rc"; } 2>&1 | tee "$WORK/logs/$name.log"
	rc=$(cat "$WORK/results/$name.rc" 2>/dev/null || echo 1)
	secs=$(( $(date +%s) - start ))
	if [ -f "$WORK/results/$name.counts" ]; then
		counts=$(cat "$WORK/results/$name.counts")
	else
		counts=$(suite_counts "$stamp")
	fi
	set -- $counts
	tpass=$((tpass + ${1:-0}))
	tfail=$((tfail + ${2:-0}))
	case $rc in
	0) pass=$((pass + 1)); echo "=== stage $name: passed (${secs}s) ===" ;;
	77) skip=$((skip + 1)); echo "=== stage $name: skipped (${secs}s) ===" ;;
	*) fail=$((fail + 1)); failed="$failed $name"; echo "=== stage $name: FAILED rc=$rc (${secs}s) ===" ;;
	esac
done
echo
echo "logs: $WORK/logs/"
[ -n "$failed" ] && echo "failed stages:$failed"
echo "stages: $pass passed, $fail failed, $skip skipped"
echo "$tpass passed, $tfail failed"
if [ $((pass + fail + skip)) -eq 0 ]; then
	echo "no stage ran: STAGES='${STAGES:-}' names none of tests/stages/*.sh"
	exit 1
fi
[ "$fail" -eq 0 ]
