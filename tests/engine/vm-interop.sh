#!/bin/sh
# Guest script for tests/vm/run-vm.sh: the host interop cases against
# charon on a kernel with ESP, so CHILD SAs must install and carry traffic.
#   IKE_BUILD=/path/to/build tests/vm/run-vm.sh tests/engine/vm-interop.sh [CASE...]
# Logs land in the results share ($WORK/vm/out/interop).
here=$(cd "$(dirname "$0")" && pwd)
# Loaded up front: a module loaded on demand by the first SA of a kind
# takes seconds under TCG, and the exchange waits for the kernel meanwhile.
for m in esp4 esp6 xfrm_user xfrm4_tunnel xfrm6_tunnel aes_generic gcm ghash_generic \
	 authenc cbc hmac sha256_generic sha512_generic seqiv echainiv ctr \
	 chacha20poly1305 ccm; do
	modprobe "$m" 2>/dev/null
done
IKE_INTEROP_ESP=1 sh "$here/interop-host.sh" "${IKE_BUILD:?IKE_BUILD not set}" /tmp/interop "$@"
rc=$?
mkdir -p /tmp/out/interop && cp -r /tmp/interop/. /tmp/out/interop/ 2>/dev/null
exit $rc
