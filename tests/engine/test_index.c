/*
 * The engine's hash indexes (issue 17: no walk over every SA on an event
 * path), between two engines in one process (pair.h): IKE SAs by id and by
 * connection, CHILD SAs by SPI and by selectors, kept in step with
 * establishment and deletion; a CHILD SA still being negotiated is not
 * listed by selectors or SPI.
 */
#include <check.h>

#include "ike/engine/exchange.h"
#include "ike/engine/flows.h"
#include "pair.h"

static struct pair P;

static struct engine *A(void) { return P.peer[PAIR_A].e; }
static struct engine *B(void) { return P.peer[PAIR_B].e; }

static void assert_listed(struct engine *e, struct ike_sa *sa)
{
	struct child_sa *c = sa->children;
	struct ike_sa *o, *found = NULL;

	ck_assert_ptr_eq(ike_sa_by_id(e, sa->id), sa);
	ck_assert_ptr_null(ike_sa_by_id(e, sa->id + 1000));
	for (o = ike_sa_conn_first(e, sa->conn); o; o = ike_sa_conn_next(o))
		if (o == sa)
			found = o;
	ck_assert_ptr_eq(found, sa);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->state, CHILD_SA_INSTALLED);
	ck_assert_ptr_eq(child_sa_by_spi(e, c->spi_in, &o), c);
	ck_assert_ptr_eq(o, sa);
	ck_assert_ptr_eq(child_sa_by_spi(e, c->spi_out, &o), c);
	ck_assert_ptr_null(child_sa_by_spi(e, c->spi_in ^ 0x5a5a5a5a, &o));
	for (found = NULL, c = flows_first(sa->children); c; c = flows_next(sa->children, c))
		if (c == sa->children)
			found = sa;
	ck_assert_ptr_eq(found, sa);
	ck_assert_uint_eq(e->flows.count, 1);
	ck_assert_uint_eq(e->spis_in.count, 1);
	ck_assert_uint_eq(e->spis_out.count, 1);
	ck_assert_uint_eq(e->sa_by_id.count, 1);
	ck_assert_uint_eq(e->sa_by_conn.count, 1);
}

static void assert_empty(struct engine *e)
{
	ck_assert_ptr_null(e->sas);
	ck_assert_uint_eq(e->flows.count, 0);
	ck_assert_uint_eq(e->spis_in.count, 0);
	ck_assert_uint_eq(e->spis_out.count, 0);
	ck_assert_uint_eq(e->sa_by_id.count, 0);
	ck_assert_uint_eq(e->sa_by_conn.count, 0);
}

START_TEST(test_indexes_follow_life)
{
	char err[128];

	pair_setup(&P, NULL, NULL);
	pair_initiate(&P);
	/* A's CHILD SA is still being negotiated: no SPI or selector entry */
	ck_assert_uint_eq(A()->sa_by_id.count, 1);
	ck_assert_uint_eq(A()->flows.count, 0);
	ck_assert_uint_eq(A()->spis_in.count, 0);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	assert_listed(A(), pair_sa(&P, PAIR_A));
	assert_listed(B(), pair_sa(&P, PAIR_B));
	ck_assert_int_eq(engine_terminate(A(), "ab", 0, err, sizeof(err)), 0);
	pair_pump(&P, 0);
	assert_empty(A());
	assert_empty(B());
	pair_free(&P);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("engine-index");
	TCase *tc = tcase_create("index");

	tcase_add_test(tc, test_indexes_follow_life);
	suite_add_tcase(s, tc);
	return pair_main(s);
}
