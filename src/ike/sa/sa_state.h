/*
 * IKE SA and CHILD SA life cycles.  Every state change goes through
 * ike_sa_set_state() / child_sa_set_state(): they consult one table of legal
 * transitions, refuse anything else, and log "old -> new" with the SPIs.
 * There are no self-transitions: an initiator that resends IKE_SA_INIT with
 * a COOKIE or another KE group stays in INIT_SENT (and resets its window).
 * A responder's SA is half-open exactly while it is INIT_RECEIVED.
 */
#ifndef IKE_SA_SA_STATE_H
#define IKE_SA_SA_STATE_H

#include <stdint.h>

enum ike_sa_state {
	IKE_SA_CREATED = 0,	/* allocated; nothing sent or answered yet */
	IKE_SA_INIT_SENT,	/* initiator: IKE_SA_INIT request out */
	IKE_SA_INIT_RECEIVED,	/* responder: IKE_SA_INIT answered (half-open) */
	IKE_SA_AUTH_SENT,	/* initiator: IKE_AUTH request out */
	IKE_SA_ESTABLISHED,	/* authenticated both ways */
	IKE_SA_REKEYING,	/* we started a CREATE_CHILD_SA rekeying this SA */
	IKE_SA_REKEYED,		/* replaced by a new IKE SA; waits for its DELETE */
	IKE_SA_DELETING,	/* we sent a DELETE for it */
	IKE_SA_DEAD,		/* to be freed; no way back */
	IKE_SA_NSTATES
};

enum child_sa_state {
	CHILD_SA_CREATED = 0,	/* negotiated, not yet in the kernel */
	CHILD_SA_INSTALLING,	/* kernel SAs/policies requested */
	CHILD_SA_INSTALLED,	/* carrying traffic */
	CHILD_SA_REKEYING,	/* we started its rekey */
	CHILD_SA_REKEYED,	/* replaced; the old one waits for its DELETE */
	CHILD_SA_DELETING,	/* we sent a DELETE for it */
	CHILD_SA_DEAD,
	CHILD_SA_NSTATES
};

const char *ike_sa_state_name(enum ike_sa_state s);
const char *child_sa_state_name(enum child_sa_state s);

/* 1 if from -> to is in the table, 0 otherwise (out-of-range values: 0). */
int ike_sa_state_legal(enum ike_sa_state from, enum ike_sa_state to);
int child_sa_state_legal(enum child_sa_state from, enum child_sa_state to);

/*
 * Move *state to next if the table allows it: 0 and an info log line
 * ("IKE_SA 1a2b...c_i 3c4d..._r: INIT_SENT -> AUTH_SENT"), or -1, *state
 * unchanged and an error line naming both states.  IKE SPIs are the 8 wire
 * bytes read big-endian (rd_u64); CHILD SPIs likewise (rd_u32).
 */
int ike_sa_set_state(enum ike_sa_state *state, enum ike_sa_state next,
		     uint64_t spi_i, uint64_t spi_r);
int child_sa_set_state(enum child_sa_state *state, enum child_sa_state next,
		       uint32_t spi_in, uint32_t spi_out);

#endif
