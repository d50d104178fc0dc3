/*
 * libFuzzer target: IKE fragment reassembly (src/ike/sa/frag.c, RFC 7383
 * 2.6) from an arbitrary sequence of fragments.  The input is records:
 *   flags(1) num(2) total(2) first(1) len(1) data[len]
 * flags bit 0: message ID 1 instead of 0; bit 1: the clock jumps past
 * FRAG_MAX_AGE_MS first; bit 2: data is a whole datagram, decoded by the
 * codec, whose SKF payload (if any) gives num, total, first and the
 * content instead.  A complete message is decoded as an IKE_AUTH request's
 * inner chain.  Checked: the set's bounds after every step, and that the
 * reassembled message holds exactly the bytes kept.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_codec_check.h"
#include "ike/codec/codec.h"
#include "ike/sa/frag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_set(const struct frag_rx *r)
{
	if (!r->active)
		return;
	if (r->count > r->total || r->total > FRAG_MAX_FRAGMENTS || r->bytes > FRAG_MAX_BYTES)
		abort();
}

static void complete(struct frag_rx *r)
{
	static struct ike_msg m;
	struct secret plain;
	struct codec_err err;
	uint8_t first;

	if (frag_rx_take(r, &plain, &first) < 0)
		abort();
	if (plain.len != r->bytes || !r->frag1)
		abort();
	memset(&m.hdr, 0, sizeof(m.hdr));
	m.hdr.exchange = IKE_AUTH;
	m.hdr.major = IKE_VERSION_MAJOR;
	m.npl = m.nprop = m.nts = m.ncp = 0;
	m.sk_index = -1;
	if (ike_msg_decode_sk(&m, first, plain.ptr, plain.len, &err) < 0)
		fuzz_check_reason(&err);
	else
		(void)ike_msg_check_rules(&m, &err);
	secret_free(&plain);
	frag_rx_clear(r);
}

/* A record whose data is a datagram: its SKF payload, if it has one. */
static int from_datagram(struct frag_in *in)
{
	static struct ike_msg m;
	struct codec_err err;
	const struct ike_pl_skf *f;

	if (ike_msg_decode(in->dgram, in->dgram_len, &m, &err) < 0) {
		fuzz_check_reason(&err);
		return -1;
	}
	if (m.sk_index < 0 || m.pl[m.sk_index].type != PL_SKF)
		return -1;
	f = &m.pl[m.sk_index].u.skf;
	in->num = f->num;
	in->total = f->total;
	in->first = f->first;
	in->plain = f->body.p;
	in->plain_len = f->body.len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frag_rx r;
	uint64_t now = 1000;
	char why[192];

	frag_rx_init(&r);
	while (size >= 7) {
		uint8_t flags = data[0];
		size_t len = data[6];
		struct frag_in in;

		if (size - 7 < len)
			len = size - 7;
		in.msgid = flags & 1;
		in.num = (uint16_t)(data[1] << 8 | data[2]);
		in.total = (uint16_t)(data[3] << 8 | data[4]);
		in.first = data[5];
		in.plain = in.dgram = data + 7;
		in.plain_len = in.dgram_len = len;
		data += 7 + len;
		size -= 7 + len;
		if (flags & 2)
			now += FRAG_MAX_AGE_MS + 1;
		if ((flags & 4) && from_datagram(&in) < 0)
			continue;
		if (frag_rx_check(&r, in.msgid, in.num, in.total, now, why, sizeof(why)) != FRAG_OK)
			continue;
		if (frag_rx_add(&r, &in, now, why, sizeof(why)) == FRAG_COMPLETE)
			complete(&r);
		check_set(&r);
	}
	frag_rx_clear(&r);
	return 0;
}
