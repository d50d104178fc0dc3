# IPv6 tunnel (IPv6 outer and inner addresses), both roles.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
. "$VM_DIR/ike/libreswan-lib.sh"
. "$VM_DIR/ike/interop-lib.sh"
interop_roles libreswan "IPv6 tunnel" initiator responder
ike_topo 6 tunnel
ike_start A self
ike_start B pluto
ike_case A
interop_pass libreswan initiator
ike_case B
interop_pass libreswan responder
ike_stop_all
ike_assert_clean
