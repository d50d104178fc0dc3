/* The small common helpers: log levels and sink, name tables, secrets. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "common/log.h"
#include "common/names.h"
#include "common/secret.h"
#include "common/strmap.h"

/* ---- log ---- */

struct captured {
	int n;
	enum log_subsys sub;
	enum log_level lvl;
	char line[128];
};

static void capture(enum log_subsys sub, enum log_level lvl, const char *line, void *arg)
{
	struct captured *c = arg;

	c->n++;
	c->sub = sub;
	c->lvl = lvl;
	snprintf(c->line, sizeof(c->line), "%s", line);
}

START_TEST(test_log_level_filtering)
{
	struct captured c = { 0 };

	log_set_sink(capture, &c);
	log_set_all(LL_INFO);
	log_dbg(LS_IKE, "hidden %d", 1);
	ck_assert_int_eq(c.n, 0);
	log_info(LS_IKE, "shown %d", 2);
	ck_assert_int_eq(c.n, 1);
	ck_assert_int_eq(c.sub, LS_IKE);
	ck_assert_int_eq(c.lvl, LL_INFO);
	ck_assert_str_eq(c.line, "shown 2");
	/* Per-subsystem: debug for KNL only. */
	log_set_level(LS_KNL, LL_DEBUG);
	ck_assert(log_enabled(LS_KNL, LL_DEBUG));
	ck_assert(!log_enabled(LS_KNL, LL_TRACE));
	ck_assert(!log_enabled(LS_IKE, LL_DEBUG));
	log_dbg(LS_KNL, "knl debug");
	ck_assert_int_eq(c.n, 2);
	ck_assert_str_eq(c.line, "knl debug");
	log_dbg(LS_IKE, "ike debug");
	log_trace(LS_KNL, "knl trace");
	ck_assert_int_eq(c.n, 2);
	/* Errors pass at the lowest level; out-of-range values are refused. */
	log_set_all(LL_ERROR);
	log_warn(LS_CFG, "warn");
	ck_assert_int_eq(c.n, 2);
	log_err(LS_CFG, "err");
	ck_assert_int_eq(c.n, 3);
	log_set_level(LS_MAX, LL_TRACE);
	log_set_level(LS_CFG, (enum log_level)99);
	ck_assert_int_eq(log_get_level(LS_CFG), LL_ERROR);
	ck_assert(!log_enabled(LS_MAX, LL_ERROR));
	log_msg(LS_MAX, LL_ERROR, "nowhere");
	ck_assert_int_eq(c.n, 3);
	/* Long lines are cut, not overflowed. */
	log_set_all(LL_INFO);
	log_info(LS_DMN, "%2000s", "x");
	ck_assert_int_eq(c.n, 4);
	log_set_sink(NULL, NULL);
}
END_TEST

/* Control bytes from peers or files reach no log line raw. */
START_TEST(test_log_escapes_control_bytes)
{
	struct captured c = { 0 };
	char small[8];

	log_set_sink(capture, &c);
	log_set_all(LL_INFO);
	log_info(LS_CFG, "id '%s'", "a\nfake: line\r\x1b[2J\x7f\xc3\xa9");
	ck_assert_int_eq(c.n, 1);
	ck_assert_str_eq(c.line, "id 'a\\x0afake: line\\x0d\\x1b[2J\\x7f\xc3\xa9'");
	/* Truncation never splits an escape. */
	ck_assert_str_eq(log_escape(small, sizeof(small), "ab\001cd"), "ab\\x01c");
	ck_assert_str_eq(log_escape(small, sizeof(small) - 1, "abc\001"), "abc");
	log_set_sink(NULL, NULL);
}
END_TEST

/* Names to pointers: first value kept, growth keeps every entry. */
START_TEST(test_strmap)
{
	static char keys[3000][16];
	struct strmap m = { NULL, 0, 0 };
	size_t i;

	ck_assert_ptr_null(strmap_get(&m, "x"));
	for (i = 0; i < 3000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "conn-%zu", i);
		ck_assert_int_eq(strmap_put(&m, keys[i], keys[i]), 0);
	}
	ck_assert_int_eq(strmap_put(&m, "conn-7", NULL), 1);
	ck_assert_uint_eq(m.n, 3000);
	for (i = 0; i < 3000; i++)
		ck_assert_ptr_eq(strmap_get(&m, keys[i]), keys[i]);
	ck_assert_ptr_null(strmap_get(&m, "conn-3000"));
	ck_assert_ptr_null(strmap_get(&m, ""));
	strmap_free(&m);
	ck_assert_ptr_null(strmap_get(&m, "conn-1"));
}
END_TEST

START_TEST(test_log_names)
{
	static const char *const subs[] = {
		"dmn", "cfg", "net", "enc", "cry", "ike", "chd", "knl", "ctl",
	};
	enum log_subsys sub;
	enum log_level lvl;
	int i;

	ck_assert_int_eq(sizeof(subs) / sizeof(subs[0]), LS_MAX);
	for (i = 0; i < LS_MAX; i++) {
		ck_assert_str_eq(log_subsys_name(i), subs[i]);
		ck_assert_int_eq(log_subsys_from_name(subs[i], &sub), 0);
		ck_assert_int_eq(sub, i);
	}
	ck_assert_int_eq(log_subsys_from_name("KNL", &sub), 0);
	ck_assert_int_eq(sub, LS_KNL);
	ck_assert_int_eq(log_subsys_from_name("kernel", &sub), -1);
	ck_assert_int_eq(log_subsys_from_name("", &sub), -1);
	ck_assert_str_eq(log_subsys_name(LS_MAX), "???");
	ck_assert_int_eq(log_level_from_name("Debug", &lvl), 0);
	ck_assert_int_eq(lvl, LL_DEBUG);
	ck_assert_int_eq(log_level_from_name("verbose", &lvl), -1);
	ck_assert_str_eq(log_level_name(LL_TRACE), "trace");
	ck_assert_str_eq(log_level_name((enum log_level)42), "???");
}
END_TEST

/* ---- names ---- */

static const struct name_entry colours[] = {
	{ 1, "RED" }, { 2, "GREEN" }, { 40000, "BLUE" },
};

START_TEST(test_names)
{
	char buf[32];
	unsigned v;

	ck_assert_str_eq(names_lookup(colours, NAMES_LEN(colours), 2), "GREEN");
	ck_assert_ptr_null(names_lookup(colours, NAMES_LEN(colours), 3));
	ck_assert_str_eq(names_str(colours, NAMES_LEN(colours), 40000, buf, sizeof(buf)), "BLUE");
	ck_assert_str_eq(names_str(colours, NAMES_LEN(colours), 7, buf, sizeof(buf)), "UNKNOWN(7)");
	ck_assert_str_eq(names_str(colours, NAMES_LEN(colours), 4294967295u, buf, 8), "UNKNOWN");
	ck_assert_int_eq(names_find(colours, NAMES_LEN(colours), "blue", &v), 0);
	ck_assert_uint_eq(v, 40000);
	ck_assert_int_eq(names_find(colours, NAMES_LEN(colours), "BLU", &v), -1);
	ck_assert_ptr_null(names_lookup(colours, 0, 1));
}
END_TEST

/* ---- secret ---- */

START_TEST(test_secret_zeroize)
{
	uint8_t key[32];
	struct secret a, b, c;
	size_t i;

	memset(key, 0x5c, sizeof(key));
	memzero(key, sizeof(key));
	for (i = 0; i < sizeof(key); i++)
		ck_assert_uint_eq(key[i], 0);
	memzero(NULL, 10);	/* harmless */

	ck_assert_int_eq(secret_alloc(&a, 16), 0);
	for (i = 0; i < 16; i++)
		ck_assert_uint_eq(a.ptr[i], 0);
	ck_assert_int_eq(secret_dup(&b, "\x01\x02\x03", 3), 0);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_int_eq(secret_concat(&c, &b, &a), 0);
	ck_assert_uint_eq(c.len, 19);
	ck_assert_mem_eq(c.ptr, "\x01\x02\x03\x00", 4);
	secret_free(&a);
	secret_free(&b);
	secret_free(&c);
	ck_assert_ptr_null(c.ptr);
	ck_assert_uint_eq(c.len, 0);
	secret_free(&c);	/* twice is harmless */
	ck_assert_int_eq(secret_dup(&a, NULL, 0), 0);
	ck_assert_uint_eq(a.len, 0);
	secret_free(&a);
	/* A concatenation whose size would wrap is refused. */
	a.ptr = key;
	a.len = SIZE_MAX;
	b.ptr = key;
	b.len = 2;
	ck_assert_int_eq(secret_concat(&c, &a, &b), -1);
	ck_assert_ptr_null(c.ptr);
}
END_TEST

START_TEST(test_memeq_ct)
{
	uint8_t x[64], y[64];
	size_t i;

	for (i = 0; i < sizeof(x); i++)
		x[i] = y[i] = (uint8_t)i;
	ck_assert_int_eq(memeq_ct(x, y, sizeof(x)), 1);
	ck_assert_int_eq(memeq_ct(x, y, 0), 1);
	/* A difference in any byte, any bit, is seen. */
	for (i = 0; i < sizeof(x) * 8; i++) {
		y[i / 8] ^= (uint8_t)(1u << (i % 8));
		ck_assert_int_eq(memeq_ct(x, y, sizeof(x)), 0);
		y[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	/* Only the first n bytes count. */
	y[63] ^= 0xff;
	ck_assert_int_eq(memeq_ct(x, y, 63), 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tl = tcase_create("log");
	TCase *tn = tcase_create("names");
	TCase *ts = tcase_create("secret");

	tcase_add_test(tl, test_log_level_filtering);
	tcase_add_test(tl, test_log_names);
	tcase_add_test(tl, test_log_escapes_control_bytes);
	tcase_add_test(tl, test_strmap);
	tcase_add_test(tn, test_names);
	tcase_add_test(ts, test_secret_zeroize);
	tcase_add_test(ts, test_memeq_ct);
	suite_add_tcase(s, tl);
	suite_add_tcase(s, tn);
	suite_add_tcase(s, ts);
	return unit_run(s);
}
