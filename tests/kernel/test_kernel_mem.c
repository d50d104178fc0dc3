/*
 * The in-memory kernel double: it must refuse what the XFRM backend
 * refuses, or tests of the IKE core written against it would pass on
 * requests the real kernel rejects.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "kernel/kernel.h"
#include "lib/kernel_mem.h"
#include "unit/unit.h"

static struct kernel *k;
static int acquires, expires, resyncs, last_hard;

static void on_acquire(void *arg, const struct kernel_acquire *acq)
{
	acquires++;
}

static void on_expire(void *arg, const struct kernel_sa_id *id, uint32_t reqid, int hard)
{
	expires++;
	last_hard = hard;
}

static void on_resync(void *arg)
{
	resyncs++;
}

static void setup(void)
{
	static const struct kernel_events ev = {
		.on_acquire = on_acquire, .on_expire = on_expire, .on_resync = on_resync,
	};

	acquires = expires = resyncs = last_hard = 0;
	k = kernel_mem_new(&ev);
	ck_assert_ptr_nonnull(k);
}

static void teardown(void)
{
	kernel_free(k);
}

static struct kernel_sa cbc_sa(uint32_t spi)
{
	struct kernel_sa sa;

	memset(&sa, 0, sizeof(sa));
	addr_parse(&sa.src, "192.0.2.1", 0);
	addr_parse(&sa.id.dst, "192.0.2.2", 0);
	sa.id.spi = spi;
	sa.id.proto = IPPROTO_ESP;
	sa.mode = KERNEL_MODE_TUNNEL;
	sa.reqid = KERNEL_REQID_MIN;
	sa.encr = KERNEL_ENCR_AES_CBC;
	sa.enc_key_len = 16;
	sa.integ = KERNEL_INTEG_HMAC_SHA2_256_128;
	sa.int_key_len = 32;
	return sa;
}

START_TEST(sa_lifecycle)
{
	struct kernel_sa sa = cbc_sa(0);
	struct kernel_sa_stats st = { .bytes = 100, .packets = 2 }, got;
	uint32_t spi;

	ck_assert_int_eq(kernel_alloc_spi(k, &sa.src, &sa.id.dst, IPPROTO_ESP, KERNEL_REQID_MIN,
					  0xc0000000, 0xc00000ff, &spi), 0);
	ck_assert_uint_ge(spi, 0xc0000000);
	ck_assert_uint_le(spi, 0xc00000ff);
	sa.id.spi = spi;
	/* the larval SA is completed by update, as with XFRM */
	ck_assert_int_eq(kernel_add_sa(k, &sa), -EEXIST);
	ck_assert_int_eq(kernel_update_sa(k, &sa), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(k), 1);
	ck_assert_ptr_nonnull(kernel_mem_find_sa(k, &sa.id));
	ck_assert_int_eq(kernel_mem_set_stats(k, &sa.id, &st), 0);
	ck_assert_int_eq(kernel_query_sa(k, &sa.id, &got), 0);
	ck_assert_uint_eq(got.bytes, 100);
	ck_assert_int_eq(kernel_del_sa(k, &sa.id), 0);
	ck_assert_int_eq(kernel_del_sa(k, &sa.id), -ESRCH);
	ck_assert_int_eq(kernel_query_sa(k, &sa.id, &got), -ESRCH);
}
END_TEST

START_TEST(sa_refusals)
{
	struct kernel_sa sa = cbc_sa(0x1000);

	sa.reqid = 1;
	ck_assert_int_eq(kernel_add_sa(k, &sa), -EINVAL);
	sa = cbc_sa(0x1000);
	sa.encr = 77;
	ck_assert_int_eq(kernel_add_sa(k, &sa), -EINVAL);
	sa = cbc_sa(0x1000);
	sa.int_key_len = 20;
	ck_assert_int_eq(kernel_add_sa(k, &sa), -EINVAL);
	sa = cbc_sa(0x1000);
	ck_assert_int_eq(kernel_update_sa(k, &sa), -ESRCH);
	kernel_mem_fail_next(k, ENOENT);
	ck_assert_int_eq(kernel_add_sa(k, &sa), -ENOENT);
	ck_assert_int_eq(kernel_add_sa(k, &sa), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(k), 1);
}
END_TEST

START_TEST(policies_and_flush)
{
	struct kernel_policy p;

	memset(&p, 0, sizeof(p));
	addr_parse(&p.sel.src, "10.1.0.0", 0);
	addr_parse(&p.sel.dst, "10.2.0.0", 0);
	p.sel.src_plen = p.sel.dst_plen = 16;
	p.dir = KERNEL_DIR_OUT;
	p.has_tmpl = 1;
	p.tmpl.proto = IPPROTO_ESP;
	p.tmpl.reqid = KERNEL_REQID_MIN;
	ck_assert_int_eq(kernel_add_policy(k, &p), 0);
	ck_assert_int_eq(kernel_add_policy(k, &p), -EEXIST);
	p.dir = KERNEL_DIR_IN;
	ck_assert_int_eq(kernel_update_policy(k, &p), 0);
	ck_assert_uint_eq(kernel_mem_policy_count(k), 2);
	ck_assert_ptr_nonnull(kernel_mem_find_policy(k, &p));
	ck_assert_int_eq(kernel_del_policy(k, &p), 0);
	ck_assert_int_eq(kernel_del_policy(k, &p), -ENOENT);
	p.tmpl.reqid = 3;
	ck_assert_int_eq(kernel_add_policy(k, &p), -EINVAL);
	ck_assert_int_eq(kernel_flush_own(k), 0);
	ck_assert_uint_eq(kernel_mem_policy_count(k), 0);
}
END_TEST

START_TEST(events_through_fd)
{
	struct kernel_sa sa = cbc_sa(0x2000);
	struct kernel_acquire acq;
	struct pollfd pfd = { .fd = kernel_event_fd(k), .events = POLLIN };

	memset(&acq, 0, sizeof(acq));
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
	ck_assert_int_eq(kernel_add_sa(k, &sa), 0);
	ck_assert_int_eq(kernel_mem_inject_acquire(k, &acq), 0);
	ck_assert_int_eq(kernel_mem_inject_expire(k, &sa.id, 0), 0);
	ck_assert_int_eq(kernel_mem_inject_expire(k, &sa.id, 1), 0);
	ck_assert_int_eq(kernel_mem_inject_resync(k), 0);
	ck_assert_int_eq(poll(&pfd, 1, 0), 1);
	ck_assert_int_eq(acquires + expires + resyncs, 0);
	ck_assert_int_eq(kernel_dispatch(k), 0);
	ck_assert_int_eq(acquires, 1);
	ck_assert_int_eq(expires, 2);
	ck_assert_int_eq(last_hard, 1);
	ck_assert_int_eq(resyncs, 1);
	/* a hard expire removed the SA, like the kernel does */
	ck_assert_uint_eq(kernel_mem_sa_count(k), 0);
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
	ck_assert_int_eq(kernel_mem_inject_expire(k, &sa.id, 1), -ESRCH);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("kernel_mem");
	TCase *tc = tcase_create("double");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, sa_lifecycle);
	tcase_add_test(tc, sa_refusals);
	tcase_add_test(tc, policies_and_flush);
	tcase_add_test(tc, events_through_fd);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
