/*
 * RFC 5685 notify data (codec/redirect.c): each GW Ident Type's lengths,
 * the nonce only where the form has one, REDIRECTED_FROM without FQDNs,
 * gateway strings both ways, and the notify placement table (rules.c).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ike/codec/codec.h"
#include "ike/codec/names.h"
#include "ike/codec/redirect.h"
#include "sa/runner.h"

static int dec(enum redirect_form f, const uint8_t *d, size_t n, struct redirect_gw *gw,
	       struct ike_slice *nonce)
{
	struct ike_slice s = { d, n };
	char why[160];

	return redirect_decode(f, &s, gw, nonce, why, sizeof(why));
}

START_TEST(test_round_trip)
{
	static const char *const gws[] = { "192.0.2.7", "2001:db8::7", "gw2.example.net" };
	static const uint8_t types[] = { REDIRECT_GW_IPV4, REDIRECT_GW_IPV6, REDIRECT_GW_FQDN };
	uint8_t buf[600], nonce[32];
	char str[REDIRECT_GW_STRLEN];
	struct redirect_gw gw, back;
	struct ike_slice n;
	struct wr w;

	memset(nonce, 0x5a, sizeof(nonce));
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(redirect_gw_parse(gws[i], &gw), 0);
		ck_assert_uint_eq(gw.type, types[i]);
		ck_assert_str_eq(redirect_gw_str(&gw, str, sizeof(str)), gws[i]);
		ck_assert_str_eq(ike_redirect_gw_type_name(gw.type),
				 i == 0 ? "IPv4" : i == 1 ? "IPv6" : "FQDN");
		wr_init(&w, buf, sizeof(buf));
		redirect_encode(&w, &gw, nonce, sizeof(nonce));
		ck_assert_uint_eq(wr_len(&w), 2u + gw.len + sizeof(nonce));
		ck_assert_int_eq(dec(REDIRECT_FORM_NONCE, buf, wr_len(&w), &back, &n), 0);
		ck_assert_mem_eq(back.id, gw.id, gw.len);
		ck_assert_uint_eq(n.len, sizeof(nonce));
		ck_assert_mem_eq(n.p, nonce, sizeof(nonce));
		/* the same data with a nonce where none may be */
		ck_assert_int_eq(dec(REDIRECT_FORM_PLAIN, buf, wr_len(&w), &back, &n), -1);
		ck_assert_int_eq(dec(REDIRECT_FORM_PLAIN, buf, 2u + gw.len, &back, &n), 0);
		ck_assert_uint_eq(n.len, 0);
		/* 9.2: REDIRECTED_FROM is an address */
		ck_assert_int_eq(dec(REDIRECT_FORM_FROM, buf, 2u + gw.len, &back, &n),
				 gw.type == REDIRECT_GW_FQDN ? -1 : 0);
	}
	ck_assert_int_eq(redirect_gw_parse("", &gw), -1);
	ck_assert_int_eq(redirect_gw_parse("a..b", &gw), -1);
	ck_assert_int_eq(redirect_gw_parse("-/x", &gw), -1);
}
END_TEST

START_TEST(test_lengths)
{
	static const uint8_t v4_16[] = { 1, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t v6_4[] = { 2, 4, 192, 0, 2, 1 };
	static const uint8_t fqdn_0[] = { 3, 0 };
	/* an "FQDN" in the form of an IPv4 address (RFC 1123 2.1; found by
	 * fuzz_redirect: it printed as, and parsed back into, an address) */
	static const uint8_t fqdn_v4[] = { 3, 8, '2', '.', '2', '.', '2', '.', '2', '8' };
	struct redirect_gw gw;
	struct ike_slice n;
	uint8_t big[2 + 4 + 257];

	ck_assert_int_eq(dec(REDIRECT_FORM_PLAIN, v4_16, sizeof(v4_16), &gw, &n), -1);
	ck_assert_int_eq(dec(REDIRECT_FORM_PLAIN, v6_4, sizeof(v6_4), &gw, &n), -1);
	ck_assert_int_eq(dec(REDIRECT_FORM_PLAIN, fqdn_0, sizeof(fqdn_0), &gw, &n), -1);
	ck_assert_int_eq(dec(REDIRECT_FORM_PLAIN, fqdn_v4, sizeof(fqdn_v4), &gw, &n), -1);
	ck_assert_int_eq(dec(REDIRECT_FORM_PLAIN, NULL, 0, &gw, &n), -1);
	/* nonces of 15 and 257 bytes are outside RFC 7296 3.9 */
	memset(big, 0, sizeof(big));
	big[0] = 1;
	big[1] = 4;
	ck_assert_int_eq(dec(REDIRECT_FORM_NONCE, big, 6 + 15, &gw, &n), -1);
	ck_assert_int_eq(dec(REDIRECT_FORM_NONCE, big, 6 + 16, &gw, &n), 0);
	ck_assert_int_eq(dec(REDIRECT_FORM_NONCE, big, 6 + 256, &gw, &n), 0);
	ck_assert_int_eq(dec(REDIRECT_FORM_NONCE, big, 6 + 257, &gw, &n), -1);
}
END_TEST

START_TEST(test_placement)
{
	ck_assert(ike_notify_allowed(N_REDIRECT_SUPPORTED, IKE_SA_INIT, 0));
	ck_assert(!ike_notify_allowed(N_REDIRECT_SUPPORTED, IKE_SA_INIT, 1));
	ck_assert(!ike_notify_allowed(N_REDIRECT_SUPPORTED, IKE_AUTH, 0));
	ck_assert(ike_notify_allowed(N_REDIRECTED_FROM, IKE_SA_INIT, 0));
	ck_assert(ike_notify_allowed(N_REDIRECT, IKE_SA_INIT, 1));
	ck_assert(ike_notify_allowed(N_REDIRECT, IKE_AUTH, 1));
	ck_assert(ike_notify_allowed(N_REDIRECT, INFORMATIONAL, 0));
	ck_assert(!ike_notify_allowed(N_REDIRECT, INFORMATIONAL, 1));
	ck_assert(!ike_notify_allowed(N_REDIRECT, IKE_AUTH, 0));
	ck_assert(!ike_notify_allowed(N_REDIRECT, CREATE_CHILD_SA, 0));
	/* notifies the table does not list are not restricted by it */
	ck_assert(ike_notify_allowed(N_COOKIE, CREATE_CHILD_SA, 1));
}
END_TEST

int main(void)
{
	const TTest *tests[] = { test_round_trip, test_lengths, test_placement, NULL };

	return run_tests("redirect-codec", tests, 0);
}
