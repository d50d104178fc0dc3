# CHILD SA rekeys with both daemons' defaults, under a 25-per-second ping: Libreswan wants PFS (pfs=yes), ikedaemon's
# default esp_proposals name no group.  Rekeys asked of each side in turn
# (ikectl rekey --child, whack --rekey-ipsec), twice each: Libreswan's carry
# a KE that ikedaemon takes (pfs = accept); ikedaemon's first goes without
# one, is refused, and is sent again with the IKE SA's group (with a hint in
# the log); its next one starts with that group.
# Rekeys by Libreswan may lose nothing; a rekey by ikedaemon may lose only
# replies Libreswan sent on its new SA before ikedaemon could key it
# (interop_assert_loss_early_switch in interop-lib.sh).
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
. "$VM_DIR/ike/libreswan-lib.sh"
. "$VM_DIR/ike/interop-lib.sh"
interop_roles libreswan "CHILD SA rekey, both daemons' defaults, no ping lost to ikedaemon" \
	"rekey by ikedaemon" "rekey by peer"
ike_topo 4 tunnel
CF_PROPOSALS_A=default
CF_ESP_A=default
rk_up self pluto
interop_xfrm_monitor
interop_xfrm_stat_mark
rk_ping_start 36
sleep 2
interop_rekey_child ikedaemon ike_ctl A rekey --child "$CF_CONN/$CF_CHILD"
ike_log_expect A "the PFS hint" "without KE refused, retrying with .*pfs = accept" "-"
sleep 2
interop_rekey_child Libreswan lsw_whack B --name "$CF_CONN" --rekey-ipsec
sleep 2
interop_rekey_child ikedaemon ike_ctl A rekey --child "$CF_CONN/$CF_CHILD"
sleep 2
interop_rekey_child Libreswan lsw_whack B --name "$CF_CONN" --rekey-ipsec
rk_ping_wait
rk_wait_one_pair
n=$(rk_count_log A "without KE refused")
[ "$n" -eq 1 ] || fail "side A retried $n rekeys with a KE, want 1 (the next ones start with the group)"
interop_assert_loss_early_switch 2
early=""
[ "$RK_LOST" -eq 0 ] || early="$RK_LOST of $RK_SENT pings lost to Libreswan's early switch"
interop_pass libreswan "rekey by ikedaemon" "$early"
interop_pass libreswan "rekey by peer"
rk_finish A
