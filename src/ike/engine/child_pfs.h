/*
 * PFS of CHILD SAs whose esp_proposals name no KE group: the child's
 * "pfs" setting (accept, require, no; ike.conf.5) applied to the ESP
 * proposals of CREATE_CHILD_SA, both roles (child_pfs.c).
 */
#ifndef IKE_ENGINE_CHILD_PFS_H
#define IKE_ENGINE_CHILD_PFS_H

#include <stddef.h>
#include <stdint.h>

#include "ike/engine/ike_sa.h"

/* Responder: our ESP proposals p[0..n) (room for max) when none names a KE
 * group.  require: each gets the groups the IKE SA accepts (peer_group, the
 * group of the peer's KE payload, first); accept: such copies come first
 * and the proposals as configured after them; no: unchanged.  The count. */
size_t child_pfs_widen(const struct ike_sa *sa, const struct conf_child *cfg, uint16_t peer_group,
		       struct ike_proposal *p, size_t n, size_t max);
/* Initiator: the KE group to add to p[0..n) when none names one (require:
 * the IKE SA's group; accept: the group of old, the SA being rekeyed, if it
 * took one), added; 0 when nothing was added. */
uint16_t child_pfs_offer(const struct ike_sa *sa, const struct conf_child *cfg,
			 const struct ike_proposal *old, struct ike_proposal *p, size_t n);
/* Initiator, after NO_PROPOSAL_CHOSEN: with pfs = accept and no group in
 * p, adds the IKE SA's group to every proposal and logs the hint naming
 * both sides' settings; 0: send again.  -1: nothing to retry. */
int child_pfs_retry(const struct ike_sa *sa, const struct conf_child *cfg, int rekey,
		    struct ike_proposal *p, size_t n);

#endif
