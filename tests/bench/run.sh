#!/bin/sh
# Responder benchmark: ikedaemon against strongSwan's charon, the same load
# generator (tools/ikeload), the same run, the daemons alternating
# ROUNDS times (order swapped each round), each alone in its namespace on
# this host (tests/engine/ikeload-lib.sh: PSK, aes256gcm16-prfsha256-x25519,
# one CHILD SA; the host kernel has no ESP, so both daemons refuse the
# CHILD SA after IKE_AUTH the same way; cookies are off for both).
# charon runs with its default thread pool and a raised ikesa_table_size.
#
# Prints one table, metric | ikedaemon | charon | ratio (medians over the
# rounds), with the load average before and after, the crypto bound
# (openssl speed ecdhx25519 ops/s per CPU second x cores / 2 X25519
# operations per responder handshake) and the generator's own ceiling.
# With FLAT="100 1000 10000" it adds the responder CPU per handshake with
# that many IKE SAs held, for distinct and for shared peer identities.
#
# Not a test stage (figures, not pass/fail).  As root, after a build:
#   sh tests/bench/run.sh [BUILDDIR] [WORKDIR]
# Knobs: ROUNDS (3), SECONDS_PER_RUN (5), INFLIGHT (128), HOLD (2000: IKE SAs
# held for the memory figure), FLAT (empty).
set -u
LOAD_BUILD=$(cd "${1:-build}" && pwd)
LOAD_WORK=${2:-${TMPDIR:-/tmp}/ike-bench.$$}
mkdir -p "$LOAD_WORK" && LOAD_WORK=$(cd "$LOAD_WORK" && pwd)
ROUNDS=${ROUNDS:-3}
SECS=${SECONDS_PER_RUN:-5}
INFLIGHT=${INFLIGHT:-128}
HOLD=${HOLD:-2000}
FLAT=${FLAT:-}
LOAD_COOKIE=1000000
LOAD_LOG=quiet
. "$(cd "$(dirname "$0")/.." && pwd)/engine/ikeload-lib.sh"
load_can_run || { echo "run.sh: needs root and strongSwan's charon" >&2; exit 77; }
[ -x "$LOAD_BUILD/tools/ikeload/ikeload" ] || { echo "run.sh: build first ($LOAD_BUILD)" >&2; exit 1; }
trap load_netns_down EXIT INT TERM
load_netns_up || exit 1
R=$LOAD_WORK/results
: >"$R"
TCK=$(getconf CLK_TCK)

cpu_s() {	# CPU seconds (all threads) of process $1
	awk -v t="$TCK" '{ print ($14 + $15) / t }' "/proc/$1/stat" 2>/dev/null || echo 0
}
rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}
field() {	# $1 key, $2 RESULT line
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
put() {		# metric daemon value
	echo "$1 $2 $3" >>"$R"
}

# One measured ikeload run; $1 daemon, $2 metric prefix, then ikeload args.
measure() {
	d=$1 m=$2
	shift 2
	c0=$(cpu_s "$LOAD_DAEMON_PID")
	line=$(load_run "$@" | grep '^RESULT')
	c1=$(cpu_s "$LOAD_DAEMON_PID")
	ok=$(field ok "$line")
	put "$m/s" "$d" "$(field rate "$line")"
	put "$m-p50-ms" "$d" "$(field p50_ms "$line")"
	put "$m-p99-ms" "$d" "$(field p99_ms "$line")"
	put "$m-failed" "$d" "$(field failed "$line")"
	put "$m-cpu-us" "$d" "$(awk -v a="$c0" -v b="$c1" -v n="${ok:-0}" \
		'BEGIN { printf "%.1f", (n > 0 ? (b - a) * 1e6 / n : 0) }')"
	put "$m-gen-cpu-us" "$d" "$(field gen_cpu_us "$line")"
}

one_round() {	# $1 daemon
	load_start_"$1" || exit 1
	sleep 0.5
	measure "$1" full -t "$SECS" -c "$INFLIGHT"
	measure "$1" init -t "$SECS" -c "$INFLIGHT" --init-only
	load_stop
	# memory: a fresh daemon, HOLD IKE SAs kept (their CHILD SA refused)
	load_start_"$1" || exit 1
	sleep 0.5
	r0=$(rss_kb "$LOAD_DAEMON_PID")
	load_run -n "$HOLD" -c 64 --keep >/dev/null
	sleep 1
	r1=$(rss_kb "$LOAD_DAEMON_PID")
	put rss-per-ike-sa-kb "$1" "$(awk -v a="$r0" -v b="$r1" -v n="$HOLD" 'BEGIN { printf "%.2f", (b - a) / n }')"
	load_stop
}

flat_round() {	# $1 daemon, $2 held SAs, $3 ids (distinct|shared)
	load_start_"$1" || exit 1
	if [ "$3" = shared ]; then idf=load.example; else idf=load-%u.example; fi
	load_run -n "$2" -c 64 --keep --id "$idf" >/dev/null
	measure "$1" "flat-$2-$3" -n 2000 -c 64 --id "$idf"
	load_stop
}

la0=$(cut -d' ' -f1-3 /proc/loadavg)
cores=$(nproc)
x25519=$(openssl speed -mr -seconds 2 ecdhx25519 2>/dev/null | sed -n 's/^+F[0-9]*:[0-9]*:[0-9]*:\([0-9.]*\):.*/\1/p' | head -1)
for i in $(seq "$ROUNDS"); do
	if [ $((i % 2)) = 1 ]; then order="ikedaemon charon"; else order="charon ikedaemon"; fi
	for d in $order; do
		one_round "$d"
	done
done
for n in $FLAT; do
	for ids in distinct shared; do
		for d in ikedaemon charon; do
			flat_round "$d" "$n" "$ids"
		done
	done
done
la1=$(cut -d' ' -f1-3 /proc/loadavg)

median() {	# metric daemon
	awk -v m="$1" -v d="$2" '$1 == m && $2 == d { print $3 }' "$R" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2); else print "-" }'
}

echo
echo "ikedaemon vs charon, same generator, same run: $ROUNDS rounds alternating, ${SECS} s per rate run, $INFLIGHT in flight"
echo "load average before: $la0, after: $la1; $cores cores"
printf '%-28s | %12s | %12s | %6s\n' metric ikedaemon charon ratio
printf '%-28s-+-%12s-+-%12s-+-%6s\n' ---------------------------- ------------ ------------ ------
for m in $(awk '{ print $1 }' "$R" | awk '!seen[$0]++'); do
	a=$(median "$m" ikedaemon)
	b=$(median "$m" charon)
	ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { if (b + 0 > 0 && a != "-") printf "%.2f", a / b; else print "-" }')
	printf '%-28s | %12s | %12s | %6s\n' "$m" "$a" "$b" "$ratio"
done
if [ -n "$x25519" ]; then
	bound=$(awk -v x="$x25519" -v c="$cores" 'BEGIN { printf "%.0f", x * c / 2 }')
	echo
	echo "crypto bound: openssl speed ecdhx25519 $x25519 ops/s per core x $cores cores / 2 ops per handshake = $bound handshakes/s"
	for d in ikedaemon charon; do
		f=$(median full/s "$d")
		awk -v f="$f" -v b="$bound" -v d="$d" 'BEGIN { printf "  %-10s full handshakes: %.1f%% of the crypto bound\n", d, 100 * f / b }'
	done
	g=$(median full-gen-cpu-us ikedaemon)
	awk -v g="$g" 'BEGIN { if (g > 0) printf "generator ceiling: %.1f us CPU per handshake = %.0f handshakes/s per core\n", g, 1e6 / g }'
fi
echo "raw figures: $R"
