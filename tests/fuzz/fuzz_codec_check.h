/* Shared by the codec fuzz targets: the properties every decoded input must keep. */
#ifndef TESTS_FUZZ_CODEC_CHECK_H
#define TESTS_FUZZ_CODEC_CHECK_H

#include <stdint.h>

#include "ike/codec/codec.h"

/*
 * Re-encode what decoded (the outer message, or the SK inner chain when
 * inner is set), decode that again and re-encode it: both encodings must be
 * identical.  Aborts on any violation so libFuzzer records the input.
 */
void fuzz_check_stable(const struct ike_msg *m, int inner);
/* A rejection must say why. */
void fuzz_check_reason(const struct codec_err *err);

#endif
