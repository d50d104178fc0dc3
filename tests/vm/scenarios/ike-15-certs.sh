# Certificates in the real kernel over a 1280-byte-MTU link: ikedaemon and
# strongSwan authenticate with RSA-2048, then ECDSA P-256 end-entity
# certificates (root -> intermediate -> end entity, made here with openssl),
# each side sending its certificate and the intermediate, so IKE_AUTH is
# bigger than the link's MTU and both daemons send it in RFC 7383
# fragments; both roles each time, ping across, counters moving.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/certs-lib.sh"
ike_topo 4 tunnel
ip -n "$NS_A" link set wan mtu 1280 && ip -n "$NS_B" link set wan mtu 1280 ||
	fail "cannot set the link's MTU to 1280"

# ike_post_conf SIDE: certificates of type KEYTYPE instead of the PSK.
ike_post_conf() {
	if [ "$_kind" = ikedaemon ]; then
		certs_conf_ikedaemon "$1"
	else
		c=$P/$(certs_side "$1")-$KEYTYPE
		awk -v c="$c" -v p="$P" '
			/^\t\tlocal \{/ { blk = "l" } /^\t\tremote \{/ { blk = "r" }
			/^\t\t\tauth = psk/ {
				print "\t\t\tauth = pubkey"
				if (blk == "l") print "\t\t\tcerts = " c ".pem," p "/int.pem"
				else print "\t\t\tcacerts = " p "/root.pem"
				next
			}
			/^secrets \{/ { skip = 1 }
			skip && /^\tike-peer \{/ { drop = 1 }
			drop { if (/^\t\}/) drop = 0; next }
			{ print }' "$_dir/swanctl.conf" >"$_dir/swanctl.conf.new" &&
			mv "$_dir/swanctl.conf.new" "$_dir/swanctl.conf" ||
			fail "cannot rewrite $_dir/swanctl.conf"
		grep -q 'auth = pubkey' "$_dir/swanctl.conf" && ! grep -q 'auth = psk' "$_dir/swanctl.conf" ||
			fail "side $1: the PSK is still in $_dir/swanctl.conf"
	fi
}

# charon_key SIDE: swanctl loads private keys from its directory's
# private/ (the secrets section only holds passphrases): one of our own.
charon_key() {
	_ike_side "$1"
	me=a
	[ "$1" = B ] && me=b
	mkdir -p "$_dir/swd/private" && cp "$P/$me-$KEYTYPE.key" "$_dir/swd/private/" &&
		cp "$_dir/swanctl.conf" "$_dir/swd/" ||
		fail "cannot copy side $1's key"
	out=$(export SWANCTL_DIR="$_dir/swd"; ike_swanctl "$1" --load-creds --noprompt 2>&1) ||
		fail "swanctl --load-creds of side $1's key: $out"
	printf '%s\n' "$out" | grep -q "loaded .*key" ||
		fail "charon in $_ns loaded no private key: $out"
}

# cert_case ROLE: the tunnel from ROLE's side, with certificates, fragments.
cert_case() {
	ike_case "$1"
	fa=$(grep -c 'fragments' "$(ike_log A)")
	[ "$fa" -ge 2 ] || fail "ikedaemon's log names no fragments sent and received ($fa lines)"
	grep -q 'splitting IKE message' "$(ike_log B)" ||
		fail "charon did not split an IKE message (fragmentation)"
	grep -q 'reassembled from' "$(ike_log A)" ||
		fail "ikedaemon reassembled no fragmented message"
	info "$KEYTYPE certificates, initiated by side $1: IKE_AUTH in fragments both ways"
}

certs_make
for KEYTYPE in rsa ec; do
	ike_start A self
	ike_start B charon
	charon_key B
	cert_case A
	cert_case B
	ike_stop_all
done
ike_assert_clean
