# Shell functions shared by tests/engine/ikeload-smoke.sh and
# tests/bench/run.sh (sourced, POSIX sh): two network namespaces joined by
# a veth pair, the generator's (LOAD_NG: 192.0.2.1, with an AnyIP route of
# 10.16.0.0/12 so every address of the block is local) and the
# responder's (LOAD_NR: 192.0.2.2, routing the block back), and one
# responder at a time in LOAD_NR: strongSwan's charon or ikedaemon, both
# as PSK responders with the identity resp.example accepting any peer
# identity, proposals $LOAD_PROPOSAL (default aes256gcm16-prfsha256-x25519)
# and one CHILD SA (aes256gcm16, dynamic selectors).
#
# Needs: LOAD_BUILD (build directory), LOAD_WORK (scratch directory).
# Knobs: LOAD_COOKIE (cookie threshold, both daemons; default 30, ikedaemon's
# default), LOAD_LOG (info | quiet), LOAD_PSK.
LOAD_CHARON=/usr/lib/ipsec/charon
LOAD_PSK=${LOAD_PSK:-ikeload-test-psk-0123456789abcdef}
LOAD_PROPOSAL=${LOAD_PROPOSAL:-aes256gcm16-prfsha256-x25519}
LOAD_COOKIE=${LOAD_COOKIE:-30}
LOAD_LOG=${LOAD_LOG:-info}
LOAD_NG=ikeload-g.$$
LOAD_NR=ikeload-r.$$
LOAD_PID=

load_can_run() {
	[ "$(id -u)" = 0 ] && [ -x "$LOAD_CHARON" ] && command -v swanctl >/dev/null
}

load_netns_up() {
	ip netns add "$LOAD_NG" && ip netns add "$LOAD_NR" || return 1
	ip link add lg.$$ netns "$LOAD_NG" type veth peer name lr.$$ netns "$LOAD_NR" || return 1
	ip -n "$LOAD_NG" addr add 192.0.2.1/24 dev lg.$$
	ip -n "$LOAD_NR" addr add 192.0.2.2/24 dev lr.$$
	ip -n "$LOAD_NG" link set lg.$$ up && ip -n "$LOAD_NG" link set lo up
	ip -n "$LOAD_NR" link set lr.$$ up && ip -n "$LOAD_NR" link set lo up
	ip -n "$LOAD_NG" route add local 10.16.0.0/12 dev lo
	ip -n "$LOAD_NR" route add 10.16.0.0/12 via 192.0.2.1
}

load_stop() {
	if [ -n "$LOAD_PID" ]; then
		kill "$LOAD_PID" 2>/dev/null
		wait "$LOAD_PID" 2>/dev/null
	fi
	LOAD_PID=
}

load_netns_down() {
	load_stop
	ip netns del "$LOAD_NG" 2>/dev/null
	ip netns del "$LOAD_NR" 2>/dev/null
}

# Runs a command in the generator's namespace.
load_gen() {
	ip netns exec "$LOAD_NG" "$@"
}

load_wait_socket() {	# $1 path
	for _i in $(seq 100); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# charon with its default thread pool and a raised IKE SA table (its
# documentation's advice for many SAs).
load_start_charon() {
	_ld=$LOAD_WORK/charon
	rm -rf "$_ld" && mkdir -p "$_ld"
	if [ "$LOAD_LOG" = quiet ]; then lvl=-1; else lvl=1; fi
	cat >"$_ld/strongswan.conf" <<EOC
charon {
	load = random nonce openssl kdf pem pkcs1 x509 revocation constraints pubkey curve25519 kernel-netlink socket-default vici
	install_routes = no
	ikesa_table_size = 65536
	ikesa_table_segments = 64
	cookie_threshold = $LOAD_COOKIE
	init_limit_half_open = 0
	plugins {
		vici { socket = unix://$_ld/vici }
	}
	filelog {
		log { path = $_ld/charon.log
		      default = $lvl
		}
	}
}
EOC
	cat >"$_ld/swanctl.conf" <<EOC
connections {
	load {
		local_addrs = 192.0.2.2
		proposals = $LOAD_PROPOSAL
		local {
			auth = psk
			id = resp.example
		}
		remote {
			auth = psk
		}
		children {
			net {
				esp_proposals = aes256gcm16
			}
		}
	}
}
secrets {
	ike-any {
		secret = $LOAD_PSK
	}
}
EOC
	ip netns exec "$LOAD_NR" unshare -m sh -c \
		"mount -t tmpfs tmpfs /run; STRONGSWAN_CONF=$_ld/strongswan.conf exec $LOAD_CHARON" \
		>"$_ld/charon.out" 2>&1 &
	LOAD_PID=$!
	load_wait_socket "$_ld/vici" || { echo "charon did not start"; return 1; }
	swanctl --load-all --file "$_ld/swanctl.conf" --uri "unix://$_ld/vici" >"$_ld/load.log" 2>&1 ||
		{ echo "swanctl --load-all failed"; cat "$_ld/load.log"; return 1; }
	LOAD_DAEMON_PID=$(pgrep -P "$LOAD_PID" 2>/dev/null || echo "$LOAD_PID")
}

load_start_ikedaemon() {
	_ld=$LOAD_WORK/ikedaemon
	rm -rf "$_ld" && mkdir -p "$_ld"
	if [ "$LOAD_LOG" = quiet ]; then lvl=warn; else lvl=info; fi
	cat >"$_ld/ike.conf" <<EOC
global: {
	listen = ["192.0.2.2"];
	pidfile = "$_ld/ikedaemon.pid";
	control_socket = "$_ld/ikedaemon.ctl";
	cookie_threshold = $LOAD_COOKIE;
	half_open_limit = 1000000;
	log = { default = "$lvl"; };
};
secrets: ( { id = "resp.example"; psk = "$LOAD_PSK"; } );
connections: ( {
	name = "load";
	local_addrs = ["192.0.2.2"];
	local = { id = "resp.example"; auth = "psk"; };
	remote = { auth = "psk"; };
	proposals = ["$LOAD_PROPOSAL"];
	children = ( { name = "net"; esp_proposals = ["aes256gcm16"]; } );
} );
EOC
	chmod 600 "$_ld/ike.conf"
	ip netns exec "$LOAD_NR" "$LOAD_BUILD/src/ike/ikedaemon" -d -f "$_ld/ike.conf" \
		>"$_ld/ikedaemon.log" 2>&1 &
	LOAD_PID=$!
	load_wait_socket "$_ld/ikedaemon.ctl" || { echo "ikedaemon did not start"; cat "$_ld/ikedaemon.log"; return 1; }
	LOAD_DAEMON_PID=$LOAD_PID
}

# ikeload against the responder; extra arguments are ikeload's.
load_run() {
	load_gen "$LOAD_BUILD/tools/ikeload/ikeload" -p 192.0.2.2 -k "$LOAD_PSK" \
		--peer-id resp.example "$@"
}
