/*
 * Authentication methods of IKE_AUTH (RFC 7296 2.15, 2.16; RFC 7427): one
 * row per method, so ike_auth.c never asks which method it runs.
 *
 * A connection names a method for each side (conf_side.auth: "psk", later
 * "pubkey", "eap-..."): the local side's row computes our AUTH payload,
 * the remote side's row checks the peer's.  ike_auth.c drives the
 * exchange and calls, in order:
 *
 *   initiator, first request:  local->add_payloads, local->ours
 *                              (AUTH_MORE from ours: no AUTH payload in
 *                              this request; EAP client)
 *   responder, on the request: remote->accepts(AUTH method), remote->verify,
 *                              local->add_payloads, local->ours
 *   initiator, on the answer:  remote->accepts, remote->verify
 *   later rounds (EAP):        ->round(io) with the received message in
 *                              io->in and the next message in io->out,
 *                              until it returns AUTH_OK or AUTH_FAILED
 *
 * What a method sees (struct auth_io): the IKE SA (negotiated PRF, SK_pi /
 * SK_pr, the nonces, RealMessage1/2 kept from IKE_SA_INIT), the identities,
 * the configuration (credentials), the message received (the peer's CERT,
 * CERTREQ, EAP payloads) and the message being built (to add CERT,
 * CERTREQ, EAP).  auth_signed_octets() gives the octets a signature covers
 * (2.15 InitiatorSignedOctets / ResponderSignedOctets), so a public-key row
 * (RFC 7427 Digital Signature, method 14) needs no help from ike_auth.c.
 *
 * Per-SA state: a row with state_size > 0 gets that many zeroed bytes in
 * io->state the first time it is called for an IKE SA; state_free (when
 * set) releases what the row hung there, before the memory is zeroized and
 * freed with the IKE SA (auth_state_free).  Key material in the state
 * (an EAP MSK) belongs to the row: zeroize it in state_free.
 *
 * Refusals: a method says why in io->why (logged by the caller with the IKE
 * SA and connection), and never logs key material.
 */
#ifndef IKE_AUTH_AUTH_H
#define IKE_AUTH_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "ike/codec/codec.h"
#include "ike/core/conf.h"

struct ike_sa;
struct out_msg;

/* RSA-8192 signature plus the RFC 7427 AlgorithmIdentifier prefix. */
#define AUTH_VALUE_MAX	1200

enum auth_result {
	AUTH_FAILED = -1,
	AUTH_OK = 0,
	AUTH_MORE = 1,		/* another IKE_AUTH round follows (EAP) */
	AUTH_PENDING = 2,	/* round: the answer comes later, through resume */
};

struct engine_eap_answer;

/* One AUTH payload's content (ours, before encoding). */
struct auth_value {
	uint8_t method;		/* AUTH_METHOD_* */
	size_t len;
	uint8_t data[AUTH_VALUE_MAX];
};

struct auth_io {
	struct ike_sa *sa;
	const struct config *cfg;
	const struct conf_conn *conn;
	/*
	 * Whose AUTH this call is about: 1 the initiator's (RealMessage1,
	 * Nr, SK_pi), 0 the responder's (RealMessage2, Ni, SK_pr).
	 */
	int of_initiator;
	const struct ident *id;		/* the ID payload of that side */
	/* The identities credentials are looked up under (secrets, certs). */
	const struct ident *cred_local, *cred_remote;
	const struct ike_msg *in;	/* received message; NULL for the first request */
	struct out_msg *out;		/* message being built; NULL when verifying */
	void *state;			/* the row's per-SA state (state_size bytes) */
	/* EAP rows: the EAP payload received (NULL: none) and the one to
	 * send, set by the row (the exchange adds the payload) */
	const uint8_t *eap_in, *eap_out;
	size_t eap_in_len, eap_out_len;
	char why[384];			/* reason of AUTH_FAILED (a certificate check names the certificate) */
};

struct auth_method {
	unsigned conf;			/* enum conf_auth */
	const char *name;		/* as in ike.conf: "psk" */
	size_t state_size;
	void (*state_free)(void *state);
	/* 1 if an AUTH payload of this method (RFC 7296 3.8) is this row's. */
	int (*accepts)(uint8_t auth_method);
	/* Payloads this side adds before AUTH (CERT, CERTREQ); NULL: none. */
	int (*add_payloads)(struct auth_io *io);
	/* Our AUTH into out: AUTH_OK, AUTH_MORE (no AUTH payload yet: EAP
	 * client), AUTH_FAILED (io->why). */
	enum auth_result (*ours)(struct auth_io *io, struct auth_value *out);
	/* The peer's AUTH payload a (accepts(a->method) held). */
	enum auth_result (*verify)(struct auth_io *io, const struct ike_pl_auth *a);
	/* A further IKE_AUTH round (multi-round methods); NULL: single round. */
	enum auth_result (*round)(struct auth_io *io);
	/* The answer to a round that said AUTH_PENDING (eap-radius): as
	 * round, with the message to send in io->eap_out. */
	enum auth_result (*resume)(struct auth_io *io, const struct engine_eap_answer *a);
};

/* The row for an enum conf_auth value; NULL if none. */
const struct auth_method *auth_method_of(unsigned conf_auth);
/* The row's state for io->sa (allocated zeroed on first use); -1 on
 * allocation failure.  Sets io->state. */
int auth_state_attach(const struct auth_method *m, struct auth_io *io);
/* Frees every row's state of an IKE SA (called when it is destroyed). */
void auth_state_free(struct ike_sa *sa);

/* 2.15: MACedIDFor<side> = prf(SK_p<side>, RestOfIDPayload) for io's side;
 * out holds the PRF's output length.  0 or -1. */
int auth_maced_id_of(const struct auth_io *io, uint8_t *out);
/* 2.15: the octets io's side signs: RealMessage | Nonce | MACedID. */
int auth_signed_octets(const struct auth_io *io, struct wr *w);
/* 2.15's shared-key AUTH for io's side with key as the secret (a PSK; an
 * EAP MSK or SK_pi/SK_pr in 2.16) into out (prf->out_len bytes).  0/-1. */
int auth_psk_with_key(struct auth_io *io, const uint8_t *key, size_t keylen, uint8_t *out);
/* io prepared for one side of sa's IKE_AUTH (the fields above). */
void auth_io_init(struct auth_io *io, struct ike_sa *sa, const struct conf_conn *conn,
		  int of_initiator, const struct ident *id, const struct ident *cred_local,
		  const struct ident *cred_remote);

#endif
