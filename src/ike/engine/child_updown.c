/*
 * When a CHILD SA's flows come up or go down for the operator's updown
 * script (engine_updown in core/engine.h), and why a CHILD SA that never
 * carried traffic went.
 *
 * strongSwan runs its updown script when a CHILD SA is established and
 * when it is deleted, but not when a rekey replaces it.  Here the rule is
 * per flow: a CHILD SA installed while a sibling (same child
 * configuration and reqid: the SA it rekeys, or the old IKE SA's during a
 * reauthentication) was announced up takes the announcement over; one
 * that goes while such a sibling lives is no "down".  So a rekey, a
 * collision and a make-before-break reauthentication run nothing, and the
 * up/down calls of one flow alternate.
 */
#include <stdio.h>
#include <string.h>

#include "ike/codec/names.h"
#include "ike/engine/exchange.h"
#include "ike/engine/flows.h"

static int same_ts(const struct ts_set *a, const struct ts_set *b)
{
	return a->n == b->n && memcmp(a->ts, b->ts, a->n * sizeof(a->ts[0])) == 0;
}

static int announced_sibling(const struct child_sa *s, const struct child_sa *c)
{
	return s != c && s->updown_up && s->state != CHILD_SA_DEAD && s->cfg == c->cfg &&
	       s->reqid == c->reqid;
}

/* Another live CHILD SA announced up for c's flows: on c's IKE SA, or on
 * another IKE SA with the same selectors (flows.c: no walk). */
static int flow_held_by_other(const struct child_sa *c)
{
	for (const struct child_sa *s = c->ike->children; s; s = s->next)
		if (announced_sibling(s, c))
			return 1;
	/* c itself may be unlisted already (DEAD): the chain of its selectors */
	for (const struct child_sa *s = flows_first(c); s; s = flows_next(c, s))
		if (announced_sibling(s, c) && same_ts(&s->local_ts, &c->local_ts) &&
		    same_ts(&s->remote_ts, &c->remote_ts))
			return 1;
	return 0;
}

const struct engine_updown *child_updown(struct child_sa *c, enum child_sa_state old,
					 enum child_sa_state next, struct engine_updown *u)
{
	int up;

	if (next == CHILD_SA_INSTALLED && old == CHILD_SA_INSTALLING && !c->updown_up) {
		c->updown_up = 1;
		if (flow_held_by_other(c))
			return NULL;	/* a rekey's or reauthentication's SA */
		up = 1;
	} else if (next == CHILD_SA_DEAD && c->updown_up) {
		c->updown_up = 0;
		if (flow_held_by_other(c))
			return NULL;	/* replaced */
		up = 0;
	} else {
		return NULL;
	}
	memset(u, 0, sizeof(*u));
	u->up = up;
	u->mode = c->mode;
	u->local = c->sa_local;
	u->remote = c->sa_remote;
	u->local_id = &c->ike->local_id;
	u->remote_id = &c->ike->remote_id;
	u->local_ts = c->local_ts.ts;
	u->nlocal_ts = c->local_ts.n;
	u->remote_ts = c->remote_ts.ts;
	u->nremote_ts = c->remote_ts.n;
	u->reqid = c->reqid;
	u->spi_in = c->spi_in;
	u->spi_out = c->spi_out;
	u->natt = c->natt;
	u->if_id_in = c->xfrm.if_id_in;
	u->if_id_out = c->xfrm.if_id_out;
	u->mark_in = c->xfrm.mark_in.value;
	u->mark_in_mask = c->xfrm.mark_in.mask;
	u->mark_out = c->xfrm.mark_out.value;
	u->mark_out_mask = c->xfrm.mark_out.mask;
	return u;
}

const char *child_fail_reason(const struct child_sa *c, enum child_sa_state next, char *buf,
			      size_t len)
{
	const struct ike_sa *sa = c->ike;

	if ((next != CHILD_SA_DEAD && next != CHILD_SA_DELETING) || c->installed_ms ||
	    sa->redir.followed)	/* redirected: the new IKE SA negotiates it */
		return NULL;
	/* the IKE SA's own handshake failed: its event tells why */
	if (sa->state == IKE_SA_INIT_SENT || sa->state == IKE_SA_INIT_RECEIVED ||
	    sa->state == IKE_SA_AUTH_SENT || sa->state == IKE_SA_CREATED)
		return NULL;
	if (c->kernel_err)
		snprintf(buf, len, "our kernel refused the SA: %s", strerror(-c->kernel_err));
	else if (c->notify_err)
		snprintf(buf, len, "%s", ike_notify_name(c->notify_err));
	else if (sa->notify_err)
		snprintf(buf, len, "%s", ike_notify_name(sa->notify_err));
	else
		snprintf(buf, len, "%s", sa->timed_out ? "timeout" : "aborted");
	return buf;
}
