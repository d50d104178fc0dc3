/*
 * Moving an installed SA (kernel_move_sa): the SA as the kernel listed it
 * (a GETSA answer) becomes the request that re-installs it with new outer
 * addresses and UDP encapsulation ports.  The keys never leave that one
 * buffer, which the caller clears.  Separate from sending so unit tests
 * can check the rewrite without root.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/udp.h>
#include <linux/xfrm.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "common/log.h"
#include "common/secret.h"
#include "kernel/xfrm_msg.h"

#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif

int xfrm_msg_move(const struct nlmsghdr *got, const struct kernel_sa_move *to,
		  struct nl_msg **out, int *replace)
{
	const struct xfrm_usersa_info *gi;
	struct nlattr *tb[XFRMA_MAX + 1], *a;
	struct xfrm_usersa_info *info;
	struct xfrm_encap_tmpl et;
	struct nlmsghdr *h;
	uint8_t src[16], dst[16];
	size_t datalen;
	int encap = to->encap_sport || to->encap_dport, rem;

	*out = NULL;
	if (!nlmsg_valid_hdr(got, sizeof(*gi)) || got->nlmsg_type != XFRM_MSG_NEWSA ||
	    nlmsg_parse((struct nlmsghdr *)got, sizeof(*gi), tb, XFRMA_MAX, NULL) < 0)
		return -EINVAL;
	/* attributes up to the end, nothing after them (an attribute we
	 * append must follow the last one) */
	nlmsg_for_each_attr(a, (struct nlmsghdr *)got, sizeof(*gi), rem)
		;
	if (rem > 0)
		return -EINVAL;
	gi = nlmsg_data(got);
	if (addr_family(&to->src) != gi->family || addr_family(&to->dst) != gi->family ||
	    xfrm_addr_to_raw(&to->src, src) < 0 || xfrm_addr_to_raw(&to->dst, dst) < 0) {
		log_err(LS_KNL, "move SA %08x: new addresses of another family", ntohl(gi->id.spi));
		return -EAFNOSUPPORT;
	}
	if (tb[XFRMA_ENCAP] && nla_len(tb[XFRMA_ENCAP]) < (int)sizeof(et))
		return -EINVAL;
	if (!encap && tb[XFRMA_ENCAP]) {
		/* the kernel cannot drop a state's encapsulation in place */
		log_err(LS_KNL, "move SA %08x: UDP encapsulation cannot be removed",
			ntohl(gi->id.spi));
		return -EOPNOTSUPP;
	}
	*replace = memcmp(&gi->id.daddr, dst, sizeof(dst)) != 0 ||
		   memcmp(&gi->saddr, src, sizeof(src)) != 0;
	/* room for an encapsulation the SA did not have yet */
	datalen = (size_t)nlmsg_datalen(got);
	*out = nlmsg_alloc_size(NLMSG_ALIGN(got->nlmsg_len) + nla_total_size(sizeof(et)) + 64);
	if (!*out)
		return -ENOMEM;
	h = nlmsg_put(*out, 0, 0, *replace ? XFRM_MSG_NEWSA : XFRM_MSG_UPDSA, (int)datalen,
		      NLM_F_REQUEST | NLM_F_ACK);
	if (!h) {
		nlmsg_free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	memcpy(nlmsg_data(h), nlmsg_data(got), datalen);
	info = nlmsg_data(h);
	memcpy(&info->id.daddr, dst, sizeof(dst));
	memcpy(&info->saddr, src, sizeof(src));
	if (nlmsg_parse(h, sizeof(*info), tb, XFRMA_MAX, NULL) < 0)
		goto bad;
	memset(&et, 0, sizeof(et));
	et.encap_type = UDP_ENCAP_ESPINUDP;
	et.encap_sport = htons(to->encap_sport);
	et.encap_dport = htons(to->encap_dport);
	if (tb[XFRMA_ENCAP]) {
		struct xfrm_encap_tmpl *cur = nla_data(tb[XFRMA_ENCAP]);

		cur->encap_sport = et.encap_sport;
		cur->encap_dport = et.encap_dport;
	} else if (encap && nla_put(*out, XFRMA_ENCAP, sizeof(et), &et) < 0) {
		goto bad;
	}
	return 0;
bad:
	memzero(nlmsg_hdr(*out), nlmsg_hdr(*out)->nlmsg_len);
	nlmsg_free(*out);
	*out = NULL;
	return -EINVAL;
}
