/*
 * IKE_AUTH (RFC 7296 1.2, 2.15; the methods are rows of auth.c) and the first CHILD
 * SA (1.2, 2.9 narrowing, 1.3.1 USE_TRANSPORT_MODE).  The initiator's side
 * is auth_start() + auth_rx_response(); the responder's auth_rx_request().
 * An authentication failure on the responder leaves nothing behind; a
 * CHILD SA failure leaves the IKE SA up (2.21.3).
 */
#include <netinet/in.h>
#include <string.h>

#include "common/log.h"
#include "ike/codec/names.h"
#include "ike/crypto/mac.h"
#include "ike/engine/auth.h"
#include "ike/engine/exchange.h"
#include "ike/sa/proposal_select.h"

/* An ID payload as a typed identity (BAD-INPUT 27: bounded, no NUL/CR in
 * the text types). */
static int ident_from(const struct ike_pl_id *p, struct ident *id)
{
	memset(id, 0, sizeof(*id));
	if (!p->type || p->data.len == 0 || p->data.len > IDENT_MAX)
		return -1;
	if ((p->type == ID_FQDN || p->type == ID_RFC822_ADDR) &&
	    (memchr(p->data.p, 0, p->data.len) || memchr(p->data.p, '\r', p->data.len) ||
	     memchr(p->data.p, '\n', p->data.len)))
		return -1;
	id->type = p->type;
	id->len = (uint16_t)p->data.len;
	memcpy(id->data, p->data.p, p->data.len);
	return 0;
}

static void add_id(struct out_msg *m, uint8_t type, const struct ident *id)
{
	struct ike_payload *p = out_add(m, type);

	if (!p)
		return;
	p->u.id.type = id->type;
	p->u.id.data.p = id->data;
	p->u.id.data.len = id->len;
}

static void add_child(struct out_msg *m, const struct ike_proposal *prop, size_t nprop,
		      const struct ts_set *tsi, const struct ts_set *tsr, int transport)
{
	struct ike_payload *p;

	if (transport)
		out_notify(m, PROTO_NONE, N_USE_TRANSPORT_MODE, NULL, 0);
	if ((p = out_add(m, PL_SA))) {
		p->u.sa.prop = prop;
		p->u.sa.nprop = nprop;
	}
	if ((p = out_add(m, PL_TSI))) {
		p->u.ts.ts = tsi->ts;
		p->u.ts.nts = tsi->n;
	}
	if ((p = out_add(m, PL_TSR))) {
		p->u.ts.ts = tsr->ts;
		p->u.ts.nts = tsr->n;
	}
}

static void spi_to_prop(struct ike_proposal *p, uint32_t spi)
{
	p->spi_size = 4;
	p->spi[0] = (uint8_t)(spi >> 24);
	p->spi[1] = (uint8_t)(spi >> 16);
	p->spi[2] = (uint8_t)(spi >> 8);
	p->spi[3] = (uint8_t)spi;
}

static uint32_t spi_from_prop(const struct ike_proposal *p)
{
	if (p->spi_size != 4)
		return 0;
	return (uint32_t)p->spi[0] << 24 | (uint32_t)p->spi[1] << 16 |
	       (uint32_t)p->spi[2] << 8 | p->spi[3];
}

/* No other IKE SA of this connection is up: the peer may hold stale state. */
static int first_contact(const struct ike_sa *sa)
{
	for (const struct ike_sa *o = sa->eng->sas; o; o = o->next)
		if (o != sa && o->conn == sa->conn && o->state == IKE_SA_ESTABLISHED)
			return 0;
	return 1;
}

/* The selector of the packet that hit a trap policy (2.9). */
static void ts_prepend(struct ts_set *s, const struct ike_ts *ts)
{
	if (s->n == TS_SET_MAX)
		s->n--;
	memmove(&s->ts[1], &s->ts[0], s->n * sizeof(s->ts[0]));
	s->ts[0] = *ts;
	s->n++;
}

/* 1.2: the CHILD SA of IKE_AUTH has no KE of its own; PFS groups in
 * esp_proposals serve CREATE_CHILD_SA only (strongSwan strips them too). */
static void strip_ke(struct ike_proposal *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->ntransforms; i++)
		if (p->xf[i].type != TT_KE)
			p->xf[n++] = p->xf[i];
	p->ntransforms = (uint8_t)n;
}

/* The first CHILD SA's part of our IKE_AUTH request. */
static int auth_child_offer(struct ike_sa *sa, struct child_sa *c)
{
	conf_ts_resolve(&c->cfg->local_ts, &sa->local, &c->local_ts);
	conf_ts_resolve(&c->cfg->remote_ts, &sa->remote, &c->remote_ts);
	if (c->have_acquire_ts) {
		ts_prepend(&c->local_ts, &c->acquire_src);
		ts_prepend(&c->remote_ts, &c->acquire_dst);
	}
	if (conf_proposals_dup(&c->cfg->esp_proposals, PROTO_ESP, &c->offered, &c->noffered) < 0 ||
	    child_sa_alloc_spi(c) < 0)
		return -1;
	for (size_t i = 0; i < c->noffered; i++) {
		strip_ke(&c->offered[i]);
		spi_to_prop(&c->offered[i], c->spi_in);
	}
	return 0;
}

static void auth_rx_response(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *pkt,
			     size_t len);

/* A remote ID we may send as IDr: not %any, not a DN pattern with '*'. */
static int idr_sendable(const struct ident *id)
{
	return id->type && !(id->type == ID_DER_ASN1_DN && memchr(id->data, '*', id->len));
}

int auth_start(struct ike_sa *sa)
{
	const struct conf_conn *conn = sa->conn;
	const struct auth_row *row = auth_row(conn->local.auth);
	struct child_sa *c = sa->pending_child;
	struct auth_out ao;
	struct out_msg m;
	int rc;

	memset(&ao, 0, sizeof(ao));
	sa->local_id = conn->local.id;
	if (c && auth_child_offer(sa, c) < 0)
		return -1;
	if (!row || row->build(sa, conn, 1, &ao) < 0) {
		auth_out_free(&ao);
		return -1;
	}
	sa->auth_local_method = ao.method;
	auth_certreq(conn, &ao);
	out_init(&m, IKE_AUTH, 0, 0);
	add_id(&m, PL_IDI, &sa->local_id);
	auth_add_certs(&m, &ao);
	if (first_contact(sa))
		out_notify(&m, PROTO_NONE, N_INITIAL_CONTACT, NULL, 0);
	if (idr_sendable(&conn->remote.id))
		add_id(&m, PL_IDR, &conn->remote.id);
	auth_add_auth(&m, &ao);
	if (c)
		add_child(&m, c->offered, c->noffered, &c->local_ts, &c->remote_ts,
			  c->mode == CONF_MODE_TRANSPORT);
	if (c)
		rekey_reauth_early_in(sa, c);	/* reauthentication (rekey.c) */
	rc = msg_send_request(sa, &m, auth_rx_response, NULL);
	auth_out_free(&ao);
	if (rc == 0)
		ike_sa_state(sa, IKE_SA_AUTH_SENT);
	return rc;
}

/* INITIAL_CONTACT (2.4): the peer restarted; its older IKE SAs are gone. */
static void initial_contact(struct ike_sa *sa)
{
	struct engine *e = sa->eng;
	uint64_t h = sa_table_id_hash(&e->table, sa->remote_id.type, sa->remote_id.data,
				      sa->remote_id.len);
	struct sa_entry *en = sa_table_id_first(&e->table, h), *next;

	for (; en; en = next) {
		struct ike_sa *o = (struct ike_sa *)en;

		next = sa_table_id_next(en);
		if (o == sa || !ident_eq(&o->remote_id, &sa->remote_id))
			continue;
		log_info(LS_IKE, "IKE SA %llu: INITIAL_CONTACT from its peer, deleted",
			 (unsigned long long)o->id);
		ike_sa_destroy(o);
	}
}

/* The child's result on the initiator; the IKE SA is up either way. */
static void auth_child_result(struct ike_sa *sa, const struct ike_msg *m)
{
	struct child_sa *c = sa->pending_child;
	const struct ike_payload *psa = msg_pl(m, PL_SA);
	struct ts_set tsi, tsr, ni, nr;
	uint16_t err = msg_error(m);
	char a[512], b[512];

	if (!c)
		return;
	if (err || !psa || !msg_pl(m, PL_TSI) || !msg_pl(m, PL_TSR)) {
		log_info(LS_CHD, "CHILD SA %s of %s not created: the peer answered %s",
			 c->cfg->name, sa->conn->name, err ? ike_notify_name(err) : "no SA/TS");
		sa->notify_err = err;
		child_sa_destroy(c);
		return;
	}
	msg_ts(m, PL_TSI, &tsi);
	msg_ts(m, PL_TSR, &tsr);
	if (psa->u.sa.nprop != 1 || psa->u.sa.unacceptable ||
	    proposal_check_answer(c->offered, c->noffered, &psa->u.sa.prop[0], PS_IGNORE_KE) < 0 ||
	    !(c->spi_out = spi_from_prop(&psa->u.sa.prop[0])) ||
	    !ts_narrow(&c->local_ts, &tsi, &ni) || !ts_narrow(&c->remote_ts, &tsr, &nr)) {
		log_info(LS_CHD, "CHILD SA %s: answer not acceptable: proposal %s, TSi %s, TSr %s",
			 c->cfg->name, psa->u.sa.nprop ?
			 proposal_str(&psa->u.sa.prop[0], a, sizeof(a)) : "none",
			 ts_set_str(&tsi, b, sizeof(b)), ts_set_str(&tsr, a, sizeof(a)));
		info_delete_child(c);
		return;
	}
	c->prop = psa->u.sa.prop[0];
	c->local_ts = ni;
	c->remote_ts = nr;
	if (c->mode == CONF_MODE_TRANSPORT && !ike_msg_notify(m, N_USE_TRANSPORT_MODE))
		c->mode = CONF_MODE_TUNNEL;
	if (child_sa_install(c, NULL) < 0)
		info_delete_child(c);
}

static void auth_rx_response(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *pkt,
			     size_t len)
{
	const struct conf_conn *conn = sa->conn;
	const struct ike_payload *idr = msg_pl(m, PL_IDR), *auth = msg_pl(m, PL_AUTH);
	const struct auth_row *row = auth_row(conn->remote.auth);
	struct ident peer;
	char buf[IDENT_STRLEN], why[PKI_ERR_LEN * 2];

	if (!idr || !auth) {
		uint16_t err = msg_error(m);

		log_info(LS_IKE, "IKE SA %llu (%s): IKE_AUTH refused by the peer: %s",
			 (unsigned long long)sa->id, conn->name,
			 err ? ike_notify_str(err, (char[32]){ 0 }, 32) :
			 "no IDr/AUTH in the response");
		sa->notify_err = err ? err : N_AUTHENTICATION_FAILED;
		ike_sa_destroy(sa);
		return;
	}
	if (ident_from(&idr->u.id, &peer) < 0 || !pki_id_matches(&conn->remote.id, &peer)) {
		log_info(LS_IKE, "IKE SA %llu (%s): responder identifies as %s, expected %s",
			 (unsigned long long)sa->id, conn->name,
			 peer.type ? ident_str(&peer, buf, sizeof(buf)) : "(invalid ID)",
			 conn->remote.id_text ? conn->remote.id_text : "%any");
		sa->notify_err = N_AUTHENTICATION_FAILED;
		info_auth_failed(sa);
		return;
	}
	snprintf(why, sizeof(why), "no method for remote auth");
	if (!row || row->verify(sa, conn, 0, &peer, m, why, sizeof(why)) < 0) {
		log_info(LS_IKE, "IKE SA %llu (%s): AUTH of responder %s does not verify: %s",
			 (unsigned long long)sa->id, conn->name, ident_str(&peer, buf, sizeof(buf)),
			 why);
		sa->notify_err = N_AUTHENTICATION_FAILED;
		info_auth_failed(sa);
		return;
	}
	sa->remote_id = peer;
	sa->auth_remote_method = auth->u.auth.method;
	ike_sa_established(sa);
	log_info(LS_IKE, "IKE SA %llu (%s) established with %s", (unsigned long long)sa->id,
		 conn->name, ident_str(&peer, buf, sizeof(buf)));
	auth_child_result(sa, m);
}

/* ---- responder ---- */

/* 1 if conn's IKE proposals allow the one IKE_SA_INIT chose (the SA may
 * move to another connection once the peer's identity is known). */
static int conn_allows_prop(const struct conf_conn *c, const struct ike_proposal *chosen)
{
	struct ike_proposal ours[IKE_MAX_PROPOSALS], tmp;
	size_t n;

	return conf_proposals(&c->proposals, PROTO_IKE, ours, &n) == 0 &&
	       proposal_select(ours, n, chosen, 1, 0, &tmp) == 0;
}

/* The connection for the peer's identity among those allowing the
 * addresses and the chosen IKE proposal: an exact remote id beats %any;
 * IDr, when sent, must name us. */
static const struct conf_conn *conn_by_id(const struct ike_sa *sa, const struct ident *peer,
					  const struct ident *idr)
{
	const struct config *cfg = sa->eng->cfg;
	const struct conf_conn *c = NULL, *any = NULL;

	while ((c = conn_by_addrs(cfg, &sa->local, &sa->remote, c))) {
		if ((idr && !ident_eq(&c->local.id, idr)) ||
		    (c != sa->conn && !conn_allows_prop(c, &sa->prop)))
			continue;
		if (c->remote.id.type && pki_id_matches(&c->remote.id, peer))
			return c;
		if (!c->remote.id.type && !any)
			any = c;
	}
	return any;
}

struct child_answer {
	const struct conf_child *cfg;
	struct ike_proposal chosen;
	struct ts_set tsi, tsr;
	int transport;
};

/* 2.9 and 3.3: the first child of conn whose selectors and proposals fit. */
static uint16_t choose_child(const struct ike_sa *sa, const struct ike_msg *m,
			     struct child_answer *ans)
{
	const struct ike_pl_sa *psa = &msg_pl(m, PL_SA)->u.sa;
	struct ike_proposal ours[IKE_MAX_PROPOSALS], peer[IKE_MAX_PROPOSALS];
	struct ts_set tsi, tsr, cl, cr;
	size_t nours, npeer = 0;
	const struct conf_child *ts_fit = NULL;

	for (size_t i = 0; i < psa->nprop; i++)
		if (!(i < 32 && (psa->unacceptable >> i) & 1))
			peer[npeer++] = psa->prop[i];
	msg_ts(m, PL_TSI, &tsi);
	msg_ts(m, PL_TSR, &tsr);
	for (size_t k = 0; k < sa->conn->nchildren; k++) {
		const struct conf_child *ch = &sa->conn->children[k];

		conf_ts_resolve(&ch->local_ts, &sa->local, &cl);
		conf_ts_resolve(&ch->remote_ts, &sa->remote, &cr);
		if (ts_narrow_responder(&cl, &cr, &tsi, &tsr, &ans->tsi, &ans->tsr) < 0)
			continue;
		ts_fit = ch;
		if (conf_proposals(&ch->esp_proposals, PROTO_ESP, ours, &nours) < 0 ||
		    proposal_select(ours, nours, peer, npeer, PS_IGNORE_KE, &ans->chosen) < 0)
			continue;
		ans->cfg = ch;
		ans->transport = ch->mode == CONF_MODE_TRANSPORT &&
				 ike_msg_notify(m, N_USE_TRANSPORT_MODE);
		return 0;
	}
	if (ts_fit) {
		/* proposal_select() logged both sides' proposals */
		log_info(LS_CHD, "IKE SA %llu: no ESP proposal of child %s chosen",
			 (unsigned long long)sa->id, ts_fit->name);
		return N_NO_PROPOSAL_CHOSEN;
	}
	child_log_ts_unacceptable(sa, &tsi, &tsr);
	return N_TS_UNACCEPTABLE;
}

/* Negotiate and install the first CHILD SA; 0 or the error notify to send. */
static uint16_t auth_child_respond(struct ike_sa *sa, const struct ike_msg *m,
				   struct child_answer *ans)
{
	struct child_sa *c;
	uint16_t err = choose_child(sa, m, ans);

	if (err)
		return err;
	c = child_sa_new(sa, ans->cfg);
	if (!c)
		return N_NO_PROPOSAL_CHOSEN;
	sa->pending_child = c;
	c->prop = ans->chosen;
	c->spi_out = spi_from_prop(&ans->chosen);
	c->local_ts = ans->tsr;
	c->remote_ts = ans->tsi;
	c->mode = ans->transport ? CONF_MODE_TRANSPORT : CONF_MODE_TUNNEL;
	if (!c->spi_out || child_sa_alloc_spi(c) < 0 || child_sa_install(c, NULL) < 0) {
		log_info(LS_CHD, "IKE SA %llu: CHILD SA %s could not be installed",
			 (unsigned long long)sa->id, ans->cfg->name);
		child_sa_destroy(c);
		return N_NO_PROPOSAL_CHOSEN;
	}
	spi_to_prop(&ans->chosen, c->spi_in);
	return 0;
}

static void auth_fail(struct ike_sa *sa, uint16_t err)
{
	struct out_msg o;

	out_init(&o, IKE_AUTH, 1, 0);
	out_notify(&o, PROTO_NONE, err, NULL, 0);
	msg_send_response(sa, &o, NULL);
	sa->notify_err = err;
	ike_sa_destroy(sa);
}

/* The peer's identity, connection and AUTH; 0 or the notify to answer. */
static uint16_t auth_check_peer(struct ike_sa *sa, const struct ike_msg *m)
{
	const struct ike_payload *idi = msg_pl(m, PL_IDI), *auth = msg_pl(m, PL_AUTH);
	const struct ike_payload *idr = msg_pl(m, PL_IDR);
	struct ident peer, want_r;
	const struct conf_conn *conn;
	const struct auth_row *row;
	char buf[IDENT_STRLEN], why[PKI_ERR_LEN * 2];

	if (!idi || !auth) {
		log_info(LS_IKE, "IKE SA %llu: IKE_AUTH request without %s",
			 (unsigned long long)sa->id, idi ? "AUTH" : "IDi");
		return N_AUTHENTICATION_FAILED;
	}
	if (ident_from(&idi->u.id, &peer) < 0 || (idr && ident_from(&idr->u.id, &want_r) < 0)) {
		log_info(LS_IKE, "IKE SA %llu: IDi/IDr of type %u, %zu bytes refused",
			 (unsigned long long)sa->id, idi->u.id.type, idi->u.id.data.len);
		return N_AUTHENTICATION_FAILED;
	}
	conn = conn_by_id(sa, &peer, idr ? &want_r : NULL);
	if (!conn && idr) {
		/* as strongSwan does: an IDr naming someone else is a hint only */
		conn = conn_by_id(sa, &peer, NULL);
		if (conn)
			log_info(LS_IKE, "IKE SA %llu: IDr %s is not us, using connection %s "
				 "(id %s)", (unsigned long long)sa->id,
				 ident_str(&want_r, buf, sizeof(buf)), conn->name,
				 conn->local.id_text ? conn->local.id_text : "?");
	}
	if (!conn) {
		log_info(LS_IKE, "IKE SA %llu: no connection for peer %s at %s",
			 (unsigned long long)sa->id, ident_str(&peer, buf, sizeof(buf)),
			 addr_str(&sa->remote, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
		return N_AUTHENTICATION_FAILED;
	}
	row = auth_row(conn->remote.auth);
	snprintf(why, sizeof(why), "no method for remote auth");
	if (!row || row->verify(sa, conn, 1, &peer, m, why, sizeof(why)) < 0) {
		log_info(LS_IKE, "IKE SA %llu (%s): AUTH of peer %s does not verify: %s",
			 (unsigned long long)sa->id, conn->name, ident_str(&peer, buf, sizeof(buf)),
			 why);
		return N_AUTHENTICATION_FAILED;
	}
	sa->conn = conn;
	sa->remote_id = peer;
	sa->local_id = conn->local.id;
	sa->auth_remote_method = auth->u.auth.method;
	return 0;
}

void auth_rx_request(struct ike_sa *sa, const struct ike_msg *m)
{
	const struct auth_row *row;
	struct auth_out ao;
	struct child_answer ans;
	struct out_msg o;
	uint16_t err;
	char buf[IDENT_STRLEN];

	if (sa->state != IKE_SA_INIT_RECEIVED) {
		/* IKE_AUTH on an SA we initiated or one already up: refused,
		 * the SA itself is not the peer's to break this way */
		log_info(LS_IKE, "IKE SA %llu: IKE_AUTH request in state %s refused",
			 (unsigned long long)sa->id, ike_sa_state_name(sa->state));
		out_init(&o, IKE_AUTH, 1, 0);
		out_notify(&o, PROTO_NONE, N_INVALID_SYNTAX, NULL, 0);
		msg_send_response(sa, &o, NULL);
		return;
	}
	memset(&ao, 0, sizeof(ao));
	auth_note_peer(sa, m);
	err = auth_check_peer(sa, m);
	row = err ? NULL : auth_row(sa->conn->local.auth);
	if (err || !row || row->build(sa, sa->conn, 0, &ao) < 0) {
		auth_out_free(&ao);
		auth_fail(sa, err ? err : N_AUTHENTICATION_FAILED);
		return;
	}
	sa->auth_local_method = ao.method;
	/* 1.2, 2.21.2 (BAD-INPUT 13): SAi2, TSi and TSr are mandatory, we
	 * negotiate no childless IKE SAs (RFC 6023) */
	if (!msg_pl(m, PL_SA) || !msg_pl(m, PL_TSI) || !msg_pl(m, PL_TSR)) {
		log_info(LS_IKE, "IKE SA %llu: IKE_AUTH request without %s",
			 (unsigned long long)sa->id,
			 !msg_pl(m, PL_SA) ? "SA" : !msg_pl(m, PL_TSI) ? "TSi" : "TSr");
		auth_out_free(&ao);
		auth_fail(sa, N_INVALID_SYNTAX);
		return;
	}
	ike_sa_established(sa);
	log_info(LS_IKE, "IKE SA %llu (%s) established with %s", (unsigned long long)sa->id,
		 sa->conn->name, ident_str(&sa->remote_id, buf, sizeof(buf)));
	if (ike_msg_notify(m, N_INITIAL_CONTACT))
		initial_contact(sa);
	memset(&ans, 0, sizeof(ans));
	err = auth_child_respond(sa, m, &ans);
	out_init(&o, IKE_AUTH, 1, 0);
	add_id(&o, PL_IDR, &sa->local_id);
	auth_add_certs(&o, &ao);
	auth_add_auth(&o, &ao);
	if (err)
		out_notify(&o, PROTO_NONE, err, NULL, 0);
	else if (ans.cfg)
		add_child(&o, &ans.chosen, 1, &ans.tsi, &ans.tsr, ans.transport);
	msg_send_response(sa, &o, NULL);
	auth_out_free(&ao);
}
