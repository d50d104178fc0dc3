# 20% packet loss on both ends of the wan link (netem): the tunnel still
# comes up through retransmissions (1 s retransmit timeout), carries
# traffic and is deleted, three times over (ikedaemon initiator ->
# strongSwan responder), so that lost IKE messages are all but certain.
. "$VM_DIR/ike/ike-lib.sh"
ike_topo 4 tunnel
for ns in "$NS_A" "$NS_B"; do
	ip netns exec "$ns" tc qdisc add dev wan root netem loss 20% ||
		fail "cannot add netem loss on wan in $ns"
done
CF_RETX_TIMEOUT=1
CF_RETX_BASE=1.2
CF_RETX_TRIES=10
IKE_UP_TIMEOUT=60
IKE_DOWN_TIMEOUT=40
ike_start A self
ike_start B charon
for round in 1 2 3; do
	ike_initiate A
	ike_wait_up A B
	# With 20% loss each way, some of 10 pings come back.
	ike_assert_traffic 10
	ike_terminate A
	ike_wait_clean
	wait_for "$IKE_DOWN_TIMEOUT" "no IKE SA left on side B" ike_is_down B
done
info "retransmissions: side A $(grep -ci 'retransmit' "$(ike_log A)"), side B $(grep -ci 'retransmit' "$(ike_log B)")"
ike_stop_all
ike_assert_clean
