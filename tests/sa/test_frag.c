/*
 * Fragment reassembly (src/ike/sa/frag.c, RFC 7383 2.6) on its own:
 * order, duplicates, total changes, the caps, another message ID and a
 * set left too long.  The engine tests (tests/engine/test_frag.c) cover
 * the same through real encrypted fragments.
 */
#include <check.h>
#include <string.h>

#include "ike/sa/frag.h"
#include "runner.h"

static struct frag_rx R;
static char why[192];

static enum frag_verdict add(uint32_t msgid, uint16_t num, uint16_t total, const char *text,
			     uint64_t now)
{
	struct frag_in in = { msgid, num, total, num == 1 ? 41 : 0,
			      (const uint8_t *)text, strlen(text), (const uint8_t *)"dgram", 5 };

	return frag_rx_add(&R, &in, now, why, sizeof(why));
}

static void assert_message(const char *text)
{
	struct secret out;
	uint8_t first = 0;

	ck_assert_int_eq(frag_rx_take(&R, &out, &first), 0);
	ck_assert_uint_eq(first, 41);
	ck_assert_uint_eq(out.len, strlen(text));
	ck_assert(memcmp(out.ptr, text, out.len) == 0);
	ck_assert_uint_eq(R.frag1_len, 5);
	secret_free(&out);
	frag_rx_clear(&R);
}

START_TEST(in_any_order)
{
	frag_rx_init(&R);
	ck_assert_int_eq(add(1, 3, 3, "ghi", 0), FRAG_KEPT);
	ck_assert_int_eq(add(1, 1, 3, "abc", 0), FRAG_KEPT);
	ck_assert_int_eq(frag_rx_take(&R, &(struct secret){ 0 }, &(uint8_t){ 0 }), -1);
	ck_assert_int_eq(add(1, 1, 3, "abc", 0), FRAG_DUPLICATE);
	ck_assert_int_eq(add(1, 2, 3, "", 0), FRAG_COMPLETE);
	assert_message("abcghi");
}
END_TEST

START_TEST(total_changes)
{
	frag_rx_init(&R);
	ck_assert_int_eq(add(1, 1, 3, "a", 0), FRAG_KEPT);
	ck_assert_int_eq(add(1, 2, 2, "b", 0), FRAG_REFUSED);
	ck_assert(strstr(why, "total 2 below the 3"));
	/* higher: start over, what was kept is gone */
	ck_assert_int_eq(add(1, 2, 4, "b", 0), FRAG_KEPT);
	ck_assert_uint_eq(R.count, 1);
	ck_assert_int_eq(add(1, 1, 4, "a", 0), FRAG_KEPT);
	ck_assert_int_eq(add(1, 3, 4, "c", 0), FRAG_KEPT);
	ck_assert_int_eq(add(1, 4, 4, "d", 0), FRAG_COMPLETE);
	assert_message("abcd");
}
END_TEST

START_TEST(bounds)
{
	static char big[FRAG_MAX_BYTES / 2 + 2];	/* two of them are too many */

	frag_rx_init(&R);
	ck_assert_int_eq(add(1, 0, 3, "a", 0), FRAG_REFUSED);
	ck_assert_int_eq(add(1, 4, 3, "a", 0), FRAG_REFUSED);
	ck_assert_int_eq(add(1, 1, FRAG_MAX_FRAGMENTS + 1, "a", 0), FRAG_REFUSED);
	ck_assert(strstr(why, "at most 64"));
	ck_assert_int_eq(R.active, 0);
	memset(big, 'x', sizeof(big) - 1);
	ck_assert_int_eq(add(1, 1, 3, big, 0), FRAG_KEPT);
	ck_assert_int_eq(add(1, 2, 3, big, 0), FRAG_REFUSED);
	ck_assert(strstr(why, "above 32768"));
	ck_assert_int_eq(R.active, 0);
	for (uint16_t i = 1; i < FRAG_MAX_FRAGMENTS; i++)
		ck_assert_int_eq(add(1, i, FRAG_MAX_FRAGMENTS, "z", 0), FRAG_KEPT);
	ck_assert_int_eq(add(1, FRAG_MAX_FRAGMENTS, FRAG_MAX_FRAGMENTS, "z", 0), FRAG_COMPLETE);
	frag_rx_clear(&R);
}
END_TEST

/* Another message, or a set older than FRAG_MAX_AGE_MS: replaced. */
START_TEST(replaced)
{
	frag_rx_init(&R);
	ck_assert_int_eq(add(1, 1, 2, "a", 0), FRAG_KEPT);
	ck_assert_int_eq(add(2, 2, 2, "b", 10), FRAG_KEPT);
	ck_assert_uint_eq(R.msgid, 2);
	ck_assert_uint_eq(R.count, 1);
	ck_assert_int_eq(add(2, 2, 2, "b", FRAG_MAX_AGE_MS), FRAG_DUPLICATE);
	ck_assert_int_eq(add(2, 1, 2, "a", FRAG_MAX_AGE_MS + 11), FRAG_KEPT);
	ck_assert_uint_eq(R.count, 1);
	ck_assert_int_eq(add(2, 2, 2, "b", FRAG_MAX_AGE_MS + 12), FRAG_COMPLETE);
	assert_message("ab");
}
END_TEST

int main(void)
{
	const TTest *tests[] = { in_any_order, total_changes, bounds, replaced, NULL };

	return run_tests("frag", tests, 0);
}
