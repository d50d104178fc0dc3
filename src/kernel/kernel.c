/* Backend-independent part of the kernel interface. */
#include "kernel/kernel.h"

#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/ipsec.h>
#include <linux/xfrm.h>

#include "common/log.h"

uint16_t kernel_port_mask(uint16_t port, uint16_t mask)
{
	return mask ? mask : port ? 0xffff : 0;
}

void kernel_port_range(uint16_t lo, uint16_t hi, uint16_t *port, uint16_t *mask)
{
	uint16_t diff = (uint16_t)(lo ^ hi), m = 0xffff;

	while (diff) {		/* clear the mask from the highest differing bit down */
		diff >>= 1;
		m = (uint16_t)(m << 1);
	}
	*mask = m;
	*port = (uint16_t)(lo & m);
}

int kernel_selector_eq(const struct kernel_selector *a, const struct kernel_selector *b)
{
	return addr_eq_host(&a->src, &b->src) && addr_eq_host(&a->dst, &b->dst) &&
	       a->src_plen == b->src_plen && a->dst_plen == b->dst_plen &&
	       a->proto == b->proto && a->sport == b->sport && a->dport == b->dport &&
	       kernel_port_mask(a->sport, a->sport_mask) == kernel_port_mask(b->sport, b->sport_mask) &&
	       kernel_port_mask(a->dport, a->dport_mask) == kernel_port_mask(b->dport, b->dport_mask);
}

void kernel_free(struct kernel *k)
{
	if (k)
		k->ops->free(k);
}

int kernel_alloc_spi(struct kernel *k, const struct addr *src, const struct addr *dst,
		     uint8_t proto, uint32_t reqid, uint32_t min, uint32_t max, uint32_t *spi)
{
	return k->ops->alloc_spi(k, src, dst, proto, reqid, min, max, spi);
}

int kernel_add_sa(struct kernel *k, const struct kernel_sa *sa)
{
	return k->ops->add_sa(k, sa);
}

int kernel_update_sa(struct kernel *k, const struct kernel_sa *sa)
{
	return k->ops->update_sa(k, sa);
}

int kernel_del_sa(struct kernel *k, const struct kernel_sa_id *id)
{
	return k->ops->del_sa(k, id);
}

int kernel_move_sa(struct kernel *k, const struct kernel_sa_id *id,
		   const struct kernel_sa_move *to)
{
	return k->ops->move_sa(k, id, to);
}

int kernel_query_sa(struct kernel *k, const struct kernel_sa_id *id, struct kernel_sa_stats *st)
{
	return k->ops->query_sa(k, id, st);
}

int kernel_add_policy(struct kernel *k, const struct kernel_policy *p)
{
	return k->ops->add_policy(k, p);
}

int kernel_update_policy(struct kernel *k, const struct kernel_policy *p)
{
	return k->ops->update_policy(k, p);
}

int kernel_del_policy(struct kernel *k, const struct kernel_policy *p)
{
	return k->ops->del_policy(k, p);
}

int kernel_add_addr(struct kernel *k, const struct addr *a, unsigned prefix, const char *ifname)
{
	return k->ops->add_addr ? k->ops->add_addr(k, a, prefix, ifname) : -EOPNOTSUPP;
}

int kernel_del_addr(struct kernel *k, const struct addr *a, unsigned prefix, const char *ifname)
{
	return k->ops->del_addr ? k->ops->del_addr(k, a, prefix, ifname) : -EOPNOTSUPP;
}

int kernel_flush_own(struct kernel *k)
{
	return k->ops->flush_own(k);
}

int kernel_list_own(struct kernel *k, kernel_sa_info_fn sa_fn, kernel_policy_info_fn pol_fn,
		    void *arg)
{
	if (!k->ops->list_own)
		return -EOPNOTSUPP;
	return k->ops->list_own(k, sa_fn, pol_fn, arg);
}

int kernel_event_fd(struct kernel *k)
{
	return k->ops->event_fd(k);
}

int kernel_dispatch(struct kernel *k)
{
	return k->ops->dispatch(k);
}

/*
 * XFRM picks the matching policy with the lowest priority value.  Each class
 * owns 0x1000 values; inside it, every prefix bit, a protocol and a port
 * make the policy more specific, so a /32 host policy beats a /24 subnet
 * policy of the same class, as with routes.
 */
uint32_t kernel_policy_priority(const struct kernel_policy *p)
{
	unsigned plens = p->sel.src_plen + p->sel.dst_plen;	/* 0..256 */
	unsigned spec;

	/* a fixed priority needs our template to stay recognisable as ours */
	if (p->priority && p->has_tmpl && p->action != KERNEL_BLOCK)
		return p->priority;

	if (plens > 256)
		plens = 256;
	spec = (256 - plens) << 2;
	if (!p->sel.proto)
		spec |= 2;
	if (!kernel_port_mask(p->sel.sport, p->sel.sport_mask) &&
	    !kernel_port_mask(p->sel.dport, p->sel.dport_mask))
		spec |= 1;
	return KERNEL_PRIO_MIN + ((uint32_t)(p->prio_class & 3) << 12) + spec;
}

int kernel_reqid_is_own(uint32_t reqid)
{
	return reqid >= KERNEL_REQID_MIN && reqid <= KERNEL_REQID_MAX;
}

int kernel_prio_is_own(uint32_t prio)
{
	return prio >= KERNEL_PRIO_MIN && prio <= KERNEL_PRIO_MAX;
}

int kernel_policy_is_own(uint32_t prio, int has_tmpl, int tmpl_foreign)
{
	return !tmpl_foreign && (kernel_prio_is_own(prio) || has_tmpl);
}

/*
 * A socket policy with action ALLOW and no template takes precedence over
 * the SPD, so IKE packets never get caught by our own trap policies.
 */
int kernel_bypass_socket(int fd, int family)
{
	static const int dirs[] = { XFRM_POLICY_IN, XFRM_POLICY_OUT };
	struct xfrm_userpolicy_info pol;
	int level = family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
	int opt = family == AF_INET6 ? IPV6_XFRM_POLICY : IP_XFRM_POLICY;

	if (family != AF_INET && family != AF_INET6) {
		log_err(LS_KNL, "bypass policy on fd %d: family %d is neither IPv4 nor IPv6",
			fd, family);
		return -EINVAL;
	}
	for (size_t i = 0; i < 2; i++) {
		memset(&pol, 0, sizeof(pol));
		pol.action = XFRM_POLICY_ALLOW;
		pol.sel.family = (uint16_t)family;
		pol.dir = (uint8_t)dirs[i];
		pol.lft.soft_byte_limit = pol.lft.hard_byte_limit = XFRM_INF;
		pol.lft.soft_packet_limit = pol.lft.hard_packet_limit = XFRM_INF;
		if (setsockopt(fd, level, opt, &pol, sizeof(pol)) < 0) {
			int err = errno;

			log_err(LS_KNL, "bypass policy (%s) on fd %d: %s", i ? "out" : "in",
				fd, strerror(err));
			return -err;
		}
	}
	return 0;
}
