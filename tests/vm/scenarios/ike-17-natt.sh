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

command -v nft >/dev/null || fail "nft not installed (Debian package nftables)"
command -v conntrack >/dev/null || fail "conntrack not installed (Debian package conntrack)"

ROUTER_IN=172.16.1.1
ROUTER_OUT=192.0.2.1
# pings lost while the NAT rebinds (25 per second): the gateway needs one
# ESP packet from the new port and one IKE round trip
NATT_MAX_LOSS=${NATT_MAX_LOSS:-75}

natt_topo() {
	NS_A=$SCENARIO-a
	NS_B=$SCENARIO-b
	NS_R=$SCENARIO-r
	CF_MODE=tunnel
	ns_add "$NS_A" "$NS_R" "$NS_B"
	ADDR_A=172.16.1.2
	ADDR_B=192.0.2.2
	veth_link "$NS_A" wan "$ADDR_A/24" "$NS_R" lan "$ROUTER_IN/24"
	veth_link "$NS_R" wan "$ROUTER_OUT/24" "$NS_B" wan "$ADDR_B/24"
	NET_A=10.1.0.0/24
	NET_B=10.2.0.0/24
	HOST_A=10.1.0.1
	HOST_B=10.2.0.1
	ns_addr "$NS_A" "$HOST_A/32"
	ns_addr "$NS_B" "$HOST_B/32"
	ip -n "$NS_A" route add default via "$ROUTER_IN" || fail "default route in $NS_A"
	ns_route "$NS_A" "$NET_B" "$ROUTER_IN" "$HOST_A"
	# B answers the NAT's public address; the policies catch the traffic
	ns_route "$NS_B" "$NET_A" "$ROUTER_OUT" "$HOST_B"
	ns_exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1 || fail "ip_forward in $NS_R"
	natt_masquerade 10000-19999
	ike_defaults
}

# natt_masquerade PORTS: R hides A behind ROUTER_OUT, source ports from
# PORTS (the rule is replaced, existing conntrack entries stay).
natt_masquerade() {
	ns_exec "$NS_R" nft -f - <<EOF || fail "nftables masquerade in $NS_R"
table ip natt
delete table ip natt
table ip natt {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" ip saddr 172.16.1.0/24 meta l4proto udp masquerade to :$1
		oifname "wan" ip saddr 172.16.1.0/24 masquerade
	}
}
EOF
	info "$NS_R masquerades 172.16.1.0/24 behind $ROUTER_OUT, UDP ports $1"
}

# natt_rebind PORTS: the NAT forgets every mapping and picks ports from
# PORTS: A's next datagrams leave from another public port.
natt_rebind() {
	natt_masquerade "$1"
	ns_exec "$NS_R" conntrack -F >/dev/null 2>&1 || fail "conntrack -F in $NS_R"
	info "$NS_R: conntrack flushed, A is rebound to ports $1"
}

# The gateway configures no address for the client: it comes from the NAT.
ike_extra_conf() {
	IKE_CONN_EXTRA= IKE_CHILD_EXTRA= IKE_CHARON_EXTRA=
	[ "$_ns" != "$NS_B" ] || _raddr=%any
	[ "$_kind" = ikedaemon ] || IKE_CHARON_EXTRA="keep_alive = 5s"
}

# ikedaemon's global section: keepalives every 5 s.
ike_post_conf() {
	[ "$_kind" = ikedaemon ] || return 0
	sed -i 's/^global: {$/global: {\n\tkeep_alive = "5s";/' "$_dir/ike.conf"
	grep -q 'keep_alive = "5s"' "$_dir/ike.conf" || fail "keep_alive not set in $_dir/ike.conf"
}

# natt_keepalives NS IF FROM SECONDS: NATT_KA, the one-byte 0xff
# datagrams from FROM seen on IF in NS during SECONDS (tcpdump).
natt_keepalives() {
	_ka_pcap=$SCEN_TMP/ka-$1.pcap
	_ka_log=$SCEN_TMP/ka-$1.log
	rm -f "$_ka_pcap"
	bg_log "$_ka_log" "$1" tcpdump -i "$2" --immediate-mode -U -n -w "$_ka_pcap" \
		"udp and src host $3 and udp[4:2] = 9 and udp[8] = 0xff"
	_ka_pid=$BG_PID
	wait_for 30 "tcpdump listening on $2 in $1" grep -q listening "$_ka_log"
	sleep "$4"
	kill "$_ka_pid" 2>/dev/null
	wait "$_ka_pid" 2>/dev/null
	NATT_KA=$(tcpdump -r "$_ka_pcap" -n 2>/dev/null | grep -c .) || true
	info "$1: $NATT_KA keepalives from $3 in $4 s: $(tcpdump -r "$_ka_pcap" -n 2>/dev/null | head -n 1)"
}

# natt_gw_dport: the UDP destination port of the gateway's outbound ESP SA.
natt_gw_dport() {
	ip -n "$NS_B" xfrm state | awk -v a="$ROUTER_OUT" '
		/^src / { out = ($4 == a) }
		out && /encap type espinudp/ { print $7; exit }'
}

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
	rk_ping_start 30
	sleep 8
	natt_rebind 20000-29999
	rk_ping_wait
	port1=$(natt_gw_dport)
	info "gateway's ESP now goes to $ROUTER_OUT:$port1 (was $port0), $RK_LOST pings lost"
	case $port1 in
	2[0-9][0-9][0-9][0-9]) ;;
	*) fail "after the rebinding the gateway's ESP goes to port '$port1', want 20000-29999" ;;
	esac
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
