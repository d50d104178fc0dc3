/*
 * IKEv2 transform tables: IANA transform ID -> OpenSSL/GMP implementation,
 * key/block/IV/ICV/salt sizes and the strongSwan proposal keyword.  Every
 * other crypto module looks algorithms up here; nothing else knows sizes.
 */
#ifndef IKE_CRYPTO_XFORM_H
#define IKE_CRYPTO_XFORM_H

#include <stddef.h>
#include <stdint.h>

/* Return codes shared by the crypto modules. */
enum crypto_rc {
	CR_OK = 0,
	CR_ERR = -1,		/* library or allocation failure, bad argument */
	CR_BAD_PEER = -2,	/* peer's value is invalid: answer INVALID_SYNTAX */
	CR_AUTH = -3,		/* integrity check failed: drop silently */
};

/* A read-only byte range; functions take arrays of them instead of
 * concatenating inputs. */
struct cbuf {
	const uint8_t *p;
	size_t len;
};

enum encr_mode {
	EM_CBC,		/* RFC 7296 3.14: random IV, explicit padding */
	EM_CTR,		/* RFC 5930: 4-byte nonce in the key, 8-byte IV */
	EM_AEAD_GCM,	/* RFC 5282 */
	EM_AEAD_CCM,	/* RFC 5282 */
	EM_AEAD_CHACHA,	/* RFC 7634 */
};

struct encr_alg {
	uint16_t id;		/* enum ike_encr_id */
	uint16_t keybits;	/* Key Length attribute; 0 = no attribute */
	const char *keyword;	/* strongSwan proposal keyword */
	const char *name;	/* "AES_GCM_16_256" style, for logs */
	const char *ossl;	/* OpenSSL cipher name */
	uint8_t mode;		/* enum encr_mode */
	uint8_t key_len;	/* cipher key bytes, without salt */
	uint8_t salt_len;	/* extra key bytes used as nonce salt */
	uint8_t block_len;	/* padding granularity in the SK payload */
	uint8_t iv_len;		/* IV bytes sent in the SK payload */
	uint8_t icv_len;	/* AEAD tag bytes; 0 for non-AEAD */
	uint8_t legacy;		/* only when configured explicitly */
};

enum mac_kind {
	MAC_HMAC,
	MAC_XCBC,	/* RFC 3566 / RFC 4434 */
	MAC_CMAC,	/* RFC 4493 / RFC 4615 */
};

struct prf_alg {
	uint16_t id;		/* enum ike_prf_id */
	const char *keyword;
	const char *name;
	const char *digest;	/* OpenSSL digest for HMAC; NULL otherwise */
	uint8_t kind;		/* enum mac_kind */
	uint8_t key_len;	/* preferred key size (SK_d, SK_pi, SK_pr) */
	uint8_t out_len;
	uint8_t fixed_key;	/* RFC 7296 2.14: nonce halves for SKEYSEED */
};

struct integ_alg {
	uint16_t id;		/* enum ike_integ_id */
	const char *keyword;
	const char *name;
	const char *digest;
	uint8_t kind;		/* enum mac_kind */
	uint8_t key_len;
	uint8_t icv_len;	/* truncated output */
	uint16_t prf;		/* PRF strongSwan derives from this keyword */
};

enum ke_kind {
	KEK_MODP,	/* GMP, RFC 2409 / RFC 3526 primes, generator 2 */
	KEK_ECP,	/* OpenSSL EC, RFC 5903 / RFC 6954 */
	KEK_XDH,	/* OpenSSL X25519 / X448, RFC 8031 */
};

struct ke_alg {
	uint16_t id;		/* enum ike_ke_id */
	const char *keyword;
	const char *alias;	/* second keyword strongSwan accepts, or NULL */
	const char *name;
	const char *ossl;	/* curve / key type name for OpenSSL */
	uint8_t kind;		/* enum ke_kind */
	uint16_t pub_len;	/* KE payload data bytes */
	uint16_t shared_len;
	uint16_t exp_bits;	/* MODP: private exponent bits */
	uint8_t legacy;
};

const struct encr_alg *encr_lookup(uint16_t id, uint16_t keybits);
const struct prf_alg *prf_lookup(uint16_t id);
const struct integ_alg *integ_lookup(uint16_t id);
const struct ke_alg *ke_lookup(uint16_t id);

/* Keyword lookups for proposal strings; NULL when unknown. */
const struct encr_alg *encr_by_keyword(const char *kw);
const struct prf_alg *prf_by_keyword(const char *kw);
const struct integ_alg *integ_by_keyword(const char *kw);
const struct ke_alg *ke_by_keyword(const char *kw);

/* Table iteration (for tests and "list algorithms"): NULL past the end. */
const struct encr_alg *encr_at(size_t i);
const struct prf_alg *prf_at(size_t i);
const struct integ_alg *integ_at(size_t i);
const struct ke_alg *ke_at(size_t i);

static inline int encr_is_aead(const struct encr_alg *e)
{
	return e->mode >= EM_AEAD_GCM;
}

#endif
