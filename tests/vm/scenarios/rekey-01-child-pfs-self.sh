# CHILD SA rekeying with a fresh X25519 exchange (PFS) every ~10 s,
# ikedaemon (side A) initiating each rekey, strongSwan answering: five
# rekeys under a 25-per-second ping; losses are counted and none may go.
# ikedaemon proposes ECP-256 first (one proposal, both groups), strongSwan
# takes only X25519: the first rekey meets INVALID_KE_PAYLOAD (1.3), the
# next ones start with the group agreed on.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
ike_topo 4 tunnel
CF_ESP_A=aes256gcm16-ecp256-x25519
CF_ESP_B=aes256gcm16-x25519
RK_CHILD_A="rekey_time=10s life_time=40s rand_time=0s"
RK_CHILD_B="rekey_time=30s life_time=60s rand_time=0s"
rk_up self charon
rk_ping_start 60
rk_watch_spis 75 6
sleep 1
rk_ping_wait
rk_wait_one_pair
ike_log_expect A "a CHILD SA rekey with a KE payload" "CHILD SA rekey, KE CURVE25519" "-"
n=$(rk_count_log A "CHILD SA rekey, KE CURVE25519")
[ "$n" -ge 5 ] || fail "side A started $n CHILD SA rekeys with X25519, want 5"
ike_log_expect A "INVALID_KE_PAYLOAD followed" "peer wants CURVE25519 instead of ECP_256" "-"
rk_assert_loss 0
rk_finish A
