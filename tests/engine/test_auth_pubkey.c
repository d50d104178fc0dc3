/*
 * IKE_AUTH with certificates between two engines (pair.h): each row of a
 * table sets both sides' credentials (a test PKI generated at start-up into
 * a temporary directory) and says whether the IKE SA comes up, with which
 * AUTH methods, or which log line says why not.  Covers RFC 7427 with ECDSA,
 * RSA and Ed25519, PSK one way and a certificate the other, DN wildcards,
 * CERTREQ-driven send_cert, revocation and unknown CAs.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "common/log.h"
#include "ike/engine/exchange.h"
#include "lib/kernel_mem.h"
#include "pair.h"
#include "pkifiles.h"

static struct pair P;
static char logbuf[8192];

/* One side's configuration: its credentials (LOCAL/REMOTE groups, extra
 * secrets, connection keys) around the pair's addresses and children. */
static char *conf(int side, const char *secrets, const char *local, const char *remote,
		  const char *extra)
{
	char *out = NULL;

	ck_assert_int_ge(asprintf(&out,
		"global = { cacerts = [\"%s\"]; crls = [\"%s\"]; };\n"
		"secrets: ( %s );\n"
		"connections: ( {\n"
		"  name = \"%s\";\n"
		"  local_addrs = [\"%s\"]; remote_addrs = [\"%s\"];\n"
		"  local = { %s };\n"
		"  remote = { %s };\n"
		"  %s\n"
		"  children = ( { name = \"net\"; local_ts = [\"%s\"]; remote_ts = [\"%s\"]; } );\n"
		"} );\n",
		pkif_path("root.pem"), pkif_path("int.crl"), secrets, side ? "ba" : "ab",
		side ? "192.0.2.2" : "192.0.2.1", side ? "%any" : "192.0.2.2", local, remote,
		extra ? extra : "", side ? "10.2.0.0/16" : "10.1.0.0/16",
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

#define KEYF(n) "{ private_key = \"" n "\"; }"

static const struct pk_case {
	const char *name;
	const char *a_secrets, *a_local, *a_remote, *a_extra;
	const char *b_secrets, *b_local, *b_remote, *b_extra;
	uint8_t a_method, b_method;	/* AUTH methods sent by A and B; 0: fails */
	const char *why;		/* in the log when it fails */
} cases[] = {
	{ "ECDSA P-256 and RSA-3072, RFC 7427, intermediate sent",
	  "@a-ec.key", "auth = \"pubkey\"; id = \"a.example\"; certs = [\"@a-ec.pem\", \"@int.pem\"];",
	  "auth = \"pubkey\"; id = \"b.example\";", "send_cert = \"always\";",
	  "@b-rsa.key", "auth = \"pubkey\"; id = \"b.example\"; certs = [\"@b-rsa.pem\", \"@int.pem\"];",
	  "auth = \"ecdsa\"; id = \"a.example\";", NULL, AUTH_METHOD_DIGITAL_SIG,
	  AUTH_METHOD_DIGITAL_SIG, NULL },
	{ "Ed25519 both ways, default IDs = subject DN, DN wildcard",
	  "@a-ed.key", "auth = \"ed25519\"; certs = [\"@a-ed.pem\", \"@int.pem\"];",
	  "auth = \"pubkey\"; id = \"C=CH, O=Example, CN=*\";", NULL,
	  "@b-ed.key", "auth = \"pubkey\"; certs = [\"@b-ed.pem\", \"@int.pem\"];",
	  "auth = \"ed25519\"; id = \"C=CH, O=Example, CN=*\";", NULL, AUTH_METHOD_DIGITAL_SIG,
	  AUTH_METHOD_DIGITAL_SIG, NULL },
	{ "PSK from A, certificate from B",
	  NULL, "auth = \"psk\"; id = \"a.example\";", "auth = \"pubkey\"; id = \"b.example\";", NULL,
	  "@b-p384.key", "auth = \"pubkey\"; id = \"b.example\"; certs = [\"@b-p384.pem\", \"@int.pem\"];",
	  "auth = \"psk\"; id = \"a.example\";", NULL, AUTH_METHOD_PSK, AUTH_METHOD_DIGITAL_SIG,
	  NULL },
	{ "certificate from A, PSK from B",
	  "@a-ec.key", "auth = \"pubkey\"; id = \"a.example\"; certs = [\"@a-ec.pem\", \"@int.pem\"];",
	  "auth = \"psk\"; id = \"b.example\";", NULL,
	  NULL, "auth = \"psk\"; id = \"b.example\";", "auth = \"pubkey\"; id = \"a.example\";", NULL,
	  AUTH_METHOD_DIGITAL_SIG, AUTH_METHOD_PSK, NULL },
	{ "send_cert = ifasked, B sends CERTREQ in IKE_SA_INIT",
	  "@a-ec.key", "auth = \"pubkey\"; id = \"a.example\"; certs = [\"@a-ec.pem\", \"@int.pem\"];",
	  "auth = \"pubkey\"; id = \"b.example\";", "send_cert = \"ifasked\";",
	  "@b-rsa.key", "auth = \"pubkey\"; id = \"b.example\"; certs = [\"@b-rsa.pem\", \"@int.pem\"];",
	  "auth = \"pubkey\"; id = \"a.example\";", NULL, AUTH_METHOD_DIGITAL_SIG,
	  AUTH_METHOD_DIGITAL_SIG, NULL },
	{ "send_cert = ifasked, B sends no CERTREQ: A sends no certificate",
	  "@a-ec.key", "auth = \"pubkey\"; id = \"a.example\"; certs = [\"@a-ec.pem\", \"@int.pem\"];",
	  "auth = \"pubkey\"; id = \"b.example\";", "send_cert = \"ifasked\";",
	  "@b-rsa.key", "auth = \"pubkey\"; id = \"b.example\"; certs = [\"@b-rsa.pem\", \"@int.pem\"];",
	  "auth = \"pubkey\"; id = \"a.example\";", "send_certreq = false;", 0, 0,
	  "no CERT payload" },
	/* RFC 7296 3.6; a Libreswan initiator without rightca sends no CERTREQ */
	{ "send_cert default (always), B sends no CERTREQ: A's certificate sent anyway",
	  "@a-ec.key", "auth = \"pubkey\"; id = \"a.example\"; certs = [\"@a-ec.pem\", \"@int.pem\"];",
	  "auth = \"pubkey\"; id = \"b.example\";", NULL,
	  "@b-rsa.key", "auth = \"pubkey\"; id = \"b.example\"; certs = [\"@b-rsa.pem\", \"@int.pem\"];",
	  "auth = \"pubkey\"; id = \"a.example\";", "send_certreq = false;", AUTH_METHOD_DIGITAL_SIG,
	  AUTH_METHOD_DIGITAL_SIG, NULL },
	{ "revoked peer refused",
	  "@a-revoked.key", "auth = \"pubkey\"; id = \"a.example\"; certs = [\"@a-revoked.pem\", \"@int.pem\"];",
	  "auth = \"pubkey\"; id = \"b.example\";", NULL,
	  "@b-rsa.key", "auth = \"pubkey\"; id = \"b.example\"; certs = [\"@b-rsa.pem\", \"@int.pem\"];",
	  "auth = \"pubkey\"; id = \"a.example\";", NULL, 0, 0,
	  "certificate C=CH, O=Example, CN=a-revoked, serial 0x42: revoked" },
	{ "unknown CA refused",
	  "@a-rogue.key", "auth = \"pubkey\"; id = \"a.example\"; certs = [\"@a-rogue.pem\"];",
	  "auth = \"pubkey\"; id = \"b.example\";", NULL,
	  "@b-rsa.key", "auth = \"pubkey\"; id = \"b.example\"; certs = [\"@b-rsa.pem\", \"@int.pem\"];",
	  "auth = \"pubkey\"; id = \"a.example\";", NULL, 0, 0,
	  "is neither a trusted CA nor sent by the peer" },
	{ "responder's ID is not the one configured (A refuses after B is up)",
	  "@a-ec.key", "auth = \"pubkey\"; id = \"a.example\"; certs = [\"@a-ec.pem\", \"@int.pem\"];",
	  "auth = \"pubkey\"; id = \"b.example\";", NULL,
	  "@b-ed.key", "auth = \"pubkey\"; id = \"C=CH, O=Example, CN=b-ed\"; certs = [\"@b-ed.pem\", \"@int.pem\"];",
	  "auth = \"pubkey\"; id = \"a.example\";", NULL, 0, 0,
	  "responder identifies as C=CH, O=Example, CN=b-ed, expected b.example" },
	{ "remote auth = rsa, peer has ECDSA",
	  "@a-ec.key", "auth = \"pubkey\"; id = \"a.example\"; certs = [\"@a-ec.pem\", \"@int.pem\"];",
	  "auth = \"pubkey\"; id = \"b.example\";", NULL,
	  "@b-rsa.key", "auth = \"pubkey\"; id = \"b.example\"; certs = [\"@b-rsa.pem\", \"@int.pem\"];",
	  "auth = \"rsa\"; id = \"a.example\";", NULL, 0, 0,
	  "has a ECDSA-P256 key, remote auth = rsa" },
};

static char *secrets_of(const char *keyfile, const char *psk_id)
{
	char *out = NULL;

	ck_assert_int_ge(asprintf(&out, "%s%s%s%s%s", keyfile ? "{ private_key = \"" : "",
				  keyfile ? keyfile : "", keyfile ? "\"; }" : "",
				  keyfile ? ", " : "",
				  psk_id), 0);
	return out;
}

START_TEST(pubkey)
{
	const struct pk_case *c = &cases[_i];
	const char *psk = "{ id = \"a.example\"; psk = \"pair-test-psk-0123456789\"; }, "
			  "{ id = \"b.example\"; psk = \"pair-test-psk-0123456789\"; }";
	char *as = secrets_of(c->a_secrets, psk), *bs = secrets_of(c->b_secrets, psk);
	char *a_sec = pkif_expand(as), *b_sec = pkif_expand(bs);
	char *al = pkif_expand(c->a_local), *bl = pkif_expand(c->b_local);
	char *ca = conf(0, a_sec, al, c->a_remote, c->a_extra);
	char *cb = conf(1, b_sec, bl, c->b_remote, c->b_extra);

	logbuf[0] = 0;
	log_set_sink(sink, NULL);
	pair_setup(&P, ca, cb);
	pair_initiate(&P);
	pair_pump(&P, 0);
	log_set_sink(NULL, NULL);
	if (c->a_method) {
		ck_assert_msg(pair_established(&P), "%s: not established:\n%s", c->name, logbuf);
		ck_assert_uint_eq(pair_sa(&P, PAIR_A)->auth_local_method, c->a_method);
		ck_assert_uint_eq(pair_sa(&P, PAIR_B)->auth_remote_method, c->a_method);
		ck_assert_uint_eq(pair_sa(&P, PAIR_B)->auth_local_method, c->b_method);
		ck_assert_uint_eq(pair_sa(&P, PAIR_A)->auth_remote_method, c->b_method);
		ck_assert_ptr_nonnull(pair_sa(&P, PAIR_A)->children);
		ck_assert_int_eq(pair_sa(&P, PAIR_A)->children->state, CHILD_SA_INSTALLED);
		ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 2);
		if (c->b_method != AUTH_METHOD_PSK)
			ck_assert_msg(strncmp(pair_sa(&P, PAIR_A)->peer_cert, "C=CH, O=Example, CN=b", 21) == 0,
				      "%s", pair_sa(&P, PAIR_A)->peer_cert);
	} else {
		ck_assert_msg(!pair_established(&P), "%s: established", c->name);
		ck_assert_uint_eq(P.peer[PAIR_A].e->stats.ike_sas_established_total, 0);
		ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 0);
		if (!strstr(c->why, "responder")) {
			/* B refused: nothing left there */
			ck_assert_uint_eq(P.peer[PAIR_B].e->stats.ike_sas_established_total, 0);
			ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
			ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
		}
		ck_assert_msg(strstr(logbuf, c->why), "%s: \"%s\" not logged:\n%s", c->name, c->why,
			      logbuf);
	}
	pair_free(&P);
	free(as);
	free(bs);
	free(a_sec);
	free(b_sec);
	free(al);
	free(bl);
	free(ca);
	free(cb);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("auth_pubkey");
	TCase *t = tcase_create("pubkey");
	int rc;

	pkif_make();
	tcase_set_timeout(t, 120);
	tcase_add_loop_test(t, pubkey, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, t);
	rc = pair_main(s);
	pkif_remove();
	return rc;
}
