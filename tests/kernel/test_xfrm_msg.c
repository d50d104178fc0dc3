/*
 * The XFRM backend's netlink messages, inspected without root: requests
 * built by xfrm_msg_* (libnl-xfrm underneath) are parsed back with libnl
 * and checked attribute by attribute against what the kernel expects;
 * events are built the way the kernel sends them and decoded.
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <linux/udp.h>
#include <linux/xfrm.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "common/log.h"
#include "kernel/kernel.h"
#include "kernel/xfrm_alg.h"
#include "kernel/xfrm_event.h"
#include "kernel/xfrm_msg.h"
#include "kernel/rtnl_addr.h"
#include "unit/unit.h"

static struct nlattr *tb[XFRMA_MAX + 1];
static struct nl_msg *msg;
static char last_log[512];

static void sink(enum log_subsys sub, enum log_level lvl, const char *line, void *arg)
{
	snprintf(last_log, sizeof(last_log), "%s", line);
}

static void setup(void)
{
	msg = NULL;
	last_log[0] = '\0';
	log_set_sink(sink, NULL);
}

static void teardown(void)
{
	if (msg)
		nlmsg_free(msg);
	log_set_sink(NULL, NULL);
}

static struct addr A(const char *s)
{
	struct addr a;

	ck_assert_int_eq(addr_parse(&a, s, 0), 0);
	return a;
}

static void fill_key(uint8_t *k, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		k[i] = (uint8_t)(seed + i);
}

/* A tunnel-mode ESP SA 192.0.2.1 -> 192.0.2.2 with AES-GCM-16 (256-bit key + salt). */
static struct kernel_sa gcm_sa(void)
{
	struct kernel_sa sa;

	memset(&sa, 0, sizeof(sa));
	sa.src = A("192.0.2.1");
	sa.id.dst = A("192.0.2.2");
	sa.id.spi = 0xc1234567;
	sa.id.proto = IPPROTO_ESP;
	sa.mode = KERNEL_MODE_TUNNEL;
	sa.reqid = KERNEL_REQID_MIN + 7;
	sa.encr = KERNEL_ENCR_AES_GCM_16;
	sa.enc_key_len = 36;
	fill_key(sa.enc_key, 36, 0x10);
	sa.replay_window = 32;
	sa.life.soft_secs = 2;
	sa.life.hard_secs = 4;
	sa.life.hard_bytes = 1000000;
	return sa;
}

/* Parses msg as an SA request; returns its fixed header. */
static const struct xfrm_usersa_info *sa_parse(int type)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);

	ck_assert_int_eq(h->nlmsg_type, type);
	ck_assert(nlmsg_valid_hdr(h, sizeof(struct xfrm_usersa_info)));
	ck_assert_int_eq(nlmsg_parse(h, sizeof(struct xfrm_usersa_info), tb, XFRMA_MAX, NULL), 0);
	return nlmsg_data(h);
}

START_TEST(sa_aes_gcm_16)
{
	struct kernel_sa sa = gcm_sa();
	const struct xfrm_usersa_info *i;
	const struct xfrm_algo_aead *aead;

	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_NEWSA, &sa, &msg), 0);
	i = sa_parse(XFRM_MSG_NEWSA);
	ck_assert_uint_eq(i->family, AF_INET);
	ck_assert_uint_eq(ntohl(i->id.spi), 0xc1234567);
	ck_assert_uint_eq(i->id.proto, IPPROTO_ESP);
	ck_assert_uint_eq(i->mode, XFRM_MODE_TUNNEL);
	ck_assert_uint_eq(i->reqid, KERNEL_REQID_MIN + 7);
	ck_assert_uint_eq(i->replay_window, 32);
	ck_assert_mem_eq(&i->saddr, &sa.src.u.sin.sin_addr, 4);
	ck_assert_mem_eq(&i->id.daddr, &sa.id.dst.u.sin.sin_addr, 4);
	/* no inner selector in tunnel mode: any inner family */
	ck_assert_uint_eq(i->sel.family, AF_UNSPEC);
	ck_assert(i->flags & XFRM_STATE_AF_UNSPEC);
	ck_assert(!(i->flags & XFRM_STATE_ESN));
	ck_assert_ptr_nonnull(tb[XFRMA_ALG_AEAD]);
	ck_assert_ptr_null(tb[XFRMA_ALG_CRYPT]);
	ck_assert_ptr_null(tb[XFRMA_ALG_AUTH_TRUNC]);
	ck_assert_ptr_null(tb[XFRMA_ALG_AUTH]);
	aead = nla_data(tb[XFRMA_ALG_AEAD]);
	ck_assert_str_eq(aead->alg_name, "rfc4106(gcm(aes))");
	ck_assert_uint_eq(aead->alg_key_len, 36 * 8);	/* key + 4-byte salt, in bits */
	ck_assert_uint_eq(aead->alg_icv_len, 128);
	ck_assert_mem_eq(aead->alg_key, sa.enc_key, 36);
	ck_assert_int_ge(nla_len(tb[XFRMA_ALG_AEAD]), (int)(sizeof(*aead) + 36));
	/* lifetimes: seconds as given, unset limits infinite */
	ck_assert_uint_eq(i->lft.soft_add_expires_seconds, 2);
	ck_assert_uint_eq(i->lft.hard_add_expires_seconds, 4);
	ck_assert_uint_eq(i->lft.hard_byte_limit, 1000000);
	ck_assert_uint_eq(i->lft.soft_byte_limit, XFRM_INF);
	ck_assert_uint_eq(i->lft.soft_packet_limit, XFRM_INF);
	ck_assert_uint_eq(i->lft.hard_packet_limit, XFRM_INF);
	ck_assert_ptr_null(tb[XFRMA_ENCAP]);
	ck_assert_ptr_null(tb[XFRMA_MARK]);
	ck_assert_ptr_null(tb[XFRMA_IF_ID]);
}
END_TEST

START_TEST(sa_aes_cbc_hmac_sha256)
{
	struct kernel_sa sa = gcm_sa();
	const struct xfrm_algo *enc;
	const struct xfrm_algo_auth *auth;

	sa.encr = KERNEL_ENCR_AES_CBC;
	sa.enc_key_len = 16;
	sa.integ = KERNEL_INTEG_HMAC_SHA2_256_128;
	sa.int_key_len = 32;
	fill_key(sa.int_key, 32, 0x80);
	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_UPDSA, &sa, &msg), 0);
	sa_parse(XFRM_MSG_UPDSA);
	ck_assert_ptr_null(tb[XFRMA_ALG_AEAD]);
	ck_assert_ptr_nonnull(tb[XFRMA_ALG_CRYPT]);
	ck_assert_ptr_nonnull(tb[XFRMA_ALG_AUTH_TRUNC]);
	enc = nla_data(tb[XFRMA_ALG_CRYPT]);
	ck_assert_str_eq(enc->alg_name, "cbc(aes)");
	ck_assert_uint_eq(enc->alg_key_len, 128);
	ck_assert_mem_eq(enc->alg_key, sa.enc_key, 16);
	auth = nla_data(tb[XFRMA_ALG_AUTH_TRUNC]);
	ck_assert_str_eq(auth->alg_name, "hmac(sha256)");
	ck_assert_uint_eq(auth->alg_key_len, 256);
	ck_assert_uint_eq(auth->alg_trunc_len, 128);
	ck_assert_mem_eq(auth->alg_key, sa.int_key, 32);
}
END_TEST

START_TEST(sa_chacha20_poly1305)
{
	struct kernel_sa sa = gcm_sa();
	const struct xfrm_algo_aead *aead;

	sa.encr = KERNEL_ENCR_CHACHA20_POLY1305;
	sa.enc_key_len = 36;
	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_NEWSA, &sa, &msg), 0);
	sa_parse(XFRM_MSG_NEWSA);
	aead = nla_data(tb[XFRMA_ALG_AEAD]);
	ck_assert_str_eq(aead->alg_name, "rfc7539esp(chacha20,poly1305)");
	ck_assert_uint_eq(aead->alg_key_len, 288);
	ck_assert_uint_eq(aead->alg_icv_len, 128);
}
END_TEST

/* The table itself: ICV lengths and truncations from the RFCs. */
START_TEST(alg_table)
{
	static const struct { enum kernel_encr id; const char *name; uint16_t icv; uint8_t salt; } encr[] = {
		{ KERNEL_ENCR_AES_GCM_8, "rfc4106(gcm(aes))", 64, 4 },
		{ KERNEL_ENCR_AES_GCM_12, "rfc4106(gcm(aes))", 96, 4 },
		{ KERNEL_ENCR_AES_GCM_16, "rfc4106(gcm(aes))", 128, 4 },
		{ KERNEL_ENCR_AES_CCM_16, "rfc4309(ccm(aes))", 128, 3 },
		{ KERNEL_ENCR_AES_CTR, "rfc3686(ctr(aes))", 0, 4 },
		{ KERNEL_ENCR_AES_CBC, "cbc(aes)", 0, 0 },
	};
	static const struct { enum kernel_integ id; const char *name; uint16_t trunc; } integ[] = {
		{ KERNEL_INTEG_HMAC_SHA1_96, "hmac(sha1)", 96 },
		{ KERNEL_INTEG_HMAC_SHA2_256_128, "hmac(sha256)", 128 },
		{ KERNEL_INTEG_HMAC_SHA2_384_192, "hmac(sha384)", 192 },
		{ KERNEL_INTEG_HMAC_SHA2_512_256, "hmac(sha512)", 256 },
		{ KERNEL_INTEG_HMAC_SHA2_256_96, "hmac(sha256)", 96 },
		{ KERNEL_INTEG_AES_XCBC_96, "xcbc(aes)", 96 },
	};

	for (size_t i = 0; i < sizeof(encr) / sizeof(encr[0]); i++) {
		const struct xfrm_encr_alg *a = xfrm_encr_lookup(encr[i].id);

		ck_assert_ptr_nonnull(a);
		ck_assert_str_eq(a->kernel_name, encr[i].name);
		ck_assert_uint_eq(a->icv_bits, encr[i].icv);
		ck_assert_uint_eq(a->salt_len, encr[i].salt);
	}
	for (size_t i = 0; i < sizeof(integ) / sizeof(integ[0]); i++) {
		const struct xfrm_integ_alg *a = xfrm_integ_lookup(integ[i].id);

		ck_assert_ptr_nonnull(a);
		ck_assert_str_eq(a->kernel_name, integ[i].name);
		ck_assert_uint_eq(a->trunc_bits, integ[i].trunc);
	}
	ck_assert_ptr_null(xfrm_encr_lookup(77));
	ck_assert_ptr_null(xfrm_integ_lookup(KERNEL_INTEG_NONE));
	/* AES keys 16/24/32 bytes plus salt; nothing in between */
	ck_assert(xfrm_encr_key_ok(xfrm_encr_lookup(KERNEL_ENCR_AES_GCM_16), 20));
	ck_assert(xfrm_encr_key_ok(xfrm_encr_lookup(KERNEL_ENCR_AES_GCM_16), 28));
	ck_assert(!xfrm_encr_key_ok(xfrm_encr_lookup(KERNEL_ENCR_AES_GCM_16), 32));
	ck_assert(!xfrm_encr_key_ok(xfrm_encr_lookup(KERNEL_ENCR_AES_GCM_16), 3));
	ck_assert(!xfrm_encr_key_ok(xfrm_encr_lookup(KERNEL_ENCR_AES_CBC), 20));
}
END_TEST

START_TEST(sa_encap_mark_ifid)
{
	struct kernel_sa sa = gcm_sa();
	const struct xfrm_encap_tmpl *e;
	const struct xfrm_mark *m;

	sa.encap_sport = 4500;
	sa.encap_dport = 31337;
	sa.id.mark.value = 0x42;
	sa.id.mark.mask = 0xff;
	sa.if_id = 9;
	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_NEWSA, &sa, &msg), 0);
	sa_parse(XFRM_MSG_NEWSA);
	ck_assert_ptr_nonnull(tb[XFRMA_ENCAP]);
	e = nla_data(tb[XFRMA_ENCAP]);
	ck_assert_uint_eq(e->encap_type, UDP_ENCAP_ESPINUDP);
	ck_assert_uint_eq(ntohs(e->encap_sport), 4500);
	ck_assert_uint_eq(ntohs(e->encap_dport), 31337);
	m = nla_data(tb[XFRMA_MARK]);
	ck_assert_uint_eq(m->v, 0x42);
	ck_assert_uint_eq(m->m, 0xff);
	ck_assert_ptr_nonnull(tb[XFRMA_IF_ID]);
	ck_assert_uint_eq(nla_get_u32(tb[XFRMA_IF_ID]), 9);
}
END_TEST

/* kernel_move_sa's rewrite of the kernel's answer (xfrm_move.c): the SA
 * as listed, with new ports (UPDSA) or a new address (NEWSA). */
START_TEST(sa_move_rewrite)
{
	struct kernel_sa sa = gcm_sa();
	struct kernel_sa_move to;
	const struct xfrm_usersa_info *i;
	const struct xfrm_encap_tmpl *e;
	struct nl_msg *got;
	uint8_t raw[16];
	int replace = -1;

	sa.encap_sport = 4500;
	sa.encap_dport = 31337;
	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_NEWSA, &sa, &got), 0);
	memset(&to, 0, sizeof(to));
	to.src = A("192.0.2.1");
	to.dst = A("192.0.2.2");
	to.encap_sport = 4500;
	to.encap_dport = 40000;
	/* only the port changes: UPDSA, keys and everything else kept */
	ck_assert_int_eq(xfrm_msg_move(nlmsg_hdr(got), &to, &msg, &replace), 0);
	ck_assert_int_eq(replace, 0);
	i = sa_parse(XFRM_MSG_UPDSA);
	ck_assert_uint_eq(ntohl(i->id.spi), 0xc1234567);
	ck_assert_uint_eq(i->reqid, KERNEL_REQID_MIN + 7);
	e = nla_data(tb[XFRMA_ENCAP]);
	ck_assert_uint_eq(ntohs(e->encap_sport), 4500);
	ck_assert_uint_eq(ntohs(e->encap_dport), 40000);
	ck_assert_ptr_nonnull(tb[XFRMA_ALG_AEAD]);
	ck_assert(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_ACK);
	nlmsg_free(msg);
	/* a new destination: a new SA (NEWSA) the caller adds, then deletes the old */
	to.dst = A("198.51.100.7");
	ck_assert_int_eq(xfrm_msg_move(nlmsg_hdr(got), &to, &msg, &replace), 0);
	ck_assert_int_eq(replace, 1);
	i = sa_parse(XFRM_MSG_NEWSA);
	xfrm_addr_to_raw(&to.dst, raw);
	ck_assert_mem_eq(&i->id.daddr, raw, 16);
	nlmsg_free(msg);
	/* encapsulation cannot be removed in place; families must agree */
	to.encap_sport = to.encap_dport = 0;
	ck_assert_int_eq(xfrm_msg_move(nlmsg_hdr(got), &to, &msg, &replace), -EOPNOTSUPP);
	ck_assert_ptr_null(msg);
	to.encap_sport = 4500;
	to.encap_dport = 40000;
	to.dst = A("2001:db8::2");
	ck_assert_int_eq(xfrm_msg_move(nlmsg_hdr(got), &to, &msg, &replace), -EAFNOSUPPORT);
	nlmsg_free(got);
	/* an SA without encapsulation gets one appended */
	sa.encap_sport = sa.encap_dport = 0;
	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_NEWSA, &sa, &got), 0);
	to.dst = A("192.0.2.2");
	ck_assert_int_eq(xfrm_msg_move(nlmsg_hdr(got), &to, &msg, &replace), 0);
	sa_parse(XFRM_MSG_UPDSA);
	ck_assert_ptr_nonnull(tb[XFRMA_ENCAP]);
	ck_assert_uint_eq(ntohs(((const struct xfrm_encap_tmpl *)nla_data(tb[XFRMA_ENCAP]))->encap_dport),
			  40000);
	/* a truncated answer is refused */
	nlmsg_hdr(got)->nlmsg_len = NLMSG_HDRLEN + 8;
	nlmsg_free(msg);
	msg = NULL;
	ck_assert_int_eq(xfrm_msg_move(nlmsg_hdr(got), &to, &msg, &replace), -EINVAL);
	nlmsg_free(got);
}
END_TEST

/* copy_df/copy_ecn/copy_dscp and set_mark as the kernel reads them:
 * flags in the header, DONT_ENCAP_DSCP and the set mark as attributes */
START_TEST(sa_copy_flags_set_mark)
{
	struct kernel_sa sa = gcm_sa();
	const struct xfrm_usersa_info *i;

	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_NEWSA, &sa, &msg), 0);
	i = sa_parse(XFRM_MSG_NEWSA);
	ck_assert_uint_eq(i->flags & (XFRM_STATE_NOECN | XFRM_STATE_DECAP_DSCP |
				      XFRM_STATE_NOPMTUDISC), 0);
	ck_assert_ptr_null(tb[XFRMA_SA_EXTRA_FLAGS]);
	ck_assert_ptr_null(tb[XFRMA_SET_MARK]);
	ck_assert_ptr_null(tb[XFRMA_SET_MARK_MASK]);
	nlmsg_free(msg);

	sa.no_copy_df = 1;
	sa.no_copy_ecn = 1;
	sa.dscp_decap = 1;
	sa.dscp_no_encap = 1;
	sa.set_mark.value = 0x2a;
	sa.set_mark.mask = 0xff00;
	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_UPDSA, &sa, &msg), 0);
	i = sa_parse(XFRM_MSG_UPDSA);
	ck_assert_uint_eq(i->flags & XFRM_STATE_NOECN, XFRM_STATE_NOECN);
	ck_assert_uint_eq(i->flags & XFRM_STATE_DECAP_DSCP, XFRM_STATE_DECAP_DSCP);
	ck_assert_uint_eq(i->flags & XFRM_STATE_NOPMTUDISC, XFRM_STATE_NOPMTUDISC);
	ck_assert_ptr_nonnull(tb[XFRMA_SA_EXTRA_FLAGS]);
	ck_assert_uint_eq(nla_get_u32(tb[XFRMA_SA_EXTRA_FLAGS]), XFRM_SA_XFLAG_DONT_ENCAP_DSCP);
	ck_assert_uint_eq(nla_get_u32(tb[XFRMA_SET_MARK]), 0x2a);
	ck_assert_uint_eq(nla_get_u32(tb[XFRMA_SET_MARK_MASK]), 0xff00);
	ck_assert_ptr_null(tb[XFRMA_MARK]);
	nlmsg_free(msg);

	/* an all-ones mask is the kernel's default: no mask attribute, so
	 * kernels before 4.19 (no XFRMA_SET_MARK_MASK) take it too */
	sa.set_mark.mask = 0xffffffff;
	sa.dscp_no_encap = 0;
	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_NEWSA, &sa, &msg), 0);
	sa_parse(XFRM_MSG_NEWSA);
	ck_assert_uint_eq(nla_get_u32(tb[XFRMA_SET_MARK]), 0x2a);
	ck_assert_ptr_null(tb[XFRMA_SET_MARK_MASK]);
	ck_assert_ptr_null(tb[XFRMA_SA_EXTRA_FLAGS]);
}
END_TEST

START_TEST(sa_esn_large_window)
{
	struct kernel_sa sa = gcm_sa();
	const struct xfrm_usersa_info *i;
	const struct xfrm_replay_state_esn *r;

	sa.esn = 1;
	sa.replay_window = 128;
	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_NEWSA, &sa, &msg), 0);
	i = sa_parse(XFRM_MSG_NEWSA);
	/* the kernel refuses ESN with a window in the legacy field */
	ck_assert_uint_eq(i->replay_window, 0);
	ck_assert(i->flags & XFRM_STATE_ESN);
	ck_assert_ptr_nonnull(tb[XFRMA_REPLAY_ESN_VAL]);
	r = nla_data(tb[XFRMA_REPLAY_ESN_VAL]);
	ck_assert_uint_eq(r->replay_window, 128);
	ck_assert_uint_eq(r->bmp_len, 4);
	ck_assert_int_ge(nla_len(tb[XFRMA_REPLAY_ESN_VAL]), (int)(sizeof(*r) + 4 * 4));
}
END_TEST

/* IPv4 traffic inside an IPv6 tunnel; transport mode with its selector. */
START_TEST(sa_families_and_selector)
{
	struct kernel_sa sa = gcm_sa();
	const struct xfrm_usersa_info *i;

	sa.src = A("2001:db8::1");
	sa.id.dst = A("2001:db8::2");
	sa.sel.src = A("10.1.0.0");
	sa.sel.dst = A("10.2.0.0");
	sa.sel.src_plen = 16;
	sa.sel.dst_plen = 24;
	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_NEWSA, &sa, &msg), 0);
	i = sa_parse(XFRM_MSG_NEWSA);
	ck_assert_uint_eq(i->family, AF_INET6);
	ck_assert_mem_eq(&i->id.daddr, &sa.id.dst.u.sin6.sin6_addr, 16);
	ck_assert_uint_eq(i->sel.family, AF_INET);
	ck_assert_uint_eq(i->sel.prefixlen_s, 16);
	ck_assert_uint_eq(i->sel.prefixlen_d, 24);
	ck_assert(!(i->flags & XFRM_STATE_AF_UNSPEC));
	nlmsg_free(msg);

	sa = gcm_sa();
	sa.mode = KERNEL_MODE_TRANSPORT;
	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_NEWSA, &sa, &msg), -EINVAL);
	ck_assert_ptr_nonnull(strstr(last_log, "transport mode needs a selector"));
	sa.sel.src = sa.src;
	sa.sel.dst = sa.id.dst;
	sa.sel.src_plen = sa.sel.dst_plen = 32;
	sa.sel.proto = IPPROTO_UDP;
	sa.sel.dport = 53;
	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_NEWSA, &sa, &msg), 0);
	i = sa_parse(XFRM_MSG_NEWSA);
	ck_assert_uint_eq(i->mode, XFRM_MODE_TRANSPORT);
	ck_assert_uint_eq(i->sel.proto, IPPROTO_UDP);
	ck_assert_uint_eq(ntohs(i->sel.dport), 53);
	ck_assert_uint_eq(i->sel.dport_mask, 0xffff);
	ck_assert_uint_eq(i->sel.sport_mask, 0);
}
END_TEST

START_TEST(sa_refused_with_reason)
{
	struct kernel_sa sa = gcm_sa();

	sa.encr = 77;
	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_NEWSA, &sa, &msg), -EINVAL);
	ck_assert_ptr_null(msg);
	ck_assert_ptr_nonnull(strstr(last_log, "encryption algorithm 77"));

	sa = gcm_sa();
	sa.enc_key_len = 16;	/* salt missing */
	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_NEWSA, &sa, &msg), -EINVAL);
	ck_assert_ptr_nonnull(strstr(last_log, "aes-gcm-16 key of 16 bytes"));

	sa = gcm_sa();
	sa.integ = KERNEL_INTEG_HMAC_SHA2_256_128;	/* AEAD has its own ICV */
	sa.int_key_len = 32;
	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_NEWSA, &sa, &msg), -EINVAL);

	sa = gcm_sa();
	sa.encr = KERNEL_ENCR_AES_CBC;
	sa.enc_key_len = 16;
	sa.integ = 99;
	sa.int_key_len = 32;
	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_NEWSA, &sa, &msg), -EINVAL);
	ck_assert_ptr_nonnull(strstr(last_log, "integrity algorithm 99"));

	sa = gcm_sa();
	sa.reqid = 5;
	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_NEWSA, &sa, &msg), -EINVAL);
	ck_assert_ptr_nonnull(strstr(last_log, "reqid 0x5 outside"));

	sa = gcm_sa();
	sa.id.dst = A("2001:db8::2");
	ck_assert_int_eq(xfrm_msg_sa(XFRM_MSG_NEWSA, &sa, &msg), -EINVAL);
	ck_assert_ptr_null(msg);
}
END_TEST

START_TEST(sa_id_and_allocspi)
{
	struct kernel_sa sa = gcm_sa();
	const struct xfrm_usersa_id *id;
	const struct xfrm_userspi_info *si;

	ck_assert_int_eq(xfrm_msg_sa_id(XFRM_MSG_DELSA, &sa.id, &msg), 0);
	ck_assert_uint_eq(nlmsg_hdr(msg)->nlmsg_type, XFRM_MSG_DELSA);
	ck_assert(nlmsg_valid_hdr(nlmsg_hdr(msg), sizeof(*id)));
	id = nlmsg_data(nlmsg_hdr(msg));
	ck_assert_uint_eq(ntohl(id->spi), 0xc1234567);
	ck_assert_uint_eq(id->proto, IPPROTO_ESP);
	ck_assert_uint_eq(id->family, AF_INET);
	ck_assert_mem_eq(&id->daddr, &sa.id.dst.u.sin.sin_addr, 4);
	nlmsg_free(msg);

	ck_assert_int_eq(xfrm_msg_allocspi(&sa.src, &sa.id.dst, IPPROTO_ESP, KERNEL_REQID_MIN,
					   0xc0000000, 0xcfffffff, &msg), 0);
	ck_assert_uint_eq(nlmsg_hdr(msg)->nlmsg_type, XFRM_MSG_ALLOCSPI);
	ck_assert(nlmsg_valid_hdr(nlmsg_hdr(msg), sizeof(*si)));
	si = nlmsg_data(nlmsg_hdr(msg));
	ck_assert_uint_eq(si->min, 0xc0000000);
	ck_assert_uint_eq(si->max, 0xcfffffff);
	ck_assert_uint_eq(si->info.reqid, KERNEL_REQID_MIN);
	ck_assert_uint_eq(si->info.family, AF_INET);
	ck_assert_uint_eq(si->info.id.proto, IPPROTO_ESP);
	nlmsg_free(msg);
	ck_assert_int_eq(xfrm_msg_allocspi(&sa.src, &sa.id.dst, IPPROTO_ESP, KERNEL_REQID_MIN,
					   5, 100, &msg), -EINVAL);
}
END_TEST

static struct kernel_policy out_policy(void)
{
	struct kernel_policy p;

	memset(&p, 0, sizeof(p));
	p.sel.src = A("10.1.0.0");
	p.sel.dst = A("10.2.0.0");
	p.sel.src_plen = 16;
	p.sel.dst_plen = 24;
	p.dir = KERNEL_DIR_OUT;
	p.action = KERNEL_ALLOW;
	p.prio_class = KERNEL_PRIO_IPSEC;
	p.has_tmpl = 1;
	p.tmpl.mode = KERNEL_MODE_TUNNEL;
	p.tmpl.src = A("192.0.2.1");
	p.tmpl.dst = A("192.0.2.2");
	p.tmpl.proto = IPPROTO_ESP;
	p.tmpl.reqid = KERNEL_REQID_MIN + 3;
	return p;
}

START_TEST(policy_tunnel_template)
{
	struct kernel_policy p = out_policy();
	const struct xfrm_userpolicy_info *i;
	const struct xfrm_user_tmpl *t;
	struct nlmsghdr *h;

	ck_assert_int_eq(xfrm_msg_policy(XFRM_MSG_NEWPOLICY, &p, &msg), 0);
	h = nlmsg_hdr(msg);
	ck_assert_uint_eq(h->nlmsg_type, XFRM_MSG_NEWPOLICY);
	ck_assert(nlmsg_valid_hdr(h, sizeof(*i)));
	ck_assert_int_eq(nlmsg_parse(h, sizeof(*i), tb, XFRMA_MAX, NULL), 0);
	i = nlmsg_data(h);
	ck_assert_uint_eq(i->dir, XFRM_POLICY_OUT);
	ck_assert_uint_eq(i->action, XFRM_POLICY_ALLOW);
	ck_assert_uint_eq(i->priority, kernel_policy_priority(&p));
	ck_assert(kernel_prio_is_own(i->priority));
	ck_assert_uint_eq(i->sel.family, AF_INET);
	ck_assert_uint_eq(i->sel.prefixlen_s, 16);
	ck_assert_uint_eq(i->sel.prefixlen_d, 24);
	ck_assert_mem_eq(&i->sel.daddr, &p.sel.dst.u.sin.sin_addr, 4);
	ck_assert_uint_eq(i->lft.hard_byte_limit, XFRM_INF);
	ck_assert_ptr_nonnull(tb[XFRMA_TMPL]);
	ck_assert_int_eq(nla_len(tb[XFRMA_TMPL]), (int)sizeof(*t));
	t = nla_data(tb[XFRMA_TMPL]);
	ck_assert_uint_eq(t->family, AF_INET);
	ck_assert_uint_eq(t->mode, XFRM_MODE_TUNNEL);
	ck_assert_uint_eq(t->id.proto, IPPROTO_ESP);
	ck_assert_uint_eq(t->reqid, KERNEL_REQID_MIN + 3);
	ck_assert_mem_eq(&t->saddr, &p.tmpl.src.u.sin.sin_addr, 4);
	ck_assert_mem_eq(&t->id.daddr, &p.tmpl.dst.u.sin.sin_addr, 4);
	ck_assert_uint_eq(t->aalgos, ~0u);
	ck_assert_uint_eq(t->ealgos, ~0u);
	ck_assert_uint_eq(t->optional, 0);
}
END_TEST

/* priority: a fixed one replaces the computed one for a policy with our
 * template, never for a block policy (flush_own must recognise those by
 * their priority); the mark goes with it */
START_TEST(policy_fixed_priority_mark)
{
	struct kernel_policy p = out_policy();
	const struct xfrm_userpolicy_info *i;
	const struct xfrm_mark *m;

	p.priority = 100;
	p.mark.value = 0x10;
	p.mark.mask = 0xff;
	ck_assert_int_eq(xfrm_msg_policy(XFRM_MSG_NEWPOLICY, &p, &msg), 0);
	ck_assert_int_eq(nlmsg_parse(nlmsg_hdr(msg), sizeof(*i), tb, XFRMA_MAX, NULL), 0);
	i = nlmsg_data(nlmsg_hdr(msg));
	ck_assert_uint_eq(i->priority, 100);
	ck_assert(!kernel_prio_is_own(i->priority));
	ck_assert(kernel_policy_is_own(i->priority, 1, 0));
	ck_assert(!kernel_policy_is_own(i->priority, 1, 1));
	ck_assert(!kernel_policy_is_own(i->priority, 0, 0));
	ck_assert_ptr_nonnull(tb[XFRMA_MARK]);
	m = nla_data(tb[XFRMA_MARK]);
	ck_assert_uint_eq(m->v, 0x10);
	ck_assert_uint_eq(m->m, 0xff);
	nlmsg_free(msg);

	p.action = KERNEL_BLOCK;
	ck_assert_int_eq(xfrm_msg_policy(XFRM_MSG_UPDPOLICY, &p, &msg), 0);
	i = nlmsg_data(nlmsg_hdr(msg));
	ck_assert(kernel_prio_is_own(i->priority));
}
END_TEST

/* Port ranges: the smallest masked block holding them, on the wire too. */
START_TEST(policy_port_ranges)
{
	static const struct { uint16_t lo, hi, port, mask; } t[] = {
		{ 443, 443, 443, 0xffff }, { 0, 65535, 0, 0 }, { 1024, 65535, 0, 0 },
		{ 8000, 8099, 7936, 0xff00 }, { 8064, 8127, 8064, 0xffc0 }, { 0, 255, 0, 0xff00 },
		{ 65535, 0, 0, 0 },	/* OPAQUE (start > end): any */
	};
	struct kernel_policy p = out_policy();
	const struct xfrm_userpolicy_info *i;

	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		uint16_t port, mask;

		kernel_port_range(t[k].lo, t[k].hi, &port, &mask);
		ck_assert_msg(port == t[k].port && mask == t[k].mask, "%u-%u: %u/%#x", t[k].lo,
			      t[k].hi, port, mask);
	}
	p.sel.proto = IPPROTO_UDP;
	kernel_port_range(8000, 8099, &p.sel.dport, &p.sel.dport_mask);
	p.sel.sport = 53;	/* no mask: the port alone */
	ck_assert_int_eq(xfrm_msg_policy(XFRM_MSG_NEWPOLICY, &p, &msg), 0);
	i = nlmsg_data(nlmsg_hdr(msg));
	ck_assert_uint_eq(ntohs(i->sel.dport), 7936);
	ck_assert_uint_eq(ntohs(i->sel.dport_mask), 0xff00);
	ck_assert_uint_eq(ntohs(i->sel.sport), 53);
	ck_assert_uint_eq(ntohs(i->sel.sport_mask), 0xffff);
}
END_TEST

START_TEST(policy_block_ports_delete)
{
	struct kernel_policy p = out_policy();
	const struct xfrm_userpolicy_info *i;
	const struct xfrm_userpolicy_id *id;
	struct nlmsghdr *h;

	p.action = KERNEL_BLOCK;
	p.sel.proto = IPPROTO_TCP;
	p.sel.sport = 1234;
	p.sel.dport = 443;
	p.dir = KERNEL_DIR_FWD;
	p.if_id = 3;
	ck_assert_int_eq(xfrm_msg_policy(XFRM_MSG_UPDPOLICY, &p, &msg), 0);
	h = nlmsg_hdr(msg);
	ck_assert_uint_eq(h->nlmsg_type, XFRM_MSG_UPDPOLICY);
	ck_assert_int_eq(nlmsg_parse(h, sizeof(*i), tb, XFRMA_MAX, NULL), 0);
	i = nlmsg_data(h);
	ck_assert_uint_eq(i->action, XFRM_POLICY_BLOCK);
	ck_assert_uint_eq(i->dir, XFRM_POLICY_FWD);
	ck_assert_uint_eq(i->sel.proto, IPPROTO_TCP);
	ck_assert_uint_eq(ntohs(i->sel.sport), 1234);
	ck_assert_uint_eq(ntohs(i->sel.dport), 443);
	ck_assert_uint_eq(i->sel.sport_mask, 0xffff);
	ck_assert_ptr_null(tb[XFRMA_TMPL]);
	ck_assert_uint_eq(nla_get_u32(tb[XFRMA_IF_ID]), 3);
	nlmsg_free(msg);

	ck_assert_int_eq(xfrm_msg_policy(XFRM_MSG_DELPOLICY, &p, &msg), 0);
	h = nlmsg_hdr(msg);
	ck_assert_uint_eq(h->nlmsg_type, XFRM_MSG_DELPOLICY);
	ck_assert(nlmsg_valid_hdr(h, sizeof(*id)));
	ck_assert_int_eq(nlmsg_parse(h, sizeof(*id), tb, XFRMA_MAX, NULL), 0);
	id = nlmsg_data(h);
	ck_assert_uint_eq(id->dir, XFRM_POLICY_FWD);
	ck_assert_uint_eq(id->sel.prefixlen_d, 24);
	ck_assert_uint_eq(ntohs(id->sel.dport), 443);
	ck_assert_uint_eq(nla_get_u32(tb[XFRMA_IF_ID]), 3);
	nlmsg_free(msg);

	p.sel.dst_plen = 33;
	ck_assert_int_eq(xfrm_msg_policy(XFRM_MSG_NEWPOLICY, &p, &msg), -EINVAL);
	ck_assert_ptr_nonnull(strstr(last_log, "/33 longer than 32"));
}
END_TEST

/* Lower value wins in XFRM: more specific and more preferred classes lower. */
START_TEST(policy_priority_order)
{
	struct kernel_policy net = out_policy(), host = out_policy(), port = out_policy();
	struct kernel_policy trap = out_policy(), pass = out_policy(), fb = out_policy();

	host.sel.src_plen = host.sel.dst_plen = 32;
	port.sel.src_plen = port.sel.dst_plen = 32;
	port.sel.proto = IPPROTO_UDP;
	port.sel.dport = 53;
	trap.prio_class = KERNEL_PRIO_TRAP;
	trap.sel.src_plen = trap.sel.dst_plen = 32;
	pass.prio_class = KERNEL_PRIO_PASS;
	pass.sel.src_plen = pass.sel.dst_plen = 0;
	fb.prio_class = KERNEL_PRIO_FALLBACK;
	ck_assert_uint_lt(kernel_policy_priority(&host), kernel_policy_priority(&net));
	ck_assert_uint_lt(kernel_policy_priority(&port), kernel_policy_priority(&host));
	ck_assert_uint_lt(kernel_policy_priority(&net), kernel_policy_priority(&trap));
	ck_assert_uint_lt(kernel_policy_priority(&pass), kernel_policy_priority(&port));
	ck_assert_uint_lt(kernel_policy_priority(&trap), kernel_policy_priority(&fb));
	ck_assert(kernel_prio_is_own(kernel_policy_priority(&pass)));
	fb.sel.src_plen = fb.sel.dst_plen = 0;
	ck_assert(kernel_prio_is_own(kernel_policy_priority(&fb)));
	ck_assert(!kernel_prio_is_own(0));
	ck_assert(kernel_reqid_is_own(KERNEL_REQID_MAX));
	ck_assert(!kernel_reqid_is_own(1));
}
END_TEST

/* Event capture for the decode tests. */
static struct {
	int acquires, expires, polexpires, mappings;
	struct kernel_acquire acq;
	struct kernel_sa_id id;
	uint32_t reqid, index;
	int hard;
	enum kernel_dir dir;
	struct addr old_peer, new_peer;
} got;

static void c_acquire(void *arg, const struct kernel_acquire *acq)
{
	got.acquires++;
	got.acq = *acq;
}

static void c_expire(void *arg, const struct kernel_sa_id *id, uint32_t reqid, int hard)
{
	got.expires++;
	got.id = *id;
	got.reqid = reqid;
	got.hard = hard;
}

static void c_polexpire(void *arg, const struct kernel_selector *sel, enum kernel_dir dir,
			uint32_t index, int hard)
{
	got.polexpires++;
	got.dir = dir;
	got.index = index;
	got.hard = hard;
}

static void c_mapping(void *arg, const struct kernel_sa_id *id, const struct addr *o,
		      const struct addr *n)
{
	got.mappings++;
	got.id = *id;
	got.old_peer = *o;
	got.new_peer = *n;
}

static const struct kernel_events events = {
	.on_acquire = c_acquire,
	.on_expire = c_expire,
	.on_policy_expire = c_polexpire,
	.on_mapping = c_mapping,
};

static void v4(void *raw16, const char *s)
{
	memset(raw16, 0, 16);
	ck_assert_int_eq(inet_pton(AF_INET, s, raw16), 1);
}

START_TEST(event_acquire)
{
	struct xfrm_user_acquire ua;
	struct xfrm_user_tmpl t;
	struct addr want_dst = A("192.0.2.2"), want_sel = A("10.2.0.9");

	memset(&got, 0, sizeof(got));
	memset(&ua, 0, sizeof(ua));
	memset(&t, 0, sizeof(t));
	ua.id.proto = IPPROTO_ESP;
	v4(&ua.id.daddr, "192.0.2.2");
	v4(&ua.saddr, "192.0.2.1");
	ua.sel.family = AF_INET;
	v4(&ua.sel.saddr, "10.1.0.5");
	v4(&ua.sel.daddr, "10.2.0.9");
	ua.sel.prefixlen_s = ua.sel.prefixlen_d = 32;
	ua.sel.proto = IPPROTO_UDP;
	ua.sel.dport = htons(9);
	ua.sel.dport_mask = 0xffff;
	ua.policy.dir = XFRM_POLICY_OUT;
	ua.policy.index = 4242;
	t.family = AF_INET;
	t.reqid = KERNEL_REQID_MIN + 2;
	t.id.proto = IPPROTO_ESP;
	msg = nlmsg_alloc_simple(XFRM_MSG_ACQUIRE, 0);
	ck_assert_int_eq(nlmsg_append(msg, &ua, sizeof(ua), NLMSG_ALIGNTO), 0);
	ck_assert_int_eq(nla_put(msg, XFRMA_TMPL, sizeof(t), &t), 0);
	ck_assert_int_eq(xfrm_event_decode(nlmsg_hdr(msg), &events), 0);
	ck_assert_int_eq(got.acquires, 1);
	ck_assert_uint_eq(got.acq.reqid, KERNEL_REQID_MIN + 2);
	ck_assert_uint_eq(got.acq.policy_index, 4242);
	ck_assert_int_eq(got.acq.dir, KERNEL_DIR_OUT);
	ck_assert_uint_eq(got.acq.proto, IPPROTO_ESP);
	ck_assert(addr_eq_host(&got.acq.dst, &want_dst));
	ck_assert(addr_eq_host(&got.acq.sel.dst, &want_sel));
	ck_assert_uint_eq(got.acq.sel.dport, 9);
	ck_assert_uint_eq(got.acq.sel.proto, IPPROTO_UDP);
	nlmsg_free(msg);

	/* no template: no callback */
	msg = nlmsg_alloc_simple(XFRM_MSG_ACQUIRE, 0);
	ck_assert_int_eq(nlmsg_append(msg, &ua, sizeof(ua), NLMSG_ALIGNTO), 0);
	ck_assert_int_eq(xfrm_event_decode(nlmsg_hdr(msg), &events), -EINVAL);
	ck_assert_int_eq(got.acquires, 1);
}
END_TEST

START_TEST(event_expire_polexpire_mapping)
{
	struct xfrm_user_expire ue;
	struct xfrm_user_polexpire pe;
	struct xfrm_user_mapping um;
	struct addr want = A("192.0.2.2");

	memset(&got, 0, sizeof(got));
	memset(&ue, 0, sizeof(ue));
	ue.state.family = AF_INET;
	ue.state.id.proto = IPPROTO_ESP;
	ue.state.id.spi = htonl(0xc0000abc);
	v4(&ue.state.id.daddr, "192.0.2.2");
	ue.state.reqid = KERNEL_REQID_MIN + 9;
	ue.hard = 1;
	msg = nlmsg_alloc_simple(XFRM_MSG_EXPIRE, 0);
	ck_assert_int_eq(nlmsg_append(msg, &ue, sizeof(ue), NLMSG_ALIGNTO), 0);
	ck_assert_int_eq(xfrm_event_decode(nlmsg_hdr(msg), &events), 0);
	ck_assert_int_eq(got.expires, 1);
	ck_assert_int_eq(got.hard, 1);
	ck_assert_uint_eq(got.id.spi, 0xc0000abc);
	ck_assert_uint_eq(got.id.proto, IPPROTO_ESP);
	ck_assert_uint_eq(got.reqid, KERNEL_REQID_MIN + 9);
	ck_assert(addr_eq_host(&got.id.dst, &want));
	nlmsg_free(msg);

	/*
	 * Regression (fuzz_kernel_event): an algorithm attribute whose key
	 * length claims more than the attribute holds made libnl-xfrm's SA
	 * parser read past the message.  Only the header and the mark count.
	 */
	{
		struct { struct xfrm_algo a; uint8_t key[4]; } alg;
		struct xfrm_mark mark = { 0x2a, 0xff };

		memset(&alg, 0, sizeof(alg));
		strcpy(alg.a.alg_name, "cbc(aes)");
		alg.a.alg_key_len = 4096 * 8;
		msg = nlmsg_alloc_simple(XFRM_MSG_EXPIRE, 0);
		ck_assert_int_eq(nlmsg_append(msg, &ue, sizeof(ue), NLMSG_ALIGNTO), 0);
		ck_assert_int_eq(nla_put(msg, XFRMA_ALG_CRYPT, sizeof(alg), &alg), 0);
		ck_assert_int_eq(nla_put(msg, XFRMA_MARK, sizeof(mark), &mark), 0);
		ck_assert_int_eq(xfrm_event_decode(nlmsg_hdr(msg), &events), 0);
		ck_assert_int_eq(got.expires, 2);
		ck_assert_uint_eq(got.id.spi, 0xc0000abc);
		ck_assert_uint_eq(got.id.mark.value, 0x2a);
		ck_assert_uint_eq(got.id.mark.mask, 0xff);
		nlmsg_free(msg);
		/* a mark attribute too short for a mark: malformed */
		msg = nlmsg_alloc_simple(XFRM_MSG_EXPIRE, 0);
		ck_assert_int_eq(nlmsg_append(msg, &ue, sizeof(ue), NLMSG_ALIGNTO), 0);
		ck_assert_int_eq(nla_put(msg, XFRMA_MARK, 4, &mark), 0);
		ck_assert_int_eq(xfrm_event_decode(nlmsg_hdr(msg), &events), -EINVAL);
		ck_assert_int_eq(got.expires, 2);
		nlmsg_free(msg);
	}

	memset(&pe, 0, sizeof(pe));
	pe.pol.sel.family = AF_INET;
	pe.pol.dir = XFRM_POLICY_IN;
	pe.pol.index = 77;
	msg = nlmsg_alloc_simple(XFRM_MSG_POLEXPIRE, 0);
	ck_assert_int_eq(nlmsg_append(msg, &pe, sizeof(pe), NLMSG_ALIGNTO), 0);
	ck_assert_int_eq(xfrm_event_decode(nlmsg_hdr(msg), &events), 0);
	ck_assert_int_eq(got.polexpires, 1);
	ck_assert_int_eq(got.dir, KERNEL_DIR_IN);
	ck_assert_uint_eq(got.index, 77);
	ck_assert_int_eq(got.hard, 0);
	nlmsg_free(msg);

	memset(&um, 0, sizeof(um));
	um.id.family = AF_INET;
	um.id.proto = IPPROTO_ESP;
	um.id.spi = htonl(0xc0000def);
	v4(&um.id.daddr, "192.0.2.1");
	v4(&um.old_saddr, "198.51.100.1");
	v4(&um.new_saddr, "198.51.100.7");
	um.old_sport = htons(4500);
	um.new_sport = htons(61000);
	msg = nlmsg_alloc_simple(XFRM_MSG_MAPPING, 0);
	ck_assert_int_eq(nlmsg_append(msg, &um, sizeof(um), NLMSG_ALIGNTO), 0);
	ck_assert_int_eq(xfrm_event_decode(nlmsg_hdr(msg), &events), 0);
	ck_assert_int_eq(got.mappings, 1);
	ck_assert_uint_eq(got.id.spi, 0xc0000def);
	ck_assert_uint_eq(addr_port(&got.old_peer), 4500);
	ck_assert_uint_eq(addr_port(&got.new_peer), 61000);
	want = A("198.51.100.7");
	ck_assert(addr_eq_host(&got.new_peer, &want));
}
END_TEST

/* Truncated fixed headers (a hostile or buggy sender) never reach a callback. */
START_TEST(event_truncated)
{
	static const int types[] = { XFRM_MSG_ACQUIRE, XFRM_MSG_EXPIRE, XFRM_MSG_POLEXPIRE,
				     XFRM_MSG_MAPPING };
	uint8_t junk[16];

	memset(&got, 0, sizeof(got));
	memset(junk, 0xff, sizeof(junk));
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		msg = nlmsg_alloc_simple(types[i], 0);
		ck_assert_int_eq(nlmsg_append(msg, junk, sizeof(junk), NLMSG_ALIGNTO), 0);
		ck_assert_int_eq(xfrm_event_decode(nlmsg_hdr(msg), &events), -EINVAL);
		nlmsg_free(msg);
	}
	msg = NULL;
	ck_assert_int_eq(got.acquires + got.expires + got.polexpires + got.mappings, 0);
	msg = nlmsg_alloc_simple(XFRM_MSG_NEWAE, 0);
	ck_assert_int_eq(xfrm_event_decode(nlmsg_hdr(msg), &events), 1);
}
END_TEST

/* A virtual IP on an interface (RTM_NEWADDR/DELADDR, rtnl_addr.c). */
START_TEST(rtnl_addr_message)
{
	struct addr a, b;
	struct nlmsghdr *h;
	struct ifaddrmsg *ifa;
	struct nlattr *at[IFA_MAX + 1];

	ck_assert_int_eq(addr_parse(&a, "10.3.0.7", 0), 0);
	msg = rtnl_addr_msg(1, &a, 32, 7);
	ck_assert_ptr_nonnull(msg);
	h = nlmsg_hdr(msg);
	ck_assert_uint_eq(h->nlmsg_type, RTM_NEWADDR);
	ck_assert_uint_eq(h->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL), NLM_F_CREATE | NLM_F_EXCL);
	ifa = nlmsg_data(h);
	ck_assert_uint_eq(ifa->ifa_family, AF_INET);
	ck_assert_uint_eq(ifa->ifa_prefixlen, 32);
	ck_assert_uint_eq(ifa->ifa_index, 7);
	ck_assert_int_eq(nlmsg_parse(h, sizeof(*ifa), at, IFA_MAX, NULL), 0);
	ck_assert_ptr_nonnull(at[IFA_LOCAL]);
	ck_assert_int_eq(nla_len(at[IFA_LOCAL]), 4);
	ck_assert_int_eq(memcmp(nla_data(at[IFA_LOCAL]), "\x0a\x03\x00\x07", 4), 0);
	nlmsg_free(msg);
	ck_assert_int_eq(addr_parse(&b, "2001:db8:3::1", 0), 0);
	msg = rtnl_addr_msg(0, &b, 128, 1);
	ck_assert_ptr_nonnull(msg);
	ck_assert_uint_eq(nlmsg_hdr(msg)->nlmsg_type, RTM_DELADDR);
	ck_assert_uint_eq(((struct ifaddrmsg *)nlmsg_data(nlmsg_hdr(msg)))->ifa_family, AF_INET6);
	nlmsg_free(msg);
	/* a prefix longer than the address, no interface: refused */
	ck_assert_ptr_null(rtnl_addr_msg(1, &a, 33, 7));
	msg = rtnl_addr_msg(1, &a, 32, 0);
	ck_assert_ptr_null(msg);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("xfrm_msg");
	TCase *tc = tcase_create("messages");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, sa_aes_gcm_16);
	tcase_add_test(tc, sa_aes_cbc_hmac_sha256);
	tcase_add_test(tc, sa_chacha20_poly1305);
	tcase_add_test(tc, alg_table);
	tcase_add_test(tc, sa_encap_mark_ifid);
	tcase_add_test(tc, sa_copy_flags_set_mark);
	tcase_add_test(tc, sa_esn_large_window);
	tcase_add_test(tc, sa_families_and_selector);
	tcase_add_test(tc, sa_refused_with_reason);
	tcase_add_test(tc, sa_id_and_allocspi);
	tcase_add_test(tc, policy_tunnel_template);
	tcase_add_test(tc, policy_fixed_priority_mark);
	tcase_add_test(tc, policy_port_ranges);
	tcase_add_test(tc, policy_block_ports_delete);
	tcase_add_test(tc, policy_priority_order);
	tcase_add_test(tc, event_acquire);
	tcase_add_test(tc, event_expire_polexpire_mapping);
	tcase_add_test(tc, event_truncated);
	tcase_add_test(tc, sa_move_rewrite);
	tcase_add_test(tc, rtnl_addr_message);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
