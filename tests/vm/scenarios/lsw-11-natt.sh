# ikedaemon and Libreswan through a real NAT (nftables masquerade in a
# router namespace, natt-lib.sh): first Libreswan behind the NAT with
# ikedaemon as gateway, then ikedaemon behind the NAT with Libreswan as
# gateway.  Each time: NAT detected on both sides, every ESP SA ESP in UDP
# 4500/4500 on the client, the gateway's ESP to the NAT's port, a ping
# across.  With ikedaemon as gateway the NAT then rebinds the client under
# a ping and ikedaemon follows it (kernel MAPPING, DPD, move); Libreswan
# 4.10 as gateway does not act on the kernel's MAPPING events, so that
# half checks keepalives from ikedaemon instead.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
. "$VM_DIR/ike/libreswan-lib.sh"
. "$VM_DIR/ike/interop-lib.sh"
. "$VM_DIR/ike/natt-lib.sh"
interop_roles libreswan "NAT-T through a masquerade" "gateway (peer behind the NAT)" \
	"client behind the NAT"

# lsw_natt_up CLIENT-KIND GATEWAY-KIND: both started, the client initiates,
# NAT found, ESP in UDP.
lsw_natt_up() {
	info "---- $1 behind the NAT, $2 as gateway"
	ns_exec "$NS_R" conntrack -F >/dev/null 2>&1
	natt_masquerade 10000-19999
	ike_start B "$2"
	ike_start A "$1"
	ike_initiate A
	ike_wait_up A B
	rk_assert_encap "$NS_A"
	port0=$(natt_gw_dport)
	case $port0 in
	1[0-9][0-9][0-9][0-9]) ;;
	*) fail "gateway's ESP goes to port '$port0', want the NAT's 10000-19999: $(ip -n "$NS_B" xfrm state | grep encap)" ;;
	esac
	info "gateway sends ESP in UDP to $ROUTER_OUT:$port0"
	ike_assert_traffic
}

natt_topo
lsw_natt_up pluto self
ike_log_expect B "the NAT in front of the peer" "NAT detected:.* in front of the peer" "-"
natt_rebind_ping "$port0"
ike_log_expect B "the move to the new port" "the peer's NAT moved it" "-"
rk_assert_loss "$NATT_MAX_LOSS"
ike_assert_traffic
ike_terminate A
ike_wait_clean
ike_stop_all
interop_pass libreswan "gateway (peer behind the NAT)" "rebinding followed, $RK_LOST pings lost"

lsw_natt_up self pluto
ike_log_expect A "the NAT in front of it" "NAT detected: in front of us" "-"
natt_keepalives "$NS_A" wan "$ADDR_A" 12
[ "$NATT_KA" -ge 2 ] || fail "$NATT_KA NAT-T keepalives left side A in 12 s, want at least 2"
ike_terminate A
ike_wait_clean
ike_stop_all
interop_pass libreswan "client behind the NAT"
ike_assert_clean
