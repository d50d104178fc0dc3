/* A test PKI in files, generated when the test runs; see pkifiles.h. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "pki/testpki.h"
#include "pkifiles.h"

static char dir[64];
static X509 *inter;
static EVP_PKEY *int_k;

const char *pkif_path(const char *name)
{
	static char p[8][160];
	static int n;

	n = (n + 1) % 8;
	snprintf(p[n], sizeof(p[n]), "%s/%s", dir, name);
	return p[n];
}

static void put_cert(const char *name, X509 *x)
{
	BIO *b = BIO_new_file(pkif_path(name), "wb");

	PEM_write_bio_X509(b, x);
	BIO_free(b);
}

static void put_key(const char *name, EVP_PKEY *k)
{
	BIO *b = BIO_new_file(pkif_path(name), "wb");

	PEM_write_bio_PKCS8PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
	BIO_free(b);
	chmod(pkif_path(name), 0600);
}

void pkif_make(void)
{
	struct tp_opts r = { .cn = "Root CA", .serial = 1, .ca = 1, .pathlen = 1, .from = -86400,
			     .to = 86400 * 365, .ku = "critical,keyCertSign,cRLSign" };
	struct tp_opts i = { .cn = "Intermediate", .serial = 2, .ca = 1, .pathlen = 0,
			     .from = -86400, .to = 86400 * 365, .ku = "critical,keyCertSign,cRLSign" };
	static const struct {
		const char *name, *key, *san;
		long serial;
		int rogue;
	} ees[] = {
		{ "a-ec", "p256", "DNS:a.example", 10, 0 },
		{ "b-rsa", "rsa3072", "DNS:b.example", 11, 0 },
		{ "a-ed", "ed25519", "DNS:a.example", 12, 0 },
		{ "b-ed", "ed25519", "DNS:b.example", 13, 0 },
		{ "a-revoked", "p256", "DNS:a.example", 66, 0 },
		{ "a-rogue", "p256", "DNS:a.example", 14, 1 },
		{ "b-p384", "p384", "DNS:b.example", 15, 0 },
	};
	EVP_PKEY *rk = tp_key("rsa2048"), *ok = tp_key("p256");
	X509 *root, *rogue;
	X509_CRL *crl;
	BIO *b;

	/* called before the suite runs: no ck_assert here */
	snprintf(dir, sizeof(dir), "/tmp/test_pkifiles.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("pkifiles: mkdtemp");
		exit(99);
	}
	tp_now = time(NULL);
	int_k = tp_key("p384");
	root = tp_cert(&r, rk, NULL, NULL);
	inter = tp_cert(&i, int_k, root, rk);
	rogue = tp_cert(&r, ok, NULL, NULL);
	crl = tp_crl(inter, int_k, -60, 3600, (const long[]){ 66 }, 1);
	put_cert("root.pem", root);
	put_cert("int.pem", inter);
	for (size_t n = 0; n < sizeof(ees) / sizeof(ees[0]); n++) {
		char f[64];
		EVP_PKEY *k = tp_key(ees[n].key);
		struct tp_opts e = { .cn = ees[n].name, .serial = ees[n].serial, .from = -60,
				     .to = 86400, .san = ees[n].san, .ku = "critical,digitalSignature" };
		X509 *x = ees[n].rogue ? tp_cert(&e, k, rogue, ok) : tp_cert(&e, k, inter, int_k);

		snprintf(f, sizeof(f), "%s.pem", ees[n].name);
		put_cert(f, x);
		snprintf(f, sizeof(f), "%s.key", ees[n].name);
		put_key(f, k);
		X509_free(x);
		EVP_PKEY_free(k);
	}
	b = BIO_new_file(pkif_path("int.crl"), "wb");
	PEM_write_bio_X509_CRL(b, crl);
	BIO_free(b);
	X509_CRL_free(crl);
	X509_free(root);
	X509_free(rogue);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(ok);
}

void pkif_remove(void)
{
	char cmd[128];

	X509_free(inter);
	EVP_PKEY_free(int_k);
	inter = NULL;
	int_k = NULL;
	if (getenv("KEEP_PKI"))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "pkifiles: cannot remove %s\n", dir);
}

char *pkif_expand(const char *s)
{
	char *out = malloc(8192), *o = out;

	ck_assert_ptr_nonnull(out);
	for (; s && *s; s++) {
		if (*s == '@') {
			size_t n = strcspn(s + 1, "\"");
			char name[64];

			snprintf(name, sizeof(name), "%.*s", (int)n, s + 1);
			o += sprintf(o, "%s", pkif_path(name));
			s += n;
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
	return out;
}

X509 *pkif_int(void)
{
	return inter;
}

EVP_PKEY *pkif_int_key(void)
{
	return int_k;
}
