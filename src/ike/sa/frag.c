/*
 * IKE fragment reassembly (RFC 7383 2.6).  See frag.h for the order of
 * calls; every rule that refuses a fragment says so in why.
 */
#include "ike/sa/frag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void frag_rx_init(struct frag_rx *r)
{
	memset(r, 0, sizeof(*r));
}

void frag_rx_clear(struct frag_rx *r)
{
	for (size_t i = 0; r->piece && i < r->total; i++)
		secret_free(&r->piece[i]);
	free(r->piece);
	free(r->frag1);
	frag_rx_init(r);
}

size_t frag_rx_held(const struct frag_rx *r)
{
	return r->bytes + r->frag1_len;
}

/* A set that the next fragment replaces without a word: another message,
 * or one that never completed in time. */
static int is_stale(const struct frag_rx *r, uint32_t msgid, uint64_t now_ms)
{
	return !r->active || r->msgid != msgid || now_ms - r->start_ms > FRAG_MAX_AGE_MS;
}

enum frag_verdict frag_rx_check(const struct frag_rx *r, uint32_t msgid, uint16_t num,
				uint16_t total, uint64_t now_ms, char *why, size_t whylen)
{
	if (num == 0 || num > total) {
		snprintf(why, whylen, "fragment number %u outside [1, total %u]", num, total);
		return FRAG_REFUSED;
	}
	if (total > FRAG_MAX_FRAGMENTS) {
		snprintf(why, whylen, "%u fragments, at most %d accepted", total,
			 FRAG_MAX_FRAGMENTS);
		return FRAG_REFUSED;
	}
	if (is_stale(r, msgid, now_ms) || total > r->total)
		return FRAG_OK;
	if (total < r->total) {
		/* 2.6: a lower total than the set's is a stale retransmission */
		snprintf(why, whylen, "total %u below the %u of the fragments collected",
			 total, r->total);
		return FRAG_REFUSED;
	}
	if (r->have & (UINT64_C(1) << (num - 1))) {
		snprintf(why, whylen, "fragment %u of %u received already", num, total);
		return FRAG_DUPLICATE;
	}
	return FRAG_OK;
}

/* An IKE SA holds no memory for fragments until the first one arrives. */
static int start_over(struct frag_rx *r, const struct frag_in *in, uint64_t now_ms)
{
	frag_rx_clear(r);
	r->piece = calloc(in->total, sizeof(*r->piece));
	if (!r->piece)
		return -1;
	r->active = 1;
	r->msgid = in->msgid;
	r->total = in->total;
	r->start_ms = now_ms;
	return 0;
}

enum frag_verdict frag_rx_add(struct frag_rx *r, const struct frag_in *in, uint64_t now_ms,
			      char *why, size_t whylen)
{
	enum frag_verdict v = frag_rx_check(r, in->msgid, in->num, in->total, now_ms, why,
					    whylen);
	size_t i = in->num - 1u;

	if (v != FRAG_OK)
		return v;
	if ((is_stale(r, in->msgid, now_ms) || in->total > r->total) &&
	    start_over(r, in, now_ms) < 0)
		goto oom;
	if (r->bytes + in->plain_len > FRAG_MAX_BYTES) {
		snprintf(why, whylen, "fragment %u of %u: %zu bytes collected, with %zu more "
			 "above %d: the message is dropped", in->num, in->total, r->bytes,
			 in->plain_len, FRAG_MAX_BYTES);
		frag_rx_clear(r);
		return FRAG_REFUSED;
	}
	if (secret_dup(&r->piece[i], in->plain, in->plain_len) < 0)
		goto oom;
	if (in->num == 1) {
		if (in->dgram_len > FRAG_MAX_BYTES) {
			snprintf(why, whylen, "fragment 1 of %u: datagram of %zu bytes, at most %d",
				 in->total, in->dgram_len, FRAG_MAX_BYTES);
			secret_free(&r->piece[i]);
			return FRAG_REFUSED;
		}
		r->frag1 = malloc(in->dgram_len ? in->dgram_len : 1);
		if (!r->frag1)
			goto oom;
		memcpy(r->frag1, in->dgram, in->dgram_len);
		r->frag1_len = in->dgram_len;
		r->first = in->first;
	}
	r->have |= UINT64_C(1) << i;
	r->bytes += in->plain_len;
	r->count++;
	return r->count == r->total ? FRAG_COMPLETE : FRAG_KEPT;
oom:
	snprintf(why, whylen, "out of memory keeping fragment %u of %u", in->num, in->total);
	frag_rx_clear(r);
	return FRAG_REFUSED;
}

int frag_rx_take(const struct frag_rx *r, struct secret *out, uint8_t *first)
{
	size_t off = 0;

	out->ptr = NULL;
	out->len = 0;
	if (!r->active || r->count != r->total)
		return -1;
	if (secret_alloc(out, r->bytes ? r->bytes : 1) < 0)
		return -1;
	for (size_t i = 0; i < r->total; i++) {
		if (r->piece[i].len)
			memcpy(out->ptr + off, r->piece[i].ptr, r->piece[i].len);
		off += r->piece[i].len;
	}
	out->len = off;
	*first = r->first;
	return 0;
}
