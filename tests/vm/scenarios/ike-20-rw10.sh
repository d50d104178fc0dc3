# Remote access at scale (issue 15): ten strongSwan road warriors, each in
# its own namespace behind its own link, connect at once to one ikedaemon
# gateway (one connection, remote %any, one group PSK) and
# each asks for a virtual address (vips = 0.0.0.0).  Checked:
#   - every client gets its own address from the gateway's pool (ikectl
#     show pools: 10 leases online, all distinct) and pings the host behind
#     the gateway (10.0.0.1) from it through ESP;
#   - a client that disconnects leaves its lease offline; when it
#     connects again it gets the same address back and traffic flows.
. "$VM_DIR/ike/ike-lib.sh"

N=${RW_CLIENTS:-10}
GW=$SCENARIO-gw
GWD=$SCEN_TMP/gw
PSK=vm-rw-group-key-0123456789
mkdir -p "$GWD"

rw_ctl() {
	"$IKECTL" -s "$GWD/ikedaemon.ctl" "$@"
}

# swanctl of client I
rw_swanctl() {
	i=$1 cmd=$2
	shift 2
	STRONGSWAN_CONF=$SCEN_TMP/c$i/strongswan.conf swanctl "$cmd" --uri "unix:///tmp/$SCENARIO-c$i.vici" "$@"
}

fail() {
	echo "  [$SCENARIO +$(( $(_ike_now) - _ike_t0 ))s] FAIL: $*"
	if [ -z "$_ike_dumped" ]; then
		_ike_dumped=1
		echo "--- gateway: ikectl show pools / sa"
		rw_ctl show pools 2>&1 | head -40
		rw_ctl show sa 2>&1 | head -60
		echo "--- gateway log (last 60 lines)"
		tail -n 60 "$GWD/ikedaemon.log" 2>/dev/null
		for f in "$SCEN_TMP"/c*/charon.log; do
			[ -f "$f" ] || continue
			echo "--- $f (last 15 lines)"
			tail -n 15 "$f"
		done
		mkdir -p "$VM_OUT/$SCENARIO" && cp -r "$SCEN_TMP"/. "$VM_OUT/$SCENARIO/" 2>/dev/null
	fi
	exit 1
}
trap 'fail "terminated (scenario time limit?)"' TERM INT

# ---- topology: the gateway with one link per client -----------------------
ns_add "$GW"
# decapsulated packets from every client come in on its own link while the
# route to the pool points at one of them: no reverse-path filter here
ip netns exec "$GW" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
ns_addr "$GW" 10.0.0.1/32
for i in $(seq 1 "$N"); do
	ns_add "$SCENARIO-c$i"
	veth_link "$GW" "c$i" "172.16.$i.1/24" "$SCENARIO-c$i" wan "172.16.$i.2/24"
	ip -n "$SCENARIO-c$i" route add 10.0.0.0/24 dev wan || fail "route in client $i"
done
# the pool's replies leave through the policies; a route must exist first
ip -n "$GW" route add 10.3.0.0/24 dev c1 || fail "route to the pool"

cat >"$GWD/ike.conf" <<CONF
global: {
	pidfile = "$GWD/ikedaemon.pid";
	control_socket = "$GWD/ikedaemon.ctl";
	log = { default = "info"; ike = "info"; };
};
pools: ( { name = "rw"; addrs = "10.3.0.0/24"; dns = ["10.0.0.53"]; } );
# one group key, found by our own identity (strongSwan's meaning)
secrets: ( { id = "gw.example.org"; psk = "$PSK"; } );
connections: ( {
	name = "rw";
	remote_addrs = ["%any"];
	local = { id = "gw.example.org"; auth = "psk"; };
	remote = { id = "%any"; auth = "psk"; };
	proposals = ["aes256gcm16-prfsha256-x25519"];
	pools = ["rw"];
	children = ( { name = "net"; local_ts = ["10.0.0.0/24"]; remote_ts = ["dynamic"];
		       esp_proposals = ["aes256gcm16"]; } );
} );
CONF
chmod 600 "$GWD/ike.conf"
out=$("$IKEDAEMON" -n -f "$GWD/ike.conf" 2>&1) || fail "gateway configuration refused: $out"
bg_log "$GWD/ikedaemon.log" "$GW" "$IKEDAEMON" -d -f "$GWD/ike.conf"
wait_for "$IKE_START_TIMEOUT" "the gateway answering" rw_ctl show conns
info "gateway up: $N clients to start"

# ---- the clients ------------------------------------------------------------
rw_client_start() {
	i=$1 d=$SCEN_TMP/c$1 ns=$SCENARIO-c$1
	mkdir -p "$d"
	cat >"$d/strongswan.conf" <<CONF
charon {
	load = random nonce openssl kdf pem pkcs1 x509 pubkey kernel-netlink socket-default vici
	install_routes = no
	threads = 8
	retransmit_timeout = 3
	retransmit_tries = 5
	plugins {
		openssl {
			load_legacy = no
		}
		vici {
			socket = unix:///tmp/$ns.vici
		}
	}
	filelog {
		scenario {
			path = $d/charon.log
			time_format = %H:%M:%S
			flush_line = yes
			default = 1
			ike = 2
			cfg = 1
		}
	}
}
swanctl {
	load = pem pkcs1 x509 pubkey openssl random
}
CONF
	cat >"$d/swanctl.conf" <<CONF
connections {
	rw {
		version = 2
		local_addrs = 172.16.$i.2
		remote_addrs = 172.16.$i.1
		vips = 0.0.0.0
		proposals = aes256gcm16-prfsha256-x25519
		local {
			auth = psk
			id = rw$i.example.org
		}
		remote {
			auth = psk
			id = gw.example.org
		}
		children {
			net {
				local_ts = dynamic
				remote_ts = 10.0.0.0/24
				esp_proposals = aes256gcm16
			}
		}
	}
}
secrets {
	ike-gw {
		id-1 = gw.example.org
		id-2 = rw$i.example.org
		secret = "$PSK"
	}
}
CONF
	rm -f "/tmp/$ns.vici"
	bg_log "$d/charon.out" "$ns" unshare -m sh -c \
		"mount -t tmpfs tmpfs /run && STRONGSWAN_CONF=$d/strongswan.conf exec $CHARON"
}

rw_client_load() {
	i=$1
	wait_for "$IKE_START_TIMEOUT" "charon of client $i" test -S "/tmp/$SCENARIO-c$i.vici"
	out=$(rw_swanctl "$i" --load-creds --noprompt --file "$SCEN_TMP/c$i/swanctl.conf" 2>&1) ||
		fail "swanctl --load-creds in client $i: $out"
	out=$(rw_swanctl "$i" --load-conns --file "$SCEN_TMP/c$i/swanctl.conf" 2>&1) ||
		fail "swanctl --load-conns in client $i: $out"
}

# the client's virtual address, as charon installed it
rw_vip() {
	ip -n "$SCENARIO-c$1" -4 -o addr show | awk '{ sub("/.*", "", $4); if ($4 ~ /^10\.3\.0\./) print $4 }' | head -n 1
}

rw_up() {
	rw_swanctl "$1" --list-sas --ike rw 2>/dev/null | grep -q INSTALLED && [ -n "$(rw_vip "$1")" ]
}

rw_ping() {
	vip=$(rw_vip "$1")
	ip netns exec "$SCENARIO-c$1" ping -q -c 3 -i 0.3 -W 3 -I "$vip" 10.0.0.1 >"$SCEN_TMP/c$1/ping.out" 2>&1 ||
		fail "client $1: no ping from $vip to 10.0.0.1 through the tunnel: $(cat "$SCEN_TMP/c$1/ping.out")"
}

for i in $(seq 1 "$N"); do rw_client_start "$i"; done
for i in $(seq 1 "$N"); do rw_client_load "$i"; done
info "$N clients loaded; all initiate at once"
inits=""
for i in $(seq 1 "$N"); do
	rw_swanctl "$i" --initiate --child net --timeout 90 >"$SCEN_TMP/c$i/initiate.out" 2>&1 &
	inits="$inits $!"
done
# (not a bare wait: the daemons are children of this shell too)
for p in $inits; do wait "$p"; done
for i in $(seq 1 "$N"); do
	wait_for 60 "client $i up with a virtual address" rw_up "$i"
done
info "all $N clients up"

vips=""
for i in $(seq 1 "$N"); do
	v=$(rw_vip "$i")
	vips="$vips $v"
	rw_ping "$i"
done
distinct=$(printf '%s\n' $vips | sort -u | wc -l)
assert_eq "distinct virtual addresses" "$distinct" "$N"
info "virtual addresses:$vips; every client pinged 10.0.0.1 through ESP"
pools=$(rw_ctl show pools --json) || fail "ikectl show pools --json"
online=$(printf '%s' "$pools" | jq '.pools[0].online')
assert_eq "leases online" "$online" "$N"
sas=$(ip -n "$GW" xfrm state | grep -c '^src')
[ "$sas" -ge $((2 * N)) ] || fail "gateway has $sas ESP SAs, want at least $((2 * N))"
for i in $(seq 1 "$N"); do
	v=$(rw_vip "$i")
	printf '%s' "$pools" | jq -e --arg a "$v" --arg id "rw$i.example.org" \
		'.pools[0].leases | map(select(.addr == $a and .id == $id and .online)) | length == 1' >/dev/null ||
		fail "no online lease $v for rw$i.example.org in: $pools"
done

# ---- a client leaves and comes back ----------------------------------------
v3=$(rw_vip 3)
out=$(rw_swanctl 3 --terminate --ike rw --timeout 30 2>&1) || fail "client 3 terminate: $out"
wait_for 30 "the lease of client 3 offline" sh -c \
	"'$IKECTL' -s '$GWD/ikedaemon.ctl' show pools --json | jq -e '.pools[0].leases | map(select(.id == \"rw3.example.org\" and .online == false)) | length == 1'"
online=$(rw_ctl show pools --json | jq '.pools[0].online')
assert_eq "leases online after client 3 left" "$online" "$((N - 1))"
info "client 3 left: its lease $v3 is offline, $online online"
out=$(rw_swanctl 3 --initiate --child net --timeout 60 2>&1) || fail "client 3 reconnect: $out"
wait_for 60 "client 3 up again" rw_up 3
assert_eq "client 3's address after reconnecting" "$(rw_vip 3)" "$v3"
rw_ping 3
info "client 3 reconnected with its address $v3 back; traffic flows"
rw_ctl show pools
