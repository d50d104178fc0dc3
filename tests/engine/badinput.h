/*
 * Crafting hostile IKE messages for a daemon-side IKE SA (BAD-INPUT.md):
 * raw payload chains (any type, flags and length field), plain and
 * SK-protected messages with the real keys of an engine under test, the
 * answers an engine queued, and the log lines a rejection produced.
 * Built on the pair harness (pair.h): one global pair BI.
 */
#ifndef TESTS_ENGINE_BADINPUT_H
#define TESTS_ENGINE_BADINPUT_H

#include <stddef.h>
#include <stdint.h>

#include "ike/codec/codec.h"
#include "pair.h"

#define BI_MSG_MAX	8192
#define BI_EVIL_SPI	0x1122334455667788ULL
#define BI_PROP		"aes256gcm16-prfsha256-x25519"

extern struct pair BI;
/* 192.0.2.1:500 (A), 192.0.2.2:500 (B), 192.0.2.66:500 (an attacker) */
extern struct addr bi_a, bi_b, bi_evil;

/* pair_setup() plus log capture at debug level. */
void bi_begin(const char *conf_a, const char *conf_b);
void bi_end(void);
struct engine *bi_e(int side);

/* Capture log lines (debug level) from now on, for any pair; bi_begin()
 * does this; log_set_sink(NULL, NULL) ends it. */
void bi_log_capture(void);
/* Log lines captured since mark (bi_log_mark()) that contain needle. */
size_t bi_log_mark(void);
size_t bi_logged(size_t mark, const char *needle);
void bi_log_dump(size_t mark);

/* Queued datagrams sent by side; bi_pop() unlinks the first (free() it). */
size_t bi_nfrom(int side);
struct pair_pkt *bi_pop(int side);
/* A datagram to side, as if sent from 'from' (port 500). */
void bi_inject(int side, const struct addr *from, const uint8_t *pkt, size_t len);

/* One payload of a raw chain: type, flags, body; len_field overrides the
 * generic header's length when set (a lie about the body). */
struct bi_pl {
	uint8_t type, flags;
	const uint8_t *body;
	size_t len;
	int lie;
	uint16_t len_field;
};

/* The chain into out; *first gets v[0]'s type (PL_NONE when n is 0). */
size_t bi_chain(const struct bi_pl *v, size_t n, uint8_t *out, size_t size, uint8_t *first);
/* The body (after the generic header) the codec encodes for p. */
size_t bi_body(const struct ike_payload *p, uint8_t *out, size_t size);

void bi_hdr(struct ike_hdr *h, uint64_t spi_i, uint64_t spi_r, uint8_t exchange,
	    uint8_t flags, uint32_t msgid);
/* Header (next and length set here) followed by chain. */
size_t bi_msg(const struct ike_hdr *h, const uint8_t *chain, size_t clen, uint8_t first,
	      uint8_t *out, size_t size);
/* Header, then one SK payload protecting chain with sk. */
size_t bi_seal(const struct ike_hdr *h, const struct sk_ctx *sk, const uint8_t *chain,
	       size_t clen, uint8_t first, uint8_t *out, size_t size);

/* Header, then one SKF fragment (RFC 7383 2.5) num of total protecting
 * content with sk; first: the SKF payload's Next Payload. */
size_t bi_seal_frag(const struct ike_hdr *h, const struct sk_ctx *sk, uint8_t first,
		    uint16_t num, uint16_t total, const uint8_t *content, size_t clen,
		    uint8_t *out, size_t size);

/* AES-256-GCM with a 16-byte tag: out gets cipher text | tag.  0 or -1. */
int test_gcm_seal(const uint8_t key[32], const uint8_t nonce[12], const uint8_t *aad,
		  size_t aadlen, const uint8_t *plain, size_t plen, uint8_t *out);

/* Same, with the unprotected payloads pre (a chain whose last next-payload
 * field says SK, first type pre_first) before the SK payload. */
size_t bi_seal_pre(const struct ike_hdr *h, const uint8_t *pre, size_t prelen, uint8_t pre_first,
		   const struct sk_ctx *sk, const uint8_t *chain, size_t clen, uint8_t first,
		   uint8_t *out, size_t size);

/* Payload bodies. */
size_t bi_sa_body(const char *props, uint8_t proto, uint32_t esp_spi, uint8_t *out,
		  size_t size);
/* An IKE SA payload body without the transforms of type drop. */
size_t bi_sa_body_without(const char *props, uint8_t drop, uint8_t *out, size_t size);
size_t bi_ke_body(uint16_t group, const uint8_t *data, size_t len, uint8_t *out, size_t size);
/* A real public value of group (x25519, ECP, MODP). */
size_t bi_ke_pub(uint16_t group, uint8_t *out, size_t size);
size_t bi_notify_body(uint8_t proto, uint16_t type, const uint8_t *spi, size_t spilen,
		      const uint8_t *data, size_t dlen, uint8_t *out, size_t size);
size_t bi_id_body(uint8_t type, const void *data, size_t len, uint8_t *out, size_t size);
size_t bi_delete_body(uint8_t proto, uint8_t spi_size, uint16_t nspi, const uint8_t *spis,
		      size_t len, uint8_t *out, size_t size);
/* One IPv4 selector "a.b.c.d-e.f.g.h" with a raw type and length field. */
size_t bi_ts_body(uint8_t type, uint16_t len_field, const char *start, const char *end,
		  uint8_t *out, size_t size);

/*
 * A complete IKE_SA_INIT request from spi_i: SA (props), KE (group, a real
 * value), Ni (32 bytes), then extra payloads.
 */
size_t bi_init(uint64_t spi_i, const char *props, uint16_t group, const struct bi_pl *extra,
	       size_t nextra, uint8_t *out, size_t size);

/* Decoding what an engine sent: outer chain, and the SK content when sk is
 * given.  The message stays valid until the next call. */
const struct ike_msg *bi_decode(const struct pair_pkt *q, const struct sk_ctx *sk);
/* Pops the one datagram side sent, decodes it (sk: see bi_decode) and
 * checks it is a response whose first notify is type; returns the notify. */
const struct ike_pl_notify *bi_expect_notify(int side, const struct sk_ctx *sk, uint16_t type);

/*
 * The A->B IKE_SA_INIT done, A's IKE_AUTH request taken off the queue and
 * decrypted: B holds a half-open IKE SA with keys.  bi_auth_pl[] are the
 * request's inner payloads as raw bodies (valid until bi_end()).
 */
extern struct bi_pl bi_auth_pl[IKE_MAX_PAYLOADS];
extern size_t bi_auth_npl;
extern struct ike_hdr bi_auth_hdr;
void bi_half_open(void);
/* bi_auth_pl[] as a raw chain, with payload 'skip' (type, 0: none) left out
 * and 'extra' appended; then sealed with A's keys and sent to B. */
void bi_auth_send(uint8_t skip, const struct bi_pl *extra, size_t nextra);
/* bi_auth_pl[] as a raw chain into out; its length, *first its type. */
size_t bi_auth_chain(uint8_t *out, size_t size, uint8_t *first);
/* Same, with payload type 'swap' replaced by body. */
void bi_auth_send_swap(uint8_t swap, const uint8_t *body, size_t len, uint8_t flags);

/* Both sides established (A initiates, everything delivered). */
void bi_establish(void);
/* An INFORMATIONAL request from A's established IKE SA to B with this
 * chain; msgid: A's next one.  bump: A's window moves on (B answered). */
void bi_info_send(const uint8_t *chain, size_t clen, uint8_t first);
void bi_a_bump(void);

/* The next good exchange: a liveness check from A's established SA is
 * answered. */
void bi_dpd_ok(void);
/* Throw away every IKE SA of both sides, then A initiates: both established,
 * one CHILD SA installed in each kernel. */
void bi_fresh_exchange_ok(void);

/* B keeps nothing: no IKE SA, no half-open count, empty kernel. */
void bi_assert_b_empty(void);

/* A datagram to B from bi_evil. */
void bi_evil_to_b(const uint8_t *p, size_t len);
/* bi_init() from BI_EVIL_SPI with BI_PROP and an x25519 KE. */
size_t bi_good_init(const struct bi_pl *extra, size_t n, uint8_t *out, size_t size);
/* A log line since mark contains reason (else the log is dumped). */
void bi_assert_logged(size_t mark, const char *reason);
/* Silence from B, nothing kept, reason logged. */
void bi_assert_dropped(size_t mark, const char *reason);
/* B answered an IKE_SA_INIT normally (SA, KE, Nr) and holds one half-open SA. */
void bi_assert_init_answered(void);
/* B answered the IKE_AUTH request with notify type (decrypted with A's
 * keys), deleted the half-open IKE SA and logged reason. */
void bi_assert_auth_refused(size_t mark, uint16_t type, const char *reason);

/* IKE_SA_INIT request from payloads v (header: spi_i, spi_r, message 0). */
size_t bi_init_from(const struct bi_pl *v, size_t n, uint64_t spi_i, uint64_t spi_r,
		    uint8_t *out, size_t size);
/* v[0..3): SA (props, body in bi_sa_buf), KE (group; ke, or a real value
 * when NULL; body in bi_ke_buf), Ni of nlen bytes.  Returns 3. */
extern uint8_t bi_sa_buf[2048], bi_ke_buf[1100];
size_t bi_init_parts(struct bi_pl *v, const char *props, uint16_t group, const uint8_t *ke,
		     size_t kelen, size_t nlen);

#endif
