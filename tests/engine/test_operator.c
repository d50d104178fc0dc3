/*
 * The engine.h actions ikectl gives operators, between two engines in one
 * process (pair.h) with in-memory kernels: terminating one CHILD SA (by
 * name and by id), installing and removing trap policies by hand, and
 * reauthenticating an IKE SA now.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ike/core/plan.h"
#include "ike/engine/exchange.h"
#include "lib/kernel_mem.h"
#include "pair.h"

static struct pair P;

static struct engine *A(void) { return P.peer[PAIR_A].e; }

/* A's connection with a second child "web" (another selector pair). */
static const char two_children[] =
	"  children = ( { name = \"net\"; local_ts = [\"10.1.0.0/16\"];\n"
	"                 remote_ts = [\"10.2.0.0/16\"]; },\n"
	"               { name = \"web\"; local_ts = [\"10.1.0.0/16\"];\n"
	"                 remote_ts = [\"10.3.0.0/16\"]; } );\n";

static void setup_two(void)
{
	char *a = pair_conf_sub(pair_conf_a,
				"  children = ( { name = \"net\"; local_ts = [\"10.1.0.0/16\"];\n"
				"                 remote_ts = [\"10.2.0.0/16\"]; } );\n",
				two_children);
	char *b = pair_conf_sub(pair_conf_b, "remote_ts = [\"10.1.0.0/16\"]; } );",
				"remote_ts = [\"10.1.0.0/16\"]; },\n"
				"  { name = \"web\"; local_ts = [\"10.3.0.0/16\"];"
				" remote_ts = [\"10.1.0.0/16\"]; } );");

	pair_setup(&P, a, b);
	free(a);
	free(b);
}

static size_t nchildren(int side)
{
	size_t n = 0;

	for (struct child_sa *c = pair_sa(&P, side)->children; c; c = c->next)
		n++;
	return n;
}

static struct child_sa *child_named(int side, const char *name)
{
	for (struct child_sa *c = pair_sa(&P, side)->children; c; c = c->next)
		if (strcmp(c->cfg->name, name) == 0)
			return c;
	return NULL;
}

static int both_children(struct pair *p)
{
	return pair_established(p) && nchildren(PAIR_A) == 2 && nchildren(PAIR_B) == 2 &&
	       child_named(PAIR_A, "web") && child_named(PAIR_A, "web")->state == CHILD_SA_INSTALLED;
}

START_TEST(test_terminate_child)
{
	char err[256];
	uint64_t id;

	setup_two();
	ck_assert_int_eq(engine_initiate(A(), "ab", NULL, err, sizeof(err)), 0);
	ck_assert(pair_run(&P, 2000, both_children));
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 4);
	/* by name: only "web" goes, on both sides, with its kernel state */
	ck_assert_int_eq(engine_terminate_child(A(), "ab", "web", 0, err, sizeof(err)), 1);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	ck_assert_uint_eq(nchildren(PAIR_A), 1);
	ck_assert_uint_eq(nchildren(PAIR_B), 1);
	ck_assert_ptr_nonnull(child_named(PAIR_B, "net"));
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 2);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 2);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 3);
	/* again: none left by that name */
	ck_assert_int_eq(engine_terminate_child(A(), "ab", "web", 0, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "terminate: no installed CHILD SA named 'web' in connection ab");
	ck_assert_int_eq(engine_terminate_child(A(), NULL, NULL, 999, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "terminate: no CHILD SA with id 999");
	/* by id: the last one; the IKE SA stays */
	id = child_named(PAIR_A, "net")->id;
	ck_assert_int_eq(engine_terminate_child(A(), NULL, NULL, id, err, sizeof(err)), 1);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	ck_assert_uint_eq(nchildren(PAIR_A), 0);
	ck_assert_uint_eq(nchildren(PAIR_B), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_B].k), 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_install_uninstall)
{
	char err[256];

	setup_two();
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 0);
	/* one child (tunnel mode): out, in and fwd trap policies */
	ck_assert_int_eq(engine_install(A(), "ab", "net", err, sizeof(err)), 1);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 3);
	/* the whole connection: only "web" is new */
	ck_assert_int_eq(engine_install(A(), "ab", NULL, err, sizeof(err)), 1);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 6);
	ck_assert_int_eq(engine_install(A(), "ab", NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 6);
	ck_assert_int_eq(engine_install(A(), "ab", "nochild", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "install: connection ab has no child 'nochild'");
	ck_assert_int_eq(engine_install(A(), "nosuch", NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "install: no connection named 'nosuch'");
	/* nothing was negotiated by installing */
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 0);
	ck_assert_uint_eq(pair_queued(&P), 0);
	ck_assert_int_eq(engine_uninstall(A(), "ab", "web", err, sizeof(err)), 1);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 3);
	ck_assert_int_eq(engine_uninstall(A(), "ab", "web", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "uninstall: no trap policies installed for ab/web");
	ck_assert_int_eq(engine_uninstall(A(), "ab", NULL, err, sizeof(err)), 1);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 0);
	/* a CHILD SA up: its policies stand in for the trap's; uninstall waits */
	ck_assert_int_eq(engine_install(A(), "ab", "net", err, sizeof(err)), 1);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	ck_assert_int_eq(engine_uninstall(A(), "ab", "net", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "of ab/net is up"));
	ck_assert_int_eq(engine_terminate_child(A(), "ab", "net", 0, err, sizeof(err)), 1);
	pair_pump(&P, 0);
	/* the trap policies are back in place of the CHILD SA's */
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 3);
	ck_assert_int_eq(engine_uninstall(A(), "ab", "net", err, sizeof(err)), 1);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 0);
	/* B accepts any peer: no literal remote address to trap towards */
	ck_assert_int_eq(engine_install(P.peer[PAIR_B].e, "ba", "net", err, sizeof(err)), -1);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_B].k), 0);
	pair_free(&P);
}
END_TEST

static int no_sa_a(struct pair *p)
{
	return pair_nsas(p, PAIR_A) == 0;
}

static int drop_all(struct pair *p, struct pair_pkt *pkt, void *arg)
{
	return 1;
}

static int reauthenticated(struct pair *p)
{
	return pair_nsas(p, PAIR_A) == 1 && pair_nsas(p, PAIR_B) == 1 && pair_established(p) &&
	       pair_sa(p, PAIR_A)->children && pair_sa(p, PAIR_B)->children &&
	       pair_sa(p, PAIR_A)->children->state == CHILD_SA_INSTALLED &&
	       !pair_sa(p, PAIR_A)->rk.predecessor;
}

START_TEST(test_reauth_now)
{
	char err[256];
	uint64_t old_id, old_spi;

	pair_setup(&P, NULL, NULL);
	ck_assert_int_eq(engine_reauth(A(), "ab", 0, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "rekey --reauth: no established IKE SA of connection 'ab'");
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	old_id = pair_sa(&P, PAIR_A)->id;
	old_spi = pair_sa(&P, PAIR_A)->entry.spi_i;
	ck_assert_int_eq(engine_reauth(A(), NULL, old_id + 100, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "rekey --reauth: no established IKE SA with id 101");
	ck_assert_int_eq(engine_reauth(A(), NULL, old_id, err, sizeof(err)), 1);
	/* a new IKE SA is started at once, next to the old one */
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 2);
	ck_assert(pair_run(&P, 3000, reauthenticated));
	ck_assert_uint_ne(pair_sa(&P, PAIR_A)->id, old_id);
	ck_assert_uint_ne(pair_sa(&P, PAIR_A)->entry.spi_i, old_spi);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 2);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 2);
	pair_free(&P);
}
END_TEST

static uint64_t failed(int side, enum engine_fail cause)
{
	struct engine_stats st;

	engine_get_stats(P.peer[side].e, &st);
	return st.handshakes_failed[cause];
}

static uint64_t failed_total(int side)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < ENGINE_FAIL_MAX; i++)
		n += failed(side, i);
	return n;
}

/* The counters "show stats" and the metrics report, after real exchanges. */
START_TEST(test_counters)
{
	struct engine_stats st;
	char *a, err[256];

	pair_setup(&P, NULL, NULL);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	engine_get_stats(A(), &st);
	ck_assert_uint_eq(st.handshakes_completed, 1);
	engine_get_stats(P.peer[PAIR_B].e, &st);
	ck_assert_uint_eq(st.handshakes_completed, 1);
	ck_assert_uint_eq(failed_total(PAIR_A) + failed_total(PAIR_B), 0);
	/* rekeys: one CHILD SA, one IKE SA; neither is a handshake */
	ck_assert_int_eq(engine_rekey_child(A(), "ab", "net", 0, err, sizeof(err)), 0);
	pair_pump(&P, 0);
	ck_assert_int_eq(engine_rekey(A(), "ab", 0, err, sizeof(err)), 0);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	engine_get_stats(A(), &st);
	ck_assert_uint_eq(st.child_rekeys, 1);
	ck_assert_uint_eq(st.ike_rekeys, 1);
	ck_assert_uint_eq(st.handshakes_completed, 1);
	ck_assert_uint_eq(failed_total(PAIR_A), 0);
	engine_get_stats(P.peer[PAIR_B].e, &st);
	ck_assert_uint_eq(st.child_rekeys, 1);
	ck_assert_uint_eq(st.ike_rekeys, 1);
	pair_free(&P);

	/* a wrong key: AUTHENTICATION_FAILED on both sides */
	a = pair_conf_sub(pair_conf_a, "id = \"b.example\"; psk = \"pair-test-psk-0123456789\"",
			  "id = \"b.example\"; psk = \"a-different-psk-0123456789\"");
	pair_setup(&P, a, NULL);
	free(a);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert_uint_eq(failed(PAIR_A, ENGINE_FAIL_AUTH), 1);
	ck_assert_uint_eq(failed(PAIR_B, ENGINE_FAIL_AUTH), 1);
	ck_assert_uint_eq(failed_total(PAIR_A), 1);
	ck_assert_str_eq(engine_fail_name(ENGINE_FAIL_AUTH), "authentication_failed");
	pair_free(&P);

	/* no common IKE proposal: B refuses IKE_SA_INIT, A gives up later */
	a = pair_conf_sub(pair_conf_a, "name = \"ab\";",
			  "name = \"ab\"; proposals = [\"aes128-sha256-modp3072\"];");
	pair_setup(&P, a, "secrets: ( { id = \"a.example\"; psk = \"pair-test-psk-0123456789\"; } );\n"
		   "connections: ( { name = \"ba\"; local_addrs = [\"192.0.2.2\"];\n"
		   "  remote_addrs = [\"%any\"]; proposals = [\"aes256gcm16-prfsha384-ecp384\"];\n"
		   "  local = { id = \"b.example\"; auth = \"psk\"; };\n"
		   "  remote = { id = \"a.example\"; auth = \"psk\"; };\n"
		   "  children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"];\n"
		   "                 remote_ts = [\"10.1.0.0/16\"]; } ); } );\n");
	free(a);
	pair_initiate(&P);
	ck_assert(pair_run(&P, 120000, no_sa_a));
	ck_assert_uint_eq(failed(PAIR_A, ENGINE_FAIL_NO_PROPOSAL), 1);
	ck_assert_uint_eq(failed_total(PAIR_A), 1);
	/* B kept no state: nothing to count there */
	ck_assert_uint_eq(failed_total(PAIR_B), 0);
	pair_free(&P);

	/* nobody answers: a timeout */
	pair_setup(&P, NULL, NULL);
	P.filter = drop_all;
	pair_initiate(&P);
	ck_assert(pair_run(&P, 600000, no_sa_a));
	ck_assert_uint_eq(failed(PAIR_A, ENGINE_FAIL_TIMEOUT), 1);
	ck_assert_uint_eq(failed_total(PAIR_A), 1);
	pair_free(&P);
}
END_TEST

/* One key for the pair a.example/b.example on both sides (swanctl.conf's
 * id-a/id-b): IKE_AUTH succeeds with it, not with the single-id keys. */
START_TEST(test_pair_secret)
{
	char *a = pair_conf_sub(pair_conf_a,
				"secrets: ( { id = \"b.example\"; psk = \"pair-test-psk-0123456789\"; },\n"
				"           { id = \"a.example\"; psk = \"pair-test-psk-0123456789\"; } );",
				"secrets: ( { id = \"b.example\"; psk = \"single-id-key-0123456789\"; },\n"
				"  { id = [\"a.example\", \"b.example\"]; psk = \"the-pair-key-0123456789\"; } );");
	char *b = pair_conf_sub(pair_conf_b,
				"secrets: ( { id = \"a.example\"; psk = \"pair-test-psk-0123456789\"; } );",
				"secrets: ( { id = [\"b.example\", \"a.example\"]; psk = \"the-pair-key-0123456789\"; },\n"
				"  { id = \"a.example\"; psk = \"another-single-key-01234\"; } );");

	pair_setup(&P, a, b);
	free(a);
	free(b);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	ck_assert_uint_eq(failed_total(PAIR_A) + failed_total(PAIR_B), 0);
	pair_free(&P);
}
END_TEST

/* A reload that only changes start_action keeps the SAs; the trap policies
 * follow it: installed for trap, removed when no longer trap. */
START_TEST(test_reload_traps_follow)
{
	char *trap = pair_conf_sub(pair_conf_a, "remote_ts = [\"10.2.0.0/16\"]; }",
				   "remote_ts = [\"10.2.0.0/16\"]; start_action = \"trap\"; }");
	struct config *nc;
	struct reload_plan plan;
	char err[256];

	pair_setup(&P, trap, NULL);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 3);
	/* to none: a kept change, and the trap policies go */
	nc = pair_load_config(pair_conf_a);
	ck_assert_int_eq(plan_compute(P.peer[PAIR_A].cfg, nc, &plan), 0);
	ck_assert(plan.n == 1 && plan.v[0].keep_sas);
	ck_assert_int_eq(engine_reload(A(), nc, &plan, err, sizeof(err)), 0);
	plan_free(&plan);
	config_free(P.peer[PAIR_A].cfg);
	P.peer[PAIR_A].cfg = nc;
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 0);
	/* and back to trap */
	nc = pair_load_config(trap);
	ck_assert_int_eq(plan_compute(P.peer[PAIR_A].cfg, nc, &plan), 0);
	ck_assert_int_eq(engine_reload(A(), nc, &plan, err, sizeof(err)), 0);
	plan_free(&plan);
	config_free(P.peer[PAIR_A].cfg);
	P.peer[PAIR_A].cfg = nc;
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 3);
	free(trap);
	pair_free(&P);
}
END_TEST

static Suite *operator_suite(void)
{
	Suite *s = suite_create("operator");
	TCase *tc = tcase_create("ikectl");

	tcase_add_test(tc, test_terminate_child);
	tcase_add_test(tc, test_install_uninstall);
	tcase_add_test(tc, test_reauth_now);
	tcase_add_test(tc, test_counters);
	tcase_add_test(tc, test_pair_secret);
	tcase_add_test(tc, test_reload_traps_follow);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pair_main(operator_suite());
}
