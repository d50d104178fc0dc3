/*
 * The authentication-method table and what every row shares: the signed
 * octets, CERT/CERTREQ payloads, SIGNATURE_HASH_ALGORITHMS.
 */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/secret.h"
#include "ike/crypto/keymat.h"
#include "ike/engine/auth.h"

static const struct {
	unsigned conf_auth;
	const struct auth_row *row;
} rows[] = {
	{ CONF_AUTH_PSK, &auth_row_psk },
	{ CONF_AUTH_PUBKEY, &auth_row_pubkey },
	{ CONF_AUTH_RSA, &auth_row_pubkey },
	{ CONF_AUTH_ECDSA, &auth_row_pubkey },
	{ CONF_AUTH_ED25519, &auth_row_pubkey },
	{ CONF_AUTH_ED448, &auth_row_pubkey },
};

const struct auth_row *auth_row(unsigned conf_auth)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].conf_auth == conf_auth)
			return rows[i].row;
	return NULL;
}

int auth_signed_octets(const struct ike_sa *sa, int of_init, const struct ident *id,
		       struct wr *w)
{
	uint8_t body[4 + IDENT_MAX];
	size_t blen = ike_id_body(id, body, sizeof(body));
	const struct secret *msg = of_init ? &sa->init_req : &sa->init_resp;
	const struct secret *nonce = of_init ? &sa->nr : &sa->ni;

	if (!blen)
		return -1;
	return auth_octets(sa->algs.prf, of_init ? &sa->keys.sk_pi : &sa->keys.sk_pr, msg->ptr,
			   msg->len, nonce->ptr, nonce->len, body, blen, w) == CR_OK ? 0 : -1;
}

void auth_certreq(const struct conf_conn *conn, struct auth_out *out)
{
	if (!conn || !CONF_AUTH_IS_PUBKEY(conn->remote.auth) || !conn->send_certreq)
		return;
	out->certreq_len = pki_certreq_build(conn->remote.anchors, out->certreq,
					     sizeof(out->certreq));
}

void auth_add_certs(struct out_msg *m, const struct auth_out *o)
{
	struct ike_payload *p;

	for (size_t i = 0; i < o->ncerts; i++)
		if ((p = out_add(m, PL_CERT))) {
			p->u.cert.encoding = CERT_X509_SIGNATURE;
			p->u.cert.data.p = o->cert[i];
			p->u.cert.data.len = o->cert_len[i];
		}
	if (o->certreq_len && (p = out_add(m, PL_CERTREQ))) {
		p->u.cert.encoding = CERT_X509_SIGNATURE;
		p->u.cert.data.p = o->certreq;
		p->u.cert.data.len = o->certreq_len;
	}
}

void auth_add_auth(struct out_msg *m, const struct auth_out *o)
{
	struct ike_payload *p = out_add(m, PL_AUTH);

	if (!p)
		return;
	p->u.auth.method = o->method;
	p->u.auth.data.p = o->data;
	p->u.auth.data.len = o->len;
}

void auth_out_free(struct auth_out *o)
{
	for (size_t i = 0; i < o->ncerts; i++)
		free(o->cert[i]);
	memzero(o->data, sizeof(o->data));
	o->ncerts = 0;
}

void auth_note_peer(struct ike_sa *sa, const struct ike_msg *m)
{
	const struct ike_pl_notify *n = ike_msg_notify(m, N_SIGNATURE_HASH_ALGORITHMS);
	uint32_t mask;

	if (n && pki_sha_parse(n->data.p, n->data.len, &mask) == 0)
		sa->peer_sig_hashes = mask;
	for (size_t i = 0; i < m->npl; i++) {
		const struct ike_payload *p = &m->pl[i];

		if (p->type != PL_CERTREQ || p->u.cert.encoding != CERT_X509_SIGNATURE)
			continue;
		sa->certreq_seen = 1;
		if (p->u.cert.data.len % PKI_CERTREQ_HASH_LEN == 0 &&
		    sa->certreq_len + p->u.cert.data.len <= sizeof(sa->certreq)) {
			memcpy(sa->certreq + sa->certreq_len, p->u.cert.data.p, p->u.cert.data.len);
			sa->certreq_len += p->u.cert.data.len;
		}
	}
}

void auth_add_sha_notify(struct out_msg *m, uint8_t *buf, size_t cap)
{
	size_t n = pki_sha_announce(buf, cap);

	if (n)
		out_notify(m, PROTO_NONE, N_SIGNATURE_HASH_ALGORITHMS, buf, n);
}
