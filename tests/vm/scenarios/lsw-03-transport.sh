# Transport mode between the wan addresses, both roles.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
. "$VM_DIR/ike/libreswan-lib.sh"
. "$VM_DIR/ike/interop-lib.sh"
interop_roles libreswan "transport mode, IPv4" initiator responder
ike_topo 4 transport
ike_start A self
ike_start B pluto
ike_case A
interop_pass libreswan initiator
ike_case B
interop_pass libreswan responder
ike_stop_all
ike_assert_clean
