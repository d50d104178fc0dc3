# Several IKE and ESP proposal sets, ikedaemon initiator -> strongSwan
# responder: each one establishes, carries traffic over the ESP algorithm
# it chose, and is terminated; the daemons reload their configuration
# between sets.
. "$VM_DIR/ike/ike-lib.sh"
ike_topo 4 tunnel
# IKE proposal:ESP proposal:kernel algorithm name of the ESP SA
sets="aes256gcm16-prfsha256-x25519:aes256gcm16:rfc4106(gcm(aes))
aes128-sha256-modp2048:aes128-sha256:hmac(sha256)
aes256-sha384-ecp384:aes256-sha384:hmac(sha384)
chacha20poly1305-prfsha256-curve448:chacha20poly1305:rfc7539esp(chacha20,poly1305)"
first=1
for set in $sets; do
	CF_PROPOSALS_A=${set%%:*}
	CF_PROPOSALS_B=$CF_PROPOSALS_A
	rest=${set#*:}
	CF_ESP_A=${rest%%:*}
	CF_ESP_B=$CF_ESP_A
	kalg=${rest#*:}
	info "proposal set IKE $CF_PROPOSALS_A, ESP $CF_ESP_A"
	if [ -n "$first" ]; then
		ike_start A self
		ike_start B charon
		first=""
	else
		ike_reload A
		ike_reload B
	fi
	ike_initiate A
	ike_wait_up A B
	ike_assert_traffic
	for ns in "$NS_A" "$NS_B"; do
		n=$(ip -n "$ns" xfrm state | grep -cF "$kalg")
		[ "$n" -ge 2 ] || fail "$n ESP SAs with $kalg in $ns: $(ike_xfrm_brief "$ns")"
	done
	info "ESP SAs use $kalg on both sides"
	ike_terminate A
	ike_wait_clean
done
ike_stop_all
ike_assert_clean
