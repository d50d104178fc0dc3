#!/bin/sh
# IKE_SA_INIT + IKE_AUTH between ikedaemon and strongSwan's charon on the
# host, in two network namespaces joined by a veth pair.  The host kernel
# has no ESP (VM-HARNESS.md): CHILD SA installation fails on both sides,
# which is expected here; what this checks is that each side accepts the
# other's IKE messages and AUTH, in both roles.
#
# usage: interop-host.sh BUILDDIR WORKDIR
# exit: 0 both directions established, 1 failure, 77 not root / no charon.
set -u
BUILD=$(cd "$1" && pwd)
WORK=$2
CHARON=/usr/lib/ipsec/charon
[ "$(id -u)" = 0 ] || exit 77
[ -x "$CHARON" ] && command -v swanctl >/dev/null || exit 77
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
NA=ikeint-a.$$ NB=ikeint-b.$$
PSK=interop-test-psk-0123456789

cleanup() {
	[ -n "${DPID:-}" ] && kill "$DPID" 2>/dev/null
	[ -n "${CPID:-}" ] && kill "$CPID" 2>/dev/null
	sleep 0.3
	ip netns del "$NA" 2>/dev/null
	ip netns del "$NB" 2>/dev/null
}
trap cleanup EXIT INT TERM

ip netns add "$NA" && ip netns add "$NB" || exit 1
ip link add va.$$ netns "$NA" type veth peer name vb.$$ netns "$NB" || exit 1
ip -n "$NA" addr add 192.0.2.1/24 dev va.$$
ip -n "$NB" addr add 192.0.2.2/24 dev vb.$$
ip -n "$NA" link set va.$$ up && ip -n "$NA" link set lo up
ip -n "$NB" link set vb.$$ up && ip -n "$NB" link set lo up

# strongSwan (B)
mkdir -p "$WORK/sw/swanctl"
cat > "$WORK/sw/strongswan.conf" <<EOF
charon {
	load = random nonce openssl kdf pem pkcs1 x509 revocation constraints pubkey curve25519 kernel-netlink socket-default vici updown
	install_routes = no
	retransmit_timeout = 1
	retransmit_tries = 2
	plugins {
		vici { socket = unix://$WORK/sw.vici }
	}
	filelog {
		log { path = $WORK/charon.log
		      default = 1
		      ike = 2
		      cfg = 2
		      enc = 1
		}
	}
}
EOF
cat > "$WORK/sw/swanctl/swanctl.conf" <<EOF
connections {
	ba {
		local_addrs = 192.0.2.2
		remote_addrs = 192.0.2.1
		local {
			auth = psk
			id = b.example
		}
		remote {
			auth = psk
			id = a.example
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
ip netns exec "$NB" unshare -m sh -c "mount -t tmpfs tmpfs /run; STRONGSWAN_CONF=$WORK/sw/strongswan.conf exec $CHARON" \
	>"$WORK/charon.out" 2>&1 &
CPID=$!

# ikedaemon (A)
cat > "$WORK/ike.conf" <<EOF
global: {
	pidfile = "$WORK/ikedaemon.pid";
	control_socket = "$WORK/ikedaemon.ctl";
	log = { default = "info"; ike = "debug"; };
};
secrets: ( { id = "b.example"; psk = "$PSK"; } );
connections: ( {
	name = "ab";
	local_addrs = ["192.0.2.1"];
	remote_addrs = ["192.0.2.2"];
	local = { id = "a.example"; auth = "psk"; };
	remote = { id = "b.example"; auth = "psk"; };
	children = ( { name = "net"; local_ts = ["10.1.0.0/16"]; remote_ts = ["10.2.0.0/16"]; } );
} );
EOF
chmod 600 "$WORK/ike.conf"
ip netns exec "$NA" "$BUILD/src/ike/ikedaemon" -d -f "$WORK/ike.conf" >"$WORK/ikedaemon.log" 2>&1 &
DPID=$!

for i in $(seq 50); do
	[ -S "$WORK/sw.vici" ] && [ -S "$WORK/ikedaemon.ctl" ] && break
	sleep 0.1
done
swanctl --load-all --file "$WORK/sw/swanctl/swanctl.conf" --uri "unix://$WORK/sw.vici" \
	>"$WORK/swanctl-load.log" 2>&1 || { echo "swanctl --load-all failed"; cat "$WORK/swanctl-load.log"; exit 1; }

rc=0
# 1. we initiate
IKECTL="$BUILD/src/ike/ikectl -s $WORK/ikedaemon.ctl"
$IKECTL initiate ab >"$WORK/ikectl-initiate.log" 2>&1
sleep 2
swanctl --list-sas --uri "unix://$WORK/sw.vici" >"$WORK/sw-sas-1.log" 2>&1
if grep -q 'ba: #.*ESTABLISHED' "$WORK/sw-sas-1.log"; then
	echo "PASS ikedaemon -> charon: IKE SA established at charon"
else
	echo "FAIL ikedaemon -> charon"; rc=1
fi
$IKECTL show sa >"$WORK/ikectl-sa-1.log" 2>&1
swanctl --terminate --ike ba --uri "unix://$WORK/sw.vici" >/dev/null 2>&1
sleep 1

# 2. charon initiates
swanctl --initiate --child net --uri "unix://$WORK/sw.vici" --timeout 5 >"$WORK/sw-initiate.log" 2>&1
sleep 1
swanctl --list-sas --uri "unix://$WORK/sw.vici" >"$WORK/sw-sas-2.log" 2>&1
$IKECTL show sa >"$WORK/ikectl-sa-2.log" 2>&1
if grep -q 'ba: #.*ESTABLISHED' "$WORK/sw-sas-2.log" || grep -q 'IKE_SA ba\[.*established' "$WORK/sw-initiate.log"; then
	echo "PASS charon -> ikedaemon: IKE SA established"
else
	echo "FAIL charon -> ikedaemon"; rc=1
fi
exit $rc
