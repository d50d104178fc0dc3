/*
 * PRFs and integrity MACs (RFC 7296 2.13, RFC 4868, RFC 3566/4434,
 * RFC 4493/4615) and prf+.  Stateless; callable from any thread.
 */
#ifndef IKE_CRYPTO_MAC_H
#define IKE_CRYPTO_MAC_H

#include <stddef.h>
#include <stdint.h>

#include "common/secret.h"
#include "ike/crypto/xform.h"

#define MAC_MAX_OUT	64	/* SHA-512 */

/* Raw MACs over the concatenation of in[0..nin). */
int mac_hmac(const char *digest, const uint8_t *key, size_t keylen,
	     const struct cbuf *in, size_t nin, uint8_t *out, size_t *outlen);
/* AES-XCBC-MAC (RFC 3566) and AES-CMAC (RFC 4493): 16-byte key and output. */
int mac_xcbc(const uint8_t key[16], const struct cbuf *in, size_t nin, uint8_t out[16]);
int mac_cmac(const uint8_t key[16], const struct cbuf *in, size_t nin, uint8_t out[16]);

/* prf(key, in...): writes prf->out_len bytes.  XCBC/CMAC PRFs accept any
 * key length (RFC 4434 section 2 / RFC 4615 section 3). */
int prf_compute(const struct prf_alg *prf, const uint8_t *key, size_t keylen,
		const struct cbuf *in, size_t nin, uint8_t *out);
/* prf+ (RFC 7296 2.13): len bytes of prf+(key, seed...), at most
 * 255 * out_len. */
int prf_plus(const struct prf_alg *prf, const uint8_t *key, size_t keylen,
	     const struct cbuf *seed, size_t nseed, size_t len, struct secret *out);
/* Truncated integrity checksum: writes integ->icv_len bytes; the key must
 * be integ->key_len bytes. */
int integ_compute(const struct integ_alg *integ, const uint8_t *key,
		  const struct cbuf *in, size_t nin, uint8_t *icv);

#endif
