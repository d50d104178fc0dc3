# A test PKI for certificate scenarios (sourced after ike-lib.sh):
# root (RSA-2048) -> intermediate (RSA-2048) -> end entities a-rsa, b-rsa
# (RSA-2048) and a-ec, b-ec (ECDSA P-256) with subjectAltName DNS:CF_ID_A /
# CF_ID_B, made with openssl in $P (default $SCEN_TMP/pki).
#
#   certs_make; KEYTYPE=rsa; certs_conf_ikedaemon SIDE
P=${P:-$SCEN_TMP/pki}

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
	info "test PKI made: RSA-2048 root and intermediate, RSA-2048 and P-256 end entities"
}

# certs_side SIDE: a or b, the certificate owner's name of SIDE.
certs_side() {
	if [ "$1" = B ]; then echo b; else echo a; fi
}

# certs_conf_ikedaemon SIDE: SIDE's ike.conf (written by ike_write_conf, in
# $_dir) with its KEYTYPE certificate, the intermediate and the root as
# trust anchor instead of the PSK; ikedaemon -n must accept it.
certs_conf_ikedaemon() {
	c=$P/$(certs_side "$1")-$KEYTYPE
	sed -i -e "s|^global: {|global: {\n\tcacerts = [\"$P/root.pem\"];|" \
		-e "s|^\(\t*local = { id = \"[^\"]*\"; auth = \)\"psk\"; };|\1\"pubkey\"; certs = [\"$c.pem\", \"$P/int.pem\"]; };|" \
		-e "s|^\(\t*remote = { id = \"[^\"]*\"; auth = \)\"psk\"; };|\1\"pubkey\"; };|" \
		-e "s|^\(\t*\){ id = \"[^\"]*\"; psk = \"[^\"]*\"; }|\1{ private_key = \"$c.key\"; }|" \
		"$_dir/ike.conf"
	grep -q 'auth = "pubkey"; certs' "$_dir/ike.conf" && ! grep -q 'psk' "$_dir/ike.conf" ||
		fail "side $1: the PSK is still in $_dir/ike.conf"
	out=$("$IKEDAEMON" -n -f "$_dir/ike.conf" 2>&1) ||
		fail "ikedaemon rejects $_dir/ike.conf with certificates: $out"
}
