# On demand: ikedaemon installs a trap policy (start_action = trap); the
# first packet makes the kernel send ACQUIRE, the SAs come up with the
# strongSwan responder and traffic flows.  The first ping may be lost.
. "$VM_DIR/ike/ike-lib.sh"
ike_topo 4 tunnel
CF_START_A=trap
ike_start A self
ike_start B charon
wait_for 10 "trap policy in $NS_A" sh -c "ip -n '$NS_A' xfrm policy | grep -q 'dir out'"
[ -z "$(ip -n "$NS_A" xfrm state | grep 'proto esp')" ] ||
	fail "ESP SA in $NS_A before any traffic: $(ike_xfrm_brief "$NS_A")"
info "trap installed: $(ip -n "$NS_A" xfrm policy | grep -E '^src' | paste -sd' ' -)"
ike_ping 1 || info "first ping lost (expected while the SA comes up)"
ike_wait_log A "the kernel's ACQUIRE" 'acquire' 'acquire'
ike_wait_up A B
ike_assert_traffic
ike_terminate A
ike_wait_no_sas
# The trap stays while the daemon runs; stopping it leaves block policies
# (fail_closed, the default for a trap child) that --flush removes.
ike_stop_all
[ -z "$(ip -n "$NS_A" xfrm state)" ] || fail "SAs left in $NS_A: $(ike_xfrm_brief "$NS_A")"
ip -n "$NS_A" xfrm policy | grep -q 'action block' ||
	fail "no block policy in $NS_A after the stop: $(ike_xfrm_brief "$NS_A")"
out=$(ns_exec "$NS_A" "$IKEDAEMON" --flush -f "$SCEN_TMP/A/ike.conf" 2>&1) || fail "--flush: $out"
ike_assert_clean
