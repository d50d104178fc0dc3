# IKE SA rekeying (RFC 7296 2.18) every ~15 s, started by ikedaemon (side
# A) three times, then by strongSwan (side B) twice, under a continuous
# ping: the CHILD SA moves to each new IKE SA and keeps carrying traffic.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
ike_topo 4 tunnel
RK_CONN_A="rekey_time=15s rand_time=0s over_time=20s"
RK_CONN_B="rekey_time=60s"
rk_up self charon
spi0=$(rk_ike_spi A)
rk_ping_start 70
rk_wait_log_count A 70 3 'CHILD SAs moved'
# strongSwan's turn: it rekeys the IKE SA on request
for i in 4 5; do
	out=$(ike_swanctl B --rekey --ike "$CF_CONN" 2>&1) || fail "swanctl --rekey --ike: $out"
	rk_wait_log_count A 20 $i 'CHILD SAs moved'
	sleep 2
done
rk_ping_wait
spi1=$(rk_ike_spi A)
[ "$spi0" != "$spi1" ] || fail "IKE SA SPI unchanged ($spi0)"
rk_wait_one_ike A
ike_wait_up A B
rk_assert_loss 0
rk_finish B
