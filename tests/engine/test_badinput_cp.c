/*
 * BAD-INPUT.md row 29 for the configuration payload, against a gateway
 * with a pool: IKE_AUTH requests sealed with the IKE SA's real keys
 * carrying a CFG_SET (ignored, logged), a CFG_REQUEST of 1,000 attributes
 * (the first 64 served, the rest ignored and logged), attributes of
 * lengths RFC 7296 3.15.1 does not allow (ignored, logged), one running
 * past the payload (INVALID_SYNTAX, nothing left).  The codec's own cases
 * (CP in CREATE_CHILD_SA) are in tests/codec/test_cp.c.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ike/engine/exchange.h"
#include "badinput.h"

static struct ike_sa *B_sa(void) { return pair_sa(&BI, PAIR_B); }

static const char conf_gw[] =
	"pools: ( { name = \"rw\"; addrs = \"10.1.0.0/24\"; dns = [\"10.1.0.53\"]; } );\n"
	"secrets: ( { id = \"a.example\"; psk = \"pair-test-psk-0123456789\"; } );\n"
	"connections: ( {\n"
	"  name = \"ba\";\n"
	"  local_addrs = [\"192.0.2.2\"]; remote_addrs = [\"%any\"];\n"
	"  local = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  remote = { id = \"a.example\"; auth = \"psk\"; };\n"
	"  pools = [\"rw\"];\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"];\n"
	"                 remote_ts = [\"dynamic\"]; } );\n"
	"} );\n";

static uint8_t cp[4 + 1000 * 4];

/*
 * A's IKE_AUTH with one CP payload (body cp[0..len)) added, sent to B:
 * established with nvips leases (nvips < 0: refused, nothing left), and
 * the log names why.
 */
static void cp_case(size_t len, int nvips, const char *logged)
{
	struct bi_pl extra = { PL_CP, 0, cp, len, 0, 0 };
	size_t mark;

	bi_begin(NULL, conf_gw);
	bi_half_open();
	mark = bi_log_mark();
	bi_auth_send(0, &extra, 1);
	pair_pump(&BI, 0);
	ck_assert_uint_ge(bi_logged(mark, logged), 1);
	if (nvips < 0) {
		bi_assert_b_empty();
	} else {
		ck_assert(pair_established(&BI));
		ck_assert_uint_eq(B_sa()->nvips, (size_t)nvips);
	}
	bi_end();
}

START_TEST(test_cfg_set_ignored)
{
	static const uint8_t set[] = { CFG_SET, 0, 0, 0, 0, 1, 0, 4, 10, 1, 0, 9 };

	memcpy(cp, set, sizeof(set));
	cp_case(sizeof(set), 0, "CP of type CFG_SET from the client ignored");
}
END_TEST

/* One address leased (A's TSi 10.1.0.0/16 holds it), the rest ignored. */
START_TEST(test_thousand_attributes)
{
	memset(cp, 0, sizeof(cp));
	cp[0] = CFG_REQUEST;
	for (size_t i = 0; i < 1000; i++)
		cp[4 + i * 4 + 1] = i % 2 ? 3 : 1;	/* IP4_DNS, IP4_ADDRESS */
	cp_case(sizeof(cp), 1, "936 attributes beyond the first 64 ignored");
}
END_TEST

START_TEST(test_bad_length_ignored)
{
	static const uint8_t req[] = { CFG_REQUEST, 0, 0, 0, 0, 1, 0, 3, 10, 1, 0,
				       0, 1, 0, 0 };

	memcpy(cp, req, sizeof(req));
	cp_case(sizeof(req), 1, "the first INTERNAL_IP4_ADDRESS of 3 bytes");
}
END_TEST

START_TEST(test_length_past_payload)
{
	static const uint8_t req[] = { CFG_REQUEST, 0, 0, 0, 0, 1, 0, 9, 10, 1, 0, 1 };

	memcpy(cp, req, sizeof(req));
	cp_case(sizeof(req), -1, "attribute length 9 > 4 bytes left");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("badinput_cp");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_cfg_set_ignored);
	tcase_add_test(tc, test_thousand_attributes);
	tcase_add_test(tc, test_bad_length_ignored);
	tcase_add_test(tc, test_length_past_payload);
	suite_add_tcase(s, tc);
	return pair_main(s);
}
