/*
 * RADIUS codec for EAP relaying (eap-radius): RFC 2865 packets, RFC 3579
 * EAP-Message and Message-Authenticator, RFC 2548 MS-MPPE keys.  No
 * sockets and no IKE state: the client (src/ike/core/radius_client.c)
 * builds requests and checks answers with these, and the unit tests and
 * the fuzzer link them alone.
 *
 * Every received byte goes through the bounds-checked reader; a response
 * that fails a check comes back as -1 with why naming the reason (never a
 * secret or a key).
 */
#ifndef IKE_AUTH_RADIUS_H
#define IKE_AUTH_RADIUS_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define RADIUS_HDR_LEN		20
#define RADIUS_MAX_LEN		4096	/* RFC 2865 3 */
#define RADIUS_AUTH_LEN		16
#define RADIUS_ATTR_MAX		253	/* value bytes of one attribute */
#define RADIUS_ATTRS_MAX	128	/* attributes of one packet we look at */
#define RADIUS_EAP_MAX		(RADIUS_MAX_LEN - RADIUS_HDR_LEN)
#define RADIUS_SECRET_MAX	128

enum radius_code {
	RADIUS_ACCESS_REQUEST = 1, RADIUS_ACCESS_ACCEPT = 2, RADIUS_ACCESS_REJECT = 3,
	RADIUS_ACCESS_CHALLENGE = 11,
};

enum radius_attr_type {
	RA_USER_NAME = 1, RA_NAS_IP_ADDRESS = 4, RA_SERVICE_TYPE = 6, RA_FRAMED_IP_ADDRESS = 8,
	RA_REPLY_MESSAGE = 18, RA_STATE = 24, RA_CLASS = 25, RA_VENDOR_SPECIFIC = 26,
	RA_SESSION_TIMEOUT = 27, RA_CALLED_STATION_ID = 30, RA_CALLING_STATION_ID = 31,
	RA_NAS_IDENTIFIER = 32, RA_NAS_PORT_TYPE = 61, RA_EAP_MESSAGE = 79,
	RA_MESSAGE_AUTHENTICATOR = 80, RA_NAS_IPV6_ADDRESS = 95,
};

/* RFC 2548: Microsoft's vendor id and the key attributes (2.4.2, 2.4.3). */
#define RADIUS_VENDOR_MICROSOFT	311
enum { MS_MPPE_SEND_KEY = 16, MS_MPPE_RECV_KEY = 17 };

struct radius_attr {
	uint8_t type;
	uint8_t len;			/* value bytes */
	const uint8_t *v;
};

/* A checked packet; the attributes point into the datagram. */
struct radius_pkt {
	uint8_t code, id;
	uint16_t len;
	const uint8_t *authenticator;
	struct radius_attr attrs[RADIUS_ATTRS_MAX];
	size_t nattrs;
};

/* "Access-Accept", ... ("code N" kept in buf). */
const char *radius_code_name(uint8_t code, char *buf, size_t len);

/* ---- requests ---- */

struct radius_req {
	struct wr w;
	size_t ma_off;			/* Message-Authenticator value, 0: none */
};

/* Header with Request Authenticator auth into buf (cap bytes). */
void radius_req_start(struct radius_req *b, uint8_t *buf, size_t cap, uint8_t code, uint8_t id,
		      const uint8_t auth[RADIUS_AUTH_LEN]);
/* One attribute (n <= RADIUS_ATTR_MAX; else the builder fails). */
void radius_put(struct radius_req *b, uint8_t type, const void *v, size_t n);
/* RFC 3579 3.1: the EAP message split into EAP-Message attributes, and
 * the Message-Authenticator that must come with them. */
void radius_put_eap(struct radius_req *b, const uint8_t *eap, size_t n);
/* Length set, Message-Authenticator (if any) computed; the packet's length
 * or -1 (did not fit, crypto failure). */
int radius_req_finish(struct radius_req *b, const uint8_t *secret, size_t slen);

/* ---- responses ---- */

/*
 * Checks a response to the request whose Identifier and Request
 * Authenticator are id and req_auth (RFC 2865 3: Response Authenticator;
 * RFC 3579 3.2: Message-Authenticator, required with EAP-Message) and walks
 * its attributes into out.  0, or -1 with why set.
 */
int radius_resp_check(const uint8_t *p, size_t n, uint8_t id,
		      const uint8_t req_auth[RADIUS_AUTH_LEN], const uint8_t *secret, size_t slen,
		      struct radius_pkt *out, char *why, size_t whylen);
/* The first attribute of type t, NULL if none. */
const struct radius_attr *radius_find(const struct radius_pkt *p, uint8_t type);
/* RFC 3579 3.1: the EAP-Message attributes concatenated into out; the
 * length (0: none), or -1 if it does not fit or disagrees with the EAP
 * Length. */
int radius_eap(const struct radius_pkt *p, uint8_t *out, size_t cap);

/*
 * RFC 2548 2.4.2/2.4.3: the MS-MPPE key of vendor type vtype decrypted
 * into key (cap bytes): 0 with *klen set, -1 (absent, malformed, wrong
 * salt) with why set.
 */
int radius_mppe_key(const struct radius_pkt *p, uint8_t vtype, const uint8_t *secret, size_t slen,
		    const uint8_t req_auth[RADIUS_AUTH_LEN], uint8_t *key, size_t cap, size_t *klen,
		    char *why, size_t whylen);
/* The salt-encrypted String of such an attribute (for tests and a
 * responder): salt (high bit set) and key in, the String (salt first) into
 * out; its length or -1. */
int radius_mppe_encrypt(const uint8_t salt[2], const uint8_t *key, size_t klen,
			const uint8_t *secret, size_t slen, const uint8_t req_auth[RADIUS_AUTH_LEN],
			uint8_t *out, size_t cap);

/* ---- digests shared by the codec files ---- */

struct radius_part {
	const void *p;
	size_t n;
};

/* MD5 of the n parts concatenated; 0 or -1. */
int radius_md5(uint8_t out[16], const struct radius_part *parts, size_t n);
int radius_hmac_md5(const uint8_t *key, size_t klen, const uint8_t *p, size_t n, uint8_t out[16]);

#endif
