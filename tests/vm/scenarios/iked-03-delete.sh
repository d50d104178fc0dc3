# vm: serial (iked shares /var/run/iked and PF_KEY; its start-up is slow under load)
# The responder deletes: ikedaemon initiates and iked deletes its SAs
# (ikectl reset sa), then iked initiates and ikedaemon deletes.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
. "$VM_DIR/ike/openiked-lib.sh"
. "$VM_DIR/ike/interop-lib.sh"
interop_roles openiked "delete (the responder deletes; the initiator in iked-01)" \
	"deleted by ikedaemon" "deleted by peer"
ike_topo 4 tunnel
iked_proposals
ike_start A self
ike_start B iked
ike_initiate A
ike_wait_up A B
ike_assert_traffic
ike_terminate B
ike_wait_clean
interop_pass openiked "deleted by peer"
ike_initiate B
ike_wait_up A B
ike_assert_traffic
ike_terminate A
ike_wait_clean
interop_pass openiked "deleted by ikedaemon"
ike_stop_all
ike_assert_clean
