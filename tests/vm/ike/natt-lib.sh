# NAT traversal through a real NAT (sourced after ike-lib.sh and
# rekey-lib.sh): side A sits behind a router namespace R that masquerades
# it (nftables), side B is the gateway on R's outside.
#
#   A 172.16.1.2 --lan-- R 172.16.1.1 | 192.0.2.1 --wan-- B 192.0.2.2
#   (protects 10.1.0.1)     masquerade to :10000-19999      (10.2.0.1)
#
#   natt_topo; natt_masquerade PORTS; natt_rebind PORTS;
#   natt_keepalives NS IF FROM SECONDS; natt_gw_dport
# The ike_extra_conf / ike_post_conf hooks here make the gateway accept any
# client address and ikedaemon send keepalives every 5 s.
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
# A pluto gateway (libreswan-lib.sh writes no ike_extra_conf settings):
# right=%any in its ipsec.conf.
ike_post_conf() {
	case $_kind in
	ikedaemon)
		sed -i 's/^global: {$/global: {\n\tkeep_alive = "5s";/' "$_dir/ike.conf"
		grep -q 'keep_alive = "5s"' "$_dir/ike.conf" || fail "keep_alive not set in $_dir/ike.conf"
		;;
	pluto)
		[ "$_ns" = "$NS_B" ] || return 0
		sed -i 's/^\tright=.*/\tright=%any/' "$_dir/ipsec.conf"
		grep -q '^.right=%any$' "$_dir/ipsec.conf" || fail "right=%any not set in $_dir/ipsec.conf"
		;;
	esac
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


# natt_rebind_ping PORT0: a ping across for 30 s during which R rebinds A
# to ports 20000-29999; the gateway's ESP (to PORT0 before) must follow.
# Sets RK_LOST (rk_ping_wait) and NATT_PORT1.
natt_rebind_ping() {
	rk_ping_start 30
	sleep 8
	natt_rebind 20000-29999
	rk_ping_wait
	NATT_PORT1=$(natt_gw_dport)
	info "gateway's ESP now goes to $ROUTER_OUT:$NATT_PORT1 (was $1), $RK_LOST pings lost"
	case $NATT_PORT1 in
	2[0-9][0-9][0-9][0-9]) ;;
	*) fail "after the rebinding the gateway's ESP goes to port '$NATT_PORT1', want 20000-29999" ;;
	esac
}
