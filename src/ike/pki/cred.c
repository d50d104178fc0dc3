/*
 * Certificates, CRLs and private keys from files (PEM or DER; keys as
 * PKCS#8 or traditional RSA/EC), and the checks every key gets before we
 * sign or verify with it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "common/secret.h"
#include "ike/pki/pki.h"

/* Whole file into memory, bounded; the caller zeroizes and frees. */
static uint8_t *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf = NULL;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size == 0 || st.st_size > PKI_FILE_MAX) {
		snprintf(err, errlen, "%s: %lld bytes, must be 1..%d", path,
			 (long long)st.st_size, PKI_FILE_MAX);
		goto out;
	}
	buf = OPENSSL_malloc((size_t)st.st_size);
	if (!buf || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		snprintf(err, errlen, "%s: cannot read", path);
		OPENSSL_free(buf);
		buf = NULL;
		goto out;
	}
	*len = (size_t)st.st_size;
out:
	fclose(f);
	return buf;
}

static int is_pem(const uint8_t *p, size_t len)
{
	return memmem(p, len, "-----BEGIN ", 11) != NULL;
}

static const char *ossl_reason(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	return r ? r : "malformed";
}

X509 *pki_cert_from_der(const uint8_t *der, size_t len, char *err, size_t errlen)
{
	const unsigned char *p = der;
	X509 *x;

	if (len == 0 || len > PKI_CERT_MAX) {
		snprintf(err, errlen, "certificate of %zu bytes, must be 1..%d", len, PKI_CERT_MAX);
		return NULL;
	}
	ERR_clear_error();
	x = d2i_X509(NULL, &p, (long)len);
	if (!x || p != der + len) {
		snprintf(err, errlen, "certificate of %zu bytes: %s", len,
			 x ? "trailing bytes after the DER" : ossl_reason());
		X509_free(x);
		ERR_clear_error();
		return NULL;
	}
	return x;
}

int pki_load_certs(const char *path, STACK_OF(X509) *out, char *err, size_t errlen)
{
	size_t len;
	uint8_t *buf = slurp(path, &len, err, errlen);
	int n = 0;

	if (!buf)
		return -1;
	if (is_pem(buf, len)) {
		BIO *b = BIO_new_mem_buf(buf, (int)len);
		X509 *x;

		ERR_clear_error();
		while (b && (x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
			if (i2d_X509(x, NULL) > PKI_CERT_MAX) {
				snprintf(err, errlen, "%s: certificate %d over %d bytes", path,
					 n + 1, PKI_CERT_MAX);
				X509_free(x);
				n = -1;
				break;
			}
			sk_X509_push(out, x);
			n++;
		}
		BIO_free(b);
		if (n == 0)
			snprintf(err, errlen, "%s: no PEM certificate (%s)", path, ossl_reason());
	} else {
		char e2[PKI_ERR_LEN];
		X509 *x = pki_cert_from_der(buf, len, e2, sizeof(e2));

		if (x) {
			sk_X509_push(out, x);
			n = 1;
		} else {
			snprintf(err, errlen, "%s: not PEM, and as DER: %s", path, e2);
		}
	}
	ERR_clear_error();
	OPENSSL_free(buf);
	return n > 0 ? n : -1;
}

int pki_load_crls(const char *path, STACK_OF(X509_CRL) *out, char *err, size_t errlen)
{
	size_t len;
	uint8_t *buf = slurp(path, &len, err, errlen);
	int n = 0;

	if (!buf)
		return -1;
	ERR_clear_error();
	if (is_pem(buf, len)) {
		BIO *b = BIO_new_mem_buf(buf, (int)len);
		X509_CRL *c;

		while (b && (c = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL))) {
			sk_X509_CRL_push(out, c);
			n++;
		}
		BIO_free(b);
	} else {
		const unsigned char *p = buf;
		X509_CRL *c = d2i_X509_CRL(NULL, &p, (long)len);

		if (c && p == buf + len) {
			sk_X509_CRL_push(out, c);
			n = 1;
		} else {
			X509_CRL_free(c);
		}
	}
	if (n == 0)
		snprintf(err, errlen, "%s: no CRL, PEM or DER (%s)", path, ossl_reason());
	ERR_clear_error();
	OPENSSL_free(buf);
	return n > 0 ? n : -1;
}

/* An encrypted key is refused rather than prompting on a daemon's stdin. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

EVP_PKEY *pki_load_key(const char *path, char *err, size_t errlen)
{
	size_t len;
	uint8_t *buf = slurp(path, &len, err, errlen);
	EVP_PKEY *pk = NULL;

	if (!buf)
		return NULL;
	ERR_clear_error();
	if (is_pem(buf, len)) {
		BIO *b = BIO_new_mem_buf(buf, (int)len);

		if (b)
			pk = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL);
		BIO_free(b);
	} else {
		const unsigned char *p = buf;

		/* PKCS#8, or a traditional RSAPrivateKey / ECPrivateKey */
		pk = d2i_AutoPrivateKey(NULL, &p, (long)len);
	}
	if (!pk)
		snprintf(err, errlen, "%s: no private key, PEM or DER, PKCS#8 or traditional "
			 "(encrypted keys are not supported): %s", path, ossl_reason());
	ERR_clear_error();
	OPENSSL_clear_free(buf, len);
	return pk;
}

int pki_key_matches_cert(EVP_PKEY *key, X509 *cert)
{
	EVP_PKEY *pub = X509_get0_pubkey(cert);

	return pub && key && EVP_PKEY_eq(key, pub) == 1;
}

enum pki_keytype pki_key_type(EVP_PKEY *pk)
{
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		return PKI_KEY_RSA;
	case EVP_PKEY_EC:
		return PKI_KEY_ECDSA;
	case EVP_PKEY_ED25519:
		return PKI_KEY_ED25519;
	case EVP_PKEY_ED448:
		return PKI_KEY_ED448;
	default:
		return PKI_KEY_NONE;
	}
}

static const char *const ec_curves[] = { "prime256v1", "secp384r1", "secp521r1" };

static int rsa_check(EVP_PKEY *pk, char *err, size_t errlen)
{
	int bits = EVP_PKEY_get_bits(pk);
	BIGNUM *e = NULL;
	int ok = 0;

	if (bits < PKI_RSA_BITS_MIN || bits > PKI_RSA_BITS_MAX) {
		snprintf(err, errlen, "RSA key of %d bits, must be %d..%d", bits,
			 PKI_RSA_BITS_MIN, PKI_RSA_BITS_MAX);
		return -1;
	}
	if (!EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e)) {
		snprintf(err, errlen, "RSA key without a public exponent");
		return -1;
	}
	/* e = 0, 1 or even makes RSA meaningless (BAD-INPUT 28) */
	if (BN_is_odd(e) && BN_num_bits(e) >= 2 && BN_num_bits(e) <= 64)
		ok = 1;
	else
		snprintf(err, errlen, "RSA public exponent %s is not odd, >= 3 and < 2^64",
			 BN_num_bits(e) <= 16 ? (BN_is_zero(e) ? "0" : BN_is_one(e) ? "1" : "small")
					      : "out of range");
	BN_free(e);
	return ok ? 0 : -1;
}

int pki_key_check(EVP_PKEY *pk, char *err, size_t errlen)
{
	char curve[64];

	switch (pki_key_type(pk)) {
	case PKI_KEY_RSA:
		return rsa_check(pk, err, errlen);
	case PKI_KEY_ECDSA:
		if (!EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, curve,
						    sizeof(curve), NULL)) {
			snprintf(err, errlen, "EC key with explicit or unnamed curve parameters");
			return -1;
		}
		for (size_t i = 0; i < sizeof(ec_curves) / sizeof(ec_curves[0]); i++)
			if (!strcmp(curve, ec_curves[i]))
				return 0;
		snprintf(err, errlen, "EC key on curve %s, must be P-256, P-384 or P-521", curve);
		return -1;
	case PKI_KEY_ED25519:
	case PKI_KEY_ED448:
		return 0;
	default:
		snprintf(err, errlen, "%s key, must be RSA, ECDSA, Ed25519 or Ed448",
			 OBJ_nid2sn(EVP_PKEY_get_base_id(pk)));
		return -1;
	}
}

const char *pki_key_desc(EVP_PKEY *pk, char *buf, size_t size)
{
	switch (pki_key_type(pk)) {
	case PKI_KEY_RSA:
		snprintf(buf, size, "RSA-%d", EVP_PKEY_get_bits(pk));
		break;
	case PKI_KEY_ECDSA:
		snprintf(buf, size, "ECDSA-P%d", EVP_PKEY_get_bits(pk));
		break;
	case PKI_KEY_ED25519:
		snprintf(buf, size, "Ed25519");
		break;
	case PKI_KEY_ED448:
		snprintf(buf, size, "Ed448");
		break;
	default:
		snprintf(buf, size, "%s", OBJ_nid2sn(EVP_PKEY_get_base_id(pk)));
	}
	return buf;
}

const char *pki_name_str(const X509_NAME *n, char *buf, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	int len;

	buf[0] = 0;
	/* RFC 2253 escaping, in the certificate's order, ", " separated */
	if (b && X509_NAME_print_ex(b, n, 0,
				    (XN_FLAG_RFC2253 & ~XN_FLAG_DN_REV & ~XN_FLAG_SEP_MASK) |
					    XN_FLAG_SEP_CPLUS_SPC) >= 0) {
		len = BIO_read(b, buf, (int)size - 1);
		buf[len > 0 ? len : 0] = 0;
	}
	BIO_free(b);
	return buf;
}

const char *pki_cert_desc(X509 *x, char *buf, size_t size)
{
	char name[PKI_ERR_LEN];
	const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
	BIGNUM *bn = sn ? ASN1_INTEGER_to_BN(sn, NULL) : NULL;
	char *hex = bn ? BN_bn2hex(bn) : NULL;

	for (char *c = hex; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	snprintf(buf, size, "certificate %s, serial 0x%s",
		 pki_name_str(X509_get_subject_name(x), name, sizeof(name)), hex ? hex : "?");
	OPENSSL_free(hex);
	BN_free(bn);
	return buf;
}
