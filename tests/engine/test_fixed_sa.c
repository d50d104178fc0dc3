/*
 * The fixed-keys hook of the engine fuzzer (fixed_sa.h): both sides of a
 * pair given fixed SAs complete a real IKE_AUTH, a message sealed with
 * fixed_sa_seal() reaches the exchange handlers, and everything goes
 * again without a trace.  The fuzzer's corpus, its findings included, is
 * replayed through its target (tests/fuzz/fuzz_engine.c, linked in).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "fixed_sa.h"
#include "ike/engine/exchange.h"
#include "lib/kernel_mem.h"
#include "pair.h"

/* tests/fuzz/fuzz_engine.c, linked in */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pair P;
static struct addr addr_a, addr_b;

static struct engine *E(int side)
{
	return P.peer[side].e;
}

static struct ike_sa *fixed(int side)
{
	return fixed_sa_new(E(side), &P.peer[side].cfg->conns[0], side == PAIR_A,
			    side == PAIR_A ? &addr_a : &addr_b, side == PAIR_A ? &addr_b : &addr_a);
}

static void setup(void)
{
	pair_setup(&P, NULL, NULL);
	addr_parse(&addr_a, "192.0.2.1", 500);
	addr_parse(&addr_b, "192.0.2.2", 500);
}

/* B half-open, A's IKE_AUTH request out: delivered, both are up. */
static void fixed_pair(void)
{
	ck_assert_ptr_nonnull(fixed(PAIR_B));
	ck_assert_ptr_nonnull(fixed(PAIR_A));
	ck_assert_int_eq(pair_sa(&P, PAIR_A)->state, IKE_SA_AUTH_SENT);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
}

START_TEST(test_fixed_pair_establishes)
{
	setup();
	fixed_pair();
	ck_assert_ptr_nonnull(pair_sa(&P, PAIR_A)->children);
	ck_assert_ptr_nonnull(pair_sa(&P, PAIR_B)->children);
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->entry.spi_i, FIXED_SPI_I);
	ck_assert_uint_eq(pair_sa(&P, PAIR_B)->entry.spi_r, FIXED_SPI_R);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 2);
	ck_assert_uint_eq(E(PAIR_A)->state_refused + E(PAIR_B)->state_refused, 0);
	/* everything goes, the kernels start again from their first SPI */
	fixed_sa_clear(E(PAIR_A));
	fixed_sa_clear(E(PAIR_B));
	ck_assert_int_eq(kernel_mem_restart(P.peer[PAIR_A].k), 0);
	ck_assert_int_eq(kernel_mem_restart(P.peer[PAIR_B].k), 0);
	ck_assert_uint_eq(halfopen_total(&E(PAIR_B)->cookies), 0);
	pair_free(&P);
}
END_TEST

/* Two runs give the same keys: the second pair is built from the cache. */
START_TEST(test_fixed_keys_repeat)
{
	uint8_t sk_d[64];
	size_t len;

	setup();
	fixed_pair();
	len = pair_sa(&P, PAIR_A)->keys.sk_d.len;
	ck_assert_uint_le(len, sizeof(sk_d));
	memcpy(sk_d, pair_sa(&P, PAIR_A)->keys.sk_d.ptr, len);
	fixed_sa_clear(E(PAIR_A));
	fixed_sa_clear(E(PAIR_B));
	fixed_pair();
	ck_assert_uint_eq(pair_sa(&P, PAIR_B)->keys.sk_d.len, len);
	ck_assert_mem_eq(pair_sa(&P, PAIR_B)->keys.sk_d.ptr, sk_d, len);
	pair_free(&P);
}
END_TEST

/* An empty INFORMATIONAL request sealed for B is answered. */
START_TEST(test_fixed_seal_reaches_handler)
{
	uint8_t out[256];
	struct ike_sa *b;
	size_t n, sent;

	setup();
	fixed_pair();
	b = pair_sa(&P, PAIR_B);
	sent = P.peer[PAIR_B].sent;
	n = fixed_sa_seal(b, INFORMATIONAL, 0, (uint32_t)b->win.rx_next, PL_NONE, NULL, 0, out,
			  sizeof(out));
	ck_assert_uint_gt(n, IKE_HDR_LEN);
	engine_packet_in(E(PAIR_B), out, n, &addr_b, &addr_a, 0);
	ck_assert_uint_eq(P.peer[PAIR_B].sent, sent + 1);
	ck_assert_uint_eq(b->win.rx_next, 3);
	pair_free(&P);
}
END_TEST

/* A second fixed SA in the same engine is refused (same SPIs), cleanly. */
START_TEST(test_fixed_twice_refused)
{
	setup();
	ck_assert_ptr_nonnull(fixed(PAIR_B));
	ck_assert_ptr_null(fixed(PAIR_B));
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 1);
	ck_assert_uint_eq(halfopen_total(&E(PAIR_B)->cookies), 1);
	pair_free(&P);
}
END_TEST

/*
 * fuzz_engine found it (a timeout): address ranges that are not subnets
 * split into prefixes, 61 x 30 policy pairs here; a CHILD SA's selectors
 * may now take at most 256 pairs.  The peer's ranges are refused, the
 * IKE SA comes up without the CHILD SA, nothing is left in the kernel.
 */
static const char conf_ranges_a[] =
	"secrets: ( { id = \"b.example\"; psk = \"pair-test-psk-0123456789\"; } );\n"
	"connections: ( {\n"
	"  name = \"ab\";\n"
	"  local_addrs = [\"192.0.2.1\"]; remote_addrs = [\"192.0.2.2\"];\n"
	"  local = { id = \"a.example\"; auth = \"psk\"; };\n"
	"  remote = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.5.130.255-255.255.254.255\"];\n"
	"                 remote_ts = [\"10.2.0.0-10.2.255.251\"]; } );\n"
	"} );\n";

static const char conf_ranges_b[] =
	"secrets: ( { id = \"a.example\"; psk = \"pair-test-psk-0123456789\"; } );\n"
	"connections: ( {\n"
	"  name = \"ba\";\n"
	"  local_addrs = [\"192.0.2.2\"]; remote_addrs = [\"%any\"];\n"
	"  local = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  remote = { id = \"a.example\"; auth = \"psk\"; };\n"
	"  children = ( { name = \"wide\"; local_ts = [\"10.0.0.0/8\"];\n"
	"                 remote_ts = [\"0.0.0.0/0\"]; } );\n"
	"} );\n";

START_TEST(test_ranges_policy_bound)
{
	pair_setup(&P, conf_ranges_a, conf_ranges_b);
	addr_parse(&addr_a, "192.0.2.1", 500);
	addr_parse(&addr_b, "192.0.2.2", 500);
	fixed_pair();
	ck_assert_ptr_null(pair_sa(&P, PAIR_B)->children);
	ck_assert_ptr_null(pair_sa(&P, PAIR_A)->children);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_B].k), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->notify_err, N_NO_PROPOSAL_CHOSEN);
	pair_free(&P);
}
END_TEST

/*
 * fuzz_engine found it (ASan, heap-use-after-free): both sides rekey the
 * IKE SA at once; on A the peer's new SA waits with twin_of pointing at
 * the old one; a broken IKE_AUTH request on the old one destroys it, and
 * destroying the new one later read the freed SA.  The old SA's end now
 * clears the pointers of its twins.
 */
static int drop_from_a(struct pair *p, struct pair_pkt *q, void *arg)
{
	(void)p, (void)arg;
	return q->from == PAIR_A;
}

START_TEST(test_rekey_twin_old_goes_first)
{
	static const uint8_t junk[4] = { 0, 0, 0, 3 };
	char err[128];
	uint8_t out[256];
	struct ike_sa *old;
	size_t len;
	int twins = 0;

	setup();
	fixed_pair();
	old = pair_sa(&P, PAIR_A);
	P.filter = drop_from_a;
	ck_assert_int_eq(engine_rekey(E(PAIR_A), "ab", 0, err, sizeof(err)), 0);
	ck_assert_int_eq(engine_rekey(E(PAIR_B), "ba", 0, err, sizeof(err)), 0);
	pair_pump(&P, 0);
	for (struct ike_sa *sa = E(PAIR_A)->sas; sa; sa = sa->next)
		twins += sa->rk.twin_of == old;
	ck_assert_int_gt(twins, 0);
	len = fixed_sa_seal(old, IKE_AUTH, 0, (uint32_t)old->win.rx_next, 0xfe, junk,
			    sizeof(junk), out, sizeof(out));
	engine_packet_in(E(PAIR_A), out, len, &addr_a, &addr_b, 0);
	for (struct ike_sa *sa = E(PAIR_A)->sas; sa; sa = sa->next) {
		ck_assert_ptr_ne(sa, old);
		ck_assert_ptr_null(sa->rk.twin_of);
	}
	fixed_sa_clear(E(PAIR_A));
	pair_free(&P);
}
END_TEST

/*
 * Every input of tests/fuzz/corpus/fuzz_engine through the fuzzer's own
 * target, in this build: the seeds, and each input that once crashed it
 * (kept there as crash-<what>, after the fix), as regression cases.  The
 * target aborts on any broken invariant.
 */
START_TEST(test_fuzz_corpus_replay)
{
	static uint8_t buf[16384];
	DIR *d = opendir(FUZZ_ENGINE_CORPUS);
	struct dirent *de;
	size_t n = 0;

	ck_assert_msg(d != NULL, "%s: cannot open", FUZZ_ENGINE_CORPUS);
	while ((de = readdir(d))) {
		char path[1024];
		FILE *f;
		size_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", FUZZ_ENGINE_CORPUS, de->d_name);
		f = fopen(path, "rb");
		ck_assert_msg(f != NULL, "%s: cannot open", path);
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		n++;
	}
	closedir(d);
	ck_assert_uint_ge(n, 10);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fixed_sa");
	TCase *tc = tcase_create("fixed");

	tcase_add_test(tc, test_fixed_pair_establishes);
	tcase_add_test(tc, test_fixed_keys_repeat);
	tcase_add_test(tc, test_fixed_seal_reaches_handler);
	tcase_add_test(tc, test_fixed_twice_refused);
	tcase_add_test(tc, test_ranges_policy_bound);
	tcase_add_test(tc, test_rekey_twin_old_goes_first);
	tcase_add_test(tc, test_fuzz_corpus_replay);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pair_main(suite());
}
