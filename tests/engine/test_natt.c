/*
 * NAT traversal after IKE_SA_INIT, two engines on virtual time (pair.h)
 * with a NAT simulated by rewriting addresses between them: keepalives
 * only from the side behind the NAT (keep_alive), encap = true, a NAT
 * rebinding followed on the next authenticated message (RFC 7296 2.23),
 * the kernel's MAPPING event confirmed by a liveness check, and what must
 * not move an SA: a MAPPING for an SA we do not own, a host behind a NAT,
 * replayed or forged messages from a new port, a forged NAT-D in
 * IKE_SA_INIT (the AUTH payloads cover it: IKE_AUTH fails).
 */
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "lib/kernel_mem.h"
#include "ike/engine/exchange.h"
#include "pair.h"

static struct pair P;

/* The NAT in front of A: 192.0.2.1:P appears as 198.51.100.9:(P + shift);
 * a rebinding changes shift.  Keepalives are counted and not delivered. */
static struct nat {
	uint16_t shift;
	size_t keepalives[2];
	size_t to_port[65536 / 64];	/* B's datagrams by public port / 64 */
	uint16_t last_dst_port;		/* of B's last datagram, before rewriting */
	int b_src_port;			/* nonzero: B's datagrams come from it */
} N;

static const char PUB[] = "198.51.100.9";

static int is_keepalive(const struct pair_pkt *q)
{
	return q->len == 1 && q->data[0] == 0xff;
}

static int nat_a(struct pair *p, struct pair_pkt *q, void *arg)
{
	struct addr pub;

	(void)p;
	(void)arg;
	if (is_keepalive(q)) {
		N.keepalives[q->from]++;
		return 1;
	}
	addr_parse(&pub, PUB, 0);
	if (q->from == PAIR_A) {
		addr_set_port(&pub, (uint16_t)(addr_port(&q->src) + N.shift));
		q->src = pub;
		return 0;
	}
	if (N.b_src_port)
		addr_set_port(&q->src, (uint16_t)N.b_src_port);
	if (!addr_eq_host(&q->dst, &pub))
		return 0;
	N.last_dst_port = addr_port(&q->dst);
	/* the NAT knows only its current mapping */
	if (addr_port(&q->dst) < N.shift)
		return 1;
	addr_parse(&q->dst, "192.0.2.1", (uint16_t)(addr_port(&q->dst) - N.shift));
	return 0;
}

/* Keepalives only, no NAT. */
static int count_keepalives(struct pair *p, struct pair_pkt *q, void *arg)
{
	(void)p;
	(void)arg;
	if (!is_keepalive(q))
		return 0;
	N.keepalives[q->from]++;
	return 1;
}

static char *conf_with(const char *base, const char *global, const char *conn_keys)
{
	char *c = pair_conf_sub(base, "  children", conn_keys), *out = NULL;

	ck_assert_int_ge(asprintf(&out, "%s%s", global, c), 0);
	free(c);
	return out;
}

/* Established with the NAT in front of A; extra global / connection keys for A. */
static void setup_nat(const char *global_a, const char *conn_a)
{
	char *a = conf_with(pair_conf_a, global_a, conn_a);

	memset(&N, 0, sizeof(N));
	N.shift = 40000;
	pair_setup(&P, a, NULL);
	free(a);
	P.filter = nat_a;
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
}

static struct ike_sa *SA(int side)
{
	return pair_sa(&P, side);
}

static const struct kernel_sa *ksa(int side, uint32_t spi, const char *dst)
{
	const struct kernel_sa *ks = pair_ksa(&P, side, dst, spi);

	ck_assert_ptr_nonnull(ks);
	return ks;
}

START_TEST(test_keepalive_from_natted_side)
{
	setup_nat("global = { keep_alive = \"5s\"; };\n", "  children");
	ck_assert(SA(PAIR_A)->nat_local && SA(PAIR_B)->nat_remote);
	pair_run(&P, 61000, NULL);
	/* every 5 s from A (RFC 3948 2.3), none from B, whose mapping needs none */
	ck_assert_uint_eq(N.keepalives[PAIR_A], 12);
	ck_assert_uint_eq(N.keepalives[PAIR_B], 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_keepalive_default_and_off)
{
	setup_nat("", "  children");
	pair_run(&P, 61000, NULL);
	ck_assert_uint_eq(N.keepalives[PAIR_A], 3);	/* keep_alive 20 s by default */
	pair_free(&P);
	setup_nat("global = { keep_alive = 0; };\n", "  children");
	pair_run(&P, 61000, NULL);
	ck_assert_uint_eq(N.keepalives[PAIR_A], 0);
	ck_assert(!timer_pending(&SA(PAIR_A)->keepalive));
	pair_free(&P);
}
END_TEST

START_TEST(test_encap_forces_udp)
{
	char *a = conf_with(pair_conf_a, "", "  encap = true;\n  children");
	struct ike_sa *sa, *sb;

	memset(&N, 0, sizeof(N));
	pair_setup(&P, a, NULL);
	free(a);
	P.filter = count_keepalives;
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	sa = SA(PAIR_A);
	sb = SA(PAIR_B);
	/* no NAT at all: A's made-up NAT_DETECTION_SOURCE_IP shows B one in
	 * front of A; both float to 4500 and encapsulate ESP */
	ck_assert(!sa->nat_local && !sa->nat_remote && sa->nat_fake);
	ck_assert(sb->nat_remote && !sb->nat_local && !sb->nat_fake);
	ck_assert(sa->natt && sb->natt);
	ck_assert_uint_eq(addr_port(&sa->remote), 4500);
	ck_assert_uint_eq(ksa(PAIR_A, sa->children->spi_out, "192.0.2.2")->encap_dport, 4500);
	ck_assert_uint_eq(ksa(PAIR_A, sa->children->spi_in, "192.0.2.1")->encap_sport, 4500);
	ck_assert_uint_eq(ksa(PAIR_B, sb->children->spi_out, "192.0.2.1")->encap_sport, 4500);
	ck_assert_uint_eq(ksa(PAIR_B, sb->children->spi_in, "192.0.2.2")->encap_dport, 4500);
	/* A acts as if behind the NAT: it keeps the (possible) mapping alive */
	pair_run(&P, 41000, NULL);
	ck_assert_uint_eq(N.keepalives[PAIR_A], 2);
	ck_assert_uint_eq(N.keepalives[PAIR_B], 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_no_encap_without_nat)
{
	memset(&N, 0, sizeof(N));
	pair_setup(&P, NULL, NULL);
	P.filter = count_keepalives;
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	ck_assert(!SA(PAIR_A)->nat_fake && !SA(PAIR_B)->nat_remote);
	ck_assert_uint_eq(ksa(PAIR_A, SA(PAIR_A)->children->spi_out, "192.0.2.2")->encap_dport, 0);
	pair_run(&P, 41000, NULL);
	ck_assert_uint_eq(N.keepalives[PAIR_A] + N.keepalives[PAIR_B], 0);
	pair_free(&P);
}
END_TEST

/* B's view after the NAT moved A to public port 4500 + shift. */
static void assert_b_follows(uint16_t port, size_t moves)
{
	struct ike_sa *sb = SA(PAIR_B);
	struct child_sa *c = sb->children;

	ck_assert_uint_eq(addr_port(&sb->remote), port);
	ck_assert_uint_eq(addr_port(&c->sa_remote), port);
	ck_assert_uint_eq(ksa(PAIR_B, c->spi_out, PUB)->encap_dport, port);
	ck_assert_uint_eq(ksa(PAIR_B, c->spi_out, PUB)->encap_sport, 4500);
	ck_assert_uint_eq(ksa(PAIR_B, c->spi_in, "192.0.2.2")->encap_sport, port);
	ck_assert_uint_eq(kernel_mem_moves(P.peer[PAIR_B].k), moves);
	ck_assert_uint_eq(P.peer[PAIR_B].e->stats.nat_peer_moves, moves / 2);
}

START_TEST(test_rebinding_followed)
{
	setup_nat("", "  children");
	assert_b_follows(44500, 0);
	/* the NAT forgets A's mapping and gives it another port */
	N.shift = 41000;
	ck_assert_int_eq(info_dpd(SA(PAIR_A)), 0);
	pair_pump(&P, 0);
	/* the authenticated request from the new port moved B's IKE SA and
	 * both ESP SAs (the in-memory kernel recorded two moves) */
	assert_b_follows(45500, 2);
	ck_assert_uint_eq(P.peer[PAIR_B].e->stats.nat_moves_refused, 0);
	/* B's next request goes to the new port, A answers */
	ck_assert_int_eq(info_dpd(SA(PAIR_B)), 0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(N.last_dst_port, 45500);
	ck_assert(ike_window_can_send(&SA(PAIR_B)->win));
	/* tunnel mode: the policies' templates name addresses, not ports:
	 * still the NAT's public address */
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_B].k), 3);
	pair_free(&P);
}
END_TEST

START_TEST(test_behind_nat_does_not_follow)
{
	struct ike_sa *sa;

	setup_nat("", "  children");
	sa = SA(PAIR_A);
	/* B's messages arrive at A from another port: A is behind the NAT and
	 * must not follow (2.23), it answers where it always did */
	N.b_src_port = 4501;
	ck_assert_int_eq(info_dpd(SA(PAIR_B)), 0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(addr_port(&sa->remote), 4500);
	ck_assert_uint_eq(P.peer[PAIR_A].e->stats.nat_moves_refused, 1);
	ck_assert_uint_eq(P.peer[PAIR_A].e->stats.nat_peer_moves, 0);
	ck_assert_uint_eq(kernel_mem_moves(P.peer[PAIR_A].k), 0);
	pair_free(&P);
}
END_TEST

static struct pair_pkt *saved;

static int save_a_request(struct pair *p, struct pair_pkt *q, void *arg)
{
	(void)p;
	(void)arg;
	if (q->from == PAIR_A && !saved && q->len > 28 && (q->data[19] & 0x20) == 0) {
		saved = malloc(sizeof(*q) + q->len);
		ck_assert_ptr_nonnull(saved);
		memcpy(saved, q, sizeof(*q) + q->len);
	}
	return 0;
}

/* q again, from the NAT's address and port, straight to B. */
static void inject_to_b(const struct pair_pkt *q, uint16_t port, int flip)
{
	struct addr src, dst;
	uint8_t *copy = malloc(q->len);

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, q->data, q->len);
	if (flip)
		copy[q->len - 1] ^= 1;
	addr_parse(&src, PUB, port);
	addr_parse(&dst, "192.0.2.2", 4500);
	engine_packet_in(P.peer[PAIR_B].e, copy, q->len, &dst, &src, 1);
	free(copy);
}

START_TEST(test_replayed_or_forged_from_new_port)
{
	uint64_t dropped;

	setup_nat("", "  children");
	saved = NULL;
	P.on_send = save_a_request;
	ck_assert_int_eq(info_dpd(SA(PAIR_A)), 0);
	pair_pump(&P, 0);
	ck_assert_ptr_nonnull(saved);
	P.on_send = NULL;
	/* an attacker replays A's authenticated request from another port:
	 * a retransmission to the window, no move (2.23: only new messages) */
	inject_to_b(saved, 5555, 0);
	assert_b_follows(44500, 0);
	/* ... or sends it altered: the ICV fails, nothing moves */
	dropped = P.peer[PAIR_B].e->stats.packets_dropped;
	inject_to_b(saved, 5556, 1);
	ck_assert_uint_gt(P.peer[PAIR_B].e->stats.packets_dropped, dropped);
	assert_b_follows(44500, 0);
	ck_assert_uint_eq(P.peer[PAIR_B].e->stats.nat_moves_refused, 0);
	free(saved);
	saved = NULL;
	pair_free(&P);
}
END_TEST

/* An on-path attacker changes A's NAT_DETECTION_SOURCE_IP in IKE_SA_INIT
 * (unauthenticated, 2.23): B believes a NAT is in front of A. */
static size_t forged;

static int forge_natd(struct pair *p, struct pair_pkt *q, void *arg)
{
	static const uint8_t natd_src[4] = { 0, 0, 0x40, 0x04 };	/* proto, SPI size, 16388 */

	(void)p;
	(void)arg;
	if (q->from != PAIR_A || q->len < 28 || q->data[18] != IKE_SA_INIT)
		return 0;
	for (size_t i = 28; i + 4 + 20 <= q->len; i++)
		if (memcmp(q->data + i, natd_src, 4) == 0) {
			q->data[i + 4] ^= 0x55;
			forged++;
			break;
		}
	return 0;
}

START_TEST(test_forged_natd)
{
	memset(&N, 0, sizeof(N));
	forged = 0;
	pair_setup(&P, NULL, NULL);
	P.filter = forge_natd;
	pair_initiate(&P);
	pair_run(&P, 2000, NULL);
	ck_assert_uint_eq(forged, 1);
	/* B saw the forged hash and a NAT in front of A, but the AUTH
	 * payloads sign the IKE_SA_INIT messages as each side sent and got
	 * them (2.15): the altered request fails IKE_AUTH, nothing is up,
	 * nothing was moved or installed */
	ck_assert(!pair_established(&P));
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
	ck_assert_uint_eq(kernel_mem_moves(P.peer[PAIR_B].k), 0);
	ck_assert_uint_eq(P.peer[PAIR_B].e->stats.nat_peer_moves, 0);
	pair_free(&P);
}
END_TEST

static void inject_mapping_to(const char *dst, uint32_t spi, uint16_t old_port, uint16_t new_port)
{
	struct kernel_sa_id id;
	struct addr oldp, newp;

	memset(&id, 0, sizeof(id));
	addr_parse(&id.dst, dst, 0);
	id.spi = spi;
	id.proto = IPPROTO_ESP;
	addr_parse(&oldp, PUB, old_port);
	addr_parse(&newp, PUB, new_port);
	ck_assert_int_eq(kernel_mem_inject_mapping(P.peer[PAIR_B].k, &id, &oldp, &newp), 0);
}

static void inject_mapping(uint32_t spi, uint16_t old_port, uint16_t new_port)
{
	inject_mapping_to("192.0.2.2", spi, old_port, new_port);
}

START_TEST(test_mapping_then_dpd)
{
	struct ike_sa *sb;

	setup_nat("", "  children");
	sb = SA(PAIR_B);
	/* the NAT rebinds; A's ESP reaches B's kernel from the new port */
	N.shift = 42000;
	inject_mapping(sb->children->spi_in, 44500, 46500);
	/* the event alone changes nothing; a liveness check goes to the new
	 * port, and A's authenticated answer from there moves the SAs */
	pair_run(&P, 1000, NULL);
	ck_assert_uint_eq(N.last_dst_port, 46500);
	assert_b_follows(46500, 2);
	ck_assert(!sb->probing);
	/* the same event again (the kernel repeats it per packet): nothing */
	inject_mapping(sb->children->spi_in, 44500, 46500);
	pair_run(&P, 1000, NULL);
	assert_b_follows(46500, 2);
	ck_assert_uint_eq(P.peer[PAIR_B].e->stats.nat_mappings_ignored, 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_mapping_unanswered)
{
	struct ike_sa *sb;

	setup_nat("", "  children");
	sb = SA(PAIR_B);
	/* a MAPPING towards a port where nobody answers: no state changes,
	 * the check fails like any liveness check */
	inject_mapping(sb->children->spi_in, 44500, 1000);
	pair_run(&P, 30, NULL);
	ck_assert(sb->probing);
	assert_b_follows(44500, 0);
	pair_run(&P, 1000, NULL);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	ck_assert_uint_eq(kernel_mem_moves(P.peer[PAIR_B].k), 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_mapping_not_ours)
{
	struct ike_sa *sb;
	size_t sent;

	setup_nat("", "  children");
	sb = SA(PAIR_B);
	sent = P.peer[PAIR_B].sent;
	/* an SPI we never allocated, and our inbound SPI on another
	 * address (someone else's SA on this host) */
	inject_mapping(0x12345678, 44500, 46500);
	inject_mapping_to("192.0.2.99", sb->children->spi_in, 44500, 46500);
	pair_run(&P, 1000, NULL);
	ck_assert_uint_eq(P.peer[PAIR_B].e->stats.nat_mappings_ignored, 2);
	ck_assert_uint_eq(P.peer[PAIR_B].sent, sent);
	ck_assert(!sb->probing);
	assert_b_follows(44500, 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_mapping_behind_nat_ignored)
{
	struct kernel_sa_id id;
	struct addr oldp, newp;
	struct ike_sa *sa;

	setup_nat("", "  children");
	sa = SA(PAIR_A);
	memset(&id, 0, sizeof(id));
	addr_parse(&id.dst, "192.0.2.1", 0);
	id.spi = sa->children->spi_in;
	id.proto = IPPROTO_ESP;
	addr_parse(&oldp, "192.0.2.2", 4500);
	addr_parse(&newp, "192.0.2.2", 4501);
	ck_assert_int_eq(kernel_mem_inject_mapping(P.peer[PAIR_A].k, &id, &oldp, &newp), 0);
	pair_run(&P, 1000, NULL);
	ck_assert_uint_eq(P.peer[PAIR_A].e->stats.nat_mappings_ignored, 1);
	ck_assert(!sa->probing);
	ck_assert_uint_eq(addr_port(&sa->remote), 4500);
	pair_free(&P);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("natt");
	TCase *tc = tcase_create("natt");

	tcase_add_test(tc, test_keepalive_from_natted_side);
	tcase_add_test(tc, test_keepalive_default_and_off);
	tcase_add_test(tc, test_encap_forces_udp);
	tcase_add_test(tc, test_no_encap_without_nat);
	tcase_add_test(tc, test_rebinding_followed);
	tcase_add_test(tc, test_behind_nat_does_not_follow);
	tcase_add_test(tc, test_replayed_or_forged_from_new_port);
	tcase_add_test(tc, test_forged_natd);
	tcase_add_test(tc, test_mapping_then_dpd);
	tcase_add_test(tc, test_mapping_unanswered);
	tcase_add_test(tc, test_mapping_not_ours);
	tcase_add_test(tc, test_mapping_behind_nat_ignored);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pair_main(suite());
}
