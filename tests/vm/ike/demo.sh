#!/bin/sh
# The demo tunnel (tools/demo.sh runs it on the host when the kernel has
# ESP, or as the guest script of tests/vm/run-vm.sh when it has not):
# ikedaemon in namespace demo-a and strongSwan's charon in demo-b, joined by
# a veth link (192.0.2.1 - 192.0.2.2), protect 10.1.0.0/24 <-> 10.2.0.0/24.
# ikedaemon initiates; a ping crosses the tunnel; ikectl shows the SAs;
# then everything is torn down.  Configuration: the templates in this
# directory (ike.conf.in, swanctl.conf.in, strongswan.conf.in).
#
# Environment: IKE_BUILD (the build tree), IKE_DEMO_WARMUP=1 (load the
# kernel's crypto first: under qemu without KVM).
VM_DIR=$(cd "$(dirname "$0")/.." && pwd)
SCENARIO=demo
export VM_DIR SCENARIO
. "$VM_DIR/lib.sh"
. "$VM_DIR/ike/ike-lib.sh"

[ -x "$IKEDAEMON" ] || fail "no ikedaemon at $IKEDAEMON (set IKE_BUILD)"
[ -z "${IKE_DEMO_WARMUP:-}" ] || ike_kernel_warmup
IKE_SELF=ikedaemon
ike_topo 4 tunnel
CF_CONN=demo
ike_start A ikedaemon
ike_start B charon

# show TITLE CMD...: the command's output under "# TITLE".
show() {
	echo
	echo "# $1"
	shift
	"$@" 2>&1
}

echo
echo "==== ikedaemon's configuration ($SCEN_TMP/A/ike.conf)"
grep -v '^#' "$SCEN_TMP/A/ike.conf" | sed 's/psk = "[^"]*"/psk = "(hidden)"/'
ike_initiate A
ike_wait_up A B
echo
echo "==== traffic from 10.1.0.1 (behind ikedaemon) to 10.2.0.1 (behind strongSwan)"
show "ip netns exec $NS_A ping -I $HOST_A $HOST_B" ns_exec "$NS_A" ping -c 4 -i 0.3 -W 2 -I "$HOST_A" "$HOST_B" || fail "no reply through the tunnel"
echo
echo "==== ikedaemon's view"
show "ikectl show sa" ike_ctl A show sa
show "ikectl show child" ike_ctl A show child
echo
echo "==== strongSwan's view"
show "swanctl --list-sas (in $NS_B)" ike_swanctl B --list-sas
echo
echo "==== the kernel's ESP SAs in $NS_A (ip -s xfrm state)"
ike_xfrm_sas "$NS_A" | while read -r spi bytes packets; do
	echo "  SA $spi: $bytes bytes, $packets packets"
done
ike_assert_sas_counted "$NS_A" >/dev/null
echo
ike_terminate A
ike_wait_clean
ike_stop_all
ike_assert_clean
echo
echo "demo: PASS (tunnel up, ping through ESP, torn down cleanly)"
