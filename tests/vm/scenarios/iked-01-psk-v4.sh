# vm: serial (iked shares /var/run/iked and PF_KEY; its start-up is slow under load)
# ikedaemon and OpenIKED (iked over PF_KEY, AES-CBC-256/HMAC-SHA1-96 for
# ESP: openiked-lib.sh): PSK, IPv4 tunnel; ikedaemon initiates, then iked
# does; a ping across, every ESP SA counted, the initiator deletes.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
. "$VM_DIR/ike/openiked-lib.sh"
. "$VM_DIR/ike/interop-lib.sh"
interop_roles openiked "PSK, IPv4 tunnel (ESP aes256-sha1)" initiator responder
ike_topo 4 tunnel
iked_proposals
ike_start A self
ike_start B iked
ike_case A
interop_pass openiked initiator
ike_case B
interop_pass openiked responder
ike_stop_all
ike_assert_clean
