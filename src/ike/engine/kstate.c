/*
 * The kernel state ikedaemon owns (kernel.h: our reqid range and priority
 * band) across its own life:
 *  - start-up: what an earlier run left (after kill -9, a crash, or the
 *    fail_closed block policies of a clean stop) is listed first; the
 *    standing policies (trap.c) are installed over it (adopting those
 *    already there, so there is no gap); every other policy and every SA
 *    of ours is removed.  One summary log line.
 *  - resync (netlink overrun: events were lost): the kernel is listed
 *    again; missing standing policies are put back and a CHILD SA whose
 *    kernel SA is gone is handled as a lost hard EXPIRE.
 *  - shutdown: fail_closed children keep block policies for their
 *    selectors (trap_shutdown); everything else of ours is removed.
 *    `ikedaemon --flush` removes the rest deliberately.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine/exchange.h"

struct listing {
	struct kernel_policy_info *pols;
	size_t npols;
	struct kernel_sa_info *sas;
	size_t nsas;
	int oom;
};

static void take_sa(const struct kernel_sa_info *sa, void *arg)
{
	struct listing *l = arg;
	struct kernel_sa_info *n = realloc(l->sas, (l->nsas + 1) * sizeof(*n));

	if (!n) {
		l->oom = 1;
		return;
	}
	l->sas = n;
	l->sas[l->nsas++] = *sa;
}

static void take_policy(const struct kernel_policy_info *p, void *arg)
{
	struct listing *l = arg;
	struct kernel_policy_info *n = realloc(l->pols, (l->npols + 1) * sizeof(*n));

	if (!n) {
		l->oom = 1;
		return;
	}
	l->pols = n;
	l->pols[l->npols++] = *p;
}

static int list_kernel(struct engine *e, struct listing *l)
{
	int rc;

	memset(l, 0, sizeof(*l));
	rc = kernel_list_own(e->kernel, take_sa, take_policy, l);
	if (rc < 0 || l->oom) {
		if (rc != -EOPNOTSUPP)
			log_err(LS_KNL, "listing our kernel SAs and policies failed: %s",
				l->oom ? "out of memory" : strerror(-rc));
		free(l->pols);
		free(l->sas);
		return -1;
	}
	return 0;
}

static void listing_free(struct listing *l)
{
	free(l->pols);
	free(l->sas);
}

/* Removes every listed policy that is not standing, and every listed SA. */
static void remove_unwanted(struct engine *e, const struct listing *l, size_t *npols,
			    size_t *nsas)
{
	struct kernel_policy p;

	*npols = *nsas = 0;
	for (size_t i = 0; i < l->npols; i++) {
		if (trap_standing_policy(e, &l->pols[i].sel, l->pols[i].dir))
			continue;
		memset(&p, 0, sizeof(p));
		p.sel = l->pols[i].sel;
		p.dir = l->pols[i].dir;
		p.mark = l->pols[i].mark;
		p.if_id = l->pols[i].if_id;
		if (kernel_del_policy(e->kernel, &p) == 0)
			(*npols)++;
	}
	/* SPI 0: a pending ACQUIRE's placeholder, not deletable (kernel.h) */
	for (size_t i = 0; i < l->nsas; i++)
		if (l->sas[i].id.spi && kernel_del_sa(e->kernel, &l->sas[i].id) == 0)
			(*nsas)++;
}

void kernel_reconcile(struct engine *e)
{
	struct listing l;
	size_t adopted = 0, npols, nsas;

	if (list_kernel(e, &l) < 0) {
		trap_install_all(e, 0);
		return;
	}
	trap_install_all(e, 1);
	for (size_t i = 0; i < l.npols; i++)
		adopted += trap_standing_policy(e, &l.pols[i].sel, l.pols[i].dir) != NULL;
	remove_unwanted(e, &l, &npols, &nsas);
	if (l.npols || l.nsas)
		log_info(LS_KNL, "kernel state of an earlier run: %zu policies kept as standing "
			 "(trap/fail_closed), %zu policies and %zu SAs no configuration wants removed",
			 adopted, npols, nsas);
	else
		log_dbg(LS_KNL, "kernel state at start: nothing of an earlier run");
	listing_free(&l);
}

static int listed_sa(const struct listing *l, uint32_t spi, const struct addr *dst)
{
	for (size_t i = 0; i < l->nsas; i++)
		if (l->sas[i].id.spi == spi && addr_eq_host(&l->sas[i].id.dst, dst))
			return 1;
	return 0;
}

/* The ids of kernel SAs our CHILD SAs hold that the listing lacks (one per CHILD SA). */
static size_t lost_sas(struct engine *e, const struct listing *l, struct kernel_sa_id *ids,
		       size_t max)
{
	size_t n = 0;

	for (struct ike_sa *sa = e->sas; sa; sa = sa->next)
		for (struct child_sa *c = sa->children; c && n < max; c = c->next) {
			memset(&ids[n], 0, sizeof(ids[n]));
			ids[n].proto = IPPROTO_ESP;
			if (c->sa_in && !listed_sa(l, c->spi_in, &c->sa_local)) {
				ids[n].dst = c->sa_local;
				ids[n++].spi = c->spi_in;
			} else if (c->sa_out && !listed_sa(l, c->spi_out, &c->sa_remote)) {
				ids[n].dst = c->sa_remote;
				ids[n++].spi = c->spi_out;
			}
		}
	return n;
}

void kernel_resync(void *arg)
{
	static struct kernel_sa_id ids[1024];
	struct engine *e = arg;
	struct listing l;
	size_t restored, lost;

	log_warn(LS_KNL, "kernel events were lost (netlink overrun): listing the kernel again");
	if (list_kernel(e, &l) < 0)
		return;
	restored = trap_reinstall_missing(e, l.pols, l.npols);
	lost = lost_sas(e, &l, ids, sizeof(ids) / sizeof(ids[0]));
	listing_free(&l);
	/* The hard EXPIRE the kernel sent for each and we missed. */
	for (size_t i = 0; i < lost; i++)
		kevent_expire(e, &ids[i], 0, 1);
	log_info(LS_KNL, "resync: %zu standing policies put back, %zu CHILD SAs lost their "
		 "kernel SA", restored, lost);
}

void kernel_state_shutdown(struct engine *e)
{
	struct listing l;
	size_t kept = trap_shutdown(e, 1), npols = 0, nsas = 0;

	if (list_kernel(e, &l) == 0) {
		remove_unwanted(e, &l, &npols, &nsas);
		listing_free(&l);
	} else if (!kept) {
		kernel_flush_own(e->kernel);
	}
	if (kept)
		log_info(LS_KNL, "%zu block policies stay for fail_closed children until the next "
			 "start (ikedaemon --flush removes them)", kept);
	trap_forget_all(e);
}
