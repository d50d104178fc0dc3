#include "ike/sa/window.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"

#define MSGID_END ((uint64_t)UINT32_MAX + 1)

void ike_retx_defaults(struct ike_retx_cfg *cfg)
{
	/* strongSwan's charon defaults: 4 s, x1.8, 5 retransmissions */
	cfg->timeout_ms = 4000;
	cfg->base = 1.8;
	cfg->tries = 5;
	cfg->max_wait_ms = 0;
}

uint64_t ike_retx_wait_ms(const struct ike_retx_cfg *cfg, unsigned n)
{
	double wait = cfg->timeout_ms;

	for (unsigned i = 0; i < n && wait < 1e12; i++)
		wait *= cfg->base;
	if (wait > 1e12)
		wait = 1e12;
	if (cfg->max_wait_ms && wait > cfg->max_wait_ms)
		wait = cfg->max_wait_ms;
	return (uint64_t)wait;
}

static void copy_free(struct ike_msg_copy *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->p[i]);
	free(c->p);
	free(c->len);
	memset(c, 0, sizeof(*c));
}

static int copy_set(struct ike_msg_copy *c, const struct ike_frag *frags, size_t n)
{
	copy_free(c);
	c->p = calloc(n ? n : 1, sizeof(*c->p));
	c->len = calloc(n ? n : 1, sizeof(*c->len));
	if (!c->p || !c->len)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		c->p[i] = malloc(frags[i].len ? frags[i].len : 1);
		if (!c->p[i])
			goto fail;
		memcpy(c->p[i], frags[i].p, frags[i].len);
		c->len[i] = frags[i].len;
		c->n = i + 1;
	}
	return 0;
fail:
	copy_free(c);
	log_err(LS_IKE, "message window: out of memory copying %zu datagrams", n);
	return -1;
}

static void copy_send(struct ike_window *w, const struct ike_msg_copy *c)
{
	for (size_t i = 0; i < c->n; i++)
		w->tx(c->p[i], c->len[i], w->arg);
}

static void give_up(struct ike_window *w, const char *why)
{
	uint32_t id = (uint32_t)w->tx_next;

	log_info(LS_IKE, "request %u: %s after %u retransmits, giving up", id, why,
		 w->tx_retries);
	timer_cancel(w->loop, &w->timer);
	w->tx_pending = 0;
	copy_free(&w->tx_msg);
	w->giveup(id, w->arg);	/* may free w: nothing after this */
}

static void on_timer(void *arg)
{
	struct ike_window *w = arg;

	if (!w->tx_pending)
		return;
	if (w->tx_retries >= w->cfg.tries) {
		give_up(w, "no response");
		return;
	}
	w->tx_retries++;
	w->retransmits++;
	log_info(LS_IKE, "retransmit %u of request %u", w->tx_retries, (uint32_t)w->tx_next);
	copy_send(w, &w->tx_msg);
	if (timer_schedule(w->loop, &w->timer, ike_retx_wait_ms(&w->cfg, w->tx_retries)) < 0)
		give_up(w, "no timer");
}

int ike_window_init(struct ike_window *w, struct loop *loop, const struct ike_retx_cfg *cfg,
		    ike_tx_fn tx, ike_giveup_fn giveup, void *arg)
{
	memset(w, 0, sizeof(*w));
	w->loop = loop;
	w->cfg = *cfg;
	w->tx = tx;
	w->giveup = giveup;
	w->arg = arg;
	w->peer_window = 1;
	timer_init(&w->timer, on_timer, w);
	return hkey_random(&w->key);
}

void ike_window_free(struct ike_window *w)
{
	timer_cancel(w->loop, &w->timer);
	copy_free(&w->tx_msg);
	copy_free(&w->rx_cache);
}

void ike_window_reset(struct ike_window *w)
{
	ike_window_free(w);
	w->tx_next = 0;
	w->tx_pending = 0;
	w->tx_retries = 0;
	w->rx_next = 0;
	w->rx_busy = 0;
	w->rx_last_hash = 0;
}

void ike_window_set_peer_window(struct ike_window *w, uint32_t size)
{
	w->peer_window = size ? size : 1;
}

int ike_window_can_send(const struct ike_window *w)
{
	return !w->tx_pending && w->tx_next < MSGID_END;
}

uint32_t ike_window_next_id(const struct ike_window *w)
{
	return (uint32_t)w->tx_next;
}

int ike_window_send_request(struct ike_window *w, const struct ike_frag *frags, size_t n)
{
	if (!ike_window_can_send(w)) {
		log_err(LS_IKE, "request %u not sent: %s", (uint32_t)w->tx_next,
			w->tx_pending ? "another one is outstanding" :
			"message IDs exhausted, the IKE SA needs a rekey");
		return -1;
	}
	if (copy_set(&w->tx_msg, frags, n) < 0)
		return -1;
	if (timer_schedule(w->loop, &w->timer, ike_retx_wait_ms(&w->cfg, 0)) < 0) {
		log_err(LS_IKE, "request %u not sent: no retransmission timer",
			(uint32_t)w->tx_next);
		copy_free(&w->tx_msg);
		return -1;
	}
	w->tx_pending = 1;
	w->tx_retries = 0;
	copy_send(w, &w->tx_msg);
	return 0;
}

enum ike_rx_verdict ike_window_rx_response(const struct ike_window *w, uint32_t msgid)
{
	if (w->tx_pending && msgid == w->tx_next)
		return IKE_RX_NEW;
	log_dbg(LS_IKE, "response %u dropped: %s %u", msgid,
		w->tx_pending ? "waiting for" : "no request outstanding, next is",
		(uint32_t)w->tx_next);
	return IKE_RX_DROP;
}

void ike_window_response_done(struct ike_window *w)
{
	if (!w->tx_pending)
		return;
	timer_cancel(w->loop, &w->timer);
	copy_free(&w->tx_msg);
	w->tx_pending = 0;
	w->tx_next++;
}

static uint64_t req_hash(const struct ike_window *w, const uint8_t *pkt, size_t len)
{
	return hidx_hash(&w->key, pkt, len);
}

enum ike_rx_verdict ike_window_rx_request(struct ike_window *w, uint32_t msgid,
					  const uint8_t *pkt, size_t len)
{
	if (msgid == w->rx_next && !w->rx_busy)
		return IKE_RX_NEW;
	/* A retransmission must be the same datagram: anything else with the
	 * old ID is a forgery or a non-first fragment, and gets nothing. */
	if (w->rx_next > 0 && msgid == w->rx_next - 1 && w->rx_cache.n &&
	    req_hash(w, pkt, len) == w->rx_last_hash) {
		w->resent++;
		log_dbg(LS_IKE, "request %u retransmitted, response resent (%zu datagrams)",
			msgid, w->rx_cache.n);
		copy_send(w, &w->rx_cache);
		return IKE_RX_RETRANSMIT;
	}
	log_dbg(LS_IKE, "request %u dropped: expecting %u%s", msgid,
		(uint32_t)w->rx_next, w->rx_busy ? " (in progress)" : "");
	return IKE_RX_DROP;
}

int ike_window_begin_request(struct ike_window *w, uint32_t msgid,
			     const uint8_t *pkt, size_t len)
{
	if (w->rx_busy || msgid != w->rx_next) {
		log_err(LS_IKE, "request %u cannot begin: expecting %u%s", msgid,
			(uint32_t)w->rx_next, w->rx_busy ? ", one in progress" : "");
		return -1;
	}
	w->rx_busy = 1;
	w->rx_last_hash = req_hash(w, pkt, len);
	return 0;
}

int ike_window_send_response(struct ike_window *w, const struct ike_frag *frags, size_t n)
{
	int rc = 0;

	if (!w->rx_busy) {
		log_err(LS_IKE, "response without a request in progress");
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		w->tx(frags[i].p, frags[i].len, w->arg);
	/* Uncached, a retransmitted request goes unanswered: the peer then
	 * gives up on the SA, which beats processing a request twice. */
	if (copy_set(&w->rx_cache, frags, n) < 0)
		rc = -1;
	w->rx_busy = 0;
	w->rx_next++;
	return rc;
}
