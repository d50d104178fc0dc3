# Delete from either side: ikectl terminate (ikedaemon side A) and
# swanctl --terminate --ike (strongSwan side B) each remove the kernel
# state on both sides.
. "$VM_DIR/ike/ike-lib.sh"
ike_topo 4 tunnel
ike_start A self
ike_start B charon
for side in A B; do
	ike_initiate A
	ike_wait_up A B
	ike_assert_traffic
	ike_terminate $side
	ike_wait_clean
	wait_for "$IKE_DOWN_TIMEOUT" "no IKE SA left on side A" ike_is_down A
	wait_for "$IKE_DOWN_TIMEOUT" "no IKE SA left on side B" ike_is_down B
done
ike_stop_all
ike_assert_clean
