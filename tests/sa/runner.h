/* Shared main() body of the tests/sa programs. */
#ifndef TESTS_SA_RUNNER_H
#define TESTS_SA_RUNNER_H

#include <check.h>

/* Runs the NULL-terminated tests[] as one suite; returns the exit status.
 * timeout_s 0 keeps Check's default. */
int run_tests(const char *suite, const TTest **tests, int timeout_s);

#endif
