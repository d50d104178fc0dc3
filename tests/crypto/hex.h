/* Hex helpers for the crypto known-answer tests. */
#ifndef IKE_TESTS_CRYPTO_HEX_H
#define IKE_TESTS_CRYPTO_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Decodes hex (spaces ignored) into out; returns the byte count, or
 * (size_t)-1 on a bad digit or overflow. */
size_t unhex(const char *s, uint8_t *out, size_t cap);
/* Lowercase hex of p[0..n) into a static-free caller buffer of 2n+1. */
void tohex(const uint8_t *p, size_t n, char *out);

#endif
