/*
 * Known answers for the MACs and PRFs: RFC 4231 / RFC 4868 (HMAC-SHA2),
 * RFC 2202 (HMAC-SHA1), RFC 3566 (AES-XCBC-MAC-96), RFC 4434 (XCBC PRF
 * with 10/16/18-byte keys), RFC 4493/4494 (CMAC, CMAC-96), RFC 4615
 * (CMAC PRF), and prf+ against a hand-chained computation.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "ike/crypto/mac.h"
#include "ike/crypto/xform.h"
#include "ike/ikev2.h"

struct kat {
	uint16_t id;
	const char *key;	/* hex */
	const char *data;	/* hex */
	const char *out;	/* hex */
};

#define K0B "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
#define HI_THERE "4869205468657265"
#define JEFE "4a656665"
#define NOTHING "7768617420646f2079612077616e7420666f72206e6f7468696e673f"
#define SEQ16 "000102030405060708090a0b0c0d0e0f"
#define SEQ20 SEQ16 "10111213"
#define SEQ32 SEQ16 "101112131415161718191a1b1c1d1e1f"
#define CMACK "2b7e151628aed2a6abf7158809cf4f3c"
#define CMACM "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411"

static const struct kat prf_kats[] = {
	/* RFC 2202 test case 1 */
	{ PRF_HMAC_SHA1, K0B, HI_THERE, "b617318655057264e28bc0b6fb378c8ef146be00" },
	/* RFC 4231 / RFC 4868 2.7.1 test cases 1 and 2 */
	{ PRF_HMAC_SHA2_256, K0B, HI_THERE,
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ PRF_HMAC_SHA2_384, K0B, HI_THERE,
	  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
	  "faea9ea9076ede7f4af152e8b2fa9cb6" },
	{ PRF_HMAC_SHA2_512, K0B, HI_THERE,
	  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
	{ PRF_HMAC_SHA2_256, JEFE, NOTHING,
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	/* RFC 3566 test cases 1-5 (full 128-bit output, = RFC 4434 PRF) */
	{ PRF_AES128_XCBC, SEQ16, "", "75f0251d528ac01c4573dfd584d79f29" },
	{ PRF_AES128_XCBC, SEQ16, "000102", "5b376580ae2f19afe7219ceef172756f" },
	{ PRF_AES128_XCBC, SEQ16, SEQ16, "d2a246fa349b68a79998a4394ff7a263" },
	{ PRF_AES128_XCBC, SEQ16, SEQ20, "47f51b4564966215b8985c63055ed308" },
	{ PRF_AES128_XCBC, SEQ16, SEQ32, "f54f0ec8d2b9f3d36807734bd5283fd4" },
	/* RFC 4434 section 6: 10- and 18-byte keys */
	{ PRF_AES128_XCBC, "00010203040506070809", SEQ20, "0fa087af7d866e7653434e602fdde835" },
	{ PRF_AES128_XCBC, SEQ16 "edcb", SEQ20, "8cd3c93ae598a9803006ffb67c40e9e4" },
	/* RFC 4493 examples 1-3 */
	{ PRF_AES128_CMAC, CMACK, "", "bb1d6929e95937287fa37d129b756746" },
	{ PRF_AES128_CMAC, CMACK, "6bc1bee22e409f96e93d7e117393172a",
	  "070a16b46b4d4144f79bdd9dd04a287c" },
	{ PRF_AES128_CMAC, CMACK, CMACM, "dfa66747de9ae63030ca32611497c827" },
	/* RFC 4615 section 4: 18-, 16- and 10-byte keys */
	{ PRF_AES128_CMAC, SEQ16 "edcb", SEQ20, "84a348a4a45d235babfffc0d2b4da09a" },
	{ PRF_AES128_CMAC, SEQ16, SEQ20, "980ae87b5f4c9c5214f5b6a8455e4c2d" },
	{ PRF_AES128_CMAC, "00010203040506070809", SEQ20, "290d9e112edb09ee141fcf64c0b72f3d" },
};

/* Truncated integrity checksums: RFC 3566 (XCBC-96), RFC 4494 (CMAC-96),
 * RFC 4868 2.7.2 (HMAC-SHA-256-128 etc. are truncations of RFC 4231). */
static const struct kat integ_kats[] = {
	{ AUTH_AES_XCBC_96, SEQ16, "", "75f0251d528ac01c4573dfd5" },
	{ AUTH_AES_XCBC_96, SEQ16, "000102", "5b376580ae2f19afe7219cee" },
	{ AUTH_AES_XCBC_96, SEQ16, SEQ16, "d2a246fa349b68a79998a439" },
	{ AUTH_AES_XCBC_96, SEQ16, SEQ20, "47f51b4564966215b8985c63" },
	{ AUTH_AES_XCBC_96, SEQ16, SEQ32, "f54f0ec8d2b9f3d36807734b" },
	{ AUTH_AES_CMAC_96, CMACK, "", "bb1d6929e95937287fa37d12" },
	{ AUTH_AES_CMAC_96, CMACK, CMACM, "dfa66747de9ae63030ca3261" },
	{ AUTH_HMAC_SHA1_96, K0B, HI_THERE, "b617318655057264e28bc0b6" },
};

START_TEST(test_prf_kat)
{
	const struct kat *k = &prf_kats[_i];
	const struct prf_alg *prf = prf_lookup(k->id);
	uint8_t key[64], data[128], want[64], got[64];
	size_t kl = unhex(k->key, key, sizeof(key)), dl = unhex(k->data, data, sizeof(data));
	size_t wl = unhex(k->out, want, sizeof(want));
	struct cbuf in = { data, dl };

	ck_assert_ptr_nonnull(prf);
	ck_assert_uint_eq(wl, prf->out_len);
	ck_assert_int_eq(prf_compute(prf, key, kl, &in, 1, got), CR_OK);
	ck_assert_mem_eq(got, want, wl);
}
END_TEST

/* The same answers when the input is split at every position: XCBC
 * carries partial blocks across buffers. */
START_TEST(test_prf_split_input)
{
	const struct kat *k = &prf_kats[_i];
	const struct prf_alg *prf = prf_lookup(k->id);
	uint8_t key[64], data[128], want[64], got[64];
	size_t kl = unhex(k->key, key, sizeof(key)), dl = unhex(k->data, data, sizeof(data));
	size_t cut;

	unhex(k->out, want, sizeof(want));
	for (cut = 0; cut <= dl; cut++) {
		struct cbuf in[3] = { { data, cut }, { NULL, 0 }, { data + cut, dl - cut } };

		ck_assert_int_eq(prf_compute(prf, key, kl, in, 3, got), CR_OK);
		ck_assert_mem_eq(got, want, prf->out_len);
	}
}
END_TEST

START_TEST(test_integ_kat)
{
	const struct kat *k = &integ_kats[_i];
	const struct integ_alg *integ = integ_lookup(k->id);
	uint8_t key[64], data[128], want[64], got[64];
	size_t dl = unhex(k->data, data, sizeof(data)), wl = unhex(k->out, want, sizeof(want));
	struct cbuf in = { data, dl };

	ck_assert_ptr_nonnull(integ);
	ck_assert_uint_eq(unhex(k->key, key, sizeof(key)), integ->key_len);
	ck_assert_uint_eq(wl, integ->icv_len);
	ck_assert_int_eq(integ_compute(integ, key, &in, 1, got), CR_OK);
	ck_assert_mem_eq(got, want, wl);
}
END_TEST

/* prf+ (RFC 7296 2.13) against T1 = prf(K, S|1), T2 = prf(K, T1|S|2)... */
START_TEST(test_prf_plus_chain)
{
	const struct prf_alg *prf = prf_at((size_t)_i);
	uint8_t key[20] = "prf plus test key!!", seed[] = "seed bytes", t[64], c;
	uint8_t expect[5 * 64];
	struct cbuf s = { seed, sizeof(seed) };
	struct secret out;
	size_t len = 4 * prf->out_len + 3, n;

	for (c = 1, n = 0; n < len; c++, n += prf->out_len) {
		struct cbuf in[3] = { { t, c > 1 ? prf->out_len : 0 }, { seed, sizeof(seed) },
				      { &c, 1 } };

		ck_assert_int_eq(prf_compute(prf, key, sizeof(key), in, 3, t), CR_OK);
		memcpy(expect + n, t, prf->out_len);
	}
	ck_assert_int_eq(prf_plus(prf, key, sizeof(key), &s, 1, len, &out), CR_OK);
	ck_assert_uint_eq(out.len, len);
	ck_assert_mem_eq(out.ptr, expect, len);
	secret_free(&out);
	/* More than 255 blocks cannot be produced. */
	ck_assert_int_eq(prf_plus(prf, key, sizeof(key), &s, 1, 255u * prf->out_len + 1, &out),
			 CR_ERR);
	ck_assert_ptr_null(out.ptr);
}
END_TEST

/* prf+ known value: HMAC-SHA256, key 0x0b*20, seed "Hi There";
 * T1 = HMAC(K, S | 01) and T2 = HMAC(K, T1 | S | 02) computed with
 * `openssl mac -digest SHA256 -macopt hexkey:... HMAC`. */
START_TEST(test_prf_plus_known)
{
	const struct prf_alg *prf = prf_lookup(PRF_HMAC_SHA2_256);
	uint8_t key[20], seed[8], want[64];
	struct cbuf s = { seed, sizeof(seed) };
	struct secret out;

	unhex(K0B, key, sizeof(key));
	unhex(HI_THERE, seed, sizeof(seed));
	unhex("b9bdc08988b4c2b75aa93e596ac84205fa2ddde1bf7a2572067b00e14b237732"
	      "830509981ad2f94a8c32a47daa2255b660c436347ae756a6edc023477d809590", want,
	      sizeof(want));
	ck_assert_int_eq(prf_plus(prf, key, sizeof(key), &s, 1, 64, &out), CR_OK);
	ck_assert_mem_eq(out.ptr, want, 64);
	secret_free(&out);
}
END_TEST

static Suite *mac_suite(void)
{
	Suite *s = suite_create("crypto-mac");
	TCase *tc = tcase_create("kat");

	tcase_add_loop_test(tc, test_prf_kat, 0, sizeof(prf_kats) / sizeof(prf_kats[0]));
	tcase_add_loop_test(tc, test_prf_split_input, 0, sizeof(prf_kats) / sizeof(prf_kats[0]));
	tcase_add_loop_test(tc, test_integ_kat, 0, sizeof(integ_kats) / sizeof(integ_kats[0]));
	tcase_add_loop_test(tc, test_prf_plus_chain, 0, 6);
	tcase_add_test(tc, test_prf_plus_known);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mac_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
