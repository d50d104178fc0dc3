# ikedaemon and Libreswan (pluto, NSS database) with certificates: RSA-2048,
# then ECDSA P-256 end entities under an RSA intermediate and root (made
# here with openssl; pluto's through pk12util, the root trusted with
# certutil).  Each side sends its certificate and the intermediate
# (Libreswan: sendca=all), both use RFC 7427 signatures (Libreswan's
# authby=rsasig means RSA-PSS with SHA-2 when the peer announced
# SIGNATURE_HASH_ALGORITHMS).  Both roles each time, ping across, every
# ESP SA counted, the initiator deletes, nothing left.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
. "$VM_DIR/ike/libreswan-lib.sh"
. "$VM_DIR/ike/interop-lib.sh"
. "$VM_DIR/ike/certs-lib.sh"
interop_roles libreswan "certificates (RSA, ECDSA), IPv4 tunnel" initiator responder
ike_topo 4 tunnel

# ike_post_conf SIDE: certificates of type KEYTYPE instead of the PSK.
ike_post_conf() {
	if [ "$_kind" = ikedaemon ]; then
		certs_conf_ikedaemon "$1"
		return
	fi
	n=$(certs_side "$1")-$KEYTYPE
	openssl pkcs12 -export -inkey "$P/$n.key" -in "$P/$n.pem" -certfile "$P/int.pem" \
		-name "$n" -passout pass: -out "$_dir/$n.p12" 2>"$_dir/p12.err" ||
		fail "openssl pkcs12 for $n: $(cat "$_dir/p12.err")"
	out=$(pk12util -i "$_dir/$n.p12" -d "sql:$_dir/nss" -W '' -K '' 2>&1) ||
		fail "pk12util -i $n.p12 into $_dir/nss: $out"
	out=$(certutil -A -n "vm-root" -t 'CT,,' -a -i "$P/root.pem" -d "sql:$_dir/nss" 2>&1) ||
		fail "certutil -A of the root into $_dir/nss: $out"
	case $KEYTYPE in
	rsa) by=rsasig ;;
	*) by=ecdsa ;;
	esac
	sed -i -e "s/^\tauthby=secret$/\tauthby=$by\n\tleftcert=$n\n\tleftsendcert=always\n\tsendca=all/" \
		"$_dir/ipsec.conf"
	: >"$_dir/ipsec.secrets"
	grep -q "leftcert=$n" "$_dir/ipsec.conf" || fail "side $1: no certificate in $_dir/ipsec.conf"
}

certs_make
for KEYTYPE in rsa ec; do
	ike_start A self
	ike_start B pluto
	ike_case A
	[ "$(lsw_count_log B "CN=a-$KEYTYPE")" -ge 1 ] ||
		fail "pluto's log never names our certificate (CN=a-$KEYTYPE)"
	ike_case B
	info "$KEYTYPE certificates with Libreswan: both roles passed"
	ike_stop_all
done
interop_pass libreswan initiator
interop_pass libreswan responder
ike_assert_clean
