# IKE proposal mismatch, ikedaemon as initiator and then as responder
# (strongSwan on the other side): the responder answers NO_PROPOSAL_CHOSEN,
# the initiator logs it, and the responder's log names both proposal lists
# (received and configured).  Nothing is left behind.
. "$VM_DIR/ike/ike-lib.sh"
ike_topo 4 tunnel
CF_PROPOSALS_A=aes256gcm16-prfsha256-x25519
CF_PROPOSALS_B=aes128-sha256-modp2048
# An unauthenticated NO_PROPOSAL_CHOSEN may be a forgery: an initiator may
# keep retransmitting until its tries run out (RFC 7296 2.21.1).  Short.
CF_RETX_TIMEOUT=1
CF_RETX_TRIES=3
IKE_DOWN_TIMEOUT=40
for kinds in "self charon" "charon self"; do
	set -- $kinds
	ike_start A "$1"
	ike_start B "$2"
	# both wait for the outcome and fail (ikectl: NO_PROPOSAL_CHOSEN, or
	# "timeout" once its retransmissions are spent)
	if ike_try_initiate A; then
		fail "initiate with no common proposal succeeded: $(cat "$SCEN_TMP/A/initiate.out")"
	fi
	ike_wait_log A "NO_PROPOSAL_CHOSEN from the responder" \
		'NO_PROPOSAL_CHOSEN' 'NO_PROPOSAL_CHOSEN'
	ike_log_expect B "the received proposals (side A's)" \
		'AES_GCM_16_256.*CURVE_25519|aes256gcm16' \
		'received proposals: .*AES_GCM_16_256'
	ike_log_expect B "the configured proposals (its own)" \
		'AES_CBC_128.*MODP_2048|aes128-sha256-modp2048' \
		'configured proposals: .*AES_CBC_128'
	wait_for "$IKE_DOWN_TIMEOUT" "no IKE SA left on side A" ike_is_down A
	wait_for "$IKE_DOWN_TIMEOUT" "no IKE SA left on side B" ike_is_down B
	ike_wait_clean
	ike_stop_all
	ike_assert_clean
done
