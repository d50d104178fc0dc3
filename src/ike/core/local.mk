# src/ike/core: ike.conf loader, control protocol, reload plan (libikecore.a,
# shared by ikedaemon and ikectl), the daemon, and ikectl (src/ike/ctl).
noinst_LIBRARIES += src/ike/core/libikecore.a
src_ike_core_libikecore_a_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS) $(OPENSSL_CFLAGS)
src_ike_core_libikecore_a_SOURCES = \
	src/ike/core/units.c src/ike/core/units.h \
	src/ike/core/ident.c src/ike/core/ident.h \
	src/ike/core/tsspec.c src/ike/core/tsspec.h \
	src/ike/core/config.c src/ike/core/config_conn.c \
	src/ike/core/conf.h src/ike/core/confload.h \
	src/ike/core/ctlproto.c src/ike/core/ctlproto.h \
	src/ike/core/ctlconf.c src/ike/core/ctlconf.h \
	src/ike/core/plan.c src/ike/core/plan.h
IKECORE_LIBS = src/ike/core/libikecore.a src/common/libikecommon.a \
	$(LIBCONFIG_LIBS) $(OPENSSL_LIBS)

# The daemon, linked with the IKE engine (src/ike/engine).  engine_none.c,
# the engine.h side for a build without an engine, stays out of the link.
sbin_PROGRAMS += src/ike/ikedaemon
src_ike_ikedaemon_SOURCES = \
	src/ike/core/ikedaemon.c \
	src/ike/core/daemon.c src/ike/core/daemon.h \
	src/ike/core/ctlcmds.c \
	src/ike/core/ctlserver.c src/ike/core/ctlserver.h \
	src/ike/core/pidfile.c src/ike/core/pidfile.h \
	src/ike/core/sdnotify.c src/ike/core/sdnotify.h \
	src/ike/core/caps.c src/ike/core/caps.h \
	src/ike/core/engine.h
src_ike_ikedaemon_LDADD = $(ENGINE_LIBS) $(KERNEL_LIBS) $(IKECORE_LIBS) $(CRYPTO_LIBS)
EXTRA_DIST += src/ike/core/engine_none.c

bin_PROGRAMS += src/ike/ikectl
src_ike_ikectl_SOURCES = \
	src/ike/ctl/ikectl.c \
	src/ike/ctl/ctlclient.c src/ike/ctl/ctlclient.h \
	src/ike/ctl/output.c src/ike/ctl/output.h
src_ike_ikectl_LDADD = $(IKECORE_LIBS)

check_PROGRAMS += tests/core/test_config
TESTS += tests/core/test_config
tests_core_test_config_SOURCES = tests/core/test_config.c
tests_core_test_config_CFLAGS = $(CHECK_CFLAGS_ALL) -I$(top_srcdir)/tests -DCORE_TEST_DATA='"$(abs_top_srcdir)/tests/core/data"' \
	-DCORE_TEST_ETC='"$(abs_top_srcdir)/etc"'
tests_core_test_config_LDADD = $(IKECORE_LIBS) $(CHECK_LIBS)
