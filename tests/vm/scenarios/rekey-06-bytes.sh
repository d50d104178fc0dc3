# Byte-based soft lifetime: the kernel's soft EXPIRE after 200 kB starts a
# CHILD SA rekey in ikedaemon (side A; the EXPIRE of the other SA of the
# pair is absorbed by the rekey under way), strongSwan answers.  A ping of
# 1000-byte packets at 25 per second crosses the limit every ~8 s.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
ike_topo 4 tunnel
RK_CHILD_A="rekey_time=10m rekey_bytes=200000 life_bytes=2000000"
rk_up self charon
rk_ping_start 45 1000
rk_watch_spis 50 4
rk_ping_wait
n=$(rk_count_log A "kernel soft EXPIRE")
[ "$n" -ge 3 ] || fail "side A logged $n soft EXPIREs, want 3"
rk_wait_one_pair
rk_assert_loss 0
rk_finish A
