#!/bin/sh
# Guest script: install rate of the XFRM backend against iproute2 on the
# same kernel, same objects (N SA pairs + N out/in policy pairs, AES-GCM-16
# tunnel mode), each in a fresh namespace.
#
#   run-vm.sh tests/vm/bench-kernel.sh [N]     (needs IKE_BUILD)
#
# Prints both rates and the ratio backend/iproute2 (>1: backend faster).
SCENARIO=bench-kernel
. "$(dirname "$0")/lib.sh"
n=${1:-2000}
B=$IKE_BUILD/tests/kernel/bench_kernel
[ -x "$B" ] || fail "no $B (build the project first)"

now() { date +%s.%N; }

ns_add benchk benchi
# warm-up: crypto modules load (and self-test) on the first GCM SA
for ns in benchk benchi; do
	kctl_ns $ns sa-add src=192.168.100.1 dst=192.168.100.2 spi=0x100 reqid=0x49000001 \
		encr=aes-gcm-16 key=000102030405060708090a0b0c0d0e0f10111213 >/dev/null &&
	kctl_ns $ns sa-del dst=192.168.100.2 spi=0x100 || fail "warm-up in $ns"
done
"$B" n="$n" gen="$SCEN_TMP/batch" || fail "batch generation"

out=$(ns_exec benchk "$B" n="$n") || fail "backend run: $out"
echo "$out" | head -n 1
bi=$(kv_get backend_install_s "$(echo "$out" | tail -n 1)")
br=$(kv_get backend_remove_s "$(echo "$out" | tail -n 1)")
assert_xfrm_empty benchk

# Process start-up of "ip netns exec ... ip" (slow under TCG), measured
# on an empty batch and subtracted from the iproute2 times.
: >"$SCEN_TMP/empty"
s0=$(now)
ns_exec benchi ip -batch "$SCEN_TMP/empty" || fail "ip -batch of an empty file"
s1=$(now)
t0=$(now)
ns_exec benchi ip -batch "$SCEN_TMP/batch.add" || fail "ip -batch add"
t1=$(now)
cnt=$(ip -n benchi xfrm state | grep -c '^src')
[ "$cnt" = $((2 * n)) ] || fail "iproute2 installed $cnt SAs, want $((2 * n))"
ns_exec benchi ip -batch "$SCEN_TMP/batch.del" || fail "ip -batch del"
t2=$(now)
assert_xfrm_empty benchi

awk -v n="$n" -v bi="$bi" -v br="$br" -v t0="$t0" -v t1="$t1" -v t2="$t2" \
	-v s0="$s0" -v s1="$s1" 'BEGIN {
	st = s1 - s0; ii = t1 - t0 - st; ir = t2 - t1 - st
	printf "iproute2: start-up %.3f s; %d SA pairs + %d policies installed in %.3f s (%.0f pairs/s), removed in %.3f s (start-up subtracted)\n", st, n, 2 * n, ii, n / ii, ir
	printf "RESULT n=%d backend_pairs_per_s=%.0f iproute2_pairs_per_s=%.0f install_ratio=%.2f remove_ratio=%.2f\n", n, n / bi, n / ii, ii / bi, ir / br
}'
