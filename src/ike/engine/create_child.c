/*
 * CREATE_CHILD_SA (RFC 7296 1.3), both roles.  The initiator's exchange is
 * a struct ccsa whose kind selects its ops once; the responder answers in
 * one pass.  Collisions (2.8.1, 2.8.2): when the peer's request rekeys the
 * SA our own request rekeys, we answer it and remember the SA it made; when
 * our answer arrives, the exchange holding the lowest of the four nonces
 * made the redundant SA, which its initiator deletes, and the initiator of
 * the surviving one deletes the old SA.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/codec/names.h"
#include "ike/engine/cp.h"
#include "ike/engine/child_pfs.h"
#include "ike/engine/child_nego.h"
#include "ike/engine/create_child.h"
#include "ike/engine/exchange.h"
#include "ike/engine/rekey.h"
#include "ike/sa/proposal_select.h"

#define CCSA_KE_MAX		1024	/* MODP-8192 public value */
#define CCSA_KE_RETRIES		2	/* INVALID_KE_PAYLOAD restarts */
#define CCSA_MAX_CHILDREN	64	/* per IKE SA; beyond: NO_ADDITIONAL_SAS */

enum ccsa_kind {
	CCSA_NEW_CHILD,
	CCSA_REKEY_CHILD,
	CCSA_REKEY_IKE,
};

struct ccsa;

struct ccsa_ops {
	const char *what;
	/* The peer's accepted answer: install, resolve collisions, delete. */
	int (*complete)(struct ccsa *x, const struct ike_msg *m);
	/* Refused (err: the notify, 0: unusable answer) or abandoned. */
	void (*failed)(struct ccsa *x, uint16_t err);
};

struct ccsa {
	enum ccsa_kind kind;
	const struct ccsa_ops *ops;
	struct ike_sa *sa;
	const struct conf_child *cfg;
	uint32_t reqid;
	struct child_sa *child;		/* being made, not yet installed */
	struct child_sa *old;		/* REKEY_CHILD; NULL once deleted */
	struct ike_sa *new_ike;		/* REKEY_IKE: ours, in the table */
	struct child_sa *coll_child;	/* made by the peer's colliding rekey */
	struct ike_sa *coll_ike;
	struct ke *ke;
	uint16_t group;
	unsigned ke_retries;
	struct secret ni;
	struct ike_proposal offered[IKE_MAX_PROPOSALS];
	size_t noffered;
};

/* ---- small helpers ---- */

int nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = memcmp(a, b, n);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static const struct secret *lower(const struct secret *a, const struct secret *b)
{
	return nonce_cmp(a->ptr, a->len, b->ptr, b->len) <= 0 ? a : b;
}

/* 2.8.1/2.8.2: 1 if our exchange (ni, nr) holds the lowest of the four. */
static int we_lose(const struct secret *our_ni, const struct secret *our_nr,
		   const struct secret *their_ni, const struct secret *their_nr)
{
	const struct secret *ours = lower(our_ni, our_nr), *theirs = lower(their_ni, their_nr);

	return nonce_cmp(ours->ptr, ours->len, theirs->ptr, theirs->len) < 0;
}

/* Our public value into pub (size CCSA_KE_MAX) and g^ir from the peer's. */
static int ke_exchange(struct ke *ke, const struct ike_pl_ke *peer, uint8_t *pub, size_t *publen,
		       struct secret *gir, const char *who)
{
	char why[128];
	struct wr w;

	wr_init(&w, pub, CCSA_KE_MAX);
	if (pub && ke_public(ke, &w) < 0)
		return -1;
	if (publen)
		*publen = wr_len(&w);
	if (ke_shared(ke, peer->data.p, peer->data.len, gir, why, sizeof(why)) != CR_OK) {
		log_info(LS_IKE, "%s: KE payload refused: %s", who, why);
		return -1;
	}
	return 0;
}

static int send_error(struct ike_sa *sa, const struct ike_msg *req, uint8_t proto, uint16_t type,
		      const void *spi, size_t spilen, const void *data, size_t len)
{
	struct out_msg o;
	struct ike_payload *p;

	log_info(LS_IKE, "IKE SA %llu: CREATE_CHILD_SA %u answered with %s",
		 (unsigned long long)sa->id, req->hdr.msgid, ike_notify_name(type));
	out_init(&o, CREATE_CHILD_SA, 1, req->hdr.msgid);
	if ((p = out_add(&o, PL_NOTIFY))) {
		p->u.notify.proto = proto;
		p->u.notify.type = type;
		p->u.notify.spi.p = spi;
		p->u.notify.spi.len = spilen;
		p->u.notify.data.p = data;
		p->u.notify.data.len = len;
	}
	return msg_send_response(sa, &o, NULL);
}

static struct child_sa *child_by_out_spi(struct ike_sa *sa, uint32_t spi)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->spi_out == spi)
			return c;
	return NULL;
}

static size_t child_count(const struct ike_sa *sa)
{
	size_t n = 0;

	for (const struct child_sa *c = sa->children; c; c = c->next)
		n++;
	return n;
}

/* 2.18: children and queued work follow the IKE SA that replaces sa. */
static void move_children(struct ike_sa *from, struct ike_sa *to)
{
	while (from->children) {
		struct child_sa *c = from->children;

		from->children = c->next;
		c->ike = to;
		c->next = to->children;
		to->children = c;
	}
	for (size_t i = 0; i < from->rk.nwant; i++)
		rekey_queue_child(to, from->rk.want_children[i]);
	for (size_t i = 0; i < from->rk.nwant_new; i++)
		rekey_queue_new(to, from->rk.want_new[i], from->rk.want_new_reqid[i]);
	from->rk.nwant = from->rk.nwant_new = 0;
	to->init_child = from->init_child;
	cp_sa_move(from, to);	/* the virtual addresses stay the peer's */
	log_info(LS_IKE, "IKE SA %llu replaced by IKE SA %llu: CHILD SAs moved",
		 (unsigned long long)from->id, (unsigned long long)to->id);
}

/* A new IKE SA standing in for old (2.18): same peer, identities, NAT. */
static struct ike_sa *ike_twin(struct ike_sa *old, int initiator)
{
	struct ike_sa *n = ike_sa_new(old->eng, initiator, &old->local, &old->remote, old->conn);

	if (!n)
		return NULL;
	n->entry.peer = old->entry.peer;
	n->natt = old->natt;
	n->nat_local = old->nat_local;
	n->nat_remote = old->nat_remote;
	n->nat_fake = old->nat_fake;
	n->frag_ok = old->frag_ok;	/* RFC 7383 2.3: the rekeyed SA keeps it */
	n->redir = old->redir;		/* RFC 5685: so does redirect support */
	n->local_id = old->local_id;
	n->remote_id = old->remote_id;
	n->init_child = old->init_child;
	return n;
}

/* 2.18: SKEYSEED from the old SA's SK_d, then the usual SK_* and contexts. */
static int ike_twin_keys(struct ike_sa *n, const struct ike_sa *old, const struct secret *gir)
{
	uint8_t spi_i[8], spi_r[8];
	struct ike_keys *k = &n->keys;
	int init = n->entry.initiator;

	spi_put(spi_i, n->entry.spi_i);
	spi_put(spi_r, n->entry.spi_r);
	if (prop_algs(&n->prop, &n->algs) < 0 ||
	    ike_keys_rekey(old->algs.prf, &old->keys.sk_d, &n->algs, gir, n->ni.ptr, n->ni.len,
			   n->nr.ptr, n->nr.len, spi_i, spi_r, k) != CR_OK ||
	    sk_init(&n->sk_out, n->algs.encr, n->algs.integ, init ? &k->sk_ei : &k->sk_er,
		    init ? &k->sk_ai : &k->sk_ar) != CR_OK ||
	    sk_init(&n->sk_in, n->algs.encr, n->algs.integ, init ? &k->sk_er : &k->sk_ei,
		    init ? &k->sk_ar : &k->sk_ai) != CR_OK) {
		log_err(LS_IKE, "IKE SA %llu: keys of the rekeyed SA could not be derived",
			(unsigned long long)n->id);
		return -1;
	}
	n->have_keys = 1;
	return 0;
}

/* ---- initiator ---- */

static void ccsa_rx_response(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *pkt,
			     size_t len);

void ccsa_free(struct ccsa *x)
{
	struct child_sa *c;
	struct ike_sa *n;

	if (!x)
		return;
	if (x->sa->rk.req == x)
		x->sa->rk.req = NULL;
	c = x->child;
	n = x->new_ike;
	x->child = NULL;
	x->new_ike = NULL;
	if (c)
		child_sa_destroy(c);
	if (n)
		ike_sa_destroy(n);
	ke_free(x->ke);
	secret_free(&x->ni);
	free(x);
}

uint32_t ccsa_new_reqid(const struct ccsa *x)
{
	return x && x->kind == CCSA_NEW_CHILD && x->child ? x->child->reqid : 0;
}

void ccsa_forget_child(struct ccsa *x, const struct child_sa *c)
{
	if (!x)
		return;
	if (x->old == c)
		x->old = NULL;
	if (x->coll_child == c)
		x->coll_child = NULL;
	if (x->child == c)
		x->child = NULL;
}

void ccsa_forget_ike(struct ccsa *x, const struct ike_sa *n)
{
	if (!x)
		return;
	if (x->coll_ike == n)
		x->coll_ike = NULL;
	if (x->new_ike == n)
		x->new_ike = NULL;
}

int ccsa_peer_deletes_ike(struct ike_sa *sa)
{
	struct ccsa *x = sa->rk.req;

	if (!x || x->kind != CCSA_REKEY_IKE || !x->coll_ike)
		return 0;
	log_info(LS_IKE, "IKE SA %llu: deleted by the peer during a rekey collision; "
		 "the peer's IKE SA %llu carries on", (unsigned long long)sa->id,
		 (unsigned long long)x->coll_ike->id);
	sa->rk.req = NULL;
	x->ops->failed(x, 0);	/* with coll_ike: the children move there */
	ccsa_free(x);
	return 1;
}

static enum ccsa_start ccsa_send(struct ccsa *x)
{
	struct ike_sa *sa = x->sa;
	uint8_t pub[CCSA_KE_MAX], spi[4];
	struct ike_payload *p;
	struct out_msg m;
	struct wr w;

	if (sa->rk.req || !ike_window_can_send(&sa->win))
		return CCSA_BUSY;
	secret_free(&x->ni);
	if (engine_nonce(sa->eng, &x->ni) < 0 || (x->group && !x->ke && !(x->ke = ke_new(x->group))))
		return CCSA_FAILED;
	wr_init(&w, pub, sizeof(pub));
	if (x->ke && ke_public(x->ke, &w) < 0)
		return CCSA_FAILED;
	out_init(&m, CREATE_CHILD_SA, 0, 0);
	if (x->kind == CCSA_REKEY_CHILD && (p = out_add(&m, PL_NOTIFY))) {
		uint32_t v = x->old->spi_in;

		for (int i = 3; i >= 0; i--, v >>= 8)
			spi[i] = (uint8_t)v;
		p->u.notify.proto = PROTO_ESP;
		p->u.notify.type = N_REKEY_SA;
		p->u.notify.spi.p = spi;
		p->u.notify.spi.len = 4;
	}
	out_sa(&m, x->offered, x->noffered);
	out_nonce(&m, &x->ni);
	if (x->ke)
		out_ke(&m, x->group, pub, wr_len(&w));
	if (x->child) {
		out_ts(&m, PL_TSI, &x->child->local_ts);
		out_ts(&m, PL_TSR, &x->child->remote_ts);
		if (x->child->mode == CONF_MODE_TRANSPORT)
			out_notify(&m, PROTO_NONE, N_USE_TRANSPORT_MODE, NULL, 0);
	}
	if (msg_send_request(sa, &m, ccsa_rx_response, NULL) < 0)
		return CCSA_FAILED;
	sa->rk.req = x;
	log_info(LS_IKE, "IKE SA %llu: CREATE_CHILD_SA request %u sent (%s%s%s)",
		 (unsigned long long)sa->id, m.msgid, x->ops->what, x->group ? ", KE " : "",
		 x->group ? ike_transform_id_name(TT_KE, x->group) : "");
	return CCSA_SENT;
}

/* 2.9: the packet's selector goes first, the configured ones follow. */
/* The CHILD SA to offer: selectors (2.9: the ACQUIRE's packet first), ESP
 * proposals with our new inbound SPI, and the KE group of the first. */
static int child_offer(struct ccsa *x, const struct ike_ts *acq)
{
	struct child_sa *c = child_sa_new(x->sa, x->cfg);
	const struct child_sa *old = x->old;

	if (!c)
		return -1;
	x->child = c;
	c->rk.kx_role = 1;
	if (x->reqid)
		c->reqid = x->reqid;
	if (old)
		c->xfrm = old->xfrm;
	if (acq) {
		c->have_acquire_ts = 1;
		c->acquire_src = acq[0];
		c->acquire_dst = acq[1];
	}
	child_nego_offer_ts(c, old);
	if (child_nego_offer_props(c, 1, x->offered, &x->noffered) < 0)
		return -1;
	child_pfs_offer(x->sa, x->cfg, old ? &old->prop : NULL, x->offered, x->noffered);
	x->group = prop_xf_id(&x->offered[0], TT_KE);
	/* a rekey starts with the group the SA it replaces agreed on (no
	 * INVALID_KE_PAYLOAD round trip every time) */
	if (old && x->group && prop_xf_id(&old->prop, TT_KE) &&
	    proposal_offers(x->offered, x->noffered, TT_KE, prop_xf_id(&old->prop, TT_KE)))
		x->group = prop_xf_id(&old->prop, TT_KE);
	return 0;
}

static const struct ccsa_ops new_child_ops, rekey_child_ops, rekey_ike_ops;

static struct ccsa *ccsa_alloc(struct ike_sa *sa, enum ccsa_kind kind)
{
	struct ccsa *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->kind = kind;
	x->sa = sa;
	x->ops = kind == CCSA_NEW_CHILD ? &new_child_ops :
		 kind == CCSA_REKEY_CHILD ? &rekey_child_ops : &rekey_ike_ops;
	return x;
}

static int ready(const struct ike_sa *sa)
{
	return sa->state == IKE_SA_ESTABLISHED && sa->have_keys && !sa->rk.req &&
	       ike_window_can_send(&sa->win);
}

enum ccsa_start ccsa_new_child(struct ike_sa *sa, const struct conf_child *cfg, uint32_t reqid,
			       const struct ike_ts *acq)
{
	struct ccsa *x;
	enum ccsa_start rc;

	if (sa->state != IKE_SA_ESTABLISHED)
		return CCSA_FAILED;
	if (!ready(sa))
		return CCSA_BUSY;
	if (!(x = ccsa_alloc(sa, CCSA_NEW_CHILD)))
		return CCSA_FAILED;
	x->cfg = cfg;
	x->reqid = reqid;
	if (child_offer(x, acq) < 0 || (rc = ccsa_send(x)) != CCSA_SENT) {
		ccsa_free(x);
		return CCSA_FAILED;
	}
	return rc;
}

enum ccsa_start ccsa_rekey_child(struct child_sa *old)
{
	struct ike_sa *sa = old->ike;
	struct ccsa *x;

	if (old->state != CHILD_SA_INSTALLED || sa->state != IKE_SA_ESTABLISHED)
		return CCSA_FAILED;
	if (!ready(sa))
		return CCSA_BUSY;
	if (!(x = ccsa_alloc(sa, CCSA_REKEY_CHILD)))
		return CCSA_FAILED;
	x->cfg = old->cfg;
	x->old = old;
	x->reqid = old->reqid;
	if (child_offer(x, NULL) < 0 || ccsa_send(x) != CCSA_SENT) {
		ccsa_free(x);
		return CCSA_FAILED;
	}
	child_sa_state(old, CHILD_SA_REKEYING);
	return CCSA_SENT;
}

enum ccsa_start ccsa_rekey_ike(struct ike_sa *sa)
{
	struct ccsa *x;
	uint8_t spi[8];

	if (sa->state != IKE_SA_ESTABLISHED || !sa->conn)
		return CCSA_FAILED;
	if (!ready(sa))
		return CCSA_BUSY;
	if (!(x = ccsa_alloc(sa, CCSA_REKEY_IKE)))
		return CCSA_FAILED;
	x->new_ike = ike_twin(sa, 1);
	if (!x->new_ike || sa_table_insert(&sa->eng->table, &x->new_ike->entry) < 0 ||
	    conf_proposals(&sa->conn->proposals, PROTO_IKE, x->offered, &x->noffered) < 0 ||
	    !x->noffered)
		goto fail;
	x->new_ike->rk.twin_of = sa;
	spi_put(spi, x->new_ike->entry.spi_i);
	for (size_t i = 0; i < x->noffered; i++) {
		x->offered[i].spi_size = 8;
		memcpy(x->offered[i].spi, spi, 8);
	}
	/* 2.18: the group in use first; the first proposal's otherwise. */
	x->group = sa->ke_group ? sa->ke_group : prop_xf_id(&x->offered[0], TT_KE);
	if (ccsa_send(x) != CCSA_SENT)
		goto fail;
	ike_sa_state(sa, IKE_SA_REKEYING);
	return CCSA_SENT;
fail:
	ccsa_free(x);
	return CCSA_FAILED;
}

/* Any group of any proposal we sent: "aes256gcm16-ecp256-x25519" offers
 * both in one proposal (strongSwan's syntax and ours). */
static int offered_group(const struct ccsa *x, uint16_t group)
{
	return proposal_offers(x->offered, x->noffered, TT_KE, group);
}

/* 1.2/1.3: once more with the group the responder asks for, if we offered it. */
static int retry_ke(struct ccsa *x, const struct ike_pl_notify *n)
{
	uint16_t g = n->data.len == 2 ? (uint16_t)(n->data.p[0] << 8 | n->data.p[1]) : 0;

	if (!g || g == x->group || !offered_group(x, g) || x->ke_retries >= CCSA_KE_RETRIES) {
		log_info(LS_IKE, "IKE SA %llu: INVALID_KE_PAYLOAD asking for %s not followed "
			 "(sent %s, %u retries)", (unsigned long long)x->sa->id,
			 ike_transform_id_name(TT_KE, g), ike_transform_id_name(TT_KE, x->group),
			 x->ke_retries);
		return -1;
	}
	log_info(LS_IKE, "IKE SA %llu: peer wants %s instead of %s for %s, retrying",
		 (unsigned long long)x->sa->id, ike_transform_id_name(TT_KE, g),
		 ike_transform_id_name(TT_KE, x->group), x->ops->what);
	x->ke_retries++;
	ke_free(x->ke);
	x->ke = NULL;
	x->group = g;
	return ccsa_send(x) == CCSA_SENT ? 0 : -1;
}

static void ccsa_rx_response(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *pkt,
			     size_t len)
{
	struct ccsa *x = sa->rk.req;
	const struct ike_pl_notify *n;
	uint16_t err;

	(void)pkt;
	(void)len;
	if (!x)
		return;
	sa->rk.req = NULL;
	if ((n = ike_msg_notify(m, N_INVALID_KE_PAYLOAD))) {
		if (retry_ke(x, n) == 0)
			return;
		err = N_INVALID_KE_PAYLOAD;
	} else {
		err = msg_error(m);
	}
	/* pfs = accept: once more with the IKE SA's group (child_pfs.c) */
	if (err == N_NO_PROPOSAL_CHOSEN && x->child && !x->coll_child &&
	    (x->kind == CCSA_NEW_CHILD || x->old) &&
	    child_pfs_retry(sa, x->cfg, x->kind == CCSA_REKEY_CHILD, x->offered, x->noffered) == 0) {
		x->group = sa->ke_group;
		if (ccsa_send(x) == CCSA_SENT)
			return;
	}
	if (err) {
		log_info(LS_IKE, "IKE SA %llu: CREATE_CHILD_SA (%s) refused: %s",
			 (unsigned long long)sa->id, x->ops->what, ike_notify_name(err));
		x->ops->failed(x, err);
	} else if (x->ops->complete(x, m) < 0) {
		x->ops->failed(x, 0);
	} else {
		sa->rk.tempfail = 0;
	}
	ccsa_free(x);
	rekey_window_free(sa);
}

/* The responder's answer for our CHILD SA: proposal, selectors, KE. */
static int child_answer(struct ccsa *x, const struct ike_msg *m, struct secret *gir)
{
	const struct ike_payload *psa = msg_pl(m, PL_SA), *pke = msg_pl(m, PL_KE);
	const struct ike_payload *pn = msg_pl(m, PL_NONCE);
	struct child_sa *c = x->child;
	char who[64];

	if (!psa || !pn || child_nego_take_answer(c, m, x->offered, x->noffered, 0) < 0)
		return -1;
	if (prop_xf_id(&c->prop, TT_KE) != x->group ||
	    (x->group && (!pke || pke->u.ke.group != x->group))) {
		log_info(LS_CHD, "IKE SA %llu: CREATE_CHILD_SA answer for %s not acceptable: "
			 "KE group %u, we asked for %u", (unsigned long long)x->sa->id,
			 x->cfg->name, prop_xf_id(&c->prop, TT_KE), x->group);
		return -1;
	}
	snprintf(who, sizeof(who), "IKE SA %llu", (unsigned long long)x->sa->id);
	if (x->group && ke_exchange(x->ke, &pke->u.ke, NULL, NULL, gir, who) < 0)
		return -1;
	if (secret_dup(&c->rk.ni, x->ni.ptr, x->ni.len) < 0 ||
	    secret_dup(&c->rk.nr, pn->u.nonce.p, pn->u.nonce.len) < 0)
		return -1;
	return 0;
}

static int install_answer(struct ccsa *x, const struct ike_msg *m)
{
	struct secret gir = { 0 };
	struct child_sa *c = x->child;
	int rc = -1;

	if (child_answer(x, m, &gir) < 0 || child_sa_install(c, gir.ptr ? &gir : NULL) < 0)
		goto out;
	x->child = NULL;	/* the IKE SA's now */
	rc = 0;
out:
	secret_free(&gir);
	return rc;
}

static int new_child_complete(struct ccsa *x, const struct ike_msg *m)
{
	return install_answer(x, m);
}

static void new_child_failed(struct ccsa *x, uint16_t err)
{
	log_info(LS_CHD, "IKE SA %llu: CHILD SA %s not created", (unsigned long long)x->sa->id,
		 x->cfg->name);
	if (x->child)
		x->child->notify_err = err;	/* its event tells why (ccsa_free) */
	if (err == N_TEMPORARY_FAILURE) {
		rekey_queue_new(x->sa, x->cfg, x->reqid);
		rekey_retry_later(x->sa);
	}
}

static int rekey_child_complete(struct ccsa *x, const struct ike_msg *m)
{
	struct child_sa *c = x->child, *old = x->old, *coll = x->coll_child;

	if (install_answer(x, m) < 0)
		return -1;
	if (coll && we_lose(&c->rk.ni, &c->rk.nr, &coll->rk.ni, &coll->rk.nr)) {
		/* 2.8.1: our SA holds the lowest nonce: we close it, the peer
		 * closes the old one */
		log_info(LS_CHD, "CHILD SA %s: rekey collision lost, deleting our %08x",
			 c->cfg->name, c->spi_in);
		if (old && child_sa_state(old, CHILD_SA_REKEYED) == 0)
			rekey_child_superseded(old);
		rekey_delete_child(c);
		return 0;
	}
	if (coll) {
		log_info(LS_CHD, "CHILD SA %s: rekey collision won, the peer deletes %08x",
			 c->cfg->name, coll->spi_in);
		coll->rk.redundant = 1;
	}
	if (!old) {
		/* the peer deleted the SA meanwhile (2.25.1): it wanted it gone */
		log_info(LS_CHD, "CHILD SA %s: deleted by the peer during its rekey, deleting "
			 "the new %08x too", c->cfg->name, c->spi_in);
		rekey_delete_child(c);
		return 0;
	}
	child_sa_state(old, CHILD_SA_REKEYED);
	rekey_delete_child(old);
	return 0;
}

static void rekey_child_failed(struct ccsa *x, uint16_t err)
{
	struct child_sa *old = x->old;

	if (!old)
		return;
	if (x->coll_child) {
		/* the peer's rekey stands: it deletes the old SA */
		if (child_sa_state(old, CHILD_SA_REKEYED) == 0)
			rekey_child_superseded(old);
		return;
	}
	if (err == N_CHILD_SA_NOT_FOUND) {
		log_info(LS_CHD, "CHILD SA %s %08x unknown to the peer: removed",
			 old->cfg->name, old->spi_in);
		child_sa_destroy(old);
		return;
	}
	child_sa_state(old, CHILD_SA_INSTALLED);
	if (err == N_TEMPORARY_FAILURE) {
		rekey_queue_child(x->sa, old->id);
		rekey_retry_later(x->sa);
	} else {
		rekey_child_retry(old);
	}
}

static int ike_answer(struct ccsa *x, const struct ike_msg *m)
{
	const struct ike_payload *psa = msg_pl(m, PL_SA), *pke = msg_pl(m, PL_KE);
	const struct ike_payload *pn = msg_pl(m, PL_NONCE);
	struct ike_sa *sa = x->sa, *n = x->new_ike;
	struct secret gir = { 0 };
	const struct ike_proposal *a;
	char who[64];
	int rc = -1;

	if (!psa || !pn || !pke || psa->u.sa.nprop != 1 || psa->u.sa.unacceptable)
		return -1;
	a = &psa->u.sa.prop[0];
	if (proposal_check_answer(x->offered, x->noffered, a, 0) < 0 || a->spi_size != 8 ||
	    !spi_get(a->spi) || prop_xf_id(a, TT_KE) != x->group || pke->u.ke.group != x->group) {
		char buf[PROPOSAL_STRLEN];

		log_info(LS_IKE, "IKE SA %llu: rekey answer not acceptable: %s",
			 (unsigned long long)sa->id, proposal_str(a, buf, sizeof(buf)));
		return -1;
	}
	snprintf(who, sizeof(who), "IKE SA %llu", (unsigned long long)sa->id);
	n->prop = *a;
	n->ke_group = x->group;
	if (ke_exchange(x->ke, &pke->u.ke, NULL, NULL, &gir, who) < 0 ||
	    sa_table_set_spi_r(&sa->eng->table, &n->entry, spi_get(a->spi)) < 0 ||
	    secret_dup(&n->ni, x->ni.ptr, x->ni.len) < 0 ||
	    secret_dup(&n->nr, pn->u.nonce.p, pn->u.nonce.len) < 0 || ike_twin_keys(n, sa, &gir) < 0)
		goto out;
	rc = 0;
out:
	secret_free(&gir);
	return rc;
}

static int rekey_ike_complete(struct ccsa *x, const struct ike_msg *m)
{
	struct ike_sa *sa = x->sa, *n = x->new_ike, *coll = x->coll_ike;

	if (ike_answer(x, m) < 0)
		return -1;
	x->new_ike = NULL;	/* stands on its own now */
	n->rk.twin_of = NULL;
	ike_sa_established(n);
	ike_sa_state(sa, IKE_SA_REKEYED);
	rekey_ike_superseded(sa);
	if (coll && we_lose(&n->ni, &n->nr, &coll->ni, &coll->nr)) {
		/* 2.8.2: ours is redundant; the peer's new SA takes the children
		 * and the peer deletes the old one */
		log_info(LS_IKE, "IKE SA %llu: rekey collision lost, deleting our IKE SA %llu",
			 (unsigned long long)sa->id, (unsigned long long)n->id);
		coll->rk.twin_of = NULL;
		move_children(sa, coll);
		info_delete_ike(n);
		rekey_window_free(coll);
		return 0;
	}
	if (coll) {
		/* resolved: coll no longer refers to x, which goes with this answer
		 * (sa may be gone before the peer deletes coll) */
		coll->rk.twin_of = NULL;
		log_info(LS_IKE, "IKE SA %llu: rekey collision won, the peer deletes IKE SA %llu",
			 (unsigned long long)sa->id, (unsigned long long)coll->id);
	}
	move_children(sa, n);
	/* deleted once this response is handled (rekey_window_free) */
	sa->rk.want_delete = 1;
	rekey_window_free(n);
	return 0;
}

static void rekey_ike_failed(struct ccsa *x, uint16_t err)
{
	struct ike_sa *sa = x->sa;

	if (x->coll_ike) {
		struct ike_sa *coll = x->coll_ike;

		coll->rk.twin_of = NULL;
		ike_sa_state(sa, IKE_SA_REKEYED);
		rekey_ike_superseded(sa);
		move_children(sa, coll);
		rekey_window_free(coll);
		return;
	}
	ike_sa_state(sa, IKE_SA_ESTABLISHED);
	if (err == N_TEMPORARY_FAILURE) {
		sa->rk.want_ike = 1;
		rekey_retry_later(sa);
	} else {
		rekey_ike_retry(sa);
	}
}

static const struct ccsa_ops new_child_ops = {
	"new CHILD SA", new_child_complete, new_child_failed,
};
static const struct ccsa_ops rekey_child_ops = {
	"CHILD SA rekey", rekey_child_complete, rekey_child_failed,
};
static const struct ccsa_ops rekey_ike_ops = {
	"IKE SA rekey", rekey_ike_complete, rekey_ike_failed,
};

/* ---- responder ---- */

/* The KE payload the chosen group needs: 0, or the notify to answer. */
static uint16_t check_ke(const struct ike_msg *m, uint16_t group, uint8_t grp[2])
{
	const struct ike_payload *pke = msg_pl(m, PL_KE);

	grp[0] = (uint8_t)(group >> 8);
	grp[1] = (uint8_t)group;
	if (group && (!pke || pke->u.ke.group != group))
		return N_INVALID_KE_PAYLOAD;
	return 0;
}

/* Negotiate, install and answer one CHILD SA; old: the SA it rekeys. */
static struct child_sa *respond_child(struct ike_sa *sa, const struct ike_msg *m,
				      struct child_sa *old)
{
	const struct ike_slice *ni = &msg_pl(m, PL_NONCE)->u.nonce;
	uint8_t pub[CCSA_KE_MAX], grp[2];
	struct secret nr = { 0 }, gir = { 0 };
	struct child_sa *c = NULL;
	struct child_choice ch;
	struct ke *ke = NULL;
	struct out_msg o;
	uint16_t group, err;
	size_t publen = 0;

	memset(&ch, 0, sizeof(ch));
	if ((err = child_nego_choose(sa, m, old ? old->cfg : NULL, 0, "CREATE_CHILD_SA", &ch)))
		goto refuse;
	group = prop_xf_id(&ch.chosen, TT_KE);
	if ((err = check_ke(m, group, grp))) {
		send_error(sa, m, PROTO_NONE, err, NULL, 0, grp, 2);
		return NULL;
	}
	err = N_NO_PROPOSAL_CHOSEN;
	if (engine_nonce(sa->eng, &nr) < 0 || (group && !(ke = ke_new(group))) ||
	    (ke && ke_exchange(ke, &msg_pl(m, PL_KE)->u.ke, pub, &publen, &gir, "CREATE_CHILD_SA")))
		goto refuse;
	if (!(c = child_sa_new(sa, ch.cfg)))
		goto refuse;
	c->rk.kx_role = 2;
	if (old) {
		c->reqid = old->reqid;
		c->xfrm = old->xfrm;
		c->rk.defer_out = 1;
	}
	if (child_nego_adopt(c, &ch) < 0 || secret_dup(&c->rk.ni, ni->p, ni->len) < 0 ||
	    secret_dup(&c->rk.nr, nr.ptr, nr.len) < 0 || child_sa_alloc_spi(c) < 0 ||
	    child_sa_install(c, gir.ptr ? &gir : NULL) < 0) {
		child_sa_destroy(c);
		c = NULL;
		goto refuse;
	}
	prop_spi32_set(&ch.chosen, c->spi_in);
	out_init(&o, CREATE_CHILD_SA, 1, m->hdr.msgid);
	out_sa(&o, &ch.chosen, 1);
	out_nonce(&o, &nr);
	if (ke)
		out_ke(&o, group, pub, publen);
	out_ts(&o, PL_TSI, &ch.tsi);
	out_ts(&o, PL_TSR, &ch.tsr);
	if (ch.transport)
		out_notify(&o, PROTO_NONE, N_USE_TRANSPORT_MODE, NULL, 0);
	if (msg_send_response(sa, &o, NULL) < 0)
		log_err(LS_CHD, "IKE SA %llu: CREATE_CHILD_SA response not sent",
			(unsigned long long)sa->id);
	goto out;
refuse:
	send_error(sa, m, PROTO_NONE, err, NULL, 0, NULL, 0);
out:
	ke_free(ke);
	secret_free(&nr);
	secret_free(&gir);
	return c;
}

static void rx_rekey_child(struct ike_sa *sa, const struct ike_msg *m,
			   const struct ike_pl_notify *rk)
{
	uint32_t spi = spi32_get(rk->spi.p, rk->spi.len);
	struct child_sa *old = spi ? child_by_out_spi(sa, spi) : NULL, *c;
	struct ccsa *x = sa->rk.req;

	if (!old || rk->proto != PROTO_ESP) {
		log_info(LS_CHD, "IKE SA %llu: rekey of unknown CHILD SA %08x", (unsigned long long)sa->id,
			 spi);
		send_error(sa, m, rk->proto, N_CHILD_SA_NOT_FOUND, rk->spi.p, rk->spi.len, NULL, 0);
		return;
	}
	if (old->state != CHILD_SA_INSTALLED && old->state != CHILD_SA_REKEYING) {
		/* 2.25.1: being deleted (or already replaced) */
		send_error(sa, m, PROTO_NONE, N_TEMPORARY_FAILURE, NULL, 0, NULL, 0);
		return;
	}
	if (!(c = respond_child(sa, m, old)))
		return;
	if (old->state == CHILD_SA_REKEYING && x && x->old == old) {
		log_info(LS_CHD, "CHILD SA %s %08x: rekey collision, the nonces decide",
			 old->cfg->name, old->spi_in);
		x->coll_child = c;
		return;
	}
	if (child_sa_state(old, CHILD_SA_REKEYED) == 0)
		rekey_child_superseded(old);
}

static void rx_new_child(struct ike_sa *sa, const struct ike_msg *m)
{
	if (child_count(sa) >= CCSA_MAX_CHILDREN) {
		send_error(sa, m, PROTO_NONE, N_NO_ADDITIONAL_SAS, NULL, 0, NULL, 0);
		return;
	}
	respond_child(sa, m, NULL);
}

/* 2.18 responder: the new IKE SA, keyed from ours; 0 or the notify. */
static uint16_t respond_ike(struct ike_sa *sa, const struct ike_msg *m, struct ike_sa **out)
{
	const struct ike_pl_sa *psa = &msg_pl(m, PL_SA)->u.sa;
	const struct ike_slice *ni = &msg_pl(m, PL_NONCE)->u.nonce;
	struct ike_proposal ours[IKE_MAX_PROPOSALS], peer[IKE_MAX_PROPOSALS], chosen;
	size_t nours, npeer = prop_usable(psa, peer);
	uint8_t pub[CCSA_KE_MAX], grp[2];
	struct secret gir = { 0 };
	struct ike_sa *n = NULL;
	struct out_msg o;
	size_t publen = 0;
	uint16_t group, err = N_NO_PROPOSAL_CHOSEN;

	if (conf_proposals(&sa->conn->proposals, PROTO_IKE, ours, &nours) < 0 ||
	    proposal_select(ours, nours, peer, npeer, 0, &chosen) < 0 || chosen.spi_size != 8 ||
	    !spi_get(chosen.spi))
		return err;
	group = prop_xf_id(&chosen, TT_KE);
	if (!group)
		return err;	/* 2.18: an IKE SA rekey always carries a KE */
	if (check_ke(m, group, grp)) {
		send_error(sa, m, PROTO_NONE, N_INVALID_KE_PAYLOAD, NULL, 0, grp, 2);
		return 0;
	}
	if (!(n = ike_twin(sa, 0)))
		return err;
	n->entry.spi_i = spi_get(chosen.spi);
	n->prop = chosen;
	n->ke_group = group;
	if (sa_table_insert(&sa->eng->table, &n->entry) < 0 || !(n->ke = ke_new(group)) ||
	    ke_exchange(n->ke, &msg_pl(m, PL_KE)->u.ke, pub, &publen, &gir, "IKE SA rekey") < 0 ||
	    secret_dup(&n->ni, ni->p, ni->len) < 0 || engine_nonce(sa->eng, &n->nr) < 0 ||
	    ike_twin_keys(n, sa, &gir) < 0) {
		ike_sa_destroy(n);
		secret_free(&gir);
		return err;
	}
	secret_free(&gir);
	ke_free(n->ke);
	n->ke = NULL;
	spi_put(chosen.spi, n->entry.spi_r);
	out_init(&o, CREATE_CHILD_SA, 1, m->hdr.msgid);
	out_sa(&o, &chosen, 1);
	out_nonce(&o, &n->nr);
	out_ke(&o, group, pub, publen);
	if (msg_send_response(sa, &o, NULL) < 0) {
		ike_sa_destroy(n);
		return 0;
	}
	ike_sa_established(n);
	*out = n;
	return 0;
}

static void rx_rekey_ike(struct ike_sa *sa, const struct ike_msg *m)
{
	struct ccsa *x = sa->rk.req;
	struct ike_sa *n = NULL;
	uint16_t err;

	if (x && x->kind != CCSA_REKEY_IKE) {
		/* 2.25.2: a CHILD SA exchange of ours would land on the old SA */
		send_error(sa, m, PROTO_NONE, N_TEMPORARY_FAILURE, NULL, 0, NULL, 0);
		return;
	}
	if ((err = respond_ike(sa, m, &n))) {
		send_error(sa, m, PROTO_NONE, err, NULL, 0, NULL, 0);
		return;
	}
	if (!n)
		return;
	if (x) {
		log_info(LS_IKE, "IKE SA %llu: rekey collision, the nonces decide",
			 (unsigned long long)sa->id);
		x->coll_ike = n;
		n->rk.twin_of = sa;
		return;
	}
	ike_sa_state(sa, IKE_SA_REKEYED);
	rekey_ike_superseded(sa);
	move_children(sa, n);
	rekey_window_free(n);
}

void create_child_rx_request(struct ike_sa *sa, const struct ike_msg *m)
{
	const struct ike_payload *psa = msg_pl(m, PL_SA);
	const struct ike_pl_notify *rk = ike_msg_notify(m, N_REKEY_SA);

	if (!psa || !msg_pl(m, PL_NONCE) || !sa->conn) {
		send_error(sa, m, PROTO_NONE, N_INVALID_SYNTAX, NULL, 0, NULL, 0);
		return;
	}
	if (sa->state != IKE_SA_ESTABLISHED && sa->state != IKE_SA_REKEYING) {
		/* 2.25: rekeyed or being closed */
		send_error(sa, m, PROTO_NONE, N_TEMPORARY_FAILURE, NULL, 0, NULL, 0);
		return;
	}
	if (psa->u.sa.nprop && psa->u.sa.prop[0].protocol == PROTO_IKE)
		rx_rekey_ike(sa, m);
	else if (sa->state != IKE_SA_ESTABLISHED)
		send_error(sa, m, PROTO_NONE, N_TEMPORARY_FAILURE, NULL, 0, NULL, 0);
	else if (rk)
		rx_rekey_child(sa, m, rk);
	else
		rx_new_child(sa, m);
}
