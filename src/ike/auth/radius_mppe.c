/*
 * MS-MPPE-Send-Key / MS-MPPE-Recv-Key (RFC 2548 2.4.2, 2.4.3): a
 * Vendor-Specific attribute of vendor 311 whose String is a Salt (2
 * octets, high bit set) and the key, prefixed by its length and padded to
 * 16 octets, encrypted as
 *   b(1) = MD5(Secret + Request-Authenticator + Salt), c(1) = p(1) xor b(1)
 *   b(i) = MD5(Secret + c(i-1)),                       c(i) = p(i) xor b(i)
 */
#include <stdio.h>
#include <string.h>

#include "common/secret.h"
#include "ike/auth/radius.h"

#define MPPE_PLAIN_MAX	240	/* 253 - vendor header (6) - salt (2), in 16s */

/* Block i's pad: MD5(S + R + A) for the first, MD5(S + c(i-1)) after. */
static int pad_of(uint8_t b[16], const uint8_t *secret, size_t slen, const uint8_t *req_auth,
		  const uint8_t *salt, const uint8_t *prev)
{
	struct radius_part parts[3] = { { secret, slen } };

	if (!prev) {
		parts[1] = (struct radius_part){ req_auth, RADIUS_AUTH_LEN };
		parts[2] = (struct radius_part){ salt, 2 };
		return radius_md5(b, parts, 3);
	}
	parts[1] = (struct radius_part){ prev, 16 };
	return radius_md5(b, parts, 2);
}

int radius_mppe_encrypt(const uint8_t salt[2], const uint8_t *key, size_t klen,
			const uint8_t *secret, size_t slen, const uint8_t req_auth[RADIUS_AUTH_LEN],
			uint8_t *out, size_t cap)
{
	uint8_t plain[MPPE_PLAIN_MAX] = { 0 }, b[16];
	size_t n = (1 + klen + 15) / 16 * 16;

	if (!(salt[0] & 0x80) || n > sizeof(plain) || cap < 2 + n)
		return -1;
	plain[0] = (uint8_t)klen;
	memcpy(plain + 1, key, klen);
	memcpy(out, salt, 2);
	for (size_t i = 0; i < n; i += 16) {
		if (pad_of(b, secret, slen, req_auth, salt, i ? out + 2 + i - 16 : NULL) < 0)
			return -1;
		for (size_t j = 0; j < 16; j++)
			out[2 + i + j] = plain[i + j] ^ b[j];
	}
	memzero(plain, sizeof(plain));
	memzero(b, sizeof(b));
	return (int)(2 + n);
}

/* The String of the Microsoft VSA of vendor type vtype; NULL if none. */
static const uint8_t *ms_vsa(const struct radius_pkt *p, uint8_t vtype, size_t *len)
{
	for (size_t i = 0; i < p->nattrs; i++) {
		const struct radius_attr *a = &p->attrs[i];
		struct rd r;

		if (a->type != RA_VENDOR_SPECIFIC)
			continue;
		rd_init(&r, a->v, a->len);
		if (rd_u32(&r) != RADIUS_VENDOR_MICROSOFT)
			continue;
		/* RFC 2548 2: one Vendor-Type, Vendor-Length (>= 2), String */
		while (rd_left(&r) >= 2) {
			uint8_t t = rd_u8(&r), l = rd_u8(&r);
			const uint8_t *v = l >= 2 ? rd_bytes(&r, l - 2u) : NULL;

			if (!rd_ok(&r) || !v)
				break;
			if (t == vtype) {
				*len = l - 2u;
				return v;
			}
		}
	}
	return NULL;
}

int radius_mppe_key(const struct radius_pkt *p, uint8_t vtype, const uint8_t *secret, size_t slen,
		    const uint8_t req_auth[RADIUS_AUTH_LEN], uint8_t *key, size_t cap, size_t *klen,
		    char *why, size_t whylen)
{
	const char *name = vtype == MS_MPPE_SEND_KEY ? "MS-MPPE-Send-Key" : "MS-MPPE-Recv-Key";
	uint8_t plain[MPPE_PLAIN_MAX], b[16];
	size_t n;
	const uint8_t *v = ms_vsa(p, vtype, &n);
	int rc = -1;

	if (!v) {
		snprintf(why, whylen, "no %s", name);
		return -1;
	}
	if (n < 2 + 16 || (n - 2) % 16 || n - 2 > sizeof(plain) || !(v[0] & 0x80)) {
		snprintf(why, whylen, "%s of %zu bytes or without a salt", name, n);
		return -1;
	}
	for (size_t i = 0; i < n - 2; i += 16) {
		if (pad_of(b, secret, slen, req_auth, v, i ? v + 2 + i - 16 : NULL) < 0)
			goto out;
		for (size_t j = 0; j < 16; j++)
			plain[i + j] = v[2 + i + j] ^ b[j];
	}
	if (plain[0] == 0 || plain[0] > n - 3 || plain[0] > cap) {
		snprintf(why, whylen, "%s decrypts to a key length of %u", name, plain[0]);
		goto out;
	}
	memcpy(key, plain + 1, plain[0]);
	*klen = plain[0];
	rc = 0;
out:
	memzero(plain, sizeof(plain));
	memzero(b, sizeof(b));
	return rc;
}
