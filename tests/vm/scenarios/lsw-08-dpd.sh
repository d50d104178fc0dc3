# Dead peer detection both ways: both sides send liveness checks every 2 s
# and answer the other's; then the wan link drops everything and each side
# finds the peer dead on its own and clears its SAs.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
. "$VM_DIR/ike/libreswan-lib.sh"
. "$VM_DIR/ike/interop-lib.sh"
interop_roles libreswan "DPD (liveness) both ways" "checks answered" "peer death found by ikedaemon" \
	"peer death found by peer"
ike_topo 4 tunnel
RK_CONN_A="dpd_delay=2s"
LSW_CONN="dpddelay=2 dpdtimeout=10 dpdaction=clear retransmit-timeout=10s"
rk_up self pluto
ike_assert_traffic
# ikedaemon's checks answered, pluto's answered by ikedaemon (debug log:
# empty INFORMATIONAL exchanges only, nothing else happens meanwhile)
rk_wait_log_count A 30 2 'peer alive'
rk_wait_log_count A 30 2 'sending INFORMATIONAL response'
interop_pass libreswan "checks answered"
for ns in "$NS_A" "$NS_B"; do
	ip netns exec "$ns" tc qdisc add dev wan root netem loss 100% || fail "netem loss in $ns"
done
info "wan link drops everything now"
IKE_UP_TIMEOUT=60 ike_wait_log A "the dead peer" "peer lost" "-"
wait_for 60 "side A without its IKE SA" ike_is_down A
interop_pass libreswan "peer death found by ikedaemon"
wait_for 60 "side B (pluto) without its IKE SA" ike_is_down B
ike_log_expect B "the dead peer" "-" "liveness.*(fail|dead|timeout)|dead peer|retransmi"
interop_pass libreswan "peer death found by peer"
for ns in "$NS_A" "$NS_B"; do
	ip netns exec "$ns" tc qdisc del dev wan root
done
ike_wait_clean
ike_stop_all
ike_assert_clean
