#!/bin/sh
# Real-kernel interop with other IKE daemons: Libreswan (lsw-*, unpacked by
# tools/install-deps.sh test) and OpenIKED (iked-*) in their own boot of the
# Debian kernel (same machinery as 60-vm), after the crypto warm-up.  The
# interop table (tools/interop-table.sh) is printed at the end and kept in
# $WORK/results/interop.md.
VM_STAGE=70-vm-interop
VM_SCENARIOS=${VM_SCENARIOS:-"ike-00* lsw-* iked-*"}
# 15 scenarios of 30-200 s each under TCG, one at a time (guest-main.sh
# IKE_VM_JOBS); CI has 90 minutes for all stages
VM_STAGE_TIMEOUT=1800

export VM_STAGE VM_SCENARIOS VM_STAGE_TIMEOUT
sh "$(dirname "$0")/60-vm.sh"
rc=$?
# 60-vm.sh works elsewhere when WORK is hidden from the guest
w=$WORK
[ -f "$w/vm/out/interop.txt" ] || w=${VM_VISIBLE_DIR:-/var/cache/ikedaemon-vm}/work
if [ -f "$w/vm/out/interop.txt" ]; then
	mkdir -p "$WORK/results"
	sh "$SRCDIR/tools/interop-table.sh" "$w/vm/out/interop.txt" "$w/vm/out/log" |
		tee "$WORK/results/interop.md"
fi
exit $rc
