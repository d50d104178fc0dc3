#!/bin/sh
# Real-kernel tests: the VM scenarios (tests/vm/scenarios/*.sh) in one boot
# of the Debian kernel under qemu (tests/vm/run-vm.sh).  Needs qemu,
# busybox-static and linux-image-amd64, else skipped (77).  The build it
# tests lives under $WORK/vm-build (plain configure), which must be visible
# in the guest: not under /tmp.
set -u
b="$WORK/vm-build"
case $b in
/tmp/* | /run/* | /var/tmp/* | /var/lib/* | /var/log/*)
	echo "60-vm: WORK=$WORK is hidden in the guest (tmpfs there): use a WORK elsewhere"
	exit 1 ;;
esac
cd "$SRCDIR" && { [ -x configure ] || autoreconf -fi >/dev/null; } || exit 1
rm -rf "$b" && mkdir -p "$b" && cd "$b" || exit 1
"$SRCDIR/configure" -q >/dev/null || exit 1
make -j2 -s >/dev/null || { echo "60-vm: build failed"; exit 1; }
IKE_BUILD=$b WORK="$WORK" VM_TIMEOUT=${VM_TIMEOUT:-2400} \
	sh "$SRCDIR/tests/vm/run-vm.sh" "$SRCDIR/tests/vm/guest-main.sh"
rc=$?
[ "$rc" -eq 77 ] && exit 77
[ "$rc" -eq 0 ] || { echo "60-vm: scenarios failed (rc=$rc)"; exit 1; }
exit 0
