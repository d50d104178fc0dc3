/*
 * XFRM multicast events -> kernel_events callbacks.  Every event's fixed
 * header is read with nlmsg_data() after a length check and its
 * attributes with nlmsg_parse() (libnl-xfrm's SA parser is not used: see
 * expire_decode).
 */
#include "kernel/xfrm_event.h"

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/xfrm.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/xfrm/sa.h>

#include "common/log.h"
#include "kernel/xfrm_msg.h"

static const enum kernel_dir dir_from_xfrm[] = {
	[XFRM_POLICY_IN] = KERNEL_DIR_IN,
	[XFRM_POLICY_OUT] = KERNEL_DIR_OUT,
	[XFRM_POLICY_FWD] = KERNEL_DIR_FWD,
};

static int dir_map(unsigned xdir, enum kernel_dir *dir)
{
	if (xdir > XFRM_POLICY_FWD)
		return -1;
	*dir = dir_from_xfrm[xdir];
	return 0;
}

int xfrm_sel_from_kernel(struct kernel_selector *s, const struct xfrm_selector *x)
{
	memset(s, 0, sizeof(*s));
	if (x->family != AF_INET && x->family != AF_INET6)
		return -1;
	addr_set_bytes(&s->src, x->family, &x->saddr, 0);
	addr_set_bytes(&s->dst, x->family, &x->daddr, 0);
	s->src_plen = x->prefixlen_s;
	s->dst_plen = x->prefixlen_d;
	s->proto = x->proto;
	s->sport = x->sport_mask ? ntohs(x->sport) : 0;
	s->dport = x->dport_mask ? ntohs(x->dport) : 0;
	return 0;
}

/* The first template names the reqid and the outer family of the SA to negotiate. */
static int acquire_decode(struct nlmsghdr *h, const struct kernel_events *ev)
{
	struct nlattr *tb[XFRMA_MAX + 1];
	const struct xfrm_user_acquire *ua;
	const struct xfrm_user_tmpl *t;
	struct kernel_acquire acq;
	int family;

	if (!nlmsg_valid_hdr(h, sizeof(*ua)) ||
	    nlmsg_parse(h, sizeof(*ua), tb, XFRMA_MAX, NULL) < 0)
		return -EINVAL;
	ua = nlmsg_data(h);
	memset(&acq, 0, sizeof(acq));
	if (!tb[XFRMA_TMPL] || nla_len(tb[XFRMA_TMPL]) < (int)sizeof(*t)) {
		log_warn(LS_KNL, "ACQUIRE without a template: ignored");
		return -EINVAL;
	}
	t = nla_data(tb[XFRMA_TMPL]);
	family = t->family ? t->family : ua->policy.sel.family;
	if (xfrm_sel_from_kernel(&acq.sel, &ua->sel) < 0 ||
	    addr_set_bytes(&acq.src, family, &ua->saddr, 0) < 0 ||
	    addr_set_bytes(&acq.dst, family, &ua->id.daddr, 0) < 0 ||
	    dir_map(ua->policy.dir, &acq.dir) < 0) {
		log_warn(LS_KNL, "ACQUIRE with family %d / direction %u: ignored",
			 family, ua->policy.dir);
		return -EINVAL;
	}
	acq.proto = ua->id.proto;
	acq.reqid = t->reqid;
	acq.policy_index = ua->policy.index;
	if (ev->on_acquire)
		ev->on_acquire(ev->arg, &acq);
	return 0;
}

/*
 * Not libnl-xfrm's SA parser: xfrmnl_sa_parse() trusts the length fields
 * inside algorithm attributes and reads past the message on a malformed
 * one (found by tests/fuzz/fuzz_kernel_event).  An EXPIRE needs only the
 * fixed header and the mark.
 */
static int expire_decode(struct nlmsghdr *h, const struct kernel_events *ev)
{
	static struct nla_policy policy[XFRMA_MAX + 1] = {
		[XFRMA_MARK] = { .minlen = sizeof(struct xfrm_mark) },
	};
	struct nlattr *tb[XFRMA_MAX + 1];
	const struct xfrm_user_expire *ue;
	struct kernel_sa_id id;

	if (!nlmsg_valid_hdr(h, sizeof(*ue)) ||
	    nlmsg_parse(h, sizeof(*ue), tb, XFRMA_MAX, policy) < 0)
		return -EINVAL;
	ue = nlmsg_data(h);
	memset(&id, 0, sizeof(id));
	if (addr_set_bytes(&id.dst, ue->state.family, &ue->state.id.daddr, 0) < 0)
		return -EINVAL;
	id.spi = ntohl(ue->state.id.spi);
	id.proto = ue->state.id.proto;
	if (tb[XFRMA_MARK]) {
		const struct xfrm_mark *m = nla_data(tb[XFRMA_MARK]);

		id.mark.value = m->v;
		id.mark.mask = m->m;
	}
	if (ev->on_expire)
		ev->on_expire(ev->arg, &id, ue->state.reqid, ue->hard);
	return 0;
}

static int polexpire_decode(struct nlmsghdr *h, const struct kernel_events *ev)
{
	const struct xfrm_user_polexpire *pe;
	struct kernel_selector sel;
	enum kernel_dir dir;

	if (!nlmsg_valid_hdr(h, sizeof(*pe)))
		return -EINVAL;
	pe = nlmsg_data(h);
	if (xfrm_sel_from_kernel(&sel, &pe->pol.sel) < 0 || dir_map(pe->pol.dir, &dir) < 0)
		return -EINVAL;
	if (ev->on_policy_expire)
		ev->on_policy_expire(ev->arg, &sel, dir, pe->pol.index, pe->hard);
	return 0;
}

static int mapping_decode(struct nlmsghdr *h, const struct kernel_events *ev)
{
	const struct xfrm_user_mapping *m;
	struct kernel_sa_id id;
	struct addr old_peer, new_peer;

	if (!nlmsg_valid_hdr(h, sizeof(*m)))
		return -EINVAL;
	m = nlmsg_data(h);
	memset(&id, 0, sizeof(id));
	if (addr_set_bytes(&id.dst, m->id.family, &m->id.daddr, 0) < 0 ||
	    addr_set_bytes(&old_peer, m->id.family, &m->old_saddr, ntohs(m->old_sport)) < 0 ||
	    addr_set_bytes(&new_peer, m->id.family, &m->new_saddr, ntohs(m->new_sport)) < 0)
		return -EINVAL;
	id.spi = ntohl(m->id.spi);
	id.proto = m->id.proto;
	if (ev->on_mapping)
		ev->on_mapping(ev->arg, &id, &old_peer, &new_peer);
	return 0;
}

int xfrm_event_decode(struct nlmsghdr *h, const struct kernel_events *ev)
{
	int err;

	switch (h->nlmsg_type) {
	case XFRM_MSG_ACQUIRE:
		err = acquire_decode(h, ev);
		break;
	case XFRM_MSG_EXPIRE:
		err = expire_decode(h, ev);
		break;
	case XFRM_MSG_POLEXPIRE:
		err = polexpire_decode(h, ev);
		break;
	case XFRM_MSG_MAPPING:
		err = mapping_decode(h, ev);
		break;
	default:
		return 1;
	}
	if (err < 0)
		log_warn(LS_KNL, "malformed XFRM event type %u (%u bytes): dropped",
			 h->nlmsg_type, h->nlmsg_len);
	return err;
}
