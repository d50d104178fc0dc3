/*
 * Exchange reliability (RFC 7296 2.1, 2.3): message IDs, retransmission of
 * our requests with exponential back-off, and the responder's cache of its
 * last response.  One struct ike_window per IKE SA, transport-agnostic: it
 * sends through the owner's callback, which knows the current addresses.
 *
 * Window size: we never send SET_WINDOW_SIZE, so the peer may have one
 * request outstanding towards us and we accept exactly the next ID.  We
 * send one request at a time ourselves, which any peer window allows; a
 * peer's SET_WINDOW_SIZE is recorded (peer_window) for later use.
 *
 * Order of calls for a received request:
 *   ike_window_rx_request()  -- cheap, before decryption; a retransmission
 *                               of the last request is answered here
 *   (decrypt, verify, process)
 *   ike_window_begin_request() -- once the request is authentic
 *   ike_window_send_response()
 * and for our requests:
 *   id = ike_window_next_id(); (encode with id) ike_window_send_request();
 *   on a response: ike_window_rx_response(), (verify),
 *   ike_window_response_done().
 */
#ifndef IKE_SA_WINDOW_H
#define IKE_SA_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "common/loop.h"
#include "ike/sa/hidx.h"

struct ike_retx_cfg {
	uint32_t timeout_ms;	/* first wait (4000) */
	double base;		/* each wait is base times the previous (1.8) */
	unsigned tries;		/* retransmissions before giving up (5) */
	uint32_t max_wait_ms;	/* cap on one wait; 0: none */
};

/* One datagram of a message: the whole message, or one SKF fragment. */
struct ike_frag {
	const uint8_t *p;
	size_t len;
};

/* Sends one datagram; 0 or -1.  Failures are not fatal: we retransmit. */
typedef int (*ike_tx_fn)(const uint8_t *pkt, size_t len, void *arg);
/* Our request went unanswered after every retry: delete the IKE SA.  The
 * callback may free the window. */
typedef void (*ike_giveup_fn)(uint32_t msgid, void *arg);

struct ike_msg_copy {
	size_t n;
	uint8_t **p;
	size_t *len;
};

struct ike_window {
	struct loop *loop;
	struct ike_retx_cfg cfg;
	ike_tx_fn tx;
	ike_giveup_fn giveup;
	void *arg;
	struct hkey key;
	/* our requests (64-bit so that 2^32 means "exhausted") */
	uint64_t tx_next;
	uint32_t peer_window;
	int tx_pending;
	unsigned tx_retries;
	struct ike_msg_copy tx_msg;
	struct timer timer;
	/* the peer's requests */
	uint64_t rx_next;
	int rx_busy;
	uint64_t rx_last_hash;	/* of the request the cached response answers */
	struct ike_msg_copy rx_cache;
	/* counters */
	uint64_t retransmits;	/* our requests sent again */
	uint64_t resent;	/* cached responses sent again */
};

enum ike_rx_verdict {
	IKE_RX_NEW,		/* process it */
	IKE_RX_RETRANSMIT,	/* the last request again: response resent */
	IKE_RX_DROP,		/* outside the window, in progress, or unknown */
};

void ike_retx_defaults(struct ike_retx_cfg *cfg);
/* The wait after the n-th transmission (n = 0: the first). */
uint64_t ike_retx_wait_ms(const struct ike_retx_cfg *cfg, unsigned n);

int ike_window_init(struct ike_window *w, struct loop *loop, const struct ike_retx_cfg *cfg,
		    ike_tx_fn tx, ike_giveup_fn giveup, void *arg);
/* Cancels the timer and frees the copies. */
void ike_window_free(struct ike_window *w);
/* Back to message ID 0 both ways, nothing outstanding or cached: the
 * initiator's IKE_SA_INIT restart after a COOKIE or INVALID_KE_PAYLOAD
 * answer reuses ID 0 (2.6, 1.2). */
void ike_window_reset(struct ike_window *w);
void ike_window_set_peer_window(struct ike_window *w, uint32_t size);

/* Initiator side. */
int ike_window_can_send(const struct ike_window *w);
uint32_t ike_window_next_id(const struct ike_window *w);
/* Copy, send and arm the retransmission timer for the message encoded with
 * ike_window_next_id().  -1 if a request is outstanding, IDs are exhausted
 * or memory is short. */
int ike_window_send_request(struct ike_window *w, const struct ike_frag *frags, size_t n);
enum ike_rx_verdict ike_window_rx_response(const struct ike_window *w, uint32_t msgid);
/* The verified response arrived: stop retransmitting, move to the next ID. */
void ike_window_response_done(struct ike_window *w);

/* Responder side.  pkt/len: the received datagram (the first fragment of a
 * fragmented request, RFC 7383 2.6.1). */
enum ike_rx_verdict ike_window_rx_request(struct ike_window *w, uint32_t msgid,
					  const uint8_t *pkt, size_t len);
int ike_window_begin_request(struct ike_window *w, uint32_t msgid,
			     const uint8_t *pkt, size_t len);
/* Send every datagram of the response, cache them, expect the next ID. */
int ike_window_send_response(struct ike_window *w, const struct ike_frag *frags, size_t n);

#endif
