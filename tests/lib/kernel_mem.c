/* The in-memory kernel test double (see kernel_mem.h). */
#include "lib/kernel_mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/eventfd.h>

#include "common/secret.h"
#include "kernel/xfrm_alg.h"

enum mem_event_type { EV_ACQUIRE, EV_EXPIRE, EV_MAPPING, EV_RESYNC };

struct mem_event {
	enum mem_event_type type;
	struct kernel_acquire acq;
	struct kernel_sa_id id;
	uint32_t reqid;
	int hard;
	struct addr old_peer, new_peer;
};

struct mem_sa {
	struct kernel_sa sa;
	struct kernel_sa_stats st;
	int larval;		/* from alloc_spi, not yet completed */
};

struct mem_kernel {
	struct kernel base;
	struct mem_sa *sas;
	size_t nsas, capsas;
	struct kernel_policy *pols;
	size_t npols, cappols;
	struct mem_event *evs;
	size_t nevs, capevs;
	int efd;
	int fail_err;
	uint32_t next_spi;
	struct addr addrs[8];	/* interface addresses (virtual IPs) */
	size_t naddrs;
	size_t moves;		/* kernel_move_sa calls that succeeded */
};

static struct mem_kernel *mk_of(struct kernel *k)
{
	return (struct mem_kernel *)k;
}

/* Grows *arr (of elem bytes) to hold one more; -ENOMEM on failure. */
static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	void *p;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static int injected_failure(struct mem_kernel *mk)
{
	int err = mk->fail_err;

	mk->fail_err = 0;
	return err ? -err : 0;
}

static int id_eq(const struct kernel_sa_id *a, const struct kernel_sa_id *b)
{
	return a->spi == b->spi && a->proto == b->proto && addr_eq_host(&a->dst, &b->dst) &&
	       a->mark.value == b->mark.value && a->mark.mask == b->mark.mask;
}

static struct mem_sa *sa_find(struct mem_kernel *mk, const struct kernel_sa_id *id)
{
	for (size_t i = 0; i < mk->nsas; i++)
		if (id_eq(&mk->sas[i].sa.id, id))
			return &mk->sas[i];
	return NULL;
}

static int sel_eq(const struct kernel_selector *a, const struct kernel_selector *b)
{
	return addr_eq_host(&a->src, &b->src) && addr_eq_host(&a->dst, &b->dst) &&
	       a->src_plen == b->src_plen && a->dst_plen == b->dst_plen &&
	       a->proto == b->proto && a->sport == b->sport && a->dport == b->dport &&
	       kernel_port_mask(a->sport, a->sport_mask) == kernel_port_mask(b->sport, b->sport_mask) &&
	       kernel_port_mask(a->dport, a->dport_mask) == kernel_port_mask(b->dport, b->dport_mask);
}

static struct kernel_policy *pol_find(struct mem_kernel *mk, const struct kernel_policy *key)
{
	for (size_t i = 0; i < mk->npols; i++) {
		struct kernel_policy *p = &mk->pols[i];

		if (p->dir == key->dir && sel_eq(&p->sel, &key->sel) && p->if_id == key->if_id &&
		    p->mark.value == key->mark.value && p->mark.mask == key->mark.mask)
			return p;
	}
	return NULL;
}

/* The checks the XFRM backend makes before it talks to the kernel. */
static int sa_valid(const struct kernel_sa *sa)
{
	const struct xfrm_encr_alg *e;
	const struct xfrm_integ_alg *i;

	if (!kernel_reqid_is_own(sa->reqid) || addr_family(&sa->src) != addr_family(&sa->id.dst))
		return -EINVAL;
	if (sa->id.proto != IPPROTO_ESP && sa->id.proto != IPPROTO_AH)
		return -EINVAL;
	if (sa->id.proto == IPPROTO_ESP) {
		e = xfrm_encr_lookup(sa->encr);
		if (!e || !xfrm_encr_key_ok(e, sa->enc_key_len) || (e->aead && sa->integ))
			return -EINVAL;
	}
	if (sa->integ) {
		i = xfrm_integ_lookup(sa->integ);
		if (!i || i->key_len != sa->int_key_len)
			return -EINVAL;
	}
	return 0;
}

static int m_alloc_spi(struct kernel *k, const struct addr *src, const struct addr *dst,
		       uint8_t proto, uint32_t reqid, uint32_t min, uint32_t max, uint32_t *spi)
{
	struct mem_kernel *mk = mk_of(k);
	struct mem_sa *m;
	int err = injected_failure(mk);

	if (err)
		return err;
	if (!kernel_reqid_is_own(reqid) || min > max || min < 256)
		return -EINVAL;
	if (grow((void **)&mk->sas, &mk->capsas, mk->nsas, sizeof(*mk->sas)) < 0)
		return -ENOMEM;
	/* Deterministic: tests can predict SPIs. */
	if (mk->next_spi < min || mk->next_spi > max)
		mk->next_spi = min;
	*spi = mk->next_spi++;
	m = &mk->sas[mk->nsas++];
	memset(m, 0, sizeof(*m));
	m->sa.id.dst = *dst;
	m->sa.id.spi = *spi;
	m->sa.id.proto = proto;
	m->sa.src = *src;
	m->sa.reqid = reqid;
	m->larval = 1;
	return 0;
}

static int m_add_sa(struct kernel *k, const struct kernel_sa *sa)
{
	struct mem_kernel *mk = mk_of(k);
	struct mem_sa *m;
	int err = injected_failure(mk);

	if (err || (err = sa_valid(sa)) < 0)
		return err;
	if (sa_find(mk, &sa->id))
		return -EEXIST;
	if (grow((void **)&mk->sas, &mk->capsas, mk->nsas, sizeof(*mk->sas)) < 0)
		return -ENOMEM;
	m = &mk->sas[mk->nsas++];
	memset(m, 0, sizeof(*m));
	m->sa = *sa;
	return 0;
}

static int m_update_sa(struct kernel *k, const struct kernel_sa *sa)
{
	struct mem_kernel *mk = mk_of(k);
	struct mem_sa *m;
	int err = injected_failure(mk);

	if (err || (err = sa_valid(sa)) < 0)
		return err;
	m = sa_find(mk, &sa->id);
	if (!m) {
		/* as XFRM: a larval SA (no mark) takes the completed SA's mark */
		struct kernel_sa_id bare = sa->id;

		memset(&bare.mark, 0, sizeof(bare.mark));
		m = sa_find(mk, &bare);
		if (!m || !m->larval)
			return -ESRCH;
	}
	m->sa = *sa;
	m->larval = 0;
	return 0;
}

static int m_del_sa(struct kernel *k, const struct kernel_sa_id *id)
{
	struct mem_kernel *mk = mk_of(k);
	struct mem_sa *m;
	int err = injected_failure(mk);

	if (err)
		return err;
	m = sa_find(mk, id);
	if (!m)
		return -ESRCH;
	*m = mk->sas[--mk->nsas];
	return 0;
}

static int m_move_sa(struct kernel *k, const struct kernel_sa_id *id,
		     const struct kernel_sa_move *to)
{
	struct mem_kernel *mk = mk_of(k);
	struct kernel_sa_id nid = *id;
	struct mem_sa *m;
	int err = injected_failure(mk);

	if (err)
		return err;
	m = sa_find(mk, id);
	if (!m || m->larval)
		return -ESRCH;
	if (addr_family(&to->src) != addr_family(&m->sa.src) ||
	    addr_family(&to->dst) != addr_family(&m->sa.id.dst))
		return -EAFNOSUPPORT;
	/* as XFRM: encapsulation is changed, not removed, in place */
	if ((m->sa.encap_sport || m->sa.encap_dport) && !to->encap_sport && !to->encap_dport)
		return -EOPNOTSUPP;
	nid.dst = to->dst;
	if (!id_eq(id, &nid) && sa_find(mk, &nid))
		return -EEXIST;
	m->sa.id.dst = to->dst;
	m->sa.src = to->src;
	m->sa.encap_sport = to->encap_sport;
	m->sa.encap_dport = to->encap_dport;
	mk->moves++;
	return 0;
}

static int m_query_sa(struct kernel *k, const struct kernel_sa_id *id, struct kernel_sa_stats *st)
{
	struct mem_kernel *mk = mk_of(k);
	struct mem_sa *m;
	int err = injected_failure(mk);

	if (err)
		return err;
	m = sa_find(mk, id);
	if (!m)
		return -ESRCH;
	*st = m->st;
	return 0;
}

static int pol_valid(const struct kernel_policy *p)
{
	int fam = addr_family(&p->sel.src);

	if ((fam != AF_INET && fam != AF_INET6) || addr_family(&p->sel.dst) != fam ||
	    p->dir > KERNEL_DIR_FWD)
		return -EINVAL;
	if (p->has_tmpl && p->action == KERNEL_ALLOW && !kernel_reqid_is_own(p->tmpl.reqid))
		return -EINVAL;
	return 0;
}

static int m_add_policy(struct kernel *k, const struct kernel_policy *p)
{
	struct mem_kernel *mk = mk_of(k);
	int err = injected_failure(mk);

	if (err || (err = pol_valid(p)) < 0)
		return err;
	if (pol_find(mk, p))
		return -EEXIST;
	if (grow((void **)&mk->pols, &mk->cappols, mk->npols, sizeof(*mk->pols)) < 0)
		return -ENOMEM;
	mk->pols[mk->npols++] = *p;
	return 0;
}

static int m_update_policy(struct kernel *k, const struct kernel_policy *p)
{
	struct mem_kernel *mk = mk_of(k);
	struct kernel_policy *old;
	int err = injected_failure(mk);

	if (err || (err = pol_valid(p)) < 0)
		return err;
	old = pol_find(mk, p);
	if (old) {
		*old = *p;
		return 0;
	}
	return m_add_policy(k, p);
}

static int m_del_policy(struct kernel *k, const struct kernel_policy *p)
{
	struct mem_kernel *mk = mk_of(k);
	struct kernel_policy *old;
	int err = injected_failure(mk);

	if (err)
		return err;
	old = pol_find(mk, p);
	if (!old)
		return -ENOENT;
	*old = mk->pols[--mk->npols];
	return 0;
}

static int m_flush_own(struct kernel *k)
{
	struct mem_kernel *mk = mk_of(k);
	int err = injected_failure(mk);

	if (err)
		return err;
	mk->nsas = 0;
	mk->npols = 0;
	return 0;
}

static int m_event_fd(struct kernel *k)
{
	return mk_of(k)->efd;
}

static int m_dispatch(struct kernel *k)
{
	struct mem_kernel *mk = mk_of(k);
	const struct kernel_events *ev = &k->ev;
	uint64_t v;
	size_t i;

	if (read(mk->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return -errno;
	/* Callbacks may inject more events: deliver by index, not by pointer. */
	for (i = 0; i < mk->nevs; i++) {
		struct mem_event e = mk->evs[i];

		if (e.type == EV_ACQUIRE && ev->on_acquire)
			ev->on_acquire(ev->arg, &e.acq);
		else if (e.type == EV_EXPIRE && ev->on_expire)
			ev->on_expire(ev->arg, &e.id, e.reqid, e.hard);
		else if (e.type == EV_MAPPING && ev->on_mapping)
			ev->on_mapping(ev->arg, &e.id, &e.old_peer, &e.new_peer);
		else if (e.type == EV_RESYNC && ev->on_resync)
			ev->on_resync(ev->arg);
	}
	mk->nevs = 0;
	return 0;
}

static int queue(struct mem_kernel *mk, const struct mem_event *e)
{
	uint64_t one = 1;

	if (grow((void **)&mk->evs, &mk->capevs, mk->nevs, sizeof(*mk->evs)) < 0)
		return -ENOMEM;
	mk->evs[mk->nevs++] = *e;
	return write(mk->efd, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}

int kernel_mem_inject_acquire(struct kernel *k, const struct kernel_acquire *acq)
{
	struct mem_event e = { .type = EV_ACQUIRE, .acq = *acq };

	return queue(mk_of(k), &e);
}

/* Like the kernel: a hard expire removes the SA before it is reported. */
int kernel_mem_inject_expire(struct kernel *k, const struct kernel_sa_id *id, int hard)
{
	struct mem_kernel *mk = mk_of(k);
	struct mem_event e = { .type = EV_EXPIRE, .id = *id, .hard = hard };
	struct mem_sa *m = sa_find(mk, id);

	if (!m)
		return -ESRCH;
	e.reqid = m->sa.reqid;
	if (hard)
		*m = mk->sas[--mk->nsas];
	return queue(mk, &e);
}

int kernel_mem_inject_mapping(struct kernel *k, const struct kernel_sa_id *id,
			      const struct addr *old_peer, const struct addr *new_peer)
{
	struct mem_event e = { .type = EV_MAPPING, .id = *id, .old_peer = *old_peer,
			       .new_peer = *new_peer };

	return queue(mk_of(k), &e);
}

int kernel_mem_inject_resync(struct kernel *k)
{
	struct mem_event e = { .type = EV_RESYNC };

	return queue(mk_of(k), &e);
}

size_t kernel_mem_sa_count(struct kernel *k)
{
	return mk_of(k)->nsas;
}

size_t kernel_mem_policy_count(struct kernel *k)
{
	return mk_of(k)->npols;
}

int kernel_mem_restart(struct kernel *k)
{
	struct mem_kernel *mk = mk_of(k);

	if (mk->nsas || mk->npols || mk->nevs)
		return -1;
	mk->next_spi = 0xc0000001u;
	mk->fail_err = 0;
	return 0;
}

const struct kernel_sa *kernel_mem_find_sa(struct kernel *k, const struct kernel_sa_id *id)
{
	struct mem_sa *m = sa_find(mk_of(k), id);

	return m ? &m->sa : NULL;
}

const struct kernel_policy *kernel_mem_find_policy(struct kernel *k,
						   const struct kernel_policy *key)
{
	return pol_find(mk_of(k), key);
}

int kernel_mem_set_stats(struct kernel *k, const struct kernel_sa_id *id,
			 const struct kernel_sa_stats *st)
{
	struct mem_sa *m = sa_find(mk_of(k), id);

	if (!m)
		return -1;
	m->st = *st;
	return 0;
}

size_t kernel_mem_moves(struct kernel *k)
{
	return mk_of(k)->moves;
}

void kernel_mem_fail_next(struct kernel *k, int err)
{
	mk_of(k)->fail_err = err;
}

static void m_free(struct kernel *k)
{
	struct mem_kernel *mk = mk_of(k);

	if (mk->efd >= 0)
		close(mk->efd);
	/* SAs hold key copies: clear before release. */
	if (mk->sas)
		memzero(mk->sas, mk->capsas * sizeof(*mk->sas));
	free(mk->sas);
	free(mk->pols);
	free(mk->evs);
	free(mk);
}

static int m_list_own(struct kernel *k, kernel_sa_info_fn sa_fn, kernel_policy_info_fn pol_fn,
		      void *arg)
{
	struct mem_kernel *mk = mk_of(k);

	for (size_t i = 0; i < mk->nsas && sa_fn; i++) {
		const struct kernel_sa *sa = &mk->sas[i].sa;
		const struct xfrm_encr_alg *e = xfrm_encr_lookup(sa->encr);
		const struct xfrm_integ_alg *in = sa->integ ? xfrm_integ_lookup(sa->integ) : NULL;
		struct kernel_sa_info info;

		memset(&info, 0, sizeof(info));
		info.id = sa->id;
		info.src = sa->src;
		info.reqid = sa->reqid;
		info.mode = sa->mode;
		if (e && !mk->sas[i].larval)
			snprintf(info.enc_alg, sizeof(info.enc_alg), "%s", e->kernel_name);
		if (in)
			snprintf(info.integ_alg, sizeof(info.integ_alg), "%s", in->kernel_name);
		info.bytes = mk->sas[i].st.bytes;
		info.packets = mk->sas[i].st.packets;
		sa_fn(&info, arg);
	}
	for (size_t i = 0; i < mk->npols && pol_fn; i++) {
		const struct kernel_policy *p = &mk->pols[i];
		struct kernel_policy_info info;

		memset(&info, 0, sizeof(info));
		info.sel = p->sel;
		info.dir = p->dir;
		info.priority = kernel_policy_priority(p);
		info.has_tmpl = p->has_tmpl;
		info.reqid = p->has_tmpl ? p->tmpl.reqid : 0;
		info.action = p->action;
		info.mark = p->mark;
		info.if_id = p->if_id;
		pol_fn(&info, arg);
	}
	return 0;
}

static int m_add_addr(struct kernel *k, const struct addr *a, unsigned prefix,
		      const char *ifname)
{
	struct mem_kernel *mk = mk_of(k);

	(void)prefix;
	(void)ifname;
	for (size_t i = 0; i < mk->naddrs; i++)
		if (addr_eq_host(&mk->addrs[i], a))
			return -EEXIST;
	if (mk->naddrs >= sizeof(mk->addrs) / sizeof(mk->addrs[0]))
		return -ENOSPC;
	mk->addrs[mk->naddrs++] = *a;
	return 0;
}

static int m_del_addr(struct kernel *k, const struct addr *a, unsigned prefix,
		      const char *ifname)
{
	struct mem_kernel *mk = mk_of(k);

	(void)prefix;
	(void)ifname;
	for (size_t i = 0; i < mk->naddrs; i++)
		if (addr_eq_host(&mk->addrs[i], a)) {
			mk->addrs[i] = mk->addrs[--mk->naddrs];
			return 0;
		}
	return -EADDRNOTAVAIL;
}

size_t kernel_mem_addr_count(struct kernel *k)
{
	return mk_of(k)->naddrs;
}

int kernel_mem_has_addr(struct kernel *k, const struct addr *a)
{
	struct mem_kernel *mk = mk_of(k);

	for (size_t i = 0; i < mk->naddrs; i++)
		if (addr_eq_host(&mk->addrs[i], a))
			return 1;
	return 0;
}

static const struct kernel_ops mem_ops = {
	.name = "memory",
	.free = m_free,
	.alloc_spi = m_alloc_spi,
	.add_sa = m_add_sa,
	.update_sa = m_update_sa,
	.del_sa = m_del_sa,
	.move_sa = m_move_sa,
	.query_sa = m_query_sa,
	.add_policy = m_add_policy,
	.update_policy = m_update_policy,
	.del_policy = m_del_policy,
	.flush_own = m_flush_own,
	.list_own = m_list_own,
	.event_fd = m_event_fd,
	.dispatch = m_dispatch,
	.add_addr = m_add_addr,
	.del_addr = m_del_addr,
};

struct kernel *kernel_mem_new(const struct kernel_events *ev)
{
	struct mem_kernel *mk = calloc(1, sizeof(*mk));

	if (!mk)
		return NULL;
	mk->base.ops = &mem_ops;
	if (ev)
		mk->base.ev = *ev;
	mk->next_spi = 0xc0000001u;
	mk->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (mk->efd < 0) {
		free(mk);
		return NULL;
	}
	return &mk->base;
}
