/*
 * IKE_AUTH authentication methods as table rows (RFC 7296 2.15): each row
 * builds our AUTH (and the CERT payloads that go with it) and verifies the
 * peer's.  local.auth and remote.auth pick rows independently, so one side
 * may use a PSK and the other a certificate.  ike_auth.c knows no method.
 */
#ifndef IKE_ENGINE_AUTH_H
#define IKE_ENGINE_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "ike/engine/exchange.h"
#include "ike/pki/pki.h"

#define AUTH_CERTREQ_MAX	(16 * PKI_CERTREQ_HASH_LEN)

/* Our side of IKE_AUTH, kept until the message is sent. */
struct auth_out {
	uint8_t method;
	uint8_t data[PKI_AUTH_MAX];
	size_t len;
	uint8_t *cert[PKI_CHAIN_MAX];	/* DER, malloc'd */
	size_t cert_len[PKI_CHAIN_MAX];
	size_t ncerts;
	uint8_t certreq[AUTH_CERTREQ_MAX];
	size_t certreq_len;		/* 0: no CERTREQ */
};

struct auth_row {
	const char *name;
	/* our AUTH for sa->local_id (we_init: we are the initiator) */
	int (*build)(struct ike_sa *sa, const struct conf_conn *conn, int we_init,
		     struct auth_out *out);
	/* the peer's AUTH (and CERTs) in m for identity peer; WHY says why not */
	int (*verify)(struct ike_sa *sa, const struct conf_conn *conn, int peer_init,
		      const struct ident *peer, const struct ike_msg *m, char *why, size_t wlen);
};

const struct auth_row *auth_row(unsigned conf_auth);

/* CERTREQ for conn's trust anchors when its remote side uses certificates
 * and send_certreq is on (RFC 7296 3.7). */
void auth_certreq(const struct conf_conn *conn, struct auth_out *out);
/* CERT payloads, then CERTREQ, in m (before IDr/AUTH as 3.x orders them). */
void auth_add_certs(struct out_msg *m, const struct auth_out *o);
void auth_add_auth(struct out_msg *m, const struct auth_out *o);
void auth_out_free(struct auth_out *o);
/* SIGNATURE_HASH_ALGORITHMS and CERTREQ of a peer's message into sa. */
void auth_note_peer(struct ike_sa *sa, const struct ike_msg *m);
/* Our SIGNATURE_HASH_ALGORITHMS notify (RFC 7427 4). */
void auth_add_sha_notify(struct out_msg *m, uint8_t *buf, size_t cap);

/* the rows (auth_psk.c, auth_pubkey.c) */
extern const struct auth_row auth_row_psk, auth_row_pubkey;

/* 2.15 octets for the AUTH of one side: RealMessage | Nonce | MACedID. */
int auth_signed_octets(const struct ike_sa *sa, int of_init, const struct ident *id,
		       struct wr *w);

#endif
