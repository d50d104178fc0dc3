/*
 * EAP-TLS (RFC 5216; TLS 1.3 per RFC 9190), both roles, as a row of
 * eap.c's method table.  OpenSSL runs the TLS over two memory BIOs; this
 * file moves TLS messages between them and EAP-TLS packets:
 *
 *   Type-Data = Flags (L 0x80, M 0x40, S 0x20) [TLS Message Length, if L]
 *               TLS data
 *
 * Our TLS messages go out in fragments of EAP_TLS_FRAG bytes, the first
 * with L, all but the last with M; the other side acknowledges each with
 * an empty EAP-TLS message (3.1).  The peer's fragments are reassembled up
 * to their TLS Message Length and at most EAP_TLS_MSG_MAX bytes, each
 * acknowledged likewise.
 *
 *   server                              peer
 *   Start (S)                   -->
 *                               <--     ClientHello
 *   ServerHello .. Done/Finished -->
 *                               <--     Certificate .. Finished
 *   TLS 1.2: ChangeCipherSpec, Finished
 *   TLS 1.3: commitment message (one byte 0x00 of application data,
 *            RFC 9190 2.5)      -->
 *                               <--     (empty: acknowledged)
 *   EAP-Success
 *
 * Each side checks the other's certificate with pki_chain_verify() against
 * its trust anchors and requires the identity of eap_tls_cred.peer_id (the
 * server: the client's IKE or EAP identity; the client: the server's IKE
 * identity).  MSK: the first 64 bytes of the TLS exporter, label "client
 * EAP encryption" without context (RFC 5216 2.3) for TLS 1.2, label
 * "EXPORTER_EAP_TLS_Key_Material" with context 0x0D (RFC 9190 2.3) for 1.3.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/secret.h"
#include "ike/auth/eap_method.h"
#include "ike/auth/eap_tls.h"
#include "ike/pki/pki.h"

enum phase {
	PH_HANDSHAKE = 0,
	PH_FINAL,		/* server: our last flight sent; the peer's ACK ends it */
	PH_WAIT_COMMIT,		/* peer, TLS 1.3: handshake done, commitment due */
	PH_FINISHED,		/* peer: the server may send EAP-Success */
};

struct eap_tls {
	SSL_CTX *ctx;
	SSL *ssl;
	BIO *rbio, *wbio;		/* records from / to the other side (owned by ssl) */
	int server;
	enum phase phase;
	STACK_OF(X509) *anchors;	/* own references */
	STACK_OF(X509_CRL) *crls;
	int revocation;
	struct ident peer_id;
	uint8_t *in;			/* the peer's TLS message being reassembled */
	size_t in_len, in_cap, in_total;
	int have_total;			/* in_total came with L */
	uint8_t *out;			/* our TLS message being sent in fragments */
	size_t out_len, out_off;
	uint8_t *msk;			/* the machine's msk[EAP_MSK_MAX], msk_len */
	size_t *msk_len;
	char *why;			/* the machine's why */
	size_t whylen;
	char vwhy[200];			/* why the certificate check refused */
	char peer_cert[PKI_ERR_LEN];	/* the certificate it accepted */
};

static enum eap_status fail(struct eap_tls *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum eap_status fail(struct eap_tls *t, const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	snprintf(t->why, t->whylen, "EAP-TLS: %s", buf);
	return EAP_FAIL;
}

/* An OpenSSL failure: our certificate check's reason, else OpenSSL's. */
static enum eap_status fail_ssl(struct eap_tls *t, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	snprintf(t->why, t->whylen, "EAP-TLS: %s failed: %s", what,
		 t->vwhy[0] ? t->vwhy : r ? r : "unexpected TLS state");
	ERR_clear_error();
	return EAP_FAIL;
}

/* SSL's certificate check replaced by the project's (chain.c, idmatch.c). */
static int verify_peer(X509_STORE_CTX *x, void *arg)
{
	struct eap_tls *t = arg;
	X509 *ee = X509_STORE_CTX_get0_cert(x);
	STACK_OF(X509) *sent = X509_STORE_CTX_get0_untrusted(x);
	STACK_OF(X509) *im = sk_X509_new_null();
	struct pki_trust tr = { t->anchors, t->crls, (enum pki_revocation)t->revocation, 0 };
	char err[PKI_ERR_LEN], who[PKI_ERR_LEN], b[IDENT_STRLEN];
	const char *role = t->server ? "client" : "server";
	int ok = 0;

	for (int i = 0; im && sent && i < sk_X509_num(sent); i++)
		if (sk_X509_value(sent, i) != ee && !sk_X509_push(im, sk_X509_value(sent, i)))
			break;
	if (!ee || !im)
		snprintf(t->vwhy, sizeof(t->vwhy), "no %s certificate", role);
	else if (pki_chain_verify(&tr, ee, im, err, sizeof(err)) < 0)
		snprintf(t->vwhy, sizeof(t->vwhy), "%s %.180s", role, err);
	else if (t->peer_id.type && !pki_cert_has_id(ee, &t->peer_id))
		snprintf(t->vwhy, sizeof(t->vwhy), "identity %s is not in the %s %s",
			 ident_str(&t->peer_id, b, sizeof(b)), role, pki_cert_desc(ee, who, sizeof(who)));
	else
		ok = 1;
	if (ok)
		pki_name_str(X509_get_subject_name(ee), t->peer_cert, sizeof(t->peer_cert));
	sk_X509_free(im);
	X509_STORE_CTX_set_error(x, ok ? X509_V_OK : X509_V_ERR_APPLICATION_VERIFICATION);
	return ok;
}

static void tls_free(struct eap_tls *t)
{
	if (!t)
		return;
	SSL_free(t->ssl);
	SSL_CTX_free(t->ctx);
	sk_X509_pop_free(t->anchors, X509_free);
	sk_X509_CRL_pop_free(t->crls, X509_CRL_free);
	if (t->in)
		OPENSSL_clear_free(t->in, t->in_cap);
	if (t->out)
		OPENSSL_clear_free(t->out, t->out_len);
	OPENSSL_cleanse(t, sizeof(*t));
	free(t);
}

static int ctx_creds(struct eap_tls *t, const struct eap_tls_cred *c)
{
	SSL_CTX *ctx = t->ctx;
	int max = c->max_version ? c->max_version : TLS1_3_VERSION;

	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, max))
		return -1;
	/* one handshake, nothing resumed or renegotiated; so a server
	 * without RFC 5746's renegotiation_info (strongSwan's TLS stack) is
	 * no risk and is accepted */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
				 SSL_OP_NO_COMPRESSION | SSL_OP_LEGACY_SERVER_CONNECT);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	if (!SSL_CTX_set_num_tickets(ctx, 0))
		return -1;
	if (!c->chain || sk_X509_num(c->chain) < 1 || !c->key ||
	    SSL_CTX_use_certificate(ctx, sk_X509_value(c->chain, 0)) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, c->key) != 1 || SSL_CTX_check_private_key(ctx) != 1)
		return -1;
	for (int i = 1; i < sk_X509_num(c->chain); i++)
		if (SSL_CTX_add1_chain_cert(ctx, sk_X509_value(c->chain, i)) != 1)
			return -1;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
			   (t->server ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), NULL);
	SSL_CTX_set_cert_verify_callback(ctx, verify_peer, t);
	/* the CertificateRequest names our anchors (the client picks by them) */
	for (int i = 0; t->server && c->anchors && i < sk_X509_num(c->anchors); i++)
		if (SSL_CTX_add_client_CA(ctx, sk_X509_value(c->anchors, i)) != 1)
			return -1;
	return 0;
}

static int copy_trust(struct eap_tls *t, const struct eap_tls_cred *c)
{
	if (!c->anchors || !(t->anchors = X509_chain_up_ref(c->anchors)))
		return -1;
	if (!(t->crls = sk_X509_CRL_new_null()))
		return -1;
	for (int i = 0; c->crls && i < sk_X509_CRL_num(c->crls); i++) {
		X509_CRL *crl = sk_X509_CRL_value(c->crls, i);

		if (!X509_CRL_up_ref(crl))
			return -1;
		if (!sk_X509_CRL_push(t->crls, crl)) {
			X509_CRL_free(crl);
			return -1;
		}
	}
	t->revocation = c->revocation;
	return 0;
}

/* A conversation of one role; NULL with why set. */
static struct eap_tls *tls_new(int server, const struct eap_tls_cred *c, const struct ident *peer,
			       uint8_t *msk, size_t *msk_len, char *why, size_t whylen)
{
	struct eap_tls *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->server = server;
	t->msk = msk;
	t->msk_len = msk_len;
	t->why = why;
	t->whylen = whylen;
	t->peer_id = *peer;
	ERR_clear_error();
	if (!(t->ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method())) ||
	    ctx_creds(t, c) < 0 || copy_trust(t, c) < 0 || !(t->ssl = SSL_new(t->ctx)) ||
	    !(t->rbio = BIO_new(BIO_s_mem())) || !(t->wbio = BIO_new(BIO_s_mem()))) {
		fail_ssl(t, "setting up our certificate and key");
		BIO_free(t->rbio);
		BIO_free(t->wbio);
		tls_free(t);
		return NULL;
	}
	BIO_set_mem_eof_return(t->rbio, -1);	/* empty: "retry", not EOF */
	SSL_set_bio(t->ssl, t->rbio, t->wbio);
	if (server)
		SSL_set_accept_state(t->ssl);
	else
		SSL_set_connect_state(t->ssl);
	return t;
}

/* The next fragment of our TLS message into w. */
static enum eap_status send_next(struct eap_tls *t, struct wr *w)
{
	size_t left = t->out_len - t->out_off, n = left < EAP_TLS_FRAG ? left : EAP_TLS_FRAG;
	uint8_t flags = (t->out_off == 0 ? EAP_TLS_L : 0) | (n < left ? EAP_TLS_M : 0);

	wr_u8(w, flags);
	if (flags & EAP_TLS_L)
		wr_u32(w, (uint32_t)t->out_len);
	wr_bytes(w, t->out + t->out_off, n);
	t->out_off += n;
	if (t->out_off == t->out_len) {
		OPENSSL_clear_free(t->out, t->out_len);
		t->out = NULL;
		t->out_len = t->out_off = 0;
	}
	return EAP_MORE;
}

/* What TLS wrote: the next message (fragmented), or an empty one. */
static enum eap_status flush(struct eap_tls *t, struct wr *w)
{
	size_t n = (size_t)BIO_ctrl_pending(t->wbio);

	if (n == 0) {
		wr_u8(w, 0);	/* nothing to say: acknowledgement */
		return EAP_MORE;
	}
	if (n > EAP_TLS_MSG_MAX)
		return fail(t, "our TLS message of %zu bytes is over %d", n, EAP_TLS_MSG_MAX);
	if (!(t->out = OPENSSL_malloc(n)) || BIO_read(t->wbio, t->out, (int)n) != (int)n)
		return fail(t, "cannot take %zu bytes from TLS", n);
	t->out_len = n;
	t->out_off = 0;
	return send_next(t, w);
}

static int derive_msk(struct eap_tls *t)
{
	static const uint8_t type_code = EAP_T_TLS;
	uint8_t km[128];	/* Key_Material: MSK, then EMSK (unused) */
	int ok;

	if (SSL_version(t->ssl) >= TLS1_3_VERSION)
		ok = SSL_export_keying_material(t->ssl, km, sizeof(km),
						"EXPORTER_EAP_TLS_Key_Material", 29, &type_code, 1, 1);
	else
		ok = SSL_export_keying_material(t->ssl, km, sizeof(km), "client EAP encryption", 21,
						NULL, 0, 0);
	if (ok == 1) {
		memcpy(t->msk, km, EAP_MSK_MAX);
		*t->msk_len = EAP_MSK_MAX;
	}
	OPENSSL_cleanse(km, sizeof(km));
	return ok == 1 ? 0 : -1;
}

static enum eap_status handshake_done(struct eap_tls *t)
{
	int v13 = SSL_version(t->ssl) >= TLS1_3_VERSION;

	if (derive_msk(t) < 0)
		return fail_ssl(t, "deriving the MSK");
	if (!t->server) {
		t->phase = v13 ? PH_WAIT_COMMIT : PH_FINISHED;
		return EAP_MORE;
	}
	/* RFC 9190 2.5: TLS 1.3 servers commit to sending no more handshake
	 * messages with one byte 0x00 of application data */
	if (v13 && SSL_write(t->ssl, "", 1) != 1)
		return fail_ssl(t, "sending the commitment message");
	t->phase = PH_FINAL;
	return EAP_MORE;
}

/* The peer's TLS message is in rbio: run TLS, answer with what it wrote. */
static enum eap_status tls_step(struct eap_tls *t, struct wr *w)
{
	uint8_t b[16];
	int rc;

	if (t->phase == PH_HANDSHAKE) {
		rc = SSL_do_handshake(t->ssl);
		if (rc != 1 && SSL_get_error(t->ssl, rc) != SSL_ERROR_WANT_READ)
			return fail_ssl(t, "TLS handshake");
		if (rc == 1 && handshake_done(t) == EAP_FAIL)
			return EAP_FAIL;
		if (t->server && t->phase == PH_HANDSHAKE && !BIO_ctrl_pending(t->wbio))
			return fail(t, "the client's TLS message left the handshake stalled");
	} else if (t->phase == PH_WAIT_COMMIT) {
		rc = SSL_read(t->ssl, b, sizeof(b));
		if (rc == 1 && b[0] == 0)
			t->phase = PH_FINISHED;
		else if (rc > 0)
			return fail(t, "%zu bytes of TLS application data where the commitment message "
				    "was due", (size_t)rc);
		else if (SSL_get_error(t->ssl, rc) != SSL_ERROR_WANT_READ)
			return fail_ssl(t, "TLS after the handshake");
	} else {
		/* the other side says more after the end: an alert, or noise */
		rc = SSL_read(t->ssl, b, sizeof(b));
		return fail_ssl(t, "TLS after the handshake");
	}
	return flush(t, w);
}

/* One received EAP-TLS Type-Data (without S): EAP_MORE with ours in w,
 * EAP_DONE (server: our last flight acknowledged), EAP_FAIL. */
static enum eap_status tls_rx(struct eap_tls *t, const uint8_t *d, size_t n, struct wr *w)
{
	struct rd r;
	uint8_t flags;
	uint32_t total = 0;
	const uint8_t *data;
	size_t dlen, cap;

	rd_init(&r, d, n);
	flags = rd_u8(&r);
	if (flags & EAP_TLS_L)
		total = rd_u32(&r);
	if (!rd_ok(&r))
		return fail(t, "message of %zu bytes too short for its Flags 0x%02x", n,
			    n ? d[0] : 0);
	data = rd_rest(&r, &dlen);
	if (flags & EAP_TLS_S)
		return fail(t, "Start flag (Flags 0x%02x) in the middle of the conversation",
			    flags);
	if (t->out) {
		/* sending our fragments: each is acknowledged with nothing */
		if (dlen || (flags & (EAP_TLS_L | EAP_TLS_M)))
			return fail(t, "%zu bytes (Flags 0x%02x) where the acknowledgement of our "
				    "fragment was due", dlen, flags);
		return send_next(t, w);
	}
	if (!dlen && !t->in_len) {
		if (flags & (EAP_TLS_L | EAP_TLS_M))
			return fail(t, "message with Flags 0x%02x and no data", flags);
		if (t->server && t->phase == PH_FINAL)
			return EAP_DONE;
		return fail(t, "empty message during the TLS handshake");
	}
	if (flags & EAP_TLS_L) {
		if (total > EAP_TLS_MSG_MAX)
			return fail(t, "TLS Message Length %u over the %d-byte cap", total,
				    EAP_TLS_MSG_MAX);
		if (t->in_len && (!t->have_total || total != t->in_total))
			return fail(t, "TLS Message Length %u in a later fragment, the first said %zu",
				    total, t->in_total);
		t->in_total = total;
		t->have_total = 1;
	} else if (!t->in_len && (flags & EAP_TLS_M)) {
		return fail(t, "first fragment (%zu bytes) without TLS Message Length",
			    dlen);
	}
	if (!dlen)
		return fail(t, "empty fragment after %zu bytes", t->in_len);
	cap = t->have_total ? t->in_total : EAP_TLS_MSG_MAX;
	if (dlen > cap - t->in_len)
		return fail(t, "fragments carry more than %zu bytes (%zu so far)", cap,
			    t->in_len + dlen);
	if (t->in_len + dlen > t->in_cap) {
		size_t ncap = t->have_total ? t->in_total : t->in_len + dlen;
		uint8_t *nb = OPENSSL_clear_realloc(t->in, t->in_cap, ncap);

		if (!nb)
			return fail(t, "no memory for %zu bytes", ncap);
		t->in = nb;
		t->in_cap = ncap;
	}
	memcpy(t->in + t->in_len, data, dlen);
	t->in_len += dlen;
	if (flags & EAP_TLS_M) {
		wr_u8(w, 0);	/* acknowledged; more fragments follow */
		return EAP_MORE;
	}
	if (t->have_total && t->in_len != t->in_total)
		return fail(t, "TLS Message Length %zu, but the fragments carried %zu bytes",
			    t->in_total, t->in_len);
	if (BIO_write(t->rbio, t->in, (int)t->in_len) != (int)t->in_len)
		return fail(t, "cannot hand %zu bytes to TLS", t->in_len);
	t->in_len = 0;
	t->have_total = 0;
	t->in_total = 0;
	return tls_step(t, w);
}

const char *eap_tls_desc(const struct eap_tls *t, char *buf, size_t len)
{
	if (!t || !t->ssl || !t->peer_cert[0])
		snprintf(buf, len, "no TLS session");
	else
		snprintf(buf, len, "%s, %s certificate \"%s\"", SSL_get_version(t->ssl),
			 t->server ? "client" : "server", t->peer_cert);
	return buf;
}

/* ---- server ---- */

static int srv_start(struct eap_server *s, struct wr *w)
{
	const struct eap_tls_cred *c = s->tls_cred;
	struct ident id = { 0 };
	char err[128];

	if (!c) {
		snprintf(s->why, sizeof(s->why), "EAP-TLS: no certificate of ours configured");
		return -1;
	}
	id = c->peer_id;
	/* the identity the client gave in EAP must be in its certificate */
	if (!id.type && ident_parse(&id, (const char *)s->identity, err, sizeof(err)) < 0) {
		snprintf(s->why, sizeof(s->why), "EAP-TLS: EAP identity '%.80s' is not an identity a "
			 "certificate can carry: %.40s", (const char *)s->identity, err);
		return -1;
	}
	if (!(s->tls = tls_new(1, c, &id, s->msk, &s->msk_len, s->why, sizeof(s->why))))
		return -1;
	wr_u8(w, EAP_TLS_S);	/* 3.1: Start, no data */
	return 0;
}

static enum eap_status srv_response(struct eap_server *s, const struct eap_msg *m, struct wr *w)
{
	enum eap_status st;

	if (!s->tls)
		return EAP_FAIL;
	st = tls_rx(s->tls, m->data, m->dlen, w);
	if (st == EAP_DONE && s->msk_len != EAP_MSK_MAX)
		return fail(s->tls, "done without an MSK");
	return st;
}

static void srv_free(struct eap_server *s)
{
	tls_free(s->tls);
	s->tls = NULL;
}

/* ---- peer ---- */

static enum eap_status peer_request(struct eap_peer *p, const struct eap_msg *m, struct wr *w)
{
	const struct eap_tls_cred *c = p->tls_cred;
	int start = m->dlen >= 1 && (m->data[0] & EAP_TLS_S);
	enum eap_status st;

	if (!p->tls) {
		if (!start) {
			snprintf(p->why, sizeof(p->why), "EAP-TLS: request without Start first");
			return EAP_FAIL;
		}
		if (!c) {
			snprintf(p->why, sizeof(p->why), "EAP-TLS: no certificate of ours configured");
			return EAP_FAIL;
		}
		if (!(p->tls = tls_new(0, c, &c->peer_id, p->msk, &p->msk_len, p->why,
				       sizeof(p->why))))
			return EAP_FAIL;
		p->state = PEER_METHOD;
		return tls_step(p->tls, w);	/* ClientHello */
	}
	if (start || p->state == PEER_FINISHED) {
		snprintf(p->why, sizeof(p->why), "EAP-TLS: %s", start ? "second Start" :
			 "request after the TLS handshake finished");
		return EAP_FAIL;
	}
	st = tls_rx(p->tls, m->data, m->dlen, w);
	if (st == EAP_MORE && p->tls->phase == PH_FINISHED && !p->tls->out)
		p->state = PEER_FINISHED;
	return st == EAP_DONE ? EAP_FAIL : st;
}

static void peer_free(struct eap_peer *p)
{
	tls_free(p->tls);
	p->tls = NULL;
}

const struct eap_method_ops eap_tls_ops = {
	.type = EAP_T_TLS,
	.name = "TLS",
	.srv_challenge = srv_start,
	.srv_response = srv_response,
	.peer_request = peer_request,
	.srv_free = srv_free,
	.peer_free = peer_free,
	.max_rounds = EAP_TLS_MAX_ROUNDS,
};
