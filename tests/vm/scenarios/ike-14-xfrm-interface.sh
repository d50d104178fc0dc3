# XFRM interface (if_id_in/if_id_out): ikedaemon on side A puts its CHILD
# SA and policies on if_id 42, the traffic for NET_B is routed into an
# XFRM interface with that ID (route-based VPN); strongSwan on side B has
# ordinary policies.  Checks: the policies and SAs on side A carry the
# if_id, and the pings cross and are counted on the interface both ways.
. "$VM_DIR/ike/ike-lib.sh"
ike_topo 4 tunnel
IF_ID=42
ike_extra_conf() {
	if [ "$_ns" = "$NS_A" ]; then
		IKE_CHILD_EXTRA="if_id_in = $IF_ID; if_id_out = $IF_ID;"
	fi
}
ip -n "$NS_A" link add ipsec0 type xfrm dev wan if_id "$IF_ID" ||
	fail "cannot create an XFRM interface in $NS_A"
ip -n "$NS_A" link set ipsec0 up || fail "ipsec0 does not come up"
ip -n "$NS_A" route replace "$NET_B" dev ipsec0 src "$HOST_A" ||
	fail "no route into ipsec0"
ike_start A self
ike_start B charon
ike_initiate A
ike_wait_up A B
ike_assert_traffic
n=$(ip -n "$NS_A" xfrm policy | grep -c "if_id 0x2a")
[ "$n" = 3 ] || fail "side A: $n policies with if_id 0x2a, want 3: $(ip -n "$NS_A" xfrm policy)"
n=$(ip -n "$NS_A" xfrm state | grep -c "if_id 0x2a")
[ "$n" = 2 ] || fail "side A: $n SAs with if_id 0x2a, want 2: $(ip -n "$NS_A" xfrm state)"
info "side A: 3 policies and 2 SAs with if_id $IF_ID"
stats=$(ip -n "$NS_A" -s link show ipsec0)
rx=$(printf '%s\n' "$stats" | awk '/RX:/ { getline; print $2; exit }')
tx=$(printf '%s\n' "$stats" | awk '/TX:/ { getline; print $2; exit }')
[ "${rx:-0}" -ge 3 ] && [ "${tx:-0}" -ge 3 ] ||
	fail "ipsec0 counted rx ${rx:-?} tx ${tx:-?} packets, want >= 3 each"
info "ipsec0 counted $rx packets in, $tx out"
ike_terminate A
ike_wait_clean
ike_stop_all
ike_assert_clean
ip -n "$NS_A" link del ipsec0
