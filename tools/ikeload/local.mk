# tools/ikeload: the IKEv2 load generator (a real RFC 7296 initiator on the
# codec and crypto libraries); tests/bench/run.sh and the smoke test in
# tests/engine/ikeload-smoke.sh drive it.
noinst_PROGRAMS += tools/ikeload/ikeload
tools_ikeload_ikeload_SOURCES = tools/ikeload/ikeload.c tools/ikeload/ikeload.h \
	tools/ikeload/hs.c tools/ikeload/kecache.c \
	tools/ikeload/flood.c tools/ikeload/flood.h
tools_ikeload_ikeload_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS) $(GMP_CFLAGS)
tools_ikeload_ikeload_LDADD = src/ike/sa/libikesa.a src/ike/codec/libikecodec.a $(CRYPTO_LIBS) -lm
dist_noinst_SCRIPTS += tests/engine/ikeload-smoke.sh tests/engine/ikeload-lib.sh
dist_noinst_SCRIPTS += tests/bench/run.sh
