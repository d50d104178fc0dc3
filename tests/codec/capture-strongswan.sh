#!/bin/sh
# Capture a real IKE_SA_INIT and IKE_AUTH exchange between two strongSwan
# charons (one per network namespace, joined by a veth pair) and store each
# UDP payload as a binary fixture (NN-exchange-req|resp.bin) for the codec
# tests and fuzz corpora, the SK plaintexts as NN-...plain, and the pcap.
# Needs root, strongswan-charon, strongswan-swanctl, tcpdump, tshark, xxd and
# python3-cryptography (tools/install-deps.sh test).
# Usage: capture-strongswan.sh OUTDIR   (tests/codec/data in the tree)
set -eu
out=${1:?usage: $0 OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d /tmp/ikecap.XXXXXX)
nsa=ikecapA$$
nsb=ikecapB$$

cleanup() {
	for p in "$tmp"/*.pid; do
		[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
	done
	sleep 1
	ip netns del "$nsa" 2>/dev/null || true
	ip netns del "$nsb" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

ip netns add "$nsa"
ip netns add "$nsb"
ip link add ikecapa type veth peer name ikecapb
ip link set ikecapa netns "$nsa"
ip link set ikecapb netns "$nsb"
ip -n "$nsa" addr add 10.99.0.1/24 dev ikecapa
ip -n "$nsb" addr add 10.99.0.2/24 dev ikecapb
ip -n "$nsa" link set ikecapa up
ip -n "$nsb" link set ikecapb up
ip -n "$nsa" link set lo up
ip -n "$nsb" link set lo up

# One strongswan.conf and swanctl.conf per side.
for side in A B; do
	if [ $side = A ]; then me=10.99.0.1; peer=10.99.0.2; else me=10.99.0.2; peer=10.99.0.1; fi
	mkdir -p "$tmp/$side/conf.d"
	cat >"$tmp/$side/strongswan.conf" <<EOC
charon {
	load = random nonce openssl kdf pem pkcs1 x509 revocation constraints pubkey curve25519 kernel-netlink socket-default vici updown
	install_routes = no
	plugins {
		vici {
			socket = unix://$tmp/$side.vici
		}
	}
	filelog {
		log {
			path = $tmp/$side.log
			default = 1
			ike = 4
		}
	}
}
EOC
	cat >"$tmp/$side/swanctl.conf" <<EOC
connections {
	cap {
		version = 2
		local_addrs = $me
		remote_addrs = $peer
		proposals = aes256gcm16-prfsha256-x25519
		local {
			auth = psk
			id = $side.example.org
		}
		remote {
			auth = psk
		}
		children {
			cap {
				local_ts = $me/32
				remote_ts = $peer/32
				esp_proposals = aes256gcm16
			}
		}
	}
}
secrets {
	ike-cap {
		secret = "codec-capture-secret"
	}
}
EOC
done

# A private /run per charon (pid file), as VM-HARNESS.md describes.
start_charon() {
	ns=$1 side=$2
	ip netns exec "$ns" unshare -m sh -c "mount -t tmpfs tmpfs /run; \
		STRONGSWAN_CONF=$tmp/$side/strongswan.conf exec /usr/lib/ipsec/charon" \
		>"$tmp/$side.out" 2>&1 &
	echo $! >"$tmp/charon$side.pid"
}

ip netns exec "$nsa" tcpdump -i ikecapa -s 0 -U -w "$tmp/ike.pcap" udp port 500 or udp port 4500 \
	>"$tmp/tcpdump.out" 2>&1 &
echo $! >"$tmp/tcpdump.pid"
start_charon "$nsa" A
start_charon "$nsb" B

for side in A B; do
	i=0
	while [ ! -S "$tmp/$side.vici" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
	swanctl --load-all --uri "unix://$tmp/$side.vici" --file "$tmp/$side/swanctl.conf" >/dev/null
done

# The CHILD_SA install fails on a kernel without ESP; the IKE messages are
# what we want, so the result of --initiate does not matter.
swanctl --initiate --child cap --uri "unix://$tmp/A.vici" --timeout 10 >"$tmp/initiate.out" 2>&1 || true
sleep 2
kill "$(cat "$tmp/tcpdump.pid")"
sleep 1

# Name each datagram by exchange and direction; drop the 4-byte non-ESP
# marker of port 4500 so every fixture starts with the IKE header.
n=0
tshark -r "$tmp/ike.pcap" -T fields -E separator=' ' \
	-e udp.dstport -e isakmp.exchangetype -e isakmp.flags -e udp.payload 2>/dev/null |
while read -r dport exch flags hex; do
	n=$((n + 1))
	case $exch in
	34) name=ike_sa_init ;; 35) name=ike_auth ;; 36) name=create_child_sa ;;
	37) name=informational ;; *) name=exch$exch ;;
	esac
	case $((flags & 0x20)) in 0) dir=req ;; *) dir=resp ;; esac
	f="$out/$(printf '%02d' $n)-$name-$dir.bin"
	if [ "$dport" = 4500 ]; then
		printf '%s' "$hex" | cut -c9- | xxd -r -p >"$f"
	else
		printf '%s' "$hex" | xxd -r -p >"$f"
	fi
	echo "captured $f ($(wc -c <"$f") bytes)"
done
cp "$tmp/ike.pcap" "$out/strongswan-5.9.8.pcap"

# Decrypt the SK payloads with the keys the initiator's charon logged
# (ike = 4 prints SK_ei/SK_er) and store each inner payload chain, padding
# removed, as NN-name.plain: the SK plaintext the codec's second entry
# point decodes.  Needs python3-cryptography; AES-GCM-256 as proposed above.
python3 - "$tmp/A.log" "$out" <<'EOPY'
import glob, os, re, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = open(sys.argv[1]).read()

def secret(name):
    m = re.search(name + r' secret => (\d+) bytes[^\n]*\n((?:[^\n]*\]\s+\d+: [^\n]*\n)+)', log)
    hexes = ''.join(re.findall(r'\]\s+\d+: ((?:[0-9A-F]{2} )+)', m.group(2)))
    return bytes.fromhex(hexes.replace(' ', ''))[:int(m.group(1))]

keys = {True: secret('Sk_ei'), False: secret('Sk_er')}
for path in sorted(glob.glob(os.path.join(sys.argv[2], '*.bin'))):
    msg = open(path, 'rb').read()
    if msg[16] != 46:           # no SK payload first (IKE_SA_INIT)
        continue
    from_initiator = bool(msg[19] & 0x08)
    sk = keys[from_initiator]
    body = msg[32:]
    iv, ct = body[:8], body[8:]
    pt = AESGCM(sk[:32]).decrypt(sk[32:] + iv, ct, msg[:32])
    inner = pt[:-1 - pt[-1]]
    out = path[:-4] + '.plain'
    open(out, 'wb').write(inner)
    print('decrypted %s (%d bytes)' % (out, len(inner)))
EOPY
