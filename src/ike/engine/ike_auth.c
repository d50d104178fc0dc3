/*
 * IKE_AUTH (RFC 7296 1.2, 2.15; the method of each side is a row of
 * src/ike/auth/, this file never asks which) and the first CHILD
 * SA (1.2, 2.9 narrowing, 1.3.1 USE_TRANSPORT_MODE).  The initiator's side
 * is auth_start() + auth_rx_response(); the responder's auth_rx_request().
 * An authentication failure on the responder leaves nothing behind; a
 * CHILD SA failure leaves the IKE SA up (2.21.3).
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/codec/names.h"
#include "ike/auth/auth.h"
#include "ike/auth/pubkey.h"
#include "ike/pki/pki.h"
#include "ike/engine/child_nego.h"
#include "ike/engine/cp.h"
#include "ike/engine/exchange.h"
#include "ike/engine/unique.h"
#include "ike/sa/proposal_select.h"

/* Our AUTH payload through the local side's method (auth/auth.h), with
 * whatever else the method adds to m (CERT, CERTREQ); 0, 1 when no AUTH
 * payload goes out yet (EAP client, ike_auth_eap.c), or -1 (logged). */
int auth_ours(struct ike_sa *sa, const struct conf_conn *conn, int initiator,
		     const struct ident *cred_remote, const struct ike_msg *in,
		     struct out_msg *m, struct auth_value *v)
{
	const struct auth_method *am = auth_method_of(conn->local.auth);
	struct auth_io io;
	enum auth_result r = AUTH_FAILED;

	auth_io_init(&io, sa, conn, initiator, &sa->local_id, &conn->local.id, cred_remote);
	io.in = in;
	io.out = m;
	if (!am)
		snprintf(io.why, sizeof(io.why), "no such authentication method (%u)",
			 conn->local.auth);
	else if (auth_state_attach(am, &io) < 0)
		snprintf(io.why, sizeof(io.why), "out of memory");
	else if (!am->add_payloads || am->add_payloads(&io) == 0)
		r = am->ours(&io, v);
	if (r == AUTH_MORE && am->round && initiator)
		return 1;
	if (r == AUTH_MORE) {
		snprintf(io.why, sizeof(io.why), "method %s needs rounds only an initiator runs",
			 am->name);
		r = AUTH_FAILED;
	}
	if (r != AUTH_OK) {
		log_err(LS_IKE, "IKE SA %llu (%s): cannot authenticate as %s: %s",
			(unsigned long long)sa->id, conn->name,
			conn->local.id_text ? conn->local.id_text : "our identity", io.why);
		return -1;
	}
	return 0;
}

/* The peer's AUTH payload through the remote side's method: 0, or -1 with
 * the reason logged (a method the connection does not accept is named as
 * such, not reported as a wrong key). */
int auth_check(struct ike_sa *sa, const struct conf_conn *conn, int peer_initiator,
		      const struct ident *peer, const struct ident *cred_remote,
		      const struct ike_msg *in, const struct ike_pl_auth *a)
{
	const struct auth_method *am = auth_method_of(conn->remote.auth);
	struct auth_io io;
	char buf[IDENT_STRLEN];

	auth_io_init(&io, sa, conn, peer_initiator, peer, &conn->local.id, cred_remote);
	io.in = in;
	if (!am || !am->accepts(a->method)) {
		log_info(LS_IKE, "IKE SA %llu (%s): %s %s authenticates with %s, the connection "
			 "accepts %s only", (unsigned long long)sa->id, conn->name,
			 peer_initiator ? "peer" : "responder", ident_str(peer, buf, sizeof(buf)),
			 ike_auth_method_name(a->method), am ? am->name : "no method");
		return -1;
	}
	if (auth_state_attach(am, &io) < 0 || am->verify(&io, a) != AUTH_OK) {
		log_info(LS_IKE, "IKE SA %llu (%s): AUTH of %s %s does not verify: %s",
			 (unsigned long long)sa->id, conn->name,
			 peer_initiator ? "peer" : "responder", ident_str(peer, buf, sizeof(buf)),
			 io.why[0] ? io.why : "out of memory");
		return -1;
	}
	return 0;
}

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

void add_id(struct out_msg *m, uint8_t type, const struct ident *id)
{
	struct ike_payload *p = out_add(m, type);

	if (!p)
		return;
	p->u.id.type = id->type;
	p->u.id.data.p = id->data;
	p->u.id.data.len = id->len;
}

/* A CP payload (3.15); o lives until the message is sent. */
void add_cp(struct out_msg *m, const struct cp_out *o)
{
	struct ike_payload *p = out_add(m, PL_CP);

	if (p)
		cp_out_payload(o, &p->u.cp);
}

void add_auth(struct out_msg *m, const struct auth_value *v)
{
	struct ike_payload *p = out_add(m, PL_AUTH);

	if (!p)
		return;
	p->u.auth.method = v->method;
	p->u.auth.data.p = v->data;
	p->u.auth.data.len = v->len;
}

/* No other IKE SA of this connection is up: the peer may hold stale state. */
static int first_contact(const struct ike_sa *sa)
{
	for (const struct ike_sa *o = ike_sa_conn_first(sa->eng, sa->conn); o;
	     o = ike_sa_conn_next(o))
		if (o != sa && o->conn == sa->conn && o->state == IKE_SA_ESTABLISHED)
			return 0;
	return 1;
}

/* The first CHILD SA's part of our IKE_AUTH request (child_nego.h). */
static int auth_child_offer(struct child_sa *c)
{
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	size_t n;

	child_nego_offer_ts(c, NULL);
	if (child_nego_offer_props(c, 0, props, &n) < 0 ||
	    !(c->offered = malloc(n * sizeof(props[0]))))
		return -1;
	memcpy(c->offered, props, n * sizeof(props[0]));
	c->noffered = n;
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
	struct child_sa *c = sa->pending_child;
	struct auth_value auth;
	struct out_msg m;
	struct cp_out cpo;
	int rc, eap;

	sa->local_id = conn->local.id;
	if (!c && !sa->peer_childless) {
		/* RFC 6023 3: only to a responder that announced it */
		log_info(LS_IKE, "IKE SA %llu (%s): no CHILD SA for IKE_AUTH (childless = %s) and "
			 "the peer did not announce CHILDLESS_IKEV2_SUPPORTED",
			 (unsigned long long)sa->id, conn->name, conf_childless_name(conn->childless));
		sa->notify_err = N_NO_PROPOSAL_CHOSEN;
		return -1;
	}
	out_init(&m, IKE_AUTH, 0, 0);
	add_id(&m, PL_IDI, &sa->local_id);
	if (first_contact(sa))
		out_notify(&m, PROTO_NONE, N_INITIAL_CONTACT, NULL, 0);
	if (idr_sendable(&conn->remote.id))
		add_id(&m, PL_IDR, &conn->remote.id);
	rc = auth_ours(sa, conn, 1, &conn->remote.id, NULL, &m, &auth);
	if (rc < 0)
		return -1;
	auth_pk_add_certreq(sa, conn, &m);	/* 3.7: for the remote side's CAs */
	eap = rc == 1;		/* 2.16: no AUTH payload, EAP follows */
	sa->auth_local_method = eap ? 0 : auth.method;
	if (c && auth_child_offer(c) < 0) {
		memzero(&auth, sizeof(auth));
		return -1;
	}
	if (!eap)
		add_auth(&m, &auth);
	if (cp_client_request(sa, &cpo))
		add_cp(&m, &cpo);	/* 2.19: virtual addresses (vips) */
	if (c)
		child_nego_out(&m, c->offered, c->noffered, &c->local_ts, &c->remote_ts,
			       c->mode == CONF_MODE_TRANSPORT);
	if (c)
		rekey_reauth_early_in(sa, c);	/* reauthentication (rekey.c) */
	rc = msg_send_request(sa, &m, eap ? auth_eap_rx_first : auth_rx_response, NULL);
	memzero(&auth, sizeof(auth));
	if (rc == 0)
		ike_sa_state(sa, IKE_SA_AUTH_SENT);
	return rc;
}

/* The child's result on the initiator; the IKE SA is up either way. */
void auth_child_result(struct ike_sa *sa, const struct ike_msg *m)
{
	struct child_sa *c = sa->pending_child;
	uint16_t err = msg_error(m);

	if (!c)
		return;
	if (err || !msg_pl(m, PL_SA) || !msg_pl(m, PL_TSI) || !msg_pl(m, PL_TSR)) {
		log_info(LS_CHD, "CHILD SA %s of %s not created: the peer answered %s",
			 c->cfg->name, sa->conn->name,
			 err ? ike_notify_name(err) : "without SA/TSi/TSr");
		sa->notify_err = err;
		c->notify_err = err;
		child_sa_destroy(c);
		return;
	}
	if (child_nego_take_answer(c, m, c->offered, c->noffered, PS_IGNORE_KE) < 0 ||
	    child_sa_install(c, NULL) < 0)
		info_delete_child(c);
}

int auth_check_responder(struct ike_sa *sa, const struct ike_msg *m)
{
	const struct conf_conn *conn = sa->conn;
	const struct ike_payload *idr = msg_pl(m, PL_IDR), *auth = msg_pl(m, PL_AUTH);
	struct ident peer;
	char buf[IDENT_STRLEN];

	if (!idr || !auth) {
		uint16_t err = msg_error(m);

		log_info(LS_IKE, "IKE SA %llu (%s): IKE_AUTH refused by the peer: %s",
			 (unsigned long long)sa->id, conn->name,
			 err ? ike_notify_str(err, (char[32]){ 0 }, 32) :
			 "no IDr/AUTH in the response");
		sa->notify_err = err ? err : N_AUTHENTICATION_FAILED;
		ike_sa_destroy(sa);
		return -1;
	}
	if (ident_from(&idr->u.id, &peer) < 0 || !pki_id_matches(&conn->remote.id, &peer)) {
		log_info(LS_IKE, "IKE SA %llu (%s): responder identifies as %s, expected %s",
			 (unsigned long long)sa->id, conn->name,
			 peer.type ? ident_str(&peer, buf, sizeof(buf)) : "(invalid ID)",
			 conn->remote.id_text ? conn->remote.id_text : "%any");
		sa->notify_err = N_AUTHENTICATION_FAILED;
		info_auth_failed(sa);
		return -1;
	}
	if (auth_check(sa, conn, 0, &peer, &conn->remote.id, m, &auth->u.auth) < 0) {
		sa->notify_err = N_AUTHENTICATION_FAILED;
		info_auth_failed(sa);
		return -1;
	}
	sa->remote_id = peer;
	sa->auth_remote_method = auth->u.auth.method;
	return 0;
}

static void auth_rx_response(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *pkt,
			     size_t len)
{
	const struct conf_conn *conn = sa->conn;
	char buf[IDENT_STRLEN];

	if (auth_check_responder(sa, m) < 0 || redirect_on_auth_response(sa, m))
		return;
	auth_state_free(sa);
	ike_sa_established(sa);
	log_info(LS_IKE, "IKE SA %llu (%s) established with %s", (unsigned long long)sa->id,
		 conn->name, ident_str(&sa->remote_id, buf, sizeof(buf)));
	cp_client_take(sa, m);
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

/* Install the first CHILD SA chosen; 0 or the error notify to send. */
uint16_t auth_child_install(struct ike_sa *sa, struct child_choice *ans)
{
	struct child_sa *c = child_sa_new(sa, ans->cfg);

	if (!c)
		return N_NO_PROPOSAL_CHOSEN;
	sa->pending_child = c;
	if (child_nego_adopt(c, ans) < 0 || child_sa_alloc_spi(c) < 0 ||
	    child_sa_install(c, NULL) < 0) {
		log_info(LS_CHD, "IKE SA %llu: CHILD SA %s not installed on our side, "
			 "answering NO_PROPOSAL_CHOSEN", (unsigned long long)sa->id, ans->cfg->name);
		child_sa_destroy(c);
		return N_NO_PROPOSAL_CHOSEN;
	}
	prop_spi32_set(&ans->chosen, c->spi_in);
	return 0;
}

/* Negotiate and install the first CHILD SA; 0 or the error notify to send. */
static uint16_t auth_child_respond(struct ike_sa *sa, const struct ike_msg *m,
				   struct child_choice *ans)
{
	uint16_t err = child_nego_choose(sa, m, NULL, PS_IGNORE_KE, "IKE_AUTH", ans);

	return err ? err : auth_child_install(sa, ans);
}

void auth_fail(struct ike_sa *sa, uint16_t err)
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
	char buf[IDENT_STRLEN];

	if (!idi) {
		log_info(LS_IKE, "IKE SA %llu: IKE_AUTH request without IDi",
			 (unsigned long long)sa->id);
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
	if (!auth && !auth_eap_expected(conn)) {
		/* 2.16: no AUTH asks for EAP, which this connection does not run */
		log_info(LS_IKE, "IKE SA %llu (%s): IKE_AUTH request without AUTH (EAP) from %s, "
			 "the connection accepts %s only", (unsigned long long)sa->id, conn->name,
			 ident_str(&peer, buf, sizeof(buf)), conf_auth_name(conn->remote.auth));
		return N_AUTHENTICATION_FAILED;
	}
	if (auth && auth_check(sa, conn, 1, &peer, &peer, m, &auth->u.auth) < 0)
		return N_AUTHENTICATION_FAILED;
	ike_sa_set_conn(sa, conn);
	sa->remote_id = peer;
	sa->local_id = conn->local.id;
	sa->auth_remote_method = auth ? auth->u.auth.method : 0;
	return 0;
}

/* 1 for an IKE_AUTH request without SA, TSi and TSr that we accept. */
static int childless_request(const struct ike_sa *sa, const struct ike_msg *m)
{
	if (msg_pl(m, PL_SA) || msg_pl(m, PL_TSI) || msg_pl(m, PL_TSR))
		return 0;
	if (sa->conn->childless == CONF_CHILDLESS_NEVER) {
		log_info(LS_IKE, "IKE SA %llu (%s): childless IKE_AUTH refused (childless = never)",
			 (unsigned long long)sa->id, sa->conn->name);
		return 0;
	}
	log_info(LS_IKE, "IKE SA %llu (%s): childless IKE_AUTH (RFC 6023), no CHILD SA yet",
		 (unsigned long long)sa->id, sa->conn->name);
	return 1;
}

void auth_rx_request(struct ike_sa *sa, const struct ike_msg *m)
{
	struct auth_value auth;
	struct child_choice ans;
	struct out_msg o;
	struct cp_out cpo;
	int send_cp = 0;
	uint16_t err;
	int childless;
	char buf[IDENT_STRLEN];
	uint8_t rbuf[2 + REDIRECT_GW_MAX];

	if (sa->state == IKE_SA_INIT_RECEIVED && sa->eap) {
		auth_eap_rx_request(sa, m);	/* an EAP round or the final AUTH */
		return;
	}
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
	err = auth_check_peer(sa, m);
	out_init(&o, IKE_AUTH, 1, 0);
	if (!err)
		add_id(&o, PL_IDR, &sa->local_id);
	if (err || auth_ours(sa, sa->conn, 0, &sa->remote_id, m, &o, &auth) < 0) {
		auth_fail(sa, err ? err : N_AUTHENTICATION_FAILED);
		return;
	}
	sa->auth_local_method = auth.method;
	/* 1.2, 2.21.2 (BAD-INPUT 13): SAi2, TSi and TSr are mandatory, all
	 * three absent only in a childless IKE_AUTH (RFC 6023 3), which a
	 * connection with childless = never refuses */
	childless = childless_request(sa, m);
	if (!childless && (!msg_pl(m, PL_SA) || !msg_pl(m, PL_TSI) || !msg_pl(m, PL_TSR))) {
		log_info(LS_IKE, "IKE SA %llu: IKE_AUTH request without %s",
			 (unsigned long long)sa->id,
			 !msg_pl(m, PL_SA) ? "SA" : !msg_pl(m, PL_TSI) ? "TSi" : "TSr");
		memzero(&auth, sizeof(auth));
		auth_fail(sa, N_INVALID_SYNTAX);
		return;
	}
	if (unique_refused(sa)) {
		memzero(&auth, sizeof(auth));
		auth_fail(sa, N_AUTHENTICATION_FAILED);
		return;
	}
	if (!msg_pl(m, PL_AUTH)) {
		auth_eap_begin(sa, m, &o, &auth);	/* 2.16 */
		memzero(&auth, sizeof(auth));
		return;
	}
	ike_sa_established(sa);
	log_info(LS_IKE, "IKE SA %llu (%s) established with %s", (unsigned long long)sa->id,
		 sa->conn->name, ident_str(&sa->remote_id, buf, sizeof(buf)));
	memset(&ans, 0, sizeof(ans));
	err = 0;
	add_auth(&o, &auth);
	if (redirect_gw_auth(sa, &o, rbuf))
		goto send;	/* RFC 5685 6: no CHILD SA, no address */
	/* 2.19: the virtual address first, the CHILD SA's TSi narrows to it */
	err = cp_gateway_reply(sa, m, &cpo, &send_cp);
	if (!err && !childless)
		err = auth_child_respond(sa, m, &ans);
	if (send_cp)
		add_cp(&o, &cpo);
	if (err)
		out_notify(&o, PROTO_NONE, err, NULL, 0);
	else if (ans.cfg)
		child_nego_out(&o, &ans.chosen, 1, &ans.tsi, &ans.tsr, ans.transport);
send:
	msg_send_response(sa, &o, NULL);
	memzero(&auth, sizeof(auth));
	auth_state_free(sa);	/* our CERTs are out */
	/* the new IKE SA is up: the older ones of the same peer may go */
	unique_settle(sa, ike_msg_notify(m, N_INITIAL_CONTACT) != NULL);
}
