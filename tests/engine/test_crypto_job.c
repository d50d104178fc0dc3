/*
 * The responder's IKE_SA_INIT key exchange on worker threads
 * (src/ike/engine/crypto_job.c) between two engines in one process
 * (pair.h), B with two crypto workers: the handshake completes; while the
 * key exchange is pending a retransmitted request gets no second answer;
 * an IKE SA deleted while its job runs leaves nothing behind and sends
 * nothing (the result is dropped).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/workq.h"
#include "ike/engine/crypto_job.h"
#include "ike/engine/exchange.h"
#include "pair.h"

static struct pair P;

static struct engine *B(void) { return P.peer[PAIR_B].e; }

static void setup_workers(void)
{
	pair_setup(&P, NULL, NULL);
	ck_assert_int_eq(engine_crypto_start(B(), 2), 0);
	ck_assert_ptr_nonnull(B()->wq);
}

/* Runs the loop until B's jobs are all delivered (bounded). */
static void settle(void)
{
	for (int i = 0; i < 400 && workq_pending(B()->wq); i++)
		loop_run_once(P.loop, 5);
	ck_assert_uint_eq(workq_pending(B()->wq), 0);
}

START_TEST(test_establish_on_workers)
{
	setup_workers();
	pair_initiate(&P);
	ck_assert(pair_run(&P, 5000, pair_established));
	ck_assert_uint_eq(P.peer[PAIR_B].sent, 2);
	ck_assert_ptr_null(pair_sa(&P, PAIR_B)->dh_job);
	ck_assert(pair_sa(&P, PAIR_B)->have_keys);
	pair_free(&P);
}
END_TEST

START_TEST(test_retransmit_while_pending)
{
	struct pair_pkt *req;
	size_t sz;

	setup_workers();
	pair_initiate(&P);
	ck_assert_ptr_nonnull(P.head);
	sz = sizeof(*req) + P.head->len;
	req = malloc(sz);
	ck_assert_ptr_nonnull(req);
	memcpy(req, P.head, sz);
	ck_assert_uint_eq(pair_pump(&P, 1), 1);
	/* crypto pending: B has the SA and a job, and has sent nothing */
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 1);
	ck_assert_ptr_nonnull(pair_sa(&P, PAIR_B)->dh_job);
	ck_assert_uint_eq(P.peer[PAIR_B].sent, 0);
	engine_packet_in(B(), req->data, req->len, &req->dst, &req->src, 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 1);
	ck_assert_uint_eq(P.peer[PAIR_B].sent, 0);
	free(req);
	ck_assert(pair_run(&P, 5000, pair_established));
	/* one IKE_SA_INIT response, one IKE_AUTH response */
	ck_assert_uint_eq(P.peer[PAIR_B].sent, 2);
	pair_free(&P);
}
END_TEST

START_TEST(test_deleted_while_pending)
{
	struct ike_sa *sa;

	setup_workers();
	pair_initiate(&P);
	ck_assert_uint_eq(pair_pump(&P, 1), 1);
	sa = pair_sa(&P, PAIR_B);
	ck_assert_ptr_nonnull(sa);
	ck_assert_ptr_nonnull(sa->dh_job);
	ike_sa_destroy(sa);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	settle();
	ck_assert_uint_eq(P.peer[PAIR_B].sent, 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	ck_assert_uint_eq(halfopen_total(&B()->cookies), 0);
	pair_free(&P);
}
END_TEST

/* Without workers the same exchange is synchronous: the answer is out
 * before engine_packet_in returns. */
START_TEST(test_no_workers_synchronous)
{
	pair_setup(&P, NULL, NULL);
	ck_assert_ptr_null(B()->wq);
	pair_initiate(&P);
	ck_assert_uint_eq(pair_pump(&P, 1), 1);
	ck_assert_uint_eq(P.peer[PAIR_B].sent, 1);
	ck_assert_ptr_null(pair_sa(&P, PAIR_B)->dh_job);
	pair_free(&P);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("engine-crypto-job");
	TCase *tc = tcase_create("workers");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_establish_on_workers);
	tcase_add_test(tc, test_retransmit_while_pending);
	tcase_add_test(tc, test_deleted_while_pending);
	tcase_add_test(tc, test_no_workers_synchronous);
	suite_add_tcase(s, tc);
	return pair_main(s);
}
