#!/bin/sh
# The XFRM backend against the running (host) kernel in a fresh network
# namespace: policies, SPI allocation, ACQUIRE, overrun/resync, error
# messages, flush_own (tests/kernel/host-kernel.sh).  Skipped (77) without
# root or network namespaces.
set -u
b="$WORK/host-kernel"
cd "$SRCDIR" && { [ -x configure ] || autoreconf -fi >/dev/null; } || exit 1
rm -rf "$b" && mkdir -p "$b" && cd "$b" || exit 1
"$SRCDIR/configure" -q >/dev/null || exit 1
make -j2 -s tests/kernel/kctl >/dev/null || { echo "50-host-kernel: build failed"; exit 1; }
exec sh "$SRCDIR/tests/kernel/host-kernel.sh" "$b/tests/kernel/kctl"
