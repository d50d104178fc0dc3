/*
 * EAP-TLS in IKE_AUTH (RFC 7296 2.16, RFC 5216/9190) between two engines
 * (pair.h): A is the client (local auth = eap-tls with its certificate),
 * B the gateway (local auth = pubkey, remote auth = eap-tls).  The test
 * PKI of pkifiles.h is made when the test runs, plus an expired
 * certificate for A's key.  Each row says whether the IKE SA comes up with
 * AUTH from the TLS MSK, or which log line of B names the reason; a failed
 * one leaves nothing on B.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "ike/engine/exchange.h"
#include "lib/kernel_mem.h"
#include "pair.h"
#include "pki/testpki.h"
#include "pkifiles.h"

static struct pair P;
static char logbuf[16384];

static char *conf(int side, const char *key, const char *local, const char *remote)
{
	char *out = NULL, *x;

	ck_assert_int_ge(asprintf(&out,
		"global = { cacerts = [\"@root.pem\"]; crls = [\"@int.crl\"]; };\n"
		"secrets: ( { private_key = \"@%s\"; } );\n"
		"connections: ( {\n"
		"  name = \"%s\";\n"
		"  local_addrs = [\"%s\"]; remote_addrs = [\"%s\"];\n"
		"  local = { %s };\n"
		"  remote = { %s };\n"
		"  children = ( { name = \"net\"; local_ts = [\"%s\"]; remote_ts = [\"%s\"]; } );\n"
		"} );\n",
		key, side ? "ba" : "ab", side ? "192.0.2.2" : "192.0.2.1",
		side ? "%any" : "192.0.2.2", local, remote, side ? "10.2.0.0/16" : "10.1.0.0/16",
		side ? "10.1.0.0/16" : "10.2.0.0/16"), 0);
	x = pkif_expand(out);
	free(out);
	return x;
}

#define A_EC "\"@a-ec.pem\", \"@int.pem\"", "a-ec.key"
#define B_LOCAL "auth = \"pubkey\"; id = \"b.example\"; certs = [\"@b-rsa.pem\", \"@int.pem\"];"

static const struct tls_case {
	const char *name;
	const char *a_certs;		/* A's certificate files */
	const char *a_key;
	const char *a_extra;		/* more of A's local section */
	const char *b_remote;
	const char *why;		/* NULL: comes up */
	const char *eap_id;		/* B's sa->eap_identity when up */
} cases[] = {
	{ "IKE identity is the EAP identity", A_EC, "", "auth = \"eap-tls\";", NULL,
	  "a.example" },
	{ "EAP identity asked (eap_id = %any)", A_EC, "",
	  "auth = \"eap-tls\"; eap_id = \"%any\";", NULL, "a.example" },
	{ "client certificate of a CA nobody trusts", "\"@a-rogue.pem\"", "a-rogue.key", "",
	  "auth = \"eap-tls\";",
	  "EAP authentication of a.example failed: EAP-TLS: TLS handshake failed: client "
	  "certificate C=CH, O=Example, CN=a-rogue", NULL },
	{ "revoked client certificate", "\"@a-revoked.pem\", \"@int.pem\"", "a-revoked.key", "",
	  "auth = \"eap-tls\";",
	  "CN=a-revoked, serial 0x42: revoked", NULL },
	{ "expired client certificate", "\"@a-expired.pem\", \"@int.pem\"", "a-ec.key", "",
	  "auth = \"eap-tls\";",
	  "CN=a-expired, serial 0x43: expired", NULL },
	{ "EAP identity not in the client certificate", A_EC, "eap_id = \"c.example\";",
	  "auth = \"eap-tls\"; eap_id = \"%any\";",
	  "EAP authentication of c.example failed: EAP-TLS: TLS handshake failed: identity "
	  "c.example is not in the client certificate", NULL },
};

START_TEST(eap_tls)
{
	const struct tls_case *c = &cases[_i];
	char *al = NULL, *ca, *cb;

	ck_assert_int_ge(asprintf(&al, "auth = \"eap-tls\"; id = \"a.example\"; certs = [%s]; %s",
				  c->a_certs, c->a_extra), 0);
	ca = conf(0, c->a_key, al, "auth = \"pubkey\"; id = \"b.example\";");
	cb = conf(1, "b-rsa.key", B_LOCAL, c->b_remote);
	pair_log_capture(logbuf, sizeof(logbuf));
	pair_setup(&P, ca, cb);
	pair_initiate(&P);
	pair_pump(&P, 0);
	pair_log_capture(NULL, 0);
	pair_assert_eap(&P, c->name, c->why, c->eap_id, logbuf);
	if (!c->why)	/* both ends say what TLS ran and whom it accepted */
		ck_assert_msg(strstr(logbuf, "EAP-TLS done: TLSv1.3, client certificate \"C=CH, "
				     "O=Example, CN=a-ec\"") &&
			      strstr(logbuf, "EAP-TLS done: TLSv1.3, server certificate \"C=CH, "
				     "O=Example, CN=b-rsa\""), "%s", logbuf);
	pair_free(&P);
	free(al);
	free(ca);
	free(cb);
}
END_TEST

/* An expired certificate for A's key, issued by the intermediate. */
static void make_expired(void)
{
	struct tp_opts e = { .cn = "a-expired", .serial = 67, .from = -7200, .to = -3600,
			     .san = "DNS:a.example", .ku = "critical,digitalSignature" };
	BIO *b = BIO_new_file(pkif_path("a-ec.key"), "rb");
	EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
	X509 *x;

	BIO_free(b);
	if (!k)
		exit(99);
	x = tp_cert(&e, k, pkif_int(), pkif_int_key());
	b = BIO_new_file(pkif_path("a-expired.pem"), "wb");
	if (!x || !b || !PEM_write_bio_X509(b, x))
		exit(99);
	BIO_free(b);
	X509_free(x);
	EVP_PKEY_free(k);
}

int main(void)
{
	Suite *s = suite_create("eap_tls");
	TCase *t = tcase_create("eap_tls");
	int rc;

	pkif_make();
	make_expired();
	tcase_set_timeout(t, 120);
	tcase_add_loop_test(t, eap_tls, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, t);
	rc = pair_main(s);
	pkif_remove();
	return rc;
}
