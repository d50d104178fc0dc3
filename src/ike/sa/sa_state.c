#include "ike/sa/sa_state.h"

#include <inttypes.h>

#include "common/log.h"

#define BIT(s) (1u << (s))

static const char *const ike_names[IKE_SA_NSTATES] = {
	[IKE_SA_CREATED] = "CREATED",
	[IKE_SA_INIT_SENT] = "INIT_SENT",
	[IKE_SA_INIT_RECEIVED] = "INIT_RECEIVED",
	[IKE_SA_AUTH_SENT] = "AUTH_SENT",
	[IKE_SA_ESTABLISHED] = "ESTABLISHED",
	[IKE_SA_REKEYING] = "REKEYING",
	[IKE_SA_REKEYED] = "REKEYED",
	[IKE_SA_DELETING] = "DELETING",
	[IKE_SA_DEAD] = "DEAD",
};

/*
 * Legal successors of each IKE SA state.  Why the less obvious rows exist:
 * - AUTH_SENT -> DELETING: the initiator fails to authenticate the
 *   responder's IKE_AUTH answer and deletes the SA it now has keys for
 *   (RFC 7296 2.21.2).
 * - ESTABLISHED -> REKEYED: the peer rekeyed this IKE SA (we answered its
 *   CREATE_CHILD_SA); REKEYING -> REKEYED: our own rekey completed, or a
 *   simultaneous rekey was lost/won (2.8.2).
 * - REKEYING -> ESTABLISHED: our rekey failed (e.g. NO_PROPOSAL_CHOSEN)
 *   and the SA carries on.
 * - CREATED -> ESTABLISHED: an IKE SA born from a CREATE_CHILD_SA rekey
 *   (2.18) is authenticated through the SA it replaces.
 * - every state but DEAD -> DEAD: retransmission give-up, half-open
 *   timeout, a DELETE from the peer, or an INITIAL_CONTACT.
 */
static const unsigned ike_next[IKE_SA_NSTATES] = {
	[IKE_SA_CREATED] = BIT(IKE_SA_INIT_SENT) | BIT(IKE_SA_INIT_RECEIVED) |
		BIT(IKE_SA_ESTABLISHED) | BIT(IKE_SA_DEAD),
	[IKE_SA_INIT_SENT] = BIT(IKE_SA_AUTH_SENT) | BIT(IKE_SA_DEAD),
	[IKE_SA_INIT_RECEIVED] = BIT(IKE_SA_ESTABLISHED) | BIT(IKE_SA_DEAD),
	[IKE_SA_AUTH_SENT] = BIT(IKE_SA_ESTABLISHED) | BIT(IKE_SA_DELETING) |
		BIT(IKE_SA_DEAD),
	[IKE_SA_ESTABLISHED] = BIT(IKE_SA_REKEYING) | BIT(IKE_SA_REKEYED) |
		BIT(IKE_SA_DELETING) | BIT(IKE_SA_DEAD),
	[IKE_SA_REKEYING] = BIT(IKE_SA_ESTABLISHED) | BIT(IKE_SA_REKEYED) |
		BIT(IKE_SA_DELETING) | BIT(IKE_SA_DEAD),
	[IKE_SA_REKEYED] = BIT(IKE_SA_DELETING) | BIT(IKE_SA_DEAD),
	[IKE_SA_DELETING] = BIT(IKE_SA_DEAD),
	[IKE_SA_DEAD] = 0,
};

static const char *const child_names[CHILD_SA_NSTATES] = {
	[CHILD_SA_CREATED] = "CREATED",
	[CHILD_SA_INSTALLING] = "INSTALLING",
	[CHILD_SA_INSTALLED] = "INSTALLED",
	[CHILD_SA_REKEYING] = "REKEYING",
	[CHILD_SA_REKEYED] = "REKEYED",
	[CHILD_SA_DELETING] = "DELETING",
	[CHILD_SA_DEAD] = "DEAD",
};

/*
 * CHILD SA successors.  INSTALLED -> REKEYED: the peer rekeyed it;
 * REKEYING -> INSTALLED: our rekey failed and the old SA keeps running;
 * INSTALLING -> DEAD: the kernel refused the SA or policy.
 */
static const unsigned child_next[CHILD_SA_NSTATES] = {
	[CHILD_SA_CREATED] = BIT(CHILD_SA_INSTALLING) | BIT(CHILD_SA_DEAD),
	[CHILD_SA_INSTALLING] = BIT(CHILD_SA_INSTALLED) | BIT(CHILD_SA_DEAD),
	[CHILD_SA_INSTALLED] = BIT(CHILD_SA_REKEYING) | BIT(CHILD_SA_REKEYED) |
		BIT(CHILD_SA_DELETING) | BIT(CHILD_SA_DEAD),
	[CHILD_SA_REKEYING] = BIT(CHILD_SA_INSTALLED) | BIT(CHILD_SA_REKEYED) |
		BIT(CHILD_SA_DELETING) | BIT(CHILD_SA_DEAD),
	[CHILD_SA_REKEYED] = BIT(CHILD_SA_DELETING) | BIT(CHILD_SA_DEAD),
	[CHILD_SA_DELETING] = BIT(CHILD_SA_DEAD),
	[CHILD_SA_DEAD] = 0,
};

static const char *state_name(const char *const *tab, unsigned n, unsigned s)
{
	return s < n && tab[s] ? tab[s] : "INVALID";
}

static int legal(const unsigned *next, unsigned n, unsigned from, unsigned to)
{
	return from < n && to < n && (next[from] & BIT(to)) != 0;
}

const char *ike_sa_state_name(enum ike_sa_state s)
{
	return state_name(ike_names, IKE_SA_NSTATES, s);
}

const char *child_sa_state_name(enum child_sa_state s)
{
	return state_name(child_names, CHILD_SA_NSTATES, s);
}

int ike_sa_state_legal(enum ike_sa_state from, enum ike_sa_state to)
{
	return legal(ike_next, IKE_SA_NSTATES, from, to);
}

int child_sa_state_legal(enum child_sa_state from, enum child_sa_state to)
{
	return legal(child_next, CHILD_SA_NSTATES, from, to);
}

int ike_sa_set_state(enum ike_sa_state *state, enum ike_sa_state next,
		     uint64_t spi_i, uint64_t spi_r)
{
	if (!ike_sa_state_legal(*state, next)) {
		log_err(LS_IKE, "IKE_SA %016" PRIx64 "_i %016" PRIx64 "_r: "
			"illegal state change %s -> %s refused",
			spi_i, spi_r, ike_sa_state_name(*state),
			ike_sa_state_name(next));
		return -1;
	}
	log_info(LS_IKE, "IKE_SA %016" PRIx64 "_i %016" PRIx64 "_r: %s -> %s",
		 spi_i, spi_r, ike_sa_state_name(*state), ike_sa_state_name(next));
	*state = next;
	return 0;
}

int child_sa_set_state(enum child_sa_state *state, enum child_sa_state next,
		       uint32_t spi_in, uint32_t spi_out)
{
	if (!child_sa_state_legal(*state, next)) {
		log_err(LS_CHD, "CHILD_SA %08" PRIx32 "_i %08" PRIx32 "_o: "
			"illegal state change %s -> %s refused",
			spi_in, spi_out, child_sa_state_name(*state),
			child_sa_state_name(next));
		return -1;
	}
	log_info(LS_CHD, "CHILD_SA %08" PRIx32 "_i %08" PRIx32 "_o: %s -> %s",
		 spi_in, spi_out, child_sa_state_name(*state),
		 child_sa_state_name(next));
	*state = next;
	return 0;
}
