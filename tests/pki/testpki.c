/* Test PKIs generated in memory; see testpki.h. */
#include <stdio.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "testpki.h"

time_t tp_now;

EVP_PKEY *tp_key(const char *type)
{
	if (!strncmp(type, "rsa", 3))
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)atoi(type + 3));
	if (!strcmp(type, "p256"))
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (!strcmp(type, "p384"))
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	if (!strcmp(type, "p521"))
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
	if (!strcmp(type, "ed25519"))
		return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (!strcmp(type, "ed448"))
		return EVP_PKEY_Q_keygen(NULL, NULL, "ED448");
	return NULL;
}

static const EVP_MD *md_for(EVP_PKEY *k)
{
	int id = EVP_PKEY_get_base_id(k);

	return id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448 ? NULL : EVP_sha256();
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *val)
{
	X509V3_CTX c;
	X509_EXTENSION *e;

	X509V3_set_ctx(&c, issuer ? issuer : x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &c, nid, val);
	if (e) {
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	} else {
		fprintf(stderr, "testpki: extension %s=%s refused\n", OBJ_nid2sn(nid), val);
	}
}

X509 *tp_cert(const struct tp_opts *o, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	char bc[64];

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), o->serial ? o->serial : 1);
	X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC, (const unsigned char *)"CH", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"Example", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)o->cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_NAME_free(n);
	X509_time_adj_ex(X509_getm_notBefore(x), 0, o->from, &tp_now);
	X509_time_adj_ex(X509_getm_notAfter(x), 0, o->to, &tp_now);
	X509_set_pubkey(x, key);
	add_ext(x, issuer, NID_subject_key_identifier, "hash");
	if (issuer)
		add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
	if (o->ca) {
		if (o->pathlen >= 0)
			snprintf(bc, sizeof(bc), "critical,CA:TRUE,pathlen:%d", o->pathlen);
		else
			snprintf(bc, sizeof(bc), "critical,CA:TRUE");
		add_ext(x, issuer, NID_basic_constraints, bc);
	}
	if (o->ku)
		add_ext(x, issuer, NID_key_usage, o->ku);
	if (o->san)
		add_ext(x, issuer, NID_subject_alt_name, o->san);
	if (o->cdp)
		add_ext(x, issuer, NID_crl_distribution_points, o->cdp);
	if (o->unknown_critical) {
		ASN1_OBJECT *obj = OBJ_txt2obj("1.3.6.1.4.1.55555.1.2", 1);
		ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
		X509_EXTENSION *e;

		ASN1_OCTET_STRING_set(v, (const unsigned char *)"\x05\x00", 2);
		e = X509_EXTENSION_create_by_OBJ(NULL, obj, 1, v);
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
		ASN1_OCTET_STRING_free(v);
		ASN1_OBJECT_free(obj);
	}
	EVP_PKEY *sk = issuer ? issuer_key : key;
	if (!X509_sign(x, sk, md_for(sk))) {
		X509_free(x);
		return NULL;
	}
	return x;
}

X509_CRL *tp_crl(X509 *ca, EVP_PKEY *cakey, long last, long next, const long *revoked, int n)
{
	X509_CRL *c = X509_CRL_new();
	ASN1_TIME *t = ASN1_TIME_new();

	X509_CRL_set_version(c, 1);
	X509_CRL_set_issuer_name(c, X509_get_subject_name(ca));
	X509_time_adj_ex(t, 0, last, &tp_now);
	X509_CRL_set1_lastUpdate(c, t);
	X509_time_adj_ex(t, 0, next, &tp_now);
	X509_CRL_set1_nextUpdate(c, t);
	for (int i = 0; i < n; i++) {
		X509_REVOKED *r = X509_REVOKED_new();
		ASN1_INTEGER *sn = ASN1_INTEGER_new();

		ASN1_INTEGER_set(sn, revoked[i]);
		X509_REVOKED_set_serialNumber(r, sn);
		X509_time_adj_ex(t, 0, last, &tp_now);
		X509_REVOKED_set_revocationDate(r, t);
		X509_CRL_add0_revoked(c, r);
		ASN1_INTEGER_free(sn);
	}
	ASN1_TIME_free(t);
	X509_CRL_sort(c);
	if (!X509_CRL_sign(c, cakey, md_for(cakey))) {
		X509_CRL_free(c);
		return NULL;
	}
	return c;
}
