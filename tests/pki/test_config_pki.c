/*
 * ike.conf with certificates: a test PKI is written to a temporary
 * directory with a configuration next to it (relative paths), and every
 * error names the file:line of the entry and the certificate.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "ike/core/conf.h"
#include "ike/ikev2.h"
#include "ike/pki/pki.h"
#include "pki/testpki.h"
#include "unit/unit.h"

static char dir[64];
static EVP_PKEY *root_k, *int_k, *ee_k, *rsa_k;

static const char *at(const char *name)
{
	static char p[4][160];
	static int n;

	n = (n + 1) % 4;
	snprintf(p[n], sizeof(p[n]), "%s/%s", dir, name);
	return p[n];
}

static void put_cert(const char *name, X509 *x)
{
	BIO *b = BIO_new_file(at(name), "wb");

	PEM_write_bio_X509(b, x);
	BIO_free(b);
}

static void put_key(const char *name, EVP_PKEY *k, int der)
{
	BIO *b = BIO_new_file(at(name), "wb");

	if (der)
		i2d_PrivateKey_bio(b, k);	/* traditional DER */
	else
		PEM_write_bio_PKCS8PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
	BIO_free(b);
	chmod(at(name), 0600);
}

static void put_text(const char *name, const char *fmt, ...)
{
	FILE *f = fopen(at(name), "w");
	va_list ap;

	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

static void setup(void)
{
	struct tp_opts r = { .cn = "Root CA", .serial = 1, .ca = 1, .pathlen = 1, .from = -86400,
			     .to = 86400 * 365, .ku = "critical,keyCertSign,cRLSign" };
	struct tp_opts i = { .cn = "Intermediate", .serial = 2, .ca = 1, .pathlen = 0,
			     .from = -86400, .to = 86400 * 365, .ku = "critical,keyCertSign,cRLSign" };
	struct tp_opts e = { .cn = "gw.example.com", .serial = 0x1f, .from = -60, .to = 86400,
			     .san = "DNS:gw.example.com", .ku = "digitalSignature" };
	X509 *root, *inter, *ee, *rsa_ee;
	X509_CRL *crl;

	snprintf(dir, sizeof(dir), "/tmp/test_config_pki.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	tp_now = time(NULL);
	root_k = tp_key("p384");
	int_k = tp_key("p256");
	ee_k = tp_key("p256");
	rsa_k = tp_key("rsa2048");
	root = tp_cert(&r, root_k, NULL, NULL);
	inter = tp_cert(&i, int_k, root, root_k);
	ee = tp_cert(&e, ee_k, inter, int_k);
	e.cn = "rsa.example.com";
	e.san = NULL;
	rsa_ee = tp_cert(&e, rsa_k, inter, int_k);
	put_cert("root.pem", root);
	put_cert("int.pem", inter);
	put_cert("gw.pem", ee);
	put_cert("rsa.pem", rsa_ee);
	put_key("gw.key", ee_k, 0);
	put_key("rsa.der", rsa_k, 1);
	put_key("other.key", int_k, 0);
	crl = tp_crl(inter, int_k, -60, 3600, NULL, 0);
	BIO *b = BIO_new_file(at("int.crl"), "wb");
	PEM_write_bio_X509_CRL(b, crl);
	BIO_free(b);
	put_text("junk.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
	X509_CRL_free(crl);
	X509_free(root);
	X509_free(inter);
	X509_free(ee);
	X509_free(rsa_ee);
}

static void teardown(void)
{
	static const char *files[] = { "root.pem", "int.pem", "gw.pem", "rsa.pem", "gw.key",
				       "rsa.der", "other.key", "int.crl", "junk.pem", "t.conf" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(at(files[i]));
	rmdir(dir);
	EVP_PKEY_free(root_k);
	EVP_PKEY_free(int_k);
	EVP_PKEY_free(ee_k);
	EVP_PKEY_free(rsa_k);
}

/* A connection whose local and remote groups are LOCAL and REMOTE; the
 * secrets list is SECRETS.  Line 1 global, line 2 secrets, line 5 the
 * connection name, line 6 local, line 7 remote. */
static struct config *load(struct conf_diag *d, const char *secrets, const char *local,
			   const char *remote)
{
	put_text("t.conf",
		 "global = { cacerts = [\"root.pem\"]; crls = [\"int.crl\"]; };\n"
		 "secrets = ( %s );\n"
		 "connections = (\n"
		 "  {\n"
		 "    name = \"gw\";\n"
		 "    local = { %s };\n"
		 "    remote = { %s };\n"
		 "    send_cert = \"always\"; send_certreq = false;\n"
		 "  }\n"
		 ");\n",
		 secrets, local, remote);
	return config_load(at("t.conf"), d);
}

static void dump(const struct conf_diag *d)
{
	for (size_t i = 0; i < d->nerrors; i++)
		fprintf(stderr, "  error: %s\n", d->errors[i]);
	for (size_t i = 0; i < d->nwarnings; i++)
		fprintf(stderr, "  warning: %s\n", d->warnings[i]);
}

START_TEST(good)
{
	struct conf_diag d;
	struct config *cfg = load(&d, "{ private_key = \"gw.key\"; }",
				  "auth = \"pubkey\"; certs = [\"gw.pem\", \"int.pem\"];",
				  "auth = \"ecdsa\"; id = \"C=CH, O=Example, CN=*\"; revocation = \"strict\";");
	const struct conf_conn *c;
	char buf[IDENT_STRLEN];

	if (!cfg)
		dump(&d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(d.nwarnings, 0);
	c = &cfg->conns[0];
	ck_assert_int_eq(sk_X509_num(c->local.chain), 2);
	ck_assert(c->local.key);
	ck_assert(pki_key_matches_cert(c->local.key, sk_X509_value(c->local.chain, 0)));
	/* default local ID: the certificate subject */
	ck_assert(c->local.id_from_cert);
	ck_assert_int_eq(c->local.id.type, ID_DER_ASN1_DN);
	ck_assert_str_eq(ident_str(&c->local.id, buf, sizeof(buf)), "C=CH, O=Example, CN=gw.example.com");
	/* remote anchors: the global root */
	ck_assert_int_eq(sk_X509_num(c->remote.anchors), 1);
	ck_assert_uint_eq(c->remote.revocation, CONF_REV_STRICT);
	ck_assert_uint_eq(c->send_cert, CONF_SEND_CERT_ALWAYS);
	ck_assert_int_eq(c->send_certreq, 0);
	ck_assert_int_eq(sk_X509_CRL_num(cfg->crls), 1);
	/* the loaded chain verifies against the loaded anchors and CRL */
	struct pki_trust t = { c->remote.anchors, cfg->crls, PKI_REV_IFURI, 0 };
	STACK_OF(X509) *im = sk_X509_new_null();
	char err[PKI_ERR_LEN];
	sk_X509_push(im, sk_X509_value(c->local.chain, 1));
	ck_assert_msg(pki_chain_verify(&t, sk_X509_value(c->local.chain, 0), im, err,
				       sizeof(err)) == 0, "%s", err);
	/* strict: the intermediate has no CRL from the root */
	t.revocation = PKI_REV_STRICT;
	ck_assert_int_eq(pki_chain_verify(&t, sk_X509_value(c->local.chain, 0), im, err,
					  sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "CN=Intermediate, serial 0x02: no CRL of its CA"));
	sk_X509_free(im);
	config_free(cfg);
	conf_diag_free(&d);
}
END_TEST

/* PSK one way, a certificate the other; an RSA key in traditional DER;
 * an explicit local ID from the subjectAltName. */
START_TEST(mixed)
{
	struct conf_diag d;
	struct config *cfg = load(&d, "{ private_key = \"rsa.der\"; }, { id = \"peer.example\"; psk = \"secret-secret\"; }",
				  "auth = \"rsa\"; certs = \"rsa.pem\";",
				  "auth = \"psk\"; id = \"peer.example\";");

	if (!cfg)
		dump(&d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->conns[0].local.auth, CONF_AUTH_RSA);
	ck_assert_uint_eq(cfg->conns[0].remote.auth, CONF_AUTH_PSK);
	config_free(cfg);
	conf_diag_free(&d);
	cfg = load(&d, "{ private_key = \"gw.key\"; }",
		   "auth = \"pubkey\"; id = \"gw.example.com\"; certs = [\"gw.pem\"];",
		   "auth = \"pubkey\"; cacerts = [\"int.pem\"];");
	if (!cfg)
		dump(&d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(cfg->conns[0].local.id.type, ID_FQDN);
	/* connection anchors first, then the global ones */
	ck_assert_int_eq(sk_X509_num(cfg->conns[0].remote.anchors), 2);
	config_free(cfg);
	conf_diag_free(&d);
}
END_TEST

static const struct {
	const char *secrets, *local, *remote;
	const char *err;	/* after "<dir>/t.conf:" */
} bad[] = {
	{ "{ private_key = \"other.key\"; }", "auth = \"pubkey\"; certs = [\"gw.pem\"];",
	  "auth = \"pubkey\";",
	  "5: connection 'gw': no private_key in secrets matches certificate C=CH, O=Example, "
	  "CN=gw.example.com, serial 0x1f" },
	{ "{ private_key = \"gw.key\"; }", "auth = \"pubkey\"; certs = [\"junk.pem\"];",
	  "auth = \"pubkey\";", "6: 'certs': " },
	{ "{ private_key = \"gw.key\"; }", "auth = \"pubkey\"; certs = [\"missing.pem\"];",
	  "auth = \"pubkey\";", "6: 'certs': " },
	{ "{ private_key = \"gw.key\"; }", "auth = \"pubkey\"; certs = [\"gw.pem\", \"root.pem\"];",
	  "auth = \"pubkey\";", "5: connection 'gw': local certs entry 2 did not issue entry 1" },
	{ "{ private_key = \"gw.key\"; }",
	  "auth = \"pubkey\"; id = \"other.example.com\"; certs = [\"gw.pem\"];", "auth = \"pubkey\";",
	  "5: connection 'gw': local id \"other.example.com\" is neither the subject nor a "
	  "subjectAltName of certificate" },
	{ "{ private_key = \"gw.key\"; }", "auth = \"ed25519\"; certs = [\"gw.pem\"];",
	  "auth = \"pubkey\";", "5: connection 'gw': local auth = ed25519 but certificate" },
	{ "{ private_key = \"junk.pem\"; }", "auth = \"pubkey\"; certs = [\"gw.pem\"];",
	  "auth = \"pubkey\";", "2: 'private_key': " },
	{ "{ private_key = \"gw.key\"; id = \"x\"; }", "auth = \"pubkey\"; certs = [\"gw.pem\"];",
	  "auth = \"pubkey\";", "2: a private_key secret has no other keys" },
	{ "{ private_key = \"gw.key\"; }", "auth = \"pubkey\"; certs = [\"gw.pem\"];",
	  "auth = \"pubkey\"; revocation = \"sometimes\";", "7: " },
	{ "{ private_key = \"gw.key\"; }", "auth = \"dsa\";", "auth = \"pubkey\";",
	  "6: 'auth' = \"dsa\" is not one of: psk, pubkey, rsa, ecdsa, ed25519, ed448" },
	{ "{ id = \"peer.example\"; psk = \"secret-secret\"; }", "auth = \"psk\"; id = \"a.example\"; certs = [\"gw.pem\"];",
	  "auth = \"psk\";", "5: connection 'gw': local 'certs' given but auth = psk" },
};

START_TEST(errors)
{
	struct conf_diag d;
	struct config *cfg = load(&d, bad[_i].secrets, bad[_i].local, bad[_i].remote);
	char want[512];

	snprintf(want, sizeof(want), "%s:%s", at("t.conf"), bad[_i].err);
	if (!d.nerrors || strncmp(d.errors[0], want, strlen(want)))
		dump(&d);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_ge(d.nerrors, 1);
	ck_assert_msg(!strncmp(d.errors[0], want, strlen(want)), "row %d: %s", _i, d.errors[0]);
	conf_diag_free(&d);
}
END_TEST

START_TEST(no_anchors_and_key_mode)
{
	struct conf_diag d;
	struct config *cfg;

	put_text("t2.conf",
		 "secrets = ( { private_key = \"gw.key\"; } );\n"
		 "connections = ( { name = \"gw\";\n"
		 "  local = { auth = \"pubkey\"; certs = \"gw.pem\"; };\n"
		 "  remote = { auth = \"pubkey\"; }; } );\n");
	cfg = config_load(at("t2.conf"), &d);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(d.nerrors, 1);
	ck_assert_ptr_nonnull(strstr(d.errors[0], "t2.conf:2: connection 'gw': remote auth = pubkey "
						  "needs trust anchors: remote 'cacerts' or global 'cacerts'"));
	conf_diag_free(&d);
	/* a private key others can read: warned about like a PSK file */
	chmod(at("gw.key"), 0644);
	cfg = load(&d, "{ private_key = \"gw.key\"; }", "auth = \"pubkey\"; certs = \"gw.pem\";",
		   "auth = \"pubkey\";");
	chmod(at("gw.key"), 0600);
	ck_assert_ptr_nonnull(cfg);
	if (d.nwarnings != 1 || !strstr(d.warnings[0], "t.conf:2: warning: private key"))
		dump(&d);
	ck_assert_uint_eq(d.nwarnings, 1);
	ck_assert_ptr_nonnull(strstr(d.warnings[0], "t.conf:2: warning: private key"));
	ck_assert_ptr_nonnull(strstr(d.warnings[0], "mode 0644"));
	config_free(cfg);
	conf_diag_free(&d);
	unlink(at("t2.conf"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config_pki");
	TCase *t = tcase_create("load");

	tcase_set_timeout(t, 60);
	tcase_add_unchecked_fixture(t, setup, teardown);
	tcase_add_test(t, good);
	tcase_add_test(t, mixed);
	tcase_add_loop_test(t, errors, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(t, no_anchors_and_key_mode);
	suite_add_tcase(s, t);
	return unit_run(s);
}
