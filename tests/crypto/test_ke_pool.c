/*
 * KE pair stock: empty until the background refills are delivered; fills
 * to its depth and never beyond; 100 takes with refills in between hand out
 * 100 different pairs; freeing the pool with refills in flight leaks and
 * touches nothing (run under ASan); bad groups and depths refused.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/unit.h"
#include "common/buf.h"
#include "common/loop.h"
#include "common/workq.h"
#include "ike/crypto/ke.h"
#include "ike/crypto/ke_pool.h"
#include "ike/ikev2.h"

struct env {
	struct loop *l;
	struct workq *wq;
	struct ke_pool *pool;
};

static void env_init(struct env *e, size_t depth)
{
	e->l = loop_new();
	ck_assert_ptr_nonnull(e->l);
	e->wq = workq_new(e->l, 2, 0);
	ck_assert_ptr_nonnull(e->wq);
	e->pool = ke_pool_new(e->wq, depth);
	ck_assert_ptr_nonnull(e->pool);
}

static void env_free(struct env *e)
{
	ke_pool_free(e->pool);
	workq_free(e->wq);
	loop_free(e->l);
}

/* Runs the loop until the stock reaches want, checking the bound each turn. */
static void fill_to(struct env *e, uint16_t group, size_t want)
{
	int spins = 0;

	while (ke_pool_stock(e->pool, group) < want && spins++ < 2000) {
		ck_assert_int_ge(loop_run_once(e->l, 50), 0);
		ck_assert_uint_le(ke_pool_stock(e->pool, group), ke_pool_depth(e->pool));
	}
	ck_assert_uint_ge(ke_pool_stock(e->pool, group), want);
}

START_TEST(test_empty)
{
	struct env e;

	env_init(&e, 4);
	ck_assert_ptr_null(ke_pool_take(e.pool, KE_CURVE25519));
	ck_assert_int_eq(ke_pool_note_group(e.pool, KE_CURVE25519), 0);
	/* Refills are delivered by the loop only: nothing yet. */
	ck_assert_uint_eq(ke_pool_stock(e.pool, KE_CURVE25519), 0);
	ck_assert_ptr_null(ke_pool_take(e.pool, KE_CURVE25519));
	ck_assert_ptr_null(ke_pool_take(e.pool, KE_ECP_256));
	env_free(&e);
}
END_TEST

START_TEST(test_fill_bound)
{
	struct env e;
	struct ke *ke;
	int i;

	env_init(&e, 4);
	ck_assert_uint_eq(ke_pool_depth(e.pool), 4);
	ck_assert_int_eq(ke_pool_note_group(e.pool, KE_ECP_256), 0);
	ck_assert_int_eq(ke_pool_note_group(e.pool, KE_ECP_256), 0);
	fill_to(&e, KE_ECP_256, 4);
	/* Full: no refill in flight, and idle turns add nothing. */
	ck_assert_uint_eq(workq_pending(e.wq), 0);
	for (i = 0; i < 5; i++)
		ck_assert_int_ge(loop_run_once(e.l, 10), 0);
	ck_assert_uint_eq(ke_pool_stock(e.pool, KE_ECP_256), 4);

	ke = ke_pool_take(e.pool, KE_ECP_256);
	ck_assert_ptr_nonnull(ke);
	ck_assert_uint_eq(ke_group(ke), KE_ECP_256);
	ck_assert_uint_eq(ke_pool_stock(e.pool, KE_ECP_256), 3);
	ck_assert_uint_eq(workq_pending(e.wq), 1);
	ke_free(ke);
	fill_to(&e, KE_ECP_256, 4);
	ck_assert_uint_eq(ke_pool_stock(e.pool, KE_ECP_256), 4);
	env_free(&e);
}
END_TEST

/* Each pair's public value, kept with the pair so no address is reused. */
struct taken {
	struct ke *ke;
	uint8_t pub[32];
};

static void take_many(uint16_t group, size_t depth)
{
	enum { N = 100 };
	struct env e;
	struct taken *t = calloc(N, sizeof(*t));
	struct wr w;
	int i, j, spins;

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(ke_public_len(group), sizeof(t[0].pub));
	env_init(&e, depth);
	ck_assert_int_eq(ke_pool_note_group(e.pool, group), 0);
	for (i = 0; i < N; i++) {
		spins = 0;
		while (!(t[i].ke = ke_pool_take(e.pool, group)) && spins++ < 2000)
			ck_assert_int_ge(loop_run_once(e.l, 50), 0);
		ck_assert_ptr_nonnull(t[i].ke);
		ck_assert_uint_le(ke_pool_stock(e.pool, group), depth);
		wr_init(&w, t[i].pub, sizeof(t[i].pub));
		ck_assert_int_eq(ke_public(t[i].ke, &w), 0);
		ck_assert(wr_ok(&w));
		/* Let some refills land between takes, not always the same number. */
		if (i % 3 == 0)
			ck_assert_int_ge(loop_run_once(e.l, 0), 0);
	}
	for (i = 0; i < N; i++)
		for (j = i + 1; j < N; j++) {
			ck_assert_ptr_ne(t[i].ke, t[j].ke);
			ck_assert_mem_ne(t[i].pub, t[j].pub, sizeof(t[i].pub));
		}
	for (i = 0; i < N; i++)
		ke_free(t[i].ke);
	free(t);
	env_free(&e);
}

START_TEST(test_distinct_x25519)
{
	take_many(KE_CURVE25519, 8);
}
END_TEST

START_TEST(test_distinct_depth1)
{
	take_many(KE_CURVE25519, 1);
}
END_TEST

/* The pool goes first with refills queued or running; their done frees them. */
START_TEST(test_free_inflight)
{
	struct env e;

	env_init(&e, 8);
	ck_assert_int_eq(ke_pool_note_group(e.pool, KE_CURVE25519), 0);
	ck_assert_int_eq(ke_pool_note_group(e.pool, KE_MODP_2048), 0);
	ck_assert_int_eq(ke_pool_note_group(e.pool, KE_ECP_384), 0);
	ck_assert_uint_eq(workq_pending(e.wq), 3);
	ck_assert_int_ge(loop_run_once(e.l, 20), 0);
	ke_pool_free(e.pool);
	workq_free(e.wq);
	loop_free(e.l);
}
END_TEST

START_TEST(test_refused)
{
	static const uint16_t groups[KE_POOL_MAX_GROUPS + 1] = {
		KE_MODP_2048, KE_MODP_3072, KE_ECP_256, KE_ECP_384, KE_ECP_521,
		KE_CURVE25519, KE_CURVE448, KE_ECP_256_BP, KE_ECP_384_BP,
	};
	struct env e;
	int i;

	ck_assert_ptr_null(ke_pool_new(NULL, KE_POOL_MAX_DEPTH + 1));
	env_init(&e, 0);
	ck_assert_uint_eq(ke_pool_depth(e.pool), KE_POOL_DEFAULT_DEPTH);
	ck_assert_int_eq(ke_pool_note_group(e.pool, 9999), -1);
	ck_assert_int_eq(ke_pool_note_group(e.pool, KE_NONE), -1);
	for (i = 0; i < KE_POOL_MAX_GROUPS; i++)
		ck_assert_int_eq(ke_pool_note_group(e.pool, groups[i]), 0);
	ck_assert_int_eq(ke_pool_note_group(e.pool, groups[KE_POOL_MAX_GROUPS]), -1);
	env_free(&e);
}
END_TEST

static Suite *ke_pool_suite(void)
{
	Suite *s = suite_create("ke_pool");
	TCase *tc = tcase_create("ke_pool");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_fill_bound);
	tcase_add_test(tc, test_distinct_x25519);
	tcase_add_test(tc, test_distinct_depth1);
	tcase_add_test(tc, test_free_inflight);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(ke_pool_suite());
}
