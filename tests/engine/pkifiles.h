/*
 * A test PKI written to a temporary directory for engine tests: root
 * (RSA) -> intermediate (P-384) -> end entities of each key type, a root
 * nobody trusts, and int.crl revoking serial 66 (see pkifiles.c).
 */
#ifndef TESTS_ENGINE_PKIFILES_H
#define TESTS_ENGINE_PKIFILES_H

#include <openssl/evp.h>
#include <openssl/x509.h>

/* Makes the directory and files; pkif_path("a-ec.pem") names one. */
void pkif_make(void);
void pkif_remove(void);
const char *pkif_path(const char *name);
/* "@x" in s replaced by pkif_path("x") (up to the next '"'); free() it. */
char *pkif_expand(const char *s);
/* The intermediate and its key, to issue more certificates in a test. */
X509 *pkif_int(void);
EVP_PKEY *pkif_int_key(void);

#endif
