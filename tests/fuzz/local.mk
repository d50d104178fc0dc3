# Build fragment for tests/fuzz (included by the top-level Makefile.am).
# libFuzzer targets, built only with ./configure CC=clang --enable-fuzzing;
# tests/stages/40-fuzz.sh runs every tests/fuzz/fuzz_* with its seed corpus
# from tests/fuzz/corpus/<target>/.
FUZZER_LINK_FLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
FUZZ_CODEC_LIBS = src/ike/codec/libikecodec.a src/common/libikecommon.a

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_msg tests/fuzz/fuzz_sk_body
tests_fuzz_fuzz_msg_SOURCES = tests/fuzz/fuzz_msg.c \
	tests/fuzz/fuzz_codec_check.c tests/fuzz/fuzz_codec_check.h
tests_fuzz_fuzz_msg_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_msg_LDADD = $(FUZZ_CODEC_LIBS)
tests_fuzz_fuzz_sk_body_SOURCES = tests/fuzz/fuzz_sk_body.c \
	tests/fuzz/fuzz_codec_check.c tests/fuzz/fuzz_codec_check.h
tests_fuzz_fuzz_sk_body_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_sk_body_LDADD = $(FUZZ_CODEC_LIBS)
noinst_PROGRAMS += tests/fuzz/fuzz_cp
tests_fuzz_fuzz_cp_SOURCES = tests/fuzz/fuzz_cp.c
tests_fuzz_fuzz_cp_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_cp_LDADD = $(FUZZ_CODEC_LIBS)
noinst_PROGRAMS += tests/fuzz/fuzz_redirect
tests_fuzz_fuzz_redirect_SOURCES = tests/fuzz/fuzz_redirect.c
tests_fuzz_fuzz_redirect_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_redirect_LDADD = $(FUZZ_CODEC_LIBS)

noinst_PROGRAMS += tests/fuzz/fuzz_frag
tests_fuzz_fuzz_frag_SOURCES = tests/fuzz/fuzz_frag.c \
	tests/fuzz/fuzz_codec_check.c tests/fuzz/fuzz_codec_check.h
tests_fuzz_fuzz_frag_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_frag_LDADD = src/ike/sa/libikesa.a $(FUZZ_CODEC_LIBS) $(OPENSSL_LIBS)
noinst_PROGRAMS += tests/fuzz/fuzz_kernel_event
tests_fuzz_fuzz_kernel_event_SOURCES = tests/fuzz/fuzz_kernel_event.c
tests_fuzz_fuzz_kernel_event_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) $(LIBNL_XFRM_CFLAGS)
tests_fuzz_fuzz_kernel_event_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_kernel_event_LDADD = $(KERNEL_LIBS)
noinst_PROGRAMS += tests/fuzz/fuzz_ctl_cmds
tests_fuzz_fuzz_ctl_cmds_SOURCES = tests/fuzz/fuzz_ctl_cmds.c $(DAEMON_CTL_SOURCES)
tests_fuzz_fuzz_ctl_cmds_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_fuzz_fuzz_ctl_cmds_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS) $(OPENSSL_CFLAGS)
tests_fuzz_fuzz_ctl_cmds_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_ctl_cmds_LDADD = tests/lib/libiketest.a $(ENGINE_LIBS) $(KERNEL_LIBS) \
	$(IKECORE_LIBS) $(CRYPTO_LIBS)
noinst_PROGRAMS += tests/fuzz/fuzz_engine
tests_fuzz_fuzz_engine_SOURCES = tests/fuzz/fuzz_engine.c \
	tests/engine/fixed_sa.c tests/engine/fixed_sa.h
tests_fuzz_fuzz_engine_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_fuzz_fuzz_engine_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS)
tests_fuzz_fuzz_engine_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_engine_LDADD = tests/lib/libiketest.a $(ENGINE_LIBS) $(KERNEL_LIBS) \
	$(IKECORE_LIBS) $(CRYPTO_LIBS)
endif

EXTRA_DIST += tests/fuzz/corpus

# Certificates and AUTH signatures (src/ike/pki); the test PKI is generated
# at start-up by the unit tests' helper.
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_cert
tests_fuzz_fuzz_cert_SOURCES = tests/fuzz/fuzz_cert.c tests/pki/testpki.c tests/pki/testpki.h
tests_fuzz_fuzz_cert_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS) -I$(top_srcdir)/tests
tests_fuzz_fuzz_cert_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_cert_LDADD = $(PKI_LIBS)
endif

# The EAP server and peer machines (src/ike/auth/eap.h), alone.
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_eap
tests_fuzz_fuzz_eap_SOURCES = tests/fuzz/fuzz_eap.c
tests_fuzz_fuzz_eap_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS)
tests_fuzz_fuzz_eap_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_eap_LDADD = $(EAP_LIBS)
endif

# RADIUS responses (src/ike/auth/radius.h): check, attribute walk, MPPE keys.
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_radius
tests_fuzz_fuzz_radius_SOURCES = tests/fuzz/fuzz_radius.c
tests_fuzz_fuzz_radius_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS)
tests_fuzz_fuzz_radius_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_radius_LDADD = $(EAP_LIBS)
endif

# EAP-TLS framing, reassembly and TLS in both machines (eap_tls.c).
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_eap_tls
tests_fuzz_fuzz_eap_tls_SOURCES = tests/fuzz/fuzz_eap_tls.c tests/pki/testpki.c \
	tests/pki/testpki.h
tests_fuzz_fuzz_eap_tls_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS) -I$(top_srcdir)/tests
tests_fuzz_fuzz_eap_tls_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_eap_tls_LDADD = $(EAP_LIBS)
endif
