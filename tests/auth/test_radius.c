/*
 * RADIUS codec (radius.h): the Response Authenticator of RFC 2865
 * section 7.1's Access-Accept, HMAC-MD5 with RFC 2202 section 2's test
 * case 2 (RFC 3579 3.2's Message-Authenticator is HMAC-MD5), requests and
 * responses with EAP-Message split over attributes and a
 * Message-Authenticator, RFC 2548 2.4.2 key encryption round trip with a
 * fixed salt and authenticator, and the responses that must be dropped.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../crypto/hex.h"
#include "ike/auth/radius.h"

/* RFC 2865 7.1: "nemo" telnets; shared secret "xyzzy5461". */
static const char secret[] = "xyzzy5461";
#define REQ_AUTH_71 "0f403f94739780 57bd83d5cb98f4227a"
#define ACCEPT_71 "02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf" \
	"9b 55 e0 b2 06 06 00 00 00 01 0f 06 00 00 00 00 0e 06 c0 a8 01 03"

START_TEST(rfc2865_response_authenticator)
{
	uint8_t ra[16], pkt[64];
	size_t n = unhex(ACCEPT_71, pkt, sizeof(pkt));
	struct radius_pkt p;
	char why[128];

	ck_assert_uint_eq(unhex(REQ_AUTH_71, ra, sizeof(ra)), 16);
	ck_assert_uint_eq(n, 0x26);
	ck_assert_int_eq(radius_resp_check(pkt, n, 0, ra, (const uint8_t *)secret, 9, &p, why,
					   sizeof(why)), 0);
	ck_assert_uint_eq(p.code, RADIUS_ACCESS_ACCEPT);
	ck_assert_uint_eq(p.nattrs, 3);
	ck_assert_uint_eq(p.attrs[2].type, 14);		/* Login-IP-Host */
	/* another secret, another Identifier, one bit of an attribute */
	ck_assert_int_eq(radius_resp_check(pkt, n, 0, ra, (const uint8_t *)"xyzzy5462", 9, &p, why,
					   sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "Response Authenticator"));
	ck_assert_int_eq(radius_resp_check(pkt, n, 1, ra, (const uint8_t *)secret, 9, &p, why,
					   sizeof(why)), -1);
	pkt[n - 1] ^= 1;
	ck_assert_int_eq(radius_resp_check(pkt, n, 0, ra, (const uint8_t *)secret, 9, &p, why,
					   sizeof(why)), -1);
}
END_TEST

START_TEST(rfc2202_hmac_md5)
{
	static const char data[] = "what do ya want for nothing?";
	uint8_t out[16], want[16];

	unhex("750c783e6ab0b503eaa86e310a5db738", want, sizeof(want));
	ck_assert_int_eq(radius_hmac_md5((const uint8_t *)"Jefe", 4, (const uint8_t *)data,
					 strlen(data), out), 0);
	ck_assert_mem_eq(out, want, 16);
}
END_TEST

/* An answer to the request authenticator ra the way a server makes it:
 * attributes, Message-Authenticator over the packet with ra in place,
 * then the Response Authenticator. */
static size_t answer(uint8_t *buf, uint8_t code, uint8_t id, const uint8_t *ra,
		     const uint8_t *eap, size_t elen, int with_ma, const uint8_t *extra,
		     size_t xlen)
{
	struct radius_req b;
	struct radius_part parts[4];
	uint8_t resp[16];
	int n;

	radius_req_start(&b, buf, RADIUS_MAX_LEN, code, id, ra);
	if (xlen)
		wr_bytes(&b.w, extra, xlen);
	if (elen && with_ma)
		radius_put_eap(&b, eap, elen);
	else if (elen)
		radius_put(&b, RA_EAP_MESSAGE, eap, elen);
	n = radius_req_finish(&b, (const uint8_t *)secret, 9);
	ck_assert_int_gt(n, 0);
	parts[0] = (struct radius_part){ buf, 4 };
	parts[1] = (struct radius_part){ ra, 16 };
	parts[2] = (struct radius_part){ buf + 20, (size_t)n - 20 };
	parts[3] = (struct radius_part){ secret, 9 };
	ck_assert_int_eq(radius_md5(resp, parts, 4), 0);
	memcpy(buf + 4, resp, 16);
	return (size_t)n;
}

START_TEST(eap_message_split_and_authenticated)
{
	uint8_t eap[600], back[700], buf[RADIUS_MAX_LEN], ra[16];
	struct radius_pkt p;
	char why[128];
	size_t n;
	int len;

	memset(ra, 0x5a, sizeof(ra));
	for (size_t i = 0; i < sizeof(eap); i++)
		eap[i] = (uint8_t)i;
	eap[0] = 1;		/* Request, Length 600 */
	eap[2] = 600 >> 8;
	eap[3] = 600 & 0xff;
	n = answer(buf, RADIUS_ACCESS_CHALLENGE, 7, ra, eap, sizeof(eap), 1, NULL, 0);
	ck_assert_int_eq(radius_resp_check(buf, n, 7, ra, (const uint8_t *)secret, 9, &p, why,
					   sizeof(why)), 0);
	/* 253 + 253 + 94 and the Message-Authenticator */
	ck_assert_uint_eq(p.nattrs, 4);
	ck_assert_uint_eq(p.attrs[0].len, 253);
	len = radius_eap(&p, back, sizeof(back));
	ck_assert_int_eq(len, 600);
	ck_assert_mem_eq(back, eap, 600);
	ck_assert_int_eq(radius_eap(&p, back, 599), -1);
	/* RFC 3579 3.2: a wrong one, and none with EAP-Message, are dropped */
	buf[n - 1] ^= 0x80;
	ck_assert_int_eq(radius_resp_check(buf, n, 7, ra, (const uint8_t *)secret, 9, &p, why,
					   sizeof(why)), -1);
	eap[2] = 0;
	eap[3] = 200;
	n = answer(buf, RADIUS_ACCESS_CHALLENGE, 7, ra, eap, 200, 0, NULL, 0);
	ck_assert_int_eq(radius_resp_check(buf, n, 7, ra, (const uint8_t *)secret, 9, &p, why,
					   sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "without Message-Authenticator"));
}
END_TEST

START_TEST(request_message_authenticator)
{
	static const uint8_t eap[] = { 2, 9, 0, 10, 1, 'a', 'l', 'i', 'c', 'e' };
	uint8_t buf[256], ra[16], ma[16], copy[256];
	struct radius_req b;
	int n;

	memset(ra, 3, sizeof(ra));
	radius_req_start(&b, buf, sizeof(buf), RADIUS_ACCESS_REQUEST, 42, ra);
	radius_put(&b, RA_USER_NAME, "alice", 5);
	radius_put_eap(&b, eap, sizeof(eap));
	n = radius_req_finish(&b, (const uint8_t *)secret, 9);
	ck_assert_int_eq(n, 20 + 7 + 12 + 18);
	ck_assert_uint_eq(buf[3], n);
	/* RFC 3579 3.2: HMAC-MD5(secret, packet with the value zeroed) */
	memcpy(copy, buf, (size_t)n);
	memset(copy + n - 16, 0, 16);
	ck_assert_int_eq(radius_hmac_md5((const uint8_t *)secret, 9, copy, (size_t)n, ma), 0);
	ck_assert_mem_eq(buf + n - 16, ma, 16);
	/* one attribute value is 253 bytes at most */
	radius_req_start(&b, buf, sizeof(buf), RADIUS_ACCESS_REQUEST, 42, ra);
	radius_put(&b, RA_STATE, copy, 254);
	ck_assert_int_eq(radius_req_finish(&b, (const uint8_t *)secret, 9), -1);
}
END_TEST

/* RFC 2548 2.4.2 with a fixed salt (high bit set) and authenticator. */
START_TEST(rfc2548_mppe_round_trip)
{
	static const uint8_t salt[2] = { 0x81, 0x23 };
	uint8_t ra[16], key[32], enc[64], vsa[80], buf[RADIUS_MAX_LEN], got[64];
	struct radius_pkt p;
	char why[128];
	size_t klen, n;
	int elen;

	for (size_t i = 0; i < 16; i++)
		ra[i] = (uint8_t)(0xa0 + i);
	for (size_t i = 0; i < 32; i++)
		key[i] = (uint8_t)(i * 7);
	elen = radius_mppe_encrypt(salt, key, 32, (const uint8_t *)secret, 9, ra, enc, sizeof(enc));
	ck_assert_int_eq(elen, 2 + 48);		/* length byte + 32 + padding */
	ck_assert_mem_eq(enc, salt, 2);
	/* the first block: key length 32 xor MD5(secret + R + salt)[0] */
	{
		struct radius_part parts[3] = { { secret, 9 }, { ra, 16 }, { salt, 2 } };
		uint8_t b1[16];

		ck_assert_int_eq(radius_md5(b1, parts, 3), 0);
		ck_assert_uint_eq(enc[2] ^ b1[0], 32);
		ck_assert_uint_eq(enc[3] ^ b1[1], key[0]);
	}
	/* as a Vendor-Specific attribute of vendor 311, vendor type 17 */
	vsa[0] = RA_VENDOR_SPECIFIC;
	vsa[1] = (uint8_t)(2 + 4 + 2 + elen);
	vsa[2] = 0, vsa[3] = 0, vsa[4] = 0x01, vsa[5] = 0x37;
	vsa[6] = MS_MPPE_RECV_KEY;
	vsa[7] = (uint8_t)(2 + elen);
	memcpy(vsa + 8, enc, (size_t)elen);
	n = answer(buf, RADIUS_ACCESS_ACCEPT, 1, ra, NULL, 0, 0, vsa, vsa[1]);
	ck_assert_int_eq(radius_resp_check(buf, n, 1, ra, (const uint8_t *)secret, 9, &p, why,
					   sizeof(why)), 0);
	ck_assert_int_eq(radius_mppe_key(&p, MS_MPPE_RECV_KEY, (const uint8_t *)secret, 9, ra, got,
					 sizeof(got), &klen, why, sizeof(why)), 0);
	ck_assert_uint_eq(klen, 32);
	ck_assert_mem_eq(got, key, 32);
	ck_assert_int_eq(radius_mppe_key(&p, MS_MPPE_SEND_KEY, (const uint8_t *)secret, 9, ra, got,
					 sizeof(got), &klen, why, sizeof(why)), -1);
	/* another Request Authenticator decrypts to garbage: refused or wrong */
	ra[0] ^= 1;
	if (radius_mppe_key(&p, MS_MPPE_RECV_KEY, (const uint8_t *)secret, 9, ra, got, sizeof(got),
			    &klen, why, sizeof(why)) == 0)
		ck_assert(klen != 32 || memcmp(got, key, 32) != 0);
}
END_TEST

START_TEST(malformed_responses)
{
	uint8_t buf[RADIUS_MAX_LEN], ra[16] = { 0 };
	static const uint8_t bad_ip[] = { RA_FRAMED_IP_ADDRESS, 5, 1, 2, 3 };
	static const uint8_t twice[] = { RA_STATE, 3, 'x', RA_STATE, 3, 'y' };
	static const uint8_t overrun[] = { RA_CLASS, 9, 'x' };
	struct radius_pkt p;
	char why[128];
	size_t n;

	n = answer(buf, RADIUS_ACCESS_ACCEPT, 1, ra, NULL, 0, 0, bad_ip, sizeof(bad_ip));
	ck_assert_int_eq(radius_resp_check(buf, n, 1, ra, (const uint8_t *)secret, 9, &p, why,
					   sizeof(why)), -1);
	n = answer(buf, RADIUS_ACCESS_ACCEPT, 1, ra, NULL, 0, 0, twice, sizeof(twice));
	ck_assert_int_eq(radius_resp_check(buf, n, 1, ra, (const uint8_t *)secret, 9, &p, why,
					   sizeof(why)), -1);
	n = answer(buf, RADIUS_ACCESS_ACCEPT, 1, ra, NULL, 0, 0, overrun, sizeof(overrun));
	ck_assert_int_eq(radius_resp_check(buf, n, 1, ra, (const uint8_t *)secret, 9, &p, why,
					   sizeof(why)), -1);
	/* shorter than its Length; a request code */
	n = answer(buf, RADIUS_ACCESS_ACCEPT, 1, ra, NULL, 0, 0, NULL, 0);
	ck_assert_int_eq(radius_resp_check(buf, n - 1, 1, ra, (const uint8_t *)secret, 9, &p, why,
					   sizeof(why)), -1);
	n = answer(buf, RADIUS_ACCESS_REQUEST, 1, ra, NULL, 0, 0, NULL, 0);
	ck_assert_int_eq(radius_resp_check(buf, n, 1, ra, (const uint8_t *)secret, 9, &p, why,
					   sizeof(why)), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("radius");
	TCase *tc = tcase_create("codec");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, rfc2865_response_authenticator);
	tcase_add_test(tc, rfc2202_hmac_md5);
	tcase_add_test(tc, eap_message_split_and_authenticated);
	tcase_add_test(tc, request_message_authenticator);
	tcase_add_test(tc, rfc2548_mppe_round_trip);
	tcase_add_test(tc, malformed_responses);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
