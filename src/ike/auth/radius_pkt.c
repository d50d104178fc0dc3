/* RADIUS packets (RFC 2865 3, 5) with RFC 3579's EAP attributes (see radius.h). */
#include "ike/auth/radius.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/secret.h"

/*
 * The attributes a response may carry that we read, with the value sizes
 * their RFCs allow; others are walked over (any length 0..253).
 */
static const struct {
	uint8_t type;
	uint8_t min, max;
	uint8_t once;			/* at most one per packet */
} attr_rules[] = {
	{ RA_USER_NAME, 1, 253, 1 },		/* RFC 2865 5.1 */
	{ RA_FRAMED_IP_ADDRESS, 4, 4, 1 },	/* 5.8 */
	{ RA_REPLY_MESSAGE, 1, 253, 0 },	/* 5.18 */
	{ RA_STATE, 1, 253, 1 },		/* 5.24 */
	{ RA_CLASS, 1, 253, 0 },		/* 5.25 */
	{ RA_VENDOR_SPECIFIC, 5, 253, 0 },	/* 5.26 */
	{ RA_SESSION_TIMEOUT, 4, 4, 1 },	/* 5.27 */
	{ RA_EAP_MESSAGE, 1, 253, 0 },		/* RFC 3579 3.1 */
	{ RA_MESSAGE_AUTHENTICATOR, 16, 16, 1 },	/* RFC 3579 3.2 */
};

static const struct {
	uint8_t code;
	const char *name;
} code_names[] = {
	{ RADIUS_ACCESS_REQUEST, "Access-Request" }, { RADIUS_ACCESS_ACCEPT, "Access-Accept" },
	{ RADIUS_ACCESS_REJECT, "Access-Reject" }, { RADIUS_ACCESS_CHALLENGE, "Access-Challenge" },
};

const char *radius_code_name(uint8_t code, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(code_names) / sizeof(code_names[0]); i++)
		if (code_names[i].code == code)
			return code_names[i].name;
	snprintf(buf, len, "code %u", code);
	return buf;
}

int radius_md5(uint8_t out[16], const struct radius_part *parts, size_t n)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c && EVP_DigestInit_ex(c, EVP_md5(), NULL);

	for (size_t i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(c, parts[i].p, parts[i].n);
	ok = ok && EVP_DigestFinal_ex(c, out, NULL);
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

int radius_hmac_md5(const uint8_t *key, size_t klen, const uint8_t *p, size_t n, uint8_t out[16])
{
	size_t olen = 0;

	if (!EVP_Q_mac(NULL, "HMAC", NULL, "MD5", NULL, key, klen, p, n, out, 16, &olen) ||
	    olen != 16)
		return -1;
	return 0;
}

/* ---- requests ---- */

void radius_req_start(struct radius_req *b, uint8_t *buf, size_t cap, uint8_t code, uint8_t id,
		      const uint8_t auth[RADIUS_AUTH_LEN])
{
	wr_init(&b->w, buf, cap < RADIUS_MAX_LEN ? cap : RADIUS_MAX_LEN);
	b->ma_off = 0;
	wr_u8(&b->w, code);
	wr_u8(&b->w, id);
	wr_u16(&b->w, 0);		/* Length, set by finish */
	wr_bytes(&b->w, auth, RADIUS_AUTH_LEN);
}

void radius_put(struct radius_req *b, uint8_t type, const void *v, size_t n)
{
	if (n > RADIUS_ATTR_MAX) {
		b->w.err = 1;
		return;
	}
	wr_u8(&b->w, type);
	wr_u8(&b->w, (uint8_t)(2 + n));
	wr_bytes(&b->w, v, n);
}

void radius_put_eap(struct radius_req *b, const uint8_t *eap, size_t n)
{
	static const uint8_t zero[16];

	do {
		size_t k = n < RADIUS_ATTR_MAX ? n : RADIUS_ATTR_MAX;

		radius_put(b, RA_EAP_MESSAGE, eap, k);
		eap += k;
		n -= k;
	} while (n);
	if (!b->ma_off) {
		radius_put(b, RA_MESSAGE_AUTHENTICATOR, zero, sizeof(zero));
		b->ma_off = wr_len(&b->w) - sizeof(zero);
	}
}

int radius_req_finish(struct radius_req *b, const uint8_t *secret, size_t slen)
{
	uint8_t *p = wr_data(&b->w);
	size_t n = wr_len(&b->w);

	if (!wr_ok(&b->w))
		return -1;
	wr_put_u16_at(&b->w, 2, (uint16_t)n);
	/* RFC 3579 3.2: HMAC-MD5 over the packet with the value zeroed (it
	 * is, as put) and the Request Authenticator in place */
	if (b->ma_off && radius_hmac_md5(secret, slen, p, n, p + b->ma_off) < 0)
		return -1;
	return (int)n;
}

/* ---- responses ---- */

static int fail(char *why, size_t whylen, const char *what)
{
	snprintf(why, whylen, "%s", what);
	return -1;
}

/* One attribute against attr_rules; 0 or -1 (why set). */
static int attr_ok(const struct radius_pkt *p, const struct radius_attr *a, char *why,
		   size_t whylen)
{
	for (size_t i = 0; i < sizeof(attr_rules) / sizeof(attr_rules[0]); i++) {
		if (attr_rules[i].type != a->type)
			continue;
		if (a->len < attr_rules[i].min || a->len > attr_rules[i].max) {
			snprintf(why, whylen, "attribute %u of %u bytes", a->type, a->len);
			return -1;
		}
		if (attr_rules[i].once && radius_find(p, a->type) != a) {
			snprintf(why, whylen, "attribute %u more than once", a->type);
			return -1;
		}
		return 0;
	}
	return 0;
}

/* RFC 2865 5: Type, Length (>= 2), Value, up to the packet's Length. */
static int walk(struct rd *r, struct radius_pkt *out, char *why, size_t whylen)
{
	while (rd_left(r)) {
		struct radius_attr *a;
		uint8_t type = rd_u8(r), len = rd_u8(r);
		const uint8_t *v = len >= 2 ? rd_bytes(r, len - 2u) : NULL;

		if (!rd_ok(r) || len < 2)
			return fail(why, whylen, "attribute overruns the packet");
		if (out->nattrs == RADIUS_ATTRS_MAX)
			return fail(why, whylen, "too many attributes");
		a = &out->attrs[out->nattrs++];
		a->type = type;
		a->len = (uint8_t)(len - 2);
		a->v = v;
		if (attr_ok(out, a, why, whylen) < 0)
			return -1;
	}
	return 0;
}

/* RFC 3579 3.2: HMAC-MD5 over the response with the Request
 * Authenticator in place of its own and the value zeroed. */
static int msg_auth_ok(const uint8_t *p, size_t n, const struct radius_attr *ma,
		       const uint8_t req_auth[RADIUS_AUTH_LEN], const uint8_t *secret, size_t slen)
{
	uint8_t copy[RADIUS_MAX_LEN], want[16];
	size_t off = (size_t)(ma->v - p);
	int ok;

	memcpy(copy, p, n);
	memcpy(copy + 4, req_auth, RADIUS_AUTH_LEN);
	memset(copy + off, 0, 16);
	ok = radius_hmac_md5(secret, slen, copy, n, want) == 0 && memeq_ct(want, ma->v, 16);
	memzero(copy, n);
	return ok;
}

int radius_resp_check(const uint8_t *p, size_t n, uint8_t id,
		      const uint8_t req_auth[RADIUS_AUTH_LEN], const uint8_t *secret, size_t slen,
		      struct radius_pkt *out, char *why, size_t whylen)
{
	struct rd r, attrs;
	const struct radius_attr *ma;
	uint8_t want[16];
	char cn[16];
	struct radius_part parts[4];

	memset(out, 0, sizeof(*out));
	rd_init(&r, p, n);
	out->code = rd_u8(&r);
	out->id = rd_u8(&r);
	out->len = rd_u16(&r);
	out->authenticator = rd_bytes(&r, RADIUS_AUTH_LEN);
	/* RFC 2865 3: octets beyond Length are padding, fewer: discard */
	if (!rd_ok(&r) || out->len < RADIUS_HDR_LEN || out->len > RADIUS_MAX_LEN ||
	    out->len > n)
		return fail(why, whylen, "Length disagrees with the datagram");
	n = out->len;
	if (out->id != id)
		return fail(why, whylen, "Identifier of no request outstanding");
	if (out->code != RADIUS_ACCESS_ACCEPT && out->code != RADIUS_ACCESS_REJECT &&
	    out->code != RADIUS_ACCESS_CHALLENGE) {
		snprintf(why, whylen, "%s is no answer to an Access-Request",
			 radius_code_name(out->code, cn, sizeof(cn)));
		return -1;
	}
	/* RFC 2865 3: MD5(Code+ID+Length+RequestAuth+Attributes+Secret) */
	parts[0] = (struct radius_part){ p, 4 };
	parts[1] = (struct radius_part){ req_auth, RADIUS_AUTH_LEN };
	parts[2] = (struct radius_part){ p + RADIUS_HDR_LEN, n - RADIUS_HDR_LEN };
	parts[3] = (struct radius_part){ secret, slen };
	if (radius_md5(want, parts, 4) < 0 || !memeq_ct(want, out->authenticator, 16))
		return fail(why, whylen, "wrong Response Authenticator (shared secret?)");
	if (rd_sub(&r, &attrs, n - RADIUS_HDR_LEN) < 0 || walk(&attrs, out, why, whylen) < 0)
		return -1;
	ma = radius_find(out, RA_MESSAGE_AUTHENTICATOR);
	if (!ma && radius_find(out, RA_EAP_MESSAGE))
		return fail(why, whylen, "EAP-Message without Message-Authenticator");
	if (ma && !msg_auth_ok(p, n, ma, req_auth, secret, slen))
		return fail(why, whylen, "wrong Message-Authenticator");
	return 0;
}

const struct radius_attr *radius_find(const struct radius_pkt *p, uint8_t type)
{
	for (size_t i = 0; i < p->nattrs; i++)
		if (p->attrs[i].type == type)
			return &p->attrs[i];
	return NULL;
}

int radius_eap(const struct radius_pkt *p, uint8_t *out, size_t cap)
{
	struct wr w;
	struct rd r;
	uint16_t elen;

	wr_init(&w, out, cap);
	for (size_t i = 0; i < p->nattrs; i++)
		if (p->attrs[i].type == RA_EAP_MESSAGE)
			wr_bytes(&w, p->attrs[i].v, p->attrs[i].len);
	if (!wr_ok(&w))
		return -1;
	if (!wr_len(&w))
		return 0;
	/* RFC 3748 4: the EAP Length covers the whole message */
	rd_init(&r, out, wr_len(&w));
	rd_skip(&r, 2);
	elen = rd_u16(&r);
	if (!rd_ok(&r) || elen != wr_len(&w))
		return -1;
	return (int)wr_len(&w);
}
