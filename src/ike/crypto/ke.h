/*
 * Key exchange (RFC 7296 1.2, 3.4): MODP groups on GMP (mpz_powm_sec),
 * ECP and Curve25519/448 on OpenSSL EVP_PKEY.  A struct ke holds one key
 * pair; it has no shared state, so each object may live on any thread.
 */
#ifndef IKE_CRYPTO_KE_H
#define IKE_CRYPTO_KE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/secret.h"

struct ke;

/* Generates a fresh key pair; NULL for an unknown group or on failure. */
struct ke *ke_new(uint16_t group);
/* A key pair from a known private value (known-answer and scripted
 * exchange tests): MODP exponent, EC scalar or X25519/X448 private key,
 * all big-endian / RFC encoded. */
struct ke *ke_new_with_private(uint16_t group, const uint8_t *priv, size_t len);
void ke_free(struct ke *ke);

uint16_t ke_group(const struct ke *ke);
/* KE payload data length for the group; 0 when unknown. */
size_t ke_public_len(uint16_t group);
/* Appends the public value (KE payload data) to w. */
int ke_public(const struct ke *ke, struct wr *w);
/*
 * Shared secret g^ir from the peer's KE data.  CR_BAD_PEER (with why
 * filled) when the value is invalid (wrong length, RFC 6989 checks, point
 * not on the curve, all-zero X25519/X448 result): answer INVALID_SYNTAX.
 * CR_ERR on a library failure.
 */
int ke_shared(struct ke *ke, const uint8_t *peer, size_t len, struct secret *out,
	      char *why, size_t whylen);

#endif
