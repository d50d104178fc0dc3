# Reauthentication every ~20 s (make-before-break): ikedaemon (side A)
# authenticates a new IKE SA with strongSwan, recreates the CHILD SA on it
# with the same policies, then deletes the old IKE SA; the ping goes on.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
ike_topo 4 tunnel
RK_CONN_A="reauth_time=20s rand_time=0s over_time=20s"
ike_start A self
ike_start B charon
ike_initiate A
ike_wait_up A B
spi0=$(ike_ctl A show sa "$CF_CONN" | grep -o '[0-9a-f]\{16\}' | head -n 1)
rk_ping_start 50
wait_for 60 "two reauthentications on side A" sh -c \
	"[ \$(grep -ci 'deleting the old one' $(ike_log A)) -ge 2 ]"
rk_ping_wait
spi1=$(ike_ctl A show sa "$CF_CONN" | grep -o '[0-9a-f]\{16\}' | head -n 1)
[ "$spi0" != "$spi1" ] || fail "IKE SA SPI unchanged ($spi0)"
wait_for 20 "one IKE SA left on side A" sh -c \
	"[ \$($IKECTL -s $SCEN_TMP/A/ikedaemon.ctl show sa $CF_CONN | grep -c ESTABLISHED) -eq 1 ]"
rk_wait_one_pair
rk_assert_loss 2
ike_assert_traffic
ike_terminate A
ike_wait_clean
ike_stop_all
ike_assert_clean
