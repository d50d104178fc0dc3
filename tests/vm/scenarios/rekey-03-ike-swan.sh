# IKE SA rekeying (RFC 7296 2.18) every ~15 s, started by ikedaemon (side
# A) three times, then by strongSwan (side B) twice, under a continuous
# ping: the CHILD SA moves to each new IKE SA and keeps carrying traffic.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
ike_topo 4 tunnel
RK_CONN_A="rekey_time=15s rand_time=0s over_time=20s"
RK_CONN_B="rekey_time=60s"
ike_start A self
ike_start B charon
ike_initiate A
ike_wait_up A B
spi0=$(ike_ctl A show sa "$CF_CONN" | grep -o '[0-9a-f]\{16\}' | head -n 1)
rk_ping_start 70
end=$(( $(date +%s) + 70 ))
while [ "$(rk_count_log A 'CHILD SAs moved')" -lt 3 ] && [ "$(date +%s)" -lt "$end" ]; do
	sleep 1
done
n=$(rk_count_log A 'CHILD SAs moved')
[ "$n" -ge 3 ] || fail "side A rekeyed its IKE SA $n times in 70 s, want 3"
# strongSwan's turn: it rekeys the IKE SA on request
for i in 1 2; do
	out=$(ike_swanctl B --rekey --ike "$CF_CONN" 2>&1) || fail "swanctl --rekey --ike: $out"
	wait_for 20 "IKE SA rekey $i by side B" sh -c \
		"[ \$(grep -ci 'CHILD SAs moved' $(ike_log A)) -ge $((n + i)) ]"
	sleep 2
done
rk_ping_wait
spi1=$(ike_ctl A show sa "$CF_CONN" | grep -o '[0-9a-f]\{16\}' | head -n 1)
[ "$spi0" != "$spi1" ] || fail "IKE SA SPI unchanged ($spi0)"
[ "$(ike_ctl A show sa "$CF_CONN" | grep -c ESTABLISHED)" -eq 1 ] ||
	fail "not exactly one established IKE SA on side A: $(ike_ctl A show sa)"
ike_wait_up A B
rk_assert_loss 2
ike_assert_traffic
ike_terminate B
ike_wait_clean
ike_stop_all
ike_assert_clean
