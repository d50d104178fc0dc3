# Reauthentication every ~20 s (make-before-break): ikedaemon (side A)
# authenticates a new IKE SA with strongSwan, recreates the CHILD SA on it
# with the same policies, then deletes the old IKE SA; the ping goes on.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
ike_topo 4 tunnel
RK_CONN_A="reauth_time=20s rand_time=0s over_time=20s"
rk_up self charon
spi0=$(rk_ike_spi A)
rk_ping_start 50
rk_wait_log_count A 60 2 'deleting the old one'
rk_ping_wait
spi1=$(rk_ike_spi A)
[ "$spi0" != "$spi1" ] || fail "IKE SA SPI unchanged ($spi0)"
rk_wait_one_ike A
rk_wait_one_pair
rk_assert_loss 0
rk_finish A
