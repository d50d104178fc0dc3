/*
 * Bounds-checked reader and writer: the only code in ikedaemon that touches
 * raw wire bytes.  Both carry a sticky error flag, so a chain of reads or
 * writes can be checked once at the end; after an error every getter returns
 * 0/NULL and never reads out of bounds.
 */
#ifndef IKE_COMMON_BUF_H
#define IKE_COMMON_BUF_H

#include <stddef.h>
#include <stdint.h>

struct rd {
	const uint8_t *p;
	size_t len;
	size_t off;
	int err;
};

void rd_init(struct rd *r, const void *p, size_t len);
uint8_t rd_u8(struct rd *r);
uint16_t rd_u16(struct rd *r);
uint32_t rd_u24(struct rd *r);
uint32_t rd_u32(struct rd *r);
uint64_t rd_u64(struct rd *r);
/* Pointer to the next n bytes (and skip them), or NULL with err set. */
const uint8_t *rd_bytes(struct rd *r, size_t n);
int rd_copy(struct rd *r, void *dst, size_t n);
int rd_skip(struct rd *r, size_t n);
/* A sub-reader over the next n bytes; the parent skips them. */
int rd_sub(struct rd *r, struct rd *sub, size_t n);
/* The remaining bytes (the reader is then at its end). */
const uint8_t *rd_rest(struct rd *r, size_t *n);

static inline size_t rd_left(const struct rd *r) { return r->err ? 0 : r->len - r->off; }
static inline size_t rd_pos(const struct rd *r) { return r->off; }
static inline int rd_ok(const struct rd *r) { return !r->err; }
static inline int rd_done(const struct rd *r) { return !r->err && r->off == r->len; }

struct wr {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err;
	int dynamic;	/* grows with realloc; wr_free() releases it */
};

void wr_init(struct wr *w, void *buf, size_t cap);
int wr_init_dyn(struct wr *w, size_t hint);
void wr_free(struct wr *w);	/* zeroizes a dynamic buffer before freeing */
void wr_u8(struct wr *w, uint8_t v);
void wr_u16(struct wr *w, uint16_t v);
void wr_u24(struct wr *w, uint32_t v);
void wr_u32(struct wr *w, uint32_t v);
void wr_u64(struct wr *w, uint64_t v);
void wr_bytes(struct wr *w, const void *p, size_t n);
void wr_zero(struct wr *w, size_t n);
/* Reserve n bytes to fill in later; returns their offset. */
size_t wr_reserve(struct wr *w, size_t n);
void wr_put_u8_at(struct wr *w, size_t off, uint8_t v);
void wr_put_u16_at(struct wr *w, size_t off, uint16_t v);
void wr_put_u32_at(struct wr *w, size_t off, uint32_t v);

static inline size_t wr_len(const struct wr *w) { return w->len; }
static inline int wr_ok(const struct wr *w) { return !w->err; }
static inline uint8_t *wr_data(const struct wr *w) { return w->buf; }

#endif
