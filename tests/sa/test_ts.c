#include <check.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/sa/ts.h"
#include "runner.h"

static struct ike_ts T(const char *s)
{
	struct ike_ts ts;

	ck_assert_msg(ts_parse(&ts, s) == 0, "parse %s", s);
	return ts;
}

static void set_of(struct ts_set *set, const char *const *s)
{
	set->n = 0;
	for (; *s; s++)
		set->ts[set->n++] = T(*s);
}

static const char *str(const struct ike_ts *ts)
{
	static char buf[8][TS_STRLEN];
	static int k;

	k = (k + 1) % 8;
	return ts_str(ts, buf[k], sizeof(buf[k]));
}

START_TEST(test_parse)
{
	struct ike_ts ts = T("10.1.2.3/16");
	static const char *const bad[] = {
		"10.1.0.0/33", "10.1.0.0/16[tcp/70000]", "foo", "10.0.0.0/8[tcp",
		"10.0.0.0/16[tcp/5-1]", "2001:db8::/129", "10.0.0.0/x", "[tcp]",
		"10.0.0.0/8[bogus]", "10.0.0.0/8[]", "10.0.0.0/-1",
	};

	ck_assert_uint_eq(ts.type, TS_IPV4_ADDR_RANGE);
	ck_assert_mem_eq(ts.start, "\x0a\x01\x00\x00", 4);	/* host bits ignored */
	ck_assert_mem_eq(ts.end, "\x0a\x01\xff\xff", 4);
	ck_assert_uint_eq(ts.ip_proto, 0);
	ck_assert_uint_eq(ts.start_port, 0);
	ck_assert_uint_eq(ts.end_port, 65535);
	ts = T("2001:db8::/32[tcp/443]");
	ck_assert_uint_eq(ts.type, TS_IPV6_ADDR_RANGE);
	ck_assert_uint_eq(ts.ip_proto, 6);
	ck_assert_uint_eq(ts.start_port, 443);
	ck_assert_uint_eq(ts.end_port, 443);
	ck_assert_mem_eq(ts.end, "\x20\x01\x0d\xb8\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 16);
	ts = T("192.0.2.1[udp/1000-2000]");
	ck_assert_mem_eq(ts.start, ts.end, 4);
	ck_assert_uint_eq(ts.ip_proto, 17);
	ck_assert_uint_eq(ts.start_port, 1000);
	ck_assert_uint_eq(ts.end_port, 2000);
	ck_assert_uint_eq(T("0.0.0.0/0[47]").ip_proto, 47);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ts_parse(&ts, bad[i]) == -1, "accepted %s", bad[i]);
}
END_TEST

START_TEST(test_str)
{
	static const char *const same[] = {
		"10.1.0.0/16", "10.1.0.0/16[tcp/443]", "2001:db8::/32[udp/1000-2000]",
		"0.0.0.0/0", "::/0[ipv6-icmp]", "192.0.2.1/32", "::1/128[sctp]",
		"10.0.0.0/8[99/7]",
	};
	struct ike_ts ts = T("10.1.0.0/24");

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		ck_assert_str_eq(str((const struct ike_ts[]){ T(same[i]) }), same[i]);
	ts.start[3] = 5;
	ts.end[3] = 9;
	ck_assert_str_eq(str(&ts), "10.1.0.5..10.1.0.9");
	ts.type = 9;
	ck_assert_str_eq(str(&ts), "(invalid type 9)");
}
END_TEST

static void expect_prefixes(const char *range_start, const char *range_end,
			    const char *const *want, size_t nwant)
{
	struct ike_ts ts;
	struct ts_prefix p[256];
	size_t n;
	int fam = strchr(range_start, ':') ? AF_INET6 : AF_INET;

	ts = T(fam == AF_INET ? "0.0.0.0/0" : "::/0");
	ck_assert_int_eq(inet_pton(fam, range_start, ts.start), 1);
	ck_assert_int_eq(inet_pton(fam, range_end, ts.end), 1);
	n = ts_to_prefixes(&ts, p, 256);
	ck_assert_uint_eq(n, nwant);
	for (size_t i = 0; i < n && want; i++) {
		char a[INET6_ADDRSTRLEN], got[64];

		inet_ntop(p[i].family, p[i].addr, a, sizeof(a));
		snprintf(got, sizeof(got), "%s/%u", a, p[i].len);
		ck_assert_str_eq(got, want[i]);
	}
}

START_TEST(test_prefixes)
{
	static const char *const w1[] = { "10.1.0.5/32", "10.1.0.6/31", "10.1.0.8/31" };
	static const char *const w2[] = { "0.0.0.0/0" };
	static const char *const w3[] = { "2001:db8::/120" };
	static const char *const w4[] = { "192.168.0.255/32", "192.168.1.0/32" };
	struct ike_ts ts = T("10.1.0.0/16");
	struct ts_prefix p;

	expect_prefixes("10.1.0.5", "10.1.0.9", w1, 3);
	expect_prefixes("0.0.0.0", "255.255.255.255", w2, 1);
	expect_prefixes("2001:db8::", "2001:db8::ff", w3, 1);
	expect_prefixes("192.168.0.255", "192.168.1.0", w4, 2);
	/* worst cases: 2*bits-2 prefixes */
	expect_prefixes("0.0.0.1", "255.255.255.254", NULL, 62);
	expect_prefixes("::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", NULL, 254);
	expect_prefixes("::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", NULL, 128);
	ck_assert_int_eq(ts_prefix_len(&ts), 16);
	ts.end[3] = 0xfe;
	ck_assert_int_eq(ts_prefix_len(&ts), -1);
	/* max caps the writes, not the count */
	ck_assert_uint_eq(ts_to_prefixes(&ts, &p, 1), 16);
	ck_assert_uint_eq(p.len, 17);
	ck_assert_int_eq(ts_prefix_len((const struct ike_ts[]){ T("2001:db8::1") }), 128);
}
END_TEST

START_TEST(test_intersect)
{
	struct ike_ts r, bad = T("10.0.0.0/8");
	const struct ike_ts any4 = T("0.0.0.0/0"), tcp = T("10.1.0.0/16[tcp]");

	ck_assert_int_eq(ts_intersect(&any4, &tcp, &r), 1);
	ck_assert_str_eq(str(&r), "10.1.0.0/16[tcp]");
	ck_assert_int_eq(ts_intersect(&tcp, (const struct ike_ts[]){ T("10.1.2.0/24[udp]") }, &r), 0);
	ck_assert_int_eq(ts_intersect((const struct ike_ts[]){ T("10.0.0.0/8[tcp/1-1000]") },
				      (const struct ike_ts[]){ T("10.1.0.0/16[tcp/900-2000]") }, &r), 1);
	ck_assert_str_eq(str(&r), "10.1.0.0/16[tcp/900-1000]");
	ck_assert_int_eq(ts_intersect((const struct ike_ts[]){ T("10.0.0.0/8[tcp/1-10]") },
				      (const struct ike_ts[]){ T("10.0.0.0/8[tcp/11-20]") }, &r), 0);
	ck_assert_int_eq(ts_intersect((const struct ike_ts[]){ T("10.1.0.0/16") },
				      (const struct ike_ts[]){ T("10.2.0.0/16") }, &r), 0);
	ck_assert_int_eq(ts_intersect(&any4, (const struct ike_ts[]){ T("::/0") }, &r), 0);
	/* start > end (addresses, then ports) never matches */
	memcpy(bad.start, "\x0b\x00\x00\x00", 4);
	ck_assert_int_eq(ts_intersect(&any4, &bad, &r), 0);
	bad = T("10.0.0.0/8");
	bad.start_port = 10;
	bad.end_port = 9;
	ck_assert_int_eq(ts_intersect(&any4, &bad, &r), 0);
	ck_assert_int_eq(ts_contains(&any4, &tcp), 1);
	ck_assert_int_eq(ts_contains(&tcp, &any4), 0);
	ck_assert_int_eq(ts_contains(&tcp, (const struct ike_ts[]){ T("10.1.0.0/16") }), 0);
	/* IPv6 with ports */
	ck_assert_int_eq(ts_intersect((const struct ike_ts[]){ T("2001:db8::/32[udp/500-4500]") },
				      (const struct ike_ts[]){ T("2001:db8:1::/48[udp]") }, &r), 1);
	ck_assert_str_eq(str(&r), "2001:db8:1::/48[udp/500-4500]");
}
END_TEST

static void narrow_case(const char *const *cfg, const char *const *offered,
			const char *const *want)
{
	struct ts_set c, o, out;
	size_t n = 0;

	set_of(&c, cfg);
	set_of(&o, offered);
	while (want[n])
		n++;
	ck_assert_uint_eq(ts_narrow(&c, &o, &out), n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(str(&out.ts[i]), want[i]);
}

START_TEST(test_narrow)
{
	/* wide offer narrowed to config */
	narrow_case((const char *[]){ "10.1.0.0/16", NULL },
		    (const char *[]){ "0.0.0.0/0", NULL },
		    (const char *[]){ "10.1.0.0/16", NULL });
	/* ACQUIRE: the first TS is the packet; the config covers it */
	narrow_case((const char *[]){ "10.1.0.0/24", NULL },
		    (const char *[]){ "10.1.0.5/32[tcp/80]", "10.1.0.0/16", NULL },
		    (const char *[]){ "10.1.0.0/24", NULL });
	narrow_case((const char *[]){ "10.1.0.0/24[tcp]", NULL },
		    (const char *[]){ "10.1.0.5/32[tcp/80]", "10.1.0.0/16", NULL },
		    (const char *[]){ "10.1.0.0/24[tcp]", NULL });
	/* ... the config does not cover the packet: only the rest is narrowed */
	narrow_case((const char *[]){ "10.1.1.0/24", NULL },
		    (const char *[]){ "10.1.0.5/32[tcp/80]", "10.1.0.0/16", NULL },
		    (const char *[]){ "10.1.1.0/24", NULL });
	/* ... the config is exactly the packet's host plus another net */
	narrow_case((const char *[]){ "10.1.0.5/32", "10.2.0.0/16", NULL },
		    (const char *[]){ "10.1.0.5/32[tcp/80]", "10.0.0.0/8", NULL },
		    (const char *[]){ "10.1.0.5/32", "10.2.0.0/16", NULL });
	/* single hosts */
	narrow_case((const char *[]){ "192.0.2.1/32", NULL },
		    (const char *[]){ "192.0.2.1/32", NULL },
		    (const char *[]){ "192.0.2.1/32", NULL });
	narrow_case((const char *[]){ "192.0.2.1/32", NULL },
		    (const char *[]){ "192.0.2.2/32", NULL },
		    (const char *[]){ NULL });
	/* protocol mismatch; family mismatch */
	narrow_case((const char *[]){ "10.0.0.0/8[udp]", NULL },
		    (const char *[]){ "10.0.0.0/8[tcp]", NULL },
		    (const char *[]){ NULL });
	narrow_case((const char *[]){ "::/0", NULL },
		    (const char *[]){ "10.0.0.0/8", NULL },
		    (const char *[]){ NULL });
	/* IPv6, mixed families, ports */
	narrow_case((const char *[]){ "2001:db8::/32[tcp/443]", "10.0.0.0/8", NULL },
		    (const char *[]){ "::/0", "10.9.0.0/16[udp/53]", NULL },
		    (const char *[]){ "2001:db8::/32[tcp/443]", "10.9.0.0/16[udp/53]", NULL });
	/* duplicates and contained results collapse */
	narrow_case((const char *[]){ "10.0.0.0/8", "10.1.0.0/16", NULL },
		    (const char *[]){ "10.1.2.0/24", "0.0.0.0/0", NULL },
		    (const char *[]){ "10.0.0.0/8", NULL });
}
END_TEST

START_TEST(test_narrow_responder)
{
	struct ts_set local, remote, tsi, tsr, oi, or;

	set_of(&local, (const char *[]){ "192.168.1.0/24", NULL });
	set_of(&remote, (const char *[]){ "10.8.0.0/16", NULL });
	set_of(&tsi, (const char *[]){ "10.8.1.1/32", NULL });
	set_of(&tsr, (const char *[]){ "0.0.0.0/0", NULL });
	ck_assert_int_eq(ts_narrow_responder(&local, &remote, &tsi, &tsr, &oi, &or), 0);
	ck_assert_uint_eq(oi.n, 1);
	ck_assert_str_eq(str(&oi.ts[0]), "10.8.1.1/32");
	ck_assert_uint_eq(or.n, 1);
	ck_assert_str_eq(str(&or.ts[0]), "192.168.1.0/24");
	/* initiator asks for our side as its own: TS_UNACCEPTABLE */
	ck_assert_int_eq(ts_narrow_responder(&local, &remote, &tsr, &tsi, &oi, &or), -1);
	set_of(&tsr, (const char *[]){ "172.16.0.0/12", NULL });
	ck_assert_int_eq(ts_narrow_responder(&local, &remote, &tsi, &tsr, &oi, &or), -1);
	ck_assert_uint_eq(or.n, 0);
}
END_TEST

int main(void)
{
	const TTest *tests[] = {
		test_parse,
		test_str,
		test_prefixes,
		test_intersect,
		test_narrow,
		test_narrow_responder,
		NULL,
	};

	return run_tests("ts", tests, 0);
}
