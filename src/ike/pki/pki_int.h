/* Tables shared by the files of src/ike/pki (not for other modules). */
#ifndef IKE_PKI_PKI_INT_H
#define IKE_PKI_PKI_INT_H

#include <stddef.h>
#include <stdint.h>

#include "ike/pki/pki.h"

struct pki_hashinfo {
	uint8_t id;		/* enum pki_hash */
	const char *md;		/* OpenSSL digest name; NULL: identity (EdDSA) */
	size_t len;
};

struct pki_classic {
	uint8_t method;		/* RFC 7296 3.8 */
	enum pki_keytype key;
	uint8_t hash;
	int curve_bits;		/* ECDSA: the curve the method is bound to */
};

extern const struct pki_classic pki_classics[];
extern const size_t pki_nclassics;

const struct pki_hashinfo *pki_hash_info(uint8_t hash);
const struct pki_classic *pki_classic_by_method(uint8_t method);
const struct pki_sigalg *pki_sigalg_by_algid(const uint8_t *p, size_t len);

#endif
