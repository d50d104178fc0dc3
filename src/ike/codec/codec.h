/*
 * IKEv2 message codec (RFC 7296 section 3, RFC 7383 fragments).
 *
 * Knows nothing of IKE_SA state, timers, the kernel or the configuration:
 * it turns bytes into typed payloads and typed payloads into bytes.
 *
 * Receive path, as the exchange layer uses it:
 *
 *   ike_nonesp_strip()        port 4500 only: drop the 4-byte zero marker
 *   ike_msg_decode()          header + outer payload chain; an SK or SKF
 *                             payload is returned as a slice (not decrypted)
 *   (crypto layer)            verify + decrypt m->pl[m->sk_index].u.sk.body,
 *                             AAD = buf[0 .. hdr_off + 4)
 *   ike_msg_decode_sk()       decode the decrypted inner chain; appended to
 *                             the same struct ike_msg, in_sk = 1
 *   ike_msg_check_rules()     which payloads this exchange/direction may
 *                             carry, how many, and whether inside SK
 *
 * Decoded payloads hold slices into the caller's buffers (which must outlive
 * the struct ike_msg) and pointers into the message's own arena (proposals,
 * traffic selectors, configuration attributes): nothing is allocated.
 *
 * Send path: struct ike_msg_builder chains payloads itself (next-payload
 * fields and lengths), see ike_build_*() below.
 */
#ifndef IKE_CODEC_CODEC_H
#define IKE_CODEC_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "ike/ikev2.h"

/* Bounds the decoder enforces on one message (outer + inner payloads). */
#define IKE_MAX_PAYLOADS	64	/* more -> INVALID_SYNTAX (BAD-INPUT 11) */
#define IKE_MSG_MAX_TS		64	/* TSi + TSr selectors in one message */
#define IKE_MSG_MAX_CP_ATTRS	64
#define IKE_NONESP_MARKER_LEN	4

/*
 * What the caller must do with a rejected message.  The codec does not know
 * whether the message was authenticated: for CODEC_INVALID_SYNTAX the
 * exchange layer drops silently before authentication and answers
 * INVALID_SYNTAX after it (RFC 7296 2.21.2/2.21.3, BAD-INPUT row 8).
 */
enum codec_status {
	CODEC_OK = 0,
	CODEC_DROP,			/* silence, no state */
	CODEC_INVALID_SYNTAX,		/* notify INVALID_SYNTAX */
	CODEC_INVALID_MAJOR_VERSION,	/* notify INVALID_MAJOR_VERSION (2.5) */
	CODEC_UNSUPPORTED_CRITICAL,	/* notify UNSUPPORTED_CRITICAL_PAYLOAD, data = type */
};

struct codec_err {
	enum codec_status status;
	uint8_t payload;	/* payload type concerned (the critical type for
				   CODEC_UNSUPPORTED_CRITICAL), 0 if none */
	size_t offset;		/* byte offset in the buffer being decoded */
	char reason[160];	/* "KE payload at offset 56: length 3 < 4" */
};

/* The notify type for a status, 0 for CODEC_OK and CODEC_DROP. */
uint16_t codec_status_notify(enum codec_status st);
const char *codec_status_name(enum codec_status st);

struct ike_slice {
	const uint8_t *p;
	size_t len;
};

/* IKE header (3.1).  Reserved flag bits are kept in flags but ignored. */
struct ike_hdr {
	uint8_t spi_i[8];
	uint8_t spi_r[8];
	uint8_t next;		/* first payload type */
	uint8_t major;
	uint8_t minor;
	uint8_t exchange;	/* enum ike_exchange */
	uint8_t flags;		/* IKE_FLAG_* */
	uint32_t msgid;
	uint32_t length;
};

/*
 * SA payload.  prop points into the message arena on decode and to the
 * caller's array on encode.  Bit i of unacceptable is set when proposal i
 * carried a transform attribute the codec does not know (3.3.6: that
 * proposal must be skipped, not the message rejected); ike_spi_nonzero is set
 * when any IKE proposal has an SPI, which IKE_SA_INIT forbids (3.3.1) and an
 * IKE rekey in CREATE_CHILD_SA requires (size 8).
 */
struct ike_pl_sa {
	const struct ike_proposal *prop;
	size_t nprop;
	uint32_t unacceptable;
	int ike_spi_nonzero;
};

struct ike_pl_ke {
	uint16_t group;		/* enum ike_ke_id */
	struct ike_slice data;
};

struct ike_pl_id {		/* IDi, IDr */
	uint8_t type;		/* enum ike_id_type */
	struct ike_slice data;
};

struct ike_pl_cert {		/* CERT, CERTREQ */
	uint8_t encoding;	/* enum ike_cert_encoding */
	struct ike_slice data;
};

struct ike_pl_auth {
	uint8_t method;		/* enum ike_auth_method */
	struct ike_slice data;
};

struct ike_pl_notify {
	uint8_t proto;		/* enum ike_protocol_id, 0 if none */
	uint16_t type;		/* enum ike_notify_type */
	struct ike_slice spi;	/* spi.len is the SPI size */
	struct ike_slice data;
};

struct ike_pl_delete {
	uint8_t proto;
	uint8_t spi_size;	/* 0 for IKE, 4 for ESP/AH */
	uint16_t nspi;
	struct ike_slice spis;	/* nspi * spi_size bytes */
};

struct ike_pl_ts {		/* TSi, TSr */
	const struct ike_ts *ts;
	size_t nts;
};

struct ike_cp_attr {
	uint16_t type;		/* 15 bits, the reserved bit is dropped */
	struct ike_slice value;
};

struct ike_pl_cp {
	uint8_t cfg_type;	/* enum ike_cp_type */
	const struct ike_cp_attr *attr;
	size_t nattr;
	size_t ndropped;	/* decoder: well-formed attributes past
				   IKE_MSG_MAX_CP_ATTRS, not kept */
};

struct ike_pl_eap {
	uint8_t code;
	uint8_t id;
	struct ike_slice msg;	/* the whole EAP message, its header included */
};

/*
 * SK (3.14) and SKF (RFC 7383): hdr_off is where the SK/SKF generic payload
 * header starts in the message, so the AEAD AAD is buf[0 .. hdr_off + 4)
 * (+ 4 for SKF's fragment fields); body is IV | ciphertext | ICV.
 */
struct ike_pl_sk {
	uint8_t first;		/* type of the first inner payload */
	size_t hdr_off;
	struct ike_slice body;
};

struct ike_pl_skf {
	uint8_t first;		/* meaningful in fragment 1 only */
	uint16_t num;
	uint16_t total;
	size_t hdr_off;
	struct ike_slice body;
};

struct ike_payload {
	uint8_t type;		/* enum ike_payload_type, or an unknown type */
	uint8_t flags;		/* critical bit + reserved, as received */
	uint8_t in_sk;		/* decoded from the SK plaintext */
	uint8_t known;		/* decoder: 0 for an unknown non-critical type,
				   skipped (2.5); the encoder goes by type */
	size_t off;		/* offset of the generic header in its buffer */
	union {
		struct ike_pl_sa sa;
		struct ike_pl_ke ke;
		struct ike_pl_id id;
		struct ike_pl_cert cert;
		struct ike_pl_auth auth;
		struct ike_slice nonce;
		struct ike_pl_notify notify;
		struct ike_pl_delete del;
		struct ike_slice vendor;
		struct ike_pl_ts ts;
		struct ike_pl_cp cp;
		struct ike_pl_eap eap;
		struct ike_pl_sk sk;
		struct ike_pl_skf skf;
		struct ike_slice raw;	/* unknown types */
	} u;
};

struct ike_msg {
	struct ike_hdr hdr;
	size_t npl;
	struct ike_payload pl[IKE_MAX_PAYLOADS];
	int sk_index;		/* index of the SK or SKF payload, -1 if none */
	/* arena for the decoded payloads' arrays */
	size_t nprop, nts, ncp;
	struct ike_proposal prop[IKE_MAX_PROPOSALS];
	struct ike_ts ts[IKE_MSG_MAX_TS];
	struct ike_cp_attr cp[IKE_MSG_MAX_CP_ATTRS];
};

/*
 * Port 4500: a datagram starting with four zero bytes is IKE; anything else
 * is ESP-in-UDP (for the kernel) or garbage.  Returns 0 and the IKE part, or
 * -1 with CODEC_DROP.
 */
int ike_nonesp_strip(const uint8_t *buf, size_t len, const uint8_t **ike,
		     size_t *ike_len, struct codec_err *err);

/*
 * Header only (3.1): datagram >= 28 bytes and length field == len, else
 * CODEC_DROP; major > 2 -> CODEC_INVALID_MAJOR_VERSION, major < 2 (IKEv1) ->
 * CODEC_DROP, in both cases with h filled so the caller can answer.
 */
int ike_hdr_decode(const uint8_t *buf, size_t len, struct ike_hdr *h,
		   struct codec_err *err);

/* Header and outer payload chain.  0 on success, -1 with err filled. */
int ike_msg_decode(const uint8_t *buf, size_t len, struct ike_msg *m,
		   struct codec_err *err);

/*
 * The decrypted SK plaintext (padding and pad length already removed by the
 * crypto layer), whose first payload has type first.  Payloads are appended
 * to m with in_sk = 1 and offsets relative to buf.
 */
int ike_msg_decode_sk(struct ike_msg *m, uint8_t first, const uint8_t *buf,
		      size_t len, struct codec_err *err);

/*
 * The exchange's payload rules (exchange type and direction from m->hdr):
 * allowed types, counts, inside SK or not.  Error-notify-only responses pass.
 * Also: IKE_SA_INIT request with SPIi = 0, SPIr != 0 or message ID != 0 ->
 * CODEC_DROP; IKE proposals with an SPI in IKE_SA_INIT -> INVALID_SYNTAX.
 * For encrypted exchanges, call it after ike_msg_decode_sk().
 */
int ike_msg_check_rules(const struct ike_msg *m, struct codec_err *err);

/*
 * 1 if a notify of this type may appear in this exchange and direction
 * (the notify placement table in rules.c; types it does not list: 1).
 * The exchange layer ignores, with a log line, a notify placed elsewhere.
 */
int ike_notify_allowed(uint16_t type, uint8_t exchange, int response);

/* The index of the first payload of type t (from index from), or -1. */
int ike_msg_find(const struct ike_msg *m, uint8_t type, int from);
/* The first Notify of type t, or NULL. */
const struct ike_pl_notify *ike_msg_notify(const struct ike_msg *m, uint16_t t);

/*
 * Encoder.  Usage:
 *   ike_build_msg(&b, &w, &hdr);         hdr.next/length are filled in
 *   ike_build_payload(&b, &pl) ...       in order; type, flags and u used
 *                                        (u.raw for types the codec does
 *                                        not know)
 *   ike_build_sk(&b, first, body, len)   optional, last
 *   ike_build_finish(&b)                 0 or -1 (writer error, misuse)
 * An SK inner chain is built the same way in its own writer with
 * ike_build_chain(&b, &w); b.first is then the SK payload's first type.
 */
struct ike_msg_builder {
	struct wr *w;
	size_t start;		/* offset of the IKE header or chain start */
	size_t np_off;		/* where the next payload's type goes */
	int has_hdr;
	int closed;		/* SK written: nothing may follow */
	int err;
	uint8_t first;
};

void ike_build_msg(struct ike_msg_builder *b, struct wr *w, const struct ike_hdr *h);
void ike_build_chain(struct ike_msg_builder *b, struct wr *w);
void ike_build_payload(struct ike_msg_builder *b, const struct ike_payload *p);
/*
 * Append an SK payload whose body (IV | ciphertext | ICV) has body_len bytes
 * and return the body's offset in the writer (SIZE_MAX on error); lengths
 * are final, so the crypto layer can compute the AAD and fill the body in.
 */
size_t ike_build_sk_reserve(struct ike_msg_builder *b, uint8_t first, size_t body_len);
void ike_build_sk(struct ike_msg_builder *b, uint8_t first, const uint8_t *body, size_t len);
void ike_build_skf(struct ike_msg_builder *b, const struct ike_pl_skf *f);
/* The same for one SKF fragment (RFC 7383 2.5): first is the first inner
 * payload's type in fragment 1, 0 in the others. */
size_t ike_build_skf_reserve(struct ike_msg_builder *b, uint8_t first, uint16_t num,
			     uint16_t total, size_t body_len);
int ike_build_finish(struct ike_msg_builder *b);

/* Re-encode a decoded message (outer chain; SK body copied as is). */
int ike_msg_encode(const struct ike_msg *m, struct wr *w);
/* Encode the in_sk payloads of m as an inner chain; *first gets its type. */
int ike_msg_encode_sk(const struct ike_msg *m, struct wr *w, uint8_t *first);

#endif
