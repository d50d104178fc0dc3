# ikedaemon and Libreswan (pluto) with both daemons' default proposals:
# PSK, IPv4 tunnel.  ikedaemon initiates, then Libreswan does; each time a
# ping across, every ESP SA counted, the initiator deletes, nothing left.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
. "$VM_DIR/ike/libreswan-lib.sh"
. "$VM_DIR/ike/interop-lib.sh"
interop_roles libreswan "PSK, IPv4 tunnel, default proposals" initiator responder
ike_topo 4 tunnel
CF_PROPOSALS_A=default
CF_ESP_A=default
ike_start A self
ike_start B pluto
ike_case A
interop_pass libreswan initiator
ike_case B
interop_pass libreswan responder
ike_stop_all
ike_assert_clean
