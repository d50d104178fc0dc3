/*
 * Key exchange objects.  MODP goes to the GMP engine (ke_modp.c); ECP
 * (RFC 5903, RFC 6954) and Curve25519/448 (RFC 8031) go through OpenSSL
 * EVP_PKEY.  Every received public value is validated (RFC 6989) before
 * it is used.
 */
#include "ike/crypto/ke.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "common/tcache.h"
#include "ike/crypto/ke_modp.h"
#include "ike/crypto/xform.h"

#define EC_POINT_UNCOMPRESSED	0x04
#define KE_MAX_PUB		1024

struct ke {
	const struct ke_alg *alg;
	struct modp *modp;	/* KEK_MODP */
	EVP_PKEY *pkey;		/* KEK_ECP, KEK_XDH */
};

/*
 * Per-thread contexts, made once per group and thread: a key generation
 * context and a public-key import context.  Creating them per call means
 * OpenSSL fetches the key management by name every time, which cost more
 * than the curve arithmetic (issue 17).  Each crypto worker owns its own
 * set, so no context is shared between threads; the thread's exit frees
 * them.
 */
#define KE_CACHE_SLOTS	32

struct ke_cache {
	EVP_PKEY_CTX *gen[KE_CACHE_SLOTS];
	EVP_PKEY_CTX *imp[KE_CACHE_SLOTS];
	EVP_PKEY *ec_params[KE_CACHE_SLOTS];	/* KEK_ECP: the curve, no key */
};

static void ke_cache_free(void *p)
{
	struct ke_cache *c = p;
	size_t i;

	for (i = 0; i < KE_CACHE_SLOTS; i++) {
		EVP_PKEY_CTX_free(c->gen[i]);
		EVP_PKEY_CTX_free(c->imp[i]);
		EVP_PKEY_free(c->ec_params[i]);
	}
	free(c);
}

static struct tcache ke_tcache = TCACHE_INIT(sizeof(struct ke_cache), ke_cache_free);

/* This thread's cache; NULL when none can be made (callers then fall
 * back to a context of their own). */
static struct ke_cache *ke_cache(void)
{
	return tcache_get(&ke_tcache);
}

static size_t ke_slot(const struct ke_alg *alg)
{
	return (size_t)(alg - ke_at(0));
}

/* OpenSSL's key type for the group: "EC" for ECP, the curve for XDH. */
static const char *pkey_type(const struct ke_alg *alg)
{
	return alg->kind == KEK_ECP ? "EC" : alg->ossl;
}

static EVP_PKEY_CTX *gen_ctx_new(const struct ke_alg *alg)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, pkey_type(alg), NULL);
	OSSL_PARAM p[2];

	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						(char *)alg->ossl, 0);
	p[1] = OSSL_PARAM_construct_end();
	if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 ||
	    (alg->kind == KEK_ECP && EVP_PKEY_CTX_set_params(ctx, p) != 1)) {
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static EVP_PKEY_CTX *imp_ctx_new(const struct ke_alg *alg)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, pkey_type(alg), NULL);

	if (!ctx || EVP_PKEY_fromdata_init(ctx) != 1) {
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* The cached context for alg (made on first use), or a fresh one the
 * caller owns (*owned set) when the slot or the cache is unavailable. */
static EVP_PKEY_CTX *cached_ctx(const struct ke_alg *alg, int imp, EVP_PKEY_CTX **owned)
{
	struct ke_cache *c = ke_cache();
	size_t i = ke_slot(alg);
	EVP_PKEY_CTX **slot;

	*owned = NULL;
	if (!c || i >= KE_CACHE_SLOTS)
		return *owned = imp ? imp_ctx_new(alg) : gen_ctx_new(alg);
	slot = imp ? &c->imp[i] : &c->gen[i];
	if (!*slot)
		*slot = imp ? imp_ctx_new(alg) : gen_ctx_new(alg);
	return *slot;
}

static EVP_PKEY *pkey_keygen(const struct ke_alg *alg)
{
	EVP_PKEY_CTX *owned, *ctx = cached_ctx(alg, 0, &owned);
	EVP_PKEY *pkey = NULL;

	if (ctx && EVP_PKEY_keygen(ctx, &pkey) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(owned);
	return pkey;
}

/* The curve's domain parameters as a key without a key (KEK_ECP). */
static EVP_PKEY *ec_params_new(const struct ke_alg *alg)
{
	EVP_PKEY_CTX *owned, *ctx = cached_ctx(alg, 1, &owned);
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM p[2];

	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)alg->ossl, 0);
	p[1] = OSSL_PARAM_construct_end();
	if (ctx && EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEY_PARAMETERS, p) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(owned);
	return pkey;
}

/*
 * A peer's EC public key from the 0x04 || x || y encoding.  Importing it
 * with the curve's name builds the curve afresh (three times the cost of
 * the point check and copy); a copy of this thread's parameter-only key
 * reuses it.  OpenSSL rejects a point that is not on the curve here.
 */
static EVP_PKEY *ec_import_public(const struct ke_alg *alg, const uint8_t *pt, size_t len)
{
	struct ke_cache *c = ke_cache();
	size_t i = ke_slot(alg);
	EVP_PKEY *params = NULL, *pkey = NULL;

	if (c && i < KE_CACHE_SLOTS) {
		if (!c->ec_params[i])
			c->ec_params[i] = ec_params_new(alg);
		params = c->ec_params[i];
		if (params)
			pkey = EVP_PKEY_dup(params);
	} else if ((params = ec_params_new(alg))) {
		pkey = EVP_PKEY_dup(params);
		EVP_PKEY_free(params);
	}
	if (pkey && EVP_PKEY_set1_encoded_public_key(pkey, pt, len) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	return pkey;
}

/* A peer's X25519/X448 public key through the cached import context. */
static EVP_PKEY *xdh_import_public(const struct ke_alg *alg, const uint8_t *pub, size_t len)
{
	EVP_PKEY_CTX *owned, *ctx = cached_ctx(alg, 1, &owned);
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM p[2];

	p[0] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)pub, len);
	p[1] = OSSL_PARAM_construct_end();
	if (ctx && EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, p) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(owned);
	return pkey;
}

/* EC public key from x || y: the 0x04 prefix RFC 5903 leaves out is put
 * back for OpenSSL, which rejects points that are not on the curve. */
static EVP_PKEY *ec_from_data(const struct ke_alg *alg, const uint8_t *xy, size_t len,
			      const BIGNUM *priv)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	uint8_t pt[KE_MAX_PUB + 1];

	if (len > KE_MAX_PUB)
		return NULL;
	pt[0] = EC_POINT_UNCOMPRESSED;
	memcpy(pt + 1, xy, len);
	bld = OSSL_PARAM_BLD_new();
	if (!bld ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, alg->ossl, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, len + 1) ||
	    (priv && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv)))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
			      params) != 1)
		pkey = NULL;
out:
	OSSL_PARAM_free(params);	/* clears a private key it holds */
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* Scalar multiplication for an imported EC private key (tests only). */
static EVP_PKEY *ec_from_private(const struct ke_alg *alg, const uint8_t *priv, size_t len)
{
	EC_GROUP *grp = NULL;
	EC_POINT *pub = NULL;
	BIGNUM *d = NULL;
	EVP_PKEY *pkey = NULL;
	uint8_t pt[KE_MAX_PUB + 1];
	size_t n;

	int nid = EC_curve_nist2nid(alg->ossl);

	if (nid == NID_undef)
		nid = OBJ_txt2nid(alg->ossl);
	grp = EC_GROUP_new_by_curve_name(nid);
	d = BN_secure_new();
	if (!grp || !d || !BN_bin2bn(priv, (int)len, d))
		goto out;
	pub = EC_POINT_new(grp);
	if (!pub || EC_POINT_mul(grp, pub, d, NULL, NULL, NULL) != 1)
		goto out;
	n = EC_POINT_point2oct(grp, pub, POINT_CONVERSION_UNCOMPRESSED, pt, sizeof(pt), NULL);
	if (n != (size_t)alg->pub_len + 1)
		goto out;
	pkey = ec_from_data(alg, pt + 1, n - 1, d);
out:
	BN_clear_free(d);
	EC_POINT_free(pub);
	EC_GROUP_free(grp);
	return pkey;
}

static struct ke *ke_create(uint16_t group, const uint8_t *priv, size_t len)
{
	const struct ke_alg *alg = ke_lookup(group);
	struct ke *ke;

	if (!alg)
		return NULL;
	ke = calloc(1, sizeof(*ke));
	if (!ke)
		return NULL;
	ke->alg = alg;
	switch (alg->kind) {
	case KEK_MODP:
		ke->modp = modp_new(alg, priv, len);
		break;
	case KEK_ECP:
		ke->pkey = priv ? ec_from_private(alg, priv, len) : pkey_keygen(alg);
		break;
	case KEK_XDH:
		ke->pkey = priv ? EVP_PKEY_new_raw_private_key_ex(NULL, alg->ossl, NULL, priv, len)
				: pkey_keygen(alg);
		break;
	}
	if (!ke->modp && !ke->pkey) {
		free(ke);
		return NULL;
	}
	return ke;
}

struct ke *ke_new(uint16_t group)
{
	return ke_create(group, NULL, 0);
}

struct ke *ke_new_with_private(uint16_t group, const uint8_t *priv, size_t len)
{
	if (!priv || !len)
		return NULL;
	return ke_create(group, priv, len);
}

void ke_free(struct ke *ke)
{
	if (!ke)
		return;
	modp_free(ke->modp);
	EVP_PKEY_free(ke->pkey);	/* OpenSSL clears private key material */
	free(ke);
}

uint16_t ke_group(const struct ke *ke)
{
	return ke->alg->id;
}

size_t ke_public_len(uint16_t group)
{
	const struct ke_alg *alg = ke_lookup(group);

	return alg ? alg->pub_len : 0;
}

int ke_public(const struct ke *ke, struct wr *w)
{
	uint8_t buf[KE_MAX_PUB + 1];
	size_t n = 0;
	int rc = CR_ERR;

	switch (ke->alg->kind) {
	case KEK_MODP:
		wr_bytes(w, modp_public(ke->modp), ke->alg->pub_len);
		return wr_ok(w) ? CR_OK : CR_ERR;
	case KEK_ECP:
		if (EVP_PKEY_get_octet_string_param(ke->pkey, OSSL_PKEY_PARAM_PUB_KEY,
						    buf, sizeof(buf), &n) != 1 ||
		    n != (size_t)ke->alg->pub_len + 1 || buf[0] != EC_POINT_UNCOMPRESSED)
			break;
		wr_bytes(w, buf + 1, n - 1);
		rc = wr_ok(w) ? CR_OK : CR_ERR;
		break;
	case KEK_XDH:
		n = sizeof(buf);
		if (EVP_PKEY_get_raw_public_key(ke->pkey, buf, &n) != 1 ||
		    n != ke->alg->pub_len)
			break;
		wr_bytes(w, buf, n);
		rc = wr_ok(w) ? CR_OK : CR_ERR;
		break;
	}
	return rc;
}

static int all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

static EVP_PKEY *peer_key(const struct ke *ke, const uint8_t *peer, size_t len,
			  char *why, size_t whylen)
{
	EVP_PKEY_CTX *chk = NULL;
	EVP_PKEY *pkey;
	uint8_t pt[KE_MAX_PUB + 1];

	if (ke->alg->kind == KEK_XDH)
		return xdh_import_public(ke->alg, peer, len);
	if (len > KE_MAX_PUB)
		return NULL;
	pt[0] = EC_POINT_UNCOMPRESSED;
	memcpy(pt + 1, peer, len);
	pkey = ec_import_public(ke->alg, pt, len + 1);
	if (!pkey) {
		snprintf(why, whylen, "KE %s: public value is not a point on the curve",
			 ke->alg->name);
		return NULL;
	}
	/* On the curve and not the point at infinity (RFC 6989 section 2.3);
	 * every supported curve has cofactor 1, so no order check is needed. */
	chk = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	if (!chk || EVP_PKEY_public_check_quick(chk) != 1) {
		snprintf(why, whylen, "KE %s: public value fails the point check",
			 ke->alg->name);
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	EVP_PKEY_CTX_free(chk);
	return pkey;
}

static int pkey_shared(struct ke *ke, const uint8_t *peer, size_t len, struct secret *out,
		       char *why, size_t whylen)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pk;
	size_t n = ke->alg->shared_len;
	int rc = CR_ERR;

	why[0] = '\0';
	pk = peer_key(ke, peer, len, why, whylen);
	if (!pk)
		return why[0] ? CR_BAD_PEER : CR_ERR;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, ke->pkey, NULL);
	if (!ctx || EVP_PKEY_derive_init(ctx) != 1 ||
	    EVP_PKEY_derive_set_peer_ex(ctx, pk, 0) != 1 ||
	    secret_alloc(out, n) < 0)
		goto out;
	if (EVP_PKEY_derive(ctx, out->ptr, &n) != 1 || n != ke->alg->shared_len ||
	    all_zero(out->ptr, n)) {
		secret_free(out);
		/* For X25519/X448 a failed derivation with valid keys means
		 * an all-zero result: a low-order peer point (RFC 7748 6.1). */
		if (ke->alg->kind == KEK_XDH) {
			snprintf(why, whylen, "KE %s: all-zero shared secret", ke->alg->name);
			rc = CR_BAD_PEER;
		}
		goto out;
	}
	rc = CR_OK;
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return rc;
}

int ke_shared(struct ke *ke, const uint8_t *peer, size_t len, struct secret *out,
	      char *why, size_t whylen)
{
	char scratch[8];

	out->ptr = NULL;
	out->len = 0;
	if (!why || !whylen) {
		why = scratch;
		whylen = sizeof(scratch);
	}
	if (len != ke->alg->pub_len) {
		snprintf(why, whylen, "KE %s: %zu bytes, group needs %u", ke->alg->name,
			 len, ke->alg->pub_len);
		return CR_BAD_PEER;
	}
	if (ke->alg->kind == KEK_MODP)
		return modp_shared(ke->modp, peer, len, out, why, whylen);
	return pkey_shared(ke, peer, len, out, why, whylen);
}
