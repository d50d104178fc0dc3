/*
 * The CREATE_CHILD_SA exchange (RFC 7296 1.3): a new CHILD SA (1.3.1),
 * rekeying a CHILD SA (1.3.3, 2.8, 2.17) and rekeying the IKE SA (1.3.2,
 * 2.18), as initiator and as responder, with the collisions of 2.8.1, 2.8.2
 * and 2.25.  One request of ours is in flight per IKE SA (ike_sa.rk.req);
 * its kind picks the handlers once, when it is created.
 */
#ifndef IKE_ENGINE_CREATE_CHILD_H
#define IKE_ENGINE_CREATE_CHILD_H

#include <stddef.h>
#include <stdint.h>

struct ike_sa;
struct child_sa;
struct ike_msg;
struct conf_child;
struct ike_ts;
struct ccsa;

/* Results of the starters: sent, or the window is busy (try later). */
enum ccsa_start {
	CCSA_SENT = 0,
	CCSA_BUSY = 1,
	CCSA_FAILED = -1,
};

/* A new CHILD SA of cfg on an established IKE SA; reqid 0: a fresh one
 * (or the trap policy's); acq: the source and destination selectors of the
 * packet that hit a trap policy (2.9), or NULL. */
enum ccsa_start ccsa_new_child(struct ike_sa *sa, const struct conf_child *cfg, uint32_t reqid,
			       const struct ike_ts *acq);
/* Rekey c (INSTALLED -> REKEYING). */
enum ccsa_start ccsa_rekey_child(struct child_sa *c);
/* Rekey the IKE SA (ESTABLISHED -> REKEYING). */
enum ccsa_start ccsa_rekey_ike(struct ike_sa *sa);

/* Responder: a verified CREATE_CHILD_SA request on sa (msg_in.c dispatch). */
void create_child_rx_request(struct ike_sa *sa, const struct ike_msg *m);

/* Our exchange in flight loses what it points to (c or n is going away). */
void ccsa_forget_child(struct ccsa *x, const struct child_sa *c);
void ccsa_forget_ike(struct ccsa *x, const struct ike_sa *n);
/* The reqid a new-CHILD SA request asks for; 0 for other requests or NULL. */
uint32_t ccsa_new_reqid(const struct ccsa *x);
/* Frees the exchange and what it still owns (an uninstalled CHILD SA). */
void ccsa_free(struct ccsa *x);
/* The peer deletes sa while our rekey of sa is unanswered and the peer's own
 * colliding rekey made an IKE SA: the peer won (its DELETE came first), its
 * SA takes the children and our request is dropped.  1 if that was so. */
int ccsa_peer_deletes_ike(struct ike_sa *sa);

/* 2.8.1: octet by octet, a nonce that ends first is the lower one.
 * Negative, 0 or positive like memcmp. */
int nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

#endif
