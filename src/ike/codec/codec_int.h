/* Internal to the codec: shared between decode.c and rules.c. */
#ifndef IKE_CODEC_CODEC_INT_H
#define IKE_CODEC_CODEC_INT_H

#include "ike/codec/codec.h"

/* Fill err (status, payload type, offset, formatted reason); returns -1. */
int codec_fail(struct codec_err *err, enum codec_status st, uint8_t pl,
	       size_t off, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
