/*
 * The XFRM backend: two libnl sockets, one for requests (each waits for
 * its ACK, keeping the kernel's errno), one subscribed to the ACQUIRE and
 * EXPIRE/MAPPING multicast groups and drained by kernel_dispatch().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/xfrm.h>
#include <netlink/attr.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/msg.h>
#include <netlink/xfrm/sa.h>
#include <netlink/xfrm/sp.h>

#include "common/log.h"
#include "common/secret.h"
#include "kernel/kernel.h"
#include "kernel/rtnl_addr.h"
#include "kernel/xfrm_alg.h"
#include "kernel/xfrm_event.h"
#include "kernel/xfrm_msg.h"

/* Kernel event socket buffer: room for bursts of ACQUIREs. */
#define EVENT_RCVBUF (4 * 1024 * 1024)
/* Socket reads per kernel_dispatch() call. */
#define DISPATCH_BATCH 64

typedef int (*reply_fn)(struct nl_msg *msg, void *arg);

struct xfrm_kernel {
	struct kernel base;
	struct nl_sock *req;
	struct nl_sock *ev;
	struct nl_cb *cb;
	/* The request in flight (one at a time). */
	int done;
	int kerr;		/* errno from the kernel's NLMSG_ERROR, 0 if none */
	reply_fn on_reply;
	void *reply_arg;
};

static struct xfrm_kernel *xk_of(struct kernel *k)
{
	return (struct xfrm_kernel *)k;
}

static int cb_valid(struct nl_msg *msg, void *arg)
{
	struct xfrm_kernel *xk = arg;

	if (xk->on_reply && xk->on_reply(msg, xk->reply_arg) < 0)
		return NL_STOP;
	return NL_OK;
}

static int cb_done(struct nl_msg *msg, void *arg)
{
	struct xfrm_kernel *xk = arg;

	xk->done = 1;
	return NL_STOP;
}

static int cb_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct xfrm_kernel *xk = arg;

	xk->kerr = -e->error;
	xk->done = 1;
	return NL_STOP;
}

/* Sends msg (freed here), waits for its ACK; 0 or -errno. */
static int transact(struct xfrm_kernel *xk, struct nl_msg *msg, reply_fn fn, void *arg)
{
	int err;

	xk->done = 0;
	xk->kerr = 0;
	xk->on_reply = fn;
	xk->reply_arg = arg;
	err = nl_send_auto(xk->req, msg);
	/* SA requests carry keys: clear our copy before libnl frees it. */
	memzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	if (err < 0) {
		log_err(LS_KNL, "netlink send: %s", nl_geterror(err));
		return -EIO;
	}
	while (!xk->done) {
		err = nl_recvmsgs(xk->req, xk->cb);
		if (err < 0 && !xk->kerr) {
			log_err(LS_KNL, "netlink receive: %s", nl_geterror(err));
			return -EIO;
		}
	}
	return -xk->kerr;
}

/* Turns the kernel's errno into a message a user can act on. */
static int sa_error(int err, const char *op, const struct kernel_sa *sa)
{
	const struct xfrm_encr_alg *e = xfrm_encr_lookup(sa->encr);
	const struct xfrm_integ_alg *i = xfrm_integ_lookup(sa->integ);

	switch (err) {
	case ENOENT:
	case EPROTONOSUPPORT:
		/* "Requested type not found": no xfrm_type registered for the protocol */
		if (sa->id.proto == IPPROTO_AH)
			log_err(LS_KNL, "%s SA %08x: kernel lacks AH support: load ah4/ah6"
				" (CONFIG_INET_AH)", op, sa->id.spi);
		else
			log_err(LS_KNL, "%s SA %08x: kernel lacks ESP support: load esp4/esp6"
				" (CONFIG_INET_ESP)", op, sa->id.spi);
		break;
	case ENOSYS:
		log_err(LS_KNL, "%s SA %08x: kernel lacks algorithm %s%s%s: load its crypto module",
			op, sa->id.spi, e ? e->kernel_name : "?",
			i && !(e && e->aead) ? " or " : "",
			i && !(e && e->aead) ? i->kernel_name : "");
		break;
	case EEXIST:
		log_err(LS_KNL, "%s SA %08x (%s): an SA with this SPI already exists",
			op, sa->id.spi, xfrm_proto_name(sa->id.proto));
		break;
	case ESRCH:
		log_err(LS_KNL, "%s SA %08x (%s): no such SA", op, sa->id.spi,
			xfrm_proto_name(sa->id.proto));
		break;
	default:
		log_err(LS_KNL, "%s SA %08x (%s): %s", op, sa->id.spi,
			xfrm_proto_name(sa->id.proto), strerror(err));
		break;
	}
	return -err;
}

static int x_sa_send(struct kernel *k, int cmd, const struct kernel_sa *sa)
{
	struct nl_msg *msg;
	int err = xfrm_msg_sa(cmd, sa, &msg);

	if (err < 0)
		return err;
	err = transact(xk_of(k), msg, NULL, NULL);
	if (err < 0)
		return sa_error(-err, cmd == XFRM_MSG_UPDSA ? "update" : "add", sa);
	log_dbg(LS_KNL, "%s SA %08x reqid %#x", cmd == XFRM_MSG_UPDSA ? "updated" : "added",
		sa->id.spi, sa->reqid);
	return 0;
}

static int x_add_sa(struct kernel *k, const struct kernel_sa *sa)
{
	return x_sa_send(k, XFRM_MSG_NEWSA, sa);
}

static int x_update_sa(struct kernel *k, const struct kernel_sa *sa)
{
	return x_sa_send(k, XFRM_MSG_UPDSA, sa);
}

static int x_del_sa(struct kernel *k, const struct kernel_sa_id *id)
{
	struct nl_msg *msg;
	int err = xfrm_msg_sa_id(XFRM_MSG_DELSA, id, &msg);

	if (err < 0)
		return err;
	err = transact(xk_of(k), msg, NULL, NULL);
	/* an SA the kernel already removed (hard expiry) is not an error: the
	 * caller wanted it gone, and it is */
	if (err == -ESRCH)
		log_dbg(LS_KNL, "delete SA %08x (%s): already gone (expired)", id->spi,
			xfrm_proto_name(id->proto));
	else if (err < 0)
		log_err(LS_KNL, "delete SA %08x (%s): %s", id->spi, xfrm_proto_name(id->proto),
			strerror(-err));
	return err;
}

/* The GETSA answer, kept for kernel_move_sa; libnl's copy is cleared
 * (keys) but its header stays for libnl's walk over the buffer. */
static int keep_reply(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nl_msg **keep = arg;

	if (h->nlmsg_type == XFRM_MSG_NEWSA && !*keep)
		*keep = nlmsg_convert(h);
	memzero(nlmsg_data(h), (size_t)nlmsg_datalen(h));
	return 0;
}

static void msg_clear_free(struct nl_msg *msg)
{
	if (!msg)
		return;
	memzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
}

/* kernel_move_sa: the SA as the kernel holds it, rewritten (xfrm_move.c);
 * a new source or destination is a new state (NEWSA, the old one
 * deleted: before when the destination, part of its id, stays). */
static int x_move_sa(struct kernel *k, const struct kernel_sa_id *id,
		     const struct kernel_sa_move *to)
{
	struct xfrm_kernel *xk = xk_of(k);
	struct nl_msg *msg = NULL, *got = NULL;
	int replace = 0, same_dst = addr_eq_host(&id->dst, &to->dst);
	int err = xfrm_msg_sa_id(XFRM_MSG_GETSA, id, &msg);

	if (err < 0)
		return err;
	err = transact(xk, msg, keep_reply, &got);
	if (err == 0 && !got)
		err = -EIO;
	if (err == 0)
		err = xfrm_msg_move(nlmsg_hdr(got), to, &msg, &replace);
	msg_clear_free(got);
	if (err < 0) {
		log_err(LS_KNL, "move SA %08x (%s): %s", id->spi, xfrm_proto_name(id->proto),
			strerror(-err));
		return err;
	}
	if (replace && same_dst && (err = x_del_sa(k, id)) < 0) {
		msg_clear_free(msg);
		return err;
	}
	err = transact(xk, msg, NULL, NULL);
	if (err < 0) {
		log_err(LS_KNL, "move SA %08x (%s): %s%s", id->spi, xfrm_proto_name(id->proto),
			strerror(-err), replace && same_dst ? " (the old SA is gone)" : "");
		return err;
	}
	if (replace && !same_dst)
		x_del_sa(k, id);
	log_dbg(LS_KNL, "moved SA %08x to %s, UDP ports %u/%u", id->spi,
		addr_host_str(&to->dst, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN), to->encap_sport,
		to->encap_dport);
	return 0;
}

static int parse_sa(struct nl_msg *msg, struct xfrmnl_sa **sa)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);

	if (h->nlmsg_type != XFRM_MSG_NEWSA || !nlmsg_valid_hdr(h, sizeof(struct xfrm_usersa_info)))
		return -1;
	return xfrmnl_sa_parse(h, sa) < 0 ? -1 : 0;
}

static int spi_reply(struct nl_msg *msg, void *arg)
{
	struct xfrmnl_sa *sa = NULL;

	if (parse_sa(msg, &sa) < 0)
		return -1;
	*(uint32_t *)arg = (uint32_t)xfrmnl_sa_get_spi(sa);
	xfrmnl_sa_put(sa);
	return 0;
}

static int x_alloc_spi(struct kernel *k, const struct addr *src, const struct addr *dst,
		       uint8_t proto, uint32_t reqid, uint32_t min, uint32_t max, uint32_t *spi)
{
	struct nl_msg *msg;
	int err = xfrm_msg_allocspi(src, dst, proto, reqid, min, max, &msg);

	if (err < 0)
		return err;
	*spi = 0;
	err = transact(xk_of(k), msg, spi_reply, spi);
	if (err < 0) {
		log_err(LS_KNL, "allocate %s SPI in %#x..%#x: %s", xfrm_proto_name(proto), min, max,
			strerror(-err));
		return err;
	}
	if (*spi < min || *spi > max) {
		log_err(LS_KNL, "allocate %s SPI: kernel answered %#x, outside %#x..%#x",
			xfrm_proto_name(proto), *spi, min, max);
		return -EIO;
	}
	return 0;
}

static int stats_reply(struct nl_msg *msg, void *arg)
{
	struct kernel_sa_stats *st = arg;
	struct xfrmnl_sa *sa = NULL;
	unsigned long long bytes, packets, add, use;
	int err;

	if (parse_sa(msg, &sa) < 0)
		return -1;
	err = xfrmnl_sa_get_curlifetime(sa, &bytes, &packets, &add, &use);
	xfrmnl_sa_put(sa);
	if (err < 0)
		return -1;
	st->bytes = bytes;
	st->packets = packets;
	st->add_time = add;
	st->use_time = use;
	return 0;
}

static int x_query_sa(struct kernel *k, const struct kernel_sa_id *id, struct kernel_sa_stats *st)
{
	struct nl_msg *msg;
	int err = xfrm_msg_sa_id(XFRM_MSG_GETSA, id, &msg);

	if (err < 0)
		return err;
	memset(st, 0, sizeof(*st));
	err = transact(xk_of(k), msg, stats_reply, st);
	if (err < 0)
		log_err(LS_KNL, "query SA %08x (%s): %s", id->spi, xfrm_proto_name(id->proto),
			err == -ESRCH ? "no such SA" : strerror(-err));
	return err;
}

static const char *const dir_names[] = { "in", "out", "fwd" };

static int policy_send(struct kernel *k, int cmd, const struct kernel_policy *p, const char *op)
{
	struct nl_msg *msg;
	int err = xfrm_msg_policy(cmd, p, &msg);

	if (err < 0)
		return err;
	err = transact(xk_of(k), msg, NULL, NULL);
	if (err < 0) {
		char s[ADDR_STRLEN], d[ADDR_STRLEN];

		addr_host_str(&p->sel.src, s, sizeof(s));
		addr_host_str(&p->sel.dst, d, sizeof(d));
		log_err(LS_KNL, "%s policy %s/%u === %s/%u %s: %s", op, s, p->sel.src_plen, d,
			p->sel.dst_plen, dir_names[p->dir % 3],
			err == -EEXIST ? "already exists" :
			err == -ENOENT ? "no such policy" : strerror(-err));
	}
	return err;
}

static int x_add_policy(struct kernel *k, const struct kernel_policy *p)
{
	return policy_send(k, XFRM_MSG_NEWPOLICY, p, "add");
}

static int x_update_policy(struct kernel *k, const struct kernel_policy *p)
{
	return policy_send(k, XFRM_MSG_UPDPOLICY, p, "update");
}

static int x_del_policy(struct kernel *k, const struct kernel_policy *p)
{
	return policy_send(k, XFRM_MSG_DELPOLICY, p, "delete");
}

/* What a dump found that flush_own must delete. */
struct own_list {
	size_t n, cap;
	struct own_item {
		struct kernel_sa_id id;	/* SAs */
		uint32_t index;		/* policies */
		uint8_t dir;
		uint32_t if_id;
	} *items;
	int bad;
};

static struct own_item *own_push(struct own_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct own_item *it = realloc(l->items, cap * sizeof(*it));

		if (!it) {
			l->bad = 1;
			return NULL;
		}
		l->items = it;
		l->cap = cap;
	}
	memset(&l->items[l->n], 0, sizeof(l->items[0]));
	return &l->items[l->n++];
}

static int own_sa_reply(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	const struct xfrm_usersa_info *info;
	struct nlattr *tb[XFRMA_MAX + 1];
	struct own_item *it;

	if (h->nlmsg_type != XFRM_MSG_NEWSA || !nlmsg_valid_hdr(h, sizeof(*info)) ||
	    nlmsg_parse(h, sizeof(*info), tb, XFRMA_MAX, NULL) < 0)
		return 0;
	info = nlmsg_data(h);
	/* SPI 0: an ACQUIRE placeholder; DELSA cannot name it, it expires alone */
	if (!kernel_reqid_is_own(info->reqid) || info->id.spi == 0 || !(it = own_push(arg)))
		return 0;
	addr_set_bytes(&it->id.dst, info->family, &info->id.daddr, 0);
	it->id.spi = ntohl(info->id.spi);
	it->id.proto = info->id.proto;
	if (tb[XFRMA_MARK] && nla_len(tb[XFRMA_MARK]) >= (int)sizeof(struct xfrm_mark)) {
		const struct xfrm_mark *m = nla_data(tb[XFRMA_MARK]);

		it->id.mark.value = m->v;
		it->id.mark.mask = m->m;
	}
	return 0;
}

/* A template with a reqid outside our range: someone else's policy in our band. */
static int tmpl_foreign(const struct nlattr *a)
{
	const struct xfrm_user_tmpl *t;
	int n;

	if (!a)
		return 0;
	t = nla_data(a);
	n = nla_len(a) / (int)sizeof(*t);
	for (int i = 0; i < n; i++)
		if (!kernel_reqid_is_own(t[i].reqid))
			return 1;
	return 0;
}

/* A policy's mark and XFRM interface ID (0 where absent). */
static void policy_mark_if_id(struct nlattr **tb, struct kernel_mark *mark, uint32_t *if_id)
{
	if (tb[XFRMA_MARK] && nla_len(tb[XFRMA_MARK]) >= (int)sizeof(struct xfrm_mark)) {
		const struct xfrm_mark *m = nla_data(tb[XFRMA_MARK]);

		mark->value = m->v;
		mark->mask = m->m;
	}
	if (tb[XFRMA_IF_ID] && nla_len(tb[XFRMA_IF_ID]) >= 4)
		*if_id = nla_get_u32(tb[XFRMA_IF_ID]);
}

static int own_policy_reply(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	const struct xfrm_userpolicy_info *info;
	struct nlattr *tb[XFRMA_MAX + 1];
	struct own_item *it;

	if (h->nlmsg_type != XFRM_MSG_NEWPOLICY || !nlmsg_valid_hdr(h, sizeof(*info)) ||
	    nlmsg_parse(h, sizeof(*info), tb, XFRMA_MAX, NULL) < 0)
		return 0;
	info = nlmsg_data(h);
	if (!kernel_policy_is_own(info->priority, tb[XFRMA_TMPL] != NULL,
				  tmpl_foreign(tb[XFRMA_TMPL])) || !(it = own_push(arg)))
		return 0;
	it->index = info->index;
	it->dir = info->dir;
	policy_mark_if_id(tb, &it->id.mark, &it->if_id);
	return 0;
}

static int dump(struct xfrm_kernel *xk, int type, reply_fn fn, struct own_list *l)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, NLM_F_DUMP);
	int err;

	if (!msg)
		return -ENOMEM;
	err = transact(xk, msg, fn, l);
	if (err == 0 && l->bad)
		err = -ENOMEM;
	if (err < 0)
		log_err(LS_KNL, "listing %s: %s", type == XFRM_MSG_GETSA ? "SAs" : "policies",
			strerror(-err));
	return err;
}

static int policy_del_index(struct xfrm_kernel *xk, const struct own_item *it)
{
	struct xfrmnl_sp *sp = xfrmnl_sp_alloc();
	struct nl_msg *msg = NULL;
	int err = -ENOMEM;

	if (!sp)
		return -ENOMEM;
	xfrmnl_sp_set_index(sp, it->index);
	xfrmnl_sp_set_dir(sp, it->dir);
	if (it->id.mark.mask)
		xfrmnl_sp_set_mark(sp, it->id.mark.value, it->id.mark.mask);
	if (xfrmnl_sp_build_delete_request(sp, 0, &msg) < 0)
		goto out;
	if (it->if_id && nla_put_u32(msg, XFRMA_IF_ID, it->if_id) < 0) {
		nlmsg_free(msg);
		goto out;
	}
	err = transact(xk, msg, NULL, NULL);
	if (err < 0 && err != -ENOENT)
		log_err(LS_KNL, "flush: delete policy index %u: %s", it->index, strerror(-err));
out:
	xfrmnl_sp_put(sp);
	return err == -ENOENT ? 0 : err;
}

/*
 * Lists first, deletes after: the request socket cannot carry a delete
 * while a dump is in progress.  Policies go before SAs so no packet hits
 * a policy whose SA was just removed and triggers a fresh ACQUIRE.
 * Placeholders of pending ACQUIREs (SPI 0) cannot be deleted by id; with
 * the trap policies gone they expire after net.core.xfrm_acq_expires.
 */
static int xfrm_flush_own(struct kernel *k)
{
	struct xfrm_kernel *xk = xk_of(k);
	struct own_list pol = { 0 }, sas = { 0 };
	size_t failed = 0;
	int err;

	if ((err = dump(xk, XFRM_MSG_GETPOLICY, own_policy_reply, &pol)) < 0)
		goto out;
	for (size_t i = 0; i < pol.n; i++)
		if (policy_del_index(xk, &pol.items[i]) < 0)
			failed++;
	if ((err = dump(xk, XFRM_MSG_GETSA, own_sa_reply, &sas)) < 0)
		goto out;
	for (size_t i = 0; i < sas.n; i++) {
		struct nl_msg *msg;

		if (xfrm_msg_sa_id(XFRM_MSG_DELSA, &sas.items[i].id, &msg) < 0 ||
		    ((err = transact(xk, msg, NULL, NULL)) < 0 && err != -ESRCH))
			failed++;
	}
	log_info(LS_KNL, "flushed %zu policies and %zu SAs of ours, %zu failures",
		 pol.n, sas.n, failed);
	err = failed ? -EIO : 0;
out:
	free(pol.items);
	free(sas.items);
	return err;
}

struct list_ctx {
	kernel_sa_info_fn sa_fn;
	kernel_policy_info_fn pol_fn;
	void *arg;
};

/* xfrm_algo, xfrm_algo_aead and xfrm_algo_auth all start with the name. */
static void alg_name(const struct nlattr *a, char *out, size_t size)
{
	const char *name;

	if (!a || nla_len(a) < 64)
		return;
	name = nla_data(a);
	snprintf(out, size, "%.*s", 63, name);
}

static int list_sa_reply(struct nl_msg *msg, void *arg)
{
	struct list_ctx *ctx = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	const struct xfrm_usersa_info *info;
	struct nlattr *tb[XFRMA_MAX + 1];
	struct kernel_sa_info sa;

	if (h->nlmsg_type != XFRM_MSG_NEWSA || !nlmsg_valid_hdr(h, sizeof(*info)) ||
	    nlmsg_parse(h, sizeof(*info), tb, XFRMA_MAX, NULL) < 0)
		return 0;
	info = nlmsg_data(h);
	if (!kernel_reqid_is_own(info->reqid))
		return 0;
	memset(&sa, 0, sizeof(sa));
	addr_set_bytes(&sa.id.dst, info->family, &info->id.daddr, 0);
	addr_set_bytes(&sa.src, info->family, &info->saddr, 0);
	sa.id.spi = ntohl(info->id.spi);
	sa.id.proto = info->id.proto;
	sa.reqid = info->reqid;
	sa.mode = info->mode == XFRM_MODE_TUNNEL ? KERNEL_MODE_TUNNEL : KERNEL_MODE_TRANSPORT;
	sa.bytes = info->curlft.bytes;
	sa.packets = info->curlft.packets;
	alg_name(tb[XFRMA_ALG_AEAD] ? tb[XFRMA_ALG_AEAD] : tb[XFRMA_ALG_CRYPT], sa.enc_alg,
		 sizeof(sa.enc_alg));
	alg_name(tb[XFRMA_ALG_AUTH_TRUNC] ? tb[XFRMA_ALG_AUTH_TRUNC] : tb[XFRMA_ALG_AUTH],
		 sa.integ_alg, sizeof(sa.integ_alg));
	if (ctx->sa_fn)
		ctx->sa_fn(&sa, ctx->arg);
	return 0;
}

static int list_policy_reply(struct nl_msg *msg, void *arg)
{
	struct list_ctx *ctx = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	const struct xfrm_userpolicy_info *info;
	struct nlattr *tb[XFRMA_MAX + 1];
	struct kernel_policy_info p;

	if (h->nlmsg_type != XFRM_MSG_NEWPOLICY || !nlmsg_valid_hdr(h, sizeof(*info)) ||
	    nlmsg_parse(h, sizeof(*info), tb, XFRMA_MAX, NULL) < 0)
		return 0;
	info = nlmsg_data(h);
	if (!kernel_policy_is_own(info->priority, tb[XFRMA_TMPL] != NULL,
				  tmpl_foreign(tb[XFRMA_TMPL])))
		return 0;
	memset(&p, 0, sizeof(p));
	addr_set_bytes(&p.sel.src, info->sel.family, &info->sel.saddr, 0);
	addr_set_bytes(&p.sel.dst, info->sel.family, &info->sel.daddr, 0);
	p.sel.src_plen = info->sel.prefixlen_s;
	p.sel.dst_plen = info->sel.prefixlen_d;
	p.sel.proto = info->sel.proto;
	p.sel.sport = ntohs(info->sel.sport);
	p.sel.dport = ntohs(info->sel.dport);
	p.sel.sport_mask = ntohs(info->sel.sport_mask);
	p.sel.dport_mask = ntohs(info->sel.dport_mask);
	p.dir = info->dir == XFRM_POLICY_IN ? KERNEL_DIR_IN :
		info->dir == XFRM_POLICY_OUT ? KERNEL_DIR_OUT : KERNEL_DIR_FWD;
	p.priority = info->priority;
	p.action = info->action == XFRM_POLICY_BLOCK ? KERNEL_BLOCK : KERNEL_ALLOW;
	if (tb[XFRMA_TMPL] && nla_len(tb[XFRMA_TMPL]) >= (int)sizeof(struct xfrm_user_tmpl)) {
		const struct xfrm_user_tmpl *t = nla_data(tb[XFRMA_TMPL]);

		p.has_tmpl = 1;
		p.reqid = t->reqid;
	}
	policy_mark_if_id(tb, &p.mark, &p.if_id);
	if (ctx->pol_fn)
		ctx->pol_fn(&p, ctx->arg);
	return 0;
}

static int list_dump(struct xfrm_kernel *xk, int type, reply_fn fn, struct list_ctx *ctx)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, NLM_F_DUMP);
	int err;

	if (!msg)
		return -ENOMEM;
	err = transact(xk, msg, fn, ctx);
	if (err < 0)
		log_err(LS_KNL, "listing %s: %s", type == XFRM_MSG_GETSA ? "SAs" : "policies",
			strerror(-err));
	return err;
}

static int x_list_own(struct kernel *k, kernel_sa_info_fn sa_fn, kernel_policy_info_fn pol_fn,
		      void *arg)
{
	struct list_ctx ctx = { sa_fn, pol_fn, arg };
	int err = list_dump(xk_of(k), XFRM_MSG_GETSA, list_sa_reply, &ctx);

	if (err < 0)
		return err;
	return list_dump(xk_of(k), XFRM_MSG_GETPOLICY, list_policy_reply, &ctx);
}

static int x_event_fd(struct kernel *k)
{
	return nl_socket_get_fd(xk_of(k)->ev);
}

static int event_msg(struct nl_msg *msg, void *arg)
{
	struct xfrm_kernel *xk = arg;

	xfrm_event_decode(nlmsg_hdr(msg), &xk->base.ev);
	return NL_OK;
}

/*
 * Drains the event socket, at most DISPATCH_BATCH reads per call so a flood
 * of ACQUIREs cannot hold the event loop (the fd stays readable and the
 * loop calls again).  An overrun (ENOBUFS) means events were lost: the core
 * is told to re-read the state it depends on.
 */
static int x_dispatch(struct kernel *k)
{
	struct xfrm_kernel *xk = xk_of(k);
	int err;

	for (int reads = 0; reads < DISPATCH_BATCH; reads++) {
		errno = 0;
		err = nl_recvmsgs_default(xk->ev);
		if (err >= 0)
			continue;
		if (err == -NLE_AGAIN)
			return 0;
		if (err == -NLE_NOMEM && errno == ENOBUFS) {
			log_warn(LS_KNL, "kernel event socket overrun (ENOBUFS): events lost, resyncing");
			if (xk->base.ev.on_resync)
				xk->base.ev.on_resync(xk->base.ev.arg);
			continue;
		}
		log_err(LS_KNL, "kernel event socket: %s", nl_geterror(err));
		return -EIO;
	}
	return 0;
}

static void xfrm_backend_free(struct kernel *k);
static const struct kernel_ops xfrm_ops;

static struct nl_sock *open_sock(void)
{
	struct nl_sock *s = nl_socket_alloc();
	int err;

	if (!s)
		return NULL;
	if ((err = nl_connect(s, NETLINK_XFRM)) < 0) {
		log_err(LS_KNL, "netlink XFRM socket: %s", nl_geterror(err));
		nl_socket_free(s);
		return NULL;
	}
	return s;
}

static int events_open(struct xfrm_kernel *xk)
{
	int err;

	xk->ev = open_sock();
	if (!xk->ev)
		return -1;
	nl_socket_disable_seq_check(xk->ev);
	nl_socket_modify_cb(xk->ev, NL_CB_VALID, NL_CB_CUSTOM, event_msg, xk);
	err = nl_socket_add_memberships(xk->ev, XFRMNLGRP_ACQUIRE, XFRMNLGRP_EXPIRE,
					XFRMNLGRP_MAPPING, 0);
	if (err < 0) {
		log_err(LS_KNL, "XFRM event groups: %s", nl_geterror(err));
		return -1;
	}
	nl_socket_set_buffer_size(xk->ev, EVENT_RCVBUF, 0);
	return nl_socket_set_nonblocking(xk->ev) < 0 ? -1 : 0;
}

struct kernel *kernel_xfrm_new(const struct kernel_events *ev)
{
	struct xfrm_kernel *xk = calloc(1, sizeof(*xk));

	if (!xk)
		return NULL;
	xk->base.ops = &xfrm_ops;
	if (ev)
		xk->base.ev = *ev;
	xk->req = open_sock();
	xk->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!xk->req || !xk->cb || events_open(xk) < 0) {
		xfrm_backend_free(&xk->base);
		return NULL;
	}
	nl_cb_set(xk->cb, NL_CB_VALID, NL_CB_CUSTOM, cb_valid, xk);
	nl_cb_set(xk->cb, NL_CB_ACK, NL_CB_CUSTOM, cb_done, xk);
	nl_cb_set(xk->cb, NL_CB_FINISH, NL_CB_CUSTOM, cb_done, xk);
	nl_cb_err(xk->cb, NL_CB_CUSTOM, cb_error, xk);
	return &xk->base;
}

static void xfrm_backend_free(struct kernel *k)
{
	struct xfrm_kernel *xk = xk_of(k);

	if (xk->cb)
		nl_cb_put(xk->cb);
	if (xk->req)
		nl_socket_free(xk->req);
	if (xk->ev)
		nl_socket_free(xk->ev);
	free(xk);
}

static int x_add_addr(struct kernel *k, const struct addr *a, unsigned prefix,
		      const char *ifname)
{
	(void)k;
	return rtnl_addr_change(1, a, prefix, ifname);
}

static int x_del_addr(struct kernel *k, const struct addr *a, unsigned prefix,
		      const char *ifname)
{
	(void)k;
	return rtnl_addr_change(0, a, prefix, ifname);
}

static const struct kernel_ops xfrm_ops = {
	.name = "xfrm",
	.free = xfrm_backend_free,
	.alloc_spi = x_alloc_spi,
	.add_sa = x_add_sa,
	.update_sa = x_update_sa,
	.del_sa = x_del_sa,
	.move_sa = x_move_sa,
	.query_sa = x_query_sa,
	.add_policy = x_add_policy,
	.update_policy = x_update_policy,
	.del_policy = x_del_policy,
	.flush_own = xfrm_flush_own,
	.list_own = x_list_own,
	.event_fd = x_event_fd,
	.dispatch = x_dispatch,
	.add_addr = x_add_addr,
	.del_addr = x_del_addr,
};
