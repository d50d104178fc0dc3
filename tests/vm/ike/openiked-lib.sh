# OpenIKED (iked, Debian's openiked 7.2) as the daemon of one side of an
# IKE scenario (sourced after ike-lib.sh, which dispatches to the iked_*
# functions here for a side of kind "iked").
#
#   ike_topo 4; iked_proposals; ike_start A self; ike_start B iked
#
# On Linux iked installs SAs over PF_KEY (module af_key).  Linux PF_KEY
# cannot carry AEAD ciphers, and it truncates HMAC-SHA-256 to 96 bits where
# IKEv2 negotiates 128 (RFC 4868), so the CHILD SAs here use AES-CBC-256
# with HMAC-SHA1-96 (iked.conf: childsa enc aes-256 auth hmac-sha1;
# ikedaemon: aes256-sha1); iked_proposals sets both sides to it and to
# AES-256/SHA2-256/Curve25519 for the IKE SA.
#
# Each iked runs in its side's namespace with its own iked.conf and control
# socket (-s), in passive mode (-S): "ikectl active" starts the policy's
# negotiation (the initiator's policy is "active").  iked drops privileges
# into /var/lib/openiked/empty, which the guest's fresh /var/lib lacks.
#   IKED_CONF   more words for the policy (e.g. "lifetime 20s")

IKED=${IKED:-/usr/sbin/iked}
IKED_CTL=${IKED_CTL:-/usr/sbin/ikectl}
IKED_CONF=${IKED_CONF:-}

iked_available() {
	[ -x "$IKED" ] && [ -x "$IKED_CTL" ]
}

# iked_proposals: the transforms iked over PF_KEY can install, both sides.
iked_proposals() {
	CF_PROPOSALS_A=aes256-sha256-x25519
	CF_PROPOSALS_B=$CF_PROPOSALS_A
	CF_ESP_A=aes256-sha1
	CF_ESP_B=$CF_ESP_A
}

# iked_ctl SIDE ARGS...: ikectl on SIDE's control socket.
iked_ctl() {
	_ike_side "$1"
	shift
	"$IKED_CTL" -s "$_dir/iked.sock" "$@"
}

# "aes256-sha256-x25519" -> iked.conf transforms (the few the scenarios use)
_iked_xforms() {
	out=""
	for w in $(printf '%s' "$1" | tr '-' ' '); do
		case $w in
		aes128) out="$out enc aes-128" ;;
		aes256) out="$out enc aes-256" ;;
		sha1) out="$out auth hmac-sha1" ;;
		sha256) [ "$2" = ike ] && out="$out prf hmac-sha2-256"
			out="$out auth hmac-sha2-256" ;;
		x25519) out="$out group curve25519" ;;
		ecp256) out="$out group ecp256" ;;
		modp3072) out="$out group modp3072" ;;
		*) fail "no iked.conf transform for '$w' (openiked-lib.sh)" ;;
		esac
	done
	printf '%s' "$out"
}

iked_write_conf() {
	iked_available || fail "no $IKED (openiked, tools/install-deps.sh test)"
	mode=passive
	[ "$_start" = start ] && mode=active
	# the side that initiates gets "active" at ike_try_initiate
	[ "${IKED_ACTIVE:-}" = "$_ns" ] && mode=active
	if [ "$CF_MODE" = transport ]; then
		flow="transport esp from $_laddr to $_raddr"
	else
		flow="tunnel esp from $_lts to $_rts"
	fi
	cat >"$_dir/iked.conf" <<EOF || fail "cannot write $_dir/iked.conf"
ikev2 "$CF_CONN" $mode $flow \\
	local $_laddr peer $_raddr \\
	ikesa $(_iked_xforms "$_props" ike) \\
	childsa $(_iked_xforms "$_esp" esp) \\
	srcid $_lid dstid $_rid \\
	$IKED_CONF psk "$_psk"
EOF
	chmod 600 "$_dir/iked.conf"
	out=$("$IKED" -n -f "$_dir/iked.conf" 2>&1) || fail "iked rejects $_dir/iked.conf: $out"
}

iked_start() {
	modprobe -q af_key || fail "no af_key module (iked needs PF_KEY)"
	mkdir -p /var/lib/openiked/empty /var/run/iked
	rm -f "$_dir/iked.sock"
	bg_log "$_dir/iked.log" "$_ns" "$IKED" -d -vv -S -f "$_dir/iked.conf" -s "$_dir/iked.sock"
	eval "PID_$1=$BG_PID"
	# (iked re-executes itself for each of its processes: over 9p and
	# under an emulator that can take minutes; CI saw over 60 s)
	wait_for "${IKED_START_TIMEOUT:-240}" "iked in $_ns (control socket $_dir/iked.sock)" \
		iked_ctl "$1" show sa
	# its IKE process gets the policies, then one UDP socket after the
	# other, then (-S) the passive mode with a reset that drops the IKE SAs
	# begun so far: ready only after that
	wait_for "${IKED_START_TIMEOUT:-240}" "iked in $_ns through its start-up (log: config_getmode)" \
		grep -q 'config_getmode' "$_dir/iked.log"
}

# The policy is "active" in this side's iked.conf; ikectl active starts it.
iked_initiate() {
	IKED_ACTIVE=$_ns
	iked_write_conf
	IKED_ACTIVE=
	iked_ctl "$1" load "$_dir/iked.conf" >"$_dir/initiate.out" 2>&1 &&
		iked_ctl "$1" active >>"$_dir/initiate.out" 2>&1
}

# "ikectl show sa": an established IKE SA (ESTABLISHED) with a CHILD SA
# ("flow" lines come with installed SAs).
iked_is_up() {
	out=$(iked_ctl "$1" show sa 2>/dev/null)
	printf '%s\n' "$out" | grep -q 'ESTABLISHED' &&
		printf '%s\n' "$out" | grep -q 'childsa'
}

iked_is_down() {
	! iked_ctl "$1" show sa 2>/dev/null | grep -q 'ESTABLISHED'
}

# ikectl reset sa deletes every IKE SA (INFORMATIONAL DELETE to the peer);
# passive again, so that it does not start a new one.
iked_terminate() {
	iked_ctl "$1" passive >/dev/null 2>&1
	out=$(iked_ctl "$1" reset sa 2>&1) || fail "ikectl reset sa in $_ns: $out"
	wait_for "$IKE_DOWN_TIMEOUT" "iked in $_ns without an IKE SA" iked_is_down "$1"
}

iked_log() {
	echo "$_dir/iked.log"
}
