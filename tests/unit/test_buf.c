/*
 * Reader/writer bounds.  Every input is copied into a heap block of exactly
 * its length, so under ASan a read one byte too far is caught, not only a
 * wrong return value.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "common/buf.h"

static const uint8_t sample[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
};

static uint8_t *exact_copy(size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, sample, len);
	return p;
}

/*
 * One getter under test: it consumes `need` bytes and returns what it read
 * folded into a number (the value, or the bytes' sum for byte getters),
 * plus whether it reported success.
 */
struct getter {
	const char *name;
	size_t need;
	uint64_t want;	/* result on the full sample */
	uint64_t (*get)(struct rd *r, size_t need, int *ok);
};

static uint64_t sum(const uint8_t *p, size_t n)
{
	uint64_t s = 0;

	while (p && n--)
		s = s * 31 + *p++;
	return s;
}

/* The integer getter of width `need` bytes. */
static uint64_t g_int(struct rd *r, size_t need, int *ok)
{
	uint64_t v = 0;

	switch (need) {
	case 1: v = rd_u8(r); break;
	case 2: v = rd_u16(r); break;
	case 3: v = rd_u24(r); break;
	case 4: v = rd_u32(r); break;
	case 8: v = rd_u64(r); break;
	default: ck_abort_msg("no %zu-byte getter", need);
	}
	*ok = rd_ok(r);
	return v;
}

static uint64_t g_bytes7(struct rd *r, size_t need, int *ok)
{
	const uint8_t *p = rd_bytes(r, 7);

	*ok = p != NULL;
	return sum(p, 7);
}

static uint64_t g_copy5(struct rd *r, size_t need, int *ok)
{
	uint8_t dst[5 + 1];

	dst[5] = 0xee;
	*ok = rd_copy(r, dst, 5) == 0;
	ck_assert_uint_eq(dst[5], 0xee);	/* never writes past n */
	return *ok ? sum(dst, 5) : 0;
}

static uint64_t g_skip6(struct rd *r, size_t need, int *ok)
{
	*ok = rd_skip(r, 6) == 0;
	return 0;
}

static uint64_t g_sub9(struct rd *r, size_t need, int *ok)
{
	struct rd sub;
	uint64_t v;

	*ok = rd_sub(r, &sub, 9) == 0;
	if (!*ok) {
		ck_assert(!rd_ok(&sub));
		ck_assert_uint_eq(rd_left(&sub), 0);
		return 0;
	}
	ck_assert_uint_eq(rd_left(&sub), 9);
	v = sum(rd_bytes(&sub, 9), 9);
	ck_assert(rd_done(&sub));
	return v;
}

static const struct getter getters[] = {
	{ "u8", 1, 0x01, g_int },
	{ "u16", 2, 0x0102, g_int },
	{ "u24", 3, 0x010203, g_int },
	{ "u32", 4, 0x01020304, g_int },
	{ "u64", 8, 0x0102030405060708ull, g_int },
	{ "bytes(7)", 7, 0, g_bytes7 },
	{ "copy(5)", 5, 0, g_copy5 },
	{ "skip(6)", 6, 0, g_skip6 },
	{ "sub(9)", 9, 0, g_sub9 },
};

/* Run getter i over every prefix of the sample, at offset 0 and after one byte. */
START_TEST(test_getter_every_truncation)
{
	const struct getter *g = &getters[_i];
	size_t lead, len;

	for (lead = 0; lead <= 1; lead++) {
		for (len = lead; len <= g->need + lead + 1; len++) {
			uint8_t *in = exact_copy(len);
			struct rd r;
			uint64_t v;
			int ok;

			rd_init(&r, in, len);
			if (lead)
				rd_u8(&r);
			v = g->get(&r, g->need, &ok);
			if (len - lead < g->need) {
				ck_assert_msg(!ok && !rd_ok(&r), "%s accepted %zu bytes", g->name, len - lead);
				ck_assert_msg(v == 0, "%s returned data on failure", g->name);
				ck_assert_uint_eq(rd_left(&r), 0);
				ck_assert_uint_eq(rd_pos(&r), lead);	/* nothing consumed */
			} else {
				ck_assert_msg(ok && rd_ok(&r), "%s refused %zu bytes", g->name, len - lead);
				ck_assert_uint_eq(rd_pos(&r), lead + g->need);
				ck_assert_uint_eq(rd_left(&r), len - lead - g->need);
				if (g->want && !lead)
					ck_assert_uint_eq(v, g->want);
				if (g->get == g_bytes7 || g->get == g_copy5 || g->get == g_sub9)
					ck_assert_uint_eq(v, sum(in + lead, g->need));
			}
			free(in);
		}
	}
}
END_TEST

START_TEST(test_rest_every_length)
{
	size_t len, n, lead;

	for (len = 0; len <= sizeof(sample); len++) {
		for (lead = 0; lead <= len; lead++) {
			uint8_t *in = exact_copy(len);
			struct rd r;
			const uint8_t *p;

			rd_init(&r, in, len);
			ck_assert_int_eq(rd_skip(&r, lead), 0);
			p = rd_rest(&r, &n);
			ck_assert_ptr_nonnull(p);
			ck_assert_uint_eq(n, len - lead);
			ck_assert(p == in + lead);
			ck_assert(rd_done(&r));
			/* Nothing is left: the next getter fails. */
			rd_u8(&r);
			ck_assert(!rd_ok(&r));
			p = rd_rest(&r, &n);
			ck_assert_ptr_null(p);
			ck_assert_uint_eq(n, 0);
			free(in);
		}
	}
}
END_TEST

START_TEST(test_sticky_error)
{
	uint8_t *in = exact_copy(sizeof(sample));
	struct rd r;
	struct rd sub;
	size_t n;
	uint8_t dst[2] = { 0xaa, 0xaa };

	rd_init(&r, in, sizeof(sample));
	ck_assert_uint_eq(rd_u16(&r), 0x0102);
	ck_assert_ptr_null(rd_bytes(&r, sizeof(sample)));	/* too long */
	ck_assert(!rd_ok(&r));
	/* Data remain, but every later call fails and returns nothing. */
	ck_assert_uint_eq(rd_u8(&r), 0);
	ck_assert_uint_eq(rd_u16(&r), 0);
	ck_assert_uint_eq(rd_u24(&r), 0);
	ck_assert_uint_eq(rd_u32(&r), 0);
	ck_assert_uint_eq(rd_u64(&r), 0);
	ck_assert_ptr_null(rd_bytes(&r, 0));
	ck_assert_int_eq(rd_copy(&r, dst, 2), -1);
	ck_assert_uint_eq(dst[0], 0xaa);
	ck_assert_int_eq(rd_skip(&r, 0), -1);
	ck_assert_int_eq(rd_sub(&r, &sub, 0), -1);
	ck_assert(!rd_ok(&sub));
	ck_assert_ptr_null(rd_rest(&r, &n));
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(rd_left(&r), 0);
	ck_assert(!rd_done(&r));
	free(in);
}
END_TEST

START_TEST(test_zero_length_and_null)
{
	struct rd r;
	size_t n;

	rd_init(&r, NULL, 100);	/* no buffer: length ignored */
	ck_assert_uint_eq(rd_left(&r), 0);
	ck_assert(rd_done(&r));
	ck_assert_int_eq(rd_skip(&r, 0), 0);
	ck_assert_ptr_nonnull(rd_bytes(&r, 0));
	ck_assert_ptr_nonnull(rd_rest(&r, &n));
	ck_assert_uint_eq(n, 0);
	ck_assert(rd_ok(&r));
	rd_u8(&r);
	ck_assert(!rd_ok(&r));
}
END_TEST

START_TEST(test_sub_reader_bounds)
{
	uint8_t *in = exact_copy(sizeof(sample));
	struct rd r, sub, inner;

	rd_init(&r, in, sizeof(sample));
	rd_u8(&r);
	ck_assert_int_eq(rd_sub(&r, &sub, 4), 0);
	/* The parent skipped exactly the sub-reader's bytes. */
	ck_assert_uint_eq(rd_pos(&r), 5);
	ck_assert_uint_eq(rd_u8(&r), 0x06);
	/* Reading past the sub-reader's end fails there, not in the parent. */
	ck_assert_uint_eq(rd_u16(&sub), 0x0203);
	ck_assert_int_eq(rd_sub(&sub, &inner, 2), 0);
	ck_assert_uint_eq(rd_u16(&inner), 0x0405);
	ck_assert(rd_done(&inner));
	ck_assert(rd_done(&sub));
	ck_assert_uint_eq(rd_u8(&sub), 0);
	ck_assert(!rd_ok(&sub));
	ck_assert(rd_ok(&r));
	ck_assert_uint_eq(rd_u8(&r), 0x07);
	/* A sub-reader longer than what is left fails, and so does the parent. */
	ck_assert_int_eq(rd_sub(&r, &sub, rd_left(&r) + 1), -1);
	ck_assert(!rd_ok(&r));
	ck_assert(!rd_ok(&sub));
	/* A huge length must not wrap around. */
	rd_init(&r, in, sizeof(sample));
	rd_u8(&r);
	ck_assert_int_eq(rd_sub(&r, &sub, SIZE_MAX), -1);
	ck_assert_ptr_null(rd_bytes(&sub, 1));
	free(in);
}
END_TEST

START_TEST(test_huge_lengths_do_not_wrap)
{
	uint8_t *in = exact_copy(sizeof(sample));
	struct rd r;

	rd_init(&r, in, sizeof(sample));
	rd_u32(&r);
	ck_assert_ptr_null(rd_bytes(&r, SIZE_MAX));
	rd_init(&r, in, sizeof(sample));
	rd_u32(&r);
	ck_assert_int_eq(rd_skip(&r, SIZE_MAX - 3), -1);
	ck_assert(!rd_ok(&r));
	free(in);
}
END_TEST

/* ---- writer ---- */

/*
 * One put of `need` bytes into fixed buffers of every capacity around it;
 * the byte after the capacity is a guard that must stay untouched.
 */
struct putter {
	const char *name;
	size_t need;
	void (*put)(struct wr *w);
	uint8_t want[8];
};

static void p_u8(struct wr *w) { wr_u8(w, 0x11); }
static void p_u16(struct wr *w) { wr_u16(w, 0x1122); }
static void p_u24(struct wr *w) { wr_u24(w, 0x112233); }
static void p_u32(struct wr *w) { wr_u32(w, 0x11223344); }
static void p_u64(struct wr *w) { wr_u64(w, 0x1122334455667788ull); }
static void p_bytes(struct wr *w) { wr_bytes(w, "\x11\x22\x33\x44\x55", 5); }
static void p_zero(struct wr *w) { wr_zero(w, 6); }
static void p_reserve(struct wr *w) { wr_reserve(w, 3); }

static const struct putter putters[] = {
	{ "u8", 1, p_u8, { 0x11 } },
	{ "u16", 2, p_u16, { 0x11, 0x22 } },
	{ "u24", 3, p_u24, { 0x11, 0x22, 0x33 } },
	{ "u32", 4, p_u32, { 0x11, 0x22, 0x33, 0x44 } },
	{ "u64", 8, p_u64, { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 } },
	{ "bytes(5)", 5, p_bytes, { 0x11, 0x22, 0x33, 0x44, 0x55 } },
	{ "zero(6)", 6, p_zero, { 0 } },
	{ "reserve(3)", 3, p_reserve, { 0 } },
};

START_TEST(test_fixed_writer_every_capacity)
{
	const struct putter *pt = &putters[_i];
	uint8_t buf[16];
	size_t cap, lead;

	for (lead = 0; lead <= 1; lead++) {
		for (cap = lead; cap <= pt->need + lead + 1; cap++) {
			struct wr w;

			memset(buf, 0xee, sizeof(buf));
			wr_init(&w, buf, cap);
			if (lead)
				wr_u8(&w, 0xab);
			pt->put(&w);
			ck_assert_uint_eq(buf[cap], 0xee);
			if (cap - lead < pt->need) {
				ck_assert_msg(!wr_ok(&w), "%s fit %zu bytes", pt->name, cap - lead);
				ck_assert_uint_eq(wr_len(&w), lead);
				/* Sticky: even a 1-byte write now fails. */
				wr_u8(&w, 0);
				ck_assert_uint_eq(wr_len(&w), lead);
			} else {
				ck_assert_msg(wr_ok(&w), "%s refused %zu bytes", pt->name, cap - lead);
				ck_assert_uint_eq(wr_len(&w), lead + pt->need);
				ck_assert_mem_eq(buf + lead, pt->want, pt->need);
			}
		}
	}
}
END_TEST

START_TEST(test_dynamic_writer_growth)
{
	struct wr w;
	size_t i;
	uint8_t big[5000];

	ck_assert_int_eq(wr_init_dyn(&w, 1), 0);
	for (i = 0; i < 10000; i++)
		wr_u8(&w, (uint8_t)(i * 7));
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i ^ 0x5a);
	wr_bytes(&w, big, sizeof(big));
	wr_u32(&w, 0xdeadbeef);
	ck_assert(wr_ok(&w));
	ck_assert_uint_eq(wr_len(&w), 10000 + sizeof(big) + 4);
	for (i = 0; i < 10000; i++)
		ck_assert_uint_eq(wr_data(&w)[i], (uint8_t)(i * 7));
	ck_assert_mem_eq(wr_data(&w) + 10000, big, sizeof(big));
	ck_assert_uint_eq(wr_data(&w)[wr_len(&w) - 1], 0xef);
	/* An impossible size fails cleanly and sticks. */
	wr_zero(&w, SIZE_MAX - 10);
	ck_assert(!wr_ok(&w));
	ck_assert_uint_eq(wr_len(&w), 10000 + sizeof(big) + 4);
	wr_free(&w);
	ck_assert_ptr_null(wr_data(&w));
	ck_assert_uint_eq(wr_len(&w), 0);
	/* A freed writer refuses writes rather than allocating again. */
	wr_u8(&w, 1);
	ck_assert(!wr_ok(&w));
	ck_assert_ptr_null(wr_data(&w));
}
END_TEST

START_TEST(test_writer_backpatch)
{
	struct wr w;
	size_t off;

	ck_assert_int_eq(wr_init_dyn(&w, 1), 0);
	wr_u8(&w, 0xaa);
	off = wr_reserve(&w, 2);
	wr_u32(&w, 0x01020304);
	wr_put_u16_at(&w, off, (uint16_t)wr_len(&w));
	wr_put_u8_at(&w, 0, 0xbb);
	wr_put_u32_at(&w, 3, 0x0a0b0c0d);	/* the last four bytes exactly */
	ck_assert(wr_ok(&w));
	ck_assert_uint_eq(wr_len(&w), 7);
	ck_assert_mem_eq(wr_data(&w), "\xbb\x00\x07\x0a\x0b\x0c\x0d", 7);
	wr_free(&w);
}
END_TEST

/* Each back-patch just past the written length fails and sets err. */
START_TEST(test_backpatch_out_of_range)
{
	static const struct {
		size_t off;
		int width;
	} bad[] = {
		{ 4, 1 }, { 3, 2 }, { 4, 2 }, { 1, 4 }, { 4, 4 },
		{ SIZE_MAX, 1 }, { SIZE_MAX - 1, 2 }, { SIZE_MAX - 3, 4 },
	};
	uint8_t buf[16];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct wr w;

		memset(buf, 0xee, sizeof(buf));
		wr_init(&w, buf, sizeof(buf));
		wr_u32(&w, 0x01020304);
		if (bad[i].width == 1)
			wr_put_u8_at(&w, bad[i].off, 0x55);
		else if (bad[i].width == 2)
			wr_put_u16_at(&w, bad[i].off, 0x5555);
		else
			wr_put_u32_at(&w, bad[i].off, 0x55555555);
		ck_assert_msg(!wr_ok(&w), "put_u%d_at(%zu) over 4 bytes accepted",
			      bad[i].width * 8, bad[i].off);
		ck_assert_mem_eq(buf, "\x01\x02\x03\x04\xee", 5);
	}
}
END_TEST

START_TEST(test_fixed_writer_null)
{
	struct wr w;

	wr_init(&w, NULL, 100);	/* no buffer: no capacity */
	wr_bytes(&w, "", 0);
	ck_assert(wr_ok(&w));
	wr_u8(&w, 1);
	ck_assert(!wr_ok(&w));
	ck_assert_uint_eq(wr_len(&w), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("buf");
	TCase *tr = tcase_create("reader");
	TCase *tw = tcase_create("writer");

	tcase_add_loop_test(tr, test_getter_every_truncation, 0,
			    sizeof(getters) / sizeof(getters[0]));
	tcase_add_test(tr, test_rest_every_length);
	tcase_add_test(tr, test_sticky_error);
	tcase_add_test(tr, test_zero_length_and_null);
	tcase_add_test(tr, test_sub_reader_bounds);
	tcase_add_test(tr, test_huge_lengths_do_not_wrap);
	tcase_add_loop_test(tw, test_fixed_writer_every_capacity, 0,
			    sizeof(putters) / sizeof(putters[0]));
	tcase_add_test(tw, test_dynamic_writer_growth);
	tcase_add_test(tw, test_writer_backpatch);
	tcase_add_test(tw, test_backpatch_out_of_range);
	tcase_add_test(tw, test_fixed_writer_null);
	suite_add_tcase(s, tr);
	suite_add_tcase(s, tw);
	return unit_run(s);
}
