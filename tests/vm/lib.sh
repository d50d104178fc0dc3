# Guest-side helpers for VM scenarios (sourced; POSIX sh).
#
# A scenario is a file tests/vm/scenarios/NAME.sh run by guest-main.sh in
# its own shell with this library loaded and SCENARIO=NAME.  It fails by
# calling fail (or any assert_*/wait_for that does), which exits; it passes
# by reaching its end.  Namespaces and background processes made through
# these helpers are removed when the scenario's shell exits.
#
# Variables: VM_DIR (tests/vm), IKE_BUILD (build tree, for kctl and the
# daemon), KCTL ($IKE_BUILD/tests/kernel/kctl), SCEN_TMP (scratch dir of
# this scenario, writable), VM_OUT (results share, copied back to the host).

VM_DIR=${VM_DIR:-$(cd "$(dirname "$0")" && pwd)}
KCTL=${KCTL:-${IKE_BUILD:-.}/tests/kernel/kctl}
VM_OUT=${VM_OUT:-/tmp/out}
SCENARIO=${SCENARIO:-scenario}
SCEN_TMP=${SCEN_TMP:-/tmp/scen-$SCENARIO}
mkdir -p "$SCEN_TMP"
_vm_ns=""
_vm_pids=""

info() {
	echo "  [$SCENARIO] $*"
}

fail() {
	echo "  [$SCENARIO] FAIL: $*"
	exit 1
}

# Network namespaces with loopback up; deleted at exit.
ns_add() {
	for ns in "$@"; do
		ip netns add "$ns" || fail "cannot create namespace $ns"
		ip -n "$ns" link set lo up
		_vm_ns="$_vm_ns $ns"
	done
}

ns_exec() {
	ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# veth_link NS1 IF1 ADDR1/LEN NS2 IF2 ADDR2/LEN: a cable between two namespaces.
veth_link() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" ||
		fail "cannot create veth $2/$5"
	_vm_addr "$1" "$2" "$3"
	_vm_addr "$4" "$5" "$6"
}

_vm_addr() {
	case $3 in
	*:*) ip -n "$1" addr add "$3" dev "$2" nodad ;;
	*) ip -n "$1" addr add "$3" dev "$2" ;;
	esac
	ip -n "$1" link set "$2" up
}

# ns_addr NS ADDR/LEN: an extra address on the namespace's loopback.
ns_addr() {
	case $2 in
	*:*) ip -n "$1" addr add "$2" dev lo nodad ;;
	*) ip -n "$1" addr add "$2" dev lo ;;
	esac
}

# ns_route NS PREFIX VIA [SRC]
ns_route() {
	ip -n "$1" route add "$2" via "$3" ${4:+src "$4"} || fail "route $2 via $3 in $1"
}

# bg NS CMD...: runs CMD in NS in the background, killed at exit; sets BG_PID.
bg() {
	ns=$1
	shift
	ip netns exec "$ns" "$@" &
	BG_PID=$!
	_vm_pids="$_vm_pids $BG_PID"
}

# bg_log FILE NS CMD...: like bg, output (stdout and stderr) into FILE.
bg_log() {
	f=$1
	ns=$2
	shift 2
	ip netns exec "$ns" "$@" >"$f" 2>&1 &
	BG_PID=$!
	_vm_pids="$_vm_pids $BG_PID"
}

# wait_for SECONDS DESCRIPTION CMD...: retries CMD every 0.2 s.
wait_for() {
	limit=$1
	what=$2
	shift 2
	end=$(( $(date +%s) + limit ))
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$end" ] || fail "timed out after ${limit}s waiting for: $what"
		sleep 0.2
	done
}

assert_ok() {
	what=$1
	shift
	"$@" || fail "$what (command failed: $*)"
}

assert_fail() {
	what=$1
	shift
	! "$@" || fail "$what (command succeeded: $*)"
}

assert_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# assert_match DESCRIPTION TEXT EXTENDED-REGEX
assert_match() {
	printf '%s\n' "$2" | grep -Eq -- "$3" || fail "$1: '$3' not in: $2"
}

assert_no_match() {
	! printf '%s\n' "$2" | grep -Eq -- "$3" || fail "$1: '$3' unexpectedly in: $2"
}

# assert_gt DESCRIPTION VALUE MIN
assert_gt() {
	[ "${2:-0}" -gt "$3" ] 2>/dev/null || fail "$1: $2 is not above $3"
}

# Nothing left in the SAD and SPD of a namespace.
assert_xfrm_empty() {
	st=$(ip -n "$1" xfrm state)
	po=$(ip -n "$1" xfrm policy)
	[ -z "$st" ] || fail "SAs left in $1: $st"
	[ -z "$po" ] || fail "policies left in $1: $po"
}

# kctl_ns NS ARGS...: the kernel backend's test CLI inside NS.
kctl_ns() {
	ns=$1
	shift
	ip netns exec "$ns" "$KCTL" "$@"
}

# A value from "key=value ..." output: kv_get KEY TEXT
kv_get() {
	printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1
}

# charon_conf DIR NAME: strongswan.conf for one charon (VM-HARNESS.md).
charon_conf() {
	mkdir -p "$1"
	cat >"$1/strongswan.conf" <<EOF
charon {
	load = random nonce openssl kdf pem pkcs1 x509 revocation constraints pubkey curve25519 kernel-netlink socket-default vici updown
	install_routes = no
	plugins {
		vici {
			socket = unix:///tmp/$2.vici
		}
	}
	filelog {
		log {
			path = $1/charon.log
			default = 1
			ike = 2
			knl = 2
		}
	}
}
EOF
}

# charon_start NS DIR: charon in NS with a private /run (pid file).
charon_start() {
	bg "$1" unshare -m sh -c "mount -t tmpfs tmpfs /run; STRONGSWAN_CONF=$2/strongswan.conf exec /usr/lib/ipsec/charon"
	wait_for 20 "charon in $1" test -S "/tmp/$1.vici"
}

# swanctl_ns NS COMMAND [ARGS...]: swanctl talking to the charon of NS
# (the command must come first, then --uri).
swanctl_ns() {
	ns=$1
	cmd=$2
	shift 2
	swanctl "$cmd" --uri "unix:///tmp/$ns.vici" "$@"
}

_vm_cleanup() {
	for p in $_vm_pids; do
		kill "$p" 2>/dev/null
	done
	for p in $_vm_pids; do
		wait "$p" 2>/dev/null
	done
	for ns in $_vm_ns; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}
trap _vm_cleanup EXIT
