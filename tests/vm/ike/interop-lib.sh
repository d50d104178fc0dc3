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

interop_pass() {
	echo "pass|$1|$SCENARIO|$2" >>"$VM_OUT/interop.txt"
	info "interop with $1, $2: pass"
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
		bg_log "$_dir/xfrm-monitor.log" "$_ns" ip -timestamp xfrm monitor sa policy
	done
}
