#!/bin/sh
# IKE-level interop with strongSwan 5.9.8 on the host (no ESP needed):
# tests/engine/interop-host.sh runs every case in both roles between
# ikedaemon and charon in two network namespaces; then
# tests/engine/ikeload-smoke.sh drives the load generator (tools/ikeload)
# against each of them, bounded to 300 s.  Root and charon needed, else
# skipped (77).
set -u
b="$WORK/interop-build"
cd "$SRCDIR" && { [ -x configure ] || autoreconf -fi >/dev/null; } || exit 1
rm -rf "$b" && mkdir -p "$b" && cd "$b" || exit 1
"$SRCDIR/configure" -q >/dev/null || exit 1
make -j2 -s >/dev/null || { echo "57-interop-host: build failed"; exit 1; }
rm -f "$WORK/interop.rc"
{ sh "$SRCDIR/tests/engine/interop-host.sh" "$b" "$WORK/interop"; echo $? >"$WORK/interop.rc"; } 2>&1 |
	tee "$WORK/interop.log"
rc=$(cat "$WORK/interop.rc" 2>/dev/null || echo 1)
[ "$rc" -eq 77 ] && exit 77
{ timeout 300 sh "$SRCDIR/tests/engine/ikeload-smoke.sh" "$b" "$WORK/ikeload"; echo $? >"$WORK/ikeload.rc"; } 2>&1 |
	tee -a "$WORK/interop.log"
lrc=$(cat "$WORK/ikeload.rc" 2>/dev/null || echo 1)
[ "$lrc" -eq 0 ] || { echo "57-interop-host: ikeload smoke test failed (rc=$lrc)"; rc=1; }
pass=$(grep -c '^PASS ' "$WORK/interop.log")
fail=$(grep -c '^FAIL ' "$WORK/interop.log")
mkdir -p "$WORK/results" && echo "$pass $fail" >"$WORK/results/57-interop-host.counts"
[ "$pass" -gt 0 ] || { echo "57-interop-host: no case ran (rc=$rc)"; exit 1; }
[ "$fail" -eq 0 ] && [ "$rc" -eq 0 ]
