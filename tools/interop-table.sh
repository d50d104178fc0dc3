#!/bin/sh
# The interop table (peer x scenario x role of ikedaemon, pass/fail) from
# the results of a VM interop run (tests/stages/70-vm-interop.sh):
#
#   tools/interop-table.sh INTEROP.TXT [GUEST.LOG]           markdown on stdout
#   tools/interop-table.sh --update README INTEROP.TXT [GUEST.LOG]
#
# INTEROP.TXT is $WORK/vm/out/interop.txt, written by the scenarios
# (tests/vm/ike/interop-lib.sh): "expect|PEER|SCENARIO|WHAT|ROLE" lines and
# "pass|PEER|SCENARIO|ROLE|NOTE" lines.  A role without a pass line failed.
# GUEST.LOG ($WORK/vm/out/log, the guest's output) adds the guest kernel
# and each scenario's time.  --update replaces the lines between
# "<!-- interop-table begin -->" and "<!-- interop-table end -->" in README.
set -eu
readme=""
if [ "${1:-}" = --update ]; then
	readme=$2
	shift 2
fi
[ $# -ge 1 ] && [ -f "$1" ] || { echo "usage: $0 [--update README] INTEROP.TXT [GUEST.LOG]" >&2; exit 2; }
results=$1
console=${2:-/dev/null}

table() {
	kernel=$(sed -n 's/^guest: kernel \([^ ,]*\).*/\1/p' "$console" | tail -n 1)
	echo "Run of $(date -u -r "$results" '+%Y-%m-%d %H:%M UTC')${kernel:+, guest kernel $kernel}:" \
		"Libreswan 4.10 (Debian 12, unpacked), OpenIKED 7.2 (Debian 12, PF_KEY)."
	echo
	echo "| peer | scenario | what | ikedaemon's part | result |"
	echo "| --- | --- | --- | --- | --- |"
	awk -F'|' -v console="$console" '
		BEGIN {
			while ((getline l < console) > 0)
				if (l ~ /^(PASS|FAIL): /) {
					split(l, w, " ")
					t = l; sub(/^[^(]*\(/, "", t); sub(/[,)].*/, "", t)
					secs[w[2]] = t
				}
		}
		$1 == "expect" { n++; peer[n] = $2; scen[n] = $3; what[n] = $4; role[n] = $5 }
		$1 == "pass" { ok[$2 "|" $3 "|" $4] = 1; note[$2 "|" $3 "|" $4] = $5 }
		END {
			for (i = 1; i <= n; i++) {
				k = peer[i] "|" scen[i] "|" role[i]
				r = ok[k] ? "pass" (note[k] != "" ? " (" note[k] ")" : "") : "**FAIL**"
				s = scen[i] (scen[i] in secs ? " (" secs[scen[i]] ")" : "")
				printf "| %s | %s | %s | %s | %s |\n", peer[i], s, what[i], role[i], r
				if (ok[k]) p++; else f++
			}
			printf "\n%d passed, %d failed.\n", p, f
		}' "$results"
}

if [ -z "$readme" ]; then
	table
	exit 0
fi
grep -q '^<!-- interop-table begin -->$' "$readme" && grep -q '^<!-- interop-table end -->$' "$readme" ||
	{ echo "$readme has no interop-table markers" >&2; exit 1; }
table >"$readme.table"
awk -v tf="$readme.table" '
	/^<!-- interop-table begin -->$/ { print; while ((getline l < tf) > 0) print l; skip = 1; next }
	/^<!-- interop-table end -->$/ { skip = 0 }
	!skip' "$readme" >"$readme.new"
mv "$readme.new" "$readme"
rm -f "$readme.table"
