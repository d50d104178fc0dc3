/*
 * Public-key credentials for IKE_AUTH (RFC 7296 2.15, 3.6, 3.7; RFC 7427):
 * loading certificates and private keys, signing and verifying AUTH data,
 * validating a peer's chain against trust anchors and CRLs, matching
 * identities to certificates, and CERTREQ hashes.  Depends only on
 * libikecommon and OpenSSL; knows nothing of IKE SAs or the config file,
 * so that it links into a fuzzer alone.
 */
#ifndef IKE_PKI_PKI_H
#define IKE_PKI_PKI_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ike/core/ident.h"

/* Bounds on what a peer (or a file) may hand us (BAD-INPUT 28). */
#define PKI_CERT_MAX		16384	/* bytes of one DER certificate */
#define PKI_CHAIN_MAX		8	/* certificates from the peer, and path depth */
#define PKI_RSA_BITS_MIN	1024
#define PKI_RSA_BITS_MAX	8192
#define PKI_FILE_MAX		(1024 * 1024)	/* a PEM bundle or CRL file */
#define PKI_SIG_MAX		1024	/* raw signature: RSA-8192 is 1024 bytes */
#define PKI_AUTH_MAX		(1 + 255 + PKI_SIG_MAX)	/* RFC 7427 AUTH data */
#define PKI_CERTREQ_HASH_LEN	20	/* SHA-1 of SubjectPublicKeyInfo (3.7) */
#define PKI_ERR_LEN		256

/* RFC 7427 4 / IANA "IKEv2 Hash Algorithms" */
enum pki_hash {
	PKI_HASH_SHA1 = 1,
	PKI_HASH_SHA256 = 2,
	PKI_HASH_SHA384 = 3,
	PKI_HASH_SHA512 = 4,
	PKI_HASH_IDENTITY = 5,
};
#define PKI_HASH_BIT(h)	(1u << (h))

enum pki_keytype {
	PKI_KEY_NONE = 0,
	PKI_KEY_RSA,
	PKI_KEY_ECDSA,
	PKI_KEY_ED25519,
	PKI_KEY_ED448,
};

/* ---- credentials (cred.c) ---- */

/* One DER certificate from the wire or a file; NULL with ERR on failure. */
X509 *pki_cert_from_der(const uint8_t *der, size_t len, char *err, size_t errlen);
/* Every certificate of a PEM bundle or one DER certificate. Returns the
 * number loaded (>= 1) or -1. */
int pki_load_certs(const char *path, STACK_OF(X509) *out, char *err, size_t errlen);
/* A private key, PEM or DER, PKCS#8 or traditional (RSA, EC). */
EVP_PKEY *pki_load_key(const char *path, char *err, size_t errlen);
/* CRLs of a PEM bundle or one DER CRL. Returns the number loaded or -1. */
int pki_load_crls(const char *path, STACK_OF(X509_CRL) *out, char *err, size_t errlen);
/* 1 if KEY is the private half of CERT's public key. */
int pki_key_matches_cert(EVP_PKEY *key, X509 *cert);
/* Refuses keys we will not use or verify with: RSA outside
 * [PKI_RSA_BITS_MIN, PKI_RSA_BITS_MAX] or with an even or tiny exponent,
 * EC curves other than P-256/384/521, DSA and the rest. */
int pki_key_check(EVP_PKEY *pk, char *err, size_t errlen);
enum pki_keytype pki_key_type(EVP_PKEY *pk);
/* "RSA-3072", "ECDSA-P256", "Ed25519", ... */
const char *pki_key_desc(EVP_PKEY *pk, char *buf, size_t size);
/* "certificate CN=gw2, serial 0x1f" for log lines. */
const char *pki_cert_desc(X509 *x, char *buf, size_t size);
/* Subject or issuer in strongSwan's "C=CH, O=Example, CN=gw" form. */
const char *pki_name_str(const X509_NAME *n, char *buf, size_t size);

/* ---- AUTH signatures (sig.c, sigalg.c) ---- */

struct pki_sigalg {
	const char *name;		/* "rsa-pss-sha256" */
	enum pki_keytype key;
	uint8_t hash;			/* enum pki_hash */
	int pss;
	const uint8_t *algid;		/* RFC 7427 Appendix A encoding */
	uint8_t algid_len;
};

/* The RFC 7427 rows, in our order of preference within a key type. */
extern const struct pki_sigalg pki_sigalgs[];
extern const size_t pki_nsigalgs;
const struct pki_sigalg *pki_sigalg_by_name(const char *name);

/* The hashes we announce in SIGNATURE_HASH_ALGORITHMS (RFC 7427 4). */
size_t pki_sha_announce(uint8_t *out, size_t cap);
/* The same as a PKI_HASH_BIT mask (what a peer's RFC 7427 AUTH may use). */
uint32_t pki_sha_announced_mask(void);
/* Parses a received SIGNATURE_HASH_ALGORITHMS body into a PKI_HASH_BIT mask
 * (unknown values ignored; odd length -> -1). */
int pki_sha_parse(const uint8_t *p, size_t len, uint32_t *mask);

/* Which AUTH method and, for 14, which algorithm we sign with: RFC 7427
 * when the peer announced hashes (PEER_HASHES != 0) and one fits the key,
 * PSS for RSA when PREFER_PSS; otherwise the key's classic method (1, 9,
 * 10, 11), or 0 when there is none (EdDSA without RFC 7427). */
uint8_t pki_choose_method(EVP_PKEY *key, uint32_t peer_hashes, int prefer_pss,
			  const struct pki_sigalg **alg);

/* Signs the octets of RFC 7296 2.15 (DATA) and writes the AUTH payload's
 * data: the bare signature for methods 1, 9, 10, 11, or length, AlgorithmIdentifier
 * and signature for 14. *OUTLEN is the capacity in, the length out. */
int pki_auth_sign(EVP_PKEY *key, uint8_t method, const struct pki_sigalg *alg,
		  const uint8_t *data, size_t len, uint8_t *out, size_t *outlen,
		  char *err, size_t errlen);
/* Verifies a peer's AUTH data with PUB. OUR_HASHES is the mask we
 * announced: a method-14 signature with another hash is refused. */
int pki_auth_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *auth, size_t alen,
		    const uint8_t *data, size_t len, uint32_t our_hashes,
		    char *err, size_t errlen);

/* ---- chain validation (chain.c) ---- */

enum pki_revocation {
	PKI_REV_RELAXED = 0,	/* fail only on a certificate listed as revoked */
	PKI_REV_IFURI,		/* also fail without a current CRL when the
				   certificate names a CRL distribution point */
	PKI_REV_STRICT,		/* also fail without a current CRL */
};

struct pki_trust {
	STACK_OF(X509) *anchors;	/* connection and global, not owned */
	STACK_OF(X509_CRL) *crls;	/* not owned; may be NULL */
	enum pki_revocation revocation;
	time_t now;			/* 0: the wall clock */
};

/* Validates EE with the peer's INTERMEDIATES (may be NULL) up to one of
 * the anchors: validity, basicConstraints, pathlen, key usage, unknown
 * critical extensions, CRLs, key sizes of every certificate, and
 * digitalSignature when EE has keyUsage.  0 or -1 with ERR naming the
 * certificate and the check. */
int pki_chain_verify(const struct pki_trust *t, X509 *ee, STACK_OF(X509) *intermediates,
		     char *err, size_t errlen);

/* ---- identities (idmatch.c) ---- */

/* 1 if ID is among CERT's identities: FQDN/RFC822/IP in subjectAltName,
 * DN equal to the subject (canonical: case and spacing ignored). */
int pki_cert_has_id(X509 *cert, const struct ident *id);
/* 1 if the peer's ID matches the configured PATTERN: %any matches all, DN
 * patterns may have "*" RDN values (strongSwan's wildcards), others equal. */
int pki_id_matches(const struct ident *pattern, const struct ident *id);
/* CERT's subject as an ID_DER_ASN1_DN identity (the default local ID). */
int pki_cert_subject_id(X509 *cert, struct ident *id);

/* ---- CERTREQ (certreq.c) ---- */

/* SHA-1 of X's SubjectPublicKeyInfo (RFC 7296 3.7). */
int pki_spki_hash(X509 *x, uint8_t out[PKI_CERTREQ_HASH_LEN]);
/* The CERTREQ body for ANCHORS: their hashes, concatenated. */
size_t pki_certreq_build(STACK_OF(X509) *anchors, uint8_t *out, size_t cap);
/* 1 if the certificate authority hash list (a received CERTREQ body) names
 * the key of a certificate in CHAIN other than the first, or of an anchor
 * in ISSUERS (may be NULL) that issued the last one of CHAIN. -1 if the
 * body is not a whole number of hashes. */
int pki_certreq_matches(const uint8_t *body, size_t len, STACK_OF(X509) *chain,
			STACK_OF(X509) *issuers);

#endif
