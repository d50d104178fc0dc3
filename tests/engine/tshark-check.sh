#!/bin/sh
# One in-process IKE_SA_INIT + IKE_AUTH (test_exchange, test_establish)
# written as a pcap, then dissected by tshark with the SA's keys: no
# Malformed packet, both IKE_AUTH messages decrypt with a correct ICV and
# carry the expected inner payloads.  77 (skip) without tshark.
set -u
command -v tshark >/dev/null 2>&1 || exit 77
BIN=${1:-tests/engine/test_exchange}
DIR=$(mktemp -d) || exit 1
trap 'rm -rf "$DIR"' EXIT
ENGINE_PCAP=$DIR/x.pcap ENGINE_PCAP_KEYS=$DIR/keys CK_RUN_CASE=exchange CK_FORK=no \
	"$BIN" >/dev/null 2>&1 || { echo "test_exchange failed"; exit 1; }
[ -s "$DIR/keys" ] || { echo "no keys written"; exit 1; }
# uat line: hex fields unquoted, algorithm names quoted
UAT=$(awk -F'"' '{ printf "%s,%s,%s,%s,\"%s\",,,\"%s\"", $2, $4, $6, $8, $10, $16 }' "$DIR/keys")
tshark -o "uat:ikev2_decryption_table:$UAT" -r "$DIR/x.pcap" -V >"$DIR/out" 2>/dev/null || exit 1
fail=0
if grep -qi malformed "$DIR/out"; then echo "Malformed packet"; fail=1; fi
n=$(grep -c 'Integrity Checksum Data: .*\[correct\]' "$DIR/out")
[ "$n" = 2 ] || { echo "IKE_AUTH ICVs correct: $n of 2"; fail=1; }
for want in 'Identification Data:a.example' 'Identification Data:b.example' \
	'INITIAL_CONTACT' 'Payload: Traffic Selector - Responder' \
	'NAT_DETECTION_SOURCE_IP'; do
	grep -q "$want" "$DIR/out" || { echo "missing: $want"; fail=1; }
done
[ "$(grep -c 'Payload: Authentication (39)' "$DIR/out")" = 2 ] || { echo "AUTH payloads"; fail=1; }
exit $fail
