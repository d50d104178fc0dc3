# Build fragment for src/ike/engine: the IKE engine (exchanges, IKE and
# CHILD SAs, kernel installation) behind src/ike/core/engine.h, and its
# in-process exchange tests in tests/engine/.
noinst_LIBRARIES += src/ike/engine/libikeengine.a
src_ike_engine_libikeengine_a_SOURCES = \
	src/ike/engine/ike_sa.h src/ike/engine/exchange.h \
	src/ike/engine/engine.c \
	src/ike/engine/engine_ctl.c \
	src/ike/engine/counters.c \
	src/ike/engine/child_updown.c \
	src/ike/engine/ike_sa.c \
	src/ike/engine/msg_in.c \
	src/ike/engine/msg_out.c \
	src/ike/engine/ike_init.c \
	src/ike/engine/ike_auth.c \
	src/ike/engine/ike_auth_eap.c \
	src/ike/engine/informational.c \
	src/ike/engine/child_sa.c \
	src/ike/engine/child_xfrm.c \
	src/ike/engine/child_nego.c src/ike/engine/child_nego.h \
	src/ike/engine/kernel_alg.c src/ike/engine/kernel_alg.h \
	src/ike/engine/trap.c \
	src/ike/engine/kevents.c \
	src/ike/engine/kstate.c \
	src/ike/engine/create_child.c src/ike/engine/create_child.h \
	src/ike/engine/child_pfs.c src/ike/engine/child_pfs.h \
	src/ike/engine/rekey.c src/ike/engine/rekey.h \
	src/ike/engine/crypto_job.c src/ike/engine/crypto_job.h \
	src/ike/engine/flows.c src/ike/engine/flows.h \
	src/ike/engine/natt.c src/ike/engine/natt.h \
	src/ike/engine/retry.c src/ike/engine/retry.h \
	src/ike/engine/unique.c src/ike/engine/unique.h \
	src/ike/engine/cp.c src/ike/engine/cp.h \
	src/ike/engine/redirect.c src/ike/engine/redirect.h
src_ike_engine_libikeengine_a_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS)
ENGINE_LIBS = src/ike/engine/libikeengine.a src/ike/sa/libikesa.a \
	src/ike/codec/libikecodec.a src/ike/crypto/libikecrypto.a \
	src/ike/core/libikecore.a src/ike/pki/libikepki.a

# rekeying (issue 8): CREATE_CHILD_SA, collisions, lifetimes
check_PROGRAMS += tests/engine/test_rekey
TESTS += tests/engine/test_rekey
tests_engine_test_rekey_SOURCES = tests/engine/test_rekey.c \
	tests/engine/badinput.c tests/engine/badinput.h \
	tests/engine/pair.c tests/engine/pair.h
tests_engine_test_rekey_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_engine_test_rekey_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_rekey_LDADD = tests/lib/libiketest.a $(ENGINE_LIBS) $(KERNEL_LIBS) \
	$(IKECORE_LIBS) $(CRYPTO_LIBS) $(CHECK_LIBS)

# PFS in CHILD SA rekeys without a configured group (issue 20: pfs = ...)
check_PROGRAMS += tests/engine/test_pfs
TESTS += tests/engine/test_pfs
tests_engine_test_pfs_SOURCES = tests/engine/test_pfs.c $(BADINPUT_SOURCES)
tests_engine_test_pfs_CPPFLAGS = $(tests_engine_test_rekey_CPPFLAGS)
tests_engine_test_pfs_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_pfs_LDADD = $(tests_engine_test_rekey_LDADD)

# reauthentication without a gap in traffic (make-before-break)
check_PROGRAMS += tests/engine/test_reauth
TESTS += tests/engine/test_reauth
tests_engine_test_reauth_SOURCES = tests/engine/test_reauth.c \
	tests/engine/pair.c tests/engine/pair.h
tests_engine_test_reauth_CPPFLAGS = $(tests_engine_test_rekey_CPPFLAGS)
tests_engine_test_reauth_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_reauth_LDADD = $(tests_engine_test_rekey_LDADD)

check_PROGRAMS += tests/engine/test_natt
TESTS += tests/engine/test_natt
tests_engine_test_natt_SOURCES = tests/engine/test_natt.c \
	tests/engine/pair.c tests/engine/pair.h
tests_engine_test_natt_CPPFLAGS = $(tests_engine_test_exchange_CPPFLAGS)
tests_engine_test_natt_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_natt_LDADD = $(tests_engine_test_exchange_LDADD)

check_PROGRAMS += tests/engine/test_liveness
TESTS += tests/engine/test_liveness
tests_engine_test_liveness_SOURCES = tests/engine/test_liveness.c \
	tests/engine/pair.c tests/engine/pair.h
tests_engine_test_liveness_CPPFLAGS = $(tests_engine_test_exchange_CPPFLAGS)
tests_engine_test_liveness_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_liveness_LDADD = $(tests_engine_test_exchange_LDADD)

check_PROGRAMS += tests/engine/test_exchange
TESTS += tests/engine/test_exchange
tests_engine_test_exchange_SOURCES = tests/engine/test_exchange.c \
	tests/engine/pair.c tests/engine/pair.h
tests_engine_test_exchange_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_engine_test_exchange_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_exchange_LDADD = tests/lib/libiketest.a $(ENGINE_LIBS) $(KERNEL_LIBS) \
	$(IKECORE_LIBS) $(CRYPTO_LIBS) $(CHECK_LIBS)

# the engine fuzzer's fixed-keys hook, and its findings as regression cases
check_PROGRAMS += tests/engine/test_fixed_sa
TESTS += tests/engine/test_fixed_sa
tests_engine_test_fixed_sa_SOURCES = tests/engine/test_fixed_sa.c \
	tests/engine/fixed_sa.c tests/engine/fixed_sa.h tests/fuzz/fuzz_engine.c \
	tests/engine/pair.c tests/engine/pair.h
tests_engine_test_fixed_sa_CPPFLAGS = $(tests_engine_test_exchange_CPPFLAGS) \
	-DFUZZ_ENGINE_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/fuzz_engine"'
tests_engine_test_fixed_sa_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_fixed_sa_LDADD = $(tests_engine_test_exchange_LDADD)

check_PROGRAMS += tests/engine/test_kstate
TESTS += tests/engine/test_kstate
tests_engine_test_kstate_SOURCES = tests/engine/test_kstate.c \
	tests/engine/pair.c tests/engine/pair.h
tests_engine_test_kstate_CPPFLAGS = $(tests_engine_test_exchange_CPPFLAGS)
tests_engine_test_kstate_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_kstate_LDADD = $(tests_engine_test_exchange_LDADD)

# The same exchange dissected by tshark with the SA's keys (skips without
# tshark); the host interop check against charon (root, run by hand or a
# stage: tests/engine/interop-host.sh BUILDDIR WORKDIR).
TESTS += tests/engine/tshark-check.sh
# The layer rule of doc/ARCHITECTURE.md on the built objects (check-layers.sh).
TESTS += tests/engine/layers.sh
dist_noinst_SCRIPTS += tests/engine/layers.sh
dist_noinst_SCRIPTS += tests/engine/tshark-check.sh tests/engine/interop-host.sh \
	tests/engine/interop-pki.sh tests/engine/interop-pk-cases.sh tests/engine/interop-eap-cases.sh tests/engine/interop-radius-cases.sh \
	tests/engine/interop-peer-cases.sh tests/engine/interop-redirect-cases.sh \
	tests/engine/vm-interop.sh

# ikectl's actions: terminate a CHILD SA, install/uninstall traps, reauth
check_PROGRAMS += tests/engine/test_operator
TESTS += tests/engine/test_operator
tests_engine_test_operator_SOURCES = tests/engine/test_operator.c \
	tests/engine/pair.c tests/engine/pair.h
tests_engine_test_operator_CPPFLAGS = $(tests_engine_test_exchange_CPPFLAGS)
tests_engine_test_operator_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_operator_LDADD = $(tests_engine_test_exchange_LDADD)

# updown and initiate's outcome: CHILD SA up/down and failure reasons in the events
check_PROGRAMS += tests/engine/test_updown
TESTS += tests/engine/test_updown
tests_engine_test_updown_SOURCES = tests/engine/test_updown.c \
	tests/engine/pair.c tests/engine/pair.h $(DAEMON_CTL_SOURCES)
tests_engine_test_updown_CPPFLAGS = $(tests_engine_test_exchange_CPPFLAGS)
tests_engine_test_updown_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_updown_LDADD = $(tests_engine_test_exchange_LDADD)

check_PROGRAMS += tests/engine/test_hostile
TESTS += tests/engine/test_hostile
tests_engine_test_hostile_SOURCES = tests/engine/test_hostile.c \
	tests/engine/pair.c tests/engine/pair.h
tests_engine_test_hostile_CPPFLAGS = $(tests_engine_test_exchange_CPPFLAGS)
tests_engine_test_hostile_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_hostile_LDADD = $(tests_engine_test_exchange_LDADD)

# BAD-INPUT.md rows against a daemon-side IKE SA (crafted messages sealed
# with the engine's own keys): unprotected IKE_SA_INIT rows, protected rows.
BADINPUT_SOURCES = tests/engine/badinput.c tests/engine/badinput.h \
	tests/engine/pair.c tests/engine/pair.h
BADINPUT_LDADD = tests/lib/libiketest.a $(ENGINE_LIBS) $(KERNEL_LIBS) \
	$(IKECORE_LIBS) $(CRYPTO_LIBS) $(CHECK_LIBS)
check_PROGRAMS += tests/engine/test_badinput_init tests/engine/test_badinput
TESTS += tests/engine/test_badinput_init tests/engine/test_badinput
tests_engine_test_badinput_init_SOURCES = tests/engine/test_badinput_init.c $(BADINPUT_SOURCES)
tests_engine_test_badinput_init_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_engine_test_badinput_init_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_badinput_init_LDADD = $(BADINPUT_LDADD)
tests_engine_test_badinput_SOURCES = tests/engine/test_badinput.c $(BADINPUT_SOURCES)
tests_engine_test_badinput_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_engine_test_badinput_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_badinput_LDADD = $(BADINPUT_LDADD)

# Handshake cost, both sides in one process (not a test).
noinst_PROGRAMS += tests/engine/bench_handshake
tests_engine_bench_handshake_SOURCES = tests/engine/bench_handshake.c \
	tests/engine/pair.c tests/engine/pair.h
tests_engine_bench_handshake_CPPFLAGS = $(tests_engine_test_exchange_CPPFLAGS)
tests_engine_bench_handshake_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_bench_handshake_LDADD = $(tests_engine_test_exchange_LDADD)

# the responder's key exchange on crypto workers (issue 17)
check_PROGRAMS += tests/engine/test_crypto_job
TESTS += tests/engine/test_crypto_job
tests_engine_test_crypto_job_SOURCES = tests/engine/test_crypto_job.c \
	tests/engine/pair.c tests/engine/pair.h
tests_engine_test_crypto_job_CPPFLAGS = $(tests_engine_test_exchange_CPPFLAGS)
tests_engine_test_crypto_job_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_crypto_job_LDADD = $(tests_engine_test_exchange_LDADD)

# the engine's hash indexes (issue 17)
check_PROGRAMS += tests/engine/test_index
TESTS += tests/engine/test_index
tests_engine_test_index_SOURCES = tests/engine/test_index.c \
	tests/engine/pair.c tests/engine/pair.h
tests_engine_test_index_CPPFLAGS = $(tests_engine_test_exchange_CPPFLAGS)
tests_engine_test_index_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_index_LDADD = $(tests_engine_test_exchange_LDADD)

# IKE_AUTH with certificates (issue 14): a test PKI generated at start-up
PKIFILES_SOURCES = tests/engine/pkifiles.c tests/engine/pkifiles.h \
	tests/pki/testpki.c tests/pki/testpki.h
check_PROGRAMS += tests/engine/test_auth_pubkey
TESTS += tests/engine/test_auth_pubkey
tests_engine_test_auth_pubkey_SOURCES = tests/engine/test_auth_pubkey.c \
	tests/engine/pair.c tests/engine/pair.h $(PKIFILES_SOURCES)
tests_engine_test_auth_pubkey_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_engine_test_auth_pubkey_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_auth_pubkey_LDADD = $(tests_engine_test_exchange_LDADD)

# BAD-INPUT 28 with certificates: hostile CERT payloads and AUTH data
check_PROGRAMS += tests/engine/test_badinput_cert
TESTS += tests/engine/test_badinput_cert
tests_engine_test_badinput_cert_SOURCES = tests/engine/test_badinput_cert.c \
	$(BADINPUT_SOURCES) $(PKIFILES_SOURCES)
tests_engine_test_badinput_cert_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_engine_test_badinput_cert_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_badinput_cert_LDADD = $(BADINPUT_LDADD)

# childless IKE SAs, INVALID_IKE_SPI, unique (issue 16)
check_PROGRAMS += tests/engine/test_peers
TESTS += tests/engine/test_peers
tests_engine_test_peers_SOURCES = tests/engine/test_peers.c \
	tests/engine/pair.c tests/engine/pair.h
tests_engine_test_peers_CPPFLAGS = $(tests_engine_test_exchange_CPPFLAGS)
tests_engine_test_peers_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_peers_LDADD = $(tests_engine_test_exchange_LDADD)

check_PROGRAMS += tests/engine/test_cp
TESTS += tests/engine/test_cp
tests_engine_test_cp_SOURCES = tests/engine/test_cp.c \
	tests/engine/pair.c tests/engine/pair.h
tests_engine_test_cp_CPPFLAGS = $(tests_engine_test_exchange_CPPFLAGS)
tests_engine_test_cp_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_cp_LDADD = $(tests_engine_test_exchange_LDADD)

check_PROGRAMS += tests/engine/test_badinput_cp
TESTS += tests/engine/test_badinput_cp
tests_engine_test_badinput_cp_SOURCES = tests/engine/test_badinput_cp.c $(BADINPUT_SOURCES)
tests_engine_test_badinput_cp_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_engine_test_badinput_cp_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_badinput_cp_LDADD = $(BADINPUT_LDADD)

# EAP in IKE_AUTH (RFC 7296 2.16): MD5 and MSCHAPv2, client and gateway
check_PROGRAMS += tests/engine/test_eap
TESTS += tests/engine/test_eap
tests_engine_test_eap_SOURCES = tests/engine/test_eap.c tests/engine/pair.c tests/engine/pair.h
tests_engine_test_eap_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_engine_test_eap_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_eap_LDADD = $(tests_engine_test_exchange_LDADD)

# EAP-TLS (RFC 5216/9190) in IKE_AUTH, client and gateway, test PKI in files
check_PROGRAMS += tests/engine/test_eap_tls
TESTS += tests/engine/test_eap_tls
tests_engine_test_eap_tls_SOURCES = tests/engine/test_eap_tls.c \
	tests/engine/pair.c tests/engine/pair.h $(PKIFILES_SOURCES)
tests_engine_test_eap_tls_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_engine_test_eap_tls_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_eap_tls_LDADD = $(tests_engine_test_exchange_LDADD)

# BAD-INPUT for EAP rounds (hostile IKE_AUTH requests during EAP)
# eap-radius: the IKE_AUTH answer deferred until the EAP backend answers
check_PROGRAMS += tests/engine/test_eap_radius
TESTS += tests/engine/test_eap_radius
tests_engine_test_eap_radius_SOURCES = tests/engine/test_eap_radius.c tests/engine/pair.c tests/engine/pair.h
tests_engine_test_eap_radius_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_engine_test_eap_radius_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_eap_radius_LDADD = $(tests_engine_test_exchange_LDADD)

check_PROGRAMS += tests/engine/test_badinput_eap
TESTS += tests/engine/test_badinput_eap
tests_engine_test_badinput_eap_SOURCES = tests/engine/test_badinput_eap.c $(BADINPUT_SOURCES)
tests_engine_test_badinput_eap_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_engine_test_badinput_eap_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_badinput_eap_LDADD = $(BADINPUT_LDADD)

# BAD-INPUT for EAP-TLS framing (lying lengths, truncated headers) in IKE_AUTH
check_PROGRAMS += tests/engine/test_badinput_eap_tls
TESTS += tests/engine/test_badinput_eap_tls
tests_engine_test_badinput_eap_tls_SOURCES = tests/engine/test_badinput_eap_tls.c \
	$(BADINPUT_SOURCES) $(PKIFILES_SOURCES)
tests_engine_test_badinput_eap_tls_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_engine_test_badinput_eap_tls_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_badinput_eap_tls_LDADD = $(BADINPUT_LDADD)

# IKE fragmentation (RFC 7383, issue 14): negotiation, sizes, loss, BAD-INPUT 31
check_PROGRAMS += tests/engine/test_frag
TESTS += tests/engine/test_frag
tests_engine_test_frag_SOURCES = tests/engine/test_frag.c \
	$(BADINPUT_SOURCES) $(PKIFILES_SOURCES)
tests_engine_test_frag_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_engine_test_frag_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_frag_LDADD = $(BADINPUT_LDADD)

# swanctl keys that end in XFRM state: marks, set_mark, priority, copy_*, ports
check_PROGRAMS += tests/engine/test_xfrm_keys
TESTS += tests/engine/test_xfrm_keys
tests_engine_test_xfrm_keys_SOURCES = tests/engine/test_xfrm_keys.c \
	tests/engine/pair.c tests/engine/pair.h
tests_engine_test_xfrm_keys_CPPFLAGS = $(tests_engine_test_exchange_CPPFLAGS)
tests_engine_test_xfrm_keys_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_xfrm_keys_LDADD = $(tests_engine_test_exchange_LDADD)

# IKEv2 redirect (RFC 5685, issue 16): three engines, both roles, bad input
check_PROGRAMS += tests/engine/test_redirect
TESTS += tests/engine/test_redirect
tests_engine_test_redirect_SOURCES = tests/engine/test_redirect.c $(BADINPUT_SOURCES)
tests_engine_test_redirect_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_engine_test_redirect_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_engine_test_redirect_LDADD = $(BADINPUT_LDADD)
