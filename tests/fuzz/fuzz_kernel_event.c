/*
 * libFuzzer target: the XFRM event decoder (ACQUIRE, EXPIRE, POLEXPIRE,
 * MAPPING) on any bytes after the netlink header, as the kernel's
 * multicast socket could deliver them.  The first input byte picks the
 * message type; the netlink length is the input's (libnl checks it
 * against the datagram before the decoder runs).  Whatever the decoder
 * hands to the callbacks must be well formed.  A NEWSA (the kernel's
 * answer to GETSA) also goes through kernel_move_sa's rewrite
 * (xfrm_move.c), which must refuse it or produce a parsable request.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include <netlink/msg.h>

#include "common/log.h"
#include "kernel/xfrm_event.h"
#include "kernel/xfrm_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint16_t types[] = {
	XFRM_MSG_ACQUIRE, XFRM_MSG_EXPIRE, XFRM_MSG_POLEXPIRE, XFRM_MSG_MAPPING,
	XFRM_MSG_NEWSA,	/* not an event: ignored */
};

static void check_addr(const struct addr *a)
{
	if (addr_family(a) != AF_INET && addr_family(a) != AF_INET6)
		abort();
}

static void check_sel(const struct kernel_selector *s)
{
	check_addr(&s->src);
	check_addr(&s->dst);
}

static void on_acquire(void *arg, const struct kernel_acquire *acq)
{
	check_sel(&acq->sel);
	check_addr(&acq->src);
	check_addr(&acq->dst);
	if (acq->dir > KERNEL_DIR_FWD)
		abort();
}

static void on_expire(void *arg, const struct kernel_sa_id *id, uint32_t reqid, int hard)
{
	check_addr(&id->dst);
}

static void on_policy_expire(void *arg, const struct kernel_selector *sel, enum kernel_dir dir,
			     uint32_t index, int hard)
{
	check_sel(sel);
	if (dir > KERNEL_DIR_FWD)
		abort();
}

static void on_mapping(void *arg, const struct kernel_sa_id *id, const struct addr *old_peer,
		       const struct addr *new_peer)
{
	check_addr(&id->dst);
	check_addr(old_peer);
	check_addr(new_peer);
}

/* The SA moved to fixed IPv4 addresses and ports. */
static void fuzz_move(struct nlmsghdr *h)
{
	struct kernel_sa_move to;
	struct nl_msg *out = NULL;
	struct nlattr *tb[XFRMA_MAX + 1];
	int replace = 0;

	memset(&to, 0, sizeof(to));
	addr_parse(&to.src, "192.0.2.1", 0);
	addr_parse(&to.dst, "192.0.2.2", 0);
	to.encap_sport = 4500;
	to.encap_dport = 40000;
	if (xfrm_msg_move(h, &to, &out, &replace) < 0) {
		if (out)
			abort();
		return;
	}
	if (!out || nlmsg_parse(nlmsg_hdr(out), sizeof(struct xfrm_usersa_info), tb, XFRMA_MAX,
				NULL) < 0 || !tb[XFRMA_ENCAP])
		abort();
	nlmsg_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct kernel_events ev = {
		on_acquire, on_expire, on_policy_expire, on_mapping, NULL, NULL,
	};
	static int quiet;
	struct nlmsghdr *h;
	size_t len;

	if (!quiet) {
		log_set_all(LL_ERROR);	/* "malformed XFRM event" on every other input */
		quiet = 1;
	}
	if (size < 1 || size > 65536)
		return 0;
	len = NLMSG_HDRLEN + size - 1;
	h = calloc(1, NLMSG_ALIGN(len));
	if (!h)
		return 0;
	h->nlmsg_len = (uint32_t)len;
	h->nlmsg_type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	memcpy((uint8_t *)h + NLMSG_HDRLEN, data + 1, size - 1);
	xfrm_event_decode(h, &ev);
	if (h->nlmsg_type == XFRM_MSG_NEWSA)
		fuzz_move(h);
	free(h);
	return 0;
}
