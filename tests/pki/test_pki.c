/*
 * src/ike/pki: RFC 7427 encodings byte for byte, sign/verify per method and
 * key type, key and certificate loading, a table of chain cases, identity
 * matching and CERTREQ hashes.  Every key and certificate is generated when
 * the test runs (testpki.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "ike/ikev2.h"
#include "ike/pki/pki.h"
#include "testpki.h"
#include "unit/unit.h"

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	while (*s) {
		if (*s == ' ' || *s == '\n') {
			s++;
			continue;
		}
		if (n == cap || sscanf(s, "%2x", &v) != 1)
			return 0;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* RFC 7427 Appendix A (A.1, A.3, A.4.2 with the RFC 4055 DER of the
 * parameters) and RFC 8420 3, written out independently of sigalg.c. */
static const struct {
	const char *name;
	const char *hex;
} rfc_algids[] = {
	{ "rsa-sha1", "30 0d 06 09 2a 86 48 86 f7 0d 01 01 05 05 00" },
	{ "rsa-sha256", "30 0d 06 09 2a 86 48 86 f7 0d 01 01 0b 05 00" },
	{ "rsa-sha384", "30 0d 06 09 2a 86 48 86 f7 0d 01 01 0c 05 00" },
	{ "rsa-sha512", "30 0d 06 09 2a 86 48 86 f7 0d 01 01 0d 05 00" },
	{ "ecdsa-sha256", "30 0a 06 08 2a 86 48 ce 3d 04 03 02" },
	{ "ecdsa-sha384", "30 0a 06 08 2a 86 48 ce 3d 04 03 03" },
	{ "ecdsa-sha512", "30 0a 06 08 2a 86 48 ce 3d 04 03 04" },
	{ "rsa-pss-sha256",
	  "30 41 06 09 2a 86 48 86 f7 0d 01 01 0a 30 34 a0 0f 30 0d 06 09 60 86 48 01 65 03 04 02"
	  " 01 05 00 a1 1c 30 1a 06 09 2a 86 48 86 f7 0d 01 01 08 30 0d 06 09 60 86 48 01 65 03"
	  " 04 02 01 05 00 a2 03 02 01 20" },
	{ "rsa-pss-sha384",
	  "30 41 06 09 2a 86 48 86 f7 0d 01 01 0a 30 34 a0 0f 30 0d 06 09 60 86 48 01 65 03 04 02"
	  " 02 05 00 a1 1c 30 1a 06 09 2a 86 48 86 f7 0d 01 01 08 30 0d 06 09 60 86 48 01 65 03"
	  " 04 02 02 05 00 a2 03 02 01 30" },
	{ "rsa-pss-sha512",
	  "30 41 06 09 2a 86 48 86 f7 0d 01 01 0a 30 34 a0 0f 30 0d 06 09 60 86 48 01 65 03 04 02"
	  " 03 05 00 a1 1c 30 1a 06 09 2a 86 48 86 f7 0d 01 01 08 30 0d 06 09 60 86 48 01 65 03"
	  " 04 02 03 05 00 a2 03 02 01 40" },
	{ "ed25519", "30 05 06 03 2b 65 70" },
	{ "ed448", "30 05 06 03 2b 65 71" },
};

START_TEST(algid_bytes)
{
	uint8_t want[128];

	ck_assert_uint_eq(pki_nsigalgs, sizeof(rfc_algids) / sizeof(rfc_algids[0]));
	for (size_t i = 0; i < sizeof(rfc_algids) / sizeof(rfc_algids[0]); i++) {
		const struct pki_sigalg *a = pki_sigalg_by_name(rfc_algids[i].name);
		size_t n = unhex(rfc_algids[i].hex, want, sizeof(want));

		ck_assert_msg(a, "%s", rfc_algids[i].name);
		ck_assert_msg(a->algid_len == n && !memcmp(a->algid, want, n), "%s", a->name);
		/* and it is well-formed DER that OpenSSL reads back identically */
		const unsigned char *p = a->algid;
		X509_ALGOR *alg = d2i_X509_ALGOR(NULL, &p, (long)n);
		unsigned char *re = NULL;
		ck_assert_ptr_nonnull(alg);
		ck_assert_int_eq(i2d_X509_ALGOR(alg, &re), (int)n);
		ck_assert_mem_eq(re, want, n);
		OPENSSL_free(re);
		X509_ALGOR_free(alg);
	}
}
END_TEST

START_TEST(sha_notify)
{
	uint8_t b[16];
	uint32_t m;
	size_t n = pki_sha_announce(b, sizeof(b));
	const uint8_t want[] = { 0, 2, 0, 3, 0, 4, 0, 5 };
	const uint8_t peer[] = { 0, 1, 0, 2, 0x12, 0x34, 0, 5 };

	ck_assert_uint_eq(n, sizeof(want));
	ck_assert_mem_eq(b, want, n);
	ck_assert_int_eq(pki_sha_parse(peer, sizeof(peer), &m), 0);
	ck_assert_uint_eq(m, PKI_HASH_BIT(1) | PKI_HASH_BIT(2) | PKI_HASH_BIT(5));
	ck_assert_int_eq(pki_sha_parse(peer, 3, &m), -1);
}
END_TEST

static const uint8_t octets[] = "RealMessage1 | Nr | prf(SK_pi, IDi')";
static const uint32_t all_hashes = PKI_HASH_BIT(PKI_HASH_SHA256) | PKI_HASH_BIT(PKI_HASH_SHA384) |
				   PKI_HASH_BIT(PKI_HASH_SHA512) | PKI_HASH_BIT(PKI_HASH_IDENTITY);

/* Each signing case: key type, announced hashes, PSS preference, and the
 * method and algorithm chosen. */
static const struct {
	const char *key;
	uint32_t peer;
	int pss;
	uint8_t method;
	const char *alg;
} sign_cases[] = {
	{ "rsa2048", 0, 0, AUTH_METHOD_RSA, NULL },
	{ "p256", 0, 0, AUTH_METHOD_ECDSA_256, NULL },
	{ "p384", 0, 0, AUTH_METHOD_ECDSA_384, NULL },
	{ "p521", 0, 0, AUTH_METHOD_ECDSA_521, NULL },
	{ "rsa2048", all_hashes, 0, AUTH_METHOD_DIGITAL_SIG, "rsa-sha256" },
	{ "rsa2048", all_hashes, 1, AUTH_METHOD_DIGITAL_SIG, "rsa-pss-sha256" },
	{ "rsa2048", PKI_HASH_BIT(PKI_HASH_SHA512), 1, AUTH_METHOD_DIGITAL_SIG, "rsa-pss-sha512" },
	{ "rsa2048", PKI_HASH_BIT(PKI_HASH_SHA384), 0, AUTH_METHOD_DIGITAL_SIG, "rsa-sha384" },
	{ "p256", all_hashes, 0, AUTH_METHOD_DIGITAL_SIG, "ecdsa-sha256" },
	{ "p384", all_hashes, 0, AUTH_METHOD_DIGITAL_SIG, "ecdsa-sha384" },
	{ "p521", all_hashes, 0, AUTH_METHOD_DIGITAL_SIG, "ecdsa-sha512" },
	{ "p384", PKI_HASH_BIT(PKI_HASH_SHA256), 0, AUTH_METHOD_DIGITAL_SIG, "ecdsa-sha256" },
	{ "ed25519", all_hashes, 0, AUTH_METHOD_DIGITAL_SIG, "ed25519" },
	{ "ed448", all_hashes, 0, AUTH_METHOD_DIGITAL_SIG, "ed448" },
	/* EdDSA needs RFC 7427 with the identity hash */
	{ "ed25519", PKI_HASH_BIT(PKI_HASH_SHA256), 0, 0, NULL },
	{ "ed25519", 0, 0, 0, NULL },
};

START_TEST(sign_verify)
{
	int i = _i;
	EVP_PKEY *k = tp_key(sign_cases[i].key);
	const struct pki_sigalg *a;
	uint8_t m = pki_choose_method(k, sign_cases[i].peer, sign_cases[i].pss, &a);
	uint8_t auth[PKI_AUTH_MAX];
	size_t alen = sizeof(auth);
	char err[PKI_ERR_LEN];

	ck_assert_msg(m == sign_cases[i].method, "case %d: method %u", i, m);
	if (sign_cases[i].alg)
		ck_assert_str_eq(a->name, sign_cases[i].alg);
	if (!m) {
		EVP_PKEY_free(k);
		return;
	}
	ck_assert_msg(pki_auth_sign(k, m, a, octets, sizeof(octets), auth, &alen, err,
				    sizeof(err)) == 0, "case %d: %s", i, err);
	ck_assert_msg(pki_auth_verify(k, m, auth, alen, octets, sizeof(octets), all_hashes, err,
				      sizeof(err)) == 0, "case %d: %s", i, err);
	if (m == AUTH_METHOD_ECDSA_256)
		ck_assert_uint_eq(alen, 64);
	if (m == AUTH_METHOD_ECDSA_521)
		ck_assert_uint_eq(alen, 132);
	/* other octets, a flipped signature byte, a truncated signature */
	ck_assert_int_eq(pki_auth_verify(k, m, auth, alen, octets, sizeof(octets) - 1, all_hashes,
					 err, sizeof(err)), -1);
	auth[alen - 1] ^= 1;
	ck_assert_int_eq(pki_auth_verify(k, m, auth, alen, octets, sizeof(octets), all_hashes,
					 err, sizeof(err)), -1);
	auth[alen - 1] ^= 1;
	ck_assert_int_eq(pki_auth_verify(k, m, auth, alen - 1, octets, sizeof(octets), all_hashes,
					 err, sizeof(err)), -1);
	if (m == AUTH_METHOD_DIGITAL_SIG) {
		/* a hash we did not announce */
		ck_assert_int_eq(pki_auth_verify(k, m, auth, alen, octets, sizeof(octets),
						 all_hashes & ~PKI_HASH_BIT(a->hash), err,
						 sizeof(err)), -1);
		ck_assert_ptr_nonnull(strstr(err, "did not announce"));
	}
	EVP_PKEY_free(k);
}
END_TEST

/* AlgorithmIdentifier or method that does not fit the key; ECDSA of the
 * wrong size (BAD-INPUT 28). */
START_TEST(verify_mismatch)
{
	EVP_PKEY *rsa = tp_key("rsa2048"), *ec = tp_key("p256"), *ec384 = tp_key("p384");
	const struct pki_sigalg *a = pki_sigalg_by_name("ecdsa-sha256");
	uint8_t auth[PKI_AUTH_MAX];
	size_t alen = sizeof(auth);
	char err[PKI_ERR_LEN];

	ck_assert_int_eq(pki_auth_sign(ec, AUTH_METHOD_DIGITAL_SIG, a, octets, sizeof(octets), auth,
				       &alen, err, sizeof(err)), 0);
	ck_assert_int_eq(pki_auth_verify(rsa, AUTH_METHOD_DIGITAL_SIG, auth, alen, octets,
					 sizeof(octets), all_hashes, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "does not fit"));
	/* RSA algid inside, ECDSA key */
	ck_assert_int_eq(pki_auth_sign(rsa, AUTH_METHOD_DIGITAL_SIG, a, octets, sizeof(octets),
				       auth, &alen, err, sizeof(err)), -1);
	alen = sizeof(auth);
	ck_assert_int_eq(pki_auth_sign(ec, AUTH_METHOD_ECDSA_256, NULL, octets, sizeof(octets),
				       auth, &alen, err, sizeof(err)), 0);
	ck_assert_int_eq(pki_auth_verify(ec384, AUTH_METHOD_ECDSA_256, auth, alen, octets,
					 sizeof(octets), all_hashes, err, sizeof(err)), -1);
	ck_assert_int_eq(pki_auth_verify(ec, AUTH_METHOD_ECDSA_256, auth, alen - 1, octets,
					 sizeof(octets), all_hashes, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "63 bytes"));
	ck_assert_int_eq(pki_auth_verify(ec, AUTH_METHOD_ECDSA_384, auth, alen, octets,
					 sizeof(octets), all_hashes, err, sizeof(err)), -1);
	ck_assert_int_eq(pki_auth_verify(rsa, AUTH_METHOD_PSK, auth, alen, octets, sizeof(octets),
					 all_hashes, err, sizeof(err)), -1);
	/* malformed RFC 7427 framing */
	const uint8_t bad1[] = { 0x20, 0x30, 0x0a };
	const uint8_t bad2[] = { 0x00, 0x01, 0x02 };
	ck_assert_int_eq(pki_auth_verify(ec, AUTH_METHOD_DIGITAL_SIG, bad1, sizeof(bad1), octets,
					 sizeof(octets), all_hashes, err, sizeof(err)), -1);
	ck_assert_int_eq(pki_auth_verify(ec, AUTH_METHOD_DIGITAL_SIG, bad2, sizeof(bad2), octets,
					 sizeof(octets), all_hashes, err, sizeof(err)), -1);
	ck_assert_int_eq(pki_auth_verify(ec, AUTH_METHOD_DIGITAL_SIG, bad2, 0, octets,
					 sizeof(octets), all_hashes, err, sizeof(err)), -1);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(ec384);
}
END_TEST

/* A PSS AlgorithmIdentifier in another valid shape (explicit trailerField,
 * salt 20) is decoded, not just compared with our rows. */
START_TEST(pss_other_shape)
{
	EVP_PKEY *rsa = tp_key("rsa2048");
	const char *hex =
		"30 46 06 09 2a 86 48 86 f7 0d 01 01 0a 30 39 a0 0f 30 0d 06 09 60 86 48 01 65 03 04 02"
		" 01 05 00 a1 1c 30 1a 06 09 2a 86 48 86 f7 0d 01 01 08 30 0d 06 09 60 86 48 01 65 03"
		" 04 02 01 05 00 a2 03 02 01 14 a3 03 02 01 01";
	uint8_t algid[128], auth[PKI_AUTH_MAX], sig[1024];
	size_t n = unhex(hex, algid, sizeof(algid)), slen = sizeof(sig);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx;
	char err[PKI_ERR_LEN];

	ck_assert_int_eq(EVP_DigestSignInit_ex(ctx, &pctx, "SHA256", NULL, NULL, rsa, NULL), 1);
	EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
	EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 20);
	EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA256", NULL);
	ck_assert_int_eq(EVP_DigestSign(ctx, sig, &slen, octets, sizeof(octets)), 1);
	EVP_MD_CTX_free(ctx);
	auth[0] = (uint8_t)n;
	memcpy(auth + 1, algid, n);
	memcpy(auth + 1 + n, sig, slen);
	ck_assert_msg(pki_auth_verify(rsa, AUTH_METHOD_DIGITAL_SIG, auth, 1 + n + slen, octets,
				      sizeof(octets), all_hashes, err, sizeof(err)) == 0, "%s", err);
	/* trailerField 2 is not RFC 4055's */
	auth[1 + n - 1] = 2;
	ck_assert_int_eq(pki_auth_verify(rsa, AUTH_METHOD_DIGITAL_SIG, auth, 1 + n + slen, octets,
					 sizeof(octets), all_hashes, err, sizeof(err)), -1);
	EVP_PKEY_free(rsa);
}
END_TEST

/* An RSA public key built from (n, e) as a peer's certificate carries it. */
static EVP_PKEY *rsa_pub(int bits, unsigned long e)
{
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	BIGNUM *n = BN_new(), *be = BN_new();
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *pk = NULL;
	OSSL_PARAM *p;

	BN_rand(n, bits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ODD);
	BN_set_word(be, e);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, n);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, be);
	p = OSSL_PARAM_BLD_to_param(b);
	EVP_PKEY_fromdata_init(c);
	EVP_PKEY_fromdata(c, &pk, EVP_PKEY_PUBLIC_KEY, p);
	OSSL_PARAM_free(p);
	OSSL_PARAM_BLD_free(b);
	BN_free(n);
	BN_free(be);
	EVP_PKEY_CTX_free(c);
	return pk;
}

START_TEST(key_bounds)
{
	char err[PKI_ERR_LEN];
	EVP_PKEY *k;
	static const struct {
		int bits;
		unsigned long e;
		int ok;
		const char *why;
	} rsa[] = {
		{ 2048, 65537, 1, NULL }, { 16384, 65537, 0, "16384 bits" },
		{ 512, 65537, 0, "512 bits" }, { 2048, 1, 0, "exponent 1" },
		{ 2048, 0, 0, "exponent 0" }, { 2048, 4, 0, "exponent small" },
	};

	for (size_t i = 0; i < sizeof(rsa) / sizeof(rsa[0]); i++) {
		k = rsa_pub(rsa[i].bits, rsa[i].e);
		ck_assert_ptr_nonnull(k);
		ck_assert_msg((pki_key_check(k, err, sizeof(err)) == 0) == rsa[i].ok, "row %zu", i);
		if (!rsa[i].ok)
			ck_assert_msg(strstr(err, rsa[i].why), "row %zu: %s", i, err);
		EVP_PKEY_free(k);
	}
	k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp256k1");
	ck_assert_int_eq(pki_key_check(k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "secp256k1"));
	EVP_PKEY_free(k);
	k = tp_key("ed448");
	ck_assert_int_eq(pki_key_check(k, err, sizeof(err)), 0);
	EVP_PKEY_free(k);
}
END_TEST

static char tmpdir[64];

static const char *tmpfile_path(const char *name)
{
	static char p[128];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	return p;
}

static void write_key(EVP_PKEY *k, const char *name, int pem, int pkcs8)
{
	BIO *b = BIO_new_file(tmpfile_path(name), "wb");

	if (pem && pkcs8)
		PEM_write_bio_PKCS8PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
	else if (pem)
		PEM_write_bio_PrivateKey_traditional(b, k, NULL, NULL, 0, NULL, NULL);
	else if (pkcs8)
		i2d_PKCS8PrivateKey_bio(b, k, NULL, NULL, 0, NULL, NULL);
	else
		i2d_PrivateKey_bio(b, k);
	BIO_free(b);
}

START_TEST(load_keys_and_certs)
{
	static const char *types[] = { "rsa2048", "p256", "p384", "ed25519", "ed448" };
	char err[PKI_ERR_LEN];

	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		EVP_PKEY *k = tp_key(types[t]), *other = tp_key(types[t]);
		struct tp_opts o = { .cn = types[t], .from = -60, .to = 3600 };
		X509 *x = tp_cert(&o, k, NULL, NULL);
		int ed = t >= 3;

		for (int form = 0; form < 4; form++) {
			int pem = form & 1, p8 = form & 2;
			EVP_PKEY *l;

			if (ed && !p8)
				continue;	/* EdDSA keys exist only as PKCS#8 */
			write_key(k, "k", pem, p8);
			l = pki_load_key(tmpfile_path("k"), err, sizeof(err));
			ck_assert_msg(l, "%s form %d: %s", types[t], form, err);
			ck_assert(pki_key_matches_cert(l, x));
			EVP_PKEY_free(l);
		}
		ck_assert(!pki_key_matches_cert(other, x));
		/* certificates, PEM and DER */
		BIO *b = BIO_new_file(tmpfile_path("c.pem"), "wb");
		PEM_write_bio_X509(b, x);
		PEM_write_bio_X509(b, x);
		BIO_free(b);
		b = BIO_new_file(tmpfile_path("c.der"), "wb");
		i2d_X509_bio(b, x);
		BIO_free(b);
		STACK_OF(X509) *s = sk_X509_new_null();
		ck_assert_int_eq(pki_load_certs(tmpfile_path("c.pem"), s, err, sizeof(err)), 2);
		ck_assert_int_eq(pki_load_certs(tmpfile_path("c.der"), s, err, sizeof(err)), 1);
		ck_assert_int_eq(X509_cmp(sk_X509_value(s, 2), x), 0);
		sk_X509_pop_free(s, X509_free);
		X509_free(x);
		EVP_PKEY_free(k);
		EVP_PKEY_free(other);
	}
	/* garbage and an empty file */
	FILE *f = fopen(tmpfile_path("junk"), "w");
	fputs("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", f);
	fclose(f);
	STACK_OF(X509) *s = sk_X509_new_null();
	ck_assert_int_eq(pki_load_certs(tmpfile_path("junk"), s, err, sizeof(err)), -1);
	ck_assert_ptr_null(pki_load_key(tmpfile_path("junk"), err, sizeof(err)));
	fclose(fopen(tmpfile_path("empty"), "w"));
	ck_assert_int_eq(pki_load_certs(tmpfile_path("empty"), s, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "0 bytes"));
	ck_assert_int_eq(pki_load_certs(tmpfile_path("nonexistent"), s, err, sizeof(err)), -1);
	sk_X509_free(s);
}
END_TEST

START_TEST(cert_der_bounds)
{
	EVP_PKEY *k = tp_key("p256");
	struct tp_opts o = { .cn = "gw", .from = -60, .to = 3600 };
	X509 *x = tp_cert(&o, k, NULL, NULL), *y;
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);
	uint8_t big[PKI_CERT_MAX + 1];
	char err[PKI_ERR_LEN];

	y = pki_cert_from_der(der, (size_t)len, err, sizeof(err));
	ck_assert_ptr_nonnull(y);
	X509_free(y);
	ck_assert_ptr_null(pki_cert_from_der(der, (size_t)len - 1, err, sizeof(err)));
	ck_assert_ptr_null(pki_cert_from_der(der, 0, err, sizeof(err)));
	memset(big, 0, sizeof(big));
	memcpy(big, der, (size_t)len);
	ck_assert_ptr_null(pki_cert_from_der(big, (size_t)len + 1, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "trailing"));
	ck_assert_ptr_null(pki_cert_from_der(big, sizeof(big), err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "16384"));
	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(k);
}
END_TEST

/* ---- the chain table ---- */

static EVP_PKEY *root_k, *int_k, *ee_k, *other_k;
static X509 *root, *inter;

enum { F_NONE = 0, F_NO_INTER = 1, F_WRONG_ROOT = 2, F_INTER_IS_ANCHOR = 4 };

static const struct chain_case {
	const char *name;
	struct tp_opts ee;
	int flags;
	enum pki_revocation rev;
	int crl;		/* 0 none, 1 current, 2 expired, 3 current revoking serial 66 */
	const char *err;	/* NULL: must pass */
} chain_cases[] = {
	{ "good", { .cn = "gw", .serial = 0x1f, .from = -60, .to = 3600 }, 0, PKI_REV_RELAXED, 0, NULL },
	{ "good, keyUsage digitalSignature",
	  { .cn = "gw", .from = -60, .to = 3600, .ku = "critical,digitalSignature" }, 0,
	  PKI_REV_RELAXED, 0, NULL },
	{ "expired", { .cn = "gw2", .serial = 0x1f, .from = -7200, .to = -3600 }, 0,
	  PKI_REV_RELAXED, 0, "certificate C=CH, O=Example, CN=gw2, serial 0x1f: expired 2" },
	{ "not yet valid", { .cn = "gw", .from = 3600, .to = 7200 }, 0, PKI_REV_RELAXED, 0,
	  "not valid before" },
	{ "unknown CA", { .cn = "gw", .from = -60, .to = 3600 }, F_WRONG_ROOT, PKI_REV_RELAXED, 0,
	  "neither a trusted CA nor sent" },
	{ "missing intermediate", { .cn = "gw", .from = -60, .to = 3600 }, F_NO_INTER,
	  PKI_REV_RELAXED, 0, "issuer \"C=CH, O=Example, CN=Intermediate\"" },
	{ "intermediate as anchor", { .cn = "gw", .from = -60, .to = 3600 },
	  F_NO_INTER | F_INTER_IS_ANCHOR, PKI_REV_STRICT, 1, NULL },
	{ "revoked", { .cn = "gw", .serial = 66, .from = -60, .to = 3600 }, 0, PKI_REV_RELAXED, 3,
	  "serial 0x42: revoked" },
	{ "not revoked, CRL current, strict", { .cn = "gw", .serial = 67, .from = -60, .to = 3600 },
	  0, PKI_REV_STRICT, 3, NULL },
	{ "no CRL, strict", { .cn = "gw", .from = -60, .to = 3600 }, 0, PKI_REV_STRICT, 0,
	  "no CRL of its CA (revocation = strict)" },
	{ "no CRL, ifuri, no URI", { .cn = "gw", .from = -60, .to = 3600 }, 0, PKI_REV_IFURI, 0,
	  NULL },
	{ "no CRL, ifuri, URI", { .cn = "gw", .from = -60, .to = 3600,
				  .cdp = "URI:http://crl.example.com/int.crl" }, 0, PKI_REV_IFURI, 0,
	  "no CRL of its CA" },
	{ "CRL expired, strict", { .cn = "gw", .from = -60, .to = 3600 }, 0, PKI_REV_STRICT, 2,
	  "the CRL of its CA expired" },
	{ "CRL expired, relaxed", { .cn = "gw", .from = -60, .to = 3600 }, 0, PKI_REV_RELAXED, 2,
	  NULL },
	{ "revoked in an expired CRL, relaxed", { .cn = "gw", .serial = 66, .from = -60, .to = 3600 },
	  0, PKI_REV_RELAXED, 4, "revoked" },
	{ "keyUsage without digitalSignature",
	  { .cn = "gw", .from = -60, .to = 3600, .ku = "critical,keyEncipherment" }, 0,
	  PKI_REV_RELAXED, 0, "keyUsage without digitalSignature" },
	{ "unknown critical extension", { .cn = "gw", .from = -60, .to = 3600, .unknown_critical = 1 },
	  0, PKI_REV_RELAXED, 0, "unknown critical extension" },
	{ "end entity acting as CA", { .cn = "gw", .from = -60, .to = 3600 }, 0, PKI_REV_RELAXED, -1,
	  "not a CA" },
};

static void chain_setup(void)
{
	struct tp_opts r = { .cn = "Root CA", .serial = 1, .ca = 1, .pathlen = 1, .from = -86400,
			     .to = 86400 * 365, .ku = "critical,keyCertSign,cRLSign" };
	struct tp_opts i = { .cn = "Intermediate", .serial = 2, .ca = 1, .pathlen = 0,
			     .from = -86400, .to = 86400 * 365, .ku = "critical,keyCertSign,cRLSign" };

	tp_now = time(NULL);
	root_k = tp_key("rsa2048");
	int_k = tp_key("p256");
	ee_k = tp_key("p256");
	other_k = tp_key("p256");
	root = tp_cert(&r, root_k, NULL, NULL);
	inter = tp_cert(&i, int_k, root, root_k);
}

static void chain_teardown(void)
{
	X509_free(root);
	X509_free(inter);
	EVP_PKEY_free(root_k);
	EVP_PKEY_free(int_k);
	EVP_PKEY_free(ee_k);
	EVP_PKEY_free(other_k);
}

START_TEST(chain_table)
{
	const struct chain_case *c = &chain_cases[_i];
	STACK_OF(X509) *anchors = sk_X509_new_null(), *im = sk_X509_new_null();
	STACK_OF(X509_CRL) *crls = sk_X509_CRL_new_null();
	struct pki_trust t = { anchors, crls, c->rev, tp_now };
	X509 *ee, *other_root = NULL, *fake_ee = NULL;
	char err[PKI_ERR_LEN] = "";
	const long revoked[] = { 66 };
	int rc;

	ee = tp_cert(&c->ee, ee_k, inter, int_k);
	if (c->flags & F_WRONG_ROOT) {
		struct tp_opts r = { .cn = "Root CA", .ca = 1, .pathlen = -1, .from = -60, .to = 3600 };
		other_root = tp_cert(&r, other_k, NULL, NULL);
		sk_X509_push(anchors, other_root);
	} else {
		sk_X509_push(anchors, root);
	}
	if (c->flags & F_INTER_IS_ANCHOR)
		sk_X509_push(anchors, inter);
	if (!(c->flags & F_NO_INTER))
		sk_X509_push(im, inter);
	if (c->crl > 0) {
		int expired = c->crl == 2 || c->crl == 4;
		int rev = c->crl >= 3;

		sk_X509_CRL_push(crls, tp_crl(inter, int_k, expired ? -7200 : -60,
					      expired ? -3600 : 3600, revoked, rev));
		sk_X509_CRL_push(crls, tp_crl(root, root_k, -60, 3600, NULL, 0));
	}
	if (c->crl == -1) {
		/* a certificate issued by the end entity (no basicConstraints) */
		struct tp_opts o = { .cn = "fake", .from = -60, .to = 3600 };

		fake_ee = tp_cert(&o, other_k, ee, ee_k);
		sk_X509_push(im, ee);
		rc = pki_chain_verify(&t, fake_ee, im, err, sizeof(err));
	} else {
		rc = pki_chain_verify(&t, ee, im, err, sizeof(err));
	}
	if (c->err) {
		ck_assert_msg(rc == -1, "%s: passed", c->name);
		ck_assert_msg(strstr(err, c->err), "%s: \"%s\" lacks \"%s\"", c->name, err, c->err);
	} else {
		ck_assert_msg(rc == 0, "%s: %s", c->name, err);
	}
	sk_X509_free(anchors);
	sk_X509_free(im);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	X509_free(ee);
	X509_free(other_root);
	X509_free(fake_ee);
}
END_TEST

START_TEST(chain_bounds)
{
	STACK_OF(X509) *anchors = sk_X509_new_null(), *im = sk_X509_new_null();
	struct pki_trust t = { anchors, NULL, PKI_REV_RELAXED, tp_now };
	struct tp_opts o = { .cn = "gw", .from = -60, .to = 3600 };
	X509 *ee = tp_cert(&o, ee_k, inter, int_k), *self;
	EVP_PKEY *weak = rsa_pub(2048, 1);
	char err[PKI_ERR_LEN];

	sk_X509_push(anchors, root);
	for (int i = 0; i < 100; i++)
		sk_X509_push(im, inter);
	ck_assert_int_eq(pki_chain_verify(&t, ee, im, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "100 intermediate certificates, at most 7"));
	sk_X509_free(im);
	/* self-signed peer certificate not among our CAs */
	self = tp_cert(&o, ee_k, NULL, NULL);
	ck_assert_int_eq(pki_chain_verify(&t, self, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "self-signed"));
	X509_free(self);
	/* RSA exponent 1 in the peer's certificate: refused before any check */
	self = X509_new();
	X509_set_pubkey(self, weak);
	ck_assert_int_eq(pki_chain_verify(&t, self, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "exponent 1"));
	/* no anchors */
	sk_X509_pop(anchors);
	ck_assert_int_eq(pki_chain_verify(&t, ee, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no trust anchor"));
	X509_free(self);
	EVP_PKEY_free(weak);
	X509_free(ee);
	sk_X509_free(anchors);
}
END_TEST

/* ---- identities ---- */

static void id_of(struct ident *id, const char *s)
{
	char err[128];

	ck_assert_msg(ident_parse(id, s, err, sizeof(err)) == 0, "%s", err);
}

START_TEST(identities)
{
	struct tp_opts o = { .cn = "gw.example.com", .from = -60, .to = 3600,
			     .san = "DNS:gw.example.com,email:vpn@example.com,IP:192.0.2.1,IP:2001:db8::1" };
	X509 *x = tp_cert(&o, ee_k, inter, int_k);
	struct ident id, pat;
	static const struct {
		const char *id;
		int in_cert;
	} cert_ids[] = {
		{ "gw.example.com", 1 }, { "GW.Example.COM", 1 }, { "other.example.com", 0 },
		{ "vpn@example.com", 1 }, { "root@example.com", 0 }, { "192.0.2.1", 1 },
		{ "192.0.2.2", 0 }, { "2001:db8::1", 1 },
		{ "C=CH, O=Example, CN=gw.example.com", 1 },
		{ "C=CH,O=Example,CN=gw.example.com", 1 },
		{ "C=CH, O=example,  CN=GW.example.com", 1 },
		{ "C=CH, O=Example, CN=gw2.example.com", 0 },
		{ "O=Example, C=CH, CN=gw.example.com", 0 }, { "C=CH, O=Example", 0 },
	};

	for (size_t i = 0; i < sizeof(cert_ids) / sizeof(cert_ids[0]); i++) {
		id_of(&id, cert_ids[i].id);
		ck_assert_msg(pki_cert_has_id(x, &id) == cert_ids[i].in_cert, "%s", cert_ids[i].id);
	}
	/* a DN that only appears as the CN is not an FQDN identity of the cert */
	o.san = NULL;
	X509 *y = tp_cert(&o, ee_k, inter, int_k);
	id_of(&id, "gw.example.com");
	ck_assert_int_eq(pki_cert_has_id(y, &id), 0);
	/* the default local ID is the subject */
	ck_assert_int_eq(pki_cert_subject_id(y, &id), 0);
	id_of(&pat, "C=CH, O=Example, CN=gw.example.com");
	ck_assert(ident_eq(&id, &pat));
	X509_free(y);

	static const struct {
		const char *pattern, *id;
		int ok;
	} pats[] = {
		{ "%any", "C=CH, O=Example, CN=x", 1 },
		{ "C=CH, O=Example, CN=*", "C=CH, O=Example, CN=gw", 1 },
		{ "C=CH, O=Example, CN=*", "C=DE, O=Example, CN=gw", 0 },
		{ "C=CH, O=Example, CN=*", "C=CH, O=Example, OU=x, CN=gw", 0 },
		{ "C=CH, O=*, CN=gw", "C=CH, O=Other, CN=gw", 1 },
		{ "C=CH, O=Example, CN=gw", "C=CH,  O=Example,CN=GW", 1 },
		{ "*.example.com", "gw.example.com", 1 },
		{ "*.example.com", "gw.example.org", 0 },
		{ "*@example.com", "vpn@example.com", 1 },
		{ "gw.example.com", "GW.example.com", 1 },
		{ "gw.example.com", "C=CH, CN=gw.example.com", 0 },
	};
	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		id_of(&pat, pats[i].pattern);
		id_of(&id, pats[i].id);
		ck_assert_msg(pki_id_matches(&pat, &id) == pats[i].ok, "%s ~ %s", pats[i].pattern,
			      pats[i].id);
	}
	X509_free(x);
}
END_TEST

/* ---- CERTREQ ---- */

START_TEST(certreq)
{
	STACK_OF(X509) *anchors = sk_X509_new_null(), *chain = sk_X509_new_null();
	struct tp_opts o = { .cn = "gw", .from = -60, .to = 3600 };
	X509 *ee = tp_cert(&o, ee_k, inter, int_k);
	uint8_t body[64], h[20];
	unsigned char *spki = NULL;
	int slen;
	unsigned int hlen;

	sk_X509_push(anchors, root);
	sk_X509_push(anchors, inter);
	ck_assert_uint_eq(pki_certreq_build(anchors, body, sizeof(body)), 40);
	/* SHA-1 of the DER SubjectPublicKeyInfo, computed here another way */
	slen = i2d_PUBKEY(root_k, &spki);
	EVP_Digest(spki, (size_t)slen, h, &hlen, EVP_sha1(), NULL);
	ck_assert_mem_eq(body, h, 20);
	OPENSSL_free(spki);
	ck_assert_uint_eq(pki_certreq_build(anchors, body, 39), 0);

	/* our chain [ee, inter]: a CERTREQ for the root (issuer of inter) or
	 * for inter selects it; one for another CA does not */
	sk_X509_push(chain, ee);
	sk_X509_push(chain, inter);
	ck_assert_int_eq(pki_certreq_matches(body, 20, chain, anchors), 1);
	ck_assert_int_eq(pki_certreq_matches(body, 20, chain, NULL), 0);
	ck_assert_int_eq(pki_certreq_matches(body + 20, 20, chain, NULL), 1);
	memset(h, 0xab, sizeof(h));
	ck_assert_int_eq(pki_certreq_matches(h, 20, chain, anchors), 0);
	ck_assert_int_eq(pki_certreq_matches(body, 19, chain, anchors), -1);
	ck_assert_int_eq(pki_certreq_matches(body, 0, chain, anchors), 0);
	sk_X509_free(chain);
	sk_X509_free(anchors);
	X509_free(ee);
}
END_TEST

START_TEST(cert_desc)
{
	struct tp_opts o = { .cn = "gw2", .serial = 0x1f, .from = -60, .to = 3600 };
	X509 *x = tp_cert(&o, ee_k, inter, int_k);
	char buf[256];

	ck_assert_str_eq(pki_cert_desc(x, buf, sizeof(buf)),
			 "certificate C=CH, O=Example, CN=gw2, serial 0x1f");
	ck_assert_str_eq(pki_key_desc(ee_k, buf, sizeof(buf)), "ECDSA-P256");
	ck_assert_str_eq(pki_key_desc(root_k, buf, sizeof(buf)), "RSA-2048");
	X509_free(x);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("pki");
	TCase *t = tcase_create("sig");

	tcase_set_timeout(t, 120);
	tcase_add_test(t, algid_bytes);
	tcase_add_test(t, sha_notify);
	tcase_add_loop_test(t, sign_verify, 0, (int)(sizeof(sign_cases) / sizeof(sign_cases[0])));
	tcase_add_test(t, verify_mismatch);
	tcase_add_test(t, pss_other_shape);
	tcase_add_test(t, key_bounds);
	suite_add_tcase(s, t);
	t = tcase_create("cred");
	tcase_set_timeout(t, 120);
	tcase_add_test(t, load_keys_and_certs);
	tcase_add_test(t, cert_der_bounds);
	suite_add_tcase(s, t);
	t = tcase_create("chain");
	tcase_set_timeout(t, 120);
	tcase_add_unchecked_fixture(t, chain_setup, chain_teardown);
	tcase_add_loop_test(t, chain_table, 0, (int)(sizeof(chain_cases) / sizeof(chain_cases[0])));
	tcase_add_test(t, chain_bounds);
	tcase_add_test(t, identities);
	tcase_add_test(t, certreq);
	tcase_add_test(t, cert_desc);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	int rc;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_pki.XXXXXX");
	if (!mkdtemp(tmpdir))
		return 99;
	tp_now = time(NULL);
	rc = unit_run(suite());
	for (const char *const *n = (const char *const[]){ "k", "c.pem", "c.der", "junk", "empty",
							     NULL };
	     *n; n++)
		unlink(tmpfile_path(*n));
	rmdir(tmpdir);
	return rc;
}
