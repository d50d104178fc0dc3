/*
 * Key exchange: RFC 5903 section 8 (ECP 256/384/521), RFC 7027 appendix A
 * (brainpool 256/384/512; RFC 6954 uses these curves in IKEv2) and RFC 7748
 * sections 6.1/6.2 (X25519/X448) known answers from imported private keys;
 * MODP agreement for every group; RFC 6989 rejections.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "ike/crypto/ke.h"
#include "ike/crypto/ke_modp.h"
#include "ike/crypto/xform.h"
#include "ike/ikev2.h"

struct dh_kat {
	uint16_t group;
	const char *priv_i, *priv_r;
	const char *pub_i, *pub_r;	/* NULL: not published with the vector */
	const char *shared;
};

static const struct dh_kat kats[] = {
	{ KE_ECP_256,
	  "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
	  "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53",
	  "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
	  "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3",
	  "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
	  "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab",
	  "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de" },
	{ KE_ECP_384,
	  "099f3c7034d4a2c699884d73a375a67f7624ef7c6b3c0f160647b67414dce655"
	  "e35b538041e649ee3faef896783ab194",
	  "41cb0779b4bdb85d47846725fbec3c9430fab46cc8dc5060855cc9bda0aa2942"
	  "e0308312916b8ed2960e4bd55a7448fc",
	  "667842d7d180ac2cde6f74f37551f55755c7645c20ef73e31634fe72b4c55ee6"
	  "de3ac808acb4bdb4c88732aee95f41aa9482ed1fc0eeb9cafc4984625ccfc23f"
	  "65032149e0e144ada024181535a0f38eeb9fcff3c2c947dae69b4c634573a81c",
	  "e558dbef53eecde3d3fccfc1aea08a89a987475d12fd950d83cfa41732bc509d"
	  "0d1ac43a0336def96fda41d0774a3571dcfbec7aacf3196472169e838430367f"
	  "66eebe3c6e70c416dd5f0c68759dd1fff83fa40142209dff5eaad96db9e6386c",
	  "11187331c279962d93d604243fd592cb9d0a926f422e47187521287e7156c5c4"
	  "d603135569b9e9d09cf5d4a270f59746" },
	{ KE_ECP_521,
	  "0037ade9319a89f4dabdb3ef411aaccca5123c61acab57b5393dce47608172a0"
	  "95aa85a30fe1c2952c6771d937ba9777f5957b2639bab072462f68c27a57382d4a52",
	  "0145ba99a847af43793fdd0e872e7cdfa16be30fdc780f97bccc3f078380201e"
	  "9c677d600b343757a3bdbf2a3163e4c2f869cca7458aa4a4effc311f5cb151685eb9",
	  "0015417e84dbf28c0ad3c278713349dc7df153c897a1891bd98bab4357c9ecbe"
	  "e1e3bf42e00b8e380aeae57c2d107564941885942af5a7f4601723c4195d176ced3e"
	  "017cae20b6641d2eeb695786d8c946146239d099e18e1d5a514c739d7cb4a10a"
	  "d8a788015ac405d7799dc75e7b7d5b6cf2261a6a7f1507438bf01beb6ca3926f9582",
	  "00d0b3975ac4b799f5bea16d5e13e9af971d5e9b984c9f39728b5e5739735a21"
	  "9b97c356436adc6e95bb0352f6be64a6c2912d4ef2d0433ced2b6171640012d9460f"
	  "015c68226383956e3bd066e797b623c27ce0eac2f551a10c2c724d9852077b87"
	  "220b6536c5c408a1d2aebb8e86d678ae49cb57091f4732296579ab44fcd17f0fc56a",
	  "01144c7d79ae6956bc8edb8e7c787c4521cb086fa64407f97894e5e6b2d79b04"
	  "d1427e73ca4baa240a34786859810c06b3c715a3a8cc3151f2bee417996d19f3ddea" },
	{ KE_ECP_256_BP,
	  "81db1ee100150ff2ea338d708271be38300cb54241d79950f77b063039804f1d",
	  "55e40bc41e37e3e2ad25c3c6654511ffa8474a91a0032087593852d3e7d76bd3", NULL, NULL,
	  "89afc39d41d3b327814b80940b042590f96556ec91e6ae7939bce31f3a18bf2b" },
	{ KE_ECP_384_BP,
	  "1e20f5e048a5886f1f157c74e91bde2b98c8b52d58e5003d57053fc4b0bd65d6"
	  "f15eb5d1ee1610df870795143627d042",
	  "032640bc6003c59260f7250c3db58ce647f98e1260acce4acda3dd869f74e01f"
	  "8ba5e0324309db6a9831497abac96670", NULL, NULL,
	  "0bd9d3a7ea0b3d519d09d8e48d0785fb744a6b355e6304bc51c229fbbce239bb"
	  "adf6403715c35d4fb2a5444f575d4f42" },
	{ KE_ECP_512_BP,
	  "16302ff0dbbb5a8d733dab7141c1b45acbc8715939677f6a56850a38bd87bd59"
	  "b09e80279609ff333eb9d4c061231fb26f92eeb04982a5f1d1764cad57665422",
	  "230e18e1bcc88a362fa54e4ea3902009292f7f8033624fd471b5d8ace49d12cf"
	  "abbc19963dab8e2f1eba00bffb29e4d72d13f2224562f405cb80503666b25429", NULL, NULL,
	  "a7927098655f1f9976fa50a9d566865dc530331846381c87256baf3226244b76"
	  "d36403c024d7bbf0aa0803eaff405d3d24f11a9b5c0bef679fe1454b21c4cd1f" },
	{ KE_CURVE25519,
	  "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	  "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	  "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	  "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742" },
	{ KE_CURVE448,
	  "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf5"
	  "74a9419744897391006382a6f127ab1d9ac2d8c0a598726b",
	  "1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120"
	  "bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d",
	  "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bb"
	  "c836647241d953d40c5b12da88120d53177f80e532c41fa0",
	  "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972"
	  "fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609",
	  "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56"
	  "fd2464c335543936521c24403085d59a449a5037514a879d" },
};

static size_t hexbuf(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = unhex(hex, out, cap);

	ck_assert_uint_ne(n, (size_t)-1);
	return n;
}

static struct ke *kat_key(uint16_t group, const char *priv, const char *pub, struct wr *w)
{
	uint8_t d[128], want[160];
	size_t dl = hexbuf(priv, d, sizeof(d));
	struct ke *ke = ke_new_with_private(group, d, dl);

	ck_assert_ptr_nonnull(ke);
	ck_assert_int_eq(wr_init_dyn(w, 16), 0);
	ck_assert_int_eq(ke_public(ke, w), CR_OK);
	ck_assert_uint_eq(wr_len(w), ke_public_len(group));
	if (pub) {
		ck_assert_uint_eq(hexbuf(pub, want, sizeof(want)), wr_len(w));
		ck_assert_mem_eq(wr_data(w), want, wr_len(w));
	}
	return ke;
}

START_TEST(test_dh_kat)
{
	const struct dh_kat *k = &kats[_i];
	struct wr wi, wr_;
	struct ke *i = kat_key(k->group, k->priv_i, k->pub_i, &wi);
	struct ke *r = kat_key(k->group, k->priv_r, k->pub_r, &wr_);
	uint8_t want[80];
	size_t sl = hexbuf(k->shared, want, sizeof(want));
	struct secret zi, zr;
	char why[128];

	ck_assert_int_eq(ke_shared(i, wr_data(&wr_), wr_len(&wr_), &zi, why, sizeof(why)), CR_OK);
	ck_assert_int_eq(ke_shared(r, wr_data(&wi), wr_len(&wi), &zr, why, sizeof(why)), CR_OK);
	ck_assert_uint_eq(zi.len, sl);
	ck_assert_mem_eq(zi.ptr, want, sl);
	ck_assert_uint_eq(zr.len, sl);
	ck_assert_mem_eq(zr.ptr, want, sl);
	secret_free(&zi);
	secret_free(&zr);
	wr_free(&wi);
	wr_free(&wr_);
	ke_free(i);
	ke_free(r);
}
END_TEST

/* Two fresh key pairs agree, for every group in the table. */
START_TEST(test_agree_every_group)
{
	const struct ke_alg *alg = ke_at((size_t)_i);
	struct ke *a = ke_new(alg->id), *b = ke_new(alg->id);
	struct wr wa, wb;
	struct secret za, zb;
	char why[128];

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(ke_group(a), alg->id);
	wr_init_dyn(&wa, 16);
	wr_init_dyn(&wb, 16);
	ck_assert_int_eq(ke_public(a, &wa), CR_OK);
	ck_assert_int_eq(ke_public(b, &wb), CR_OK);
	ck_assert_uint_eq(wr_len(&wa), alg->pub_len);
	ck_assert_mem_ne(wr_data(&wa), wr_data(&wb), alg->pub_len);
	ck_assert_int_eq(ke_shared(a, wr_data(&wb), wr_len(&wb), &za, why, sizeof(why)), CR_OK);
	ck_assert_int_eq(ke_shared(b, wr_data(&wa), wr_len(&wa), &zb, why, sizeof(why)), CR_OK);
	ck_assert_uint_eq(za.len, alg->shared_len);
	ck_assert_uint_eq(zb.len, alg->shared_len);
	ck_assert_mem_eq(za.ptr, zb.ptr, za.len);
	secret_free(&za);
	ck_assert_int_eq(ke_shared(a, wr_data(&wb), wr_len(&wb) - 1, &za, why, sizeof(why)),
			 CR_BAD_PEER);
	ck_assert_ptr_null(za.ptr);
	secret_free(&zb);
	wr_free(&wa);
	wr_free(&wb);
	ke_free(a);
	ke_free(b);
}
END_TEST

static int modp_try(struct ke *ke, const uint8_t *y, size_t len)
{
	struct secret z;
	char why[128] = "";
	int rc = ke_shared(ke, y, len, &z, why, sizeof(why));

	if (rc == CR_BAD_PEER)
		ck_assert_msg(why[0] != '\0', "no reason given");
	ck_assert_ptr_null(rc == CR_OK ? NULL : z.ptr);
	secret_free(&z);
	return rc;
}

/* RFC 6989 section 2.1: y = 0, 1, p-1 and p are rejected; 2 and p-2 pass. */
START_TEST(test_modp_rfc6989)
{
	static const uint16_t groups[] = { KE_MODP_1024, KE_MODP_1536, KE_MODP_2048,
					   KE_MODP_3072, KE_MODP_4096, KE_MODP_6144, KE_MODP_8192 };
	uint16_t g = groups[_i];
	size_t n = ke_public_len(g);
	uint8_t *p = malloc(n), *y = malloc(n + 1);
	struct ke *ke = ke_new(g);

	ck_assert_ptr_nonnull(ke);
	ck_assert_int_eq(modp_prime(g, p, n), CR_OK);
	memset(y, 0, n);
	ck_assert_int_eq(modp_try(ke, y, n), CR_BAD_PEER);		/* 0 */
	y[n - 1] = 1;
	ck_assert_int_eq(modp_try(ke, y, n), CR_BAD_PEER);		/* 1 */
	y[n - 1] = 2;
	ck_assert_int_eq(modp_try(ke, y, n), CR_OK);			/* 2 */
	memcpy(y, p, n);
	ck_assert_int_eq(modp_try(ke, y, n), CR_BAD_PEER);		/* p */
	y[n - 1] -= 1;
	ck_assert_int_eq(modp_try(ke, y, n), CR_BAD_PEER);		/* p-1 */
	y[n - 1] -= 1;
	ck_assert_int_eq(modp_try(ke, y, n), CR_OK);			/* p-2 */
	memset(y, 0xff, n + 1);
	ck_assert_int_eq(modp_try(ke, y, n), CR_BAD_PEER);		/* > p */
	ck_assert_int_eq(modp_try(ke, y, n + 1), CR_BAD_PEER);		/* too long */
	ck_assert_int_eq(modp_try(ke, y, n - 1), CR_BAD_PEER);		/* too short */
	ke_free(ke);
	free(p);
	free(y);
}
END_TEST

/* The group primes' top and bottom 64 bits are all ones (RFC 2409/3526). */
START_TEST(test_modp_prime_shape)
{
	static const uint16_t groups[] = { KE_MODP_1024, KE_MODP_1536, KE_MODP_2048,
					   KE_MODP_3072, KE_MODP_4096, KE_MODP_6144, KE_MODP_8192 };
	static const uint8_t ones[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	size_t n = ke_public_len(groups[_i]);
	uint8_t p[1024];

	ck_assert_int_eq(modp_prime(groups[_i], p, n), CR_OK);
	ck_assert_mem_eq(p, ones, 8);
	ck_assert_mem_eq(p + n - 8, ones, 8);
	ck_assert_int_eq(modp_prime(KE_ECP_256, p, 64), CR_ERR);
}
END_TEST

/* Off-curve points, the all-zero "point" and a flipped coordinate. */
START_TEST(test_ecp_invalid_points)
{
	const struct ke_alg *alg = ke_at((size_t)_i);
	struct ke *a, *b;
	struct wr w;
	struct secret z;
	char why[128];
	uint8_t pt[256];

	if (alg->kind != KEK_ECP)
		return;
	a = ke_new(alg->id);
	b = ke_new(alg->id);
	ck_assert_ptr_nonnull(a);
	wr_init(&w, pt, sizeof(pt));
	ck_assert_int_eq(ke_public(b, &w), CR_OK);
	pt[alg->pub_len - 1] ^= 1;
	ck_assert_int_eq(ke_shared(a, pt, alg->pub_len, &z, why, sizeof(why)), CR_BAD_PEER);
	ck_assert_ptr_null(z.ptr);
	memset(pt, 0, alg->pub_len);
	ck_assert_int_eq(ke_shared(a, pt, alg->pub_len, &z, why, sizeof(why)), CR_BAD_PEER);
	memset(pt, 0xff, alg->pub_len);
	ck_assert_int_eq(ke_shared(a, pt, alg->pub_len, &z, why, sizeof(why)), CR_BAD_PEER);
	ke_free(a);
	ke_free(b);
}
END_TEST

/* RFC 7748 section 6: a low-order peer point gives the all-zero secret,
 * which RFC 8031 section 2.3 requires to be rejected. */
START_TEST(test_xdh_zero_secret)
{
	uint8_t zero[56];
	struct secret z;
	char why[128];
	struct ke *a = ke_new(KE_CURVE25519), *b = ke_new(KE_CURVE448);

	memset(zero, 0, sizeof(zero));
	ck_assert_int_eq(ke_shared(a, zero, 32, &z, why, sizeof(why)), CR_BAD_PEER);
	ck_assert_ptr_null(z.ptr);
	ck_assert_int_eq(ke_shared(b, zero, 56, &z, why, sizeof(why)), CR_BAD_PEER);
	zero[0] = 1;	/* u = 1: also a low-order point */
	ck_assert_int_eq(ke_shared(a, zero, 32, &z, why, sizeof(why)), CR_BAD_PEER);
	ke_free(a);
	ke_free(b);
	ck_assert_ptr_null(ke_new(1234));
	ck_assert_uint_eq(ke_public_len(1234), 0);
}
END_TEST

static size_t ke_count(void)
{
	size_t n = 0;

	while (ke_at(n))
		n++;
	return n;
}

static Suite *ke_suite(void)
{
	Suite *s = suite_create("crypto-ke");
	TCase *tc = tcase_create("ke");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_dh_kat, 0, sizeof(kats) / sizeof(kats[0]));
	tcase_add_loop_test(tc, test_agree_every_group, 0, (int)ke_count());
	tcase_add_loop_test(tc, test_modp_rfc6989, 0, 7);
	tcase_add_loop_test(tc, test_modp_prime_shape, 0, 7);
	tcase_add_loop_test(tc, test_ecp_invalid_points, 0, (int)ke_count());
	tcase_add_test(tc, test_xdh_zero_secret);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ke_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
