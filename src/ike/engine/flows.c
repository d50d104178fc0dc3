/*
 * The flows index (flows.h): an hidx keyed by SipHash of the local and
 * remote selector sets under the engine's random key.
 */
#include "ike/engine/flows.h"

#include <string.h>

#include "ike/engine/exchange.h"

static uint64_t flow_hash(const struct engine *e, const struct child_sa *c)
{
	uint8_t buf[2 * sizeof(struct ts_set)];
	size_t nl = c->local_ts.n * sizeof(c->local_ts.ts[0]);
	size_t nr = c->remote_ts.n * sizeof(c->remote_ts.ts[0]);

	memcpy(buf, c->local_ts.ts, nl);
	memcpy(buf + nl, c->remote_ts.ts, nr);
	return hidx_hash(&e->flow_key, buf, nl + nr);
}

static uint64_t spi_hash(const struct engine *e, uint32_t spi)
{
	return hidx_hash(&e->flow_key, &spi, sizeof(spi));
}

int flows_init(struct engine *e)
{
	if (hkey_random(&e->flow_key) < 0 || hidx_init(&e->spis_in, 64) < 0 ||
	    hidx_init(&e->spis_out, 64) < 0)
		return -1;
	return hidx_init(&e->flows, 64);
}

void flows_free(struct engine *e)
{
	hidx_free(&e->flows);
	hidx_free(&e->spis_in);
	hidx_free(&e->spis_out);
}

void flows_remove(struct child_sa *c)
{
	struct engine *e = c->ike->eng;

	if (!c->in_flows)
		return;
	hidx_remove(&e->flows, &c->flow_node);
	hidx_remove(&e->spis_in, &c->spi_in_node);
	hidx_remove(&e->spis_out, &c->spi_out_node);
	c->in_flows = 0;
}

void flows_update(struct child_sa *c)
{
	struct engine *e = c->ike->eng;

	flows_remove(c);
	if (c->state == CHILD_SA_CREATED || c->state == CHILD_SA_DEAD)
		return;
	hidx_insert(&e->flows, &c->flow_node, flow_hash(e, c));
	hidx_insert(&e->spis_in, &c->spi_in_node, spi_hash(e, c->spi_in));
	hidx_insert(&e->spis_out, &c->spi_out_node, spi_hash(e, c->spi_out));
	c->in_flows = 1;
}

struct child_sa *flows_by_spi(struct engine *e, uint32_t spi)
{
	uint64_t h = spi_hash(e, spi);
	struct hnode *n;

	for (n = hidx_first(&e->spis_in, h); n; n = hidx_next(n, h)) {
		struct child_sa *c = hidx_entry(n, struct child_sa, spi_in_node);

		if (c->spi_in == spi)
			return c;
	}
	for (n = hidx_first(&e->spis_out, h); n; n = hidx_next(n, h)) {
		struct child_sa *c = hidx_entry(n, struct child_sa, spi_out_node);

		if (c->spi_out == spi)
			return c;
	}
	return NULL;
}

struct child_sa *flows_first(const struct child_sa *c)
{
	uint64_t h = flow_hash(c->ike->eng, c);
	struct hnode *n = hidx_first(&c->ike->eng->flows, h);

	return n ? hidx_entry(n, struct child_sa, flow_node) : NULL;
}

struct child_sa *flows_next(const struct child_sa *c, const struct child_sa *prev)
{
	uint64_t h = flow_hash(c->ike->eng, c);
	struct hnode *n = hidx_next(&prev->flow_node, h);

	return n ? hidx_entry(n, struct child_sa, flow_node) : NULL;
}
