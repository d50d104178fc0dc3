/* Kernel-interface algorithms -> Linux crypto API names for XFRM (one table each). */
#ifndef IKE_KERNEL_XFRM_ALG_H
#define IKE_KERNEL_XFRM_ALG_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/kernel.h"

struct xfrm_encr_alg {
	enum kernel_encr id;
	const char *name;	/* for logs: "aes-gcm-16" */
	const char *kernel_name;
	int aead;		/* 1: XFRMA_ALG_AEAD, no separate integrity */
	uint16_t icv_bits;	/* AEAD only */
	uint8_t salt_len;	/* bytes appended to the key (RFC 4106, 4309, 3686, 7634) */
	uint8_t key_min, key_max, key_step;	/* cipher key bytes, without salt */
};

struct xfrm_integ_alg {
	enum kernel_integ id;
	const char *name;
	const char *kernel_name;
	uint16_t trunc_bits;
	uint8_t key_len;
};

/* NULL if the algorithm is unknown (or NONE). */
const struct xfrm_encr_alg *xfrm_encr_lookup(enum kernel_encr id);
const struct xfrm_integ_alg *xfrm_integ_lookup(enum kernel_integ id);
/* 1 if key_len (with salt) suits alg. */
int xfrm_encr_key_ok(const struct xfrm_encr_alg *alg, size_t key_len);

#endif
