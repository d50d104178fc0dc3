/* Internal: the GMP MODP engine behind ke.c. */
#ifndef IKE_CRYPTO_KE_MODP_H
#define IKE_CRYPTO_KE_MODP_H

#include <stddef.h>
#include <stdint.h>

#include "common/secret.h"
#include "ike/crypto/xform.h"

struct modp;

struct modp *modp_new(const struct ke_alg *alg, const uint8_t *priv, size_t privlen);
void modp_free(struct modp *m);
/* Public value g^x mod p, big-endian, exactly alg->pub_len bytes. */
const uint8_t *modp_public(const struct modp *m);
int modp_shared(struct modp *m, const uint8_t *peer, size_t len, struct secret *out,
		char *why, size_t whylen);
/* The group prime as big-endian bytes (alg->pub_len), for tests and the
 * benchmark; CR_ERR for a non-MODP group. */
int modp_prime(uint16_t group, uint8_t *out, size_t len);

#endif
