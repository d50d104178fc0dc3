/*
 * Key material (RFC 7296 2.13-2.18) and PSK AUTH (2.15), cross-checked
 * against an independent computation by the `openssl mac` command line
 * (OpenSSL 3) on the same inputs.  The program exits 77 (skip) when the
 * openssl binary is not available.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hex.h"
#include "ike/crypto/keymat.h"
#include "ike/crypto/mac.h"
#include "ike/crypto/xform.h"
#include "ike/ikev2.h"

#define MAX_IN	8

/* One MAC by the openssl binary over in[0..nin).  For the CMAC PRF a key
 * that is not 16 bytes is first reduced to CMAC(0^128, key) (RFC 4615 3). */
static void cli_mac(const struct prf_alg *prf, const uint8_t *key, size_t kl,
		    const struct cbuf *in, size_t nin, uint8_t *out)
{
	char path[] = "/tmp/keymat-in-XXXXXX", khex[2 * 256 + 1], cmd[1024], line[300];
	uint8_t k16[16];
	FILE *f, *p;
	size_t i;
	int fd;

	if (prf->kind == MAC_CMAC && kl != 16) {
		struct cbuf kin = { key, kl };

		memset(k16, 0, sizeof(k16));
		cli_mac(prf, k16, 16, &kin, 1, k16);
		key = k16;
		kl = 16;
	}
	fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < nin; i++)
		ck_assert_uint_eq(fwrite(in[i].p, 1, in[i].len, f), in[i].len);
	fclose(f);
	ck_assert_uint_le(kl, 256);
	tohex(key, kl, khex);
	if (prf->kind == MAC_HMAC)
		snprintf(cmd, sizeof(cmd), "openssl mac -digest %s -macopt hexkey:%s -in %s HMAC",
			 prf->digest, khex, path);
	else
		snprintf(cmd, sizeof(cmd),
			 "openssl mac -cipher AES-128-CBC -macopt hexkey:%s -in %s CMAC", khex, path);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), p));
	ck_assert_int_eq(pclose(p), 0);
	unlink(path);
	line[strcspn(line, "\r\n")] = '\0';
	ck_assert_uint_eq(unhex(line, out, 64), prf->out_len);
}

/* prf+ by the openssl binary: T1 | T2 | ... */
static void cli_prf_plus(const struct prf_alg *prf, const uint8_t *key, size_t kl,
			 const struct cbuf *seed, size_t nseed, uint8_t *out, size_t len)
{
	uint8_t t[64], c;
	struct cbuf in[MAX_IN + 2];
	size_t done = 0, n, i;

	for (c = 1; done < len; c++) {
		n = 0;
		if (c > 1)
			in[n++] = (struct cbuf){ t, prf->out_len };
		for (i = 0; i < nseed; i++)
			in[n++] = seed[i];
		in[n++] = (struct cbuf){ &c, 1 };
		cli_mac(prf, key, kl, in, n, t);
		n = len - done < prf->out_len ? len - done : prf->out_len;
		memcpy(out + done, t, n);
		done += n;
	}
}

struct suite_case {
	uint16_t encr, keybits, prf, integ;
};

static const struct suite_case cases[] = {
	{ ENCR_AES_CBC, 256, PRF_HMAC_SHA2_256, AUTH_HMAC_SHA2_256_128 },
	{ ENCR_AES_GCM_16, 256, PRF_HMAC_SHA2_384, AUTH_NONE },
	{ ENCR_CHACHA20_POLY1305, 0, PRF_HMAC_SHA2_512, AUTH_NONE },
	{ ENCR_AES_CTR, 128, PRF_HMAC_SHA1, AUTH_HMAC_SHA1_96 },
	/* fixed-key PRF: SKEYSEED keyed with Ni[0..8) | Nr[0..8) */
	{ ENCR_AES_CBC, 128, PRF_AES128_CMAC, AUTH_AES_CMAC_96 },
};

static uint8_t ni[32], nr[40], spii[8], spir[8], gir_b[96];

static void fill_inputs(void)
{
	size_t i;

	for (i = 0; i < sizeof(ni); i++)
		ni[i] = (uint8_t)(0x10 + i);
	for (i = 0; i < sizeof(nr); i++)
		nr[i] = (uint8_t)(0xa0 + i);
	for (i = 0; i < 8; i++) {
		spii[i] = (uint8_t)(0x50 + i);
		spir[i] = (uint8_t)(0x70 + i);
	}
	for (i = 0; i < sizeof(gir_b); i++)
		gir_b[i] = (uint8_t)(i * 31 + 7);
}

static void algs_of(const struct suite_case *k, struct ike_algs *a)
{
	a->encr = encr_lookup(k->encr, k->keybits);
	a->prf = prf_lookup(k->prf);
	a->integ = k->integ == AUTH_NONE ? NULL : integ_lookup(k->integ);
	ck_assert_ptr_nonnull(a->encr);
	ck_assert_ptr_nonnull(a->prf);
}

static void check_sk(const struct ike_algs *a, const struct ike_keys *keys,
		     const uint8_t *stream)
{
	const struct secret *order[7] = { &keys->sk_d, &keys->sk_ai, &keys->sk_ar,
					  &keys->sk_ei, &keys->sk_er, &keys->sk_pi,
					  &keys->sk_pr };
	size_t pk = a->prf->key_len, ik = a->integ ? a->integ->key_len : 0;
	size_t ek = (size_t)a->encr->key_len + a->encr->salt_len;
	size_t lens[7] = { pk, ik, ik, ek, ek, pk, pk }, off = 0, i;

	for (i = 0; i < 7; i++) {
		ck_assert_uint_eq(order[i]->len, lens[i]);
		if (lens[i])
			ck_assert_mem_eq(order[i]->ptr, stream + off, lens[i]);
		off += lens[i];
	}
}

static size_t sk_total(const struct ike_algs *a)
{
	size_t ik = a->integ ? a->integ->key_len : 0;

	return 3u * a->prf->key_len + 2 * ik + 2u * (a->encr->key_len + a->encr->salt_len);
}

START_TEST(test_ike_sa_init_keys)
{
	const struct suite_case *k = &cases[_i];
	struct ike_algs a;
	struct ike_keys keys;
	struct secret gir = { gir_b, sizeof(gir_b) };
	uint8_t key[80], skeyseed[64], stream[1024];
	size_t kl;
	struct cbuf gin = { gir_b, sizeof(gir_b) };
	struct cbuf seed[4] = { { ni, sizeof(ni) }, { nr, sizeof(nr) }, { spii, 8 }, { spir, 8 } };

	fill_inputs();
	algs_of(k, &a);
	ck_assert_int_eq(ike_keys_derive(&a, &gir, ni, sizeof(ni), nr, sizeof(nr), spii, spir,
					 &keys), CR_OK);
	if (a.prf->fixed_key) {
		memcpy(key, ni, 8);
		memcpy(key + 8, nr, 8);
		kl = 16;
	} else {
		memcpy(key, ni, sizeof(ni));
		memcpy(key + sizeof(ni), nr, sizeof(nr));
		kl = sizeof(ni) + sizeof(nr);
	}
	cli_mac(a.prf, key, kl, &gin, 1, skeyseed);
	ck_assert_mem_eq(keys.skeyseed.ptr, skeyseed, a.prf->out_len);
	cli_prf_plus(a.prf, skeyseed, a.prf->out_len, seed, 4, stream, sk_total(&a));
	check_sk(&a, &keys, stream);
	ike_keys_free(&keys);
	ck_assert_ptr_null(keys.sk_d.ptr);
	ck_assert_uint_eq(keys.sk_er.len, 0);
}
END_TEST

START_TEST(test_child_keys)
{
	const struct suite_case *k = &cases[_i];
	struct ike_algs a;
	struct ike_keys keys;
	struct child_keys ck;
	struct secret gir = { gir_b, sizeof(gir_b) };
	uint8_t stream[1024];
	size_t ek, ik, pfs;

	fill_inputs();
	algs_of(k, &a);
	ck_assert_int_eq(ike_keys_derive(&a, &gir, ni, sizeof(ni), nr, sizeof(nr), spii, spir,
					 &keys), CR_OK);
	ek = (size_t)a.encr->key_len + a.encr->salt_len;
	ik = a.integ ? a.integ->key_len : 0;
	for (pfs = 0; pfs < 2; pfs++) {
		struct cbuf seed[3] = { { gir_b, 40 }, { ni, sizeof(ni) }, { nr, sizeof(nr) } };
		struct secret g2 = { gir_b, 40 };

		ck_assert_int_eq(child_keys_derive(a.prf, &keys.sk_d, a.encr, a.integ,
						   pfs ? &g2 : NULL, ni, sizeof(ni), nr, sizeof(nr),
						   &ck), CR_OK);
		cli_prf_plus(a.prf, keys.sk_d.ptr, keys.sk_d.len, pfs ? seed : seed + 1,
			     pfs ? 3 : 2, stream, 2 * (ek + ik));
		ck_assert_mem_eq(ck.encr_i.ptr, stream, ek);
		if (ik)
			ck_assert_mem_eq(ck.integ_i.ptr, stream + ek, ik);
		ck_assert_mem_eq(ck.encr_r.ptr, stream + ek + ik, ek);
		if (ik)
			ck_assert_mem_eq(ck.integ_r.ptr, stream + 2 * ek + ik, ik);
		ck_assert_uint_eq(ck.integ_r.len, ik);
		child_keys_free(&ck);
	}
	ike_keys_free(&keys);
}
END_TEST

/* 2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), new SPIs. */
START_TEST(test_ike_rekey)
{
	const struct suite_case *k = &cases[_i];
	const struct suite_case *n = &cases[(_i + 1) % (sizeof(cases) / sizeof(cases[0]))];
	struct ike_algs a, b;
	struct ike_keys old, nk;
	struct secret gir = { gir_b, sizeof(gir_b) }, g2 = { gir_b + 8, 64 };
	uint8_t skeyseed[64], stream[1024], s2i[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t s2r[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };
	struct cbuf in[3] = { { gir_b + 8, 64 }, { ni, sizeof(ni) }, { nr, sizeof(nr) } };
	struct cbuf seed[4] = { { ni, sizeof(ni) }, { nr, sizeof(nr) }, { s2i, 8 }, { s2r, 8 } };

	fill_inputs();
	algs_of(k, &a);
	algs_of(n, &b);
	ck_assert_int_eq(ike_keys_derive(&a, &gir, ni, sizeof(ni), nr, sizeof(nr), spii, spir,
					 &old), CR_OK);
	ck_assert_int_eq(ike_keys_rekey(a.prf, &old.sk_d, &b, &g2, ni, sizeof(ni), nr, sizeof(nr),
					s2i, s2r, &nk), CR_OK);
	cli_mac(a.prf, old.sk_d.ptr, old.sk_d.len, in, 3, skeyseed);
	ck_assert_mem_eq(nk.skeyseed.ptr, skeyseed, a.prf->out_len);
	cli_prf_plus(b.prf, skeyseed, a.prf->out_len, seed, 4, stream, sk_total(&b));
	check_sk(&b, &nk, stream);
	ike_keys_free(&old);
	ike_keys_free(&nk);
}
END_TEST

/* 2.15: AUTH = prf(prf(PSK, "Key Pad for IKEv2"), msg | Nr | prf(SK_pi, IDi')) */
START_TEST(test_auth_psk)
{
	const struct suite_case *k = &cases[_i];
	struct ike_algs a;
	struct ike_keys keys;
	struct secret gir = { gir_b, sizeof(gir_b) };
	static const uint8_t psk[] = "a shared secret of some length";
	static const uint8_t id[] = { ID_FQDN, 0, 0, 0, 'h', 'o', 's', 't', '.', 'e', 'x' };
	static const char pad[] = "Key Pad for IKEv2";
	uint8_t msg[200], maced[64], want_maced[64], inner[64], auth[64], want[64];
	struct cbuf idin = { id, sizeof(id) };
	struct cbuf padin = { (const uint8_t *)pad, 17 };

	fill_inputs();
	algs_of(k, &a);
	memset(msg, 0x33, sizeof(msg));
	ck_assert_int_eq(ike_keys_derive(&a, &gir, ni, sizeof(ni), nr, sizeof(nr), spii, spir,
					 &keys), CR_OK);
	ck_assert_int_eq(auth_maced_id(a.prf, &keys.sk_pi, id, sizeof(id), maced), CR_OK);
	cli_mac(a.prf, keys.sk_pi.ptr, keys.sk_pi.len, &idin, 1, want_maced);
	ck_assert_mem_eq(maced, want_maced, a.prf->out_len);
	ck_assert_int_eq(auth_psk(a.prf, psk, sizeof(psk) - 1, msg, sizeof(msg), nr, sizeof(nr),
				  maced, auth), CR_OK);
	cli_mac(a.prf, psk, sizeof(psk) - 1, &padin, 1, inner);
	{
		struct cbuf in[3] = { { msg, sizeof(msg) }, { nr, sizeof(nr) },
				      { want_maced, a.prf->out_len } };

		cli_mac(a.prf, inner, a.prf->out_len, in, 3, want);
	}
	ck_assert_mem_eq(auth, want, a.prf->out_len);
	/* the signed octets: msg | Nr | MACedID */
	{
		struct wr w;

		ck_assert_int_eq(wr_init_dyn(&w, 16), 0);
		ck_assert_int_eq(auth_octets(a.prf, &keys.sk_pi, msg, sizeof(msg), nr, sizeof(nr),
					     id, sizeof(id), &w), CR_OK);
		ck_assert_uint_eq(wr_len(&w), sizeof(msg) + sizeof(nr) + a.prf->out_len);
		ck_assert_mem_eq(wr_data(&w), msg, sizeof(msg));
		ck_assert_mem_eq(wr_data(&w) + sizeof(msg), nr, sizeof(nr));
		ck_assert_mem_eq(wr_data(&w) + sizeof(msg) + sizeof(nr), want_maced, a.prf->out_len);
		wr_free(&w);
	}
	ike_keys_free(&keys);
}
END_TEST

static Suite *keymat_suite(void)
{
	Suite *s = suite_create("crypto-keymat");
	TCase *tc = tcase_create("keymat");
	int n = (int)(sizeof(cases) / sizeof(cases[0]));

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_ike_sa_init_keys, 0, n);
	tcase_add_loop_test(tc, test_child_keys, 0, n);
	tcase_add_loop_test(tc, test_ike_rekey, 0, n);
	tcase_add_loop_test(tc, test_auth_psk, 0, n);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	if (system("openssl version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "openssl binary not found: skipping\n");
		return 77;
	}
	sr = srunner_create(keymat_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
