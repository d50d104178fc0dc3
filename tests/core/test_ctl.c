/*
 * Control protocol codec (round trip, every malformed class, mutations)
 * and the reload plan.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/core/ctlproto.h"
#include "ike/core/plan.h"
#include "unit/unit.h"

/* A message with every value type, nesting and a list of records. */
static void build_sample(struct ctl_enc *e)
{
	ctl_enc_init(e, CTL_MSG_RESPONSE);
	ctl_put_bool(e, "ok", 1);
	ctl_put_str(e, "name", "site");
	ctl_put_u64(e, "big", 0x0102030405060708ULL);
	ctl_begin_rec(e, "local");
	ctl_put_str(e, "id", "gw1.example.org");
	ctl_end(e);
	ctl_begin_list(e, "items");
	ctl_put_str(e, NULL, "10.1.0.0/16");
	ctl_begin_rec(e, NULL);
	ctl_put_u64(e, "n", 7);
	ctl_put_str(e, "empty", "");
	ctl_end(e);
	ctl_end(e);
}

START_TEST(test_round_trip)
{
	struct ctl_enc e, e2;
	const uint8_t *f, *f2;
	size_t len, len2;
	struct ctl_val root;
	uint8_t kind;
	uint64_t v;
	char err[128];
	const struct ctl_val *items;

	build_sample(&e);
	ck_assert_int_eq(ctl_enc_finish(&e, &f, &len), 0);
	ck_assert_int_eq(ctl_frame_size(f, len), (long)len);
	ck_assert_int_eq(ctl_frame_size(f, 3), 0);
	ck_assert_int_eq(ctl_decode(f + 4, len - 4, &kind, &root, err, sizeof(err)), 0);
	ck_assert_uint_eq(kind, CTL_MSG_RESPONSE);
	ck_assert(ctl_get_bool(&root, "ok"));
	ck_assert_str_eq(ctl_get_str(&root, "name"), "site");
	ck_assert_int_eq(ctl_get_u64(&root, "big", &v), 0);
	ck_assert(v == 0x0102030405060708ULL);
	ck_assert_str_eq(ctl_get_str(ctl_get(&root, "local"), "id"), "gw1.example.org");
	items = ctl_get(&root, "items");
	ck_assert_uint_eq(items->nkids, 2);
	ck_assert_ptr_null(items->kids[0].name);
	ck_assert_str_eq(items->kids[0].str, "10.1.0.0/16");
	ck_assert_str_eq(ctl_get_str(&items->kids[1], "empty"), "");
	ck_assert_ptr_null(ctl_get_str(&root, "big"));	/* wrong type reads as absent */

	/* Re-encoding the decoded tree gives the same bytes. */
	ctl_enc_init(&e2, CTL_MSG_RESPONSE);
	for (size_t i = 0; i < root.nkids; i++)
		ctl_put_val(&e2, &root.kids[i]);
	ck_assert_int_eq(ctl_enc_finish(&e2, &f2, &len2), 0);
	ck_assert_uint_eq(len2, len);
	ck_assert_mem_eq(f2, f, len);
	ctl_enc_free(&e2);
	ctl_val_free(&root);
	ctl_enc_free(&e);
}
END_TEST

START_TEST(test_encoder_refuses)
{
	struct ctl_enc e;
	const uint8_t *f;
	size_t len;
	int i;

	ctl_enc_init(&e, CTL_MSG_REQUEST);
	ctl_put_str(&e, "Bad-Name", "x");
	ck_assert_int_eq(ctl_enc_finish(&e, &f, &len), -1);
	ctl_enc_free(&e);

	ctl_enc_init(&e, CTL_MSG_REQUEST);
	ctl_begin_rec(&e, "open");
	ck_assert_int_eq(ctl_enc_finish(&e, &f, &len), -1);	/* unbalanced */
	ctl_enc_free(&e);

	ctl_enc_init(&e, CTL_MSG_REQUEST);
	for (i = 0; i <= CTL_MAX_DEPTH; i++)
		ctl_begin_rec(&e, "d");
	for (i = 0; i <= CTL_MAX_DEPTH; i++)
		ctl_end(&e);
	ck_assert_int_eq(ctl_enc_finish(&e, &f, &len), -1);	/* too deep */
	ctl_enc_free(&e);
}
END_TEST

static int decode_bytes(const uint8_t *p, size_t n, char *err, size_t errlen)
{
	struct ctl_val root;
	uint8_t kind;

	if (ctl_decode(p, n, &kind, &root, err, errlen) < 0)
		return -1;
	ctl_val_free(&root);
	return 0;
}

/* Each malformed class is refused with a message naming it. */
static const struct {
	const char *what;
	uint8_t bytes[32];
	size_t len;
	const char *err;
} bad[] = {
	{ "kind 0", { 0 }, 1, "unknown message kind 0" },
	{ "kind 9", { 9 }, 1, "unknown message kind 9" },
	{ "empty name", { 1, CTL_T_STR, 0, 0, 0, 0, 0 }, 7, "bad element name at byte 1" },
	{ "upper-case name", { 1, CTL_T_STR, 1, 'A', 0, 0, 0, 0 }, 8, "bad element name at byte 1" },
	{ "value overruns", { 1, CTL_T_STR, 1, 'a', 0, 0, 0, 9, 'x' }, 9, "value longer than its container at byte 1" },
	{ "NUL in string", { 1, CTL_T_STR, 1, 'a', 0, 0, 0, 2, 'x', 0 }, 10, "string with a NUL byte at byte 0" },
	{ "short u64", { 1, CTL_T_U64, 1, 'a', 0, 0, 0, 1, 7 }, 9, "u64 value not 8 bytes at byte 0" },
	{ "bool 2", { 1, CTL_T_BOOL, 1, 'a', 0, 0, 0, 1, 2 }, 9, "bool value not 0 or 1 at byte 0" },
	{ "type 9", { 1, 9, 1, 'a', 0, 0, 0, 0 }, 8, "unknown value type at byte 0" },
	{ "truncated head", { 1, CTL_T_STR, 1, 'a', 0, 0 }, 6, "value longer than its container at byte 1" },
};

START_TEST(test_decoder_refuses)
{
	char err[128];

	err[0] = '\0';
	ck_assert_msg(decode_bytes(bad[_i].bytes, bad[_i].len, err, sizeof(err)) == -1,
		      "%s was accepted", bad[_i].what);
	ck_assert_str_eq(err, bad[_i].err);
}
END_TEST

START_TEST(test_decoder_depth_limit)
{
	uint8_t buf[1 + 16 * 8];
	size_t i, n = 1;
	char err[128];

	/* 16 nested records: each a type, name "a" and a length of what follows. */
	buf[0] = CTL_MSG_REQUEST;
	for (i = 0; i < 16; i++) {
		size_t rest = (16 - i - 1) * 7;

		buf[n++] = CTL_T_REC;
		buf[n++] = 1;
		buf[n++] = 'a';
		buf[n++] = 0;
		buf[n++] = 0;
		buf[n++] = (uint8_t)(rest >> 8);
		buf[n++] = (uint8_t)rest;
	}
	ck_assert_int_eq(decode_bytes(buf, n, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "nesting deeper than the limit"));
}
END_TEST

START_TEST(test_frame_bounds)
{
	const uint8_t zero[4] = { 0, 0, 0, 0 }, huge[4] = { 0xff, 0xff, 0xff, 0xff };

	ck_assert_int_eq(ctl_frame_size(zero, 4), -1);
	ck_assert_int_eq(ctl_frame_size(huge, 4), -1);
}
END_TEST

/* Every truncation and every single-bit flip of a valid message: no crash, no leak. */
START_TEST(test_mutations)
{
	struct ctl_enc e;
	const uint8_t *f;
	uint8_t *m;
	size_t len, i, body, accepted = 0;
	char err[128];
	int b;

	build_sample(&e);
	ck_assert_int_eq(ctl_enc_finish(&e, &f, &len), 0);
	body = len - 4;
	m = malloc(body);
	for (i = 1; i < body; i++) {
		memcpy(m, f + 4, i);
		accepted += decode_bytes(m, i, err, sizeof(err)) == 0;
	}
	/* Only cuts at element boundaries of the top record can decode. */
	ck_assert_uint_le(accepted, 5);
	for (i = 0; i < body; i++)
		for (b = 0; b < 8; b++) {
			memcpy(m, f + 4, body);
			m[i] ^= (uint8_t)(1 << b);
			decode_bytes(m, body, err, sizeof(err));
		}
	free(m);
	ctl_enc_free(&e);
}
END_TEST

static struct config *load(const char *name)
{
	char path[512];
	struct conf_diag d;
	struct config *cfg;

	snprintf(path, sizeof(path), "%s/%s", CORE_TEST_DATA, name);
	cfg = config_load(path, &d);
	conf_diag_free(&d);
	ck_assert_ptr_nonnull(cfg);
	return cfg;
}

static const struct plan_entry *find(const struct reload_plan *p, const char *conn)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].conn, conn) == 0)
			return &p->v[i];
	return NULL;
}

START_TEST(test_plan)
{
	struct config *a = load("plan-old.conf"), *b = load("plan-new.conf");
	struct reload_plan p;

	ck_assert_int_eq(plan_compute(a, b, &p), 0);
	ck_assert_uint_eq(p.n, 3);
	ck_assert_int_eq(find(&p, "gone")->op, PLAN_REMOVE);
	ck_assert_int_eq(find(&p, "new")->op, PLAN_ADD);
	ck_assert_int_eq(find(&p, "edit")->op, PLAN_CHANGE);
	ck_assert_str_eq(find(&p, "edit")->fields, "rekey_time, children");
	/* rekey_time alone would keep the SAs; the child's selectors replace them */
	ck_assert(!find(&p, "edit")->keep_sas);
	ck_assert_str_eq(find(&p, "edit")->replace_fields, "children.c.remote_ts");
	ck_assert_ptr_null(find(&p, "keep"));
	ck_assert_str_eq(p.global_fields, "port, log");
	ck_assert_str_eq(p.restart_fields, "port");
	ck_assert(p.secrets_changed);
	plan_free(&p);

	ck_assert_int_eq(plan_compute(a, a, &p), 0);
	ck_assert(plan_empty(&p));
	plan_free(&p);
	config_free(a);
	config_free(b);
}
END_TEST

static Suite *ctl_suite(void)
{
	Suite *s = suite_create("ctl");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_encoder_refuses);
	tcase_add_loop_test(tc, test_decoder_refuses, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_decoder_depth_limit);
	tcase_add_test(tc, test_frame_bounds);
	tcase_add_test(tc, test_mutations);
	tcase_add_test(tc, test_plan);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(ctl_suite());
}
