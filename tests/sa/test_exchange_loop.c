/*
 * The groundwork modules together over real loopback sockets and the real
 * loop: an initiator's request and the responder's response are each lost
 * once; the initiator's retransmission must not be processed twice and
 * must get the cached response.  Messages are bare 28-byte IKE headers.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/loop.h"
#include "ike/ikev2.h"
#include "ike/sa/cookie.h"
#include "ike/sa/sa_table.h"
#include "ike/sa/socket.h"
#include "ike/sa/window.h"
#include "runner.h"

struct side {
	struct ike_socket_set socks;
	struct ike_window win;
	struct addr local, peer;
	int drop_next;		/* lose the next datagram we receive */
	int processed;		/* requests handled (responder) */
	int responses;		/* responses accepted (initiator) */
	int giveups;
};

static struct loop *lp;
static struct side ini, rsp;
static struct sa_table table;
static struct sa_entry rsp_entry;
static struct cookie_ctx cookies;

static void header(uint8_t *out, uint64_t spi_i, uint64_t spi_r, uint8_t flags, uint32_t id)
{
	struct wr w;

	wr_init(&w, out, IKE_HDR_LEN);
	wr_u64(&w, spi_i);
	wr_u64(&w, spi_r);
	wr_u8(&w, PL_NONE);
	wr_u8(&w, IKE_VERSION_MAJOR << 4);
	wr_u8(&w, IKE_SA_INIT);
	wr_u8(&w, flags);
	wr_u32(&w, id);
	wr_u32(&w, IKE_HDR_LEN);
	ck_assert(wr_ok(&w));
}

static int side_tx(const uint8_t *pkt, size_t len, void *arg)
{
	struct side *s = arg;

	return ike_send(&s->socks, &s->local, &s->peer, pkt, len);
}

static void side_giveup(uint32_t id, void *arg)
{
	((struct side *)arg)->giveups++;
}

static void responder_rx(const uint8_t *pkt, size_t len, const struct addr *local,
			 const struct addr *remote, int natt, void *arg)
{
	struct rd r;
	uint64_t spi_i, spi_r;
	uint32_t id;
	uint8_t resp[IKE_HDR_LEN];
	struct sa_entry *e;

	if (rsp.drop_next) {
		rsp.drop_next = 0;
		return;
	}
	rd_init(&r, pkt, len);
	spi_i = rd_u64(&r);
	spi_r = rd_u64(&r);
	rd_skip(&r, 4);
	id = rd_u32(&r);
	ck_assert(rd_ok(&r));
	e = spi_r ? sa_table_find(&table, spi_i, spi_r, 1) :
		    sa_table_find_half_open(&table, spi_i, remote);
	if (!e) {
		/* a new half-open SA, after the admission check */
		uint8_t cookie[COOKIE_LEN];

		ck_assert_int_eq(cookie_admit(&cookies, loop_now_ms(lp), remote, spi_i,
					      pkt, 16, NULL, 0, cookie), COOKIE_PASS);
		rsp_entry.spi_i = spi_i;
		rsp_entry.peer = *remote;
		ck_assert_int_eq(sa_table_new_spi(&table, &rsp_entry.spi_r), 0);
		ck_assert_int_eq(sa_table_insert(&table, &rsp_entry), 0);
		ck_assert_int_eq(halfopen_inc(&cookies, remote), 0);
		e = &rsp_entry;
		rsp.local = *local;
		rsp.peer = *remote;
	}
	if (ike_window_rx_request(&rsp.win, id, pkt, len) != IKE_RX_NEW)
		return;
	ck_assert_int_eq(ike_window_begin_request(&rsp.win, id, pkt, len), 0);
	rsp.processed++;
	header(resp, e->spi_i, e->spi_r, IKE_FLAG_RESPONSE, id);
	ck_assert_int_eq(ike_window_send_response(&rsp.win,
		(const struct ike_frag[]){ { resp, sizeof(resp) } }, 1), 0);
}

static void initiator_rx(const uint8_t *pkt, size_t len, const struct addr *local,
			 const struct addr *remote, int natt, void *arg)
{
	struct rd r;
	uint32_t id;

	if (ini.drop_next) {
		ini.drop_next = 0;
		return;
	}
	rd_init(&r, pkt, len);
	rd_skip(&r, 20);
	id = rd_u32(&r);
	if (ike_window_rx_response(&ini.win, id) != IKE_RX_NEW)
		return;
	ike_window_response_done(&ini.win);
	ini.responses++;
}

static void open_side(struct side *s, ike_packet_cb cb)
{
	struct ike_socket_spec sp = { 0 };
	/* long enough that a loaded machine answers before the next retry */
	struct ike_retx_cfg cfg = { .timeout_ms = 200, .base = 1.5, .tries = 4 };

	ck_assert_int_eq(addr_parse(&sp.local, "127.0.0.1", 0), 0);
	ck_assert_int_eq(ike_sockets_open(&s->socks, lp, &sp, 1, cb, s), 0);
	ck_assert_int_eq(ike_window_init(&s->win, lp, &cfg, side_tx, side_giveup, s), 0);
	s->local = s->socks.s[0].bound;
}

START_TEST(test_lost_request_and_response)
{
	struct cookie_cfg ccfg;
	uint8_t req[IKE_HDR_LEN];

	lp = loop_new();
	memset(&ini, 0, sizeof(ini));
	memset(&rsp, 0, sizeof(rsp));
	memset(&rsp_entry, 0, sizeof(rsp_entry));
	ck_assert_int_eq(sa_table_init(&table), 0);
	cookie_cfg_defaults(&ccfg);
	ck_assert_int_eq(cookie_ctx_init(&cookies, &ccfg, loop_now_ms(lp)), 0);
	open_side(&ini, initiator_rx);
	open_side(&rsp, responder_rx);
	ini.peer = rsp.local;

	rsp.drop_next = 1;	/* the first request is lost */
	ini.drop_next = 1;	/* and so is the first response */
	header(req, 0x1111222233334444ULL, 0, IKE_FLAG_INITIATOR, ike_window_next_id(&ini.win));
	ck_assert_int_eq(ike_window_send_request(&ini.win,
		(const struct ike_frag[]){ { req, sizeof(req) } }, 1), 0);
	for (int i = 0; i < 100 && !ini.responses; i++)
		loop_run_once(lp, 50);

	ck_assert_int_eq(ini.responses, 1);
	ck_assert_int_eq(rsp.processed, 1);		/* never twice */
	ck_assert_uint_eq(ini.win.retransmits, 2);	/* one per loss */
	ck_assert_uint_eq(rsp.win.resent, 1);		/* the cached response */
	ck_assert_uint_eq(ini.socks.stats.sent, 3);
	ck_assert_uint_eq(rsp.socks.stats.sent, 2);
	ck_assert_int_eq(ini.giveups, 0);
	ck_assert_uint_eq(halfopen_total(&cookies), 1);
	ck_assert_uint_eq(sa_table_count(&table), 1);
	ck_assert_uint_eq(ike_window_next_id(&ini.win), 1);
	ck_assert_uint_eq(loop_timer_count(lp), 0);

	ike_window_free(&ini.win);
	ike_window_free(&rsp.win);
	ike_sockets_close(&ini.socks);
	ike_sockets_close(&rsp.socks);
	sa_table_free(&table);
	cookie_ctx_free(&cookies);
	loop_free(lp);
}
END_TEST

int main(void)
{
	const TTest *tests[] = {
		test_lost_request_and_response,
		NULL,
	};

	return run_tests("exchange_loop", tests, 30);
}
