# IPv6 outside and inside: tunnel 2001:db8:1::/64 <-> 2001:db8:2::/64 over
# 2001:db8:ff::/64, ikedaemon initiator -> strongSwan responder.
. "$VM_DIR/ike/ike-lib.sh"
ike_topo 6 tunnel
ike_start A self
ike_start B charon
ike_case A
ike_stop_all
ike_assert_clean
