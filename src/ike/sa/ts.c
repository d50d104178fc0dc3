#include "ike/sa/ts.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "common/names.h"

static const struct name_entry proto_names[] = {
	{ 1, "icmp" },
	{ 6, "tcp" },
	{ 17, "udp" },
	{ 47, "gre" },
	{ 50, "esp" },
	{ 58, "ipv6-icmp" },
	{ 132, "sctp" },
};

/* Address bytes used by a selector type; 0 for an unknown type. */
static size_t addr_len(uint8_t type)
{
	return type == TS_IPV4_ADDR_RANGE ? 4 : type == TS_IPV6_ADDR_RANGE ? 16 : 0;
}

int ts_valid(const struct ike_ts *ts)
{
	size_t n = addr_len(ts->type);

	return n && memcmp(ts->start, ts->end, n) <= 0 && ts->start_port <= ts->end_port;
}

/* Bit i of a (i = 0 is the most significant). */
static int bit_of(const uint8_t *a, unsigned i)
{
	return a[i / 8] >> (7 - i % 8) & 1;
}

/* Set (v = 1) or clear every bit from position from to the end. */
static void fill_from(uint8_t *a, size_t n, unsigned from, int v)
{
	for (unsigned i = from; i < n * 8; i++) {
		if (v)
			a[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		else
			a[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	}
}

int ts_from_prefix(struct ike_ts *ts, int family, const void *addr, unsigned plen)
{
	size_t n = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;

	if (!n || plen > n * 8) {
		log_err(LS_CFG, "traffic selector: prefix length %u, family allows %zu",
			plen, n * 8);
		return -1;
	}
	memset(ts, 0, sizeof(*ts));
	ts->type = n == 4 ? TS_IPV4_ADDR_RANGE : TS_IPV6_ADDR_RANGE;
	ts->end_port = 0xffff;
	memcpy(ts->start, addr, n);
	memcpy(ts->end, addr, n);
	fill_from(ts->start, n, plen, 0);
	fill_from(ts->end, n, plen, 1);
	return 0;
}

static int parse_num(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	*v = strtoul(s, &end, 10);
	return *end || *v > max ? -1 : 0;
}

/* "proto", "proto/port" or "proto/lo-hi" (the text between the brackets). */
static int parse_proto_ports(struct ike_ts *ts, char *s)
{
	char *slash = strchr(s, '/'), *dash;
	unsigned long v, lo, hi;
	unsigned pv;

	if (slash)
		*slash = '\0';
	if (names_find(proto_names, NAMES_LEN(proto_names), s, &pv) == 0)
		ts->ip_proto = (uint8_t)pv;
	else if (parse_num(s, 255, &v) == 0)
		ts->ip_proto = (uint8_t)v;
	else
		return -1;
	if (!slash)
		return 0;
	dash = strchr(slash + 1, '-');
	if (dash)
		*dash = '\0';
	if (parse_num(slash + 1, 65535, &lo) < 0)
		return -1;
	hi = lo;
	if (dash && parse_num(dash + 1, 65535, &hi) < 0)
		return -1;
	if (lo > hi)
		return -1;
	ts->start_port = (uint16_t)lo;
	ts->end_port = (uint16_t)hi;
	return 0;
}

int ts_parse(struct ike_ts *ts, const char *s)
{
	char buf[TS_STRLEN], *br, *slash;
	size_t len = strlen(s);
	uint8_t a[16];
	unsigned long plen;
	int family;

	if (len >= sizeof(buf))
		goto bad;
	memcpy(buf, s, len + 1);
	br = strchr(buf, '[');
	if (br) {
		size_t l = strlen(br);

		if (l < 3 || br[l - 1] != ']')
			goto bad;
		br[l - 1] = '\0';
		*br++ = '\0';
	}
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(family, buf, a) != 1)
		goto bad;
	plen = family == AF_INET ? 32 : 128;
	if (slash && parse_num(slash, plen, &plen) < 0)
		goto bad;
	if (ts_from_prefix(ts, family, a, (unsigned)plen) < 0)
		goto bad;
	if (br && parse_proto_ports(ts, br) < 0)
		goto bad;
	return 0;
bad:
	log_err(LS_CFG, "traffic selector '%s': expected addr[/len][[proto[/port[-port]]]]", s);
	return -1;
}

static const uint8_t *max_of(const uint8_t *a, const uint8_t *b, size_t n)
{
	return memcmp(a, b, n) >= 0 ? a : b;
}

static const uint8_t *min_of(const uint8_t *a, const uint8_t *b, size_t n)
{
	return memcmp(a, b, n) <= 0 ? a : b;
}

int ts_intersect(const struct ike_ts *a, const struct ike_ts *b, struct ike_ts *out)
{
	size_t n = addr_len(a->type);
	struct ike_ts r;

	if (a->type != b->type || !ts_valid(a) || !ts_valid(b))
		return 0;
	if (a->ip_proto && b->ip_proto && a->ip_proto != b->ip_proto)
		return 0;
	memset(&r, 0, sizeof(r));
	r.type = a->type;
	r.ip_proto = a->ip_proto ? a->ip_proto : b->ip_proto;
	r.start_port = a->start_port > b->start_port ? a->start_port : b->start_port;
	r.end_port = a->end_port < b->end_port ? a->end_port : b->end_port;
	memcpy(r.start, max_of(a->start, b->start, n), n);
	memcpy(r.end, min_of(a->end, b->end, n), n);
	if (!ts_valid(&r))
		return 0;
	*out = r;
	return 1;
}

int ts_contains(const struct ike_ts *outer, const struct ike_ts *inner)
{
	size_t n = addr_len(outer->type);

	return outer->type == inner->type && ts_valid(outer) && ts_valid(inner) &&
	       (outer->ip_proto == 0 || outer->ip_proto == inner->ip_proto) &&
	       outer->start_port <= inner->start_port &&
	       outer->end_port >= inner->end_port &&
	       memcmp(outer->start, inner->start, n) <= 0 &&
	       memcmp(outer->end, inner->end, n) >= 0;
}

/* The largest aligned block starting at start that stays within end:
 * returns its prefix length. */
static unsigned largest_block(const uint8_t *start, const uint8_t *end, size_t n)
{
	unsigned bits = (unsigned)n * 8, len;

	for (len = 0; len < bits; len++) {
		uint8_t last[16];
		unsigned i;

		/* host bits of start under this length must be zero */
		for (i = len; i < bits && !bit_of(start, i); i++)
			;
		if (i < bits)
			continue;
		memcpy(last, start, n);
		fill_from(last, n, len, 1);
		if (memcmp(last, end, n) <= 0)
			return len;
	}
	return bits;
}

/* a += 1; the caller knows it does not overflow. */
static void addr_inc(uint8_t *a, size_t n)
{
	for (size_t i = n; i-- > 0;)
		if (++a[i])
			break;
}

size_t ts_to_prefixes(const struct ike_ts *ts, struct ts_prefix *out, size_t max)
{
	size_t n = addr_len(ts->type), count = 0;
	uint8_t cur[16];

	if (!ts_valid(ts))
		return 0;
	memcpy(cur, ts->start, n);
	for (;;) {
		unsigned len = largest_block(cur, ts->end, n);
		uint8_t last[16];

		if (count < max) {
			memset(&out[count], 0, sizeof(out[count]));
			out[count].family = n == 4 ? AF_INET : AF_INET6;
			memcpy(out[count].addr, cur, n);
			out[count].len = (uint8_t)len;
		}
		count++;
		memcpy(last, cur, n);
		fill_from(last, n, len, 1);
		if (memcmp(last, ts->end, n) == 0)
			break;
		memcpy(cur, last, n);
		addr_inc(cur, n);
	}
	return count;
}

int ts_prefix_len(const struct ike_ts *ts)
{
	struct ts_prefix p;

	return ts_to_prefixes(ts, &p, 1) == 1 ? p.len : -1;
}

static const char *proto_str(uint8_t proto, char *buf, size_t size)
{
	const char *n = names_lookup(proto_names, NAMES_LEN(proto_names), proto);

	if (n)
		return n;
	snprintf(buf, size, "%u", proto);
	return buf;
}

static void str_ports(const struct ike_ts *ts, char *buf, size_t size)
{
	char pb[8];
	const char *pn = proto_str(ts->ip_proto, pb, sizeof(pb));

	if (ts->start_port == 0 && ts->end_port == 0xffff) {
		if (ts->ip_proto)
			snprintf(buf, size, "[%s]", pn);
		else
			buf[0] = '\0';
	} else if (ts->start_port == ts->end_port) {
		snprintf(buf, size, "[%s/%u]", pn, ts->start_port);
	} else {
		snprintf(buf, size, "[%s/%u-%u]", pn, ts->start_port, ts->end_port);
	}
}

const char *ts_str(const struct ike_ts *ts, char *buf, size_t size)
{
	int family = ts->type == TS_IPV4_ADDR_RANGE ? AF_INET : AF_INET6;
	char s[INET6_ADDRSTRLEN], e[INET6_ADDRSTRLEN], ports[32];
	int plen;

	if (!ts_valid(ts)) {
		snprintf(buf, size, "(invalid type %u)", ts->type);
		return buf;
	}
	inet_ntop(family, ts->start, s, sizeof(s));
	str_ports(ts, ports, sizeof(ports));
	plen = ts_prefix_len(ts);
	if (plen >= 0) {
		snprintf(buf, size, "%s/%d%s", s, plen, ports);
	} else {
		inet_ntop(family, ts->end, e, sizeof(e));
		snprintf(buf, size, "%s..%s%s", s, e, ports);
	}
	return buf;
}

const char *ts_set_str(const struct ts_set *set, char *buf, size_t size)
{
	size_t off = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < set->n && off + 1 < size; i++) {
		char one[TS_STRLEN];
		int w = snprintf(buf + off, size - off, "%s%s", i ? " " : "",
				 ts_str(&set->ts[i], one, sizeof(one)));

		if (w < 0)
			break;
		off += (size_t)w;
	}
	return buf;
}

/* Add r unless a member contains it; drop members r contains. */
static void add_narrowed(struct ts_set *out, const struct ike_ts *r)
{
	size_t i, j;

	for (i = 0; i < out->n; i++)
		if (ts_contains(&out->ts[i], r))
			return;
	for (i = j = 0; i < out->n; i++)
		if (!ts_contains(r, &out->ts[i]))
			out->ts[j++] = out->ts[i];
	out->n = j;
	if (out->n == TS_SET_MAX) {
		log_warn(LS_CHD, "traffic selectors: more than %d after narrowing, "
			 "extra ones dropped", TS_SET_MAX);
		return;
	}
	out->ts[out->n++] = *r;
}

size_t ts_narrow(const struct ts_set *cfg, const struct ts_set *offered, struct ts_set *out)
{
	out->n = 0;
	for (size_t i = 0; i < offered->n && i < TS_SET_MAX; i++) {
		if (!ts_valid(&offered->ts[i])) {
			log_dbg(LS_CHD, "traffic selector %zu offered: invalid, ignored", i);
			continue;
		}
		for (size_t j = 0; j < cfg->n && j < TS_SET_MAX; j++) {
			struct ike_ts r;

			if (ts_intersect(&offered->ts[i], &cfg->ts[j], &r))
				add_narrowed(out, &r);
		}
	}
	return out->n;
}

int ts_narrow_responder(const struct ts_set *cfg_local, const struct ts_set *cfg_remote,
			const struct ts_set *tsi, const struct ts_set *tsr,
			struct ts_set *out_tsi, struct ts_set *out_tsr)
{
	char i[512], r[512], cl[512], cr[512];

	out_tsr->n = 0;
	if (ts_narrow(cfg_remote, tsi, out_tsi) && ts_narrow(cfg_local, tsr, out_tsr))
		return 0;
	/* one child's view: the caller says why none fits (info level) */
	log_dbg(LS_CHD, "traffic selectors %s === %s unacceptable: configured %s === %s",
		 ts_set_str(tsi, i, sizeof(i)), ts_set_str(tsr, r, sizeof(r)),
		 ts_set_str(cfg_remote, cr, sizeof(cr)), ts_set_str(cfg_local, cl, sizeof(cl)));
	return -1;
}
