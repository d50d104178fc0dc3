# EAP cases of interop-host.sh (sourced by it: uses its WORK, PKI, PSK,
# VICI, IKECTL, start_daemon, stop_daemon, terminate_all, sw_sas, result,
# check and pki_ready).  IKE level only on the host (RFC 7296 2.16):
#   eap-md5-gw        charon is an EAP-MD5 client of our PSK gateway
#   eap-mschapv2-gw   charon is an EAP-MSCHAPv2 client of our PSK gateway
#   eap-mschapv2-cert the same against our certificate (Windows' setup)
#   eap-mschapv2-vip  the same, charon asks for a virtual address (vips):
#                     it gets one from our pool in the last IKE_AUTH
#                     response (RFC 7296 2.19 with 2.16)
#   eap-wrong-gw      charon has the wrong password: refused, logged with
#                     the identity and without the password
#   eap-md5-client    we are the EAP-MD5 client of charon's gateway
#   eap-mschapv2-client  we are its EAP-MSCHAPv2 client
#   eap-tls-gw        charon is an EAP-TLS client (its certificate b-p256)
#                     of our certificate gateway; eap_id = %any
#   eap-tls-client    we are the EAP-TLS client (a-p256) of charon's
#                     certificate gateway
# EAP-TLS runs TLS 1.2, charon's default (charon.tls.version_max = 1.2 in
# 5.9.8).  With version_max = 1.3 charon 5.9.8 as client negotiates 1.3
# and then dies (critical signal in libtls) on RFC 9190's commitment
# message, application data its EAP-TLS has no handler for: TLS 1.3 is
# tested between two ikedaemon engines only (tests/engine/test_eap_tls).
# MSCHAPv2 needs charon's eap-mschapv2 plugin (libcharon-extauth-plugins):
# without it those cases are skipped.

EAP_CASES="eap-md5-gw eap-mschapv2-gw eap-mschapv2-cert eap-mschapv2-vip eap-wrong-gw eap-md5-client eap-mschapv2-client eap-tls-gw eap-tls-client"
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
		${SW_EXTRA:-}
		$side
		children {
			net {
				local_ts = ${SW_LTS:-10.2.0.0/16}
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
	our_rts=${OUR_RTS:-'"10.2.0.0/16"'}
	cat > "$WORK/ike.conf" <<EOF2
global: {
	pidfile = "$WORK/ikedaemon.pid";
	control_socket = "$WORK/ikedaemon.ctl";
	log = { default = "info"; ike = "debug"; };
};
${OUR_POOLS:-}
secrets: ( $key { id = "a.example"; psk = "$PSK"; }, { id = "alice"; eap = "$EAP_PW"; } );
connections: ( {
	name = "ab";
	local_addrs = ["192.0.2.1"];
	remote_addrs = ["192.0.2.2"];
	local = { $local };
	remote = { $remote };
	${OUR_CONN_EXTRA:-}
	children = ( { name = "net"; local_ts = ["10.1.0.0/16"]; remote_ts = [$our_rts]; } );
} );
EOF2
	chmod 600 "$WORK/ike.conf"
}

# EAP-TLS: $1 case; charon's certificate b-p256, ours a-p256, both from int
run_eap_tls_case() {
	[ -f /usr/lib/ipsec/plugins/libstrongswan-eap-tls.so ] ||
		{ echo "SKIP $1 (charon has no eap-tls: libcharon-extra-plugins)"; return; }
	pki_ready || { echo "SKIP $1 (no openssl command to make the test PKI)"; return; }
	rm -f "$WORK/swd/x509/"* "$WORK/swd/private/"*
	cp "$PKI/b-p256.pem" "$WORK/swd/x509/" && cp "$PKI/b-p256.key" "$WORK/swd/private/"
	if [ "$1" = eap-tls-gw ]; then
		swl="auth = eap-tls
			id = b.example
			certs = b-p256.pem"
		swr="auth = pubkey
			id = a.example
			cacerts = root.pem"
		local="id = \"a.example\"; auth = \"pubkey\";"
		remote="auth = \"eap-tls\"; eap_id = \"%any\"; cacerts = [\"$PKI/root.pem\"];"
		who=b.example role=client
	else
		swl="auth = pubkey
			id = b.example
			certs = b-p256.pem"
		swr="auth = eap-tls
			eap_id = %any
			cacerts = root.pem"
		local="id = \"a.example\"; auth = \"eap-tls\";"
		remote="id = \"b.example\"; auth = \"pubkey\"; cacerts = [\"$PKI/root.pem\"];"
		who=a.example role=server
	fi
	cat > "$WORK/swd/swanctl.conf" <<EOF2
connections {
	ba {
		local_addrs = 192.0.2.2
		remote_addrs = 192.0.2.1
		local { $swl }
		remote { $swr }
		children {
			net {
				local_ts = 10.2.0.0/16
				remote_ts = 10.1.0.0/16
			}
		}
	}
}
EOF2
	SWANCTL_DIR=$WORK/swd swanctl --load-all --clear --noprompt --uri "$VICI" \
		>"$WORK/swanctl-load.log" 2>&1 ||
		{ echo "swanctl --load-all failed"; cat "$WORK/swanctl-load.log"; exit 1; }
	cat > "$WORK/ike.conf" <<EOF2
global: {
	pidfile = "$WORK/ikedaemon.pid";
	control_socket = "$WORK/ikedaemon.ctl";
	log = { default = "info"; ike = "debug"; };
};
secrets: ( { private_key = "$PKI/a-p256.key"; } );
connections: ( {
	name = "ab";
	local_addrs = ["192.0.2.1"];
	remote_addrs = ["192.0.2.2"];
	local = { $local certs = ["$PKI/a-p256.pem", "$PKI/int.pem"]; };
	remote = { $remote };
	children = ( { name = "net"; local_ts = ["10.1.0.0/16"]; remote_ts = ["10.2.0.0/16"]; } );
} );
EOF2
	chmod 600 "$WORK/ike.conf"
	lines=$(wc -l <"$WORK/charon.log")
	ours=0
	[ -f "$WORK/ikedaemon.log" ] && ours=$(wc -l <"$WORK/ikedaemon.log")
	start_daemon
	if [ "$1" = eap-tls-gw ]; then
		echo "==== case $1: charon initiates (EAP-TLS client)" >>"$WORK/ikedaemon.log"
		swanctl --initiate --child net --uri "$VICI" --timeout 8 >"$WORK/$1-initiate.log" 2>&1
		sleep 0.5
		dir="charon->ikedaemon"
	else
		echo "==== case $1: ikedaemon initiates (EAP-TLS client)" >>"$WORK/ikedaemon.log"
		$IKECTL initiate ab --async >>"$WORK/ikectl.log" 2>&1
		sleep 4
		dir="ikedaemon->charon"
	fi
	sw_sas >"$WORK/$1-sas.log"
	check "$1" "$dir" up "$WORK/$1-sas.log"
	$IKECTL show sa >"$WORK/$1-show-sa.txt" 2>&1
	tail -n +"$((lines + 1))" "$WORK/charon.log" >"$WORK/$1-charon.log"
	grep -q "eap identity.*\"$who\"" "$WORK/$1-show-sa.txt" &&
		grep -q "EAP method EAP_TLS succeeded, MSK established" "$WORK/$1-charon.log" &&
		grep -q "IKE_SA ba\[[0-9]*\] established" "$WORK/$1-charon.log"
	result "$1" "EAP-TLS MSK in charon's log, EAP identity $who in show sa" $?
	tail -n +"$((ours + 1))" "$WORK/ikedaemon.log" >"$WORK/$1-ikedaemon.log"
	grep -q "negotiated TLS 1.2" "$WORK/$1-charon.log" &&
		grep -q "EAP-TLS done: TLSv1.2, $role certificate \"C=CH, O=Interop, CN=b-p256\"" \
			"$WORK/$1-ikedaemon.log"
	result "$1" "TLS 1.2 on both sides, charon's certificate accepted" $?
	terminate_all
	stop_daemon
}

run_eap_case() {
	case $1 in eap-tls-*) run_eap_tls_case "$1"; return ;; esac
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
	eap-mschapv2-vip)
		SW_EXTRA="vips = 0.0.0.0" SW_LTS=dynamic OUR_RTS='"dynamic"'
		OUR_POOLS='pools: ( { name = "rw"; addrs = "10.3.0.0/24"; dns = ["10.3.0.53"]; } );'
		OUR_CONN_EXTRA='pools = ["rw"];' ;;
	esac
	lines=0
	[ -f "$WORK/ikedaemon.log" ] && lines=$(wc -l <"$WORK/ikedaemon.log")
	case $1 in
	*-client)
		our_conf_eap client "$method"
		sw_conf_eap gateway "$method" "$pw"
		start_daemon
		echo "==== case $1: ikedaemon initiates (EAP client)" >>"$WORK/ikedaemon.log"
		$IKECTL initiate ab --async >>"$WORK/ikectl.log" 2>&1
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
		clines=0
		[ -f "$WORK/charon.log" ] && clines=$(wc -l <"$WORK/charon.log")
		start_daemon
		echo "==== case $1: charon initiates (EAP client)" >>"$WORK/ikedaemon.log"
		swanctl --initiate --child net --uri "$VICI" --timeout 5 >"$WORK/$1-initiate.log" 2>&1
		sleep 0.5
		sw_sas >"$WORK/$1-sas.log"
		check "$1" "charon->ikedaemon" "$expect" "$WORK/$1-sas.log"
		$IKECTL show sa >"$WORK/$1-show-sa.txt" 2>&1
		if [ "$1" = eap-mschapv2-vip ]; then
			$IKECTL show pools >"$WORK/$1-pools.txt" 2>&1
			grep -q 'eap identity.*"alice"' "$WORK/$1-show-sa.txt" &&
				tail -n +"$((clines + 1))" "$WORK/charon.log" |
				grep -q 'installing new virtual IP 10\.3\.0\.1$' &&
				grep -q '10\.3\.0\.1.*online' "$WORK/$1-pools.txt"
			result "$1" "charon got 10.3.0.1 from our pool over EAP (show pools: online)" $?
			unset SW_EXTRA SW_LTS OUR_RTS OUR_POOLS OUR_CONN_EXTRA
		elif [ "$expect" = up ]; then
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
