#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/sa/proposal_select.h"
#include "runner.h"

#define X(t, i, k) { .type = (t), .id = (i), .keylen = (k) }

static struct ike_proposal prop(uint8_t num, uint8_t proto, size_t n,
				const struct ike_transform *xf)
{
	struct ike_proposal p;

	memset(&p, 0, sizeof(p));
	p.num = num;
	p.protocol = proto;
	p.ntransforms = (uint8_t)n;
	memcpy(p.xf, xf, n * sizeof(*xf));
	return p;
}

#define PROP(num, proto, ...) \
	prop(num, proto, sizeof((struct ike_transform[]){ __VA_ARGS__ }) / sizeof(struct ike_transform), \
	     (struct ike_transform[]){ __VA_ARGS__ })

static const char *pstr(const struct ike_proposal *p)
{
	static char buf[4][PROPOSAL_STRLEN];
	static int k;

	k = (k + 1) % 4;
	return proposal_str(p, buf[k], sizeof(buf[k]));
}

static struct ike_proposal ours_ike[2], peer_ike[3];

static void setup_ike(void)
{
	ours_ike[0] = PROP(1, PROTO_IKE, X(TT_ENCR, ENCR_AES_GCM_16, 256),
			   X(TT_PRF, PRF_HMAC_SHA2_256, 0), X(TT_KE, KE_CURVE25519, 0));
	ours_ike[1] = PROP(2, PROTO_IKE, X(TT_ENCR, ENCR_AES_CBC, 256),
			   X(TT_INTEG, AUTH_HMAC_SHA2_256_128, 0),
			   X(TT_PRF, PRF_HMAC_SHA2_256, 0), X(TT_KE, KE_MODP_2048, 0));
	peer_ike[0] = PROP(1, PROTO_IKE, X(TT_ENCR, ENCR_AES_CBC, 128),
			   X(TT_INTEG, AUTH_HMAC_SHA1_96, 0), X(TT_PRF, PRF_HMAC_SHA1, 0),
			   X(TT_KE, KE_MODP_2048, 0));
	peer_ike[1] = PROP(2, PROTO_IKE, X(TT_ENCR, ENCR_AES_CBC, 256),
			   X(TT_INTEG, AUTH_HMAC_SHA2_256_128, 0),
			   X(TT_PRF, PRF_HMAC_SHA2_256, 0), X(TT_KE, KE_ECP_256, 0),
			   X(TT_KE, KE_MODP_2048, 0));
	peer_ike[2] = PROP(3, PROTO_IKE, X(TT_ENCR, 999, 0), X(TT_ENCR, ENCR_AES_GCM_16, 256),
			   X(TT_PRF, PRF_HMAC_SHA2_256, 0), X(TT_KE, 77, 0),
			   X(TT_KE, KE_CURVE25519, 0));
}

START_TEST(test_ike_our_order_and_peer_order)
{
	struct ike_proposal c;

	setup_ike();
	ck_assert_int_eq(proposal_select(ours_ike, 2, peer_ike, 3, 0, &c), 0);
	ck_assert_uint_eq(c.num, 3);	/* our first proposal, peer's #3 */
	ck_assert_uint_eq(c.protocol, PROTO_IKE);
	ck_assert_str_eq(pstr(&c), "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE_25519");
	ck_assert_int_eq(proposal_select(ours_ike, 2, peer_ike, 3, PS_PREFER_PEER, &c), 0);
	ck_assert_uint_eq(c.num, 2);
	ck_assert_str_eq(pstr(&c), "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048");
	ck_assert_int_eq(proposal_check_answer(peer_ike, 3, &c, 0), 0);
}
END_TEST

START_TEST(test_keylen_and_unknown)
{
	struct ike_proposal c, p[2];

	setup_ike();
	/* AES_CBC_128 is not AES_CBC_256 */
	p[0] = PROP(1, PROTO_IKE, X(TT_ENCR, ENCR_AES_CBC, 128),
		    X(TT_INTEG, AUTH_HMAC_SHA2_256_128, 0), X(TT_PRF, PRF_HMAC_SHA2_256, 0),
		    X(TT_KE, KE_MODP_2048, 0));
	ck_assert_int_eq(proposal_select(ours_ike, 2, p, 1, 0, &c), -1);
	/* an unknown transform type makes the whole proposal unacceptable */
	p[0] = PROP(1, PROTO_IKE, X(TT_ENCR, ENCR_AES_GCM_16, 256),
		    X(TT_PRF, PRF_HMAC_SHA2_256, 0), X(TT_KE, KE_CURVE25519, 0), X(6, 1, 0));
	ck_assert_int_eq(proposal_acceptable(&p[0], 0), 0);
	ck_assert_int_eq(proposal_select(ours_ike, 2, p, 1, 0, &c), -1);
	/* ... but an unknown ID in a known type only costs that transform */
	p[0] = PROP(5, PROTO_IKE, X(TT_ENCR, 4242, 0), X(TT_ENCR, ENCR_AES_GCM_16, 256),
		    X(TT_PRF, 300, 0), X(TT_PRF, PRF_HMAC_SHA2_256, 0), X(TT_KE, KE_CURVE25519, 0));
	ck_assert_int_eq(proposal_select(ours_ike, 2, p, 1, 0, &c), 0);
	ck_assert_uint_eq(c.num, 5);
	ck_assert_uint_eq(c.ntransforms, 3);
	/* IKE proposals never carry ESN */
	p[0] = PROP(1, PROTO_IKE, X(TT_ENCR, ENCR_AES_GCM_16, 256),
		    X(TT_PRF, PRF_HMAC_SHA2_256, 0), X(TT_KE, KE_CURVE25519, 0), X(TT_ESN, 0, 0));
	ck_assert_int_eq(proposal_acceptable(&p[0], 0), 0);
	/* protocol mismatch */
	p[0] = PROP(1, PROTO_ESP, X(TT_ENCR, ENCR_AES_GCM_16, 256));
	ck_assert_int_eq(proposal_select(ours_ike, 2, p, 1, 0, &c), -1);
}
END_TEST

START_TEST(test_mandatory)
{
	struct ike_proposal p;

	/* IKE without KE */
	p = PROP(1, PROTO_IKE, X(TT_ENCR, ENCR_AES_GCM_16, 256), X(TT_PRF, PRF_HMAC_SHA2_256, 0));
	ck_assert_int_eq(proposal_acceptable(&p, 0), 0);
	/* IKE without PRF */
	p = PROP(1, PROTO_IKE, X(TT_ENCR, ENCR_AES_GCM_16, 256), X(TT_KE, KE_ECP_256, 0));
	ck_assert_int_eq(proposal_acceptable(&p, 0), 0);
	/* IKE, non-AEAD, no INTEG; then INTEG NONE only */
	p = PROP(1, PROTO_IKE, X(TT_ENCR, ENCR_AES_CBC, 128), X(TT_PRF, PRF_HMAC_SHA2_256, 0),
		 X(TT_KE, KE_ECP_256, 0));
	ck_assert_int_eq(proposal_acceptable(&p, 0), 0);
	p.xf[p.ntransforms++] = (struct ike_transform)X(TT_INTEG, AUTH_NONE, 0);
	ck_assert_int_eq(proposal_acceptable(&p, 0), 0);
	p.xf[p.ntransforms - 1].id = AUTH_HMAC_SHA2_256_128;
	ck_assert_int_eq(proposal_acceptable(&p, 0), 1);
	/* ESP: ENCR needed; INTEG only without AEAD; KE and ESN optional */
	p = PROP(1, PROTO_ESP, X(TT_INTEG, AUTH_HMAC_SHA2_256_128, 0));
	ck_assert_int_eq(proposal_acceptable(&p, 0), 0);
	p = PROP(1, PROTO_ESP, X(TT_ENCR, ENCR_AES_GCM_16, 128));
	ck_assert_int_eq(proposal_acceptable(&p, 0), 1);
	p = PROP(1, PROTO_ESP, X(TT_ENCR, ENCR_AES_CBC, 128), X(TT_ESN, ESN_NO, 0));
	ck_assert_int_eq(proposal_acceptable(&p, 0), 0);
	/* PRF is IKE only; unknown protocol */
	p = PROP(1, PROTO_ESP, X(TT_ENCR, ENCR_AES_GCM_16, 128), X(TT_PRF, PRF_HMAC_SHA1, 0));
	ck_assert_int_eq(proposal_acceptable(&p, 0), 0);
	p = PROP(1, 9, X(TT_ENCR, ENCR_AES_GCM_16, 128));
	ck_assert_int_eq(proposal_acceptable(&p, 0), 0);
	/* AH needs INTEG */
	p = PROP(1, PROTO_AH, X(TT_ESN, ESN_NO, 0));
	ck_assert_int_eq(proposal_acceptable(&p, 0), 0);
	/* with PS_IGNORE_KE, IKE's KE requirement drops (used for CHILD SAs only) */
	p = PROP(1, PROTO_IKE, X(TT_ENCR, ENCR_AES_GCM_16, 256), X(TT_PRF, PRF_HMAC_SHA2_256, 0));
	ck_assert_int_eq(proposal_acceptable(&p, PS_IGNORE_KE), 1);
}
END_TEST

START_TEST(test_esp_esn_ke_spi)
{
	struct ike_proposal ours[1], peer[2], c;

	ours[0] = PROP(1, PROTO_ESP, X(TT_ENCR, ENCR_AES_GCM_16, 128));
	peer[0] = PROP(1, PROTO_ESP, X(TT_ENCR, ENCR_AES_GCM_16, 128), X(TT_ESN, ESN_YES, 0));
	peer[1] = PROP(2, PROTO_ESP, X(TT_ENCR, ENCR_AES_GCM_16, 128), X(TT_ESN, ESN_YES, 0),
		       X(TT_ESN, ESN_NO, 0));
	peer[1].spi_size = 4;
	memcpy(peer[1].spi, "\xc1\xc2\xc3\xc4", 4);
	/* no ESN configured means NO: peer #1 (YES only) fails, #2 matches */
	ck_assert_int_eq(proposal_select(ours, 1, peer, 2, 0, &c), 0);
	ck_assert_uint_eq(c.num, 2);
	ck_assert_uint_eq(c.spi_size, 4);
	ck_assert_mem_eq(c.spi, "\xc1\xc2\xc3\xc4", 4);
	ck_assert_str_eq(pstr(&c), "ESP:AES_GCM_16_128/NO_EXT_SEQ");
	ck_assert_int_eq(proposal_select(ours, 1, peer, 1, 0, &c), -1);
	/* configured YES then NO: our order wins */
	ours[0] = PROP(1, PROTO_ESP, X(TT_ENCR, ENCR_AES_GCM_16, 128), X(TT_ESN, ESN_YES, 0),
		       X(TT_ESN, ESN_NO, 0));
	ck_assert_int_eq(proposal_select(ours, 1, &peer[1], 1, 0, &c), 0);
	ck_assert_str_eq(pstr(&c), "ESP:AES_GCM_16_128/EXT_SEQ");
	/* the peer wants PFS (KE) and we have none configured */
	ours[0] = PROP(1, PROTO_ESP, X(TT_ENCR, ENCR_AES_CBC, 256),
		       X(TT_INTEG, AUTH_HMAC_SHA2_256_128, 0));
	peer[0] = PROP(1, PROTO_ESP, X(TT_ENCR, ENCR_AES_CBC, 256),
		       X(TT_INTEG, AUTH_HMAC_SHA2_256_128, 0), X(TT_KE, KE_ECP_256, 0),
		       X(TT_ESN, ESN_NO, 0));
	ck_assert_int_eq(proposal_select(ours, 1, peer, 1, 0, &c), -1);
	/* ... unless it offers KE NONE, or KE is ignored (IKE_AUTH) */
	ck_assert_int_eq(proposal_select(ours, 1, peer, 1, PS_IGNORE_KE, &c), 0);
	ck_assert_str_eq(pstr(&c), "ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ");
	peer[0].xf[peer[0].ntransforms++] = (struct ike_transform)X(TT_KE, KE_NONE, 0);
	ck_assert_int_eq(proposal_select(ours, 1, peer, 1, 0, &c), 0);
	ck_assert_str_eq(pstr(&c), "ESP:AES_CBC_256/HMAC_SHA2_256_128/KE_NONE/NO_EXT_SEQ");
	/* AEAD: the peer's stray INTEG is left out of the answer */
	ours[0] = PROP(1, PROTO_ESP, X(TT_ENCR, ENCR_AES_GCM_16, 256));
	peer[0] = PROP(1, PROTO_ESP, X(TT_ENCR, ENCR_AES_CBC, 256), X(TT_ENCR, ENCR_AES_GCM_16, 256),
		       X(TT_INTEG, AUTH_HMAC_SHA2_256_128, 0));
	ck_assert_int_eq(proposal_select(ours, 1, peer, 1, 0, &c), 0);
	ck_assert_str_eq(pstr(&c), "ESP:AES_GCM_16_256");
}
END_TEST

START_TEST(test_check_answer)
{
	struct ike_proposal a, esp[1];

	setup_ike();
	a = PROP(1, PROTO_IKE, X(TT_ENCR, ENCR_AES_GCM_16, 256), X(TT_PRF, PRF_HMAC_SHA2_256, 0),
		 X(TT_KE, KE_CURVE25519, 0));
	ck_assert_int_eq(proposal_check_answer(ours_ike, 2, &a, 0), 0);
	/* a group we never offered in that proposal */
	a.xf[2].id = KE_MODP_2048;
	ck_assert_int_eq(proposal_check_answer(ours_ike, 2, &a, 0), -1);
	/* the right transforms under the wrong proposal number */
	a.num = 2;
	ck_assert_int_eq(proposal_check_answer(ours_ike, 2, &a, 0), -1);
	a.num = 7;
	ck_assert_int_eq(proposal_check_answer(ours_ike, 2, &a, 0), -1);
	/* two ENCR in an answer */
	a = PROP(2, PROTO_IKE, X(TT_ENCR, ENCR_AES_CBC, 256), X(TT_ENCR, ENCR_AES_CBC, 256),
		 X(TT_INTEG, AUTH_HMAC_SHA2_256_128, 0), X(TT_PRF, PRF_HMAC_SHA2_256, 0),
		 X(TT_KE, KE_MODP_2048, 0));
	ck_assert_int_eq(proposal_check_answer(ours_ike, 2, &a, 0), -1);
	/* INTEG we offered is left out under a non-AEAD cipher */
	a = PROP(2, PROTO_IKE, X(TT_ENCR, ENCR_AES_CBC, 256), X(TT_PRF, PRF_HMAC_SHA2_256, 0),
		 X(TT_KE, KE_MODP_2048, 0));
	ck_assert_int_eq(proposal_check_answer(ours_ike, 2, &a, 0), -1);
	/* ESP answers: implicit ESN NO is fine, ESN YES is not */
	esp[0] = PROP(1, PROTO_ESP, X(TT_ENCR, ENCR_AES_GCM_16, 128));
	a = PROP(1, PROTO_ESP, X(TT_ENCR, ENCR_AES_GCM_16, 128), X(TT_ESN, ESN_NO, 0));
	ck_assert_int_eq(proposal_check_answer(esp, 1, &a, 0), 0);
	a.xf[1].id = ESN_YES;
	ck_assert_int_eq(proposal_check_answer(esp, 1, &a, 0), -1);
	/* AEAD with a real INTEG is refused */
	esp[0] = PROP(1, PROTO_ESP, X(TT_ENCR, ENCR_AES_GCM_16, 128),
		      X(TT_INTEG, AUTH_HMAC_SHA2_256_128, 0));
	a = PROP(1, PROTO_ESP, X(TT_ENCR, ENCR_AES_GCM_16, 128),
		 X(TT_INTEG, AUTH_HMAC_SHA2_256_128, 0));
	ck_assert_int_eq(proposal_check_answer(esp, 1, &a, 0), -1);
	a.ntransforms = 1;
	ck_assert_int_eq(proposal_check_answer(esp, 1, &a, 0), 0);
}
END_TEST

static char logged[4096];

static void sink(enum log_subsys sub, enum log_level lvl, const char *line, void *arg)
{
	snprintf(logged, sizeof(logged), "%s", line);
}

START_TEST(test_format_and_mismatch_log)
{
	struct ike_proposal c, odd;

	setup_ike();
	odd = PROP(4, 7, X(TT_ENCR, 999, 0), X(9, 3, 0), X(TT_ESN, ESN_NO, 0));
	ck_assert_str_eq(pstr(&odd), "PROTO7:UNKNOWN(999)/NO_EXT_SEQ/TYPE9_3");
	log_set_sink(sink, NULL);
	ck_assert_int_eq(proposal_select(ours_ike, 1, peer_ike, 2, 0, &c), -1);
	log_set_sink(NULL, NULL);
	ck_assert_ptr_nonnull(strstr(logged,
		"received proposals: IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048, "
		"IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256/MODP_2048, "
		"configured proposals: IKE:AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE_25519"));
}
END_TEST

int main(void)
{
	const TTest *tests[] = {
		test_ike_our_order_and_peer_order,
		test_keylen_and_unknown,
		test_mandatory,
		test_esp_esn_ke_spi,
		test_check_answer,
		test_format_and_mismatch_log,
		NULL,
	};

	return run_tests("proposal", tests, 0);
}
