/*
 * NAT traversal after IKE_SA_INIT (natt.c): following a peer whose NAT
 * mapping changed (RFC 7296 2.23).
 */
#ifndef IKE_ENGINE_NATT_H
#define IKE_ENGINE_NATT_H

#include "common/addr.h"

struct ike_sa;

/* 1 if an authenticated message from a new address moves established sa:
 * a NAT in front of the peer and none in front of us (2.23). */
int natt_may_follow(const struct ike_sa *sa);
/* Moves sa and its CHILD SAs (kernel SAs, tunnel policies) to the peer's
 * new address and port; local: where it arrived (any: unchanged). */
void natt_move_peer(struct ike_sa *sa, const struct addr *local, const struct addr *remote);
/* Logs and counts an authenticated message from an address not followed. */
void natt_refuse_move(struct ike_sa *sa, const struct addr *remote);

#endif
