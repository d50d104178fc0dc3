/* Socket addresses: parse, compare, print. */
#include <check.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "common/addr.h"

START_TEST(test_parse_v4)
{
	struct addr a;
	const uint8_t *b;
	size_t len;
	char buf[ADDR_STRLEN];

	ck_assert_int_eq(addr_parse(&a, "192.0.2.1", 500), 0);
	ck_assert_int_eq(addr_family(&a), AF_INET);
	ck_assert_uint_eq(addr_port(&a), 500);
	ck_assert_uint_eq(addr_socklen(&a), sizeof(struct sockaddr_in));
	b = addr_bytes(&a, &len);
	ck_assert_uint_eq(len, 4);
	ck_assert_mem_eq(b, "\xc0\x00\x02\x01", 4);
	ck_assert_str_eq(addr_str(&a, buf, sizeof(buf)), "192.0.2.1[500]");
	ck_assert_str_eq(addr_host_str(&a, buf, sizeof(buf)), "192.0.2.1");
	ck_assert(!addr_is_any(&a));
	ck_assert_int_eq(addr_parse(&a, "0.0.0.0", 0), 0);
	ck_assert(addr_is_any(&a));
}
END_TEST

START_TEST(test_parse_v6)
{
	struct addr a;
	const uint8_t *b;
	size_t len;
	char buf[ADDR_STRLEN];

	ck_assert_int_eq(addr_parse(&a, "2001:DB8:0:0::1", 4500), 0);
	ck_assert_int_eq(addr_family(&a), AF_INET6);
	ck_assert_uint_eq(addr_port(&a), 4500);
	ck_assert_uint_eq(addr_socklen(&a), sizeof(struct sockaddr_in6));
	b = addr_bytes(&a, &len);
	ck_assert_uint_eq(len, 16);
	ck_assert_uint_eq(b[0], 0x20);
	ck_assert_uint_eq(b[15], 0x01);
	/* Printed in canonical form. */
	ck_assert_str_eq(addr_str(&a, buf, sizeof(buf)), "2001:db8::1[4500]");
	ck_assert(!addr_is_any(&a));
	ck_assert_int_eq(addr_parse(&a, "::", 500), 0);
	ck_assert(addr_is_any(&a));
	/* The longest form fits ADDR_STRLEN. */
	ck_assert_int_eq(addr_parse(&a, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 65535), 0);
	ck_assert_str_eq(addr_str(&a, buf, sizeof(buf)),
			 "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff[65535]");
}
END_TEST

START_TEST(test_parse_invalid)
{
	static const char *const bad[] = {
		"", "192.0.2", "192.0.2.256", "192.0.2.1 ", " 192.0.2.1", "192.0.2.1:500",
		"[2001:db8::1]", "2001:db8:::1", "2001:db8::g", "localhost", "1.2.3.4.5",
		"2001:db8::1/64",
	};
	struct addr a;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&a, 0xff, sizeof(a));
		ck_assert_msg(addr_parse(&a, bad[i], 500) == -1, "accepted '%s'", bad[i]);
		ck_assert_int_eq(addr_family(&a), AF_UNSPEC);
	}
	ck_assert_int_eq(addr_parse(&a, NULL, 500), -1);
}
END_TEST

START_TEST(test_cmp_order)
{
	/* Strictly increasing: family (v4 < v6), then address bytes, then port. */
	static const struct {
		const char *s;
		uint16_t port;
	} seq[] = {
		{ "10.0.0.1", 500 }, { "10.0.0.1", 4500 }, { "10.0.0.2", 1 },
		{ "192.0.2.1", 500 }, { "::1", 500 }, { "2001:db8::1", 0 },
		{ "2001:db8::1", 500 },
	};
	struct addr x, y;
	size_t i, j;

	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		for (j = 0; j < sizeof(seq) / sizeof(seq[0]); j++) {
			int want = i < j ? -1 : i > j ? 1 : 0;

			ck_assert_int_eq(addr_parse(&x, seq[i].s, seq[i].port), 0);
			ck_assert_int_eq(addr_parse(&y, seq[j].s, seq[j].port), 0);
			ck_assert_msg(addr_cmp(&x, &y) == want, "cmp %s[%u] %s[%u] != %d",
				      seq[i].s, seq[i].port, seq[j].s, seq[j].port, want);
		}
	}
}
END_TEST

START_TEST(test_eq_host)
{
	struct addr a, b;

	addr_parse(&a, "192.0.2.1", 500);
	addr_parse(&b, "192.0.2.1", 4500);
	ck_assert(addr_eq_host(&a, &b));
	ck_assert_int_ne(addr_cmp(&a, &b), 0);
	addr_parse(&b, "192.0.2.2", 500);
	ck_assert(!addr_eq_host(&a, &b));
	/* A v4-mapped v6 address is another family: not the same host here. */
	addr_parse(&b, "::ffff:192.0.2.1", 500);
	ck_assert(!addr_eq_host(&a, &b));
	addr_parse(&a, "2001:db8::1", 500);
	addr_parse(&b, "2001:db8:0::1", 1);
	ck_assert(addr_eq_host(&a, &b));
}
END_TEST

START_TEST(test_set_port_bytes_sockaddr)
{
	struct addr a, b;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	char buf[ADDR_STRLEN];

	ck_assert_int_eq(addr_set_bytes(&a, AF_INET, "\xc6\x33\x64\x07", 4500), 0);
	ck_assert_str_eq(addr_str(&a, buf, sizeof(buf)), "198.51.100.7[4500]");
	addr_set_port(&a, 500);
	ck_assert_uint_eq(addr_port(&a), 500);
	ck_assert_int_eq(addr_set_bytes(&a, AF_UNIX, "x", 1), -1);
	ck_assert_int_eq(addr_family(&a), AF_UNSPEC);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(500);
	inet_pton(AF_INET, "192.0.2.9", &sin.sin_addr);
	ck_assert_int_eq(addr_from_sockaddr(&a, (struct sockaddr *)&sin, sizeof(sin)), 0);
	addr_parse(&b, "192.0.2.9", 500);
	ck_assert_int_eq(addr_cmp(&a, &b), 0);
	/* Too short for its family. */
	ck_assert_int_eq(addr_from_sockaddr(&a, (struct sockaddr *)&sin, sizeof(sin) - 1), -1);
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	ck_assert_int_eq(addr_from_sockaddr(&a, (struct sockaddr *)&sin6, sizeof(sin)), -1);
	ck_assert_int_eq(addr_from_sockaddr(&a, (struct sockaddr *)&sin6, sizeof(sin6)), 0);
	ck_assert(addr_is_any(&a));
}
END_TEST

START_TEST(test_unset_and_truncated_print)
{
	struct addr a;
	char buf[ADDR_STRLEN];
	char small[8];

	memset(&a, 0, sizeof(a));
	ck_assert_str_eq(addr_str(&a, buf, sizeof(buf)), "%any");
	ck_assert_uint_eq(addr_port(&a), 0);
	ck_assert_uint_eq(addr_socklen(&a), 0);
	ck_assert(addr_is_any(&a));
	addr_parse(&a, "192.0.2.1", 500);
	ck_assert_str_eq(addr_str(&a, small, sizeof(small)), "192.0.2");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_parse_v4);
	tcase_add_test(tc, test_parse_v6);
	tcase_add_test(tc, test_parse_invalid);
	tcase_add_test(tc, test_cmp_order);
	tcase_add_test(tc, test_eq_host);
	tcase_add_test(tc, test_set_port_bytes_sockaddr);
	tcase_add_test(tc, test_unset_and_truncated_print);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
