# Wrong pre-shared key, ikedaemon as initiator and then as responder
# (strongSwan on the other side): both sides log an authentication
# failure and leave no IKE SA, no SA and no policy behind.
. "$VM_DIR/ike/ike-lib.sh"
ike_topo 4 tunnel
CF_PSK_B=not-the-key-side-a-uses-9876543210
for kinds in "self charon" "charon self"; do
	set -- $kinds
	ike_start A "$1"
	ike_start B "$2"
	# both wait for the outcome and fail; ikectl names the cause
	if ike_try_initiate A; then
		fail "initiate with a wrong key succeeded: $(cat "$SCEN_TMP/A/initiate.out")"
	fi
	[ "$KIND_A" = charon ] || grep -q AUTHENTICATION_FAILED "$SCEN_TMP/A/initiate.out" ||
		fail "ikectl initiate: $(cat "$SCEN_TMP/A/initiate.out")"
	ike_wait_log A "an authentication failure" \
		'AUTHENTICATION_FAILED|does not verify|authentication fail' \
		'AUTHENTICATION_FAILED|MAC mismatched|authentication of .* failed'
	ike_wait_log B "an authentication failure" \
		'AUTHENTICATION_FAILED|does not verify|authentication fail' \
		'AUTHENTICATION_FAILED|MAC mismatched|authentication of .* failed'
	wait_for "$IKE_DOWN_TIMEOUT" "no IKE SA left on side A" ike_is_down A
	wait_for "$IKE_DOWN_TIMEOUT" "no IKE SA left on side B" ike_is_down B
	ike_wait_clean
	ike_stop_all
	ike_assert_clean
done
