/*
 * IKE SA objects: creation, the one state function (with events), timers
 * (half-open timeout, liveness), keys, and destruction with everything
 * that hangs off an SA (CHILD SAs in the kernel, table entries, counters).
 */
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/codec/names.h"
#include "ike/auth/auth.h"
#include "ike/engine/cp.h"
#include "ike/engine/crypto_job.h"
#include "ike/engine/exchange.h"
#include "ike/engine/flows.h"

static int sa_tx(const uint8_t *pkt, size_t len, void *arg)
{
	struct ike_sa *sa = arg;

	return engine_send(sa->eng, &sa->local, &sa->remote, pkt, len);
}

static void sa_giveup(uint32_t msgid, void *arg)
{
	struct ike_sa *sa = arg;
	char buf[64];

	snprintf(buf, sizeof(buf), "no response to request %u", msgid);
	log_ctx_set(sa->conn ? sa->conn->name : NULL);	/* core/diag.c */
	ike_sa_lost(sa, buf);
	log_ctx_set(NULL);
}

static void on_half_open_timeout(void *arg)
{
	struct ike_sa *sa = arg;

	log_info(LS_IKE, "IKE SA %llu: half-open for %u s, deleted",
		 (unsigned long long)sa->id, ENGINE_HALF_OPEN_MS / 1000);
	sa->timed_out = 1;
	ike_sa_destroy(sa);
}

static void on_dpd(void *arg)
{
	struct ike_sa *sa = arg;
	struct engine *e = sa->eng;
	uint64_t delay = sa->conn ? sa->conn->dpd_delay * 1000 : 0;
	uint64_t now = loop_now_ms(e->loop), quiet = now - sa->last_rx_ms;

	/* a rekey of the IKE SA may still fail: liveness goes on meanwhile */
	if (!delay || (sa->state != IKE_SA_ESTABLISHED && sa->state != IKE_SA_REKEYING))
		return;
	if (quiet < delay) {
		timer_schedule(e->loop, &sa->dpd, delay - quiet);
		return;
	}
	/* Anything outstanding is a liveness check already (2.4). */
	if (ike_window_can_send(&sa->win))
		info_dpd(sa);
	timer_schedule(e->loop, &sa->dpd, delay);
}

/* RFC 3948 4: keep the NAT's mapping alive (strongSwan's default interval). */
#define KEEPALIVE_MS	20000

static void on_keepalive(void *arg)
{
	struct ike_sa *sa = arg;

	engine_send_keepalive(sa->eng, &sa->local, &sa->remote);
	timer_schedule(sa->eng->loop, &sa->keepalive, KEEPALIVE_MS);
}

/* IKE SA ids are our own counter, not chosen by a peer: a multiplicative
 * hash spreads them over the buckets. */
static uint64_t id_hash(uint64_t id)
{
	return id * 0x9e3779b97f4a7c15ull;
}

struct ike_sa *ike_sa_new(struct engine *e, int initiator, const struct addr *local,
			  const struct addr *remote, const struct conf_conn *conn)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));

	if (!sa)
		return NULL;
	sa->eng = e;
	sa->id = ++e->next_ike_id;
	sa->local = *local;
	sa->remote = *remote;
	sa->entry.initiator = initiator;
	sa->entry.peer = *remote;
	sa->created_ms = sa->last_rx_ms = loop_now_ms(e->loop);
	timer_init(&sa->timeout, on_half_open_timeout, sa);
	timer_init(&sa->dpd, on_dpd, sa);
	timer_init(&sa->keepalive, on_keepalive, sa);
	rekey_ike_init(sa);
	if (ike_window_init(&sa->win, e->loop, &e->retx, sa_tx, sa_giveup, sa) < 0 ||
	    sa_table_new_spi(&e->table, initiator ? &sa->entry.spi_i : &sa->entry.spi_r) < 0) {
		free(sa);
		return NULL;
	}
	sa->next = e->sas;
	if (e->sas)
		e->sas->prev = sa;
	e->sas = sa;
	hidx_insert(&e->sa_by_id, &sa->by_id, id_hash(sa->id));
	ike_sa_set_conn(sa, conn);
	e->stats.ike_sas++;
	return sa;
}

static void emit(struct engine *e, const struct engine_event *ev)
{
	if (e->ev_fn)
		e->ev_fn(ev, e->ev_arg);
}

int ike_sa_state(struct ike_sa *sa, enum ike_sa_state next)
{
	enum ike_sa_state old = sa->state;
	struct engine_event ev;

	if (ike_sa_set_state(&sa->state, next, sa->entry.spi_i, sa->entry.spi_r) < 0) {
		sa->eng->state_refused++;	/* a bug (logged): tests check none */
		return -1;
	}
	counters_ike_state(sa, old, next);
	memset(&ev, 0, sizeof(ev));
	ev.kind = ENGINE_EV_IKE_STATE;
	ev.ike_sa_id = sa->id;
	ev.conn = sa->conn ? sa->conn->name : NULL;
	ev.old_state = ike_sa_state_name(old);
	ev.new_state = ike_sa_state_name(next);
	ev.reason = counters_ike_fail_reason(sa, old, next);
	emit(sa->eng, &ev);
	return 0;
}

int child_sa_state(struct child_sa *c, enum child_sa_state next)
{
	enum child_sa_state old = c->state;
	struct engine_event ev;
	struct engine_updown ud;
	char why[128];

	if (child_sa_set_state(&c->state, next, c->spi_in, c->spi_out) < 0) {
		c->ike->eng->state_refused++;	/* a bug (logged): tests check none */
		return -1;
	}
	flows_update(c);
	if (next == CHILD_SA_REKEYED)
		c->ike->eng->stats.child_rekeys++;
	memset(&ev, 0, sizeof(ev));
	ev.kind = ENGINE_EV_CHILD_STATE;
	ev.ike_sa_id = c->ike->id;
	ev.child_sa_id = c->id;
	ev.conn = c->ike->conn ? c->ike->conn->name : NULL;
	ev.child = c->cfg ? c->cfg->name : NULL;
	ev.old_state = child_sa_state_name(old);
	ev.new_state = child_sa_state_name(next);
	ev.reason = child_fail_reason(c, next, why, sizeof(why));
	ev.updown = child_updown(c, old, next, &ud);
	emit(c->ike->eng, &ev);
	return 0;
}

static uint64_t conn_hash(const struct engine *e, const struct conf_conn *c)
{
	return hidx_hash(&e->flow_key, c->name, strlen(c->name));
}

void ike_sa_set_conn(struct ike_sa *sa, const struct conf_conn *conn)
{
	struct engine *e = sa->eng;

	if (sa->in_conn)
		hidx_remove(&e->sa_by_conn, &sa->by_conn);
	sa->in_conn = 0;
	sa->conn = conn;
	if (!conn)
		return;
	hidx_insert(&e->sa_by_conn, &sa->by_conn, conn_hash(e, conn));
	sa->in_conn = 1;
}

struct ike_sa *ike_sa_conn_first(struct engine *e, const struct conf_conn *conn)
{
	struct hnode *n = hidx_first(&e->sa_by_conn, conn_hash(e, conn));

	return n ? hidx_entry(n, struct ike_sa, by_conn) : NULL;
}

struct ike_sa *ike_sa_conn_next(const struct ike_sa *prev)
{
	struct hnode *n = hidx_next(&prev->by_conn, conn_hash(prev->eng, prev->conn));

	return n ? hidx_entry(n, struct ike_sa, by_conn) : NULL;
}

struct ike_sa *ike_sa_by_id(struct engine *e, uint64_t id)
{
	uint64_t h = id_hash(id);

	for (struct hnode *n = hidx_first(&e->sa_by_id, h); n; n = hidx_next(n, h)) {
		struct ike_sa *sa = hidx_entry(n, struct ike_sa, by_id);

		if (sa->id == id)
			return sa;
	}
	return NULL;
}

void ike_sa_alive(struct ike_sa *sa)
{
	sa->last_rx_ms = loop_now_ms(sa->eng->loop);
}

void ike_sa_check_alive(struct ike_sa *sa)
{
	if (sa->state != IKE_SA_ESTABLISHED)
		return;
	if (ike_window_can_send(&sa->win)) {
		log_info(LS_IKE, "IKE SA %llu: checking that the peer is alive",
			 (unsigned long long)sa->id);
		info_dpd(sa);
	}
}

void ike_sa_established(struct ike_sa *sa)
{
	struct engine *e = sa->eng;
	const struct ident *peer = &sa->remote_id;

	timer_cancel(e->loop, &sa->timeout);
	if (sa->halfopen) {
		halfopen_dec(&e->cookies, &sa->entry.peer);
		sa->halfopen = 0;
	}
	/* RealMessage1/2 served the AUTH payloads (2.15) and are not needed again */
	secret_free(&sa->init_req);
	secret_free(&sa->init_resp);
	/* the methods' state (auth/auth.h) goes once our last IKE_AUTH
	 * message is out (ike_auth.c): a responder's CERTs live there */
	sa->established_ms = loop_now_ms(e->loop);
	e->stats.ike_sas_established_total++;
	sa_table_set_id(&e->table, &sa->entry,
			sa_table_id_hash(&e->table, peer->type, peer->data, peer->len));
	if (sa->conn && sa->conn->dpd_delay)
		timer_schedule(e->loop, &sa->dpd, sa->conn->dpd_delay * 1000);
	if (sa->nat_local && sa->natt)
		timer_schedule(e->loop, &sa->keepalive, KEEPALIVE_MS);
	ike_sa_state(sa, IKE_SA_ESTABLISHED);
	rekey_ike_established(sa);
}

#define AFTER_MAX_CHILDREN	16

/*
 * Destroys sa, then applies per child cfg the action (enum conf_dpd_action
 * and conf_close_action share their values: 0 nothing, 1 trap, 2 start):
 * trap policies for "trap", one new IKE SA for "start"/"restart".
 */
static void destroy_then(struct ike_sa *sa, int dpd)
{
	struct engine *e = sa->eng;
	const struct conf_conn *conn = sa->conn;
	const struct conf_child *ch[AFTER_MAX_CHILDREN], *restart = NULL;
	size_t n = 0;
	char err[160];

	/* a rekey of the IKE SA under way does not make its children less ours */
	if (conn && (sa->state == IKE_SA_ESTABLISHED || sa->state == IKE_SA_REKEYING)) {
		for (struct child_sa *c = sa->children; c && n < AFTER_MAX_CHILDREN; c = c->next)
			if (!rekey_child_carried_on(c))	/* reauthentication */
				ch[n++] = c->cfg;
		if (!sa->children && sa->init_child)
			ch[n++] = sa->init_child;
	}
	ike_sa_destroy(sa);
	for (size_t i = 0; i < n; i++) {
		unsigned act = dpd ? conn->dpd_action : ch[i]->close_action;

		if (act == CONF_DPD_TRAP)
			trap_install_child(e, conn, ch[i]);
		else if (act == CONF_DPD_RESTART && !restart)
			restart = ch[i];
	}
	if (restart) {
		log_info(LS_IKE, "connection %s: %s, initiating again", conn->name,
			 dpd ? "dpd_action restart" : "close_action start");
		if (!engine_start(e, conn, restart, NULL, 0, err, sizeof(err)))
			log_err(LS_IKE, "connection %s: %s", conn->name, err);
	}
}

void ike_sa_lost(struct ike_sa *sa, const char *why)
{
	const struct conf_conn *conn = sa->conn;

	log_info(LS_IKE, "IKE SA %llu (%s): peer lost: %s; dpd_action %s",
		 (unsigned long long)sa->id, conn ? conn->name : "-", why,
		 conn ? conf_dpd_action_name(conn->dpd_action) : "-");
	sa->timed_out = 1;
	if (sa->established_ms)
		sa->eng->stats.peers_lost++;
	destroy_then(sa, 1);
}

void ike_sa_closed(struct ike_sa *sa)
{
	destroy_then(sa, 0);
}

int ike_sa_derive_keys(struct ike_sa *sa, const struct secret *gir)
{
	uint8_t spi_i[8], spi_r[8];
	struct ike_keys *k = &sa->keys;
	int init = sa->entry.initiator;

	spi_put(spi_i, sa->entry.spi_i);
	spi_put(spi_r, sa->entry.spi_r);
	if (ike_keys_derive(&sa->algs, gir, sa->ni.ptr, sa->ni.len, sa->nr.ptr, sa->nr.len,
			    spi_i, spi_r, k) != CR_OK ||
	    sk_init(&sa->sk_out, sa->algs.encr, sa->algs.integ, init ? &k->sk_ei : &k->sk_er,
		    init ? &k->sk_ai : &k->sk_ar) != CR_OK ||
	    sk_init(&sa->sk_in, sa->algs.encr, sa->algs.integ, init ? &k->sk_er : &k->sk_ei,
		    init ? &k->sk_ar : &k->sk_ai) != CR_OK) {
		log_err(LS_IKE, "IKE SA %llu: key derivation failed", (unsigned long long)sa->id);
		return -1;
	}
	sa->have_keys = 1;
	return 0;
}

size_t ike_id_body(const struct ident *id, uint8_t *out, size_t size)
{
	if (size < 4u + id->len)
		return 0;
	out[0] = id->type;
	out[1] = out[2] = out[3] = 0;
	memcpy(out + 4, id->data, id->len);
	return 4u + id->len;
}

static void unlink_sa(struct engine *e, struct ike_sa *sa)
{
	if (sa->prev)
		sa->prev->next = sa->next;
	else
		e->sas = sa->next;
	if (sa->next)
		sa->next->prev = sa->prev;
	sa->next = sa->prev = NULL;
	hidx_remove(&e->sa_by_id, &sa->by_id);
	if (sa->in_conn)
		hidx_remove(&e->sa_by_conn, &sa->by_conn);
	sa->in_conn = 0;
}

void ike_sa_destroy(struct ike_sa *sa)
{
	struct engine *e = sa->eng;

	rekey_ike_gone(sa);
	crypto_sa_gone(sa);
	while (sa->children)
		child_sa_destroy(sa->children);
	if (sa->pending_child)
		child_sa_destroy(sa->pending_child);
	cp_sa_gone(sa);
	if (sa->state != IKE_SA_DEAD)
		ike_sa_state(sa, IKE_SA_DEAD);
	timer_cancel(e->loop, &sa->timeout);
	timer_cancel(e->loop, &sa->dpd);
	timer_cancel(e->loop, &sa->keepalive);
	ike_window_free(&sa->win);
	if (sa->halfopen)
		halfopen_dec(&e->cookies, &sa->entry.peer);
	sa_table_remove(&e->table, &sa->entry);
	unlink_sa(e, sa);
	e->stats.ike_sas--;
	ke_free(sa->ke);
	secret_free(&sa->ni);
	secret_free(&sa->nr);
	secret_free(&sa->init_req);
	secret_free(&sa->init_resp);
	free(sa->eap);		/* ike_auth_eap.c's; no key material in it */
	ike_sa_frag_clear(sa, &sa->frag_req);
	ike_sa_frag_clear(sa, &sa->frag_resp);
	auth_state_free(sa);
	free(sa->offered);
	ike_keys_free(&sa->keys);
	sk_clear(&sa->sk_in);
	sk_clear(&sa->sk_out);
	memzero(sa, sizeof(*sa));
	free(sa);
}

void ike_sa_frag_clear(struct ike_sa *sa, struct frag_rx *r)
{
	sa->eng->frag_held -= frag_rx_held(r);
	frag_rx_clear(r);
}

int ike_sa_window_reset(struct ike_sa *sa)
{
	ike_window_free(&sa->win);
	return ike_window_init(&sa->win, sa->eng->loop, &sa->eng->retx, sa_tx, sa_giveup, sa);
}

int ike_sa_of_conn(const struct ike_sa *sa, const char *conn)
{
	return !conn || (sa->conn && strcmp(sa->conn->name, conn) == 0);
}

int engine_nonce(struct engine *e, struct secret *out)
{
	secret_free(out);
	if (e->test_nonce)
		return secret_dup(out, e->test_nonce, e->test_nonce_len);
	if (secret_alloc(out, ENGINE_NONCE_LEN) < 0)
		return -1;
	if (RAND_bytes(out->ptr, (int)out->len) != 1) {
		secret_free(out);
		log_err(LS_IKE, "nonce: RAND_bytes failed");
		return -1;
	}
	return 0;
}

void spi_put(uint8_t out[8], uint64_t spi)
{
	for (int i = 7; i >= 0; i--, spi >>= 8)
		out[i] = (uint8_t)spi;
}

uint64_t spi_get(const uint8_t b[8])
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}
