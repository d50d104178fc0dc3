# Reauthentication started by strongSwan (side B, reauth_time 15 s,
# make_before_break = yes), ikedaemon (side A) answering: each time a new
# IKE SA and a CHILD SA with the same selectors come up before strongSwan
# deletes the old IKE SA, and the ping goes on without a loss.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
ike_topo 4 tunnel
RK_CONN_B="reauth_time=15s rand_time=0s over_time=20s"
RK_CHARON_B="make_before_break=yes"
ike_start A self
ike_start B charon
ike_initiate B
ike_wait_up A B
spi0=$(rk_ike_spi A)
rk_ping_start 40
rk_wait_log_count A 45 3 'established with'
rk_wait_log_count A 20 2 'deleted by the peer'
rk_ping_wait
# the order of events on both sides, for the losses above
grep -Ei 'established with|joins reqid|outbound now|deleted by the peer|peer deletes' "$(ike_log A)" |
	while read -r line; do info "A: $line"; done
grep -Ei 'reauthenticating|established between|CHILD_SA .* established with|deleting IKE_SA .* between' "$(ike_log B)" |
	while read -r line; do info "B: $line"; done
# make-before-break: the new CHILD SA joined the flows before the old IKE
# SA went
f=$(ike_log A)
j=$(grep -n -m 1 'joins reqid' "$f" | cut -d: -f1)
d=$(grep -n -m 1 'deleted by the peer' "$f" | cut -d: -f1)
[ -n "$j" ] && [ "$j" -lt "$d" ] ||
	fail "side A: no new CHILD SA with the same selectors before the old IKE SA was deleted (lines ${j:-none}, $d of $f)"
spi1=$(rk_ike_spi A)
[ "$spi0" != "$spi1" ] || fail "IKE SA SPI unchanged ($spi0)"
rk_wait_one_ike A
rk_wait_one_pair
rk_assert_loss 0
rk_finish B
