/*
 * OpenSSL algorithm objects fetched once per process.  EVP_*_fetch looks
 * the algorithm up by name in the provider store each time (locks,
 * property matching), which costs more than an HMAC of a few hundred
 * bytes (issue 17).  These return the object kept from the first fetch
 * with its reference count raised: the caller frees it as it would a
 * fetched one (EVP_MAC_free / EVP_CIPHER_free).  Thread-safe.
 */
#ifndef IKE_CRYPTO_OSSL_FETCH_H
#define IKE_CRYPTO_OSSL_FETCH_H

#include <openssl/evp.h>

EVP_MAC *ossl_mac_fetch(const char *name);
EVP_CIPHER *ossl_cipher_fetch(const char *name);

#endif
