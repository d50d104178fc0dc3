/* Decoding of XFRM multicast events (ACQUIRE, EXPIRE, POLEXPIRE, MAPPING). */
#ifndef IKE_KERNEL_XFRM_EVENT_H
#define IKE_KERNEL_XFRM_EVENT_H

#include <linux/netlink.h>
#include <linux/xfrm.h>

#include "kernel/kernel.h"

/* 0: a callback ran; 1: not an event type we handle; -EINVAL: malformed. */
int xfrm_event_decode(struct nlmsghdr *h, const struct kernel_events *ev);
int xfrm_sel_from_kernel(struct kernel_selector *s, const struct xfrm_selector *x);

#endif
