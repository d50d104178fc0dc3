/*
 * PFS in CHILD SA rekeys when the ESP proposals name no KE group (a
 * child's "pfs" setting, child_pfs.c), between two engines in one process
 * (pair.h).  The IKE SA uses the default proposals, so it agrees on X25519
 * and accepts ECP-256, ECP-384, Curve448 and MODP-3072 too.
 *   responder: a KE it did not configure is taken with pfs = accept
 *   (default) and require, refused with no, and refused when its group is
 *   not one the IKE SA accepts; require refuses a rekey without KE;
 *   initiator: refused without KE (the peer wants PFS, as Libreswan does by
 *   default), it retries once with the IKE SA's group, says so in the log,
 *   and starts the next rekey with that group; require offers it at once.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ike/engine/rekey.h"
#include "badinput.h"
#include "lib/kernel_mem.h"
#include "pair.h"

static struct pair P;

#define CHILD_A	"remote_ts = [\"10.2.0.0/16\"];"
#define CHILD_B	"remote_ts = [\"10.1.0.0/16\"];"

/* Established with these settings added to A's and B's child. */
static void establish(const char *a_child, const char *b_child)
{
	char buf[256], *a, *b;

	snprintf(buf, sizeof(buf), "%s %s", CHILD_A, a_child);
	a = pair_conf_sub(pair_conf_a, CHILD_A, buf);
	snprintf(buf, sizeof(buf), "%s %s", CHILD_B, b_child);
	b = pair_conf_sub(pair_conf_b, CHILD_B, buf);
	pair_setup(&P, a, b);
	free(a);
	free(b);
	bi_log_capture();
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->ke_group, KE_CURVE25519);
	P.delivered = 0;
}

static struct child_sa *child(int side)
{
	return pair_sa(&P, side)->children;
}

static uint16_t ke_of(int side)
{
	const struct ike_proposal *p = &child(side)->prop;

	for (size_t i = 0; i < p->ntransforms; i++)
		if (p->xf[i].type == TT_KE)
			return p->xf[i].id;
	return KE_NONE;
}

/* side rekeys its CHILD SA; n messages go back and forth; then one CHILD
 * SA per side (SPIs crossing, one SA pair in each kernel) whose proposal
 * has group (KE_NONE: none), or (replaced 0) the old one is kept. */
static void rekey(int side, size_t n, int replaced, uint16_t group)
{
	uint32_t old = child(side)->spi_in;

	P.delivered = 0;
	ck_assert_int_eq(rekey_child(child(side)), 0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(P.delivered, n);
	for (int s = 0; s < 2; s++) {
		ck_assert_ptr_nonnull(child(s));
		ck_assert_ptr_null(child(s)->next);
		ck_assert_int_eq(child(s)->state, CHILD_SA_INSTALLED);
		ck_assert_uint_eq(kernel_mem_sa_count(P.peer[s].k), 2);
		ck_assert_uint_eq(ke_of(s), group);
	}
	ck_assert_uint_eq(child(PAIR_A)->spi_in, child(PAIR_B)->spi_out);
	ck_assert_uint_eq(child(PAIR_A)->spi_out, child(PAIR_B)->spi_in);
	if (replaced)
		ck_assert_uint_ne(child(side)->spi_in, old);
	else
		ck_assert_uint_eq(child(side)->spi_in, old);
}

static void assert_logged(const char *needle, int want)
{
	if (!bi_logged(0, needle) == !want)
		return;
	bi_log_dump(0);
	ck_abort_msg("log line with \"%s\": %s", needle, want ? "missing" : "unexpected");
}

#define HINT	"retrying with x25519"

/* ---- responder ---- */

START_TEST(test_accept_peer_ke)
{
	/* A asks for PFS, B configured none: taken (request, answer, DELETE pair) */
	establish("esp_proposals = [\"aes128gcm16-x25519\"];", "");
	rekey(PAIR_A, 4, 1, KE_CURVE25519);
	/* and B's own rekey, without a group of its own, offers A's */
	rekey(PAIR_B, 4, 1, KE_CURVE25519);
	assert_logged(HINT, 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_accept_other_ike_group)
{
	/* a group the IKE SA accepts but did not pick: no INVALID_KE_PAYLOAD */
	establish("esp_proposals = [\"aes128gcm16-ecp256\"];", "pfs = \"accept\";");
	rekey(PAIR_A, 4, 1, KE_ECP_256);
	pair_free(&P);
}
END_TEST

START_TEST(test_accept_not_ike_group)
{
	/* MODP-2048 is not among the IKE SA's groups: NO_PROPOSAL_CHOSEN */
	establish("esp_proposals = [\"aes128gcm16-modp2048\"];", "");
	rekey(PAIR_A, 2, 0, KE_NONE);
	pair_free(&P);
}
END_TEST

START_TEST(test_accept_no_ke)
{
	/* neither side wants PFS: as before, no KE */
	establish("", "");
	rekey(PAIR_A, 4, 1, KE_NONE);
	rekey(PAIR_B, 4, 1, KE_NONE);
	pair_pump(&P, 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_no_refuses_ke)
{
	establish("esp_proposals = [\"aes128gcm16-x25519\"];", "pfs = \"no\";");
	rekey(PAIR_A, 2, 0, KE_NONE);
	pair_free(&P);
}
END_TEST

START_TEST(test_require_takes_ke)
{
	establish("esp_proposals = [\"aes128gcm16-x25519\"];", "pfs = \"require\";");
	rekey(PAIR_A, 4, 1, KE_CURVE25519);
	pair_free(&P);
}
END_TEST

START_TEST(test_require_refuses_no_ke)
{
	/* A will not add a KE (pfs = no): refused, and no retry */
	establish("pfs = \"no\";", "pfs = \"require\";");
	rekey(PAIR_A, 2, 0, KE_NONE);
	assert_logged(HINT, 0);
	pair_free(&P);
}
END_TEST

/* ---- initiator ---- */

/* B stands for Libreswan's default (pfs=yes): a group in its proposals. */
START_TEST(test_retry_with_group)
{
	establish("", "esp_proposals = [\"aes128gcm16-x25519\"];");
	/* request, NO_PROPOSAL_CHOSEN, request with KE, answer, DELETE pair */
	rekey(PAIR_A, 6, 1, KE_CURVE25519);
	assert_logged(HINT, 1);
	assert_logged("pfs = accept", 1);
	/* the next rekey starts with the group: no refusal */
	rekey(PAIR_A, 4, 1, KE_CURVE25519);
	/* B's rekeys carry the group, which A takes */
	rekey(PAIR_B, 4, 1, KE_CURVE25519);
	pair_free(&P);
}
END_TEST

START_TEST(test_retry_against_require)
{
	establish("", "pfs = \"require\";");
	rekey(PAIR_A, 6, 1, KE_CURVE25519);
	assert_logged(HINT, 1);
	pair_free(&P);
}
END_TEST

START_TEST(test_no_retry_with_no)
{
	/* pfs = no on our side: refused, the old SA stays, no second request */
	establish("pfs = \"no\";", "esp_proposals = [\"aes128gcm16-x25519\"];");
	rekey(PAIR_A, 2, 0, KE_NONE);
	assert_logged(HINT, 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_require_offers_group)
{
	establish("pfs = \"require\";", "");
	rekey(PAIR_A, 4, 1, KE_CURVE25519);
	pair_free(&P);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pfs");
	TCase *tc = tcase_create("rekey");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_accept_peer_ke);
	tcase_add_test(tc, test_accept_other_ike_group);
	tcase_add_test(tc, test_accept_not_ike_group);
	tcase_add_test(tc, test_accept_no_ke);
	tcase_add_test(tc, test_no_refuses_ke);
	tcase_add_test(tc, test_require_takes_ke);
	tcase_add_test(tc, test_require_refuses_no_ke);
	tcase_add_test(tc, test_retry_with_group);
	tcase_add_test(tc, test_retry_against_require);
	tcase_add_test(tc, test_no_retry_with_no);
	tcase_add_test(tc, test_require_offers_group);
	suite_add_tcase(s, tc);
	return pair_main(s);
}
