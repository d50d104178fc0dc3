/*
 * PFS in CREATE_CHILD_SA when a child's esp_proposals name no KE group
 * (its "pfs" setting, ike.conf.5).  RFC 7296 1.3.1 and 1.3.3 let either side
 * put a KE payload in a CHILD SA's exchange; Libreswan requires one by
 * default (pfs=yes), ikedaemon's and strongSwan's default ESP proposals
 * carry none.  "accept" (default) takes the peer's KE when its group is one
 * we accept for the IKE SA, and offers one after a refusal; "require" always
 * wants one; "no" keeps the proposals as configured.
 */
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "ike/crypto/xform.h"
#include "ike/engine/child_nego.h"
#include "ike/engine/child_pfs.h"
#include "ike/engine/exchange.h"
#include "ike/sa/proposal_select.h"

static int any_ke(const struct ike_proposal *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (prop_xf(&p[i], TT_KE))
			return 1;
	return 0;
}

static int add_ke(struct ike_proposal *p, uint16_t id)
{
	for (size_t i = 0; i < p->ntransforms; i++)
		if (p->xf[i].type == TT_KE && p->xf[i].id == id)
			return 0;
	if (p->ntransforms >= IKE_MAX_TRANSFORMS)
		return -1;
	p->xf[p->ntransforms++] = (struct ike_transform){ .type = TT_KE, .id = id };
	return 0;
}

static int add_group(struct ike_proposal *p, size_t n, uint16_t group)
{
	int added = 0;

	for (size_t i = 0; i < n && group; i++)
		if (!prop_xf(&p[i], TT_KE) && add_ke(&p[i], group) == 0)
			added = 1;
	return added;
}

/* Is group one of the KE transforms of the connection's IKE proposals? */
static int ike_accepts(const struct ike_proposal *ike, size_t nike, uint16_t group)
{
	return group != KE_NONE && proposal_offers(ike, nike, TT_KE, group);
}

/* The KE groups a widened proposal offers, in order: the group of the
 * peer's KE payload (no INVALID_KE_PAYLOAD round trip), the IKE SA's own,
 * then every other group of the connection's IKE proposals. */
static void add_groups(struct ike_proposal *p, const struct ike_proposal *ike, size_t nike,
		       uint16_t peer_group, uint16_t own)
{
	if (ike_accepts(ike, nike, peer_group))
		add_ke(p, peer_group);
	if (ike_accepts(ike, nike, own))
		add_ke(p, own);
	for (size_t k = 0; k < nike; k++)
		for (size_t t = 0; t < ike[k].ntransforms; t++)
			if (ike[k].xf[t].type == TT_KE && ike[k].xf[t].id != KE_NONE)
				add_ke(p, ike[k].xf[t].id);
}

size_t child_pfs_widen(const struct ike_sa *sa, const struct conf_child *cfg, uint16_t peer_group,
		       struct ike_proposal *p, size_t n, size_t max)
{
	struct ike_proposal ike[IKE_MAX_PROPOSALS];
	size_t nike = 0, nw = n;

	if (!n || any_ke(p, n) || cfg->pfs == CONF_PFS_NO || !sa->conn ||
	    conf_proposals(&sa->conn->proposals, PROTO_IKE, ike, &nike) < 0)
		return n;
	if (cfg->pfs == CONF_PFS_ACCEPT) {
		/* widened copies first (a peer offering PFS gets it), the
		 * proposals as configured after them (a peer without KE) */
		nw = n <= max - n ? n : max - n;
		memmove(p + nw, p, n * sizeof(*p));
	}
	for (size_t i = 0; i < nw; i++)
		add_groups(&p[i], ike, nike, peer_group, sa->ke_group);
	return cfg->pfs == CONF_PFS_ACCEPT ? n + nw : n;
}

uint16_t child_pfs_offer(const struct ike_sa *sa, const struct conf_child *cfg,
			 const struct ike_proposal *old, struct ike_proposal *p, size_t n)
{
	uint16_t g = 0;

	if (!n || any_ke(p, n) || cfg->pfs == CONF_PFS_NO)
		return 0;
	if (cfg->pfs == CONF_PFS_REQUIRE)
		g = sa->ke_group;
	else if (old)	/* accept: the SA we replace took a KE (the peer wants PFS) */
		for (size_t i = 0; i < old->ntransforms; i++)
			if (old->xf[i].type == TT_KE && old->xf[i].id != KE_NONE)
				g = old->xf[i].id;
	return add_group(p, n, g) ? g : 0;
}

int child_pfs_retry(const struct ike_sa *sa, const struct conf_child *cfg, int rekey,
		    struct ike_proposal *p, size_t n)
{
	const struct ke_alg *k = ke_lookup(sa->ke_group);
	const char *g = !k ? "?" : k->alias ? k->alias : k->keyword;

	if (!cfg || cfg->pfs != CONF_PFS_ACCEPT || !n || any_ke(p, n) ||
	    !add_group(p, n, sa->ke_group))
		return -1;
	log_info(LS_CHD, "CHILD SA %s: %s without KE refused, retrying with %s: the peer wants "
		 "PFS (Libreswan pfs=yes, a group in esp_proposals); here pfs = accept: add -%s "
		 "to esp_proposals or set pfs=no there", cfg->name, rekey ? "rekey" : "new SA", g, g);
	return 0;
}
