# On a real (ESP-capable) kernel: a trap policy turns traffic into an
# ACQUIRE with the policy's reqid; SA options (UDP encapsulation, mark,
# if_id, ESN) reach the kernel; flush_own removes our SAs and policies and
# leaves foreign ones (installed with ip xfrm) alone.
ns_add acqa
ip -n acqa link add d0 type dummy 2>/dev/null || ip -n acqa link add d0 type veth peer name d1
ip -n acqa addr add 192.168.7.1/24 dev d0
ip -n acqa link set d0 up
ip -n acqa route add 10.9.0.0/16 dev d0

assert_ok "trap policy" kctl_ns acqa pol-add src=192.168.7.1/32 dst=10.9.0.0/16 dir=out \
	class=trap tmpl=tunnel:192.168.7.1:192.168.7.2 reqid=0x49000031
ev=$SCEN_TMP/events
bg_log "$ev" acqa "$KCTL" listen count=1 timeout=10
lp=$BG_PID
wait_for 5 "listener ready" grep -q LISTENING "$ev"
assert_ok "send into the trap" kctl_ns acqa udp dst=10.9.0.7 port=9
wait "$lp" || fail "no ACQUIRE: $(cat "$ev")"
a=$(grep '^ACQUIRE' "$ev")
info "$a"
assert_match "acquire reqid" "$a" "reqid=0x49000031 proto=50 src=192.168.7.1 dst=192.168.7.2 dir=1"
assert_match "acquire flow" "$a" "sel=192.168.7.1/32,10.9.0.7/32 proto=17 .* dport=9"

assert_ok "SA with encap, mark, if_id, ESN" kctl_ns acqa sa-add src=192.168.7.1 dst=192.168.7.2 \
	spi=0xc0003001 reqid=0x49000031 encr=aes-cbc key=000102030405060708090a0b0c0d0e0f \
	integ=sha256 ikey=202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f \
	encap=4500:4501 mark=0x10/0xff if_id=7 esn replay=64 soft-bytes=1000000 hard-bytes=2000000
st=$(ip -n acqa xfrm state)
assert_match "encap in kernel" "$st" "encap type espinudp sport 4500 dport 4501"
assert_match "mark in kernel" "$st" "mark 0x10/0xff"
assert_match "if_id in kernel" "$st" "if_id 0x7"
assert_match "ESN in kernel" "$st" "flag .*esn"
assert_match "algorithms in kernel" "$st" "enc cbc\(aes\)"
assert_match "truncated auth" "$st" "auth-trunc hmac\(sha256\) .* 128"

# Foreign state: not ours by reqid or priority.
ip -n acqa xfrm state add src 192.168.7.1 dst 192.168.7.3 proto esp spi 0x5000 reqid 1 \
	mode tunnel enc 'cbc(aes)' 0x000102030405060708090a0b0c0d0e0f || fail "foreign SA"
ip -n acqa xfrm policy add src 10.7.0.0/24 dst 10.8.0.0/24 dir out priority 100 ||
	fail "foreign policy"
assert_ok "one more of ours" kctl_ns acqa pol-add src=10.1.0.0/16 dst=10.2.0.0/16 dir=fwd \
	action=block class=fallback
assert_ok "flush_own" kctl_ns acqa flush
st=$(ip -n acqa xfrm state)
po=$(ip -n acqa xfrm policy)
assert_match "foreign SA kept" "$st" "spi 0x00005000"
assert_no_match "our SA removed" "$st" "0xc0003001"
assert_match "foreign policy kept" "$po" "src 10.7.0.0/24 dst 10.8.0.0/24"
assert_no_match "our policies removed" "$po" "10.9.0.0|10.1.0.0"
ip -n acqa xfrm state flush
ip -n acqa xfrm policy flush
