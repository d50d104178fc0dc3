/*
 * IKE transform IDs of a negotiated ESP proposal -> the kernel interface's
 * own algorithm identifiers (kernel/kernel.h).  The kernel backend knows
 * nothing of IKE; this table is the one place the two numberings meet.
 */
#ifndef IKE_ENGINE_KERNEL_ALG_H
#define IKE_ENGINE_KERNEL_ALG_H

#include <stdint.h>

#include "kernel/kernel.h"

/* KERNEL_ENCR_NONE / KERNEL_INTEG_NONE when the transform (ENCR_*, AUTH_*)
 * has no kernel counterpart (logged, with the transform's name). */
enum kernel_encr kernel_alg_encr(uint16_t ike_encr);
/* AUTH_NONE (with a combined-mode cipher) gives KERNEL_INTEG_NONE silently. */
enum kernel_integ kernel_alg_integ(uint16_t ike_integ);

#endif
