# Rekeys asked for with ikectl (no rekey timers), ikedaemon on both sides,
# under a continuous ping: `ikectl rekey --child CONN/CHILD` on side B,
# `ikectl rekey --child-id ID` on side A (the id `show child --json`
# prints), then `ikectl rekey CONN` (the IKE SA) on side A.  Each must
# bring new SPIs; one SA pair and one IKE SA at the end, nothing lost.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
ike_topo 4 tunnel
rk_up ikedaemon ikedaemon
spi0=$(_rk_spis_in)
ike0=$(rk_ike_spi A)
rk_ping_start 24
sleep 2
out=$(ike_ctl B rekey --child "$CF_CONN/$CF_CHILD" 2>&1) || fail "ikectl rekey --child on B: $out"
rk_wait_log_count B 15 1 'rekey asked for'
wait_for 15 "a new inbound SPI on side A after B's rekey" eval '[ "$(_rk_spis_in)" != "$spi0" ] && [ "$(_rk_spis_in | grep -c .)" -eq 1 ]'
spi1=$(_rk_spis_in)
info "B's ikectl rekey: side A's inbound SPI $spi0 -> $spi1"
id=$(ike_ctl A show child --json | python3 -c 'import json, sys
print([c for c in json.load(sys.stdin)["children"] if c["state"] == "INSTALLED"][0]["id"])') ||
	fail "no CHILD SA id in ikectl show child --json on A"
out=$(ike_ctl A rekey --child-id "$id" 2>&1) || fail "ikectl rekey --child-id $id on A: $out"
rk_wait_log_count A 15 1 'rekey asked for'
wait_for 15 "a new inbound SPI on side A after its own rekey" eval '[ "$(_rk_spis_in)" != "$spi1" ] && [ "$(_rk_spis_in | grep -c .)" -eq 1 ]'
info "A's ikectl rekey of CHILD SA $id: inbound SPI $spi1 -> $(_rk_spis_in)"
out=$(ike_ctl A rekey "$CF_CONN" 2>&1) || fail "ikectl rekey $CF_CONN on A: $out"
rk_wait_log_count A 15 1 'CHILD SAs moved'
rk_ping_wait
ike1=$(rk_ike_spi A)
[ "$ike0" != "$ike1" ] || fail "IKE SA SPI unchanged ($ike0) after ikectl rekey $CF_CONN"
info "ikectl rekey $CF_CONN: IKE SPI $ike0 -> $ike1"
rk_wait_one_ike A
rk_wait_one_pair
rk_assert_loss 0
rk_finish A
