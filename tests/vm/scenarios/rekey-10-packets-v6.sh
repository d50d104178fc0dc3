# Packet-count soft lifetime over IPv6: the kernel's soft EXPIRE after 200
# packets starts a CHILD SA rekey in ikedaemon (side A; the EXPIRE of the
# other SA of the pair is absorbed by the rekey under way), strongSwan
# answers.  The 25-per-second ping crosses the limit every ~8 s; no ping
# may be lost.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
ike_topo 6 tunnel
RK_CHILD_A="rekey_time=10m rekey_packets=200 life_packets=2000"
rk_up self charon
rk_ping_start 40
rk_watch_spis 45 4
rk_ping_wait
n=$(rk_count_log A "kernel soft EXPIRE")
[ "$n" -ge 3 ] || fail "side A logged $n soft EXPIREs, want 3"
n=$(rk_count_log A 'sent \(CHILD SA rekey')
[ "$n" -ge 3 ] || fail "side A started $n CHILD SA rekeys, want 3"
info "side A: $(rk_count_log A 'kernel soft EXPIRE') soft EXPIREs, $n CHILD SA rekeys, $RK_SPIS inbound SPIs"
rk_wait_one_pair
rk_assert_loss 0
rk_finish A
