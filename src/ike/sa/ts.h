/*
 * Traffic selectors (RFC 7296 2.9, 3.13.1): parsing and printing, set
 * intersection for the responder's narrowing, and the split of an address
 * range into CIDR prefixes (XFRM policies take prefixes, peers send ranges).
 */
#ifndef IKE_SA_TS_H
#define IKE_SA_TS_H

#include <stddef.h>
#include <stdint.h>

#include "ike/ikev2.h"

#define TS_SET_MAX	16
/* "ffff:...:ffff..ffff:...:ffff[icmpv6/65535-65535]" fits */
#define TS_STRLEN	112

struct ts_set {
	size_t n;
	struct ike_ts ts[TS_SET_MAX];
};

struct ts_prefix {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network byte order, host bits zero */
	uint8_t len;
};

/*
 * "10.1.0.0/16", "192.0.2.1" (one host), "2001:db8::/32", each optionally
 * followed by "[proto]", "[proto/port]" or "[proto/lo-hi]" where proto is
 * a name (tcp, udp, icmp, ipv6-icmp, sctp, gre, esp) or a number.  Host
 * bits under the prefix are ignored.  0 or -1 (logged) on a bad string.
 */
int ts_parse(struct ike_ts *ts, const char *s);
int ts_from_prefix(struct ike_ts *ts, int family, const void *addr, unsigned plen);
/* Known type, start <= end in addresses and ports. */
int ts_valid(const struct ike_ts *ts);

/* 1 and *out = a n b if they overlap (type, protocol, ports, addresses). */
int ts_intersect(const struct ike_ts *a, const struct ike_ts *b, struct ike_ts *out);
int ts_contains(const struct ike_ts *outer, const struct ike_ts *inner);

/* The prefix length if the address range is exactly one prefix, else -1. */
int ts_prefix_len(const struct ike_ts *ts);
/* Split the address range into the fewest CIDR prefixes, in address order;
 * returns how many it takes (at most 2*bits-2; only the first max written). */
size_t ts_to_prefixes(const struct ike_ts *ts, struct ts_prefix *out, size_t max);

/* strongSwan style: "10.1.0.0/16", "10.1.0.5..10.1.0.9", "0.0.0.0/0[tcp/443]" */
const char *ts_str(const struct ike_ts *ts, char *buf, size_t size);
/* Space-separated ts_str() of every member (truncated to size). */
const char *ts_set_str(const struct ts_set *set, char *buf, size_t size);

/*
 * Narrow what the peer offered to what the configuration allows: every
 * non-empty intersection, in the peer's order, minus the ones another
 * result already contains.  When the peer's first selector is the packet
 * that triggered its ACQUIRE (2.9), a configuration that covers it yields a
 * result that contains it.  Invalid offered selectors contribute nothing.
 * Returns the number of results (0: nothing acceptable).
 */
size_t ts_narrow(const struct ts_set *cfg, const struct ts_set *offered, struct ts_set *out);

/*
 * The responder's decision for one CHILD SA: TSi (the initiator's side) is
 * narrowed by our configured remote selectors, TSr by our local ones.  0 and
 * both results non-empty, or -1: answer TS_UNACCEPTABLE.
 */
int ts_narrow_responder(const struct ts_set *cfg_local, const struct ts_set *cfg_remote,
			const struct ts_set *tsi, const struct ts_set *tsr,
			struct ts_set *out_tsi, struct ts_set *out_tsr);

#endif
