# The responder deletes: ikedaemon initiates and Libreswan deletes the IKE
# SA (whack --terminate), then Libreswan initiates and ikedaemon deletes;
# nothing is left either time.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
. "$VM_DIR/ike/libreswan-lib.sh"
. "$VM_DIR/ike/interop-lib.sh"
interop_roles libreswan "delete (the responder deletes; the initiator in lsw-01)" \
	"deleted by ikedaemon" "deleted by peer"
ike_topo 4 tunnel
ike_start A self
ike_start B pluto
ike_initiate A
ike_wait_up A B
ike_assert_traffic
ike_terminate B
ike_wait_clean
interop_pass libreswan "deleted by peer"
ike_initiate B
ike_wait_up A B
ike_assert_traffic
ike_terminate A
ike_wait_clean
interop_pass libreswan "deleted by ikedaemon"
ike_stop_all
ike_assert_clean
