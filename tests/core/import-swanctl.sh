#!/bin/sh
# ikectl import-swanctl: tests/core/data/swanctl-mixed.conf (supported and
# unsupported keys) and the swanctl.conf the VM scenarios write for
# strongSwan (tests/vm/ike/swanctl.conf.in, filled in as ike-lib.sh does):
# each converted file loads with "ikedaemon -n", every key left behind is
# named with its line, the values carried over are the original ones.
# Run by make check from the build directory.
set -u
S=${srcdir:-.}
C=src/ike/ikectl
D=src/ike/ikedaemon
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }

$C import-swanctl "$S/tests/core/data/swanctl-mixed.conf" >"$T/mixed.conf" 2>"$T/notes" || no "exit status $?"
chmod 600 "$T/mixed.conf"
$D -n -f "$T/mixed.conf" >"$T/n.out" 2>&1 || no "ikedaemon -n refused the conversion: $(cat "$T/n.out")"
grep -q "configuration OK (1 connection)" "$T/n.out" || no "not one connection: $(cat "$T/n.out")"
for want in \
	'local_addrs = \["192.0.2.1", "2001:db8::1"\];' \
	'remote_addrs = \["198.51.100.1"\];' \
	'proposals = \["aes256gcm16-prfsha256-x25519", "aes128-sha256-modp2048"\];' \
	'rekey_time = "4h";' 'dpd_delay = "30s";' 'dpd_action = "restart";' \
	'local = { id = "192.0.2.1"; auth = "psk"; };' \
	'remote = { id = "gw2.example.org"; auth = "psk"; };' \
	'remote_ts = \["10.2.0.0/16", "10.3.0.0/16\[tcp/443\]"\];' \
	'life_time = "66m";' 'rekey_bytes = "2G";' 'start_action = "trap";' \
	'close_action = "start";' 'replay_window = 64;' \
	'mark_out = "%unique/0xff";' 'set_mark_out = "%same";' 'priority = 1000;' \
	'copy_dscp = "in";' 'copy_df = "no";' 'if_id_in = "%unique";' \
	'{ id = \["gw2.example.org", "198.51.100.20"\]; psk = "0x7365637265742d6b65792d30313233343536373839"; }'; do
	grep -q "$want" "$T/mixed.conf" || no "converted file lacks: $want"
done
M=swanctl-mixed.conf
for want in \
	"$M:11: connections.site.mobike: not supported by ikedaemon" \
	"$M:12: connections.site.pools: not supported by ikedaemon" \
	"$M:16: connections.site.local-2: a section ikedaemon has no counterpart for" \
	"$M:22: connections.site.remote.revocation: not supported (ikedaemon authenticates with id and a PSK only)" \
	"$M:36: connections.site.children.net.updown: \"/usr/local/libexec/ipsec/_updown iptables\" not supported (ikedaemon takes a script path without arguments)" \
	"$M:37: connections.site.children.net.hw_offload: not supported by ikedaemon" \
	"$M:48: connections.site.children.web.mode: \"beet\" not supported (ikedaemon takes tunnel|transport)" \
	"$M:49: connections.site.children.web.dpd_action: differs from another child's" \
	"$M:53: connections.old: IKEv1 (version = 1) is not supported" \
	"$M:59: connections.certs.local.auth: \"pubkey\" not supported (only psk): the connection is left out" \
	"$M:61: connections.certs.local.certs: not supported (ikedaemon authenticates" \
	"$M:74: secrets.ike-any: a secret without an id (for any peer) is not supported" \
	"$M:77: secrets.eap-carol: only ike secrets (PSKs) are supported" \
	"$M:82: pools: not supported by ikedaemon" \
	"$M:87: include: not followed: convert the included files too" \
	"keys of $S/tests/core/data/$M not carried over"; do
	grep -qF "$want" "$T/notes" || no "notes lack: $want"
done
if grep -q "certs\|carol\|pool4\|\"old\"" "$T/mixed.conf"; then no "left-out things converted"; fi

# the VM scenarios' strongSwan side, with and without the optional lines
render() {	# $1 conn extra, $2 child extra
	sed -e 's/@CONN@/site/; s/@LOCAL_ADDR@/192.0.2.2/; s/@REMOTE_ADDR@/192.0.2.1/' \
	    -e 's/@PROPOSALS@/aes256gcm16-prfsha256-x25519/; s/@LOCAL_ID@/b.example.org/' \
	    -e 's/@REMOTE_ID@/a.example.org/; s/@CHILD@/net/; s|@LOCAL_TS@|10.2.0.0/24|' \
	    -e 's|@REMOTE_TS@|10.1.0.0/24|; s/@MODE@/tunnel/; s/@ESP_PROPOSALS@/aes256gcm16/' \
	    -e "s/@START_ACTION@/none/; s|@CONN_EXTRA@|$1|; s|@CHILD_EXTRA@|$2|" \
	    -e 's/@PSK@/vm-scenario-psk-0123456789/' "$S/tests/vm/ike/swanctl.conf.in"
}
i=0
for extra in "|" "rekey_time = 90s|rekey_time = 20s" "reauth_time = 60s|life_packets = 2000"; do
	i=$((i + 1))
	render "${extra%%|*}" "${extra#*|}" >"$T/vm$i.swanctl"
	$C import-swanctl "$T/vm$i.swanctl" >"$T/vm$i.conf" 2>"$T/vm$i.notes" || no "vm$i: exit $?"
	[ -s "$T/vm$i.notes" ] && no "vm$i: keys left behind: $(cat "$T/vm$i.notes")"
	chmod 600 "$T/vm$i.conf"
	$D -n -f "$T/vm$i.conf" >/dev/null 2>"$T/vm$i.err" || no "vm$i: ikedaemon -n: $(cat "$T/vm$i.err")"
done

# syntax errors name the line; no output
printf 'connections {\n\tsite {\n\t\tproposals = "open\n' >"$T/bad.swanctl"
if $C import-swanctl "$T/bad.swanctl" >"$T/bad.out" 2>"$T/bad.err"; then no "unclosed quote accepted"; fi
grep -q "line 3: a quoted value is not closed" "$T/bad.err" || no "bad: $(cat "$T/bad.err")"
printf 'connections {\n\tsite {\n}\n' >"$T/bad2.swanctl"
if $C import-swanctl "$T/bad2.swanctl" >/dev/null 2>"$T/bad.err"; then no "unclosed section accepted"; fi
grep -q "section 'connections' is not closed" "$T/bad.err" || no "bad2: $(cat "$T/bad.err")"
if $C import-swanctl "$T/none" 2>/dev/null; then no "a missing file accepted"; fi
[ $fail = 0 ] && echo "import-swanctl: all checks passed"
exit $fail
