/*
 * strongSwan proposal strings <-> struct ike_proposal, and text output.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ike/crypto/proposal.h"
#include "ike/crypto/xform.h"
#include "ike/ikev2.h"

struct want {
	uint8_t protocol;
	const char *in;
	const char *names;	/* proposal_to_names() of the first proposal */
	const char *keywords;	/* proposal_to_keywords() of the first proposal */
};

static const struct want good[] = {
	{ PROTO_IKE, "aes256gcm16-prfsha384-ecp384", "AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384",
	  "aes256gcm16-prfsha384-ecp384" },
	{ PROTO_IKE, "aes128-sha256-modp3072",
	  "AES_CBC_128/PRF_HMAC_SHA2_256/HMAC_SHA2_256_128/MODP_3072",
	  "aes128-prfsha256-sha256-modp3072" },
	{ PROTO_IKE, "chacha20poly1305-prfsha256-x25519",
	  "CHACHA20_POLY1305/PRF_HMAC_SHA2_256/CURVE_25519", "chacha20poly1305-prfsha256-curve25519" },
	{ PROTO_IKE, "aes256-sha384-ecp384", "AES_CBC_256/PRF_HMAC_SHA2_384/HMAC_SHA2_384_192/ECP_384",
	  "aes256-prfsha384-sha384-ecp384" },
	{ PROTO_IKE, "aes128-sha256-modp2048",
	  "AES_CBC_128/PRF_HMAC_SHA2_256/HMAC_SHA2_256_128/MODP_2048",
	  "aes128-prfsha256-sha256-modp2048" },
	{ PROTO_IKE, "chacha20poly1305-prfsha256-curve448",
	  "CHACHA20_POLY1305/PRF_HMAC_SHA2_256/CURVE_448", "chacha20poly1305-prfsha256-curve448" },
	{ PROTO_IKE, "aes256gcm16-prfsha256-x25519", "AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE_25519",
	  "aes256gcm16-prfsha256-curve25519" },
	/* an explicit PRF stops the derivation from the integrity keyword */
	{ PROTO_IKE, "aes128-sha1-prfsha256-modp2048",
	  "AES_CBC_128/PRF_HMAC_SHA2_256/HMAC_SHA1_96/MODP_2048",
	  "aes128-prfsha256-sha1-modp2048" },
	{ PROTO_IKE, "aes-aesxcbc-ecp256bp", "AES_CBC_128/PRF_AES128_XCBC/AES_XCBC_96/ECP_256_BP",
	  "aes128-prfaesxcbc-aesxcbc-ecp256bp" },
	{ PROTO_IKE, "3des-sha1-modp1024", "3DES/PRF_HMAC_SHA1/HMAC_SHA1_96/MODP_1024",
	  "3des-prfsha1-sha1-modp1024" },
	{ PROTO_IKE, "aes128gcm128-aes256ccm12-prfaescmac-ecp521",
	  "AES_GCM_16_128/AES_CCM_12_256/PRF_AES128_CMAC/ECP_521",
	  "aes128gcm16-aes256ccm12-prfaescmac-ecp521" },
	/* ESP: no PRF; noesn added when absent; KE optional (PFS) */
	{ PROTO_ESP, "aes256gcm16", "AES_GCM_16_256/NO_ESN", "aes256gcm16-noesn" },
	{ PROTO_ESP, "aes128-sha256-esn", "AES_CBC_128/HMAC_SHA2_256_128/ESN", "aes128-sha256-esn" },
	{ PROTO_ESP, "aes128ctr-sha512-ecp256-noesn-esn",
	  "AES_CTR_128/HMAC_SHA2_512_256/ECP_256/NO_ESN/ESN", "aes128ctr-sha512-ecp256-noesn-esn" },
};

START_TEST(test_good)
{
	const struct want *w = &good[_i];
	struct ike_proposal p[4];
	char why[256] = "", buf[512];
	size_t n = 99;

	ck_assert_msg(proposal_parse(w->in, w->protocol, p, 4, &n, why, sizeof(why)) == 0,
		      "%s: %s", w->in, why);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(p[0].num, 1);
	ck_assert_uint_eq(p[0].protocol, w->protocol);
	ck_assert_uint_eq(p[0].spi_size, 0);
	ck_assert_int_eq(proposal_to_names(&p[0], buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, w->names);
	ck_assert_int_eq(proposal_to_keywords(&p[0], buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, w->keywords);
	/* The keyword string parses back to the same proposal. */
	{
		struct ike_proposal q;
		size_t m;

		ck_assert_int_eq(proposal_parse(buf, w->protocol, &q, 1, &m, why, sizeof(why)), 0);
		ck_assert_uint_eq(q.ntransforms, p[0].ntransforms);
		ck_assert_mem_eq(q.xf, p[0].xf, q.ntransforms * sizeof(q.xf[0]));
	}
}
END_TEST

struct bad {
	uint8_t protocol;
	const char *in;
	const char *why;
};

static const struct bad bad[] = {
	{ PROTO_IKE, "aes257-sha256-modp2048",
	  "unknown algorithm 'aes257' in proposal 'aes257-sha256-modp2048'" },
	{ PROTO_IKE, "aes128-sha256", "no key exchange group in proposal 'aes128-sha256'" },
	{ PROTO_IKE, "aes128gcm16-ecp256",
	  "AEAD proposal needs a PRF (prfsha256, ...) in proposal 'aes128gcm16-ecp256'" },
	{ PROTO_IKE, "aes128-modp2048", "no integrity algorithm in proposal 'aes128-modp2048'" },
	{ PROTO_IKE, "sha256-prfsha256-modp2048",
	  "no encryption algorithm in proposal 'sha256-prfsha256-modp2048'" },
	{ PROTO_IKE, "aes128gcm16-aes128-sha256-modp2048",
	  "AEAD and non-AEAD ciphers mixed (use two proposals) in proposal "
	  "'aes128gcm16-aes128-sha256-modp2048'" },
	{ PROTO_IKE, "aes128gcm16-sha256-prfsha256-x25519",
	  "integrity algorithm given with an AEAD cipher in proposal "
	  "'aes128gcm16-sha256-prfsha256-x25519'" },
	{ PROTO_IKE, "aes128-sha256-modp2048-esn",
	  "unknown algorithm 'esn' in proposal 'aes128-sha256-modp2048-esn'" },
	{ PROTO_ESP, "aes128-prfsha256-sha256",
	  "unknown algorithm 'prfsha256' in proposal 'aes128-prfsha256-sha256'" },
	{ PROTO_IKE, "aes128--sha256", "empty or over-long token in proposal 'aes128--sha256'" },
	{ PROTO_IKE, "aes128-sha256-x25519-", "trailing '-' in proposal 'aes128-sha256-x25519-'" },
	{ PROTO_IKE, "aes128-sha256-x25519,,aes256-sha256-x25519",
	  "empty or over-long proposal in 'aes128-sha256-x25519,,aes256-sha256-x25519'" },
	{ PROTO_IKE, "", "empty or over-long proposal in ''" },
	{ PROTO_AH, "sha256", "protocol 2: only IKE and ESP proposals" },
};

START_TEST(test_bad)
{
	struct ike_proposal p[4];
	char why[256] = "";
	size_t n = 99;

	ck_assert_int_eq(proposal_parse(bad[_i].in, bad[_i].protocol, p, 4, &n, why, sizeof(why)), -1);
	ck_assert_str_eq(why, bad[_i].why);
	ck_assert_uint_eq(n, 0);
}
END_TEST

static int has(const struct ike_proposal *p, size_t n, uint8_t type, uint16_t id)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < p[i].ntransforms; j++)
			if (p[i].xf[j].type == type && p[i].xf[j].id == id)
				return 1;
	return 0;
}

START_TEST(test_default_and_lists)
{
	struct ike_proposal p[8];
	char why[256];
	size_t n, i;

	ck_assert_int_eq(proposal_parse("default", PROTO_IKE, p, 8, &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 2);
	/* default is strong: no legacy transforms */
	ck_assert(!has(p, n, TT_ENCR, ENCR_3DES));
	ck_assert(!has(p, n, TT_KE, KE_MODP_1024));
	ck_assert(!has(p, n, TT_KE, KE_MODP_1536));
	ck_assert(has(p, n, TT_KE, KE_CURVE25519));
	ck_assert(has(p, n, TT_ENCR, ENCR_AES_GCM_16));
	ck_assert_int_eq(proposal_parse(" aes128-sha256-x25519 , default,aes256gcm16-prfsha256-ecp256",
					PROTO_IKE, p, 8, &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 4);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(p[i].num, i + 1);
	ck_assert_int_eq(proposal_parse("default", PROTO_ESP, p, 8, &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert(!has(p, n, TT_PRF, PRF_HMAC_SHA2_256));
	ck_assert(has(p, n, TT_ESN, ESN_NO));
	/* room for only one */
	ck_assert_int_eq(proposal_parse("default", PROTO_IKE, p, 1, &n, why, sizeof(why)), -1);
	ck_assert_int_eq(proposal_parse("aes128-sha256-x25519,aes256-sha256-x25519", PROTO_IKE, p,
					1, &n, why, sizeof(why)), -1);
}
END_TEST

/* Every table entry's keyword maps back to that entry. */
START_TEST(test_keywords_unique)
{
	size_t i;

	for (i = 0; encr_at(i); i++)
		ck_assert_ptr_eq(encr_by_keyword(encr_at(i)->keyword), encr_at(i));
	for (i = 0; prf_at(i); i++)
		ck_assert_ptr_eq(prf_by_keyword(prf_at(i)->keyword), prf_at(i));
	for (i = 0; integ_at(i); i++)
		ck_assert_ptr_eq(integ_by_keyword(integ_at(i)->keyword), integ_at(i));
	for (i = 0; ke_at(i); i++)
		ck_assert_ptr_eq(ke_by_keyword(ke_at(i)->keyword), ke_at(i));
	ck_assert_ptr_eq(encr_by_keyword("aes"), encr_lookup(ENCR_AES_CBC, 128));
	ck_assert_ptr_eq(ke_by_keyword("x448"), ke_lookup(KE_CURVE448));
	ck_assert_ptr_null(encr_lookup(ENCR_AES_CBC, 100));
}
END_TEST

/* Names come in one order (by transform type) whichever side's proposal
 * was chosen: strongSwan sends ENCR, INTEG, PRF, KE. */
START_TEST(test_names_one_order)
{
	struct ike_proposal p;
	char buf[128];

	memset(&p, 0, sizeof(p));
	p.ntransforms = 4;
	p.xf[0] = (struct ike_transform){ TT_ENCR, ENCR_AES_CBC, 128 };
	p.xf[1] = (struct ike_transform){ TT_INTEG, AUTH_HMAC_SHA2_256_128, 0 };
	p.xf[2] = (struct ike_transform){ TT_PRF, PRF_HMAC_SHA2_256, 0 };
	p.xf[3] = (struct ike_transform){ TT_KE, KE_ECP_256, 0 };
	ck_assert_int_eq(proposal_to_names(&p, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "AES_CBC_128/PRF_HMAC_SHA2_256/HMAC_SHA2_256_128/ECP_256");
}
END_TEST

/* A proposal with transforms we do not know prints them as numbers. */
START_TEST(test_unknown_to_text)
{
	struct ike_proposal p;
	char buf[64];

	memset(&p, 0, sizeof(p));
	p.ntransforms = 2;
	p.xf[0] = (struct ike_transform){ TT_ENCR, 1234, 0 };
	p.xf[1] = (struct ike_transform){ TT_KE, KE_ECP_256, 0 };
	ck_assert_int_eq(proposal_to_names(&p, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "TYPE1_1234/ECP_256");
	ck_assert_int_eq(proposal_to_names(&p, buf, 8), -1);
}
END_TEST

static Suite *proposal_suite(void)
{
	Suite *s = suite_create("crypto-proposal");
	TCase *tc = tcase_create("proposal");

	tcase_add_loop_test(tc, test_good, 0, sizeof(good) / sizeof(good[0]));
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_default_and_lists);
	tcase_add_test(tc, test_keywords_unique);
	tcase_add_test(tc, test_unknown_to_text);
	tcase_add_test(tc, test_names_one_order);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(proposal_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
