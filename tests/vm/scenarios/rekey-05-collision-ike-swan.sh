# Both ends rekey the IKE SA at once (RFC 7296 2.8.2), ikedaemon against
# strongSwan.  With 600 ms of delay each way and IKE SA timers 14 s
# (ikedaemon) and 15 s (strongSwan), each rekey request is still in flight when the other
# side's timer fires: the requests cross, the side whose exchange holds the
# lowest nonce deletes its redundant IKE SA, the CHILD SA moves to
# the survivor and one IKE SA remains.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
ike_topo 4 tunnel
CF_RETX_TIMEOUT=4
IKE_UP_TIMEOUT=60
RK_CONN_A="rekey_time=14s rand_time=0s over_time=30s"
RK_CONN_B="rekey_time=15s rand_time=0s over_time=30s"
rk_delay 600
rk_up self charon
rk_ping_start 45
wait_for 90 "an IKE SA rekey collision logged by side A" \
	grep -qi "IKE SA [0-9]*: rekey collision, the nonces" "$(ike_log A)"
# the collision settles: the loser's DELETE, the winner's DELETE
sleep 5
rk_ping_wait
info "$(grep -Ei 'collision (won|lost)' "$(ike_log A)" | head -n 3 | paste -sd' ' -)"
rk_wait_one_pair
rk_wait_one_ike A
rk_assert_loss 0
rk_finish A
