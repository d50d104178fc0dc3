/*
 * SK payload protection: known answers (RFC 7634 appendix B IKEv2
 * example, RFC 8439 2.8.2, GCM spec test cases 4 and 16 fed through
 * sk_decrypt), round trips for every encryption x integrity combination,
 * and tampered messages that must fail cleanly.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hex.h"
#include "ike/crypto/mac.h"
#include "ike/crypto/sk.h"
#include "ike/crypto/xform.h"
#include "ike/ikev2.h"

struct aead_kat {
	uint16_t id, keybits;
	const char *key;	/* key | salt */
	const char *aad;	/* the bytes before the IV */
	const char *iv;
	const char *ct;		/* ciphertext | tag */
	const char *plain;	/* decrypted bytes, pad length byte included */
};

#define GCM_P "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
	      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define GCM_A "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define RFC8439_P "4c616469657320616e642047656e746c656d656e206f662074686520636c6173" \
	"73206f66202739393a204966204920636f756c64206f6666657220796f75206f" \
	"6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73" \
	"637265656e20776f756c642062652069742e"

static const struct aead_kat kats[] = {
	/* RFC 7634 appendix B: an IKEv2 INFORMATIONAL with an SK payload. */
	{ ENCR_CHACHA20_POLY1305, 0,
	  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f" "a0a1a2a3",
	  "c0c1c2c3c4c5c6c7d0d1d2d3d4d5d6d72e202500000000090000004529000029",
	  "1011121314151617",
	  "610394701f8d017f7c129248896b71bfe25236efd7cdc67066906315b2",
	  "0000000c000040010000000a00" },
	/* RFC 8439 section 2.8.2 (constant 07000000 as salt). */
	{ ENCR_CHACHA20_POLY1305, 0,
	  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f" "07000000",
	  "50515253c0c1c2c3c4c5c6c7", "4041424344454647",
	  "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
	  "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
	  "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
	  "3ff4def08e4b7a9de576d26586cec64b6116"
	  "1ae10b594f09e26a7e902ecbd0600691", RFC8439_P },
	/* GCM specification test case 4 (AES-128) and 16 (AES-256). */
	{ ENCR_AES_GCM_16, 128, "feffe9928665731c6d6a8f9467308308" "cafebabe", GCM_A,
	  "facedbaddecaf888",
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
	  "5bc94fbc3221a5db94fae95ae7121a47", GCM_P },
	{ ENCR_AES_GCM_16, 256,
	  "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308" "cafebabe",
	  GCM_A, "facedbaddecaf888",
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
	  "76fc6ece0f4e1768cddf8853bb2d551b", GCM_P },
};

static size_t hexbuf(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = unhex(hex, out, cap);

	ck_assert_uint_ne(n, (size_t)-1);
	return n;
}

static void kat_ctx(const struct aead_kat *k, struct sk_ctx *c)
{
	uint8_t key[64];
	struct secret ek, none = { NULL, 0 };

	ek.len = hexbuf(k->key, key, sizeof(key));
	ek.ptr = key;
	ck_assert_int_eq(sk_init(c, encr_lookup(k->id, k->keybits), NULL, &ek, &none), CR_OK);
}

/* msg = aad | iv | ct | tag; the plaintext ends with the pad length. */
START_TEST(test_aead_kat)
{
	const struct aead_kat *k = &kats[_i];
	uint8_t msg[512], plain[256];
	size_t alen, n, pl;
	struct sk_ctx c;
	struct secret out;
	char why[128];

	kat_ctx(k, &c);
	alen = hexbuf(k->aad, msg, sizeof(msg));
	n = alen + hexbuf(k->iv, msg + alen, sizeof(msg) - alen);
	n += hexbuf(k->ct, msg + n, sizeof(msg) - n);
	pl = hexbuf(k->plain, plain, sizeof(plain));
	ck_assert_int_eq(sk_decrypt(&c, msg, n, alen, &out, why, sizeof(why)), CR_OK);
	ck_assert_uint_eq(out.len, pl - 1 - plain[pl - 1]);
	ck_assert_mem_eq(out.ptr, plain, out.len);
	secret_free(&out);
	/* One flipped bit in the associated data breaks the tag. */
	msg[0] ^= 0x80;
	ck_assert_int_eq(sk_decrypt(&c, msg, n, alen, &out, why, sizeof(why)), CR_AUTH);
	ck_assert_ptr_null(out.ptr);
	sk_clear(&c);
}
END_TEST

/* A fake IKE header + SK generic header as associated data. */
static const uint8_t hdr[32] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	0x2e, 0x20, 0x25, 0x08, 0, 0, 0, 1, 0, 0, 0, 0, 0x29, 0, 0, 0,
};

static void make_ctx(struct sk_ctx *c, const struct encr_alg *e, const struct integ_alg *g)
{
	uint8_t ek[64], ak[64];
	struct secret eks = { ek, (size_t)e->key_len + e->salt_len };
	struct secret aks = { ak, g ? g->key_len : 0 };
	size_t i;

	for (i = 0; i < sizeof(ek); i++) {
		ek[i] = (uint8_t)(i * 7 + 1);
		ak[i] = (uint8_t)(i * 13 + 5);
	}
	ck_assert_int_eq(sk_init(c, e, g, &eks, &aks), CR_OK);
}

/* Encrypts plain_len bytes; returns the whole message (hdr | body). */
static uint8_t *seal(const struct sk_ctx *c, size_t plain_len, size_t *msglen)
{
	uint8_t plain[300];
	struct wr w;
	size_t i;

	for (i = 0; i < plain_len; i++)
		plain[i] = (uint8_t)(i ^ 0x5a);
	ck_assert_int_eq(wr_init_dyn(&w, 64), 0);
	wr_bytes(&w, hdr, sizeof(hdr));
	ck_assert_int_eq(sk_encrypt(c, hdr, sizeof(hdr), plain, plain_len, &w), CR_OK);
	ck_assert_uint_eq(wr_len(&w), sizeof(hdr) + sk_overhead(c, plain_len));
	*msglen = wr_len(&w);
	return wr_data(&w);
}

static int open_msg(const struct sk_ctx *c, const uint8_t *msg, size_t len, size_t plain_len)
{
	struct secret out;
	char why[160] = "";
	size_t i;
	int rc = sk_decrypt(c, msg, len, sizeof(hdr), &out, why, sizeof(why));

	if (rc == CR_OK) {
		ck_assert_uint_eq(out.len, plain_len);
		for (i = 0; i < plain_len; i++)
			ck_assert_uint_eq(out.ptr[i], (uint8_t)(i ^ 0x5a));
		secret_free(&out);
	} else {
		ck_assert_ptr_null(out.ptr);
		ck_assert_msg(why[0] != '\0', "failure without a reason");
	}
	return rc;
}

static const struct integ_alg *integ_for(int n)
{
	return n < 0 ? NULL : integ_at((size_t)n);
}

/* _i encodes encryption index * 8 + integrity index. */
static int combo(int i, const struct encr_alg **e, const struct integ_alg **g)
{
	*e = encr_at((size_t)(i / 8));
	if (!*e)
		return 0;
	if (encr_is_aead(*e)) {
		*g = NULL;
		return i % 8 == 0;
	}
	*g = integ_for(i % 8);
	return *g != NULL;
}

START_TEST(test_round_trip)
{
	static const size_t sizes[] = { 0, 1, 15, 16, 17, 100, 255 };
	const struct encr_alg *e;
	const struct integ_alg *g;
	struct sk_ctx c;
	uint8_t *msg;
	size_t i, len;

	if (!combo(_i, &e, &g))
		return;
	make_ctx(&c, e, g);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		msg = seal(&c, sizes[i], &len);
		ck_assert_int_eq(open_msg(&c, msg, len, sizes[i]), CR_OK);
		free(msg);
	}
	sk_clear(&c);
}
END_TEST

START_TEST(test_tamper)
{
	const struct encr_alg *e;
	const struct integ_alg *g;
	struct sk_ctx c;
	uint8_t *msg, *cut;
	size_t len, n, iv;

	if (!combo(_i, &e, &g))
		return;
	make_ctx(&c, e, g);
	iv = e->iv_len;
	msg = seal(&c, 40, &len);
	/* flipped ICV byte */
	msg[len - 1] ^= 1;
	ck_assert_int_eq(open_msg(&c, msg, len, 40), CR_AUTH);
	msg[len - 1] ^= 1;
	/* flipped ciphertext byte, flipped IV byte, flipped header byte */
	msg[sizeof(hdr) + iv + 3] ^= 0x10;
	ck_assert_int_eq(open_msg(&c, msg, len, 40), CR_AUTH);
	msg[sizeof(hdr) + iv + 3] ^= 0x10;
	msg[sizeof(hdr)] ^= 0x01;
	ck_assert_int_eq(open_msg(&c, msg, len, 40), CR_AUTH);
	msg[sizeof(hdr)] ^= 0x01;
	msg[3] ^= 0x01;
	ck_assert_int_eq(open_msg(&c, msg, len, 40), CR_AUTH);
	msg[3] ^= 0x01;
	ck_assert_int_eq(open_msg(&c, msg, len, 40), CR_OK);
	/* every truncation, each in an exactly sized heap copy (ASan sees
	 * any read past the end) */
	for (n = 0; n < len; n++) {
		cut = malloc(n ? n : 1);
		memcpy(cut, msg, n);
		if (n < sizeof(hdr)) {
			struct secret out;
			char why[128];

			ck_assert_int_eq(sk_decrypt(&c, cut, n, sizeof(hdr), &out, why, sizeof(why)),
					 CR_BAD_PEER);
		} else {
			ck_assert_int_ne(open_msg(&c, cut, n, 40), CR_OK);
		}
		free(cut);
	}
	free(msg);
	sk_clear(&c);
}
END_TEST

/*
 * A pad length larger than the decrypted data, behind a valid ICV (a
 * broken peer, not an attacker, sends this).  Classic ciphers: with an
 * empty payload the pad length byte is the last byte of the only block,
 * so flipping the matching IV byte (CBC) or ciphertext byte (CTR) sets it
 * to 0xff; the ICV is then recomputed with the key.
 */
START_TEST(test_bad_pad_length)
{
	const struct encr_alg *e;
	const struct integ_alg *g;
	struct sk_ctx c;
	uint8_t *msg;
	size_t len, at, icv;
	uint8_t old;

	if (!combo(_i, &e, &g) || !g)
		return;
	make_ctx(&c, e, g);
	icv = g->icv_len;
	msg = seal(&c, 0, &len);
	if (e->mode == EM_CBC) {
		at = sizeof(hdr) + e->block_len - 1;		/* IV byte */
		old = (uint8_t)(e->block_len - 1);
	} else {
		at = sizeof(hdr) + e->iv_len;			/* the pad length itself */
		old = 0;
	}
	msg[at] ^= old ^ 0xff;
	{
		struct cbuf in = { msg, len - icv };

		ck_assert_int_eq(integ_compute(g, c.akey.ptr, &in, 1, msg + len - icv), CR_OK);
	}
	ck_assert_int_eq(open_msg(&c, msg, len, 0), CR_BAD_PEER);
	free(msg);
	sk_clear(&c);
}
END_TEST

/* The same for GCM and ChaCha20-Poly1305, sealed here with OpenSSL
 * directly: one byte 0x05 (pad length 5 with nothing before it). */
START_TEST(test_bad_pad_length_aead)
{
	static const uint16_t ids[][2] = { { ENCR_AES_GCM_16, 128 }, { ENCR_AES_GCM_8, 256 },
					   { ENCR_CHACHA20_POLY1305, 0 } };
	const struct encr_alg *e = encr_lookup(ids[_i][0], ids[_i][1]);
	struct sk_ctx c;
	uint8_t msg[128], nonce[12], pt = 0x05;
	EVP_CIPHER *ciph = EVP_CIPHER_fetch(NULL, e->ossl, NULL);
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	size_t off = sizeof(hdr);
	int n = 0;

	make_ctx(&c, e, NULL);
	memcpy(msg, hdr, sizeof(hdr));
	memset(msg + off, 0x42, e->iv_len);
	memcpy(nonce, c.ekey.ptr + e->key_len, 4);
	memcpy(nonce + 4, msg + off, 8);
	ck_assert_int_eq(EVP_EncryptInit_ex2(x, ciph, c.ekey.ptr, nonce, NULL), 1);
	ck_assert_int_eq(EVP_EncryptUpdate(x, NULL, &n, msg, (int)off), 1);
	ck_assert_int_eq(EVP_EncryptUpdate(x, msg + off + 8, &n, &pt, 1), 1);
	ck_assert_int_eq(EVP_EncryptFinal_ex(x, msg + off + 9, &n), 1);
	ck_assert_int_eq(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, e->icv_len, msg + off + 9), 1);
	ck_assert_int_eq(open_msg(&c, msg, off + 9 + e->icv_len, 0), CR_BAD_PEER);
	EVP_CIPHER_CTX_free(x);
	EVP_CIPHER_free(ciph);
	sk_clear(&c);
}
END_TEST

START_TEST(test_init_checks)
{
	uint8_t k[64] = { 0 };
	struct secret ek = { k, 20 }, ak = { k, 32 }, none = { NULL, 0 };
	struct sk_ctx c;

	/* AEAD with an integrity algorithm, CBC without one, wrong key sizes */
	ck_assert_int_eq(sk_init(&c, encr_lookup(ENCR_AES_GCM_16, 128),
				 integ_lookup(AUTH_HMAC_SHA2_256_128), &ek, &ak), CR_ERR);
	ek.len = 16;
	ck_assert_int_eq(sk_init(&c, encr_lookup(ENCR_AES_CBC, 128), NULL, &ek, &none), CR_ERR);
	ck_assert_int_eq(sk_init(&c, encr_lookup(ENCR_AES_GCM_16, 128), NULL, &ek, &none), CR_ERR);
	ak.len = 20;
	ck_assert_int_eq(sk_init(&c, encr_lookup(ENCR_AES_CBC, 128),
				 integ_lookup(AUTH_HMAC_SHA2_256_128), &ek, &ak), CR_ERR);
	ak.len = 32;
	ck_assert_int_eq(sk_init(&c, encr_lookup(ENCR_AES_CBC, 128),
				 integ_lookup(AUTH_HMAC_SHA2_256_128), &ek, &ak), CR_OK);
	/* 3.14: CBC pads to whole blocks, counting the pad length byte. */
	ck_assert_uint_eq(sk_overhead(&c, 0), 16 + 16 + 16);
	ck_assert_uint_eq(sk_overhead(&c, 15), 16 + 16 + 16);
	ck_assert_uint_eq(sk_overhead(&c, 16), 16 + 32 + 16);
	sk_clear(&c);
}
END_TEST

static int ncombos(void)
{
	int n = 0;

	while (encr_at((size_t)n))
		n++;
	return n * 8;
}

static Suite *sk_suite(void)
{
	Suite *s = suite_create("crypto-sk");
	TCase *tc = tcase_create("sk");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_aead_kat, 0, sizeof(kats) / sizeof(kats[0]));
	tcase_add_loop_test(tc, test_round_trip, 0, ncombos());
	tcase_add_loop_test(tc, test_tamper, 0, ncombos());
	tcase_add_loop_test(tc, test_bad_pad_length, 0, ncombos());
	tcase_add_loop_test(tc, test_bad_pad_length_aead, 0, 3);
	tcase_add_test(tc, test_init_checks);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sk_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
