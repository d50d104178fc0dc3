# 20% packet loss on both ends of the wan link (netem): the tunnel still
# comes up through retransmissions (1 s retransmit timeout), ikedaemon
# initiator -> strongSwan responder.
. "$VM_DIR/ike/ike-lib.sh"
ike_topo 4 tunnel
for ns in "$NS_A" "$NS_B"; do
	ip -n "$ns" link set wan txqueuelen 1000
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
ike_initiate A
ike_wait_up A B
# With 20% loss each way, some of 10 pings come back.
ike_assert_traffic 10
ike_terminate A
ike_wait_clean
ike_stop_all
ike_assert_clean
