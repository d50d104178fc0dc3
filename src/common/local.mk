# src/common: the convenience library every program, test and fuzzer links.
noinst_LIBRARIES += src/common/libikecommon.a
src_common_libikecommon_a_SOURCES = \
	src/common/buf.c src/common/buf.h \
	src/common/log.c src/common/log.h \
	src/common/secret.c src/common/secret.h \
	src/common/names.c src/common/names.h \
	src/common/strmap.c src/common/strmap.h \
	src/common/addr.c src/common/addr.h \
	src/common/loop.c src/common/loop.h \
	src/common/workq.c src/common/workq.h \
	src/common/tcache.c src/common/tcache.h
# workq.c starts threads: programs linking it need -pthread at link time too.
