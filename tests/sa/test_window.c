#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/loop.h"
#include "ike/sa/window.h"
#include "runner.h"

#define MAXTX 64

struct capture {
	int ntx;
	uint64_t at[MAXTX];
	uint8_t first[MAXTX];
	size_t len[MAXTX];
	int giveups;
	uint32_t giveup_id;
	uint64_t giveup_at;
	struct loop *loop;
};

static int tx(const uint8_t *pkt, size_t len, void *arg)
{
	struct capture *c = arg;

	if (c->ntx < MAXTX) {
		c->at[c->ntx] = loop_now_ms(c->loop);
		c->first[c->ntx] = len ? pkt[0] : 0;
		c->len[c->ntx] = len;
	}
	c->ntx++;
	return 0;
}

static void giveup(uint32_t msgid, void *arg)
{
	struct capture *c = arg;

	c->giveups++;
	c->giveup_id = msgid;
	c->giveup_at = loop_now_ms(c->loop);
}

static struct loop *lp;
static struct capture cap;
static struct ike_window w;

static void setup(uint32_t timeout, double base, unsigned tries)
{
	struct ike_retx_cfg cfg = { .timeout_ms = timeout, .base = base, .tries = tries };

	lp = loop_new();
	ck_assert_ptr_nonnull(lp);
	memset(&cap, 0, sizeof(cap));
	cap.loop = lp;
	ck_assert_int_eq(ike_window_init(&w, lp, &cfg, tx, giveup, &cap), 0);
}

static void teardown(void)
{
	ike_window_free(&w);
	loop_free(lp);
}

static void run_for(uint64_t ms)
{
	uint64_t end = loop_now_ms(lp) + ms;

	while (loop_now_ms(lp) < end)
		loop_run_once(lp, (int)(end - loop_now_ms(lp)));
}

static const uint8_t m1[] = { 0xa1, 1, 2, 3 }, m2[] = { 0xa2, 4, 5 }, m3[] = { 0xa3 };

START_TEST(test_backoff_values)
{
	struct ike_retx_cfg cfg;
	static const uint64_t want[] = { 4000, 7200, 12960, 23328, 41990, 75582 };

	ike_retx_defaults(&cfg);
	ck_assert_uint_eq(cfg.tries, 5);
	for (unsigned i = 0; i < 6; i++)
		ck_assert_uint_eq(ike_retx_wait_ms(&cfg, i), want[i]);
	cfg.max_wait_ms = 10000;
	ck_assert_uint_eq(ike_retx_wait_ms(&cfg, 1), 7200);
	ck_assert_uint_eq(ike_retx_wait_ms(&cfg, 2), 10000);
	ck_assert_uint_eq(ike_retx_wait_ms(&cfg, 500), 10000);
}
END_TEST

/* 20 ms x2, 3 retries: sends at 0, 20, 60, 140; gives up at 300. */
START_TEST(test_retransmit_and_give_up)
{
	const struct ike_frag f[] = { { m1, sizeof(m1) } };
	static const uint64_t gap[] = { 20, 40, 80 };
	uint64_t t0;

	setup(20, 2.0, 3);
	t0 = loop_now_ms(lp);
	ck_assert_uint_eq(ike_window_next_id(&w), 0);
	ck_assert_int_eq(ike_window_send_request(&w, f, 1), 0);
	ck_assert_int_eq(cap.ntx, 1);
	ck_assert_int_eq(ike_window_send_request(&w, f, 1), -1);	/* one at a time */
	ck_assert(!ike_window_can_send(&w));
	for (int i = 0; i < 100 && !cap.giveups; i++)
		loop_run_once(lp, 100);
	ck_assert_int_eq(cap.giveups, 1);
	ck_assert_uint_eq(cap.giveup_id, 0);
	ck_assert_int_eq(cap.ntx, 4);
	ck_assert_uint_eq(w.retransmits, 3);
	for (int i = 0; i < 3; i++) {
		uint64_t d = cap.at[i + 1] - cap.at[i];

		/* never early; late only by scheduling (the machine is shared) */
		ck_assert_uint_ge(d, gap[i]);
		ck_assert_uint_lt(d, gap[i] + 1000);
		ck_assert_uint_eq(cap.first[i + 1], 0xa1);
	}
	ck_assert_uint_ge(cap.giveup_at - t0, 300);
	ck_assert_uint_lt(cap.giveup_at - t0, 3000);
	/* nothing more after giving up */
	run_for(100);
	ck_assert_int_eq(cap.ntx, 4);
	ck_assert_int_eq(cap.giveups, 1);
	teardown();
}
END_TEST

START_TEST(test_response_stops_retransmits)
{
	const struct ike_frag f[] = { { m1, sizeof(m1) }, { m2, sizeof(m2) }, { m3, sizeof(m3) } };

	setup(20, 1.0, 10);
	ck_assert_int_eq(ike_window_send_request(&w, f, 3), 0);
	ck_assert_int_eq(cap.ntx, 3);
	for (int i = 0; i < 20 && cap.ntx < 6; i++)
		loop_run_once(lp, 50);
	/* every fragment again, in order */
	ck_assert_int_eq(cap.ntx, 6);
	ck_assert_uint_eq(cap.first[3], 0xa1);
	ck_assert_uint_eq(cap.first[4], 0xa2);
	ck_assert_uint_eq(cap.first[5], 0xa3);
	ck_assert_uint_eq(cap.len[4], sizeof(m2));
	/* a response for another ID is dropped; ours matches */
	ck_assert_int_eq(ike_window_rx_response(&w, 1), IKE_RX_DROP);
	ck_assert_int_eq(ike_window_rx_response(&w, 0), IKE_RX_NEW);
	ike_window_response_done(&w);
	run_for(80);
	ck_assert_int_eq(cap.ntx, 6);
	ck_assert_int_eq(cap.giveups, 0);
	ck_assert_uint_eq(ike_window_next_id(&w), 1);
	/* a late duplicate of the response: nothing outstanding */
	ck_assert_int_eq(ike_window_rx_response(&w, 0), IKE_RX_DROP);
	ck_assert_int_eq(ike_window_rx_response(&w, 1), IKE_RX_DROP);
	ck_assert_int_eq(ike_window_send_request(&w, f, 1), 0);
	ck_assert_int_eq(ike_window_rx_response(&w, 1), IKE_RX_NEW);
	teardown();
}
END_TEST

START_TEST(test_responder_cache)
{
	const struct ike_frag resp[] = { { m2, sizeof(m2) }, { m3, sizeof(m3) } };
	const struct ike_frag resp1[] = { { m3, sizeof(m3) } };
	uint8_t req0[] = { 1, 2, 3, 4, 5 }, req0b[] = { 1, 2, 3, 4, 6 }, req1[] = { 9, 9 };

	setup(1000, 1.8, 5);
	ck_assert_int_eq(ike_window_rx_request(&w, 1, req1, sizeof(req1)), IKE_RX_DROP);
	ck_assert_int_eq(ike_window_rx_request(&w, 0, req0, sizeof(req0)), IKE_RX_NEW);
	ck_assert_int_eq(ike_window_send_response(&w, resp, 2), -1);	/* not begun */
	ck_assert_int_eq(ike_window_begin_request(&w, 1, req1, sizeof(req1)), -1);
	ck_assert_int_eq(ike_window_begin_request(&w, 0, req0, sizeof(req0)), 0);
	/* retransmission while we are still working on it: dropped */
	ck_assert_int_eq(ike_window_rx_request(&w, 0, req0, sizeof(req0)), IKE_RX_DROP);
	ck_assert_int_eq(cap.ntx, 0);
	ck_assert_int_eq(ike_window_send_response(&w, resp, 2), 0);
	ck_assert_int_eq(cap.ntx, 2);
	/* retransmission: the whole cached response again, no processing */
	ck_assert_int_eq(ike_window_rx_request(&w, 0, req0, sizeof(req0)), IKE_RX_RETRANSMIT);
	ck_assert_int_eq(cap.ntx, 4);
	ck_assert_uint_eq(cap.first[2], 0xa2);
	ck_assert_uint_eq(cap.first[3], 0xa3);
	ck_assert_uint_eq(w.resent, 1);
	/* same ID, other bytes: not a retransmission */
	ck_assert_int_eq(ike_window_rx_request(&w, 0, req0b, sizeof(req0b)), IKE_RX_DROP);
	ck_assert_int_eq(cap.ntx, 4);
	/* outside the window */
	ck_assert_int_eq(ike_window_rx_request(&w, 2, req1, sizeof(req1)), IKE_RX_DROP);
	ck_assert_int_eq(ike_window_rx_request(&w, 0xffffffffu, req1, sizeof(req1)), IKE_RX_DROP);
	/* next request; afterwards ID 0 is too old even with its bytes */
	ck_assert_int_eq(ike_window_rx_request(&w, 1, req1, sizeof(req1)), IKE_RX_NEW);
	ck_assert_int_eq(ike_window_begin_request(&w, 1, req1, sizeof(req1)), 0);
	ck_assert_int_eq(ike_window_send_response(&w, resp1, 1), 0);
	ck_assert_int_eq(cap.ntx, 5);
	ck_assert_int_eq(ike_window_rx_request(&w, 0, req0, sizeof(req0)), IKE_RX_DROP);
	ck_assert_int_eq(ike_window_rx_request(&w, 1, req1, sizeof(req1)), IKE_RX_RETRANSMIT);
	ck_assert_int_eq(cap.ntx, 6);
	/* no timers on the responder side */
	ck_assert_uint_eq(loop_timer_count(lp), 0);
	teardown();
}
END_TEST

START_TEST(test_id_exhaustion)
{
	const struct ike_frag f[] = { { m1, sizeof(m1) } };

	setup(1000, 1.8, 5);
	w.tx_next = UINT32_MAX;
	ck_assert_int_eq(ike_window_send_request(&w, f, 1), 0);
	ck_assert_int_eq(ike_window_rx_response(&w, UINT32_MAX), IKE_RX_NEW);
	ike_window_response_done(&w);
	ck_assert(!ike_window_can_send(&w));
	ck_assert_int_eq(ike_window_send_request(&w, f, 1), -1);
	ck_assert_int_eq(ike_window_rx_response(&w, 0), IKE_RX_DROP);
	ike_window_set_peer_window(&w, 0);
	ck_assert_uint_eq(w.peer_window, 1);
	teardown();
}
END_TEST

/* IKE_SA_INIT restart (COOKIE): ID 0 again, the old request forgotten. */
START_TEST(test_reset_for_init_restart)
{
	const struct ike_frag f[] = { { m1, sizeof(m1) } }, g[] = { { m2, sizeof(m2) } };

	setup(20, 1.0, 3);
	ck_assert_int_eq(ike_window_send_request(&w, f, 1), 0);
	ck_assert_int_eq(ike_window_rx_response(&w, 0), IKE_RX_NEW);
	ike_window_response_done(&w);
	ck_assert_uint_eq(ike_window_next_id(&w), 1);
	ike_window_reset(&w);
	ck_assert_uint_eq(ike_window_next_id(&w), 0);
	ck_assert_int_eq(ike_window_send_request(&w, g, 1), 0);
	ck_assert_int_eq(cap.ntx, 2);
	/* reset while a request is outstanding: its timer dies with it */
	ike_window_reset(&w);
	ck_assert_uint_eq(loop_timer_count(lp), 0);
	run_for(60);
	ck_assert_int_eq(cap.ntx, 2);
	ck_assert_int_eq(cap.giveups, 0);
	ck_assert(ike_window_can_send(&w));
	teardown();
}
END_TEST

int main(void)
{
	const TTest *tests[] = {
		test_backoff_values,
		test_retransmit_and_give_up,
		test_response_stops_retransmits,
		test_responder_cache,
		test_id_exhaustion,
		test_reset_for_init_restart,
		NULL,
	};

	return run_tests("window", tests, 30);
}
