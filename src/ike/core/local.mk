# src/ike/core: ike.conf loader, control protocol, reload plan (libikecore.a,
# shared by ikedaemon and ikectl), the daemon, and ikectl (src/ike/ctl).
noinst_LIBRARIES += src/ike/core/libikecore.a
src_ike_core_libikecore_a_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS) $(OPENSSL_CFLAGS)
src_ike_core_libikecore_a_SOURCES = \
	src/ike/core/units.c src/ike/core/units.h \
	src/ike/core/ident.c src/ike/core/ident.h \
	src/ike/core/tsspec.c src/ike/core/tsspec.h \
	src/ike/core/config.c src/ike/core/config_conn.c \
	src/ike/core/config.h src/ike/core/confload.h
IKECORE_LIBS = src/ike/core/libikecore.a src/common/libikecommon.a \
	$(LIBCONFIG_LIBS) $(OPENSSL_LIBS)

check_PROGRAMS += tests/core/test_config
TESTS += tests/core/test_config
tests_core_test_config_SOURCES = tests/core/test_config.c
tests_core_test_config_CFLAGS = $(CHECK_CFLAGS_ALL) -DCORE_TEST_DATA='"$(abs_top_srcdir)/tests/core/data"' \
	-DCORE_TEST_ETC='"$(abs_top_srcdir)/etc"'
tests_core_test_config_LDADD = $(IKECORE_LIBS) $(CHECK_LIBS)
