/*
 * Algorithm maps.  Names are what the Linux crypto API registers (and what
 * iproute2 and strongSwan hand to XFRM); ICV and truncation lengths come
 * from the RFC defining each ESP transform.
 */
#include "kernel/xfrm_alg.h"

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

static const struct xfrm_encr_alg encr_algs[] = {
	{ KERNEL_ENCR_AES_CBC, "aes-cbc", "cbc(aes)", 0, 0, 0, 16, 32, 8 },
	{ KERNEL_ENCR_AES_CTR, "aes-ctr", "rfc3686(ctr(aes))", 0, 0, 4, 16, 32, 8 },
	{ KERNEL_ENCR_3DES_CBC, "3des-cbc", "cbc(des3_ede)", 0, 0, 0, 24, 24, 1 },
	{ KERNEL_ENCR_NULL, "null", "ecb(cipher_null)", 0, 0, 0, 0, 0, 1 },
	/* RFC 4106: 4-byte salt after the key */
	{ KERNEL_ENCR_AES_GCM_8, "aes-gcm-8", "rfc4106(gcm(aes))", 1, 64, 4, 16, 32, 8 },
	{ KERNEL_ENCR_AES_GCM_12, "aes-gcm-12", "rfc4106(gcm(aes))", 1, 96, 4, 16, 32, 8 },
	{ KERNEL_ENCR_AES_GCM_16, "aes-gcm-16", "rfc4106(gcm(aes))", 1, 128, 4, 16, 32, 8 },
	/* RFC 4309: 3-byte salt */
	{ KERNEL_ENCR_AES_CCM_8, "aes-ccm-8", "rfc4309(ccm(aes))", 1, 64, 3, 16, 32, 8 },
	{ KERNEL_ENCR_AES_CCM_12, "aes-ccm-12", "rfc4309(ccm(aes))", 1, 96, 3, 16, 32, 8 },
	{ KERNEL_ENCR_AES_CCM_16, "aes-ccm-16", "rfc4309(ccm(aes))", 1, 128, 3, 16, 32, 8 },
	/* RFC 4543: GMAC is integrity-only but keyed like GCM */
	{ KERNEL_ENCR_AES_GMAC, "aes-gmac", "rfc4543(gcm(aes))", 1, 128, 4, 16, 32, 8 },
	/* RFC 7634: 256-bit key plus 4-byte salt, 16-byte tag */
	{ KERNEL_ENCR_CHACHA20_POLY1305, "chacha20-poly1305", "rfc7539esp(chacha20,poly1305)", 1, 128, 4, 32, 32, 1 },
};

static const struct xfrm_integ_alg integ_algs[] = {
	{ KERNEL_INTEG_HMAC_MD5_96, "hmac-md5-96", "hmac(md5)", 96, 16 },
	{ KERNEL_INTEG_HMAC_SHA1_96, "hmac-sha1-96", "hmac(sha1)", 96, 20 },
	{ KERNEL_INTEG_AES_XCBC_96, "aes-xcbc-96", "xcbc(aes)", 96, 16 },
	{ KERNEL_INTEG_AES_CMAC_96, "aes-cmac-96", "cmac(aes)", 96, 16 },
	{ KERNEL_INTEG_HMAC_SHA2_256_128, "hmac-sha2-256-128", "hmac(sha256)", 128, 32 },
	{ KERNEL_INTEG_HMAC_SHA2_384_192, "hmac-sha2-384-192", "hmac(sha384)", 192, 48 },
	{ KERNEL_INTEG_HMAC_SHA2_512_256, "hmac-sha2-512-256", "hmac(sha512)", 256, 64 },
	/* the truncation of Linux before 2.6.33, for peers that still use it */
	{ KERNEL_INTEG_HMAC_SHA2_256_96, "hmac-sha2-256-96", "hmac(sha256)", 96, 32 },
};

const struct xfrm_encr_alg *xfrm_encr_lookup(enum kernel_encr id)
{
	for (size_t i = 0; i < COUNT(encr_algs); i++)
		if (encr_algs[i].id == id)
			return &encr_algs[i];
	return NULL;
}

const struct xfrm_integ_alg *xfrm_integ_lookup(enum kernel_integ id)
{
	for (size_t i = 0; i < COUNT(integ_algs); i++)
		if (integ_algs[i].id == id)
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
