# tests: Check unit tests.  Each area appends its own programs here or in a
# fragment of its own; all link the same convenience libraries as the daemon.
TEST_COMMON_LIBS = src/common/libikecommon.a $(CHECK_LIBS)

# The stage-based runner (tests/run-all.sh) and its stages ship in the
# tarball; the stages directory is copied whole, so new stages need no entry.
EXTRA_DIST += tests/run-all.sh tests/stages tests/unit/unit.h
# The VM harness and every scenario (tests/stages/60-vm.sh, 65, 70), whole.
EXTRA_DIST += tests/vm

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
