# IKE scenarios between two network namespaces (sourced after lib.sh).
#
# Two namespaces, side A and side B, joined by a veth "wan" link; each side
# has a protected host address on its loopback (tunnel mode) or protects
# its own wan address (transport mode).  Each side runs one IKE daemon:
# ikedaemon or strongSwan's charon, configured from the templates next to
# this file with the same connection seen from both ends.
#
#   ike_topo 4|6 [tunnel|transport]    namespaces, addresses, routes, defaults
#   (optional) CF_* settings           see ike_defaults
#   ike_start A self; ike_start B charon
#   ike_initiate A; ike_wait_up A B
#   ike_assert_traffic                 ping across, every ESP SA counted
#   ike_terminate A; ike_wait_clean    no SA or policy on either side
#   ike_stop_all; ike_assert_clean
#
# A side's kind is "ikedaemon", "charon", or "self": the implementation
# under test, ikedaemon unless IKE_VM_SELF=charon (that swaps ikedaemon for
# a second charon, to check scenarios and plumbing on their own).  Other
# peers come from their own libraries, sourced after this one: "pluto"
# (libreswan-lib.sh) and "iked" (openiked-lib.sh) define KIND_write_conf,
# KIND_start, KIND_initiate, KIND_is_up, KIND_is_down, KIND_terminate and
# KIND_log, which the functions here call for a side of that kind.
#
# fail() from lib.sh is replaced: it also prints the daemons' logs and the
# kernel state, and copies the scenario's directory (configs, logs) to the
# results share.  Environment: IKE_BUILD (build tree with src/ike/ikedaemon
# and ikectl), IKE_VM_SELF, IKE_VM_PCAP=1 (capture the wan link of side A
# into wan.pcap, copied to the results share with the logs on failure).

IKE_LIB_DIR=${IKE_LIB_DIR:-$VM_DIR/ike}
IKEDAEMON=${IKEDAEMON:-${IKE_BUILD:-.}/src/ike/ikedaemon}
IKECTL=${IKECTL:-${IKE_BUILD:-.}/src/ike/ikectl}
CHARON=${CHARON:-/usr/lib/ipsec/charon}
IKE_SELF=${IKE_VM_SELF:-ikedaemon}
# Seconds to wait for an SA to come up, and for kernel state to go.
IKE_UP_TIMEOUT=${IKE_UP_TIMEOUT:-30}
IKE_DOWN_TIMEOUT=${IKE_DOWN_TIMEOUT:-15}
# Seconds for a daemon to answer on its control socket (charon takes ~10 s
# to start under a loaded emulator).
IKE_START_TIMEOUT=${IKE_START_TIMEOUT:-60}
_ike_dumped=""

# Seconds since boot, without starting a process (they are slow under qemu).
_ike_now() {
	read -r _ike_up _ </proc/uptime
	echo "${_ike_up%.*}"
}
_ike_t0=$(_ike_now)

# Messages carry the seconds since the scenario started.
info() {
	echo "  [$SCENARIO +$(( $(_ike_now) - _ike_t0 ))s] $*"
}

fail() {
	echo "  [$SCENARIO +$(( $(_ike_now) - _ike_t0 ))s] FAIL: $*"
	if [ -z "$_ike_dumped" ]; then
		_ike_dumped=1
		ike_dump
	fi
	exit 1
}

# The scenario is killed by its time limit with SIGTERM: fail, so the logs
# are dumped and lib.sh's EXIT trap cleans up.
trap 'fail "terminated (scenario time limit?)"' TERM INT

# ---- topology ---------------------------------------------------------

# ike_topo FAMILY [MODE]: namespaces $SCENARIO-a and -b, the wan link and
# the protected addresses; sets NS_A NS_B ADDR_A ADDR_B HOST_A HOST_B and
# the CF_* defaults for MODE (tunnel by default).
ike_topo() {
	NS_A=$SCENARIO-a
	NS_B=$SCENARIO-b
	CF_MODE=${2:-tunnel}
	ns_add "$NS_A" "$NS_B"
	if [ "$1" = 6 ]; then
		ADDR_A=2001:db8:ff::1
		ADDR_B=2001:db8:ff::2
		veth_link "$NS_A" wan "$ADDR_A/64" "$NS_B" wan "$ADDR_B/64"
		NET_A=2001:db8:1::/64
		NET_B=2001:db8:2::/64
		HOST_A=2001:db8:1::1
		HOST_B=2001:db8:2::1
		ns_addr "$NS_A" "$HOST_A/128"
		ns_addr "$NS_B" "$HOST_B/128"
	else
		ADDR_A=192.0.2.1
		ADDR_B=192.0.2.2
		veth_link "$NS_A" wan "$ADDR_A/24" "$NS_B" wan "$ADDR_B/24"
		NET_A=10.1.0.0/24
		NET_B=10.2.0.0/24
		HOST_A=10.1.0.1
		HOST_B=10.2.0.1
		ns_addr "$NS_A" "$HOST_A/32"
		ns_addr "$NS_B" "$HOST_B/32"
	fi
	if [ "$CF_MODE" = transport ]; then
		HOST_A=$ADDR_A
		HOST_B=$ADDR_B
	else
		# The daemons install no routes: traffic between the protected
		# addresses goes to the other side, where the policies catch it.
		ns_route "$NS_A" "$NET_B" "$ADDR_B" "$HOST_A"
		ns_route "$NS_B" "$NET_A" "$ADDR_A" "$HOST_B"
	fi
	ike_defaults
	[ -z "${IKE_VM_PCAP:-}" ] || ike_capture A
}

# The connection both sides configure, from side A's point of view.  A
# scenario changes any of these after ike_topo and before ike_start.
ike_defaults() {
	CF_CONN=scen
	CF_CHILD=net
	CF_ID_A=a.example.org
	CF_ID_B=b.example.org
	CF_PSK_A=vm-scenario-shared-key-0123456789
	CF_PSK_B=$CF_PSK_A
	CF_PROPOSALS_A=aes256gcm16-prfsha256-x25519
	CF_PROPOSALS_B=$CF_PROPOSALS_A
	CF_ESP_A=aes256gcm16
	CF_ESP_B=$CF_ESP_A
	CF_START_A=none
	CF_START_B=none
	CF_RETX_TIMEOUT=2
	CF_RETX_BASE=1.5
	CF_RETX_TRIES=4
	if [ "$CF_MODE" = transport ]; then
		CF_TS_A=dynamic
		CF_TS_B=dynamic
	else
		CF_TS_A=$NET_A
		CF_TS_B=$NET_B
	fi
}

# ike_capture SIDE: the wan link of SIDE into wan.pcap (IKE_VM_PCAP).
ike_capture() {
	_ike_side "$1"
	bg_log "$SCEN_TMP/tcpdump.log" "$_ns" tcpdump -i wan --immediate-mode -U -n -w "$SCEN_TMP/wan.pcap"
	wait_for 30 "tcpdump listening on wan in $_ns" grep -q listening "$SCEN_TMP/tcpdump.log"
}

# ---- configuration and daemons ----------------------------------------

# _ike_side SIDE: sets _ns _dir _kind _pid (and the CF_* values seen from
# that side: _l* local, _r* remote) for side A or B.
_ike_side() {
	case $1 in
	A)
		_ns=$NS_A _dir=$SCEN_TMP/A _kind=${KIND_A:-} _pid=${PID_A:-}
		_laddr=$ADDR_A _raddr=$ADDR_B _lid=$CF_ID_A _rid=$CF_ID_B
		_psk=$CF_PSK_A _props=$CF_PROPOSALS_A _esp=$CF_ESP_A
		_lts=$CF_TS_A _rts=$CF_TS_B _start=$CF_START_A
		;;
	B)
		_ns=$NS_B _dir=$SCEN_TMP/B _kind=${KIND_B:-} _pid=${PID_B:-}
		_laddr=$ADDR_B _raddr=$ADDR_A _lid=$CF_ID_B _rid=$CF_ID_A
		_psk=$CF_PSK_B _props=$CF_PROPOSALS_B _esp=$CF_ESP_B
		_lts=$CF_TS_B _rts=$CF_TS_A _start=$CF_START_B
		;;
	*) fail "no side '$1' (A or B)" ;;
	esac
}

# _ike_other SIDE FUNC: for a side of another peer's kind (pluto, iked),
# runs KIND_FUNC SIDE and returns its status; 200 for ikedaemon and charon.
_ike_other() {
	_ike_side "$1"
	case $_kind in
	ikedaemon | charon | "") return 200 ;;
	esac
	"${_kind}_$2" "$1"
}

# "a,b" -> "a", "b" (libconfig array items)
_ike_quoted() {
	printf '%s' "$1" | sed 's/[^,][^,]*/"&"/g; s/,/, /g'
}

# ike_fill TEMPLATE OUT: the template with this side's values (_ike_side).
ike_fill() {
	case $_kind in
	ikedaemon)
		props=$(_ike_quoted "$_props")
		esp=$(_ike_quoted "$_esp")
		lts=$(_ike_quoted "$_lts")
		rts=$(_ike_quoted "$_rts")
		;;
	*)
		props=$_props esp=$_esp lts=$_lts rts=$_rts
		;;
	esac
	# settings a scenario adds (ike_extra_conf, e.g. rekey-lib.sh): one
	# line per setting, in this side's syntax; IKE_CHARON_EXTRA goes in
	# the charon section of strongswan.conf
	IKE_CONN_EXTRA= IKE_CHILD_EXTRA= IKE_CHARON_EXTRA=
	! command -v ike_extra_conf >/dev/null || ike_extra_conf
	sed -e "s|@DIR@|$_dir|g" -e "s|@NS@|$_ns|g" \
		-e "s|@CONN_EXTRA@|$IKE_CONN_EXTRA|g" -e "s|@CHILD_EXTRA@|$IKE_CHILD_EXTRA|g" \
		-e "s|@CHARON_EXTRA@|$IKE_CHARON_EXTRA|g" \
		-e "s|@LOCAL_ADDR@|$_laddr|g" -e "s|@REMOTE_ADDR@|$_raddr|g" \
		-e "s|@LOCAL_ID@|$_lid|g" -e "s|@REMOTE_ID@|$_rid|g" \
		-e "s|@PSK@|$_psk|g" -e "s|@CONN@|$CF_CONN|g" -e "s|@CHILD@|$CF_CHILD|g" \
		-e "s|@PROPOSALS@|$props|g" -e "s|@ESP_PROPOSALS@|$esp|g" \
		-e "s|@LOCAL_TS@|$lts|g" -e "s|@REMOTE_TS@|$rts|g" \
		-e "s|@MODE@|$CF_MODE|g" -e "s|@START_ACTION@|$_start|g" \
		-e "s|@RETX_TIMEOUT@|$CF_RETX_TIMEOUT|g" -e "s|@RETX_BASE@|$CF_RETX_BASE|g" \
		-e "s|@RETX_TRIES@|$CF_RETX_TRIES|g" \
		"$IKE_LIB_DIR/$1" >"$2" || fail "cannot write $2 from $1"
	grep -q '@[A-Z_]*@' "$2" && fail "unfilled placeholder in $2: $(grep '@[A-Z_]*@' "$2")"
	return 0
}

# ike_write_conf SIDE KIND: the configuration files of SIDE in its directory.
ike_write_conf() {
	case $2 in
	self) kind=$IKE_SELF ;;
	*) kind=$2 ;;
	esac
	case $kind in
	ikedaemon | charon) ;;
	pluto | iked) command -v "${kind}_start" >/dev/null || fail "kind $kind: its library is not loaded" ;;
	*) fail "unknown daemon kind '$kind' (ikedaemon, charon, self, pluto, iked)" ;;
	esac
	eval "KIND_$1=$kind"
	_ike_side "$1"
	mkdir -p "$_dir"
	if [ "$kind" = pluto ] || [ "$kind" = iked ]; then
		"${kind}_write_conf" "$1"
	elif [ "$kind" = ikedaemon ]; then
		ike_fill ike.conf.in "$_dir/ike.conf"
		chmod 600 "$_dir/ike.conf"
		out=$("$IKEDAEMON" -n -f "$_dir/ike.conf" 2>&1) ||
			fail "ikedaemon rejects $_dir/ike.conf: $out"
	else
		ike_fill strongswan.conf.in "$_dir/strongswan.conf"
		ike_fill swanctl.conf.in "$_dir/swanctl.conf"
	fi
}

# ike_start SIDE KIND: writes SIDE's configuration, starts its daemon and
# waits until it answers on its control socket with the connection loaded.
ike_start() {
	rm -rf "$SCEN_TMP/$1"
	ike_write_conf "$1" "$2"
	_ike_side "$1"
	# a scenario may rewrite the written files (ike_post_conf, with _kind,
	# _dir and _ns set; e.g. certificates instead of the PSK)
	! command -v ike_post_conf >/dev/null || ike_post_conf "$1"
	if _ike_other "$1" start; [ $? -ne 200 ]; then
		:
	elif [ "$_kind" = ikedaemon ]; then
		bg_log "$_dir/ikedaemon.log" "$_ns" "$IKEDAEMON" -d -f "$_dir/ike.conf"
		eval "PID_$1=$BG_PID"
		wait_for "$IKE_START_TIMEOUT" "ikedaemon in $_ns answering on $_dir/ikedaemon.ctl" \
			"$IKECTL" -s "$_dir/ikedaemon.ctl" show conns
	else
		rm -f "/tmp/$_ns.vici"
		bg_log "$_dir/charon.out" "$_ns" unshare -m sh -c \
			"mount -t tmpfs tmpfs /run && STRONGSWAN_CONF=$_dir/strongswan.conf exec $CHARON"
		eval "PID_$1=$BG_PID"
		wait_for "$IKE_START_TIMEOUT" "charon in $_ns (vici socket /tmp/$_ns.vici)" test -S "/tmp/$_ns.vici"
		out=$(ike_swanctl "$1" --load-creds --noprompt --file "$_dir/swanctl.conf" 2>&1) ||
			fail "swanctl --load-creds in $_ns: $out"
		out=$(ike_swanctl "$1" --load-conns --file "$_dir/swanctl.conf" 2>&1) ||
			fail "swanctl --load-conns in $_ns: $out"
		printf '%s\n' "$out" | grep -q "loaded connection '$CF_CONN'" ||
			fail "charon in $_ns did not load connection $CF_CONN: $out"
	fi
	info "side $1 ($_ns): $_kind started"
}

# ike_reload SIDE: rewrites SIDE's configuration from the CF_* values and
# makes its running daemon load it (ikectl reload, swanctl --load-conns).
ike_reload() {
	_ike_side "$1"
	ike_write_conf "$1" "$_kind"
	if _ike_other "$1" reload; [ $? -ne 200 ]; then
		:
	elif [ "$_kind" = ikedaemon ]; then
		out=$(ike_ctl "$1" reload 2>&1) || fail "ikectl reload in $_ns: $out"
	else
		out=$(ike_swanctl "$1" --load-creds --noprompt --clear --file "$_dir/swanctl.conf" 2>&1) ||
			fail "swanctl --load-creds in $_ns: $out"
		out=$(ike_swanctl "$1" --load-conns --file "$_dir/swanctl.conf" 2>&1) ||
			fail "swanctl --load-conns in $_ns: $out"
	fi
	info "side $1 ($_ns): $_kind reloaded its configuration"
}

# ike_swanctl SIDE COMMAND ARGS...: swanctl talking to the charon of SIDE
# (the command comes first, then options), with that charon's
# strongswan.conf (its plugin list, no noise about others).
ike_swanctl() {
	_ike_side "$1"
	cmd=$2
	shift 2
	STRONGSWAN_CONF=$_dir/strongswan.conf swanctl "$cmd" --uri "unix:///tmp/$_ns.vici" "$@"
}

# ike_ctl SIDE ARGS...: ikectl of side SIDE (an ikedaemon side).
ike_ctl() {
	_ike_side "$1"
	shift
	"$IKECTL" -s "$_dir/ikedaemon.ctl" "$@"
}

# ike_try_initiate SIDE: starts the connection's child from SIDE; the
# status of ikectl (which returns at once) or of swanctl (which waits up
# to the up timeout).  The command's output is in SIDE's initiate.out.
ike_try_initiate() {
	_ike_side "$1"
	info "initiating $CF_CONN/$CF_CHILD from side $1 ($_kind)"
	_ike_other "$1" initiate
	rc=$?
	[ "$rc" -eq 200 ] || return "$rc"
	if [ "$_kind" = ikedaemon ]; then
		ike_ctl "$1" initiate "$CF_CONN/$CF_CHILD" >"$_dir/initiate.out" 2>&1
	else
		ike_swanctl "$1" --initiate --child "$CF_CHILD" --timeout "$IKE_UP_TIMEOUT" \
			>"$_dir/initiate.out" 2>&1
	fi
}

# ike_initiate SIDE: the same, failing the scenario when the command fails.
ike_initiate() {
	ike_try_initiate "$1" ||
		fail "initiating $CF_CONN/$CF_CHILD from side $1 ($_kind in $_ns): $(tail -n 5 "$_dir/initiate.out")"
}

# ike_is_up SIDE: the IKE SA is established and the CHILD SA installed.
ike_is_up() {
	_ike_other "$1" is_up
	rc=$?
	[ "$rc" -eq 200 ] || return "$rc"
	if [ "$_kind" = ikedaemon ]; then
		ike_ctl "$1" show sa "$CF_CONN" 2>/dev/null | grep -q ESTABLISHED &&
			ike_ctl "$1" show child "$CF_CONN" 2>/dev/null | grep -q INSTALLED
	else
		out=$(ike_swanctl "$1" --list-sas --ike "$CF_CONN" 2>/dev/null)
		printf '%s\n' "$out" | grep -q ESTABLISHED &&
			printf '%s\n' "$out" | grep -q INSTALLED
	fi
}

# ike_is_down SIDE: no IKE SA of the connection on SIDE.
ike_is_down() {
	_ike_other "$1" is_down
	rc=$?
	[ "$rc" -eq 200 ] || return "$rc"
	if [ "$_kind" = ikedaemon ]; then
		! ike_ctl "$1" show sa "$CF_CONN" 2>/dev/null | grep -q "^ike sa"
	else
		! ike_swanctl "$1" --list-sas --ike "$CF_CONN" 2>/dev/null | grep -q "$CF_CONN"
	fi
}

# ike_wait_up SIDE...: every SIDE has the IKE SA and the CHILD SA up.
ike_wait_up() {
	for s in "$@"; do
		wait_for "$IKE_UP_TIMEOUT" "IKE SA and CHILD SA up on side $s" ike_is_up "$s"
	done
	info "SAs up on side(s) $*"
}

# ike_terminate SIDE: deletes the connection's IKE SA from SIDE.
ike_terminate() {
	_ike_side "$1"
	info "terminating $CF_CONN from side $1 ($_kind)"
	if _ike_other "$1" terminate; [ $? -ne 200 ]; then
		:
	elif [ "$_kind" = ikedaemon ]; then
		out=$(ike_ctl "$1" terminate "$CF_CONN" 2>&1) ||
			fail "ikectl terminate $CF_CONN in $_ns: $out"
	else
		out=$(ike_swanctl "$1" --terminate --ike "$CF_CONN" --timeout "$IKE_DOWN_TIMEOUT" 2>&1) ||
			fail "swanctl --terminate --ike $CF_CONN in $_ns: $out"
	fi
}

_ike_gone() {
	[ ! -d "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# ike_stop SIDE: SIGTERM to the daemon of SIDE; fails unless it exits
# within the down timeout.
ike_stop() {
	_ike_side "$1"
	[ -n "$_pid" ] || return 0
	kill -TERM "$_pid" 2>/dev/null
	end=$(( $(_ike_now) + IKE_DOWN_TIMEOUT ))
	while ! _ike_gone "$_pid"; do
		if [ "$(_ike_now)" -ge "$end" ]; then
			kill -KILL "$_pid" 2>/dev/null
			fail "$_kind in $_ns did not exit within ${IKE_DOWN_TIMEOUT}s of SIGTERM"
		fi
		sleep 0.2
	done
	wait "$_pid" 2>/dev/null
	eval "PID_$1="
	info "side $1 ($_ns): $_kind stopped"
	# a peer library's KIND_stopped: what that daemon leaves behind
	! command -v "${_kind}_stopped" >/dev/null || "${_kind}_stopped" "$1"
}

ike_stop_all() {
	ike_stop A
	ike_stop B
}

# ---- kernel state -----------------------------------------------------

# ike_xfrm_sas NS: one line "spi bytes packets" per ESP SA with an SPI.
ike_xfrm_sas() {
	ip -n "$1" -s xfrm state | awk '
		/^src / { esp = 0 }
		/proto esp spi/ { esp = 1; spi = $4; sub(/\(.*/, "", spi) }
		/lifetime current:/ { cur = 1; next }
		cur && /\(bytes\)/ {
			cur = 0
			b = $1; sub(/\(.*/, "", b)
			p = $2; sub(/\(.*/, "", p)
			if (esp && spi != "0x00000000") print spi, b, p
		}'
}

# The SAs and policies of NS, one line each, for messages.
ike_xfrm_brief() {
	ip -n "$1" xfrm state | grep -E '^src|proto' | paste -sd' ' -
	ip -n "$1" xfrm policy | grep -E '^src|dir' | paste -sd' ' -
}

_ike_no_sas() {
	[ -z "$(ip -n "$NS_A" xfrm state)" ] && [ -z "$(ip -n "$NS_B" xfrm state)" ]
}

# Policies of NS, without the per-socket ones (charon's IKE bypass) and
# pluto's bypass for IPv6 neighbour discovery (ICMPv6 135, 136), which it
# holds while it runs.
ike_xfrm_policies() {
	ip -n "$1" xfrm policy | awk '
		/^src / { nd = / proto ipv6-icmp type 13[56]/ }
		/^[[:space:]]dir / && !nd'
}

_ike_no_state() {
	_ike_no_sas && [ -z "$(ike_xfrm_policies "$NS_A")" ] && [ -z "$(ike_xfrm_policies "$NS_B")" ]
}

# ike_wait_clean: no SA and no policy left in either namespace (a peer
# library's KIND_settle runs first: pluto keeps a connection's policies
# until the connection is deleted).
ike_wait_clean() {
	for s in A B; do
		_ike_side "$s"
		! command -v "${_kind}_settle" >/dev/null || "${_kind}_settle" "$s"
	done
	wait_for "$IKE_DOWN_TIMEOUT" "no SA and no policy in $NS_A and $NS_B" _ike_no_state
	info "no SA and no policy left in $NS_A and $NS_B"
}

# ike_wait_no_sas: no SA in either namespace (policies may stay: traps).
ike_wait_no_sas() {
	wait_for "$IKE_DOWN_TIMEOUT" "no SA in $NS_A and $NS_B" _ike_no_sas
}

ike_assert_clean() {
	assert_xfrm_empty "$NS_A"
	assert_xfrm_empty "$NS_B"
	info "no SA and no policy left in $NS_A and $NS_B"
}

# ike_ping COUNT: from HOST_A to HOST_B; the exit status of ping (0 when
# at least one reply came back).
ike_ping() {
	ns_exec "$NS_A" ping -c "$1" -i 0.2 -W 2 -I "$HOST_A" "$HOST_B" >"$SCEN_TMP/ping.out" 2>&1
}

# ike_assert_sas_counted NS [MIN-SAS]: at least MIN-SAS (2) ESP SAs in NS,
# and every one has counted packets.
ike_assert_sas_counted() {
	sas=$(ike_xfrm_sas "$1")
	n=$(printf '%s\n' "$sas" | grep -c .)
	[ "$n" -ge "${2:-2}" ] || fail "$n ESP SAs in $1, want ${2:-2}: $(ike_xfrm_brief "$1")"
	printf '%s\n' "$sas" | while read -r spi bytes packets; do
		[ "$packets" -gt 0 ] || exit 1
	done || fail "an ESP SA in $1 counted no packets (SPI bytes packets): $sas"
	info "$1: ESP SAs (SPI bytes packets):" $sas
}

# ike_assert_traffic [COUNT]: pings HOST_A -> HOST_B across the tunnel and
# checks that every ESP SA on both sides counted packets.
ike_assert_traffic() {
	ike_ping "${1:-3}" ||
		fail "no ping reply $HOST_A -> $HOST_B: $(tail -n 3 "$SCEN_TMP/ping.out")"
	info "ping $HOST_A -> $HOST_B: $(grep 'packets transmitted' "$SCEN_TMP/ping.out")"
	ike_assert_sas_counted "$NS_A"
	ike_assert_sas_counted "$NS_B"
}

# ---- logs -------------------------------------------------------------

# ike_log SIDE: the log file of SIDE's daemon.
ike_log() {
	_ike_other "$1" log && return 0
	if [ "$_kind" = ikedaemon ]; then
		echo "$_dir/ikedaemon.log"
	else
		echo "$_dir/charon.log"
	fi
}

# ike_log_expect SIDE DESCRIPTION IKEDAEMON-ERE CHARON-ERE: SIDE's log has a
# line matching the expression for its kind (case-insensitive).
ike_log_expect() {
	_ike_side "$1"
	if [ "$_kind" = ikedaemon ]; then
		re=$3
	else
		re=$4
	fi
	f=$(ike_log "$1")
	line=$(grep -Ei -m 1 -- "$re" "$f") ||
		fail "side $1 ($_kind) did not log $2 (no line matching /$re/ in $f)"
	info "side $1 logged $2: $line"
}

# ike_wait_log SIDE DESCRIPTION IKEDAEMON-ERE CHARON-ERE: waits for it.
ike_wait_log() {
	end=$(( $(_ike_now) + IKE_UP_TIMEOUT ))
	_ike_side "$1"
	f=$(ike_log "$1")
	re=$3
	[ "$_kind" = ikedaemon ] || re=$4
	while ! grep -Eqi -- "$re" "$f" 2>/dev/null; do
		[ "$(_ike_now)" -lt "$end" ] || break
		sleep 0.3
	done
	ike_log_expect "$@"
}

# Everything a failure report needs, and a copy for the host.
ike_dump() {
	for s in A B; do
		eval "k=\${KIND_$s:-}"
		[ -n "$k" ] || continue
		f=$(ike_log "$s")
		echo "  ---- side $s ($k) log $f (last 120 lines)"
		tail -n 120 "$f" 2>/dev/null | sed 's/^/  | /'
		[ "$k" != charon ] || tail -n 5 "$SCEN_TMP/$s/charon.out" 2>/dev/null | sed 's/^/  | /'
	done
	for ns in ${NS_A:-} ${NS_B:-}; do
		echo "  ---- ip -s xfrm state / policy in $ns"
		{ ip -n "$ns" -s xfrm state; ip -n "$ns" xfrm policy; } 2>&1 | sed 's/^/  | /'
	done
	ike_save
}

# ike_save: the scenario's directory (configs, logs, pcap) to the results share.
ike_save() {
	[ -d "$VM_OUT" ] || return 0
	# Regular files only: the 9p share refuses sockets (control sockets).
	(cd "$SCEN_TMP" && find . -type f) | while read -r f; do
		mkdir -p "$VM_OUT/$SCENARIO/$(dirname "$f")" &&
			cp "$SCEN_TMP/$f" "$VM_OUT/$SCENARIO/$f"
	done 2>/dev/null
	return 0
}

# ---- kernel -------------------------------------------------------------

# ike_kernel_warmup: loads the ESP and crypto modules with one modprobe and
# adds (then flushes) one SA per ESP algorithm the scenarios use, IPv4 and
# IPv6, in a scratch namespace.  Under qemu without KVM the first SA of an
# algorithm costs tens of seconds: one modprobe per crypto name the kernel
# looks up, and the crypto self-tests.  Both are off meanwhile (lookups of
# names no module provides fail at once); a failed add is retried with
# module loading back on, and names what that loaded.  Once per boot.
IKE_WARM_MODS="esp4 esp6 xfrm_user af_key authenc echainiv seqiv crypto_null gcm ctr
	ghash_generic ghash_clmulni_intel cryptd aesni_intel chacha20poly1305
	chacha_x86_64 poly1305_x86_64 sha256_ssse3 sha512_ssse3 drbg
	jitterentropy_rng sha3_generic ansi_cprng sch_netem veth dummy"
# ESP algorithms of the scenarios' proposals: aes256gcm16, aes128gcm16,
# aes128-sha256, aes256-sha384, aes256-sha256, chacha20poly1305, and
# aes256-sha1 (OpenIKED over PF_KEY, openiked-lib.sh).
_k16=000102030405060708090a0b0c0d0e0f
_k32=${_k16}101112131415161718191a1b1c1d1e1f
IKE_WARM_ALGS="aead rfc4106(gcm(aes)) 0x${_k32}a0a1a2a3 128
aead rfc4106(gcm(aes)) 0x${_k16}a0a1a2a3 128
enc cbc(aes) 0x$_k16 auth-trunc hmac(sha256) 0x$_k32 128
enc cbc(aes) 0x$_k32 auth-trunc hmac(sha384) 0x$_k32$_k16 192
enc cbc(aes) 0x$_k32 auth-trunc hmac(sha256) 0x$_k32 128
enc cbc(aes) 0x$_k32 auth-trunc hmac(sha1) 0x${_k16}a0a1a2a3 96
aead rfc7539esp(chacha20,poly1305) 0x${_k32}a0a1a2a3 128"

ike_kernel_warmup() {
	[ ! -f /tmp/.ike-kernel-warm ] || return 0
	start=$(_ike_now)
	ns_add ike-warmup
	notests=/sys/module/cryptomgr/parameters/notests
	saved_notests=$(cat "$notests" 2>/dev/null)
	saved_modprobe=$(cat /proc/sys/kernel/modprobe)
	[ -z "$saved_notests" ] || echo 1 >"$notests"
	# Some names are built in or absent on other kernels: -q goes past them.
	# shellcheck disable=SC2086
	modprobe -q -a $IKE_WARM_MODS
	info "modules loaded in $(( $(_ike_now) - start ))s"
	echo >/proc/sys/kernel/modprobe
	_ike_warm_sas ike-warmup >"$SCEN_TMP/warmup.err"
	rc=$?
	echo "$saved_modprobe" >/proc/sys/kernel/modprobe
	[ -z "$saved_notests" ] || echo "$saved_notests" >"$notests"
	[ "$rc" -eq 0 ] || fail "cannot add an ESP SA: $(cat "$SCEN_TMP/warmup.err")"
	n=$(ip -n ike-warmup xfrm state | grep -c 'proto esp')
	ip netns del ike-warmup
	touch /tmp/.ike-kernel-warm
	info "$n ESP SAs added and removed; kernel ready after $(( $(_ike_now) - start ))s"
}

# _ike_warm_sas NS: one SA per algorithm and address family; 1 on failure.
_ike_warm_sas() {
	ns=$1
	spi=256
	printf '%s\n' "$IKE_WARM_ALGS" | while read -r alg; do
		for pair in "192.0.2.1 192.0.2.2" "2001:db8::1 2001:db8::2"; do
			set -- $pair
			spi=$((spi + 1))
			# shellcheck disable=SC2086
			add="ip -n $ns xfrm state add src $1 dst $2 proto esp spi $spi mode tunnel $alg"
			out=$(_ike_warm_add "$add") && continue
			info "fast add failed ($out); retrying with module loading" >&2
			cut -d' ' -f1 /proc/modules | sort >"$SCEN_TMP/before"
			echo "$saved_modprobe" >/proc/sys/kernel/modprobe
			out=$(_ike_warm_add "$add") || { echo "$add: $out"; exit 1; }
			echo >/proc/sys/kernel/modprobe
			info "that loaded:" $(cut -d' ' -f1 /proc/modules | sort | comm -13 "$SCEN_TMP/before" -) >&2
		done
	done
}

# The algorithm names hold parentheses: word splitting only, no globbing.
_ike_warm_add() {
	set -f
	# shellcheck disable=SC2086
	$1 2>&1
}

# ---- whole cases --------------------------------------------------------

# ike_case INITIATOR-SIDE: both daemons already started; initiate, wait
# for both sides, traffic, terminate from the initiator, nothing left.
ike_case() {
	ike_initiate "$1"
	ike_wait_up A B
	ike_assert_traffic
	ike_terminate "$1"
	ike_wait_clean
}
