#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

static const uint8_t sample[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };

START_TEST(test_getters_big_endian)
{
	struct rd r;

	rd_init(&r, sample, sizeof(sample));
	ck_assert_uint_eq(rd_u8(&r), 0x01);
	ck_assert_uint_eq(rd_u16(&r), 0x0203);
	ck_assert_uint_eq(rd_u32(&r), 0x04050607);
	ck_assert_uint_eq(rd_u16(&r), 0x0809);
	ck_assert(rd_done(&r));
	ck_assert_uint_eq(rd_u8(&r), 0);
	ck_assert(!rd_ok(&r));
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
	ck_assert(wr_ok(&w));
	ck_assert_uint_eq(wr_len(&w), 7);
	ck_assert_uint_eq(wr_data(&w)[1], 0);
	ck_assert_uint_eq(wr_data(&w)[2], 7);
	wr_free(&w);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_getters_big_endian);
	tcase_add_test(tc, test_writer_backpatch);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
