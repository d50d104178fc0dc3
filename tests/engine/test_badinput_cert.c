/*
 * BAD-INPUT.md row 28 against a daemon-side IKE SA that authenticates its
 * peer with certificates: A's real IKE_AUTH request is re-sealed with one
 * CERT or AUTH payload replaced (garbage DER, a truncated certificate, an
 * unsupported encoding, no data, too many certificates, a 16,384-bit RSA
 * key, an RSA exponent of 1, an unknown critical extension, a self-signed
 * certificate, a bad signature, an AlgorithmIdentifier that does not fit
 * the key, an ECDSA signature of the wrong size).  Each time B answers
 * AUTHENTICATION_FAILED (or INVALID_SYNTAX where the codec refuses the
 * payload), logs why, keeps nothing, and the next real exchange succeeds.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "badinput.h"
#include "ike/engine/exchange.h"
#include "ike/pki/pki.h"
#include "pki/testpki.h"
#include "pkifiles.h"

static const char conf_a[] =
	"global = { cacerts = [\"@root.pem\"]; };\n"
	"secrets: ( { private_key = \"@a-ec.key\"; } );\n"
	"connections: ( {\n"
	"  name = \"ab\";\n"
	"  local_addrs = [\"192.0.2.1\"]; remote_addrs = [\"192.0.2.2\"];\n"
	"  proposals = [\"aes256gcm16-prfsha256-x25519\"];\n"
	"  local = { auth = \"pubkey\"; id = \"a.example\"; certs = [\"@a-ec.pem\", \"@int.pem\"]; };\n"
	"  remote = { auth = \"pubkey\"; id = \"b.example\"; };\n"
	"  send_cert = \"always\";\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.1.0.0/16\"];\n"
	"                 remote_ts = [\"10.2.0.0/16\"]; } );\n"
	"} );\n";

static const char conf_b[] =
	"global = { cacerts = [\"@root.pem\"]; };\n"
	"secrets: ( { private_key = \"@b-p384.key\"; } );\n"
	"connections: ( {\n"
	"  name = \"ba\";\n"
	"  local_addrs = [\"192.0.2.2\"]; remote_addrs = [\"%any\"];\n"
	"  proposals = [\"aes256gcm16-prfsha256-x25519\"];\n"
	"  local = { auth = \"pubkey\"; id = \"b.example\"; certs = [\"@b-p384.pem\", \"@int.pem\"]; };\n"
	"  remote = { auth = \"pubkey\"; id = \"a.example\"; };\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"];\n"
	"                 remote_ts = [\"10.1.0.0/16\"]; } );\n"
	"} );\n";

static char *ca, *cb;

static void begin(void)
{
	ca = pkif_expand(conf_a);
	cb = pkif_expand(conf_b);
	bi_begin(ca, cb);
	bi_half_open();
}

static void end(void)
{
	bi_fresh_exchange_ok();
	bi_end();
	free(ca);
	free(cb);
}

/* A CERT payload body: encoding, then x's DER (cut by 'cut' bytes). */
static size_t cert_body(uint8_t enc, X509 *x, size_t cut, uint8_t *out, size_t size)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);

	ck_assert_int_gt(len, 0);
	ck_assert_uint_le((size_t)len + 1, size);
	out[0] = enc;
	memcpy(out + 1, der, (size_t)len);
	OPENSSL_free(der);
	return 1 + (size_t)len - cut;
}

/* An end-entity certificate for a.example with public key pk, issued by
 * the intermediate (or self-signed with sk when self is set). */
static X509 *cert_with(EVP_PKEY *pk, int unknown_critical, EVP_PKEY *self)
{
	struct tp_opts o = { .cn = "a-evil", .serial = 77, .from = -60, .to = 3600,
			     .san = "DNS:a.example", .unknown_critical = unknown_critical };

	if (self)
		return tp_cert(&o, self, NULL, NULL);
	return tp_cert(&o, pk, pkif_int(), pkif_int_key());
}

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

/* The first CERT payload of A's request replaced by x (NULL: raw). */
static void send_cert(X509 *x, uint8_t enc, size_t cut, const uint8_t *raw, size_t rawlen)
{
	static uint8_t body[PKI_CERT_MAX + 16];
	size_t len = raw ? rawlen : cert_body(enc, x, cut, body, sizeof(body));

	if (raw)
		memcpy(body, raw, rawlen);
	bi_auth_send_swap(PL_CERT, body, len, 0);
}

START_TEST(cert_garbage)
{
	static const uint8_t garbage[] = { CERT_X509_SIGNATURE, 0x30, 0x82, 0x01, 0x00, 0x02 };
	size_t mark;

	begin();
	mark = bi_log_mark();
	send_cert(NULL, 0, 0, garbage, sizeof(garbage));
	bi_assert_auth_refused(mark, N_AUTHENTICATION_FAILED, "CERT payload 1: certificate of 5 bytes");
	end();
}
END_TEST

START_TEST(cert_truncated)
{
	X509 *x = cert_with(pkif_int_key(), 0, NULL);
	size_t mark;

	begin();
	mark = bi_log_mark();
	send_cert(x, CERT_X509_SIGNATURE, 10, NULL, 0);
	bi_assert_auth_refused(mark, N_AUTHENTICATION_FAILED, "CERT payload 1: certificate of");
	X509_free(x);
	end();
}
END_TEST

START_TEST(cert_encoding)
{
	X509 *x = cert_with(pkif_int_key(), 0, NULL);
	size_t mark;

	begin();
	mark = bi_log_mark();
	send_cert(x, CERT_HASH_URL_X509, 0, NULL, 0);
	bi_assert_auth_refused(mark, N_AUTHENTICATION_FAILED, "has encoding 12, only X.509");
	X509_free(x);
	end();
}
END_TEST

START_TEST(cert_empty)
{
	static const uint8_t empty[] = { CERT_X509_SIGNATURE };
	size_t mark;

	begin();
	mark = bi_log_mark();
	send_cert(NULL, 0, 0, empty, sizeof(empty));
	bi_assert_auth_refused(mark, N_INVALID_SYNTAX, "no certificate data");
	end();
}
END_TEST

/* Keys refused before any signature is checked; critical extension and
 * self-signed certificates refused by the chain check. */
static const struct {
	int bits;
	unsigned long e;
	int critical, self;
	const char *why;
} key_rows[] = {
	{ 16384, 65537, 0, 0, "RSA key of 16384 bits, must be 1024..8192" },
	{ 2048, 1, 0, 0, "RSA public exponent 1" },
	{ 0, 0, 1, 0, "unknown critical extension" },
	{ 0, 0, 0, 1, "self-signed and not among our CAs" },
};

START_TEST(cert_keys)
{
	EVP_PKEY *pk = key_rows[_i].bits ? rsa_pub(key_rows[_i].bits, key_rows[_i].e) : tp_key("p256");
	X509 *x = cert_with(pk, key_rows[_i].critical, key_rows[_i].self ? pk : NULL);
	size_t mark;
	static uint8_t ee[PKI_CERT_MAX], im[PKI_CERT_MAX];
	struct bi_pl chain[2];

	ck_assert_ptr_nonnull(x);
	/* A's CERTs replaced by this one and the real intermediate */
	chain[0] = (struct bi_pl){ PL_CERT, 0, ee, cert_body(CERT_X509_SIGNATURE, x, 0, ee, sizeof(ee)), 0, 0 };
	chain[1] = (struct bi_pl){ PL_CERT, 0, im,
				   cert_body(CERT_X509_SIGNATURE, pkif_int(), 0, im, sizeof(im)), 0, 0 };
	begin();
	mark = bi_log_mark();
	bi_auth_send(PL_CERT, chain, 2);
	bi_assert_auth_refused(mark, N_AUTHENTICATION_FAILED, key_rows[_i].why);
	X509_free(x);
	EVP_PKEY_free(pk);
	end();
}
END_TEST

START_TEST(cert_too_many)
{
	static uint8_t body[4096];
	struct bi_pl extra[8];
	X509 *x = cert_with(pkif_int_key(), 0, NULL);
	size_t len, mark;

	len = cert_body(CERT_X509_SIGNATURE, x, 0, body, sizeof(body));
	for (size_t i = 0; i < 8; i++)
		extra[i] = (struct bi_pl){ PL_CERT, 0, body, len, 0, 0 };
	begin();
	mark = bi_log_mark();
	bi_auth_send(0, extra, 8);	/* A's 2 + 8 */
	bi_assert_auth_refused(mark, N_AUTHENTICATION_FAILED, "more than 8 CERT payloads");
	X509_free(x);
	end();
}
END_TEST

/* A's real AUTH body (method, reserved, data), for the AUTH rows. */
static size_t real_auth(uint8_t *out, size_t size)
{
	for (size_t i = 0; i < bi_auth_npl; i++)
		if (bi_auth_pl[i].type == PL_AUTH) {
			ck_assert_uint_le(bi_auth_pl[i].len, size);
			memcpy(out, bi_auth_pl[i].body, bi_auth_pl[i].len);
			return bi_auth_pl[i].len;
		}
	ck_abort_msg("no AUTH in A's request");
	return 0;
}

START_TEST(auth_bad_signature)
{
	uint8_t body[2048];
	size_t len, mark;

	begin();
	len = real_auth(body, sizeof(body));
	body[len - 1] ^= 0x01;
	mark = bi_log_mark();
	bi_auth_send_swap(PL_AUTH, body, len, 0);
	bi_assert_auth_refused(mark, N_AUTHENTICATION_FAILED, "signature does not verify");
	end();
}
END_TEST

START_TEST(auth_algid_mismatch)
{
	/* method 14 with sha256WithRSAEncryption for A's ECDSA key */
	static const uint8_t rsa_algid[] = { 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
					     0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00 };
	uint8_t body[2048];
	size_t len = 4, mark;

	begin();
	body[0] = AUTH_METHOD_DIGITAL_SIG;
	body[1] = body[2] = body[3] = 0;
	memcpy(body + len, rsa_algid, sizeof(rsa_algid));
	len += sizeof(rsa_algid);
	memset(body + len, 0x5a, 256);
	len += 256;
	mark = bi_log_mark();
	bi_auth_send_swap(PL_AUTH, body, len, 0);
	bi_assert_auth_refused(mark, N_AUTHENTICATION_FAILED, "rsa-sha256 does not fit the peer's key");
	end();
}
END_TEST

START_TEST(auth_ecdsa_size)
{
	uint8_t body[4 + 63];
	size_t mark;

	begin();
	memset(body, 0x11, sizeof(body));
	body[0] = AUTH_METHOD_ECDSA_256;
	body[1] = body[2] = body[3] = 0;
	mark = bi_log_mark();
	bi_auth_send_swap(PL_AUTH, body, sizeof(body), 0);
	bi_assert_auth_refused(mark, N_AUTHENTICATION_FAILED, "ECDSA signature of 63 bytes, method 9 needs 64");
	end();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("badinput_cert");
	TCase *t = tcase_create("row28");
	int rc;

	pkif_make();
	tcase_set_timeout(t, 120);
	tcase_add_test(t, cert_garbage);
	tcase_add_test(t, cert_truncated);
	tcase_add_test(t, cert_encoding);
	tcase_add_test(t, cert_empty);
	tcase_add_loop_test(t, cert_keys, 0, (int)(sizeof(key_rows) / sizeof(key_rows[0])));
	tcase_add_test(t, cert_too_many);
	tcase_add_test(t, auth_bad_signature);
	tcase_add_test(t, auth_algid_mismatch);
	tcase_add_test(t, auth_ecdsa_size);
	suite_add_tcase(s, t);
	rc = pair_main(s);
	pkif_remove();
	return rc;
}
