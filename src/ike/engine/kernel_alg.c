/* The ESP transform table: IKE IDs (RFC 7296 3.3.2, IANA) -> kernel IDs. */
#include "ike/engine/kernel_alg.h"

#include "common/log.h"
#include "ike/codec/names.h"
#include "ike/ikev2.h"

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

static const struct {
	uint16_t ike;
	enum kernel_encr k;
} encr_map[] = {
	{ ENCR_AES_CBC, KERNEL_ENCR_AES_CBC },
	{ ENCR_AES_CTR, KERNEL_ENCR_AES_CTR },
	{ ENCR_3DES, KERNEL_ENCR_3DES_CBC },
	{ ENCR_NULL, KERNEL_ENCR_NULL },
	{ ENCR_AES_GCM_8, KERNEL_ENCR_AES_GCM_8 },
	{ ENCR_AES_GCM_12, KERNEL_ENCR_AES_GCM_12 },
	{ ENCR_AES_GCM_16, KERNEL_ENCR_AES_GCM_16 },
	{ ENCR_AES_CCM_8, KERNEL_ENCR_AES_CCM_8 },
	{ ENCR_AES_CCM_12, KERNEL_ENCR_AES_CCM_12 },
	{ ENCR_AES_CCM_16, KERNEL_ENCR_AES_CCM_16 },
	{ ENCR_NULL_AUTH_AES_GMAC, KERNEL_ENCR_AES_GMAC },
	{ ENCR_CHACHA20_POLY1305, KERNEL_ENCR_CHACHA20_POLY1305 },
};

static const struct {
	uint16_t ike;
	enum kernel_integ k;
} integ_map[] = {
	{ AUTH_HMAC_MD5_96, KERNEL_INTEG_HMAC_MD5_96 },
	{ AUTH_HMAC_SHA1_96, KERNEL_INTEG_HMAC_SHA1_96 },
	{ AUTH_AES_XCBC_96, KERNEL_INTEG_AES_XCBC_96 },
	{ AUTH_AES_CMAC_96, KERNEL_INTEG_AES_CMAC_96 },
	{ AUTH_HMAC_SHA2_256_128, KERNEL_INTEG_HMAC_SHA2_256_128 },
	{ AUTH_HMAC_SHA2_384_192, KERNEL_INTEG_HMAC_SHA2_384_192 },
	{ AUTH_HMAC_SHA2_512_256, KERNEL_INTEG_HMAC_SHA2_512_256 },
};

enum kernel_encr kernel_alg_encr(uint16_t ike_encr)
{
	for (size_t i = 0; i < COUNT(encr_map); i++)
		if (encr_map[i].ike == ike_encr)
			return encr_map[i].k;
	log_err(LS_CHD, "ESP encryption transform %s (%u) has no kernel algorithm",
		ike_transform_id_name(TT_ENCR, ike_encr), ike_encr);
	return KERNEL_ENCR_NONE;
}

enum kernel_integ kernel_alg_integ(uint16_t ike_integ)
{
	if (ike_integ == AUTH_NONE)
		return KERNEL_INTEG_NONE;
	for (size_t i = 0; i < COUNT(integ_map); i++)
		if (integ_map[i].ike == ike_integ)
			return integ_map[i].k;
	log_err(LS_CHD, "ESP integrity transform %s (%u) has no kernel algorithm",
		ike_transform_id_name(TT_INTEG, ike_integ), ike_integ);
	return KERNEL_INTEG_NONE;
}
