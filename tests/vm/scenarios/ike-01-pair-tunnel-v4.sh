# ikedaemon <-> ikedaemon, tunnel mode, IPv4: 10.1.0.0/24 behind A and
# 10.2.0.0/24 behind B over a veth wan link; A initiates.
. "$VM_DIR/ike/ike-lib.sh"
ike_topo 4 tunnel
ike_start A self
ike_start B self
ike_case A
ike_stop_all
ike_assert_clean
