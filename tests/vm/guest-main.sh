#!/bin/sh
# Runs the VM scenarios (tests/vm/scenarios/*.sh) in one boot, each in its
# own shell with lib.sh loaded and a time limit, and prints one PASS/FAIL
# line per scenario and a summary "N passed, N failed".
#
#   run-vm.sh tests/vm/guest-main.sh [NAME-PATTERN...]
#
# With patterns (shell globs on the scenario name), only matching
# scenarios run.  Exit 0 only if every scenario that ran passed.
#
# Scenarios run IKE_VM_JOBS at a time (default 1 until a quiet CI run
# has shown 2-3 side by side stable; with more, most of a scenario's
# time is waiting (lifetimes, DPD, retransmissions), and each one lives in
# namespaces and a scratch directory of its own.  A scenario whose file has
# a line "# vm: serial" (it changes state of the whole guest: module
# loading, fixed paths outside its scratch directory) runs alone, after
# the ones started before it have finished.  A scenario's output is kept
# and printed in one block when it ends.
VM_DIR=$(cd "$(dirname "$0")" && pwd)
export VM_DIR
limit=${IKE_VM_SCENARIO_TIMEOUT:-600}
jobs=${IKE_VM_JOBS:-1}
res=/tmp/guest-main.$$
rm -rf "$res" && mkdir -p "$res" || exit 1
pass=0
failn=0
failed=""
running=0

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

# run_one NAME FILE: the scenario with its time limit; output and
# "RC SECONDS" under $res.
run_one() {
	o_start=$(date +%s)
	SCENARIO=$1 timeout "$limit" sh -c '. "$1/lib.sh"; . "$2"' sh "$VM_DIR" "$2" \
		>"$res/$1.log" 2>&1 </dev/null
	echo "$? $(( $(date +%s) - o_start ))" >"$res/$1.tmp"
	mv "$res/$1.tmp" "$res/$1.rc"
}

# Prints and counts every scenario that has ended; sets running.  (Its
# variables are its own: sh has one namespace, the main loop uses name.)
reap() {
	for r_f in "$res"/*.rc; do
		[ -f "$r_f" ] || continue
		r_name=$(basename "$r_f" .rc)
		read -r r_rc r_secs <"$r_f"
		rm -f "$r_f"
		running=$((running - 1))
		echo "=== scenario $r_name"
		cat "$res/$r_name.log"
		if [ "$r_rc" -eq 0 ]; then
			pass=$((pass + 1))
			echo "PASS: $r_name (${r_secs}s)"
		else
			failn=$((failn + 1))
			failed="$failed $r_name"
			[ "$r_rc" -eq 124 ] && echo "  [$r_name] timed out after ${limit}s"
			echo "FAIL: $r_name (${r_secs}s, rc=$r_rc)"
		fi
	done
}

# wait_below N: until fewer than N scenarios run.
wait_below() {
	reap
	while [ "$running" -ge "$1" ]; do
		sleep 0.5
		reap
	done
}

echo "guest: kernel $(uname -r), build ${IKE_BUILD:-none}, $jobs scenarios at a time"
for s in "$VM_DIR"/scenarios/*.sh; do
	[ -f "$s" ] || continue
	name=$(basename "$s" .sh)
	wanted "$name" "$@" || continue
	if grep -q '^# vm: serial' "$s"; then
		wait_below 1
		echo "=== $name runs alone"
		running=$((running + 1))
		run_one "$name" "$s"
		wait_below 1
		continue
	fi
	wait_below "$jobs"
	echo "=== $name started"
	running=$((running + 1))
	run_one "$name" "$s" &
done
wait_below 1
wait
rm -rf "$res"
[ -n "$failed" ] && echo "failed scenarios:$failed"
echo "vm scenarios: $pass passed, $failn failed"
[ "$failn" -eq 0 ] && [ "$pass" -gt 0 ]
