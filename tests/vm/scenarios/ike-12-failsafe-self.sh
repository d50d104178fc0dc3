# Fail-safe kernel state, ikedaemon against ikedaemon: a trapped child's
# in/fwd policies drop clear text from the remote subnet; kill -9 and a
# restart reconcile the kernel state and negotiate again on ACQUIRE; a
# stop/start under a 50/s ping lets nothing out in clear text (fail_closed
# block policies); --flush removes them (tests/vm/ike/failsafe-lib.sh).
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/failsafe-lib.sh"
fs_run self
