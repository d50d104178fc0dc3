# src/ike/crypto: transforms, PRFs, key exchange, key material, SK payload
# protection.  Depends only on libikecommon.a, OpenSSL and GMP; consumers
# link $(CRYPTO_LIBS) after the library.
noinst_LIBRARIES += src/ike/crypto/libikecrypto.a
src_ike_crypto_libikecrypto_a_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS) $(GMP_CFLAGS)
src_ike_crypto_libikecrypto_a_SOURCES = \
	src/ike/crypto/xform.c src/ike/crypto/xform.h \
	src/ike/crypto/mac.c src/ike/crypto/mac.h \
	src/ike/crypto/ossl_fetch.c src/ike/crypto/ossl_fetch.h \
	src/ike/crypto/ke.c src/ike/crypto/ke.h \
	src/ike/crypto/ke_modp.c src/ike/crypto/ke_modp.h \
	src/ike/crypto/keymat.c src/ike/crypto/keymat.h \
	src/ike/crypto/sk.c src/ike/crypto/sk.h \
	src/ike/crypto/proposal.c src/ike/crypto/proposal.h \
	src/ike/crypto/ke_pool.c src/ike/crypto/ke_pool.h

CRYPTO_LIBS = src/ike/crypto/libikecrypto.a src/common/libikecommon.a \
	$(OPENSSL_LIBS) $(GMP_LIBS)

# Key exchange throughput, GMP MODP against OpenSSL's own DH.
noinst_PROGRAMS += src/ike/crypto/bench_ke
src_ike_crypto_bench_ke_SOURCES = src/ike/crypto/bench_ke.c
src_ike_crypto_bench_ke_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS) $(GMP_CFLAGS)
src_ike_crypto_bench_ke_LDADD = $(CRYPTO_LIBS)

CRYPTO_TEST_LIBS = $(CRYPTO_LIBS) $(CHECK_LIBS)
CRYPTO_TEST_CFLAGS = $(CHECK_CFLAGS_ALL) $(OPENSSL_CFLAGS) $(GMP_CFLAGS)

check_PROGRAMS += tests/crypto/test_mac tests/crypto/test_ke tests/crypto/test_sk tests/crypto/test_keymat \
	tests/crypto/test_proposal
TESTS += tests/crypto/test_mac tests/crypto/test_ke tests/crypto/test_sk tests/crypto/test_keymat \
	tests/crypto/test_proposal
tests_crypto_test_mac_SOURCES = tests/crypto/test_mac.c tests/crypto/hex.c tests/crypto/hex.h
tests_crypto_test_mac_CFLAGS = $(CRYPTO_TEST_CFLAGS)
tests_crypto_test_mac_LDADD = $(CRYPTO_TEST_LIBS)
tests_crypto_test_ke_SOURCES = tests/crypto/test_ke.c tests/crypto/hex.c tests/crypto/hex.h
tests_crypto_test_ke_CFLAGS = $(CRYPTO_TEST_CFLAGS)
tests_crypto_test_ke_LDADD = $(CRYPTO_TEST_LIBS)
tests_crypto_test_sk_SOURCES = tests/crypto/test_sk.c tests/crypto/hex.c tests/crypto/hex.h
tests_crypto_test_sk_CFLAGS = $(CRYPTO_TEST_CFLAGS)
tests_crypto_test_sk_LDADD = $(CRYPTO_TEST_LIBS)
tests_crypto_test_keymat_SOURCES = tests/crypto/test_keymat.c tests/crypto/hex.c tests/crypto/hex.h
tests_crypto_test_keymat_CFLAGS = $(CRYPTO_TEST_CFLAGS)
tests_crypto_test_keymat_LDADD = $(CRYPTO_TEST_LIBS)
tests_crypto_test_proposal_SOURCES = tests/crypto/test_proposal.c
tests_crypto_test_proposal_CFLAGS = $(CRYPTO_TEST_CFLAGS)
tests_crypto_test_proposal_LDADD = $(CRYPTO_TEST_LIBS)

check_PROGRAMS += tests/crypto/test_ke_pool
TESTS += tests/crypto/test_ke_pool
tests_crypto_test_ke_pool_SOURCES = tests/crypto/test_ke_pool.c
tests_crypto_test_ke_pool_CFLAGS = $(CRYPTO_TEST_CFLAGS) -pthread
tests_crypto_test_ke_pool_LDFLAGS = $(AM_LDFLAGS) -pthread
tests_crypto_test_ke_pool_LDADD = $(CRYPTO_TEST_LIBS)
