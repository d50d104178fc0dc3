# Redirect cases of interop-host.sh (RFC 5685; sourced by it: uses its
# WORK, VICI, IKECTL, BUILD, PSK, NA, NB, our_conf, sw_conf, start_daemon,
# stop_daemon, terminate_all, sw_sas and result).  A third namespace NC
# (198.51.100.3, behind charon's namespace, which routes) runs a second
# ikedaemon, gateway B.  On the host the CHILD SAs cannot be installed (no
# ESP): where the IKE SA ends up is what is checked.
#   redirect-gw-init   charon initiates to our gateway A, whose connection
#                      has redirect_to = B: charon follows the REDIRECT of
#                      the IKE_SA_INIT response and is established with B
#   redirect-gw-auth   the same in IKE_AUTH (RFC 5685 6): IKE_SA_INIT selects
#                      connection "other" by address, charon's identity
#                      then "ab", which has redirect_to.  charon 5.9.8 parses
#                      the response [ IDr AUTH N(REDIR) ], logs "redirected
#                      to", then aborts ("free(): double free detected")
#                      while building its next IKE_SA_INIT: only charon
#                      taking the REDIRECT is checked, and charon restarted
#   redirect-gw-ikectl charon established with A; "ikectl redirect ab
#                      --gateway B" (INFORMATIONAL): charon moves to B
#   redirect-client    we are the client: charon redirects our established
#                      IKE SA (swanctl --redirect), we delete it and connect
#                      to B (which plays charon's identity)
# charon (5.9.8, Debian's plugins) has no redirect provider for IKE_SA_INIT
# or IKE_AUTH: as gateway it redirects established SAs only.

REDIRECT_CASES="redirect-gw-init redirect-gw-auth redirect-gw-ikectl redirect-client"
IKECTL_B="$BUILD/src/ike/ikectl -s $WORK/ikedaemon-b.ctl"

# NC and its link to NB (once); NB forwards between A and NC.
redirect_net() {
	[ -n "${NC:-}" ] && return 0
	NC=ikeint-c.$$
	ip netns add "$NC" || return 1
	ip link add vc.$$ netns "$NC" type veth peer name vd.$$ netns "$NB" || return 1
	ip -n "$NC" addr add 198.51.100.3/24 dev vc.$$
	ip -n "$NB" addr add 198.51.100.2/24 dev vd.$$
	ip -n "$NC" link set vc.$$ up && ip -n "$NC" link set lo up
	ip -n "$NB" link set vd.$$ up
	ip -n "$NC" route add 192.0.2.0/24 via 198.51.100.2
	ip -n "$NA" route add 198.51.100.0/24 via 192.0.2.2
	ip netns exec "$NB" sysctl -qw net.ipv4.ip_forward=1
}

# Gateway B in NC: $1 its identity, $2 the peer's.
start_gw_b() {
	cat > "$WORK/ike-b.conf" <<EOB
global: {
	pidfile = "$WORK/ikedaemon-b.pid";
	control_socket = "$WORK/ikedaemon-b.ctl";
	log = { default = "info"; ike = "debug"; };
};
secrets: ( { id = "$2"; psk = "$PSK"; } );
connections: ( {
	name = "gwb";
	local_addrs = ["198.51.100.3"];
	remote_addrs = ["%any"];
	local = { id = "$1"; auth = "psk"; };
	remote = { id = "$2"; auth = "psk"; };
	children = ( { name = "net"; local_ts = ["10.1.0.0/16"]; remote_ts = ["10.2.0.0/16"]; } );
} );
EOB
	chmod 600 "$WORK/ike-b.conf"
	rm -f "$WORK/ikedaemon-b.ctl"
	ip netns exec "$NC" "$BUILD/src/ike/ikedaemon" -d -f "$WORK/ike-b.conf" \
		>>"$WORK/ikedaemon-b.log" 2>&1 &
	BPID=$!
	for i in $(seq 50); do
		[ -S "$WORK/ikedaemon-b.ctl" ] && return 0
		sleep 0.1
	done
	echo "gateway B did not start"; return 1
}

stop_gw_b() {
	kill "$BPID" 2>/dev/null
	wait "$BPID" 2>/dev/null
	BPID=
}

# charon's IKE SA ba is established with remote address $2 (list-sas in $1).
sw_up_with() { grep -q 'ba: #.*ESTABLISHED' "$1" && grep -q "remote .*@ $2\[" "$1"; }

# Established IKE SAs of a daemon ($1: its ikectl).
n_up() { $1 show sa --json 2>/dev/null | grep -c '"state": *"ESTABLISHED"'; }

run_redirect_case() {
	cl=$(cat "$WORK/charon.log" 2>/dev/null | wc -l)
	redirect_net || { result "$1" "network for gateway B" 1; return; }
	case $1 in
	redirect-gw-init|redirect-gw-auth|redirect-gw-ikectl)
		our_conf '"default"' '"default"' tunnel '"10.1.0.0/16"' '"10.2.0.0/16"' 4
		[ "$1" != redirect-gw-ikectl ] &&
			sed -i 's/^\tname = "ab";$/\tname = "ab"; redirect_to = "198.51.100.3";/' \
				"$WORK/ike.conf"
		[ "$1" = redirect-gw-auth ] &&
			sed -i -e "s/^secrets: ( {/secrets: ( { id = \"c.example\"; psk = \"$PSK\"; }, {/" \
				-e 's/^connections: ( {$/connections: ( { name = "other";\
	local_addrs = ["192.0.2.1"]; remote_addrs = ["192.0.2.2"];\
	local = { id = "a.example"; auth = "psk"; };\
	remote = { id = "c.example"; auth = "psk"; };\
	children = ( { name = "net"; local_ts = ["10.1.0.0\/16"]; remote_ts = ["10.2.0.0\/16"]; } );\
}, {/' "$WORK/ike.conf"
		sw_conf default default tunnel 10.2.0.0/16 10.1.0.0/16 "$PSK" 4 0s
		start_gw_b a.example b.example || { result "$1" "gateway B" 1; return; }
		start_daemon
		echo "==== case $1" >>"$WORK/ikedaemon.log"
		swanctl --initiate --child net --uri "$VICI" --timeout 4 >"$WORK/$1-initiate.log" 2>&1
		sleep 1
		if [ "$1" = redirect-gw-ikectl ]; then
			sw_sas >"$WORK/$1-sas-before.log"
			sw_up_with "$WORK/$1-sas-before.log" '192\.0\.2\.1' &&
				[ "$(n_up "$IKECTL")" = 1 ]
			result "$1" "charon established with gateway A first" $?
			$IKECTL redirect ab --gateway 198.51.100.3 --json >"$WORK/$1-redirect.json" 2>&1
			r=$?
			[ $r = 0 ] && grep -q '"ike_sas": *1' "$WORK/$1-redirect.json"
			result "$1" "ikectl redirect ab --gateway 198.51.100.3: exit 0, 1 IKE SA" $?
			$IKECTL redirect ab --gateway 'bad host!' >/dev/null 2>&1
			[ $? = 1 ]
			result "$1" "ikectl redirect to a malformed gateway: exit 1" $?
			sleep 2
		fi
		sw_sas >"$WORK/$1-sas.log"
		$IKECTL_B show sa >"$WORK/$1-show-sa-b.txt" 2>&1
		sed -n "$((cl + 1)),\$p" "$WORK/charon.log" >"$WORK/$1-charon.log"
		if [ "$1" = redirect-gw-auth ]; then
			grep -q 'redirected to 198.51.100.3 in IKE_AUTH' "$WORK/ikedaemon.log" &&
				grep -q 'parsed IKE_AUTH response 1 \[ IDr AUTH N(REDIR) \]' \
					"$WORK/$1-charon.log" &&
				grep -q 'redirected to 198\.51\.100\.3' "$WORK/$1-charon.log"
			result "$1" "REDIRECT in the IKE_AUTH response, taken by charon" $?
			kill -0 "$CPID" 2>/dev/null || { echo "note: charon died after the IKE_AUTH redirect ($(tail -1 "$WORK/charon.out")), restarted"; start_charon; }
		else
			grep -q 'redirected to 198\.51\.100\.3' "$WORK/$1-charon.log" &&
				sw_up_with "$WORK/$1-sas.log" '198\.51\.100\.3' &&
				[ "$(n_up "$IKECTL_B")" = 1 ] && [ "$(n_up "$IKECTL")" = 0 ]
			result "$1" "charon redirected by A, established with B" $?
		fi
		terminate_all
		stop_daemon
		stop_gw_b ;;
	redirect-client)
		our_conf '"default"' '"default"' tunnel '"10.1.0.0/16"' '"10.2.0.0/16"' 4
		sw_conf default default tunnel 10.2.0.0/16 10.1.0.0/16 "$PSK" 4 0s
		start_gw_b b.example a.example || { result "$1" "gateway B" 1; return; }
		start_daemon
		echo "==== case $1" >>"$WORK/ikedaemon.log"
		$IKECTL initiate ab --async >>"$WORK/ikectl.log" 2>&1
		sleep 1
		swanctl --redirect --ike ba --gateway 198.51.100.3 --uri "$VICI" \
			>"$WORK/$1-redirect.log" 2>&1
		sleep 2
		$IKECTL show sa >"$WORK/$1-show-sa.txt" 2>&1
		$IKECTL show sa --json >"$WORK/$1-show-sa.json" 2>&1
		sw_sas >"$WORK/$1-sas.log"
		grep -q 'redirected from 192.0.2.2, initiating to 198.51.100.3' "$WORK/ikedaemon.log" &&
			[ "$(n_up "$IKECTL")" = 1 ] && grep -q '198\.51\.100\.3' "$WORK/$1-show-sa.json" &&
			[ "$(n_up "$IKECTL_B")" = 1 ] && ! grep -q 'ba: #.*ESTABLISHED' "$WORK/$1-sas.log"
		result "$1" "charon redirected us, established with B, old SA deleted" $?
		$IKECTL terminate ab --async >/dev/null 2>&1
		sleep 0.5
		stop_daemon
		stop_gw_b ;;
	*) echo "unknown case $1"; rc=1 ;;
	esac
}
