/*
 * CHILD SA negotiation, one module for IKE_AUTH (ike_auth.c) and
 * CREATE_CHILD_SA (create_child.c): what we offer (selectors from the
 * configuration or the SA replaced, the ACQUIRE's packet first, ESP
 * proposals carrying our inbound SPI), the responder's choice of a child
 * configuration (2.9 narrowing, 3.3 proposal selection), the initiator's
 * check of the answer.  The proposal helpers every negotiating exchange
 * shares (IKE_SA_INIT too) are in ike/sa/prop_util.h.
 */
#ifndef IKE_ENGINE_CHILD_NEGO_H
#define IKE_ENGINE_CHILD_NEGO_H

#include <stddef.h>
#include <stdint.h>

#include "ike/codec/codec.h"
#include "ike/engine/ike_sa.h"
#include "ike/sa/prop_util.h"

struct out_msg;

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
