# IKE SA rekeys asked of each side (ikectl rekey CONN, whack --rekey-ike)
# under a 25-per-second ping that may lose nothing; the CHILD SA follows
# the new IKE SA and still carries traffic.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
. "$VM_DIR/ike/libreswan-lib.sh"
. "$VM_DIR/ike/interop-lib.sh"
interop_roles libreswan "IKE SA rekey, no ping lost" "rekey by ikedaemon" "rekey by peer"
ike_topo 4 tunnel
rk_up self pluto
rk_ping_start 24
sleep 2
ike0=$(rk_ike_spi A)
out=$(ike_ctl A rekey "$CF_CONN" 2>&1) || fail "ikectl rekey $CF_CONN on A: $out"
wait_for 30 "a new IKE SA on side A (rekeyed by A)" eval '[ "$(rk_ike_spi A)" != "$ike0" ]'
rk_wait_one_ike A
ike1=$(rk_ike_spi A)
info "IKE SA rekey by ikedaemon: $ike0 -> $ike1"
sleep 2
out=$(lsw_whack B --name "$CF_CONN" --rekey-ike 2>&1) || fail "whack --rekey-ike on B: $out"
wait_for 30 "a new IKE SA on side A (rekeyed by B)" eval '[ "$(rk_ike_spi A)" != "$ike1" ]'
rk_wait_one_ike A
info "IKE SA rekey by Libreswan: $ike1 -> $(rk_ike_spi A)"
rk_ping_wait
rk_wait_one_pair
rk_assert_loss 0
interop_pass libreswan "rekey by ikedaemon"
interop_pass libreswan "rekey by peer"
rk_finish A
