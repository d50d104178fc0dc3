/*
 * A peer's certificate chain against our trust anchors (RFC 7296 3.6,
 * RFC 5280 6) with OpenSSL's X509_STORE: validity, basicConstraints,
 * pathlen, keyUsage, unknown critical extensions and CRLs under
 * strongSwan's revocation policies.  Bounded before anything is built:
 * at most PKI_CHAIN_MAX certificates and path depth, every key checked.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "ike/pki/pki.h"

static const char *date_str(const ASN1_TIME *t, char *buf, size_t size)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, size, "?");
	return buf;
}

static int has_crl_uri(X509 *x)
{
	STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(x, NID_crl_distribution_points, NULL, NULL);
	int n = dps ? sk_DIST_POINT_num(dps) : 0;

	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	return n > 0;
}

/* The CRL errors a revocation policy may forgive; the rest always fail. */
static int crl_missing(int e)
{
	return e == X509_V_ERR_UNABLE_TO_GET_CRL || e == X509_V_ERR_CRL_HAS_EXPIRED ||
	       e == X509_V_ERR_CRL_NOT_YET_VALID || e == X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER ||
	       e == X509_V_ERR_DIFFERENT_CRL_SCOPE;
}

static int verify_cb(int ok, X509_STORE_CTX *ctx)
{
	const struct pki_trust *t = X509_STORE_CTX_get_app_data(ctx);
	int e = X509_STORE_CTX_get_error(ctx);
	X509 *cur = X509_STORE_CTX_get_current_cert(ctx);
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	int depth = X509_STORE_CTX_get_error_depth(ctx);

	if (ok)
		return ok;
	/* the trust anchor itself needs no CRL (an intermediate configured as
	 * anchor has a CRL whose issuer is not in the chain) */
	if (chain && depth == sk_X509_num(chain) - 1 &&
	    (crl_missing(e) || e == X509_V_ERR_CRL_SIGNATURE_FAILURE))
		return 1;
	if (!crl_missing(e))
		return 0;
	switch (t->revocation) {
	case PKI_REV_RELAXED:
		return 1;
	case PKI_REV_IFURI:
		return cur && !has_crl_uri(cur);
	default:
		return 0;
	}
}

static void describe(X509_STORE_CTX *ctx, const struct pki_trust *t, char *err, size_t errlen)
{
	int e = X509_STORE_CTX_get_error(ctx);
	X509 *cur = X509_STORE_CTX_get_current_cert(ctx);
	X509_CRL *crl = X509_STORE_CTX_get0_current_crl(ctx);
	char who[PKI_ERR_LEN], d[32], iss[PKI_ERR_LEN];

	if (cur)
		pki_cert_desc(cur, who, sizeof(who));
	else
		snprintf(who, sizeof(who), "certificate chain");
	switch (e) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		snprintf(err, errlen, "%s: expired %s", who, date_str(X509_get0_notAfter(cur), d, sizeof(d)));
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		snprintf(err, errlen, "%s: not valid before %s", who,
			 date_str(X509_get0_notBefore(cur), d, sizeof(d)));
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		snprintf(err, errlen, "%s: issuer \"%s\" is neither a trusted CA nor sent by the peer",
			 who, pki_name_str(X509_get_issuer_name(cur), iss, sizeof(iss)));
		break;
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		snprintf(err, errlen, "%s: self-signed and not among our CAs", who);
		break;
	case X509_V_ERR_CERT_REVOKED:
		snprintf(err, errlen, "%s: revoked", who);
		break;
	case X509_V_ERR_UNABLE_TO_GET_CRL:
		snprintf(err, errlen, "%s: no CRL of its CA (revocation = %s)", who,
			 t->revocation == PKI_REV_STRICT ? "strict" : "ifuri");
		break;
	case X509_V_ERR_CRL_HAS_EXPIRED:
		snprintf(err, errlen, "%s: the CRL of its CA expired %s (revocation = %s)", who,
			 crl ? date_str(X509_CRL_get0_nextUpdate(crl), d, sizeof(d)) : "?",
			 t->revocation == PKI_REV_STRICT ? "strict" : "ifuri");
		break;
	case X509_V_ERR_INVALID_CA:
		snprintf(err, errlen, "%s: not a CA (basicConstraints) but issued a certificate", who);
		break;
	case X509_V_ERR_PATH_LENGTH_EXCEEDED:
		snprintf(err, errlen, "%s: basicConstraints pathlen exceeded", who);
		break;
	case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
		snprintf(err, errlen, "%s: keyUsage without keyCertSign but issued a certificate", who);
		break;
	case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
		snprintf(err, errlen, "%s: unknown critical extension", who);
		break;
	case X509_V_ERR_CERT_CHAIN_TOO_LONG:
		snprintf(err, errlen, "%s: chain longer than %d", who, PKI_CHAIN_MAX);
		break;
	default:
		snprintf(err, errlen, "%s: %s", who, X509_verify_cert_error_string(e));
	}
}

/* Before OpenSSL builds anything: counts and every key (a 16,384-bit
 * RSA key or e = 1 never reaches a signature check). */
static int precheck(X509 *ee, STACK_OF(X509) *im, char *err, size_t errlen)
{
	int n = im ? sk_X509_num(im) : 0;
	char who[PKI_ERR_LEN], why[PKI_ERR_LEN];

	if (n > PKI_CHAIN_MAX - 1) {
		snprintf(err, errlen, "%d intermediate certificates, at most %d", n, PKI_CHAIN_MAX - 1);
		return -1;
	}
	for (int i = -1; i < n; i++) {
		X509 *x = i < 0 ? ee : sk_X509_value(im, i);
		EVP_PKEY *pk = X509_get0_pubkey(x);

		if (!pk || pki_key_check(pk, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s: %s", pki_cert_desc(x, who, sizeof(who)),
				 pk ? why : "public key cannot be decoded");
			ERR_clear_error();
			return -1;
		}
	}
	return 0;
}

int pki_chain_verify(const struct pki_trust *t, X509 *ee, STACK_OF(X509) *intermediates,
		     char *err, size_t errlen)
{
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509_VERIFY_PARAM *param;
	char who[PKI_ERR_LEN];
	int rc = -1;

	if (precheck(ee, intermediates, err, errlen) < 0)
		return -1;
	if (!t->anchors || sk_X509_num(t->anchors) == 0) {
		snprintf(err, errlen, "%s: no trust anchor configured", pki_cert_desc(ee, who, sizeof(who)));
		return -1;
	}
	store = X509_STORE_new();
	ctx = X509_STORE_CTX_new();
	if (!store || !ctx)
		goto fail;
	for (int i = 0; i < sk_X509_num(t->anchors); i++)
		if (!X509_STORE_add_cert(store, sk_X509_value(t->anchors, i)))
			goto fail;
	if (!X509_STORE_CTX_init(ctx, store, ee, intermediates))
		goto fail;
	param = X509_STORE_CTX_get0_param(ctx);
	/* an intermediate CA configured as anchor is trusted as such */
	X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_CRL_CHECK |
						   X509_V_FLAG_CRL_CHECK_ALL);
	X509_VERIFY_PARAM_set_depth(param, PKI_CHAIN_MAX);
	if (t->now)
		X509_VERIFY_PARAM_set_time(param, t->now);
	if (t->crls)
		X509_STORE_CTX_set0_crls(ctx, t->crls);
	X509_STORE_CTX_set_app_data(ctx, (void *)t);
	X509_STORE_CTX_set_verify_cb(ctx, verify_cb);
	if (X509_verify_cert(ctx) != 1) {
		describe(ctx, t, err, errlen);
		goto out;
	}
	/* RFC 4945 5.1.3.2: the AUTH signature needs digitalSignature */
	if ((X509_get_extension_flags(ee) & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(ee) & KU_DIGITAL_SIGNATURE)) {
		snprintf(err, errlen, "%s: keyUsage without digitalSignature",
			 pki_cert_desc(ee, who, sizeof(who)));
		goto out;
	}
	rc = 0;
	goto out;
fail:
	snprintf(err, errlen, "%s: cannot set up the verification",
		 pki_cert_desc(ee, who, sizeof(who)));
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return rc;
}
