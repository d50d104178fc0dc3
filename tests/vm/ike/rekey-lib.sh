# Rekeying scenarios (sourced after ike-lib.sh): lifetimes in both
# daemons' syntax, a continuous ping whose losses are counted, and counts
# of the SAs that came and went.
#
#   RK_CHILD_A="rekey_time=10s life_time=20s rand_time=0s"   (per side A/B)
#   RK_CONN_A="rekey_time=15s"                                (IKE SA)
#   ike_start A self; ike_start B charon; ike_initiate A; ike_wait_up A B
#   rk_ping_start 60; rk_watch_spis 60 6; rk_ping_wait; rk_assert_loss 0
#
# Settings are "key=value" words with the keys both daemons share
# (rekey_time life_time rand_time over_time reauth_time rekey_bytes
# life_bytes rekey_packets life_packets); times take an s/m/h suffix.
# A charon side also takes its own connection options (encap=yes), and
# RK_CHARON_A/B: settings of the charon section of its strongswan.conf
# (make_before_break=yes).

# ike_extra_conf: called by ike_fill with _kind and _ns set.
ike_extra_conf() {
	if [ "$_ns" = "$NS_A" ]; then
		_rk_conn=${RK_CONN_A:-} _rk_child=${RK_CHILD_A:-} _rk_charon=${RK_CHARON_A:-}
	else
		_rk_conn=${RK_CONN_B:-} _rk_child=${RK_CHILD_B:-} _rk_charon=${RK_CHARON_B:-}
	fi
	IKE_CONN_EXTRA=$(_rk_render "$_rk_conn")
	IKE_CHILD_EXTRA=$(_rk_render "$_rk_child")
	[ "$_kind" = ikedaemon ] || IKE_CHARON_EXTRA=$(_rk_render "$_rk_charon")
}

# "k=v k2=v2" -> ikedaemon: 'k = "v"; k2 = "v2";'  charon: 'k = v\nk2 = v2'
_rk_render() {
	out=""
	for kv in $1; do
		k=${kv%%=*}
		v=${kv#*=}
		if [ "$_kind" = ikedaemon ]; then
			case $k in
			*_bytes | *_packets) out="$out $k = $v;" ;;
			*) out="$out $k = \"$v\";" ;;
			esac
		else
			out="$out\\n$k = $v"
		fi
	done
	printf '%s' "$out"
}

# ---- traffic --------------------------------------------------------------

# rk_ping_start SECONDS [SIZE]: pings HOST_A -> HOST_B in the background,
# 25 per second for SECONDS; rk_ping_wait collects the result.  A fixed
# count lets ping wait for the replies still in flight at the end.
rk_ping_start() {
	RK_PING_COUNT=$(( $1 * 25 ))
	RK_PING_SECS=$1
	# -D: each reply with its time, to place losses (rk_loss_report)
	ns_exec "$NS_A" ping -D -c "$RK_PING_COUNT" -i 0.04 -s "${2:-56}" -W 3 -I "$HOST_A" "$HOST_B" \
		>"$SCEN_TMP/rkping.out" 2>&1 &
	RK_PING_PID=$!
	_vm_pids="$_vm_pids $RK_PING_PID"
	info "ping $HOST_A -> $HOST_B: $RK_PING_COUNT packets, 25 per second (pid $RK_PING_PID)"
}

# rk_ping_wait: waits for the ping to end; sets RK_SENT RK_RECEIVED RK_LOST.
rk_ping_wait() {
	end=$(( $(date +%s) + RK_PING_SECS + 60 ))
	while [ -d "/proc/$RK_PING_PID" ] && [ "$(date +%s)" -lt "$end" ]; do
		sleep 1
	done
	[ ! -d "/proc/$RK_PING_PID" ] || kill -INT "$RK_PING_PID" 2>/dev/null
	wait "$RK_PING_PID" 2>/dev/null
	line=$(grep 'packets transmitted' "$SCEN_TMP/rkping.out")
	RK_SENT=$(printf '%s\n' "$line" | awk '{ print $1 }')
	RK_RECEIVED=$(printf '%s\n' "$line" | awk '{ print $4 }')
	[ -n "$RK_SENT" ] && [ -n "$RK_RECEIVED" ] ||
		fail "no ping summary: $(tail -n 3 "$SCEN_TMP/rkping.out")"
	RK_LOST=$((RK_SENT - RK_RECEIVED))
	info "ping: $RK_SENT sent, $RK_RECEIVED received, $RK_LOST lost"
	echo "$SCENARIO sent=$RK_SENT received=$RK_RECEIVED lost=$RK_LOST" >>"$VM_OUT/rekey-loss.txt" 2>/dev/null
	[ "$RK_LOST" -eq 0 ] || rk_loss_report
	return 0
}

# rk_loss_report: which pings went missing and when (UTC, the daemons'
# log clock), and the non-zero XFRM error counters of both namespaces.
# Inbound drops name the direction: in B, the requests A -> B were lost;
# in A, the replies B -> A.  XfrmInNoStates: an SPI the receiver did not
# have (any more, or yet); XfrmAcquireError: an SPI still larval (allocated,
# keys not installed yet: the sender moved to a new SA too early).
rk_loss_report() {
	awk -v n="$RK_SENT" '
		function hms(t,  s) {
			s = t % 86400
			return sprintf("%02d:%02d:%06.3f", int(s / 3600), int(s % 3600 / 60), s % 60)
		}
		/icmp_seq=/ {
			t = $1; gsub(/[][]/, "", t)
			q = $0; sub(/.*icmp_seq=/, "", q); sub(/ .*/, "", q)
			seen[q + 0] = 1; at[q + 0] = t
		}
		END {
			for (q = 1; q <= n; q++) {
				if (seen[q]) { last = q; continue }
				first = q
				while (q + 1 <= n && !seen[q + 1]) q++
				when = last ? hms(at[last] + (first - last) * 0.04) : "before the first reply"
				printf "icmp_seq %d-%d (%d) lost, sent about %s\n", first, q, q - first + 1, when
			}
		}' "$SCEN_TMP/rkping.out" | head -n 20 | while read -r line; do
		info "  $line"
	done
	for ns in "$NS_A" "$NS_B"; do
		info "  $ns xfrm_stat:" $(ip netns exec "$ns" awk '$2 != 0' /proc/net/xfrm_stat)
	done
}

# rk_assert_loss MAX: at most MAX pings lost.
rk_assert_loss() {
	[ "$RK_LOST" -le "$1" ] ||
		fail "$RK_LOST of $RK_SENT pings lost across the rekeys, want at most $1"
}

# ---- SAs coming and going ------------------------------------------------

# The inbound ESP SPIs of side A now (dst ADDR_A), one per line.
_rk_spis_in() {
	ip -n "$NS_A" xfrm state | awk -v a="$ADDR_A" '
		/^src / { dst = $4 }
		/proto esp spi/ { spi = $4; if (dst == a && spi != "0x00000000") print spi }'
}

# rk_watch_spis SECONDS MIN-DISTINCT: for SECONDS, every 0.5 s, notes the
# inbound ESP SPIs of side A; fails unless MIN-DISTINCT different ones
# were seen (each rekey brings one) and never more than 3 at once.
# Sets RK_SPIS (distinct count).
rk_watch_spis() {
	end=$(( $(date +%s) + $1 ))
	: >"$SCEN_TMP/spis"
	maxnow=0
	while [ "$(date +%s)" -lt "$end" ]; do
		_rk_spis_in >"$SCEN_TMP/spis.now"
		cat "$SCEN_TMP/spis.now" >>"$SCEN_TMP/spis"
		n=$(grep -c . "$SCEN_TMP/spis.now")
		[ "$n" -le "$maxnow" ] || maxnow=$n
		RK_SPIS=$(sort -u "$SCEN_TMP/spis" | grep -c .)
		[ "$RK_SPIS" -lt "$2" ] || break
		sleep 0.5
	done
	RK_SPIS=$(sort -u "$SCEN_TMP/spis" | grep -c .)
	info "side A saw $RK_SPIS inbound ESP SPIs, at most $maxnow at once"
	[ "$RK_SPIS" -ge "$2" ] ||
		fail "only $RK_SPIS inbound ESP SPIs in ${1}s on side A, want $2 (rekeys did not happen)"
	[ "$maxnow" -le 3 ] || fail "$maxnow inbound ESP SAs at once on side A: old ones not deleted"
}

# rk_assert_one_pair: after the rekeys settle, one ESP SA each way per side.
rk_wait_one_pair() {
	wait_for "$IKE_DOWN_TIMEOUT" "exactly 2 ESP SAs in each namespace" _rk_one_pair
	info "one SA pair left on each side: $(_rk_spis_in | paste -sd' ' -)"
}

_rk_one_pair() {
	[ "$(ike_xfrm_sas "$NS_A" | grep -c .)" -eq 2 ] &&
		[ "$(ike_xfrm_sas "$NS_B" | grep -c .)" -eq 2 ]
}

# rk_assert_encap NS: NS has ESP SAs and every one is ESP in UDP between
# the NAT-T ports (4500 both ends).
rk_assert_encap() {
	st=$(ip -n "$1" xfrm state)
	n=$(printf '%s\n' "$st" | grep -c 'proto esp spi')
	e=$(printf '%s\n' "$st" | grep -c 'encap type espinudp sport 4500 dport 4500')
	[ "$n" -gt 0 ] || fail "no ESP SA in $1"
	[ "$n" -eq "$e" ] ||
		fail "$e of the $n ESP SAs in $1 are ESP in UDP 4500/4500: $(ip -n "$1" xfrm state | grep -E "^src|proto esp|encap" | paste -sd" " -)"
	info "$1: all $n ESP SAs are ESP in UDP 4500/4500"
}

# rk_count_log SIDE ERE: how many lines of SIDE's daemon log match.
rk_count_log() {
	grep -Eci -- "$2" "$(ike_log "$1")" 2>/dev/null || true
}

# ---- scenario steps ---------------------------------------------------------

# rk_up KIND-A KIND-B: both daemons, side A initiates, both up.
rk_up() {
	ike_start A "$1"
	ike_start B "$2"
	ike_initiate A
	ike_wait_up A B
}

# rk_delay MS: netem delay of MS each way on the wan link (0: none).
rk_delay() {
	for ns in "$NS_A" "$NS_B"; do
		if [ "$1" = 0 ]; then
			ip netns exec "$ns" tc qdisc del dev wan root 2>/dev/null
		else
			ip netns exec "$ns" tc qdisc add dev wan root netem delay "${1}ms" ||
				fail "cannot add netem delay on wan in $ns"
		fi
	done
}

# rk_wait_one_ike SIDE: exactly one established IKE SA on SIDE (ikedaemon).
rk_wait_one_ike() {
	wait_for 20 "one IKE SA left on side $1" _rk_one_ike "$1"
}

_rk_one_ike() {
	[ "$(ike_ctl "$1" show sa "$CF_CONN" | grep -c ESTABLISHED)" -eq 1 ]
}

# rk_ike_spi SIDE: the first IKE SPI "ikectl show sa" prints for SIDE.
rk_ike_spi() {
	ike_ctl "$1" show sa "$CF_CONN" | grep -o '[0-9a-f]\{16\}' | head -n 1
}

# rk_wait_log_count SIDE SECONDS N ERE: SIDE's log has N lines matching.
rk_wait_log_count() {
	end=$(( $(date +%s) + $2 ))
	while [ "$(rk_count_log "$1" "$4")" -lt "$3" ] && [ "$(date +%s)" -lt "$end" ]; do
		sleep 1
	done
	n=$(rk_count_log "$1" "$4")
	[ "$n" -ge "$3" ] || fail "side $1 logged /$4/ $n times in $2 s, want $3"
	info "side $1 logged /$4/ $n times"
}

# rk_finish SIDE: traffic still flows, SIDE terminates, nothing is left.
# (Not ike_assert_traffic: with timers still running, an SA that was just
# installed may not have counted a packet yet.)
rk_finish() {
	rk_delay 0
	ike_ping 5 || fail "no ping reply $HOST_A -> $HOST_B after the rekeys: $(tail -n 3 "$SCEN_TMP/ping.out")"
	info "ping $HOST_A -> $HOST_B: $(grep 'packets transmitted' "$SCEN_TMP/ping.out")"
	ike_terminate "$1"
	ike_wait_clean
	ike_stop_all
	ike_assert_clean
}
