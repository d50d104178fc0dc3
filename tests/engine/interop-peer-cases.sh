# Childless and unique cases of interop-host.sh (sourced by it: uses its
# WORK, VICI, IKECTL, PSK, CPID, our_conf, sw_conf, start_charon, start_daemon,
# stop_daemon, terminate_all, sw_sas, sw_up and result).  On the host a
# childless IKE SA needs no ESP: it must come up on both sides; the CHILD
# SA created afterwards by CREATE_CHILD_SA fails to install for lack of
# ESP, so only the exchange itself is checked (in both logs).
#   childless-we  our childless = force: IKE_AUTH without SA/TS, then
#                 CREATE_CHILD_SA reaches charon
#   childless-ike-only  "ikectl initiate --ike-only ab": the IKE SA alone,
#                 then "ikectl initiate ab/net": CREATE_CHILD_SA reaches charon
#   childless-sw  charon's childless = force (ours allow): we accept the
#                 childless IKE_AUTH, charon's CREATE_CHILD_SA reaches us
#   unique-replace our unique = replace: charon crashes (SIGKILL),
#                 restarts and connects again; our old IKE SA is gone, one
#                 IKE SA is left
#   encap-we      our encap = true (IKE SA alone): charon sees a NAT in
#                 front of us, both move to port 4500
#   encap-sw      charon's encap = yes: we see a NAT in front of charon
#   ports-4500    our local_port = remote_port = 4500: IKE_SA_INIT goes
#                 from port 4500 to charon's 4500 with the non-ESP marker
#                 (charon parses it there) and the IKE SA comes up

PEER_CASES="childless-we childless-ike-only childless-sw unique-replace encap-we encap-sw ports-4500"

# Our ike.conf (default case) with $1 added to connection "ab".
our_conf_with() {
	our_conf '"default"' '"default"' tunnel '"10.1.0.0/16"' '"10.2.0.0/16"' 4
	sed -i "s/^\tname = \"ab\";\$/\tname = \"ab\"; $1/" "$WORK/ike.conf"
}

# charon's swanctl.conf (default case) with $1 added to connection "ba".
sw_conf_with() {
	sw_conf default default tunnel 10.2.0.0/16 10.1.0.0/16 "$PSK" 4 0s
	sed -i "s/^\t\tdpd_delay = 0s\$/\t\tdpd_delay = 0s\n\t\t$1/" "$WORK/sw/swanctl.conf"
	swanctl --load-all --clear --file "$WORK/sw/swanctl.conf" --uri "$VICI" \
		>"$WORK/swanctl-load.log" 2>&1 || { echo "swanctl --load-all failed"; exit 1; }
}

# Lines of a log written since mark $2 (a line count).
since() { tail -n +"$(($2 + 1))" "$1"; }

# Our established IKE SAs (ikectl show sa --json).
our_up() {
	$IKECTL show sa --json 2>/dev/null | grep -c '"state": *"ESTABLISHED"'
}

# charon crashes and starts again (start_charon: interop-host.sh).
restart_charon() {
	kill -9 "$CPID" 2>/dev/null
	wait "$CPID" 2>/dev/null
	start_charon
}

run_peer_case() {
	cl=$(cat "$WORK/charon.log" 2>/dev/null | wc -l)
	dl=$(cat "$WORK/ikedaemon.log" 2>/dev/null | wc -l)
	case $1 in
	childless-we)
		our_conf_with 'childless = "force";'
		sw_conf_with 'childless = allow'
		start_daemon
		$IKECTL initiate ab --async >>"$WORK/ikectl.log" 2>&1
		sleep 2
		sw_sas >"$WORK/$1-sas.log"
		since "$WORK/charon.log" "$cl" >"$WORK/$1-charon.log"
		grep -q 'ba: #.*ESTABLISHED' "$WORK/$1-sas.log" && [ "$(our_up)" -ge 1 ]
		result "$1" "ikedaemon->charon: childless IKE SA up on both sides" $?
		grep -q 'parsed IKE_AUTH request 1 \[' "$WORK/$1-charon.log" &&
			! grep 'parsed IKE_AUTH request 1 \[' "$WORK/$1-charon.log" | grep -q ' SA ' &&
			grep -q 'parsed CREATE_CHILD_SA request 2 \[ SA No KE TSi TSr \]\|parsed CREATE_CHILD_SA request 2 \[ SA No TSi TSr \]' \
				"$WORK/$1-charon.log"
		result "$1" "IKE_AUTH without SA/TS, then CREATE_CHILD_SA reached charon" $?
		terminate_all
		stop_daemon ;;
	childless-ike-only)
		our_conf_with ''
		sw_conf_with ''
		start_daemon
		$IKECTL initiate --ike-only ab >>"$WORK/ikectl.log" 2>&1
		sleep 1
		sw_sas >"$WORK/$1-sas.log"
		since "$WORK/charon.log" "$cl" >"$WORK/$1-charon.log"
		grep -q 'ba: #.*ESTABLISHED' "$WORK/$1-sas.log" && [ "$(our_up)" -ge 1 ] &&
			! grep -q 'CREATE_CHILD_SA' "$WORK/$1-charon.log"
		result "$1" "ikectl initiate --ike-only: IKE SA up on both sides, no CHILD SA" $?
		$IKECTL initiate ab/net --async >>"$WORK/ikectl.log" 2>&1
		sleep 1
		since "$WORK/charon.log" "$cl" >"$WORK/$1-charon.log"
		grep -q 'parsed CREATE_CHILD_SA request 2 \[ SA No TSi TSr \]' "$WORK/$1-charon.log" &&
			[ "$(our_up)" = 1 ]
		result "$1" "ikectl initiate ab/net: CREATE_CHILD_SA on that IKE SA reached charon" $?
		terminate_all
		stop_daemon ;;
	childless-sw)
		our_conf_with ''
		sw_conf_with 'childless = force'
		start_daemon
		swanctl --initiate --child net --uri "$VICI" --timeout 4 >"$WORK/$1-initiate.log" 2>&1
		sleep 1
		sw_sas >"$WORK/$1-sas.log"
		since "$WORK/ikedaemon.log" "$dl" >"$WORK/$1-ikedaemon.log"
		since "$WORK/charon.log" "$cl" >"$WORK/$1-charon.log"
		grep -q 'ba: #.*ESTABLISHED' "$WORK/$1-sas.log" && [ "$(our_up)" -ge 1 ]
		result "$1" "charon->ikedaemon: childless IKE SA up on both sides" $?
		grep -q 'childless IKE_AUTH (RFC 6023)' "$WORK/$1-ikedaemon.log" &&
			grep -q 'generating CREATE_CHILD_SA request 2' "$WORK/$1-charon.log" &&
			grep -q 'parsed CREATE_CHILD_SA response 2' "$WORK/$1-charon.log"
		result "$1" "we accepted the childless IKE_AUTH, charon's CREATE_CHILD_SA answered" $?
		terminate_all
		stop_daemon ;;
	unique-replace)
		our_conf_with 'unique = "replace";'
		sw_conf_with ''
		start_daemon
		swanctl --initiate --child net --uri "$VICI" --timeout 4 >"$WORK/$1-initiate.log" 2>&1
		sleep 0.5
		first=$($IKECTL show sa --json 2>/dev/null | grep -o '"id": *[0-9]*' | head -1)
		n1=$(our_up)
		restart_charon
		sw_conf_with ''
		swanctl --initiate --child net --uri "$VICI" --timeout 4 >>"$WORK/$1-initiate.log" 2>&1
		sleep 1
		$IKECTL show sa --json >"$WORK/$1-show-sa.json" 2>&1
		since "$WORK/ikedaemon.log" "$dl" >"$WORK/$1-ikedaemon.log"
		[ "$n1" = 1 ] && [ "$(our_up)" = 1 ] && [ -n "$first" ] &&
			! grep -q "$first\$\|$first," "$WORK/$1-show-sa.json" &&
			grep -q 'INITIAL_CONTACT from its peer\|unique = replace' "$WORK/$1-ikedaemon.log"
		result "$1" "charon restarted and reconnected: old IKE SA gone, one left" $?
		terminate_all
		stop_daemon ;;
	encap-we)
		our_conf_with 'encap = true;'
		sw_conf_with ''
		start_daemon
		$IKECTL initiate --ike-only ab >>"$WORK/ikectl.log" 2>&1
		sleep 1
		sw_sas >"$WORK/$1-sas.log"
		since "$WORK/charon.log" "$cl" >"$WORK/$1-charon.log"
		since "$WORK/ikedaemon.log" "$dl" >"$WORK/$1-ikedaemon.log"
		grep -q 'ba: #.*ESTABLISHED' "$WORK/$1-sas.log" && [ "$(our_up)" -ge 1 ] &&
			grep -q 'remote host is behind NAT' "$WORK/$1-charon.log" &&
			grep -q 'faked in front of us: encap' "$WORK/$1-ikedaemon.log" &&
			grep -q 'parsed IKE_AUTH request 1 .*' "$WORK/$1-charon.log" &&
			grep -q 'received packet: from [^ ]*\[4500\] to [^ ]*\[4500\]' "$WORK/$1-charon.log"
		result "$1" "our encap = true: charon saw a NAT in front of us, IKE_AUTH on port 4500" $?
		terminate_all
		stop_daemon ;;
	encap-sw)
		our_conf_with ''
		sw_conf_with 'encap = yes\n\t\tchildless = force'
		start_daemon
		swanctl --initiate --child net --uri "$VICI" --timeout 4 >"$WORK/$1-initiate.log" 2>&1
		sleep 1
		sw_sas >"$WORK/$1-sas.log"
		since "$WORK/ikedaemon.log" "$dl" >"$WORK/$1-ikedaemon.log"
		grep -q 'ba: #.*ESTABLISHED' "$WORK/$1-sas.log" && [ "$(our_up)" -ge 1 ] &&
			grep -q 'NAT detected: in front of the peer' "$WORK/$1-ikedaemon.log"
		result "$1" "charon's encap = yes: we saw a NAT in front of it" $?
		terminate_all
		stop_daemon ;;
	ports-4500)
		our_conf_with 'local_port = 4500; remote_port = 4500;'
		sw_conf_with ''
		start_daemon
		$IKECTL initiate ab --async >>"$WORK/ikectl.log" 2>&1
		sleep 2
		sw_sas >"$WORK/$1-sas.log"
		since "$WORK/charon.log" "$cl" >"$WORK/$1-charon.log"
		grep -q 'ba: #.*ESTABLISHED' "$WORK/$1-sas.log" && [ "$(our_up)" -ge 1 ] &&
			grep -A1 'received packet: from 192.0.2.1\[4500\] to 192.0.2.2\[4500\]' \
				"$WORK/$1-charon.log" | grep -q 'parsed IKE_SA_INIT request 0' &&
			! grep -q 'from 192.0.2.1\[500\]' "$WORK/$1-charon.log"
		result "$1" "local_port/remote_port 4500: IKE_SA_INIT on 4500 both ways, IKE SA up" $?
		terminate_all
		stop_daemon ;;
	*) echo "unknown case $1"; rc=1 ;;
	esac
}
