# Tunnel-mode ESP with AES-CBC-128 and HMAC-SHA2-256-128.
. "$VM_DIR/kernel-lib.sh"
kt_setup cbca cbcb 4
kt_tunnel_test encr=aes-cbc key=000102030405060708090a0b0c0d0e0f \
	integ=sha256 ikey=202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
