# Soft and hard EXPIRE events for an SA with a 2 s / 4 s lifetime arrive
# through the backend's event socket; the hard expire removes the SA.
ns_add expa
key=000102030405060708090a0b0c0d0e0f10111213
# Warm-up: the first SA with an algorithm makes the kernel load and
# self-test its crypto modules, which takes tens of seconds under TCG; the
# kernel stamps the SA's add time before that, so a 4 s SA would be born
# expired.
assert_ok "warm-up SA" kctl_ns expa sa-add src=192.0.2.1 dst=192.0.2.2 spi=0xc0002000 \
	reqid=0x49000021 encr=aes-gcm-16 key=$key
assert_ok "warm-up SA removed" kctl_ns expa sa-del dst=192.0.2.2 spi=0xc0002000
ev=$SCEN_TMP/events
bg_log "$ev" expa "$KCTL" listen count=2 timeout=15
lp=$BG_PID
wait_for 5 "listener ready" grep -q LISTENING "$ev"
start=$(date +%s)
assert_ok "add SA with soft=2 hard=4" kctl_ns expa sa-add src=192.0.2.1 dst=192.0.2.2 \
	spi=0xc0002001 reqid=0x49000021 encr=aes-gcm-16 key=$key soft=2 hard=4
wait "$lp"
rc=$?
secs=$(( $(date +%s) - start ))
events=$(cat "$ev")
info "events after ${secs}s: $(echo $events)"
[ "$rc" -eq 0 ] || fail "listener did not see 2 events: $events"
assert_match "soft expire" "$events" "^EXPIRE soft spi=0xc0002001 proto=50 dst=192.0.2.2 reqid=0x49000021"
assert_match "hard expire" "$events" "^EXPIRE hard spi=0xc0002001 proto=50 dst=192.0.2.2 reqid=0x49000021"
first=$(grep '^EXPIRE' "$ev" | head -n 1)
assert_match "soft before hard" "$first" "EXPIRE soft"
[ "$secs" -ge 3 ] || fail "hard expire after ${secs}s, lifetime is 4s"
assert_fail "SA gone after hard expire" kctl_ns expa sa-query dst=192.0.2.2 spi=0xc0002001
assert_xfrm_empty expa
