#include "ike/core/tsspec.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/names.h"

static const struct name_entry proto_names[] = {
	{ 1, "icmp" }, { 6, "tcp" }, { 17, "udp" }, { 47, "gre" },
	{ 58, "ipv6-icmp" }, { 132, "sctp" },
};

const char *tsspec_proto_name(uint8_t proto, char *buf, size_t size)
{
	return names_str(proto_names, NAMES_LEN(proto_names), proto, buf, size);
}

static int parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

static int family_len(uint8_t type)
{
	return type == TS_IPV4_ADDR_RANGE ? 4 : 16;
}

static int parse_ip(const char *s, uint8_t *out, uint8_t *type)
{
	if (inet_pton(AF_INET, s, out) == 1) {
		*type = TS_IPV4_ADDR_RANGE;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*type = TS_IPV6_ADDR_RANGE;
		return 0;
	}
	return -1;
}

static int parse_prefix(struct ike_ts *ts, char *addr, char *slash, char *err, size_t errlen)
{
	unsigned long plen;
	int i, bits;

	*slash = '\0';
	if (parse_ip(addr, ts->start, &ts->type) < 0) {
		snprintf(err, errlen, "'%s' is not an IP address", addr);
		return -1;
	}
	bits = family_len(ts->type) * 8;
	if (parse_uint(slash + 1, 255, &plen) < 0 || plen > (unsigned long)bits) {
		snprintf(err, errlen, "prefix length '%s' out of range 0..%d", slash + 1, bits);
		return -1;
	}
	for (i = 0; i < family_len(ts->type); i++) {
		int keep = (int)plen - i * 8;
		uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));

		ts->start[i] &= mask;
		ts->end[i] = ts->start[i] | (uint8_t)~mask;
	}
	return 0;
}

static int parse_addrs(struct ike_ts *ts, char *s, char *err, size_t errlen)
{
	char *slash = strchr(s, '/'), *dash = strchr(s, '-');
	uint8_t type2;

	if (slash)
		return parse_prefix(ts, s, slash, err, errlen);
	if (dash)
		*dash = '\0';
	if (parse_ip(s, ts->start, &ts->type) < 0) {
		snprintf(err, errlen, "'%s' is not an IP address, subnet or range", s);
		return -1;
	}
	if (!dash) {
		memcpy(ts->end, ts->start, sizeof(ts->end));
		return 0;
	}
	if (parse_ip(dash + 1, ts->end, &type2) < 0 || type2 != ts->type) {
		snprintf(err, errlen, "range end '%s' is not an address of the same family", dash + 1);
		return -1;
	}
	if (memcmp(ts->start, ts->end, (size_t)family_len(ts->type)) > 0) {
		snprintf(err, errlen, "address range %s-%s is reversed", s, dash + 1);
		return -1;
	}
	return 0;
}

/* "tcp", "6", "tcp/443", "udp/1024-65535", "%any/53" */
static int parse_proto_port(struct ike_ts *ts, char *s, char *err, size_t errlen)
{
	char *slash = strchr(s, '/'), *dash;
	unsigned long v, lo, hi;
	unsigned pv;

	if (slash)
		*slash = '\0';
	if (strcmp(s, "%any") == 0 || !*s)
		ts->ip_proto = 0;
	else if (names_find(proto_names, NAMES_LEN(proto_names), s, &pv) == 0)
		ts->ip_proto = (uint8_t)pv;
	else if (parse_uint(s, 255, &v) == 0)
		ts->ip_proto = (uint8_t)v;
	else {
		snprintf(err, errlen, "unknown protocol '%s'", s);
		return -1;
	}
	ts->start_port = 0;
	ts->end_port = 65535;
	if (!slash || strcmp(slash + 1, "%any") == 0)
		return 0;
	dash = strchr(slash + 1, '-');
	if (dash)
		*dash = '\0';
	if (parse_uint(slash + 1, 65535, &lo) < 0 || (dash && parse_uint(dash + 1, 65535, &hi) < 0)) {
		snprintf(err, errlen, "port '%s%s%s' is not a number or range within 0..65535",
			 slash + 1, dash ? "-" : "", dash ? dash + 1 : "");
		return -1;
	}
	if (!dash)
		hi = lo;
	if (lo > hi) {
		snprintf(err, errlen, "port range %lu-%lu is reversed", lo, hi);
		return -1;
	}
	ts->start_port = (uint16_t)lo;
	ts->end_port = (uint16_t)hi;
	return 0;
}

int tsspec_parse(struct tsspec *t, const char *s, char *err, size_t errlen)
{
	char copy[TSSPEC_STRLEN], *br;
	size_t n = strlen(s);
	int ret;

	memset(t, 0, sizeof(*t));
	t->ts.end_port = 65535;
	if (n >= sizeof(copy)) {
		snprintf(err, errlen, "traffic selector '%.40s...' longer than %zu characters",
			 s, sizeof(copy) - 1);
		return -1;
	}
	memcpy(copy, s, n + 1);
	br = strchr(copy, '[');
	if (br) {
		if (copy[n - 1] != ']') {
			snprintf(err, errlen, "traffic selector '%s': missing ']'", s);
			return -1;
		}
		copy[n - 1] = '\0';
		*br = '\0';
		if (parse_proto_port(&t->ts, br + 1, err, errlen) < 0)
			return -1;
	}
	if (strcmp(copy, "dynamic") == 0) {
		t->dynamic = 1;
		return 0;
	}
	ret = parse_addrs(&t->ts, copy, err, errlen);
	return ret;
}

/* The prefix length if start..end is exactly one CIDR block, else -1. */
static int cidr_len(const struct ike_ts *ts)
{
	int i, bit, n = family_len(ts->type) * 8, plen = n;

	for (i = n - 1; i >= 0; i--) {
		uint8_t m = (uint8_t)(0x80 >> (i % 8));
		int s = ts->start[i / 8] & m, e = ts->end[i / 8] & m;

		if (s == 0 && e)
			plen = i;
		else
			break;
	}
	for (bit = 0; bit < plen; bit++) {
		uint8_t m = (uint8_t)(0x80 >> (bit % 8));

		if ((ts->start[bit / 8] & m) != (ts->end[bit / 8] & m))
			return -1;
	}
	return plen;
}

const char *tsspec_str(const struct tsspec *t, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], pb[24];
	int af = t->ts.type == TS_IPV4_ADDR_RANGE ? AF_INET : AF_INET6;
	size_t off;

	if (t->dynamic)
		off = (size_t)snprintf(buf, size, "dynamic");
	else {
		int plen = cidr_len(&t->ts);

		inet_ntop(af, t->ts.start, a, sizeof(a));
		inet_ntop(af, t->ts.end, b, sizeof(b));
		if (plen == family_len(t->ts.type) * 8)
			off = (size_t)snprintf(buf, size, "%s", a);
		else if (plen >= 0)
			off = (size_t)snprintf(buf, size, "%s/%d", a, plen);
		else
			off = (size_t)snprintf(buf, size, "%s-%s", a, b);
	}
	if (off >= size || (t->ts.ip_proto == 0 && t->ts.start_port == 0 && t->ts.end_port == 65535))
		return buf;
	off += (size_t)snprintf(buf + off, size - off, "[%s",
				t->ts.ip_proto ? tsspec_proto_name(t->ts.ip_proto, pb, sizeof(pb)) : "%any");
	if (off < size && !(t->ts.start_port == 0 && t->ts.end_port == 65535))
		off += (size_t)snprintf(buf + off, size - off,
					t->ts.start_port == t->ts.end_port ? "/%u" : "/%u-%u",
					t->ts.start_port, t->ts.end_port);
	if (off < size)
		snprintf(buf + off, size - off, "]");
	return buf;
}

int tsspec_eq(const struct tsspec *a, const struct tsspec *b)
{
	return a->dynamic == b->dynamic && memcmp(&a->ts, &b->ts, sizeof(a->ts)) == 0;
}

int tsspec_overlap(const struct tsspec *a, const struct tsspec *b)
{
	size_t n;

	if (a->dynamic || b->dynamic)
		return a->dynamic && b->dynamic;
	if (a->ts.type != b->ts.type)
		return 0;
	if (a->ts.ip_proto && b->ts.ip_proto && a->ts.ip_proto != b->ts.ip_proto)
		return 0;
	if (a->ts.end_port < b->ts.start_port || b->ts.end_port < a->ts.start_port)
		return 0;
	n = (size_t)family_len(a->ts.type);
	return memcmp(a->ts.start, b->ts.end, n) <= 0 && memcmp(b->ts.start, a->ts.end, n) <= 0;
}
