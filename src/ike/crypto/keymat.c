/*
 * RFC 7296 key derivation.  Key sizes come from the transform tables:
 * SK_d/SK_pi/SK_pr take the PRF's preferred key size, SK_a* the integrity
 * key size, SK_e* the cipher key plus its salt (RFC 5282 section 7.1,
 * RFC 5930 section 2, RFC 7634 section 2).
 */
#include "ike/crypto/keymat.h"

#include <string.h>

#include "ike/crypto/mac.h"

#define IKE_SPI_LEN	8

void ike_keys_free(struct ike_keys *k)
{
	secret_free(&k->skeyseed);
	secret_free(&k->sk_d);
	secret_free(&k->sk_ai);
	secret_free(&k->sk_ar);
	secret_free(&k->sk_ei);
	secret_free(&k->sk_er);
	secret_free(&k->sk_pi);
	secret_free(&k->sk_pr);
}

void child_keys_free(struct child_keys *k)
{
	secret_free(&k->encr_i);
	secret_free(&k->integ_i);
	secret_free(&k->encr_r);
	secret_free(&k->integ_r);
}

/* Split a prf+ stream into consecutive keys of the given lengths. */
static int split_keys(const struct secret *stream, struct secret **keys,
		      const size_t *lens, size_t n)
{
	size_t i, off = 0;

	for (i = 0; i < n; i++) {
		if (secret_dup(keys[i], stream->ptr + off, lens[i]) < 0)
			return CR_ERR;
		off += lens[i];
	}
	return CR_OK;
}

static int sk_from_skeyseed(const struct ike_algs *a, const uint8_t *ni, size_t nilen,
			    const uint8_t *nr, size_t nrlen, const uint8_t spii[8],
			    const uint8_t spir[8], struct ike_keys *out)
{
	struct secret *keys[7] = { &out->sk_d, &out->sk_ai, &out->sk_ar, &out->sk_ei,
				   &out->sk_er, &out->sk_pi, &out->sk_pr };
	size_t pk = a->prf->key_len, ik = a->integ ? a->integ->key_len : 0;
	size_t ek = (size_t)a->encr->key_len + a->encr->salt_len;
	size_t lens[7] = { pk, ik, ik, ek, ek, pk, pk };
	struct cbuf seed[4] = { { ni, nilen }, { nr, nrlen }, { spii, IKE_SPI_LEN },
				{ spir, IKE_SPI_LEN } };
	struct secret stream = { NULL, 0 };
	int rc;

	rc = prf_plus(a->prf, out->skeyseed.ptr, out->skeyseed.len, seed, 4,
		      3 * pk + 2 * ik + 2 * ek, &stream);
	if (rc == CR_OK)
		rc = split_keys(&stream, keys, lens, 7);
	secret_free(&stream);
	return rc;
}

int ike_keys_derive(const struct ike_algs *a, const struct secret *gir,
		    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
		    const uint8_t spii[8], const uint8_t spir[8], struct ike_keys *out)
{
	uint8_t key[2 * 256];
	size_t keylen, half;
	struct cbuf in = { gir->ptr, gir->len };
	int rc = CR_ERR;

	memset(out, 0, sizeof(*out));
	if (nilen > 256 || nrlen > 256)
		return CR_ERR;
	if (a->prf->fixed_key) {
		/* 2.14: half the key from the start of each nonce. */
		half = a->prf->key_len / 2;
		if (nilen < half || nrlen < half)
			return CR_ERR;
		memcpy(key, ni, half);
		memcpy(key + half, nr, half);
		keylen = 2 * half;
	} else {
		memcpy(key, ni, nilen);
		memcpy(key + nilen, nr, nrlen);
		keylen = nilen + nrlen;
	}
	if (secret_alloc(&out->skeyseed, a->prf->out_len) < 0 ||
	    prf_compute(a->prf, key, keylen, &in, 1, out->skeyseed.ptr) < 0 ||
	    sk_from_skeyseed(a, ni, nilen, nr, nrlen, spii, spir, out) < 0)
		goto out;
	rc = CR_OK;
out:
	memzero(key, sizeof(key));
	if (rc < 0)
		ike_keys_free(out);
	return rc;
}

int ike_keys_rekey(const struct prf_alg *old_prf, const struct secret *old_sk_d,
		   const struct ike_algs *a, const struct secret *gir,
		   const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
		   const uint8_t spii[8], const uint8_t spir[8], struct ike_keys *out)
{
	struct cbuf in[3] = { { gir->ptr, gir->len }, { ni, nilen }, { nr, nrlen } };
	int rc = CR_ERR;

	memset(out, 0, sizeof(*out));
	/* 2.18: SKEYSEED comes from the old SA's PRF and SK_d. */
	if (secret_alloc(&out->skeyseed, old_prf->out_len) < 0 ||
	    prf_compute(old_prf, old_sk_d->ptr, old_sk_d->len, in, 3, out->skeyseed.ptr) < 0 ||
	    sk_from_skeyseed(a, ni, nilen, nr, nrlen, spii, spir, out) < 0)
		goto out;
	rc = CR_OK;
out:
	if (rc < 0)
		ike_keys_free(out);
	return rc;
}

int child_keys_derive(const struct prf_alg *prf, const struct secret *sk_d,
		      const struct encr_alg *encr, const struct integ_alg *integ,
		      const struct secret *gir, const uint8_t *ni, size_t nilen,
		      const uint8_t *nr, size_t nrlen, struct child_keys *out)
{
	struct secret *keys[4] = { &out->encr_i, &out->integ_i, &out->encr_r, &out->integ_r };
	size_t ek = (size_t)encr->key_len + encr->salt_len, ik = integ ? integ->key_len : 0;
	size_t lens[4] = { ek, ik, ek, ik };
	struct cbuf seed[3];
	struct secret stream = { NULL, 0 };
	size_t nseed = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (gir)
		seed[nseed++] = (struct cbuf){ gir->ptr, gir->len };
	seed[nseed++] = (struct cbuf){ ni, nilen };
	seed[nseed++] = (struct cbuf){ nr, nrlen };
	rc = prf_plus(prf, sk_d->ptr, sk_d->len, seed, nseed, 2 * (ek + ik), &stream);
	if (rc == CR_OK)
		rc = split_keys(&stream, keys, lens, 4);
	secret_free(&stream);
	if (rc < 0)
		child_keys_free(out);
	return rc;
}

int auth_maced_id(const struct prf_alg *prf, const struct secret *sk_p,
		  const uint8_t *id_body, size_t id_len, uint8_t *out)
{
	struct cbuf in = { id_body, id_len };

	return prf_compute(prf, sk_p->ptr, sk_p->len, &in, 1, out);
}

int auth_octets(const struct prf_alg *prf, const struct secret *sk_p,
		const uint8_t *msg, size_t msglen, const uint8_t *nonce, size_t noncelen,
		const uint8_t *id_body, size_t id_len, struct wr *w)
{
	uint8_t maced[MAC_MAX_OUT];
	int rc;

	rc = auth_maced_id(prf, sk_p, id_body, id_len, maced);
	if (rc == CR_OK) {
		wr_bytes(w, msg, msglen);
		wr_bytes(w, nonce, noncelen);
		wr_bytes(w, maced, prf->out_len);
		rc = wr_ok(w) ? CR_OK : CR_ERR;
	}
	memzero(maced, sizeof(maced));
	return rc;
}

static const char key_pad[] = "Key Pad for IKEv2";	/* 2.15, 17 octets, no NUL */

int auth_psk(const struct prf_alg *prf, const uint8_t *psk, size_t psklen,
	     const uint8_t *msg, size_t msglen, const uint8_t *nonce, size_t noncelen,
	     const uint8_t *maced_id, uint8_t *out)
{
	uint8_t k[MAC_MAX_OUT];
	struct cbuf pad = { (const uint8_t *)key_pad, sizeof(key_pad) - 1 };
	struct cbuf in[3] = { { msg, msglen }, { nonce, noncelen }, { maced_id, prf->out_len } };
	int rc;

	rc = prf_compute(prf, psk, psklen, &pad, 1, k);
	if (rc == CR_OK)
		rc = prf_compute(prf, k, prf->out_len, in, 3, out);
	memzero(k, sizeof(k));
	return rc;
}
