# ikedaemon on both sides, simultaneous CHILD SA rekeys (600 ms each way,
# timers 9 s and 10 s: the requests cross) until side A logs a collision,
# then reauthentication by side A; one SA pair left, pings counted.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
ike_topo 4 tunnel
CF_RETX_TIMEOUT=4
IKE_UP_TIMEOUT=60
RK_CHILD_A="rekey_time=9s life_time=60s rand_time=0s"
RK_CHILD_B="rekey_time=10s life_time=60s rand_time=0s"
RK_CONN_A="reauth_time=30s rand_time=0s over_time=30s"
rk_delay 600
rk_up ikedaemon ikedaemon
rk_ping_start 45
wait_for 90 "a CHILD SA rekey collision logged by side A" \
	grep -qi "CHILD SA .*rekey collision, the nonces" "$(ike_log A)"
wait_for 60 "a reauthentication on side A" grep -qi "deleting the old one" "$(ike_log A)"
# without the delay the rekeys every 9 s leave moments with one SA pair
rk_ping_wait
rk_delay 0
IKE_DOWN_TIMEOUT=45
info "$(grep -Ei 'collision (won|lost)' "$(ike_log A)" "$(ike_log B)" | head -n 4 | paste -sd' ' -)"
rk_wait_one_pair
rk_wait_one_ike B
rk_assert_loss 0
rk_finish A
