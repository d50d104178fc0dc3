#include "runner.h"

#include <stdlib.h>

int run_tests(const char *suite, const TTest **tests, int timeout_s)
{
	Suite *s = suite_create(suite);
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	if (timeout_s > 0)
		tcase_set_timeout(tc, timeout_s);
	for (; *tests; tests++)
		tcase_add_test(tc, *tests);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
