/*
 * A child configuration's XFRM marks and interface IDs made concrete for
 * one CHILD SA (or one set of standing policies): %unique and %unique-dir
 * take fresh values from the engine's counter (strongSwan's meaning: one
 * value per instance, or one per direction), %same copies mark_in/out's
 * value.  A rekey keeps the values of the SA it replaces.  Also the SA
 * header-copy flags (copy_df, copy_ecn, copy_dscp).
 */
#include <string.h>
#include <netinet/in.h>

#include "ike/engine/exchange.h"

static uint32_t unique_next(struct engine *e)
{
	if (++e->next_unique == 0)
		e->next_unique = 1;
	return e->next_unique;
}

/* One value for in and out (%unique), one per direction (%unique-dir). */
static void resolve_pair(struct engine *e, uint64_t cin, uint64_t cout, uint32_t *in,
			 uint32_t *out)
{
	uint32_t shared = 0;

	if (cin == CONF_ID_UNIQUE || cout == CONF_ID_UNIQUE)
		shared = unique_next(e);
	*in = cin == CONF_ID_UNIQUE ? shared : cin == CONF_ID_UNIQUE_DIR ? unique_next(e) :
	      (uint32_t)cin;
	*out = cout == CONF_ID_UNIQUE ? shared : cout == CONF_ID_UNIQUE_DIR ? unique_next(e) :
	       (uint32_t)cout;
}

static void set_mark(struct kernel_mark *k, const struct conf_mark *c, const struct kernel_mark *same)
{
	k->mask = c->mask;
	k->value = c->value == CONF_ID_SAME ? same->value : (uint32_t)c->value;
}

void child_xfrm_resolve(struct engine *e, const struct conf_child *cfg, struct child_xfrm *x)
{
	memset(x, 0, sizeof(*x));
	resolve_pair(e, cfg->if_id_in, cfg->if_id_out, &x->if_id_in, &x->if_id_out);
	resolve_pair(e, cfg->mark_in.mask ? cfg->mark_in.value : 0,
		     cfg->mark_out.mask ? cfg->mark_out.value : 0, &x->mark_in.value,
		     &x->mark_out.value);
	x->mark_in.mask = cfg->mark_in.mask;
	x->mark_out.mask = cfg->mark_out.mask;
	set_mark(&x->set_mark_in, &cfg->set_mark_in, &x->mark_in);
	set_mark(&x->set_mark_out, &cfg->set_mark_out, &x->mark_out);
}

void child_xfrm_policy(const struct conf_child *cfg, const struct child_xfrm *x,
		       struct kernel_policy *p)
{
	int out = p->dir == KERNEL_DIR_OUT;

	p->if_id = out ? x->if_id_out : x->if_id_in;
	p->mark = out ? x->mark_out : x->mark_in;
	p->priority = (uint32_t)cfg->priority;
}

void child_xfrm_sa(const struct conf_child *cfg, const struct child_xfrm *x, int inbound,
		   struct kernel_sa *ks)
{
	ks->if_id = inbound ? x->if_id_in : x->if_id_out;
	/* the inbound SA is found by SPI; its mark only with mark_in_sa */
	if (!inbound)
		ks->id.mark = x->mark_out;
	else if (cfg->mark_in_sa)
		ks->id.mark = x->mark_in;
	ks->set_mark = inbound ? x->set_mark_in : x->set_mark_out;
	ks->no_copy_df = !cfg->copy_df;
	ks->no_copy_ecn = !cfg->copy_ecn;
	ks->dscp_decap = cfg->copy_dscp == CONF_DSCP_IN || cfg->copy_dscp == CONF_DSCP_YES;
	ks->dscp_no_encap = cfg->copy_dscp == CONF_DSCP_IN || cfg->copy_dscp == CONF_DSCP_NO;
}

void child_xfrm_sa_id(const struct child_sa *c, int inbound, struct kernel_sa_id *id)
{
	memset(id, 0, sizeof(*id));
	id->proto = IPPROTO_ESP;
	id->dst = inbound ? c->sa_local : c->sa_remote;
	id->spi = inbound ? c->spi_in : c->spi_out;
	if (!inbound)
		id->mark = c->xfrm.mark_out;
	else if (c->cfg->mark_in_sa)
		id->mark = c->xfrm.mark_in;
}
