/*
 * IKEv2 encoder: typed payloads to bytes.  The builder chains the payloads
 * itself: each payload's type goes into the previous next-payload field (or
 * the header's), and every length is patched once its body is written.
 */
#include "ike/codec/codec.h"

#include <string.h>

#define NO_NP_FIELD ((size_t)-1)

void ike_build_msg(struct ike_msg_builder *b, struct wr *w, const struct ike_hdr *h)
{
	memset(b, 0, sizeof(*b));
	b->w = w;
	b->start = wr_len(w);
	b->has_hdr = 1;
	wr_bytes(w, h->spi_i, sizeof(h->spi_i));
	wr_bytes(w, h->spi_r, sizeof(h->spi_r));
	b->np_off = wr_len(w);
	wr_u8(w, PL_NONE);
	wr_u8(w, (uint8_t)(h->major << 4 | (h->minor & 0x0f)));
	wr_u8(w, h->exchange);
	wr_u8(w, h->flags);
	wr_u32(w, h->msgid);
	wr_u32(w, 0);		/* length, set by ike_build_finish() */
}

void ike_build_chain(struct ike_msg_builder *b, struct wr *w)
{
	memset(b, 0, sizeof(*b));
	b->w = w;
	b->start = wr_len(w);
	b->np_off = NO_NP_FIELD;
}

/* Generic payload header (3.2) with its length left to end_payload(). */
static size_t begin_payload(struct ike_msg_builder *b, uint8_t type, uint8_t flags)
{
	size_t off;

	if (b->np_off == NO_NP_FIELD)
		b->first = type;
	else
		wr_put_u8_at(b->w, b->np_off, type);
	off = wr_len(b->w);
	b->np_off = off;
	wr_u8(b->w, PL_NONE);
	wr_u8(b->w, flags);
	wr_u16(b->w, 0);
	return off;
}

static void end_payload(struct ike_msg_builder *b, size_t off)
{
	size_t len = wr_len(b->w) - off;

	if (len > 0xffff)
		b->err = 1;
	wr_put_u16_at(b->w, off + 2, (uint16_t)len);
}

static void put_slice(struct wr *w, struct ike_slice s)
{
	if (s.len)
		wr_bytes(w, s.p, s.len);
}

static void enc_proposal(struct wr *w, const struct ike_proposal *p, int last)
{
	size_t off = wr_len(w), toff;
	uint8_t i;

	wr_u8(w, last ? 0 : 2);
	wr_u8(w, 0);
	wr_u16(w, 0);
	wr_u8(w, p->num);
	wr_u8(w, p->protocol);
	wr_u8(w, p->spi_size);
	wr_u8(w, p->ntransforms);
	wr_bytes(w, p->spi, p->spi_size <= IKE_MAX_SPI ? p->spi_size : IKE_MAX_SPI);
	for (i = 0; i < p->ntransforms && i < IKE_MAX_TRANSFORMS; i++) {
		const struct ike_transform *t = &p->xf[i];

		toff = wr_len(w);
		wr_u8(w, i + 1 == p->ntransforms ? 0 : 3);
		wr_u8(w, 0);
		wr_u16(w, 0);
		wr_u8(w, t->type);
		wr_u8(w, 0);
		wr_u16(w, t->id);
		if (t->keylen) {
			wr_u16(w, ATTR_FORMAT_TV | ATTR_KEY_LENGTH);
			wr_u16(w, t->keylen);
		}
		wr_put_u16_at(w, toff + 2, (uint16_t)(wr_len(w) - toff));
	}
	wr_put_u16_at(w, off + 2, (uint16_t)(wr_len(w) - off));
}

static void enc_ts(struct wr *w, const struct ike_pl_ts *pts)
{
	size_t i, alen;

	wr_u8(w, (uint8_t)pts->nts);
	wr_zero(w, 3);
	for (i = 0; i < pts->nts; i++) {
		const struct ike_ts *ts = &pts->ts[i];

		alen = ts->type == TS_IPV6_ADDR_RANGE ? 16 : 4;
		wr_u8(w, ts->type);
		wr_u8(w, ts->ip_proto);
		wr_u16(w, (uint16_t)(8 + 2 * alen));
		wr_u16(w, ts->start_port);
		wr_u16(w, ts->end_port);
		wr_bytes(w, ts->start, alen);
		wr_bytes(w, ts->end, alen);
	}
}

static void enc_type_reserved(struct wr *w, uint8_t type, struct ike_slice data)
{
	wr_u8(w, type);
	wr_zero(w, 3);
	put_slice(w, data);
}

static void enc_body(struct wr *w, const struct ike_payload *p)
{
	size_t i;

	switch (p->type) {
	case PL_SA:
		for (i = 0; i < p->u.sa.nprop; i++)
			enc_proposal(w, &p->u.sa.prop[i], i + 1 == p->u.sa.nprop);
		break;
	case PL_KE:
		wr_u16(w, p->u.ke.group);
		wr_u16(w, 0);
		put_slice(w, p->u.ke.data);
		break;
	case PL_IDI:
	case PL_IDR:
		enc_type_reserved(w, p->u.id.type, p->u.id.data);
		break;
	case PL_CERT:
	case PL_CERTREQ:
		wr_u8(w, p->u.cert.encoding);
		put_slice(w, p->u.cert.data);
		break;
	case PL_AUTH:
		enc_type_reserved(w, p->u.auth.method, p->u.auth.data);
		break;
	case PL_NONCE:
		put_slice(w, p->u.nonce);
		break;
	case PL_NOTIFY:
		wr_u8(w, p->u.notify.proto);
		wr_u8(w, (uint8_t)p->u.notify.spi.len);
		wr_u16(w, p->u.notify.type);
		put_slice(w, p->u.notify.spi);
		put_slice(w, p->u.notify.data);
		break;
	case PL_DELETE:
		wr_u8(w, p->u.del.proto);
		wr_u8(w, p->u.del.spi_size);
		wr_u16(w, p->u.del.nspi);
		put_slice(w, p->u.del.spis);
		break;
	case PL_VENDOR:
		put_slice(w, p->u.vendor);
		break;
	case PL_TSI:
	case PL_TSR:
		enc_ts(w, &p->u.ts);
		break;
	case PL_CP:
		wr_u8(w, p->u.cp.cfg_type);
		wr_zero(w, 3);
		for (i = 0; i < p->u.cp.nattr; i++) {
			wr_u16(w, p->u.cp.attr[i].type & 0x7fff);
			wr_u16(w, (uint16_t)p->u.cp.attr[i].value.len);
			put_slice(w, p->u.cp.attr[i].value);
		}
		break;
	case PL_EAP:
		put_slice(w, p->u.eap.msg);
		break;
	default:	/* a type the codec does not know: its body as is */
		put_slice(w, p->u.raw);
		break;
	}
}

void ike_build_payload(struct ike_msg_builder *b, const struct ike_payload *p)
{
	size_t off;

	/* SK and SKF have their own entry points: they end the chain */
	if (b->closed || p->type == PL_SK || p->type == PL_SKF) {
		b->err = 1;
		return;
	}
	off = begin_payload(b, p->type, p->flags);
	enc_body(b->w, p);
	end_payload(b, off);
}

/* The body of an SK/SKF payload begun at off: reserved, the chain closed,
 * lengths final (the crypto layer computes the AAD from them). */
static size_t close_with_body(struct ike_msg_builder *b, size_t off, size_t body_len)
{
	size_t body = wr_reserve(b->w, body_len);

	end_payload(b, off);
	b->closed = 1;
	if (b->has_hdr)
		wr_put_u32_at(b->w, b->start + 24, (uint32_t)(wr_len(b->w) - b->start));
	return wr_ok(b->w) && !b->err ? body : (size_t)-1;
}

size_t ike_build_sk_reserve(struct ike_msg_builder *b, uint8_t first, size_t body_len)
{
	size_t off;

	if (b->closed) {
		b->err = 1;
		return (size_t)-1;
	}
	off = begin_payload(b, PL_SK, 0);
	wr_put_u8_at(b->w, off, first);
	return close_with_body(b, off, body_len);
}

void ike_build_sk(struct ike_msg_builder *b, uint8_t first, const uint8_t *body, size_t len)
{
	size_t off = ike_build_sk_reserve(b, first, len);

	if (off != (size_t)-1 && len)
		memcpy(wr_data(b->w) + off, body, len);
}

size_t ike_build_skf_reserve(struct ike_msg_builder *b, uint8_t first, uint16_t num,
			     uint16_t total, size_t body_len)
{
	size_t off;

	if (b->closed) {
		b->err = 1;
		return (size_t)-1;
	}
	off = begin_payload(b, PL_SKF, 0);
	wr_put_u8_at(b->w, off, first);
	wr_u16(b->w, num);
	wr_u16(b->w, total);
	return close_with_body(b, off, body_len);
}

void ike_build_skf(struct ike_msg_builder *b, const struct ike_pl_skf *f)
{
	size_t off = ike_build_skf_reserve(b, f->first, f->num, f->total, f->body.len);

	if (off != (size_t)-1 && f->body.len)
		memcpy(wr_data(b->w) + off, f->body.p, f->body.len);
}

int ike_build_finish(struct ike_msg_builder *b)
{
	if (b->has_hdr)
		wr_put_u32_at(b->w, b->start + 24, (uint32_t)(wr_len(b->w) - b->start));
	return wr_ok(b->w) && !b->err ? 0 : -1;
}

int ike_msg_encode(const struct ike_msg *m, struct wr *w)
{
	struct ike_msg_builder b;
	size_t i;

	ike_build_msg(&b, w, &m->hdr);
	for (i = 0; i < m->npl; i++) {
		const struct ike_payload *p = &m->pl[i];

		if (p->in_sk)
			continue;
		if (p->type == PL_SK)
			ike_build_sk(&b, p->u.sk.first, p->u.sk.body.p, p->u.sk.body.len);
		else if (p->type == PL_SKF)
			ike_build_skf(&b, &p->u.skf);
		else
			ike_build_payload(&b, p);
	}
	return ike_build_finish(&b);
}

int ike_msg_encode_sk(const struct ike_msg *m, struct wr *w, uint8_t *first)
{
	struct ike_msg_builder b;
	size_t i;

	ike_build_chain(&b, w);
	for (i = 0; i < m->npl; i++)
		if (m->pl[i].in_sk)
			ike_build_payload(&b, &m->pl[i]);
	*first = b.first;
	return ike_build_finish(&b);
}
