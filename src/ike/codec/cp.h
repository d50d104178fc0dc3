/*
 * Configuration payload attributes (RFC 7296 3.15.1, RFC 8925 none): the
 * typed view of a decoded CP payload and the attribute list of one to send.
 * Like the rest of the codec it knows no SA, pool or configuration: the
 * gateway (engine/cp.c) decides what to answer.
 *
 * Validate, then interpret: cp_parse() walks the attributes decode.c
 * bounded, checks each known one's length against the table, keeps the
 * addresses, DNS servers and subnets, and skips unknown types (3.15.1:
 * "unrecognized attributes ... MUST be ignored").  A known attribute of a
 * length the table does not allow is skipped and counted (nbad), so the
 * caller can log it; it never fails the exchange.
 */
#ifndef IKE_CODEC_CP_H
#define IKE_CODEC_CP_H

#include <stddef.h>
#include <stdint.h>

#include "ike/codec/codec.h"

enum cp_attr_type {
	CPA_IP4_ADDRESS = 1,
	CPA_IP4_NETMASK = 2,
	CPA_IP4_DNS = 3,
	CPA_IP4_NBNS = 4,
	CPA_IP4_DHCP = 6,
	CPA_APPLICATION_VERSION = 7,
	CPA_IP6_ADDRESS = 8,
	CPA_IP6_DNS = 10,
	CPA_IP6_DHCP = 12,
	CPA_IP4_SUBNET = 13,
	CPA_SUPPORTED_ATTRIBUTES = 14,
	CPA_IP6_SUBNET = 15,
};

#define CP_MAX_ADDRS	4	/* per family and kind kept from one payload */
#define CP_MAX_SUBNETS	16

/* An address with a prefix length (32/128 for a host, the netmask's for
 * IP4_SUBNET); family AF_INET or AF_INET6. */
struct cp_net {
	uint8_t family;
	uint8_t prefix;
	uint8_t addr[16];
};

struct cp_info {
	uint8_t cfg_type;		/* enum ike_cp_type */
	uint32_t asked;			/* bit t: attribute type t (< 32) present */
	struct cp_net addrs[CP_MAX_ADDRS * 2];	/* IP4/IP6_ADDRESS with a value */
	size_t naddrs;
	struct cp_net dns[CP_MAX_ADDRS * 2];
	size_t ndns;
	struct cp_net subnets[CP_MAX_SUBNETS];
	size_t nsubnets;
	uint8_t netmask[4];		/* INTERNAL_IP4_NETMASK, if have_netmask */
	int have_netmask;
	size_t nunknown;		/* attributes skipped: unknown type */
	size_t nbad;			/* ... known type, length not allowed */
	uint16_t bad_type, bad_len;	/* the first of those, for the log */
};

/* The typed view of a decoded CP payload; never fails. */
void cp_parse(const struct ike_pl_cp *cp, struct cp_info *out);
/* 1 if the payload asked for attribute type t. */
int cp_asked(const struct cp_info *ci, uint16_t t);

/*
 * Attributes of a CP payload to send, values in buf (no pointers into the
 * caller's memory): cp_out_init(), cp_out_*(), then cp_out_payload() fills
 * an ike_pl_cp whose slices point into o.
 */
#define CP_OUT_MAX	24
struct cp_out {
	uint8_t cfg_type;
	size_t n, used;
	struct ike_cp_attr attr[CP_OUT_MAX];
	uint8_t buf[CP_OUT_MAX * 17];
};

void cp_out_init(struct cp_out *o, uint8_t cfg_type);
/* An empty attribute (a request: "give me one"). */
int cp_out_empty(struct cp_out *o, uint16_t type);
/* IP4/IP6_ADDRESS (with prefix for v6), IP4/IP6_DNS, IP4/IP6_SUBNET from n;
 * kind is CPA_IP4_ADDRESS, CPA_IP4_DNS or CPA_IP4_SUBNET, the IPv6 type is
 * chosen from n->family.  -1 when full. */
int cp_out_net(struct cp_out *o, uint16_t kind, const struct cp_net *n);
int cp_out_netmask(struct cp_out *o, uint8_t prefix);
void cp_out_payload(const struct cp_out *o, struct ike_pl_cp *pl);

/* "10.3.0.1", "2001:db8::1/64" (prefix shown when not a host's). */
const char *cp_net_str(const struct cp_net *n, char *buf, size_t size);

#endif
