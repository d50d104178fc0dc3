/*
 * EAP in IKE_AUTH (RFC 7296 2.16) between two engines (pair.h): A is the
 * EAP client (local auth = eap-*), B the gateway authenticating itself
 * with a PSK and its peers with EAP.  Each row says whether the IKE SA
 * comes up or which log line says why not; a failed one leaves nothing on
 * B and its log names the identity, never the password.  Also: a client
 * that stops answering is gone with the half-open timeout.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine/exchange.h"
#include "lib/kernel_mem.h"
#include "pair.h"

static struct pair P;
static char logbuf[16384];

#define PSK "{ id = \"b.example\"; psk = \"pair-test-psk-0123456789\"; }"

static char *conf(int side, const char *secrets, const char *local, const char *remote)
{
	char *out = NULL;

	ck_assert_int_ge(asprintf(&out,
		"secrets: ( " PSK "%s );\n"
		"connections: ( {\n"
		"  name = \"%s\";\n"
		"  local_addrs = [\"%s\"]; remote_addrs = [\"%s\"];\n"
		"  local = { %s };\n"
		"  remote = { %s };\n"
		"  children = ( { name = \"net\"; local_ts = [\"%s\"]; remote_ts = [\"%s\"]; } );\n"
		"} );\n",
		secrets, side ? "ba" : "ab", side ? "192.0.2.2" : "192.0.2.1",
		side ? "%any" : "192.0.2.2", local, remote, side ? "10.2.0.0/16" : "10.1.0.0/16",
		side ? "10.1.0.0/16" : "10.2.0.0/16"), 0);
	return out;
}

static void sink(enum log_subsys sub, enum log_level lvl, const char *line, void *arg)
{
	(void)sub;
	(void)lvl;
	(void)arg;
	if (strlen(logbuf) + strlen(line) + 2 < sizeof(logbuf)) {
		strcat(logbuf, line);
		strcat(logbuf, "\n");
	}
}

/* A's initiation with B answering, B's log lines in logbuf. */
static void handshake(const char *ca, const char *cb)
{
	logbuf[0] = 0;
	log_set_sink(sink, NULL);
	pair_setup(&P, ca, cb);
	pair_initiate(&P);
	pair_pump(&P, 0);
	log_set_sink(NULL, NULL);
}

static const struct eap_case {
	const char *name;
	const char *a_secrets, *a_local;
	const char *b_secrets, *b_remote;
	const char *why;		/* NULL: comes up */
	const char *eap_id;		/* B's sa->eap_identity when up */
} cases[] = {
	{ "EAP-MD5, identity asked (eap_id = %any)",
	  ", { id = \"alice\"; eap = \"md5-secret\"; }", "id = \"alice\"; auth = \"eap-md5\";",
	  ", { id = \"alice\"; eap = \"md5-secret\"; }", "auth = \"eap-md5\"; eap_id = \"%any\";",
	  NULL, "alice" },
	{ "EAP-MSCHAPv2, IKE identity is the EAP identity",
	  ", { id = \"alice\"; eap = \"pässwörd\"; }", "id = \"alice\"; auth = \"eap-mschapv2\";",
	  ", { id = \"alice\"; eap = \"pässwörd\"; }", "auth = \"eap-mschapv2\";", NULL, "alice" },
	{ "EAP-MSCHAPv2 with an eap_id other than the IKE identity",
	  ", { id = \"carol\"; eap = \"c-secret\"; }",
	  "id = \"laptop.example\"; auth = \"eap-mschapv2\"; eap_id = \"carol\";",
	  ", { id = \"carol\"; eap = \"c-secret\"; }", "auth = \"eap-mschapv2\"; eap_id = \"carol\";",
	  NULL, "carol" },
	{ "EAP-MD5, wrong password",
	  ", { id = \"alice\"; eap = \"guess-1\"; }", "id = \"alice\"; auth = \"eap-md5\";",
	  ", { id = \"alice\"; eap = \"md5-secret\"; }", "auth = \"eap-md5\"; eap_id = \"%any\";",
	  "EAP authentication of alice failed: EAP-MD5 response does not match", NULL },
	{ "EAP-MSCHAPv2, wrong password",
	  ", { id = \"alice\"; eap = \"guess-1\"; }", "id = \"alice\"; auth = \"eap-mschapv2\";",
	  ", { id = \"alice\"; eap = \"md5-secret\"; }", "auth = \"eap-mschapv2\";",
	  "EAP authentication of alice failed: EAP-MSCHAPv2 NT-Response does not match", NULL },
	{ "client runs MD5, gateway offers MSCHAPv2: Nak",
	  ", { id = \"alice\"; eap = \"md5-secret\"; }", "id = \"alice\"; auth = \"eap-md5\";",
	  ", { id = \"alice\"; eap = \"md5-secret\"; }", "auth = \"eap-mschapv2\";",
	  "peer refused EAP-MSCHAPv2 (Nak), wants MD5", NULL },
	{ "unknown EAP identity",
	  ", { id = \"mallory\"; eap = \"x\"; }", "id = \"mallory\"; auth = \"eap-md5\";",
	  ", { id = \"alice\"; eap = \"md5-secret\"; }", "auth = \"eap-md5\";",
	  "no EAP secret for 'mallory'", NULL },
	{ "eap_id required, another given",
	  ", { id = \"alice\"; eap = \"md5-secret\"; }", "id = \"alice\"; auth = \"eap-md5\";",
	  ", { id = \"alice\"; eap = \"md5-secret\"; }", "auth = \"eap-md5\"; eap_id = \"bob\";",
	  "EAP identity 'alice' is not the one configured", NULL },
	{ "gateway without EAP, client sends no AUTH",
	  ", { id = \"alice\"; eap = \"md5-secret\"; }", "id = \"alice\"; auth = \"eap-md5\";",
	  ", { id = \"alice\"; psk = \"pair-test-psk-0123456789\"; }", "auth = \"psk\";",
	  "without AUTH (EAP) from alice, the connection accepts psk only", NULL },
};

START_TEST(eap)
{
	const struct eap_case *c = &cases[_i];
	char *ca = conf(0, c->a_secrets, c->a_local, "id = \"b.example\"; auth = \"psk\";");
	char *cb = conf(1, c->b_secrets, "id = \"b.example\"; auth = \"psk\";", c->b_remote);

	handshake(ca, cb);
	pair_assert_eap(&P, c->name, c->why, c->eap_id, logbuf);
	/* passwords are never logged */
	ck_assert_ptr_null(strstr(logbuf, "md5-secret"));
	ck_assert_ptr_null(strstr(logbuf, "guess-1"));
	ck_assert_ptr_null(strstr(logbuf, "pässwörd"));
	pair_free(&P);
	free(ca);
	free(cb);
}
END_TEST

/* A's packets after the first EAP round are lost: B forgets the SA. */
static int drop_late(struct pair *p, struct pair_pkt *pkt, void *arg)
{
	(void)p;
	(void)arg;
	return pkt->from == PAIR_A && ++*(int *)arg > 2;
}

START_TEST(client_never_finishes)
{
	char *ca = conf(0, ", { id = \"alice\"; eap = \"md5-secret\"; }",
			"id = \"alice\"; auth = \"eap-md5\";", "id = \"b.example\"; auth = \"psk\";");
	char *cb = conf(1, ", { id = \"alice\"; eap = \"md5-secret\"; }",
			"id = \"b.example\"; auth = \"psk\";", "auth = \"eap-md5\"; eap_id = \"%any\";");
	int n = 0;

	pair_setup(&P, ca, cb);
	P.filter = drop_late;
	P.filter_arg = &n;
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 1);
	ck_assert_ptr_nonnull(pair_sa(&P, PAIR_B)->eap);
	pair_run(&P, ENGINE_HALF_OPEN_MS + 1000, NULL);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
	pair_free(&P);
	free(ca);
	free(cb);
}
END_TEST

/*
 * A client that asks for a virtual address and authenticates with EAP
 * (2.19 with 2.16): the CFG_REQUEST rides in the first IKE_AUTH request,
 * the CFG_REPLY in the last response; the CHILD SA's TS is the address.
 * With a wrong password nothing is leased afterwards.
 */
static char *vip_conf(int side, const char *pw)
{
	char *out = NULL;

	ck_assert_int_ge(asprintf(&out,
		"%s"
		"secrets: ( " PSK ", { id = \"alice\"; eap = \"%s\"; } );\n"
		"connections: ( {\n"
		"  name = \"%s\";\n"
		"  local_addrs = [\"%s\"]; remote_addrs = [\"%s\"];\n"
		"  local = { %s };\n"
		"  remote = { %s };\n"
		"  %s\n"
		"  children = ( { name = \"net\"; local_ts = [\"%s\"]; remote_ts = [\"%s\"]; } );\n"
		"} );\n",
		side ? "pools: ( { name = \"rw\"; addrs = \"10.3.0.0/24\"; dns = [\"10.3.0.53\"]; } );\n" : "",
		pw, side ? "ba" : "ab", side ? "192.0.2.2" : "192.0.2.1", side ? "%any" : "192.0.2.2",
		side ? "id = \"b.example\"; auth = \"psk\";" : "id = \"alice\"; auth = \"eap-mschapv2\";",
		side ? "auth = \"eap-mschapv2\";" : "id = \"b.example\"; auth = \"psk\";",
		side ? "pools = [\"rw\"];" : "vips = [\"0.0.0.0\"];",
		side ? "10.2.0.0/16" : "dynamic", side ? "dynamic" : "10.2.0.0/16"), 0);
	return out;
}

static void count_online(const struct engine_pool_lease *l, void *arg)
{
	*(unsigned *)arg += l->online ? 1 : 0;
}

START_TEST(eap_virtual_address)
{
	char *ca = vip_conf(0, "alice-pw-1"), *cb = vip_conf(1, "alice-pw-1");
	struct ike_sa *a, *b;
	unsigned online = 0;
	char buf[64];

	handshake(ca, cb);
	ck_assert_msg(pair_established(&P), "not established:\n%s", logbuf);
	a = pair_sa(&P, PAIR_A);
	b = pair_sa(&P, PAIR_B);
	ck_assert_str_eq(b->eap_identity, "alice");
	ck_assert_uint_eq(a->nvips, 1);
	ck_assert_str_eq(addr_host_str(&a->vips[0].addr, buf, sizeof(buf)), "10.3.0.1");
	ck_assert_uint_eq(b->nvips, 1);
	ck_assert(kernel_mem_has_addr(P.peer[PAIR_A].k, &a->vips[0].addr));
	/* the CHILD SA is up for the virtual address, on both sides */
	ck_assert_ptr_nonnull(a->children);
	ck_assert_int_eq(a->children->state, CHILD_SA_INSTALLED);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 2);
	ck_assert_msg(strstr(logbuf, "virtual address 10.3.0.1 from pool rw"), "%s", logbuf);
	engine_list_pools(P.peer[PAIR_B].e, NULL, count_online, &online);
	ck_assert_uint_eq(online, 1);
	pair_free(&P);
	free(ca);
	free(cb);

	/* a wrong password: no IKE SA, no lease kept online */
	ca = vip_conf(0, "guess-1");
	cb = vip_conf(1, "alice-pw-1");
	pair_setup(&P, ca, cb);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(!pair_established(&P));
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	online = 0;
	engine_list_pools(P.peer[PAIR_B].e, NULL, count_online, &online);
	ck_assert_uint_eq(online, 0);
	pair_free(&P);
	free(ca);
	free(cb);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("eap");
	TCase *tc = tcase_create("eap");

	tcase_add_loop_test(tc, eap, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, client_never_finishes);
	tcase_add_test(tc, eap_virtual_address);
	suite_add_tcase(s, tc);
	return pair_main(s);
}
