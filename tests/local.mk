# tests: Check unit tests.  Each area appends its own programs here or in a
# fragment of its own; all link the same convenience libraries as the daemon.
TEST_COMMON_LIBS = src/common/libikecommon.a $(CHECK_LIBS)

# The stage-based runner (tests/run-all.sh) and its stages ship in the
# tarball; the stages directory is copied whole, so new stages need no entry.
EXTRA_DIST += tests/run-all.sh tests/stages tests/unit/unit.h
# Interop with Libreswan and OpenIKED in the VM (tests/stages/70-vm-interop.sh)
EXTRA_DIST += tests/vm/ike/libreswan-lib.sh tests/vm/ike/openiked-lib.sh \
	tests/vm/ike/interop-lib.sh \
	tests/vm/scenarios/lsw-01-psk-v4.sh tests/vm/scenarios/lsw-02-proposals.sh \
	tests/vm/scenarios/lsw-03-transport.sh tests/vm/scenarios/lsw-04-ipv6.sh \
	tests/vm/scenarios/lsw-05-child-rekey-defaults.sh \
	tests/vm/scenarios/lsw-06-child-rekey-pfs.sh tests/vm/scenarios/lsw-07-ike-rekey.sh \
	tests/vm/scenarios/lsw-08-dpd.sh tests/vm/scenarios/lsw-09-delete.sh \
	tests/vm/scenarios/iked-01-psk-v4.sh tests/vm/scenarios/iked-02-child-rekey.sh \
	tests/vm/scenarios/iked-03-delete.sh

check_PROGRAMS += tests/unit/test_buf
TESTS += tests/unit/test_buf
tests_unit_test_buf_SOURCES = tests/unit/test_buf.c
tests_unit_test_buf_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_test_buf_LDADD = $(TEST_COMMON_LIBS)

check_PROGRAMS += tests/unit/test_loop
TESTS += tests/unit/test_loop
tests_unit_test_loop_SOURCES = tests/unit/test_loop.c
tests_unit_test_loop_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_test_loop_LDADD = $(TEST_COMMON_LIBS)

check_PROGRAMS += tests/unit/test_addr
TESTS += tests/unit/test_addr
tests_unit_test_addr_SOURCES = tests/unit/test_addr.c
tests_unit_test_addr_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_test_addr_LDADD = $(TEST_COMMON_LIBS)

check_PROGRAMS += tests/unit/test_util
TESTS += tests/unit/test_util
tests_unit_test_util_SOURCES = tests/unit/test_util.c
tests_unit_test_util_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_test_util_LDADD = $(TEST_COMMON_LIBS)

check_PROGRAMS += tests/unit/test_workq
TESTS += tests/unit/test_workq
tests_unit_test_workq_SOURCES = tests/unit/test_workq.c
tests_unit_test_workq_CFLAGS = $(CHECK_CFLAGS_ALL) -pthread
tests_unit_test_workq_LDFLAGS = $(AM_LDFLAGS) -pthread
tests_unit_test_workq_LDADD = $(TEST_COMMON_LIBS)
