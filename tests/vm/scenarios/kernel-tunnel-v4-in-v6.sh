# Mixed families: IPv4 traffic in an IPv6 tunnel (SA without an inner
# selector, XFRM_STATE_AF_UNSPEC), AES-GCM-16 with ESN and a 128-packet window.
. "$VM_DIR/kernel-lib.sh"
kt_setup mixa mixb 6
kt_tunnel_test encr=aes-gcm-16 key=000102030405060708090a0b0c0d0e0f10111213 esn replay=128
