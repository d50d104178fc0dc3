/*
 * "ikectl initiate" waits for the outcome (ikectl(8)): the request's
 * response is deferred (ctl_client_defer) until the engine's events say
 * every CHILD SA asked for is installed, or an IKE SA of the connection
 * failed its handshake, or one of those CHILD SAs went without being
 * installed (engine_event.reason), or the time limit passed.  "ikectl
 * terminate" likewise waits until the IKE SAs it deletes are gone.  The
 * loop never waits: a waiter is a record the events and a timer look at.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/loop.h"
#include "ike/core/daemon.h"

#define WAIT_MAX_CHILDREN	64
#define WAIT_MAX_SAS		64	/* terminate: more are not waited for */
#define WAIT_MAX_MS		(3600u * 1000)

struct ctl_wait {
	struct daemon *d;
	struct ctl_client *c;
	struct ctl_wait *next;
	char conn[CONF_NAME_MAX + 1];
	char child[WAIT_MAX_CHILDREN][CONF_NAME_MAX + 1];	/* names asked for */
	uint8_t up[WAIT_MAX_CHILDREN];
	size_t n;
	uint64_t ike_sa_id;		/* the IKE SA that got established, 0: none yet */
	uint64_t timeout_s;
	struct timer limit;
	/* terminate: the IKE SAs still to go */
	int terminate;
	uint64_t ids[WAIT_MAX_SAS];
	size_t nids, ndeleted;
};

static void unlink_wait(struct ctl_wait *w)
{
	for (struct ctl_wait **pp = &w->d->waits; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	timer_cancel(w->d->loop, &w->limit);
}

/* ok: every child up; else outcome "failed" or "timeout" with reason. */
static void answer(struct ctl_wait *w, const char *outcome, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void answer(struct ctl_wait *w, const char *outcome, const char *fmt, ...)
{
	struct ctl_enc resp;
	char msg[512];
	va_list ap;

	unlink_wait(w);
	if (ctl_enc_init(&resp, CTL_MSG_RESPONSE) == 0) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		ctl_put_bool(&resp, "ok", outcome == NULL);
		if (outcome) {
			ctl_put_str(&resp, "error", msg);
			ctl_put_str(&resp, "outcome", outcome);
		} else {
			ctl_put_str(&resp, "outcome", "established");
			ctl_put_str(&resp, "message", msg);
		}
		if (w->ike_sa_id && !w->terminate)
			ctl_put_u64(&resp, "ike_sa_id", w->ike_sa_id);
		ctl_client_respond(w->c, &resp);
	}
	free(w);
}

static void gone(void *arg)
{
	struct ctl_wait *w = arg;

	unlink_wait(w);
	free(w);
}

static void on_limit(void *arg)
{
	struct ctl_wait *w = arg;

	if (w->terminate)
		answer(w, "timeout", "terminate %s: %zu IKE SA%s not gone within %llu s (timeout)",
		       w->conn, w->nids, w->nids == 1 ? "" : "s", (unsigned long long)w->timeout_s);
	else
		answer(w, "timeout", "initiate %s: no outcome within %llu s (timeout); it may "
		       "still come up ('ikectl show sa')", w->conn, (unsigned long long)w->timeout_s);
}

static void wait_start(struct ctl_wait *w, uint64_t timeout_ms);

static void seen_up(const struct engine_child_sa_info *ch, void *arg)
{
	struct ctl_wait *w = arg;

	if (strcmp(ch->state, "INSTALLED"))
		return;
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->child[i], ch->child) == 0) {
			w->up[i] = 1;
			if (!w->ike_sa_id)
				w->ike_sa_id = ch->ike_sa_id;
		}
}

static int all_up(const struct ctl_wait *w)
{
	for (size_t i = 0; i < w->n; i++)
		if (!w->up[i])
			return 0;
	return 1;
}

int ctl_wait_initiate(struct daemon *d, struct ctl_client *c, const struct conf_conn *conn,
		      const char *child, uint64_t timeout_ms, struct ctl_enc *resp)
{
	struct ctl_wait *w = calloc(1, sizeof(*w));

	if (!w)
		return -1;
	w->d = d;
	w->c = c;
	snprintf(w->conn, sizeof(w->conn), "%s", conn->name);
	for (size_t i = 0; i < conn->nchildren && w->n < WAIT_MAX_CHILDREN; i++)
		if (!child || strcmp(child, conn->children[i].name) == 0)
			snprintf(w->child[w->n++], sizeof(w->child[0]), "%s", conn->children[i].name);
	engine_list_child_sas(d->engine, conn->name, seen_up, w);
	if (all_up(w)) {
		ctl_put_bool(resp, "ok", 1);
		ctl_put_str(resp, "outcome", "established");
		ctl_put_str(resp, "message", "already up");
		if (w->ike_sa_id)
			ctl_put_u64(resp, "ike_sa_id", w->ike_sa_id);
		free(w);
		return 0;
	}
	wait_start(w, timeout_ms);
	return 0;
}

static void wait_start(struct ctl_wait *w, uint64_t timeout_ms)
{
	if (timeout_ms > WAIT_MAX_MS)
		timeout_ms = WAIT_MAX_MS;
	w->timeout_s = timeout_ms / 1000;
	timer_init(&w->limit, on_limit, w);
	timer_schedule(w->d->loop, &w->limit, timeout_ms);
	w->next = w->d->waits;
	w->d->waits = w;
	ctl_client_defer(w->c, gone, w);
}

/* ---- terminate ---- */

static void seen_sa(const struct engine_ike_sa_info *sa, void *arg)
{
	struct ctl_wait *w = arg;

	if (w->ike_sa_id && sa->id != w->ike_sa_id)
		return;
	if (w->nids < WAIT_MAX_SAS)
		w->ids[w->nids] = sa->id;
	w->nids++;		/* more than WAIT_MAX_SAS: not waited for */
}

struct ctl_wait *ctl_wait_terminate_prepare(struct daemon *d, struct ctl_client *c,
					    const char *conn, uint64_t ike_sa_id)
{
	struct ctl_wait *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->d = d;
	w->c = c;
	w->terminate = 1;
	w->ike_sa_id = ike_sa_id;	/* the filter while listing */
	if (conn)
		snprintf(w->conn, sizeof(w->conn), "%s", conn);
	else
		snprintf(w->conn, sizeof(w->conn), "IKE SA %llu", (unsigned long long)ike_sa_id);
	engine_list_ike_sas(d->engine, conn, seen_sa, w);
	return w;
}

void ctl_wait_terminate_start(struct ctl_wait *w, uint64_t timeout_ms, struct ctl_enc *resp)
{
	struct ctl_wait now = *w;	/* which of them are still there */
	size_t i, k, n = 0;

	w->ndeleted = w->nids;
	now.nids = 0;
	engine_list_ike_sas(w->d->engine, NULL, seen_sa, &now);
	for (i = 0; w->nids <= WAIT_MAX_SAS && i < w->nids; i++)
		for (k = 0; k < now.nids && k < WAIT_MAX_SAS; k++)
			if (now.ids[k] == w->ids[i]) {
				w->ids[n++] = w->ids[i];
				break;
			}
	if (w->nids > WAIT_MAX_SAS || n == 0) {
		ctl_put_bool(resp, "ok", 1);
		ctl_put_str(resp, "outcome", "deleted");
		ctl_put_str(resp, "message", n ? "deletion started (too many IKE SAs to wait for)" :
			    "deleted");
		free(w);
		return;
	}
	w->nids = n;
	w->ike_sa_id = 0;
	wait_start(w, timeout_ms);
}

static void terminate_event(struct ctl_wait *w, const struct engine_event *ev)
{
	size_t i;

	if (ev->kind != ENGINE_EV_IKE_STATE || strcmp(ev->new_state, "DEAD"))
		return;
	for (i = 0; i < w->nids && w->ids[i] != ev->ike_sa_id; i++)
		;
	if (i == w->nids)
		return;
	w->ids[i] = w->ids[--w->nids];
	if (!w->nids)
		answer(w, NULL, "%s: %zu IKE SA%s deleted", w->conn, w->ndeleted,
		       w->ndeleted == 1 ? "" : "s");
}

static void wait_event(struct ctl_wait *w, const struct engine_event *ev)
{
	size_t i;

	if (w->terminate) {
		terminate_event(w, ev);
		return;
	}
	if (!ev->conn || strcmp(ev->conn, w->conn))
		return;
	if (ev->kind == ENGINE_EV_IKE_STATE) {
		if (ev->reason)
			answer(w, "failed", "initiate %s: IKE SA %llu failed: %s", w->conn,
			       (unsigned long long)ev->ike_sa_id, ev->reason);
		else if (strcmp(ev->new_state, "ESTABLISHED") == 0 && !w->ike_sa_id)
			w->ike_sa_id = ev->ike_sa_id;
		return;
	}
	for (i = 0; i < w->n && strcmp(w->child[i], ev->child ? ev->child : ""); i++)
		;
	if (i == w->n || w->up[i])
		return;
	if (ev->reason) {
		answer(w, "failed", "initiate %s/%s: CHILD SA not created: %s", w->conn, w->child[i],
		       ev->reason);
		return;
	}
	if (strcmp(ev->new_state, "INSTALLED"))
		return;
	w->up[i] = 1;
	if (!w->ike_sa_id)
		w->ike_sa_id = ev->ike_sa_id;
	if (all_up(w))
		answer(w, NULL, "%s: IKE SA %llu established, %zu CHILD SA%s installed", w->conn,
		       (unsigned long long)w->ike_sa_id, w->n, w->n == 1 ? "" : "s");
}

void ctl_wait_event(struct daemon *d, const struct engine_event *ev)
{
	struct ctl_wait *w, *next;

	for (w = d->waits; w; w = next) {
		next = w->next;
		wait_event(w, ev);	/* may answer and free w */
	}
}

void ctl_wait_abort(struct daemon *d, const char *why)
{
	while (d->waits)
		answer(d->waits, "failed", "%s %s: %s", d->waits->terminate ? "terminate" : "initiate",
		       d->waits->conn, why);
}
