# The fail-safe scenario of ike-12 with strongSwan's charon as the peer.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/failsafe-lib.sh"
fs_run charon
