/* CHILD SA negotiation shared by IKE_AUTH and CREATE_CHILD_SA: see child_nego.h. */
#include "ike/engine/child_nego.h"

#include <string.h>

#include "common/log.h"
#include "ike/codec/names.h"
#include "ike/engine/child_pfs.h"
#include "ike/engine/cp.h"
#include "ike/engine/exchange.h"
#include "ike/sa/proposal_select.h"

/* ---- initiator ---- */

/* 2.9: the packet's selector first, the configured ones after it. */
static void ts_first(struct ts_set *s, const struct ike_ts *ts)
{
	size_t n = s->n < TS_SET_MAX ? s->n : TS_SET_MAX - 1;

	memmove(&s->ts[1], &s->ts[0], n * sizeof(s->ts[0]));
	s->ts[0] = *ts;
	s->n = n + 1;
}

/* "dynamic" is the IKE SA's address, or a virtual one (3.15, cp.c). */
static void resolve_ts(const struct ike_sa *sa, const struct conf_ts_list *l, int local,
		       struct ts_set *out)
{
	struct addr hosts[CONF_MAX_VIPS];
	size_t n = cp_ts_hosts(sa, local, hosts, CONF_MAX_VIPS);

	conf_ts_resolve_hosts(l, hosts, n, out);
}

/* Gateway: the peer's selectors stay within its virtual addresses. */
static void narrow_to_vips(const struct ike_sa *sa, struct ts_set *remote)
{
	struct ts_set vips, out;

	if (!sa->nvips || (sa->conn && sa->conn->nvips))
		return;
	vips.n = 0;
	for (size_t i = 0; i < sa->nvips && vips.n < TS_SET_MAX; i++) {
		size_t len;
		const uint8_t *b = addr_bytes(&sa->vips[i].addr, &len);

		if (b && ts_from_prefix(&vips.ts[vips.n], addr_family(&sa->vips[i].addr), b,
					(unsigned)len * 8) == 0)
			vips.n++;
	}
	ts_narrow(remote, &vips, &out);
	*remote = out;
}

void child_nego_offer_ts(struct child_sa *c, const struct child_sa *old)
{
	const struct ike_sa *sa = c->ike;

	if (old) {
		c->local_ts = old->local_ts;
		c->remote_ts = old->remote_ts;
		c->mode = old->mode;
	} else {
		resolve_ts(sa, &c->cfg->local_ts, 1, &c->local_ts);
		resolve_ts(sa, &c->cfg->remote_ts, 0, &c->remote_ts);
	}
	if (c->have_acquire_ts) {
		ts_first(&c->local_ts, &c->acquire_src);
		ts_first(&c->remote_ts, &c->acquire_dst);
	}
}

/* 1.2: the CHILD SA of IKE_AUTH has no KE of its own; PFS groups in
 * esp_proposals serve CREATE_CHILD_SA only (strongSwan strips them too). */
static void strip_ke(struct ike_proposal *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->ntransforms; i++)
		if (p->xf[i].type != TT_KE)
			p->xf[n++] = p->xf[i];
	p->ntransforms = (uint8_t)n;
}

int child_nego_offer_props(struct child_sa *c, int ke, struct ike_proposal *out, size_t *n)
{
	if (conf_proposals(&c->cfg->esp_proposals, PROTO_ESP, out, n) < 0 || !*n ||
	    child_sa_alloc_spi(c) < 0)
		return -1;
	for (size_t i = 0; i < *n; i++) {
		if (!ke)
			strip_ke(&out[i]);
		prop_spi32_set(&out[i], c->spi_in);
	}
	return 0;
}

void child_nego_out(struct out_msg *m, const struct ike_proposal *p, size_t n,
		    const struct ts_set *tsi, const struct ts_set *tsr, int transport)
{
	if (transport)
		out_notify(m, PROTO_NONE, N_USE_TRANSPORT_MODE, NULL, 0);
	out_sa(m, p, n);
	out_ts(m, PL_TSI, tsi);
	out_ts(m, PL_TSR, tsr);
}

int child_nego_take_answer(struct child_sa *c, const struct ike_msg *m,
			   const struct ike_proposal *offered, size_t noffered, unsigned ps_flags)
{
	const struct ike_payload *psa = msg_pl(m, PL_SA);
	struct ts_set tsi, tsr, ni, nr;
	char a[PROPOSAL_STRLEN], b[512], d[512];

	msg_ts(m, PL_TSI, &tsi);
	msg_ts(m, PL_TSR, &tsr);
	if (!psa || psa->u.sa.nprop != 1 || psa->u.sa.unacceptable ||
	    proposal_check_answer(offered, noffered, &psa->u.sa.prop[0], ps_flags) < 0 ||
	    !(c->spi_out = prop_spi32(&psa->u.sa.prop[0])) ||
	    !ts_narrow(&c->local_ts, &tsi, &ni) || !ts_narrow(&c->remote_ts, &tsr, &nr)) {
		log_info(LS_CHD, "IKE SA %llu: CHILD SA %s: answer not acceptable: proposal %s, "
			 "TSi %s, TSr %s", (unsigned long long)c->ike->id, c->cfg->name,
			 psa && psa->u.sa.nprop ? proposal_str(&psa->u.sa.prop[0], a, sizeof(a)) :
			 "none", ts_set_str(&tsi, b, sizeof(b)), ts_set_str(&tsr, d, sizeof(d)));
		return -1;
	}
	c->prop = psa->u.sa.prop[0];
	c->local_ts = ni;
	c->remote_ts = nr;
	if (c->mode == CONF_MODE_TRANSPORT && !ike_msg_notify(m, N_USE_TRANSPORT_MODE))
		c->mode = CONF_MODE_TUNNEL;
	return 0;
}

/* ---- responder ---- */

uint16_t child_nego_choose(const struct ike_sa *sa, const struct ike_msg *m,
			   const struct conf_child *only, unsigned ps_flags, const char *what,
			   struct child_choice *ch)
{
	struct ike_proposal ours[IKE_MAX_PROPOSALS], peer[IKE_MAX_PROPOSALS];
	size_t nours, npeer = prop_usable(&msg_pl(m, PL_SA)->u.sa, peer);
	const struct ike_payload *pke = msg_pl(m, PL_KE);
	const struct conf_child *ts_fit = NULL;
	struct ts_set tsi, tsr, cl, cr;

	msg_ts(m, PL_TSI, &tsi);
	msg_ts(m, PL_TSR, &tsr);
	for (size_t k = 0; k < sa->conn->nchildren; k++) {
		const struct conf_child *cfg = &sa->conn->children[k];

		if (only && cfg != only)
			continue;
		resolve_ts(sa, &cfg->local_ts, 1, &cl);
		resolve_ts(sa, &cfg->remote_ts, 0, &cr);
		narrow_to_vips(sa, &cr);
		if (ts_narrow_responder(&cl, &cr, &tsi, &tsr, &ch->tsi, &ch->tsr) < 0)
			continue;
		if (!ts_fit)
			ts_fit = cfg;
		if (conf_proposals(&cfg->esp_proposals, PROTO_ESP, ours, &nours) < 0)
			continue;
		/* CREATE_CHILD_SA: a KE the child's pfs setting takes (child_pfs.c) */
		if (!(ps_flags & PS_IGNORE_KE))
			nours = child_pfs_widen(sa, cfg, pke ? pke->u.ke.group : 0, ours, nours,
						IKE_MAX_PROPOSALS);
		if (proposal_select(ours, nours, peer, npeer, ps_flags, &ch->chosen) < 0)
			continue;
		ch->cfg = cfg;
		ch->transport = cfg->mode == CONF_MODE_TRANSPORT &&
				ike_msg_notify(m, N_USE_TRANSPORT_MODE);
		return 0;
	}
	if (ts_fit) {
		/* proposal_select() logged both sides' proposals */
		log_info(LS_CHD, "IKE SA %llu (%s): %s request fits no child: NO_PROPOSAL_CHOSEN "
			 "(no ESP proposal of child %s chosen)", (unsigned long long)sa->id,
			 sa->conn->name, what, ts_fit->name);
		return N_NO_PROPOSAL_CHOSEN;
	}
	log_info(LS_CHD, "IKE SA %llu (%s): %s request fits no child: TS_UNACCEPTABLE",
		 (unsigned long long)sa->id, sa->conn->name, what);
	child_log_ts_unacceptable(sa, &tsi, &tsr);
	return N_TS_UNACCEPTABLE;
}

int child_nego_adopt(struct child_sa *c, const struct child_choice *ch)
{
	c->prop = ch->chosen;
	c->spi_out = prop_spi32(&ch->chosen);
	c->local_ts = ch->tsr;
	c->remote_ts = ch->tsi;
	c->mode = ch->transport ? CONF_MODE_TRANSPORT : CONF_MODE_TUNNEL;
	return c->spi_out ? 0 : -1;
}
