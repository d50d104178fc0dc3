# EAP cases of interop-host.sh (sourced by it: uses its WORK, PKI, PSK,
# VICI, IKECTL, start_daemon, stop_daemon, terminate_all, sw_sas, result,
# check and pki_ready).  IKE level only on the host (RFC 7296 2.16):
#   eap-md5-gw        charon is an EAP-MD5 client of our PSK gateway
#   eap-mschapv2-gw   charon is an EAP-MSCHAPv2 client of our PSK gateway
#   eap-mschapv2-cert the same against our certificate (Windows' setup)
#   eap-wrong-gw      charon has the wrong password: refused, logged with
#                     the identity and without the password
#   eap-md5-client    we are the EAP-MD5 client of charon's gateway
#   eap-mschapv2-client  we are its EAP-MSCHAPv2 client
# MSCHAPv2 needs charon's eap-mschapv2 plugin (libcharon-extauth-plugins):
# without it those cases are skipped.

EAP_CASES="eap-md5-gw eap-mschapv2-gw eap-mschapv2-cert eap-wrong-gw eap-md5-client eap-mschapv2-client"
EAP_PW=interop-eap-password-1

# charon: $1 role (client: initiates; gateway), $2 method, $3 password,
# $4 how the gateway (us, when charon is client) authenticates: psk, pubkey
sw_conf_eap() {
	rm -f "$WORK/swd/x509/"* "$WORK/swd/private/"* 2>/dev/null
	mkdir -p "$WORK/swd"
	if [ "$1" = client ]; then
		rca=
		[ "$4" = pubkey ] && rca="cacerts = root.pem"
		side="local { auth = $2
			id = b.example
			eap_id = alice }
		remote { auth = $4
			id = a.example
			$rca }"
	else
		side="local { auth = psk
			id = b.example }
		remote { auth = $2
			eap_id = %any }"
	fi
	cat > "$WORK/swd/swanctl.conf" <<EOF2
connections {
	ba {
		local_addrs = 192.0.2.2
		remote_addrs = 192.0.2.1
		$side
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
	eap-alice {
		id = alice
		secret = $3
	}
}
EOF2
	SWANCTL_DIR=$WORK/swd swanctl --load-all --clear --noprompt --uri "$VICI" \
		>"$WORK/swanctl-load.log" 2>&1 ||
		{ echo "swanctl --load-all failed"; cat "$WORK/swanctl-load.log"; exit 1; }
}

# ikedaemon: $1 role (gateway, client), $2 method, $3 our auth as gateway
# (psk, pubkey)
our_conf_eap() {
	lcert= key=
	if [ "$1" = gateway ]; then
		[ "$3" = pubkey ] && {
			lcert="certs = [\"$PKI/a-p256.pem\", \"$PKI/int.pem\"];"
			key="{ private_key = \"$PKI/a-p256.key\"; },"
		}
		local="id = \"a.example\"; auth = \"$3\"; $lcert"
		remote="auth = \"$2\"; eap_id = \"%any\";"
	else
		local="id = \"a.example\"; auth = \"$2\"; eap_id = \"alice\";"
		remote="id = \"b.example\"; auth = \"psk\";"
	fi
	cat > "$WORK/ike.conf" <<EOF2
global: {
	pidfile = "$WORK/ikedaemon.pid";
	control_socket = "$WORK/ikedaemon.ctl";
	log = { default = "info"; ike = "debug"; };
};
secrets: ( $key { id = "a.example"; psk = "$PSK"; }, { id = "alice"; eap = "$EAP_PW"; } );
connections: ( {
	name = "ab";
	local_addrs = ["192.0.2.1"];
	remote_addrs = ["192.0.2.2"];
	local = { $local };
	remote = { $remote };
	children = ( { name = "net"; local_ts = ["10.1.0.0/16"]; remote_ts = ["10.2.0.0/16"]; } );
} );
EOF2
	chmod 600 "$WORK/ike.conf"
}

run_eap_case() {
	case $1 in *mschapv2*)
		[ -f /usr/lib/ipsec/plugins/libstrongswan-eap-mschapv2.so ] ||
			{ echo "SKIP $1 (charon has no eap-mschapv2: libcharon-extauth-plugins)"; return; }
	esac
	method=eap-md5
	case $1 in *mschapv2*) method=eap-mschapv2 ;; esac
	pw=$EAP_PW expect=up gwauth=psk
	case $1 in
	eap-wrong-gw) pw=not-the-password-2 expect=none ;;
	eap-mschapv2-cert)
		pki_ready || { echo "SKIP $1 (no openssl command to make the test PKI)"; return; }
		gwauth=pubkey ;;
	esac
	lines=0
	[ -f "$WORK/ikedaemon.log" ] && lines=$(wc -l <"$WORK/ikedaemon.log")
	case $1 in
	*-client)
		our_conf_eap client "$method"
		sw_conf_eap gateway "$method" "$pw"
		start_daemon
		echo "==== case $1: ikedaemon initiates (EAP client)" >>"$WORK/ikedaemon.log"
		$IKECTL initiate ab >>"$WORK/ikectl.log" 2>&1
		sleep 2
		sw_sas >"$WORK/$1-sas.log"
		check "$1" "ikedaemon->charon" "$expect" "$WORK/$1-sas.log"
		$IKECTL show sa >"$WORK/$1-show-sa.txt" 2>&1
		grep -q 'eap identity.*"alice"' "$WORK/$1-show-sa.txt" &&
			grep -q "ba: #.*ESTABLISHED" "$WORK/$1-sas.log" &&
			grep -q "alice" "$WORK/$1-sas.log"
		result "$1" "both sides name the EAP identity" $?
		;;
	*)
		our_conf_eap gateway "$method" "$gwauth"
		sw_conf_eap client "$method" "$pw" "$gwauth"
		start_daemon
		echo "==== case $1: charon initiates (EAP client)" >>"$WORK/ikedaemon.log"
		swanctl --initiate --child net --uri "$VICI" --timeout 5 >"$WORK/$1-initiate.log" 2>&1
		sleep 0.5
		sw_sas >"$WORK/$1-sas.log"
		check "$1" "charon->ikedaemon" "$expect" "$WORK/$1-sas.log"
		$IKECTL show sa >"$WORK/$1-show-sa.txt" 2>&1
		if [ "$expect" = up ]; then
			grep -q 'eap identity.*"alice"' "$WORK/$1-show-sa.txt"
			result "$1" "ikectl show sa: EAP identity" $?
		else
			tail -n +"$((lines + 1))" "$WORK/ikedaemon.log" >"$WORK/$1-ikedaemon.log"
			grep -q "EAP authentication of alice failed: EAP-MD5 response does not match" \
				"$WORK/$1-ikedaemon.log" && ! grep -q "$pw\|$EAP_PW" "$WORK/$1-ikedaemon.log" &&
				grep -q "no IKE SAs" "$WORK/$1-show-sa.txt"
			result "$1" "refused: identity and reason logged, no password, no SA" $?
		fi
		;;
	esac
	terminate_all
	stop_daemon
}
