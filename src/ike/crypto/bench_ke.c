/*
 * Key exchange throughput: one operation = generate a key pair + compute
 * the shared secret with a fixed peer value, as a responder does per
 * IKE_SA_INIT.  For MODP 14/15/16 the GMP engine is compared with
 * OpenSSL's own DH (EVP_PKEY "DH" built from the same RFC 3526 prime via
 * OSSL_PARAM, the same private exponent length, and no peer validation
 * beyond what each side does by default on the hot path).
 *
 * The second table splits the responder's work into its two operations,
 * key generation and shared secret, for X25519, P-256 and MODP-2048, and
 * sets each against `openssl speed` for the group (ecdhx25519, ecdhp256,
 * ffdh2048: one shared-secret derivation with prepared keys and context,
 * the library's floor).  The ratio is our microseconds per operation over
 * OpenSSL's (1.00 = as fast as openssl speed; the target is <= 1.3).
 * When the openssl program is missing the column says so.
 *
 * usage: bench_ke [seconds per measurement, default 0.3]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "ike/crypto/ke.h"
#include "ike/crypto/ke_modp.h"
#include "ike/crypto/xform.h"
#include "ike/ikev2.h"

/* CPU seconds of this process: openssl speed counts CPU (user) time too,
 * so other programs on a shared machine do not skew the ratios. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ops/s of our ke_new + ke_shared; negative on failure. */
static double bench_ours(uint16_t group, double secs)
{
	struct ke *peer = ke_new(group), *ke;
	uint8_t pub[1024];
	struct wr w;
	struct secret z;
	char why[128];
	double t0, t;
	long n = 0;

	wr_init(&w, pub, sizeof(pub));
	if (!peer || ke_public(peer, &w) < 0)
		return -1;
	t0 = now();
	do {
		ke = ke_new(group);
		if (!ke || ke_shared(ke, pub, wr_len(&w), &z, why, sizeof(why)) < 0)
			return -1;
		secret_free(&z);
		ke_free(ke);
		n++;
		t = now() - t0;
	} while (t < secs);
	ke_free(peer);
	return (double)n / t;
}

/* ops/s of ke_new alone (the key generation a responder does). */
static double bench_keygen(uint16_t group, double secs)
{
	struct ke *ke;
	double t0, t;
	long n = 0;

	t0 = now();
	do {
		if (!(ke = ke_new(group)))
			return -1;
		ke_free(ke);
		n++;
		t = now() - t0;
	} while (t < secs);
	return (double)n / t;
}

/* ops/s of ke_shared alone: one key pair, a fixed peer value. */
static double bench_derive(uint16_t group, double secs)
{
	struct ke *peer = ke_new(group), *ke = ke_new(group);
	uint8_t pub[1024];
	struct wr w;
	struct secret z;
	char why[128];
	double t0, t, rate = -1;
	long n = 0;

	wr_init(&w, pub, sizeof(pub));
	if (!peer || !ke || ke_public(peer, &w) < 0)
		goto out;
	t0 = now();
	do {
		if (ke_shared(ke, pub, wr_len(&w), &z, why, sizeof(why)) < 0)
			goto out;
		secret_free(&z);
		n++;
		t = now() - t0;
	} while (t < secs);
	rate = (double)n / t;
out:
	ke_free(peer);
	ke_free(ke);
	return rate;
}

/* `openssl speed -mr` for one algorithm: ops/s from its "+F<n>:..." line
 * (the fourth field), or -1 when the program or the line is missing. */
static double openssl_speed(const char *algo, double secs)
{
	char cmd[128], line[256];
	double ops = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "openssl speed -mr -seconds %d %s 2>/dev/null",
		 secs < 1 ? 1 : (int)secs, algo);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = line;
		int field;

		if (strncmp(line, "+F", 2) != 0)
			continue;
		for (field = 0; field < 3 && p; field++)
			if ((p = strchr(p, ':')))
				p++;
		if (p)
			ops = atof(p);
	}
	if (pclose(f) != 0)
		ops = -1;
	return ops;
}

static const struct {
	uint16_t group;
	const char *speed;	/* openssl speed's name for it */
} per_op[] = {
	{ KE_CURVE25519, "ecdhx25519" },
	{ KE_ECP_256, "ecdhp256" },
	{ KE_MODP_2048, "ffdh2048" },
};

static double max2(double a, double b)
{
	return a > b ? a : b;
}

#define PER_OP_ROUNDS 3

/* Microseconds per operation against openssl speed's, the best of
 * PER_OP_ROUNDS alternating rounds for each; 1 on failure. */
static int print_per_op(double secs)
{
	double ref, gen, der;
	size_t i;
	int rc = 0, r;

	printf("\n%-12s %10s %10s %12s %8s %8s\n", "per op", "keygen/s", "derive/s",
	       "openssl/s", "gen x", "derive x");
	for (i = 0; i < sizeof(per_op) / sizeof(per_op[0]); i++) {
		const struct ke_alg *alg = ke_lookup(per_op[i].group);

		gen = der = ref = -1;
		for (r = 0; r < PER_OP_ROUNDS; r++) {
			gen = max2(gen, bench_keygen(per_op[i].group, secs));
			der = max2(der, bench_derive(per_op[i].group, secs));
			ref = max2(ref, openssl_speed(per_op[i].speed, secs));
		}
		if (!alg || gen <= 0 || der <= 0)
			rc = 1;
		if (ref > 0)
			printf("%-12s %10.1f %10.1f %12.1f %8.2f %8.2f\n", alg ? alg->name : "?",
			       gen, der, ref, ref / gen, ref / der);
		else
			printf("%-12s %10.1f %10.1f %12s %8s %8s\n", alg ? alg->name : "?", gen,
			       der, "no openssl", "-", "-");
	}
	printf("(x = our time per operation / openssl speed %s; target <= 1.30)\n",
	       "ecdhx25519|ecdhp256|ffdh2048");
	return rc;
}

/* DH domain parameters: the group's prime, g = 2, our exponent length. */
static EVP_PKEY *ossl_dh_params(const struct ke_alg *alg)
{
	uint8_t p[1024];
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	EVP_PKEY *pk = NULL;
	BIGNUM *bp = NULL, *bg = BN_new();

	if (!bld || !ctx || !bg || modp_prime(alg->id, p, alg->pub_len) < 0 ||
	    !(bp = BN_bin2bn(p, alg->pub_len, NULL)) || !BN_set_word(bg, 2) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, bp) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, bg) ||
	    !OSSL_PARAM_BLD_push_int(bld, OSSL_PKEY_PARAM_DH_PRIV_LEN, alg->exp_bits) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)) ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_KEY_PARAMETERS, params) != 1)
		pk = NULL;
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_free(bp);
	BN_free(bg);
	return pk;
}

/* OpenSSL recognises the RFC 3526 primes as its named groups and would
 * pick its own exponent length; priv_len on the keygen context forces ours. */
static EVP_PKEY *ossl_keygen(EVP_PKEY *params, int priv_bits)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL);
	EVP_PKEY *k = NULL;
	OSSL_PARAM p[2];

	p[0] = OSSL_PARAM_construct_int(OSSL_PKEY_PARAM_DH_PRIV_LEN, &priv_bits);
	p[1] = OSSL_PARAM_construct_end();
	if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_CTX_set_params(ctx, p) != 1 ||
	    EVP_PKEY_keygen(ctx, &k) != 1)
		k = NULL;
	EVP_PKEY_CTX_free(ctx);
	return k;
}

static int ossl_derive(EVP_PKEY *k, EVP_PKEY *peer)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL);
	uint8_t z[1024];
	size_t n = sizeof(z);
	int ok;

	ok = ctx && EVP_PKEY_derive_init(ctx) == 1 &&
	     EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) == 1 &&
	     EVP_PKEY_derive(ctx, z, &n) == 1;
	EVP_PKEY_CTX_free(ctx);
	OPENSSL_cleanse(z, sizeof(z));
	return ok ? 0 : -1;
}

/* Bits of an OpenSSL DH private key, to show the exponents match. */
static int ossl_priv_bits(EVP_PKEY *k)
{
	BIGNUM *x = NULL;
	int bits = -1;

	if (EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_PRIV_KEY, &x) == 1)
		bits = BN_num_bits(x);
	BN_clear_free(x);
	return bits;
}

static double bench_openssl_dh(const struct ke_alg *alg, double secs, int *bits)
{
	EVP_PKEY *params = ossl_dh_params(alg), *peer = NULL, *k;
	double t0, t = 0, rate = -1;
	long n = 0;

	if (!params || !(peer = ossl_keygen(params, alg->exp_bits)))
		goto out;
	*bits = ossl_priv_bits(peer);
	t0 = now();
	do {
		k = ossl_keygen(params, alg->exp_bits);
		if (!k || ossl_derive(k, peer) < 0) {
			EVP_PKEY_free(k);
			goto out;
		}
		EVP_PKEY_free(k);
		n++;
		t = now() - t0;
	} while (t < secs);
	rate = (double)n / t;
out:
	EVP_PKEY_free(peer);
	EVP_PKEY_free(params);
	return rate;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 0.3, ours, theirs;
	const struct ke_alg *alg;
	size_t i;
	int rc = 0, bits = 0;

	if (secs <= 0 || secs > 10) {
		fprintf(stderr, "bench_ke: seconds must be in (0, 10]\n");
		return 2;
	}
	printf("%-12s %12s\n", "group", "ops/s");
	for (i = 0; (alg = ke_at(i)); i++) {
		ours = bench_ours(alg->id, secs);
		if (ours < 0)
			rc = 1;
		printf("%-12s %12.1f\n", alg->name, ours);
	}
	printf("\n%-12s %12s %12s %8s  %s\n", "MODP", "GMP", "OpenSSL DH", "GMP/OSSL",
	       "exponent bits: ours / an OpenSSL key");
	for (i = 0; (alg = ke_at(i)); i++) {
		if (alg->id != KE_MODP_2048 && alg->id != KE_MODP_3072 && alg->id != KE_MODP_4096)
			continue;
		ours = bench_ours(alg->id, secs);
		theirs = bench_openssl_dh(alg, secs, &bits);
		if (ours < 0 || theirs <= 0)
			rc = 1;
		printf("%-12s %12.1f %12.1f %8.2f  %u / %d\n", alg->name, ours, theirs,
		       theirs > 0 ? ours / theirs : 0.0, alg->exp_bits, bits);
	}
	if (print_per_op(secs))
		rc = 1;
	return rc;
}
