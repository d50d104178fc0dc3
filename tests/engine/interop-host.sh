#!/bin/sh
# IKE_SA_INIT + IKE_AUTH between ikedaemon and strongSwan's charon on the
# host, in two network namespaces joined by a veth pair (A: ikedaemon,
# 192.0.2.1 / 2001:db8::1; B: charon, 192.0.2.2 / 2001:db8::2).  The host
# kernel has no ESP (VM-HARNESS.md): CHILD SA installation fails on both
# sides, which is expected here; what this checks is that each side
# accepts the other's messages and AUTH, in both roles, per case:
#   default      default proposals, tunnel, both directions
#   invalid-ke   we allow ECP-256 only: charon's X25519 KE gets INVALID_KE
#   modp-cbc     AES-CBC/SHA-256/MODP-2048 on both sides
#   transport    transport mode, dynamic selectors
#   ipv6         IPv6 outer addresses
#   wrong-psk    charon holds another key: AUTHENTICATION_FAILED, no SA
#   esp-mismatch no common ESP proposal: IKE SA up, NO_PROPOSAL_CHOSEN
#   dpd          charon checks liveness every 2 s; we answer
#   trap         our trap policy: traffic (a ping) makes us initiate
#   imported     our side from a swanctl.conf for A (written as for charon)
#                through "ikectl import-swanctl": it loads, nothing is left
#                out, and it comes up against the original charon side
#   rw-gw        charon as a road warrior (vips = 0.0.0.0) gets an address
#                from our pool (its log: "installing new virtual IP"; the
#                lease online in "ikectl show pools", offline after)
#   rw-client    we ask charon's pool (vips): the address and DNS in
#                "ikectl show sa", on our lo, gone with the IKE SA
#   pk-*         certificates (interop-pk-cases.sh)
#   childless-*, unique-replace, encap-*, ports-4500  childless IKE SAs both
#                ways, a charon that crashed and reconnects, forced UDP
#                encapsulation both ways, IKE on port 4500 from the start
#                (interop-peer-cases.sh)
#   eap-*        EAP-MD5, EAP-MSCHAPv2 and EAP-TLS, we as gateway and as client
#                (interop-eap-cases.sh)
#   eap-radius-* EAP relayed to FreeRADIUS (interop-radius-cases.sh)
#   redirect-*   RFC 5685: charon redirected by us to a second ikedaemon,
#                and we redirected by charon (interop-redirect-cases.sh)
# After "default" and "wrong-psk", ikectl metrics and GET /metrics must
# pass promtool and have counted both handshakes (completed / failed).
#
# With IKE_INTEROP_ESP=1 (a kernel with ESP: tests/engine/vm-interop.sh
# runs this in the VM) every established case must also have its CHILD SA
# installed on both sides and carry a ping through ESP.
#
# usage: interop-host.sh BUILDDIR WORKDIR [CASE...]
# exit: 0 all cases passed, 1 a failure, 77 not root / no charon.
set -u
BUILD=$(cd "$1" && pwd)
WORK=$2
shift 2
SRCDIR_TESTS=$(cd "$(dirname "$0")" && pwd)
. "$SRCDIR_TESTS/interop-pk-cases.sh"
. "$SRCDIR_TESTS/interop-peer-cases.sh"
. "$SRCDIR_TESTS/interop-eap-cases.sh"
. "$SRCDIR_TESTS/interop-radius-cases.sh"
. "$SRCDIR_TESTS/interop-redirect-cases.sh"
CASES=${*:-default invalid-ke modp-cbc transport ipv6 wrong-psk esp-mismatch dpd trap imported rw-gw rw-client $PK_CASES $PEER_CASES $EAP_CASES $RADIUS_CASES $REDIRECT_CASES}
CHARON=/usr/lib/ipsec/charon
[ "$(id -u)" = 0 ] || exit 77
[ -x "$CHARON" ] && command -v swanctl >/dev/null || exit 77
command -v promtool >/dev/null || { echo "promtool missing (Debian package prometheus)"; exit 1; }
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
NA=ikeint-a.$$ NB=ikeint-b.$$
PSK=interop-test-psk-0123456789
VICI="unix://$WORK/sw.vici"
IKECTL="$BUILD/src/ike/ikectl -s $WORK/ikedaemon.ctl"
PKI=$WORK/pki

cleanup() {
	[ -n "${DPID:-}" ] && kill "$DPID" 2>/dev/null
	[ -n "${CPID:-}" ] && kill "$CPID" 2>/dev/null
	[ -n "${RPID:-}" ] && kill "$RPID" 2>/dev/null
	[ -n "${BPID:-}" ] && kill "$BPID" 2>/dev/null
	sleep 0.3
	[ -n "${NC:-}" ] && ip netns del "$NC" 2>/dev/null
	ip netns del "$NA" 2>/dev/null
	ip netns del "$NB" 2>/dev/null
}
trap cleanup EXIT INT TERM

ip netns add "$NA" && ip netns add "$NB" || exit 1
ip link add va.$$ netns "$NA" type veth peer name vb.$$ netns "$NB" || exit 1
ip -n "$NA" addr add 192.0.2.1/24 dev va.$$
ip -n "$NB" addr add 192.0.2.2/24 dev vb.$$
ip -n "$NA" addr add 2001:db8::1/64 dev va.$$ nodad
ip -n "$NB" addr add 2001:db8::2/64 dev vb.$$ nodad
ip -n "$NA" link set va.$$ up && ip -n "$NA" link set lo up
ip -n "$NB" link set vb.$$ up && ip -n "$NB" link set lo up
# inner addresses behind each side, for traffic through the tunnel
ip -n "$NA" addr add 10.1.0.1/32 dev lo
ip -n "$NB" addr add 10.2.0.1/32 dev lo
ip -n "$NA" addr add 2001:db8:1::1/128 dev lo
ip -n "$NB" addr add 2001:db8:2::1/128 dev lo
ip -n "$NA" route add 10.2.0.0/16 dev va.$$ src 10.1.0.1
ip -n "$NB" route add 10.1.0.0/16 dev vb.$$ src 10.2.0.1
ip -n "$NA" -6 route add 2001:db8:2::/48 dev va.$$ src 2001:db8:1::1
ip -n "$NB" -6 route add 2001:db8:1::/48 dev vb.$$ src 2001:db8:2::1
ESP=${IKE_INTEROP_ESP:-0}

mkdir -p "$WORK/sw"
cat > "$WORK/sw/strongswan.conf" <<EOF
charon {
	load = random nonce openssl kdf pem pkcs1 pkcs8 x509 revocation constraints pubkey curve25519 eap-identity eap-md5 eap-mschapv2 eap-tls kernel-netlink socket-default vici updown
	install_routes = no
	retransmit_timeout = 1
	retransmit_tries = $((2 + 3 * ESP))
	plugins {
		vici { socket = $VICI }
	}
	filelog {
		log { path = $WORK/charon.log
		      flush_line = yes
		      default = 1
		      ike = 2
		      cfg = 2
		      enc = 1
		}
	}
}
EOF
# charon in B, with a /run of its own; waits for its VICI socket
start_charon() {
	rm -f "$WORK/sw.vici"
	ip netns exec "$NB" unshare -m sh -c "mount -t tmpfs tmpfs /run; STRONGSWAN_CONF=$WORK/sw/strongswan.conf exec $CHARON" \
		>>"$WORK/charon.out" 2>&1 &
	CPID=$!
	for i in $(seq 100); do
		[ -S "$WORK/sw.vici" ] && break
		sleep 0.1
	done
}
start_charon

# swanctl.conf for charon: $1 proposals, $2 esp_proposals, $3 mode,
# $4 local_ts, $5 remote_ts, $6 psk, $7 family (4 or 6), $8 dpd_delay;
# with $9 = a, the same written for side A (as a strongSwan user there
# would have it), on standard output.
sw_conf() {
	if [ "$7" = 6 ]; then la=2001:db8::2 ra=2001:db8::1; else la=192.0.2.2 ra=192.0.2.1; fi
	name=ba lid=b.example rid=a.example
	if [ "${9:-b}" = a ]; then
		name=ab lid=a.example rid=b.example
		t=$la; la=$ra; ra=$t
	fi
	sw_text "$@" > "$WORK/sw/swanctl-$name.conf"
	[ "${9:-b}" = a ] && { cat "$WORK/sw/swanctl-$name.conf"; return; }
	cp "$WORK/sw/swanctl-$name.conf" "$WORK/sw/swanctl.conf"
	swanctl --load-all --clear --file "$WORK/sw/swanctl.conf" --uri "$VICI" \
		>"$WORK/swanctl-load.log" 2>&1 || { echo "swanctl --load-all failed"; exit 1; }
}

sw_text() {
	cat <<EOF
connections {
	$name {
		local_addrs = $la
		remote_addrs = $ra
		proposals = $1
		dpd_delay = $8
		local {
			auth = psk
			id = $lid
		}
		remote {
			auth = psk
			id = $rid
		}
		children {
			net {
				local_ts = $4
				remote_ts = $5
				mode = $3
				esp_proposals = $2
			}
		}
	}
}
secrets {
	ike-peer {
		id = $rid
		secret = $6
	}
}
EOF
}

# ike.conf for us: $1 proposals, $2 esp_proposals, $3 mode, $4 local_ts,
# $5 remote_ts, $6 family, $7 start_action (default none)
our_conf() {
	if [ "$6" = 6 ]; then la=2001:db8::1 ra=2001:db8::2; else la=192.0.2.1 ra=192.0.2.2; fi
	cat > "$WORK/ike.conf" <<EOF
global: {
	pidfile = "$WORK/ikedaemon.pid";
	control_socket = "$WORK/ikedaemon.ctl";
	log = { default = "info"; ike = "debug"; };
	metrics = { listen = "127.0.0.1:9273"; };
};
secrets: ( { id = "b.example"; psk = "$PSK"; } );
connections: ( {
	name = "ab";
	local_addrs = ["$la"];
	remote_addrs = ["$ra"];
	local = { id = "a.example"; auth = "psk"; };
	remote = { id = "b.example"; auth = "psk"; };
	proposals = [$1];
	children = ( { name = "net"; local_ts = [$4]; remote_ts = [$5]; mode = "$3";
		       esp_proposals = [$2]; start_action = "${7:-none}"; } );
} );
EOF
	chmod 600 "$WORK/ike.conf"
}

start_daemon() {
	ip netns exec "$NA" "$BUILD/src/ike/ikedaemon" -d -f "$WORK/ike.conf" >>"$WORK/ikedaemon.log" 2>&1 &
	DPID=$!
	for i in $(seq 50); do
		[ -S "$WORK/ikedaemon.ctl" ] && [ -S "$WORK/sw.vici" ] && return 0
		sleep 0.1
	done
	echo "ikedaemon or charon did not start"; exit 1
}

stop_daemon() {
	kill "$DPID" 2>/dev/null
	wait "$DPID" 2>/dev/null
	DPID=
	rm -f "$WORK/ikedaemon.ctl"
}

sw_sas() { swanctl --list-sas --uri "$VICI" 2>&1; }
sw_up() { sw_sas | grep -q 'ba: #.*ESTABLISHED'; }
terminate_all() {
	swanctl --terminate --ike ba --uri "$VICI" --timeout 3 >/dev/null 2>&1
	sleep 0.5
}

rc=0
result() {	# $1 case, $2 direction, $3 0/1
	if [ "$3" = 0 ]; then echo "PASS $1 ($2)"; else echo "FAIL $1 ($2)"; rc=1; fi
	echo "==== $1 ($2): $3" >>"$WORK/ikedaemon.log"
}

# Establish in both directions; $1 case, $2 expected: up | none | nochild
both_ways() {
	echo "==== case $1: ikedaemon initiates" >>"$WORK/ikedaemon.log"
	$IKECTL initiate ab --async >>"$WORK/ikectl.log" 2>&1
	sleep $((1 + 4 * ESP))
	sw_sas >"$WORK/$1-sas-we.log"
	check "$1" "ikedaemon->charon" "$2" "$WORK/$1-sas-we.log"
	terminate_all
	echo "==== case $1: charon initiates" >>"$WORK/ikedaemon.log"
	swanctl --initiate --child net --uri "$VICI" --timeout $((4 + 12 * ESP)) \
		>"$WORK/$1-initiate.log" 2>&1
	sleep 0.5
	sw_sas >"$WORK/$1-sas-sw.log"
	check "$1" "charon->ikedaemon" "$2" "$WORK/$1-sas-sw.log"
	terminate_all
}

# A ping from A's inner address to B's through the CHILD SA; both
# kernels' SAs must count it.
esp_traffic() {	# $1 case
	case $1 in
	transport) src=192.0.2.1 dst=192.0.2.2 ;;
	ipv6) src=2001:db8:1::1 dst=2001:db8:2::1 ;;
	*) src=10.1.0.1 dst=10.2.0.1 ;;
	esac
	ip netns exec "$NA" ping -c 3 -i 0.2 -W 2 -I "$src" "$dst" >>"$WORK/$1-ping.log" 2>&1
	ok=$?
	for n in a b; do
		ns=$NA; [ $n = b ] && ns=$NB
		{ ip -n "$ns" -s xfrm state; ip -n "$ns" xfrm policy;
		  ip netns exec "$ns" cat /proc/net/xfrm_stat; } >>"$WORK/$1-xfrm-$n.log" 2>&1
	done
	[ $ok = 0 ] && grep -q '[1-9][0-9]*(bytes)' "$WORK/$1-xfrm-a.log" &&
		grep -q '[1-9][0-9]*(bytes)' "$WORK/$1-xfrm-b.log"
}

check() {	# $1 case, $2 direction, $3 expected, $4 list-sas output
	up=1; child=1
	grep -q 'ba: #.*ESTABLISHED' "$4" && up=0
	grep -q 'net: #.*INSTALLED' "$4" && child=0
	case $3 in
	up) if [ "$ESP" = 1 ]; then
		[ $up = 0 ] && [ $child = 0 ] && esp_traffic "$1"
	    else
		[ $up = 0 ]
	    fi
	    result "$1" "$2" $? ;;
	none) [ $up = 1 ]; result "$1" "$2" $? ;;
	nochild) [ $up = 0 ] && [ $child = 1 ]; result "$1" "$2" $? ;;
	esac
}

# After a case's two exchanges: the metrics (ikectl and GET /metrics) pass
# promtool and counted them.  $1 case, $2 a line /metrics must hold.
metrics_check() {
	m="$WORK/$1-metrics"
	$IKECTL metrics >"$m.ctl" 2>&1 &&
		ip netns exec "$NA" python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen("http://127.0.0.1:9273/metrics", timeout=5).read().decode())' \
			>"$m.http" 2>&1 &&
		promtool check metrics <"$m.ctl" >"$m.promtool" 2>&1 &&
		promtool check metrics <"$m.http" >>"$m.promtool" 2>&1 &&
		grep -qx "$2" "$m.http"
	result "$1" "metrics: $2" $?
}

# Road warriors (configuration payload, RFC 7296 3.15).  Without ESP on
# the host the CHILD SA fails on both sides: the IKE SA, the address and
# the lease are what is checked.  $1: rw-gw or rw-client.
rw_confs() {
	if [ "$1" = rw-gw ]; then
		pools='pools: ( { name = "rw"; addrs = "10.3.0.0/24"; dns = ["10.3.0.53"];
	   subnets = ["10.1.0.0/16"]; } );'
		ours='pools = ["rw"];' our_l='"10.1.0.0/16"' our_r='"dynamic"'
		sw_vips='vips = 0.0.0.0' sw_pools='' sw_l=dynamic sw_r=10.1.0.0/16
	else
		pools='' ours='vips = ["0.0.0.0"];' our_l='"dynamic"' our_r='"10.2.0.0/16"'
		sw_vips='pools = rw' sw_l=10.2.0.0/16 sw_r=dynamic
		sw_pools='pools { rw { addrs = 10.4.0.0/24
	dns = 10.4.0.53 } }'
	fi
	cat > "$WORK/ike.conf" <<EOF
global: {
	pidfile = "$WORK/ikedaemon.pid";
	control_socket = "$WORK/ikedaemon.ctl";
	log = { default = "info"; ike = "debug"; };
};
$pools
secrets: ( { id = "b.example"; psk = "$PSK"; } );
connections: ( {
	name = "ab";
	local_addrs = ["192.0.2.1"];
	remote_addrs = ["192.0.2.2"];
	local = { id = "a.example"; auth = "psk"; };
	remote = { id = "b.example"; auth = "psk"; };
	$ours
	children = ( { name = "net"; local_ts = [$our_l]; remote_ts = [$our_r]; } );
} );
EOF
	chmod 600 "$WORK/ike.conf"
	cat > "$WORK/sw/swanctl.conf" <<EOF
connections {
	ba {
		local_addrs = 192.0.2.2
		remote_addrs = 192.0.2.1
		$sw_vips
		local { auth = psk
			id = b.example }
		remote { auth = psk
			id = a.example }
		children { net { local_ts = $sw_l
				 remote_ts = $sw_r } }
	}
}
$sw_pools
secrets { ike-peer { id = a.example
		     secret = $PSK } }
EOF
	swanctl --load-all --clear --file "$WORK/sw/swanctl.conf" --uri "$VICI" \
		>"$WORK/swanctl-load.log" 2>&1 || { echo "swanctl --load-all failed"; exit 1; }
}

# $1 file: ikectl show pools --json; $2 python assertion on pool p
pools_json() {
	python3 -c 'import json, sys
p = json.load(open(sys.argv[1]))["pools"][0]
assert eval(sys.argv[2]), p' "$1" "$2" 2>>"$WORK/pools-check.log"
}

run_rw_case() {
	rw_confs "$1"
	start_daemon
	echo "==== case $1" >>"$WORK/ikedaemon.log"
	if [ "$1" = rw-gw ]; then
		swanctl --initiate --child net --uri "$VICI" --timeout 4 >"$WORK/$1-initiate.log" 2>&1
		sleep 0.5
		sw_sas >"$WORK/$1-sas.log"
		$IKECTL show pools >"$WORK/$1-pools.txt" 2>&1
		$IKECTL show pools --json >"$WORK/$1-pools.json" 2>&1
		grep -q 'ba: #.*ESTABLISHED' "$WORK/$1-sas.log" &&
			grep -q 'installing new virtual IP 10\.3\.0\.1$' "$WORK/charon.log" &&
			grep -q '10\.3\.0\.1.*b\.example online' "$WORK/$1-pools.txt" &&
			pools_json "$WORK/$1-pools.json" '(p["name"], p["online"], p["leases"][0]["addr"],
 p["leases"][0]["id"]) == ("rw", 1, "10.3.0.1", "b.example")'
		result "$1" "charon gets 10.3.0.1 from our pool" $?
		terminate_all
		$IKECTL show pools --json >"$WORK/$1-pools-after.json" 2>&1
		pools_json "$WORK/$1-pools-after.json" 'p["online"] == 0 and p["offline"] == 1'
		result "$1" "the lease offline after the IKE SA" $?
	else
		$IKECTL initiate ab --async >>"$WORK/ikectl.log" 2>&1
		sleep 1
		sw_sas >"$WORK/$1-sas.log"
		$IKECTL show sa >"$WORK/$1-show-sa.txt" 2>&1
		ip -n "$NA" addr show dev lo >"$WORK/$1-lo.txt" 2>&1
		grep -q 'ba: #.*ESTABLISHED' "$WORK/$1-sas.log" &&
			grep -q 'virtual ip: *10\.4\.0\.1$' "$WORK/$1-show-sa.txt" &&
			grep -q 'dns: *10\.4\.0\.53$' "$WORK/$1-show-sa.txt" &&
			grep -q 'inet 10\.4\.0\.1/32' "$WORK/$1-lo.txt"
		result "$1" "10.4.0.1 from charon's pool, on lo" $?
		terminate_all
		ip -n "$NA" addr show dev lo >"$WORK/$1-lo-after.txt" 2>&1
		! grep -q '10\.4\.0\.1' "$WORK/$1-lo-after.txt"
		result "$1" "the address gone with the IKE SA" $?
	fi
	stop_daemon
}

run_case() {
	DFL='"default"'
	case $1 in pk-*) run_pk_case "$1"; return ;; rw-*) run_rw_case "$1"; return ;; eap-radius-*) run_radius_case "$1"; return ;; eap-*) run_eap_case "$1"; return ;; esac
	case $1 in childless-*|unique-*|encap-*|ports-*) run_peer_case "$1"; return ;; esac
	case $1 in redirect-*) run_redirect_case "$1"; return ;; esac
	case $1 in
	default)
		our_conf "$DFL" "$DFL" tunnel '"10.1.0.0/16"' '"10.2.0.0/16"' 4
		sw_conf default default tunnel 10.2.0.0/16 10.1.0.0/16 $PSK 4 0s
		expect=up ;;
	invalid-ke)
		our_conf '"aes256gcm16-prfsha256-ecp256"' "$DFL" tunnel '"10.1.0.0/16"' '"10.2.0.0/16"' 4
		sw_conf default default tunnel 10.2.0.0/16 10.1.0.0/16 $PSK 4 0s
		expect=up ;;
	modp-cbc)
		our_conf '"aes128-sha256-modp2048"' '"aes128-sha256"' tunnel '"10.1.0.0/16"' '"10.2.0.0/16"' 4
		sw_conf aes128-sha256-modp2048 aes128-sha256 tunnel 10.2.0.0/16 10.1.0.0/16 $PSK 4 0s
		expect=up ;;
	transport)
		our_conf "$DFL" "$DFL" transport '"dynamic"' '"dynamic"' 4
		sw_conf default default transport dynamic dynamic $PSK 4 0s
		expect=up ;;
	ipv6)
		our_conf "$DFL" "$DFL" tunnel '"2001:db8:1::/48"' '"2001:db8:2::/48"' 6
		sw_conf default default tunnel 2001:db8:2::/48 2001:db8:1::/48 $PSK 6 0s
		expect=up ;;
	wrong-psk)
		our_conf "$DFL" "$DFL" tunnel '"10.1.0.0/16"' '"10.2.0.0/16"' 4
		sw_conf default default tunnel 10.2.0.0/16 10.1.0.0/16 not-the-right-psk-0123 4 0s
		expect=none ;;
	esp-mismatch)
		our_conf "$DFL" '"aes128-sha256"' tunnel '"10.1.0.0/16"' '"10.2.0.0/16"' 4
		sw_conf default aes256gcm16 tunnel 10.2.0.0/16 10.1.0.0/16 $PSK 4 0s
		expect=nochild ;;
	dpd)
		our_conf "$DFL" "$DFL" tunnel '"10.1.0.0/16"' '"10.2.0.0/16"' 4
		sw_conf default default tunnel 10.2.0.0/16 10.1.0.0/16 $PSK 4 2s
		start_daemon
		swanctl --initiate --child net --uri "$VICI" --timeout 4 >"$WORK/dpd-initiate.log" 2>&1
		sleep 7
		sw_sas >"$WORK/dpd-sas.log"
		check dpd "charon DPD" up "$WORK/dpd-sas.log"
		terminate_all
		stop_daemon
		return ;;
	trap)
		our_conf "$DFL" "$DFL" tunnel '"10.1.0.0/16"' '"10.2.0.0/16"' 4 trap
		sw_conf default default tunnel 10.2.0.0/16 10.1.0.0/16 $PSK 4 0s
		start_daemon
		# the first packet is held or lost while the SAs are negotiated
		ip netns exec "$NA" ping -c 1 -W 1 -I 10.1.0.1 10.2.0.1 >/dev/null 2>&1
		sleep $((2 + 4 * ESP))
		sw_sas >"$WORK/trap-sas.log"
		check trap "ACQUIRE" up "$WORK/trap-sas.log"
		terminate_all
		stop_daemon
		return ;;
	imported)
		# A's side as a strongSwan user would write it, through
		# "ikectl import-swanctl", against the original charon side
		sw_conf default default tunnel 10.1.0.0/16 10.2.0.0/16 $PSK 4 0s a \
			>"$WORK/imported.swanctl"
		our_conf "$DFL" "$DFL" tunnel '"10.1.0.0/16"' '"10.2.0.0/16"' 4
		sed -n '/^global:/,/^};/p' "$WORK/ike.conf" >"$WORK/imported.conf"
		"$BUILD/src/ike/ikectl" import-swanctl "$WORK/imported.swanctl" \
			>>"$WORK/imported.conf" 2>"$WORK/imported.notes"
		[ $? = 0 ] && [ ! -s "$WORK/imported.notes" ] &&
			"$BUILD/src/ike/ikedaemon" -n -f "$WORK/imported.conf" >/dev/null 2>&1
		result imported "import-swanctl: converted, nothing left out, ikedaemon -n" $?
		cp "$WORK/imported.conf" "$WORK/ike.conf"
		chmod 600 "$WORK/ike.conf"
		sw_conf default default tunnel 10.2.0.0/16 10.1.0.0/16 $PSK 4 0s
		expect=up ;;
	*) echo "unknown case $1"; rc=1; return ;;
	esac
	start_daemon
	both_ways "$1" "$expect"
	case $1 in
	default) metrics_check "$1" 'ikedaemon_handshakes_completed_total 2' ;;
	wrong-psk)
		metrics_check "$1" 'ikedaemon_handshakes_failed_total{cause="authentication_failed"} 2' ;;
	esac
	stop_daemon
}

for c in $CASES; do
	run_case "$c"
done
exit $rc
