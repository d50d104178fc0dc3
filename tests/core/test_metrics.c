/*
 * Metrics exposition (metrics_fmt.c): both formats from one record, label
 * escaping, refusal of malformed families; the HTTP endpoint's routing
 * (metrics_http.c) of request heads.  promtool checks the daemon's real
 * output in tests/core/daemon-netns.sh and tests/engine/interop-host.sh.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ike/core/metrics_fmt.h"
#include "ike/core/metrics_http.h"
#include "unit/unit.h"

static void build(struct ctl_val *root, const char *bad_type)
{
	struct ctl_enc e;
	const uint8_t *f;
	size_t len;
	uint8_t kind;
	char err[64];

	ck_assert_int_eq(ctl_enc_init(&e, CTL_MSG_RESPONSE), 0);
	ctl_begin_list(&e, "families");
	metrics_family(&e, "ikedaemon_handshakes_failed", "counter", "Failed \\ handshakes\n.");
	metrics_sample(&e, 3, (const char *const[]){ "cause", "timeout", NULL });
	metrics_sample(&e, 0, (const char *const[]){ "cause", "a\"b\\c\nd", NULL });
	metrics_end(&e);
	metrics_family(&e, "ikedaemon_connections", "gauge", "Configured connections.");
	metrics_sample(&e, 2, NULL);
	metrics_end(&e);
	if (bad_type) {
		metrics_family(&e, "x", bad_type, "");
		metrics_end(&e);
	}
	ctl_end(&e);
	ck_assert_int_eq(ctl_enc_finish(&e, &f, &len), 0);
	ck_assert_int_eq(ctl_decode(f + 4, len - 4, &kind, root, err, sizeof(err)), 0);
	ctl_enc_free(&e);
}

static char *render(const struct ctl_val *root, enum metrics_format fmt, int *rc)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(m);
	*rc = metrics_render(root, fmt, m);
	fclose(m);
	return out;
}

START_TEST(test_text_format)
{
	struct ctl_val root;
	char *t;
	int rc;

	build(&root, NULL);
	t = render(&root, METRICS_TEXT, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(t,
		"# HELP ikedaemon_handshakes_failed_total Failed \\\\ handshakes\\n.\n"
		"# TYPE ikedaemon_handshakes_failed_total counter\n"
		"ikedaemon_handshakes_failed_total{cause=\"timeout\"} 3\n"
		"ikedaemon_handshakes_failed_total{cause=\"a\\\"b\\\\c\\nd\"} 0\n"
		"# HELP ikedaemon_connections Configured connections.\n"
		"# TYPE ikedaemon_connections gauge\n"
		"ikedaemon_connections 2\n");
	free(t);
	ctl_val_free(&root);
}
END_TEST

START_TEST(test_openmetrics_format)
{
	struct ctl_val root;
	char *t;
	int rc;

	build(&root, NULL);
	t = render(&root, METRICS_OPENMETRICS, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(t,
		"# HELP ikedaemon_handshakes_failed Failed \\\\ handshakes\\n.\n"
		"# TYPE ikedaemon_handshakes_failed counter\n"
		"ikedaemon_handshakes_failed_total{cause=\"timeout\"} 3\n"
		"ikedaemon_handshakes_failed_total{cause=\"a\\\"b\\\\c\\nd\"} 0\n"
		"# HELP ikedaemon_connections Configured connections.\n"
		"# TYPE ikedaemon_connections gauge\n"
		"ikedaemon_connections 2\n"
		"# EOF\n");
	free(t);
	ctl_val_free(&root);
}
END_TEST

START_TEST(test_malformed_family)
{
	struct ctl_val root;
	char *t;
	int rc;

	build(&root, "histogram");
	t = render(&root, METRICS_TEXT, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_null(strstr(t, "# TYPE x"));
	ck_assert_ptr_nonnull(strstr(t, "ikedaemon_connections 2\n"));
	free(t);
	ctl_val_free(&root);
}
END_TEST

static int route(const char *head, enum metrics_format *f)
{
	*f = (enum metrics_format)-1;
	return metrics_http_route(head, strlen(head), f);
}

START_TEST(test_http_route)
{
	enum metrics_format f;

	ck_assert_int_eq(route("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &f), 200);
	ck_assert_int_eq(f, METRICS_TEXT);
	ck_assert_int_eq(route("GET / HTTP/1.0\r\n\r\n", &f), 200);
	ck_assert_int_eq(route("GET /metrics HTTP/1.1\r\nHost: x\r\n"
			       "Accept: application/openmetrics-text; version=1.0.0,text/plain;q=0.5\r\n\r\n",
			       &f), 200);
	ck_assert_int_eq(f, METRICS_OPENMETRICS);
	ck_assert_int_eq(route("GET /metrics HTTP/1.1\r\nUser-Agent: x application/openmetrics-text\r\n"
			       "accept: text/plain\r\n\r\n", &f), 200);
	ck_assert_int_eq(f, METRICS_TEXT);
	ck_assert_int_eq(route("GET /other HTTP/1.1\r\n\r\n", &f), 404);
	ck_assert_int_eq(route("POST /metrics HTTP/1.1\r\n\r\n", &f), 405);
	ck_assert_int_eq(route("GET /metrics\r\n\r\n", &f), 400);
	ck_assert_int_eq(route("GET\r\n\r\n", &f), 400);
	ck_assert_int_eq(route("\r\n\r\n", &f), 400);
	ck_assert_int_eq(route("GET /metrics FTP/1.1\r\n\r\n", &f), 400);
}
END_TEST

static Suite *metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, test_text_format);
	tcase_add_test(tc, test_openmetrics_format);
	tcase_add_test(tc, test_malformed_family);
	tcase_add_test(tc, test_http_route);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(metrics_suite());
}
