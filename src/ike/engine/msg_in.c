/*
 * Receive path (DESIGN-NOTES): header -> SA lookup by SPIs (or a new
 * half-open SA) -> message-ID window -> SK decrypt and verify -> inner
 * decode -> payload rules -> the exchange's handler.  What 2.21 says to
 * drop is dropped silently with a debug line; nothing is ever sent in
 * answer to a response.
 */
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "ike/codec/names.h"
#include "ike/engine/create_child.h"
#include "ike/engine/exchange.h"

const struct ike_payload *msg_pl(const struct ike_msg *m, uint8_t type)
{
	int i = ike_msg_find(m, type, 0);

	return i < 0 ? NULL : &m->pl[i];
}

uint16_t msg_error(const struct ike_msg *m)
{
	for (size_t i = 0; i < m->npl; i++)
		if (m->pl[i].type == PL_NOTIFY && m->pl[i].known &&
		    m->pl[i].u.notify.type <= N_ERROR_MAX)
			return m->pl[i].u.notify.type;
	return 0;
}

void msg_ts(const struct ike_msg *m, uint8_t type, struct ts_set *out)
{
	const struct ike_payload *p = msg_pl(m, type);

	out->n = 0;
	if (!p)
		return;
	for (size_t i = 0; i < p->u.ts.nts && out->n < TS_SET_MAX; i++)
		out->ts[out->n++] = p->u.ts.ts[i];
}

static void drop(struct engine *e, const char *why, const struct addr *remote)
{
	char a[ADDR_STRLEN];

	e->stats.packets_dropped++;
	log_dbg(LS_IKE, "message from %s dropped: %s", addr_str(remote, a, sizeof(a)), why);
}

/* A fragment refused (BAD-INPUT 31): counted, one line. */
static void frag_drop(struct ike_sa *sa, const struct ike_msg *m, const char *why, int quiet)
{
	const struct ike_pl_skf *f = &m->pl[m->sk_index].u.skf;
	struct engine *e = sa->eng;

	e->stats.frags_dropped++;
	e->stats.packets_dropped++;
	log_msg(LS_IKE, quiet ? LL_DEBUG : LL_INFO,
		  "IKE SA %llu: fragment %u of %u of %s %s %u dropped: %s",
		  (unsigned long long)sa->id, f->num, f->total, ike_exchange_name(m->hdr.exchange),
		  m->hdr.flags & IKE_FLAG_RESPONSE ? "response" : "request", m->hdr.msgid, why);
}

/*
 * RFC 7383 2.6: one SKF fragment.  Checked against the set being collected,
 * its ICV verified and decrypted on its own, then kept.  1: kept or dropped,
 * nothing more to do; 0: the message is complete, its content in plain and
 * decoded into m, fragment 1's datagram in dgram1 (the window's key for
 * retransmissions, 2.6.1); -1 / -2 as unprotect().
 */
static int rx_fragment(struct ike_sa *sa, struct frag_rx *r, const uint8_t *pkt, size_t len,
		       struct ike_msg *m, struct secret *plain, struct secret *dgram1,
		       struct codec_err *err)
{
	const struct ike_pl_skf *f = &m->pl[m->sk_index].u.skf;
	struct engine *e = sa->eng;
	uint64_t now = loop_now_ms(e->loop);
	struct secret piece = { 0 };
	size_t held = frag_rx_held(r);
	enum frag_verdict v;
	struct frag_in in;
	char why[192];
	uint8_t first;

	if (!sa->frag_ok) {
		frag_drop(sa, m, "IKE fragmentation was not negotiated", 0);
		return 1;
	}
	v = frag_rx_check(r, m->hdr.msgid, f->num, f->total, now, why, sizeof(why));
	if (v == FRAG_OK &&
	    sk_decrypt(&sa->sk_in, pkt, len, (size_t)(f->body.p - pkt), &piece, why,
		       sizeof(why)) != CR_OK)
		v = FRAG_REFUSED;
	if (v == FRAG_OK && e->frag_held + piece.len + len > ENGINE_FRAG_BUDGET) {
		snprintf(why, sizeof(why), "IKE SAs hold %zu bytes of fragments, at most %u",
			 e->frag_held, ENGINE_FRAG_BUDGET);
		v = FRAG_REFUSED;
	}
	if (v == FRAG_OK) {
		in = (struct frag_in){ m->hdr.msgid, f->num, f->total, f->first,
				       piece.ptr, piece.len, pkt, len };
		v = frag_rx_add(r, &in, now, why, sizeof(why));
		e->frag_held = e->frag_held - held + frag_rx_held(r);
	}
	secret_free(&piece);
	if (v != FRAG_KEPT && v != FRAG_COMPLETE) {
		frag_drop(sa, m, why, v == FRAG_DUPLICATE);
		return 1;
	}
	e->stats.frags_in++;
	if (v == FRAG_KEPT)
		return 1;
	if (frag_rx_take(r, plain, &first) < 0 || secret_dup(dgram1, r->frag1, r->frag1_len) < 0) {
		ike_sa_frag_clear(sa, r);
		snprintf(err->reason, sizeof(err->reason), "out of memory reassembling fragments");
		return -1;
	}
	ike_sa_frag_clear(sa, r);
	e->stats.frag_msgs_in++;
	log_info(LS_IKE, "IKE SA %llu: %s %s %u reassembled from %u fragments (%zu bytes)",
		 (unsigned long long)sa->id, ike_exchange_name(m->hdr.exchange),
		 m->hdr.flags & IKE_FLAG_RESPONSE ? "response" : "request", m->hdr.msgid,
		 f->total, plain->len);
	return ike_msg_decode_sk(m, first, plain->ptr, plain->len, err) < 0 ? -2 : 0;
}

/* A protected message: verify and decrypt the SK payload, decode the inner
 * chain into m.  plain keeps the bytes m points into.  0, -1 (drop: not
 * authentic), -2 (authentic, but the inner chain is broken: err), or 1
 * (an SKF fragment kept or dropped: rx_fragment, r is its set). */
static int unprotect(struct ike_sa *sa, const uint8_t *pkt, size_t len, struct ike_msg *m,
		     struct frag_rx *r, struct secret *plain, struct secret *dgram1,
		     struct codec_err *err)
{
	const struct ike_pl_sk *sk;
	char why[128];

	memset(err, 0, sizeof(*err));
	if (m->sk_index < 0 || !sa->have_keys) {
		snprintf(err->reason, sizeof(err->reason), "%s",
			 !sa->have_keys ? "no keys yet" : "no SK payload");
		return -1;
	}
	if (m->pl[m->sk_index].type == PL_SKF)
		return rx_fragment(sa, r, pkt, len, m, plain, dgram1, err);
	sk = &m->pl[m->sk_index].u.sk;
	if (sk_decrypt(&sa->sk_in, pkt, len, (size_t)(sk->body.p - pkt), plain, why,
		       sizeof(why)) != CR_OK) {
		snprintf(err->reason, sizeof(err->reason), "SK payload: %s", why);
		return -1;
	}
	if (ike_msg_decode_sk(m, sk->first, plain->ptr, plain->len, err) < 0)
		return -2;
	return 0;
}

/* The peer floats (2.23): a valid message from a new address or port. */
static void follow_peer(struct ike_sa *sa, const struct addr *local, const struct addr *remote,
			int natt)
{
	if (addr_cmp(&sa->remote, remote) == 0 && addr_cmp(&sa->local, local) == 0)
		return;
	if (natt && !sa->natt) {
		sa->natt = 1;
		log_info(LS_IKE, "IKE SA %llu: peer moved to port %u (NAT-T)",
			 (unsigned long long)sa->id, addr_port(remote));
	}
	sa->remote = *remote;
	if (!addr_is_any(local))
		sa->local = *local;
}

static void rx_response(struct ike_sa *sa, const uint8_t *pkt, size_t len, struct ike_msg *m,
			const struct addr *local, const struct addr *remote, int natt)
{
	struct engine *e = sa->eng;
	struct secret plain = { 0 }, dgram1 = { 0 };
	struct codec_err err;
	struct sa_entry *en;
	ike_response_fn fn;
	int rc = 0;

	/* the exchange type must be the request's: an unprotected
	 * "IKE_SA_INIT" answer to a protected request is a forgery */
	if (ike_window_rx_response(&sa->win, m->hdr.msgid) != IKE_RX_NEW || !sa->on_response ||
	    m->hdr.exchange != sa->req_exchange) {
		drop(e, "unexpected response", remote);
		return;
	}
	if (m->hdr.exchange != IKE_SA_INIT)
		rc = unprotect(sa, pkt, len, m, &sa->frag_resp, &plain, &dgram1, &err);
	if (rc == 1)
		goto out;	/* a fragment: more to come, or dropped */
	if (rc < 0) {
		drop(e, err.reason, remote);
		goto out;
	}
	if (ike_msg_check_rules(m, &err) < 0) {
		drop(e, err.reason, remote);
		goto out;
	}
	fn = sa->on_response;
	if (m->hdr.exchange != IKE_SA_INIT) {
		ike_sa_alive(sa);
		follow_peer(sa, local, remote, natt);
		sa->on_response = NULL;
		ike_window_response_done(&sa->win);
	}
	fn(sa, m, pkt, len);	/* may destroy sa */
	/* the window is free again: DELETEs queued meanwhile go now */
	en = sa_table_find(&e->table, spi_get(m->hdr.spi_i), spi_get(m->hdr.spi_r),
			   !!(m->hdr.flags & IKE_FLAG_INITIATOR));
	if (en == &sa->entry && (sa->delete_pending || sa->ndel_spis))
		info_flush(sa);
out:
	secret_free(&plain);
	secret_free(&dgram1);
}

/* Requests a responder knows; IKE_SA_INIT creates SAs elsewhere. */
static void dispatch_request(struct ike_sa *sa, const struct ike_msg *m)
{
	switch (m->hdr.exchange) {
	case IKE_AUTH:
		sa->eng->rx.auth_request(sa, m);
		break;
	case INFORMATIONAL:
		sa->eng->rx.info_request(sa, m);
		break;
	default:
		sa->eng->rx.create_child_request(sa, m);
		break;
	}
}

static void rx_request(struct ike_sa *sa, const uint8_t *pkt, size_t len, struct ike_msg *m,
		       const struct addr *local, const struct addr *remote, int natt)
{
	struct engine *e = sa->eng;
	struct secret plain = { 0 }, dgram1 = { 0 };
	struct codec_err err;
	struct out_msg o;
	int rc;

	switch (ike_window_rx_request(&sa->win, m->hdr.msgid, pkt, len)) {
	case IKE_RX_NEW:
		break;
	case IKE_RX_RETRANSMIT:
		return;		/* the cached response went out again */
	case IKE_RX_DROP:
		drop(e, "request outside the window", remote);
		return;
	}
	/* BAD-INPUT 7: nothing encrypted is processed before the keys exist,
	 * and INFORMATIONAL/CREATE_CHILD_SA wait for IKE_AUTH. */
	if (m->hdr.exchange == IKE_SA_INIT ||
	    (m->hdr.exchange != IKE_AUTH && sa->state != IKE_SA_ESTABLISHED &&
	     sa->state != IKE_SA_DELETING && sa->state != IKE_SA_REKEYING &&
	     sa->state != IKE_SA_REKEYED)) {
		drop(e, "exchange not allowed in this state", remote);
		return;
	}
	rc = unprotect(sa, pkt, len, m, &sa->frag_req, &plain, &dgram1, &err);
	if (rc == 1)
		goto out;	/* a fragment: more to come, or dropped */
	if (dgram1.ptr) {
		/* 2.6.1: a retransmission is known by its fragment 1 */
		pkt = dgram1.ptr;
		len = dgram1.len;
	}
	if (rc == 0 && ike_msg_check_rules(m, &err) < 0)
		rc = -2;
	/* what the codec says to drop (unknown exchange, payloads outside SK:
	 * 3.14, BAD-INPUT 24) leaves the window as it was: no answer */
	if (rc == -1 || (rc == -2 && err.status == CODEC_DROP)) {
		drop(e, err.reason, remote);
		goto out;
	}
	if (ike_window_begin_request(&sa->win, m->hdr.msgid, pkt, len) < 0)
		goto out;
	ike_sa_alive(sa);
	follow_peer(sa, local, remote, natt);
	if (rc == -2) {
		/* 2.21.2/2.21.3: authentic but unacceptable: say why */
		uint16_t n = codec_status_notify(err.status);

		log_info(LS_IKE, "IKE SA %llu: %s request refused: %s", (unsigned long long)sa->id,
			 ike_exchange_name(m->hdr.exchange), err.reason);
		out_init(&o, m->hdr.exchange, 1, m->hdr.msgid);
		if (err.status == CODEC_UNSUPPORTED_CRITICAL)
			out_notify(&o, PROTO_NONE, N_UNSUPPORTED_CRITICAL_PAYLOAD, &err.payload, 1);
		else
			out_notify(&o, PROTO_NONE, n ? n : N_INVALID_SYNTAX, NULL, 0);
		msg_send_response(sa, &o, NULL);
		if (m->hdr.exchange == IKE_AUTH)
			ike_sa_destroy(sa);
		goto out;
	}
	dispatch_request(sa, m);	/* may destroy sa */
out:
	secret_free(&plain);
	secret_free(&dgram1);
}

/* Stateless unauthenticated answers: ENGINE_UNAUTH_NOTIFY_PER_S a second. */
static int unauth_allowed(struct engine *e)
{
	uint64_t sec = loop_now_ms(e->loop) / 1000;

	if (sec != e->unauth_sec) {
		e->unauth_sec = sec;
		e->unauth_n = 0;
	}
	return e->unauth_n++ < ENGINE_UNAUTH_NOTIFY_PER_S;
}

/* 2.5 (BAD-INPUT 2, 9): a request the decoder refused before any state
 * exists.  A higher major version gets INVALID_MAJOR_VERSION (our version
 * in the header, 3.10.1), an unknown critical payload in IKE_SA_INIT
 * UNSUPPORTED_CRITICAL_PAYLOAD naming the type; both rate-limited. */
static void refuse_undecodable(struct engine *e, const struct ike_msg *m,
			       const struct codec_err *err, const struct addr *local,
			       const struct addr *remote)
{
	uint8_t type = err->payload;

	if (m->hdr.flags & IKE_FLAG_RESPONSE)
		return;
	if (err->status == CODEC_INVALID_MAJOR_VERSION && unauth_allowed(e))
		msg_send_stateless(e, &m->hdr, local, remote, N_INVALID_MAJOR_VERSION, NULL, 0);
	else if (err->status == CODEC_UNSUPPORTED_CRITICAL && m->hdr.exchange == IKE_SA_INIT &&
		 spi_get(m->hdr.spi_i) && !spi_get(m->hdr.spi_r) && m->hdr.msgid == 0 &&
		 unauth_allowed(e))
		msg_send_stateless(e, &m->hdr, local, remote, N_UNSUPPORTED_CRITICAL_PAYLOAD,
				   &type, 1);
}

/* 1.5, 2.21.4 (BAD-INPUT 5): an encrypted request for an IKE SA we do not
 * hold may get an unprotected INVALID_IKE_SPI: the peer may have lost our
 * restart.  Token buckets per source and in all keep it from being an
 * amplifier; nothing is kept. */
static void answer_unknown_spi(struct engine *e, const struct ike_msg *m,
			       const struct addr *local, const struct addr *remote)
{
	char a[ADDR_STRLEN];

	if (m->hdr.exchange == IKE_SA_INIT || m->sk_index < 0)
		return;
	if (!tbucket_admit(&e->invalid_spi, remote, loop_now_ms(e->loop),
			   ENGINE_INVALID_SPI_PER_S, ENGINE_INVALID_SPI_PEER_PER_S,
			   ENGINE_INVALID_SPI_PEER_BURST)) {
		e->stats.invalid_spi_limited++;
		return;
	}
	if (msg_send_invalid_spi(e, &m->hdr, local, remote) == 0) {
		e->stats.invalid_spi_sent++;
		log_dbg(LS_IKE, "INVALID_IKE_SPI sent to %s (SPIs %016llx/%016llx)",
			addr_str(remote, a, sizeof(a)), (unsigned long long)spi_get(m->hdr.spi_i),
			(unsigned long long)spi_get(m->hdr.spi_r));
	}
}

/* 2.21.4 (BAD-INPUT 6): an unprotected INVALID_IKE_SPI for an IKE SA we
 * hold is not proof of anything (anyone can send it): it starts a
 * liveness check, which ends the SA only if the peer stays silent.
 * 1 if m was that notify (consumed). */
static int unprotected_invalid_spi(struct ike_sa *sa, const struct ike_msg *m,
				   const struct addr *remote)
{
	char a[ADDR_STRLEN];

	if (m->hdr.exchange == IKE_SA_INIT || m->sk_index >= 0 ||
	    !ike_msg_notify(m, N_INVALID_IKE_SPI))
		return 0;
	sa->eng->stats.invalid_spi_received++;
	log_info(LS_IKE, "IKE SA %llu: unprotected INVALID_IKE_SPI from %s, not trusted: "
		 "liveness check", (unsigned long long)sa->id, addr_str(remote, a, sizeof(a)));
	ike_sa_check_alive(sa);
	return 1;
}

void engine_packet_in(struct engine *e, const uint8_t *pkt, size_t len,
		      const struct addr *local, const struct addr *remote, int natt)
{
	struct ike_msg *mp = e->rx_msg;	/* per engine, see struct engine */
	struct codec_err err;
	struct sa_entry *en;
	int response, from_init;

	e->stats.packets_in++;
	e->stats.bytes_in += len;
	if (ike_msg_decode(pkt, len, mp, &err) < 0) {
		if (err.payload == PL_SKF)	/* RFC 7383 2.5: number 0 or > total */
			e->stats.frags_dropped++;
		drop(e, err.reason, remote);
		refuse_undecodable(e, mp, &err, local, remote);
		return;
	}
	response = !!(mp->hdr.flags & IKE_FLAG_RESPONSE);
	from_init = !!(mp->hdr.flags & IKE_FLAG_INITIATOR);
	if (mp->hdr.exchange == IKE_SA_INIT && !response) {
		if (ike_msg_check_rules(mp, &err) < 0) {
			drop(e, err.reason, remote);
			return;
		}
		if (spi_get(mp->hdr.spi_r) == 0) {
			e->rx.init_request(e, pkt, len, mp, local, remote);
			log_ctx_set(NULL);
			return;
		}
	}
	en = sa_table_find(&e->table, spi_get(mp->hdr.spi_i), spi_get(mp->hdr.spi_r), from_init);
	if (!en) {
		drop(e, response ? "response for an unknown IKE SA" :
				   "request for an unknown IKE SA", remote);
		if (!response)
			answer_unknown_spi(e, mp, local, remote);
		return;
	}
	if (response && unprotected_invalid_spi((struct ike_sa *)en, mp, remote))
		return;
	/* log lines from here on belong to the SA's connection (core/diag.c) */
	log_ctx_set(((struct ike_sa *)en)->conn ? ((struct ike_sa *)en)->conn->name : NULL);
	if (response)
		rx_response((struct ike_sa *)en, pkt, len, mp, local, remote, natt);
	else
		rx_request((struct ike_sa *)en, pkt, len, mp, local, remote, natt);
	log_ctx_set(NULL);
}
