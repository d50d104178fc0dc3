/*
 * Handshake cost in one process: N times IKE_SA_INIT + IKE_AUTH (with the
 * CHILD SA into the in-memory kernels) and DELETE between two engines,
 * both sides' CPU together.  Prints handshakes per second.
 *   bench_handshake [N] [proposal]
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pair.h"

static int n = 500;
static const char *prop = "aes256gcm16-prfsha256-x25519";

/* A Check test only because pair.c asserts with Check. */
START_TEST(bench)
{
	char a[2048], b[2048], err[128];
	struct timespec t0, t1;
	struct pair p;
	double secs;

	snprintf(a, sizeof(a), "%.*sproposals = [\"%s\"];\n  children%s",
		 (int)(strstr(pair_conf_a, "children") - pair_conf_a), pair_conf_a, prop,
		 strstr(pair_conf_a, "children") + 8);
	snprintf(b, sizeof(b), "%.*sproposals = [\"%s\"];\n  children%s",
		 (int)(strstr(pair_conf_b, "children") - pair_conf_b), pair_conf_b, prop,
		 strstr(pair_conf_b, "children") + 8);
	pair_setup(&p, a, b);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++) {
		pair_initiate(&p);
		pair_pump(&p, 0);
		ck_assert_msg(pair_established(&p), "handshake %d failed", i);
		ck_assert_msg(engine_terminate(p.peer[PAIR_A].e, "ab", 0, err, sizeof(err)) == 0,
			      "%s", err);
		pair_pump(&p, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%d handshakes (%s, both sides, CHILD SA installed, deleted) in %.2f s: %.0f/s\n",
	       n, prop, secs, n / secs);
	pair_free(&p);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("bench");
	TCase *tc = tcase_create("bench");

	if (argc > 1)
		n = atoi(argv[1]);
	if (argc > 2)
		prop = argv[2];
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, bench);
	suite_add_tcase(s, tc);
	return pair_main(s);
}
