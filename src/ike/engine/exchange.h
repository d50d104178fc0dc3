/*
 * What the exchange files share: building outgoing messages (msg_out.c),
 * and the handlers msg_in.c dispatches to.  One handler per exchange and
 * role; the initiator's response handler is stored in the IKE SA when its
 * request goes out (ike_sa.on_response), so no handler asks which role it
 * plays.
 */
#ifndef IKE_ENGINE_EXCHANGE_H
#define IKE_ENGINE_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "ike/codec/codec.h"
#include "ike/engine/ike_sa.h"
#include "ike/sa/conf_objects.h"

#define OUT_MAX_PAYLOADS	24

/* An outgoing message: payloads in order; slices point to caller memory
 * that lives until the message is sent. */
struct out_msg {
	uint8_t exchange;
	int response;
	uint32_t msgid;
	size_t n;
	struct ike_payload pl[OUT_MAX_PAYLOADS];
};

void out_init(struct out_msg *m, uint8_t exchange, int response, uint32_t msgid);
/* The next payload slot, zeroed, with its type set (NULL when full: the
 * encoder then fails the message). */
struct ike_payload *out_add(struct out_msg *m, uint8_t type);
void out_notify(struct out_msg *m, uint8_t proto, uint16_t type, const void *data, size_t len);
/* Payload builders: the slices point to the caller's memory. */
void out_sa(struct out_msg *m, const struct ike_proposal *p, size_t n);
void out_ke(struct out_msg *m, uint16_t group, const uint8_t *pub, size_t len);
void out_nonce(struct out_msg *m, const struct secret *n);
void out_ts(struct out_msg *m, uint8_t type, const struct ts_set *s);

/*
 * Encode m for sa (header from the SA's SPIs and role, SK-protected unless
 * IKE_SA_INIT) and send it: a request through the window (retransmitted
 * until answered; on_response gets the answer), a response through the
 * window's cache.  keep, when not NULL, receives a copy of the bytes
 * (RealMessage1 for AUTH).  0 or -1 (logged).
 */
int msg_send_request(struct ike_sa *sa, struct out_msg *m, ike_response_fn on_response,
		     struct secret *keep);
int msg_send_response(struct ike_sa *sa, struct out_msg *m, struct secret *keep);
/* RFC 7383 2.5: 1 if a message of msg_len bytes goes out in SKF
 * fragments (negotiated, protected, bigger than fragment_size with the
 * IP and UDP headers and the non-ESP marker). */
int msg_needs_fragments(const struct ike_sa *sa, uint8_t exchange, size_t msg_len);
/* An unprotected response to an IKE_SA_INIT request that creates no state
 * (COOKIE, INVALID_KE_PAYLOAD, NO_PROPOSAL_CHOSEN): SPIr 0. */
int msg_send_stateless(struct engine *e, const struct ike_hdr *req, const struct addr *local,
		       const struct addr *remote, uint16_t type, const void *data, size_t len);
/* INVALID_IKE_SPI (2.21.4) in answer to a request for an IKE SA we do not
 * hold: unprotected, SPIs, exchange type and message ID copied. */
int msg_send_invalid_spi(struct engine *e, const struct ike_hdr *req, const struct addr *local,
			 const struct addr *remote);

/* ---- ike_init.c ---- */
/* Initiator: send (or resend after COOKIE/INVALID_KE) the IKE_SA_INIT request. */
int init_start(struct ike_sa *sa);
/* Responder: an IKE_SA_INIT request without an SA (pkt: whole datagram). */
void init_rx_request(struct engine *e, const uint8_t *pkt, size_t len, const struct ike_msg *m,
		     const struct addr *local, const struct addr *remote);
/* NAT_DETECTION_*_IP data: SHA-1(SPIi | SPIr | IP | port), 20 bytes. */
int natd_hash(const uint8_t spi_i[8], const uint8_t spi_r[8], const struct addr *a,
	      uint8_t out[20]);

/* ---- ike_auth.c ---- */
int auth_start(struct ike_sa *sa);
void auth_rx_request(struct ike_sa *sa, const struct ike_msg *m);
/* What ike_auth_eap.c shares with ike_auth.c. */
struct auth_value;
struct child_choice;
int auth_ours(struct ike_sa *sa, const struct conf_conn *conn, int initiator,
	      const struct ident *cred_remote, const struct ike_msg *in, struct out_msg *m,
	      struct auth_value *v);
int auth_check(struct ike_sa *sa, const struct conf_conn *conn, int peer_initiator,
	       const struct ident *peer, const struct ident *cred_remote,
	       const struct ike_msg *in, const struct ike_pl_auth *a);
void add_id(struct out_msg *m, uint8_t type, const struct ident *id);
void add_auth(struct out_msg *m, const struct auth_value *v);
struct cp_out;
void add_cp(struct out_msg *m, const struct cp_out *o);
/* Initiator: IDr and AUTH of a response checked (the SA is gone on -1). */
int auth_check_responder(struct ike_sa *sa, const struct ike_msg *m);
void auth_child_result(struct ike_sa *sa, const struct ike_msg *m);
uint16_t auth_child_install(struct ike_sa *sa, struct child_choice *ans);
/* Responder: answers the IKE_AUTH request with err and deletes the SA. */
void auth_fail(struct ike_sa *sa, uint16_t err);

/* ---- ike_auth_eap.c: EAP rounds of IKE_AUTH (RFC 7296 2.16) ---- */
/* 1 if conn's remote side authenticates with EAP (no AUTH in request 1). */
int auth_eap_expected(const struct conf_conn *conn);
/* Responder: request 1 without AUTH; o holds IDr, our CERT/AUTH. */
void auth_eap_begin(struct ike_sa *sa, const struct ike_msg *m, struct out_msg *o,
		    const struct auth_value *ours);
/* Responder: a later IKE_AUTH request (EAP, then the final AUTH). */
void auth_eap_rx_request(struct ike_sa *sa, const struct ike_msg *m);
/* The backend's answer to the EAP message relayed last (eap-radius). */
void auth_eap_resume(struct ike_sa *sa, const struct engine_eap_answer *a);
/* Initiator: the answer to our IKE_AUTH request without AUTH. */
void auth_eap_rx_first(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *pkt,
		       size_t len);

/* ---- informational.c ---- */
void info_rx_request(struct ike_sa *sa, const struct ike_msg *m);
/* Sends a DELETE for the IKE SA (destroyed on the answer or give-up). */
int info_delete_ike(struct ike_sa *sa);
/* The initiator refuses the responder's AUTH: INFORMATIONAL with
 * AUTHENTICATION_FAILED, then the SA goes (2.21.2). */
int info_auth_failed(struct ike_sa *sa);
/* Sends a DELETE for one CHILD SA (removed now, the answer is checked). */
int info_delete_child(struct child_sa *c);
/* Sends the DELETEs queued while a request was outstanding. */
void info_flush(struct ike_sa *sa);
/* An empty INFORMATIONAL request (liveness check, 2.4). */
int info_dpd(struct ike_sa *sa);

/* ---- helpers shared by the exchanges ---- */
/* IKE SPIs: the 8 wire bytes, big-endian. */
uint64_t spi_get(const uint8_t b[8]);
void spi_put(uint8_t out[8], uint64_t spi);
/* The message's TSi/TSr payload selectors, or an empty set. */
void msg_ts(const struct ike_msg *m, uint8_t type, struct ts_set *out);
/* The first payload of this type, or NULL. */
const struct ike_payload *msg_pl(const struct ike_msg *m, uint8_t type);
/* The first error notify type in m, 0 if none. */
uint16_t msg_error(const struct ike_msg *m);


#endif
