/* Virtual address pools (src/ike/sa/pool.c): allocation order, exhaustion,
 * reuse by identity, IPv4 ranges, IPv6 prefixes, 65,536 leases. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "ike/sa/pool.h"
#include "runner.h"

static struct pool *v4(const char *first, uint64_t size)
{
	uint8_t a[4];
	struct pool *p;

	ck_assert_int_eq(inet_pton(AF_INET, first, a), 1);
	p = pool_new("rw", AF_INET, a, size);
	ck_assert_ptr_nonnull(p);
	return p;
}

static const char *get(struct pool *p, const char *id, const char *want, enum pool_result want_rc)
{
	static char s[INET6_ADDRSTRLEN];
	uint8_t w[16], out[16];
	int fam = pool_family(p);

	if (want)
		ck_assert_int_eq(inet_pton(fam, want, w), 1);
	ck_assert_int_eq(pool_acquire(p, (const uint8_t *)id, strlen(id), want ? w : NULL, out),
			 want_rc);
	if (want_rc != POOL_OK)
		return NULL;
	return inet_ntop(fam, out, s, sizeof(s));
}

static int put(struct pool *p, const char *id, const char *addr)
{
	uint8_t a[16];

	ck_assert_int_eq(inet_pton(pool_family(p), addr, a), 1);
	return pool_release(p, (const uint8_t *)id, strlen(id), a);
}

START_TEST(test_order_and_exhaustion)
{
	struct pool *p = v4("10.3.0.10", 3);

	ck_assert_str_eq(get(p, "alice", NULL, POOL_OK), "10.3.0.10");
	ck_assert_str_eq(get(p, "bob", NULL, POOL_OK), "10.3.0.11");
	ck_assert_str_eq(get(p, "carol", NULL, POOL_OK), "10.3.0.12");
	get(p, "dave", NULL, POOL_EXHAUSTED);
	ck_assert_uint_eq(pool_online(p), 3);
	/* a second IKE SA of alice shares her address */
	ck_assert_str_eq(get(p, "alice", NULL, POOL_OK), "10.3.0.10");
	ck_assert_int_eq(put(p, "alice", "10.3.0.10"), 0);
	get(p, "dave", NULL, POOL_EXHAUSTED);
	ck_assert_int_eq(put(p, "alice", "10.3.0.10"), 0);
	ck_assert_uint_eq(pool_offline(p), 1);
	/* nobody else's address is released for alice */
	ck_assert_int_eq(put(p, "alice", "10.3.0.11"), -1);
	ck_assert_int_eq(put(p, "zed", "10.9.0.1"), -1);
	/* only now does dave get an address: alice's offline one */
	ck_assert_str_eq(get(p, "dave", NULL, POOL_OK), "10.3.0.10");
	get(p, "alice", NULL, POOL_EXHAUSTED);
	pool_free(p);
}
END_TEST

START_TEST(test_reuse_by_identity)
{
	struct pool *p = v4("10.3.0.1", 254);

	ck_assert_str_eq(get(p, "alice", NULL, POOL_OK), "10.3.0.1");
	ck_assert_str_eq(get(p, "bob", NULL, POOL_OK), "10.3.0.2");
	ck_assert_int_eq(put(p, "alice", "10.3.0.1"), 0);
	ck_assert_int_eq(put(p, "bob", "10.3.0.2"), 0);
	/* never-used addresses go before anybody's offline lease */
	ck_assert_str_eq(get(p, "carol", NULL, POOL_OK), "10.3.0.3");
	ck_assert_str_eq(get(p, "bob", NULL, POOL_OK), "10.3.0.2");
	ck_assert_str_eq(get(p, "alice", NULL, POOL_OK), "10.3.0.1");
	ck_assert_uint_eq(pool_online(p), 3);
	ck_assert_uint_eq(pool_offline(p), 0);
	pool_free(p);
}
END_TEST

START_TEST(test_requested_address)
{
	struct pool *p = v4("10.3.0.10", 191);	/* 10.3.0.10-10.3.0.200 */

	ck_assert_str_eq(get(p, "alice", "10.3.0.100", POOL_OK), "10.3.0.100");
	/* taken, outside, or not an address of the pool: the next free one */
	ck_assert_str_eq(get(p, "bob", "10.3.0.100", POOL_OK), "10.3.0.10");
	ck_assert_str_eq(get(p, "carol", "10.3.0.201", POOL_OK), "10.3.0.11");
	ck_assert_str_eq(get(p, "dave", "10.3.0.9", POOL_OK), "10.3.0.12");
	ck_assert_str_eq(get(p, "erin", "10.3.0.200", POOL_OK), "10.3.0.200");
	/* alice keeps her own lease whatever she asks for */
	ck_assert_str_eq(get(p, "alice", "10.3.0.150", POOL_OK), "10.3.0.100");
	/* the cursor skips the requested ones */
	for (int i = 13; i < 100; i++) {
		char id[16];

		snprintf(id, sizeof(id), "u%d", i);
		get(p, id, NULL, POOL_OK);
	}
	ck_assert_str_eq(get(p, "next", NULL, POOL_OK), "10.3.0.101");
	ck_assert_uint_eq(pool_size(p), 191);
	pool_free(p);
}
END_TEST

START_TEST(test_v6_prefix)
{
	uint8_t a[16];
	struct pool *p;

	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:3::1", a), 1);
	p = pool_new("rw6", AF_INET6, a, (uint64_t)1 << 63);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(pool_size(p), POOL_MAX_SIZE);
	ck_assert_str_eq(get(p, "alice", NULL, POOL_OK), "2001:db8:3::1");
	ck_assert_str_eq(get(p, "bob", "2001:db8:3::3f:ff", POOL_OK), "2001:db8:3::3f:ff");
	ck_assert_str_eq(get(p, "carol", "2001:db8:4::1", POOL_OK), "2001:db8:3::2");
	ck_assert_int_eq(put(p, "bob", "2001:db8:3::3f:ff"), 0);
	ck_assert_str_eq(get(p, "bob", NULL, POOL_OK), "2001:db8:3::3f:ff");
	pool_free(p);
}
END_TEST

START_TEST(test_v6_carry)
{
	uint8_t a[16];
	struct pool *p;

	/* a range across a 32-bit boundary of the address */
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8::ffff:fffe", a), 1);
	p = pool_new("r", AF_INET6, a, 4);
	ck_assert_str_eq(get(p, "a", NULL, POOL_OK), "2001:db8::ffff:fffe");
	ck_assert_str_eq(get(p, "b", NULL, POOL_OK), "2001:db8::ffff:ffff");
	ck_assert_str_eq(get(p, "c", NULL, POOL_OK), "2001:db8::1:0:0");
	ck_assert_str_eq(get(p, "d", "2001:db8::1:0:1", POOL_OK), "2001:db8::1:0:1");
	ck_assert_int_eq(put(p, "c", "2001:db8::1:0:0"), 0);
	pool_free(p);
}
END_TEST

static int count_online(void *arg, const struct pool_lease_info *l)
{
	size_t *n = arg;

	n[l->online ? 0 : 1]++;
	return 0;
}


/* 65,536 leases: the last connect costs what the first did.  Counted in
 * probes (bitmap bits, hash nodes), not wall time: a scan from the pool's
 * start per connect would be 2^31 probes, the pool's cursor and hashes
 * stay within a few per operation. */
START_TEST(test_65536_leases)
{
	struct pool *p = v4("10.0.0.0", 65536 + 1);
	size_t n[2] = { 0, 0 };
	char id[32];
	uint64_t probes;

	for (unsigned i = 0; i < 65536; i++) {
		snprintf(id, sizeof(id), "user%u@example.com", i);
		get(p, id, NULL, POOL_OK);
	}
	for (unsigned i = 0; i < 65536; i += 2) {
		uint8_t a[4] = { 10, 0, (uint8_t)(i >> 8), (uint8_t)i };

		snprintf(id, sizeof(id), "user%u@example.com", i);
		ck_assert_int_eq(pool_release(p, (uint8_t *)id, strlen(id), a), 0);
	}
	/* reconnects find their own address; a newcomer the last free one */
	snprintf(id, sizeof(id), "user%u@example.com", 4242u);
	ck_assert_str_eq(get(p, id, NULL, POOL_OK), "10.0.16.146");
	ck_assert_str_eq(get(p, "newcomer", NULL, POOL_OK), "10.1.0.0");
	/* then the oldest offline lease (user0's) */
	ck_assert_str_eq(get(p, "late", NULL, POOL_OK), "10.0.0.0");
	probes = pool_probes(p);
	ck_assert_msg(probes < 4 * (65536 + 32768 + 3), "%llu probes for %u operations",
		      (unsigned long long)probes, 65536 + 32768 + 3);
	pool_foreach(p, count_online, n);
	ck_assert_uint_eq(n[0], 32768 + 3);
	ck_assert_uint_eq(n[1], 32768 - 2);
	pool_free(p);
}
END_TEST

int main(void)
{
	const TTest *tests[] = {
		test_order_and_exhaustion,
		test_reuse_by_identity,
		test_requested_address,
		test_v6_prefix,
		test_v6_carry,
		test_65536_leases,
		NULL,
	};

	return run_tests("pool", tests, 0);
}
