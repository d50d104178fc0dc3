/*
 * What a proposal holds: the transform of a type, the algorithms of a
 * chosen proposal, 4-byte SPIs, the peer's usable proposals (3.3.6).
 * Shared by IKE_SA_INIT, IKE_AUTH and CREATE_CHILD_SA and by the kernel
 * installation of a CHILD SA.
 */
#ifndef IKE_SA_PROP_UTIL_H
#define IKE_SA_PROP_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "ike/codec/codec.h"
#include "ike/crypto/keymat.h"
#include "ike/crypto/xform.h"
#include "ike/ikev2.h"

/* The (first) transform of type in p, NULL / its ID, 0 when absent. */
const struct ike_transform *prop_xf(const struct ike_proposal *p, uint8_t type);
uint16_t prop_xf_id(const struct ike_proposal *p, uint8_t type);
/* The algorithms of a chosen proposal (IKE SA: ENCR, PRF, INTEG); -1 if
 * one is unknown or missing. */
int prop_algs(const struct ike_proposal *p, struct ike_algs *a);
/* A 4-byte (ESP) SPI in a proposal, host order; 0 if the size is not 4. */
void prop_spi32_set(struct ike_proposal *p, uint32_t spi);
uint32_t prop_spi32(const struct ike_proposal *p);
/* Four wire bytes as an SPI; 0 unless len is 4. */
uint32_t spi32_get(const uint8_t *b, size_t len);
/* The peer's proposals minus those with attributes we do not know (3.3.6);
 * out holds IKE_MAX_PROPOSALS. */
size_t prop_usable(const struct ike_pl_sa *psa, struct ike_proposal *out);

#endif
