/*
 * RFC 7427 signature algorithms as table rows: key type, hash, padding and
 * the AlgorithmIdentifier of Appendix A (RFC 8420 for EdDSA), plus the
 * hashes of SIGNATURE_HASH_ALGORITHMS and the choice of what we sign with.
 */
#include <string.h>

#include "common/buf.h"
#include "ike/ikev2.h"
#include "ike/pki/pki.h"
#include "ike/pki/pki_int.h"

#define OID_PKCS1(last)	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, last
#define OID_SHA2(last)	0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, last

/* A.1: sha*WithRSAEncryption, NULL parameters */
static const uint8_t rsa_sha1[] = { 0x30, 0x0d, OID_PKCS1(0x05), 0x05, 0x00 };
static const uint8_t rsa_sha256[] = { 0x30, 0x0d, OID_PKCS1(0x0b), 0x05, 0x00 };
static const uint8_t rsa_sha384[] = { 0x30, 0x0d, OID_PKCS1(0x0c), 0x05, 0x00 };
static const uint8_t rsa_sha512[] = { 0x30, 0x0d, OID_PKCS1(0x0d), 0x05, 0x00 };
/* A.3: ecdsa-with-SHA*, no parameters */
static const uint8_t ecdsa_sha256[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
					0x04, 0x03, 0x02 };
static const uint8_t ecdsa_sha384[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
					0x04, 0x03, 0x03 };
static const uint8_t ecdsa_sha512[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
					0x04, 0x03, 0x04 };
/* A.4.2: RSASSA-PSS, hash = MGF1 hash, salt = digest length (RFC 4055 DER,
 * trailerField left at its default) */
#define PSS_ALGID(h, salt)                                                                    \
	0x30, 0x41, OID_PKCS1(0x0a), 0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, OID_SHA2(h), 0x05, 0x00, \
		0xa1, 0x1c, 0x30, 0x1a, OID_PKCS1(0x08), 0x30, 0x0d, OID_SHA2(h), 0x05, 0x00,     \
		0xa2, 0x03, 0x02, 0x01, salt
static const uint8_t pss_sha256[] = { PSS_ALGID(0x01, 0x20) };
static const uint8_t pss_sha384[] = { PSS_ALGID(0x02, 0x30) };
static const uint8_t pss_sha512[] = { PSS_ALGID(0x03, 0x40) };
/* RFC 8420 */
static const uint8_t ed25519[] = { 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70 };
static const uint8_t ed448[] = { 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x71 };

#define ROW(n, k, h, pss, a) { n, k, h, pss, a, sizeof(a) }
const struct pki_sigalg pki_sigalgs[] = {
	ROW("ed25519", PKI_KEY_ED25519, PKI_HASH_IDENTITY, 0, ed25519),
	ROW("ed448", PKI_KEY_ED448, PKI_HASH_IDENTITY, 0, ed448),
	ROW("ecdsa-sha256", PKI_KEY_ECDSA, PKI_HASH_SHA256, 0, ecdsa_sha256),
	ROW("ecdsa-sha384", PKI_KEY_ECDSA, PKI_HASH_SHA384, 0, ecdsa_sha384),
	ROW("ecdsa-sha512", PKI_KEY_ECDSA, PKI_HASH_SHA512, 0, ecdsa_sha512),
	ROW("rsa-sha256", PKI_KEY_RSA, PKI_HASH_SHA256, 0, rsa_sha256),
	ROW("rsa-sha384", PKI_KEY_RSA, PKI_HASH_SHA384, 0, rsa_sha384),
	ROW("rsa-sha512", PKI_KEY_RSA, PKI_HASH_SHA512, 0, rsa_sha512),
	ROW("rsa-pss-sha256", PKI_KEY_RSA, PKI_HASH_SHA256, 1, pss_sha256),
	ROW("rsa-pss-sha384", PKI_KEY_RSA, PKI_HASH_SHA384, 1, pss_sha384),
	ROW("rsa-pss-sha512", PKI_KEY_RSA, PKI_HASH_SHA512, 1, pss_sha512),
	/* verified for old peers, never chosen for signing (SHA-1) */
	ROW("rsa-sha1", PKI_KEY_RSA, PKI_HASH_SHA1, 0, rsa_sha1),
};
const size_t pki_nsigalgs = sizeof(pki_sigalgs) / sizeof(pki_sigalgs[0]);

/* RFC 7296 3.8 methods that name their key type and hash themselves */
const struct pki_classic pki_classics[] = {
	{ AUTH_METHOD_RSA, PKI_KEY_RSA, PKI_HASH_SHA1, 0 },
	{ AUTH_METHOD_ECDSA_256, PKI_KEY_ECDSA, PKI_HASH_SHA256, 256 },
	{ AUTH_METHOD_ECDSA_384, PKI_KEY_ECDSA, PKI_HASH_SHA384, 384 },
	{ AUTH_METHOD_ECDSA_521, PKI_KEY_ECDSA, PKI_HASH_SHA512, 521 },
};
const size_t pki_nclassics = sizeof(pki_classics) / sizeof(pki_classics[0]);

static const struct pki_hashinfo hashes[] = {
	{ PKI_HASH_SHA1, "SHA1", 20 },
	{ PKI_HASH_SHA256, "SHA256", 32 },
	{ PKI_HASH_SHA384, "SHA384", 48 },
	{ PKI_HASH_SHA512, "SHA512", 64 },
	{ PKI_HASH_IDENTITY, NULL, 0 },
};

const struct pki_hashinfo *pki_hash_info(uint8_t hash)
{
	for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++)
		if (hashes[i].id == hash)
			return &hashes[i];
	return NULL;
}

const struct pki_classic *pki_classic_by_method(uint8_t method)
{
	for (size_t i = 0; i < pki_nclassics; i++)
		if (pki_classics[i].method == method)
			return &pki_classics[i];
	return NULL;
}

const struct pki_sigalg *pki_sigalg_by_name(const char *name)
{
	for (size_t i = 0; i < pki_nsigalgs; i++)
		if (!strcmp(pki_sigalgs[i].name, name))
			return &pki_sigalgs[i];
	return NULL;
}

const struct pki_sigalg *pki_sigalg_by_algid(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < pki_nsigalgs; i++)
		if (pki_sigalgs[i].algid_len == len && !memcmp(pki_sigalgs[i].algid, p, len))
			return &pki_sigalgs[i];
	return NULL;
}

/* We accept SHA-1 only inside the classic method 1 (RFC 7427 4: SHA-1
 * SHOULD NOT be announced). */
static const uint8_t announced[] = { PKI_HASH_SHA256, PKI_HASH_SHA384, PKI_HASH_SHA512,
				     PKI_HASH_IDENTITY };

size_t pki_sha_announce(uint8_t *out, size_t cap)
{
	struct wr w;

	wr_init(&w, out, cap);
	for (size_t i = 0; i < sizeof(announced); i++)
		wr_u16(&w, announced[i]);
	return wr_ok(&w) ? wr_len(&w) : 0;
}

uint32_t pki_sha_announced_mask(void)
{
	uint32_t m = 0;

	for (size_t i = 0; i < sizeof(announced); i++)
		m |= PKI_HASH_BIT(announced[i]);
	return m;
}

int pki_sha_parse(const uint8_t *p, size_t len, uint32_t *mask)
{
	struct rd r;

	*mask = 0;
	if (len % 2)
		return -1;
	rd_init(&r, p, len);
	while (rd_left(&r)) {
		uint16_t h = rd_u16(&r);

		if (h < 32 && pki_hash_info((uint8_t)h))
			*mask |= PKI_HASH_BIT(h);
	}
	return rd_ok(&r) ? 0 : -1;
}

static int curve_bits(EVP_PKEY *key)
{
	return pki_key_type(key) == PKI_KEY_ECDSA ? EVP_PKEY_get_bits(key) : 0;
}

static uint8_t ec_hash_for(int bits)
{
	return bits <= 256 ? PKI_HASH_SHA256 : bits <= 384 ? PKI_HASH_SHA384 : PKI_HASH_SHA512;
}

uint8_t pki_choose_method(EVP_PKEY *key, uint32_t peer_hashes, int prefer_pss,
			  const struct pki_sigalg **alg)
{
	enum pki_keytype kt = pki_key_type(key);
	const struct pki_sigalg *best = NULL;
	int bits = curve_bits(key);

	*alg = NULL;
	for (size_t i = 0; peer_hashes && i < pki_nsigalgs; i++) {
		const struct pki_sigalg *a = &pki_sigalgs[i];

		if (a->key != kt || a->hash == PKI_HASH_SHA1 ||
		    !(peer_hashes & PKI_HASH_BIT(a->hash)))
			continue;
		if (kt == PKI_KEY_RSA && a->pss != !!prefer_pss) {
			if (!best)
				best = a;	/* the other padding, if nothing better */
			continue;
		}
		if (kt == PKI_KEY_ECDSA && a->hash != ec_hash_for(bits)) {
			if (!best)
				best = a;
			continue;
		}
		best = a;
		break;
	}
	if (best) {
		*alg = best;
		return AUTH_METHOD_DIGITAL_SIG;
	}
	for (size_t i = 0; i < pki_nclassics; i++)
		if (pki_classics[i].key == kt && pki_classics[i].curve_bits == bits)
			return pki_classics[i].method;
	return 0;
}
