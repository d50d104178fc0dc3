/*
 * Configuration payload attributes (RFC 7296 3.15.1): the table of the
 * attributes we interpret, their allowed lengths and where their values go.
 */
#include "ike/codec/cp.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

enum cp_kind { CPK_ADDR, CPK_NETMASK, CPK_DNS, CPK_SUBNET, CPK_OTHER };

/* len: the one non-zero length allowed (0 may always be sent, 3.15.1);
 * 0 here: any length (APPLICATION_VERSION); 2: a multiple of 2. */
struct cp_attr_desc {
	uint16_t type;
	uint8_t family;
	uint8_t kind;		/* enum cp_kind */
	uint8_t len;
};

static const struct cp_attr_desc cp_attrs[] = {
	{ CPA_IP4_ADDRESS, AF_INET, CPK_ADDR, 4 },
	{ CPA_IP4_NETMASK, AF_INET, CPK_NETMASK, 4 },
	{ CPA_IP4_DNS, AF_INET, CPK_DNS, 4 },
	{ CPA_IP4_NBNS, AF_INET, CPK_OTHER, 4 },
	{ CPA_IP4_DHCP, AF_INET, CPK_OTHER, 4 },
	{ CPA_APPLICATION_VERSION, 0, CPK_OTHER, 0 },
	{ CPA_IP6_ADDRESS, AF_INET6, CPK_ADDR, 17 },
	{ CPA_IP6_DNS, AF_INET6, CPK_DNS, 16 },
	{ CPA_IP6_DHCP, AF_INET6, CPK_OTHER, 16 },
	{ CPA_IP4_SUBNET, AF_INET, CPK_SUBNET, 8 },
	{ CPA_SUPPORTED_ATTRIBUTES, 0, CPK_OTHER, 2 },
	{ CPA_IP6_SUBNET, AF_INET6, CPK_SUBNET, 17 },
};

static const struct cp_attr_desc *cp_desc(uint16_t type)
{
	for (size_t i = 0; i < sizeof(cp_attrs) / sizeof(cp_attrs[0]); i++)
		if (cp_attrs[i].type == type)
			return &cp_attrs[i];
	return NULL;
}

static int len_ok(const struct cp_attr_desc *d, size_t len)
{
	if (len == 0 || d->type == CPA_APPLICATION_VERSION)
		return 1;
	if (d->type == CPA_SUPPORTED_ATTRIBUTES)
		return len % 2 == 0;
	return len == d->len;
}

/* Leading one bits of a netmask, -1 if it is not contiguous. */
static int mask_prefix(const uint8_t m[4])
{
	uint32_t v = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	int n = 0;

	while (n < 32 && (v & (0x80000000u >> n)))
		n++;
	return (n < 32 && (v << n)) ? -1 : n;
}

/* The value of an address-like attribute; 0 or -1 (a bad prefix). */
static int net_of(const struct cp_attr_desc *d, const struct ike_slice *v, struct cp_net *n)
{
	size_t alen = d->family == AF_INET ? 4 : 16;
	int prefix;

	memset(n, 0, sizeof(*n));
	n->family = d->family;
	memcpy(n->addr, v->p, alen);
	n->prefix = (uint8_t)(alen * 8);
	if (d->kind == CPK_SUBNET && d->family == AF_INET) {
		if ((prefix = mask_prefix(v->p + 4)) < 0)
			return -1;
		n->prefix = (uint8_t)prefix;
	} else if (v->len == 17) {
		if (v->p[16] > 128)
			return -1;
		n->prefix = v->p[16];
	}
	return 0;
}

static void keep(struct cp_net *arr, size_t *n, size_t max, const struct cp_net *v)
{
	if (*n < max)
		arr[(*n)++] = *v;
}

static void bad_attr(struct cp_info *ci, const struct ike_cp_attr *a)
{
	if (!ci->nbad++) {
		ci->bad_type = a->type;
		ci->bad_len = (uint16_t)a->value.len;
	}
}

void cp_parse(const struct ike_pl_cp *cp, struct cp_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	ci->cfg_type = cp->cfg_type;
	for (size_t i = 0; i < cp->nattr; i++) {
		const struct ike_cp_attr *a = &cp->attr[i];
		const struct cp_attr_desc *d = cp_desc(a->type);
		struct cp_net n;

		if (!d) {
			ci->nunknown++;
			continue;
		}
		if (!len_ok(d, a->value.len)) {
			bad_attr(ci, a);
			continue;
		}
		ci->asked |= 1u << a->type;
		if (a->value.len == 0 || d->kind == CPK_OTHER)
			continue;
		if (d->kind == CPK_NETMASK) {
			memcpy(ci->netmask, a->value.p, 4);
			ci->have_netmask = 1;
			continue;
		}
		if (net_of(d, &a->value, &n) < 0) {
			bad_attr(ci, a);
			continue;
		}
		if (d->kind == CPK_ADDR)
			keep(ci->addrs, &ci->naddrs, CP_MAX_ADDRS * 2, &n);
		else if (d->kind == CPK_DNS)
			keep(ci->dns, &ci->ndns, CP_MAX_ADDRS * 2, &n);
		else
			keep(ci->subnets, &ci->nsubnets, CP_MAX_SUBNETS, &n);
	}
}

int cp_asked(const struct cp_info *ci, uint16_t t)
{
	return t < 32 && (ci->asked & (1u << t));
}

void cp_out_init(struct cp_out *o, uint8_t cfg_type)
{
	memset(o, 0, sizeof(*o));
	o->cfg_type = cfg_type;
}

static int put(struct cp_out *o, uint16_t type, const void *v, size_t len)
{
	struct ike_cp_attr *a;

	if (o->n >= CP_OUT_MAX || len > sizeof(o->buf) - o->used)
		return -1;
	a = &o->attr[o->n++];
	a->type = type;
	a->value.len = len;
	a->value.p = o->buf + o->used;
	if (len)
		memcpy(o->buf + o->used, v, len);
	o->used += len;
	return 0;
}

int cp_out_empty(struct cp_out *o, uint16_t type)
{
	return put(o, type, NULL, 0);
}

static void prefix_mask(uint8_t prefix, uint8_t m[4])
{
	uint32_t v = prefix ? 0xffffffffu << (32 - (prefix > 32 ? 32 : prefix)) : 0;

	m[0] = (uint8_t)(v >> 24);
	m[1] = (uint8_t)(v >> 16);
	m[2] = (uint8_t)(v >> 8);
	m[3] = (uint8_t)v;
}

int cp_out_netmask(struct cp_out *o, uint8_t prefix)
{
	uint8_t m[4];

	prefix_mask(prefix, m);
	return put(o, CPA_IP4_NETMASK, m, 4);
}

int cp_out_net(struct cp_out *o, uint16_t kind, const struct cp_net *n)
{
	uint8_t v[17];
	int v6 = n->family == AF_INET6;

	memcpy(v, n->addr, v6 ? 16 : 4);
	switch (kind) {
	case CPA_IP4_ADDRESS:
		v[16] = n->prefix;
		return v6 ? put(o, CPA_IP6_ADDRESS, v, 17) : put(o, CPA_IP4_ADDRESS, v, 4);
	case CPA_IP4_DNS:
		return v6 ? put(o, CPA_IP6_DNS, v, 16) : put(o, CPA_IP4_DNS, v, 4);
	case CPA_IP4_SUBNET:
		if (v6) {
			v[16] = n->prefix;
			return put(o, CPA_IP6_SUBNET, v, 17);
		}
		prefix_mask(n->prefix, v + 4);
		return put(o, CPA_IP4_SUBNET, v, 8);
	default:
		return -1;
	}
}

void cp_out_payload(const struct cp_out *o, struct ike_pl_cp *pl)
{
	pl->cfg_type = o->cfg_type;
	pl->attr = o->attr;
	pl->nattr = o->n;
}

const char *cp_net_str(const struct cp_net *n, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];
	int host = n->prefix == (n->family == AF_INET ? 32 : 128);

	if (!inet_ntop(n->family == AF_INET6 ? AF_INET6 : AF_INET, n->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (host)
		snprintf(buf, size, "%s", a);
	else
		snprintf(buf, size, "%s/%u", a, n->prefix);
	return buf;
}
