#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

#include "common/secret.h"

/* A reader over nothing still points somewhere: no NULL + 0 arithmetic. */
static const uint8_t rd_empty[1];

void rd_init(struct rd *r, const void *p, size_t len)
{
	r->p = p ? p : rd_empty;
	r->len = p ? len : 0;
	r->off = 0;
	r->err = 0;
}

/* The single place where a read is admitted: everything else calls this. */
static const uint8_t *rd_take(struct rd *r, size_t n)
{
	const uint8_t *p;

	if (r->err || n > r->len - r->off) {
		r->err = 1;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

uint8_t rd_u8(struct rd *r)
{
	const uint8_t *p = rd_take(r, 1);
	return p ? p[0] : 0;
}

uint16_t rd_u16(struct rd *r)
{
	const uint8_t *p = rd_take(r, 2);
	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

uint32_t rd_u24(struct rd *r)
{
	const uint8_t *p = rd_take(r, 3);
	return p ? (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2] : 0;
}

uint32_t rd_u32(struct rd *r)
{
	const uint8_t *p = rd_take(r, 4);
	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		   (uint32_t)p[2] << 8 | p[3] : 0;
}

/* All eight bytes are admitted at once: a short input consumes nothing. */
uint64_t rd_u64(struct rd *r)
{
	const uint8_t *p = rd_take(r, 8);
	uint64_t v = 0;
	int i;

	for (i = 0; p && i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

const uint8_t *rd_bytes(struct rd *r, size_t n)
{
	return rd_take(r, n);
}

int rd_copy(struct rd *r, void *dst, size_t n)
{
	const uint8_t *p = rd_take(r, n);

	if (!p)
		return -1;
	if (n)
		memcpy(dst, p, n);
	return 0;
}

int rd_skip(struct rd *r, size_t n)
{
	return rd_take(r, n) ? 0 : -1;
}

int rd_sub(struct rd *r, struct rd *sub, size_t n)
{
	const uint8_t *p = rd_take(r, n);

	rd_init(sub, p, p ? n : 0);
	if (!p) {
		sub->err = 1;
		return -1;
	}
	return 0;
}

const uint8_t *rd_rest(struct rd *r, size_t *n)
{
	size_t left = rd_left(r);

	*n = r->err ? 0 : left;
	return r->err ? NULL : rd_take(r, left);
}

void wr_init(struct wr *w, void *buf, size_t cap)
{
	w->buf = buf;
	w->cap = buf ? cap : 0;
	w->len = 0;
	w->err = 0;
	w->dynamic = 0;
}

int wr_init_dyn(struct wr *w, size_t hint)
{
	wr_init(w, NULL, 0);
	w->dynamic = 1;
	if (hint == 0)
		hint = 64;
	w->buf = malloc(hint);
	if (!w->buf) {
		w->err = 1;
		return -1;
	}
	w->cap = hint;
	return 0;
}

void wr_free(struct wr *w)
{
	if (w->dynamic && w->buf) {
		memzero(w->buf, w->cap);
		free(w->buf);
	}
	/* A freed writer refuses further writes instead of allocating again. */
	wr_init(w, NULL, 0);
	w->err = 1;
}

/* The single place where a write is admitted. */
static uint8_t *wr_take(struct wr *w, size_t n)
{
	uint8_t *p;

	if (w->err)
		return NULL;
	if (n == 0)
		return w->buf ? w->buf + w->len : NULL;
	if (n > w->cap - w->len) {
		size_t ncap;
		uint8_t *nb;

		if (!w->dynamic || n > SIZE_MAX / 2 - w->len) {
			w->err = 1;
			return NULL;
		}
		ncap = w->cap ? w->cap : 64;
		while (ncap - w->len < n)
			ncap *= 2;
		nb = malloc(ncap);
		if (!nb) {
			w->err = 1;
			return NULL;
		}
		if (w->len)
			memcpy(nb, w->buf, w->len);
		if (w->buf) {
			memzero(w->buf, w->cap);
			free(w->buf);
		}
		w->buf = nb;
		w->cap = ncap;
	}
	p = w->buf + w->len;
	w->len += n;
	return p;
}

void wr_u8(struct wr *w, uint8_t v)
{
	uint8_t *p = wr_take(w, 1);
	if (p)
		p[0] = v;
}

void wr_u16(struct wr *w, uint16_t v)
{
	uint8_t *p = wr_take(w, 2);
	if (p) {
		p[0] = v >> 8;
		p[1] = v & 0xff;
	}
}

void wr_u24(struct wr *w, uint32_t v)
{
	uint8_t *p = wr_take(w, 3);
	if (p) {
		p[0] = (v >> 16) & 0xff;
		p[1] = (v >> 8) & 0xff;
		p[2] = v & 0xff;
	}
}

void wr_u32(struct wr *w, uint32_t v)
{
	uint8_t *p = wr_take(w, 4);
	if (p) {
		p[0] = v >> 24;
		p[1] = (v >> 16) & 0xff;
		p[2] = (v >> 8) & 0xff;
		p[3] = v & 0xff;
	}
}

/* All eight bytes are admitted at once: a short buffer takes none. */
void wr_u64(struct wr *w, uint64_t v)
{
	uint8_t *p = wr_take(w, 8);
	int i;

	for (i = 7; p && i >= 0; i--, v >>= 8)
		p[i] = v & 0xff;
}

void wr_bytes(struct wr *w, const void *src, size_t n)
{
	uint8_t *p = wr_take(w, n);
	if (p && n)
		memcpy(p, src, n);
}

void wr_zero(struct wr *w, size_t n)
{
	uint8_t *p = wr_take(w, n);
	if (p && n)
		memset(p, 0, n);
}

size_t wr_reserve(struct wr *w, size_t n)
{
	size_t off = w->len;

	wr_zero(w, n);
	return off;
}

static uint8_t *wr_at(struct wr *w, size_t off, size_t n)
{
	if (w->err || off > w->len || n > w->len - off) {
		w->err = 1;
		return NULL;
	}
	return w->buf + off;
}

void wr_put_u8_at(struct wr *w, size_t off, uint8_t v)
{
	uint8_t *p = wr_at(w, off, 1);
	if (p)
		p[0] = v;
}

void wr_put_u16_at(struct wr *w, size_t off, uint16_t v)
{
	uint8_t *p = wr_at(w, off, 2);
	if (p) {
		p[0] = v >> 8;
		p[1] = v & 0xff;
	}
}

void wr_put_u32_at(struct wr *w, size_t off, uint32_t v)
{
	uint8_t *p = wr_at(w, off, 4);
	if (p) {
		p[0] = v >> 24;
		p[1] = (v >> 16) & 0xff;
		p[2] = (v >> 8) & 0xff;
		p[3] = v & 0xff;
	}
}
