/*
 * IKEv2 redirect (RFC 5685): see redirect.h.  The client never follows a
 * REDIRECT into the old IKE SA: the old one goes (deleted when it was
 * authenticated), and a timer of the connection's history starts a new one
 * to the new gateway once the handler that saw the REDIRECT has returned.
 */
#include "ike/engine/redirect.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/codec/names.h"
#include "ike/engine/exchange.h"
#include "ike/engine/ike_sa.h"

/* One connection's redirects: when they happened, and the one to follow. */
struct redirect_conn {
	struct redirect_conn *next;
	struct engine *e;
	char conn[CONF_NAME_MAX];
	char child[CONF_NAME_MAX];	/* the CHILD SA to negotiate, "" none */
	uint64_t at[REDIRECT_MAX];
	unsigned n;
	int pending;
	struct addr to, from;
	struct timer follow;
};

static const char *astr(const struct addr *a, char *buf)
{
	return addr_host_str(a, buf, ADDR_STRLEN);
}

static void follow_fire(void *arg)
{
	struct redirect_conn *rc = arg;
	struct engine *e = rc->e;
	const struct conf_conn *conn = config_find_conn(e->cfg, rc->conn);
	const struct conf_child *child = NULL;
	char err[160], b1[ADDR_STRLEN], b2[ADDR_STRLEN];

	rc->pending = 0;
	if (!conn) {
		log_info(LS_IKE, "connection %s: gone before its redirect could be followed",
			 rc->conn);
		return;
	}
	if (rc->child[0])
		child = config_find_child(conn, rc->child);
	log_info(LS_IKE, "connection %s: redirected from %s, initiating to %s", conn->name,
		 astr(&rc->from, b1), astr(&rc->to, b2));
	if (!e->redirect_start || !e->redirect_start(e, conn, child, &rc->to, &rc->from, err,
						     sizeof(err)))
		log_err(LS_IKE, "connection %s: redirect not followed: %s", conn->name,
			e->redirect_start ? err : "no starter");
}

static struct redirect_conn *conn_hist(struct engine *e, const char *name)
{
	struct redirect_conn *rc;

	for (rc = e->redirects; rc; rc = rc->next)
		if (strcmp(rc->conn, name) == 0)
			return rc;
	rc = calloc(1, sizeof(*rc));
	if (!rc)
		return NULL;
	rc->e = e;
	snprintf(rc->conn, sizeof(rc->conn), "%s", name);
	timer_init(&rc->follow, follow_fire, rc);
	rc->next = e->redirects;
	e->redirects = rc;
	return rc;
}

void redirect_engine_free(struct engine *e)
{
	while (e->redirects) {
		struct redirect_conn *rc = e->redirects;

		e->redirects = rc->next;
		timer_cancel(e->loop, &rc->follow);
		free(rc);
	}
}

/* Loop protection: 1 and the redirect counted if the connection may be
 * redirected once more now. */
static int hist_admit(struct redirect_conn *rc, uint64_t now)
{
	unsigned k = 0;

	for (unsigned i = 0; i < rc->n; i++)
		if (now - rc->at[i] < REDIRECT_WINDOW_MS)
			rc->at[k++] = rc->at[i];
	rc->n = k;
	if (rc->n >= REDIRECT_MAX)
		return 0;
	rc->at[rc->n++] = now;
	return 1;
}

/*
 * Whether the client may follow a decoded REDIRECT of sa to gw: an address
 * (no resolver on the loop), not unspecified, not the gateway that sends
 * it nor one of ours, within the history's limit.  0 with *to, or -1 logged.
 */
static int follow_check(struct ike_sa *sa, const struct redirect_gw *gw, const char *where,
			struct addr *to)
{
	struct engine *e = sa->eng;
	char gbuf[REDIRECT_GW_STRLEN], b[ADDR_STRLEN];
	struct redirect_conn *rc;

	redirect_gw_str(gw, gbuf, sizeof(gbuf));
	if (gw->type == REDIRECT_GW_FQDN) {
		log_info(LS_IKE, "IKE SA %llu (%s): REDIRECT in %s to %s not followed: FQDN "
			 "gateways are not resolved (no asynchronous resolver), give an address",
			 (unsigned long long)sa->id, sa->conn->name, where, gbuf);
		return -1;
	}
	if (redirect_gw_addr(gw, e->port, to) < 0 || addr_is_any(to)) {
		log_info(LS_IKE, "IKE SA %llu (%s): REDIRECT in %s to %s refused: not a usable address",
			 (unsigned long long)sa->id, sa->conn->name, where, gbuf);
		return -1;
	}
	if (addr_eq_host(to, &sa->remote) || addr_eq_host(to, &sa->local)) {
		log_info(LS_IKE, "IKE SA %llu (%s): REDIRECT in %s to %s refused: a loop (%s itself)",
			 (unsigned long long)sa->id, sa->conn->name, where, gbuf,
			 addr_eq_host(to, &sa->local) ? "our own address" : "the redirecting gateway");
		return -1;
	}
	if (addr_family(to) != addr_family(&sa->local)) {
		log_info(LS_IKE, "IKE SA %llu (%s): REDIRECT in %s to %s refused: we use %s",
			 (unsigned long long)sa->id, sa->conn->name, where, gbuf, astr(&sa->local, b));
		return -1;
	}
	rc = conn_hist(e, sa->conn->name);
	if (!rc)
		return -1;
	if (rc->pending) {
		log_info(LS_IKE, "IKE SA %llu (%s): REDIRECT in %s to %s ignored: a redirect of the "
			 "connection is being followed", (unsigned long long)sa->id, sa->conn->name,
			 where, gbuf);
		return -1;
	}
	if (!hist_admit(rc, loop_now_ms(e->loop))) {
		log_info(LS_IKE, "IKE SA %llu (%s): REDIRECT in %s to %s refused: %u redirects in "
			 "%u s already (redirect loop?)", (unsigned long long)sa->id, sa->conn->name,
			 where, gbuf, REDIRECT_MAX, REDIRECT_WINDOW_MS / 1000);
		return -2;
	}
	return 0;
}

/* The new IKE SA starts from the timer, the old one's CHILD SA with it. */
static void follow_later(struct ike_sa *sa, const struct addr *to)
{
	struct redirect_conn *rc = conn_hist(sa->eng, sa->conn->name);
	const struct conf_child *ch = sa->init_child;

	if (!rc)
		return;
	sa->eng->stats.redirects_followed++;
	if (!ch && sa->children)
		ch = sa->children->cfg;
	snprintf(rc->child, sizeof(rc->child), "%s", ch ? ch->name : "");
	rc->to = *to;
	/* 9.2: REDIRECTED_FROM carries the gateway that redirected us */
	rc->from = sa->remote;
	rc->pending = 1;
	timer_schedule(sa->eng->loop, &rc->follow, 0);
}

void redirect_announce(struct ike_sa *sa, struct out_msg *m)
{
	struct redirect_gw gw;
	struct wr w;

	if (!sa->eng->cfg->global.follow_redirects)
		return;
	sa->redir.announced = 1;
	if (!sa->redir.have_from) {
		out_notify(m, PROTO_NONE, N_REDIRECT_SUPPORTED, NULL, 0);
		return;
	}
	redirect_gw_from_addr(&sa->redir.from, &gw);
	wr_init(&w, sa->redir.from_data, sizeof(sa->redir.from_data));
	redirect_encode(&w, &gw, NULL, 0);
	out_notify(m, PROTO_NONE, N_REDIRECTED_FROM, sa->redir.from_data, wr_len(&w));
}

/* The REDIRECT notify of m decoded, or -1 logged (malformed, misplaced). */
static int redirect_of(struct ike_sa *sa, const struct ike_msg *m, enum redirect_form form,
		       struct redirect_gw *gw, struct ike_slice *nonce)
{
	const struct ike_pl_notify *n = ike_msg_notify(m, N_REDIRECT);
	const char *xname = ike_exchange_name(m->hdr.exchange);
	int response = (m->hdr.flags & IKE_FLAG_RESPONSE) != 0;
	char why[160];

	if (!n)
		return 1;
	if (!ike_notify_allowed(N_REDIRECT, m->hdr.exchange, response)) {
		log_info(LS_IKE, "IKE SA %llu: REDIRECT in an %s %s ignored (RFC 5685 allows it "
			 "elsewhere only)", (unsigned long long)sa->id, xname ? xname : "?",
			 response ? "response" : "request");
		return -1;
	}
	if (!sa->redir.announced) {
		log_info(LS_IKE, "IKE SA %llu: REDIRECT in %s ignored: we sent no "
			 "REDIRECT_SUPPORTED", (unsigned long long)sa->id, xname ? xname : "?");
		return -1;
	}
	if (redirect_decode(form, &n->data, gw, nonce, why, sizeof(why)) < 0) {
		log_info(LS_IKE, "IKE SA %llu: malformed REDIRECT in %s ignored: %s",
			 (unsigned long long)sa->id, xname ? xname : "?", why);
		return -1;
	}
	return 0;
}

/* redirect_of() and follow_check() with the refusals counted. */
static int redirect_of_counted(struct ike_sa *sa, const struct ike_msg *m,
			       enum redirect_form form, struct redirect_gw *gw,
			       struct ike_slice *nonce)
{
	int rc = redirect_of(sa, m, form, gw, nonce);

	if (rc < 0)
		sa->eng->stats.redirects_refused++;
	return rc;
}

static int follow_counted(struct ike_sa *sa, const struct redirect_gw *gw, const char *where,
			  struct addr *to)
{
	int rc = follow_check(sa, gw, where, to);

	if (rc < 0)
		sa->eng->stats.redirects_refused++;
	return rc;
}

int redirect_on_init_response(struct ike_sa *sa, const struct ike_msg *m)
{
	struct redirect_gw gw;
	struct ike_slice nonce;
	struct addr to;
	int rc = redirect_of_counted(sa, m, REDIRECT_FORM_NONCE, &gw, &nonce);

	if (rc > 0)
		return 0;
	/* unauthenticated: whatever is wrong with it, keep waiting for the
	 * real answer (as for a forged error, RFC 7296 2.21.1) */
	if (rc < 0)
		return 1;
	if (nonce.len != sa->ni.len || memcmp(nonce.p, sa->ni.ptr, nonce.len) != 0) {
		sa->eng->stats.redirects_refused++;
		log_info(LS_IKE, "IKE SA %llu (%s): REDIRECT with a nonce that is not ours ignored "
			 "(RFC 5685 4: forged or stale)", (unsigned long long)sa->id, sa->conn->name);
		return 1;
	}
	rc = follow_counted(sa, &gw, "IKE_SA_INIT", &to);
	if (rc == -1)
		return 1;
	if (rc == -2) {
		sa->notify_err = N_REDIRECT;	/* the failure reason: a redirect loop */
		ike_sa_destroy(sa);
		return 1;
	}
	follow_later(sa, &to);
	sa->redir.followed = 1;
	ike_sa_destroy(sa);	/* half-open: no keys, nothing to delete */
	return 1;
}

/* An authenticated REDIRECT: the old SA is deleted, the new one follows. */
static int follow_authenticated(struct ike_sa *sa, const struct ike_msg *m, const char *where)
{
	struct redirect_gw gw;
	struct ike_slice nonce;
	struct addr to;

	if (redirect_of_counted(sa, m, REDIRECT_FORM_PLAIN, &gw, &nonce) != 0 ||
	    follow_counted(sa, &gw, where, &to) < 0)
		return 0;
	follow_later(sa, &to);
	sa->redir.followed = 1;
	/* 6: the gateway holds an authenticated IKE SA after IKE_AUTH: a
	 * DELETE ends it (info_delete_ike sends one for established SAs) */
	if (sa->state != IKE_SA_ESTABLISHED)
		ike_sa_state(sa, IKE_SA_ESTABLISHED);
	info_delete_ike(sa);
	return 1;
}

int redirect_on_auth_response(struct ike_sa *sa, const struct ike_msg *m)
{
	if (!ike_msg_notify(m, N_REDIRECT))
		return 0;
	if (!follow_authenticated(sa, m, "IKE_AUTH"))
		return 0;
	return 1;
}

int redirect_on_info_request(struct ike_sa *sa, const struct ike_msg *m)
{
	if (!ike_msg_notify(m, N_REDIRECT) || sa->state != IKE_SA_ESTABLISHED || !sa->conn)
		return 0;
	return follow_authenticated(sa, m, "INFORMATIONAL");
}

/* ---- gateway ---- */

/* The gateway this IKE_SA_INIT goes to instead, or NULL. */
static const char *redirect_target(struct engine *e, const struct conf_conn *conn)
{
	const struct conf_global *g = &e->cfg->global;

	if (conn->redirect_to)
		return conn->redirect_to;
	if (g->redirect_to && e->stats.ike_sas >= g->redirect_above)
		return g->redirect_to;
	return NULL;
}

int redirect_gw_init(struct engine *e, const struct ike_msg *m, const struct conf_conn *conn,
		     const struct addr *local, const struct addr *remote)
{
	const struct ike_pl_notify *from = ike_msg_notify(m, N_REDIRECTED_FROM);
	const struct ike_slice *ni = &msg_pl(m, PL_NONCE)->u.nonce;
	const char *target = redirect_target(e, conn);
	uint8_t data[2 + REDIRECT_GW_MAX + IKE_NONCE_MAX];
	char rbuf[ADDR_STRLEN], fbuf[REDIRECT_GW_STRLEN], why[160];
	struct redirect_gw gw, fgw;
	struct ike_slice none;
	struct wr w;

	if (!target)
		return 0;
	astr(remote, rbuf);
	if (!from && !ike_msg_notify(m, N_REDIRECT_SUPPORTED)) {
		/* 4: only a client that announced support may be redirected */
		log_info(LS_IKE, "IKE_SA_INIT from %s (connection %s): not redirected to %s, the "
			 "client sent no REDIRECT_SUPPORTED", rbuf, conn->name, target);
		return 0;
	}
	if (from && redirect_decode(REDIRECT_FORM_FROM, &from->data, &fgw, &none, why,
				    sizeof(why)) < 0) {
		log_info(LS_IKE, "IKE_SA_INIT from %s: malformed REDIRECTED_FROM (%s): dropped",
			 rbuf, why);
		return 1;
	}
	if (redirect_gw_parse(target, &gw) < 0)
		return 0;	/* the loader checked it */
	wr_init(&w, data, sizeof(data));
	redirect_encode(&w, &gw, ni->p, ni->len);
	if (!wr_ok(&w))
		return 0;
	log_info(LS_IKE, "IKE_SA_INIT from %s (connection %s%s%s): redirected to %s", rbuf,
		 conn->name, from ? ", redirected from " : "",
		 from ? redirect_gw_str(&fgw, fbuf, sizeof(fbuf)) : "", target);
	msg_send_stateless(e, &m->hdr, local, remote, N_REDIRECT, data, wr_len(&w));
	e->stats.redirects_sent++;
	return 1;
}

int redirect_gw_auth(struct ike_sa *sa, struct out_msg *o, uint8_t buf[2 + REDIRECT_GW_MAX])
{
	const char *target = sa->conn ? sa->conn->redirect_to : NULL;
	struct redirect_gw gw;
	struct wr w;

	if (!target || !sa->redir.peer_announced || redirect_gw_parse(target, &gw) < 0)
		return 0;
	wr_init(&w, buf, 2 + REDIRECT_GW_MAX);
	redirect_encode(&w, &gw, NULL, 0);
	if (!wr_ok(&w))
		return 0;
	out_notify(o, PROTO_NONE, N_REDIRECT, buf, wr_len(&w));
	sa->eng->stats.redirects_sent++;
	log_info(LS_IKE, "IKE SA %llu (%s): client authenticated, redirected to %s in IKE_AUTH",
		 (unsigned long long)sa->id, sa->conn->name, target);
	return 1;
}

static void on_redirect_ack(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *pkt,
			    size_t len)
{
	log_info(LS_IKE, "IKE SA %llu (%s): the client acknowledged the REDIRECT",
		 (unsigned long long)sa->id, sa->conn ? sa->conn->name : "-");
}

int redirect_send(struct ike_sa *sa, const struct redirect_gw *gw, char *err, size_t errlen)
{
	uint8_t data[2 + REDIRECT_GW_MAX];
	char gbuf[REDIRECT_GW_STRLEN];
	struct out_msg o;
	struct wr w;

	if (sa->state != IKE_SA_ESTABLISHED) {
		snprintf(err, errlen, "IKE SA %llu is not established", (unsigned long long)sa->id);
		return -1;
	}
	if (!sa->redir.peer_announced) {
		snprintf(err, errlen, "IKE SA %llu: the client sent no REDIRECT_SUPPORTED",
			 (unsigned long long)sa->id);
		return -1;
	}
	if (!ike_window_can_send(&sa->win)) {
		snprintf(err, errlen, "IKE SA %llu: a request is outstanding, try again",
			 (unsigned long long)sa->id);
		return -1;
	}
	wr_init(&w, data, sizeof(data));
	redirect_encode(&w, gw, NULL, 0);
	out_init(&o, INFORMATIONAL, 0, 0);
	out_notify(&o, PROTO_NONE, N_REDIRECT, data, wr_len(&w));
	if (!wr_ok(&w) || msg_send_request(sa, &o, on_redirect_ack, NULL) < 0) {
		snprintf(err, errlen, "IKE SA %llu: the REDIRECT could not be sent",
			 (unsigned long long)sa->id);
		return -1;
	}
	sa->eng->stats.redirects_sent++;
	log_info(LS_IKE, "IKE SA %llu (%s): redirecting the client to %s",
		 (unsigned long long)sa->id, sa->conn ? sa->conn->name : "-",
		 redirect_gw_str(gw, gbuf, sizeof(gbuf)));
	return 0;
}
