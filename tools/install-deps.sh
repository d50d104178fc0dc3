#!/bin/sh
# Installs, with apt-get, what ikedaemon needs on Debian 12.
#   tools/install-deps.sh build   - to build the daemon and run the unit tests
#   tools/install-deps.sh test    - everything the whole test suite uses
#   tools/install-deps.sh demo    - what the demo tunnel uses
set -eu
what=${1:-test}

BUILD="build-essential autoconf automake libtool pkg-config libssl-dev libgmp-dev
libnl-3-dev libnl-xfrm-3-dev libnl-route-3-dev libconfig-dev check openssl"
# Peers (charon with eap-md5, eap-mschapv2; FreeRADIUS behind eap-radius), packet dissection, sanitizers/fuzzers, the VM harness, man page lint,
# promtool and an OpenMetrics parser for the metrics endpoint.
TEST="clang libclang-rt-14-dev tshark strongswan-charon strongswan-swanctl
libcharon-extra-plugins libcharon-extauth-plugins libstrongswan-standard-plugins iproute2
iputils-ping socat
python3 jq mandoc groff-base
tcpdump xxd python3-cryptography prometheus python3-prometheus-client
qemu-system-x86 busybox-static linux-image-amd64 cpio kmod
openiked libldns3 libevent-pthreads-2.1-7 libnss3-tools libunbound8 libcurl3-nss
freeradius"
PKG="debhelper dpkg-dev devscripts lintian fakeroot systemd man-db rpmlint rpm"
DEMO="$TEST"

case "$what" in
build) pkgs="$BUILD" ;;
test) pkgs="$BUILD $TEST $PKG" ;;
demo) pkgs="$BUILD $DEMO" ;;
*) echo "usage: $0 build|test|demo" >&2; exit 2 ;;
esac

# Libreswan, a second peer for the VM interop stage: its package conflicts
# with strongSwan's, so it is unpacked, not installed (its libraries are in
# TEST above), where the VM guest sees it (not under /tmp, /run, /var/lib).
LIBRESWAN_DIR=${LIBRESWAN_DIR:-/var/cache/ikedaemon-libreswan}
unpack_libreswan() {
	pluto=$LIBRESWAN_DIR/usr/libexec/ipsec/pluto
	if [ -x "$pluto" ] && ! ldd "$pluto" | grep -q 'not found'; then
		echo "install-deps: Libreswan unpacked in $LIBRESWAN_DIR"
		return 0
	fi
	[ "$(id -u)" = 0 ] || { echo "install-deps: Libreswan not in $LIBRESWAN_DIR; run as root" >&2; return 1; }
	dl=$(mktemp -d) && chmod 755 "$dl"	# apt-get download runs as _apt
	(cd "$dl" && apt-get download -qq libreswan) || { rm -rf "$dl"; return 1; }
	rm -rf "$LIBRESWAN_DIR" && mkdir -p "$LIBRESWAN_DIR" &&
		dpkg -x "$dl"/libreswan_*.deb "$LIBRESWAN_DIR" || { rm -rf "$dl"; return 1; }
	rm -rf "$dl"
	if ldd "$pluto" | grep 'not found'; then
		echo "install-deps: pluto in $LIBRESWAN_DIR misses the libraries above" >&2
		return 1
	fi
	echo "install-deps: Libreswan $("$pluto" --version 2>/dev/null | cut -d" " -f1-2) unpacked in $LIBRESWAN_DIR"
}

# Installed means dpkg status "ii"; a package only known to dpkg (removed,
# config files left) or never seen must be installed.
missing=""
for p in $pkgs; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case $status in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done
if [ -z "$missing" ]; then
	echo "install-deps: all $what packages present"
	[ "$what" != test ] || unpack_libreswan
	exit
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing:$missing; run as root (apt-get install)" >&2
	exit 1
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
[ "$what" != test ] || unpack_libreswan
