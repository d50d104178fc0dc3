/*
 * When to rekey, and what happens around it: timers (2.8: jittered so both
 * ends seldom start together), kernel EXPIRE events, the queue of work that
 * waits for a free window, TEMPORARY_FAILURE back-off (2.25), policies that
 * outlive the SA that installed them, and reauthentication by a new IKE SA
 * made before the old one is deleted (make-before-break, 2.8.3).
 */
#include <netinet/in.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine/create_child.h"
#include "ike/engine/exchange.h"
#include "ike/engine/flows.h"
#include "ike/engine/rekey.h"

#define WANT_MAX	(sizeof(((struct ike_rekey *)0)->want_children) / sizeof(uint64_t))

/* A random delay in [0, max_ms). */
static uint64_t jitter_ms(uint64_t max_ms)
{
	uint64_t r = 0;

	if (!max_ms || RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		return 0;
	return r % max_ms;
}

/* rekey_s less a random part of rand_s, never below half of rekey_s. */
static uint64_t rekey_delay_ms(uint64_t rekey_s, uint64_t rand_s)
{
	uint64_t base = rekey_s * 1000, spread = rand_s * 1000;

	if (spread > base / 2)
		spread = base / 2;
	return base - jitter_ms(spread);
}

static uint64_t secs_until(struct loop *l, uint64_t at_ms)
{
	uint64_t now = loop_now_ms(l);

	if (!at_ms)
		return 0;
	return at_ms > now ? (at_ms - now + 999) / 1000 : 1;
}

static void arm(struct loop *l, struct timer *t, uint64_t *at, uint64_t delay_ms)
{
	timer_cancel(l, t);
	if (timer_schedule(l, t, delay_ms) == 0)
		*at = loop_now_ms(l) + delay_ms;
	else
		*at = 0;
}

static const char *child_name(const struct child_sa *c)
{
	return c->cfg ? c->cfg->name : "-";
}

/* After a refused rekey: t (idle) is armed for the next try; the delay,
 * or 0 when the expiry at expire_at (0: none) comes first. */
static uint64_t arm_retry(struct loop *l, struct timer *t, uint64_t *at, uint64_t expire_at)
{
	uint64_t now = loop_now_ms(l), delay = REKEY_FAILED_RETRY_MS;

	if (expire_at) {
		uint64_t half = expire_at > now ? (expire_at - now) / 2 : 0;

		if (half < delay)
			delay = half;
	}
	if (delay < REKEY_FAILED_MIN_MS)
		return 0;
	arm(l, t, at, delay);
	return delay;
}

/* ---- CHILD SAs ---- */

/* Hard end of a CHILD SA: gone from the kernel (or about to be).
 * close_action start: a late rekey replaces it (the peer sees a rekey, not
 * a DELETE its own close_action would answer with a second SA); otherwise
 * the peer hears of it if the window allows, and trap policies return
 * for close_action trap. */
static void child_end(struct child_sa *c, const char *why)
{
	struct ike_sa *sa = c->ike;
	const struct conf_child *cfg = c->cfg;
	int replaced = rekey_child_replaced(c);

	log_info(LS_CHD, "CHILD SA %s %08x_i %08x_o: %s", child_name(c), c->spi_in, c->spi_out,
		 why);
	if (c->state == CHILD_SA_REKEYING)
		return;		/* the rekey under way replaces it */
	if (!replaced && cfg && cfg->close_action == CONF_CLOSE_START &&
	    sa->state == IKE_SA_ESTABLISHED && rekey_child(c) == 0)
		return;
	if (sa->state == IKE_SA_ESTABLISHED && ike_window_can_send(&sa->win) && !sa->rk.req)
		info_delete_child(c);
	else
		child_sa_destroy(c);
	if (!replaced && cfg && cfg->close_action == CONF_CLOSE_TRAP && sa->conn)
		trap_install_child(sa->eng, sa->conn, cfg);
}

int rekey_child_replaced(const struct child_sa *c)
{
	if (c->state == CHILD_SA_REKEYED || c->rk.redundant)
		return 1;
	for (const struct child_sa *s = c->ike->children; s; s = s->next)
		if (s != c && s->cfg == c->cfg && s->reqid == c->reqid &&
		    (s->state == CHILD_SA_INSTALLED || s->state == CHILD_SA_REKEYING))
			return 1;
	return 0;
}

static void on_child_rekey(void *arg)
{
	struct child_sa *c = arg;

	c->rk.rekey_at_ms = 0;
	rekey_child(c);
}

static void on_child_expire(void *arg)
{
	struct child_sa *c = arg;

	c->rk.expire_at_ms = 0;
	child_end(c, c->state == CHILD_SA_REKEYED ? "replaced, the peer's DELETE never came" :
						      "life_time reached");
}

static void install_out(struct child_sa *c);
static struct child_sa *child_with_reqid(struct ike_sa *sa, uint32_t reqid);

/* A reauthenticating peer that never deletes its old IKE SA: outbound
 * traffic moves to the new CHILD SA anyway. */
static void on_child_out_late(void *arg)
{
	struct child_sa *c = arg;

	if (c->rk.out_sa && !c->rk.redundant)
		install_out(c);
}

void rekey_child_retry(struct child_sa *c)
{
	uint64_t delay;

	/* only a configured rekey is tried again, and not while the regular
	 * timer is still ahead (a refused ikectl rekey) */
	if (c->rk.rekey_at_ms || c->state != CHILD_SA_INSTALLED || !c->cfg ||
	    !(c->cfg->rekey_time || c->cfg->rekey_bytes || c->cfg->rekey_packets))
		return;
	delay = arm_retry(c->ike->eng->loop, &c->rk.rekey, &c->rk.rekey_at_ms, c->rk.expire_at_ms);
	if (delay)
		log_info(LS_CHD, "CHILD SA %s %08x: rekey failed, retrying in %llu ms",
			 child_name(c), c->spi_in, (unsigned long long)delay);
	else
		log_info(LS_CHD, "CHILD SA %s %08x: rekey failed, no retry before life_time",
			 child_name(c), c->spi_in);
}

void rekey_child_init(struct child_sa *c)
{
	timer_init(&c->rk.rekey, on_child_rekey, c);
	timer_init(&c->rk.expire, on_child_expire, c);
	timer_init(&c->rk.out_late, on_child_out_late, c);
	c->rk.timers_ready = 1;
}

void rekey_child_installed(struct child_sa *c)
{
	const struct conf_child *cfg = c->cfg;
	struct loop *l = c->ike->eng->loop;

	if (!c->rk.timers_ready)
		rekey_child_init(c);
	if (cfg && cfg->rekey_time)
		arm(l, &c->rk.rekey, &c->rk.rekey_at_ms,
		    rekey_delay_ms(cfg->rekey_time, cfg->rand_time));
	if (cfg && cfg->life_time)
		arm(l, &c->rk.expire, &c->rk.expire_at_ms, cfg->life_time * 1000);
	if (c->ike->rk.predecessor)
		rekey_window_free(c->ike);
}

static void on_child_deleted(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *pkt,
			     size_t len)
{
	uint32_t spi = sa->rk.deleting_spi;
	struct ike_sa *owner = NULL;
	struct child_sa *c = spi ? child_sa_by_spi(sa->eng, spi, &owner) : NULL;

	(void)m;
	(void)pkt;
	(void)len;
	sa->rk.deleting_spi = 0;
	/* a DELETE of the peer's may have crossed ours and removed it already */
	if (c && c->state == CHILD_SA_DELETING)
		child_sa_destroy(c);
	rekey_window_free(sa);
}

/* We stop sending on c now: the kernel falls back to another outbound SA
 * of the reqid (a redundant SA's peer drops its inbound half on our
 * DELETE, before we would hear back). */
static void drop_outbound(struct child_sa *c)
{
	struct kernel_sa_id id;

	if (!c->sa_out)
		return;
	child_xfrm_sa_id(c, 0, &id);
	if (kernel_del_sa(c->ike->eng->kernel, &id) == 0)
		c->sa_out = 0;
}

int rekey_delete_child(struct child_sa *c)
{
	struct ike_sa *sa = c->ike;
	struct ike_payload *p;
	struct out_msg o;
	uint8_t spi[4];
	uint32_t v = c->spi_in;

	if (sa->rk.req || !ike_window_can_send(&sa->win) ||
	    child_sa_state(c, CHILD_SA_DELETING) < 0)
		return info_delete_child(c);
	for (int i = 3; i >= 0; i--, v >>= 8)
		spi[i] = (uint8_t)v;
	out_init(&o, INFORMATIONAL, 0, 0);
	if ((p = out_add(&o, PL_DELETE))) {
		p->u.del.proto = PROTO_ESP;
		p->u.del.spi_size = 4;
		p->u.del.nspi = 1;
		p->u.del.spis.p = spi;
		p->u.del.spis.len = 4;
	}
	if (msg_send_request(sa, &o, on_child_deleted, NULL) < 0) {
		child_sa_destroy(c);
		return -1;
	}
	sa->rk.deleting_spi = c->spi_in;
	drop_outbound(c);
	timer_cancel(sa->eng->loop, &c->rk.rekey);
	c->rk.rekey_at_ms = 0;
	return 0;
}

void rekey_child_superseded(struct child_sa *c)
{
	struct loop *l = c->ike->eng->loop;

	timer_cancel(l, &c->rk.rekey);
	c->rk.rekey_at_ms = 0;
	if (!c->rk.expire_at_ms || c->rk.expire_at_ms > loop_now_ms(l) + REKEY_GRACE_MS)
		arm(l, &c->rk.expire, &c->rk.expire_at_ms, REKEY_GRACE_MS);
}

int rekey_child(struct child_sa *c)
{
	struct ike_sa *sa = c->ike;

	if (c->state != CHILD_SA_INSTALLED || sa->state != IKE_SA_ESTABLISHED) {
		log_dbg(LS_CHD, "CHILD SA %s %08x: rekey absorbed (%s, IKE SA %s)", child_name(c),
			c->spi_in, child_sa_state_name(c->state), ike_sa_state_name(sa->state));
		return 0;
	}
	switch (ccsa_rekey_child(c)) {
	case CCSA_SENT:
		return 0;
	case CCSA_BUSY:
		rekey_queue_child(sa, c->id);
		return 0;
	case CCSA_FAILED:
		break;
	}
	log_err(LS_CHD, "CHILD SA %s %08x: rekey could not be started", child_name(c), c->spi_in);
	return -1;
}

/* Live siblings of the same reqid: this IKE SA's, then those of every IKE
 * SA of the same peer identity (a reauthentication's old and new SA). */
static struct child_sa *sibling_in(struct ike_sa *sa, const struct child_sa *c, int with_pols)
{
	for (struct child_sa *s = sa->children; s; s = s->next)
		if (s != c && s->state != CHILD_SA_DEAD && s->cfg == c->cfg &&
		    (with_pols ? s->npols > 0 : s->reqid == c->reqid))
			return s;
	return NULL;
}

static int same_ts(const struct ts_set *a, const struct ts_set *b)
{
	return a->n == b->n && memcmp(a->ts, b->ts, a->n * sizeof(a->ts[0])) == 0;
}

/* Then another IKE SA of the same connection and peer identity with a
 * CHILD SA on the same selectors (flows.c: no walk over the identity's
 * IKE SAs, which a group PSK makes every peer's). */
static struct child_sa *sibling(const struct child_sa *c, int with_pols)
{
	struct ike_sa *own = c->ike;
	const struct ident *id = &own->remote_id;
	struct child_sa *s = sibling_in(own, c, with_pols);

	if (s || !id->type)
		return s;
	for (s = flows_first(c); s; s = flows_next(c, s)) {
		const struct ike_sa *o = s->ike;

		if (o == own || o->conn != own->conn || o->remote_id.len != id->len ||
		    memcmp(o->remote_id.data, id->data, id->len))
			continue;
		if (s != c && s->state != CHILD_SA_DEAD && s->cfg == c->cfg &&
		    (with_pols ? s->npols > 0 : s->reqid == c->reqid) &&
		    same_ts(&s->local_ts, &c->local_ts) && same_ts(&s->remote_ts, &c->remote_ts))
			return s;
	}
	return NULL;
}

int rekey_policies_shared(struct child_sa *c)
{
	struct child_sa *s = sibling_in(c->ike, c, 0);

	if (s && s->reqid == c->reqid)
		return 1;
	/* a reauthentication: the peer's new IKE SA carries the same flows */
	s = sibling(c, 1);
	if (!s)
		return 0;
	log_info(LS_CHD, "CHILD SA %s: joins reqid %u of CHILD SA %08x (same selectors)",
		 child_name(c), s->reqid, s->spi_in);
	c->reqid = s->reqid;
	if (s->ike != c->ike && !rekey_child_key_initiator(c)) {
		/* the peer reauthenticates: it can read the new SA once it has
		 * our answer, and it reads the old one until it deletes it */
		c->rk.defer_out = 1;
		timer_cancel(c->ike->eng->loop, &c->rk.out_late);
		timer_schedule(c->ike->eng->loop, &c->rk.out_late, REKEY_REAUTH_OUT_MS);
	}
	return 1;
}

int rekey_child_key_initiator(const struct child_sa *c)
{
	return c->rk.kx_role ? c->rk.kx_role == 1 : c->ike->entry.initiator;
}

void rekey_child_nonces(const struct child_sa *c, const struct secret **ni,
			const struct secret **nr)
{
	*ni = c->rk.ni.ptr ? &c->rk.ni : &c->ike->ni;
	*nr = c->rk.nr.ptr ? &c->rk.nr : &c->ike->nr;
}

int rekey_defer_out(struct child_sa *c, const struct kernel_sa *ks)
{
	if (!c->rk.defer_out || c->rk.out_sa || !(c->rk.out_sa = malloc(sizeof(*ks))))
		return 0;
	memcpy(c->rk.out_sa, ks, sizeof(*ks));
	return 1;
}

static void drop_out(struct child_sa *c)
{
	if (!c->rk.out_sa)
		return;
	memzero(c->rk.out_sa, sizeof(*c->rk.out_sa));
	free(c->rk.out_sa);
	c->rk.out_sa = NULL;
}

/* The SA c replaced is going: outbound traffic moves to c. */
static void install_out(struct child_sa *c)
{
	struct engine *e = c->ike->eng;

	if (kernel_add_sa(e->kernel, c->rk.out_sa) == 0) {
		c->sa_out = 1;
		log_info(LS_CHD, "CHILD SA %s: outbound now on %08x", child_name(c), c->spi_out);
	} else {
		e->stats.kernel_errors++;
	}
	drop_out(c);
}

/* c stops carrying traffic: the SAs holding their outbound half back for
 * it (a rekey's in this IKE SA, a reauthentication's in the new one) send. */
static void hand_out(struct child_sa *c)
{
	struct child_sa *heir;

	for (struct child_sa *s = c->ike->children; s; s = s->next)
		if (s != c && s->reqid == c->reqid && s->rk.out_sa && !s->rk.redundant)
			install_out(s);
	while ((heir = sibling(c, 0)) != NULL && heir->ike != c->ike && heir->rk.out_sa &&
	       !heir->rk.redundant)
		install_out(heir);
}

void rekey_ike_handover(struct ike_sa *sa)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		hand_out(c);
}

int rekey_child_carried_on(const struct child_sa *c)
{
	const struct child_sa *s = sibling(c, 0);

	return s && s->ike != c->ike;
}

void rekey_reauth_early_in(struct ike_sa *n, struct child_sa *c)
{
	struct ike_sa *old = n->rk.predecessor;
	struct child_sa *model = old ? child_with_reqid(old, c->reqid) : NULL;

	if (!model || model->cfg != c->cfg || model->state == CHILD_SA_DELETING)
		return;
	if (child_sa_install_in_early(c, model) == 0)
		log_dbg(LS_CHD, "CHILD SA %s: inbound SA %08x installed before IKE_AUTH "
			"(reauthentication of %08x)", child_name(c), c->spi_in, model->spi_in);
}

void rekey_child_gone(struct child_sa *c)
{
	struct loop *l = c->ike->eng->loop;
	struct child_sa *heir;

	if (c->rk.timers_ready) {
		timer_cancel(l, &c->rk.rekey);
		timer_cancel(l, &c->rk.expire);
		timer_cancel(l, &c->rk.out_late);
	}
	ccsa_forget_child(c->ike->rk.req, c);
	drop_out(c);
	hand_out(c);
	if (c->npols && (heir = sibling(c, 0)) != NULL && heir->npols == 0 &&
	    heir->reqid == c->reqid) {
		/* the flows stay protected: the SA that replaced c owns them now */
		heir->pols = c->pols;
		heir->pol_was_trap = c->pol_was_trap;
		heir->npols = c->npols;
		c->pols = NULL;
		c->pol_was_trap = NULL;
		c->npols = 0;
		log_dbg(LS_CHD, "CHILD SA %s: policies go from %08x to %08x", child_name(c),
			c->spi_in, heir->spi_in);
		child_sa_policies_follow(heir);
	}
	secret_free(&c->rk.ni);
	secret_free(&c->rk.nr);
}

void rekey_on_expire(struct engine *e, const struct kernel_sa_id *id, int hard)
{
	struct ike_sa *sa = NULL;
	struct child_sa *c = child_sa_by_spi(e, id->spi, &sa);

	if (!c) {
		log_dbg(LS_KNL, "EXPIRE (%s) for SA %08x we do not know", hard ? "hard" : "soft",
			id->spi);
		return;
	}
	log_info(LS_CHD, "CHILD SA %s %08x: kernel %s EXPIRE", child_name(c), id->spi,
		 hard ? "hard" : "soft");
	if (hard)
		child_end(c, "hard lifetime reached in the kernel");
	else
		rekey_child(c);
}

/* ---- IKE SAs ---- */

static void ike_end(struct ike_sa *sa, const char *why)
{
	log_info(LS_IKE, "IKE SA %llu (%s): %s", (unsigned long long)sa->id,
		 sa->conn ? sa->conn->name : "-", why);
	/* info_delete_ike waits for a busy window itself */
	if (sa->state != IKE_SA_DELETING && sa->have_keys)
		info_delete_ike(sa);
	else
		ike_sa_destroy(sa);
}

static void on_ike_rekey(void *arg)
{
	struct ike_sa *sa = arg;

	sa->rk.rekey_at_ms = 0;
	rekey_ike(sa);
}

static void on_ike_reauth(void *arg)
{
	struct ike_sa *sa = arg;

	sa->rk.reauth_at_ms = 0;
	rekey_reauth(sa);
}

static void on_ike_expire(void *arg)
{
	struct ike_sa *sa = arg;

	sa->rk.expire_at_ms = 0;
	ike_end(sa, sa->state == IKE_SA_REKEYED ? "replaced, the peer's DELETE never came" :
						  "not rekeyed within over_time");
}

static void on_retry(void *arg)
{
	rekey_window_free(arg);
}

void rekey_ike_retry(struct ike_sa *sa)
{
	uint64_t delay;

	if (sa->rk.rekey_at_ms || sa->state != IKE_SA_ESTABLISHED || !sa->conn ||
	    !sa->conn->rekey_time)
		return;		/* as for CHILD SAs */
	delay = arm_retry(sa->eng->loop, &sa->rk.rekey, &sa->rk.rekey_at_ms, sa->rk.expire_at_ms);
	if (delay)
		log_info(LS_IKE, "IKE SA %llu: rekey failed, retrying in %llu ms",
			 (unsigned long long)sa->id, (unsigned long long)delay);
	else
		log_info(LS_IKE, "IKE SA %llu: rekey failed, no retry before over_time ends",
			 (unsigned long long)sa->id);
}

void rekey_ike_init(struct ike_sa *sa)
{
	timer_init(&sa->rk.rekey, on_ike_rekey, sa);
	timer_init(&sa->rk.reauth, on_ike_reauth, sa);
	timer_init(&sa->rk.expire, on_ike_expire, sa);
	timer_init(&sa->rk.retry, on_retry, sa);
	sa->rk.timers_ready = 1;
}

void rekey_ike_established(struct ike_sa *sa)
{
	const struct conf_conn *conn = sa->conn;
	struct loop *l = sa->eng->loop;
	uint64_t first = 0;

	if (!sa->rk.timers_ready)
		rekey_ike_init(sa);
	if (!conn)
		return;
	if (conn->rekey_time) {
		arm(l, &sa->rk.rekey, &sa->rk.rekey_at_ms,
		    rekey_delay_ms(conn->rekey_time, conn->rand_time));
		first = conn->rekey_time;
	}
	if (conn->reauth_time) {
		arm(l, &sa->rk.reauth, &sa->rk.reauth_at_ms,
		    rekey_delay_ms(conn->reauth_time, conn->rand_time));
		if (!first || conn->reauth_time < first)
			first = conn->reauth_time;
	}
	if (first && conn->over_time)
		arm(l, &sa->rk.expire, &sa->rk.expire_at_ms, (first + conn->over_time) * 1000);
	/* reauthentication, or CHILD SAs a childless IKE SA was started for */
	if (sa->rk.predecessor || (!sa->pending_child && sa->rk.nwant_new))
		rekey_window_free(sa);
}

void rekey_ike_superseded(struct ike_sa *sa)
{
	struct loop *l = sa->eng->loop;

	timer_cancel(l, &sa->rk.rekey);
	timer_cancel(l, &sa->rk.reauth);
	sa->rk.rekey_at_ms = sa->rk.reauth_at_ms = 0;
	arm(l, &sa->rk.expire, &sa->rk.expire_at_ms, REKEY_GRACE_MS);
}

void rekey_ike_gone(struct ike_sa *sa)
{
	struct loop *l = sa->eng->loop;
	struct ike_rekey *rk = &sa->rk;

	if (rk->timers_ready) {
		timer_cancel(l, &rk->rekey);
		timer_cancel(l, &rk->reauth);
		timer_cancel(l, &rk->expire);
		timer_cancel(l, &rk->retry);
	}
	ccsa_free(rk->req);
	if (rk->twin_of)
		ccsa_forget_ike(rk->twin_of->rk.req, sa);
	/* a new IKE SA of a rekey of this one not settled yet (a collision's
	 * loser, or the peer's while ours is out) must not point here: the
	 * old SA may go first, e.g. on a refused IKE_AUTH request
	 * (fuzz_engine).  Twins share the connection. */
	for (struct ike_sa *o = sa->conn ? ike_sa_conn_first(sa->eng, sa->conn) : NULL; o;
	     o = ike_sa_conn_next(o))
		if (o->rk.twin_of == sa)
			o->rk.twin_of = NULL;
	if (rk->successor && rk->successor->rk.predecessor == sa)
		rk->successor->rk.predecessor = NULL;
	if (rk->predecessor && rk->predecessor->rk.successor == sa)
		rk->predecessor->rk.successor = NULL;
	rk->twin_of = rk->successor = rk->predecessor = NULL;
}

int rekey_ike(struct ike_sa *sa)
{
	if (sa->state != IKE_SA_ESTABLISHED || sa->rk.successor) {
		log_dbg(LS_IKE, "IKE SA %llu: rekey absorbed (%s)", (unsigned long long)sa->id,
			ike_sa_state_name(sa->state));
		return 0;
	}
	switch (ccsa_rekey_ike(sa)) {
	case CCSA_SENT:
		return 0;
	case CCSA_BUSY:
		sa->rk.want_ike = 1;
		rekey_window_free(sa);
		return 0;
	case CCSA_FAILED:
		break;
	}
	log_err(LS_IKE, "IKE SA %llu: rekey could not be started", (unsigned long long)sa->id);
	return -1;
}

int rekey_new_child(struct ike_sa *sa, const struct conf_child *cfg, uint32_t reqid)
{
	switch (ccsa_new_child(sa, cfg, reqid, NULL)) {
	case CCSA_SENT:
		return 0;
	case CCSA_BUSY:
		rekey_queue_new(sa, cfg, reqid);
		return 0;
	case CCSA_FAILED:
		break;
	}
	log_err(LS_CHD, "IKE SA %llu: CHILD SA %s could not be started", (unsigned long long)sa->id,
		cfg->name);
	return -1;
}

/* ---- reauthentication ---- */

int rekey_reauth(struct ike_sa *sa)
{
	struct engine *e = sa->eng;
	const struct child_sa *first = sa->children;
	struct ike_sa *n;
	char err[128];

	if (sa->state != IKE_SA_ESTABLISHED || sa->rk.successor || !sa->conn) {
		log_dbg(LS_IKE, "IKE SA %llu: reauthentication absorbed (%s)",
			(unsigned long long)sa->id, ike_sa_state_name(sa->state));
		return 0;
	}
	log_info(LS_IKE, "IKE SA %llu (%s): reauthenticating with a new IKE SA",
		 (unsigned long long)sa->id, sa->conn->name);
	n = engine_start(e, sa->conn, first ? first->cfg : sa->init_child, NULL,
			 first ? first->reqid : 0, err, sizeof(err));
	if (!n) {
		log_err(LS_IKE, "IKE SA %llu: reauthentication failed to start: %s",
			(unsigned long long)sa->id, err);
		return -1;
	}
	n->rk.predecessor = sa;
	sa->rk.successor = n;
	return 0;
}

static struct child_sa *child_with_reqid(struct ike_sa *sa, uint32_t reqid)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->reqid == reqid && c->state != CHILD_SA_DEAD)
			return c;
	return NULL;
}

static int queued_new(const struct ike_sa *sa, uint32_t reqid)
{
	for (size_t i = 0; i < sa->rk.nwant_new; i++)
		if (sa->rk.want_new_reqid[i] == reqid)
			return 1;
	return 0;
}

/* The new IKE SA n asks for every CHILD SA the old one has; once it has
 * them all, the old one is deleted. */
static void reauth_progress(struct ike_sa *n)
{
	struct ike_sa *old = n->rk.predecessor;
	int missing = 0;

	/* the IKE_AUTH child first: it may be the one we would ask for */
	if (!old || n->state != IKE_SA_ESTABLISHED || n->pending_child)
		return;
	for (struct child_sa *c = old->children; c; c = c->next) {
		if (c->state == CHILD_SA_DEAD || c->state == CHILD_SA_DELETING ||
		    child_with_reqid(n, c->reqid))
			continue;
		missing++;
		if (!queued_new(n, c->reqid) && ccsa_new_reqid(n->rk.req) != c->reqid)
			rekey_queue_new(n, c->cfg, c->reqid);
	}
	if (missing)
		return;
	log_info(LS_IKE, "IKE SA %llu carries every CHILD SA of IKE SA %llu: deleting the old one",
		 (unsigned long long)n->id, (unsigned long long)old->id);
	n->rk.predecessor = NULL;
	old->rk.successor = NULL;
	old->rk.want_delete = 1;
	rekey_window_free(old);
}

/* ---- the queue of work waiting for the window ---- */

void rekey_queue_child(struct ike_sa *sa, uint64_t child_id)
{
	struct ike_rekey *rk = &sa->rk;

	for (size_t i = 0; i < rk->nwant; i++)
		if (rk->want_children[i] == child_id)
			return;
	if (rk->nwant == WANT_MAX) {
		log_err(LS_CHD, "IKE SA %llu: %zu CHILD SA rekeys already waiting, %llu dropped",
			(unsigned long long)sa->id, rk->nwant, (unsigned long long)child_id);
		return;
	}
	rk->want_children[rk->nwant++] = child_id;
	if (!timer_pending(&rk->retry))
		timer_schedule(sa->eng->loop, &rk->retry, REKEY_BUSY_MS);
}

void rekey_queue_new(struct ike_sa *sa, const struct conf_child *cfg, uint32_t reqid)
{
	struct ike_rekey *rk = &sa->rk;
	size_t max = sizeof(rk->want_new) / sizeof(rk->want_new[0]);

	if (reqid && queued_new(sa, reqid))
		return;
	if (rk->nwant_new == max) {
		log_err(LS_CHD, "IKE SA %llu: %zu new CHILD SAs already waiting, %s dropped",
			(unsigned long long)sa->id, rk->nwant_new, cfg->name);
		return;
	}
	rk->want_new[rk->nwant_new] = cfg;
	rk->want_new_reqid[rk->nwant_new++] = reqid;
	if (!timer_pending(&rk->retry))
		timer_schedule(sa->eng->loop, &rk->retry, REKEY_BUSY_MS);
}

static struct child_sa *child_by_id(struct ike_sa *sa, uint64_t id)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

void rekey_retry_later(struct ike_sa *sa)
{
	struct ike_rekey *rk = &sa->rk;
	uint64_t delay;

	if (++rk->tempfail > REKEY_RETRY_MAX) {
		log_err(LS_IKE, "IKE SA %llu: TEMPORARY_FAILURE %u times in a row, queued work "
			"dropped; rekeys wait for their timers", (unsigned long long)sa->id,
			rk->tempfail);
		/* the rekeys come back like refused ones (rekey_*_retry) */
		for (size_t i = 0; i < rk->nwant; i++) {
			struct child_sa *c = child_by_id(sa, rk->want_children[i]);

			if (c)
				rekey_child_retry(c);
		}
		if (rk->want_ike)
			rekey_ike_retry(sa);
		rk->nwant = rk->nwant_new = 0;
		rk->want_ike = 0;
		rk->tempfail = 0;
		return;
	}
	/* 2.25: again after a random delay, so that both ends do not collide again */
	delay = REKEY_RETRY_MIN_MS + jitter_ms(REKEY_RETRY_SPREAD_MS);
	rk->retry_not_before_ms = loop_now_ms(sa->eng->loop) + delay;
	timer_cancel(sa->eng->loop, &rk->retry);
	timer_schedule(sa->eng->loop, &rk->retry, delay);
	log_info(LS_IKE, "IKE SA %llu: retrying in %llu ms", (unsigned long long)sa->id,
		 (unsigned long long)delay);
}

static void drop_first(uint64_t *v, size_t *n)
{
	memmove(v, v + 1, (*n - 1) * sizeof(*v));
	(*n)--;
}

/* Starts the first piece of queued work; CCSA_BUSY if it must wait. */
static enum ccsa_start run_one(struct ike_sa *sa)
{
	struct ike_rekey *rk = &sa->rk;
	enum ccsa_start rc;

	while (rk->nwant) {
		struct child_sa *c = child_by_id(sa, rk->want_children[0]);

		if (!c || c->state != CHILD_SA_INSTALLED) {
			drop_first(rk->want_children, &rk->nwant);
			continue;
		}
		rc = ccsa_rekey_child(c);
		if (rc != CCSA_BUSY)
			drop_first(rk->want_children, &rk->nwant);
		return rc;
	}
	if (rk->nwant_new) {
		rc = ccsa_new_child(sa, rk->want_new[0], rk->want_new_reqid[0], NULL);
		if (rc != CCSA_BUSY) {
			rk->nwant_new--;
			memmove(rk->want_new, rk->want_new + 1, rk->nwant_new * sizeof(rk->want_new[0]));
			memmove(rk->want_new_reqid, rk->want_new_reqid + 1,
				rk->nwant_new * sizeof(rk->want_new_reqid[0]));
		}
		return rc;
	}
	/* the IKE SA last: CHILD SA work queued behind it would move with it */
	if (rk->want_ike) {
		rc = ccsa_rekey_ike(sa);
		if (rc != CCSA_BUSY)
			rk->want_ike = 0;
		return rc;
	}
	return CCSA_SENT;
}

static int queue_empty(const struct ike_sa *sa)
{
	return !sa->rk.want_ike && !sa->rk.nwant && !sa->rk.nwant_new;
}

void rekey_window_free(struct ike_sa *sa)
{
	struct ike_rekey *rk = &sa->rk;
	struct loop *l = sa->eng->loop;
	uint64_t now = loop_now_ms(l);

	reauth_progress(sa);
	if (rk->want_delete) {
		/* replaced (rekey or reauthentication): sa may be gone after this */
		rk->want_delete = 0;
		ike_end(sa, "replaced by a new IKE SA");
		return;
	}
	if (queue_empty(sa))
		return;
	if (now < rk->retry_not_before_ms) {
		if (!timer_pending(&rk->retry))
			timer_schedule(l, &rk->retry, rk->retry_not_before_ms - now);
		return;
	}
	if (sa->state == IKE_SA_ESTABLISHED) {
		/* one request at a time: a failed start moves on to the next item */
		while (!queue_empty(sa) && !rk->req && ike_window_can_send(&sa->win))
			if (run_one(sa) != CCSA_FAILED)
				break;
	}
	/* until established (or while rekeying) the queue waits; a replaced
	 * SA's queue went to its successor */
	if (!queue_empty(sa) && !timer_pending(&rk->retry) && sa->state <= IKE_SA_REKEYING)
		timer_schedule(l, &rk->retry, REKEY_BUSY_MS);
}

/* ---- ikectl and ACQUIRE ---- */

static int child_wanted(struct ike_sa *sa, const struct conf_child *cfg, uint32_t reqid)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->cfg == cfg && (!reqid || c->reqid == reqid) && c->state != CHILD_SA_DEAD &&
		    c->state != CHILD_SA_DELETING)
			return 1;
	for (size_t i = 0; i < sa->rk.nwant_new; i++)
		if (sa->rk.want_new[i] == cfg)
			return 1;
	return reqid && ccsa_new_reqid(sa->rk.req) == reqid;
}

void acquire_new_child(struct ike_sa *sa, const struct conf_child *cfg, uint32_t reqid,
		   const struct kernel_acquire *acq)
{
	struct ike_ts ts[2];

	if (child_wanted(sa, cfg, reqid))
		return;
	log_info(LS_CHD, "ACQUIRE for %s/%s: a CHILD SA on IKE SA %llu",
		 sa->conn ? sa->conn->name : "-", cfg->name, (unsigned long long)sa->id);
	kevent_acquire_ts(acq, &ts[0], &ts[1]);
	switch (ccsa_new_child(sa, cfg, reqid, ts)) {
	case CCSA_SENT:
		break;
	case CCSA_BUSY:
		rekey_queue_new(sa, cfg, reqid);
		break;
	case CCSA_FAILED:
		log_err(LS_CHD, "ACQUIRE for %s: CHILD SA could not be started", cfg->name);
		break;
	}
}

int rekey_initiate(struct engine *e, const struct conf_conn *conn, const struct conf_child *ch,
		   char *err, size_t errlen)
{
	struct ike_sa *sa;
	size_t n = 0;

	for (sa = e->sas; sa; sa = sa->next)
		if (sa->conn == conn && sa->state == IKE_SA_ESTABLISHED)
			break;
	if (!sa) {
		sa = engine_start(e, conn, ch, NULL, 0, err, errlen);
		if (!sa)
			return -1;
		for (size_t i = 1; !ch && i < conn->nchildren; i++)
			rekey_queue_new(sa, &conn->children[i], 0);
		return 0;
	}
	for (size_t i = 0; i < conn->nchildren; i++) {
		const struct conf_child *cfg = &conn->children[i];

		if ((ch && cfg != ch) || child_wanted(sa, cfg, 0))
			continue;
		if (rekey_new_child(sa, cfg, 0) < 0) {
			snprintf(err, errlen, "initiate: CHILD SA %s could not be started", cfg->name);
			return -1;
		}
		n++;
	}
	if (!n)
		log_info(LS_IKE, "initiate %s: every CHILD SA asked for is up on IKE SA %llu",
			 conn->name, (unsigned long long)sa->id);
	return 0;
}

/* ---- ikectl ---- */

int rekey_conn(struct engine *e, const char *conn, uint64_t ike_sa_id, char *err,
	       size_t errlen)
{
	size_t n = 0;

	for (struct ike_sa *sa = e->sas; sa; sa = sa->next) {
		if (ike_sa_id ? sa->id != ike_sa_id : !conn || !ike_sa_of_conn(sa, conn))
			continue;
		if (sa->state != IKE_SA_ESTABLISHED)
			continue;
		sa->rk.want_ike = 1;
		rekey_window_free(sa);
		n++;
	}
	if (!n) {
		if (ike_sa_id)
			snprintf(err, errlen, "no established IKE SA with id %llu",
				 (unsigned long long)ike_sa_id);
		else
			snprintf(err, errlen, "no established IKE SA of connection '%s'",
				 conn ? conn : "");
		return -1;
	}
	return 0;
}

/* One CHILD SA asked for by ikectl: now, or once its IKE SA's own rekey
 * is done (the queue moves with the children, 2.18). */
static int rekeyable(const struct child_sa *c)
{
	return c->state == CHILD_SA_INSTALLED &&
	       (c->ike->state == IKE_SA_ESTABLISHED || c->ike->state == IKE_SA_REKEYING);
}

static int rekey_asked(struct child_sa *c, char *err, size_t errlen)
{
	struct ike_sa *sa = c->ike;

	if (!rekeyable(c)) {
		snprintf(err, errlen, "rekey: CHILD SA %llu (%s) is %s, its IKE SA %s; only an "
			 "INSTALLED one on an ESTABLISHED IKE SA is rekeyed", (unsigned long long)c->id,
			 child_name(c), child_sa_state_name(c->state), ike_sa_state_name(sa->state));
		return -1;
	}
	log_info(LS_CHD, "CHILD SA %llu (%s) %08x: rekey asked for", (unsigned long long)c->id,
		 child_name(c), c->spi_in);
	if (sa->state == IKE_SA_REKEYING) {
		rekey_queue_child(sa, c->id);
		return 0;
	}
	if (rekey_child(c) < 0) {
		snprintf(err, errlen, "rekey: CHILD SA %llu (%s) could not be started",
			 (unsigned long long)c->id, child_name(c));
		return -1;
	}
	return 0;
}

int rekey_children(struct engine *e, const char *conn, const char *child, uint64_t child_sa_id,
		   char *err, size_t errlen)
{
	size_t n = 0;

	for (struct ike_sa *sa = e->sas; sa; sa = sa->next) {
		if (!ike_sa_of_conn(sa, conn))
			continue;
		for (struct child_sa *c = sa->children; c; c = c->next) {
			if (child_sa_id ? c->id != child_sa_id :
					  !(child && strcmp(child_name(c), child) == 0))
				continue;
			/* by name: only the installed ones, not those being replaced */
			if (!child_sa_id && !rekeyable(c))
				continue;
			if (rekey_asked(c, err, errlen) < 0)
				return -1;
			n++;
		}
	}
	if (n)
		return 0;
	if (child_sa_id)
		snprintf(err, errlen, "rekey: no CHILD SA with id %llu",
			 (unsigned long long)child_sa_id);
	else
		snprintf(err, errlen, "rekey: no installed CHILD SA named '%s'%s%s",
			 child ? child : "", conn ? " in connection " : "", conn ? conn : "");
	return -1;
}

uint64_t rekey_child_rekey_in(const struct child_sa *c)
{
	return secs_until(c->ike->eng->loop, c->rk.rekey_at_ms);
}

uint64_t rekey_child_expire_in(const struct child_sa *c)
{
	return secs_until(c->ike->eng->loop, c->rk.expire_at_ms);
}

uint64_t rekey_ike_rekey_in(const struct ike_sa *sa)
{
	return secs_until(sa->eng->loop, sa->rk.rekey_at_ms);
}

uint64_t rekey_ike_reauth_in(const struct ike_sa *sa)
{
	return secs_until(sa->eng->loop, sa->rk.reauth_at_ms);
}
