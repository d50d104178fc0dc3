# Build fragment for src/ike/codec (included by the top-level Makefile.am).
# The codec links with libikecommon.a only, so a fuzzer can link it alone.
noinst_LIBRARIES += src/ike/codec/libikecodec.a
src_ike_codec_libikecodec_a_SOURCES = \
	src/ike/codec/codec.h src/ike/codec/codec_int.h \
	src/ike/codec/decode.c \
	src/ike/codec/encode.c \
	src/ike/codec/rules.c \
	src/ike/codec/cp.c src/ike/codec/cp.h \
	src/ike/codec/redirect.c src/ike/codec/redirect.h \
	src/ike/codec/names.c src/ike/codec/names.h

CODEC_TEST_LIBS = src/ike/codec/libikecodec.a src/common/libikecommon.a $(CHECK_LIBS)
CODEC_TEST_CPPFLAGS = $(AM_CPPFLAGS) -DCODEC_DATADIR='"$(top_srcdir)/tests/codec/data"'

check_PROGRAMS += tests/codec/test_codec tests/codec/test_codec_bad
TESTS += tests/codec/test_codec tests/codec/test_codec_bad
tests_codec_test_codec_SOURCES = tests/codec/test_codec.c \
	tests/codec/codec_fixtures.c tests/codec/codec_fixtures.h
tests_codec_test_codec_CPPFLAGS = $(CODEC_TEST_CPPFLAGS)
tests_codec_test_codec_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_codec_test_codec_LDADD = $(CODEC_TEST_LIBS)
tests_codec_test_codec_bad_SOURCES = tests/codec/test_codec_bad.c \
	tests/codec/codec_fixtures.c tests/codec/codec_fixtures.h \
	tests/fuzz/fuzz_codec_check.c tests/fuzz/fuzz_codec_check.h
tests_codec_test_codec_bad_CPPFLAGS = $(CODEC_TEST_CPPFLAGS) -I$(top_srcdir)/tests
tests_codec_test_codec_bad_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_codec_test_codec_bad_LDADD = $(CODEC_TEST_LIBS)

# tshark dissects messages built by the encoder; skipped (77) without tshark.
check_PROGRAMS += tests/codec/test_codec_tshark
TESTS += tests/codec/test_codec_tshark
tests_codec_test_codec_tshark_SOURCES = tests/codec/test_codec_tshark.c \
	tests/codec/codec_fixtures.c tests/codec/codec_fixtures.h
tests_codec_test_codec_tshark_CPPFLAGS = $(CODEC_TEST_CPPFLAGS) -DTSHARK_PATH='"$(TSHARK)"'
tests_codec_test_codec_tshark_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_codec_test_codec_tshark_LDADD = $(CODEC_TEST_LIBS)

EXTRA_DIST += tests/codec/capture-strongswan.sh tests/codec/data

check_PROGRAMS += tests/codec/test_cp
TESTS += tests/codec/test_cp
tests_codec_test_cp_SOURCES = tests/codec/test_cp.c
tests_codec_test_cp_CPPFLAGS = $(CODEC_TEST_CPPFLAGS)
tests_codec_test_cp_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_codec_test_cp_LDADD = $(CODEC_TEST_LIBS)

check_PROGRAMS += tests/codec/test_redirect_codec
TESTS += tests/codec/test_redirect_codec
tests_codec_test_redirect_codec_SOURCES = tests/codec/test_redirect_codec.c $(SA_TEST_RUNNER)
tests_codec_test_redirect_codec_CPPFLAGS = $(CODEC_TEST_CPPFLAGS) -I$(top_srcdir)/tests
tests_codec_test_redirect_codec_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_codec_test_redirect_codec_LDADD = $(CODEC_TEST_LIBS)
