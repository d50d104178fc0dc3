/*
 * AUTH payload signatures (RFC 7296 2.15, 3.8; RFC 7427 3): signing with
 * our key and verifying the peer's, all through OpenSSL EVP.  Methods 9,
 * 10 and 11 carry ECDSA as r || s of the curve's size; method 14 carries a
 * one-byte length, an AlgorithmIdentifier and the signature (ECDSA there
 * in DER, RFC 7427 3).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>

#include "common/buf.h"
#include "ike/ikev2.h"
#include "ike/pki/pki.h"
#include "ike/pki/pki_int.h"

/* How to drive EVP for one signature. */
struct sigparams {
	const char *md;		/* NULL: EdDSA */
	int pss;
	const char *mgf_md;
	int salt;
};

static int set_params(EVP_PKEY_CTX *pctx, const struct sigparams *sp)
{
	if (!sp->pss)
		return 1;
	return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
	       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, sp->salt) > 0 &&
	       EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, sp->mgf_md, NULL) > 0;
}

static int evp_sign(EVP_PKEY *key, const struct sigparams *sp, const uint8_t *data,
		    size_t len, uint8_t *sig, size_t *siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok = ctx && EVP_DigestSignInit_ex(ctx, &pctx, sp->md, NULL, NULL, key, NULL) > 0 &&
		 set_params(pctx, sp) && EVP_DigestSign(ctx, NULL, siglen, data, len) > 0 &&
		 *siglen <= PKI_SIG_MAX && EVP_DigestSign(ctx, sig, siglen, data, len) > 0;

	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok ? 0 : -1;
}

static int evp_verify(EVP_PKEY *key, const struct sigparams *sp, const uint8_t *data,
		      size_t len, const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok = ctx && EVP_DigestVerifyInit_ex(ctx, &pctx, sp->md, NULL, NULL, key, NULL) > 0 &&
		 set_params(pctx, sp) && EVP_DigestVerify(ctx, sig, siglen, data, len) == 1;

	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok ? 0 : -1;
}

static int coord_len(EVP_PKEY *key)
{
	return (EVP_PKEY_get_bits(key) + 7) / 8;
}

/* DER ECDSA-Sig-Value -> r || s, each left-padded to the curve's size */
static int ecdsa_der_to_raw(EVP_PKEY *key, const uint8_t *der, size_t dlen, uint8_t *out,
			    size_t *outlen)
{
	const unsigned char *p = der;
	ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)dlen);
	const BIGNUM *r, *ss;
	int n = coord_len(key), ok;

	if (!s)
		return -1;
	ECDSA_SIG_get0(s, &r, &ss);
	ok = (size_t)(2 * n) <= *outlen && BN_bn2binpad(r, out, n) == n &&
	     BN_bn2binpad(ss, out + n, n) == n;
	ECDSA_SIG_free(s);
	*outlen = (size_t)(2 * n);
	return ok ? 0 : -1;
}

static int ecdsa_raw_to_der(const uint8_t *raw, size_t n2, uint8_t *der, size_t *dlen)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)(n2 / 2), NULL);
	BIGNUM *ss = BN_bin2bn(raw + n2 / 2, (int)(n2 / 2), NULL);
	unsigned char *p = der;
	int len = -1;

	if (s && r && ss && ECDSA_SIG_set0(s, r, ss)) {
		r = ss = NULL;
		if (i2d_ECDSA_SIG(s, NULL) <= (int)*dlen)
			len = i2d_ECDSA_SIG(s, &p);
	}
	BN_free(r);
	BN_free(ss);
	ECDSA_SIG_free(s);
	if (len <= 0)
		return -1;
	*dlen = (size_t)len;
	return 0;
}

static void params_of(const struct pki_sigalg *a, struct sigparams *sp)
{
	const struct pki_hashinfo *h = pki_hash_info(a->hash);

	sp->md = h ? h->md : NULL;
	sp->pss = a->pss;
	sp->mgf_md = sp->md;
	sp->salt = h ? (int)h->len : 0;
}

static int classic_fits(const struct pki_classic *c, EVP_PKEY *key)
{
	return pki_key_type(key) == c->key && (!c->curve_bits || EVP_PKEY_get_bits(key) == c->curve_bits);
}

int pki_auth_sign(EVP_PKEY *key, uint8_t method, const struct pki_sigalg *alg,
		  const uint8_t *data, size_t len, uint8_t *out, size_t *outlen,
		  char *err, size_t errlen)
{
	uint8_t sig[PKI_SIG_MAX];
	size_t slen = sizeof(sig);
	struct sigparams sp;
	struct wr w;

	if (method == AUTH_METHOD_DIGITAL_SIG) {
		if (!alg || alg->key != pki_key_type(key)) {
			snprintf(err, errlen, "signature scheme %s does not fit the key",
				 alg ? alg->name : "(none)");
			return -1;
		}
		params_of(alg, &sp);
		if (evp_sign(key, &sp, data, len, sig, &slen) < 0) {
			snprintf(err, errlen, "signing with %s failed", alg->name);
			return -1;
		}
		wr_init(&w, out, *outlen);
		wr_u8(&w, alg->algid_len);
		wr_bytes(&w, alg->algid, alg->algid_len);
		wr_bytes(&w, sig, slen);
	} else {
		const struct pki_classic *c = pki_classic_by_method(method);
		uint8_t raw[PKI_SIG_MAX];
		size_t rlen = sizeof(raw);

		if (!c || !classic_fits(c, key)) {
			snprintf(err, errlen, "AUTH method %u does not fit the key", method);
			return -1;
		}
		sp = (struct sigparams){ pki_hash_info(c->hash)->md, 0, NULL, 0 };
		if (evp_sign(key, &sp, data, len, sig, &slen) < 0 ||
		    (c->key == PKI_KEY_ECDSA && ecdsa_der_to_raw(key, sig, slen, raw, &rlen) < 0)) {
			snprintf(err, errlen, "signing for AUTH method %u failed", method);
			return -1;
		}
		wr_init(&w, out, *outlen);
		if (c->key == PKI_KEY_ECDSA)
			wr_bytes(&w, raw, rlen);
		else
			wr_bytes(&w, sig, slen);
	}
	if (!wr_ok(&w)) {
		snprintf(err, errlen, "AUTH data over %zu bytes", *outlen);
		return -1;
	}
	*outlen = wr_len(&w);
	return 0;
}

static const struct pki_hashinfo *hash_of_nid(int nid)
{
	static const int nids[] = { 0, NID_sha1, NID_sha256, NID_sha384, NID_sha512 };

	for (uint8_t i = 1; i < sizeof(nids) / sizeof(nids[0]); i++)
		if (nids[i] == nid)
			return pki_hash_info(i);
	return NULL;
}

/* An RSASSA-PSS AlgorithmIdentifier in another DER shape than our rows
 * (e.g. an explicit trailerField): decode hash, MGF1 hash and salt. */
static int pss_generic(const uint8_t *p, size_t len, struct sigparams *sp, uint8_t *hash)
{
	const unsigned char *q = p;
	X509_ALGOR *alg = d2i_X509_ALGOR(NULL, &q, (long)len);
	RSA_PSS_PARAMS *pss = NULL;
	X509_ALGOR *mgf_hash = NULL;
	const ASN1_OBJECT *obj;
	const void *pval;
	int ptype, ok = 0;
	const struct pki_hashinfo *h, *m;
	long salt;

	if (!alg || q != p + len)
		goto out;
	X509_ALGOR_get0(&obj, &ptype, &pval, alg);
	if (OBJ_obj2nid(obj) != NID_rsassaPss || ptype != V_ASN1_SEQUENCE)
		goto out;
	pss = ASN1_item_unpack(pval, ASN1_ITEM_rptr(RSA_PSS_PARAMS));
	/* no defaults (SHA-1) accepted: every field must be present */
	if (!pss || !pss->hashAlgorithm || !pss->maskGenAlgorithm || !pss->saltLength ||
	    OBJ_obj2nid(pss->maskGenAlgorithm->algorithm) != NID_mgf1 ||
	    !pss->maskGenAlgorithm->parameter ||
	    pss->maskGenAlgorithm->parameter->type != V_ASN1_SEQUENCE)
		goto out;
	mgf_hash = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR),
					     pss->maskGenAlgorithm->parameter);
	if (!mgf_hash)
		goto out;
	h = hash_of_nid(OBJ_obj2nid(pss->hashAlgorithm->algorithm));
	m = hash_of_nid(OBJ_obj2nid(mgf_hash->algorithm));
	salt = ASN1_INTEGER_get(pss->saltLength);
	if (!h || !m || salt < 0 || salt > 512 ||
	    (pss->trailerField && ASN1_INTEGER_get(pss->trailerField) != 1))
		goto out;
	*sp = (struct sigparams){ h->md, 1, m->md, (int)salt };
	*hash = h->id;
	ok = 1;
out:
	X509_ALGOR_free(mgf_hash);
	RSA_PSS_PARAMS_free(pss);
	X509_ALGOR_free(alg);
	ERR_clear_error();
	return ok ? 0 : -1;
}

static int verify_digital_sig(EVP_PKEY *pub, const uint8_t *auth, size_t alen,
			      const uint8_t *data, size_t len, uint32_t our_hashes,
			      char *err, size_t errlen)
{
	struct rd r;
	const uint8_t *algid, *sig;
	size_t alglen, siglen;
	const struct pki_sigalg *a;
	struct sigparams sp;
	uint8_t hash;
	enum pki_keytype kt;

	rd_init(&r, auth, alen);
	alglen = rd_u8(&r);
	algid = rd_bytes(&r, alglen);
	sig = rd_rest(&r, &siglen);
	if (!rd_ok(&r) || !algid || !alglen || !siglen || siglen > PKI_SIG_MAX) {
		snprintf(err, errlen, "RFC 7427 AUTH data of %zu bytes is malformed", alen);
		return -1;
	}
	if ((a = pki_sigalg_by_algid(algid, alglen))) {
		params_of(a, &sp);
		hash = a->hash;
		kt = a->key;
	} else if (pss_generic(algid, alglen, &sp, &hash) == 0) {
		kt = PKI_KEY_RSA;
	} else {
		snprintf(err, errlen, "RFC 7427 AlgorithmIdentifier (%zu bytes) is not one we know",
			 alglen);
		return -1;
	}
	if (kt != pki_key_type(pub)) {
		snprintf(err, errlen, "RFC 7427 signature algorithm %s does not fit the peer's key",
			 a ? a->name : "rsa-pss");
		return -1;
	}
	if (!(our_hashes & PKI_HASH_BIT(hash))) {
		snprintf(err, errlen, "RFC 7427 signature with hash %u, which we did not announce",
			 hash);
		return -1;
	}
	if (evp_verify(pub, &sp, data, len, sig, siglen) < 0) {
		snprintf(err, errlen, "RFC 7427 %s signature does not verify",
			 a ? a->name : "rsa-pss");
		return -1;
	}
	return 0;
}

int pki_auth_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *auth, size_t alen,
		    const uint8_t *data, size_t len, uint32_t our_hashes,
		    char *err, size_t errlen)
{
	const struct pki_classic *c;
	uint8_t der[PKI_SIG_MAX + 16];
	size_t dlen = sizeof(der);
	struct sigparams sp;
	const uint8_t *sig = auth;
	size_t siglen = alen;

	if (method == AUTH_METHOD_DIGITAL_SIG)
		return verify_digital_sig(pub, auth, alen, data, len, our_hashes, err, errlen);
	if (!(c = pki_classic_by_method(method))) {
		snprintf(err, errlen, "AUTH method %u is not a signature method we support", method);
		return -1;
	}
	if (!classic_fits(c, pub)) {
		snprintf(err, errlen, "AUTH method %u does not fit the peer's key", method);
		return -1;
	}
	if (c->key == PKI_KEY_ECDSA) {
		if (alen != (size_t)(2 * coord_len(pub))) {
			snprintf(err, errlen, "ECDSA signature of %zu bytes, method %u needs %d",
				 alen, method, 2 * coord_len(pub));
			return -1;
		}
		if (ecdsa_raw_to_der(auth, alen, der, &dlen) < 0) {
			snprintf(err, errlen, "ECDSA signature cannot be encoded");
			return -1;
		}
		sig = der;
		siglen = dlen;
	} else if (alen == 0 || alen > PKI_SIG_MAX) {
		snprintf(err, errlen, "RSA signature of %zu bytes", alen);
		return -1;
	}
	sp = (struct sigparams){ pki_hash_info(c->hash)->md, 0, NULL, 0 };
	if (evp_verify(pub, &sp, data, len, sig, siglen) < 0) {
		snprintf(err, errlen, "AUTH method %u signature does not verify", method);
		return -1;
	}
	return 0;
}
