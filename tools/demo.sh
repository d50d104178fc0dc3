#!/bin/sh
# The demo (README's first command), for a Debian 12 machine, as root:
# installs the dependencies, builds the tree in build-demo/, then brings up
# an IKEv2 tunnel between ikedaemon and strongSwan in two network
# namespaces, pings through it, prints "ikectl show sa" and "ikectl show
# child", and tears everything down (tests/vm/ike/demo.sh).
#
# The kernel must have ESP (esp4).  When this one has not (probed with a
# test SA in a scratch namespace), the same demo runs inside a qemu VM
# booting the Debian kernel (tests/vm/run-vm.sh), with the same output; a
# tree the VM cannot see (a clone under /tmp) is copied to
# /var/cache/ikedaemon-demo/src (IKE_DEMO_DIR) and the demo runs from there.
set -eu
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
b="$SRCDIR/build-demo"

[ "$(id -u)" = 0 ] || { echo "demo: run as root (namespaces, kernel SAs)" >&2; exit 1; }
sh "$SRCDIR/tools/install-deps.sh" demo

# 0 when this kernel accepts an ESP SA.
has_esp() {
	ns=ikedemo-probe.$$
	ip netns add "$ns" || return 1
	modprobe -q esp4 2>/dev/null || true
	ip -n "$ns" xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x100 \
		mode tunnel aead 'rfc4106(gcm(aes))' 0x000102030405060708090a0b0c0d0e0f10111213 128 \
		>/dev/null 2>&1
	rc=$?
	ip netns del "$ns"
	return $rc
}

# The guest mounts fresh tmpfs over these (tests/vm/run-vm.sh): a tree
# under them is invisible there, so a clone in /tmp is copied to a visible
# place first (as tests/stages/60-vm.sh does) and the demo runs from there.
guest_hidden() {
	case $1 in
	/tmp/* | /run/* | /var/tmp/* | /var/lib/* | /var/log/*) return 0 ;;
	esac
	return 1
}
esp=0
has_esp && esp=1
if [ $esp = 0 ] && guest_hidden "$SRCDIR/"; then
	vis=${IKE_DEMO_DIR:-/var/cache/ikedaemon-demo}
	guest_hidden "$vis/" && { echo "demo: IKE_DEMO_DIR=$vis is hidden in the VM too" >&2; exit 1; }
	echo "demo: the VM cannot see $SRCDIR (the guest mounts tmpfs over /tmp, /run,"
	echo "demo: /var/tmp, /var/lib, /var/log): copying the tree to $vis/src"
	rm -rf "$vis/src" && mkdir -p "$vis/src"
	(cd "$SRCDIR" && tar --exclude='./build*' -cf - .) | (cd "$vis/src" && tar -xf -)
	exec sh "$vis/src/tools/demo.sh"
fi
cd "$SRCDIR"
autoreconf -fi >/dev/null 2>&1
mkdir -p "$b"
cd "$b"
"$SRCDIR/configure" -q
make -j2 -s >/dev/null
echo "demo: built $("$b/src/ike/ikedaemon" -V) in $b"

export IKE_BUILD="$b"
if [ $esp = 1 ]; then
	echo "demo: this kernel has ESP: running the demo here"
	exec sh "$SRCDIR/tests/vm/ike/demo.sh"
fi
echo "demo: this kernel ($(uname -r)) has no ESP (esp4: no such module, or a test SA"
echo "demo: was refused): running the same demo in a qemu VM with the Debian kernel;"
echo "demo: without KVM that takes a few minutes"
export IKE_DEMO_WARMUP=1
work=$(mktemp -d /tmp/ikedaemon-demo.XXXXXX)
set +e
WORK=$work VM_TIMEOUT=${VM_TIMEOUT:-900} sh "$SRCDIR/tests/vm/run-vm.sh" \
	"$SRCDIR/tests/vm/ike/demo.sh" >"$work/run.log" 2>&1
rc=$?
set -e
# The guest's own output, without the firmware's and kernel's console noise.
if [ -s "$work/vm/out/log" ]; then
	cat "$work/vm/out/log"
else
	tr -d '\r' <"$work/run.log"
fi
tail -n 1 "$work/run.log"
rm -rf "$work"
exit "$rc"
