/*
 * Proposal strings in strongSwan syntax ("aes256gcm16-prfsha384-ecp384",
 * several separated by commas, or "default") <-> struct ike_proposal, and
 * proposal -> text for logs and ikectl.
 */
#ifndef IKE_CRYPTO_PROPOSAL_H
#define IKE_CRYPTO_PROPOSAL_H

#include <stddef.h>
#include <stdint.h>

#include "ike/ikev2.h"

/*
 * Parses str for protocol PROTO_IKE or PROTO_ESP into out[0..*n) (numbered
 * from 1, SPI size 0; the SA layer fills SPIs).  Returns 0, or -1 with a
 * message in why naming the offending token and proposal.
 */
int proposal_parse(const char *str, uint8_t protocol, struct ike_proposal *out,
		   size_t max, size_t *n, char *why, size_t whylen);
/* "AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE_25519" */
int proposal_to_names(const struct ike_proposal *p, char *buf, size_t len);
/* "aes256gcm16-prfsha256-curve25519" */
int proposal_to_keywords(const struct ike_proposal *p, char *buf, size_t len);

#endif
