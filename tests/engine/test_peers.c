/*
 * How IKE SAs relate to their peer, between two engines (pair.h, virtual
 * time): childless IKE SAs (RFC 6023, ike.conf childless), a peer that
 * lost its IKE SA (INVALID_IKE_SPI, RFC 7296 2.21.4), and a second IKE SA
 * of the same peer (ike.conf unique, INITIAL_CONTACT 2.4).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/kernel_mem.h"
#include "ike/engine/exchange.h"
#include "pair.h"

static struct pair P;

static struct engine *E(int side) { return P.peer[side].e; }

static void setup_sub(const char *fa, const char *ta, const char *fb, const char *tb)
{
	char *a = fa ? pair_conf_sub(pair_conf_a, fa, ta) : NULL;
	char *b = fb ? pair_conf_sub(pair_conf_b, fb, tb) : NULL;

	pair_setup(&P, a, b);
	free(a);
	free(b);
}

static size_t nchildren(const struct ike_sa *sa)
{
	size_t n = 0;

	for (const struct child_sa *c = sa->children; c; c = c->next)
		n += c->state == CHILD_SA_INSTALLED;
	return n;
}

static size_t n_established(int side)
{
	size_t n = 0;

	for (struct ike_sa *sa = E(side)->sas; sa; sa = sa->next)
		n += sa->state == IKE_SA_ESTABLISHED;
	return n;
}

/* Payload types of the messages one side sent, in order, as they go. */
static int saw_sa_in_auth;
static int watch_auth(struct pair *p, struct pair_pkt *q, void *arg)
{
	/* IKE_AUTH (35) request from A: encrypted, so the test asks A's SA */
	if (q->from == PAIR_A && q->len > 18 && q->data[18] == IKE_AUTH &&
	    pair_sa(p, PAIR_A)->pending_child)
		saw_sa_in_auth = 1;
	return 0;
}

/* ---- childless ---- */

START_TEST(test_childless_force)
{
	struct ike_sa *a, *b;

	setup_sub("name = \"ab\";", "name = \"ab\"; childless = \"force\";", NULL, NULL);
	P.on_send = watch_auth;
	saw_sa_in_auth = 0;
	pair_initiate(&P);
	pair_pump(&P, 4);		/* IKE_SA_INIT and IKE_AUTH */
	a = pair_sa(&P, PAIR_A);
	b = pair_sa(&P, PAIR_B);
	ck_assert(pair_established(&P));
	ck_assert(a->peer_childless && b->peer_childless);
	ck_assert(!saw_sa_in_auth);
	ck_assert_uint_eq(nchildren(a), 0);
	ck_assert_uint_eq(nchildren(b), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
	/* then the child by CREATE_CHILD_SA */
	pair_run(&P, 1000, NULL);
	ck_assert_uint_eq(P.delivered, 6);
	ck_assert_uint_eq(nchildren(a), 1);
	ck_assert_uint_eq(nchildren(b), 1);
	ck_assert_uint_eq(a->children->spi_out, b->children->spi_in);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 2);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_B].k), 3);
	pair_free(&P);
}
END_TEST

/* Reauthentication of a childless = force connection: the new IKE SA is
 * childless too and takes the CHILD SA over by CREATE_CHILD_SA before the
 * old one goes. */
START_TEST(test_childless_force_reauth)
{
	char err[128];
	uint64_t old_a;

	setup_sub("name = \"ab\";", "name = \"ab\"; childless = \"force\";", NULL, NULL);
	pair_initiate(&P);
	pair_run(&P, 1000, NULL);
	ck_assert_uint_eq(nchildren(pair_sa(&P, PAIR_A)), 1);
	old_a = pair_sa(&P, PAIR_A)->id;
	ck_assert_int_ge(engine_reauth(E(PAIR_A), "ab", 0, err, sizeof(err)), 1);
	pair_run(&P, 5000, NULL);
	ck_assert_ptr_null(ike_sa_by_id(E(PAIR_A), old_a));
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 1);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 1);
	ck_assert_uint_eq(nchildren(pair_sa(&P, PAIR_A)), 1);
	ck_assert_uint_eq(nchildren(pair_sa(&P, PAIR_B)), 1);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 2);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 3);
	pair_free(&P);
}
END_TEST

/* ikectl initiate --ike-only: the IKE SA alone, then ikectl initiate of
 * the child creates it on that IKE SA by CREATE_CHILD_SA. */
START_TEST(test_childless_ike_only)
{
	char err[128];

	pair_setup(&P, NULL, NULL);
	ck_assert_int_eq(engine_initiate_ike(E(PAIR_A), "ab", err, sizeof(err)), 0);
	pair_run(&P, 1000, NULL);
	ck_assert(pair_established(&P));
	ck_assert_uint_eq(P.delivered, 4);
	ck_assert_uint_eq(nchildren(pair_sa(&P, PAIR_A)), 0);
	ck_assert_int_eq(engine_initiate(E(PAIR_A), "ab", "net", err, sizeof(err)), 0);
	pair_run(&P, 1000, NULL);
	ck_assert_uint_eq(P.delivered, 6);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 1);
	ck_assert_uint_eq(nchildren(pair_sa(&P, PAIR_A)), 1);
	ck_assert_uint_eq(nchildren(pair_sa(&P, PAIR_B)), 1);
	ck_assert_int_eq(engine_initiate_ike(E(PAIR_A), "nope", err, sizeof(err)), -1);
	pair_free(&P);
}
END_TEST

/* A connection without children: a childless IKE SA, nothing else. */
START_TEST(test_childless_no_children)
{
	char *a = pair_conf_sub(pair_conf_a,
				"  children = ( { name = \"net\"; local_ts = [\"10.1.0.0/16\"];\n"
				"                 remote_ts = [\"10.2.0.0/16\"]; } );\n", "");

	pair_setup(&P, a, NULL);
	free(a);
	pair_initiate(&P);
	pair_run(&P, 1000, NULL);
	ck_assert(pair_established(&P));
	ck_assert_uint_eq(P.delivered, 4);
	ck_assert_uint_eq(nchildren(pair_sa(&P, PAIR_B)), 0);
	pair_free(&P);
}
END_TEST

/* force against childless = never: B does not announce it, A gives up
 * before IKE_AUTH. */
START_TEST(test_childless_force_vs_never)
{
	setup_sub("name = \"ab\";", "name = \"ab\"; childless = \"force\";",
		  "name = \"ba\";", "name = \"ba\"; childless = \"never\";");
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_sa(&P, PAIR_B)->peer_childless);	/* A announced it, B did not */
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 0);
	ck_assert_uint_eq(P.delivered, 2);
	pair_free(&P);
}
END_TEST

/* Bad input: a childless IKE_AUTH for a connection with childless =
 * never.  B announced support in IKE_SA_INIT (the first connection for
 * the addresses allows it), the peer's identity selects one that does
 * not: INVALID_SYNTAX, nothing left on B. */
static const char conf_b_two[] =
	"secrets: ( { id = \"a.example\"; psk = \"pair-test-psk-0123456789\"; },\n"
	"           { id = \"x.example\"; psk = \"pair-test-psk-0123456789\"; } );\n"
	"connections: ( {\n"
	"  name = \"other\";\n"
	"  local_addrs = [\"192.0.2.2\"]; remote_addrs = [\"%any\"];\n"
	"  local = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  remote = { id = \"x.example\"; auth = \"psk\"; };\n"
	"}, {\n"
	"  name = \"ba\"; childless = \"never\";\n"
	"  local_addrs = [\"192.0.2.2\"]; remote_addrs = [\"%any\"];\n"
	"  local = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  remote = { id = \"a.example\"; auth = \"psk\"; };\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"];\n"
	"                 remote_ts = [\"10.1.0.0/16\"]; } );\n"
	"} );\n";

START_TEST(test_childless_refused_never)
{
	char *a = pair_conf_sub(pair_conf_a, "name = \"ab\";",
				"name = \"ab\"; childless = \"force\";");

	pair_setup(&P, a, conf_b_two);
	free(a);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert_uint_eq(P.delivered, 4);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
	ck_assert_uint_eq(halfopen_total(&E(PAIR_B)->cookies), 0);
	pair_free(&P);
}
END_TEST

/* ---- INVALID_IKE_SPI ---- */

/* B restarts (loses its IKE SA silently); A's next request gets
 * INVALID_IKE_SPI: not trusted, A's SA stays until its own check gives up. */
START_TEST(test_invalid_spi_peer_restarted)
{
	struct ike_sa *a;
	uint64_t id;

	pair_setup(&P, NULL, NULL);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	a = pair_sa(&P, PAIR_A);
	id = a->id;
	ike_sa_destroy(pair_sa(&P, PAIR_B));
	ck_assert_int_eq(info_dpd(a), 0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(E(PAIR_B)->stats.invalid_spi_sent, 1);
	ck_assert_uint_eq(E(PAIR_A)->stats.invalid_spi_received, 1);
	ck_assert_ptr_eq(ike_sa_by_id(E(PAIR_A), id), a);
	ck_assert_int_eq(a->state, IKE_SA_ESTABLISHED);
	/* the retransmissions are the liveness check: A gives up in the end */
	pair_run(&P, 600000, NULL);
	ck_assert_ptr_null(ike_sa_by_id(E(PAIR_A), id));
	ck_assert_uint_eq(E(PAIR_A)->stats.peers_lost, 1);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 0);
	pair_free(&P);
}
END_TEST

/* ---- unique ---- */

/* A NAT in front of A while nat_on: 192.0.2.1 appears as 198.51.100.9. */
static int nat_on;
static int nat_a(struct pair *p, struct pair_pkt *q, void *arg)
{
	struct addr pub;

	addr_parse(&pub, "198.51.100.9", 0);
	if (q->from == PAIR_A && nat_on) {
		addr_set_port(&pub, addr_port(&q->src));
		q->src = pub;
	} else if (q->from == PAIR_B && addr_eq_host(&q->dst, &pub)) {
		addr_parse(&q->dst, "192.0.2.1", addr_port(&q->dst));
	}
	return 0;
}

/* A second IKE SA from A, without INITIAL_CONTACT (A has one up). */
static struct ike_sa *second_sa(void)
{
	char err[128];
	struct ike_sa *sa = engine_start(E(PAIR_A), &P.peer[PAIR_A].cfg->conns[0], NULL, NULL, 0,
					 err, sizeof(err));

	ck_assert_msg(sa != NULL, "%s", err);
	pair_run(&P, 1000, NULL);
	return sa;
}

/* A restarts: its SA vanishes silently, the next one carries INITIAL_CONTACT. */
static void restart_a(void)
{
	while (E(PAIR_A)->sas)
		ike_sa_destroy(E(PAIR_A)->sas);
	pair_initiate(&P);
	pair_run(&P, 1000, NULL);
}

static void unique_setup(const char *unique)
{
	char to[64];

	snprintf(to, sizeof(to), "name = \"ba\"; unique = \"%s\";", unique);
	setup_sub(NULL, NULL, "name = \"ba\";", to);
	P.filter = nat_a;
	nat_on = 0;
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
}

START_TEST(test_unique_no)
{
	unique_setup("no");
	second_sa();			/* no INITIAL_CONTACT: both stay */
	ck_assert_uint_eq(n_established(PAIR_B), 2);
	ck_assert_uint_eq(n_established(PAIR_A), 2);
	/* identical selectors: both IKE SAs have their CHILD SA */
	for (struct ike_sa *sa = E(PAIR_B)->sas; sa; sa = sa->next)
		ck_assert_uint_eq(nchildren(sa), 1);
	restart_a();			/* INITIAL_CONTACT: only the new one stays */
	ck_assert_uint_eq(n_established(PAIR_B), 1);
	ck_assert_uint_eq(E(PAIR_B)->stats.unique_replaced, 2);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 2);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_B].k), 3);
	pair_free(&P);
}
END_TEST

START_TEST(test_unique_never)
{
	unique_setup("never");
	restart_a();			/* INITIAL_CONTACT ignored */
	ck_assert_uint_eq(n_established(PAIR_B), 2);
	ck_assert_uint_eq(E(PAIR_B)->stats.unique_replaced, 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_unique_replace)
{
	struct ike_sa *first_b;
	uint64_t old_id;

	unique_setup("replace");
	first_b = pair_sa(&P, PAIR_B);
	old_id = first_b->id;
	second_sa();			/* no INITIAL_CONTACT: B deletes the old one */
	ck_assert_ptr_null(ike_sa_by_id(E(PAIR_B), old_id));
	ck_assert_uint_eq(n_established(PAIR_B), 1);
	ck_assert_uint_eq(n_established(PAIR_A), 1);	/* A got the DELETE */
	ck_assert_uint_eq(nchildren(pair_sa(&P, PAIR_B)), 1);
	/* the flows stay protected: the new CHILD SA owns the policies */
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 2);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_B].k), 3);
	ck_assert_uint_gt(pair_sa(&P, PAIR_B)->children->npols, 0);
	ck_assert_uint_eq(E(PAIR_B)->stats.unique_replaced, 1);
	pair_free(&P);
}
END_TEST

/* replace, the peer back from another address: the policies the new
 * CHILD SA took over point there */
START_TEST(test_unique_replace_moved)
{
	struct kernel_policy pol;
	struct addr pub;
	struct child_sa *c;

	unique_setup("replace");
	nat_on = 1;
	second_sa();
	ck_assert_uint_eq(n_established(PAIR_B), 1);
	c = pair_sa(&P, PAIR_B)->children;
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->npols, 3);
	addr_parse(&pub, "198.51.100.9", 0);
	for (size_t i = 0; i < c->npols; i++) {
		pol = c->pols[i];
		ck_assert(addr_eq_host(pol.dir == KERNEL_DIR_OUT ? &pol.tmpl.dst : &pol.tmpl.src, &pub));
		ck_assert(addr_eq_host(&kernel_mem_find_policy(P.peer[PAIR_B].k, &pol)->tmpl.dst,
				       &pol.tmpl.dst));
	}
	pair_free(&P);
}
END_TEST

START_TEST(test_unique_keep)
{
	uint64_t old_id;

	unique_setup("keep");
	old_id = pair_sa(&P, PAIR_B)->id;
	/* from the same address: a restart (INITIAL_CONTACT) replaces */
	restart_a();
	ck_assert_uint_eq(n_established(PAIR_B), 1);
	ck_assert_ptr_null(ike_sa_by_id(E(PAIR_B), old_id));
	old_id = pair_sa(&P, PAIR_B)->id;
	/* from another address: refused, the first one stays */
	nat_on = 1;
	restart_a();
	ck_assert_uint_eq(n_established(PAIR_A), 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 1);
	ck_assert_ptr_nonnull(ike_sa_by_id(E(PAIR_B), old_id));
	ck_assert_uint_eq(E(PAIR_B)->stats.unique_refused, 1);
	pair_free(&P);
}
END_TEST

/* Two connections for one group identity: INITIAL_CONTACT of the peer
 * on one connection leaves the other connection's IKE SA alone. */
static const char conf_b_group[] =
	"secrets: ( { id = \"a.example\"; psk = \"pair-test-psk-0123456789\"; } );\n"
	"connections: ( {\n"
	"  name = \"ba\";\n"
	"  local_addrs = [\"192.0.2.2\"]; remote_addrs = [\"192.0.2.1\"];\n"
	"  local = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  remote = { id = \"a.example\"; auth = \"psk\"; };\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"];\n"
	"                 remote_ts = [\"10.1.0.0/16\"]; } );\n"
	"}, {\n"
	"  name = \"bc\";\n"
	"  local_addrs = [\"192.0.2.2\"]; remote_addrs = [\"198.51.100.9\"];\n"
	"  local = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  remote = { id = \"a.example\"; auth = \"psk\"; };\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"];\n"
	"                 remote_ts = [\"10.1.0.0/16\"]; } );\n"
	"} );\n";

START_TEST(test_unique_group_identity)
{
	struct ike_sa *sa, *other;
	struct kernel_policy pol;

	pair_setup(&P, NULL, conf_b_group);
	P.filter = nat_a;
	nat_on = 0;
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	ck_assert_str_eq(pair_sa(&P, PAIR_B)->conn->name, "ba");
	nat_on = 1;
	restart_a();			/* INITIAL_CONTACT, connection bc */
	ck_assert_uint_eq(n_established(PAIR_B), 2);
	for (sa = E(PAIR_B)->sas; sa; sa = sa->next)
		if (!strcmp(sa->conn->name, "ba"))
			break;
	ck_assert_ptr_nonnull(sa);
	ck_assert_uint_eq(E(PAIR_B)->stats.unique_replaced, 0);
	/* identical selectors on two connections: both CHILD SAs installed,
	 * one set of policies, which stays while either CHILD SA does */
	for (struct ike_sa *o = E(PAIR_B)->sas; o; o = o->next)
		ck_assert_uint_eq(nchildren(o), 1);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 4);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_B].k), 3);
	other = sa == E(PAIR_B)->sas ? sa->next : E(PAIR_B)->sas;
	pol = other->children->pols[0];
	ck_assert_uint_eq(kernel_mem_find_policy(P.peer[PAIR_B].k, &pol)->tmpl.reqid,
			  other->children->reqid);	/* the newest wrote it */
	ike_sa_destroy(other);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_B].k), 3);
	ck_assert_uint_eq(kernel_mem_find_policy(P.peer[PAIR_B].k, &pol)->tmpl.reqid,
			  sa->children->reqid);
	ike_sa_destroy(sa);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_B].k), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
	pair_free(&P);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("peers");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_childless_force);
	tcase_add_test(tc, test_childless_force_reauth);
	tcase_add_test(tc, test_childless_no_children);
	tcase_add_test(tc, test_childless_ike_only);
	tcase_add_test(tc, test_childless_force_vs_never);
	tcase_add_test(tc, test_childless_refused_never);
	tcase_add_test(tc, test_invalid_spi_peer_restarted);
	tcase_add_test(tc, test_unique_no);
	tcase_add_test(tc, test_unique_never);
	tcase_add_test(tc, test_unique_replace);
	tcase_add_test(tc, test_unique_replace_moved);
	tcase_add_test(tc, test_unique_keep);
	tcase_add_test(tc, test_unique_group_identity);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pair_main(suite());
}
