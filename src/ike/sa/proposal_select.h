/*
 * Proposal selection (RFC 7296 2.7, 3.3): the responder's choice among the
 * peer's proposals, the initiator's check of the answer, and the log lines
 * that explain a mismatch.
 *
 * Transform names here come from a small local table in strongSwan's
 * spelling; once the codec's name tables (src/ike/codec/names.c) land they
 * should replace it.
 */
#ifndef IKE_SA_PROPOSAL_SELECT_H
#define IKE_SA_PROPOSAL_SELECT_H

#include <stddef.h>

#include "ike/ikev2.h"

/* Walk the peer's proposals in its order instead of ours. */
#define PS_PREFER_PEER	0x1u
/* KE transforms play no part (the CHILD SA set up by IKE_AUTH, 1.2). */
#define PS_IGNORE_KE	0x2u

/* "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE_25519" fits many times over */
#define PROPOSAL_STRLEN	512

/* 1 if ENCR id is a combined-mode (AEAD) cipher. */
int proposal_encr_is_aead(uint16_t id);

/*
 * 1 if p is structurally acceptable: a known protocol, only transform
 * types that protocol uses, and every mandatory type present (IKE: ENCR,
 * PRF, KE, and INTEG unless all ENCR are AEAD; ESP: ENCR, and INTEG unless
 * all ENCR are AEAD; AH: INTEG).  The reason goes to the debug log.
 */
int proposal_acceptable(const struct ike_proposal *p, unsigned flags);

/*
 * Responder: the first of our proposals (our order; PS_PREFER_PEER: the
 * peer's) that matches one of the peer's.  Within a type the first of our
 * transforms the peer also offers wins; transforms match on type, ID and key
 * length, so an unknown ID is merely never chosen.  A type the peer offers
 * and we do not configure matches only if the peer also offers its "none"
 * value (ESN NO, KE NONE, INTEG NONE): ESP without configured ESN means NO.
 * On success *chosen holds the peer's proposal number, protocol and SPI and
 * one transform per type; 0.  -1: NO_PROPOSAL_CHOSEN.
 */
int proposal_select(const struct ike_proposal *ours, size_t nours,
		    const struct ike_proposal *peer, size_t npeer, unsigned flags,
		    struct ike_proposal *chosen);

/*
 * Initiator: 0 if the responder's single proposal answer is one we offered
 * (same number and protocol) with at most one transform per type, each one
 * we offered, and every type we offered present unless it may be left out
 * (we also offered its "none" value, INTEG under AEAD, KE with
 * PS_IGNORE_KE).  -1 otherwise: abandon the SA (BAD-INPUT row 16).
 */
int proposal_check_answer(const struct ike_proposal *offered, size_t noffered,
			  const struct ike_proposal *answer, unsigned flags);

/* 1 if any of the n proposals carries transform (type, id): e.g. whether
 * we offered the group an INVALID_KE_PAYLOAD asks for (1.2), in any
 * proposal and at any position within it. */
int proposal_offers(const struct ike_proposal *p, size_t n, uint8_t type, uint16_t id);

/* "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048" */
const char *proposal_str(const struct ike_proposal *p, char *buf, size_t size);
/* The proposals joined by ", " (truncated to size). */
const char *proposals_str(const struct ike_proposal *p, size_t n, char *buf, size_t size);
/* One info line: "received proposals: ..., configured proposals: ...". */
void proposal_log_mismatch(const struct ike_proposal *ours, size_t nours,
			   const struct ike_proposal *peer, size_t npeer);

#endif
