/*
 * Standing policies of a child, in place while no CHILD SA protects its
 * selectors:
 *  - start_action = trap: trap policies (ESP template, no SA).  Out: the
 *    kernel reports the first packet (ACQUIRE) and we negotiate with that
 *    packet's flow as the first selectors (2.9).  In and (tunnel mode)
 *    fwd: a clear-text packet claiming a source in the remote selectors
 *    matches a policy whose template no SA satisfies, and is dropped.
 *  - fail_closed (ike.conf(5)), no trap: block policies, out, in and fwd.
 * A CHILD SA's policies replace them (same selector and direction) and
 * give them back when it goes (trap_restore_policy).  At shutdown a
 * fail_closed child's standing policies stay as block policies, so
 * nothing crosses in clear text while the daemon is stopped or
 * restarting; the next start adopts them (trap_install_all with adopt).
 * Also the kernel's EXPIRE events for installed CHILD SAs.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine/exchange.h"

struct trap {
	struct trap *next;
	const struct conf_conn *conn;
	const struct conf_child *child;
	uint32_t reqid;		/* 0: block policies (fail_closed without a trap) */
	struct child_xfrm xfrm;	/* marks and if_ids; the CHILD SA takes them over */
	struct kernel_policy *pols;
	size_t npols;
};

/* A connection's first literal address on one side, or NULL. */
static const struct addr *conf_addr(const struct conf_host *h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!h[i].any && h[i].naddrs)
			return &h[i].addrs[0];
	return NULL;
}

static int trap_push(struct trap *t, const struct kernel_policy *p)
{
	struct kernel_policy *np = realloc(t->pols, (t->npols + 1) * sizeof(*np));

	if (!np)
		return -1;
	t->pols = np;
	t->pols[t->npols++] = *p;
	return 0;
}

/* Adopting (start-up): update, which adds or replaces a policy of ours. */
static int trap_add(struct engine *e, struct trap *t, const struct kernel_policy *p, int adopt)
{
	int rc = adopt ? kernel_update_policy(e->kernel, p) : kernel_add_policy(e->kernel, p);

	if (rc < 0) {
		e->stats.kernel_errors++;
		return -1;
	}
	return trap_push(t, p);
}

/* The policies of one selector pair: out, in and (tunnel mode) fwd. */
static int trap_pair(struct engine *e, struct trap *t, struct kernel_policy *p, int adopt)
{
	struct kernel_selector out = p->sel;
	struct addr a;

	p->dir = KERNEL_DIR_OUT;
	child_xfrm_policy(t->child, &t->xfrm, p);
	if (trap_add(e, t, p, adopt) < 0)
		return -1;
	p->sel.src = out.dst;
	p->sel.dst = out.src;
	p->sel.src_plen = out.dst_plen;
	p->sel.dst_plen = out.src_plen;
	p->sel.sport = out.dport;
	p->sel.dport = out.sport;
	p->sel.sport_mask = out.dport_mask;
	p->sel.dport_mask = out.sport_mask;
	a = p->tmpl.src;
	p->tmpl.src = p->tmpl.dst;
	p->tmpl.dst = a;
	p->dir = KERNEL_DIR_IN;
	child_xfrm_policy(t->child, &t->xfrm, p);
	if (trap_add(e, t, p, adopt) < 0)
		return -1;
	p->dir = KERNEL_DIR_FWD;
	if (t->child->mode != CONF_MODE_TRANSPORT && trap_add(e, t, p, adopt) < 0)
		return -1;
	a = p->tmpl.src;
	p->tmpl.src = p->tmpl.dst;
	p->tmpl.dst = a;
	return 0;
}

static int trap_policies(struct engine *e, struct trap *t, const struct addr *local,
			 const struct addr *remote, int adopt)
{
	static struct ts_prefix lp[254], rp[254];
	struct ts_set ls, rs;
	struct kernel_policy p;

	conf_ts_resolve(&t->child->local_ts, local, &ls);
	conf_ts_resolve(&t->child->remote_ts, remote, &rs);
	memset(&p, 0, sizeof(p));
	if (t->reqid) {
		p.action = KERNEL_ALLOW;
		p.prio_class = KERNEL_PRIO_TRAP;
		p.has_tmpl = 1;
		p.tmpl.mode = t->child->mode == CONF_MODE_TRANSPORT ? KERNEL_MODE_TRANSPORT :
								       KERNEL_MODE_TUNNEL;
		p.tmpl.src = *local;
		p.tmpl.dst = *remote;
		p.tmpl.proto = IPPROTO_ESP;
		p.tmpl.reqid = t->reqid;
	} else {
		p.action = KERNEL_BLOCK;
		p.prio_class = KERNEL_PRIO_FALLBACK;
	}
	for (size_t i = 0; i < ls.n; i++)
		for (size_t j = 0; j < rs.n; j++) {
			size_t nl, nr;

			if (ls.ts[i].type != rs.ts[j].type)
				continue;
			nl = ts_to_prefixes(&ls.ts[i], lp, 254);
			nr = ts_to_prefixes(&rs.ts[j], rp, 254);
			for (size_t a = 0; a < nl && a < 254; a++)
				for (size_t b = 0; b < nr && b < 254; b++) {
					memset(&p.sel, 0, sizeof(p.sel));
					addr_set_bytes(&p.sel.src, lp[a].family, lp[a].addr, 0);
					addr_set_bytes(&p.sel.dst, rp[b].family, rp[b].addr, 0);
					p.sel.src_plen = lp[a].len;
					p.sel.dst_plen = rp[b].len;
					p.sel.proto = ls.ts[i].ip_proto ? ls.ts[i].ip_proto :
									 rs.ts[j].ip_proto;
					kernel_port_range(ls.ts[i].start_port, ls.ts[i].end_port,
							  &p.sel.sport, &p.sel.sport_mask);
					kernel_port_range(rs.ts[j].start_port, rs.ts[j].end_port,
							  &p.sel.dport, &p.sel.dport_mask);
					if (trap_pair(e, t, &p, adopt) < 0)
						return -1;
				}
		}
	return 0;
}

static void trap_free(struct engine *e, struct trap *t)
{
	for (size_t i = 0; i < t->npols; i++)
		kernel_del_policy(e->kernel, &t->pols[i]);
	free(t->pols);
	free(t);
}

static struct trap *trap_find(struct engine *e, const struct conf_conn *conn,
			      const struct conf_child *ch)
{
	for (struct trap *t = e->traps; t; t = t->next)
		if (t->conn == conn && t->child == ch)
			return t;
	return NULL;
}

static void trap_unlink(struct engine *e, struct trap *t)
{
	for (struct trap **pp = &e->traps; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			return;
		}
}

/* Trap (block: fail_closed) policies of one child; adopt: take over ours. */
static int standing_install(struct engine *e, const struct conf_conn *conn,
			    const struct conf_child *ch, int block, int adopt)
{
	const struct addr *local = conf_addr(conn->local_addrs, conn->nlocal_addrs);
	const struct addr *remote = conf_addr(conn->remote_addrs, conn->nremote_addrs);
	const char *what = block ? "block" : "trap";
	struct trap *t = trap_find(e, conn, ch);
	struct child_xfrm x;

	if (t && (block || t->reqid))
		return 0;
	if (!local || !remote) {
		log_err(LS_CHD, "connection %s child %s: %s policies need literal "
			"local_addrs and remote_addrs", conn->name, ch->name, what);
		return -1;
	}
	if (t)
		x = t->xfrm;
	else
		child_xfrm_resolve(e, ch, &x);
	if (t) {	/* block policies become trap policies: update, no gap */
		trap_unlink(e, t);
		free(t->pols);
		free(t);
		adopt = 1;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	t->conn = conn;
	t->child = ch;
	t->xfrm = x;
	t->reqid = block ? 0 : engine_new_reqid(e);
	if (trap_policies(e, t, local, remote, adopt) < 0) {
		log_err(LS_CHD, "connection %s child %s: %s policies refused", conn->name,
			ch->name, what);
		trap_free(e, t);
		return -1;
	}
	if (block)
		log_info(LS_CHD, "connection %s child %s: %zu block policies installed (fail_closed)",
			 conn->name, ch->name, t->npols);
	else
		log_info(LS_CHD, "connection %s child %s: %zu trap policies installed (reqid %08x)",
			 conn->name, ch->name, t->npols, t->reqid);
	t->next = e->traps;
	e->traps = t;
	return 0;
}

int trap_install_child(struct engine *e, const struct conf_conn *conn,
		       const struct conf_child *ch)
{
	return standing_install(e, conn, ch, 0, 0);
}

static int conn_install(struct engine *e, const struct conf_conn *conn, int adopt)
{
	int rc = 0;

	for (size_t k = 0; k < conn->nchildren; k++) {
		const struct conf_child *ch = &conn->children[k];
		int trap = ch->start_action == CONF_START_TRAP;

		if ((trap || ch->fail_closed) &&
		    standing_install(e, conn, ch, !trap, adopt) < 0)
			rc = -1;
	}
	return rc;
}

int trap_install_conn(struct engine *e, const struct conf_conn *conn)
{
	return conn_install(e, conn, 0);
}

int trap_install_all(struct engine *e, int adopt)
{
	int rc = 0;

	for (size_t i = 0; i < e->cfg->nconns; i++)
		if (conn_install(e, &e->cfg->conns[i], adopt) < 0)
			rc = -1;
	return rc;
}

size_t trap_remove_child(struct engine *e, const char *conn, const char *child)
{
	struct trap **pp = &e->traps;
	size_t n = 0;

	while (*pp) {
		struct trap *t = *pp;

		if ((!conn || strcmp(t->conn->name, conn) == 0) &&
		    (!child || strcmp(t->child->name, child) == 0)) {
			*pp = t->next;
			trap_free(e, t);
			n++;
		} else {
			pp = &t->next;
		}
	}
	return n;
}

size_t trap_uninstall(struct engine *e, const struct conf_conn *conn, const struct conf_child *only)
{
	size_t n = 0;

	for (size_t k = 0; k < conn->nchildren; k++) {
		const struct conf_child *ch = &conn->children[k];
		struct trap *t = trap_find(e, conn, ch);

		if ((only && ch != only) || !t || !t->reqid)
			continue;
		trap_unlink(e, t);
		/* fail_closed: block policies take the trap policies' place, no gap */
		if (ch->fail_closed && standing_install(e, conn, ch, 1, 1) == 0) {
			free(t->pols);
			free(t);
		} else {
			trap_free(e, t);
		}
		n++;
	}
	return n;
}

void trap_remove_conn(struct engine *e, const char *conn)
{
	trap_remove_child(e, conn, NULL);
}

void trap_remove_all(struct engine *e)
{
	trap_remove_conn(e, NULL);
}

int trap_lookup(struct engine *e, uint32_t reqid, const struct conf_conn **conn,
		const struct conf_child **child)
{
	struct trap *t;

	for (t = e->traps; t && t->reqid != reqid; t = t->next)
		;
	if (!t || !reqid)
		return -1;
	*conn = t->conn;
	*child = t->child;
	return 0;
}

uint32_t trap_reqid(struct engine *e, const struct conf_conn *conn, const struct conf_child *ch,
		    const struct child_xfrm **xfrm)
{
	struct trap *t = trap_find(e, conn, ch);

	if (xfrm)
		*xfrm = t && t->reqid ? &t->xfrm : NULL;
	return t ? t->reqid : 0;
}

const struct kernel_policy *trap_standing_policy(struct engine *e,
						 const struct kernel_selector *sel,
						 enum kernel_dir dir)
{
	for (struct trap *t = e->traps; t; t = t->next)
		for (size_t i = 0; i < t->npols; i++)
			if (t->pols[i].dir == dir && kernel_selector_eq(&t->pols[i].sel, sel))
				return &t->pols[i];
	return NULL;
}

int trap_restore_policy(struct engine *e, const struct kernel_policy *p)
{
	const struct kernel_policy *s = trap_standing_policy(e, &p->sel, p->dir);

	if (!s)
		return 0;
	if (kernel_update_policy(e->kernel, s) < 0)
		e->stats.kernel_errors++;
	return 1;
}

size_t trap_reinstall_missing(struct engine *e, const struct kernel_policy_info *listed,
			      size_t n)
{
	size_t put = 0, i;

	for (struct trap *t = e->traps; t; t = t->next)
		for (size_t k = 0; k < t->npols; k++) {
			for (i = 0; i < n; i++)
				if (listed[i].dir == t->pols[k].dir &&
				    kernel_selector_eq(&listed[i].sel, &t->pols[k].sel))
					break;
			if (i < n)
				continue;
			if (kernel_update_policy(e->kernel, &t->pols[k]) < 0)
				e->stats.kernel_errors++;
			else
				put++;
		}
	return put;
}

size_t trap_shutdown(struct engine *e, int remove_others)
{
	size_t kept = 0;

	for (struct trap **pp = &e->traps; *pp;) {
		struct trap *t = *pp;

		if (!t->child->fail_closed) {
			if (remove_others) {
				*pp = t->next;
				trap_free(e, t);
			} else {
				pp = &t->next;
			}
			continue;
		}
		for (size_t i = 0; i < t->npols; i++) {
			struct kernel_policy *p = &t->pols[i];

			if (p->action != KERNEL_BLOCK) {
				p->action = KERNEL_BLOCK;
				p->prio_class = KERNEL_PRIO_FALLBACK;
				p->has_tmpl = 0;
				memset(&p->tmpl, 0, sizeof(p->tmpl));
				if (kernel_update_policy(e->kernel, p) < 0)
					e->stats.kernel_errors++;
			}
		}
		kept += t->npols;
		pp = &t->next;
	}
	return kept;
}

void trap_forget_all(struct engine *e)
{
	while (e->traps) {
		struct trap *t = e->traps;

		e->traps = t->next;
		free(t->pols);
		free(t);
	}
}

int trap_remap(struct engine *e, const struct config *newcfg)
{
	for (struct trap **pp = &e->traps; *pp;) {
		struct trap *t = *pp;
		const struct conf_conn *c = config_find_conn(newcfg, t->conn->name);
		const struct conf_child *ch = c ? config_find_child(c, t->child->name) : NULL;

		if (!ch) {
			*pp = t->next;
			trap_free(e, t);
			continue;
		}
		t->conn = c;
		t->child = ch;
		pp = &t->next;
	}
	return 0;
}
