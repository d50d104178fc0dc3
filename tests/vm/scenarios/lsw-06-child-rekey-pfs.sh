# CHILD SA rekeys with PFS configured on both sides (ECP-256: ikedaemon
# esp_proposals aes256gcm16-ecp256, Libreswan pfs=yes with
# ike=aes256-sha2_256;dh19), asked of each side in turn under a
# 25-per-second ping: three by ikedaemon, two by Libreswan.
# Rekeys by Libreswan may lose nothing; a rekey by ikedaemon may lose only
# replies Libreswan sent on its new SA before ikedaemon could key it
# (interop_assert_loss_early_switch in interop-lib.sh).
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
. "$VM_DIR/ike/libreswan-lib.sh"
. "$VM_DIR/ike/interop-lib.sh"
interop_roles libreswan "CHILD SA rekey, PFS (ECP-256) on both, no ping lost to ikedaemon" \
	"rekey by ikedaemon" "rekey by peer"
ike_topo 4 tunnel
CF_PROPOSALS_A=aes256-sha256-ecp256
CF_ESP_A=aes256gcm16-ecp256
LSW_IKE="aes256-sha2_256;dh19"
LSW_ESP=aes_gcm256
LSW_PFS=yes
rk_up self pluto
interop_xfrm_monitor
interop_xfrm_stat_mark
rk_ping_start 44
sleep 2
for i in 1 2; do
	interop_rekey_child ikedaemon ike_ctl A rekey --child "$CF_CONN/$CF_CHILD"
	sleep 2
	interop_rekey_child Libreswan lsw_whack B --name "$CF_CONN" --rekey-ipsec
	sleep 2
done
interop_rekey_child ikedaemon ike_ctl A rekey --child "$CF_CONN/$CF_CHILD"
rk_ping_wait
rk_wait_one_pair
n=$(rk_count_log A "without KE refused")
[ "$n" -eq 0 ] || fail "side A had $n rekeys refused for want of a KE, want none"
interop_assert_loss_early_switch 3
early=""
[ "$RK_LOST" -eq 0 ] || early="$RK_LOST of $RK_SENT pings lost to Libreswan's early switch"
interop_pass libreswan "rekey by ikedaemon" "$early"
interop_pass libreswan "rekey by peer"
rk_finish A
