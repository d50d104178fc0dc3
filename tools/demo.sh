#!/bin/sh
# The demo (README's first command), for a fresh Debian 12 machine as root:
# installs the dependencies, builds the daemon out of tree in build-demo/,
# and shows what was built.  The demo tunnel itself (two network namespaces,
# ikedaemon against strongSwan, ping through the ESP SAs) comes with the
# IKE_SA establishment work; until then this script says so and stops.
set -eu
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
b="$SRCDIR/build-demo"

sh "$SRCDIR/tools/install-deps.sh" demo
cd "$SRCDIR"
autoreconf -fi >/dev/null
mkdir -p "$b"
cd "$b"
"$SRCDIR/configure" -q
make -j2 -s

echo
daemon=$(find "$b" -type f -name ikedaemon -perm -u+x | head -n 1)
if [ -n "$daemon" ]; then
	echo "built: $daemon"
	"$daemon" -V || echo "demo: '$daemon -V' failed (exit $?)"
else
	echo "the build has no ikedaemon program yet (only the libraries)"
fi
echo
echo "demo: the demo tunnel (ikedaemon <-> strongSwan in two network"
echo "demo: namespaces) arrives with the IKE_SA establishment work;"
echo "demo: nothing more to show yet."
exit 0
