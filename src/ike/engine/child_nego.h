/*
 * CHILD SA negotiation, one module for IKE_AUTH (ike_auth.c) and
 * CREATE_CHILD_SA (create_child.c): what we offer (selectors from the
 * configuration or the SA replaced, the ACQUIRE's packet first, ESP
 * proposals carrying our inbound SPI), the responder's choice of a child
 * configuration (2.9 narrowing, 3.3 proposal selection), the initiator's
 * check of the answer, and the proposal helpers every negotiating
 * exchange shares (IKE_SA_INIT too): transform of a type, algorithms of a
 * proposal, SPIs in proposals, the peer's usable proposals.
 */
#ifndef IKE_ENGINE_CHILD_NEGO_H
#define IKE_ENGINE_CHILD_NEGO_H

#include <stddef.h>
#include <stdint.h>

#include "ike/codec/codec.h"
#include "ike/engine/ike_sa.h"

struct out_msg;

/* ---- proposals ---- */
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

/* ---- initiator ---- */
/*
 * c's selectors for a request: the SA replaced (old) or c's configuration
 * resolved for the IKE SA's addresses, with the ACQUIRE's packet first
 * (c->have_acquire_ts, 2.9).
 */
void child_nego_offer_ts(struct child_sa *c, const struct child_sa *old);
/* The ESP proposals of c's configuration with c's inbound SPI (allocated
 * here) into out (IKE_MAX_PROPOSALS); ke: keep KE transforms (PFS,
 * CREATE_CHILD_SA) or strip them (IKE_AUTH, 1.2).  0 or -1. */
int child_nego_offer_props(struct child_sa *c, int ke, struct ike_proposal *out, size_t *n);
/* SA, TSi, TSr (and USE_TRANSPORT_MODE) of an offer or an answer. */
void child_nego_out(struct out_msg *m, const struct ike_proposal *p, size_t n,
		    const struct ts_set *tsi, const struct ts_set *tsr, int transport);
/*
 * The responder's answer for c: one proposal we offered (ps_flags as for
 * proposal_check_answer), its SPI, selectors narrowed within ours, transport
 * mode only if both asked.  Sets c->prop, spi_out, the selectors and mode;
 * 0, or -1 with the reason logged.
 */
int child_nego_take_answer(struct child_sa *c, const struct ike_msg *m,
			   const struct ike_proposal *offered, size_t noffered, unsigned ps_flags);

/* ---- responder ---- */
struct child_choice {
	const struct conf_child *cfg;
	struct ike_proposal chosen;	/* with the peer's SPI; ours put in by child_nego_adopt */
	struct ts_set tsi, tsr;		/* narrowed, the peer's view */
	int transport;
};

/*
 * 2.9 and 3.3: the first child of the IKE SA's connection (only that one
 * when only is set) whose selectors narrow the peer's TSi/TSr and whose
 * ESP proposals meet the peer's (ps_flags: PS_IGNORE_KE in IKE_AUTH).
 * 0, or the notify to answer (TS_UNACCEPTABLE, NO_PROPOSAL_CHOSEN),
 * logged with what (exchange name) asked.
 */
uint16_t child_nego_choose(const struct ike_sa *sa, const struct ike_msg *m,
			   const struct conf_child *only, unsigned ps_flags, const char *what,
			   struct child_choice *ch);
/* c takes the choice: proposal, the peer's SPI, selectors, mode; -1 if the
 * peer's SPI is not a 4-byte one. */
int child_nego_adopt(struct child_sa *c, const struct child_choice *ch);

#endif
