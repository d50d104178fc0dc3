/*
 * SK payload protection.  Classic ciphers: random IV, padding to the block
 * size with a trailing pad-length byte, ICV over the whole message up to
 * the end of the ciphertext (encrypt-then-MAC, RFC 7296 3.14).  AEAD:
 * nonce = salt | 8-byte explicit IV, associated data = everything before
 * the IV (RFC 5282 section 5, RFC 7634 section 3).
 */
#include "ike/crypto/sk.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ike/crypto/mac.h"
#include "ike/crypto/ossl_fetch.h"

#define SK_MAX_IV	16
#define SK_MAX_ICV	32
#define SK_MAX_NONCE	16
/* Far above any IKE message (RFC 7296 3.1 lengths are 32 bits, but UDP
 * and TCP encapsulation carry at most 64 KiB); keeps OpenSSL's int
 * lengths safe. */
#define SK_MAX_LEN	(1u << 20)

int sk_init(struct sk_ctx *c, const struct encr_alg *encr, const struct integ_alg *integ,
	    const struct secret *ekey, const struct secret *akey)
{
	memset(c, 0, sizeof(*c));
	if (!encr || (encr_is_aead(encr) ? integ != NULL : integ == NULL))
		return CR_ERR;
	if (ekey->len != (size_t)encr->key_len + encr->salt_len ||
	    (integ && akey->len != integ->key_len))
		return CR_ERR;
	c->encr = encr;
	c->integ = integ;
	if (secret_dup(&c->ekey, ekey->ptr, ekey->len) < 0 ||
	    (integ && secret_dup(&c->akey, akey->ptr, akey->len) < 0)) {
		sk_clear(c);
		return CR_ERR;
	}
	return CR_OK;
}

void sk_clear(struct sk_ctx *c)
{
	secret_free(&c->ekey);
	secret_free(&c->akey);
	c->encr = NULL;
	c->integ = NULL;
}

static size_t icv_len(const struct sk_ctx *c)
{
	return c->integ ? c->integ->icv_len : c->encr->icv_len;
}

/* Payloads plus padding plus the pad length byte. */
static size_t padded_len(const struct sk_ctx *c, size_t plain_len)
{
	size_t b = c->encr->block_len;

	return (plain_len + 1 + b - 1) / b * b;
}

size_t sk_overhead(const struct sk_ctx *c, size_t plain_len)
{
	return c->encr->iv_len + padded_len(c, plain_len) + icv_len(c);
}

size_t sk_max_plain(const struct sk_ctx *c, size_t body_len)
{
	size_t fixed = c->encr->iv_len + icv_len(c), b = c->encr->block_len;

	if (body_len < fixed + b)
		return 0;
	/* whole blocks, the last one ending with the pad length byte */
	return (body_len - fixed) / b * b - 1;
}

/* nonce = salt | explicit IV (AEAD); RFC 5930 counter block for CTR. */
static size_t make_nonce(const struct sk_ctx *c, const uint8_t *iv, uint8_t *nonce)
{
	const uint8_t *salt = c->ekey.ptr + c->encr->key_len;
	size_t n = c->encr->salt_len;

	memcpy(nonce, salt, n);
	memcpy(nonce + n, iv, c->encr->iv_len);
	n += c->encr->iv_len;
	if (c->encr->mode == EM_CTR) {
		static const uint8_t first[4] = { 0, 0, 0, 1 };

		memcpy(nonce + n, first, sizeof(first));
		n += sizeof(first);
	}
	return n;
}

/* CBC or CTR over whole blocks, no cipher-level padding. */
static int classic_run(const struct sk_ctx *c, int enc, const uint8_t *iv,
		       const uint8_t *in, size_t len, uint8_t *out)
{
	EVP_CIPHER *ciph = ossl_cipher_fetch(c->encr->ossl);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t ivbuf[SK_MAX_NONCE];
	int n = 0, m = 0, rc = CR_ERR;

	if (c->encr->mode == EM_CTR)
		make_nonce(c, iv, ivbuf);
	else
		memcpy(ivbuf, iv, c->encr->iv_len);
	if (!ciph || !ctx ||
	    EVP_CipherInit_ex2(ctx, ciph, c->ekey.ptr, ivbuf, enc, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1 ||
	    EVP_CipherFinal_ex(ctx, out + n, &m) != 1 || (size_t)(n + m) != len)
		goto out;
	rc = CR_OK;
out:
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(ciph);
	return rc;
}

/* AEAD encryption (tag written) or decryption (tag checked: CR_AUTH). */
static int aead_run(const struct sk_ctx *c, int enc, const uint8_t *iv,
		    const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
		    uint8_t *out, uint8_t *tag)
{
	EVP_CIPHER *ciph = ossl_cipher_fetch(c->encr->ossl);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t nonce[SK_MAX_NONCE];
	int nlen = (int)make_nonce(c, iv, nonce), tlen = c->encr->icv_len;
	int ccm = c->encr->mode == EM_AEAD_CCM, n = 0, rc = CR_ERR;

	if (!ciph || !ctx || EVP_CipherInit_ex2(ctx, ciph, NULL, NULL, enc, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, nlen, NULL) != 1)
		goto out;
	/* CCM takes the tag length (and, to decrypt, the tag) up front. */
	if ((ccm || !enc) &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, tlen, enc ? NULL : tag) != 1)
		goto out;
	if (EVP_CipherInit_ex2(ctx, NULL, c->ekey.ptr, nonce, enc, NULL) != 1 ||
	    (ccm && EVP_CipherUpdate(ctx, NULL, &n, NULL, (int)len) != 1) ||
	    (aad_len && EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1))
		goto out;
	if (EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1 || (size_t)n != len) {
		rc = enc ? CR_ERR : CR_AUTH;	/* CCM verifies here */
		goto out;
	}
	if (!ccm && EVP_CipherFinal_ex(ctx, out + n, &n) != 1) {
		rc = enc ? CR_ERR : CR_AUTH;
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, tlen, tag) != 1)
		goto out;
	rc = CR_OK;
out:
	memzero(nonce, sizeof(nonce));
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(ciph);
	return rc;
}

int sk_encrypt(const struct sk_ctx *c, const uint8_t *aad, size_t aad_len,
	       const uint8_t *plain, size_t plain_len, struct wr *out)
{
	size_t iv = c->encr->iv_len, plen = padded_len(c, plain_len), icv = icv_len(c);
	size_t off;
	struct secret pt = { NULL, 0 };
	uint8_t *body;
	int rc = CR_ERR;

	if (plain_len > SK_MAX_LEN || aad_len > SK_MAX_LEN || secret_alloc(&pt, plen) < 0)
		return CR_ERR;
	if (plain_len)
		memcpy(pt.ptr, plain, plain_len);
	/* Padding bytes are zero; the last byte says how many there are. */
	pt.ptr[plen - 1] = (uint8_t)(plen - plain_len - 1);
	off = wr_reserve(out, iv + plen + icv);
	if (!wr_ok(out))
		goto out;
	body = wr_data(out) + off;
	if (RAND_bytes(body, (int)iv) != 1)
		goto out;
	if (encr_is_aead(c->encr)) {
		rc = aead_run(c, 1, body, aad, aad_len, pt.ptr, plen, body + iv,
			      body + iv + plen);
	} else {
		struct cbuf in[2] = { { aad, aad_len }, { body, iv + plen } };

		rc = classic_run(c, 1, body, pt.ptr, plen, body + iv);
		if (rc == CR_OK)
			rc = integ_compute(c->integ, c->akey.ptr, in, 2, body + iv + plen);
	}
out:
	secret_free(&pt);
	return rc;
}

static int check_shape(const struct sk_ctx *c, size_t blen, char *why, size_t whylen)
{
	size_t iv = c->encr->iv_len, icv = icv_len(c), b = c->encr->block_len;

	if (blen < iv + icv + b) {
		snprintf(why, whylen, "SK body: %zu bytes, %s needs at least %zu",
			 blen, c->encr->name, iv + icv + b);
		return CR_BAD_PEER;
	}
	if ((blen - iv - icv) % b != 0) {
		snprintf(why, whylen, "SK body: %zu ciphertext bytes, not a multiple of %zu",
			 blen - iv - icv, b);
		return CR_BAD_PEER;
	}
	return CR_OK;
}

static int classic_decrypt(const struct sk_ctx *c, const uint8_t *msg, size_t msglen,
			   size_t body_off, uint8_t *pt, char *why, size_t whylen)
{
	size_t iv = c->encr->iv_len, icv = icv_len(c);
	size_t ctlen = msglen - body_off - iv - icv;
	struct cbuf in = { msg, msglen - icv };
	uint8_t mac[SK_MAX_ICV];
	int rc;

	rc = integ_compute(c->integ, c->akey.ptr, &in, 1, mac);
	if (rc < 0)
		return rc;
	if (!memeq_ct(mac, msg + msglen - icv, icv)) {
		snprintf(why, whylen, "SK: %s ICV mismatch", c->integ->name);
		return CR_AUTH;
	}
	return classic_run(c, 0, msg + body_off, msg + body_off + iv, ctlen, pt);
}

int sk_decrypt(const struct sk_ctx *c, const uint8_t *msg, size_t msglen, size_t body_off,
	       struct secret *plain, char *why, size_t whylen)
{
	size_t iv = c->encr->iv_len, icv = icv_len(c), ctlen, padlen;
	const uint8_t *body = msg + body_off;
	struct secret pt = { NULL, 0 };
	int rc;

	plain->ptr = NULL;
	plain->len = 0;
	if (body_off > msglen || msglen > SK_MAX_LEN) {
		snprintf(why, whylen, "SK body offset %zu, message length %zu (at most %u)",
			 body_off, msglen, SK_MAX_LEN);
		return CR_BAD_PEER;
	}
	rc = check_shape(c, msglen - body_off, why, whylen);
	if (rc < 0)
		return rc;
	ctlen = msglen - body_off - iv - icv;
	if (secret_alloc(&pt, ctlen) < 0)
		return CR_ERR;
	if (encr_is_aead(c->encr)) {
		uint8_t tag[SK_MAX_ICV];

		memcpy(tag, body + iv + ctlen, icv);
		rc = aead_run(c, 0, body, msg, body_off, body + iv, ctlen, pt.ptr, tag);
		if (rc == CR_AUTH)
			snprintf(why, whylen, "SK: %s ICV mismatch", c->encr->name);
	} else {
		rc = classic_decrypt(c, msg, msglen, body_off, pt.ptr, why, whylen);
	}
	if (rc < 0)
		goto out;
	padlen = pt.ptr[ctlen - 1];
	if (padlen + 1 > ctlen) {
		snprintf(why, whylen, "SK: pad length %zu exceeds %zu decrypted bytes",
			 padlen, ctlen - 1);
		rc = CR_BAD_PEER;
		goto out;
	}
	rc = secret_dup(plain, pt.ptr, ctlen - padlen - 1) < 0 ? CR_ERR : CR_OK;
out:
	secret_free(&pt);
	return rc;
}
