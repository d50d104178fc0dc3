#!/bin/sh
# Real-kernel tests: the VM scenarios (tests/vm/scenarios/*.sh) in one boot
# of the Debian kernel under qemu (tests/vm/run-vm.sh).  Needs qemu,
# busybox-static and linux-image-amd64, else skipped (77).  The build it
# tests lives under $WORK/vm-build (plain configure), which must be visible
# in the guest: not under /tmp.
set -u
# One boot per stage: this one runs the kernel and IKE scenarios; 65-vm-rekey
# runs the rekeying ones (each boot has its own time limit).  A stage that
# sources this file sets VM_STAGE and VM_SCENARIOS (scenario name globs).
VM_STAGE=${VM_STAGE:-60-vm}
# Every ike-* scenario, the fail-safe ones (ike-12/13) included.
VM_SCENARIOS=${VM_SCENARIOS:-"harness-* kernel-* ike-*"}
results=$WORK/results
# The guest sees the host's root read-only, with fresh tmpfs over these
# paths: a source tree or build under them would be invisible there.  A
# clone in such a place (CI may clone under /tmp) is copied to a visible one.
guest_hidden() {
	case $1 in
	/tmp/* | /run/* | /var/tmp/* | /var/lib/* | /var/log/*) return 0 ;;
	esac
	return 1
}
if guest_hidden "$SRCDIR/" || guest_hidden "$WORK/"; then
	vis=${VM_VISIBLE_DIR:-/var/cache/ikedaemon-vm}
	echo "60-vm: $SRCDIR or $WORK is hidden in the guest; working in $vis"
	rm -rf "$vis" && mkdir -p "$vis/src" "$vis/work" || exit 1
	(cd "$SRCDIR" && tar --exclude=./build-ci -cf - .) |
		(cd "$vis/src" && tar -xf -) || exit 1
	SRCDIR=$vis/src WORK=$vis/work
	export SRCDIR WORK
fi
b="$WORK/vm-build"
cd "$SRCDIR" && { [ -x configure ] || autoreconf -fi >/dev/null; } || exit 1
rm -rf "$b" && mkdir -p "$b" && cd "$b" || exit 1
"$SRCDIR/configure" -q >/dev/null || exit 1
make -j2 -s >/dev/null || { echo "60-vm: build failed"; exit 1; }
rm -f "$WORK/vm-rc" "$WORK/vm-console.log"
set -f	# VM_SCENARIOS holds globs for the guest, not for this shell
{
	IKE_BUILD=$b WORK="$WORK" VM_TIMEOUT=${VM_TIMEOUT:-${VM_STAGE_TIMEOUT:-1800}} \
		sh "$SRCDIR/tests/vm/run-vm.sh" "$SRCDIR/tests/vm/guest-main.sh" $VM_SCENARIOS
	echo $? >"$WORK/vm-rc"
} 2>&1 | tee "$WORK/vm-console.log"
set +f
rc=$(cat "$WORK/vm-rc" 2>/dev/null || echo 1)
# Scenario totals for run-all.sh's closing line.
counts=$(sed -n 's/^vm scenarios: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$WORK/vm-console.log" | tail -1)
[ -n "$counts" ] && mkdir -p "$results" && echo "$counts" >"$results/$VM_STAGE.counts"
[ "$rc" -eq 77 ] && exit 77
[ "$rc" -eq 0 ] || { echo "$VM_STAGE: scenarios failed (rc=$rc)"; exit 1; }
exit 0
