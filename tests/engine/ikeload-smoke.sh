#!/bin/sh
# ikeload against both responders, so the load generator cannot rot: in
# two network namespaces on the host (tests/engine/ikeload-lib.sh), each of
# strongSwan's charon and ikedaemon must complete, with the responder's
# AUTH verified every time:
#   100          100 handshakes, 16 in flight, each from its own address;
#                the cookie threshold is 5, so most of them go through a
#                COOKIE round (RFC 7296 2.6), which must be seen
#   invalid-ke   20 handshakes sending an ECP-256 KE to a responder that
#                only takes X25519: INVALID_KE_PAYLOAD, then X25519 (1.2)
#   init-only    50 IKE_SA_INIT exchanges
#   childless    20 handshakes with IKE_AUTH without a CHILD SA (RFC 6023)
# Each request is sent up to 5 times (2, 4, 8, 16 s apart): this checks
# that handshakes complete, not how fast, on a machine that may be busy.
# The host kernel has no ESP: both daemons refuse the CHILD SA the same
# way after authenticating (NO_PROPOSAL_CHOSEN) and the IKE SA stands;
# that is expected here and not counted as a failure.
#
# usage: ikeload-smoke.sh BUILDDIR WORKDIR
# exit: 0 all passed, 1 a failure, 77 not root / no charon.
set -u
LOAD_BUILD=$(cd "$1" && pwd)
LOAD_WORK=$2
mkdir -p "$LOAD_WORK" && LOAD_WORK=$(cd "$LOAD_WORK" && pwd)
LOAD_COOKIE=5
. "$(dirname "$0")/ikeload-lib.sh"
load_can_run || exit 77
[ -x "$LOAD_BUILD/tools/ikeload/ikeload" ] || { echo "no ikeload in $LOAD_BUILD"; exit 1; }
trap load_netns_down EXIT INT TERM
load_netns_up || exit 1

rc=0
# $1 daemon, $2 case, $3 expected ok, $4 what must be > 0 (or -), then ikeload args
check() {
	d=$1 c=$2 want=$3 must=$4
	shift 4
	out=$(load_run --tries 5 "$@" 2>&1)
	echo "$out" >"$LOAD_WORK/$d-$c.out"
	res=$(echo "$out" | grep '^RESULT')
	ok=$(echo "$res" | sed -n 's/.* ok=\([0-9]*\).*/\1/p')
	failed=$(echo "$res" | sed -n 's/.* failed=\([0-9]*\).*/\1/p')
	extra=1
	if [ "$must" != - ]; then
		n=$(echo "$res" | sed -n "s/.* $must=\([0-9]*\).*/\1/p")
		[ "${n:-0}" -gt 0 ] || extra=0
	fi
	if [ "${ok:-0}" = "$want" ] && [ "${failed:-1}" = 0 ] && [ $extra = 1 ]; then
		echo "PASS ikeload $c ($d): $res"
	else
		echo "FAIL ikeload $c ($d): ${res:-no result}"
		echo "$out" | sed 's/^/    /' | head -20
		rc=1
	fi
}

for d in charon ikedaemon; do
	load_start_$d || { echo "FAIL ikeload ($d): responder did not start"; rc=1; continue; }
	check "$d" 100 100 cookies -n 100 -c 16
	check "$d" invalid-ke 20 invalid_ke -n 20 -c 4 \
		--proposal aes256gcm16-prfsha256-ecp256-x25519 --ke ecp256
	check "$d" init-only 50 - -n 50 -c 8 --init-only
	check "$d" childless 20 - -n 20 -c 4 --childless
	load_stop
done
exit $rc
