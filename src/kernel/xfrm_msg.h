/*
 * XFRM request builders: kernel.h structs -> netlink messages (libnl-xfrm
 * objects serialised by libnl).  Separate from sending so unit tests can
 * inspect the messages without root.  All return 0 or -errno and log why.
 */
#ifndef IKE_KERNEL_XFRM_MSG_H
#define IKE_KERNEL_XFRM_MSG_H

#include <netlink/msg.h>

#include "kernel/kernel.h"

/* cmd: XFRM_MSG_NEWSA or XFRM_MSG_UPDSA */
int xfrm_msg_sa(int cmd, const struct kernel_sa *sa, struct nl_msg **out);
/* cmd: XFRM_MSG_DELSA or XFRM_MSG_GETSA */
int xfrm_msg_sa_id(int cmd, const struct kernel_sa_id *id, struct nl_msg **out);
int xfrm_msg_allocspi(const struct addr *src, const struct addr *dst, uint8_t proto,
		      uint32_t reqid, uint32_t min, uint32_t max, struct nl_msg **out);
/* cmd: XFRM_MSG_NEWPOLICY, XFRM_MSG_UPDPOLICY or XFRM_MSG_DELPOLICY */
int xfrm_msg_policy(int cmd, const struct kernel_policy *p, struct nl_msg **out);

/*
 * xfrm_move.c: got (the kernel's GETSA answer for an SA) rewritten to
 * to's addresses and encapsulation ports: UPDSA when both addresses stay
 * (*replace 0: only the ports change), else NEWSA (*replace 1: the caller
 * deletes the old SA).  *out holds keys: clear it before freeing.
 */
int xfrm_msg_move(const struct nlmsghdr *got, const struct kernel_sa_move *to,
		  struct nl_msg **out, int *replace);

/* struct addr -> xfrm_address_t layout (16 bytes, zero-padded). */
int xfrm_addr_to_raw(const struct addr *a, void *raw16);
const char *xfrm_proto_name(uint8_t proto);

#endif
