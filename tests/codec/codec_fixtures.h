/* Shared by the codec tests: captured packets and sample typed payloads. */
#ifndef TESTS_CODEC_FIXTURES_H
#define TESTS_CODEC_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

#include "ike/codec/codec.h"

#define FX_MAX_MSG 4096

/* Captured from strongSwan 5.9.8 by tests/codec/capture-strongswan.sh. */
extern const char *const fx_captured[];
extern const size_t fx_ncaptured;

/* Read CODEC_DATADIR/name; returns its length (aborts the test on error). */
size_t fx_load(const char *name, uint8_t *buf, size_t cap);

/*
 * One payload of every type RFC 7296 defines outside SK/SKF, with known
 * field values (see codec_fixtures.c); returns the count.
 */
size_t fx_all_payloads(struct ike_payload *pl, size_t max);

/* Header with fixed SPIs for the given exchange and flags. */
void fx_hdr(struct ike_hdr *h, uint8_t exchange, uint8_t flags, uint32_t msgid);

/* Encode hdr + payloads into buf; returns the length (aborts on error). */
size_t fx_encode(const struct ike_hdr *h, const struct ike_payload *pl, size_t n,
		 uint8_t *buf, size_t cap);

/* Sample values the checks compare against. */
extern const uint8_t fx_nonce[32];
extern const uint8_t fx_ke[64];
extern const struct ike_proposal fx_ike_props[2];
extern const struct ike_ts fx_tsi[2];
extern const uint8_t fx_eap[10];

#endif
