# UDP-encapsulated ESP (NAT-T, RFC 3948) across rekeys, without a NAT box:
# strongSwan (side B, encap = yes) fakes its NAT_DETECTION_SOURCE_IP, so
# both ends float IKE to port 4500 and put ESP in UDP.  ikedaemon (side A)
# rekeys the CHILD SA every ~10 s, strongSwan the IKE SA every ~16 s,
# under a continuous ping; every SA on both sides, the first ones and
# those the rekeys make, carries the espinudp encapsulation; no ping lost.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
ike_topo 4 tunnel
RK_CHILD_A="rekey_time=10s life_time=40s rand_time=0s"
RK_CONN_B="encap=yes rekey_time=16s rand_time=0s over_time=20s"
rk_up self charon
ike_log_expect A "the NAT strongSwan fakes" "NAT detected: in front of the peer" "-"
rk_assert_encap "$NS_A"
rk_assert_encap "$NS_B"
spis0=$(_rk_spis_in | paste -sd' ' -)
rk_ping_start 40
rk_watch_spis 45 4
rk_wait_log_count A 45 2 'CHILD SAs moved'
rk_ping_wait
rk_wait_one_pair
rk_wait_one_ike A
spis1=$(_rk_spis_in | paste -sd' ' -)
[ "$spis0" != "$spis1" ] || fail "inbound ESP SPI of side A unchanged ($spis0)"
rk_assert_encap "$NS_A"
rk_assert_encap "$NS_B"
info "IKE rekeys answered by side A: $(rk_count_log A 'CHILD SAs moved'), CHILD SA rekeys it started: $(rk_count_log A 'sent \(CHILD SA rekey')"
rk_assert_loss 0
rk_finish A
