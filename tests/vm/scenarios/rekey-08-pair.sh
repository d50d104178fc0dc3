# ikedaemon on both sides: CHILD SA rekeys with PFS from both ends (timers
# of 8 s less up to 3 s on both: either side may go first), an IKE SA
# rekey every ~15 s from side A, under a continuous ping; one SA pair and
# one IKE SA at the end.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
ike_topo 4 tunnel
CF_ESP_A=aes256gcm16-x25519
CF_ESP_B=$CF_ESP_A
RK_CHILD_A="rekey_time=8s life_time=30s rand_time=3s"
RK_CHILD_B="rekey_time=8s life_time=30s rand_time=3s"
RK_CONN_A="rekey_time=15s rand_time=1s over_time=20s"
rk_up ikedaemon ikedaemon
rk_ping_start 50
rk_watch_spis 55 6
rk_ping_wait
ike_log_expect B "an answer to an IKE SA rekey" "replaced by IKE SA" "-"
rk_wait_one_pair
rk_wait_one_ike A
info "rekeys started: A $(rk_count_log A 'request [0-9]* sent \(CHILD SA rekey'), B $(rk_count_log B 'request [0-9]* sent \(CHILD SA rekey'); collisions logged by A: $(rk_count_log A 'collision (won|lost)')"
rk_assert_loss 0
rk_finish B
