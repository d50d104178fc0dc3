/* EAP codec and the server/peer machines (RFC 3748; see eap.h). */
#include "ike/auth/eap.h"

#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "common/secret.h"
#include "ike/auth/eap_method.h"

static const struct eap_method_ops *const methods[] = { &eap_md5_ops, &eap_mschapv2_ops,
							 &eap_tls_ops };

static const struct eap_method_ops *method_of(uint8_t type)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i]->type == type)
			return methods[i];
	return NULL;
}

const char *eap_type_name(uint8_t type, char *buf, size_t len)
{
	static const struct { uint8_t t; const char *n; } names[] = {
		{ EAP_T_IDENTITY, "Identity" }, { EAP_T_NOTIFICATION, "Notification" },
		{ EAP_T_NAK, "Nak" }, { EAP_T_MD5, "MD5" }, { EAP_T_TLS, "TLS" }, { 21, "TTLS" },
		{ 25, "PEAP" }, { EAP_T_MSCHAPV2, "MSCHAPv2" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].t == type)
			return names[i].n;
	snprintf(buf, len, "type %u", type);
	return buf;
}

/* The bound on requests of a method (EAP_MAX_ROUNDS unless it sets one). */
static unsigned max_rounds(uint8_t type)
{
	const struct eap_method_ops *m = method_of(type);

	return m && m->max_rounds ? m->max_rounds : EAP_MAX_ROUNDS;
}

int eap_random(uint8_t *p, size_t n)
{
	return RAND_bytes(p, (int)n) == 1 ? 0 : -1;
}

int eap_decode(const uint8_t *p, size_t n, struct eap_msg *m, char *why, size_t whylen)
{
	struct rd r;
	uint16_t len;

	memset(m, 0, sizeof(*m));
	rd_init(&r, p, n);
	m->code = rd_u8(&r);
	m->id = rd_u8(&r);
	len = rd_u16(&r);
	if (!rd_ok(&r) || len != n) {
		snprintf(why, whylen, "EAP Length %u disagrees with the payload (%zu bytes)",
			 rd_ok(&r) ? len : 0, n);
		return -1;
	}
	if (m->code == EAP_SUCCESS || m->code == EAP_FAILURE) {
		if (n != 4) {
			snprintf(why, whylen, "EAP-%s of %zu bytes",
				 m->code == EAP_SUCCESS ? "Success" : "Failure", n);
			return -1;
		}
		return 0;
	}
	if (m->code != EAP_REQUEST && m->code != EAP_RESPONSE) {
		snprintf(why, whylen, "EAP Code %u unknown", m->code);
		return -1;
	}
	m->type = rd_u8(&r);
	if (!rd_ok(&r) || m->type == 254 || m->type == 255) {
		snprintf(why, whylen, "EAP %s without a usable Type",
			 m->code == EAP_REQUEST ? "Request" : "Response");
		return -1;
	}
	m->data = rd_rest(&r, &m->dlen);
	return 0;
}

/* Header + Type + the Type-Data written by fill into out. */
static int put_msg(uint8_t *out, size_t *out_len, uint8_t code, uint8_t id, uint8_t type,
		   const uint8_t *data, size_t dlen)
{
	struct wr w;

	wr_init(&w, out, EAP_OUT_MAX);
	wr_u8(&w, code);
	wr_u8(&w, id);
	wr_u16(&w, (uint16_t)(code <= EAP_RESPONSE ? 5 + dlen : 4));
	if (code <= EAP_RESPONSE) {
		wr_u8(&w, type);
		if (dlen)
			wr_bytes(&w, data, dlen);
	}
	*out_len = wr_ok(&w) ? wr_len(&w) : 0;
	return wr_ok(&w) ? 0 : -1;
}

/* ---- server ---- */

int eap_srv_password(struct eap_server *s, const uint8_t **pw, size_t *pwlen)
{
	if (s->pw(s->pw_arg, s->identity, s->id_len, pw, pwlen) == 0)
		return 0;
	snprintf(s->why, sizeof(s->why), "no EAP secret for '%s'", (const char *)s->identity);
	return -1;
}

static enum eap_status srv_fail(struct eap_server *s)
{
	s->state = SRV_FAILED;
	put_msg(s->out, &s->out_len, EAP_FAILURE, (uint8_t)(s->req_id + 1), 0, NULL, 0);
	return EAP_FAIL;
}

/* Our next request: Type-Data built by the method (or Identity's none). */
static enum eap_status srv_request(struct eap_server *s, uint8_t type, const uint8_t *d, size_t n)
{
	if (++s->rounds > max_rounds(s->type)) {
		snprintf(s->why, sizeof(s->why), "EAP did not finish in %u rounds",
			 max_rounds(s->type));
		return srv_fail(s);
	}
	s->req_id++;
	if (put_msg(s->out, &s->out_len, EAP_REQUEST, s->req_id, type, d, n) < 0) {
		snprintf(s->why, sizeof(s->why), "EAP request does not fit");
		return srv_fail(s);
	}
	return EAP_MORE;
}

static enum eap_status srv_challenge(struct eap_server *s)
{
	const struct eap_method_ops *m = method_of(s->type);
	uint8_t buf[EAP_OUT_MAX];
	struct wr w;

	wr_init(&w, buf, sizeof(buf) - 8);
	if (!m || m->srv_challenge(s, &w) < 0 || !wr_ok(&w)) {
		snprintf(s->why, sizeof(s->why), "EAP method %u cannot start", s->type);
		return srv_fail(s);
	}
	s->state = SRV_METHOD;
	return srv_request(s, s->type, buf, wr_len(&w));
}

/* Printable identities only: they go into log lines and ikectl output. */
static int id_ok(const uint8_t *p, size_t n)
{
	if (n == 0 || n > EAP_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 0;
	return 1;
}

static void set_identity(struct eap_server *s, const uint8_t *p, size_t n)
{
	memcpy(s->identity, p, n);
	s->identity[n] = 0;
	s->id_len = n;
}

int eap_server_start(struct eap_server *s, uint8_t type, const uint8_t *identity, size_t idlen,
		     const uint8_t *want, size_t wlen, eap_pw_fn pw, void *pw_arg)
{
	const struct eap_tls_cred *cred = s->tls_cred;

	memset(s, 0, sizeof(*s));
	s->tls_cred = cred;
	s->type = type;
	s->pw = pw;
	s->pw_arg = pw_arg;
	if (wlen > EAP_ID_MAX || idlen > EAP_ID_MAX || eap_random(&s->req_id, 1) < 0)
		return -1;
	if (wlen)
		memcpy(s->want_id, want, wlen);
	s->want_id_len = wlen;
	if (idlen && id_ok(identity, idlen)) {
		set_identity(s, identity, idlen);
		return srv_challenge(s) == EAP_MORE ? 0 : -1;
	}
	s->state = SRV_IDENTITY;
	return srv_request(s, EAP_T_IDENTITY, NULL, 0) == EAP_MORE ? 0 : -1;
}

static enum eap_status srv_identity(struct eap_server *s, const struct eap_msg *m)
{
	if (m->type != EAP_T_IDENTITY || !id_ok(m->data, m->dlen)) {
		snprintf(s->why, sizeof(s->why), "EAP-Identity response unusable (type %u, %zu "
			 "bytes)", m->type, m->dlen);
		return srv_fail(s);
	}
	set_identity(s, m->data, m->dlen);
	if (s->want_id_len &&
	    (s->want_id_len != m->dlen || memcmp(s->want_id, m->data, m->dlen) != 0)) {
		snprintf(s->why, sizeof(s->why), "EAP identity '%s' is not the one configured",
			 (const char *)s->identity);
		return srv_fail(s);
	}
	return srv_challenge(s);
}

enum eap_status eap_server_rx(struct eap_server *s, const uint8_t *msg, size_t len)
{
	const struct eap_method_ops *mo = method_of(s->type);
	struct eap_msg m;
	uint8_t buf[EAP_OUT_MAX];
	char tn[16];
	struct wr w;
	enum eap_status st;

	s->out_len = 0;
	if (s->state == SRV_FAILED || s->state == SRV_DONE) {
		snprintf(s->why, sizeof(s->why), "EAP message after the conversation ended");
		return srv_fail(s);
	}
	if (eap_decode(msg, len, &m, s->why, sizeof(s->why)) < 0)
		return srv_fail(s);
	if (m.code != EAP_RESPONSE || m.id != s->req_id) {
		snprintf(s->why, sizeof(s->why), "EAP code %u, identifier %u where the Response to "
			 "request %u was due", m.code, m.id, s->req_id);
		return srv_fail(s);
	}
	if (s->state == SRV_IDENTITY)
		return srv_identity(s, &m);
	if (m.type == EAP_T_NAK) {
		/* RFC 3748 5.3.1: the peer wants another method; we offer one */
		snprintf(s->why, sizeof(s->why), "peer refused EAP-%s (Nak), wants %s",
			 mo->name, m.dlen ? eap_type_name(m.data[0], tn, sizeof(tn)) : "none");
		return srv_fail(s);
	}
	if (m.type != s->type) {
		snprintf(s->why, sizeof(s->why), "EAP response of type %s, we asked for %s",
			 eap_type_name(m.type, tn, sizeof(tn)), mo->name);
		return srv_fail(s);
	}
	wr_init(&w, buf, sizeof(buf) - 8);
	st = mo->srv_response(s, &m, &w);
	if (st == EAP_FAIL || !wr_ok(&w))
		return srv_fail(s);
	if (st == EAP_MORE)
		return srv_request(s, s->type, buf, wr_len(&w));
	s->state = SRV_DONE;
	put_msg(s->out, &s->out_len, EAP_SUCCESS, s->req_id, 0, NULL, 0);
	return EAP_DONE;
}

void eap_server_free(struct eap_server *s)
{
	const struct eap_method_ops *m = method_of(s->type);

	if (m && m->srv_free)
		m->srv_free(s);
	memzero(s, sizeof(*s));
}

/* ---- peer ---- */

int eap_peer_init(struct eap_peer *p, uint8_t type, const uint8_t *identity, size_t idlen,
		  const uint8_t *pw, size_t pwlen)
{
	const struct eap_tls_cred *cred = p->tls_cred;

	memset(p, 0, sizeof(*p));
	p->tls_cred = cred;
	if (!method_of(type) || idlen > EAP_ID_MAX || pwlen > EAP_PW_MAX)
		return -1;
	p->type = type;
	if (idlen)
		memcpy(p->identity, identity, idlen);
	p->id_len = idlen;
	if (pwlen)
		memcpy(p->pw, pw, pwlen);
	p->pw_len = pwlen;
	return 0;
}

static enum eap_status peer_fail(struct eap_peer *p)
{
	p->state = PEER_FAILED;
	p->out_len = 0;
	return EAP_FAIL;
}

static enum eap_status peer_request(struct eap_peer *p, const struct eap_msg *m)
{
	const struct eap_method_ops *mo = method_of(p->type);
	uint8_t buf[EAP_OUT_MAX], nak;
	struct wr w;

	if (++p->rounds > max_rounds(p->type) + 1) {
		snprintf(p->why, sizeof(p->why), "EAP server did not finish in %u rounds",
			 max_rounds(p->type));
		return peer_fail(p);
	}
	switch (m->type) {
	case EAP_T_IDENTITY:
		put_msg(p->out, &p->out_len, EAP_RESPONSE, m->id, EAP_T_IDENTITY, p->identity,
			p->id_len);
		return EAP_MORE;
	case EAP_T_NOTIFICATION:	/* RFC 3748 5.2: acknowledged, never shown */
		put_msg(p->out, &p->out_len, EAP_RESPONSE, m->id, EAP_T_NOTIFICATION, NULL, 0);
		return EAP_MORE;
	}
	if (m->type != p->type) {
		/* 5.3.1: Legacy Nak naming the one method we run */
		nak = p->type;
		put_msg(p->out, &p->out_len, EAP_RESPONSE, m->id, EAP_T_NAK, &nak, 1);
		return EAP_MORE;
	}
	wr_init(&w, buf, sizeof(buf) - 8);
	if (mo->peer_request(p, m, &w) != EAP_MORE || !wr_ok(&w) ||
	    put_msg(p->out, &p->out_len, EAP_RESPONSE, m->id, p->type, buf, wr_len(&w)) < 0)
		return peer_fail(p);
	return EAP_MORE;
}

enum eap_status eap_peer_rx(struct eap_peer *p, const uint8_t *msg, size_t len)
{
	struct eap_msg m;

	p->out_len = 0;
	if (p->state == PEER_FAILED || p->state == PEER_DONE) {
		snprintf(p->why, sizeof(p->why), "EAP message after the conversation ended");
		return peer_fail(p);
	}
	if (eap_decode(msg, len, &m, p->why, sizeof(p->why)) < 0)
		return peer_fail(p);
	switch (m.code) {
	case EAP_REQUEST:
		return peer_request(p, &m);
	case EAP_SUCCESS:
		if (p->state != PEER_FINISHED) {
			/* RFC 3748 4.2: a Success before our method finished */
			snprintf(p->why, sizeof(p->why), "EAP-Success before EAP-%s finished",
				 method_of(p->type)->name);
			return peer_fail(p);
		}
		p->state = PEER_DONE;
		return EAP_DONE;
	case EAP_FAILURE:
		snprintf(p->why, sizeof(p->why), "EAP-Failure from the server");
		return peer_fail(p);
	}
	snprintf(p->why, sizeof(p->why), "EAP Response from the server");
	return peer_fail(p);
}

void eap_peer_free(struct eap_peer *p)
{
	const struct eap_method_ops *m = method_of(p->type);

	if (m && m->peer_free)
		m->peer_free(p);
	memzero(p, sizeof(*p));
}
