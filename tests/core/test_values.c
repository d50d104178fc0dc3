/* ike.conf value parsers: identities, traffic selectors, units. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "ike/core/ident.h"
#include "ike/core/tsspec.h"
#include "ike/core/units.h"
#include "ike/ikev2.h"
#include "unit/unit.h"

/* Parsed type and the canonical text it prints back as. */
static const struct {
	const char *in;
	uint8_t type;
	const char *out;
} ids[] = {
	{ "%any", 0, "%any" },
	{ "192.0.2.1", ID_IPV4_ADDR, "192.0.2.1" },
	{ "2001:DB8::1", ID_IPV6_ADDR, "2001:db8::1" },
	{ "gw.example.org", ID_FQDN, "gw.example.org" },
	{ "@gw", ID_FQDN, "gw" },
	{ "ops@example.org", ID_RFC822_ADDR, "ops@example.org" },
	{ "C=CH,O=Example,  CN=gw 1", ID_DER_ASN1_DN, "C=CH, O=Example, CN=gw 1" },
	{ "#0A0b", ID_KEY_ID, "#0a0b" },
};

START_TEST(test_ident_round_trip)
{
	struct ident id, again;
	char err[256], buf[IDENT_STRLEN];

	ck_assert_msg(ident_parse(&id, ids[_i].in, err, sizeof(err)) == 0, "%s: %s", ids[_i].in, err);
	ck_assert_uint_eq(id.type, ids[_i].type);
	ck_assert_str_eq(ident_str(&id, buf, sizeof(buf)), ids[_i].out);
	ck_assert_int_eq(ident_parse(&again, buf, err, sizeof(err)), 0);
	ck_assert(ident_eq(&id, &again) || id.type == ID_FQDN);
}
END_TEST

START_TEST(test_ident_refused)
{
	static const char *const bad[] = { "", "a b", "#abc", "#zz", "C=CH, XX=1", "C=CH, O=", "tab\there" };
	struct ident id;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ident_parse(&id, bad[i], err, sizeof(err)) == -1, "accepted '%s'", bad[i]);
}
END_TEST

static const struct {
	const char *in, *out;
} tss[] = {
	{ "10.1.2.3/16", "10.1.0.0/16" },
	{ "10.0.0.0/8[tcp/443]", "10.0.0.0/8[tcp/443]" },
	{ "10.0.0.1-10.0.0.9", "10.0.0.1-10.0.0.9" },
	{ "10.0.0.0-10.0.0.255", "10.0.0.0/24" },
	{ "192.0.2.7", "192.0.2.7" },
	{ "0.0.0.0/0", "0.0.0.0/0" },
	{ "::/0[udp]", "::/0[udp]" },
	{ "2001:db8::/32[17/1024-65535]", "2001:db8::/32[udp/1024-65535]" },
	{ "dynamic[gre]", "dynamic[gre]" },
	{ "dynamic", "dynamic" },
	{ "10.0.0.0/8[%any/53]", "10.0.0.0/8[%any/53]" },
};

START_TEST(test_ts_round_trip)
{
	struct tsspec t, again;
	char err[256], buf[TSSPEC_STRLEN];

	ck_assert_msg(tsspec_parse(&t, tss[_i].in, err, sizeof(err)) == 0, "%s: %s", tss[_i].in, err);
	ck_assert_str_eq(tsspec_str(&t, buf, sizeof(buf)), tss[_i].out);
	ck_assert_int_eq(tsspec_parse(&again, buf, err, sizeof(err)), 0);
	ck_assert(tsspec_eq(&t, &again));
}
END_TEST

START_TEST(test_ts_refused)
{
	static const char *const bad[] = {
		"10.0.0.0/33", "::/129", "10.0.0.0/8[tcp/2-1]", "10.0.0.9-10.0.0.1",
		"10.0.0.1-::1", "10.0.0.0/8[tcp", "10.0.0.0/8[xyz]", "10.0.0.0/8[tcp/70000]",
		"host.example", "", "10.0.0.0/-1",
	};
	struct tsspec t;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(tsspec_parse(&t, bad[i], err, sizeof(err)) == -1, "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(test_ts_overlap)
{
	struct tsspec a, b;
	char err[128];

	tsspec_parse(&a, "10.0.0.0/8", err, sizeof(err));
	tsspec_parse(&b, "10.200.0.0/16[tcp/80]", err, sizeof(err));
	ck_assert(tsspec_overlap(&a, &b));
	tsspec_parse(&b, "11.0.0.0/8", err, sizeof(err));
	ck_assert(!tsspec_overlap(&a, &b));
	tsspec_parse(&a, "10.0.0.0/8[tcp/80]", err, sizeof(err));
	tsspec_parse(&b, "10.0.0.0/8[tcp/81-90]", err, sizeof(err));
	ck_assert(!tsspec_overlap(&a, &b));
	tsspec_parse(&b, "10.0.0.0/8[udp/80]", err, sizeof(err));
	ck_assert(!tsspec_overlap(&a, &b));
	tsspec_parse(&b, "::/0", err, sizeof(err));
	ck_assert(!tsspec_overlap(&a, &b));
}
END_TEST

START_TEST(test_units)
{
	uint64_t v;
	char err[128], buf[32];

	ck_assert_int_eq(units_parse_time("30s", &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 30);
	ck_assert_int_eq(units_parse_time("4h", &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 14400);
	ck_assert_int_eq(units_parse_time("90", &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 90);
	ck_assert_int_eq(units_parse_count("2G", &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 2ULL << 30);
	ck_assert_int_eq(units_parse_time("1x", &v, err, sizeof(err)), -1);
	ck_assert_int_eq(units_parse_time("-1s", &v, err, sizeof(err)), -1);
	ck_assert_int_eq(units_parse_time("h", &v, err, sizeof(err)), -1);
	ck_assert_int_eq(units_parse_time("1hh", &v, err, sizeof(err)), -1);
	ck_assert_int_eq(units_parse_count("99999999999999999999", &v, err, sizeof(err)), -1);
	ck_assert_int_eq(units_parse_count("17179869184G", &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "count '17179869184G' is too large");
	ck_assert_str_eq(units_time_str(3960, buf, sizeof(buf)), "66m");
	ck_assert_str_eq(units_time_str(86400, buf, sizeof(buf)), "1d");
	ck_assert_str_eq(units_time_str(61, buf, sizeof(buf)), "61s");
	ck_assert_str_eq(units_time_str(0, buf, sizeof(buf)), "0s");
	ck_assert_str_eq(units_human_str(0, buf, sizeof(buf)), "0s");
	ck_assert_str_eq(units_human_str(59, buf, sizeof(buf)), "59s");
	ck_assert_str_eq(units_human_str(60, buf, sizeof(buf)), "1m");
	ck_assert_str_eq(units_human_str(192, buf, sizeof(buf)), "3m 12s");
	ck_assert_str_eq(units_human_str(14015, buf, sizeof(buf)), "3h 53m");
	ck_assert_str_eq(units_human_str(14400, buf, sizeof(buf)), "4h");
	ck_assert_str_eq(units_human_str(3960, buf, sizeof(buf)), "1h 6m");
	ck_assert_str_eq(units_human_str(90061, buf, sizeof(buf)), "1d 1h");
	ck_assert_str_eq(units_human_str(86400 * 400, buf, sizeof(buf)), "400d");
}
END_TEST

static Suite *values_suite(void)
{
	Suite *s = suite_create("values");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_ident_round_trip, 0, sizeof(ids) / sizeof(ids[0]));
	tcase_add_test(tc, test_ident_refused);
	tcase_add_loop_test(tc, test_ts_round_trip, 0, sizeof(tss) / sizeof(tss[0]));
	tcase_add_test(tc, test_ts_refused);
	tcase_add_test(tc, test_ts_overlap);
	tcase_add_test(tc, test_units);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(values_suite());
}
