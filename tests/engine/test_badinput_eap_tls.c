/*
 * BAD-INPUT for EAP-TLS in IKE_AUTH (RFC 5216 framing): the gateway (B,
 * certificate, remote auth = eap-tls) sent EAP-TLS Start; A's ClientHello
 * is replaced by a hostile EAP-TLS Response with the right Identifier,
 * sealed with A's keys.  Each row: B answers AUTHENTICATION_FAILED, logs
 * the EAP identity and the framing fault, and keeps nothing.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "badinput.h"
#include "ike/engine/exchange.h"
#include "pkifiles.h"

static const char conf_a[] =
	"global = { cacerts = [\"@root.pem\"]; };\n"
	"secrets: ( { private_key = \"@a-ec.key\"; } );\n"
	"connections: ( { name = \"ab\";\n"
	"  local_addrs = [\"192.0.2.1\"]; remote_addrs = [\"192.0.2.2\"];\n"
	"  local = { id = \"a.example\"; auth = \"eap-tls\"; certs = [\"@a-ec.pem\", \"@int.pem\"]; };\n"
	"  remote = { id = \"b.example\"; auth = \"pubkey\"; };\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.1.0.0/16\"];\n"
	"                 remote_ts = [\"10.2.0.0/16\"]; } ); } );\n";
static const char conf_b[] =
	"global = { cacerts = [\"@root.pem\"]; };\n"
	"secrets: ( { private_key = \"@b-rsa.key\"; } );\n"
	"connections: ( { name = \"ba\";\n"
	"  local_addrs = [\"192.0.2.2\"]; remote_addrs = [\"%any\"];\n"
	"  local = { id = \"b.example\"; auth = \"pubkey\"; certs = [\"@b-rsa.pem\", \"@int.pem\"]; };\n"
	"  remote = { auth = \"eap-tls\"; };\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"];\n"
	"                 remote_ts = [\"10.1.0.0/16\"]; } ); } );\n";

static const struct {
	const char *name;
	const uint8_t *tls;	/* Type-Data: Flags, [TLS Message Length], data */
	size_t len;
	const char *why;
} cases[] = {
	{ "L says 100 bytes, the only fragment has 4", (const uint8_t *)"\x80\0\0\0\x64\x16\x03\x03\0",
	  9, "EAP-TLS: TLS Message Length 100, but the fragments carried 4 bytes" },
	{ "L says 1 MiB", (const uint8_t *)"\xc0\0\x10\0\0\x16", 6,
	  "EAP-TLS: TLS Message Length 1048576 over the 65536-byte cap" },
	{ "L without its length", (const uint8_t *)"\x80\0", 2,
	  "EAP-TLS: message of 2 bytes too short for its Flags 0x80" },
	{ "first fragment without L", (const uint8_t *)"\x40\x16\x03", 3,
	  "EAP-TLS: first fragment (2 bytes) without TLS Message Length" },
	{ "no Flags", (const uint8_t *)"", 0, "EAP-TLS: message of 0 bytes too short" },
};

START_TEST(eap_tls_hostile)
{
	static uint8_t chain[BI_MSG_MAX], msg[BI_MSG_MAX], eap[64];
	struct bi_pl v = { .type = PL_EAP, .body = eap, .len = 5 + cases[_i].len };
	char *ca = pkif_expand(conf_a), *cb = pkif_expand(conf_b);
	const struct ike_payload *p;
	const struct ike_msg *m;
	struct pair_pkt *q;
	struct ike_sa *a;
	struct ike_hdr h;
	uint8_t first = PL_NONE;
	size_t clen, len, mark;

	bi_begin(ca, cb);
	pair_initiate(&BI);
	/* INIT pair, IKE_AUTH request, B's answer (CERTs, AUTH, EAP-TLS Start;
	 * in IKE fragments) up to A's next request */
	pair_pump(&BI, 3);
	for (int i = 0; i < 12 && !bi_nfrom(PAIR_A); i++)
		pair_pump(&BI, 1);
	ck_assert_uint_eq(bi_nfrom(PAIR_A), 1);
	a = pair_sa(&BI, PAIR_A);
	q = bi_pop(PAIR_A);	/* A's ClientHello: its Identifier is the one due */
	m = bi_decode(q, &a->sk_out);
	ck_assert_ptr_nonnull(m);
	p = msg_pl(m, PL_EAP);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_ge(p->u.eap.msg.len, 6);
	eap[0] = 2;
	eap[1] = p->u.eap.msg.p[1];
	eap[2] = 0;
	eap[3] = (uint8_t)v.len;
	eap[4] = 13;
	memcpy(eap + 5, cases[_i].tls, cases[_i].len);
	free(q);
	ck_assert_ptr_nonnull(pair_sa(&BI, PAIR_B)->eap);
	clen = bi_chain(&v, 1, chain, sizeof(chain), &first);
	bi_hdr(&h, a->entry.spi_i, a->entry.spi_r, IKE_AUTH, IKE_FLAG_INITIATOR, 2);
	len = bi_seal(&h, &a->sk_out, chain, clen, first, msg, sizeof(msg));
	mark = bi_log_mark();
	bi_inject(PAIR_B, &bi_a, msg, len);
	bi_expect_notify(PAIR_B, &a->sk_in, N_AUTHENTICATION_FAILED);
	bi_assert_logged(mark, "EAP authentication of a.example failed");
	bi_assert_logged(mark, cases[_i].why);
	bi_assert_b_empty();
	bi_end();
	free(ca);
	free(cb);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("BAD-INPUT, EAP-TLS");
	TCase *tc = tcase_create("eap_tls");
	int rc;

	pkif_make();
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, eap_tls_hostile, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	rc = pair_main(s);
	pkif_remove();
	return rc;
}
