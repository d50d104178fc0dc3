# vm: serial (iked shares /var/run/iked and PF_KEY; its start-up is slow under load)
# CHILD SA rekeys under a 25-per-second ping that may lose nothing on
# ikedaemon's side (interop_assert_loss_peer_gap): one
# asked of ikedaemon (ikectl rekey --child), one by iked's own timer (its
# policy's lifetime: 30 s), with both daemons' defaults for PFS (none).
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
. "$VM_DIR/ike/openiked-lib.sh"
. "$VM_DIR/ike/interop-lib.sh"
interop_roles openiked "CHILD SA rekey, no ping lost" "rekey by ikedaemon" "rekey by peer"
ike_topo 4 tunnel
iked_proposals
IKED_CONF="lifetime 30"
rk_up self iked
interop_xfrm_stat_mark
rk_ping_start 40
sleep 2
interop_rekey_child ikedaemon ike_ctl A rekey --child "$CF_CONN/$CF_CHILD"
RK_REKEY_TIMEOUT=40 interop_rekey_child OpenIKED
rk_ping_wait
rk_wait_one_pair
interop_assert_loss_peer_gap 2
interop_pass openiked "rekey by ikedaemon"
interop_pass openiked "rekey by peer"
rk_finish A
