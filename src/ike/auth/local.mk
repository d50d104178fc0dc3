# Build fragment for src/ike/auth: the authentication-method table of
# IKE_AUTH (auth.h), one file per method; linked into the engine library.
src_ike_engine_libikeengine_a_SOURCES += \
	src/ike/auth/auth.c src/ike/auth/auth.h \
	src/ike/auth/auth_psk.c \
	src/ike/auth/auth_pubkey.c src/ike/auth/pubkey.h \
	src/ike/auth/auth_eap.c src/ike/auth/auth_eap_radius.c

# EAP (RFC 3748) methods and MS-CHAPv2 crypto: no IKE state, so the unit
# tests and the fuzzer link them alone (common library and OpenSSL only).
noinst_LIBRARIES += src/ike/auth/libikeeap.a
src_ike_auth_libikeeap_a_SOURCES = \
	src/ike/auth/eap.c src/ike/auth/eap.h src/ike/auth/eap_method.h \
	src/ike/auth/eap_md5.c src/ike/auth/eap_mschapv2.c \
	src/ike/auth/mschapv2.c src/ike/auth/mschapv2.h \
	src/ike/auth/radius.h src/ike/auth/radius_pkt.c src/ike/auth/radius_mppe.c
src_ike_auth_libikeeap_a_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS)
ENGINE_LIBS += src/ike/auth/libikeeap.a
EAP_LIBS = src/ike/auth/libikeeap.a src/common/libikecommon.a $(OPENSSL_LIBS)

check_PROGRAMS += tests/auth/test_eap
TESTS += tests/auth/test_eap
tests_auth_test_eap_SOURCES = tests/auth/test_eap.c tests/crypto/hex.c tests/crypto/hex.h
tests_auth_test_eap_CFLAGS = $(CHECK_CFLAGS_ALL) $(OPENSSL_CFLAGS)
tests_auth_test_eap_LDADD = $(EAP_LIBS) $(CHECK_LIBS)

check_PROGRAMS += tests/auth/test_radius
TESTS += tests/auth/test_radius
tests_auth_test_radius_SOURCES = tests/auth/test_radius.c tests/crypto/hex.c tests/crypto/hex.h
tests_auth_test_radius_CFLAGS = $(CHECK_CFLAGS_ALL) $(OPENSSL_CFLAGS)
tests_auth_test_radius_LDADD = $(EAP_LIBS) $(CHECK_LIBS)

# the daemon's RADIUS client on virtual time against in-test responders
check_PROGRAMS += tests/core/test_radius_client
TESTS += tests/core/test_radius_client
tests_core_test_radius_client_SOURCES = tests/core/test_radius_client.c \
	src/ike/core/radius_client.c src/ike/core/radius_client.h
tests_core_test_radius_client_CFLAGS = $(CHECK_CFLAGS_ALL) $(OPENSSL_CFLAGS)
tests_core_test_radius_client_LDADD = $(EAP_LIBS) $(CHECK_LIBS)
