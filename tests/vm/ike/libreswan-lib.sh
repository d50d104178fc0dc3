# Libreswan (pluto) as the daemon of one side of an IKE scenario (sourced
# after ike-lib.sh, which dispatches to the pluto_* functions here for a
# side of kind "pluto").
#
#   ike_topo 4; LSW_ESP=aes_gcm256; ike_start A self; ike_start B pluto
#
# Libreswan is unpacked, not installed (its package conflicts with
# strongSwan's; tools/install-deps.sh test): IKE_LIBRESWAN, default
# /var/cache/ikedaemon-libreswan.  pluto runs its addconn helper from the
# compiled-in /usr/libexec/ipsec, so each pluto runs in a private mount
# namespace with the unpacked usr/libexec bound over /usr/libexec, with its
# own ipsec.conf, ipsec.secrets, NSS database and control socket in the
# side's directory (../shared/LIBRESWAN.md).
#
# The connection is ike_defaults' (CF_*: identities, PSK, selectors, mode)
# with these Libreswan settings; empty means pluto's default:
#   LSW_IKE   ike= (e.g. "aes256-sha2_256;dh19")
#   LSW_ESP   esp= (e.g. "aes_gcm256")
#   LSW_PFS   pfs= (yes or no; pluto's default: yes)
#   LSW_CONN  more "key=value" words for the conn section (salifetime=...)
# The ikedaemon side's CF_PROPOSALS/CF_ESP are not used for the pluto side.

LSW_DIR=${IKE_LIBRESWAN:-/var/cache/ikedaemon-libreswan}
LSW_EXEC=$LSW_DIR/usr/libexec/ipsec
LSW_IKE=${LSW_IKE:-}
LSW_ESP=${LSW_ESP:-}
LSW_PFS=${LSW_PFS:-}
LSW_CONN=${LSW_CONN:-}

# lsw_available: pluto unpacked and runnable (else the scenario cannot run).
lsw_available() {
	[ -x "$LSW_EXEC/pluto" ] && "$LSW_EXEC/pluto" --version >/dev/null 2>&1
}

# lsw_whack SIDE ARGS...: whack on SIDE's control socket.
lsw_whack() {
	_ike_side "$1"
	shift
	"$LSW_EXEC/whack" --ctlsocket "$_dir/run/pluto.ctl" "$@"
}

# pluto_write_conf: ipsec.conf, ipsec.secrets and the NSS database of the
# side _ike_side selected.
pluto_write_conf() {
	lsw_available || fail "no Libreswan in $LSW_DIR (tools/install-deps.sh test unpacks it)"
	mkdir -p "$_dir/run" "$_dir/ipsec.d" "$_dir/nss" || fail "cannot create $_dir"
	{
		printf 'config setup\n\tplutodebug=base\n\n'
		printf 'conn %s\n' "$CF_CONN"
		printf '\tauto=add\n\tikev2=yes\n\tauthby=secret\n'
		printf '\tleft=%s\n\tleftid=@%s\n\tright=%s\n\trightid=@%s\n' \
			"$_laddr" "$_lid" "$_raddr" "$_rid"
		printf '\ttype=%s\n' "$CF_MODE"
		if [ "$CF_MODE" = tunnel ]; then
			printf '\tleftsubnet=%s\n\trightsubnet=%s\n' "$_lts" "$_rts"
		fi
		# the packaged updown script is not installed; routes are static
		printf '\tleftupdown=/bin/true\n'
		[ -z "$LSW_IKE" ] || printf '\tike=%s\n' "$LSW_IKE"
		[ -z "$LSW_ESP" ] || printf '\tesp=%s\n' "$LSW_ESP"
		[ -z "$LSW_PFS" ] || printf '\tpfs=%s\n' "$LSW_PFS"
		for kv in $LSW_CONN; do
			printf '\t%s\n' "$kv"
		done
	} >"$_dir/ipsec.conf" || fail "cannot write $_dir/ipsec.conf"
	printf '@%s @%s : PSK "%s"\n' "$_lid" "$_rid" "$_psk" >"$_dir/ipsec.secrets"
	chmod 600 "$_dir/ipsec.secrets"
	[ -f "$_dir/nss/cert9.db" ] ||
		certutil -N --empty-password -d "sql:$_dir/nss" >"$_dir/certutil.out" 2>&1 ||
		fail "certutil -N for $_dir/nss: $(cat "$_dir/certutil.out")"
}

# pluto_start: pluto of the selected side in its namespace; waits until it
# answers and has the connection.
pluto_start() {
	rm -f "$_dir/run/pluto.ctl"
	bg_log "$_dir/pluto.log" "$_ns" unshare -m sh -c \
		"mount --bind $LSW_DIR/usr/libexec /usr/libexec && exec /usr/libexec/ipsec/pluto \
		--config $_dir/ipsec.conf --secretsfile $_dir/ipsec.secrets \
		--ipsecdir $_dir/ipsec.d --nssdir $_dir/nss --rundir $_dir/run \
		--dumpdir $_dir/run --nofork --stderrlog"
	eval "PID_$1=$BG_PID"
	wait_for "$IKE_START_TIMEOUT" "pluto in $_ns (control socket $_dir/run/pluto.ctl)" \
		test -S "$_dir/run/pluto.ctl"
	lsw_load "$1"
}

# lsw_load SIDE: (re)adds the connection from ipsec.conf and the secrets.
lsw_load() {
	_ike_side "$1"
	out=$(ip netns exec "$_ns" "$LSW_EXEC/addconn" --config "$_dir/ipsec.conf" \
		--ctlsocket "$_dir/run/pluto.ctl" "$CF_CONN" 2>&1) ||
		fail "addconn $CF_CONN in $_ns: $out"
	lsw_whack "$1" --listen >/dev/null 2>&1
	out=$(lsw_whack "$1" --rereadsecrets 2>&1) || fail "whack --rereadsecrets in $_ns: $out"
	wait_for 20 "pluto in $_ns has connection $CF_CONN" _lsw_has_conn "$1"
}

_lsw_has_conn() {
	lsw_whack "$1" --status 2>/dev/null | grep -q "\"$CF_CONN\":"
}

pluto_initiate() {
	lsw_whack "$1" --name "$CF_CONN" --initiate --asynchronous >"$_dir/initiate.out" 2>&1
}

# Established IKE SA and CHILD SA of the connection.
pluto_is_up() {
	st=$(lsw_whack "$1" --showstates 2>/dev/null | grep "\"$CF_CONN\"")
	printf '%s\n' "$st" | grep -q 'ESTABLISHED_IKE_SA' &&
		printf '%s\n' "$st" | grep -q 'ESTABLISHED_CHILD_SA'
}

pluto_is_down() {
	! lsw_whack "$1" --showstates 2>/dev/null | grep -q "\"$CF_CONN\""
}

# Terminate sends the DELETEs; the connection's policies stay until
# pluto_settle (ike_wait_clean).
pluto_terminate() {
	out=$(lsw_whack "$1" --name "$CF_CONN" --terminate 2>&1) ||
		fail "whack --terminate $CF_CONN in $_ns: $out"
}

# pluto_settle SIDE: once pluto has no state of the connection, and if it
# kept policies of it, deletes the connection (they go with it) and adds
# it back.
pluto_settle() {
	wait_for "$IKE_DOWN_TIMEOUT" "pluto in $_ns without states of $CF_CONN" pluto_is_down "$1"
	[ -z "$(ike_xfrm_policies "$_ns")" ] || lsw_forget "$1"
}

# pluto_reload SIDE (ike_reload): the connection as ipsec.conf has it now;
# the secrets again.
pluto_reload() {
	lsw_forget "$1"
	out=$(lsw_whack "$1" --rereadsecrets 2>&1) || fail "whack --rereadsecrets in $_ns: $out"
}

# lsw_forget SIDE: deletes the connection and adds it back.
lsw_forget() {
	_ike_side "$1"
	lsw_whack "$1" --name "$CF_CONN" --delete >/dev/null 2>&1
	out=$(ip netns exec "$_ns" "$LSW_EXEC/addconn" --config "$_dir/ipsec.conf" \
		--ctlsocket "$_dir/run/pluto.ctl" "$CF_CONN" 2>&1) ||
		fail "addconn $CF_CONN in $_ns: $out"
}

# pluto_stopped SIDE: pluto leaves its bypass policies for IPv6 neighbour
# discovery (ICMPv6 135, 136; every direction) behind when it exits: they
# go, nothing else (a policy of the connection left over still fails
# ike_assert_clean).
pluto_stopped() {
	for t in 135 136; do
		for d in in out fwd; do
			ip -n "$_ns" xfrm policy delete src ::/0 dst ::/0 proto ipv6-icmp type "$t" \
				dir "$d" 2>/dev/null
		done
	done
	return 0
}

pluto_log() {
	echo "$_dir/pluto.log"
}

# lsw_count_log SIDE ERE: lines of SIDE's pluto log that match.
lsw_count_log() {
	_ike_side "$1"
	grep -Ec -- "$2" "$_dir/pluto.log" 2>/dev/null || true
}
