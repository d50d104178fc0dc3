# src/ike/core: ike.conf loader, control protocol, reload plan (libikecore.a,
# shared by ikedaemon and ikectl), the daemon, and ikectl (src/ike/ctl).
noinst_LIBRARIES += src/ike/core/libikecore.a
src_ike_core_libikecore_a_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS) $(OPENSSL_CFLAGS)
# Proposals in ike.conf are checked with the crypto module's parser.
src_ike_core_libikecore_a_SOURCES = \
	src/ike/core/units.c src/ike/core/units.h \
	src/ike/core/ident.c src/ike/core/ident.h \
	src/ike/core/tsspec.c src/ike/core/tsspec.h \
	src/ike/core/config.c src/ike/core/config_conn.c src/ike/core/conffile.c src/ike/core/config_pki.c src/ike/core/config_pool.c \
	src/ike/core/config_radius.c \
	src/ike/core/config_xfrm.c \
	src/ike/core/conf.h src/ike/core/confload.h \
	src/ike/core/ctlproto.c src/ike/core/ctlproto.h src/ike/core/ctlstream.c \
	src/ike/core/ctlconf.c src/ike/core/ctlconf.h \
	src/ike/core/ctlcerts.c src/ike/core/ctlcerts.h \
	src/ike/core/plan.c src/ike/core/plan.h \
	src/ike/core/metrics_fmt.c src/ike/core/metrics_fmt.h \
	src/ike/core/metrics_http.c src/ike/core/metrics_http.h \
	src/ike/core/updown.c src/ike/core/updown_env.c src/ike/core/updown.h
IKECORE_LIBS = src/ike/core/libikecore.a src/ike/pki/libikepki.a src/ike/crypto/libikecrypto.a \
	src/common/libikecommon.a $(LIBCONFIG_LIBS) $(OPENSSL_LIBS) $(GMP_LIBS)

# The daemon, linked with the IKE engine (src/ike/engine).
sbin_PROGRAMS += src/ike/ikedaemon
# The daemon's running state and control handlers (also linked by
# tests/fuzz/fuzz_ctl_cmds).
DAEMON_CTL_SOURCES = \
	src/ike/core/daemon.c src/ike/core/daemon.h \
	src/ike/core/ctlcmds.c src/ike/core/ctlwait.c \
	src/ike/core/ctlserver.c src/ike/core/ctlserver.h \
	src/ike/core/sdnotify.c src/ike/core/sdnotify.h \
	src/ike/core/metrics.c \
	src/ike/core/diag.c src/ike/core/diag.h \
	src/ike/core/radius_client.c src/ike/core/radius_client.h
src_ike_ikedaemon_SOURCES = \
	src/ike/core/ikedaemon.c \
	$(DAEMON_CTL_SOURCES) \
	src/ike/core/pidfile.c src/ike/core/pidfile.h \
	src/ike/core/caps.c src/ike/core/caps.h \
	src/ike/core/engine.h
src_ike_ikedaemon_LDADD = $(ENGINE_LIBS) $(KERNEL_LIBS) $(IKECORE_LIBS) $(CRYPTO_LIBS)

bin_PROGRAMS += src/ike/ikectl
src_ike_ikectl_SOURCES = \
	src/ike/ctl/ikectl.c \
	src/ike/ctl/ctlclient.c src/ike/ctl/ctlclient.h \
	src/ike/ctl/output.c src/ike/ctl/output.h \
	src/ike/ctl/swanctl.h src/ike/ctl/swanctl_parse.c src/ike/ctl/swanctl_conv.c
src_ike_ikectl_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS)
src_ike_ikectl_LDADD = $(IKECORE_LIBS)

check_PROGRAMS += tests/core/test_config
TESTS += tests/core/test_config
tests_core_test_config_SOURCES = tests/core/test_config.c
tests_core_test_config_CFLAGS = $(CHECK_CFLAGS_ALL) -I$(top_srcdir)/tests -DCORE_TEST_DATA='"$(abs_top_srcdir)/tests/core/data"' \
	-DCORE_TEST_ETC='"$(abs_top_srcdir)/etc"'
tests_core_test_config_LDADD = $(IKECORE_LIBS) $(CHECK_LIBS)

check_PROGRAMS += tests/core/test_updown
TESTS += tests/core/test_updown
tests_core_test_updown_SOURCES = tests/core/test_updown.c
tests_core_test_updown_CFLAGS = $(CHECK_CFLAGS_ALL) -I$(top_srcdir)/tests
tests_core_test_updown_LDADD = $(IKECORE_LIBS) $(CHECK_LIBS)

check_PROGRAMS += tests/core/test_ctl
TESTS += tests/core/test_ctl
tests_core_test_ctl_SOURCES = tests/core/test_ctl.c
tests_core_test_ctl_CFLAGS = $(CHECK_CFLAGS_ALL) -I$(top_srcdir)/tests -DCORE_TEST_DATA='"$(abs_top_srcdir)/tests/core/data"'
tests_core_test_ctl_LDADD = $(IKECORE_LIBS) $(CHECK_LIBS)

# libFuzzer targets (./configure CC=clang --enable-fuzzing); the fuzz stage
# runs every tests/fuzz/fuzz_* with tests/fuzz/corpus/<target>/ as seeds.
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_ctl tests/fuzz/fuzz_conf
tests_fuzz_fuzz_ctl_SOURCES = tests/fuzz/fuzz_ctl.c
tests_fuzz_fuzz_ctl_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_ctl_LDADD = $(IKECORE_LIBS)
tests_fuzz_fuzz_conf_SOURCES = tests/fuzz/fuzz_conf.c
tests_fuzz_fuzz_conf_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_conf_LDADD = $(IKECORE_LIBS)
noinst_PROGRAMS += tests/fuzz/fuzz_swanctl
tests_fuzz_fuzz_swanctl_SOURCES = tests/fuzz/fuzz_swanctl.c \
	src/ike/ctl/swanctl_parse.c src/ike/ctl/swanctl_conv.c
tests_fuzz_fuzz_swanctl_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS)
tests_fuzz_fuzz_swanctl_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_swanctl_LDADD = $(IKECORE_LIBS)
endif

TESTS += tests/core/manlint.sh tests/core/import-swanctl.sh
dist_noinst_SCRIPTS += tests/core/manlint.sh tests/core/daemon-netns.sh \
	tests/core/ctlraw.py tests/core/gen-conns.py tests/core/import-swanctl.sh
dist_noinst_DATA += \
	tests/core/data/err-include.conf \
	tests/core/data/err-include.inc \
	tests/core/data/err-names.conf \
	tests/core/data/err-pools.conf \
	tests/core/data/err-redirect.conf \
	tests/core/data/err-proposals.conf \
	tests/core/data/err-secrets.conf \
	tests/core/data/err-selectors.conf \
	tests/core/data/err-syntax.conf \
	tests/core/data/err-type.conf \
	tests/core/data/err-unknown-key.conf \
	tests/core/data/err-values.conf \
	tests/core/data/err-xfrm.conf \
	tests/core/data/err-ports.conf \
	tests/core/data/good-xfrm.conf \
	tests/core/data/good-full.conf \
	tests/core/data/good-include.conf \
	tests/core/data/good-include.inc \
	tests/core/data/good-minimal.conf \
	tests/core/data/good-secrets-file.conf \
	tests/core/data/good-secrets-file.secrets \
	tests/core/data/plan-new.conf \
	tests/core/data/plan-old.conf \
	tests/core/data/swanctl-mixed.conf \
	tests/fuzz/corpus/fuzz_ctl tests/fuzz/corpus/fuzz_conf tests/fuzz/corpus/fuzz_swanctl

check_PROGRAMS += tests/core/test_values
TESTS += tests/core/test_values
tests_core_test_values_SOURCES = tests/core/test_values.c
tests_core_test_values_CFLAGS = $(CHECK_CFLAGS_ALL) -I$(top_srcdir)/tests
tests_core_test_values_LDADD = $(IKECORE_LIBS) $(CHECK_LIBS)

# metrics exposition (both formats) and the HTTP endpoint's request routing
check_PROGRAMS += tests/core/test_metrics
TESTS += tests/core/test_metrics
tests_core_test_metrics_SOURCES = tests/core/test_metrics.c
tests_core_test_metrics_CFLAGS = $(CHECK_CFLAGS_ALL) -I$(top_srcdir)/tests
tests_core_test_metrics_LDADD = $(IKECORE_LIBS) $(CHECK_LIBS)
