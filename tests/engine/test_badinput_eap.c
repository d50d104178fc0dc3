/*
 * BAD-INPUT for EAP in IKE_AUTH (RFC 7296 2.16): after the gateway's
 * first EAP request, A's answer is replaced by a hostile IKE_AUTH request
 * sealed with A's keys.  Each row: B answers AUTHENTICATION_FAILED (or,
 * for an EAP payload the codec refuses, INVALID_SYNTAX: RFC 7296 3.16's
 * length rule is the codec's), logs the identity or the payload and the
 * reason, and keeps nothing.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "badinput.h"
#include "ike/engine/exchange.h"

static const char conf_a[] =
	"secrets: ( { id = \"b.example\"; psk = \"pair-test-psk-0123456789\"; },\n"
	"           { id = \"alice\"; eap = \"md5-secret\"; } );\n"
	"connections: ( { name = \"ab\";\n"
	"  local_addrs = [\"192.0.2.1\"]; remote_addrs = [\"192.0.2.2\"];\n"
	"  local = { id = \"alice\"; auth = \"eap-md5\"; };\n"
	"  remote = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.1.0.0/16\"];\n"
	"                 remote_ts = [\"10.2.0.0/16\"]; } ); } );\n";
static const char conf_b[] =
	"secrets: ( { id = \"b.example\"; psk = \"pair-test-psk-0123456789\"; },\n"
	"           { id = \"alice\"; eap = \"md5-secret\"; } );\n"
	"connections: ( { name = \"ba\";\n"
	"  local_addrs = [\"192.0.2.2\"]; remote_addrs = [\"%any\"];\n"
	"  local = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  remote = { auth = \"eap-md5\"; eap_id = \"%any\"; };\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"];\n"
	"                 remote_ts = [\"10.1.0.0/16\"]; } ); } );\n";

static const struct {
	const char *name;
	uint8_t type;		/* payload sent (PL_NONE: an empty request) */
	const uint8_t *body;
	size_t len;
	uint16_t notify;
	const char *why;
} cases[] = {
	{ "EAP Length disagrees with the payload", PL_EAP,
	  (const uint8_t *)"\x02\x01\x00\x0b\x01" "alice", 10, N_INVALID_SYNTAX,
	  "EAP length 11 != payload length - 4 (10)" },
	{ "EAP-Success from the client", PL_EAP, (const uint8_t *)"\x03\x01\x00\x04", 4,
	  N_AUTHENTICATION_FAILED, "EAP authentication of alice failed: EAP code 3" },
	{ "EAP Request from the client", PL_EAP, (const uint8_t *)"\x01\x01\x00\x05\x01", 5,
	  N_AUTHENTICATION_FAILED, "EAP authentication of alice failed: EAP code 1" },
	{ "no EAP payload", PL_NONE, NULL, 0, N_AUTHENTICATION_FAILED,
	  "without an EAP payload during EAP" },
	{ "AUTH before EAP-Success", PL_AUTH,
	  (const uint8_t *)"\x02\x00\x00\x00" "0123456789abcdef0123456789abcdef", 36,
	  N_AUTHENTICATION_FAILED, "AUTH before EAP-Success" },
};

START_TEST(eap_hostile)
{
	static uint8_t chain[BI_MSG_MAX], msg[BI_MSG_MAX];
	struct bi_pl v = { .type = cases[_i].type, .body = cases[_i].body, .len = cases[_i].len };
	struct ike_sa *a;
	struct ike_hdr h;
	uint8_t first = PL_NONE;
	size_t clen = 0, len, mark;

	bi_begin(conf_a, conf_b);
	pair_initiate(&BI);
	pair_pump(&BI, 4);	/* INIT pair, IKE_AUTH pair with EAP-Request/Identity */
	ck_assert_uint_eq(bi_nfrom(PAIR_A), 1);
	free(bi_pop(PAIR_A));	/* A's EAP-Response/Identity */
	a = pair_sa(&BI, PAIR_A);
	ck_assert_ptr_nonnull(pair_sa(&BI, PAIR_B)->eap);
	if (v.type != PL_NONE)
		clen = bi_chain(&v, 1, chain, sizeof(chain), &first);
	bi_hdr(&h, a->entry.spi_i, a->entry.spi_r, IKE_AUTH, IKE_FLAG_INITIATOR, 2);
	len = bi_seal(&h, &a->sk_out, chain, clen, first, msg, sizeof(msg));
	mark = bi_log_mark();
	bi_inject(PAIR_B, &bi_a, msg, len);
	bi_expect_notify(PAIR_B, &a->sk_in, cases[_i].notify);
	bi_assert_logged(mark, cases[_i].why);
	bi_assert_b_empty();
	ck_assert_uint_eq(bi_logged(mark, "md5-secret"), 0);
	bi_end();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("BAD-INPUT, EAP");
	TCase *tc = tcase_create("eap");

	tcase_add_loop_test(tc, eap_hostile, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	return pair_main(s);
}
