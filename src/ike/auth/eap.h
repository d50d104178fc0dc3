/*
 * EAP (RFC 3748) inside IKE_AUTH (RFC 7296 2.16): the message codec and
 * the two state machines, server (authenticator) and peer, for the
 * methods of eap_methods[] (Identity, MD5-Challenge RFC 3748 5.4,
 * MSCHAPv2 RFC 2759 in draft-kamath-pppext-eap-mschapv2 framing).  No IKE
 * state here: the auth rows (auth_eap.c) feed EAP payloads in and take the
 * next one out, so the machines link into a fuzzer alone.
 *
 * Each call of eap_server_rx()/eap_peer_rx() takes one received EAP
 * message and leaves the one to send in ->out (->out_len 0: nothing).
 * A failure sets ->why (names the identity and the reason, never a
 * password) and is final.
 */
#ifndef IKE_AUTH_EAP_H
#define IKE_AUTH_EAP_H

#include <stddef.h>
#include <stdint.h>

enum eap_code { EAP_REQUEST = 1, EAP_RESPONSE = 2, EAP_SUCCESS = 3, EAP_FAILURE = 4 };
enum eap_type {
	EAP_T_IDENTITY = 1, EAP_T_NOTIFICATION = 2, EAP_T_NAK = 3, EAP_T_MD5 = 4,
	EAP_T_TLS = 13, EAP_T_MSCHAPV2 = 26,
};

#define EAP_ID_MAX	128	/* identities longer than this are refused */
#define EAP_PW_MAX	256
/* our messages: challenges, MSCHAPv2 success, EAP-TLS fragments
 * (EAP_TLS_FRAG + 10 bytes of headers, eap_tls.h) */
#define EAP_OUT_MAX	1032
#define EAP_MSK_MAX	64
/* A peer that needs more requests than this never finishes (BAD-INPUT);
 * a method may set its own bound (EAP-TLS: eap_tls.h). */
#define EAP_MAX_ROUNDS	8

enum eap_status { EAP_FAIL = -1, EAP_MORE = 0, EAP_DONE = 1 };

struct eap_msg {
	uint8_t code, id;
	uint8_t type;			/* Request/Response only */
	const uint8_t *data;		/* type data */
	size_t dlen;
};

/* RFC 3748 4: Code, Identifier, Length (== n), Type for Request/Response;
 * 0, or -1 with why set. */
int eap_decode(const uint8_t *p, size_t n, struct eap_msg *m, char *why, size_t whylen);
/* Name of a method type ("MD5", "MSCHAPv2"; "type N" kept in buf). */
const char *eap_type_name(uint8_t type, char *buf, size_t len);

/* The password of an EAP identity: 0 with *pw set, -1 if none. */
typedef int (*eap_pw_fn)(void *arg, const uint8_t *id, size_t idlen, const uint8_t **pw,
			 size_t *pwlen);

struct eap_tls;
struct eap_tls_cred;

struct eap_server {
	/* EAP-TLS: our certificate and the peer's trust anchors; set by the
	 * caller before eap_server_start() (which keeps it), used at start */
	const struct eap_tls_cred *tls_cred;
	struct eap_tls *tls;		/* EAP-TLS conversation (eap_server_free) */
	uint8_t type;			/* the method we run (EAP_T_MD5, ...) */
	int state;			/* eap.c's SRV_* */
	unsigned rounds;
	uint8_t req_id;			/* Identifier of our outstanding request */
	eap_pw_fn pw;
	void *pw_arg;
	uint8_t want_id[EAP_ID_MAX];	/* the identity required (eap_id), if set */
	size_t want_id_len;
	uint8_t identity[EAP_ID_MAX + 1];	/* the peer's, NUL-terminated */
	size_t id_len;
	uint8_t challenge[16];		/* MD5 / MSCHAPv2 authenticator challenge */
	uint8_t ms_id;			/* MSCHAPv2-ID */
	uint8_t msk[EAP_MSK_MAX];
	size_t msk_len;			/* 0: the method made none (MD5) */
	uint8_t out[EAP_OUT_MAX];
	size_t out_len;
	char why[200];
};

/*
 * type: the method; identity (idlen > 0): already known (the IKE identity,
 * no EAP-Identity round); want (wlen > 0): the identity the peer must
 * give.  Leaves the first request in s->out.  0 or -1.
 */
int eap_server_start(struct eap_server *s, uint8_t type, const uint8_t *identity, size_t idlen,
		     const uint8_t *want, size_t wlen, eap_pw_fn pw, void *pw_arg);
/* One EAP message from the peer: EAP_MORE (s->out: next request),
 * EAP_DONE (s->out: EAP-Success), EAP_FAIL (s->out: EAP-Failure). */
enum eap_status eap_server_rx(struct eap_server *s, const uint8_t *msg, size_t len);
/* Releases what a method hung on s (EAP-TLS) and zeroizes s. */
void eap_server_free(struct eap_server *s);

struct eap_peer {
	const struct eap_tls_cred *tls_cred;	/* as in eap_server, kept by eap_peer_init */
	struct eap_tls *tls;
	uint8_t type;			/* the method we accept */
	int state;			/* eap.c's PEER_* */
	unsigned rounds;
	uint8_t identity[EAP_ID_MAX];
	size_t id_len;
	uint8_t pw[EAP_PW_MAX];
	size_t pw_len;
	uint8_t auth_ch[16], peer_ch[16], nt_resp[24];	/* MSCHAPv2 */
	uint8_t msk[EAP_MSK_MAX];
	size_t msk_len;
	uint8_t out[EAP_OUT_MAX];
	size_t out_len;
	char why[200];
};

int eap_peer_init(struct eap_peer *p, uint8_t type, const uint8_t *identity, size_t idlen,
		  const uint8_t *pw, size_t pwlen);
/* One EAP message from the server: EAP_MORE (p->out: our response),
 * EAP_DONE (EAP-Success after a finished method), EAP_FAIL. */
enum eap_status eap_peer_rx(struct eap_peer *p, const uint8_t *msg, size_t len);
void eap_peer_free(struct eap_peer *p);

#endif
