/*
 * IKEv2 decoder: header, generic payload chain and every payload body of
 * RFC 7296 section 3 (+ SKF, RFC 7383).  Every length is checked against its
 * enclosing length before it is used; every rejection names the payload,
 * the offset, the value found and the bound.
 */
#include "ike/codec/codec.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ike/codec/codec_int.h"
#include "ike/codec/names.h"

struct dec {
	struct ike_msg *m;
	struct codec_err *err;
	struct ike_payload *p;	/* payload being decoded */
	size_t boff;		/* offset of its body in the buffer */
	const char *name;	/* its name, for messages */
};

int codec_fail(struct codec_err *err, enum codec_status st, uint8_t pl,
	       size_t off, const char *fmt, ...)
{
	va_list ap;

	err->status = st;
	err->payload = pl;
	err->offset = off;
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	return -1;
}

/* A syntax error inside the current payload body, at body offset pos. */
static int bad(struct dec *d, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(struct dec *d, size_t pos, const char *fmt, ...)
{
	char what[120];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return codec_fail(d->err, CODEC_INVALID_SYNTAX, d->p->type, d->boff + pos,
			  "%s payload at offset %zu: %s", d->name, d->p->off, what);
}

static struct ike_slice rest(struct rd *r)
{
	struct ike_slice s;

	s.p = rd_rest(r, &s.len);
	return s;
}

int ike_nonesp_strip(const uint8_t *buf, size_t len, const uint8_t **ike,
		     size_t *ike_len, struct codec_err *err)
{
	static const uint8_t marker[IKE_NONESP_MARKER_LEN];

	if (len < IKE_NONESP_MARKER_LEN)
		return codec_fail(err, CODEC_DROP, 0, 0,
				  "port 4500 datagram of %zu bytes < %d for the non-ESP marker",
				  len, IKE_NONESP_MARKER_LEN);
	if (memcmp(buf, marker, sizeof(marker)) != 0)
		return codec_fail(err, CODEC_DROP, 0, 0,
				  "port 4500 datagram without the non-ESP marker (ESP SPI %02x%02x%02x%02x)",
				  buf[0], buf[1], buf[2], buf[3]);
	*ike = buf + IKE_NONESP_MARKER_LEN;
	*ike_len = len - IKE_NONESP_MARKER_LEN;
	return 0;
}

int ike_hdr_decode(const uint8_t *buf, size_t len, struct ike_hdr *h,
		   struct codec_err *err)
{
	struct rd r;
	uint8_t ver;

	memset(h, 0, sizeof(*h));
	if (len < IKE_HDR_LEN)
		return codec_fail(err, CODEC_DROP, 0, 0, "IKE header: datagram of %zu bytes < %d",
				  len, IKE_HDR_LEN);
	rd_init(&r, buf, len);
	rd_copy(&r, h->spi_i, sizeof(h->spi_i));
	rd_copy(&r, h->spi_r, sizeof(h->spi_r));
	h->next = rd_u8(&r);
	ver = rd_u8(&r);
	h->major = ver >> 4;
	h->minor = ver & 0x0f;
	h->exchange = rd_u8(&r);
	h->flags = rd_u8(&r);
	h->msgid = rd_u32(&r);
	h->length = rd_u32(&r);
	/* 2.5: a higher major version gets INVALID_MAJOR_VERSION; IKEv1 and
	 * older are not ours to answer. Minor version is ignored. */
	if (h->major > IKE_VERSION_MAJOR)
		return codec_fail(err, CODEC_INVALID_MAJOR_VERSION, 0, 17,
				  "IKE header: major version %u > %d", h->major, IKE_VERSION_MAJOR);
	if (h->major < IKE_VERSION_MAJOR)
		return codec_fail(err, CODEC_DROP, 0, 17, "IKE header: major version %u < %d",
				  h->major, IKE_VERSION_MAJOR);
	if (h->length != len)
		return codec_fail(err, CODEC_DROP, 0, 24,
				  "IKE header: length %u != datagram length %zu", h->length, len);
	return 0;
}

static int dec_transform(struct dec *d, struct rd *t, size_t pos,
			 struct ike_transform *xf, int *unknown_attr)
{
	int have_keylen = 0;

	xf->type = rd_u8(t);
	rd_u8(t);
	xf->id = rd_u16(t);
	xf->keylen = 0;
	while (rd_left(t) > 0) {
		size_t apos = pos + rd_pos(t);
		uint16_t a, alen;

		if (rd_left(t) < 4)
			return bad(d, apos, "attribute: %zu bytes < 4", rd_left(t));
		a = rd_u16(t);
		if (a & ATTR_FORMAT_TV) {
			uint16_t v = rd_u16(t);

			if ((a & ~ATTR_FORMAT_TV) != ATTR_KEY_LENGTH || have_keylen)
				*unknown_attr = 1;
			have_keylen = 1;
			xf->keylen = v;
			continue;
		}
		alen = rd_u16(t);
		/* 3.3.5: Key Length is TV only */
		if (a == ATTR_KEY_LENGTH)
			return bad(d, apos, "Key Length attribute in TLV format (must be TV)");
		if (alen > rd_left(t))
			return bad(d, apos, "attribute length %u > %zu bytes left in the transform",
				   alen, rd_left(t));
		rd_skip(t, alen);
		*unknown_attr = 1;
	}
	return 0;
}

static int dec_proposal(struct dec *d, struct rd *pr, size_t pos, struct ike_pl_sa *sa)
{
	struct ike_proposal *prop = &d->m->prop[d->m->nprop];
	uint8_t ntrans, n = 0;
	int unknown_attr = 0;

	memset(prop, 0, sizeof(*prop));
	prop->num = rd_u8(pr);
	prop->protocol = rd_u8(pr);
	prop->spi_size = rd_u8(pr);
	ntrans = rd_u8(pr);
	if (prop->spi_size > IKE_MAX_SPI || prop->spi_size > rd_left(pr))
		return bad(d, pos, "proposal %u: SPI size %u > %zu", prop->num,
			   prop->spi_size, prop->spi_size > IKE_MAX_SPI ?
			   (size_t)IKE_MAX_SPI : rd_left(pr));
	/* 3.3.1: IKE proposals carry no SPI or (rekey) 8 bytes; ESP/AH 4 */
	if ((prop->protocol == PROTO_IKE && prop->spi_size != 0 && prop->spi_size != 8) ||
	    ((prop->protocol == PROTO_ESP || prop->protocol == PROTO_AH) && prop->spi_size != 4))
		return bad(d, pos, "proposal %u: SPI size %u invalid for protocol %u",
			   prop->num, prop->spi_size, prop->protocol);
	if (prop->protocol == PROTO_IKE && prop->spi_size)
		sa->ike_spi_nonzero = 1;
	rd_copy(pr, prop->spi, prop->spi_size);
	while (rd_left(pr) > 0) {
		size_t tpos = pos + rd_pos(pr);
		uint8_t last;
		uint16_t tlen;
		struct rd t;

		if (rd_left(pr) < 8)
			return bad(d, tpos, "transform: %zu bytes < 8", rd_left(pr));
		if (n >= IKE_MAX_TRANSFORMS)
			return bad(d, tpos, "proposal %u: more than %d transforms",
				   prop->num, IKE_MAX_TRANSFORMS);
		last = rd_u8(pr);
		rd_u8(pr);
		tlen = rd_u16(pr);
		if (tlen < 8 || tlen - 4u > rd_left(pr))
			return bad(d, tpos, "transform length %u outside [8, %zu]", tlen,
				   rd_left(pr) + 4);
		if (last != 0 && last != 3)
			return bad(d, tpos, "transform last-substructure %u is neither 0 nor 3", last);
		rd_sub(pr, &t, tlen - 4u);
		if (dec_transform(d, &t, tpos + 4, &prop->xf[n], &unknown_attr) < 0)
			return -1;
		n++;
		if ((last == 0) != (rd_left(pr) == 0))
			return bad(d, tpos, "transform last-substructure %u but %zu bytes follow",
				   last, rd_left(pr));
	}
	if (n != ntrans)
		return bad(d, pos, "proposal %u: transform count %u but %u transforms",
			   prop->num, ntrans, n);
	prop->ntransforms = n;
	if (unknown_attr)
		sa->unacceptable |= 1u << sa->nprop;
	return 0;
}

static int dec_sa(struct dec *d, struct rd *b)
{
	struct ike_pl_sa *sa = &d->p->u.sa;

	sa->prop = &d->m->prop[d->m->nprop];
	while (rd_left(b) > 0) {
		size_t pos = rd_pos(b);
		uint8_t last;
		uint16_t plen;
		struct rd pr;

		if (rd_left(b) < 8)
			return bad(d, pos, "proposal: %zu bytes < 8", rd_left(b));
		if (d->m->nprop >= IKE_MAX_PROPOSALS)
			return bad(d, pos, "more than %d proposals", IKE_MAX_PROPOSALS);
		last = rd_u8(b);
		rd_u8(b);
		plen = rd_u16(b);
		if (plen < 8 || plen - 4u > rd_left(b))
			return bad(d, pos, "proposal length %u outside [8, %zu]", plen,
				   rd_left(b) + 4);
		if (last != 0 && last != 2)
			return bad(d, pos, "proposal last-substructure %u is neither 0 nor 2", last);
		rd_sub(b, &pr, plen - 4u);
		if (dec_proposal(d, &pr, pos + 4, sa) < 0)
			return -1;
		/* 3.3.1: numbered from 1, each one more than the previous; an
		 * answer carries the number of the proposal it accepted */
		if (!(d->m->hdr.flags & IKE_FLAG_RESPONSE) &&
		    d->m->prop[d->m->nprop].num != sa->nprop + 1)
			return bad(d, pos, "proposal number %u, expected %zu",
				   d->m->prop[d->m->nprop].num, sa->nprop + 1);
		d->m->nprop++;
		sa->nprop++;
		if ((last == 0) != (rd_left(b) == 0))
			return bad(d, pos, "proposal last-substructure %u but %zu bytes follow",
				   last, rd_left(b));
	}
	if (sa->nprop == 0)
		return bad(d, 0, "no proposal");
	return 0;
}

static int dec_ke(struct dec *d, struct rd *b)
{
	if (rd_left(b) < 4)
		return bad(d, 0, "length %zu < 8", rd_left(b) + 4);
	d->p->u.ke.group = rd_u16(b);
	rd_u16(b);
	d->p->u.ke.data = rest(b);
	if (d->p->u.ke.data.len == 0)
		return bad(d, 4, "no key exchange data");
	return 0;
}

static int dec_id(struct dec *d, struct rd *b)
{
	struct ike_pl_id *id = &d->p->u.id;
	size_t want = 0;

	if (rd_left(b) < 5)
		return bad(d, 0, "length %zu < 9", rd_left(b) + 4);
	id->type = rd_u8(b);
	rd_skip(b, 3);
	id->data = rest(b);
	if (id->type == ID_IPV4_ADDR)
		want = 4;
	else if (id->type == ID_IPV6_ADDR)
		want = 16;
	if (want && id->data.len != want)
		return bad(d, 4, "%s of %zu bytes != %zu", ike_id_type_name(id->type),
			   id->data.len, want);
	return 0;
}

static int dec_cert(struct dec *d, struct rd *b)
{
	if (rd_left(b) < 1)
		return bad(d, 0, "length 4 < 5");
	d->p->u.cert.encoding = rd_u8(b);
	d->p->u.cert.data = rest(b);
	/* a CERTREQ may name no CA; a CERT must hold something */
	if (d->p->type == PL_CERT && d->p->u.cert.data.len == 0)
		return bad(d, 1, "no certificate data");
	return 0;
}

static int dec_auth(struct dec *d, struct rd *b)
{
	if (rd_left(b) < 5)
		return bad(d, 0, "length %zu < 9", rd_left(b) + 4);
	d->p->u.auth.method = rd_u8(b);
	rd_skip(b, 3);
	d->p->u.auth.data = rest(b);
	return 0;
}

static int dec_nonce(struct dec *d, struct rd *b)
{
	size_t n = rd_left(b);

	/* 3.9 */
	if (n < IKE_NONCE_MIN || n > IKE_NONCE_MAX)
		return bad(d, 0, "nonce of %zu bytes outside [%d, %d]", n,
			   IKE_NONCE_MIN, IKE_NONCE_MAX);
	d->p->u.nonce = rest(b);
	return 0;
}

static int dec_notify(struct dec *d, struct rd *b)
{
	struct ike_pl_notify *n = &d->p->u.notify;
	uint8_t spi_size;

	if (rd_left(b) < 4)
		return bad(d, 0, "length %zu < 8", rd_left(b) + 4);
	n->proto = rd_u8(b);
	spi_size = rd_u8(b);
	n->type = rd_u16(b);
	if (spi_size > rd_left(b))
		return bad(d, 1, "SPI size %u > %zu bytes left", spi_size, rd_left(b));
	n->spi.len = spi_size;
	n->spi.p = rd_bytes(b, spi_size);
	n->data = rest(b);
	return 0;
}

static int dec_delete(struct dec *d, struct rd *b)
{
	struct ike_pl_delete *del = &d->p->u.del;
	uint8_t want;

	if (rd_left(b) < 4)
		return bad(d, 0, "length %zu < 8", rd_left(b) + 4);
	del->proto = rd_u8(b);
	del->spi_size = rd_u8(b);
	del->nspi = rd_u16(b);
	/* 3.11: IKE SA deletes carry no SPI; ESP/AH ones 4-byte SPIs */
	if (del->proto == PROTO_IKE)
		want = 0;
	else if (del->proto == PROTO_ESP || del->proto == PROTO_AH)
		want = 4;
	else
		return bad(d, 0, "protocol %u is not IKE, AH or ESP", del->proto);
	if (del->spi_size != want)
		return bad(d, 1, "SPI size %u != %u for protocol %u", del->spi_size, want,
			   del->proto);
	if (del->proto == PROTO_IKE && del->nspi != 0)
		return bad(d, 2, "%u SPIs for the IKE SA, expected 0", del->nspi);
	if ((size_t)del->nspi * del->spi_size != rd_left(b))
		return bad(d, 4, "%u SPIs of %u bytes != %zu bytes", del->nspi,
			   del->spi_size, rd_left(b));
	del->spis = rest(b);
	return 0;
}

static int dec_vendor(struct dec *d, struct rd *b)
{
	d->p->u.vendor = rest(b);
	return 0;
}

static int dec_one_ts(struct dec *d, struct rd *b, struct ike_ts *ts)
{
	size_t pos = rd_pos(b), alen;
	uint16_t len;

	if (rd_left(b) < 8)
		return bad(d, pos, "selector: %zu bytes < 8", rd_left(b));
	memset(ts, 0, sizeof(*ts));
	ts->type = rd_u8(b);
	ts->ip_proto = rd_u8(b);
	len = rd_u16(b);
	if (ts->type == TS_IPV4_ADDR_RANGE)
		alen = 4;
	else if (ts->type == TS_IPV6_ADDR_RANGE)
		alen = 16;
	else
		return bad(d, pos, "selector type %u unknown", ts->type);
	if (len != 8 + 2 * alen || len - 4u > rd_left(b))
		return bad(d, pos, "%s selector length %u != %zu", ike_ts_type_name(ts->type),
			   len, 8 + 2 * alen);
	ts->start_port = rd_u16(b);
	ts->end_port = rd_u16(b);
	rd_copy(b, ts->start, alen);
	rd_copy(b, ts->end, alen);
	/* 3.13.1 */
	if (ts->start_port > ts->end_port)
		return bad(d, pos, "selector start port %u > end port %u",
			   ts->start_port, ts->end_port);
	if (memcmp(ts->start, ts->end, alen) > 0)
		return bad(d, pos, "selector start address > end address");
	return 0;
}

static int dec_ts(struct dec *d, struct rd *b)
{
	struct ike_pl_ts *pts = &d->p->u.ts;
	uint8_t n, i;

	if (rd_left(b) < 4)
		return bad(d, 0, "length %zu < 8", rd_left(b) + 4);
	n = rd_u8(b);
	rd_skip(b, 3);
	if (n == 0)
		return bad(d, 0, "number of selectors is 0");
	pts->ts = &d->m->ts[d->m->nts];
	for (i = 0; i < n; i++) {
		if (d->m->nts >= IKE_MSG_MAX_TS)
			return bad(d, rd_pos(b), "more than %d selectors in the message",
				   IKE_MSG_MAX_TS);
		if (dec_one_ts(d, b, &d->m->ts[d->m->nts]) < 0)
			return -1;
		d->m->nts++;
		pts->nts++;
	}
	if (rd_left(b) != 0)
		return bad(d, rd_pos(b), "%zu bytes after %u selectors", rd_left(b), n);
	return 0;
}

static int dec_cp(struct dec *d, struct rd *b)
{
	struct ike_pl_cp *cp = &d->p->u.cp;

	if (rd_left(b) < 4)
		return bad(d, 0, "length %zu < 8", rd_left(b) + 4);
	cp->cfg_type = rd_u8(b);
	rd_skip(b, 3);
	cp->attr = &d->m->cp[d->m->ncp];
	while (rd_left(b) > 0) {
		size_t pos = rd_pos(b);
		struct ike_cp_attr *a;
		uint16_t type, alen;

		if (rd_left(b) < 4)
			return bad(d, pos, "attribute: %zu bytes < 4", rd_left(b));
		type = rd_u16(b) & 0x7fff;
		alen = rd_u16(b);
		if (alen > rd_left(b))
			return bad(d, pos, "attribute length %u > %zu bytes left", alen,
				   rd_left(b));
		/* beyond the arena: checked, counted, not kept (BAD-INPUT 29:
		 * a flood of attributes is ignored, the rest is still served) */
		if (d->m->ncp >= IKE_MSG_MAX_CP_ATTRS) {
			rd_skip(b, alen);
			cp->ndropped++;
			continue;
		}
		a = &d->m->cp[d->m->ncp];
		a->type = type;
		a->value.len = alen;
		a->value.p = rd_bytes(b, alen);
		d->m->ncp++;
		cp->nattr++;
	}
	return 0;
}

static int dec_eap(struct dec *d, struct rd *b)
{
	struct ike_pl_eap *e = &d->p->u.eap;
	size_t n = rd_left(b);
	uint16_t elen;

	if (n < 4)
		return bad(d, 0, "length %zu < 8", n + 4);
	e->msg.p = b->p + rd_pos(b);
	e->msg.len = n;
	e->code = rd_u8(b);
	e->id = rd_u8(b);
	elen = rd_u16(b);
	/* 3.16: the EAP message fills the payload exactly */
	if (elen != n)
		return bad(d, 2, "EAP length %u != payload length - 4 (%zu)", elen, n);
	rd_skip(b, n - 4);
	return 0;
}

static int dec_sk(struct dec *d, struct rd *b)
{
	d->p->u.sk.hdr_off = d->p->off;
	d->p->u.sk.body = rest(b);
	return 0;
}

static int dec_skf(struct dec *d, struct rd *b)
{
	struct ike_pl_skf *f = &d->p->u.skf;

	if (rd_left(b) < 4)
		return bad(d, 0, "length %zu < 8", rd_left(b) + 4);
	f->num = rd_u16(b);
	f->total = rd_u16(b);
	f->hdr_off = d->p->off;
	f->body = rest(b);
	/* RFC 7383 2.5: such fragments are discarded */
	if (f->num == 0 || f->num > f->total)
		return codec_fail(d->err, CODEC_DROP, PL_SKF, d->boff,
				  "SKF payload at offset %zu: fragment number %u outside [1, total %u]",
				  d->p->off, f->num, f->total);
	return 0;
}

struct pl_desc {
	uint8_t type;
	int (*decode)(struct dec *d, struct rd *body);
};

static const struct pl_desc pl_descs[] = {
	{ PL_SA, dec_sa }, { PL_KE, dec_ke }, { PL_IDI, dec_id }, { PL_IDR, dec_id },
	{ PL_CERT, dec_cert }, { PL_CERTREQ, dec_cert }, { PL_AUTH, dec_auth },
	{ PL_NONCE, dec_nonce }, { PL_NOTIFY, dec_notify }, { PL_DELETE, dec_delete },
	{ PL_VENDOR, dec_vendor }, { PL_TSI, dec_ts }, { PL_TSR, dec_ts },
	{ PL_SK, dec_sk }, { PL_CP, dec_cp }, { PL_EAP, dec_eap }, { PL_SKF, dec_skf },
};

static const struct pl_desc *pl_desc(uint8_t type)
{
	size_t i;

	for (i = 0; i < sizeof(pl_descs) / sizeof(pl_descs[0]); i++)
		if (pl_descs[i].type == type)
			return &pl_descs[i];
	return NULL;
}

/* 3.14, BAD-INPUT 24: SK/SKF only outside SK, last, never in IKE_SA_INIT. */
static int check_sk_place(struct dec *d, int in_sk, size_t after)
{
	if (in_sk)
		return codec_fail(d->err, CODEC_DROP, d->p->type, d->p->off,
				  "%s payload at offset %zu: nested inside SK", d->name, d->p->off);
	if (d->m->hdr.exchange == IKE_SA_INIT)
		return codec_fail(d->err, CODEC_DROP, d->p->type, d->p->off,
				  "%s payload at offset %zu: not allowed in IKE_SA_INIT",
				  d->name, d->p->off);
	if (after)
		return codec_fail(d->err, CODEC_DROP, d->p->type, d->p->off,
				  "%s payload at offset %zu: not the last payload (%zu bytes follow)",
				  d->name, d->p->off, after);
	return 0;
}

static int decode_chain(struct ike_msg *m, uint8_t next, struct rd *r, int in_sk,
			struct codec_err *err)
{
	struct dec d = { .m = m, .err = err };
	char nbuf[24];

	while (next != PL_NONE) {
		size_t off = rd_pos(r);
		const struct pl_desc *desc;
		struct ike_payload *p;
		uint8_t np, flags;
		uint16_t plen;
		struct rd body;

		d.name = ike_payload_str(next, nbuf, sizeof(nbuf));
		if (rd_left(r) < 4)
			return codec_fail(err, CODEC_INVALID_SYNTAX, next, off,
					  "%s payload at offset %zu: %zu bytes left < 4", d.name,
					  off, rd_left(r));
		np = rd_u8(r);
		flags = rd_u8(r);
		plen = rd_u16(r);
		if (plen < 4)
			return codec_fail(err, CODEC_INVALID_SYNTAX, next, off,
					  "%s payload at offset %zu: length %u < 4", d.name, off, plen);
		if (plen - 4u > rd_left(r))
			return codec_fail(err, CODEC_INVALID_SYNTAX, next, off,
					  "%s payload at offset %zu: length %u > %zu bytes left",
					  d.name, off, plen, rd_left(r) + 4);
		if (m->npl >= IKE_MAX_PAYLOADS)
			return codec_fail(err, CODEC_INVALID_SYNTAX, next, off,
					  "%s payload at offset %zu: more than %d payloads",
					  d.name, off, IKE_MAX_PAYLOADS);
		rd_sub(r, &body, plen - 4u);
		p = &m->pl[m->npl];
		memset(p, 0, sizeof(*p));
		p->type = next;
		p->flags = flags;
		p->in_sk = in_sk;
		p->off = off;
		desc = pl_desc(next);
		if (!desc) {
			/* 2.5: skip unknown payloads unless critical */
			if (flags & PL_FLAG_CRITICAL)
				return codec_fail(err, CODEC_UNSUPPORTED_CRITICAL, next, off,
						  "%s payload at offset %zu: unsupported and critical",
						  d.name, off);
			p->u.raw = rest(&body);
			m->npl++;
			next = np;
			continue;
		}
		p->known = 1;
		d.p = p;
		d.boff = off + 4;
		if ((next == PL_SK || next == PL_SKF) && check_sk_place(&d, in_sk, rd_left(r)) < 0)
			return -1;
		if (desc->decode(&d, &body) < 0)
			return -1;
		m->npl++;
		if (next == PL_SK || next == PL_SKF) {
			if (next == PL_SK)
				p->u.sk.first = np;
			else
				p->u.skf.first = np;
			m->sk_index = (int)(m->npl - 1);
			return 0;
		}
		next = np;
	}
	if (rd_left(r) != 0)
		return codec_fail(err, CODEC_INVALID_SYNTAX, 0, rd_pos(r),
				  "%zu bytes after the last payload at offset %zu", rd_left(r),
				  rd_pos(r));
	return 0;
}

int ike_msg_decode(const uint8_t *buf, size_t len, struct ike_msg *m,
		   struct codec_err *err)
{
	struct rd r;

	m->npl = 0;
	m->nprop = m->nts = m->ncp = 0;
	m->sk_index = -1;
	memset(err, 0, sizeof(*err));
	if (ike_hdr_decode(buf, len, &m->hdr, err) < 0)
		return -1;
	rd_init(&r, buf, len);
	rd_skip(&r, IKE_HDR_LEN);
	return decode_chain(m, m->hdr.next, &r, 0, err);
}

int ike_msg_decode_sk(struct ike_msg *m, uint8_t first, const uint8_t *buf,
		      size_t len, struct codec_err *err)
{
	struct rd r;

	memset(err, 0, sizeof(*err));
	rd_init(&r, buf, len);
	return decode_chain(m, first, &r, 1, err);
}

int ike_msg_find(const struct ike_msg *m, uint8_t type, int from)
{
	size_t i;

	for (i = from < 0 ? 0 : (size_t)from; i < m->npl; i++)
		if (m->pl[i].type == type && m->pl[i].known)
			return (int)i;
	return -1;
}

const struct ike_pl_notify *ike_msg_notify(const struct ike_msg *m, uint16_t t)
{
	int i = -1;

	while ((i = ike_msg_find(m, PL_NOTIFY, i + 1)) >= 0)
		if (m->pl[i].u.notify.type == t)
			return &m->pl[i].u.notify;
	return NULL;
}

uint16_t codec_status_notify(enum codec_status st)
{
	switch (st) {
	case CODEC_INVALID_SYNTAX:
		return N_INVALID_SYNTAX;
	case CODEC_INVALID_MAJOR_VERSION:
		return N_INVALID_MAJOR_VERSION;
	case CODEC_UNSUPPORTED_CRITICAL:
		return N_UNSUPPORTED_CRITICAL_PAYLOAD;
	default:
		return 0;
	}
}

const char *codec_status_name(enum codec_status st)
{
	switch (st) {
	case CODEC_OK:
		return "OK";
	case CODEC_DROP:
		return "DROP";
	default:
		return ike_notify_name(codec_status_notify(st));
	}
}
