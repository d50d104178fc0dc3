# The responder deletes: ikedaemon initiates and Libreswan deletes the IKE
# SA (whack --terminate), then Libreswan initiates and ikedaemon deletes.
# In the second half pluto, whose connection is "up", starts a new IKE SA
# at once after acknowledging the DELETE (Libreswan's revival): what is
# checked is that the deleted SAs are gone from both kernels and pluto
# logged the DELETE; then pluto terminates what it revived, nothing left.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
. "$VM_DIR/ike/libreswan-lib.sh"
. "$VM_DIR/ike/interop-lib.sh"
interop_roles libreswan "delete (the responder deletes; the initiator in lsw-01)" \
	"deleted by ikedaemon" "deleted by peer"
ike_topo 4 tunnel
ike_start A self
ike_start B pluto
ike_initiate A
ike_wait_up A B
ike_assert_traffic
ike_terminate B
ike_wait_clean
interop_pass libreswan "deleted by peer"
ike_initiate B
ike_wait_up A B
ike_assert_traffic
old=$(ike_xfrm_sas "$NS_A" | awk '{ print $1 }'; ike_xfrm_sas "$NS_B" | awk '{ print $1 }')
[ -n "$old" ] || fail "no ESP SA before the delete"
dels=$(lsw_count_log B 'received Delete SA payload|deleting state')
ike_terminate A
# the SAs of the deleted IKE SA gone from both kernels
_lsw09_old_gone() {
	now=$(ike_xfrm_sas "$NS_A"; ike_xfrm_sas "$NS_B")
	for spi in $old; do
		printf '%s\n' "$now" | grep -q "^$spi " && return 1
	done
	return 0
}
wait_for "$IKE_DOWN_TIMEOUT" "the ESP SAs ikedaemon deleted ($(echo $old)) gone from both kernels" \
	_lsw09_old_gone
[ "$(lsw_count_log B 'received Delete SA payload|deleting state')" -gt "$dels" ] ||
	fail "pluto logged no DELETE received / state deleted"
info "ikedaemon's DELETE acknowledged: SAs $(echo $old) gone on both sides"
interop_pass libreswan "deleted by ikedaemon"
# pluto revives its "up" connection: terminate it there, then nothing left
sleep 2
ike_terminate B
ike_wait_clean
ike_stop_all
ike_assert_clean
