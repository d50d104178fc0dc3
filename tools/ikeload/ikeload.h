/*
 * ikeload: an IKEv2 load generator (RFC 7296 initiator) on the project's
 * codec and crypto.  One struct hs is one handshake in flight, with its own
 * UDP socket bound to its own source address (an AnyIP route of a /12 in
 * the generator's namespace makes every address of it local).
 *
 *   hs_start()       IKE_SA_INIT request (fresh SPIi and Ni, the KE of the
 *                    first group of the proposal, or the one asked for)
 *   hs_input()       a datagram for this handshake: COOKIE and
 *                    INVALID_KE_PAYLOAD restart IKE_SA_INIT (2.6, 1.2);
 *                    the IKE_SA_INIT response -> keys (2.14) -> IKE_AUTH
 *                    request with PSK AUTH (2.15) and one CHILD SA; the
 *                    IKE_AUTH response -> the responder's AUTH verified
 *   hs_timeout()     retransmission of the request, then failure
 *
 * Loop thread only; nothing here is shared with another thread.
 */
#ifndef IKELOAD_H
#define IKELOAD_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "common/secret.h"
#include "ike/crypto/keymat.h"
#include "ike/crypto/sk.h"
#include "ike/ikev2.h"

#define HS_MSG_MAX	4096
#define HS_NONCE_LEN	32
#define HS_COOKIE_MAX	64
#define HS_ID_MAX	128
#define HS_MAX_RESTARTS	3	/* COOKIE / INVALID_KE_PAYLOAD rounds */

struct ke;

/* An initiator key pair shared by the handshakes that use it. */
struct kref {
	struct ke *ke;
	uint16_t group;
	unsigned uses;		/* handshakes started with it */
	unsigned refs;		/* handshakes holding it */
	int retired;		/* no longer handed out; freed at refs 0 */
};

struct load_opts {
	struct sockaddr_in peer;	/* responder, port 500 */
	struct ike_proposal ike[4];
	size_t nike;
	struct ike_proposal esp[1];
	uint16_t first_group;		/* KE sent first (0: the proposal's first) */
	const char *psk;
	size_t psk_len;
	const char *id_fmt;		/* IDi, FQDN; %u = handshake number */
	const char *peer_id;		/* expected IDr, NULL: any */
	int init_only;			/* stop after IKE_SA_INIT */
	int keep;			/* no Delete after IKE_AUTH (hold mode) */
	int childless;			/* IKE_AUTH without SA/TS (RFC 6023) */
	unsigned ke_reuse;		/* handshakes per initiator key pair (2.12) */
	double rto;			/* retransmission timeout, seconds */
	int tries;			/* transmissions per request */
};

enum hs_state { HS_IDLE, HS_INIT, HS_AUTH, HS_DONE, HS_FAILED };

/* Why a handshake ended; counters in the summary. */
enum hs_result {
	HR_OK,			/* AUTH verified (and IKE_SA_INIT-only: keys) */
	HR_TIMEOUT,
	HR_REFUSED,		/* an error notify in a response */
	HR_BAD_AUTH,		/* the responder's AUTH did not verify */
	HR_PROTOCOL,		/* malformed or unexpected response */
	HR_LOCAL,		/* our own failure (socket, crypto) */
	HR_NRESULTS
};

struct hs {
	int fd;
	enum hs_state state;
	enum hs_result result;
	uint16_t err_notify;		/* for HR_REFUSED */
	uint32_t seq;			/* handshake number */
	struct sockaddr_in src;
	uint8_t spi_i[8], spi_r[8];
	uint16_t group;
	struct kref *ke;		/* from the key cache */
	uint8_t ni[HS_NONCE_LEN];
	struct secret nr;
	uint8_t cookie[HS_COOKIE_MAX];
	size_t cookie_len;
	unsigned restarts, cookies, invalid_ke;
	struct secret init_req, init_resp;
	struct ike_algs algs;
	struct ike_keys keys;
	struct sk_ctx sk_out, sk_in;
	uint32_t child_spi;
	int child_ok;			/* the IKE_AUTH response carried SA + TS */
	uint16_t child_err;		/* or this notify */
	uint8_t msg[HS_MSG_MAX];	/* the request in flight */
	size_t msg_len;
	uint32_t msgid;
	double t_start, t_sent;
	int sent;
};

/* Opens the socket on src and sends IKE_SA_INIT; -1 (result set) on failure. */
int hs_start(struct hs *h, const struct load_opts *o, const struct sockaddr_in *src,
	     uint32_t seq, double now);
/* One datagram received on h->fd. */
void hs_input(struct hs *h, const struct load_opts *o, const uint8_t *buf, size_t len,
	      double now);
/* Retransmits, or fails the handshake after o->tries transmissions. */
void hs_timeout(struct hs *h, const struct load_opts *o, double now);
/* After HS_DONE: an INFORMATIONAL Delete of the IKE SA (not awaited). */
void hs_delete(struct hs *h);
/* Closes the socket and frees the keys. */
void hs_release(struct hs *h);

/* Initiator key pairs, reused for ke_reuse handshakes each (RFC 7296 2.12
 * allows reuse; the responder still makes a fresh pair every time). */
struct kref *kecache_get(uint16_t group, unsigned reuse);
void kecache_put(struct kref *k);
void kecache_free(void);

const char *hs_result_name(enum hs_result r);

#endif
