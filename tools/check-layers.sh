#!/bin/sh
# The layer rule of the IKE engine (doc/ARCHITECTURE.md), checked on a build:
#   1. calls: every function a file of src/ike/engine or src/ike/auth calls
#      in another file of the engine (from nm of the objects) lives in the
#      same or a lower layer (tools/layers.txt), except the upward calls
#      listed in tools/layers-allow.txt (known debt, to shrink; a listed
#      call that no longer exists must be removed from the list);
#   2. includes: src/kernel/ includes nothing from src/ike/; src/common/
#      nothing from src/ike/ or src/kernel/; src/ike/{codec,crypto,sa}
#      nothing from src/ike/engine/ or src/ike/auth/.
# Usage: tools/check-layers.sh BUILDDIR [SRCDIR]   (exit 0: rule holds)
set -u
b=${1:?usage: check-layers.sh BUILDDIR [SRCDIR]}
src=${2:-$(cd "$(dirname "$0")/.." && pwd)}
table="$src/tools/layers.txt"
allow="$src/tools/layers-allow.txt"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

objs=$(ls "$b"/src/ike/engine/*.o "$b"/src/ike/auth/*.o 2>/dev/null)
if [ -z "$objs" ]; then
	echo "check-layers: no engine objects under $b (build first)"
	exit 1
fi
name() { basename "$1" .o | sed 's/.*lib[a-z]*_a-//'; }

# defined symbols -> file; every file must be in the layer table
for o in $objs; do
	f=$(name "$o")
	if ! awk -v f="$f" '!/^#/ && $1 == f { ok = 1 } END { exit !ok }' "$table"; then
		echo "check-layers: $f.c has no layer in tools/layers.txt"
		fail=1
	fi
	nm -g --defined-only "$o" | awk -v f="$f" 'NF == 3 { print $3, f }' >>"$tmp/def"
done
# edges "caller callee symbol"
for o in $objs; do
	f=$(name "$o")
	nm -u "$o" | awk '{ print $NF }' | sort -u >"$tmp/und"
	awk -v f="$f" 'NR == FNR { d[$1] = $2; next } ($1 in d) && d[$1] != f { print f, d[$1], $1 }' \
		"$tmp/def" "$tmp/und" >>"$tmp/edges"
done
# upward edges
awk 'NR == FNR { if ($0 !~ /^#/ && NF >= 2) L[$1] = $2; next }
     L[$1] < L[$2] { print $1, $2, $3 }' "$table" "$tmp/edges" | sort >"$tmp/up"
grep -v '^#' "$allow" 2>/dev/null | awk 'NF == 3' | sort >"$tmp/allowed"
comm -23 "$tmp/up" "$tmp/allowed" >"$tmp/new"
comm -13 "$tmp/up" "$tmp/allowed" >"$tmp/gone"
if [ -s "$tmp/new" ]; then
	echo "check-layers: calls to a higher layer (register a callback instead):"
	sed 's/^\([^ ]*\) \([^ ]*\) \(.*\)/  \1.c -> \2.c: \3()/' "$tmp/new"
	fail=1
fi
if [ -s "$tmp/gone" ]; then
	echo "check-layers: listed in tools/layers-allow.txt but no longer made (remove them):"
	sed 's/^/  /' "$tmp/gone"
	fail=1
fi

# includes
inc() { grep -rn '#include "' "$@" 2>/dev/null; }
bad=$(inc "$src/src/kernel" | grep '"ike/')
[ -n "$bad" ] && { echo "check-layers: src/kernel includes src/ike:"; echo "$bad"; fail=1; }
bad=$(inc "$src/src/common" | grep -E '"(ike|kernel)/')
[ -n "$bad" ] && { echo "check-layers: src/common includes src/ike or src/kernel:"; echo "$bad"; fail=1; }
bad=$(inc "$src/src/ike/codec" "$src/src/ike/crypto" "$src/src/ike/sa" | grep -E '"ike/(engine|auth)/')
[ -n "$bad" ] && { echo "check-layers: codec/crypto/sa include the engine:"; echo "$bad"; fail=1; }

nup=$(wc -l <"$tmp/up")
nedges=$(awk '{ print $1, $2 }' "$tmp/edges" | sort -u | wc -l)
echo "check-layers: $(echo "$objs" | wc -w) files, $nedges file-to-file call edges," \
	"$nup upward calls, listed in tools/layers-allow.txt as debt"
[ "$fail" = 0 ] && echo "check-layers: ok"
exit "$fail"
