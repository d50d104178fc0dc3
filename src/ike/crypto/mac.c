/*
 * MACs through OpenSSL 3 EVP_MAC (HMAC, CMAC).  AES-XCBC is not offered
 * by OpenSSL: it is composed here from OpenSSL's AES-128 block operation
 * (ECB mode on single blocks), following RFC 3566 section 4.
 */
#include "ike/crypto/mac.h"
#include "common/tcache.h"
#include "ike/crypto/ossl_fetch.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#define AES_BLOCK 16

/*
 * Per-thread MAC contexts with the algorithm parameter set but no key
 * (one per algorithm and digest/cipher name), duplicated for each MAC:
 * setting the digest parameter makes OpenSSL fetch the digest by name,
 * which cost more than the HMAC itself (issue 17).  HMAC only: OpenSSL's
 * CMAC refuses to duplicate a context without a key.  The thread's exit
 * frees them.
 */
#define MAC_TMPL_SLOTS	12

struct mac_tmpl {
	char alg[16], pval[32];
	EVP_MAC_CTX *ctx;
};

static void mac_tmpl_free(void *p)
{
	struct mac_tmpl *t = p;
	size_t i;

	for (i = 0; i < MAC_TMPL_SLOTS; i++)
		EVP_MAC_CTX_free(t[i].ctx);
	free(t);
}

static struct tcache mac_tcache =
	TCACHE_INIT(MAC_TMPL_SLOTS * sizeof(struct mac_tmpl), mac_tmpl_free);

static EVP_MAC_CTX *mac_tmpl_make(const char *alg, const char *pname, const char *pval)
{
	EVP_MAC *mac = ossl_mac_fetch(alg);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[2];

	params[0] = OSSL_PARAM_construct_utf8_string(pname, (char *)pval, 0);
	params[1] = OSSL_PARAM_construct_end();
	EVP_MAC_free(mac);	/* the context holds its own reference */
	if (ctx && EVP_MAC_CTX_set_params(ctx, params) != 1) {
		EVP_MAC_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

/* A fresh context for alg with pname = pval set, ready for EVP_MAC_init. */
static EVP_MAC_CTX *mac_ctx_new(const char *alg, const char *pname, const char *pval)
{
	struct mac_tmpl *t;
	size_t i;

	t = tcache_get(&mac_tcache);
	/* CMAC cannot duplicate a context that has no key yet: HMAC only. */
	if (!t || strcmp(alg, "HMAC") || strlen(pval) >= sizeof(t->pval))
		return mac_tmpl_make(alg, pname, pval);
	for (i = 0; i < MAC_TMPL_SLOTS && t[i].ctx; i++)
		if (!strcmp(t[i].alg, alg) && !strcmp(t[i].pval, pval))
			return EVP_MAC_CTX_dup(t[i].ctx);
	if (i == MAC_TMPL_SLOTS)
		return mac_tmpl_make(alg, pname, pval);
	t[i].ctx = mac_tmpl_make(alg, pname, pval);
	if (!t[i].ctx)
		return NULL;
	strcpy(t[i].alg, alg);
	strcpy(t[i].pval, pval);
	return EVP_MAC_CTX_dup(t[i].ctx);
}

static int mac_run(const char *alg, const char *pname, const char *pval,
		   const uint8_t *key, size_t keylen, const struct cbuf *in,
		   size_t nin, uint8_t *out, size_t outcap, size_t *outlen)
{
	EVP_MAC_CTX *ctx = mac_ctx_new(alg, pname, pval);
	size_t i;
	int rc = CR_ERR;

	if (!ctx || EVP_MAC_init(ctx, key, keylen, NULL) != 1)
		goto out;
	for (i = 0; i < nin; i++)
		if (in[i].len && EVP_MAC_update(ctx, in[i].p, in[i].len) != 1)
			goto out;
	if (EVP_MAC_final(ctx, out, outlen, outcap) != 1)
		goto out;
	rc = CR_OK;
out:
	EVP_MAC_CTX_free(ctx);
	return rc;
}

int mac_hmac(const char *digest, const uint8_t *key, size_t keylen,
	     const struct cbuf *in, size_t nin, uint8_t *out, size_t *outlen)
{
	return mac_run("HMAC", OSSL_MAC_PARAM_DIGEST, digest, key, keylen,
		       in, nin, out, MAC_MAX_OUT, outlen);
}

int mac_cmac(const uint8_t key[16], const struct cbuf *in, size_t nin, uint8_t out[16])
{
	size_t outlen = 0;

	if (mac_run("CMAC", OSSL_MAC_PARAM_CIPHER, "AES-128-CBC", key, AES_BLOCK,
		    in, nin, out, AES_BLOCK, &outlen) < 0 || outlen != AES_BLOCK)
		return CR_ERR;
	return CR_OK;
}

/* One AES-128 block encryption with the key the context holds. */
static int aes_block(EVP_CIPHER_CTX *ctx, const uint8_t in[16], uint8_t out[16])
{
	int n = 0;

	return EVP_EncryptUpdate(ctx, out, &n, in, AES_BLOCK) == 1 && n == AES_BLOCK ? 0 : -1;
}

static int aes_ecb_key(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *ecb, const uint8_t key[16])
{
	if (EVP_EncryptInit_ex2(ctx, ecb, key, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1)
		return -1;
	return 0;
}

/* RFC 3566 section 4: K1, K2, K3 from the key, then CBC-MAC with K1 and
 * the last block XORed with K2 (complete) or K3 (padded with 0x80 00..). */
int mac_xcbc(const uint8_t key[16], const struct cbuf *in, size_t nin, uint8_t out[16])
{
	EVP_CIPHER *ecb = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	uint8_t k[3][AES_BLOCK], blk[AES_BLOCK], e[AES_BLOCK];
	size_t i, j, fill = 0;
	int rc = CR_ERR;

	memset(e, 0, sizeof(e));
	ecb = ossl_cipher_fetch("AES-128-ECB");
	ctx = EVP_CIPHER_CTX_new();
	if (!ecb || !ctx || aes_ecb_key(ctx, ecb, key) < 0)
		goto out;
	for (i = 0; i < 3; i++) {
		memset(blk, (int)(i + 1), AES_BLOCK);
		if (aes_block(ctx, blk, k[i]) < 0)
			goto out;
	}
	if (aes_ecb_key(ctx, ecb, k[0]) < 0)
		goto out;
	for (i = 0; i < nin; i++) {
		for (j = 0; j < in[i].len; j++) {
			if (fill == AES_BLOCK) {
				/* More data follows: this block is not the last one. */
				for (fill = 0; fill < AES_BLOCK; fill++)
					e[fill] ^= blk[fill];
				if (aes_block(ctx, e, e) < 0)
					goto out;
				fill = 0;
			}
			blk[fill++] = in[i].p[j];
		}
	}
	if (fill == AES_BLOCK) {
		for (j = 0; j < AES_BLOCK; j++)
			e[j] ^= blk[j] ^ k[1][j];
	} else {
		blk[fill] = 0x80;
		memset(blk + fill + 1, 0, AES_BLOCK - fill - 1);
		for (j = 0; j < AES_BLOCK; j++)
			e[j] ^= blk[j] ^ k[2][j];
	}
	if (aes_block(ctx, e, out) < 0)
		goto out;
	rc = CR_OK;
out:
	memzero(k, sizeof(k));
	memzero(blk, sizeof(blk));
	memzero(e, sizeof(e));
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(ecb);
	return rc;
}

typedef int (*block_mac_fn)(const uint8_t key[16], const struct cbuf *in, size_t nin,
			    uint8_t out[16]);

/* A 16-byte key is used as is.  RFC 4434 section 2 (XCBC) pads a shorter
 * key with zeros; RFC 4615 section 3 (CMAC) does not: every other length,
 * and for XCBC a longer key, is first MACed under the all-zero key. */
static int block_prf(block_mac_fn fn, int pad_short, const uint8_t *key, size_t keylen,
		     const struct cbuf *in, size_t nin, uint8_t out[16])
{
	uint8_t k[AES_BLOCK];
	int rc;

	memset(k, 0, sizeof(k));
	if (keylen == AES_BLOCK || (pad_short && keylen < AES_BLOCK)) {
		if (keylen)
			memcpy(k, key, keylen);
	} else {
		struct cbuf kin = { key, keylen };

		if (fn(k, &kin, 1, k) < 0)
			return CR_ERR;
	}
	rc = fn(k, in, nin, out);
	memzero(k, sizeof(k));
	return rc;
}

int prf_compute(const struct prf_alg *prf, const uint8_t *key, size_t keylen,
		const struct cbuf *in, size_t nin, uint8_t *out)
{
	uint8_t buf[MAC_MAX_OUT];
	size_t outlen = 0;
	int rc = CR_ERR;

	switch (prf->kind) {
	case MAC_HMAC:
		if (mac_hmac(prf->digest, key, keylen, in, nin, buf, &outlen) == 0 &&
		    outlen == prf->out_len) {
			memcpy(out, buf, outlen);
			rc = CR_OK;
		}
		break;
	case MAC_XCBC:
		rc = block_prf(mac_xcbc, 1, key, keylen, in, nin, out);
		break;
	case MAC_CMAC:
		rc = block_prf(mac_cmac, 0, key, keylen, in, nin, out);
		break;
	}
	memzero(buf, sizeof(buf));
	return rc;
}

#define PRF_PLUS_MAX_IN	16

int prf_plus(const struct prf_alg *prf, const uint8_t *key, size_t keylen,
	     const struct cbuf *seed, size_t nseed, size_t len, struct secret *out)
{
	struct cbuf in[PRF_PLUS_MAX_IN + 2];
	uint8_t t[MAC_MAX_OUT], counter;
	size_t done = 0, n, i, nin;
	int rc = CR_ERR;

	out->ptr = NULL;
	out->len = 0;
	if (nseed > PRF_PLUS_MAX_IN || len > 255u * prf->out_len)
		return CR_ERR;
	if (secret_alloc(out, len) < 0)
		return CR_ERR;
	/* T1 = prf(K, S | 0x01); Tn = prf(K, Tn-1 | S | n) */
	for (counter = 1; done < len; counter++) {
		nin = 0;
		if (counter > 1)
			in[nin++] = (struct cbuf){ t, prf->out_len };
		for (i = 0; i < nseed; i++)
			in[nin++] = seed[i];
		in[nin++] = (struct cbuf){ &counter, 1 };
		if (prf_compute(prf, key, keylen, in, nin, t) < 0)
			goto out;
		n = len - done < prf->out_len ? len - done : prf->out_len;
		memcpy(out->ptr + done, t, n);
		done += n;
	}
	rc = CR_OK;
out:
	memzero(t, sizeof(t));
	if (rc < 0)
		secret_free(out);
	return rc;
}

int integ_compute(const struct integ_alg *integ, const uint8_t *key,
		  const struct cbuf *in, size_t nin, uint8_t *icv)
{
	uint8_t buf[MAC_MAX_OUT];
	size_t outlen = 0;
	int rc = CR_ERR;

	switch (integ->kind) {
	case MAC_HMAC:
		rc = mac_hmac(integ->digest, key, integ->key_len, in, nin, buf, &outlen);
		if (rc == 0 && outlen < integ->icv_len)
			rc = CR_ERR;
		break;
	case MAC_XCBC:
		rc = mac_xcbc(key, in, nin, buf);
		break;
	case MAC_CMAC:
		rc = mac_cmac(key, in, nin, buf);
		break;
	}
	if (rc == CR_OK)
		memcpy(icv, buf, integ->icv_len);
	memzero(buf, sizeof(buf));
	return rc;
}
