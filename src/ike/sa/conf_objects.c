/*
 * The configuration model read as IKE objects: a connection's or child's
 * proposal strings as proposals, its selectors resolved for an address,
 * the connections allowing a pair of addresses.  Config data in, IKE
 * objects out; no SA state.
 */
#include "ike/sa/conf_objects.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/crypto/proposal.h"

static int addr_in_hosts(const struct conf_host *h, size_t n, const struct addr *a)
{
	for (size_t i = 0; i < n; i++) {
		if (h[i].any)
			return 1;
		for (size_t j = 0; j < h[i].naddrs; j++)
			if (addr_eq_host(&h[i].addrs[j], a))
				return 1;
	}
	return 0;
}

/* The first connection whose addresses allow this pair (strongSwan picks
 * its IKE config the same way, before any identity is known). */
const struct conf_conn *conn_by_addrs(const struct config *cfg, const struct addr *local,
				      const struct addr *remote, const struct conf_conn *after)
{
	size_t i = after ? (size_t)(after - cfg->conns) + 1 : 0;

	for (; i < cfg->nconns; i++) {
		const struct conf_conn *c = &cfg->conns[i];

		if (addr_in_hosts(c->local_addrs, c->nlocal_addrs, local) &&
		    addr_in_hosts(c->remote_addrs, c->nremote_addrs, remote))
			return c;
	}
	return NULL;
}

int conf_proposals(const struct conf_strlist *l, uint8_t protocol, struct ike_proposal *out,
		   size_t *n)
{
	char why[160];
	size_t got;

	*n = 0;
	if (!l->n)
		return proposal_parse("default", protocol, out, IKE_MAX_PROPOSALS, n, why,
				      sizeof(why)) == 0 ? 0 : -1;
	for (size_t i = 0; i < l->n; i++) {
		if (proposal_parse(l->v[i], protocol, out + *n, IKE_MAX_PROPOSALS - *n, &got, why,
				   sizeof(why)) < 0) {
			log_err(LS_CFG, "proposal \"%s\": %s", l->v[i], why);
			return -1;
		}
		*n += got;
	}
	for (size_t i = 0; i < *n; i++)
		out[i].num = (uint8_t)(i + 1);
	return 0;
}

int conf_proposals_dup(const struct conf_strlist *l, uint8_t protocol, struct ike_proposal **out,
		       size_t *n)
{
	struct ike_proposal tmp[IKE_MAX_PROPOSALS];

	if (conf_proposals(l, protocol, tmp, n) < 0 || !*n)
		return -1;
	*out = malloc(*n * sizeof(**out));
	if (!*out)
		return -1;
	memcpy(*out, tmp, *n * sizeof(**out));
	return 0;
}

void conf_ts_resolve(const struct conf_ts_list *l, const struct addr *host, struct ts_set *out)
{
	conf_ts_resolve_hosts(l, host, 1, out);
}

void conf_ts_resolve_hosts(const struct conf_ts_list *l, const struct addr *hosts,
			   size_t nhosts, struct ts_set *out)
{
	out->n = 0;
	for (size_t i = 0; i < l->n && out->n < TS_SET_MAX; i++) {
		struct ike_ts ts = l->v[i].ts;

		if (!l->v[i].dynamic) {
			out->ts[out->n++] = ts;
			continue;
		}
		for (size_t h = 0; h < nhosts && out->n < TS_SET_MAX; h++) {
			size_t len;
			const uint8_t *b = addr_bytes(&hosts[h], &len);

			if (!b)
				continue;
			ts.type = len == 4 ? TS_IPV4_ADDR_RANGE : TS_IPV6_ADDR_RANGE;
			memset(ts.start, 0, sizeof(ts.start));
			memset(ts.end, 0, sizeof(ts.end));
			memcpy(ts.start, b, len);
			if (addr_is_any(&hosts[h]))
				memset(ts.end, 0xff, len);
			else
				memcpy(ts.end, b, len);
			out->ts[out->n++] = ts;
		}
	}
}
