# Fail-safe kernel state (sourced after ike-lib.sh): ikedaemon on side A
# with a trapped child (start_action = trap, fail_closed by default)
# against PEER on side B (self or charon).  Clear text is counted where it
# would show:
#   - delivered: UDP datagrams from HOST_B that a listener on HOST_A in
#     side A receives (fs_delivered), injected in clear from side B;
#   - on the wire: ICMP from HOST_A that tcpdump sees leave side A's wan
#     link (ESP is not ICMP: only clear text counts) (fs_clear_count).
# fs_run PEER runs (a) trap installed: plaintext from the remote subnet is
# not delivered; (b) kill -9 with an established child, restart:
# reconciled, no duplicate policies, ACQUIRE negotiates, ping crosses;
# (c) stop/start under a 50/s ping: no ICMP in clear text on the wire,
# nothing delivered while stopped; then a clean stop leaves only block
# policies and `ikedaemon --flush` removes them.

FS_PORT=9999

# fs_listen: counts datagrams to HOST_A:FS_PORT in side A into udp.count.
fs_listen() {
	rm -f "$SCEN_TMP/udp.count"
	bg_log "$SCEN_TMP/udp.log" "$NS_A" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
n = 0
open(sys.argv[3], "w").write("0\n")
while True:
    s.recv(2048)
    n += 1
    with open(sys.argv[3], "w") as f:
        f.write("%d\n" % n)
' "$HOST_A" "$FS_PORT" "$SCEN_TMP/udp.count"
	wait_for 90 "UDP listener on $HOST_A in $NS_A ($(cat "$SCEN_TMP/udp.log" 2>/dev/null))" \
		test -s "$SCEN_TMP/udp.count"
}

fs_delivered() {
	cat "$SCEN_TMP/udp.count"
}

# fs_inject N: N datagrams in clear text from HOST_B (side B) to HOST_A.
# The socket bypasses side B's own IPsec policies (IP_XFRM_POLICY with an
# allow policy without template, as IKE daemons do for their sockets), so
# they leave in clear text even while B holds the CHILD SA.
fs_inject() {
	ns_exec "$NS_B" python3 -c '
import socket, struct, sys, time
INF = (1 << 64) - 1
sel = bytearray(56)
sel[40:42] = struct.pack("=H", socket.AF_INET)	# xfrm_selector.family
# xfrm_userpolicy_info: sel, lft (byte/packet limits infinite), curlft,
# priority, index, dir 1 (out), action 0 (allow), flags, share, padding
pol = bytes(sel) + struct.pack("=8Q", INF, INF, INF, INF, 0, 0, 0, 0) + bytes(32) + \
	struct.pack("=IIBBBB", 0, 0, 1, 0, 0, 0) + bytes(4)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 17, pol)	# IP_XFRM_POLICY
s.bind((sys.argv[1], 0))
for i in range(int(sys.argv[4])):
    s.sendto(b"clear text %d" % i, (sys.argv[2], int(sys.argv[3])))
    time.sleep(0.01)
' "$HOST_B" "$HOST_A" "$FS_PORT" "$1" || fail "cannot inject datagrams from $NS_B"
	sleep 0.5
}

# fs_assert_not_delivered N WHEN: N injected datagrams, none delivered.
fs_assert_not_delivered() {
	before=$(fs_delivered)
	fs_inject "$1"
	after=$(fs_delivered)
	assert_eq "clear-text datagrams from $HOST_B delivered to $HOST_A ($2)" "$after" "$before"
	info "$2: $1 clear-text datagrams from the remote subnet injected, 0 delivered"
}

# fs_clear_start: tcpdump on side A's wan, outbound only, ICMP from
# HOST_A: what leaves side A in clear text.  (Not on side B's wan: the
# kernel hands a decapsulated tunnel-mode packet back to the interface it
# arrived on, so a capture there shows every ESP-protected ping once more
# in clear.)
fs_clear_start() {
	bg_log "$SCEN_TMP/clear.txt" "$NS_A" tcpdump -i wan -Q out -n -l --immediate-mode \
		"icmp and src host $HOST_A"
	wait_for 30 "tcpdump listening in $NS_A" grep -q listening "$SCEN_TMP/clear.txt"
}

fs_clear_count() {
	grep -c 'ICMP' "$SCEN_TMP/clear.txt"
}

# fs_our_policies: policies for NET_A <-> NET_B in side A, one line each
# ("dir out action allow"), sorted.
fs_our_policies() {
	ip -n "$NS_A" xfrm policy | awk '
		/^src / { sel = $2 " " $4 }
		/^[[:space:]]dir / {
			act = $3 == "action" ? $4 : "allow"
			print sel, "dir", $2, "action", act
		}' | sort
}

# fs_assert_policies ACTION: exactly out, in and fwd for the child, ACTION.
fs_assert_policies() {
	got=$(fs_our_policies)
	n=$(printf '%s\n' "$got" | grep -c "action $1")
	all=$(printf '%s\n' "$got" | grep -c .)
	[ "$n" = 3 ] && [ "$all" = 3 ] ||
		fail "side A: expected out, in and fwd with action $1, got: $(printf '%s; ' "$got")"
	for d in out in fwd; do
		printf '%s\n' "$got" | grep -q "dir $d " || fail "side A: no $d policy: $got"
	done
}

# fs_restart_a: ikedaemon on side A again, same configuration (the old
# log kept as ikedaemon.log.N).
fs_restart_a() {
	FS_RUN=$(( ${FS_RUN:-0} + 1 ))
	mv "$SCEN_TMP/A/ikedaemon.log" "$SCEN_TMP/A/ikedaemon.log.$FS_RUN"
	bg_log "$SCEN_TMP/A/ikedaemon.log" "$NS_A" "$IKEDAEMON" -d -f "$SCEN_TMP/A/ike.conf"
	PID_A=$BG_PID
	wait_for "$IKE_START_TIMEOUT" "ikedaemon in $NS_A answering again" \
		"$IKECTL" -s "$SCEN_TMP/A/ikedaemon.ctl" show conns
	info "side A: ikedaemon started again (pid $PID_A)"
}

# fs_ping_up: pings until the trap's ACQUIRE has brought the SAs up.
fs_ping_up() {
	ike_ping 2 || info "first pings lost while the SA comes up (ACQUIRE)"
	ike_wait_up A B
	ike_assert_traffic
}

fs_run() {
	# IP_XFRM_POLICY needs a key manager registered (xfrm_user): without
	# one (no XFRM netlink use yet in this boot) the socket option is EINVAL
	modprobe -q xfrm_user 2>/dev/null || true
	ike_topo 4 tunnel
	CF_START_A=trap
	fs_listen
	# The path works: without policies clear text is delivered.
	fs_inject 5
	assert_eq "clear-text datagrams delivered before any policy" "$(fs_delivered)" 5
	ike_start A self
	ike_start B "$1"
	wait_for 10 "trap policies in $NS_A" sh -c "ip -n '$NS_A' xfrm policy | grep -q 'dir fwd'"
	fs_assert_policies allow

	# (a) trap installed: plaintext from the remote subnet is dropped
	fs_assert_not_delivered 20 "trap installed, no SA"

	# (b) kill -9 with an established child, restart
	fs_ping_up
	fs_assert_not_delivered 10 "CHILD SA up"
	kill -KILL "$PID_A"
	wait "$PID_A" 2>/dev/null
	info "side A: ikedaemon killed (SIGKILL) with the CHILD SA installed"
	fs_assert_not_delivered 10 "daemon killed"
	fs_restart_a
	ike_wait_log A "reconciliation at start" 'kernel state of an earlier run: 3 policies kept' 'x^'
	fs_assert_policies allow
	[ -z "$(ike_xfrm_sas "$NS_A")" ] || fail "old ESP SAs left in $NS_A: $(ike_xfrm_brief "$NS_A")"
	info "reconciled: $(grep 'kernel state of an earlier run' "$(ike_log A)" | sed 's/.*\] //')"
	fs_assert_not_delivered 10 "restarted, trap again"
	fs_ping_up
	fs_assert_policies allow

	# (c) stop under a 50/s ping: nothing in clear text while stopped.
	# The restart under that ping is left out by default
	# (FS_RESTART_UNDER_PING=1 runs it): in two runs, once at host load ~33
	# and once in a clean-clone run, the restarted daemon stopped answering
	# ikectl there; the cause is not known yet (issue 18's note).
	fs_clear_start
	# ip netns exec runs ping in its own process (no function, no
	# subshell), so $! is ping and the SIGINT below reaches it (a
	# background subshell of sh ignores SIGINT: ping would run its 300 s)
	ip netns exec "$NS_A" ping -c 15000 -i 0.02 -W 1 -I "$HOST_A" "$HOST_B" >"$SCEN_TMP/ping50.out" 2>&1 &
	ping_pid=$!
	_vm_pids="$_vm_pids $ping_pid"
	sleep 2
	ike_stop A
	fs_assert_policies block
	fs_assert_not_delivered 10 "daemon stopped"
	sleep 2
	if [ "${FS_RESTART_UNDER_PING:-1}" = 1 ]; then
		fs_restart_a
		wait_for "$IKE_UP_TIMEOUT" "SAs up again under the ping" ike_is_up A
		sleep 2
	fi
	kill -INT "$ping_pid" 2>/dev/null
	wait "$ping_pid" 2>/dev/null
	info "ping 50/s across the stop: $(grep 'packets transmitted' "$SCEN_TMP/ping50.out")"
	if [ "${FS_RESTART_UNDER_PING:-1}" = 1 ]; then
		grep -q ' 0 received' "$SCEN_TMP/ping50.out" &&
			fail "no ping crossed after the restart: $(tail -n 2 "$SCEN_TMP/ping50.out")"
	fi
	sleep 1
	assert_eq "ICMP packets from $HOST_A leaving $NS_A's wan in clear text" "$(fs_clear_count)" 0
	info "0 ICMP packets in clear text on the wire"

	# a clean stop leaves block policies only; --flush removes them
	ike_stop_all
	fs_assert_policies block
	[ -z "$(ip -n "$NS_A" xfrm state)" ] || fail "SAs left in $NS_A: $(ike_xfrm_brief "$NS_A")"
	out=$(ns_exec "$NS_A" "$IKEDAEMON" --flush -f "$SCEN_TMP/A/ike.conf" 2>&1) ||
		fail "ikedaemon --flush: $out"
	info "$out"
	# the counter sees clear text when there is some: without policies
	ns_exec "$NS_A" ping -c 3 -i 0.2 -W 1 -I "$HOST_A" "$HOST_B" >/dev/null 2>&1 ||
		fail "no clear-text ping after --flush"
	sleep 1
	[ "$(fs_clear_count)" -ge 3 ] ||
		fail "the clear-text counter saw $(fs_clear_count) of 3 clear-text pings"
	info "counter check: the 3 clear-text pings after --flush counted"
	ike_assert_clean
}
