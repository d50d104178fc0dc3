/* Configuration payload attributes (codec/cp.c, RFC 7296 3.15.1) and the
 * CP bad-input cases the codec decides (BAD-INPUT row 29). */
#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ike/codec/codec.h"
#include "ike/codec/cp.h"

static struct ike_msg m;
static uint8_t buf[65536];

/* body as the one CP payload of an IKE_AUTH request's SK chain. */
static int decode(const uint8_t *body, size_t len, struct codec_err *err)
{
	buf[0] = PL_NONE;
	buf[1] = 0;
	buf[2] = (uint8_t)((len + 4) >> 8);
	buf[3] = (uint8_t)(len + 4);
	memcpy(buf + 4, body, len);
	memset(&m.hdr, 0, sizeof(m.hdr));
	m.hdr.exchange = IKE_AUTH;
	m.hdr.major = 2;
	m.npl = m.nprop = m.nts = m.ncp = 0;
	m.sk_index = -1;
	return ike_msg_decode_sk(&m, PL_CP, buf, len + 4, err);
}

START_TEST(test_request_and_reply)
{
	/* strongSwan's request: empty IP4_ADDRESS, IP4_DNS, IP6_ADDRESS, IP6_DNS */
	static const uint8_t req[] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 8, 0, 0, 0, 10, 0, 0,
				       0x40, 0x00, 0, 0 /* private-use 16384: unknown */ };
	struct codec_err err;
	struct cp_info ci;

	ck_assert_int_eq(decode(req, sizeof(req), &err), 0);
	cp_parse(&m.pl[0].u.cp, &ci);
	ck_assert_uint_eq(ci.cfg_type, CFG_REQUEST);
	ck_assert(cp_asked(&ci, CPA_IP4_ADDRESS));
	ck_assert(cp_asked(&ci, CPA_IP6_DNS));
	ck_assert(!cp_asked(&ci, CPA_IP4_NETMASK));
	ck_assert_uint_eq(ci.naddrs, 0);
	ck_assert_uint_eq(ci.nunknown, 1);
	ck_assert_uint_eq(ci.nbad, 0);
}
END_TEST

START_TEST(test_build_parse)
{
	struct cp_out o;
	struct cp_net n = { AF_INET, 32, { 10, 3, 0, 7 } }, s = { AF_INET, 8, { 10 } };
	struct cp_net v6 = { AF_INET6, 64, { 0x20, 0x01, 0x0d, 0xb8, 0, 3 } };
	struct ike_payload p;
	struct ike_msg_builder b;
	struct codec_err err;
	struct cp_info ci;
	uint8_t out[512];
	char t[64];
	struct wr w;

	v6.addr[15] = 1;
	cp_out_init(&o, CFG_REPLY);
	ck_assert_int_eq(cp_out_net(&o, CPA_IP4_ADDRESS, &n), 0);
	ck_assert_int_eq(cp_out_netmask(&o, 24), 0);
	ck_assert_int_eq(cp_out_net(&o, CPA_IP4_DNS, &n), 0);
	ck_assert_int_eq(cp_out_net(&o, CPA_IP4_SUBNET, &s), 0);
	ck_assert_int_eq(cp_out_net(&o, CPA_IP4_ADDRESS, &v6), 0);
	ck_assert_int_eq(cp_out_net(&o, CPA_IP4_SUBNET, &v6), 0);
	memset(&p, 0, sizeof(p));
	p.type = PL_CP;
	cp_out_payload(&o, &p.u.cp);
	wr_init(&w, out, sizeof(out));
	ike_build_chain(&b, &w);
	ike_build_payload(&b, &p);
	ck_assert_int_eq(ike_build_finish(&b), 0);
	/* 4 + 4 header, 8 + 8 + 8 + 12 v4 attributes, 21 + 21 v6 ones */
	ck_assert_uint_eq(wr_len(&w), 8 + 36 + 42);
	ck_assert_int_eq(decode(out + 4, wr_len(&w) - 4, &err), 0);
	cp_parse(&m.pl[0].u.cp, &ci);
	ck_assert_uint_eq(ci.cfg_type, CFG_REPLY);
	ck_assert_uint_eq(ci.naddrs, 2);
	ck_assert_str_eq(cp_net_str(&ci.addrs[0], t, sizeof(t)), "10.3.0.7");
	ck_assert_str_eq(cp_net_str(&ci.addrs[1], t, sizeof(t)), "2001:db8:3::1/64");
	ck_assert(ci.have_netmask);
	ck_assert_uint_eq(ci.netmask[2], 255);
	ck_assert_uint_eq(ci.netmask[3], 0);
	ck_assert_uint_eq(ci.ndns, 1);
	ck_assert_uint_eq(ci.nsubnets, 2);
	ck_assert_str_eq(cp_net_str(&ci.subnets[0], t, sizeof(t)), "10.0.0.0/8");
	ck_assert_str_eq(cp_net_str(&ci.subnets[1], t, sizeof(t)), "2001:db8:3::1/64");
}
END_TEST

/* Known attributes of lengths 3.15.1 does not allow, a non-contiguous
 * netmask, a v6 prefix > 128: skipped and counted, never fatal. */
START_TEST(test_bad_lengths_ignored)
{
	static const uint8_t req[] = {
		2, 0, 0, 0,
		0, 1, 0, 3, 10, 3, 0,			/* IP4_ADDRESS of 3 bytes */
		0, 8, 0, 16, 0x20, 1, 13, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,	/* no prefix */
		0, 13, 0, 8, 10, 0, 0, 0, 255, 0, 255, 0,	/* mask 255.0.255.0 */
		0, 15, 0, 17, 0x20, 1, 13, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 200,
		0, 14, 0, 3, 0, 1, 0,			/* SUPPORTED_ATTRIBUTES, odd */
		0, 3, 0, 4, 10, 3, 0, 1,		/* and one good DNS */
	};
	struct codec_err err;
	struct cp_info ci;

	ck_assert_int_eq(decode(req, sizeof(req), &err), 0);
	cp_parse(&m.pl[0].u.cp, &ci);
	ck_assert_uint_eq(ci.nbad, 5);
	ck_assert_uint_eq(ci.bad_type, CPA_IP4_ADDRESS);
	ck_assert_uint_eq(ci.bad_len, 3);
	ck_assert_uint_eq(ci.naddrs, 0);
	ck_assert_uint_eq(ci.nsubnets, 0);
	ck_assert_uint_eq(ci.ndns, 1);
}
END_TEST

/* An attribute longer than the payload: INVALID_SYNTAX (2.21.2). */
START_TEST(test_length_past_end)
{
	static const uint8_t req[] = { 1, 0, 0, 0, 0, 1, 0, 4, 10, 3 };
	struct codec_err err;

	ck_assert_int_eq(decode(req, sizeof(req), &err), -1);
	ck_assert_int_eq(err.status, CODEC_INVALID_SYNTAX);
	ck_assert_ptr_nonnull(strstr(err.reason, "attribute length 4 > 2 bytes left"));
}
END_TEST

/* 1,000 attributes: the first IKE_MSG_MAX_CP_ATTRS kept, the rest checked
 * and counted; the message is not refused. */
START_TEST(test_thousand_attributes)
{
	static uint8_t req[4 + 1000 * 4];
	struct codec_err err;
	struct cp_info ci;

	memset(req, 0, sizeof(req));
	req[0] = CFG_REQUEST;
	for (size_t i = 0; i < 1000; i++)
		req[4 + i * 4 + 1] = i % 2 ? CPA_IP4_DNS : CPA_IP4_ADDRESS;
	ck_assert_int_eq(decode(req, sizeof(req), &err), 0);
	ck_assert_uint_eq(m.pl[0].u.cp.nattr, IKE_MSG_MAX_CP_ATTRS);
	ck_assert_uint_eq(m.pl[0].u.cp.ndropped, 1000 - IKE_MSG_MAX_CP_ATTRS);
	cp_parse(&m.pl[0].u.cp, &ci);
	ck_assert(cp_asked(&ci, CPA_IP4_ADDRESS));
	/* and one of them past the end is still caught */
	req[4 + 999 * 4 + 3] = 1;
	ck_assert_int_eq(decode(req, sizeof(req), &err), -1);
	ck_assert_int_eq(err.status, CODEC_INVALID_SYNTAX);
}
END_TEST

/* CP where the exchange allows none (CREATE_CHILD_SA, 1.3): INVALID_SYNTAX. */
START_TEST(test_cp_not_allowed)
{
	static const uint8_t req[] = { 1, 0, 0, 0, 0, 1, 0, 0 };
	struct codec_err err;

	ck_assert_int_eq(decode(req, sizeof(req), &err), 0);
	m.hdr.exchange = CREATE_CHILD_SA;
	m.sk_index = 0;	/* as if it came in an SK payload */
	ck_assert_int_eq(ike_msg_check_rules(&m, &err), -1);
	ck_assert_int_eq(err.status, CODEC_INVALID_SYNTAX);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cp");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_request_and_reply);
	tcase_add_test(tc, test_build_parse);
	tcase_add_test(tc, test_bad_lengths_ignored);
	tcase_add_test(tc, test_length_past_end);
	tcase_add_test(tc, test_thousand_attributes);
	tcase_add_test(tc, test_cp_not_allowed);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
