# Helpers for the kernel backend scenarios (sourced after lib.sh): two
# namespaces joined by a veth "outer" link, each with an "inner" address on
# loopback, protected by tunnel-mode SAs and policies installed through
# kctl (the XFRM backend), never through ip xfrm.

KT_REQID=0x49000011
KT_SPI_AB=0xc0001001

# kt_setup NS_A NS_B OUTER(4|6): sets KT_A KT_B KT_OA KT_OB (outer addresses).
kt_setup() {
	KT_A=$1
	KT_B=$2
	ns_add "$KT_A" "$KT_B"
	if [ "$3" = 6 ]; then
		KT_OA=fd00:5::1
		KT_OB=fd00:5::2
		veth_link "$KT_A" outa "$KT_OA/64" "$KT_B" outb "$KT_OB/64"
	else
		KT_OA=192.168.5.1
		KT_OB=192.168.5.2
		veth_link "$KT_A" outa "$KT_OA/24" "$KT_B" outb "$KT_OB/24"
	fi
	ns_addr "$KT_A" 10.1.0.1/32
	ns_addr "$KT_B" 10.2.0.1/32
	# Inner traffic only needs a route to reach the policy lookup; the
	# ESP packets themselves follow the outer addresses.
	ip -n "$KT_A" route add 10.2.0.0/24 dev outa src 10.1.0.1
	ip -n "$KT_B" route add 10.1.0.0/24 dev outb src 10.2.0.1
}

# kctl's tunnel template syntax separates IPv6 endpoints with '|'.
kt_tmpl() {
	case $1 in
	*:*) echo "tunnel|$1|$2" ;;
	*) echo "tunnel:$1:$2" ;;
	esac
}

# kt_install CIPHER-ARGS...: the SA pair and policies in both namespaces.
# A->B uses a fixed SPI; B->A gets one allocated by A's kernel (ALLOCSPI,
# then completed with UPDSA), as an IKE responder would.
kt_install() {
	# First the SA with a fixed SPI: it makes the kernel load the cipher
	# (slow under TCG), which must not eat into the life of the larval SA
	# below (net.core.xfrm_acq_expires, 30 s).
	kctl_ns "$KT_A" sa-add src="$KT_OA" dst="$KT_OB" spi=$KT_SPI_AB reqid=$KT_REQID "$@" ||
		fail "add SA A->B in $KT_A"
	out=$(kctl_ns "$KT_A" spi src="$KT_OB" dst="$KT_OA" reqid=$KT_REQID) ||
		fail "SPI allocation in $KT_A"
	KT_SPI_BA=$(kv_get spi "$out")
	[ -n "$KT_SPI_BA" ] || fail "no SPI in: $out"
	info "allocated SPI $KT_SPI_BA for $KT_OB -> $KT_OA"
	kctl_ns "$KT_A" sa-upd src="$KT_OB" dst="$KT_OA" spi="$KT_SPI_BA" reqid=$KT_REQID "$@" ||
		fail "complete allocated SA B->A in $KT_A"
	kctl_ns "$KT_B" sa-add src="$KT_OA" dst="$KT_OB" spi=$KT_SPI_AB reqid=$KT_REQID "$@" ||
		fail "add SA A->B in $KT_B"
	kctl_ns "$KT_B" sa-add src="$KT_OB" dst="$KT_OA" spi="$KT_SPI_BA" reqid=$KT_REQID "$@" ||
		fail "add SA B->A in $KT_B"
	ab=$(kt_tmpl "$KT_OA" "$KT_OB")
	ba=$(kt_tmpl "$KT_OB" "$KT_OA")
	kt_policies pol-add "$ab" "$ba"
}

# kt_policies CMD TMPL-AB TMPL-BA: out/in (and fwd) policies on both sides.
kt_policies() {
	kctl_ns "$KT_A" "$1" src=10.1.0.0/24 dst=10.2.0.0/24 dir=out tmpl="$2" reqid=$KT_REQID &&
	kctl_ns "$KT_A" "$1" src=10.2.0.0/24 dst=10.1.0.0/24 dir=in tmpl="$3" reqid=$KT_REQID &&
	kctl_ns "$KT_B" "$1" src=10.2.0.0/24 dst=10.1.0.0/24 dir=out tmpl="$3" reqid=$KT_REQID &&
	kctl_ns "$KT_B" "$1" src=10.1.0.0/24 dst=10.2.0.0/24 dir=in tmpl="$2" reqid=$KT_REQID &&
	kctl_ns "$KT_B" "$1" src=10.1.0.0/24 dst=10.2.0.0/24 dir=fwd tmpl="$2" reqid=$KT_REQID ||
		fail "$1 failed"
}

# kt_counters NS DST SPI: "bytes packets" of an SA, read through the backend.
kt_counters() {
	out=$(kctl_ns "$1" sa-query dst="$2" spi="$3") || fail "query SA $3 in $1"
	echo "$(kv_get bytes "$out") $(kv_get packets "$out")"
}

# kt_tunnel_test CIPHER-ARGS...: install, ping through, check counters on
# all four SAs, delete everything one by one, check nothing is left.
kt_tunnel_test() {
	kt_install "$@"
	assert_ok "ping 10.1.0.1 -> 10.2.0.1 through the tunnel" \
		ns_exec "$KT_A" ping -c 3 -i 0.2 -W 3 -I 10.1.0.1 10.2.0.1
	for side in "$KT_A $KT_OB $KT_SPI_AB" "$KT_B $KT_OB $KT_SPI_AB" \
		"$KT_A $KT_OA $KT_SPI_BA" "$KT_B $KT_OA $KT_SPI_BA"; do
		set -- $side
		c=$(kt_counters "$1" "$2" "$3")
		info "SA $3 in $1: bytes/packets $c"
		set -- $c
		assert_gt "bytes on SA" "$1" 0
		assert_gt "packets on SA" "$2" 2
	done
	info "kernel view: $(ip -n "$KT_A" -s xfrm state | grep -c 'proto esp') ESP SAs in $KT_A"
	for ns in "$KT_A" "$KT_B"; do
		kctl_ns "$ns" sa-del dst="$KT_OB" spi=$KT_SPI_AB || fail "delete SA A->B in $ns"
		kctl_ns "$ns" sa-del dst="$KT_OA" spi="$KT_SPI_BA" || fail "delete SA B->A in $ns"
	done
	kt_policies pol-del "$(kt_tmpl "$KT_OA" "$KT_OB")" "$(kt_tmpl "$KT_OB" "$KT_OA")"
	assert_xfrm_empty "$KT_A"
	assert_xfrm_empty "$KT_B"
	assert_fail "SA A->B gone after delete" \
		kctl_ns "$KT_A" sa-query dst="$KT_OB" spi=$KT_SPI_AB
}
