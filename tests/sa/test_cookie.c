#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "ike/sa/cookie.h"
#include "runner.h"

static const uint8_t ni[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
#define SPI 0x0123456789abcdefULL

static struct addr ip(const char *s)
{
	struct addr a;

	ck_assert_int_eq(addr_parse(&a, s, 500), 0);
	return a;
}

static void ctx(struct cookie_ctx *c, unsigned total, unsigned per_ip, unsigned block)
{
	struct cookie_cfg cfg;

	cookie_cfg_defaults(&cfg);
	cfg.total_threshold = total;
	cfg.ip_threshold = per_ip;
	cfg.ip_block = block;
	ck_assert_int_eq(cookie_ctx_init(c, &cfg, 1000), 0);
}

START_TEST(test_defaults)
{
	struct cookie_cfg cfg;

	cookie_cfg_defaults(&cfg);
	ck_assert_uint_eq(cfg.total_threshold, 30);
	ck_assert_uint_eq(cfg.ip_threshold, 3);
	ck_assert_uint_eq(cfg.ip_block, 5);
	ck_assert_uint_eq(cfg.secret_lifetime_ms, 120000);
	ck_assert_uint_eq(cfg.calmdown_ms, 10000);
	ck_assert(!cookie_peer_len_ok(0));
	ck_assert(cookie_peer_len_ok(1));
	ck_assert(cookie_peer_len_ok(64));
	ck_assert(!cookie_peer_len_ok(65));
}
END_TEST

START_TEST(test_thresholds)
{
	struct cookie_ctx c;
	struct addr a = ip("192.0.2.1"), b = ip("2001:db8::7"), other;
	uint8_t out[COOKIE_LEN];

	ctx(&c, 30, 3, 5);
	/* ports do not matter: two requests from one host count together */
	addr_set_port(&a, 4500);
	ck_assert_int_eq(halfopen_inc(&c, &a), 0);
	addr_set_port(&a, 500);
	ck_assert_int_eq(halfopen_inc(&c, &a), 0);
	ck_assert_uint_eq(halfopen_count(&c, &a), 2);
	ck_assert(!cookie_required(&c, 1000, &a));
	ck_assert_int_eq(cookie_admit(&c, 1000, &a, SPI, ni, sizeof(ni), NULL, 0, out), COOKIE_PASS);
	ck_assert_int_eq(halfopen_inc(&c, &a), 0);
	ck_assert(cookie_required(&c, 1000, &a));	/* 3 from one IP */
	ck_assert(!cookie_required(&c, 1000, &b));
	ck_assert_int_eq(cookie_admit(&c, 1000, &a, SPI, ni, sizeof(ni), NULL, 0, out), COOKIE_SEND);
	/* 27 more from distinct IPs: 29 in total, no cookie for a fresh IP yet */
	for (unsigned i = 0; i < 26; i++) {
		uint8_t v4[4] = { 198, 51, 100, (uint8_t)i };

		ck_assert_int_eq(addr_set_bytes(&other, AF_INET, v4, 500), 0);
		ck_assert_int_eq(halfopen_inc(&c, &other), 0);
	}
	ck_assert_uint_eq(halfopen_total(&c), 29);
	ck_assert(!cookie_required(&c, 1000, &b));
	ck_assert_int_eq(halfopen_inc(&c, &b), 0);
	ck_assert_uint_eq(halfopen_total(&c), 30);
	ck_assert(cookie_required(&c, 1000, &b));
	ck_assert(cookie_required(&c, 1000, &other));
	halfopen_dec(&c, &b);
	/* below the threshold again, but cookies stay on for the calm-down */
	ck_assert(cookie_required(&c, 1000, &b));
	ck_assert(cookie_required(&c, 10999, &b));
	ck_assert(!cookie_required(&c, 11000, &b));
	ck_assert_uint_eq(halfopen_count(&c, &b), 0);
	for (int i = 0; i < 3; i++)
		halfopen_dec(&c, &a);
	ck_assert_uint_eq(halfopen_count(&c, &a), 0);
	ck_assert_uint_eq(halfopen_total(&c), 26);
	cookie_ctx_free(&c);
}
END_TEST

START_TEST(test_cookie_accept_and_refuse)
{
	struct cookie_ctx c;
	struct addr a = ip("192.0.2.1"), b = ip("192.0.2.2");
	uint8_t out[COOKIE_LEN], bad[COOKIE_LEN], big[65], n2[32];

	ctx(&c, 1, 0, 0);
	ck_assert_int_eq(halfopen_inc(&c, &b), 0);	/* total 1 = threshold */
	ck_assert_int_eq(cookie_admit(&c, 1000, &a, SPI, ni, sizeof(ni), NULL, 0, out), COOKIE_SEND);
	ck_assert_uint_eq(out[0], 0);	/* first secret version */
	ck_assert_int_eq(cookie_admit(&c, 1001, &a, SPI, ni, sizeof(ni), out, sizeof(out), bad),
			 COOKIE_PASS);
	/* every byte matters */
	for (size_t i = 0; i < COOKIE_LEN; i++) {
		memcpy(bad, out, sizeof(out));
		bad[i] ^= 0x40;
		ck_assert_int_eq(cookie_verify(&c, 1001, &a, SPI, ni, sizeof(ni), bad, sizeof(bad)), 0);
	}
	/* bound to IPi, SPIi and Ni */
	ck_assert_int_eq(cookie_verify(&c, 1001, &b, SPI, ni, sizeof(ni), out, sizeof(out)), 0);
	ck_assert_int_eq(cookie_verify(&c, 1001, &a, SPI + 1, ni, sizeof(ni), out, sizeof(out)), 0);
	memcpy(n2, ni, sizeof(n2));
	n2[31] ^= 1;
	ck_assert_int_eq(cookie_verify(&c, 1001, &a, SPI, n2, sizeof(n2), out, sizeof(out)), 0);
	ck_assert_int_eq(cookie_verify(&c, 1001, &a, SPI, ni, sizeof(ni), out, sizeof(out)), 1);
	/* wrong lengths: 0, short, oversized (65 > 64) -> a fresh cookie is sent */
	memset(big, 0, sizeof(big));
	memcpy(big, out, sizeof(out));
	ck_assert_int_eq(cookie_admit(&c, 1001, &a, SPI, ni, sizeof(ni), out, 0, bad), COOKIE_SEND);
	ck_assert_int_eq(cookie_admit(&c, 1001, &a, SPI, ni, sizeof(ni), out, 32, bad), COOKIE_SEND);
	ck_assert_int_eq(cookie_admit(&c, 1001, &a, SPI, ni, sizeof(ni), big, sizeof(big), bad),
			 COOKIE_SEND);
	ck_assert_mem_eq(bad, out, sizeof(out));	/* the fresh one equals the good one */
	/* a nonce over 256 bytes is refused, not hashed */
	ck_assert_int_eq(cookie_make(&c, 1001, &a, SPI, big, 257, bad), -1);
	cookie_ctx_free(&c);
}
END_TEST

START_TEST(test_rotation)
{
	struct cookie_ctx c;
	struct addr a = ip("2001:db8::1");
	uint8_t c0[COOKIE_LEN], c1[COOKIE_LEN], c2[COOKIE_LEN];

	ctx(&c, 0, 0, 0);
	ck_assert_int_eq(cookie_make(&c, 1000, &a, SPI, ni, sizeof(ni), c0), 0);
	ck_assert_int_eq(cookie_verify(&c, 120999, &a, SPI, ni, sizeof(ni), c0, COOKIE_LEN), 1);
	/* renewed at 121000: c0 still valid through the previous secret */
	ck_assert_int_eq(cookie_make(&c, 121000, &a, SPI, ni, sizeof(ni), c1), 0);
	ck_assert_uint_eq(c1[0], 1);
	ck_assert(memcmp(c0, c1, COOKIE_LEN) != 0);
	ck_assert_int_eq(cookie_verify(&c, 121000, &a, SPI, ni, sizeof(ni), c0, COOKIE_LEN), 1);
	ck_assert_int_eq(cookie_verify(&c, 121000, &a, SPI, ni, sizeof(ni), c1, COOKIE_LEN), 1);
	/* renewed again: c0 is stale, c1 lives on */
	ck_assert_int_eq(cookie_make(&c, 241000, &a, SPI, ni, sizeof(ni), c2), 0);
	ck_assert_uint_eq(c2[0], 2);
	ck_assert_int_eq(cookie_verify(&c, 241000, &a, SPI, ni, sizeof(ni), c0, COOKIE_LEN), 0);
	ck_assert_int_eq(cookie_verify(&c, 241000, &a, SPI, ni, sizeof(ni), c1, COOKIE_LEN), 1);
	/* after two idle lifetimes both secrets are gone */
	ck_assert_int_eq(cookie_verify(&c, 481000, &a, SPI, ni, sizeof(ni), c2, COOKIE_LEN), 0);
	ck_assert_int_eq(cookie_verify(&c, 481000, &a, SPI, ni, sizeof(ni), c1, COOKIE_LEN), 0);
	cookie_ctx_free(&c);
}
END_TEST

START_TEST(test_block)
{
	struct cookie_ctx c;
	struct addr a = ip("192.0.2.9"), b = ip("192.0.2.10");
	uint8_t out[COOKIE_LEN], tmp[COOKIE_LEN];

	/* cookies off: the block alone */
	ctx(&c, 0, 0, 5);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(halfopen_inc(&c, &a), 0);
	ck_assert_int_eq(cookie_admit(&c, 1000, &a, SPI, ni, sizeof(ni), NULL, 0, out), COOKIE_PASS);
	ck_assert_int_eq(halfopen_inc(&c, &a), 0);
	ck_assert_int_eq(cookie_admit(&c, 1000, &a, SPI, ni, sizeof(ni), NULL, 0, out), COOKIE_DROP);
	ck_assert_int_eq(cookie_admit(&c, 1000, &b, SPI, ni, sizeof(ni), NULL, 0, out), COOKIE_PASS);
	cookie_ctx_free(&c);

	/* cookies on: the cookie comes first, the block applies to proven IPs */
	ctx(&c, 30, 3, 5);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(halfopen_inc(&c, &a), 0);
	ck_assert_int_eq(cookie_admit(&c, 1000, &a, SPI, ni, sizeof(ni), NULL, 0, out), COOKIE_SEND);
	ck_assert_int_eq(cookie_admit(&c, 1000, &a, SPI, ni, sizeof(ni), out, COOKIE_LEN, tmp),
			 COOKIE_DROP);
	cookie_ctx_free(&c);
}
END_TEST

int main(void)
{
	const TTest *tests[] = {
		test_defaults,
		test_thresholds,
		test_cookie_accept_and_refuse,
		test_rotation,
		test_block,
		NULL,
	};

	return run_tests("cookie", tests, 0);
}
