/*
 * Liveness knobs, two engines on virtual time (pair.h): keyingtries (how
 * many times an unanswered initiation starts again, with its back-off)
 * and dpd_timeout (when an established peer that stopped answering is
 * declared dead, before the retransmissions run out).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "lib/kernel_mem.h"
#include "ike/engine/exchange.h"
#include "ike/engine/retry.h"
#include "pair.h"

static struct pair P;
static int silent_b, silent_a;

static int drop_silent(struct pair *p, struct pair_pkt *q, void *arg)
{
	(void)p;
	(void)arg;
	return (q->from == PAIR_B && silent_b) || (q->from == PAIR_A && silent_a);
}

static void setup(const char *conn_keys_a)
{
	char *a = pair_conf_sub(pair_conf_a, "  children", conn_keys_a);

	pair_setup(&P, a, NULL);
	free(a);
	silent_a = silent_b = 0;
	P.filter = drop_silent;
}

START_TEST(test_backoff)
{
	ck_assert_uint_eq(retry_backoff_ms(2), 1000);
	ck_assert_uint_eq(retry_backoff_ms(3), 2000);
	ck_assert_uint_eq(retry_backoff_ms(5), 8000);
	ck_assert_uint_eq(retry_backoff_ms(40), RETRY_MAX_MS);
}
END_TEST

START_TEST(test_keyingtries_default_once)
{
	setup("  children");
	silent_a = 1;	/* nothing reaches B */
	pair_initiate(&P);
	pair_run(&P, 10000, NULL);
	/* strongSwan's default keyingtries = 1: one IKE_SA_INIT and its two
	 * retransmissions, then nothing */
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 0);
	ck_assert_uint_eq(P.peer[PAIR_A].sent, 3);
	pair_free(&P);
}
END_TEST

static int a_attempt(struct pair *p, unsigned n)
{
	struct ike_sa *a = pair_sa(p, PAIR_A);

	return a && a->keyingtry == n;
}

static int a_attempt2(struct pair *p) { return a_attempt(p, 2); }
static int a_attempt3(struct pair *p) { return a_attempt(p, 3); }

START_TEST(test_keyingtries_three)
{
	uint64_t t0;

	setup("  keyingtries = 3;\n  children");
	silent_a = 1;
	pair_initiate(&P);
	t0 = loop_now_ms(P.loop);
	/* lost after 95 ms of retransmissions, again 1 s later */
	ck_assert(pair_run(&P, 5000, a_attempt2));
	ck_assert_uint_ge(loop_now_ms(P.loop) - t0, 95 + 1000);
	ck_assert(pair_run(&P, 5000, a_attempt3));
	ck_assert_uint_ge(loop_now_ms(P.loop) - t0, 2 * 95 + 1000 + 2000);
	pair_run(&P, 20000, NULL);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 0);
	ck_assert_uint_eq(P.peer[PAIR_A].sent, 9);	/* three attempts of three */
	pair_free(&P);
}
END_TEST

START_TEST(test_keyingtries_forever_until_answered)
{
	setup("  keyingtries = 0;\n  children");
	silent_a = 1;
	pair_initiate(&P);
	ck_assert(pair_run(&P, 5000, a_attempt3));
	/* B is reachable again: the third attempt gets through */
	silent_a = 0;
	ck_assert(pair_run(&P, 5000, pair_established));
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->keyingtry, 3);
	pair_free(&P);
}
END_TEST

/* Retransmissions 1 s, 2 s, 4 s, ...: given up after 63 s. */
static const struct ike_retx_cfg slow = { 1000, 2.0, 5, 0 };

static void establish_slow(const char *conn_keys_a)
{
	pair_retx = &slow;
	setup(conn_keys_a);
	pair_retx = NULL;
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
}

START_TEST(test_dpd_timeout_before_retransmits)
{
	establish_slow("  dpd_delay = \"2s\"; dpd_timeout = \"5s\";\n  children");
	silent_b = 1;
	/* liveness check at 2 s of silence; dead 5 s later although the
	 * retransmissions would go on until 65 s */
	pair_run(&P, 6900, NULL);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 1);
	pair_run(&P, 200, NULL);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 0);
	ck_assert_uint_eq(P.peer[PAIR_A].e->stats.peers_lost, 1);
	pair_free(&P);
}
END_TEST

START_TEST(test_dpd_timeout_off_retransmits_decide)
{
	establish_slow("  dpd_delay = \"2s\";\n  children");
	silent_b = 1;
	pair_run(&P, 60000, NULL);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 1);
	pair_run(&P, 6000, NULL);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_dpd_timeout_answered)
{
	establish_slow("  dpd_delay = \"2s\"; dpd_timeout = \"5s\";\n  children");
	/* the peer answers every check: never dead */
	pair_run(&P, 30000, NULL);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 1);
	ck_assert_uint_eq(P.peer[PAIR_A].e->stats.peers_lost, 0);
	pair_free(&P);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("liveness");
	TCase *tc = tcase_create("liveness");

	tcase_add_test(tc, test_backoff);
	tcase_add_test(tc, test_keyingtries_default_once);
	tcase_add_test(tc, test_keyingtries_three);
	tcase_add_test(tc, test_keyingtries_forever_until_answered);
	tcase_add_test(tc, test_dpd_timeout_before_retransmits);
	tcase_add_test(tc, test_dpd_timeout_off_retransmits_decide);
	tcase_add_test(tc, test_dpd_timeout_answered);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pair_main(suite());
}
