/* MS-CHAPv2 (RFC 2759 8) and MPPE master keys (RFC 3079 3): see mschapv2.h. */
#include "ike/auth/mschapv2.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/provider.h>

#include "common/secret.h"

/* RFC 2759 8.3: passwords up to 256 characters. */
#define PW_UNI_MAX	(256 * 2)

static OSSL_LIB_CTX *legacy_ctx;
static OSSL_PROVIDER *legacy_prov;

static OSSL_LIB_CTX *legacy(void)
{
	if (legacy_ctx)
		return legacy_ctx;
	legacy_ctx = OSSL_LIB_CTX_new();
	if (!legacy_ctx)
		return NULL;
	legacy_prov = OSSL_PROVIDER_load(legacy_ctx, "legacy");
	if (!legacy_prov) {
		OSSL_LIB_CTX_free(legacy_ctx);
		legacy_ctx = NULL;
	}
	return legacy_ctx;
}

void mschap_cleanup(void)
{
	if (legacy_prov)
		OSSL_PROVIDER_unload(legacy_prov);
	if (legacy_ctx)
		OSSL_LIB_CTX_free(legacy_ctx);
	legacy_prov = NULL;
	legacy_ctx = NULL;
}

/* UTF-8 -> UTF-16LE (surrogate pairs above the BMP); -1 on a bad sequence. */
static int utf16le(const uint8_t *s, size_t n, uint8_t *out, size_t *olen)
{
	size_t i = 0, o = 0;

	while (i < n) {
		uint32_t c = s[i];
		size_t more = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 :
			      (c & 0xf8) == 0xf0 ? 3 : 9;

		if (more == 9 || (more && i + more >= n))
			return -1;
		c &= more ? 0x3fu >> more : 0x7f;
		for (size_t k = 1; k <= more; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return -1;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		i += more + 1;
		if (c >= 0x10000) {
			if (o + 4 > PW_UNI_MAX)
				return -1;
			c -= 0x10000;
			uint16_t hi = (uint16_t)(0xd800 | c >> 10), lo = (uint16_t)(0xdc00 | (c & 0x3ff));
			out[o++] = hi & 0xff;
			out[o++] = hi >> 8;
			out[o++] = lo & 0xff;
			out[o++] = lo >> 8;
			continue;
		}
		if (o + 2 > PW_UNI_MAX)
			return -1;
		out[o++] = c & 0xff;
		out[o++] = (uint8_t)(c >> 8);
	}
	*olen = o;
	return 0;
}

static int digest(OSSL_LIB_CTX *ctx, const char *alg, const uint8_t *const *parts,
		  const size_t *lens, size_t n, uint8_t *out)
{
	EVP_MD *md = EVP_MD_fetch(ctx, alg, NULL);
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = md && c && EVP_DigestInit_ex(c, md, NULL);

	for (size_t i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(c, parts[i], lens[i]);
	ok = ok && EVP_DigestFinal_ex(c, out, NULL);
	EVP_MD_CTX_free(c);
	EVP_MD_free(md);
	return ok ? 0 : -1;
}

int mschap_nt_hash(const uint8_t *pw, size_t pwlen, uint8_t out[16])
{
	uint8_t uni[PW_UNI_MAX];
	size_t ulen = 0;
	OSSL_LIB_CTX *ctx = legacy();
	int rc = -1;

	if (ctx && utf16le(pw, pwlen, uni, &ulen) == 0)
		rc = digest(ctx, "MD4", (const uint8_t *const[]){ uni }, &ulen, 1, out);
	memzero(uni, sizeof(uni));
	return rc;
}

static int nt_hash_hash(const uint8_t *pw, size_t pwlen, uint8_t out[16])
{
	uint8_t h[16];
	size_t l = 16;
	int rc = mschap_nt_hash(pw, pwlen, h);

	if (rc == 0)
		rc = digest(legacy(), "MD4", (const uint8_t *const[]){ h }, &l, 1, out);
	memzero(h, sizeof(h));
	return rc;
}

int mschap_challenge_hash(const uint8_t peer_ch[16], const uint8_t auth_ch[16],
			  const uint8_t *user, size_t ulen, uint8_t out[8])
{
	const uint8_t *bs = memchr(user, '\\', ulen);
	uint8_t d[20];

	if (bs) {
		ulen -= (size_t)(bs + 1 - user);
		user = bs + 1;
	}
	if (digest(NULL, "SHA1", (const uint8_t *const[]){ peer_ch, auth_ch, user },
		   (const size_t[]){ 16, 16, ulen }, 3, d) < 0)
		return -1;
	memcpy(out, d, 8);
	return 0;
}

/* 8.6 DesEncrypt: 7 key bytes spread over 8 with (ignored) parity bits. */
static int des_block(EVP_CIPHER *des, const uint8_t key7[7], const uint8_t in[8], uint8_t out[8])
{
	uint8_t k[8];
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, ok;

	k[0] = key7[0];
	for (int i = 1; i < 7; i++)
		k[i] = (uint8_t)(key7[i - 1] << (8 - i) | key7[i] >> i);
	k[7] = (uint8_t)(key7[6] << 1);
	ok = c && EVP_EncryptInit_ex(c, des, NULL, k, NULL) && EVP_CIPHER_CTX_set_padding(c, 0) &&
	     EVP_EncryptUpdate(c, out, &n, in, 8) && n == 8;
	EVP_CIPHER_CTX_free(c);
	memzero(k, sizeof(k));
	return ok ? 0 : -1;
}

int mschap_nt_response(const uint8_t auth_ch[16], const uint8_t peer_ch[16],
		       const uint8_t *user, size_t ulen, const uint8_t *pw, size_t pwlen,
		       uint8_t out[MSCHAP_NT_RESP_LEN])
{
	uint8_t ch[8], z[21] = { 0 };
	EVP_CIPHER *des = NULL;
	int rc = -1;

	if (!legacy() || mschap_challenge_hash(peer_ch, auth_ch, user, ulen, ch) < 0 ||
	    mschap_nt_hash(pw, pwlen, z) < 0 ||
	    !(des = EVP_CIPHER_fetch(legacy(), "DES-ECB", NULL)))
		goto out;
	/* 8.5 ChallengeResponse: the hash zero-padded to 21 bytes, 3 DES keys */
	rc = des_block(des, z, ch, out) < 0 || des_block(des, z + 7, ch, out + 8) < 0 ||
	     des_block(des, z + 14, ch, out + 16) < 0 ? -1 : 0;
out:
	EVP_CIPHER_free(des);
	memzero(z, sizeof(z));
	return rc;
}

int mschap_auth_response(const uint8_t *pw, size_t pwlen, const uint8_t nt_resp[24],
			 const uint8_t peer_ch[16], const uint8_t auth_ch[16],
			 const uint8_t *user, size_t ulen, char out[MSCHAP_AUTH_RESP_LEN + 1])
{
	static const char magic1[] = "Magic server to client signing constant";
	static const char magic2[] = "Pad to make it do more than one iteration";
	uint8_t hh[16], d[20], ch[8];
	int rc = -1;

	if (nt_hash_hash(pw, pwlen, hh) < 0 ||
	    digest(NULL, "SHA1", (const uint8_t *const[]){ hh, nt_resp, (const uint8_t *)magic1 },
		   (const size_t[]){ 16, 24, sizeof(magic1) - 1 }, 3, d) < 0 ||
	    mschap_challenge_hash(peer_ch, auth_ch, user, ulen, ch) < 0 ||
	    digest(NULL, "SHA1", (const uint8_t *const[]){ d, ch, (const uint8_t *)magic2 },
		   (const size_t[]){ 20, 8, sizeof(magic2) - 1 }, 3, d) < 0)
		goto out;
	out[0] = 'S';
	out[1] = '=';
	for (int i = 0; i < 20; i++)
		snprintf(out + 2 + 2 * i, 3, "%02X", d[i]);
	rc = 0;
out:
	memzero(hh, sizeof(hh));
	return rc;
}

int mschap_master_key(const uint8_t *pw, size_t pwlen, const uint8_t nt_resp[24],
		      uint8_t out[16])
{
	static const char magic1[] = "This is the MPPE Master Key";
	uint8_t hh[16], d[20];
	int rc = -1;

	if (nt_hash_hash(pw, pwlen, hh) == 0 &&
	    digest(NULL, "SHA1", (const uint8_t *const[]){ hh, nt_resp, (const uint8_t *)magic1 },
		   (const size_t[]){ 16, 24, sizeof(magic1) - 1 }, 3, d) == 0) {
		memcpy(out, d, 16);
		rc = 0;
	}
	memzero(hh, sizeof(hh));
	memzero(d, sizeof(d));
	return rc;
}

int mschap_asym_key(const uint8_t master[16], int send, int server, uint8_t out[16])
{
	static const char magic2[] = "On the client side, this is the send key; "
				     "on the server side, it is the receive key.";
	static const char magic3[] = "On the client side, this is the receive key; "
				     "on the server side, it is the send key.";
	const char *s = send == server ? magic3 : magic2;
	uint8_t pad1[40], pad2[40], d[20];
	int rc;

	memset(pad1, 0, sizeof(pad1));
	memset(pad2, 0xf2, sizeof(pad2));
	rc = digest(NULL, "SHA1", (const uint8_t *const[]){ master, pad1, (const uint8_t *)s, pad2 },
		    (const size_t[]){ 16, 40, strlen(s), 40 }, 4, d);
	if (rc == 0)
		memcpy(out, d, 16);
	memzero(d, sizeof(d));
	return rc;
}

int mschap_msk(const uint8_t *pw, size_t pwlen, const uint8_t nt_resp[24],
	       uint8_t out[MSCHAP_MSK_LEN])
{
	uint8_t mk[16];
	int rc;

	memset(out, 0, MSCHAP_MSK_LEN);
	rc = mschap_master_key(pw, pwlen, nt_resp, mk) < 0 ||
	     mschap_asym_key(mk, 0, 1, out) < 0 || mschap_asym_key(mk, 1, 1, out + 16) < 0 ? -1 : 0;
	memzero(mk, sizeof(mk));
	return rc;
}
