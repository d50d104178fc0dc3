# Tunnel-mode ESP with AES-GCM-16 (256-bit key + salt) installed by the
# XFRM backend between two namespaces; ping; counters; delete.
. "$VM_DIR/kernel-lib.sh"
kt_setup gcma gcmb 4
kt_tunnel_test encr=aes-gcm-16 \
	key=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1fa0a1a2a3
