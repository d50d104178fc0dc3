/*
 * Test PKIs built in memory when the tests run (no private key is kept in
 * the tree): keys of every type, certificates with chosen validity,
 * constraints, key usage, SANs and extensions, and CRLs.
 */
#ifndef IKE_TESTS_PKI_TESTPKI_H
#define IKE_TESTS_PKI_TESTPKI_H

#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/* "rsa1024".."rsa4096", "p256", "p384", "p521", "ed25519", "ed448" */
EVP_PKEY *tp_key(const char *type);

struct tp_opts {
	const char *cn;		/* subject "C=CH, O=Example, CN=<cn>" */
	long serial;
	int ca;			/* basicConstraints CA:TRUE */
	int pathlen;		/* with ca: -1 for none */
	long from, to;		/* validity, seconds relative to tp_now */
	const char *ku;		/* keyUsage value, NULL for none */
	const char *san;	/* subjectAltName value, NULL for none */
	const char *cdp;	/* crlDistributionPoints value */
	int unknown_critical;
};

extern time_t tp_now;

/* ISSUER NULL: self-signed with KEY. */
X509 *tp_cert(const struct tp_opts *o, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key);
X509_CRL *tp_crl(X509 *ca, EVP_PKEY *cakey, long last, long next, const long *revoked, int n);

#endif
