/*
 * CERTREQ (RFC 7296 3.7): the Certification Authority field is a list of
 * SHA-1 hashes of trusted CAs' SubjectPublicKeyInfo.  We send ours, and a
 * received one tells which of our certificate chains the peer can verify.
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "common/buf.h"
#include "ike/pki/pki.h"

int pki_spki_hash(X509 *x, uint8_t out[PKI_CERTREQ_HASH_LEN])
{
	unsigned char *der = NULL;
	int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
	unsigned int olen = 0;
	int ok = len > 0 && EVP_Digest(der, (size_t)len, out, &olen, EVP_sha1(), NULL) &&
		 olen == PKI_CERTREQ_HASH_LEN;

	OPENSSL_free(der);
	return ok ? 0 : -1;
}

size_t pki_certreq_build(STACK_OF(X509) *anchors, uint8_t *out, size_t cap)
{
	uint8_t h[PKI_CERTREQ_HASH_LEN];
	struct wr w;

	wr_init(&w, out, cap);
	for (int i = 0; anchors && i < sk_X509_num(anchors); i++)
		if (pki_spki_hash(sk_X509_value(anchors, i), h) == 0)
			wr_bytes(&w, h, sizeof(h));
	return wr_ok(&w) ? wr_len(&w) : 0;
}

static int listed(const uint8_t *body, size_t len, X509 *x)
{
	uint8_t h[PKI_CERTREQ_HASH_LEN];
	struct rd r;
	const uint8_t *p;

	if (pki_spki_hash(x, h) < 0)
		return 0;
	rd_init(&r, body, len);
	while ((p = rd_bytes(&r, PKI_CERTREQ_HASH_LEN)))
		if (!memcmp(p, h, sizeof(h)))
			return 1;
	return 0;
}

int pki_certreq_matches(const uint8_t *body, size_t len, STACK_OF(X509) *chain,
			STACK_OF(X509) *issuers)
{
	int n = chain ? sk_X509_num(chain) : 0;
	X509 *top;

	if (len % PKI_CERTREQ_HASH_LEN)
		return -1;
	if (n == 0)
		return 0;
	for (int i = 1; i < n; i++)
		if (listed(body, len, sk_X509_value(chain, i)))
			return 1;
	top = sk_X509_value(chain, n - 1);
	for (int i = 0; issuers && i < sk_X509_num(issuers); i++) {
		X509 *ca = sk_X509_value(issuers, i);

		if (X509_check_issued(ca, top) == X509_V_OK && listed(body, len, ca))
			return 1;
	}
	return 0;
}
