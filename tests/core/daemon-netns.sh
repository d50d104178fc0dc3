#!/bin/sh
# Run by tests/stages/55-daemon.sh inside a fresh network namespace.
# B: build tree with src/ike/ikedaemon and src/ike/ikectl; SRCDIR: sources.
set -eu
ip link set lo up
T=$(mktemp -d /tmp/ike55.XXXXXX)
D="$B/src/ike/ikedaemon"
C="$B/src/ike/ikectl -s $T/ctl"
pass=0
ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }
die() { echo "FAIL: $*"; echo "--- daemon log"; cat "$T/log" 2>/dev/null; exit 1; }
cleanup() {
	for f in "$T/pid" "$T/pida" "$T/pidb"; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
	[ -n "${NPID:-}" ] && kill "$NPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# The example configuration with test paths for the pid file and socket.
conf() {
	sed -e "s|^global: {|global: {\n\tpidfile = \"$T/pid\";\n\tcontrol_socket = \"$T/ctl\";\n\tmetrics = { listen = \"127.0.0.1:9273\"; };|" \
		"$SRCDIR/etc/ike.conf" > "$T/ike.conf"
	chmod 600 "$T/ike.conf"
}
# wait_for PATH [TRIES]: polls every 0.05 s (100 tries by default)
wait_for() { i=0; while [ ! -e "$1" ]; do i=$((i + 1)); [ $i -lt "${2:-100}" ] || die "no $1"; sleep 0.05; done; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# --- -n: check only
conf
"$D" -n -f "$T/ike.conf" >/dev/null || die "example config does not check"
ok "ikedaemon -n accepts etc/ike.conf"
if "$D" -n -f "$SRCDIR/tests/core/data/err-selectors.conf" 2>"$T/err"; then die "-n accepted a broken file"; fi
grep -q "err-selectors.conf:9: 'local_ts': \"10.0.0.0/33\": prefix length '33' out of range 0..32" "$T/err" ||
	die "-n output: $(cat "$T/err")"
ok "ikedaemon -n exits 1 with file:line errors"
"$D" -V | grep -q "^ikedaemon [0-9]" || die "-V"
if "$D" -Z 2>"$T/err"; then die "unknown option accepted"; fi
grep -q usage "$T/err" || die "no usage on a bad option"
ok "-V and usage"

# --- include targets must be regular files (libconfig exit()s on a directory)
mkdir "$T/incdir"
mkfifo "$T/incfifo"
printf 'global: { };\n@include "incdir"\n' > "$T/inc.conf"
if "$D" -n -f "$T/inc.conf" 2>"$T/err"; then die "-n accepted an @include of a directory"; fi
grep -q "^$T/inc.conf:2: @include $T/incdir is a directory, not a regular file" "$T/err" ||
	die "-n on a directory include: $(cat "$T/err")"
printf 'global: { };\n\n@include "incfifo"\n' > "$T/inc.conf"
if timeout 5 "$D" -n -f "$T/inc.conf" 2>"$T/err"; then die "-n accepted an @include of a FIFO"; fi
grep -q "^$T/inc.conf:3: @include $T/incfifo is a FIFO, not a regular file" "$T/err" ||
	die "-n on a FIFO include: $(cat "$T/err")"
ok "ikedaemon -n names the @include of a directory or FIFO by file:line"

# --- start in the foreground with a notify socket listening
python3 - "$T/notify" > "$T/notified" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(280)
try:
    while True:
        m = s.recv(4096).decode()
        print(m.replace("\n", " "), flush=True)
        if m.startswith("STOPPING"): break
except socket.timeout:
    pass
PY
NPID=$!
wait_for "$T/notify"
NOTIFY_SOCKET="$T/notify" "$D" -d -f "$T/ike.conf" 2>"$T/log" &
DPID=$!
wait_for "$T/ctl"
[ "$(cat "$T/pid")" = "$DPID" ] || die "pid file holds $(cat "$T/pid"), daemon is $DPID"
[ "$(stat -c %a "$T/ctl")" = 600 ] || die "control socket mode $(stat -c %a "$T/ctl")"
ok "daemon up: pid file, socket mode 0600"
sleep 0.2
grep -q "^READY=1" "$T/notified" || die "no READY=1: $(cat "$T/notified")"
ok "sd_notify READY=1"
# CAP_NET_BIND_SERVICE (10) and CAP_NET_ADMIN (12) only: 0x1400.
grep -q "^CapEff:	0000000000001400" /proc/$DPID/status || die "$(grep Cap /proc/$DPID/status)"
grep -q "^CapBnd:	0000000000001400" /proc/$DPID/status || die "$(grep Cap /proc/$DPID/status)"
ok "capabilities reduced to net_admin + net_bind_service (effective and bounding)"
grep -q "^Max core file size *0 *0 " /proc/$DPID/limits || die "$(grep core /proc/$DPID/limits)"
ok "no core dumps (RLIMIT_CORE 0; PR_SET_DUMPABLE 0)"

if "$D" -d -f "$T/ike.conf" 2>"$T/err2"; then die "second instance started"; fi
grep -q "another ikedaemon is running (pid $DPID" "$T/err2" || die "second instance: $(cat "$T/err2")"
ok "second instance refused"

# --- ikectl
$C show conns --json | json '
names = [c["name"] for c in d["conns"]]
assert names == ["site", "host", "ondemand", "rw"], names
site = d["conns"][0]
assert site["remote"]["id"] == "gw2.example.org" and site["remote"]["id_type"] == "fqdn"
ch = site["children"][0]
assert ch["remote_ts"] == ["10.2.0.0/16", "10.3.0.0/16[tcp/443]"], ch["remote_ts"]
assert ch["rekey_time"] == 3600 and ch["life_time"] == 3960 and ch["rekey_bytes"] == 2**31
assert d["conns"][2]["children"][0]["start_action"] == "trap"
' || die "show conns --json"
ok "show conns --json"
$C show conns site | grep -q "^connection: site" || die "show conns site"
# With the IKE engine linked in, connection "site" (start_action = start)
# is initiated at start-up; its peer is unreachable in this namespace, so
# it stays half-open and no CHILD SA exists.
$C show sa --json | json '
assert d["engine"] != "none", d
assert [s["conn"] for s in d["sas"]] == ["site"], d
' || die "show sa"
$C show child --json | json 'assert d["children"] == []' || die "show child"
$C show stats --json | json 'assert d["connections"] == 4 and d["engine"] != "none"' || die "show stats"
ok "show sa lists the start_action=start SA, show child empty, show stats"
if $C initiate nosuch 2>"$T/err"; then die "initiate nosuch"; fi
grep -q "unknown connection 'nosuch'" "$T/err" || die "unknown conn: $(cat "$T/err")"
$C show kernel >/dev/null 2>"$T/err" || die "show kernel: $(cat "$T/err")"
ok "show kernel answers; unknown connection named"
if $B/src/ike/ikectl -s "$T/none" show sa 2>"$T/err"; then die "no daemon"; fi
grep -q "cannot connect to $T/none: daemon not running?" "$T/err" || die "$(cat "$T/err")"
ok "ikectl without a daemon"
chmod 755 "$T"
if setpriv --reuid=65534 --regid=65534 --clear-groups $C show sa 2>"$T/err"; then die "non-root got in"; fi
grep -q "cannot connect to $T/ctl: permission denied" "$T/err" || die "non-root: $(cat "$T/err")"
chmod 700 "$T"
ok "ikectl as a user: permission denied"
$C log ike debug | grep -q "^ike: *debug" || die "log"
ok "log level set"

# --- rekey of CHILD SAs: none is installed here, so only the refusals
if $C rekey --child nosuch 2>"$T/err"; then die "rekey --child nosuch"; fi
grep -q "no connection has a child 'nosuch'" "$T/err" || die "rekey nosuch: $(cat "$T/err")"
if $C rekey --child site/net 2>"$T/err"; then die "rekey --child site/net"; fi
grep -q "rekey: no installed CHILD SA named 'net' in connection site" "$T/err" ||
	die "rekey site/net: $(cat "$T/err")"
if $C rekey --child-id 7 2>"$T/err"; then die "rekey --child-id 7"; fi
grep -q "rekey: no CHILD SA with id 7" "$T/err" || die "rekey id: $(cat "$T/err")"
set +e; $C rekey --child-id x 2>"$T/err"; rc=$?; set -e
[ $rc = 2 ] && grep -q "'x' is not a CHILD SA id" "$T/err" || die "rekey --child-id x: $rc $(cat "$T/err")"
$C help | grep -q "rekey CONN|SA | --reauth CONN|SA | --child \[CONN/\]CHILD | --child-id ID" || die "help: rekey"
ok "rekey --child / --child-id name what is missing"

# --- operator commands: human times, exit statuses, terminate --child,
# install/uninstall, rekey --reauth (text and --json)
$C show sa > "$T/out" || die "show sa text"
grep -q "established: *not yet, rekey never, reauth never" "$T/out" || die "show sa times: $(cat "$T/out")"
if grep -q "off ago\|in off" "$T/out"; then die "show sa: $(cat "$T/out")"; fi
$C show conns site > "$T/out"
grep -q "rekey: *4h (over " "$T/out" || die "show conns units: $(cat "$T/out")"
grep -q "rekey: *1h, life 1h 6m" "$T/out" || die "show conns child units: $(cat "$T/out")"
$C show stats | grep -q "^uptime: *[0-9]*[smhd]" || die "show stats uptime"
ok "show sa / show conns / show stats: one human time style"
set +e
$B/src/ike/ikectl -s "$T/none" show sa 2>/dev/null; rc_none=$?
$C show sa nosuch 2>/dev/null; rc_refused=$?
$C show nothing 2>/dev/null; rc_usage=$?
$C terminate --child site/net --json > "$T/out" 2>"$T/err"; rc_term=$?
set -e
[ "$rc_none/$rc_refused/$rc_usage/$rc_term" = "3/1/2/1" ] ||
	die "exit statuses (no daemon/refused/usage/terminate): $rc_none/$rc_refused/$rc_usage/$rc_term"
grep -q "terminate: no installed CHILD SA named 'net' in connection site" "$T/err" ||
	die "terminate --child: $(cat "$T/err")"
json 'assert d["error"].startswith("terminate: no installed CHILD SA"), d' < "$T/out" ||
	die "terminate --child --json: $(cat "$T/out")"
if $C terminate --child-id 42 2>"$T/err"; then die "terminate --child-id 42"; fi
grep -q "terminate: no CHILD SA with id 42" "$T/err" || die "terminate id: $(cat "$T/err")"
ok "exit statuses 3 (no daemon), 1 (refused), 2 (usage); terminate --child / --child-id"
$C install host | grep -q "^1 child: trap policies installed" || die "install host"
$C show kernel --json | json '
t = [p for p in d["policies"] if p["action"] == "trap"]
assert sorted(p["dir"] for p in t) == ["in", "out"], d   # transport mode: no fwd
' || die "install: no trap policy in the kernel"
$C install host/all --json | json 'assert d["children"] == 0, d' || die "install again"
$C install host/all | grep -q "installed already" || die "install again (text)"
$C uninstall host --json | json 'assert d["children"] == 1, d' || die "uninstall host"
$C show kernel --json | json 'assert not [p for p in d["policies"] if p["action"] == "trap"], d' ||
	die "uninstall left a trap policy"
set +e; $C uninstall host/all 2>"$T/err"; rc=$?; set -e
[ $rc = 1 ] && grep -q "uninstall: no trap policies installed for host/all" "$T/err" ||
	die "uninstall again: $rc $(cat "$T/err")"
if $C install host/nochild 2>"$T/err"; then die "install host/nochild"; fi
grep -q "connection 'host' has no child 'nochild'" "$T/err" || die "install nochild: $(cat "$T/err")"
ok "install / uninstall trap policies (text and --json, kernel checked)"
set +e; $C rekey --reauth site 2>"$T/err"; rc=$?; set -e
[ $rc = 1 ] && grep -q "rekey --reauth: no established IKE SA of connection 'site'" "$T/err" ||
	die "rekey --reauth: $rc $(cat "$T/err")"
set +e; $C rekey --bogus site 2>/dev/null; rc=$?; set -e
[ $rc = 2 ] || die "rekey --bogus: $rc"
$C help | grep -q "terminate CONN|SA \[--timeout SECONDS\] \[--async\] | --child \[CONN/\]CHILD | --child-id ID" ||
	die "help: terminate"
ok "rekey --reauth refuses an SA that is not established; unknown option is a usage error"

# --- metrics: ikectl metrics and GET /metrics, both formats, promtool
command -v promtool >/dev/null || die "promtool missing (Debian package prometheus)"
$C metrics > "$T/metrics" || die "ikectl metrics"
promtool check metrics < "$T/metrics" || die "promtool: $(cat "$T/metrics")"
grep -q '^ikedaemon_ike_sas{state="init_sent"} 1$' "$T/metrics" || die "metrics: no SA connecting"
grep -q '^ikedaemon_connection_up{conn="site"} 0$' "$T/metrics" || die "metrics: site up?"
python3 - "$T" <<'PY' || die "GET /metrics"
import sys, urllib.request, urllib.error
t = sys.argv[1]
r = urllib.request.urlopen("http://127.0.0.1:9273/metrics", timeout=5)
assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4"), r.headers
body = r.read().decode()
strip = lambda s: [l for l in s.splitlines() if "uptime" not in l and "retransmissions" not in l]
assert strip(body) == strip(open(t + "/metrics").read()), "HTTP and ikectl differ"
req = urllib.request.Request("http://127.0.0.1:9273/metrics",
                             headers={"Accept": "application/openmetrics-text; version=1.0.0"})
r = urllib.request.urlopen(req, timeout=5)
assert r.headers["Content-Type"].startswith("application/openmetrics-text"), r.headers
open(t + "/om", "w").write(r.read().decode())
try:
    urllib.request.urlopen("http://127.0.0.1:9273/other", timeout=5)
    raise SystemExit("no 404")
except urllib.error.HTTPError as e:
    assert e.code == 404, e.code
PY
tail -n 1 "$T/om" | grep -q "^# EOF$" || die "OpenMetrics: no # EOF"
if /usr/bin/python3 -c "import prometheus_client" 2>/dev/null; then
	/usr/bin/python3 -c '
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse
names = [f.name for f in parse(open(sys.argv[1]).read())]
assert "ikedaemon_handshakes_failed" in names, names
' "$T/om" || die "OpenMetrics parser refused: $(cat "$T/om")"
else
	echo "note: python3-prometheus-client missing: the OpenMetrics text is not parsed"
fi
$C metrics --json | json '
f = {x["name"]: x for x in d["families"]}
assert f["ikedaemon_handshakes_failed"]["type"] == "counter", f
assert [s["labels"]["cause"] for s in f["ikedaemon_handshakes_failed"]["samples"]][-2:] == ["timeout", "aborted"]
' || die "metrics --json"
# a client that never finishes its request does not hold the daemon up
python3 -c 'import socket, time; s = socket.create_connection(("127.0.0.1", 9273)); s.sendall(b"GET /met"); time.sleep(30)' &
SLOW=$!
sleep 0.2
$C show stats >/dev/null || die "a silent metrics client blocked the daemon"
kill $SLOW
ok "metrics: ikectl metrics = GET /metrics (promtool), OpenMetrics by Accept, 404, --json, no blocking"
# --- ids: 0 and beyond 2^64-1 are refused, never clamped
R="python3 $SRCDIR/tests/core/ctlraw.py $T/ctl"
for a in 0 18446744073709551616 99999999999999999999999; do
	set +e; $C terminate $a 2>"$T/err"; rc=$?; set -e
	[ $rc = 2 ] && grep -q "'$a' is not an IKE SA id (1..18446744073709551615)" "$T/err" ||
		die "terminate $a: $rc $(cat "$T/err")"
done
if $R command=terminate sa=u64:0 >"$T/out"; then die "daemon took terminate sa=0"; fi
grep -q "IKE SA id 0 names no SA" "$T/out" || die "terminate sa=0: $(cat "$T/out")"
if $R command=rekey child_sa=u64:0 >"$T/out"; then die "daemon took rekey child_sa=0"; fi
grep -q "CHILD SA id 0 names no SA" "$T/out" || die "rekey child_sa=0: $(cat "$T/out")"
$C show sa --json | json 'assert [s["conn"] for s in d["sas"]] == ["site"], d' || die "SA gone after id 0"
ok "ikectl and the control protocol refuse SA id 0 and out-of-range ids; nothing deleted"

# --- control bytes are escaped in ikectl output and the log
if $C initiate "$(printf 'x\033[2Jy\nz')" 2>"$T/err"; then die "initiate of a bad name"; fi
grep -qF "unknown connection 'x\\x1b[2Jy\\x0az'" "$T/err" || die "not escaped: $(od -c "$T/err" | head)"
ok "ikectl escapes control bytes it echoes"

# --- idle control clients are closed: 32 of them no longer lock ikectl out
python3 "$SRCDIR/tests/core/ctlraw.py" "$T/ctl" idle 32 > "$T/idle" &
IPID=$!
i=0; until grep -q connected "$T/idle"; do i=$((i + 1)); [ $i -lt 200 ] || die "idle clients"; sleep 0.05; done
if $C show stats >/dev/null 2>&1; then die "a 33rd client got in"; fi
wait $IPID
[ "$(tail -n 1 "$T/idle")" = 32 ] || die "idle clients closed: $(cat "$T/idle")"
$C show stats >/dev/null || die "ikectl after idle clients"
grep -q "control client: idle for 10000 ms, closed" "$T/log" || die "idle close not logged"
ok "32 idle control clients closed after 10 s; ikectl works again"

# --- monitor, reload --dry-run, reload
$C monitor --json > "$T/mon" &
MPID=$!
sleep 0.2
SITE_SA=$($C show sa site --json | json 'print(d["sas"][0]["id"])')
sed -i 's/rekey_time = "8h";/rekey_time = "9h";/; s/name = "host";/name = "host2";/' "$T/ike.conf"
sed -i 's|remote_ts = \["10.2.0.0/16", |remote_ts = ["10.4.0.0/16", |' "$T/ike.conf"
$C reload --dry-run --json | json '
assert d["applied"] is False and d["add"] == ["host2"] and d["remove"] == ["host"], d
site, od = d["change"]
assert site == {"conn": "site", "fields": ["children"], "keeps_sas": False,
                "replaced_by": ["children.net.remote_ts"], "ike_sas": ['"$SITE_SA"']}, site
assert od == {"conn": "ondemand", "fields": ["rekey_time", "over_time", "rand_time"],
              "keeps_sas": True, "replaced_by": [], "ike_sas": []}, od
' || die "dry-run"
$C reload --dry-run > "$T/out"
grep -q "^    replaces its SAs: IKE SA $SITE_SA (because of children.net.remote_ts)$" "$T/out" &&
	grep -q "^    keeps its SAs: the new settings apply from the next rekey or DPD check$" "$T/out" ||
	die "dry-run text: $(cat "$T/out")"
$C show conns --json | json 'assert [c["name"] for c in d["conns"]] == ["site", "host", "ondemand", "rw"]' ||
	die "dry-run changed something"
ok "reload --dry-run shows add/remove/change, which SAs each change keeps or replaces, and changes nothing"
$C reload | grep -q "added connection host2" || die "reload"
$C show sa site --json | json 'assert [s["id"] for s in d["sas"]] != ['"$SITE_SA"'], d' ||
	die "site's SA was not replaced"
$C show conns --json | json 'assert [c["name"] for c in d["conns"]] == ["site", "host2", "ondemand", "rw"]' ||
	die "reload not applied"
ok "ikectl reload applied"
sleep 0.2
kill $MPID
python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert any(e["event"] == "log" and "reloaded" in e["message"] for e in ev), ev
' "$T/mon" || die "monitor: $(cat "$T/mon")"
ok "monitor streamed log records"
grep -q "^RELOADING=1" "$T/notified" || die "no RELOADING=1"
ok "sd_notify RELOADING=1"

# --- SIGHUP with a broken file keeps the running configuration
cp "$T/ike.conf" "$T/good.conf"
sed -i 's/name = "site";/name = "site"; bogus = 1;/' "$T/ike.conf"
kill -HUP $DPID
sleep 0.3
kill -0 $DPID || die "daemon died on a broken reload"
grep -q "unknown key 'bogus' in a connection" "$T/log" || die "broken reload not logged"
$C show conns --json | json 'assert [c["name"] for c in d["conns"]] == ["site", "host2", "ondemand", "rw"]' ||
	die "broken reload changed the config"
if $C reload 2>"$T/err"; then die "ikectl reload accepted a broken file"; fi
grep -q "ike.conf:[0-9]*: unknown key 'bogus'" "$T/err" || die "reload errors: $(cat "$T/err")"
ok "SIGHUP and ikectl reload with a broken file keep the old configuration"
sed 's/name = "ondemand";/name = "od";/' "$T/good.conf" > "$T/ike.conf"
kill -HUP $DPID
sleep 0.3
$C show conns --json | json 'assert [c["name"] for c in d["conns"]] == ["site", "host2", "od", "rw"]' ||
	die "SIGHUP reload not applied"
ok "SIGHUP applies a good file"

# --- SIGHUP with an @include of a directory or a FIFO: refused, daemon alive
cp "$T/ike.conf" "$T/good2.conf"
printf '@include "incdir"\n' >> "$T/ike.conf"
kill -HUP $DPID
sleep 0.3
kill -0 $DPID || die "daemon died on an @include of a directory"
grep -q "@include $T/incdir is a directory, not a regular file" "$T/log" || die "dir include not logged"
cp "$T/good2.conf" "$T/ike.conf"
printf '@include "incfifo"\n' >> "$T/ike.conf"
if timeout 5 $C reload 2>"$T/err"; then die "reload took a FIFO include"; fi
grep -q "@include $T/incfifo is a FIFO, not a regular file" "$T/err" || die "FIFO reload: $(cat "$T/err")"
$C show stats >/dev/null || die "daemon blocked after a FIFO include"
cp "$T/good2.conf" "$T/ike.conf"
ok "reload with an @include of a directory or a FIFO: refused, daemon alive and answering"

# --- clean stop
kill -TERM $DPID
wait $DPID || die "daemon exit status $?"
[ ! -e "$T/ctl" ] && [ ! -e "$T/pid" ] || die "socket or pid file left behind"
wait $NPID || true
NPID=
grep -q "^STOPPING=1" "$T/notified" || die "no STOPPING=1"
ok "SIGTERM: exit 0, socket and pid file removed, STOPPING=1"

# --- daemonized (no -d): the parent returns once the daemon is ready
"$D" -f "$T/ike.conf" || die "daemonized start failed"
[ -S "$T/ctl" ] || die "no socket after daemonized start"
DPID=$(cat "$T/pid")
$C show stats >/dev/null || die "daemonized: ikectl"
[ "$(ps -o ppid= -p "$DPID" | tr -d ' ')" = 1 ] || [ "$(ps -o sid= -p "$DPID" | tr -d ' ')" = "$DPID" ] ||
	die "not detached"
kill -INT "$DPID"
i=0; while kill -0 "$DPID" 2>/dev/null; do i=$((i + 1)); [ $i -lt 100 ] || die "no exit on SIGINT"; sleep 0.05; done
[ ! -e "$T/pid" ] || die "pid file left after SIGINT"
ok "daemonized start, SIGINT stop"

# --- kernel state across stop, SIGKILL and --flush (XFRM policies only)
cat > "$T/trap.conf" <<EOF
global: { pidfile = "$T/pid"; control_socket = "$T/ctl"; };
secrets: ( { id = "peer.example"; psk = "0123456789abcdef0123"; } );
connections: ( { name = "od"; local_addrs = ["127.0.0.1"]; remote_addrs = ["127.0.0.2"];
	local = { id = "me.example"; auth = "psk"; }; remote = { id = "peer.example"; auth = "psk"; };
	children = ( { name = "net"; local_ts = ["10.1.0.0/24"]; remote_ts = ["10.2.0.0/24"];
		start_action = "trap"; } ); } );
EOF
chmod 600 "$T/trap.conf"
pols() { ip xfrm policy | grep -c "^	dir $1 " || true; }
blocks() { ip xfrm policy | grep -c "action block" || true; }
trap_up() {
	"$D" -d -f "$T/trap.conf" 2>>"$T/log" &
	DPID=$!
	wait_for "$T/ctl"
	i=0; until [ "$(pols fwd)" = 1 ]; do i=$((i + 1)); [ $i -lt 100 ] || die "no trap"; sleep 0.05; done
}
: > "$T/log"
trap_up
[ "$(pols out)" = 1 ] && [ "$(pols in)" = 1 ] && [ "$(blocks)" = 0 ] ||
	die "trap policies: $(ip xfrm policy)"
ok "trap policies out, in and fwd"
kill -TERM $DPID; wait $DPID || die "exit status $?"
[ "$(blocks)" = 3 ] && [ -z "$(ip xfrm state)" ] || die "after stop: $(ip xfrm policy)"
ok "clean stop: 3 block policies stay (fail_closed)"
trap_up
# the standing block policies satisfy trap_up's wait too: wait for the adoption
i=0; while [ "$(blocks)" != 0 ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.05; done
[ "$(blocks)" = 0 ] && [ "$(pols out)" = 1 ] || die "restart: $(ip xfrm policy)"
grep -q "kernel state of an earlier run: 3 policies kept" "$T/log" || die "no reconciliation line"
kill -KILL $DPID; wait $DPID 2>/dev/null || true
rm -f "$T/ctl"
trap_up
[ "$(ip xfrm policy | grep -c '^	dir ')" = 3 ] && [ "$(blocks)" = 0 ] || die "after kill -9: $(ip xfrm policy)"
ok "restart after a stop and after SIGKILL: trap policies adopted, no duplicates"
if "$D" --flush -f "$T/trap.conf" 2>"$T/err"; then die "--flush while running"; fi
grep -q "another ikedaemon is running" "$T/err" || die "--flush: $(cat "$T/err")"
kill -TERM $DPID; wait $DPID || die "exit status $?"
"$D" --flush -f "$T/trap.conf" >"$T/out" || die "--flush failed"
[ -z "$(ip xfrm policy | grep '^	dir ')" ] || die "after --flush: $(ip xfrm policy)"
ok "--flush refused while running; afterwards removes the block policies"

# --- initiate waits for the outcome: B refuses A's PSK (127.0.0.1 -> 127.0.0.2)
two() { # NAME ADDR PEER PSK_FOR_PEER PEER_ADDR LOCAL_NET REMOTE_NET
	cat > "$T/$1.conf" <<EOF
global: { pidfile = "$T/pid$1"; control_socket = "$T/ctl$1"; listen = ["$2"]; };
secrets: ( { id = "$3.example"; psk = "$4"; } );
connections: ( { name = "$1"; local_addrs = ["$2"]; remote_addrs = ["$5"];
	local = { id = "$1.example"; auth = "psk"; }; remote = { id = "$3.example"; auth = "psk"; };
	children = ( { name = "net"; local_ts = ["10.$6.0.0/24"];
		remote_ts = ["10.$7.0.0/24"]; } ); } );
EOF
	chmod 600 "$T/$1.conf"
	"$D" -d -f "$T/$1.conf" 2>>"$T/log$1" &
	wait_for "$T/ctl$1"
}
two a 127.0.0.1 b "the-key-a-uses-for-b-0123456789" 127.0.0.2 1 2
APID=$!
two b 127.0.0.2 a "a-different-key-0123456789abcdef" 127.0.0.1 2 1
BPID=$!
CA="$B/src/ike/ikectl -s $T/ctla"
set +e; $CA initiate a --timeout 20 >"$T/out" 2>"$T/err"; rc=$?; set -e
[ $rc = 4 ] && grep -q "initiate a: IKE SA [0-9]* failed: AUTHENTICATION_FAILED" "$T/err" ||
	die "initiate toward a peer refusing the PSK: exit $rc, $(cat "$T/out" "$T/err" "$T/loga")"
set +e; $CA initiate a --json >"$T/out" 2>/dev/null; rc=$?; set -e
[ $rc = 4 ] && json 'assert d["outcome"] == "failed" and "AUTHENTICATION_FAILED" in d["error"], d' < "$T/out" ||
	die "initiate --json: exit $rc, $(cat "$T/out")"
ok "initiate waits: a peer refusing the PSK gives exit 4 and AUTHENTICATION_FAILED"
# diagnose: A names the failures and the cause, B the lines that explain its
# refusal; both give the PSK advice
$CA diagnose a >"$T/out" || die "diagnose a: $?"
grep -q "^a: 0 IKE SAs established, 0 in other states, 2 failed handshakes since start" "$T/out" &&
	grep -q "IKE SA [0-9]*: AUTHENTICATION_FAILED" "$T/out" &&
	grep -q "^advice: Authentication failed: both sides need the same pre-shared key" "$T/out" ||
	die "diagnose a: $(cat "$T/out")"
sed 's/^/  | /' "$T/out"
$B/src/ike/ikectl -s $T/ctlb diagnose b --json >"$T/out" || die "diagnose b: $?"
json 'assert any("AUTH" in l["text"] for l in d["lines"]) and d["advice"].startswith("Authentication failed"), d' < "$T/out" ||
	die "diagnose b --json: $(cat "$T/out")"
if $CA diagnose nosuch 2>"$T/err"; then die "diagnose of an unknown connection"; fi
grep -q "unknown connection 'nosuch'" "$T/err" || die "diagnose nosuch: $(cat "$T/err")"
ok "diagnose: failures with their cause, the peer's log lines, advice (text and --json)"
kill -TERM $BPID; wait $BPID || die "b: exit status $?"
# the right key: the IKE SA comes up; the CHILD SA only where the kernel has
# ESP (without, B's kernel refuses it and A hears why it was not created)
two b 127.0.0.2 a "the-key-a-uses-for-b-0123456789" 127.0.0.1 2 1
BPID=$!
set +e; $CA initiate a >"$T/out" 2>"$T/err"; rc=$?; set -e
[ $rc = 0 ] && grep -q "^a: IKE SA [0-9]* established, 1 CHILD SA installed$" "$T/out" ||
	{ [ $rc = 4 ] && grep -q "initiate a/net: CHILD SA not created: " "$T/err" &&
	  grep -q "our kernel refused the SA" "$T/logb"; } ||
	die "initiate with the right key: exit $rc, $(cat "$T/out" "$T/err")"
$CA show sa --json | json 'assert [s["state"] for s in d["sas"]] == ["ESTABLISHED"], d' ||
	die "no established IKE SA after initiate"
$CA terminate a > "$T/out" || die "terminate: $?"
grep -q "^a: 1 IKE SA deleted$" "$T/out" || die "terminate: $(cat "$T/out")"
$CA show sa --json | json 'assert d["sas"] == [], d' || die "terminate returned before the SA was gone"
ok "initiate with the right key (exit 0, or 4: the CHILD SA refused for want of ESP); terminate waits until the IKE SA is gone"
kill -TERM $BPID; wait $BPID || die "b: exit status $?"
t0=$(date +%s)
$CA initiate a --async > "$T/out" || die "initiate --async: $?"
[ "$(cat "$T/out")" = ok ] && [ $(( $(date +%s) - t0 )) -le 1 ] || die "--async: $(cat "$T/out")"
set +e; $CA initiate a/net --timeout 1 2>"$T/err"; rc=$?; set -e
[ $rc = 5 ] && grep -q "no outcome within 1 s (timeout)" "$T/err" || die "timeout: $rc $(cat "$T/err")"
if $CA initiate a --timeout 0 2>"$T/err"; then die "--timeout 0 taken"; fi
grep -q "'0': seconds, 1..3600" "$T/err" || die "--timeout 0: $(cat "$T/err")"
$CA show stats >/dev/null || die "a: ikectl after the waits"
kill -TERM $APID; wait $APID || die "a: exit status $?"
ok "initiate --async returns at once; --timeout 1 toward a silent peer gives exit 5"

# --- updown: the script is checked by -n (file:line)
printf '#!/bin/sh\nexit 0\n' > "$T/updown.sh"
chmod 777 "$T/updown.sh"
sed "s|remote_ts = \[\"10.2.0.0/24\"\]; } ); } );|remote_ts = [\"10.2.0.0/24\"];\n\t\tupdown = \"$T/updown.sh\"; } ); } );|" \
	"$T/a.conf" > "$T/ud.conf"
chmod 600 "$T/ud.conf"
if "$D" -n -f "$T/ud.conf" 2>"$T/err"; then die "-n took a world-writable updown script"; fi
grep -q "^$T/ud.conf:7: child 'net': updown script $T/updown.sh is writable by everyone (mode 0777)" "$T/err" ||
	die "-n updown: $(cat "$T/err") $(cat "$T/ud.conf")"
chmod 700 "$T/updown.sh"
"$D" -n -f "$T/ud.conf" >/dev/null || die "-n refused a good updown script"
ok "ikedaemon -n checks the updown script (file:line)"

# --- a show response larger than one frame (4 MiB): 10,000 connections
python3 "$SRCDIR/tests/core/gen-conns.py" "$T/big.conf" 10000 "$T"
chmod 600 "$T/big.conf"
"$D" -d -f "$T/big.conf" 2>"$T/log" &
DPID=$!
wait_for "$T/ctl" 1200	# loading 10,000 connections takes seconds
$C show conns --json > "$T/conns.json" || die "show conns with 10,000 connections"
json 'assert len(d["conns"]) == 10000 and d["conns"][9999]["name"] == "c9999" and "more" not in d' \
	< "$T/conns.json" || die "show conns --json: $(head -c 300 "$T/conns.json")"
[ "$($C show conns | grep -c '^connection: ')" = 10000 ] || die "show conns: not 10000 connections"
[ "$(stat -c %s "$T/conns.json")" -gt 4194304 ] || die "response not larger than one frame"
kill -TERM $DPID
wait $DPID || die "daemon exit status $?"
ok "show conns with 10,000 connections (more than one 4 MiB frame)"
echo "daemon tests: $pass passed"
