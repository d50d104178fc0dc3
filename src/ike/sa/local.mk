# Build fragment for src/ike/sa: the IKE SA engine groundwork (sockets, SA
# table, state machine, message-ID window, cookies, traffic selectors,
# proposal selection) and its Check tests in tests/sa/.
noinst_LIBRARIES += src/ike/sa/libikesa.a
src_ike_sa_libikesa_a_SOURCES = \
	src/ike/sa/sa_state.c src/ike/sa/sa_state.h \
	src/ike/sa/hidx.c src/ike/sa/hidx.h \
	src/ike/sa/sa_table.c src/ike/sa/sa_table.h \
	src/ike/sa/cookie.c src/ike/sa/cookie.h \
	src/ike/sa/ts.c src/ike/sa/ts.h \
	src/ike/sa/proposal_select.c src/ike/sa/proposal_select.h \
	src/ike/sa/conf_objects.c src/ike/sa/conf_objects.h \
	src/ike/sa/prop_util.c src/ike/sa/prop_util.h \
	src/ike/sa/socket.c src/ike/sa/socket.h \
	src/ike/sa/window.c src/ike/sa/window.h \
	src/ike/sa/tbucket.c src/ike/sa/tbucket.h \
	src/ike/sa/pool.c src/ike/sa/pool.h \
	src/ike/sa/frag.c src/ike/sa/frag.h
src_ike_sa_libikesa_a_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS)

SA_TEST_RUNNER = tests/sa/runner.c tests/sa/runner.h
SA_TEST_LIBS = src/ike/sa/libikesa.a src/common/libikecommon.a $(OPENSSL_LIBS) $(CHECK_LIBS)

check_PROGRAMS += tests/sa/test_sa_state
TESTS += tests/sa/test_sa_state
tests_sa_test_sa_state_SOURCES = tests/sa/test_sa_state.c $(SA_TEST_RUNNER)
tests_sa_test_sa_state_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_sa_test_sa_state_LDADD = $(SA_TEST_LIBS)

check_PROGRAMS += tests/sa/test_sa_table
TESTS += tests/sa/test_sa_table
tests_sa_test_sa_table_SOURCES = tests/sa/test_sa_table.c $(SA_TEST_RUNNER)
tests_sa_test_sa_table_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_sa_test_sa_table_LDADD = $(SA_TEST_LIBS)

check_PROGRAMS += tests/sa/test_cookie
TESTS += tests/sa/test_cookie
tests_sa_test_cookie_SOURCES = tests/sa/test_cookie.c $(SA_TEST_RUNNER)
tests_sa_test_cookie_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_sa_test_cookie_LDADD = $(SA_TEST_LIBS)

check_PROGRAMS += tests/sa/test_ts
TESTS += tests/sa/test_ts
tests_sa_test_ts_SOURCES = tests/sa/test_ts.c $(SA_TEST_RUNNER)
tests_sa_test_ts_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_sa_test_ts_LDADD = $(SA_TEST_LIBS)

check_PROGRAMS += tests/sa/test_proposal
TESTS += tests/sa/test_proposal
tests_sa_test_proposal_SOURCES = tests/sa/test_proposal.c $(SA_TEST_RUNNER)
tests_sa_test_proposal_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_sa_test_proposal_LDADD = $(SA_TEST_LIBS)

check_PROGRAMS += tests/sa/test_socket
TESTS += tests/sa/test_socket
tests_sa_test_socket_SOURCES = tests/sa/test_socket.c $(SA_TEST_RUNNER)
tests_sa_test_socket_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_sa_test_socket_LDADD = $(SA_TEST_LIBS)

check_PROGRAMS += tests/sa/test_window
TESTS += tests/sa/test_window
tests_sa_test_window_SOURCES = tests/sa/test_window.c $(SA_TEST_RUNNER)
tests_sa_test_window_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_sa_test_window_LDADD = $(SA_TEST_LIBS)

check_PROGRAMS += tests/sa/test_exchange_loop
TESTS += tests/sa/test_exchange_loop
tests_sa_test_exchange_loop_SOURCES = tests/sa/test_exchange_loop.c $(SA_TEST_RUNNER)
tests_sa_test_exchange_loop_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_sa_test_exchange_loop_LDADD = $(SA_TEST_LIBS)

check_PROGRAMS += tests/sa/test_pool
TESTS += tests/sa/test_pool
tests_sa_test_pool_SOURCES = tests/sa/test_pool.c $(SA_TEST_RUNNER)
tests_sa_test_pool_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_sa_test_pool_LDADD = $(SA_TEST_LIBS)

check_PROGRAMS += tests/sa/test_frag
TESTS += tests/sa/test_frag
tests_sa_test_frag_SOURCES = tests/sa/test_frag.c $(SA_TEST_RUNNER)
tests_sa_test_frag_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_sa_test_frag_LDADD = $(SA_TEST_LIBS)
