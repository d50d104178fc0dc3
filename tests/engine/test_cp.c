/*
 * Virtual addresses through the configuration payload (RFC 7296 2.19,
 * 3.15) between two engines (pair.h, virtual time, PSK): ikedaemon client
 * (vips) <-> ikedaemon gateway (pools).  The address, DNS and split-tunnel
 * subnets arrive; the CHILD SA's selectors are the virtual address on both
 * sides; the client's address is added and removed in its kernel; the
 * lease goes offline with the IKE SA, comes back to the same identity,
 * survives an unchanged reload; an exhausted pool answers
 * INTERNAL_ADDRESS_FAILURE and the IKE SA stays without a CHILD SA.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "lib/kernel_mem.h"
#include "pair.h"

static struct pair P;

static struct engine *A(void) { return P.peer[PAIR_A].e; }
static struct engine *B(void) { return P.peer[PAIR_B].e; }

/* A: two identities (connections ab and cb) asking for addresses. */
static const char conf_client[] =
	"secrets: ( { id = \"b.example\"; psk = \"pair-test-psk-0123456789\"; } );\n"
	"connections: ( {\n"
	"  name = \"ab\";\n"
	"  local_addrs = [\"192.0.2.1\"]; remote_addrs = [\"192.0.2.2\"];\n"
	"  local = { id = \"a.example\"; auth = \"psk\"; };\n"
	"  remote = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  vips = [\"0.0.0.0\", \"::\"];\n"
	"  children = ( { name = \"net\"; local_ts = [\"dynamic\"];\n"
	"                 remote_ts = [\"10.0.0.0/8\", \"2001:db8:10::/48\"]; } );\n"
	"}, {\n"
	"  name = \"cb\";\n"
	"  local_addrs = [\"192.0.2.1\"]; remote_addrs = [\"192.0.2.2\"];\n"
	"  local = { id = \"c.example\"; auth = \"psk\"; };\n"
	"  remote = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  vips = [\"0.0.0.0\"];\n"
	"  children = ( { name = \"net\"; remote_ts = [\"10.0.0.0/8\"]; } );\n"
	"} );\n";

#define GW_POOLS \
	"pools: ( { name = \"rw\"; addrs = \"10.3.0.7-10.3.0.7\"; dns = [\"10.3.0.1\"];\n" \
	"           subnets = [\"10.0.0.0/8\"]; },\n" \
	"         { name = \"rw6\"; addrs = \"2001:db8:3::/64\"; dns = [\"2001:db8:3::53\"]; } );\n"
#define GW_CONN \
	"secrets: ( { id = \"b.example\"; psk = \"pair-test-psk-0123456789\"; } );\n" \
	"connections: ( {\n" \
	"  name = \"rw\";\n" \
	"  local_addrs = [\"192.0.2.2\"]; remote_addrs = [\"%any\"];\n" \
	"  local = { id = \"b.example\"; auth = \"psk\"; };\n" \
	"  remote = { auth = \"psk\"; };\n" \
	"  pools = [\"rw\", \"rw6\"];\n" \
	"  children = ( { name = \"net\"; local_ts = [\"10.0.0.0/8\", \"2001:db8:10::/48\"];\n" \
	"                 remote_ts = [\"dynamic\"]; } );\n" \
	"} );\n"

static const char conf_gw[] = GW_POOLS GW_CONN;

static struct addr ip(const char *s)
{
	struct addr a;

	ck_assert_int_eq(addr_parse(&a, s, 0), 0);
	return a;
}

static const char *ts0(const struct ts_set *s, char *buf, size_t size)
{
	return ts_set_str(s, buf, size);
}

static void initiate(const char *conn)
{
	char err[256];

	ck_assert_msg(engine_initiate(A(), conn, NULL, err, sizeof(err)) == 0, "%s", err);
	pair_pump(&P, 0);
}

/* The IKE SA of A for connection conn. */
static struct ike_sa *a_sa(const char *conn)
{
	for (struct ike_sa *sa = A()->sas; sa; sa = sa->next)
		if (sa->conn && strcmp(sa->conn->name, conn) == 0)
			return sa;
	return NULL;
}

struct leases {
	size_t n, online;
	char who[8][64], addr[8][64];
};

static void lease_fn(const struct engine_pool_lease *l, void *arg)
{
	struct leases *x = arg;

	if (x->n < 8) {
		ident_str(&l->id, x->who[x->n], sizeof(x->who[0]));
		addr_host_str(&l->addr, x->addr[x->n], sizeof(x->addr[0]));
	}
	x->n++;
	x->online += l->online ? 1 : 0;
}

static struct leases leases_of_b(void)
{
	struct leases x;

	memset(&x, 0, sizeof(x));
	engine_list_pools(B(), NULL, lease_fn, &x);
	return x;
}

START_TEST(test_assign_and_release)
{
	struct ike_sa *a, *b;
	struct leases l;
	char buf[512];

	pair_setup(&P, conf_client, conf_gw);
	initiate("ab");
	ck_assert(pair_established(&P));
	a = pair_sa(&P, PAIR_A);
	b = pair_sa(&P, PAIR_B);
	/* both families, from the two pools, in the client's order */
	ck_assert_uint_eq(a->nvips, 2);
	ck_assert(addr_eq_host(&a->vips[0].addr, &(struct addr){ ip("10.3.0.7").u }));
	ck_assert(addr_eq_host(&a->vips[1].addr, &(struct addr){ ip("2001:db8:3::1").u }));
	ck_assert_uint_eq(b->nvips, 2);
	ck_assert_str_eq(b->vips[0].pool, "rw");
	ck_assert_str_eq(b->vips[1].pool, "rw6");
	ck_assert_uint_eq(a->nvip_dns, 2);
	ck_assert(addr_eq_host(&a->vip_dns[0], &(struct addr){ ip("10.3.0.1").u }));
	/* added on the client's interface */
	ck_assert(kernel_mem_has_addr(P.peer[PAIR_A].k, &a->vips[0].addr));
	ck_assert(kernel_mem_has_addr(P.peer[PAIR_A].k, &a->vips[1].addr));
	ck_assert_uint_eq(kernel_mem_addr_count(P.peer[PAIR_B].k), 0);
	/* the CHILD SA: TSi narrowed to the virtual addresses on both sides */
	ck_assert_ptr_nonnull(a->children);
	ck_assert_ptr_nonnull(b->children);
	ck_assert_str_eq(ts0(&a->children->local_ts, buf, sizeof(buf)),
			 "10.3.0.7/32 2001:db8:3::1/128");
	ck_assert_str_eq(ts0(&b->children->remote_ts, buf, sizeof(buf)),
			 "10.3.0.7/32 2001:db8:3::1/128");
	l = leases_of_b();
	ck_assert_uint_eq(l.n, 2);
	ck_assert_uint_eq(l.online, 2);
	ck_assert_str_eq(l.who[0], "a.example");
	/* the client goes: its addresses leave its interface, the leases
	 * stay with its identity, offline */
	ck_assert_int_eq(engine_terminate(A(), "ab", 0, buf, sizeof(buf)), 0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	ck_assert_uint_eq(kernel_mem_addr_count(P.peer[PAIR_A].k), 0);
	l = leases_of_b();
	ck_assert_uint_eq(l.n, 2);
	ck_assert_uint_eq(l.online, 0);
	/* it comes back: the same addresses */
	initiate("ab");
	ck_assert(pair_established(&P));
	a = pair_sa(&P, PAIR_A);
	ck_assert(addr_eq_host(&a->vips[0].addr, &(struct addr){ ip("10.3.0.7").u }));
	ck_assert(addr_eq_host(&a->vips[1].addr, &(struct addr){ ip("2001:db8:3::1").u }));
	pair_free(&P);
}
END_TEST

START_TEST(test_exhausted)
{
	struct ike_sa *c;
	struct leases l;

	pair_setup(&P, conf_client, conf_gw);
	initiate("ab");
	ck_assert(pair_established(&P));
	/* c.example wants IPv4 only; the one IPv4 address is a's */
	initiate("cb");
	c = a_sa("cb");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->state, IKE_SA_ESTABLISHED);
	ck_assert_uint_eq(c->nvips, 0);
	ck_assert_ptr_null(c->children);
	ck_assert_uint_eq(c->notify_err, N_INTERNAL_ADDRESS_FAILURE);
	l = leases_of_b();
	ck_assert_uint_eq(l.n, 2);
	/* a's lease is offline now: c takes it (no never-used one is left) */
	ck_assert_int_eq(engine_terminate(A(), NULL, c->id, (char[64]){ 0 }, 64), 0);
	ck_assert_int_eq(engine_terminate(A(), "ab", 0, (char[64]){ 0 }, 64), 0);
	pair_pump(&P, 0);
	initiate("cb");
	c = a_sa("cb");
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->nvips, 1);
	ck_assert(addr_eq_host(&c->vips[0].addr, &(struct addr){ ip("10.3.0.7").u }));
	ck_assert_ptr_nonnull(c->children);
	pair_free(&P);
}
END_TEST

static void reload_b(const char *text)
{
	pair_reload(&P, PAIR_B, text);
}

START_TEST(test_reload_keeps_leases)
{
	static const char changed[] =
		"pools: ( { name = \"rw\"; addrs = \"10.3.0.8-10.3.0.9\"; },\n"
		"         { name = \"rw6\"; addrs = \"2001:db8:3::/64\"; } );\n" GW_CONN;
	struct leases l;
	char *same_dns;

	pair_setup(&P, conf_client, conf_gw);
	initiate("ab");
	ck_assert(pair_established(&P));
	/* unchanged pools (a DNS server more): the online leases stay */
	same_dns = pair_conf_sub(conf_gw, "\"10.3.0.1\"", "\"10.3.0.1\", \"10.3.0.2\"");
	reload_b(same_dns);
	free(same_dns);
	l = leases_of_b();
	ck_assert_uint_eq(l.n, 2);
	ck_assert_uint_eq(l.online, 2);
	ck_assert(pair_established(&P));
	/* rw's addresses change: its leases are forgotten, rw6's stay; the
	 * IKE SA's release into the new rw is refused quietly */
	reload_b(changed);
	l = leases_of_b();
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.addr[0], "2001:db8:3::1");
	ck_assert_int_eq(engine_terminate(A(), "ab", 0, (char[64]){ 0 }, 64), 0);
	pair_pump(&P, 0);
	l = leases_of_b();
	ck_assert_uint_eq(l.n, 1);
	ck_assert_uint_eq(l.online, 0);
	initiate("ab");
	ck_assert(pair_established(&P));
	ck_assert(addr_eq_host(&pair_sa(&P, PAIR_A)->vips[0].addr,
			       &(struct addr){ ip("10.3.0.8").u }));
	pair_free(&P);
}
END_TEST

/* An IKE SA rekey (2.18) hands the addresses and leases over: nothing is
 * released, removed or leased twice. */
START_TEST(test_ike_rekey_keeps_vips)
{
	struct ike_sa *a;
	struct leases l;
	uint64_t old;
	char err[128];

	pair_setup(&P, conf_client, conf_gw);
	initiate("ab");
	ck_assert(pair_established(&P));
	old = pair_sa(&P, PAIR_A)->id;
	ck_assert_int_eq(engine_rekey(A(), "ab", 0, err, sizeof(err)), 0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 1);
	a = pair_sa(&P, PAIR_A);
	ck_assert_uint_ne(a->id, old);
	ck_assert_uint_eq(a->nvips, 2);
	ck_assert_uint_eq(a->nvip_dns, 2);
	ck_assert_uint_eq(pair_sa(&P, PAIR_B)->nvips, 2);
	ck_assert(kernel_mem_has_addr(P.peer[PAIR_A].k, &a->vips[0].addr));
	ck_assert_uint_eq(kernel_mem_addr_count(P.peer[PAIR_A].k), 2);
	l = leases_of_b();
	ck_assert_uint_eq(l.n, 2);
	ck_assert_uint_eq(l.online, 2);
	/* and they go with the new SA */
	ck_assert_int_eq(engine_terminate(A(), "ab", 0, err, sizeof(err)), 0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(kernel_mem_addr_count(P.peer[PAIR_A].k), 0);
	l = leases_of_b();
	ck_assert_uint_eq(l.online, 0);
	pair_free(&P);
}
END_TEST

/* A client asking for a specific address gets it while it is free. */
START_TEST(test_requested_address)
{
	char *client = pair_conf_sub(conf_client, "vips = [\"0.0.0.0\", \"::\"]",
				     "vips = [\"10.9.9.9\", \"2001:db8:3::99\"]");
	struct ike_sa *a;
	char buf[256];

	pair_setup(&P, client, conf_gw);
	free(client);
	initiate("ab");
	ck_assert(pair_established(&P));
	a = pair_sa(&P, PAIR_A);
	ck_assert_uint_eq(a->nvips, 2);
	/* 10.9.9.9 is not in the pool: its one address instead */
	ck_assert(addr_eq_host(&a->vips[0].addr, &(struct addr){ ip("10.3.0.7").u }));
	ck_assert(addr_eq_host(&a->vips[1].addr, &(struct addr){ ip("2001:db8:3::99").u }));
	ck_assert_str_eq(ts0(&a->children->local_ts, buf, sizeof(buf)),
			 "10.3.0.7/32 2001:db8:3::99/128");
	pair_free(&P);
}
END_TEST

/* A gateway without pools ignores the request: no address, and the
 * client's CHILD SA keeps its outer address as "dynamic" never resolved. */
START_TEST(test_no_pools)
{
	char *gw = pair_conf_sub(GW_CONN, "  pools = [\"rw\", \"rw6\"];\n", "");

	pair_setup(&P, conf_client, gw);
	free(gw);
	initiate("ab");
	ck_assert(pair_established(&P));
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->nvips, 0);
	ck_assert_uint_eq(pair_sa(&P, PAIR_B)->nvips, 0);
	ck_assert_uint_eq(kernel_mem_addr_count(P.peer[PAIR_A].k), 0);
	pair_free(&P);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cp");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_assign_and_release);
	tcase_add_test(tc, test_exhausted);
	tcase_add_test(tc, test_reload_keeps_leases);
	tcase_add_test(tc, test_no_pools);
	tcase_add_test(tc, test_ike_rekey_keeps_vips);
	tcase_add_test(tc, test_requested_address);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pair_main(suite());
}
