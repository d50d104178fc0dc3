# CHILD SA rekeying with a fresh X25519 exchange (PFS) every ~10 s,
# strongSwan (side B) initiating each rekey, ikedaemon answering: five
# rekeys under a 25-per-second ping; losses are counted and none may go.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
ike_topo 4 tunnel
CF_ESP_A=aes256gcm16-x25519
CF_ESP_B=$CF_ESP_A
RK_CHILD_A="rekey_time=30s life_time=60s rand_time=0s"
RK_CHILD_B="rekey_time=10s life_time=40s rand_time=0s"
rk_up self charon
rk_ping_start 60
rk_watch_spis 75 6
sleep 1
rk_ping_wait
rk_wait_one_pair
# ikedaemon answered every rekey: new inbound SA first, outbound once the
# old SA was deleted
n=$(rk_count_log A "outbound now on")
[ "$n" -ge 5 ] || fail "side A moved its outbound traffic $n times, want 5"
rk_assert_loss 0
rk_finish A
