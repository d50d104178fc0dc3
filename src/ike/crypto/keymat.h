/*
 * IKEv2 key material (RFC 7296 2.13-2.18) and PSK authentication octets
 * (2.15).  Pure functions of their inputs; callable from any thread.
 */
#ifndef IKE_CRYPTO_KEYMAT_H
#define IKE_CRYPTO_KEYMAT_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/secret.h"
#include "ike/crypto/xform.h"
#include "ike/ikev2.h"

/* The negotiated IKE SA algorithms. */
struct ike_algs {
	const struct encr_alg *encr;
	const struct prf_alg *prf;
	const struct integ_alg *integ;	/* NULL with an AEAD cipher */
};

/* SK_e* include the salt for AEAD/CTR ciphers (salt = last bytes). */
struct ike_keys {
	struct secret skeyseed;
	struct secret sk_d, sk_ai, sk_ar, sk_ei, sk_er, sk_pi, sk_pr;
};

struct child_keys {
	struct secret encr_i, integ_i, encr_r, integ_r;	/* i: initiator -> responder */
};

void ike_keys_free(struct ike_keys *k);
void child_keys_free(struct child_keys *k);

/* 2.14: SKEYSEED = prf(Ni | Nr, g^ir), then the seven SK_* from
 * prf+(SKEYSEED, Ni | Nr | SPIi | SPIr).  For the fixed-key XCBC/CMAC PRFs
 * the SKEYSEED key is the first half-key bytes of Ni and of Nr. */
int ike_keys_derive(const struct ike_algs *a, const struct secret *gir,
		    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
		    const uint8_t spii[8], const uint8_t spir[8], struct ike_keys *out);
/* 2.18: rekeyed IKE SA, SKEYSEED = prf(SK_d(old), g^ir(new) | Ni | Nr) with
 * the old SA's PRF; the new SA's algorithms and SPIs for the SK_* . */
int ike_keys_rekey(const struct prf_alg *old_prf, const struct secret *old_sk_d,
		   const struct ike_algs *a, const struct secret *gir,
		   const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
		   const uint8_t spii[8], const uint8_t spir[8], struct ike_keys *out);
/* 2.17: KEYMAT = prf+(SK_d, [g^ir(new) |] Ni | Nr); gir NULL without a
 * fresh KE.  encr/integ are the CHILD_SA's (integ NULL for AEAD); the
 * encryption keys include salt_len bytes of salt. */
int child_keys_derive(const struct prf_alg *prf, const struct secret *sk_d,
		      const struct encr_alg *encr, const struct integ_alg *integ,
		      const struct secret *gir, const uint8_t *ni, size_t nilen,
		      const uint8_t *nr, size_t nrlen, struct child_keys *out);

/* 2.15: MACedIDForI/R = prf(SK_px, RestOfIDPayload), the ID payload body
 * after the generic payload header.  out holds prf->out_len bytes. */
int auth_maced_id(const struct prf_alg *prf, const struct secret *sk_p,
		  const uint8_t *id_body, size_t id_len, uint8_t *out);
/* 2.15: the signed octets RealMessage | Nonce of the peer | MACedID
 * appended to w (what a signature covers). */
int auth_octets(const struct prf_alg *prf, const struct secret *sk_p,
		const uint8_t *msg, size_t msglen, const uint8_t *nonce, size_t noncelen,
		const uint8_t *id_body, size_t id_len, struct wr *w);
/* 2.15: AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"),
 * RealMessage | Nonce of the peer | MACedID).  out holds prf->out_len. */
int auth_psk(const struct prf_alg *prf, const uint8_t *psk, size_t psklen,
	     const uint8_t *msg, size_t msglen, const uint8_t *nonce, size_t noncelen,
	     const uint8_t *maced_id, uint8_t *out);

#endif
