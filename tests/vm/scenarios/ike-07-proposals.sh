# Several IKE and ESP proposal sets, ikedaemon initiator -> strongSwan
# responder: each one establishes, carries traffic, and is terminated.
. "$VM_DIR/ike/ike-lib.sh"
ike_topo 4 tunnel
for set in aes256gcm16-prfsha256-x25519:aes256gcm16 \
	aes128-sha256-modp2048:aes128-sha256 \
	aes256-sha384-ecp384:aes256-sha384 \
	chacha20poly1305-prfsha256-curve448:chacha20poly1305; do
	CF_PROPOSALS_A=${set%%:*}
	CF_PROPOSALS_B=$CF_PROPOSALS_A
	CF_ESP_A=${set#*:}
	CF_ESP_B=$CF_ESP_A
	info "proposal set IKE $CF_PROPOSALS_A, ESP $CF_ESP_A"
	ike_start A self
	ike_start B charon
	ike_case A
	ike_stop_all
	ike_assert_clean
done
