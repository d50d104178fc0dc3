# eap-radius cases of interop-host.sh (sourced by it: uses its WORK, NA,
# PSK, VICI, IKECTL, BUILD, start_daemon, stop_daemon, terminate_all,
# sw_sas, result, check and interop-eap-cases.sh's sw_conf_eap).  charon
# is an EAP-MSCHAPv2 road warrior of our PSK gateway, which relays the EAP
# conversation to FreeRADIUS (Debian freeradius) started by this script in
# namespace A with a configuration directory of its own (a copy of
# /etc/freeradius/3.0 with our clients.conf, users and eap module), so an
# instance of the packaged service does not matter:
#   eap-radius-mschapv2  charon authenticates through FreeRADIUS: IKE SA
#                        up on both sides, "ikectl show sa" names alice,
#                        FreeRADIUS logged the Access-Accept
#   eap-radius-md5       charon runs EAP-MD5: it Naks FreeRADIUS's MSCHAPv2,
#                        the Accept has no MPPE keys, AUTH keyed with SK_p
#   eap-radius-wrong     wrong password: Access-Reject, AUTHENTICATION_FAILED,
#                        no SA, the log names alice and not the password
#   eap-radius-failover  the first server (192.0.2.99, nobody) is silent: after its
#                        try the second, FreeRADIUS, authenticates alice
#   eap-radius-down      no RADIUS server answers: AUTHENTICATION_FAILED
#                        after servers x tries x timeout (1 x 2 x 1 s)

RADIUS_CASES="eap-radius-mschapv2 eap-radius-md5 eap-radius-wrong eap-radius-failover
eap-radius-down"
RADIUS_SECRET=interop-radius-secret-5
RADIUS_PW=interop-radius-password-6

# FreeRADIUS's configuration in $WORK/raddb, listening in A on 127.0.0.1.
radius_conf() {
	rm -rf "$WORK/raddb" "$WORK/radrun"
	cp -a /etc/freeradius/3.0 "$WORK/raddb" || return 1
	mkdir -p "$WORK/radrun"
	r=$WORK/raddb
	# root in the namespace, state and logs under WORK
	sed -i -e 's/^\(\s*\)\(user\|group\) = /\1#\2 = /' \
		-e "s|^run_dir = .*|run_dir = $WORK/radrun|" \
		-e "s|^logdir = .*|logdir = $WORK/radrun|" \
		-e "s|^db_dir = .*|db_dir = $WORK/radrun|" "$r/radiusd.conf"
	cat >"$r/clients.conf" <<EOF2
client ikedaemon {
	ipaddr = 127.0.0.1
	secret = $RADIUS_SECRET
	require_message_authenticator = yes
}
EOF2
	cat >"$r/mods-config/files/authorize" <<EOF2
alice	Cleartext-Password := "$RADIUS_PW"
EOF2
	# EAP-MSCHAPv2 (and MD5) only: no TLS certificates needed
	cat >"$r/mods-available/eap" <<EOF2
eap {
	default_eap_type = mschapv2
	timer_expire = 60
	ignore_unknown_eap_types = no
	max_sessions = \${max_requests}
	md5 {
	}
	mschapv2 {
	}
}
EOF2
	ln -sf ../mods-available/eap "$r/mods-enabled/eap"
	rm -f "$r/sites-enabled/inner-tunnel"
}

start_radius() {
	radius_conf || return 1
	ip netns exec "$NA" freeradius -X -d "$WORK/raddb" >"$WORK/freeradius.log" 2>&1 &
	RPID=$!
	for i in $(seq 100); do
		grep -q "Ready to process requests" "$WORK/freeradius.log" && return 0
		kill -0 "$RPID" 2>/dev/null || break
		sleep 0.1
	done
	echo "FreeRADIUS did not start:"; tail -30 "$WORK/freeradius.log"
	return 1
}

stop_radius() {
	[ -n "${RPID:-}" ] && kill "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
	RPID=
}

# ikedaemon: PSK gateway relaying EAP to the servers at $1 (ADDRESS
# list) with $2 tries of $3 s
our_conf_radius() {
	cat > "$WORK/ike.conf" <<EOF2
global: {
	pidfile = "$WORK/ikedaemon.pid";
	control_socket = "$WORK/ikedaemon.ctl";
	log = { default = "info"; ike = "debug"; net = "debug"; };
};
secrets: ( { id = "a.example"; psk = "$PSK"; } );
radius: {
	servers = ( $(for s in $1; do printf '{ address = "%s"; secret = "%s"; },' "$s" \
		"$RADIUS_SECRET"; done | sed 's/,$//') );
	retransmit_timeout = $3.0;
	retransmit_tries = $2;
	nas_identifier = "ikedaemon-interop";
};
connections: ( {
	name = "ab";
	local_addrs = ["192.0.2.1"];
	remote_addrs = ["192.0.2.2"];
	local = { id = "a.example"; auth = "psk"; };
	remote = { auth = "eap-radius"; eap_id = "%any"; };
	children = ( { name = "net"; local_ts = ["10.1.0.0/16"]; remote_ts = ["10.2.0.0/16"]; } );
} );
EOF2
	chmod 600 "$WORK/ike.conf"
	"$BUILD/src/ike/ikedaemon" -n -f "$WORK/ike.conf" >"$WORK/radius-n.log" 2>&1 ||
		{ echo "ikedaemon -n refused the configuration:"; cat "$WORK/radius-n.log"; }
}

run_radius_case() {
	command -v freeradius >/dev/null ||
		{ echo "SKIP $1 (no freeradius: Debian package freeradius)"; return; }
	[ -f /usr/lib/ipsec/plugins/libstrongswan-eap-mschapv2.so ] ||
		{ echo "SKIP $1 (charon has no eap-mschapv2: libcharon-extauth-plugins)"; return; }
	pw=$RADIUS_PW expect=up server=127.0.0.1 tries=3 timeout=2 method=eap-mschapv2
	case $1 in
	eap-radius-md5) method=eap-md5 ;;
	eap-radius-wrong) pw=not-the-radius-password-7 expect=none ;;
	eap-radius-down) expect=none tries=2 timeout=1 ;;
	eap-radius-failover) server="192.0.2.99 127.0.0.1" tries=1 timeout=1 ;;
	esac
	if [ "$1" = eap-radius-down ]; then
		server=127.0.0.2	# in A, nothing listens there
	else
		start_radius || { result "$1" "FreeRADIUS started" 1; return; }
	fi
	lines=0 clines=0
	[ -f "$WORK/ikedaemon.log" ] && lines=$(wc -l <"$WORK/ikedaemon.log")
	[ -f "$WORK/charon.log" ] && clines=$(wc -l <"$WORK/charon.log")
	our_conf_radius "$server" "$tries" "$timeout"	# several: space-separated
	sw_conf_eap client "$method" "$pw" psk
	start_daemon
	echo "==== case $1: charon initiates (EAP through RADIUS)" >>"$WORK/ikedaemon.log"
	t0=$(date +%s)
	swanctl --initiate --child net --uri "$VICI" --timeout 8 >"$WORK/$1-initiate.log" 2>&1
	t1=$(date +%s)
	sleep 0.5
	sw_sas >"$WORK/$1-sas.log"
	check "$1" "charon->ikedaemon->FreeRADIUS" "$expect" "$WORK/$1-sas.log"
	$IKECTL show sa >"$WORK/$1-show-sa.txt" 2>&1
	tail -n +"$((lines + 1))" "$WORK/ikedaemon.log" >"$WORK/$1-ikedaemon.log"
	case $1 in
	eap-radius-mschapv2)
		grep -q 'eap identity.*"alice"' "$WORK/$1-show-sa.txt" &&
			grep -q "Sent Access-Accept" "$WORK/freeradius.log" &&
			[ "$(grep -c 'Received Access-Request' "$WORK/freeradius.log")" -ge 3 ]
		result "$1" "show sa names alice; FreeRADIUS accepted after a Challenge round" $?
		;;
	eap-radius-failover)
		grep -q "RADIUS server 192.0.2.99\[1812\] did not answer 1 tries" "$WORK/$1-ikedaemon.log" &&
			grep -q 'eap identity.*"alice"' "$WORK/$1-show-sa.txt" &&
			grep -q "Sent Access-Accept" "$WORK/freeradius.log"
		result "$1" "silent first server left, FreeRADIUS answered" $?
		;;
	eap-radius-md5)
		grep -q 'eap identity.*"alice"' "$WORK/$1-show-sa.txt" &&
			grep -q "Sent Access-Accept" "$WORK/freeradius.log" &&
			grep -q "Peer sent packet with method EAP NAK" "$WORK/freeradius.log" &&
			grep -q "Found mutually acceptable type MD5" "$WORK/freeradius.log"
		result "$1" "Nak relayed, FreeRADIUS switched to MD5 and accepted" $?
		;;
	eap-radius-wrong)
		grep -q "EAP authentication of alice failed: RADIUS Access-Reject" \
			"$WORK/$1-ikedaemon.log" && ! grep -q "$pw\|$RADIUS_PW" "$WORK/$1-ikedaemon.log" &&
			grep -q "Sent Access-Reject" "$WORK/freeradius.log" &&
			grep -q "no IKE SAs" "$WORK/$1-show-sa.txt" &&
			tail -n +"$((clines + 1))" "$WORK/charon.log" | grep -q "AUTHENTICATION_FAILED"
		result "$1" "Access-Reject: AUTHENTICATION_FAILED, identity logged, no password, no SA" $?
		;;
	eap-radius-down)
		grep -q "no RADIUS server answered (1 server, 2 tries each)" "$WORK/$1-ikedaemon.log" &&
			grep -q "no IKE SAs" "$WORK/$1-show-sa.txt" &&
			[ $((t1 - t0)) -ge 2 ] && [ $((t1 - t0)) -le 5 ]
		result "$1" "AUTHENTICATION_FAILED after 2 x 1 s ($((t1 - t0)) s)" $?
		;;
	esac
	terminate_all
	stop_daemon
	stop_radius
}
