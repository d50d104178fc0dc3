# Tunnel-mode ESP with ChaCha20-Poly1305 (RFC 7634: 256-bit key + salt).
. "$VM_DIR/kernel-lib.sh"
kt_setup chaa chab 4
kt_tunnel_test encr=chacha20-poly1305 \
	key=404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f01020304
