/*
 * The public-key row (RFC 7296 2.15, 3.6, 3.8; RFC 7427): we sign with the
 * private key of local.certs[0] (RFC 7427 when the peer announced
 * SIGNATURE_HASH_ALGORITHMS, else the key's classic method) and send our
 * chain as CERT payloads per send_cert; the peer's CERT chain must validate
 * against remote.cacerts + global cacerts and CRLs, carry the peer's ID,
 * and its key must verify the AUTH signature.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/secret.h"
#include "ike/engine/auth.h"

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

static int add_chain(struct ike_sa *sa, const struct conf_conn *conn, struct auth_out *out)
{
	STACK_OF(X509) *chain = conn->local.chain;
	int n = sk_X509_num(chain);

	if (sa->certreq_seen && sa->certreq_len) {
		int hit = pki_certreq_matches(sa->certreq, sa->certreq_len, chain,
					      sa->eng->cfg->cacerts);

		log_dbg(LS_IKE, "IKE SA %llu: the peer's CERTREQ %s our chain's CA",
			(unsigned long long)sa->id, hit == 1 ? "names" : "does not name");
	}
	for (int i = 0; i < n && i < PKI_CHAIN_MAX; i++) {
		unsigned char *der = NULL;
		int len = i2d_X509(sk_X509_value(chain, i), &der);

		if (len <= 0)
			return -1;
		out->cert[out->ncerts] = malloc((size_t)len);
		if (!out->cert[out->ncerts]) {
			OPENSSL_free(der);
			return -1;
		}
		memcpy(out->cert[out->ncerts], der, (size_t)len);
		out->cert_len[out->ncerts++] = (size_t)len;
		OPENSSL_free(der);
	}
	return 0;
}

static int pk_build(struct ike_sa *sa, const struct conf_conn *conn, int we_init,
		    struct auth_out *out)
{
	EVP_PKEY *key = conn->local.key;
	const struct pki_sigalg *alg;
	char err[PKI_ERR_LEN];
	struct wr w;
	int rc;

	if (!key || !conn->local.chain)
		return -1;
	out->method = pki_choose_method(key, sa->peer_sig_hashes, sa->eng->cfg->global.rsa_pss,
					&alg);
	if (!out->method) {
		log_err(LS_IKE, "IKE SA %llu (%s): a %s key signs only with RFC 7427, which the peer "
			"did not announce (SIGNATURE_HASH_ALGORITHMS with the identity hash)",
			(unsigned long long)sa->id, conn->name,
			pki_key_desc(key, err, sizeof(err)));
		return -1;
	}
	if (wr_init_dyn(&w, 1024) < 0)
		return -1;
	if (auth_signed_octets(sa, we_init, &sa->local_id, &w) < 0 || !wr_ok(&w)) {
		wr_free(&w);
		return -1;
	}
	out->len = sizeof(out->data);
	rc = pki_auth_sign(key, out->method, alg, wr_data(&w), wr_len(&w), out->data, &out->len,
			   err, sizeof(err));
	wr_free(&w);
	if (rc < 0) {
		log_err(LS_IKE, "IKE SA %llu (%s): %s", (unsigned long long)sa->id, conn->name, err);
		return -1;
	}
	log_dbg(LS_IKE, "IKE SA %llu: signing with AUTH method %u%s%s", (unsigned long long)sa->id,
		out->method, alg ? ", " : "", alg ? alg->name : "");
	if (want_certs(sa, conn) && add_chain(sa, conn, out) < 0)
		return -1;
	return 0;
}

static int key_fits(unsigned auth, EVP_PKEY *pk)
{
	switch (auth) {
	case CONF_AUTH_RSA:
		return pki_key_type(pk) == PKI_KEY_RSA;
	case CONF_AUTH_ECDSA:
		return pki_key_type(pk) == PKI_KEY_ECDSA;
	case CONF_AUTH_ED25519:
		return pki_key_type(pk) == PKI_KEY_ED25519;
	case CONF_AUTH_ED448:
		return pki_key_type(pk) == PKI_KEY_ED448;
	default:
		return 1;
	}
}

/* The peer's CERT payloads: X.509 only, bounded in count and size. */
static int peer_certs(const struct ike_msg *m, X509 **ee, STACK_OF(X509) *im, char *why,
		      size_t wlen)
{
	char err[PKI_ERR_LEN];
	int n = 0;

	*ee = NULL;
	for (size_t i = 0; i < m->npl; i++) {
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

static int pk_verify(struct ike_sa *sa, const struct conf_conn *conn, int peer_init,
		     const struct ident *peer, const struct ike_msg *m, char *why, size_t wlen)
{
	const struct ike_payload *pa = msg_pl(m, PL_AUTH);
	STACK_OF(X509) *im = sk_X509_new_null();
	struct pki_trust t = { conn->remote.anchors, sa->eng->cfg->crls,
			       (enum pki_revocation)conn->remote.revocation, 0 };
	char err[PKI_ERR_LEN], who[PKI_ERR_LEN], idb[IDENT_STRLEN];
	X509 *ee = NULL;
	EVP_PKEY *pub;
	struct wr w;
	int rc = -1, ok;

	if (!pa || pa->u.auth.method == AUTH_METHOD_PSK) {
		snprintf(why, wlen, "AUTH method %u, the connection expects a signature",
			 pa ? pa->u.auth.method : 0);
		goto out;
	}
	if (!im || peer_certs(m, &ee, im, why, wlen) < 0)
		goto out;
	if (pki_chain_verify(&t, ee, im, err, sizeof(err)) < 0) {
		snprintf(why, wlen, "%s", err);
		goto out;
	}
	pki_cert_desc(ee, who, sizeof(who));
	if (!pki_cert_has_id(ee, peer)) {
		snprintf(why, wlen, "ID %s is neither the subject nor a subjectAltName of %s",
			 ident_str(peer, idb, sizeof(idb)), who);
		goto out;
	}
	pub = X509_get0_pubkey(ee);
	if (!key_fits(conn->remote.auth, pub)) {
		snprintf(why, wlen, "%s has a %s key, remote auth = %s", who,
			 pki_key_desc(pub, idb, sizeof(idb)), conf_auth_name(conn->remote.auth));
		goto out;
	}
	if (wr_init_dyn(&w, 1024) < 0)
		goto out;
	ok = auth_signed_octets(sa, peer_init, peer, &w) == 0 && wr_ok(&w);
	if (!ok)
		snprintf(why, wlen, "cannot compute the signed octets");
	else if (pki_auth_verify(pub, pa->u.auth.method, pa->u.auth.data.p, pa->u.auth.data.len,
				 wr_data(&w), wr_len(&w), pki_sha_announced_mask(), err,
				 sizeof(err)) < 0) {
		snprintf(why, wlen, "%s: %s", who, err);
		ok = 0;
	}
	wr_free(&w);
	if (!ok)
		goto out;
	snprintf(sa->peer_cert, sizeof(sa->peer_cert), "%s",
		 pki_name_str(X509_get_subject_name(ee), idb, sizeof(idb)));
	log_info(LS_IKE, "IKE SA %llu: %s of %s verified (AUTH method %u, %s)",
		 (unsigned long long)sa->id, peer_init ? "initiator" : "responder", who,
		 pa->u.auth.method, pki_key_desc(pub, err, sizeof(err)));
	rc = 0;
out:
	X509_free(ee);
	sk_X509_pop_free(im, X509_free);
	return rc;
}

const struct auth_row auth_row_pubkey = { "pubkey", pk_build, pk_verify };
