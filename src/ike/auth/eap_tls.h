/*
 * EAP-TLS (RFC 5216; TLS 1.3 per RFC 9190) for eap.c's machines: what the
 * caller hands the method (struct eap_tls_cred, set in eap_server /
 * eap_peer ->tls_cred before the conversation starts) and the method's
 * bounds.  The TLS runs in OpenSSL over memory BIOs; the peer's
 * certificate is checked with the project's chain validation
 * (pki_chain_verify) and must carry the identity given here.
 */
#ifndef IKE_AUTH_EAP_TLS_H
#define IKE_AUTH_EAP_TLS_H

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "ike/core/ident.h"

/* TLS data in one of our EAP-TLS messages: with the EAP header (4), Type,
 * Flags and TLS Message Length the EAP message is at most 1024 bytes,
 * strongSwan's fragment_size. */
#define EAP_TLS_FRAG		1014
/* A reassembled TLS message from the peer (its TLS Message Length). */
#define EAP_TLS_MSG_MAX		(64 * 1024)
/* Requests of one conversation: a handshake with certificate chains of a
 * few KiB needs about 10; 64 KiB in fragments about 65. */
#define EAP_TLS_MAX_ROUNDS	80

/* RFC 5216 3.1 Flags */
enum { EAP_TLS_L = 0x80, EAP_TLS_M = 0x40, EAP_TLS_S = 0x20 };

struct eap_tls_cred {
	STACK_OF(X509) *chain;		/* our certificate, then intermediates */
	EVP_PKEY *key;			/* the private key of chain[0] */
	STACK_OF(X509) *anchors;	/* the peer's chain must end at one of these */
	STACK_OF(X509_CRL) *crls;	/* may be NULL */
	int revocation;			/* enum pki_revocation */
	/* The identity the peer's certificate must carry: the client gives
	 * the server's IKE identity; the server gives the client's IKE
	 * identity, or type 0 to take the EAP identity the client sent. */
	struct ident peer_id;
	int max_version;		/* TLS1_2_VERSION, TLS1_3_VERSION; 0: 1.3 */
};

struct eap_tls;
/* "TLSv1.3, client certificate \"C=CH, O=Example, CN=alice\"": the
 * version and the other side's certificate, for log lines. */
const char *eap_tls_desc(const struct eap_tls *t, char *buf, size_t len);

#endif
