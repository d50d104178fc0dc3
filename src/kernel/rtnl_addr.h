/*
 * Interface addresses over rtnetlink (RTM_NEWADDR / RTM_DELADDR), for the
 * virtual IPs a gateway assigns us (RFC 7296 3.15).  libnl-3's core only:
 * the message is built apart from sending it (rtnl_addr_msg), so its
 * content can be checked without root.
 */
#ifndef IKE_KERNEL_RTNL_ADDR_H
#define IKE_KERNEL_RTNL_ADDR_H

#include <netlink/msg.h>

#include "common/addr.h"

/* NULL on a bad family or prefix (or out of memory). */
struct nl_msg *rtnl_addr_msg(int add, const struct addr *a, unsigned prefix, int ifindex);
/* 0 or -errno (-ENODEV for an unknown interface, -EEXIST, -EADDRNOTAVAIL). */
int rtnl_addr_change(int add, const struct addr *a, unsigned prefix, const char *ifname);

#endif
