#!/bin/sh
# The whole test suite (README's test command).  Installs what the tests
# need (apt-get, as root), builds from scratch, and runs every stage in
# tests/stages/ in name order.  Exits non-zero if any stage failed.
#
# Stage scripts get: SRCDIR (the source tree), and write their build trees
# under $WORK (default: SRCDIR/build-ci).  A stage exits 0 (passed),
# 77 (skipped, with a reason on stdout) or anything else (failed).
set -u
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$SRCDIR/build-ci}
export SRCDIR WORK
mkdir -p "$WORK"

if [ "${SKIP_DEPS:-0}" != 1 ]; then
	"$SRCDIR/tools/install-deps.sh" test || { echo "install-deps failed"; exit 1; }
fi

pass=0 fail=0 skip=0 failed=""
for stage in "$SRCDIR"/tests/stages/[0-9]*.sh; do
	[ -f "$stage" ] || continue
	name=$(basename "$stage" .sh)
	if [ -n "${STAGES:-}" ] && ! echo " $STAGES " | grep -q " $name "; then
		continue
	fi
	echo "=== stage $name ==="
	start=$(date +%s)
	sh "$stage"
	rc=$?
	secs=$(( $(date +%s) - start ))
	case $rc in
	0) pass=$((pass + 1)); echo "=== stage $name: passed (${secs}s) ===" ;;
	77) skip=$((skip + 1)); echo "=== stage $name: skipped (${secs}s) ===" ;;
	*) fail=$((fail + 1)); failed="$failed $name"; echo "=== stage $name: FAILED rc=$rc (${secs}s) ===" ;;
	esac
done
echo
[ -n "$failed" ] && echo "failed stages:$failed"
echo "stages: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
