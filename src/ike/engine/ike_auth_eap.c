/*
 * EAP inside IKE_AUTH (RFC 7296 2.16).  The method is a row of
 * src/ike/auth/ (auth_eap.c); this file runs the extra request/response
 * pairs around it:
 *
 *   initiator                          responder
 *   IDi, [IDr], SA, TSi, TSr  -->
 *                             <--      IDr, [CERT], AUTH, EAP(Request)
 *   EAP(Response)             -->
 *                             <--      EAP(Request) ... EAP(Success)
 *   AUTH (MSK or SK_pi)       -->
 *                             <--      AUTH (MSK or SK_pr), [CP], SA, TSi, TSr
 *
 * A CFG_REQUEST in the first request (2.19) is answered in the last
 * response; the address is leased when the first request arrives.
 *
 * The responder chooses the first CHILD SA from the first request and
 * installs it after the last.  Rounds are bounded by the method machine
 * (EAP_MAX_ROUNDS) and time by the half-open timeout, which runs until the
 * SA is established.  Any failure answers AUTHENTICATION_FAILED, logs the
 * EAP identity and the reason, and deletes the IKE SA.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/auth/auth.h"
#include "ike/codec/names.h"
#include "ike/engine/child_nego.h"
#include "ike/engine/cp.h"
#include "ike/engine/exchange.h"
#include "ike/engine/unique.h"
#include "ike/sa/proposal_select.h"

/* The responder's pending exchange (freed by ike_sa_destroy too: no
 * key material in it). */
struct auth_eap {
	struct child_choice child;	/* chosen from the first request */
	uint16_t child_err;		/* ... or the notify to answer */
	int initial_contact;
	struct cp_out cpo;		/* the CFG_REPLY for the last response */
	int send_cp;
};

int auth_eap_expected(const struct conf_conn *conn)
{
	const struct auth_method *am = auth_method_of(conn->remote.auth);

	return am && am->round;
}

static void auth_eap_free(struct ike_sa *sa)
{
	if (!sa->eap)
		return;
	memzero(sa->eap, sizeof(*sa->eap));
	free(sa->eap);
	sa->eap = NULL;
}

static const char *eap_who(const struct ike_sa *sa, char *buf, size_t len)
{
	if (sa->eap_identity[0])
		return sa->eap_identity;
	return ident_str(&sa->remote_id, buf, len);
}

/* One side's row and io for sa: remote (we are the server) or local. */
static const struct auth_method *eap_io(struct ike_sa *sa, int local, int of_initiator,
					struct auth_io *io)
{
	const struct conf_conn *conn = sa->conn;
	const struct auth_method *am = auth_method_of(local ? conn->local.auth : conn->remote.auth);

	auth_io_init(io, sa, conn, of_initiator, of_initiator == sa->entry.initiator ?
		     &sa->local_id : &sa->remote_id, &conn->local.id, &sa->remote_id);
	if (!am || !am->round || auth_state_attach(am, io) < 0) {
		snprintf(io->why, sizeof(io->why), "EAP state unavailable");
		return NULL;
	}
	return am;
}

/* One round of the row with m's EAP payload in and the row's out into o. */
static enum auth_result eap_round(const struct auth_method *am, struct auth_io *io,
				  const struct ike_msg *m, struct out_msg *o)
{
	const struct ike_payload *p = msg_pl(m, PL_EAP);
	struct ike_payload *q;
	enum auth_result r;

	io->in = m;
	io->out = o;
	io->eap_in = p ? p->u.eap.msg.p : NULL;
	io->eap_in_len = p ? p->u.eap.msg.len : 0;
	r = am->round(io);
	/* the slice points into the row's state, alive until sent */
	if (io->eap_out_len && (q = out_add(o, PL_EAP))) {
		q->u.eap.msg.p = io->eap_out;
		q->u.eap.msg.len = io->eap_out_len;
	}
	return r;
}

/* ---- responder ---- */

static void srv_fail(struct ike_sa *sa, struct out_msg *o, const char *why)
{
	char buf[IDENT_STRLEN];

	log_info(LS_IKE, "IKE SA %llu (%s): EAP authentication of %s failed: %s",
		 (unsigned long long)sa->id, sa->conn->name, eap_who(sa, buf, sizeof(buf)), why);
	out_notify(o, PROTO_NONE, N_AUTHENTICATION_FAILED, NULL, 0);
	msg_send_response(sa, o, NULL);
	sa->notify_err = N_AUTHENTICATION_FAILED;
	ike_sa_destroy(sa);
}

void auth_eap_begin(struct ike_sa *sa, const struct ike_msg *m, struct out_msg *o,
		    const struct auth_value *ours)
{
	struct auth_io io;
	const struct auth_method *am = eap_io(sa, 0, 1, &io);

	if (!am || !(sa->eap = calloc(1, sizeof(*sa->eap)))) {
		auth_fail(sa, N_AUTHENTICATION_FAILED);
		return;
	}
	/* 2.19: the client's CFG_REQUEST is in this first request, the
	 * CFG_REPLY goes in the last response.  The address is leased now
	 * (by the IKE identity) so that the CHILD SA chosen from this
	 * request narrows to it; if EAP fails, the lease goes with the SA. */
	sa->eap->child_err = cp_gateway_reply(sa, m, &sa->eap->cpo, &sa->eap->send_cp);
	if (!sa->eap->child_err)
		sa->eap->child_err = child_nego_choose(sa, m, NULL, PS_IGNORE_KE, "IKE_AUTH",
						       &sa->eap->child);
	sa->eap->initial_contact = ike_msg_notify(m, N_INITIAL_CONTACT) != NULL;
	add_auth(o, ours);
	if (eap_round(am, &io, m, o) != AUTH_MORE) {
		srv_fail(sa, o, io.why);
		return;
	}
	msg_send_response(sa, o, NULL);
}

/* The final request: the client's AUTH from the EAP key, then ours. */
static void srv_final(struct ike_sa *sa, const struct auth_method *am, struct auth_io *io,
		      const struct ike_pl_auth *a, struct out_msg *o)
{
	struct auth_value v;
	struct auth_eap *ep = sa->eap;
	uint16_t err = ep->child_err;
	char buf[IDENT_STRLEN];
	int initial_contact;

	if (!am->accepts(a->method) || am->verify(io, a) != AUTH_OK) {
		srv_fail(sa, o, io->why[0] ? io->why : "AUTH method is not shared-key");
		return;
	}
	io->of_initiator = 0;
	io->id = &sa->local_id;
	if (am->ours(io, &v) != AUTH_OK) {
		srv_fail(sa, o, io->why);
		return;
	}
	sa->auth_remote_method = a->method;
	if (unique_refused(sa)) {	/* unique = keep (unique.c) */
		srv_fail(sa, o, "another IKE SA of this identity is kept (unique = keep)");
		return;
	}
	ike_sa_established(sa);
	log_info(LS_IKE, "IKE SA %llu (%s) established with %s, EAP identity '%s'",
		 (unsigned long long)sa->id, sa->conn->name,
		 ident_str(&sa->remote_id, buf, sizeof(buf)), sa->eap_identity);
	if (!err && ep->child.cfg)
		err = auth_child_install(sa, &ep->child);
	add_auth(o, &v);
	if (ep->send_cp)
		add_cp(o, &ep->cpo);
	if (err)
		out_notify(o, PROTO_NONE, err, NULL, 0);
	else if (ep->child.cfg)
		child_nego_out(o, &ep->child.chosen, 1, &ep->child.tsi, &ep->child.tsr,
			       ep->child.transport);
	msg_send_response(sa, o, NULL);
	memzero(&v, sizeof(v));
	initial_contact = ep->initial_contact;
	auth_eap_free(sa);
	auth_state_free(sa);
	/* the new IKE SA is up: the older ones of the same peer may go */
	unique_settle(sa, initial_contact);
}

void auth_eap_rx_request(struct ike_sa *sa, const struct ike_msg *m)
{
	const struct ike_payload *a = msg_pl(m, PL_AUTH);
	struct auth_io io;
	const struct auth_method *am = eap_io(sa, 0, 1, &io);
	struct out_msg o;
	enum auth_result r;

	out_init(&o, IKE_AUTH, 1, 0);
	if (!am) {
		srv_fail(sa, &o, io.why);
		return;
	}
	io.in = m;
	io.out = &o;
	if (a) {
		srv_final(sa, am, &io, &a->u.auth, &o);
		return;
	}
	r = eap_round(am, &io, m, &o);
	if (r == AUTH_PENDING)
		return;		/* answered by auth_eap_resume(); repeats dropped meanwhile */
	if (r != AUTH_MORE) {
		srv_fail(sa, &o, io.why);
		return;
	}
	msg_send_response(sa, &o, NULL);
}

void auth_eap_resume(struct ike_sa *sa, const struct engine_eap_answer *a)
{
	struct auth_io io;
	const struct auth_method *am = eap_io(sa, 0, 1, &io);
	struct ike_payload *q;
	struct out_msg o;
	enum auth_result r;

	out_init(&o, IKE_AUTH, 1, 0);
	if (!am || !am->resume) {
		srv_fail(sa, &o, am ? "EAP answer for a method without a backend" : io.why);
		return;
	}
	io.out = &o;
	r = am->resume(&io, a);
	if (io.eap_out_len && (q = out_add(&o, PL_EAP))) {
		q->u.eap.msg.p = io.eap_out;
		q->u.eap.msg.len = io.eap_out_len;
	}
	if (r != AUTH_MORE) {
		srv_fail(sa, &o, io.why);
		return;
	}
	msg_send_response(sa, &o, NULL);
}

/* ---- initiator ---- */

static void peer_fail(struct ike_sa *sa, const char *why)
{
	char buf[IDENT_STRLEN];

	log_info(LS_IKE, "IKE SA %llu (%s): EAP authentication as %s failed: %s",
		 (unsigned long long)sa->id, sa->conn->name, eap_who(sa, buf, sizeof(buf)), why);
	sa->notify_err = N_AUTHENTICATION_FAILED;
	ike_sa_destroy(sa);
}

static void peer_rx(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *pkt, size_t len);

static void peer_rx_final(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *pkt,
			  size_t len)
{
	const struct ike_payload *a = msg_pl(m, PL_AUTH);
	struct auth_io io;
	const struct auth_method *am = eap_io(sa, 1, 0, &io);
	char buf[IDENT_STRLEN];

	if (!am || !a) {
		uint16_t err = msg_error(m);

		peer_fail(sa, !am ? io.why : err ? ike_notify_str(err, (char[32]){ 0 }, 32) :
			  "no AUTH in the final response");
		return;
	}
	io.in = m;
	if (!am->accepts(a->u.auth.method) || am->verify(&io, &a->u.auth) != AUTH_OK) {
		char buf2[IDENT_STRLEN];

		log_info(LS_IKE, "IKE SA %llu (%s): final AUTH of %s does not verify: %s",
			 (unsigned long long)sa->id, sa->conn->name,
			 ident_str(&sa->remote_id, buf2, sizeof(buf2)),
			 io.why[0] ? io.why : "AUTH method is not shared-key");
		sa->notify_err = N_AUTHENTICATION_FAILED;
		info_auth_failed(sa);
		return;
	}
	auth_state_free(sa);
	ike_sa_established(sa);
	log_info(LS_IKE, "IKE SA %llu (%s) established with %s, EAP identity '%s'",
		 (unsigned long long)sa->id, sa->conn->name,
		 ident_str(&sa->remote_id, buf, sizeof(buf)), sa->eap_identity);
	cp_client_take(sa, m);	/* 2.19: the CFG_REPLY comes with the last AUTH */
	auth_child_result(sa, m);
}

/* A round's result: the next EAP message, or the final AUTH. */
static void peer_next(struct ike_sa *sa, const struct auth_method *am, struct auth_io *io,
		      const struct ike_msg *m)
{
	struct out_msg o;
	struct auth_value v;
	enum auth_result r;
	int rc;

	out_init(&o, IKE_AUTH, 0, 0);
	r = eap_round(am, io, m, &o);
	if (r == AUTH_FAILED) {
		peer_fail(sa, io->why);
		return;
	}
	if (r == AUTH_MORE) {
		if (msg_send_request(sa, &o, peer_rx, NULL) < 0)
			peer_fail(sa, "cannot send the EAP response");
		return;
	}
	/* EAP-Success: 2.16's AUTH from the MSK (or SK_pi) */
	io->id = &sa->local_id;
	if (am->ours(io, &v) != AUTH_OK) {
		peer_fail(sa, io->why);
		return;
	}
	sa->auth_local_method = v.method;
	add_auth(&o, &v);
	rc = msg_send_request(sa, &o, peer_rx_final, NULL);
	memzero(&v, sizeof(v));
	if (rc < 0)
		peer_fail(sa, "cannot send the final AUTH");
}

static void peer_rx(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *pkt, size_t len)
{
	struct auth_io io;
	const struct auth_method *am = eap_io(sa, 1, 1, &io);

	if (!am) {
		peer_fail(sa, io.why);
		return;
	}
	if (!msg_pl(m, PL_EAP)) {
		uint16_t err = msg_error(m);

		peer_fail(sa, err ? ike_notify_str(err, (char[32]){ 0 }, 32) :
			  "response without EAP payload");
		return;
	}
	peer_next(sa, am, &io, m);
}

void auth_eap_rx_first(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *pkt,
		       size_t len)
{
	/* the responder's identity and AUTH (PSK or certificate) first */
	if (auth_check_responder(sa, m) < 0)
		return;
	peer_rx(sa, m, pkt, len);
}
