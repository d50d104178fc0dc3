# Both ends rekey the CHILD SA at once (RFC 7296 2.8.1), ikedaemon against
# strongSwan.  With 600 ms of delay each way and timers 9 s (ikedaemon) and
# 10 s (strongSwan), each rekey request is still in flight when the other
# side's timer fires: the requests cross, the side whose exchange holds the
# lowest nonce deletes its redundant SA, and one SA pair remains.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
ike_topo 4 tunnel
CF_RETX_TIMEOUT=4
IKE_UP_TIMEOUT=60
RK_CHILD_A="rekey_time=9s life_time=60s rand_time=0s"
RK_CHILD_B="rekey_time=10s life_time=60s rand_time=0s"
rk_delay 600
rk_up self charon
rk_ping_start 45
wait_for 90 "a CHILD SA rekey collision logged by side A" \
	grep -qi "CHILD SA .*rekey collision, the nonces" "$(ike_log A)"
# the collision settles: the loser's DELETE, the winner's DELETE; then
# without the delay the rekeys every 9 s leave moments with one SA pair
sleep 5
rk_ping_wait
rk_delay 0
IKE_DOWN_TIMEOUT=45
info "$(grep -Ei 'collision (won|lost)' "$(ike_log A)" | head -n 3 | paste -sd' ' -)"
rk_wait_one_pair
rk_assert_loss 0
rk_finish A
