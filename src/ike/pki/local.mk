# src/ike/pki: certificates, private keys, AUTH signatures (RFC 7427),
# chain validation, identities and CERTREQ.  Depends only on libikecommon.a
# and OpenSSL; consumers link $(PKI_LIBS).
noinst_LIBRARIES += src/ike/pki/libikepki.a
src_ike_pki_libikepki_a_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS)
src_ike_pki_libikepki_a_SOURCES = \
	src/ike/pki/pki.h src/ike/pki/pki_int.h \
	src/ike/pki/cred.c src/ike/pki/sigalg.c src/ike/pki/sig.c \
	src/ike/pki/chain.c src/ike/pki/idmatch.c src/ike/pki/certreq.c

PKI_LIBS = src/ike/pki/libikepki.a src/common/libikecommon.a $(OPENSSL_LIBS)

check_PROGRAMS += tests/pki/test_pki
TESTS += tests/pki/test_pki
tests_pki_test_pki_SOURCES = tests/pki/test_pki.c tests/pki/testpki.c tests/pki/testpki.h
tests_pki_test_pki_CFLAGS = $(CHECK_CFLAGS_ALL) $(OPENSSL_CFLAGS) -I$(top_srcdir)/tests
tests_pki_test_pki_LDADD = $(PKI_LIBS) src/ike/core/libikecore.a $(PKI_LIBS) $(CHECK_LIBS)

check_PROGRAMS += tests/pki/test_config_pki
TESTS += tests/pki/test_config_pki
tests_pki_test_config_pki_SOURCES = tests/pki/test_config_pki.c tests/pki/testpki.c tests/pki/testpki.h
tests_pki_test_config_pki_CFLAGS = $(CHECK_CFLAGS_ALL) $(OPENSSL_CFLAGS) $(LIBCONFIG_CFLAGS) -I$(top_srcdir)/tests
tests_pki_test_config_pki_LDADD = $(IKECORE_LIBS) $(CHECK_LIBS)
