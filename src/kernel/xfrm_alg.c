/*
 * Algorithm maps.  Names are what the Linux crypto API registers (and what
 * iproute2 and strongSwan hand to XFRM); ICV and truncation lengths come
 * from the RFC defining each ESP transform.
 */
#include "kernel/xfrm_alg.h"

#include "ike/ikev2.h"

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

static const struct xfrm_encr_alg encr_algs[] = {
	{ ENCR_AES_CBC, "ENCR_AES_CBC", "cbc(aes)", 0, 0, 0, 16, 32, 8 },
	{ ENCR_AES_CTR, "ENCR_AES_CTR", "rfc3686(ctr(aes))", 0, 0, 4, 16, 32, 8 },
	{ ENCR_3DES, "ENCR_3DES", "cbc(des3_ede)", 0, 0, 0, 24, 24, 1 },
	{ ENCR_NULL, "ENCR_NULL", "ecb(cipher_null)", 0, 0, 0, 0, 0, 1 },
	/* RFC 4106: 4-byte salt after the key */
	{ ENCR_AES_GCM_8, "ENCR_AES_GCM_8", "rfc4106(gcm(aes))", 1, 64, 4, 16, 32, 8 },
	{ ENCR_AES_GCM_12, "ENCR_AES_GCM_12", "rfc4106(gcm(aes))", 1, 96, 4, 16, 32, 8 },
	{ ENCR_AES_GCM_16, "ENCR_AES_GCM_16", "rfc4106(gcm(aes))", 1, 128, 4, 16, 32, 8 },
	/* RFC 4309: 3-byte salt */
	{ ENCR_AES_CCM_8, "ENCR_AES_CCM_8", "rfc4309(ccm(aes))", 1, 64, 3, 16, 32, 8 },
	{ ENCR_AES_CCM_12, "ENCR_AES_CCM_12", "rfc4309(ccm(aes))", 1, 96, 3, 16, 32, 8 },
	{ ENCR_AES_CCM_16, "ENCR_AES_CCM_16", "rfc4309(ccm(aes))", 1, 128, 3, 16, 32, 8 },
	/* RFC 4543: GMAC is integrity-only but keyed like GCM */
	{ ENCR_NULL_AUTH_AES_GMAC, "ENCR_NULL_AUTH_AES_GMAC", "rfc4543(gcm(aes))", 1, 128, 4, 16, 32, 8 },
	/* RFC 7634: 256-bit key plus 4-byte salt, 16-byte tag */
	{ ENCR_CHACHA20_POLY1305, "ENCR_CHACHA20_POLY1305", "rfc7539esp(chacha20,poly1305)", 1, 128, 4, 32, 32, 1 },
};

static const struct xfrm_integ_alg integ_algs[] = {
	{ AUTH_HMAC_MD5_96, "AUTH_HMAC_MD5_96", "hmac(md5)", 96, 16 },
	{ AUTH_HMAC_SHA1_96, "AUTH_HMAC_SHA1_96", "hmac(sha1)", 96, 20 },
	{ AUTH_AES_XCBC_96, "AUTH_AES_XCBC_96", "xcbc(aes)", 96, 16 },
	{ AUTH_AES_CMAC_96, "AUTH_AES_CMAC_96", "cmac(aes)", 96, 16 },
	{ AUTH_HMAC_SHA2_256_128, "AUTH_HMAC_SHA2_256_128", "hmac(sha256)", 128, 32 },
	{ AUTH_HMAC_SHA2_384_192, "AUTH_HMAC_SHA2_384_192", "hmac(sha384)", 192, 48 },
	{ AUTH_HMAC_SHA2_512_256, "AUTH_HMAC_SHA2_512_256", "hmac(sha512)", 256, 64 },
};

const struct xfrm_encr_alg *xfrm_encr_lookup(uint16_t ike_id)
{
	for (size_t i = 0; i < COUNT(encr_algs); i++)
		if (encr_algs[i].ike_id == ike_id)
			return &encr_algs[i];
	return NULL;
}

const struct xfrm_integ_alg *xfrm_integ_lookup(uint16_t ike_id)
{
	for (size_t i = 0; i < COUNT(integ_algs); i++)
		if (integ_algs[i].ike_id == ike_id)
			return &integ_algs[i];
	return NULL;
}

int xfrm_encr_key_ok(const struct xfrm_encr_alg *alg, size_t key_len)
{
	size_t k;

	if (key_len < alg->salt_len)
		return 0;
	k = key_len - alg->salt_len;
	if (k < alg->key_min || k > alg->key_max)
		return 0;
	return (k - alg->key_min) % alg->key_step == 0;
}
