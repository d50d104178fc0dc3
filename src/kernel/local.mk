# Build fragment for src/kernel (included by the top-level Makefile.am).
# The kernel backend: kernel.h interface, XFRM implementation over libnl-xfrm.
noinst_LIBRARIES += src/kernel/libikekernel.a
src_kernel_libikekernel_a_SOURCES = \
	src/kernel/kernel.c src/kernel/kernel.h \
	src/kernel/xfrm.c \
	src/kernel/xfrm_alg.c src/kernel/xfrm_alg.h \
	src/kernel/xfrm_event.c src/kernel/xfrm_event.h \
	src/kernel/xfrm_msg.c src/kernel/xfrm_msg.h src/kernel/xfrm_move.c \
	src/kernel/rtnl_addr.c src/kernel/rtnl_addr.h
src_kernel_libikekernel_a_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) $(LIBNL_XFRM_CFLAGS)
KERNEL_LIBS = src/kernel/libikekernel.a src/common/libikecommon.a \
	$(LIBNL_XFRM_LIBS) $(LIBNL_LIBS)

# Test double: the in-memory kernel (check-only).
check_LIBRARIES = tests/lib/libiketest.a
tests_lib_libiketest_a_SOURCES = tests/lib/kernel_mem.c tests/lib/kernel_mem.h
tests_lib_libiketest_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests

# Unit tests: messages the backend builds, events it decodes, the double.
check_PROGRAMS += tests/kernel/test_xfrm_msg tests/kernel/test_kernel_mem
TESTS += tests/kernel/test_xfrm_msg tests/kernel/test_kernel_mem
tests_kernel_test_xfrm_msg_SOURCES = tests/kernel/test_xfrm_msg.c
tests_kernel_test_xfrm_msg_CPPFLAGS = $(src_kernel_libikekernel_a_CPPFLAGS) -I$(top_srcdir)/tests
tests_kernel_test_xfrm_msg_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_kernel_test_xfrm_msg_LDADD = $(KERNEL_LIBS) $(CHECK_LIBS)
tests_kernel_test_kernel_mem_SOURCES = tests/kernel/test_kernel_mem.c
tests_kernel_test_kernel_mem_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_kernel_test_kernel_mem_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_kernel_test_kernel_mem_LDADD = tests/lib/libiketest.a $(KERNEL_LIBS) $(CHECK_LIBS)

# Test CLI driving the real backend (host stage and VM scenarios) and the
# install-rate benchmark (not a test: run by tests/vm/bench-kernel.sh).
noinst_PROGRAMS += tests/kernel/kctl tests/kernel/bench_kernel
tests_kernel_kctl_SOURCES = tests/kernel/kctl.c
tests_kernel_kctl_CPPFLAGS = $(src_kernel_libikekernel_a_CPPFLAGS)
tests_kernel_kctl_LDADD = $(KERNEL_LIBS)
tests_kernel_bench_kernel_SOURCES = tests/kernel/bench_kernel.c
tests_kernel_bench_kernel_CPPFLAGS = $(src_kernel_libikekernel_a_CPPFLAGS)
tests_kernel_bench_kernel_LDADD = $(KERNEL_LIBS)

dist_noinst_SCRIPTS += tests/stages/50-host-kernel.sh tests/stages/60-vm.sh \
	tests/kernel/host-kernel.sh tests/vm/run-vm.sh tests/vm/guest-main.sh \
	tests/vm/lib.sh tests/vm/init.sh tests/vm/bench-kernel.sh

# Host-kernel test in a fresh network namespace (root only, else skipped).
TESTS += tests/kernel/host-kernel.sh
# tests/vm (README, libraries, scenarios) ships whole: tests/local.mk.
