# Certificate cases of interop-host.sh (sourced by it: uses its WORK, PKI,
# PSK, VICI, start_daemon, stop_daemon, both_ways and result).  A PKI made
# by interop-pki.sh: root -> intermediate -> end entities; we send the
# intermediate in CERT; we send our chain unasked (send_cert default
# always), charon because our CERTREQ asked for it (its ifasked).
#   pk-rsa       RSA-3072 both ways, RFC 7427
#   pk-p256      ECDSA P-256
#   pk-p384      ECDSA P-384
#   pk-ed25519   Ed25519 (RFC 8420)
#   pk-rsapss    RSA-PSS on both sides (our rsa_pss, charon's rsa/pss)
#   pk-mixed     we sign with a certificate, charon uses a PSK
#   pk-mixed2    we use a PSK, charon a certificate
#   pk-nocertreq charon sends no CERTREQ: we send our certificate anyway
#                (send_cert default always, RFC 7296 3.6), SA up
#   pk-nocertreq-ifasked  the same with our send_cert = ifasked: we send
#                no certificate, refused
#   pk-revoked   our certificate is in charon's CRL: refused both ways
#   pk-revoked2  charon's certificate is in our CRL: refused both ways
#   pk-frag      RSA-3072 chains through IKE fragmentation (RFC 7383):
#                fragmentation = force and fragment_size = 400 on both
#                sides; charon's log must show fragments sent and
#                received, ours and our counters too, ikectl show sa
#                "fragmentation", tshark the SKF payloads

PK_CASES="pk-rsa pk-p256 pk-p384 pk-ed25519 pk-rsapss pk-mixed pk-mixed2 pk-nocertreq pk-nocertreq-ifasked pk-revoked pk-revoked2 pk-frag"

pki_ready() {
	command -v openssl >/dev/null || return 1
	[ -f "$PKI/int.crl" ] || sh "$SRCDIR_TESTS/interop-pki.sh" "$PKI" >"$WORK/pki.log" 2>&1 ||
		{ echo "interop-pki.sh failed (see $WORK/pki.log)"; exit 1; }
	# charon's credentials: swanctl reads them from SWANCTL_DIR
	mkdir -p "$WORK/swd/x509" "$WORK/swd/x509ca" "$WORK/swd/x509crl" "$WORK/swd/private"
	cp "$PKI/int.pem" "$PKI/root.pem" "$WORK/swd/x509ca/"
	cp "$PKI/int.crl" "$WORK/swd/x509crl/"
}

# charon: $1 local auth (pubkey, rsa/pss, psk), $2 its certificate, $3
# remote auth (pubkey, psk), $4 send_certreq (yes, no), $5 more
# connection settings
sw_conf_pk() {
	rm -f "$WORK/swd/x509/"* "$WORK/swd/private/"*
	lcert= rca=
	if [ "$1" != psk ]; then
		cp "$PKI/$2.pem" "$WORK/swd/x509/" && cp "$PKI/$2.key" "$WORK/swd/private/"
		lcert="certs = $2.pem"
	fi
	[ "$3" != psk ] && rca="cacerts = root.pem"
	cat > "$WORK/swd/swanctl.conf" <<EOF
connections {
	ba {
		local_addrs = 192.0.2.2
		remote_addrs = 192.0.2.1
		send_certreq = $4
		${5:-}
		local {
			auth = $1
			id = b.example
			$lcert
		}
		remote {
			auth = $3
			id = a.example
			$rca
		}
		children {
			net {
				local_ts = 10.2.0.0/16
				remote_ts = 10.1.0.0/16
			}
		}
	}
}
secrets {
	ike-a {
		id = a.example
		secret = $PSK
	}
}
EOF
	SWANCTL_DIR=$WORK/swd swanctl --load-all --clear --noprompt --uri "$VICI" \
		>"$WORK/swanctl-load.log" 2>&1 ||
		{ echo "swanctl --load-all failed"; cat "$WORK/swanctl-load.log"; exit 1; }
}

# ikedaemon: $1 local auth, $2 our certificate, $3 remote auth, $4 more
# global settings, $5 more connection settings
our_conf_pk() {
	lcert= key=
	if [ "$1" != psk ]; then
		lcert="certs = [\"$PKI/$2.pem\", \"$PKI/int.pem\"];"
		key="{ private_key = \"$PKI/$2.key\"; },"
	fi
	cat > "$WORK/ike.conf" <<EOF
global: {
	pidfile = "$WORK/ikedaemon.pid";
	control_socket = "$WORK/ikedaemon.ctl";
	log = { default = "info"; ike = "debug"; };
	cacerts = ["$PKI/root.pem"];
	crls = ["$PKI/int.crl"];
	${4:-}
};
secrets: ( $key { id = "b.example"; psk = "$PSK"; } );
connections: ( {
	name = "ab";
	local_addrs = ["192.0.2.1"];
	remote_addrs = ["192.0.2.2"];
	local = { id = "a.example"; auth = "$1"; $lcert };
	remote = { id = "b.example"; auth = "$3"; };
	${5:-}
	children = ( { name = "net"; local_ts = ["10.1.0.0/16"]; remote_ts = ["10.2.0.0/16"]; } );
} );
EOF
	chmod 600 "$WORK/ike.conf"
}

# charon.fragment_size (read for each new IKE SA): $1 bytes, or "" to drop it
sw_fragment_size() {
	sed -i '/^\tfragment_size = /d' "$WORK/sw/strongswan.conf"
	[ -n "$1" ] && sed -i "s/^charon {\$/charon {\n\tfragment_size = $1/" "$WORK/sw/strongswan.conf"
	swanctl --reload-settings --uri "$VICI" >/dev/null 2>&1
}

# pk-frag, after both_ways: charon's log (from line $1 on) and ours show
# fragments both ways, in both roles.
frag_checks() {
	tail -n +"$(($1 + 1))" "$WORK/charon.log" >"$WORK/pk-frag-charon.log"
	[ "$(grep -c 'splitting IKE message' "$WORK/pk-frag-charon.log")" -ge 2 ] &&
		[ "$(grep -c 'received fragment #1 of' "$WORK/pk-frag-charon.log")" -ge 2 ] &&
		grep -q 'reassembled fragmented IKE message' "$WORK/pk-frag-charon.log"
	result pk-frag "charon split and reassembled IKE_AUTH, both roles" $?
	sed -n '/==== case pk-frag: ikedaemon initiates/,$p' "$WORK/ikedaemon.log" \
		>"$WORK/pk-frag-ours.log"
	grep -q 'IKE_AUTH request 1 .* sent in [0-9]* fragments (fragment_size 400)' "$WORK/pk-frag-ours.log" &&
		grep -q 'IKE_AUTH response 1 .* sent in [0-9]* fragments (fragment_size 400)' "$WORK/pk-frag-ours.log" &&
		[ "$(grep -c 'IKE_AUTH \(request\|response\) 1 reassembled from [0-9]* fragments' "$WORK/pk-frag-ours.log")" -ge 2 ]
	result pk-frag "ikedaemon split and reassembled IKE_AUTH, both roles" $?
}

run_pk_case() {
	pki_ready || { echo "SKIP $1 (no openssl command to make the test PKI)"; return; }
	expect=up
	case $1 in
	pk-rsa) our_conf_pk pubkey a-rsa pubkey; sw_conf_pk pubkey b-rsa pubkey yes ;;
	pk-p256) our_conf_pk pubkey a-p256 pubkey; sw_conf_pk pubkey b-p256 pubkey yes ;;
	pk-p384) our_conf_pk pubkey a-p384 pubkey; sw_conf_pk pubkey b-p384 pubkey yes ;;
	pk-ed25519) our_conf_pk pubkey a-ed pubkey; sw_conf_pk pubkey b-ed pubkey yes ;;
	pk-rsapss) our_conf_pk pubkey a-rsa pubkey "rsa_pss = true;"
		   sw_conf_pk rsa/pss b-rsa pubkey yes ;;
	pk-mixed) our_conf_pk pubkey a-p256 psk; sw_conf_pk psk b-p256 pubkey yes ;;
	pk-mixed2) our_conf_pk psk a-p256 pubkey; sw_conf_pk pubkey b-p256 psk yes ;;
	pk-nocertreq) our_conf_pk pubkey a-p256 pubkey; sw_conf_pk pubkey b-p256 pubkey no ;;
	pk-nocertreq-ifasked) our_conf_pk pubkey a-p256 pubkey "" 'send_cert = "ifasked";'
			      sw_conf_pk pubkey b-p256 pubkey no
			      expect=none ;;
	pk-revoked) our_conf_pk pubkey a-revoked pubkey; sw_conf_pk pubkey b-p256 pubkey yes
		    expect=none ;;
	pk-revoked2) our_conf_pk pubkey a-p256 pubkey; sw_conf_pk pubkey b-revoked pubkey yes
		     expect=none ;;
	pk-frag) our_conf_pk pubkey a-rsa pubkey "fragment_size = 400;" 'fragmentation = "force";'
		 sw_conf_pk pubkey b-rsa pubkey yes "fragmentation = force"
		 sw_fragment_size 400 ;;
	*) echo "unknown case $1"; rc=1; return ;;
	esac
	if [ "$1" = pk-rsapss ]; then
		# charon signs with RSA-PSS only when told so (charon.rsa_pss)
		sed -i 's/^charon {$/charon {\n\trsa_pss = yes/' "$WORK/sw/strongswan.conf"
		swanctl --reload-settings --uri "$VICI" >/dev/null 2>&1
	fi
	lines=$(wc -l <"$WORK/charon.log" 2>/dev/null || echo 0)
	start_daemon
	if [ "$1" = pk-p256 ]; then
		# ikectl show sa names both AUTH methods and the peer's certificate
		$IKECTL initiate ab --async >>"$WORK/ikectl.log" 2>&1
		sleep 1
		$IKECTL show sa >"$WORK/$1-show-sa.txt" 2>&1
		$IKECTL show sa --json >"$WORK/$1-show-sa.json" 2>&1
		grep -q 'auth.*local DIGITAL_SIGNATURE, remote DIGITAL_SIGNATURE' "$WORK/$1-show-sa.txt" &&
			grep -q 'peer cert.*"C=CH, O=Interop, CN=b-p256"' "$WORK/$1-show-sa.txt" &&
			grep -q '"peer_cert": *"C=CH, O=Interop, CN=b-p256"' "$WORK/$1-show-sa.json"
		result "$1" "ikectl show sa: auth methods, peer certificate" $?
		$IKECTL show certs >"$WORK/$1-show-certs.txt" 2>&1
		$IKECTL show certs --json >"$WORK/$1-show-certs.json" 2>&1
		grep -q 'certificate "C=CH, O=Interop, CN=a-p256"  (end entity)' "$WORK/$1-show-certs.txt" &&
			grep -q 'certificate "C=CH, O=Interop, CN=Intermediate CA"  (intermediate)' "$WORK/$1-show-certs.txt" &&
			grep -q 'certificate "C=CH, O=Interop, CN=Root CA"  (trust anchor)' "$WORK/$1-show-certs.txt" &&
			grep -q 'altNames: *DNS:a.example' "$WORK/$1-show-certs.txt" &&
			grep -q 'ECDSA-P256, private key loaded' "$WORK/$1-show-certs.txt" &&
			grep -q '"role": *"trust anchor"' "$WORK/$1-show-certs.json"
		result "$1" "ikectl show certs: roles, SANs, key, --json" $?
		terminate_all
	fi
	if [ "$1" = pk-frag ]; then
		# every datagram on B's veth for tshark, which stops by itself
		# (killed, it can lose what it buffered); ikectl while the SA is up
		ip netns exec "$NB" tshark -q -i "vb.$$" -a duration:40 -w "$WORK/pk-frag.pcap" \
			-f 'udp port 500 or udp port 4500' >"$WORK/pk-frag-tshark.log" 2>&1 &
		TPID=$!
		for i in $(seq 100); do
			grep -q 'Capture started' "$WORK/pk-frag-tshark.log" && break
			sleep 0.1
		done
		$IKECTL initiate ab --async >>"$WORK/ikectl.log" 2>&1
		sleep 1
		$IKECTL show sa >"$WORK/$1-show-sa.txt" 2>&1
		$IKECTL show sa --json >"$WORK/$1-show-sa.json" 2>&1
		grep -q 'fragmentation.*negotiated' "$WORK/$1-show-sa.txt" &&
			grep -q '"fragmentation": *true' "$WORK/$1-show-sa.json"
		result "$1" "ikectl show sa: fragmentation negotiated" $?
		terminate_all
	fi
	both_ways "$1" "$expect"
	[ "$1" = pk-frag ] && pk_frag_after "$lines"
	stop_daemon
	# the signatures charon made and checked in this case
	tail -n +"$((lines + 1))" "$WORK/charon.log" |
		grep -E "authentication of '[ab].example'.* with " >"$WORK/$1-charon-auth.log"
	if [ "$1" = pk-rsapss ]; then
		# both directions: charon signed and verified RSA-PSS twice each
		[ "$(grep -c 'RSA_EMSA_PSS' "$WORK/$1-charon-auth.log")" -ge 4 ]
		result "$1" "RSA-PSS in both signatures, both ways" $?
		sed -i '/^\trsa_pss = yes$/d' "$WORK/sw/strongswan.conf"
		swanctl --reload-settings --uri "$VICI" >/dev/null 2>&1
	fi
}

# pk-frag, after both_ways: our counters, the packets, the logs.
pk_frag_after() {
	$IKECTL show stats --json >"$WORK/pk-frag-stats.json" 2>&1
	python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
ok = min(s["fragmented_messages_out"], s["fragmented_messages_in"]) >= 3 and s["fragments_dropped"] == 0
sys.exit(0 if ok else 1)' "$WORK/pk-frag-stats.json"
	result pk-frag "counters: fragmented messages in and out, none dropped" $?
	wait "$TPID" 2>/dev/null
	tshark -r "$WORK/pk-frag.pcap" -Y 'isakmp.exchangetype == 35' \
		-T fields -e isakmp.frag.number -e isakmp.frag.total \
		>"$WORK/pk-frag-tshark.txt" 2>>"$WORK/pk-frag-tshark.log"
	[ "$(grep -c '^[0-9][0-9]*	[0-9][0-9]*$' "$WORK/pk-frag-tshark.txt")" -ge 12 ]
	result pk-frag "tshark: IKE_AUTH in SKF fragments" $?
	frag_checks "$1"
	sw_fragment_size ""
}
