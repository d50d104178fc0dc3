/*
 * The connection's `unique` (ike.conf.5): a responder's other IKE SAs of
 * the same peer (identities and connection) when IKE_AUTH authenticates a
 * new one.  unique.c has the table.
 */
#ifndef IKE_ENGINE_UNIQUE_H
#define IKE_ENGINE_UNIQUE_H

#include "ike/engine/ike_sa.h"

/* 1 if sa (authenticated, not yet established) must be refused
 * (unique = keep; logged, counted). */
int unique_refused(const struct ike_sa *sa);
/* sa is established: the older IKE SAs of its peer go as `unique` and
 * INITIAL_CONTACT say. */
void unique_settle(struct ike_sa *sa, int initial_contact);

#endif
