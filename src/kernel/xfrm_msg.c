/*
 * Netlink XFRM requests built through libnl-xfrm objects.  Where libnl-xfrm
 * 3.7 has no setter (XFRMA_IF_ID, XFRMA_SET_MARK(_MASK),
 * XFRMA_SA_EXTRA_FLAGS) or no builder (ALLOCSPI) the attribute or header is
 * added with libnl's own nla_put/nlmsg_append.
 */
#include "kernel/xfrm_msg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/udp.h>
#include <linux/xfrm.h>
#include <netlink/xfrm/lifetime.h>
#include <netlink/xfrm/sa.h>
#include <netlink/xfrm/selector.h>
#include <netlink/xfrm/sp.h>
#include <netlink/xfrm/template.h>

#include "common/log.h"
#include "kernel/xfrm_alg.h"

#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif

/* The kernel's "no limit" (XFRM_INF). */
#define LIMIT_INF UINT64_MAX

/* Objects one build holds; released together on the single exit path. */
struct build {
	struct nl_addr *addrs[8];
	size_t naddrs;
	struct xfrmnl_sel *sel;
	struct xfrmnl_ltime_cfg *lft;
	struct xfrmnl_sa *sa;
	struct xfrmnl_sp *sp;
};

static void build_release(struct build *b)
{
	for (size_t i = 0; i < b->naddrs; i++)
		nl_addr_put(b->addrs[i]);
	if (b->sel)
		xfrmnl_sel_put(b->sel);
	if (b->lft)
		xfrmnl_ltime_cfg_put(b->lft);
	if (b->sa)
		xfrmnl_sa_put(b->sa);
	if (b->sp)
		xfrmnl_sp_put(b->sp);
}

const char *xfrm_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_ESP:
		return "esp";
	case IPPROTO_AH:
		return "ah";
	default:
		return "?";
	}
}

int xfrm_addr_to_raw(const struct addr *a, void *raw16)
{
	size_t len;
	const uint8_t *b = addr_bytes(a, &len);

	memset(raw16, 0, 16);
	if (!b)
		return -1;
	memcpy(raw16, b, len);
	return 0;
}

/* An nl_addr owned by b; NULL (logged) for a family other than IPv4/6. */
static struct nl_addr *nladdr(struct build *b, const struct addr *a, const char *what)
{
	size_t len;
	const uint8_t *raw = addr_bytes(a, &len);
	struct nl_addr *n;

	if (!raw) {
		log_err(LS_KNL, "%s: address family %d is neither IPv4 nor IPv6", what,
			addr_family(a));
		return NULL;
	}
	if (b->naddrs == sizeof(b->addrs) / sizeof(b->addrs[0]))
		return NULL;
	n = nl_addr_build(addr_family(a), raw, len);
	if (n)
		b->addrs[b->naddrs++] = n;
	return n;
}

/* The all-zero address of a family (templates and encap need one). */
static struct nl_addr *nlzero(struct build *b, int family, const char *what)
{
	struct addr z;

	memset(&z, 0, sizeof(z));
	z.u.sa.sa_family = (sa_family_t)family;
	return nladdr(b, &z, what);
}

static int sel_check(const struct kernel_selector *s, const char *what)
{
	int fam = addr_family(&s->src);
	unsigned max = fam == AF_INET ? 32 : 128;

	if (fam != AF_INET && fam != AF_INET6) {
		log_err(LS_KNL, "%s selector: family %d is neither IPv4 nor IPv6", what, fam);
		return -EINVAL;
	}
	if (addr_family(&s->dst) != fam) {
		log_err(LS_KNL, "%s selector: source family %d, destination family %d",
			what, fam, addr_family(&s->dst));
		return -EINVAL;
	}
	if (s->src_plen > max || s->dst_plen > max) {
		log_err(LS_KNL, "%s selector: prefix /%u or /%u longer than %u",
			what, s->src_plen, s->dst_plen, max);
		return -EINVAL;
	}
	return 0;
}

static int sel_build(struct build *b, const struct kernel_selector *s, const char *what)
{
	struct nl_addr *src, *dst;
	int family = addr_family(&s->src);

	if (sel_check(s, what) < 0)
		return -EINVAL;
	src = nladdr(b, &s->src, what);
	dst = nladdr(b, &s->dst, what);
	b->sel = xfrmnl_sel_alloc();
	if (!src || !dst || !b->sel)
		return -ENOMEM;
	nl_addr_set_prefixlen(src, s->src_plen);
	nl_addr_set_prefixlen(dst, s->dst_plen);
	xfrmnl_sel_set_family(b->sel, (unsigned)family);
	xfrmnl_sel_set_saddr(b->sel, src);
	xfrmnl_sel_set_daddr(b->sel, dst);
	xfrmnl_sel_set_prefixlen_s(b->sel, s->src_plen);
	xfrmnl_sel_set_prefixlen_d(b->sel, s->dst_plen);
	xfrmnl_sel_set_proto(b->sel, s->proto);
	xfrmnl_sel_set_sport(b->sel, s->sport);
	xfrmnl_sel_set_sportmask(b->sel, kernel_port_mask(s->sport, s->sport_mask));
	xfrmnl_sel_set_dport(b->sel, s->dport);
	xfrmnl_sel_set_dportmask(b->sel, kernel_port_mask(s->dport, s->dport_mask));
	return 0;
}

static uint64_t limit(uint64_t v)
{
	return v ? v : LIMIT_INF;
}

static int lft_build(struct build *b, const struct kernel_lifetime *l)
{
	b->lft = xfrmnl_ltime_cfg_alloc();
	if (!b->lft)
		return -ENOMEM;
	xfrmnl_ltime_cfg_set_soft_bytelimit(b->lft, limit(l ? l->soft_bytes : 0));
	xfrmnl_ltime_cfg_set_hard_bytelimit(b->lft, limit(l ? l->hard_bytes : 0));
	xfrmnl_ltime_cfg_set_soft_packetlimit(b->lft, limit(l ? l->soft_packets : 0));
	xfrmnl_ltime_cfg_set_hard_packetlimit(b->lft, limit(l ? l->hard_packets : 0));
	xfrmnl_ltime_cfg_set_soft_addexpires(b->lft, l ? l->soft_secs : 0);
	xfrmnl_ltime_cfg_set_hard_addexpires(b->lft, l ? l->hard_secs : 0);
	return 0;
}

static int sa_set_encr(struct xfrmnl_sa *x, const struct kernel_sa *sa, int *aead)
{
	const struct xfrm_encr_alg *alg = xfrm_encr_lookup(sa->encr);

	if (!alg) {
		log_err(LS_KNL, "SA %08x: encryption algorithm %u is unknown to the XFRM backend",
			sa->id.spi, (unsigned)sa->encr);
		return -EINVAL;
	}
	if (!xfrm_encr_key_ok(alg, sa->enc_key_len) || sa->enc_key_len > KERNEL_KEY_MAX) {
		log_err(LS_KNL, "SA %08x: %s key of %zu bytes, %s needs %u..%u bytes plus %u salt",
			sa->id.spi, alg->name, sa->enc_key_len, alg->kernel_name,
			alg->key_min, alg->key_max, alg->salt_len);
		return -EINVAL;
	}
	*aead = alg->aead;
	if (alg->aead)
		return xfrmnl_sa_set_aead_params(x, alg->kernel_name,
						 (unsigned)sa->enc_key_len * 8, alg->icv_bits,
						 (const char *)sa->enc_key);
	return xfrmnl_sa_set_crypto_params(x, alg->kernel_name, (unsigned)sa->enc_key_len * 8,
					   (const char *)sa->enc_key);
}

static int sa_set_integ(struct xfrmnl_sa *x, const struct kernel_sa *sa, int aead)
{
	const struct xfrm_integ_alg *alg;

	if (sa->integ == 0) {
		if (aead || sa->id.proto == IPPROTO_ESP)
			return 0;
		log_err(LS_KNL, "SA %08x: AH needs an integrity algorithm", sa->id.spi);
		return -EINVAL;
	}
	if (aead) {
		log_err(LS_KNL, "SA %08x: integrity algorithm %u given with a combined-mode cipher",
			sa->id.spi, (unsigned)sa->integ);
		return -EINVAL;
	}
	alg = xfrm_integ_lookup(sa->integ);
	if (!alg) {
		log_err(LS_KNL, "SA %08x: integrity algorithm %u is unknown to the XFRM backend",
			sa->id.spi, (unsigned)sa->integ);
		return -EINVAL;
	}
	if (sa->int_key_len != alg->key_len) {
		log_err(LS_KNL, "SA %08x: %s key of %zu bytes, %s needs %u",
			sa->id.spi, alg->name, sa->int_key_len, alg->kernel_name, alg->key_len);
		return -EINVAL;
	}
	return xfrmnl_sa_set_auth_params(x, alg->kernel_name, alg->key_len * 8u, alg->trunc_bits,
					 (const char *)sa->int_key);
}

/* Windows above 32 packets and ESN need the ESN replay attribute. */
static int sa_set_replay(struct xfrmnl_sa *x, const struct kernel_sa *sa, unsigned *flags)
{
	unsigned bmp_len;
	unsigned *bmp;
	int err;

	if (!sa->esn && sa->replay_window <= 32)
		return xfrmnl_sa_set_replay_window(x, sa->replay_window);
	if (sa->replay_window > 4096) {
		log_err(LS_KNL, "SA %08x: replay window %u above the kernel's 4096",
			sa->id.spi, sa->replay_window);
		return -EINVAL;
	}
	bmp_len = (sa->replay_window + 31) / 32;
	bmp = calloc(bmp_len ? bmp_len : 1, sizeof(*bmp));
	if (!bmp)
		return -ENOMEM;
	xfrmnl_sa_set_replay_window(x, 0);
	err = xfrmnl_sa_set_replay_state_esn(x, 0, 0, 0, 0, sa->replay_window, bmp_len, bmp);
	free(bmp);
	if (sa->esn)
		*flags |= XFRM_STATE_ESN;
	return err < 0 ? -ENOMEM : 0;
}

static int sa_fill(struct build *b, const struct kernel_sa *sa)
{
	int family = addr_family(&sa->src);
	struct nl_addr *src = nladdr(b, &sa->src, "SA source");
	struct nl_addr *dst = nladdr(b, &sa->id.dst, "SA destination");
	unsigned flags = 0;
	int aead = 0, err;

	if (!src || !dst)
		return -EINVAL;
	if (addr_family(&sa->id.dst) != family) {
		log_err(LS_KNL, "SA %08x: outer source and destination differ in family", sa->id.spi);
		return -EINVAL;
	}
	if (sa->id.proto != IPPROTO_ESP && sa->id.proto != IPPROTO_AH) {
		log_err(LS_KNL, "SA %08x: protocol %u is neither ESP (50) nor AH (51)",
			sa->id.spi, sa->id.proto);
		return -EINVAL;
	}
	if (!kernel_reqid_is_own(sa->reqid)) {
		log_err(LS_KNL, "SA %08x: reqid %#x outside ikedaemon's range %#x..%#x",
			sa->id.spi, sa->reqid, KERNEL_REQID_MIN, KERNEL_REQID_MAX);
		return -EINVAL;
	}
	xfrmnl_sa_set_family(b->sa, (unsigned)family);
	xfrmnl_sa_set_saddr(b->sa, src);
	xfrmnl_sa_set_daddr(b->sa, dst);
	xfrmnl_sa_set_spi(b->sa, sa->id.spi);
	xfrmnl_sa_set_proto(b->sa, sa->id.proto);
	xfrmnl_sa_set_reqid(b->sa, sa->reqid);
	xfrmnl_sa_set_mode(b->sa, sa->mode == KERNEL_MODE_TUNNEL ? XFRM_MODE_TUNNEL
								  : XFRM_MODE_TRANSPORT);
	if (sa->id.proto == IPPROTO_ESP && (err = sa_set_encr(b->sa, sa, &aead)) < 0)
		return err;
	if ((err = sa_set_integ(b->sa, sa, aead)) < 0)
		return err;
	if ((err = sa_set_replay(b->sa, sa, &flags)) < 0)
		return err;
	if (addr_family(&sa->sel.src) != AF_UNSPEC) {
		if ((err = sel_build(b, &sa->sel, "SA")) < 0)
			return err;
		xfrmnl_sa_set_sel(b->sa, b->sel);
	} else if (sa->mode == KERNEL_MODE_TUNNEL) {
		/* Any inner family: IPv4 in IPv6 and the reverse work. */
		flags |= XFRM_STATE_AF_UNSPEC;
	} else {
		log_err(LS_KNL, "SA %08x: transport mode needs a selector", sa->id.spi);
		return -EINVAL;
	}
	if ((err = lft_build(b, &sa->life)) < 0)
		return err;
	xfrmnl_sa_set_lifetime_cfg(b->sa, b->lft);
	if (sa->encap_sport || sa->encap_dport) {
		struct nl_addr *oa = nlzero(b, family, "SA encap");

		if (!oa)
			return -ENOMEM;
		xfrmnl_sa_set_encap_tmpl(b->sa, UDP_ENCAP_ESPINUDP, sa->encap_sport,
					 sa->encap_dport, oa);
	}
	if (sa->id.mark.mask)
		xfrmnl_sa_set_mark(b->sa, sa->id.mark.value, sa->id.mark.mask);
	if (sa->no_copy_ecn)
		flags |= XFRM_STATE_NOECN;
	if (sa->dscp_decap)
		flags |= XFRM_STATE_DECAP_DSCP;
	if (sa->no_copy_df)
		flags |= XFRM_STATE_NOPMTUDISC;
	xfrmnl_sa_set_flags(b->sa, flags);
	return 0;
}

/* The attributes libnl-xfrm has no setter for. */
static int sa_put_extra(struct nl_msg *m, const struct kernel_sa *sa)
{
	if (sa->if_id && nla_put_u32(m, XFRMA_IF_ID, sa->if_id) < 0)
		return -ENOMEM;
	if (sa->dscp_no_encap &&
	    nla_put_u32(m, XFRMA_SA_EXTRA_FLAGS, XFRM_SA_XFLAG_DONT_ENCAP_DSCP) < 0)
		return -ENOMEM;
	if (sa->set_mark.mask) {
		if (nla_put_u32(m, XFRMA_SET_MARK, sa->set_mark.value) < 0)
			return -ENOMEM;
		/* an all-ones mask is the kernel's default: older kernels
		 * (4.14..4.18) know no mask attribute */
		if (sa->set_mark.mask != UINT32_MAX &&
		    nla_put_u32(m, XFRMA_SET_MARK_MASK, sa->set_mark.mask) < 0)
			return -ENOMEM;
	}
	return 0;
}

int xfrm_msg_sa(int cmd, const struct kernel_sa *sa, struct nl_msg **out)
{
	struct build b = { 0 };
	int err;

	*out = NULL;
	b.sa = xfrmnl_sa_alloc();
	if (!b.sa) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = sa_fill(&b, sa)) < 0)
		goto out;
	err = cmd == XFRM_MSG_UPDSA ? xfrmnl_sa_build_update_request(b.sa, 0, out)
				    : xfrmnl_sa_build_add_request(b.sa, 0, out);
	if (err < 0) {
		log_err(LS_KNL, "SA %08x: building the request failed: %s", sa->id.spi,
			nl_geterror(err));
		err = -ENOMEM;
		goto out;
	}
	if (sa_put_extra(*out, sa) < 0) {
		nlmsg_free(*out);
		*out = NULL;
		err = -ENOMEM;
	}
out:
	build_release(&b);
	return err;
}

int xfrm_msg_sa_id(int cmd, const struct kernel_sa_id *id, struct nl_msg **out)
{
	struct build b = { 0 };
	struct nl_addr *dst;
	int err = -EINVAL;

	*out = NULL;
	dst = nladdr(&b, &id->dst, "SA destination");
	if (!dst)
		goto out;
	if (cmd == XFRM_MSG_GETSA) {
		err = xfrmnl_sa_build_get_request(dst, id->spi, id->proto, id->mark.value,
						  id->mark.mask, out);
	} else {
		b.sa = xfrmnl_sa_alloc();
		if (!b.sa) {
			err = -ENOMEM;
			goto out;
		}
		xfrmnl_sa_set_daddr(b.sa, dst);
		xfrmnl_sa_set_spi(b.sa, id->spi);
		xfrmnl_sa_set_proto(b.sa, id->proto);
		if (id->mark.mask)
			xfrmnl_sa_set_mark(b.sa, id->mark.value, id->mark.mask);
		err = xfrmnl_sa_build_delete_request(b.sa, 0, out);
	}
	if (err < 0)
		err = -ENOMEM;
out:
	build_release(&b);
	return err;
}

int xfrm_msg_allocspi(const struct addr *src, const struct addr *dst, uint8_t proto,
		      uint32_t reqid, uint32_t min, uint32_t max, struct nl_msg **out)
{
	struct xfrm_userspi_info req;
	struct nl_msg *msg;

	*out = NULL;
	memset(&req, 0, sizeof(req));
	if (xfrm_addr_to_raw(src, &req.info.saddr) < 0 ||
	    xfrm_addr_to_raw(dst, &req.info.id.daddr) < 0 ||
	    addr_family(src) != addr_family(dst)) {
		log_err(LS_KNL, "SPI allocation: addresses are not both IPv4 or both IPv6");
		return -EINVAL;
	}
	if (!kernel_reqid_is_own(reqid) || min > max || min < 256) {
		log_err(LS_KNL, "SPI allocation: reqid %#x or range %#x..%#x invalid"
			" (SPIs below 256 are reserved)", reqid, min, max);
		return -EINVAL;
	}
	req.info.family = (uint16_t)addr_family(src);
	req.info.id.proto = proto;
	req.info.mode = XFRM_MODE_TUNNEL;
	req.info.reqid = reqid;
	req.info.lft.soft_byte_limit = req.info.lft.hard_byte_limit = LIMIT_INF;
	req.info.lft.soft_packet_limit = req.info.lft.hard_packet_limit = LIMIT_INF;
	req.min = min;
	req.max = max;
	msg = nlmsg_alloc_simple(XFRM_MSG_ALLOCSPI, 0);
	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &req, sizeof(req), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	*out = msg;
	return 0;
}

static int tmpl_add(struct build *b, const struct kernel_policy *p)
{
	const struct kernel_tmpl *t = &p->tmpl;
	struct xfrmnl_user_tmpl *ut;
	struct nl_addr *src, *dst;
	int family;

	if (t->proto != IPPROTO_ESP && t->proto != IPPROTO_AH) {
		log_err(LS_KNL, "policy template: protocol %u is neither ESP nor AH", t->proto);
		return -EINVAL;
	}
	if (!kernel_reqid_is_own(t->reqid)) {
		log_err(LS_KNL, "policy template: reqid %#x outside ikedaemon's range", t->reqid);
		return -EINVAL;
	}
	if (t->mode == KERNEL_MODE_TUNNEL) {
		family = addr_family(&t->dst);
		if (addr_family(&t->src) != family) {
			log_err(LS_KNL, "policy template: tunnel endpoints differ in family");
			return -EINVAL;
		}
		src = nladdr(b, &t->src, "tunnel source");
		dst = nladdr(b, &t->dst, "tunnel destination");
	} else {
		family = addr_family(&p->sel.src);
		src = nlzero(b, family, "template");
		dst = nlzero(b, family, "template");
	}
	if (!src || !dst)
		return -EINVAL;
	ut = xfrmnl_user_tmpl_alloc();
	if (!ut)
		return -ENOMEM;
	xfrmnl_user_tmpl_set_family(ut, (unsigned)family);
	xfrmnl_user_tmpl_set_saddr(ut, src);
	xfrmnl_user_tmpl_set_daddr(ut, dst);
	xfrmnl_user_tmpl_set_proto(ut, t->proto);
	xfrmnl_user_tmpl_set_mode(ut, t->mode == KERNEL_MODE_TUNNEL ? XFRM_MODE_TUNNEL
								 : XFRM_MODE_TRANSPORT);
	xfrmnl_user_tmpl_set_reqid(ut, t->reqid);
	/* Any algorithm: the SA, not the policy, decides. */
	xfrmnl_user_tmpl_set_aalgos(ut, ~0u);
	xfrmnl_user_tmpl_set_ealgos(ut, ~0u);
	xfrmnl_user_tmpl_set_calgos(ut, ~0u);
	xfrmnl_sp_add_usertemplate(b->sp, ut);
	return 0;
}

static int policy_fill(struct build *b, int cmd, const struct kernel_policy *p)
{
	static const unsigned dirs[] = {
		[KERNEL_DIR_IN] = XFRM_POLICY_IN,
		[KERNEL_DIR_OUT] = XFRM_POLICY_OUT,
		[KERNEL_DIR_FWD] = XFRM_POLICY_FWD,
	};
	int err;

	if ((unsigned)p->dir > KERNEL_DIR_FWD) {
		log_err(LS_KNL, "policy: direction %d is not in/out/fwd", (int)p->dir);
		return -EINVAL;
	}
	if ((err = sel_build(b, &p->sel, "policy")) < 0)
		return err;
	xfrmnl_sp_set_sel(b->sp, b->sel);
	xfrmnl_sp_set_dir(b->sp, dirs[p->dir]);
	if (p->mark.mask)
		xfrmnl_sp_set_mark(b->sp, p->mark.value, p->mark.mask);
	if (cmd == XFRM_MSG_DELPOLICY)
		return 0;
	if ((err = lft_build(b, NULL)) < 0)
		return err;
	xfrmnl_sp_set_lifetime_cfg(b->sp, b->lft);
	xfrmnl_sp_set_priority(b->sp, kernel_policy_priority(p));
	xfrmnl_sp_set_action(b->sp, p->action == KERNEL_BLOCK ? XFRM_POLICY_BLOCK
							      : XFRM_POLICY_ALLOW);
	xfrmnl_sp_set_share(b->sp, XFRM_SHARE_ANY);
	if (p->has_tmpl && p->action != KERNEL_BLOCK)
		return tmpl_add(b, p);
	return 0;
}

int xfrm_msg_policy(int cmd, const struct kernel_policy *p, struct nl_msg **out)
{
	struct build b = { 0 };
	int err;

	*out = NULL;
	b.sp = xfrmnl_sp_alloc();
	if (!b.sp) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = policy_fill(&b, cmd, p)) < 0)
		goto out;
	switch (cmd) {
	case XFRM_MSG_UPDPOLICY:
		err = xfrmnl_sp_build_update_request(b.sp, 0, out);
		break;
	case XFRM_MSG_DELPOLICY:
		err = xfrmnl_sp_build_delete_request(b.sp, 0, out);
		break;
	default:
		err = xfrmnl_sp_build_add_request(b.sp, 0, out);
		break;
	}
	if (err < 0) {
		log_err(LS_KNL, "policy: building the request failed: %s", nl_geterror(err));
		err = -ENOMEM;
		goto out;
	}
	if (p->if_id && nla_put_u32(*out, XFRMA_IF_ID, p->if_id) < 0) {
		nlmsg_free(*out);
		*out = NULL;
		err = -ENOMEM;
	}
out:
	build_release(&b);
	return err;
}
