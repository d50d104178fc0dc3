#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "ike/sa/hidx.h"
#include "ike/sa/sa_table.h"
#include "runner.h"

#define NSA 100000

/* Reference vector from the SipHash paper (appendix A): key 00..0f,
 * message 00..0e, SipHash-2-4 = 0xa129ca6149be45e5. */
START_TEST(test_siphash_vector)
{
	struct hkey k;
	uint8_t kb[16], msg[15];

	for (int i = 0; i < 16; i++)
		kb[i] = (uint8_t)i;
	for (int i = 0; i < 15; i++)
		msg[i] = (uint8_t)i;
	memcpy(&k.k0, kb, 8);	/* little-endian host: the paper's k0/k1 */
	memcpy(&k.k1, kb + 8, 8);
	ck_assert_uint_eq(hidx_hash(&k, msg, sizeof(msg)), 0xa129ca6149be45e5ULL);
}
END_TEST

static int peer_addr(struct addr *a, unsigned i)
{
	uint8_t b[4] = { 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };

	return addr_set_bytes(a, AF_INET, b, 500);
}

/* Check's ck_assert costs a write per call: the 100k loops count misses
 * and assert once, naming the first failing check. */
static unsigned misses;
static int first_miss_line;

#define EXPECT(cond) do { \
	if (!(cond)) { \
		if (!misses++) \
			first_miss_line = __LINE__; \
	} \
} while (0)

START_TEST(test_100k)
{
	struct sa_table t;
	struct sa_entry *e = calloc(NSA, sizeof(*e));
	size_t n;

	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(sa_table_init(&t), 0);
	misses = 0;
	for (unsigned i = 0; i < NSA; i++) {
		uint64_t spi = 0;

		EXPECT(sa_table_new_spi(&t, &spi) == 0 && spi != 0);
		e[i].initiator = i & 1;
		EXPECT(peer_addr(&e[i].peer, i / 4) == 0);	/* four SAs per peer address */
		if (e[i].initiator) {
			e[i].spi_i = spi;
		} else {
			e[i].spi_r = spi;
			e[i].spi_i = 0x1000 + i % 8;	/* peers reuse SPIi values */
		}
		EXPECT(sa_table_insert(&t, &e[i]) == 0);
	}
	ck_assert_uint_eq(misses, 0);
	ck_assert_uint_eq(sa_table_count(&t), NSA);
	/* grown: at least one bucket per entry */
	ck_assert_uint_ge(t.local.mask + 1, NSA);
	for (unsigned i = 0; i < NSA; i++) {
		if (e[i].initiator) {
			/* IKE_SA_INIT response: SPIr new to us */
			EXPECT(sa_table_find(&t, e[i].spi_i, 0x77, 0) == &e[i]);
			EXPECT(sa_table_set_spi_r(&t, &e[i], 0x5000 + i) == 0);
			EXPECT(sa_table_find(&t, e[i].spi_i, 0x5000 + i, 0) == &e[i]);
			EXPECT(sa_table_find(&t, e[i].spi_i, 0x77, 0) == NULL);
			EXPECT(sa_table_find(&t, e[i].spi_i, 0x5000 + i, 1) == NULL);
		} else {
			EXPECT(sa_table_find(&t, e[i].spi_i, e[i].spi_r, 1) == &e[i]);
			EXPECT(sa_table_find(&t, e[i].spi_i + 1, e[i].spi_r, 1) == NULL);
			EXPECT(sa_table_find(&t, e[i].spi_i, e[i].spi_r, 0) == NULL);
			EXPECT(sa_table_find_half_open(&t, e[i].spi_i, &e[i].peer) == &e[i]);
		}
	}
	ck_assert_msg(misses == 0, "%u misses, first at line %d", misses, first_miss_line);
	/* remove every fourth entry, then the lookups reflect it */
	n = NSA;
	for (unsigned i = 0; i < NSA; i += 4) {
		sa_table_remove(&t, &e[i]);
		n--;
	}
	ck_assert_uint_eq(sa_table_count(&t), n);
	for (unsigned i = 0; i < NSA; i += 2) {
		struct sa_entry *want = i % 4 ? &e[i] : NULL;

		EXPECT(sa_table_find(&t, e[i].spi_i, e[i].spi_r, 1) == want);
		EXPECT(sa_table_find_half_open(&t, e[i].spi_i, &e[i].peer) == want);
	}
	ck_assert_msg(misses == 0, "%u misses, first at line %d", misses, first_miss_line);
	for (unsigned i = 0; i < NSA; i++)
		if (i % 4)
			sa_table_remove(&t, &e[i]);
	ck_assert_uint_eq(sa_table_count(&t), 0);
	/* shrinks on the next insert */
	e[0].initiator = 1;
	e[0].spi_i = 42;
	ck_assert_int_eq(sa_table_insert(&t, &e[0]), 0);
	ck_assert_uint_lt(t.local.mask + 1, NSA);
	sa_table_free(&t);
	free(e);
}
END_TEST

static void drop_odd(struct sa_entry *e, void *arg)
{
	struct sa_table *t = arg;

	if (e->spi_i & 1)
		sa_table_remove(t, e);
}

static void count_one(struct sa_entry *e, void *arg)
{
	(*(size_t *)arg)++;
}

START_TEST(test_foreach_with_removal)
{
	struct sa_table t;
	struct sa_entry *e = calloc(1000, sizeof(*e));
	size_t n = 0;

	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(sa_table_init(&t), 0);
	for (unsigned i = 0; i < 1000; i++) {
		e[i].initiator = 1;
		e[i].spi_i = i + 1;
		ck_assert_int_eq(sa_table_insert(&t, &e[i]), 0);
	}
	sa_table_foreach(&t, drop_odd, &t);
	ck_assert_uint_eq(sa_table_count(&t), 500);
	sa_table_foreach(&t, count_one, &n);
	ck_assert_uint_eq(n, 500);
	ck_assert_ptr_null(sa_table_find(&t, 7, 0, 0));
	ck_assert_ptr_eq(sa_table_find(&t, 8, 0, 0), &e[7]);
	sa_table_free(&t);
	free(e);
}
END_TEST

START_TEST(test_refusals)
{
	struct sa_table t;
	struct sa_entry a = { .spi_i = 7, .spi_r = 9, .initiator = 0 };
	struct sa_entry b = { .spi_i = 7, .spi_r = 10, .initiator = 0 };
	struct sa_entry c = { .spi_i = 9, .initiator = 1 };
	struct sa_entry z = { .spi_i = 0, .spi_r = 11, .initiator = 0 };

	ck_assert_int_eq(sa_table_init(&t), 0);
	ck_assert_int_eq(addr_parse(&a.peer, "192.0.2.1", 500), 0);
	b.peer = a.peer;
	z.peer = a.peer;
	ck_assert_int_eq(sa_table_insert(&t, &a), 0);
	/* same SPIi from the same peer: a retransmission, not a new SA */
	ck_assert_int_eq(sa_table_insert(&t, &b), -1);
	/* our SPI 9 is taken (a's SPIr) */
	ck_assert_int_eq(sa_table_insert(&t, &c), -1);
	ck_assert_int_eq(sa_table_insert(&t, &z), -1);
	/* same SPIi from another port is another SA */
	addr_set_port(&b.peer, 4500);
	ck_assert_int_eq(sa_table_insert(&t, &b), 0);
	ck_assert_ptr_eq(sa_table_find_half_open(&t, 7, &b.peer), &b);
	ck_assert_ptr_eq(sa_table_find_half_open(&t, 7, &a.peer), &a);
	/* SPIr lookups with SPIr 0 never match */
	ck_assert_ptr_null(sa_table_find(&t, 7, 0, 1));
	/* responders cannot change SPIr; initiators only once */
	ck_assert_int_eq(sa_table_set_spi_r(&t, &a, 5), -1);
	c.spi_i = 12;
	ck_assert_int_eq(sa_table_insert(&t, &c), 0);
	ck_assert_int_eq(sa_table_set_spi_r(&t, &c, 0), -1);
	ck_assert_int_eq(sa_table_set_spi_r(&t, &c, 5), 0);
	ck_assert_int_eq(sa_table_set_spi_r(&t, &c, 6), -1);
	ck_assert_uint_eq(c.spi_r, 5);
	sa_table_free(&t);
}
END_TEST

START_TEST(test_identity_lists)
{
	struct sa_table t;
	struct sa_entry e[6];
	uint64_t alice, bob;
	int count = 0;

	memset(e, 0, sizeof(e));
	ck_assert_int_eq(sa_table_init(&t), 0);
	alice = sa_table_id_hash(&t, 2, "alice.example", 13);
	bob = sa_table_id_hash(&t, 2, "bob.example", 11);
	ck_assert_uint_ne(alice, bob);
	/* the ID type is part of the identity */
	ck_assert_uint_ne(alice, sa_table_id_hash(&t, 3, "alice.example", 13));
	for (int i = 0; i < 6; i++) {
		e[i].initiator = 1;
		e[i].spi_i = 100 + i;
		e[i].id_hash = i < 4 ? alice : 0;	/* set before insert */
		ck_assert_int_eq(sa_table_insert(&t, &e[i]), 0);
	}
	sa_table_set_id(&t, &e[4], bob);
	sa_table_set_id(&t, &e[5], bob);
	sa_table_set_id(&t, &e[3], bob);	/* relink */
	for (struct sa_entry *s = sa_table_id_first(&t, alice), *next; s; s = next) {
		next = sa_table_id_next(s);
		ck_assert_uint_lt(s->spi_i, 103);
		sa_table_remove(&t, s);	/* INITIAL_CONTACT: drop them all */
		count++;
	}
	ck_assert_int_eq(count, 3);
	ck_assert_ptr_null(sa_table_id_first(&t, alice));
	count = 0;
	for (struct sa_entry *s = sa_table_id_first(&t, bob); s; s = sa_table_id_next(s))
		count++;
	ck_assert_int_eq(count, 3);
	ck_assert_uint_eq(sa_table_count(&t), 3);
	sa_table_free(&t);
}
END_TEST

int main(void)
{
	const TTest *tests[] = {
		test_siphash_vector,
		test_100k,
		test_refusals,
		test_foreach_with_removal,
		test_identity_lists,
		NULL,
	};

	return run_tests("sa_table", tests, 60);
}
