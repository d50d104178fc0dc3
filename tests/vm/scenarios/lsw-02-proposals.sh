# Explicit proposals on both sides, each set in both roles: AES-256, SHA2-256
# and ECP-256 for the IKE SA with AES-GCM-256 for ESP (Libreswan
# ike=aes256-sha2_256;dh19 esp=aes_gcm256), then AES-128, SHA2-256 and
# MODP-3072 with AES-CBC-128/HMAC-SHA2-256-128 for ESP.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
. "$VM_DIR/ike/libreswan-lib.sh"
. "$VM_DIR/ike/interop-lib.sh"
interop_roles libreswan "ike=aes256-sha2_256;dh19 esp=aes_gcm256" initiator responder
interop_roles libreswan "ike=aes128-sha2_256;modp3072 esp=aes128-sha2_256" \
	"initiator (MODP-3072)" "responder (MODP-3072)"
ike_topo 4 tunnel
CF_PROPOSALS_A=aes256-sha256-ecp256
CF_ESP_A=aes256gcm16
LSW_IKE="aes256-sha2_256;dh19"
LSW_ESP=aes_gcm256
ike_start A self
ike_start B pluto
ike_case A
interop_pass libreswan initiator
ike_case B
interop_pass libreswan responder
CF_PROPOSALS_A=aes128-sha256-modp3072
CF_ESP_A=aes128-sha256
LSW_IKE="aes128-sha2_256;modp3072"
LSW_ESP=aes128-sha2_256
ike_reload A
ike_reload B
ike_case A
interop_pass libreswan "initiator (MODP-3072)"
ike_case B
interop_pass libreswan "responder (MODP-3072)"
ike_stop_all
ike_assert_clean
