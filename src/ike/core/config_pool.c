/*
 * ike.conf: address pools (top-level `pools`) and a connection's `vips`
 * (the configuration payload, RFC 7296 3.15; strongSwan's swanctl keys of
 * the same names and meaning).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/core/confload.h"

/* "ADDR" -> family and bytes; 0 or -1. */
static int ip_parse(const char *s, int *family, uint8_t *out)
{
	if (inet_pton(AF_INET, s, out) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

/* "ADDR/PREFIX" or "ADDR" (a host) -> n; 0, or -1 with why. */
static int net_parse(const char *s, struct conf_net *n, int host_bits_ok, const char **why)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long pl;
	size_t alen;

	memset(n, 0, sizeof(*n));
	if (strlen(s) >= sizeof(buf)) {
		*why = "too long";
		return -1;
	}
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (ip_parse(buf, &n->family, n->addr) < 0) {
		*why = "not an IPv4 or IPv6 address";
		return -1;
	}
	alen = n->family == AF_INET ? 4 : 16;
	n->prefix = (uint8_t)(alen * 8);
	if (!slash)
		return 0;
	pl = strtoul(slash + 1, &end, 10);
	if (!slash[1] || *end || pl > alen * 8) {
		*why = "prefix length out of range";
		return -1;
	}
	n->prefix = (uint8_t)pl;
	for (size_t i = 0; i < alen; i++) {
		unsigned keep = i * 8 >= pl ? 0 : i * 8 + 8 <= pl ? 8 : (unsigned)(pl - i * 8);
		uint8_t m = (uint8_t)(0xffu >> keep);	/* host bits */

		if ((n->addr[i] & m) && !host_bits_ok) {
			*why = "host bits set after the prefix";
			return -1;
		}
		n->addr[i] &= (uint8_t)~m;
	}
	return 0;
}

/* b - a + 1 for a <= b, cut to 2^63; 0 if a > b. */
static uint64_t range_size(const uint8_t *a, const uint8_t *b, size_t alen)
{
	uint8_t d[16];
	int borrow = 0;
	uint64_t v = 0;

	for (size_t i = alen; i-- > 0;) {
		int x = b[i] - a[i] - borrow;

		borrow = x < 0;
		d[i] = (uint8_t)(x + (borrow ? 256 : 0));
	}
	if (borrow)
		return 0;
	for (size_t i = 0; i < alen; i++) {
		if (i + 8 < alen && d[i])
			return (uint64_t)1 << 63;
		v = v << 8 | d[i];
	}
	return v >= ((uint64_t)1 << 63) ? (uint64_t)1 << 63 : v + 1;
}

/*
 * "10.3.0.0/24": the network and (IPv4) broadcast address are not handed
 * out, as strongSwan does; "2001:db8::/64" starts at ::1.  "A-B": every
 * address from A to B.
 */
static int pool_addrs(struct conf_pool *p, const char *s, const char **why)
{
	const char *dash = strchr(s, '-');
	struct conf_net n;
	size_t alen;

	if (dash) {
		char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
		uint8_t last[16];
		int fb;

		if ((size_t)(dash - s) >= sizeof(a) || strlen(dash + 1) >= sizeof(b)) {
			*why = "too long";
			return -1;
		}
		memcpy(a, s, (size_t)(dash - s));
		a[dash - s] = '\0';
		strcpy(b, dash + 1);
		if (ip_parse(a, &p->family, p->first) < 0 || ip_parse(b, &fb, last) < 0 ||
		    fb != p->family) {
			*why = "not a range of two addresses of one family";
			return -1;
		}
		p->size = range_size(p->first, last, p->family == AF_INET ? 4 : 16);
		p->prefix = p->family == AF_INET ? 32 : 128;
		if (!p->size) {
			*why = "first address after the last";
			return -1;
		}
		return 0;
	}
	if (net_parse(s, &n, 0, why) < 0)
		return -1;
	alen = n.family == AF_INET ? 4 : 16;
	p->family = n.family;
	p->prefix = n.prefix;
	memcpy(p->first, n.addr, alen);
	if ((unsigned)alen * 8 - n.prefix >= 63)
		p->size = (uint64_t)1 << 62;
	else
		p->size = (uint64_t)1 << (alen * 8 - n.prefix);
	if (p->size > 2 && p->family == AF_INET)
		p->size -= 2;		/* network, broadcast */
	else if (p->size > 1 && p->family == AF_INET6)
		p->size -= 1;		/* the subnet-router anycast address */
	else
		return 0;
	p->first[alen - 1]++;	/* host bits are zero: no carry */
	return 0;
}

static int load_pool_addrs(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_pool *p = obj;
	const char *v = NULL, *why = "";

	if (conf_get_string(ctx, s, &v) < 0)
		return -1;
	if (pool_addrs(p, v, &why) < 0) {
		conf_error(ctx, s, "'addrs' = \"%s\": %s (want \"10.3.0.0/24\", "
			   "\"10.3.0.10-10.3.0.200\" or \"2001:db8::/64\")", v, why);
		return -1;
	}
	free(p->addrs);
	p->addrs = strdup(v);
	return 0;
}

static int load_nets(struct conf_ctx *ctx, const config_setting_t *s, const char *key,
		     struct conf_net *out, size_t *n, int host_only)
{
	int type = config_setting_type(s), cnt;

	cnt = type == CONFIG_TYPE_STRING ? 1 : config_setting_length(s);
	if (type != CONFIG_TYPE_STRING && type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST) {
		conf_error(ctx, s, "'%s' must be a list of addresses [\"a\", \"b\"]", key);
		return -1;
	}
	for (int i = 0; i < cnt; i++) {
		const config_setting_t *e = type == CONFIG_TYPE_STRING ? s :
					    config_setting_get_elem(s, (unsigned)i);
		const char *v = NULL, *why = "";
		struct conf_net net;

		if (conf_get_string(ctx, e, &v) < 0)
			return -1;
		if (*n >= CONF_POOL_MAX_NETS) {
			conf_error(ctx, e, "'%s': more than %d entries", key, CONF_POOL_MAX_NETS);
			return -1;
		}
		if (net_parse(v, &net, 0, &why) < 0 ||
		    (host_only && net.prefix != (net.family == AF_INET ? 32 : 128) &&
		     (why = "an address, not a prefix"))) {
			conf_error(ctx, e, "'%s' entry \"%s\": %s", key, v, why);
			return -1;
		}
		out[(*n)++] = net;
	}
	return 0;
}

static int load_pool_dns(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_pool *p = obj;

	return load_nets(ctx, s, "dns", p->dns, &p->ndns, 1);
}

static int load_pool_subnets(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_pool *p = obj;

	return load_nets(ctx, s, "subnets", p->subnets, &p->nsubnets, 0);
}

static int load_pool_name(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_pool *p = obj;

	return conf_check_name(ctx, s, "pool", &p->name);
}

static const struct rule pool_rules[] = {
	{ "name", RK_FN, 0, 0, 0, NULL, 0, load_pool_name },
	{ "addrs", RK_FN, 0, 0, 0, NULL, 0, load_pool_addrs },
	{ "dns", RK_FN, 0, 0, 0, NULL, 0, load_pool_dns },
	{ "subnets", RK_FN, 0, 0, 0, NULL, 0, load_pool_subnets },
};

static void free_pool(struct conf_pool *p)
{
	free(p->name);
	free(p->addrs);
}

int conf_load_pools(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct config *cfg = ctx->cfg;
	int n;

	(void)obj;
	if (config_setting_type(s) != CONFIG_TYPE_LIST) {
		conf_error(ctx, s, "'pools' must be a list ( { name = ...; addrs = ...; } )");
		return -1;
	}
	n = config_setting_length(s);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		struct conf_pool p, *np;

		size_t nerr = ctx->diag->nerrors;

		memset(&p, 0, sizeof(p));
		p.loc = conf_loc_of(ctx, e);
		conf_apply_rules(ctx, e, pool_rules, NAMES_LEN(pool_rules), &p, "a pool");
		if (!p.name || !p.addrs) {
			if (ctx->diag->nerrors == nerr)	/* not said already */
				conf_error(ctx, e, "a pool needs 'name' and 'addrs'");
			free_pool(&p);
			continue;
		}
		if (config_find_pool(cfg, p.name)) {
			conf_error(ctx, e, "pool '%s' defined twice", p.name);
			free_pool(&p);
			continue;
		}
		np = realloc(cfg->pools, (cfg->npools + 1) * sizeof(*np));
		if (!np) {
			free_pool(&p);
			return -1;
		}
		cfg->pools = np;
		cfg->pools[cfg->npools++] = p;
	}
	return 0;
}

/* vips = ["0.0.0.0", "::"] (any address of that family) or a wish. */
int conf_load_vips(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_conn *c = obj;
	struct conf_net nets[CONF_POOL_MAX_NETS];
	size_t n = 0;

	if (load_nets(ctx, s, "vips", nets, &n, 1) < 0)
		return -1;
	if (n > CONF_MAX_VIPS) {
		conf_error(ctx, s, "'vips': %zu addresses, at most %d (one per family)", n,
			   CONF_MAX_VIPS);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		addr_set_bytes(&c->vips[i], nets[i].family, nets[i].addr, 0);
	c->nvips = n;
	return 0;
}

void conf_check_conn_pools(struct conf_ctx *ctx)
{
	const struct config *cfg = ctx->cfg;

	for (size_t i = 0; i < cfg->nconns; i++)
		for (size_t k = 0; k < cfg->conns[i].pools.n; k++)
			if (!config_find_pool(cfg, cfg->conns[i].pools.v[k]))
				conf_error_at(ctx, cfg->conns[i].loc,
					      "connection '%s': no pool named \"%s\"",
					      cfg->conns[i].name, cfg->conns[i].pools.v[k]);
}

void conf_free_pools(struct config *cfg)
{
	for (size_t i = 0; i < cfg->npools; i++)
		free_pool(&cfg->pools[i]);
	free(cfg->pools);
	cfg->pools = NULL;
	cfg->npools = 0;
}

const struct conf_pool *config_find_pool(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->npools; i++)
		if (strcmp(cfg->pools[i].name, name) == 0)
			return &cfg->pools[i];
	return NULL;
}

int conf_pool_same(const struct conf_pool *a, const struct conf_pool *b)
{
	return strcmp(a->name, b->name) == 0 && a->family == b->family &&
	       memcmp(a->first, b->first, sizeof(a->first)) == 0 && a->size == b->size;
}
