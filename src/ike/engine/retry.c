/*
 * keyingtries (ike.conf.5, strongSwan's key): an IKE SA we initiated that
 * got no answer before it was established is started again, up to
 * keyingtries attempts in all (0: forever), each after a back-off that
 * doubles from RETRY_FIRST_MS up to RETRY_MAX_MS.  Scheduling layer: the
 * objects layer reports the loss through engine->rx.init_lost.  The
 * connection is looked up by name when the retry is due (a reload may
 * have changed or removed it).
 */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine/exchange.h"
#include "ike/engine/retry.h"

struct init_retry {
	struct init_retry *next;
	struct engine *e;
	struct timer t;
	char conn[CONF_NAME_MAX], child[CONF_NAME_MAX];
	unsigned attempt;		/* the attempt to start (2, 3, ...) */
};

uint64_t retry_backoff_ms(unsigned attempt)
{
	uint64_t ms = RETRY_FIRST_MS;

	for (unsigned i = 2; i < attempt && ms < RETRY_MAX_MS; i++)
		ms *= 2;
	return ms < RETRY_MAX_MS ? ms : RETRY_MAX_MS;
}

static void unlink_retry(struct init_retry *r)
{
	for (struct init_retry **pp = &r->e->retries; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			return;
		}
}

static void on_retry(void *arg)
{
	struct init_retry *r = arg;
	struct engine *e = r->e;
	const struct conf_conn *c = config_find_conn(e->cfg, r->conn);
	const struct conf_child *ch = c && r->child[0] ? config_find_child(c, r->child) : NULL;
	struct ike_sa *sa = NULL;
	char err[160] = "";

	unlink_retry(r);
	if (!c)
		log_info(LS_IKE, "connection %s: gone (reload), not tried again", r->conn);
	else if (!(sa = e->rx.start(e, c, ch, NULL, 0, err, sizeof(err))))
		log_err(LS_IKE, "connection %s: attempt %u: %s", r->conn, r->attempt, err);
	else
		sa->keyingtry = r->attempt;
	free(r);
}

void retry_init_lost(struct ike_sa *sa)
{
	struct engine *e = sa->eng;
	const struct conf_conn *c = sa->conn;
	unsigned attempt = sa->keyingtry ? sa->keyingtry : 1;
	struct init_retry *r;

	if (!c || !sa->entry.initiator || sa->established_ms)
		return;
	if (c->keyingtries && attempt >= c->keyingtries) {
		log_info(LS_IKE, "connection %s: no answer after %u attempt%s (keyingtries %llu), "
			 "giving up", c->name, attempt, attempt == 1 ? "" : "s",
			 (unsigned long long)c->keyingtries);
		return;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return;
	r->e = e;
	r->attempt = attempt + 1;
	snprintf(r->conn, sizeof(r->conn), "%s", c->name);
	if (sa->init_child)
		snprintf(r->child, sizeof(r->child), "%s", sa->init_child->name);
	timer_init(&r->t, on_retry, r);
	if (timer_schedule(e->loop, &r->t, retry_backoff_ms(r->attempt)) < 0) {
		free(r);
		return;
	}
	r->next = e->retries;
	e->retries = r;
	log_info(LS_IKE, "connection %s: no answer, attempt %u of %s in %llu ms", c->name,
		 r->attempt, c->keyingtries ? "keyingtries" : "unlimited",
		 (unsigned long long)retry_backoff_ms(r->attempt));
}

void retry_free_all(struct engine *e)
{
	while (e->retries) {
		struct init_retry *r = e->retries;

		e->retries = r->next;
		timer_cancel(e->loop, &r->t);
		free(r);
	}
}
