/*
 * Key-exchange pair stock.  Each noted group keeps a stack of ready pairs
 * and at most one refill job in flight; a refill makes one pair, so a long
 * MODP-8192 generation never holds a worker for more than one pair while
 * handshakes wait.  The refill job is its own allocation: when the pool is
 * freed first, the cancelled job frees itself without touching the pool.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/workq.h"
#include "ike/crypto/ke.h"
#include "ike/crypto/ke_pool.h"

struct pool_group;

struct refill {
	struct workq_job job;
	struct ke_pool *pool;	/* loop side; not valid once cancelled */
	struct pool_group *g;	/* likewise */
	uint16_t group;		/* worker side: a copy, never the pool */
	struct ke *ke;		/* worker output */
};

struct pool_group {
	uint16_t group;
	size_t count;
	struct ke *stock[KE_POOL_MAX_DEPTH];
	struct refill *refill;	/* in flight, or NULL */
};

struct ke_pool {
	struct workq *wq;
	size_t depth;
	size_t ngroups;
	struct pool_group groups[KE_POOL_MAX_GROUPS];
};

static struct refill *job_refill(struct workq_job *job)
{
	return (struct refill *)((char *)job - offsetof(struct refill, job));
}

/* pool->ngroups when the group was never noted. */
static size_t group_index(const struct ke_pool *pool, uint16_t group)
{
	size_t i;

	for (i = 0; i < pool->ngroups; i++)
		if (pool->groups[i].group == group)
			break;
	return i;
}

static struct pool_group *find_group(struct ke_pool *pool, uint16_t group)
{
	size_t i = group_index(pool, group);

	return i < pool->ngroups ? &pool->groups[i] : NULL;
}

static void refill_work(struct workq_job *job)
{
	struct refill *r = job_refill(job);

	r->ke = ke_new(r->group);
}

static void refill_start(struct ke_pool *pool, struct pool_group *g);

static void refill_done(struct workq_job *job, int cancelled)
{
	struct refill *r = job_refill(job);
	struct pool_group *g = r->g;
	struct ke_pool *pool = r->pool;

	if (cancelled) {
		ke_free(r->ke);
		free(r);
		return;
	}
	g->refill = NULL;
	if (!r->ke) {
		/* No retry from here: a failing library would spin a worker.
		 * The next take tries again. */
		log_warn(LS_CRY, "KE pool: generating a group %u key pair failed", g->group);
		free(r);
		return;
	}
	if (g->count < pool->depth)
		g->stock[g->count++] = r->ke;
	else
		ke_free(r->ke);
	free(r);
	refill_start(pool, g);
}

static void refill_start(struct ke_pool *pool, struct pool_group *g)
{
	struct refill *r;

	if (g->refill || g->count >= pool->depth)
		return;
	r = calloc(1, sizeof(*r));
	if (!r)
		return;
	r->pool = pool;
	r->g = g;
	r->group = g->group;
	/* A full queue means handshakes are waiting: they come first, and the
	 * next take queues the refill again. */
	if (workq_submit_background(pool->wq, &r->job, refill_work, refill_done) < 0) {
		log_dbg(LS_CRY, "KE pool: group %u refill not queued: %s", g->group,
			strerror(errno));
		free(r);
		return;
	}
	g->refill = r;
}

struct ke_pool *ke_pool_new(struct workq *wq, size_t depth)
{
	struct ke_pool *pool;

	if (depth > KE_POOL_MAX_DEPTH) {
		log_err(LS_CRY, "KE pool: depth %zu, at most %d", depth, KE_POOL_MAX_DEPTH);
		return NULL;
	}
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return NULL;
	pool->wq = wq;
	pool->depth = depth ? depth : KE_POOL_DEFAULT_DEPTH;
	return pool;
}

void ke_pool_free(struct ke_pool *pool)
{
	struct pool_group *g;
	size_t i, k;

	if (!pool)
		return;
	for (i = 0; i < pool->ngroups; i++) {
		g = &pool->groups[i];
		if (g->refill)
			workq_cancel(pool->wq, &g->refill->job);
		for (k = 0; k < g->count; k++)
			ke_free(g->stock[k]);
	}
	free(pool);
}

int ke_pool_note_group(struct ke_pool *pool, uint16_t group)
{
	struct pool_group *g = find_group(pool, group);

	if (g)
		return 0;
	if (ke_public_len(group) == 0) {
		log_err(LS_CRY, "KE pool: group %u is not supported", group);
		return -1;
	}
	if (pool->ngroups == KE_POOL_MAX_GROUPS) {
		log_err(LS_CRY, "KE pool: group %u would be group %zu, at most %d", group,
			pool->ngroups + 1, KE_POOL_MAX_GROUPS);
		return -1;
	}
	g = &pool->groups[pool->ngroups++];
	g->group = group;
	refill_start(pool, g);
	return 0;
}

struct ke *ke_pool_take(struct ke_pool *pool, uint16_t group)
{
	struct pool_group *g = find_group(pool, group);
	struct ke *ke = NULL;

	if (!g)
		return NULL;
	if (g->count > 0) {
		ke = g->stock[--g->count];
		g->stock[g->count] = NULL;
	}
	refill_start(pool, g);
	return ke;
}

size_t ke_pool_stock(const struct ke_pool *pool, uint16_t group)
{
	size_t i = group_index(pool, group);

	return i < pool->ngroups ? pool->groups[i].count : 0;
}

size_t ke_pool_depth(const struct ke_pool *pool)
{
	return pool->depth;
}
