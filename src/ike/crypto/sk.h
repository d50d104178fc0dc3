/*
 * SK payload protection (RFC 7296 3.14, RFC 5282, RFC 7634), usable for
 * SKF fragments (RFC 7383) as well: the caller passes the bytes that come
 * before the IV (IKE header through the SK/SKF payload header, or its
 * fragment header) as associated data.  One sk_ctx protects one direction.
 */
#ifndef IKE_CRYPTO_SK_H
#define IKE_CRYPTO_SK_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/secret.h"
#include "ike/crypto/xform.h"

struct sk_ctx {
	const struct encr_alg *encr;
	const struct integ_alg *integ;	/* NULL for AEAD */
	struct secret ekey;		/* cipher key | salt */
	struct secret akey;
};

/* Copies the keys (SK_ei/SK_ai for the initiator's sending side). */
int sk_init(struct sk_ctx *c, const struct encr_alg *encr, const struct integ_alg *integ,
	    const struct secret *ekey, const struct secret *akey);
void sk_clear(struct sk_ctx *c);

/* Exact size of IV | ciphertext (payloads, padding, pad length) | ICV for
 * plain_len bytes of inner payloads: what the SK payload body will hold. */
size_t sk_overhead(const struct sk_ctx *c, size_t plain_len);
/* The most plaintext whose protected body fits in body_len bytes (0 if
 * none fits): the content of one SKF fragment (RFC 7383 2.5). */
size_t sk_max_plain(const struct sk_ctx *c, size_t body_len);

/* Appends IV | ciphertext | ICV (sk_overhead() bytes) to out.  aad is the
 * message from the IKE header to the end of the SK payload header, with
 * length fields already set for the final size. */
int sk_encrypt(const struct sk_ctx *c, const uint8_t *aad, size_t aad_len,
	       const uint8_t *plain, size_t plain_len, struct wr *out);
/* msg[0..body_off) is the associated data, msg[body_off..msglen) the SK
 * body.  Integrity is checked (constant time) before decryption; then the
 * padding.  CR_AUTH on an integrity failure, CR_BAD_PEER on a malformed
 * body (too short, bad pad length), with why filled. */
int sk_decrypt(const struct sk_ctx *c, const uint8_t *msg, size_t msglen, size_t body_off,
	       struct secret *plain, char *why, size_t whylen);

#endif
