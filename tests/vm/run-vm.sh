#!/bin/sh
# Boots the Debian distribution kernel in qemu (TCG) and runs one guest
# script inside it, with the host's root file system visible read-only at
# the same paths (virtio-9p) and a writable results share at /tmp/out.
#
#   tests/vm/run-vm.sh <guest-script> [args...]
#
# The guest script runs as root in the guest's real root (after
# switch_root), with the arguments given here.  Environment variables named
# IKE_* are passed to it.  Its exit status becomes ours; its output goes to
# the console (our stdout) and $VM_OUT/log.
#
# Environment: WORK (scratch dir, default /tmp/ikedaemon-vm), VM_TIMEOUT
# (seconds, default 900), VM_KERNEL (a /boot/vmlinuz-*-amd64 to use),
# VM_MEM (MiB, default 2048).
# Exit: guest status; 77 if qemu, busybox-static or a Debian kernel with
# 9p modules is missing; 124 on timeout.  See /work/shared/VM-HARNESS.md.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 <guest-script> [args...]" >&2; exit 2; }
script=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
[ -f "$script" ] || { echo "run-vm: no guest script $script" >&2; exit 2; }

# These are fresh tmpfs mounts in the guest: nothing under them is visible.
guest_hidden() {
	case $1 in
	/tmp/* | /run/* | /var/tmp/* | /var/lib/* | /var/log/*) return 0 ;;
	esac
	return 1
}
for p in "$script" "${IKE_BUILD:-/}"; do
	if guest_hidden "$p"; then
		echo "run-vm: $p is under a path the guest mounts over (tmp, run, var/tmp, var/lib, var/log)" >&2
		exit 2
	fi
done

WORK=${WORK:-/tmp/ikedaemon-vm}
timeout_s=${VM_TIMEOUT:-900}
vm_dir=$WORK/vm
VM_OUT=$vm_dir/out

skip() { echo "run-vm: skipped: $*"; exit 77; }

command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed (qemu-system-x86)"
command -v cpio >/dev/null || skip "cpio not installed"
busybox=$(command -v busybox || true)
# The initramfs has no libraries: busybox must be the static one.
[ -n "$busybox" ] && ldd "$busybox" 2>&1 | grep -q 'not a dynamic executable' ||
	skip "no static busybox (busybox-static)"

# The Debian kernel, not the host's running one: the host kernel has no ESP.
kernel=${VM_KERNEL:-$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)}
[ -n "$kernel" ] && [ -f "$kernel" ] || skip "no /boot/vmlinuz-*-amd64 (linux-image-amd64)"
kver=${kernel#/boot/vmlinuz-}
moddir=/lib/modules/$kver
[ -d "$moddir" ] || skip "no $moddir for $kernel"

# Dependencies first: this is the order insmod needs.
mods="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p"

build_initramfs() {
	root=$vm_dir/initramfs
	rm -rf "$root"
	mkdir -p "$root/bin" "$root/mod" "$root/proc" "$root/sys" "$root/dev" "$root/newroot"
	cp "$busybox" "$root/bin/busybox"
	for m in $mods; do
		f=$(find "$moddir/kernel" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" | head -n 1)
		[ -n "$f" ] || skip "module $m not found under $moddir"
		case $f in
		*.xz) xz -dc "$f" >"$root/mod/$m.ko" ;;
		*.zst) zstd -qdc "$f" >"$root/mod/$m.ko" ;;
		*) cp "$f" "$root/mod/$m.ko" ;;
		esac
	done
	# Stage 1: mount the host root and results share, then hand over to
	# stage 2 (tests/vm/init.sh) in the real root.
	cat >"$root/init" <<EOF
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev
for m in $mods; do /bin/busybox insmod /mod/\$m.ko || echo "init: insmod \$m failed"; done
o=trans=virtio,version=9p2000.L,msize=262144
/bin/busybox mount -t 9p -o ro,\$o hostroot /newroot || { echo "init: cannot mount host root"; /bin/busybox poweroff -f; }
for d in tmp run var/tmp var/lib var/log; do /bin/busybox mount -t tmpfs tmpfs /newroot/\$d; done
/bin/busybox mkdir -p /newroot/tmp/out
/bin/busybox mount -t 9p -o \$o results /newroot/tmp/out || echo "init: cannot mount results share"
/bin/busybox mount --move /proc /newroot/proc
/bin/busybox mount --move /sys /newroot/sys
/bin/busybox mount --move /dev /newroot/dev
exec /bin/busybox switch_root /newroot /bin/sh $here/init.sh "\$1"
EOF
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$vm_dir/initramfs.cpio.gz"
}

mkdir -p "$vm_dir"
rm -rf "$VM_OUT"
mkdir -p "$VM_OUT"
build_initramfs

# What the guest's stage 2 reads: arguments (one per line, shell-quoted)
# and the IKE_* environment.
for a in "$@"; do
	printf "'%s'\n" "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"
done >"$VM_OUT/args"
env | grep '^IKE_[A-Za-z0-9_]*=' | while IFS='=' read -r k v; do
	printf "export %s='%s'\n" "$k" "$(printf '%s' "$v" | sed "s/'/'\\\\''/g")"
done >"$VM_OUT/env"

echo "run-vm: $kernel, guest script $script $*"
start=$(date +%s)
set +e
timeout "$timeout_s" qemu-system-x86_64 \
	-accel tcg -cpu max -m "${VM_MEM:-2048}" -smp 2 \
	-nographic -no-reboot -nic none \
	-kernel "$kernel" -initrd "$vm_dir/initramfs.cpio.gz" \
	-append "console=ttyS0 quiet panic=-1 -- $script" \
	-fsdev local,id=r,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=r,mount_tag=hostroot \
	-fsdev local,id=o,path="$VM_OUT",security_model=none \
	-device virtio-9p-pci,fsdev=o,mount_tag=results \
	</dev/null >"$vm_dir/console.log" 2>&1
qrc=$?
set -e
secs=$(( $(date +%s) - start ))
tr -d '\r' <"$vm_dir/console.log"
if [ "$qrc" -eq 124 ]; then
	echo "run-vm: timed out after ${timeout_s}s (console: $vm_dir/console.log)"
	exit 124
fi
if [ ! -s "$VM_OUT/status" ]; then
	echo "run-vm: the guest reported no status (qemu exit $qrc, ${secs}s; console: $vm_dir/console.log)"
	exit 1
fi
status=$(cat "$VM_OUT/status")
echo "run-vm: guest script exited $status after ${secs}s (results in $VM_OUT)"
exit "$status"
