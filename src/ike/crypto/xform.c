/*
 * Transform tables.  Sizes come from the RFC that defines each transform
 * for IKEv2; the comment on each group names it.
 */
#include "ike/crypto/xform.h"

#include <string.h>

#include "ike/ikev2.h"

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/*
 * RFC 7296 3.14 (CBC), RFC 5930 (CTR: 4-byte nonce from the key stream,
 * 8-byte IV), RFC 5282 (GCM: 4-byte salt; CCM: 3-byte salt; 8-byte IV),
 * RFC 7634 (ChaCha20-Poly1305: 4-byte salt, 8-byte IV, 16-byte tag).
 * Stream and AEAD modes need no padding: block_len 1.
 */
static const struct encr_alg encr_table[] = {
	{ ENCR_AES_CBC, 128, "aes128", "AES_CBC_128", "AES-128-CBC", EM_CBC, 16, 0, 16, 16, 0, 0 },
	{ ENCR_AES_CBC, 192, "aes192", "AES_CBC_192", "AES-192-CBC", EM_CBC, 24, 0, 16, 16, 0, 0 },
	{ ENCR_AES_CBC, 256, "aes256", "AES_CBC_256", "AES-256-CBC", EM_CBC, 32, 0, 16, 16, 0, 0 },
	{ ENCR_AES_CTR, 128, "aes128ctr", "AES_CTR_128", "AES-128-CTR", EM_CTR, 16, 4, 1, 8, 0, 0 },
	{ ENCR_AES_CTR, 192, "aes192ctr", "AES_CTR_192", "AES-192-CTR", EM_CTR, 24, 4, 1, 8, 0, 0 },
	{ ENCR_AES_CTR, 256, "aes256ctr", "AES_CTR_256", "AES-256-CTR", EM_CTR, 32, 4, 1, 8, 0, 0 },
	{ ENCR_AES_GCM_8, 128, "aes128gcm8", "AES_GCM_8_128", "AES-128-GCM", EM_AEAD_GCM, 16, 4, 1, 8, 8, 0 },
	{ ENCR_AES_GCM_8, 192, "aes192gcm8", "AES_GCM_8_192", "AES-192-GCM", EM_AEAD_GCM, 24, 4, 1, 8, 8, 0 },
	{ ENCR_AES_GCM_8, 256, "aes256gcm8", "AES_GCM_8_256", "AES-256-GCM", EM_AEAD_GCM, 32, 4, 1, 8, 8, 0 },
	{ ENCR_AES_GCM_12, 128, "aes128gcm12", "AES_GCM_12_128", "AES-128-GCM", EM_AEAD_GCM, 16, 4, 1, 8, 12, 0 },
	{ ENCR_AES_GCM_12, 192, "aes192gcm12", "AES_GCM_12_192", "AES-192-GCM", EM_AEAD_GCM, 24, 4, 1, 8, 12, 0 },
	{ ENCR_AES_GCM_12, 256, "aes256gcm12", "AES_GCM_12_256", "AES-256-GCM", EM_AEAD_GCM, 32, 4, 1, 8, 12, 0 },
	{ ENCR_AES_GCM_16, 128, "aes128gcm16", "AES_GCM_16_128", "AES-128-GCM", EM_AEAD_GCM, 16, 4, 1, 8, 16, 0 },
	{ ENCR_AES_GCM_16, 192, "aes192gcm16", "AES_GCM_16_192", "AES-192-GCM", EM_AEAD_GCM, 24, 4, 1, 8, 16, 0 },
	{ ENCR_AES_GCM_16, 256, "aes256gcm16", "AES_GCM_16_256", "AES-256-GCM", EM_AEAD_GCM, 32, 4, 1, 8, 16, 0 },
	{ ENCR_AES_CCM_8, 128, "aes128ccm8", "AES_CCM_8_128", "AES-128-CCM", EM_AEAD_CCM, 16, 3, 1, 8, 8, 0 },
	{ ENCR_AES_CCM_8, 192, "aes192ccm8", "AES_CCM_8_192", "AES-192-CCM", EM_AEAD_CCM, 24, 3, 1, 8, 8, 0 },
	{ ENCR_AES_CCM_8, 256, "aes256ccm8", "AES_CCM_8_256", "AES-256-CCM", EM_AEAD_CCM, 32, 3, 1, 8, 8, 0 },
	{ ENCR_AES_CCM_12, 128, "aes128ccm12", "AES_CCM_12_128", "AES-128-CCM", EM_AEAD_CCM, 16, 3, 1, 8, 12, 0 },
	{ ENCR_AES_CCM_12, 192, "aes192ccm12", "AES_CCM_12_192", "AES-192-CCM", EM_AEAD_CCM, 24, 3, 1, 8, 12, 0 },
	{ ENCR_AES_CCM_12, 256, "aes256ccm12", "AES_CCM_12_256", "AES-256-CCM", EM_AEAD_CCM, 32, 3, 1, 8, 12, 0 },
	{ ENCR_AES_CCM_16, 128, "aes128ccm16", "AES_CCM_16_128", "AES-128-CCM", EM_AEAD_CCM, 16, 3, 1, 8, 16, 0 },
	{ ENCR_AES_CCM_16, 192, "aes192ccm16", "AES_CCM_16_192", "AES-192-CCM", EM_AEAD_CCM, 24, 3, 1, 8, 16, 0 },
	{ ENCR_AES_CCM_16, 256, "aes256ccm16", "AES_CCM_16_256", "AES-256-CCM", EM_AEAD_CCM, 32, 3, 1, 8, 16, 0 },
	{ ENCR_CHACHA20_POLY1305, 0, "chacha20poly1305", "CHACHA20_POLY1305", "ChaCha20-Poly1305",
	  EM_AEAD_CHACHA, 32, 4, 1, 8, 16, 0 },
	{ ENCR_3DES, 0, "3des", "3DES", "DES-EDE3-CBC", EM_CBC, 24, 0, 8, 8, 0, 1 },
};

/* Second spellings strongSwan accepts for the same encryption transform. */
static const struct {
	const char *alias;
	const char *keyword;
} encr_alias[] = {
	{ "aes", "aes128" },
	{ "aes128gcm64", "aes128gcm8" }, { "aes192gcm64", "aes192gcm8" }, { "aes256gcm64", "aes256gcm8" },
	{ "aes128gcm96", "aes128gcm12" }, { "aes192gcm96", "aes192gcm12" }, { "aes256gcm96", "aes256gcm12" },
	{ "aes128gcm128", "aes128gcm16" }, { "aes192gcm128", "aes192gcm16" }, { "aes256gcm128", "aes256gcm16" },
	{ "aes128ccm64", "aes128ccm8" }, { "aes192ccm64", "aes192ccm8" }, { "aes256ccm64", "aes256ccm8" },
	{ "aes128ccm96", "aes128ccm12" }, { "aes192ccm96", "aes192ccm12" }, { "aes256ccm96", "aes256ccm12" },
	{ "aes128ccm128", "aes128ccm16" }, { "aes192ccm128", "aes192ccm16" }, { "aes256ccm128", "aes256ccm16" },
};

/* RFC 7296 2.13 (HMAC: key size = output size), RFC 4868, RFC 4434, RFC 4615. */
static const struct prf_alg prf_table[] = {
	{ PRF_HMAC_SHA1, "prfsha1", "PRF_HMAC_SHA1", "SHA1", MAC_HMAC, 20, 20, 0 },
	{ PRF_HMAC_SHA2_256, "prfsha256", "PRF_HMAC_SHA2_256", "SHA256", MAC_HMAC, 32, 32, 0 },
	{ PRF_HMAC_SHA2_384, "prfsha384", "PRF_HMAC_SHA2_384", "SHA384", MAC_HMAC, 48, 48, 0 },
	{ PRF_HMAC_SHA2_512, "prfsha512", "PRF_HMAC_SHA2_512", "SHA512", MAC_HMAC, 64, 64, 0 },
	{ PRF_AES128_XCBC, "prfaesxcbc", "PRF_AES128_XCBC", NULL, MAC_XCBC, 16, 16, 1 },
	{ PRF_AES128_CMAC, "prfaescmac", "PRF_AES128_CMAC", NULL, MAC_CMAC, 16, 16, 1 },
};

/* RFC 2404 (SHA1-96), RFC 4868 (SHA2), RFC 3566 (XCBC-96), RFC 4494 (CMAC-96). */
static const struct integ_alg integ_table[] = {
	{ AUTH_HMAC_SHA1_96, "sha1", "HMAC_SHA1_96", "SHA1", MAC_HMAC, 20, 12, PRF_HMAC_SHA1 },
	{ AUTH_HMAC_SHA2_256_128, "sha256", "HMAC_SHA2_256_128", "SHA256", MAC_HMAC, 32, 16, PRF_HMAC_SHA2_256 },
	{ AUTH_HMAC_SHA2_384_192, "sha384", "HMAC_SHA2_384_192", "SHA384", MAC_HMAC, 48, 24, PRF_HMAC_SHA2_384 },
	{ AUTH_HMAC_SHA2_512_256, "sha512", "HMAC_SHA2_512_256", "SHA512", MAC_HMAC, 64, 32, PRF_HMAC_SHA2_512 },
	{ AUTH_AES_XCBC_96, "aesxcbc", "AES_XCBC_96", NULL, MAC_XCBC, 16, 12, PRF_AES128_XCBC },
	{ AUTH_AES_CMAC_96, "aescmac", "AES_CMAC_96", NULL, MAC_CMAC, 16, 12, PRF_AES128_CMAC },
};

static const struct {
	const char *alias;
	const char *keyword;
} integ_alias[] = {
	{ "sha", "sha1" },
	{ "sha2_256", "sha256" },
	{ "sha2_384", "sha384" },
	{ "sha2_512", "sha512" },
};

/*
 * MODP private exponent: twice the symmetric strength of the group
 * (NIST SP 800-57 Part 1 table 2 estimates: 1024 -> 80, 1536 -> 96,
 * 2048 -> 112, 3072 -> 128, 4096 -> 152, 6144 -> 176, 8192 -> 200 bits),
 * in line with RFC 3526 section 8.  ECP public values are x || y without
 * the 0x04 prefix (RFC 5903 section 7, RFC 6954); shared secrets are x.
 */
static const struct ke_alg ke_table[] = {
	{ KE_MODP_1024, "modp1024", NULL, "MODP_1024", NULL, KEK_MODP, 128, 128, 160, 1 },
	{ KE_MODP_1536, "modp1536", NULL, "MODP_1536", NULL, KEK_MODP, 192, 192, 192, 1 },
	{ KE_MODP_2048, "modp2048", NULL, "MODP_2048", NULL, KEK_MODP, 256, 256, 224, 0 },
	{ KE_MODP_3072, "modp3072", NULL, "MODP_3072", NULL, KEK_MODP, 384, 384, 256, 0 },
	{ KE_MODP_4096, "modp4096", NULL, "MODP_4096", NULL, KEK_MODP, 512, 512, 304, 0 },
	{ KE_MODP_6144, "modp6144", NULL, "MODP_6144", NULL, KEK_MODP, 768, 768, 352, 0 },
	{ KE_MODP_8192, "modp8192", NULL, "MODP_8192", NULL, KEK_MODP, 1024, 1024, 400, 0 },
	{ KE_ECP_256, "ecp256", NULL, "ECP_256", "P-256", KEK_ECP, 64, 32, 0, 0 },
	{ KE_ECP_384, "ecp384", NULL, "ECP_384", "P-384", KEK_ECP, 96, 48, 0, 0 },
	{ KE_ECP_521, "ecp521", NULL, "ECP_521", "P-521", KEK_ECP, 132, 66, 0, 0 },
	{ KE_ECP_224_BP, "ecp224bp", NULL, "ECP_224_BP", "brainpoolP224r1", KEK_ECP, 56, 28, 0, 0 },
	{ KE_ECP_256_BP, "ecp256bp", NULL, "ECP_256_BP", "brainpoolP256r1", KEK_ECP, 64, 32, 0, 0 },
	{ KE_ECP_384_BP, "ecp384bp", NULL, "ECP_384_BP", "brainpoolP384r1", KEK_ECP, 96, 48, 0, 0 },
	{ KE_ECP_512_BP, "ecp512bp", NULL, "ECP_512_BP", "brainpoolP512r1", KEK_ECP, 128, 64, 0, 0 },
	{ KE_CURVE25519, "curve25519", "x25519", "CURVE_25519", "X25519", KEK_XDH, 32, 32, 0, 0 },
	{ KE_CURVE448, "curve448", "x448", "CURVE_448", "X448", KEK_XDH, 56, 56, 0, 0 },
};

const struct encr_alg *encr_lookup(uint16_t id, uint16_t keybits)
{
	size_t i;

	for (i = 0; i < NELEMS(encr_table); i++)
		if (encr_table[i].id == id && encr_table[i].keybits == keybits)
			return &encr_table[i];
	return NULL;
}

const struct prf_alg *prf_lookup(uint16_t id)
{
	size_t i;

	for (i = 0; i < NELEMS(prf_table); i++)
		if (prf_table[i].id == id)
			return &prf_table[i];
	return NULL;
}

const struct integ_alg *integ_lookup(uint16_t id)
{
	size_t i;

	for (i = 0; i < NELEMS(integ_table); i++)
		if (integ_table[i].id == id)
			return &integ_table[i];
	return NULL;
}

const struct ke_alg *ke_lookup(uint16_t id)
{
	size_t i;

	for (i = 0; i < NELEMS(ke_table); i++)
		if (ke_table[i].id == id)
			return &ke_table[i];
	return NULL;
}

const struct encr_alg *encr_by_keyword(const char *kw)
{
	size_t i;

	for (i = 0; i < NELEMS(encr_alias); i++)
		if (strcmp(encr_alias[i].alias, kw) == 0)
			kw = encr_alias[i].keyword;
	for (i = 0; i < NELEMS(encr_table); i++)
		if (strcmp(encr_table[i].keyword, kw) == 0)
			return &encr_table[i];
	return NULL;
}

const struct prf_alg *prf_by_keyword(const char *kw)
{
	size_t i;

	for (i = 0; i < NELEMS(prf_table); i++)
		if (strcmp(prf_table[i].keyword, kw) == 0)
			return &prf_table[i];
	return NULL;
}

const struct integ_alg *integ_by_keyword(const char *kw)
{
	size_t i;

	for (i = 0; i < NELEMS(integ_alias); i++)
		if (strcmp(integ_alias[i].alias, kw) == 0)
			kw = integ_alias[i].keyword;
	for (i = 0; i < NELEMS(integ_table); i++)
		if (strcmp(integ_table[i].keyword, kw) == 0)
			return &integ_table[i];
	return NULL;
}

const struct ke_alg *ke_by_keyword(const char *kw)
{
	size_t i;

	for (i = 0; i < NELEMS(ke_table); i++)
		if (strcmp(ke_table[i].keyword, kw) == 0 ||
		    (ke_table[i].alias && strcmp(ke_table[i].alias, kw) == 0))
			return &ke_table[i];
	return NULL;
}

const struct encr_alg *encr_at(size_t i)
{
	return i < NELEMS(encr_table) ? &encr_table[i] : NULL;
}

const struct prf_alg *prf_at(size_t i)
{
	return i < NELEMS(prf_table) ? &prf_table[i] : NULL;
}

const struct integ_alg *integ_at(size_t i)
{
	return i < NELEMS(integ_table) ? &integ_table[i] : NULL;
}

const struct ke_alg *ke_at(size_t i)
{
	return i < NELEMS(ke_table) ? &ke_table[i] : NULL;
}
