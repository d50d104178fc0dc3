#!/bin/sh
# Runs every VM scenario (tests/vm/scenarios/*.sh) in one boot, each in
# its own shell with lib.sh loaded and a time limit, and prints one
# PASS/FAIL line per scenario and a summary "N passed, N failed".
#
#   run-vm.sh tests/vm/guest-main.sh [NAME-PATTERN...]
#
# With patterns (shell globs on the scenario name), only matching
# scenarios run.  Exit 0 only if every scenario that ran passed.
VM_DIR=$(cd "$(dirname "$0")" && pwd)
export VM_DIR
limit=${IKE_VM_SCENARIO_TIMEOUT:-600}
pass=0
failn=0
failed=""

wanted() {
	[ $# -gt 1 ] || return 0
	name=$1
	shift
	for pat in "$@"; do
		case $name in
		$pat) return 0 ;;
		esac
	done
	return 1
}

echo "guest: kernel $(uname -r), build ${IKE_BUILD:-none}"
for s in "$VM_DIR"/scenarios/*.sh; do
	[ -f "$s" ] || continue
	name=$(basename "$s" .sh)
	wanted "$name" "$@" || continue
	echo "=== scenario $name"
	start=$(date +%s)
	SCENARIO=$name timeout "$limit" sh -c '. "$1/lib.sh"; . "$2"' sh "$VM_DIR" "$s"
	rc=$?
	secs=$(( $(date +%s) - start ))
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
		echo "PASS: $name (${secs}s)"
	else
		failn=$((failn + 1))
		failed="$failed $name"
		[ "$rc" -eq 124 ] && echo "  [$name] timed out after ${limit}s"
		echo "FAIL: $name (${secs}s, rc=$rc)"
	fi
done
[ -n "$failed" ] && echo "failed scenarios:$failed"
echo "vm scenarios: $pass passed, $failn failed"
[ "$failn" -eq 0 ] && [ "$pass" -gt 0 ]
