/*
 * The kernel side of a negotiated CHILD SA: inbound SPI allocation, KEYMAT
 * (2.17), inbound and outbound ESP SAs and the in/out/fwd policies of every
 * negotiated selector pair, all through the kernel backend, and their
 * removal.  Key material lives only for the duration of the install.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/crypto/xform.h"
#include "ike/sa/prop_util.h"
#include "ike/engine/exchange.h"
#include "ike/engine/flows.h"
#include "ike/engine/kernel_alg.h"

/* strongSwan's range for inbound SPIs: easy to recognise in dumps. */
#define CHILD_SPI_MIN	0xc0000000u
#define CHILD_SPI_MAX	0xcfffffffu
/* Prefixes one selector may split into (ts_to_prefixes bound for IPv6). */
#define CHILD_MAX_PREFIXES	254
/*
 * Policy pairs (in/out, and fwd) one CHILD SA may install: every subnet
 * pair of TS_SET_MAX selectors each way.  A peer's address ranges that are
 * not subnets split into prefixes, up to 254 each: without a bound one
 * negotiated CHILD SA could ask for 16 x 16 x 254 x 254 x 3 kernel
 * policies (fuzz_engine, an IKE_AUTH request with two such ranges took
 * seconds).
 */
#define CHILD_MAX_POLICY_PAIRS	(TS_SET_MAX * TS_SET_MAX)

uint32_t engine_new_reqid(struct engine *e)
{
	if (e->next_reqid < KERNEL_REQID_MIN || e->next_reqid >= KERNEL_REQID_MAX)
		e->next_reqid = KERNEL_REQID_MIN;
	return e->next_reqid++;
}

struct child_sa *child_sa_new(struct ike_sa *ike, const struct conf_child *cfg)
{
	struct engine *e = ike->eng;
	struct child_sa *c = calloc(1, sizeof(*c));
	const struct child_xfrm *tx = NULL;
	uint32_t reqid;

	if (!c)
		return NULL;
	c->ike = ike;
	c->id = ++e->next_child_id;
	c->cfg = cfg;
	c->mode = cfg->mode;
	reqid = ike->conn ? trap_reqid(e, ike->conn, cfg, &tx) : 0;
	c->reqid = reqid ? reqid : engine_new_reqid(e);
	if (reqid && tx)
		c->xfrm = *tx;
	else
		child_xfrm_resolve(e, cfg, &c->xfrm);
	c->sa_local = ike->local;
	c->sa_remote = ike->remote;
	rekey_child_init(c);
	return c;
}

int child_sa_alloc_spi(struct child_sa *c)
{
	struct ike_sa *ike = c->ike;
	int rc;

	c->sa_local = ike->local;
	c->sa_remote = ike->remote;
	rc = kernel_alloc_spi(ike->eng->kernel, &c->sa_remote, &c->sa_local, IPPROTO_ESP,
			      c->reqid, CHILD_SPI_MIN, CHILD_SPI_MAX, &c->spi_in);
	if (rc < 0) {
		ike->eng->stats.kernel_errors++;
		c->kernel_err = rc;
		log_err(LS_CHD, "CHILD SA %s: our kernel refused an inbound SPI: %s", c->cfg->name,
			strerror(-rc));
		return -1;
	}
	c->spi_allocated = 1;
	return 0;
}

static void sa_keys(struct kernel_sa *ks, const struct secret *ek, const struct secret *ak)
{
	memcpy(ks->enc_key, ek->ptr, ek->len);
	ks->enc_key_len = ek->len;
	if (ak && ak->len) {
		memcpy(ks->int_key, ak->ptr, ak->len);
		ks->int_key_len = ak->len;
	}
}

/* A selector from one prefix pair; port ranges as masked blocks. */
static void kernel_sel(struct kernel_selector *s, const struct ts_prefix *src,
		       const struct ike_ts *sts, const struct ts_prefix *dst,
		       const struct ike_ts *dts)
{
	memset(s, 0, sizeof(*s));
	addr_set_bytes(&s->src, src->family, src->addr, 0);
	addr_set_bytes(&s->dst, dst->family, dst->addr, 0);
	s->src_plen = src->len;
	s->dst_plen = dst->len;
	s->proto = sts->ip_proto ? sts->ip_proto : dts->ip_proto;
	kernel_port_range(sts->start_port, sts->end_port, &s->sport, &s->sport_mask);
	kernel_port_range(dts->start_port, dts->end_port, &s->dport, &s->dport_mask);
}

/*
 * Another live CHILD SA holding the policy p (same selector, direction):
 * CHILD SAs of different IKE SAs with identical selectors (two peers of
 * one connection, or two connections) share the kernel's policy, which
 * carries the template of the one that wrote it last.  *was_trap: whether
 * the holder's entry replaced a standing policy.
 */
static const struct kernel_policy *policy_holder(const struct child_sa *c,
						 const struct kernel_policy *p, uint8_t *was_trap)
{
	for (const struct child_sa *s = flows_first(c); s; s = flows_next(c, s)) {
		if (s == c || s->state == CHILD_SA_DEAD)
			continue;
		for (size_t i = 0; i < s->npols; i++)
			if (s->pols[i].dir == p->dir && kernel_selector_eq(&s->pols[i].sel, &p->sel)) {
				if (was_trap)
					*was_trap = s->pol_was_trap[i];
				return &s->pols[i];
			}
	}
	return NULL;
}

static int push_policy(struct child_sa *c, const struct kernel_policy *p)
{
	struct kernel *k = c->ike->eng->kernel;
	const struct kernel_policy *h;
	struct kernel_policy *np;
	uint8_t *nt, inherit = 0;
	int rc, was_trap = 0;

	if (c->npols == c->cappols) {
		/* doubling: up to 3 x CHILD_MAX_POLICY_PAIRS, one realloc each
		 * was quadratic (fuzz_engine: seconds under ASan) */
		size_t cap = c->cappols ? 2 * c->cappols : 8;

		np = realloc(c->pols, cap * sizeof(*np));
		if (!np)
			return -1;
		c->pols = np;
		nt = realloc(c->pol_was_trap, cap);
		if (!nt)
			return -1;
		c->pol_was_trap = nt;
		c->cappols = cap;
	}
	rc = kernel_add_policy(k, p);
	if (rc == -EEXIST && trap_standing_policy(c->ike->eng, &p->sel, p->dir)) {
		/* our own trap or block policy for the same flow: it becomes this SA's */
		rc = kernel_update_policy(k, p);
		was_trap = 1;
	} else if (rc == -EEXIST && (h = policy_holder(c, p, &inherit))) {
		/* the newest CHILD SA's template; the others' go back in when it goes */
		rc = kernel_update_policy(k, p);
		was_trap = inherit;
		log_info(LS_CHD, "CHILD SA %llu (%s): shares its %s policy with reqid %u of "
			 "another IKE SA (identical selectors)", (unsigned long long)c->id,
			 c->cfg->name, p->dir == KERNEL_DIR_OUT ? "out" : p->dir == KERNEL_DIR_IN ?
			 "in" : "fwd", h->has_tmpl ? h->tmpl.reqid : 0);
	}
	if (rc < 0) {
		c->ike->eng->stats.kernel_errors++;
		c->kernel_err = rc;
		return -1;
	}
	c->pols[c->npols] = *p;
	c->pol_was_trap[c->npols] = (uint8_t)was_trap;
	c->npols++;
	return 0;
}

int child_sa_policies_follow(struct child_sa *c)
{
	struct kernel *k = c->ike->eng->kernel;
	int moved = 0;

	for (size_t i = 0; i < c->npols; i++) {
		struct kernel_policy *p = &c->pols[i];
		int out = p->dir == KERNEL_DIR_OUT;
		const struct addr *src = out ? &c->sa_local : &c->sa_remote;
		const struct addr *dst = out ? &c->sa_remote : &c->sa_local;

		if (!p->has_tmpl || p->tmpl.mode != KERNEL_MODE_TUNNEL ||
		    (addr_eq_host(&p->tmpl.src, src) && addr_eq_host(&p->tmpl.dst, dst)))
			continue;
		p->tmpl.src = *src;
		p->tmpl.dst = *dst;
		if (kernel_update_policy(k, p) < 0)
			c->ike->eng->stats.kernel_errors++;
		moved++;
	}
	if (moved)
		log_info(LS_CHD, "CHILD SA %llu (%s): %d policies follow it to %s",
			 (unsigned long long)c->id, c->cfg->name, moved,
			 addr_host_str(&c->sa_remote, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
	return moved;
}

static int policy_pair(struct child_sa *c, const struct ts_prefix *lp, const struct ike_ts *lt,
		       const struct ts_prefix *rp, const struct ike_ts *rt)
{
	struct kernel_policy p;
	enum kernel_mode mode = c->mode == CONF_MODE_TRANSPORT ? KERNEL_MODE_TRANSPORT :
							       KERNEL_MODE_TUNNEL;

	memset(&p, 0, sizeof(p));
	p.action = KERNEL_ALLOW;
	p.prio_class = KERNEL_PRIO_IPSEC;
	p.has_tmpl = 1;
	p.tmpl.mode = mode;
	p.tmpl.proto = IPPROTO_ESP;
	p.tmpl.reqid = c->reqid;

	kernel_sel(&p.sel, lp, lt, rp, rt);
	p.dir = KERNEL_DIR_OUT;
	child_xfrm_policy(c->cfg, &c->xfrm, &p);
	p.tmpl.src = c->sa_local;
	p.tmpl.dst = c->sa_remote;
	if (push_policy(c, &p) < 0)
		return -1;
	kernel_sel(&p.sel, rp, rt, lp, lt);
	p.dir = KERNEL_DIR_IN;
	child_xfrm_policy(c->cfg, &c->xfrm, &p);
	p.tmpl.src = c->sa_remote;
	p.tmpl.dst = c->sa_local;
	if (push_policy(c, &p) < 0)
		return -1;
	if (mode != KERNEL_MODE_TUNNEL)
		return 0;
	p.dir = KERNEL_DIR_FWD;
	return push_policy(c, &p);
}

/* The policy pairs c's selectors take once split into prefixes. */
static size_t policy_pairs(const struct child_sa *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->local_ts.n; i++)
		for (size_t j = 0; j < c->remote_ts.n; j++)
			if (c->local_ts.ts[i].type == c->remote_ts.ts[j].type)
				n += ts_to_prefixes(&c->local_ts.ts[i], NULL, 0) *
				     ts_to_prefixes(&c->remote_ts.ts[j], NULL, 0);
	return n;
}

static int install_policies(struct child_sa *c)
{
	static struct ts_prefix lp[CHILD_MAX_PREFIXES], rp[CHILD_MAX_PREFIXES];
	size_t pairs = policy_pairs(c);

	if (pairs > CHILD_MAX_POLICY_PAIRS) {
		log_info(LS_CHD, "CHILD SA %llu (%s): its selectors split into %zu policy pairs, "
			 "at most %d: not installed", (unsigned long long)c->id, c->cfg->name,
			 pairs, CHILD_MAX_POLICY_PAIRS);
		return -1;
	}
	for (size_t i = 0; i < c->local_ts.n; i++) {
		const struct ike_ts *lt = &c->local_ts.ts[i];
		size_t nl = ts_to_prefixes(lt, lp, CHILD_MAX_PREFIXES);

		for (size_t j = 0; j < c->remote_ts.n; j++) {
			const struct ike_ts *rt = &c->remote_ts.ts[j];
			size_t nr;

			if (lt->type != rt->type)
				continue;
			nr = ts_to_prefixes(rt, rp, CHILD_MAX_PREFIXES);
			for (size_t a = 0; a < nl && a < CHILD_MAX_PREFIXES; a++)
				for (size_t b = 0; b < nr && b < CHILD_MAX_PREFIXES; b++)
					if (policy_pair(c, &lp[a], lt, &rp[b], rt) < 0)
						return -1;
		}
	}
	return 0;
}

static void sa_common(struct child_sa *c, struct kernel_sa *ks, const struct encr_alg *encr,
		      const struct integ_alg *integ)
{
	const struct conf_child *cfg = c->cfg;
	const struct ike_transform *esn = prop_xf(&c->prop, TT_ESN);

	memset(ks, 0, sizeof(*ks));
	ks->id.proto = IPPROTO_ESP;
	ks->mode = c->mode == CONF_MODE_TRANSPORT ? KERNEL_MODE_TRANSPORT : KERNEL_MODE_TUNNEL;
	ks->reqid = c->reqid;
	ks->encr = kernel_alg_encr(encr->id);
	ks->integ = kernel_alg_integ(integ ? integ->id : AUTH_NONE);
	if (cfg->sha256_96 && ks->integ == KERNEL_INTEG_HMAC_SHA2_256_128)
		ks->integ = KERNEL_INTEG_HMAC_SHA2_256_96;
	ks->replay_window = (uint32_t)cfg->replay_window;
	ks->esn = esn && esn->id == ESN_YES;
	ks->life.soft_secs = cfg->rekey_time;
	ks->life.hard_secs = cfg->life_time;
	ks->life.soft_bytes = cfg->rekey_bytes;
	ks->life.hard_bytes = cfg->life_bytes;
	ks->life.soft_packets = cfg->rekey_packets;
	ks->life.hard_packets = cfg->life_packets;
}

/* Transport mode: the SA carries traffic between the first selector pair. */
static void transport_sel(struct child_sa *c, struct kernel_sa *ks, int inbound)
{
	struct ts_prefix l, r;

	if (ks->mode != KERNEL_MODE_TRANSPORT || !c->local_ts.n || !c->remote_ts.n ||
	    !ts_to_prefixes(&c->local_ts.ts[0], &l, 1) ||
	    !ts_to_prefixes(&c->remote_ts.ts[0], &r, 1) || l.family != r.family)
		return;
	if (inbound)
		kernel_sel(&ks->sel, &r, &c->remote_ts.ts[0], &l, &c->local_ts.ts[0]);
	else
		kernel_sel(&ks->sel, &l, &c->local_ts.ts[0], &r, &c->remote_ts.ts[0]);
}

/* The inbound SA of c from keys, into ks. */
static void build_in(struct child_sa *c, const struct child_keys *keys,
		     const struct encr_alg *encr, const struct integ_alg *integ,
		     struct kernel_sa *ks)
{
	int init = rekey_child_key_initiator(c);	/* rekeying (rekey.c) */

	sa_common(c, ks, encr, integ);
	ks->id.dst = c->sa_local;
	ks->id.spi = c->spi_in;
	ks->src = c->sa_remote;
	child_xfrm_sa(c->cfg, &c->xfrm, 1, ks);
	if (c->natt) {
		ks->encap_sport = addr_port(&c->sa_remote);
		ks->encap_dport = addr_port(&c->sa_local);
	}
	transport_sel(c, ks, 1);
	sa_keys(ks, init ? &keys->encr_r : &keys->encr_i, init ? &keys->integ_r : &keys->integ_i);
}

/* The inbound SA into the kernel.  One installed early (reauthentication)
 * stays when the answer leaves it unchanged, and is replaced otherwise
 * (a valid SA's algorithms cannot be updated in place). */
static int install_in(struct child_sa *c, const struct kernel_sa *ks)
{
	struct kernel *k = c->ike->eng->kernel;
	struct kernel_sa *early = c->early_in;
	int rc = 0;

	if (!early)
		return kernel_update_sa(k, ks);
	c->early_in = NULL;
	if (memcmp(early, ks, sizeof(*ks)) != 0) {
		log_info(LS_CHD, "CHILD SA %s: the answer differs from the SA we replace, "
			 "inbound SA %08x installed again", c->cfg->name, c->spi_in);
		rc = kernel_del_sa(k, &early->id) < 0 ? -1 : kernel_add_sa(k, ks);
	}
	memzero(early, sizeof(*early));
	free(early);
	return rc;
}

static int install_sas(struct child_sa *c, const struct child_keys *keys,
		       const struct encr_alg *encr, const struct integ_alg *integ)
{
	struct ike_sa *ike = c->ike;
	struct kernel *k = ike->eng->kernel;
	int init = rekey_child_key_initiator(c);	/* rekeying (rekey.c) */
	struct kernel_sa ks;
	int rc;

	build_in(c, keys, encr, integ, &ks);
	rc = install_in(c, &ks);
	memzero(&ks, sizeof(ks));
	if (rc < 0) {
		c->kernel_err = rc;
		return -1;
	}
	c->sa_in = 1;

	sa_common(c, &ks, encr, integ);
	ks.id.dst = c->sa_remote;
	ks.id.spi = c->spi_out;
	ks.src = c->sa_local;
	child_xfrm_sa(c->cfg, &c->xfrm, 0, &ks);
	if (c->natt) {
		ks.encap_sport = addr_port(&c->sa_local);
		ks.encap_dport = addr_port(&c->sa_remote);
	}
	transport_sel(c, &ks, 0);
	sa_keys(&ks, init ? &keys->encr_i : &keys->encr_r, init ? &keys->integ_i : &keys->integ_r);
	/* rekeying (rekey.c): a rekey responder sends on it once the old SA goes */
	rc = rekey_defer_out(c, &ks) ? 0 : kernel_add_sa(k, &ks);
	memzero(&ks, sizeof(ks));
	if (rc < 0) {
		c->kernel_err = rc;
		return -1;
	}
	c->sa_out = !c->rk.out_sa;
	return 0;
}

/* Algorithms of c->prop and the KEYMAT (2.17) of c; -1 logged. */
static int child_keys(struct child_sa *c, const struct secret *gir, struct child_keys *keys,
		      const struct encr_alg **encr, const struct integ_alg **integ)
{
	struct ike_sa *ike = c->ike;
	const struct ike_transform *et = prop_xf(&c->prop, TT_ENCR), *it = prop_xf(&c->prop, TT_INTEG);
	const struct secret *ni, *nr;

	*encr = et ? encr_lookup(et->id, et->keylen) : NULL;
	*integ = it && it->id != AUTH_NONE ? integ_lookup(it->id) : NULL;
	/* ESP in UDP only across a NAT (RFC 3948): a peer may move IKE to
	 * port 4500 without one (strongSwan does with MOBIKE) and then
	 * expects plain ESP; encap = true makes it one (nat_fake) */
	c->natt = ike->nat_local || ike->nat_remote || ike->nat_fake;
	rekey_child_nonces(c, &ni, &nr);
	if (!*encr || (!encr_is_aead(*encr) && !*integ)) {
		log_err(LS_CHD, "CHILD SA %llu: negotiated algorithms unknown to the crypto tables",
			(unsigned long long)c->id);
		return -1;
	}
	return child_keys_derive(ike->algs.prf, &ike->keys.sk_d, *encr, *integ, gir, ni->ptr,
				 ni->len, nr->ptr, nr->len, keys) == CR_OK ? 0 : -1;
}

int child_sa_install(struct child_sa *c, const struct secret *gir)
{
	struct ike_sa *ike = c->ike;
	struct engine *e = ike->eng;
	const struct encr_alg *encr;
	const struct integ_alg *integ;
	struct child_keys keys;
	int rc = -1, shared;

	memset(&keys, 0, sizeof(keys));
	if (child_sa_state(c, CHILD_SA_INSTALLING) < 0 ||
	    child_keys(c, gir, &keys, &encr, &integ) < 0)
		goto out;
	shared = rekey_policies_shared(c);	/* rekeying (rekey.c) */
	if (install_sas(c, &keys, encr, integ) < 0 || (!shared && install_policies(c) < 0)) {
		e->stats.kernel_errors++;
		/* our side, not the peer's: said so, with the kernel's reason */
		log_err(LS_CHD, "CHILD SA %llu (%s): our kernel refused the SA: %s",
			(unsigned long long)c->id, c->cfg->name,
			c->kernel_err ? strerror(-c->kernel_err) : "see the kernel's message above");
		goto out;
	}
	c->installed_ms = loop_now_ms(e->loop);
	child_sa_state(c, CHILD_SA_INSTALLED);
	if (ike->pending_child == c)
		ike->pending_child = NULL;
	c->next = ike->children;
	ike->children = c;
	e->stats.child_sas++;
	e->stats.child_sas_installed_total++;
	rekey_child_installed(c);
	rc = 0;
out:
	child_keys_free(&keys);
	return rc;
}

int child_sa_install_in_early(struct child_sa *c, const struct child_sa *model)
{
	struct kernel *k = c->ike->eng->kernel;
	const struct encr_alg *encr;
	const struct integ_alg *integ;
	struct child_keys keys;
	struct kernel_sa *ks = calloc(1, sizeof(*ks));
	int rc = -1;

	memset(&keys, 0, sizeof(keys));
	if (!ks || c->early_in)
		goto out;
	c->prop = model->prop;
	c->mode = model->mode;
	if (child_keys(c, NULL, &keys, &encr, &integ) < 0)
		goto out;
	build_in(c, &keys, encr, integ, ks);
	c->mode = c->cfg->mode;		/* the answer decides */
	if (kernel_update_sa(k, ks) < 0) {
		c->ike->eng->stats.kernel_errors++;
		goto out;
	}
	c->sa_in = 1;
	c->early_in = ks;
	ks = NULL;
	rc = 0;
out:
	child_keys_free(&keys);
	if (ks) {
		memzero(ks, sizeof(*ks));
		free(ks);
	}
	return rc;
}

static void remove_policies(struct child_sa *c)
{
	struct kernel *k = c->ike->eng->kernel;

	while (c->npols) {
		struct kernel_policy *p = &c->pols[--c->npols];

		const struct kernel_policy *h = policy_holder(c, p, NULL);

		/* a CHILD SA sharing it keeps the flow; or the standing trap
		 * or block policy comes back, with no gap */
		if (h)
			kernel_update_policy(k, h);
		else if (!c->pol_was_trap[c->npols] || !trap_restore_policy(c->ike->eng, p))
			kernel_del_policy(k, p);
	}
}

void child_sa_destroy(struct child_sa *c)
{
	struct ike_sa *ike = c->ike;
	struct engine *e = ike->eng;
	struct kernel_sa_id id;
	int listed = 0;

	rekey_child_gone(c);
	remove_policies(c);
	if (c->spi_allocated || c->sa_in) {
		/* a larval SA (never completed) has no mark */
		child_xfrm_sa_id(c, 1, &id);
		if (!c->sa_in)
			memset(&id.mark, 0, sizeof(id.mark));
		kernel_del_sa(e->kernel, &id);
	}
	if (c->sa_out) {
		child_xfrm_sa_id(c, 0, &id);
		kernel_del_sa(e->kernel, &id);
	}
	if (c->state != CHILD_SA_DEAD)
		child_sa_state(c, CHILD_SA_DEAD);
	flows_remove(c);
	if (ike->pending_child == c)
		ike->pending_child = NULL;
	for (struct child_sa **pp = &ike->children; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			listed = 1;
			break;
		}
	if (listed)
		e->stats.child_sas--;
	if (c->early_in) {
		memzero(c->early_in, sizeof(*c->early_in));
		free(c->early_in);
	}
	free(c->pols);
	free(c->pol_was_trap);
	free(c->offered);
	free(c);
}

struct child_sa *child_sa_by_spi(struct engine *e, uint32_t spi, struct ike_sa **ike)
{
	struct child_sa *c = flows_by_spi(e, spi);	/* flows.c: no walk */

	if (c)
		*ike = c->ike;
	return c;
}

int child_sa_query(struct child_sa *c, uint64_t *bytes_in, uint64_t *packets_in,
		   uint64_t *bytes_out, uint64_t *packets_out)
{
	struct kernel *k = c->ike->eng->kernel;
	struct kernel_sa_stats st;
	struct kernel_sa_id id;
	int rc = 0;

	child_xfrm_sa_id(c, 1, &id);
	*bytes_in = *packets_in = *bytes_out = *packets_out = 0;
	if (kernel_query_sa(k, &id, &st) == 0) {
		*bytes_in = st.bytes;
		*packets_in = st.packets;
	} else {
		rc = -1;
	}
	child_xfrm_sa_id(c, 0, &id);
	if (kernel_query_sa(k, &id, &st) == 0) {
		*bytes_out = st.bytes;
		*packets_out = st.packets;
	} else {
		rc = -1;
	}
	return rc;
}

void child_log_ts_unacceptable(const struct ike_sa *sa, const struct ts_set *tsi,
			       const struct ts_set *tsr)
{
	char a[1024], b[1024];
	struct ts_set cl, cr;

	log_info(LS_CHD, "IKE SA %llu (%s): traffic selectors unacceptable: peer TSi %s TSr %s",
		 (unsigned long long)sa->id, sa->conn->name, ts_set_str(tsi, a, sizeof(a)),
		 ts_set_str(tsr, b, sizeof(b)));
	for (size_t k = 0; k < sa->conn->nchildren; k++) {
		conf_ts_resolve(&sa->conn->children[k].local_ts, &sa->local, &cl);
		conf_ts_resolve(&sa->conn->children[k].remote_ts, &sa->remote, &cr);
		log_info(LS_CHD, "  child %s: local %s remote %s", sa->conn->children[k].name,
			 ts_set_str(&cl, a, sizeof(a)), ts_set_str(&cr, b, sizeof(b)));
	}
}
