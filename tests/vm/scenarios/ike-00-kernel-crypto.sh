# Loads the ESP modules and instantiates, once per boot, every ESP
# algorithm the IKE scenarios negotiate.  Under qemu without KVM the first
# SA of an algorithm takes tens of seconds (one modprobe per crypto name the
# kernel looks up); paid inside a scenario, it outlasts the daemons'
# retransmissions.  Here it is paid once: one modprobe for everything, then
# SAs added with module loading switched off (lookups of names that no
# module provides fail at once), falling back to normal loading if needed,
# and the kernel's crypto self-tests switched off meanwhile.
. "$VM_DIR/ike/ike-lib.sh"
ns_add "$SCENARIO-x"
ns=$SCENARIO-x
mods="esp4 esp6 xfrm_user authenc echainiv seqiv crypto_null gcm ctr ghash_generic ghash_clmulni_intel cryptd
	aesni_intel chacha20poly1305 chacha_x86_64 poly1305_x86_64 sha256_ssse3
	sha512_ssse3 drbg jitterentropy_rng sha3_generic ansi_cprng sch_netem veth dummy"
start=$(date +%s)
# The kernel's crypto self-tests (run at every algorithm's registration)
# are most of the cost under emulation: off while warming up.
notests=/sys/module/cryptomgr/parameters/notests
saved_notests=$(cat "$notests" 2>/dev/null)
[ -z "$saved_notests" ] || echo 1 >"$notests"
# Some names are built in or absent on other kernels: load what exists.
for m in $mods; do
	modinfo -n "$m" >/dev/null 2>&1 && printf '%s\n' "$m"
done >"$SCEN_TMP/mods"
modprobe -a $(cat "$SCEN_TMP/mods") || fail "modprobe -a $(cat "$SCEN_TMP/mods")"
info "modules loaded in $(( $(date +%s) - start ))s"

k32=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
k16=000102030405060708090a0b0c0d0e0f
k48=${k32}${k16}
spi=256
# add_sa SPI SRC DST ALGORITHM-ARGS...
add_sa() {
	s=$1 src=$2 dst=$3
	shift 3
	ip -n "$ns" xfrm state add src "$src" dst "$dst" proto esp spi "$s" mode tunnel "$@" 2>&1
}
# IKE scenario ESP proposals: aes256gcm16, aes128gcm16, aes128-sha256,
# aes256-sha384, aes256-sha256, chacha20poly1305; over IPv4 and IPv6.
algs="aead rfc4106(gcm(aes)) 0x${k32}a0a1a2a3 128
aead rfc4106(gcm(aes)) 0x${k16}a0a1a2a3 128
enc cbc(aes) 0x$k16 auth-trunc hmac(sha256) 0x$k32 128
enc cbc(aes) 0x$k32 auth-trunc hmac(sha384) 0x$k48 192
enc cbc(aes) 0x$k32 auth-trunc hmac(sha256) 0x$k32 128
aead rfc7539esp(chacha20,poly1305) 0x${k32}a0a1a2a3 128"
saved=$(cat /proc/sys/kernel/modprobe)
echo >/proc/sys/kernel/modprobe
slow=""
printf '%s\n' "$algs" | while read -r a1 a2 a3 a4 a5 a6; do
	for pair in "192.0.2.1 192.0.2.2" "2001:db8::1 2001:db8::2"; do
		set -- $pair
		spi=$((spi + 1))
		t=$(date +%s)
		out=$(add_sa $spi "$1" "$2" $a1 "$a2" $a3 $a4 $a5 $a6) && continue
		echo "  fast add failed ($a2, $1): $out; retrying with module loading" >&2
		cut -d' ' -f1 /proc/modules | sort >"$SCEN_TMP/before"
		echo "$saved" >/proc/sys/kernel/modprobe
		out=$(add_sa $spi "$1" "$2" $a1 "$a2" $a3 $a4 $a5 $a6) || { echo "$a2: $out"; exit 1; }
		echo >/proc/sys/kernel/modprobe
		echo "  $a2 ($1) took $(( $(date +%s) - t ))s, loading:" \
			$(cut -d' ' -f1 /proc/modules | sort | comm -13 "$SCEN_TMP/before" -) >&2
	done
done >"$SCEN_TMP/errors"
rc=$?
echo "$saved" >/proc/sys/kernel/modprobe
[ -z "$saved_notests" ] || echo "$saved_notests" >"$notests"
[ "$rc" -eq 0 ] || fail "cannot add an ESP SA: $(cat "$SCEN_TMP/errors")"
n=$(ip -n "$ns" xfrm state | grep -c 'proto esp')
ip -n "$ns" xfrm state flush
info "$n ESP SAs added and flushed; ready after $(( $(date +%s) - start ))s"
