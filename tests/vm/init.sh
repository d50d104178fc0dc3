#!/bin/sh
# Stage 2 of the VM (PID 1 after switch_root into the host's root, read-only):
# runs the guest script named on the kernel command line with the arguments
# and IKE_* environment run-vm.sh left in the results share, records its
# exit status there, and powers the VM off.  Never exits (PID 1).
script=$1
out=/tmp/out
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp
mkdir -p /dev/pts /dev/shm 2>/dev/null
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /dev/shm 2>/dev/null
mount -t tmpfs tmpfs /mnt 2>/dev/null
# iproute2 keeps named network namespaces here
mkdir -p /run/netns
ip link set lo up
echo 1 >/proc/sys/kernel/sysrq

status=1
if [ -f "$out/env" ]; then
	. "$out/env"
fi
if [ -f "$script" ]; then
	eval "set -- $(tr '\n' ' ' <"$out/args" 2>/dev/null)"
	cd /tmp
	{ sh "$script" "$@"; echo $? >/tmp/.vm-status; } 2>&1 | tee "$out/log"
	status=$(cat /tmp/.vm-status 2>/dev/null || echo 1)
else
	echo "init: no guest script '$script'" | tee "$out/log"
fi
echo "$status" >"$out/status"
echo "init: guest script exited $status"
sync
echo o >/proc/sysrq-trigger
# PID 1 must outlive the power-off (its exit panics the kernel), even when
# sleep cannot be run any more while the machine goes down
while :; do
	sleep 30 || :
done
