/*
 * libFuzzer target: RADIUS responses (src/ike/auth/radius.h) as the
 * eap-radius client checks them: radius_resp_check (Length, Identifier,
 * Response Authenticator, attribute walk and rules, Message-Authenticator),
 * then the EAP-Message reassembly and both MS-MPPE key decryptions.
 * Input: a flags byte, then the datagram.  Flag bit 0 makes the harness
 * sign the datagram with the test secret first (a valid Message-
 * Authenticator where the walk finds one with bit 1, then the Response
 * Authenticator), so the fuzzer gets past the digests into the attribute
 * code; without it the digests must refuse.  Checks: nothing outside the
 * buffers (ASan), lengths within their bounds, an unsigned datagram never
 * accepted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike/auth/radius.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t secret[] = "fuzz-radius-secret";
static const uint8_t req_auth[RADIUS_AUTH_LEN] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};

/* The offset of the first Message-Authenticator value the walk reaches, 0 if none. */
static size_t find_ma(const uint8_t *p, size_t n)
{
	for (size_t off = RADIUS_HDR_LEN; off + 2 <= n && p[off + 1] >= 2 && off + p[off + 1] <= n;
	     off += p[off + 1])
		if (p[off] == RA_MESSAGE_AUTHENTICATOR && p[off + 1] == 18)
			return off + 2;
	return 0;
}

/* What a server holding the secret would send for these bytes. */
static void sign(uint8_t *p, size_t n, int with_ma)
{
	size_t len = (size_t)p[2] << 8 | p[3], ma;
	struct radius_part parts[4];

	if (len < RADIUS_HDR_LEN || len > n)
		return;
	memcpy(p + 4, req_auth, RADIUS_AUTH_LEN);
	if (with_ma && (ma = find_ma(p, len))) {
		memset(p + ma, 0, 16);
		radius_hmac_md5(secret, sizeof(secret) - 1, p, len, p + ma);
	}
	parts[0] = (struct radius_part){ p, 4 };
	parts[1] = (struct radius_part){ req_auth, RADIUS_AUTH_LEN };
	parts[2] = (struct radius_part){ p + RADIUS_HDR_LEN, len - RADIUS_HDR_LEN };
	parts[3] = (struct radius_part){ secret, sizeof(secret) - 1 };
	radius_md5(p + 4, parts, 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[RADIUS_MAX_LEN + 64], eap[RADIUS_EAP_MAX], key[64];
	struct radius_pkt p;
	char why[160];
	size_t n, klen;
	int rc, elen;

	if (size < 1 || size - 1 > sizeof(pkt))
		return 0;
	n = size - 1;
	memcpy(pkt, data + 1, n);
	if (data[0] & 1)
		sign(pkt, n, data[0] & 2);
	rc = radius_resp_check(pkt, n, n > 1 ? pkt[1] : 0, req_auth, secret, sizeof(secret) - 1,
			       &p, why, sizeof(why));
	if (rc < 0) {
		if (!why[0])
			abort();
		return 0;
	}
	if (!(data[0] & 1) || p.nattrs > RADIUS_ATTRS_MAX || p.len > n)
		abort();	/* accepted without the secret, or out of bounds */
	elen = radius_eap(&p, eap, sizeof(eap));
	if (elen > (int)sizeof(eap))
		abort();
	for (uint8_t t = MS_MPPE_SEND_KEY; t <= MS_MPPE_RECV_KEY; t++)
		if (radius_mppe_key(&p, t, secret, sizeof(secret) - 1, req_auth, key,
				    data[0] & 4 ? 16 : sizeof(key), &klen, why, sizeof(why)) == 0 &&
		    (klen == 0 || klen > (data[0] & 4 ? 16 : sizeof(key))))
			abort();
	return 0;
}
