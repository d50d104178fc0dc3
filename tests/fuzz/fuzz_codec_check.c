#include "fuzz_codec_check.h"

#include <stdlib.h>
#include <string.h>

static struct ike_msg again;

static int encode(const struct ike_msg *m, int inner, struct wr *w, uint8_t *first)
{
	if (inner)
		return ike_msg_encode_sk(m, w, first);
	return ike_msg_encode(m, w);
}

void fuzz_check_stable(const struct ike_msg *m, int inner)
{
	struct codec_err err;
	struct wr w1, w2;
	uint8_t first1 = 0, first2 = 0;
	int rc;

	if (wr_init_dyn(&w1, 512) < 0 || wr_init_dyn(&w2, 512) < 0)
		abort();
	if (encode(m, inner, &w1, &first1) < 0)
		abort();
	if (inner) {
		memset(&again, 0, sizeof(again));
		again.hdr = m->hdr;
		again.sk_index = -1;
		rc = ike_msg_decode_sk(&again, first1, wr_data(&w1), wr_len(&w1), &err);
	} else {
		rc = ike_msg_decode(wr_data(&w1), wr_len(&w1), &again, &err);
	}
	if (rc < 0)
		abort();
	if (encode(&again, inner, &w2, &first2) < 0 || first1 != first2 ||
	    wr_len(&w1) != wr_len(&w2) ||
	    memcmp(wr_data(&w1), wr_data(&w2), wr_len(&w1)) != 0)
		abort();
	wr_free(&w1);
	wr_free(&w2);
}

void fuzz_check_reason(const struct codec_err *err)
{
	if (err->status == CODEC_OK || err->reason[0] == '\0')
		abort();
}
