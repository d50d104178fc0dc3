# Certificates in the real kernel over a 1280-byte-MTU link: ikedaemon and
# strongSwan authenticate with RSA-2048, then ECDSA P-256 end-entity
# certificates (root -> intermediate -> end entity, made here with openssl),
# each side sending its certificate and the intermediate, so IKE_AUTH is
# bigger than the link's MTU and both daemons send it in RFC 7383
# fragments; both roles each time, ping across, counters moving.
. "$VM_DIR/ike/ike-lib.sh"
ike_topo 4 tunnel
P=$SCEN_TMP/pki
ip -n "$NS_A" link set wan mtu 1280 && ip -n "$NS_B" link set wan mtu 1280 ||
	fail "cannot set the link's MTU to 1280"

# root (RSA-2048) -> int (RSA-2048) -> {a,b}-rsa (RSA-2048), {a,b}-ec (P-256)
certs_make() {
	mkdir -p "$P" && (
	cd "$P" || exit 1
	umask 077
	printf '%s\n' '[int]' 'basicConstraints = critical, CA:TRUE, pathlen:0' \
		'keyUsage = critical, keyCertSign, cRLSign' '[a]' "subjectAltName = DNS:$CF_ID_A" \
		'keyUsage = critical, digitalSignature' '[b]' "subjectAltName = DNS:$CF_ID_B" \
		'keyUsage = critical, digitalSignature' >ext.cnf
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out root.key 2>/dev/null &&
	openssl req -x509 -new -key root.key -subj "/O=VM/CN=Root CA" -days 2 -set_serial 1 \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" -out root.pem &&
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out int.key 2>/dev/null &&
	openssl req -new -key int.key -subj "/O=VM/CN=Intermediate CA" -out int.csr &&
	openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -set_serial 2 -days 2 \
		-extfile ext.cnf -extensions int -out int.pem 2>/dev/null || exit 1
	serial=16
	for spec in a-rsa:a b-rsa:b a-ec:a b-ec:b; do
		n=${spec%%:*} side=${spec#*:}
		case $n in
		*-rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$n.key" 2>/dev/null ;;
		*) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$n.key" ;;
		esac || exit 1
		openssl req -new -key "$n.key" -subj "/O=VM/CN=$n" -out "$n.csr" &&
		openssl x509 -req -in "$n.csr" -CA int.pem -CAkey int.key -set_serial $serial \
			-days 2 -extfile ext.cnf -extensions "$side" -out "$n.pem" 2>/dev/null || exit 1
		serial=$((serial + 1))
	done
	) || fail "cannot make the test PKI in $P"
}

# ike_post_conf SIDE: certificates of type KEYTYPE instead of the PSK.
ike_post_conf() {
	me=a
	[ "$1" = B ] && me=b
	c=$P/$me-$KEYTYPE
	if [ "$_kind" = ikedaemon ]; then
		sed -i -e "s|^global: {|global: {\n\tcacerts = [\"$P/root.pem\"];|" \
			-e "s|^\(\t*local = { id = \"[^\"]*\"; auth = \)\"psk\"; };|\1\"pubkey\"; certs = [\"$c.pem\", \"$P/int.pem\"]; };|" \
			-e "s|^\(\t*remote = { id = \"[^\"]*\"; auth = \)\"psk\"; };|\1\"pubkey\"; };|" \
			-e "s|^\(\t*\){ id = \"[^\"]*\"; psk = \"[^\"]*\"; }|\1{ private_key = \"$c.key\"; }|" \
			"$_dir/ike.conf"
		grep -q 'auth = "pubkey"; certs' "$_dir/ike.conf" && ! grep -q 'psk' "$_dir/ike.conf" ||
			fail "side $1: the PSK is still in $_dir/ike.conf"
		out=$("$IKEDAEMON" -n -f "$_dir/ike.conf" 2>&1) ||
			fail "ikedaemon rejects $_dir/ike.conf with certificates: $out"
	else
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
info "test PKI made: RSA-2048 root and intermediate, RSA-2048 and P-256 end entities"
for KEYTYPE in rsa ec; do
	ike_start A self
	ike_start B charon
	charon_key B
	cert_case A
	cert_case B
	ike_stop_all
done
ike_assert_clean
