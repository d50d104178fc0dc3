/* Interface addresses over rtnetlink: see rtnl_addr.h. */
#include "kernel/rtnl_addr.h"

#include <errno.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "common/log.h"

struct nl_msg *rtnl_addr_msg(int add, const struct addr *a, unsigned prefix, int ifindex)
{
	struct ifaddrmsg ifa = { 0 };
	struct nl_msg *msg;
	const uint8_t *b;
	size_t len;

	if (!(b = addr_bytes(a, &len)) || prefix > len * 8 || ifindex <= 0)
		return NULL;
	ifa.ifa_family = (uint8_t)addr_family(a);
	ifa.ifa_prefixlen = (uint8_t)prefix;
	ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	ifa.ifa_index = (uint32_t)ifindex;
	msg = nlmsg_alloc_simple(add ? RTM_NEWADDR : RTM_DELADDR,
				 add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	if (!msg)
		return NULL;
	if (nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, IFA_LOCAL, (int)len, b) < 0 || nla_put(msg, IFA_ADDRESS, (int)len, b) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int rtnl_addr_change(int add, const struct addr *a, unsigned prefix, const char *ifname)
{
	unsigned idx = if_nametoindex(ifname);
	struct nl_sock *s = NULL;
	struct nl_msg *msg = NULL;
	int err;

	if (!idx)
		return -ENODEV;
	if (!(msg = rtnl_addr_msg(add, a, prefix, (int)idx)) || !(s = nl_socket_alloc())) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = nl_connect(s, NETLINK_ROUTE)) < 0 || (err = nl_send_auto(s, msg)) < 0 ||
	    (err = nl_wait_for_ack(s)) < 0) {
		/* libnl's codes are not errnos: map the ones callers tell apart */
		err = err == -NLE_EXIST ? -EEXIST : err == -NLE_NOADDR ? -EADDRNOTAVAIL :
		      err == -NLE_PERM ? -EPERM : -EIO;
		goto out;
	}
	err = 0;
out:
	nlmsg_free(msg);
	nl_socket_free(s);
	return err;
}
