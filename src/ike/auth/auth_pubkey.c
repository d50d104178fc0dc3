/*
 * The public-key rows (RFC 7296 2.15, 3.6, 3.8; RFC 7427): we sign with the
 * private key of local.certs[0] (RFC 7427 when the peer announced
 * SIGNATURE_HASH_ALGORITHMS, else the key's classic method 1/9/10/11) and
 * send our chain as CERT payloads per send_cert; the peer's CERT chain must
 * validate against remote.cacerts + global cacerts and CRLs, carry the
 * peer's ID, and its key must verify the AUTH signature.  One row per
 * ike.conf name: pubkey (any key) and rsa/ecdsa/ed25519/ed448 (that key
 * type required of the peer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/secret.h"
#include "ike/auth/auth.h"
#include "ike/auth/pubkey.h"
#include "ike/engine/exchange.h"
#include "ike/engine/ike_sa.h"
#include "ike/pki/pki.h"

/* Our chain's DER, alive until the message carrying it is sent. */
struct pk_state {
	uint8_t *der[PKI_CHAIN_MAX];
	size_t len[PKI_CHAIN_MAX];
	size_t n;
};

static void pk_state_free(void *p)
{
	struct pk_state *st = p;

	for (size_t i = 0; i < st->n; i++)
		OPENSSL_free(st->der[i]);
	st->n = 0;
}

/* ---- IKE_SA_INIT and CERTREQ (pubkey.h) ---- */

static void note_certreqs(struct ike_sa *sa, const struct ike_msg *m)
{
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

void auth_pk_note_peer(struct ike_sa *sa, const struct ike_msg *m)
{
	const struct ike_pl_notify *n = ike_msg_notify(m, N_SIGNATURE_HASH_ALGORITHMS);
	uint32_t mask;

	if (n && pki_sha_parse(n->data.p, n->data.len, &mask) == 0)
		sa->peer_sig_hashes = mask;
	note_certreqs(sa, m);
}

void auth_pk_add_sha_notify(struct out_msg *m, uint8_t *buf, size_t cap)
{
	size_t n = pki_sha_announce(buf, cap);

	if (n)
		out_notify(m, PROTO_NONE, N_SIGNATURE_HASH_ALGORITHMS, buf, n);
}

void auth_pk_add_certreq(struct ike_sa *sa, const struct conf_conn *conn, struct out_msg *m)
{
	struct ike_payload *p;
	size_t n;

	if (!conn || !CONF_AUTH_IS_PUBKEY(conn->remote.auth) || !conn->send_certreq)
		return;
	n = pki_certreq_build(conn->remote.anchors, sa->certreq_out, sizeof(sa->certreq_out));
	if (n && (p = out_add(m, PL_CERTREQ))) {
		p->u.cert.encoding = CERT_X509_SIGNATURE;
		p->u.cert.data.p = sa->certreq_out;
		p->u.cert.data.len = n;
	}
}

/* ---- the rows ---- */

static int pk_accepts(uint8_t method)
{
	return method == AUTH_METHOD_RSA || method == AUTH_METHOD_ECDSA_256 ||
	       method == AUTH_METHOD_ECDSA_384 || method == AUTH_METHOD_ECDSA_521 ||
	       method == AUTH_METHOD_DIGITAL_SIG;
}

static int want_certs(const struct ike_sa *sa, const struct conf_conn *conn)
{
	switch (conn->send_cert) {
	case CONF_SEND_CERT_ALWAYS:
		return 1;
	case CONF_SEND_CERT_NEVER:
		return 0;
	default:
		return sa->certreq_seen;
	}
}

/* CERT payloads: our certificate, then its intermediates in order. */
static int pk_add_payloads(struct auth_io *io)
{
	struct ike_sa *sa = io->sa;
	struct pk_state *st = io->state;
	STACK_OF(X509) *chain = io->conn->local.chain;
	struct ike_payload *p;

	if (io->in)
		note_certreqs(sa, io->in);	/* responder: CERTREQ in IKE_AUTH */
	if (!chain)
		return 0;
	if (!want_certs(sa, io->conn)) {
		log_info(LS_IKE, "IKE SA %llu: our certificate not sent (send_cert = %s%s)",
			 (unsigned long long)sa->id, conf_send_cert_name(io->conn->send_cert),
			 io->conn->send_cert == CONF_SEND_CERT_NEVER ? "" :
			 ", the peer sent no CERTREQ");
		return 0;
	}
	if (sa->certreq_len)
		log_dbg(LS_IKE, "IKE SA %llu: the peer's CERTREQ %s our chain's CA",
			(unsigned long long)sa->id,
			pki_certreq_matches(sa->certreq, sa->certreq_len, chain, io->cfg->cacerts) == 1 ?
				"names" : "does not name");
	pk_state_free(st);
	for (int i = 0; i < sk_X509_num(chain) && i < PKI_CHAIN_MAX; i++) {
		int len = i2d_X509(sk_X509_value(chain, i), &st->der[st->n]);

		if (len <= 0) {
			snprintf(io->why, sizeof(io->why), "cannot encode our certificate %d", i + 1);
			return -1;
		}
		st->len[st->n] = (size_t)len;
		if ((p = out_add(io->out, PL_CERT))) {
			p->u.cert.encoding = CERT_X509_SIGNATURE;
			p->u.cert.data.p = st->der[st->n];
			p->u.cert.data.len = st->len[st->n];
		}
		st->n++;
	}
	return 0;
}

static enum auth_result pk_ours(struct auth_io *io, struct auth_value *out)
{
	EVP_PKEY *key = io->conn->local.key;
	const struct pki_sigalg *alg;
	char err[PKI_ERR_LEN];
	struct wr w;
	int rc;

	if (!key) {
		snprintf(io->why, sizeof(io->why), "no private key for local.certs");
		return AUTH_FAILED;
	}
	out->method = pki_choose_method(key, io->sa->peer_sig_hashes, io->cfg->global.rsa_pss,
					&alg);
	if (!out->method) {
		snprintf(io->why, sizeof(io->why), "a %s key signs only with RFC 7427, which the "
			 "peer did not announce", pki_key_desc(key, err, sizeof(err)));
		return AUTH_FAILED;
	}
	if (wr_init_dyn(&w, 1024) < 0)
		return AUTH_FAILED;
	rc = auth_signed_octets(io, &w) == 0 && wr_ok(&w) ? 0 : -1;
	out->len = sizeof(out->data);
	if (rc == 0)
		rc = pki_auth_sign(key, out->method, alg, wr_data(&w), wr_len(&w), out->data,
				   &out->len, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "cannot compute the signed octets");
	wr_free(&w);
	if (rc < 0) {
		snprintf(io->why, sizeof(io->why), "%s", err);
		return AUTH_FAILED;
	}
	log_dbg(LS_IKE, "IKE SA %llu: signing with AUTH method %u%s%s",
		(unsigned long long)io->sa->id, out->method, alg ? ", " : "", alg ? alg->name : "");
	return AUTH_OK;
}

static int key_fits(unsigned auth, EVP_PKEY *pk)
{
	static const struct {
		unsigned auth;
		enum pki_keytype key;
	} need[] = {
		{ CONF_AUTH_RSA, PKI_KEY_RSA }, { CONF_AUTH_ECDSA, PKI_KEY_ECDSA },
		{ CONF_AUTH_ED25519, PKI_KEY_ED25519 }, { CONF_AUTH_ED448, PKI_KEY_ED448 },
	};

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (need[i].auth == auth)
			return pki_key_type(pk) == need[i].key;
	return 1;
}

/* The peer's CERT payloads: X.509 only, bounded in count and size. */
static int peer_certs(const struct ike_msg *m, X509 **ee, STACK_OF(X509) *im, char *why,
		      size_t wlen)
{
	char err[PKI_ERR_LEN];
	int n = 0;

	*ee = NULL;
	for (size_t i = 0; m && i < m->npl; i++) {
		const struct ike_payload *p = &m->pl[i];
		X509 *x;

		if (p->type != PL_CERT)
			continue;
		if (p->u.cert.encoding != CERT_X509_SIGNATURE) {
			snprintf(why, wlen, "CERT payload %d has encoding %u, only X.509 (4) is "
				 "supported", n + 1, p->u.cert.encoding);
			return -1;
		}
		if (++n > PKI_CHAIN_MAX) {
			snprintf(why, wlen, "more than %d CERT payloads", PKI_CHAIN_MAX);
			return -1;
		}
		if (!(x = pki_cert_from_der(p->u.cert.data.p, p->u.cert.data.len, err, sizeof(err)))) {
			snprintf(why, wlen, "CERT payload %d: %s", n, err);
			return -1;
		}
		if (!*ee)
			*ee = x;
		else
			sk_X509_push(im, x);
	}
	if (!*ee) {
		snprintf(why, wlen, "no CERT payload (certificates are not looked up by ID)");
		return -1;
	}
	return 0;
}

/* The peer's certificate chain and ID; *pub is the key to verify with. */
static int pk_check_peer(struct auth_io *io, X509 *ee, STACK_OF(X509) *im)
{
	const struct conf_conn *conn = io->conn;
	struct pki_trust t = { conn->remote.anchors, io->cfg->crls,
			       (enum pki_revocation)conn->remote.revocation, 0 };
	char err[PKI_ERR_LEN], who[PKI_ERR_LEN], b[IDENT_STRLEN];
	EVP_PKEY *pub;

	if (pki_chain_verify(&t, ee, im, err, sizeof(err)) < 0) {
		snprintf(io->why, sizeof(io->why), "%s", err);
		return -1;
	}
	pki_cert_desc(ee, who, sizeof(who));
	if (!pki_cert_has_id(ee, io->id)) {
		snprintf(io->why, sizeof(io->why), "ID %s is not in %s",
			 ident_str(io->id, b, sizeof(b)), who);
		return -1;
	}
	pub = X509_get0_pubkey(ee);
	if (!key_fits(conn->remote.auth, pub)) {
		snprintf(io->why, sizeof(io->why), "%s has a %s key, remote auth = %s", who,
			 pki_key_desc(pub, b, sizeof(b)), conf_auth_name(conn->remote.auth));
		return -1;
	}
	return 0;
}

static enum auth_result pk_verify(struct auth_io *io, const struct ike_pl_auth *a)
{
	struct ike_sa *sa = io->sa;
	STACK_OF(X509) *im = sk_X509_new_null();
	char err[120], who[PKI_ERR_LEN], kd[64];
	X509 *ee = NULL;
	EVP_PKEY *pub;
	struct wr w;
	int ok = 0;

	if (!im || peer_certs(io->in, &ee, im, io->why, sizeof(io->why)) < 0 ||
	    pk_check_peer(io, ee, im) < 0)
		goto out;
	pub = X509_get0_pubkey(ee);
	pki_cert_desc(ee, who, sizeof(who));
	if (wr_init_dyn(&w, 1024) < 0)
		goto out;
	if (auth_signed_octets(io, &w) < 0 || !wr_ok(&w))
		snprintf(io->why, sizeof(io->why), "cannot compute the signed octets");
	else if (pki_auth_verify(pub, a->method, a->data.p, a->data.len, wr_data(&w), wr_len(&w),
				 pki_sha_announced_mask(), err, sizeof(err)) < 0)
		snprintf(io->why, sizeof(io->why), "%s: %s", who, err);
	else
		ok = 1;
	wr_free(&w);
	if (!ok)
		goto out;
	snprintf(sa->peer_cert, sizeof(sa->peer_cert), "%s",
		 pki_name_str(X509_get_subject_name(ee), who, sizeof(who)));
	log_info(LS_IKE, "IKE SA %llu: %s certificate \"%s\" verified (AUTH method %u, %s)",
		 (unsigned long long)sa->id, io->of_initiator ? "initiator's" : "responder's",
		 sa->peer_cert, a->method, pki_key_desc(pub, kd, sizeof(kd)));
out:
	X509_free(ee);
	sk_X509_pop_free(im, X509_free);
	return ok ? AUTH_OK : AUTH_FAILED;
}

const struct auth_method auth_method_pubkey = {
	.conf = CONF_AUTH_PUBKEY, .name = "pubkey", .state_size = sizeof(struct pk_state),
	.state_free = pk_state_free, .accepts = pk_accepts, .add_payloads = pk_add_payloads,
	.ours = pk_ours, .verify = pk_verify,
};
const struct auth_method auth_method_rsa = {
	.conf = CONF_AUTH_RSA, .name = "rsa", .state_size = sizeof(struct pk_state),
	.state_free = pk_state_free, .accepts = pk_accepts, .add_payloads = pk_add_payloads,
	.ours = pk_ours, .verify = pk_verify,
};
const struct auth_method auth_method_ecdsa = {
	.conf = CONF_AUTH_ECDSA, .name = "ecdsa", .state_size = sizeof(struct pk_state),
	.state_free = pk_state_free, .accepts = pk_accepts, .add_payloads = pk_add_payloads,
	.ours = pk_ours, .verify = pk_verify,
};
const struct auth_method auth_method_ed25519 = {
	.conf = CONF_AUTH_ED25519, .name = "ed25519", .state_size = sizeof(struct pk_state),
	.state_free = pk_state_free, .accepts = pk_accepts, .add_payloads = pk_add_payloads,
	.ours = pk_ours, .verify = pk_verify,
};
const struct auth_method auth_method_ed448 = {
	.conf = CONF_AUTH_ED448, .name = "ed448", .state_size = sizeof(struct pk_state),
	.state_free = pk_state_free, .accepts = pk_accepts, .add_payloads = pk_add_payloads,
	.ours = pk_ours, .verify = pk_verify,
};
