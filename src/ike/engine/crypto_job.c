/*
 * Key exchange jobs on the work queue (see crypto_job.h).  A job carries
 * copies of everything its worker needs (group, the peer's public value,
 * a pooled pair if one was ready) and nothing else: the worker never
 * touches the engine or the IKE SA.
 */
#include "ike/engine/crypto_job.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/workq.h"
#include "ike/crypto/ke.h"
#include "ike/crypto/ke_pool.h"
#include "ike/engine/exchange.h"

#define DH_PEER_MAX	1024	/* MODP-8192: the largest public value */
#define WORKQ_MAX_QUEUED 4096

struct dh_job {
	struct workq_job job;
	/* loop side */
	struct ike_sa *sa;	/* NULL once the IKE SA is gone */
	crypto_dh_fn fn;
	int arg;
	/* worker side: inputs copied at submit, outputs read in done */
	uint16_t group;
	struct ke *ke;
	uint8_t peer[DH_PEER_MAX];
	size_t peer_len;
	struct secret gir;
	int rc;
	char why[128];
};

static struct dh_job *dh_of(struct workq_job *job)
{
	return (struct dh_job *)((char *)job - offsetof(struct dh_job, job));
}

static void dh_work(struct workq_job *job)
{
	struct dh_job *d = dh_of(job);

	d->rc = CR_ERR;
	if (!d->ke && !(d->ke = ke_new(d->group))) {
		strcpy(d->why, "no key pair");
		return;
	}
	d->rc = ke_shared(d->ke, d->peer, d->peer_len, &d->gir, d->why, sizeof(d->why));
}

static void dh_done(struct workq_job *job, int cancelled)
{
	struct dh_job *d = dh_of(job);
	struct ike_sa *sa = d->sa;

	if (sa)
		sa->dh_job = NULL;
	if (sa && !cancelled) {
		d->fn(sa, d->ke, d->rc, &d->gir, d->why, d->arg);	/* takes ke, gir */
	} else {
		if (sa)
			log_dbg(LS_IKE, "IKE SA %llu: key exchange cancelled",
				(unsigned long long)sa->id);
		ke_free(d->ke);
		secret_free(&d->gir);
	}
	memzero(d, sizeof(*d));
	free(d);
}

int crypto_dh_submit(struct ike_sa *sa, uint16_t group, const uint8_t *peer, size_t len,
		     crypto_dh_fn fn, int arg)
{
	struct engine *e = sa->eng;
	struct dh_job *d;

	if (!e->wq && e->crypto_workers_wanted) {
		e->crypto_workers_wanted = 0;	/* one attempt */
		engine_crypto_start(e, 0);	/* on failure: crypto on the loop */
	}
	if (!e->wq || sa->dh_job || len > DH_PEER_MAX)
		return -1;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -1;
	d->sa = sa;
	d->fn = fn;
	d->arg = arg;
	d->group = group;
	memcpy(d->peer, peer, len);
	d->peer_len = len;
	d->ke = engine_crypto_pair(e, group);
	if (workq_submit(e->wq, &d->job, dh_work, dh_done) < 0) {
		ke_free(d->ke);
		free(d);
		return -1;
	}
	sa->dh_job = d;
	return 0;
}

void crypto_sa_gone(struct ike_sa *sa)
{
	if (!sa->dh_job)
		return;
	sa->dh_job->sa = NULL;
	workq_cancel(sa->eng->wq, &sa->dh_job->job);
	sa->dh_job = NULL;
}

struct ke *engine_crypto_pair(struct engine *e, uint16_t group)
{
	return e->ke_pool ? ke_pool_take(e->ke_pool, group) : NULL;
}

/* The first group of every configured IKE proposal (what an initiator
 * sends its KE for), at most KE_POOL_MAX_GROUPS of them. */
void engine_crypto_note_groups(struct engine *e, const struct config *cfg)
{
	struct ike_proposal p[IKE_MAX_PROPOSALS];
	uint16_t seen[KE_POOL_MAX_GROUPS];
	size_t n, nseen = 0;

	if (!e->ke_pool)
		return;
	for (size_t i = 0; i < cfg->nconns; i++) {
		if (conf_proposals(&cfg->conns[i].proposals, PROTO_IKE, p, &n) < 0)
			continue;
		for (size_t k = 0; k < n; k++) {
			uint16_t g = 0;
			size_t j;

			for (size_t t = 0; t < p[k].ntransforms && !g; t++)
				if (p[k].xf[t].type == TT_KE)
					g = p[k].xf[t].id;
			for (j = 0; j < nseen && seen[j] != g; j++)
				;
			if (!g || j < nseen || nseen == KE_POOL_MAX_GROUPS)
				continue;
			seen[nseen++] = g;
			(void)ke_pool_note_group(e->ke_pool, g);
		}
	}
}

int engine_crypto_start(struct engine *e, int nthreads)
{
	if (e->wq)
		return 0;
	e->wq = workq_new(e->loop, nthreads, WORKQ_MAX_QUEUED);
	if (!e->wq) {
		log_err(LS_IKE, "crypto workers could not be started: key exchanges run on the "
			"event loop");
		return -1;
	}
	e->ke_pool = ke_pool_new(e->wq, 0);
	engine_crypto_note_groups(e, e->cfg);
	log_info(LS_IKE, "%d crypto workers", workq_threads(e->wq));
	return 0;
}

void engine_crypto_stop(struct engine *e)
{
	ke_pool_free(e->ke_pool);
	e->ke_pool = NULL;
	workq_free(e->wq);
	e->wq = NULL;
}
