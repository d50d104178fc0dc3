# Interop scenarios against other IKE daemons (sourced after ike-lib.sh
# and rekey-lib.sh): the results per peer, scenario and role of ikedaemon
# that tools/interop-table.sh turns into the table of tests/vm/README.md,
# and rekeys asked of either side under a running ping.
#
#   interop_roles libreswan "PSK, IPv4, default proposals" initiator responder
#   ...; interop_pass libreswan initiator
#
# Each line goes to $VM_OUT/interop.txt: "expect|PEER|SCENARIO|WHAT|ROLE"
# for every role the scenario covers, "pass|PEER|SCENARIO|ROLE" once that
# part passed; a role without its pass line failed (or was not reached).

interop_roles() {
	peer=$1 what=$2
	shift 2
	for r in "$@"; do
		echo "expect|$peer|$SCENARIO|$what|$r" >>"$VM_OUT/interop.txt"
	done
}

# interop_pass PEER ROLE [NOTE]: the note goes into the table's result.
interop_pass() {
	echo "pass|$1|$SCENARIO|$2|${3:-}" >>"$VM_OUT/interop.txt"
	info "interop with $1, $2: pass${3:+ ($3)}"
}

# interop_rekey_child WHO CMD...: runs CMD (which asks one side to rekey the
# CHILD SA; empty: wait for a rekey by timer), then waits until side A has
# one inbound ESP SA again, with a new SPI.
interop_rekey_child() {
	who=$1
	shift
	spi0=$(_rk_spis_in)
	if [ $# -gt 0 ]; then
		out=$("$@" 2>&1) || fail "rekey by $who ($*): $out"
	fi
	wait_for "${RK_REKEY_TIMEOUT:-30}" "a CHILD SA rekey by $who (inbound SPI $spi0 replaced on side A)" \
		_interop_replaced "$spi0"
	info "CHILD SA rekey by $who: side A's inbound SPI $spi0 -> $(_rk_spis_in)"
}

_interop_replaced() {
	now=$(_rk_spis_in)
	[ -n "$now" ] && [ "$now" != "$1" ] && [ "$(printf '%s\n' "$now" | grep -c .)" -eq 1 ]
}

# interop_xfrm_monitor: "ip -timestamp xfrm monitor" of both namespaces in
# A/xfrm-monitor.log and B/xfrm-monitor.log (kept with the logs on a
# failure): the order in which each side adds, switches and deletes SAs.
interop_xfrm_monitor() {
	for s in A B; do
		_ike_side "$s"
		bg_log "$_dir/xfrm-monitor.log" "$_ns" ip -timestamp xfrm monitor SA policy
	done
}

# ---- losses Libreswan's early switch causes ---------------------------------
#
# As the responder of a CHILD SA rekey, Libreswan (4.10) installs its new
# outbound SA and sends on it before it even sends its CREATE_CHILD_SA
# response; the initiator can key its new inbound SA only once the response
# is there (and, with PFS, once it computed the DH secret).  A packet
# Libreswan sends in between meets the initiator's inbound SA while it is
# still larval (SPI allocated, no keys): XfrmAcquireError on side A, and
# the packet is gone.  Nothing on ikedaemon's side can key that SA sooner.
# strongSwan and ikedaemon as responders install the new outbound SA only
# when the old one is deleted, so rekeys they answer lose nothing.

# interop_xfrm_stat_mark: notes both namespaces' XFRM error counters.
interop_xfrm_stat_mark() {
	for s in A B; do
		_ike_side "$s"
		ip netns exec "$_ns" cat /proc/net/xfrm_stat >"$SCEN_TMP/xfrm_stat.$s"
	done
}

# _interop_xfrm_delta SIDE: "Counter delta" lines of the counters that grew.
_interop_xfrm_delta() {
	_ike_side "$1"
	ip netns exec "$_ns" cat /proc/net/xfrm_stat |
		awk 'NR == FNR { was[$1] = $2; next } $2 != was[$1] { print $1, $2 - was[$1] }' \
			"$SCEN_TMP/xfrm_stat.$1" -
}

# interop_assert_loss_early_switch REKEYS: after rk_ping_wait, every lost
# ping a reply that met side A's larval inbound SA (XfrmAcquireError on A),
# no other XFRM error on either side, and at most 10 (400 ms of pings) per
# rekey ikedaemon started; any other loss fails.  How many go depends on how
# long Libreswan takes from its switch to its response and ikedaemon from
# the response to its keys (DH): under an emulator tens of milliseconds.
interop_assert_loss_early_switch() {
	da=$(_interop_xfrm_delta A)
	db=$(_interop_xfrm_delta B)
	acq=$(printf '%s\n' "$da" | awk '$1 == "XfrmAcquireError" { print $2 }')
	other=$(printf '%s\n' "$da" | grep -v '^XfrmAcquireError ' | grep .)
	info "XFRM errors during the ping: side A: ${da:-none}; side B: ${db:-none}"
	[ -z "$other" ] && [ -z "$db" ] ||
		fail "XFRM errors other than Libreswan's early switch: side A: ${other:-none}; side B: ${db:-none}"
	[ "$RK_LOST" -le "${acq:-0}" ] ||
		fail "$RK_LOST pings lost but only ${acq:-0} met a larval SA on side A"
	[ "$RK_LOST" -le $(( $1 * 10 )) ] ||
		fail "$RK_LOST pings lost in $1 rekeys by ikedaemon, want at most 10 each"
	[ "$RK_LOST" -eq 0 ] ||
		info "$RK_LOST ping replies met side A's new inbound SA before it had its keys (Libreswan's early switch)"
	echo "$SCENARIO early-switch-losses=$RK_LOST" >>"$VM_OUT/rekey-loss.txt" 2>/dev/null
	return 0
}

# interop_assert_loss_peer_gap MAX: after rk_ping_wait, every lost ping a
# reply that side B itself could not send (XfrmAcquireError on B: its
# output found no keyed SA), no XFRM error on side A, at most MAX lost.
# Seen with OpenIKED answering or starting a CHILD SA rekey over PF_KEY:
# once in 1000 pings its old outbound SA was gone before its new one was
# usable (ikedaemon had already keyed both of its own SAs); any loss that
# ikedaemon's side saw fails.
interop_assert_loss_peer_gap() {
	da=$(_interop_xfrm_delta A)
	db=$(_interop_xfrm_delta B)
	acq=$(printf '%s\n' "$db" | awk '$1 == "XfrmAcquireError" { print $2 }')
	info "XFRM errors during the ping: side A: ${da:-none}; side B: ${db:-none}"
	[ "$RK_LOST" -eq 0 ] && return 0
	[ -z "$da" ] || fail "$RK_LOST pings lost and XFRM errors on ikedaemon's side: $da"
	[ "$RK_LOST" -le "${acq:-0}" ] ||
		fail "$RK_LOST pings lost but only ${acq:-0} met side B's own gap (XfrmAcquireError on B)"
	[ "$RK_LOST" -le "$1" ] || fail "$RK_LOST pings lost in the peer's gap, want at most $1"
	info "$RK_LOST ping replies could not leave side B (the peer's own outbound gap)"
	return 0
}
