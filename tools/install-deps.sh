#!/bin/sh
# Installs, with apt-get, what ikedaemon needs on Debian 12.
#   tools/install-deps.sh build   - to build the daemon and run the unit tests
#   tools/install-deps.sh test    - everything the whole test suite uses
#   tools/install-deps.sh demo    - what the demo tunnel uses
set -eu
what=${1:-test}

BUILD="build-essential autoconf automake libtool pkg-config libssl-dev libgmp-dev
libnl-3-dev libnl-xfrm-3-dev libnl-route-3-dev libconfig-dev check openssl"
# Peers, packet dissection, sanitizers/fuzzers, the VM harness, man page lint,
# promtool and an OpenMetrics parser for the metrics endpoint.
TEST="clang libclang-rt-14-dev tshark strongswan-charon strongswan-swanctl
libcharon-extra-plugins libstrongswan-standard-plugins iproute2 iputils-ping socat
python3 jq mandoc groff-base
tcpdump xxd python3-cryptography prometheus python3-prometheus-client
qemu-system-x86 busybox-static linux-image-amd64 cpio kmod"
PKG="debhelper dpkg-dev devscripts lintian fakeroot systemd man-db rpmlint"
DEMO="$TEST"

case "$what" in
build) pkgs="$BUILD" ;;
test) pkgs="$BUILD $TEST $PKG" ;;
demo) pkgs="$BUILD $DEMO" ;;
*) echo "usage: $0 build|test|demo" >&2; exit 2 ;;
esac

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
	exit 0
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
