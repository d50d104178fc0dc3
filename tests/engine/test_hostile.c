/*
 * Hostile and broken input against two engines (BAD-INPUT.md): each case
 * checks the reaction RFC 7296 prescribes (silence or the notify), that no
 * state is kept for the bad exchange, and that the good exchange still
 * completes afterwards where one is going on.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine/exchange.h"
#include "lib/kernel_mem.h"
#include "pair.h"

static struct pair P;

static struct engine *B(void) { return P.peer[PAIR_B].e; }



static void deliver_to_b(const void *pkt, size_t len)
{
	struct addr src, dst;

	addr_parse(&src, "192.0.2.1", 500);
	addr_parse(&dst, "192.0.2.2", 500);
	engine_packet_in(B(), pkt, len, &dst, &src, 0);
}

/* Flip one byte of the n-th datagram from A (1-based) at offset -1 (the
 * last byte: the ICV of an SK payload). */
struct flip {
	int nth, seen;
};

static int flip_nth(struct pair *p, struct pair_pkt *q, void *arg)
{
	struct flip *f = arg;

	if (q->from == PAIR_A && ++f->seen == f->nth)
		q->data[q->len - 1] ^= 0x01;
	return 0;
}

START_TEST(test_bad_icv)
{
	struct flip f = { 2, 0 };

	pair_setup(&P, NULL, NULL);
	P.filter = flip_nth;
	P.filter_arg = &f;
	pair_initiate(&P);
	pair_pump(&P, 0);
	/* 2.21.2/3.14: dropped silently, nothing answered, B unchanged */
	ck_assert_uint_eq(P.peer[PAIR_B].sent, 1);
	ck_assert_int_eq(pair_sa(&P, PAIR_B)->state, IKE_SA_INIT_RECEIVED);
	ck_assert_uint_eq(B()->stats.packets_dropped, 1);
	/* A's retransmission (intact) completes the exchange */
	ck_assert(pair_run(&P, 1000, pair_established));
	pair_free(&P);
}
END_TEST

START_TEST(test_garbage)
{
	static const uint8_t junk[40] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t hdr[28];

	pair_setup(&P, NULL, NULL);
	deliver_to_b(junk, sizeof(junk));
	deliver_to_b(junk, 10);
	/* a header alone: IKE_SA_INIT request without SA/KE/Ni */
	memset(hdr, 0, sizeof(hdr));
	hdr[0] = 0x11;
	hdr[17] = 0x20;
	hdr[18] = IKE_SA_INIT;
	hdr[19] = IKE_FLAG_INITIATOR;
	hdr[27] = sizeof(hdr);
	deliver_to_b(hdr, sizeof(hdr));
	/* the same as a response for an unknown SA */
	hdr[19] = IKE_FLAG_RESPONSE;
	hdr[8] = 0x77;
	deliver_to_b(hdr, sizeof(hdr));
	/* an INFORMATIONAL request for an unknown SA */
	hdr[18] = INFORMATIONAL;
	hdr[19] = IKE_FLAG_INITIATOR;
	deliver_to_b(hdr, sizeof(hdr));
	ck_assert_uint_eq(pair_queued(&P), 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	ck_assert_uint_eq(B()->stats.packets_dropped, 5);
	ck_assert_uint_eq(halfopen_total(&B()->cookies), 0);
	pair_free(&P);
}
END_TEST

/* Zero the KE data of A's first IKE_SA_INIT (X25519: an all-zero result). */
static int zero_ke(struct pair *p, struct pair_pkt *q, void *arg)
{
	static struct ike_msg m;
	struct codec_err err;
	int i;

	if (q->from != PAIR_A || ike_msg_decode(q->data, q->len, &m, &err) < 0 ||
	    m.hdr.exchange != IKE_SA_INIT || (i = ike_msg_find(&m, PL_KE, 0)) < 0)
		return 0;
	memset((uint8_t *)m.pl[i].u.ke.data.p, 0, m.pl[i].u.ke.data.len);
	return 0;
}

START_TEST(test_bad_ke)
{
	pair_setup(&P, NULL, NULL);
	P.filter = zero_ke;
	pair_initiate(&P);
	pair_pump(&P, 0);
	/* BAD-INPUT 18: refused, no half-open SA, nothing answered */
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	ck_assert_uint_eq(P.peer[PAIR_B].sent, 0);
	ck_assert_uint_eq(halfopen_total(&B()->cookies), 0);
	pair_free(&P);
}
END_TEST

static int drop_a_auth(struct pair *p, struct pair_pkt *q, void *arg)
{
	return q->from == PAIR_A && q->data[18] == IKE_AUTH;
}

static uint16_t answer;
static int answered;

static void on_answer(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *pkt, size_t len)
{
	answered = 1;
	answer = msg_error(m);
}

/* A after IKE_SA_INIT, its IKE_AUTH lost: message 1 is free for a test. */
/* Send o from A as request 1; B must answer notify and keep nothing. */
static void send_expect(struct ike_sa *a, struct out_msg *o, uint16_t notify)
{
	ck_assert_int_eq(msg_send_request(a, o, on_answer, NULL), 0);
	pair_pump(&P, 0);
	ck_assert(answered);
	ck_assert_uint_eq(answer, notify);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	ck_assert_uint_eq(halfopen_total(&B()->cookies), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
}

static struct ike_sa *a_after_init(void)
{
	struct ike_sa *a;

	pair_setup(&P, NULL, NULL);
	P.filter = drop_a_auth;
	pair_initiate(&P);
	pair_pump(&P, 0);
	a = pair_sa(&P, PAIR_A);
	ck_assert_int_eq(a->state, IKE_SA_AUTH_SENT);
	ck_assert_int_eq(pair_sa(&P, PAIR_B)->state, IKE_SA_INIT_RECEIVED);
	ck_assert_int_eq(ike_sa_window_reset(a), 0);
	a->win.tx_next = 1;
	P.filter = NULL;
	answered = 0;
	answer = 0;
	return a;
}

START_TEST(test_auth_without_auth)
{
	struct ike_sa *a = a_after_init();
	struct ike_payload *p;
	struct out_msg o;

	out_init(&o, IKE_AUTH, 0, 0);
	p = out_add(&o, PL_IDI);
	p->u.id.type = ID_FQDN;
	p->u.id.data.p = (const uint8_t *)"a.example";
	p->u.id.data.len = 9;
	/* BAD-INPUT 13: the error notify, and B keeps nothing */
	send_expect(a, &o, N_AUTHENTICATION_FAILED);
	pair_free(&P);
}
END_TEST

START_TEST(test_informational_before_auth)
{
	struct ike_sa *a = a_after_init();
	struct out_msg o;

	out_init(&o, INFORMATIONAL, 0, 0);
	ck_assert_int_eq(msg_send_request(a, &o, on_answer, NULL), 0);
	pair_pump(&P, 0);
	/* BAD-INPUT 7: dropped before IKE_AUTH, no answer, B waits on */
	ck_assert(!answered);
	ck_assert_uint_eq(P.peer[PAIR_B].sent, 1);
	ck_assert_int_eq(pair_sa(&P, PAIR_B)->state, IKE_SA_INIT_RECEIVED);
	pair_free(&P);
}
END_TEST

START_TEST(test_auth_bad_id)
{
	struct ike_sa *a = a_after_init();
	struct ike_payload *p;
	struct out_msg o;
	uint8_t auth[32] = { 0 };

	/* BAD-INPUT 27: an FQDN with a NUL in it */
	out_init(&o, IKE_AUTH, 0, 0);
	p = out_add(&o, PL_IDI);
	p->u.id.type = ID_FQDN;
	p->u.id.data.p = (const uint8_t *)"a.exa\0mple";
	p->u.id.data.len = 10;
	p = out_add(&o, PL_AUTH);
	p->u.auth.method = AUTH_METHOD_PSK;
	p->u.auth.data.p = auth;
	p->u.auth.data.len = sizeof(auth);
	send_expect(a, &o, N_AUTHENTICATION_FAILED);
	pair_free(&P);
}
END_TEST

START_TEST(test_unknown_critical)
{
	struct ike_sa *a = a_after_init();
	struct ike_payload *p;
	struct out_msg o;
	static const uint8_t body[4] = { 1, 2, 3, 4 };

	/* BAD-INPUT 9: UNSUPPORTED_CRITICAL_PAYLOAD; the half-open SA goes */
	out_init(&o, IKE_AUTH, 0, 0);
	p = out_add(&o, 200);
	p->flags = PL_FLAG_CRITICAL;
	p->known = 0;
	p->u.raw.p = body;
	p->u.raw.len = sizeof(body);
	send_expect(a, &o, N_UNSUPPORTED_CRITICAL_PAYLOAD);
	pair_free(&P);
}
END_TEST

/* One byte of one datagram changed (seeded, reproducible). */
struct mutate {
	unsigned seed;
	int target, seen, done;
};

static int mutate_one(struct pair *p, struct pair_pkt *q, void *arg)
{
	struct mutate *mu = arg;

	if (mu->done || mu->seen++ != mu->target)
		return 0;
	mu->done = 1;
	q->data[rand_r(&mu->seed) % q->len] ^= (uint8_t)(1 + rand_r(&mu->seed) % 255);
	if (rand_r(&mu->seed) % 4 == 0)
		q->len = (size_t)rand_r(&mu->seed) % q->len;	/* and truncated */
	return 0;
}

/*
 * Mutation test (STYLE 8): a changed byte anywhere in any of the four
 * messages never crashes or leaks (ASan build), and the exchange either
 * still completes or leaves the initiator retrying, never a half state on
 * an established side.
 */
START_TEST(test_mutations)
{
	unsigned ok = 0;

	for (int i = 0; i < 120; i++) {
		struct mutate mu = { (unsigned)i * 2654435761u, i % 4, 0, 0 };

		pair_setup(&P, NULL, NULL);
		P.filter = mutate_one;
		P.filter_arg = &mu;
		pair_initiate(&P);
		pair_run(&P, 150, pair_established);
		if (pair_established(&P)) {
			ok++;
			ck_assert_ptr_nonnull(pair_sa(&P, PAIR_A)->children);
			ck_assert_ptr_nonnull(pair_sa(&P, PAIR_B)->children);
		}
		pair_free(&P);
	}
	/* most changes are caught and retransmission repairs them */
	ck_assert_uint_gt(ok, 60);
}
END_TEST

static int was_answered(struct pair *p)
{
	return answered;
}

/* B answers A's liveness check with an unprotected "IKE_SA_INIT" response
 * carrying a DELETE-looking notify: it must not reach A's handler. */
static int forge_init_answer(struct pair *p, struct pair_pkt *q, void *arg)
{
	struct codec_err err;
	struct ike_hdr h;

	if (q->from != PAIR_A || q->data[18] != INFORMATIONAL)
		return 0;
	ck_assert_int_eq(ike_hdr_decode(q->data, q->len, &h, &err), 0);
	h.exchange = IKE_SA_INIT;
	msg_send_stateless(p->peer[PAIR_B].e, &h, &q->dst, &q->src, N_NO_PROPOSAL_CHOSEN,
			   NULL, 0);
	return 1;
}

START_TEST(test_unprotected_answer)
{
	struct ike_sa *a;

	pair_setup(&P, NULL, NULL);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	a = pair_sa(&P, PAIR_A);
	P.filter = forge_init_answer;
	answered = 0;
	ck_assert_int_eq(msg_send_request(a, &(struct out_msg){ .exchange = INFORMATIONAL },
					  on_answer, NULL), 0);
	pair_pump(&P, 0);
	/* dropped: the request is still outstanding, the handler never ran */
	ck_assert(!answered);
	ck_assert(!ike_window_can_send(&a->win));
	/* the real answer to the retransmission is taken */
	P.filter = NULL;
	ck_assert(pair_run(&P, 1000, was_answered));
	ck_assert(pair_established(&P));
	pair_free(&P);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("engine hostile input");
	TCase *tc = tcase_create("hostile");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_bad_icv);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_bad_ke);
	tcase_add_test(tc, test_auth_without_auth);
	tcase_add_test(tc, test_informational_before_auth);
	tcase_add_test(tc, test_auth_bad_id);
	tcase_add_test(tc, test_unknown_critical);
	tcase_add_test(tc, test_mutations);
	tcase_add_test(tc, test_unprotected_answer);
	suite_add_tcase(s, tc);
	return pair_main(s);
}
