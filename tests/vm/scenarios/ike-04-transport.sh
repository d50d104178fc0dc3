# Transport mode, host to host (the wan addresses themselves), ikedaemon
# initiator -> strongSwan responder.
. "$VM_DIR/ike/ike-lib.sh"
ike_topo 4 transport
ike_start A self
ike_start B charon
ike_case A
ike_stop_all
ike_assert_clean
