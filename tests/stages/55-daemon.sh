#!/bin/sh
# ikedaemon in a network namespace of its own: life cycle (pid file lock,
# signals, sd_notify, capabilities, daemonizing), ikectl over the control
# socket (show conns --json checked with python3, errors), reload with
# --dry-run, and SIGHUP with a broken file keeping the old configuration.
# Needs root (unshare -n); no ESP and no kernel XFRM state are involved.
set -eu
[ "$(id -u)" = 0 ] || { echo "skip: needs root for a network namespace"; exit 77; }
command -v unshare >/dev/null && command -v python3 >/dev/null ||
	{ echo "skip: needs unshare and python3"; exit 77; }
unshare -n true 2>/dev/null || { echo "skip: cannot create a network namespace"; exit 77; }

. "$SRCDIR/tests/stages/lib.sh"
ensure_configure
b="$WORK/daemon"
rm -rf "$b" && mkdir -p "$b" && cd "$b"
"$SRCDIR/configure" -q
make -j2 src/ike/ikedaemon src/ike/ikectl > build.log 2>&1 || { tail -50 build.log; exit 1; }
export B="$b" SRCDIR
exec timeout 600 unshare -n sh "$SRCDIR/tests/core/daemon-netns.sh"
