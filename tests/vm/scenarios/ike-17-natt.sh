# NAT traversal through a real NAT (RFC 7296 2.23, RFC 3948): side A sits
# behind a router namespace R that masquerades it (nftables), side B is
# the gateway on R's outside.
#
#   A 172.16.1.2 --lan-- R 172.16.1.1 | 192.0.2.1 --wan-- B 192.0.2.2
#   (protects 10.1.0.1)     masquerade to :10000-19999      (10.2.0.1)
#
# Twice: strongSwan client behind the NAT with ikedaemon as gateway, then
# ikedaemon behind the NAT with strongSwan as gateway.  Each time: NAT
# detected, ESP in UDP, keepalives (one 0xff byte, keep_alive 5 s) leave
# side A while idle and none leave side B; then a ping across the tunnel
# during which R rebinds A (new masquerade port range, conntrack flushed):
# the gateway's kernel reports the new port (XFRM_MSG_MAPPING), the
# gateway moves its SAs there and the ping goes on; losses are reported
# and bounded.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
. "$VM_DIR/ike/natt-lib.sh"

# natt_half CLIENT-KIND GATEWAY-KIND
natt_half() {
	info "---- $1 behind the NAT, $2 as gateway"
	conntrack_out=$(ns_exec "$NS_R" conntrack -F 2>&1) || fail "conntrack -F: $conntrack_out"
	natt_masquerade 10000-19999
	ike_start B "$2"
	ike_start A "$1"
	ike_initiate A
	ike_wait_up A B
	ike_log_expect A "the NAT in front of it" "NAT detected: in front of us" "local host is behind NAT"
	ike_log_expect B "the NAT in front of the peer" "NAT detected:.* in front of the peer" "remote host is behind NAT"
	rk_assert_encap "$NS_A"
	port0=$(natt_gw_dport)
	case $port0 in
	1[0-9][0-9][0-9][0-9]) ;;
	*) fail "gateway's ESP goes to port '$port0', want the NAT's 10000-19999: $(ip -n "$NS_B" xfrm state | grep encap)" ;;
	esac
	info "gateway sends ESP in UDP to $ROUTER_OUT:$port0"
	# idle: keepalives from the client only (5 s apart, 12 s: at least 2)
	natt_keepalives "$NS_A" wan "$ADDR_A" 12
	ka_a=$NATT_KA
	natt_keepalives "$NS_B" wan "$ADDR_B" 6
	ka_b=$NATT_KA
	[ "$ka_a" -ge 2 ] || fail "$ka_a NAT-T keepalives left side A in 12 s, want at least 2"
	[ "$ka_b" -eq 0 ] || fail "side B (not behind a NAT) sent $ka_b keepalives"
	ike_assert_traffic
	natt_rebind_ping "$port0"
	[ "$2" = charon ] || ike_log_expect B "the move to the new port" "the peer's NAT moved it" "-"
	rk_assert_loss "$NATT_MAX_LOSS"
	ike_assert_traffic
	ike_terminate A
	ike_wait_clean
	ike_stop_all
	ike_assert_clean
}

natt_topo
natt_half charon self
natt_half self charon
