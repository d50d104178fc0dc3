# ikedaemon initiator -> strongSwan responder, tunnel mode, IPv4.
. "$VM_DIR/ike/ike-lib.sh"
ike_topo 4 tunnel
ike_start A self
ike_start B charon
ike_case A
ike_stop_all
ike_assert_clean
