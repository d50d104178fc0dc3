/*
 * Half-open IKE SA accounting and stateless cookies (RFC 7296 2.6).
 *
 * A responder counts its half-open SAs in total and per source IP.  When the
 * total or one IP's count reaches its threshold, a new IKE_SA_INIT request
 * must carry a valid COOKIE (and keeps needing one for calmdown_ms after
 * the total last reached its threshold); an IP holding too many half-open
 * SAs is refused outright.  The cookie is
 *     <version of the secret (1 byte)> | SHA-256(Ni | IPi | SPIi | secret)
 * and the secret is renewed every secret_lifetime_ms; cookies made with the
 * previous secret stay valid until the next renewal, so a cookie lives one to
 * two lifetimes.  Time comes in as a parameter (loop_now_ms()), so the
 * module needs no timer and tests control it.
 */
#ifndef IKE_SA_COOKIE_H
#define IKE_SA_COOKIE_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "ike/sa/hidx.h"

#define COOKIE_HASH_LEN	32
#define COOKIE_LEN	(1 + COOKIE_HASH_LEN)

struct cookie_cfg {
	unsigned total_threshold;	/* cookies once this many are half-open (30) */
	unsigned ip_threshold;		/* ... or this many from one IP (3) */
	unsigned ip_block;		/* refuse an IP holding this many (5) */
	uint64_t secret_lifetime_ms;	/* 120000 */
	uint64_t calmdown_ms;		/* keep asking this long after the last
					 * time a threshold was reached (10000),
					 * so cookies do not flap on and off */
};

struct cookie_secret {
	uint8_t version;
	int valid;
	uint64_t born_ms;
	uint8_t key[32];
};

struct cookie_ctx {
	struct cookie_cfg cfg;
	struct cookie_secret cur, prev;
	unsigned total;
	int required_once;
	uint64_t last_required_ms;
	struct hidx per_ip;	/* struct ip_count by source address */
	struct hkey key;
};

enum cookie_verdict {
	COOKIE_PASS,	/* go on: create the half-open SA */
	COOKIE_SEND,	/* answer with N(COOKIE) = the cookie written to out */
	COOKIE_DROP,	/* this IP holds too many half-open SAs: drop, no answer */
};

void cookie_cfg_defaults(struct cookie_cfg *cfg);
int cookie_ctx_init(struct cookie_ctx *c, const struct cookie_cfg *cfg, uint64_t now_ms);
void cookie_ctx_free(struct cookie_ctx *c);

/* Half-open bookkeeping: one inc when the SA is created, one dec when it is
 * established or dies.  Only the host part of ip counts (ports ignored). */
int halfopen_inc(struct cookie_ctx *c, const struct addr *ip);
void halfopen_dec(struct cookie_ctx *c, const struct addr *ip);
unsigned halfopen_total(const struct cookie_ctx *c);
unsigned halfopen_count(const struct cookie_ctx *c, const struct addr *ip);
/* Whether a request from ip needs a cookie now (thresholds or calm-down). */
int cookie_required(struct cookie_ctx *c, uint64_t now_ms, const struct addr *ip);

/* The cookie for this request under the current secret (renewed if due). */
int cookie_make(struct cookie_ctx *c, uint64_t now_ms, const struct addr *ip,
		uint64_t spi_i, const uint8_t *ni, size_t ni_len,
		uint8_t out[COOKIE_LEN]);
/* 1 if cookie is one we made for this request under a live secret, else 0
 * (wrong length, unknown or expired version, or any byte different). */
int cookie_verify(struct cookie_ctx *c, uint64_t now_ms, const struct addr *ip,
		  uint64_t spi_i, const uint8_t *ni, size_t ni_len,
		  const uint8_t *cookie, size_t cookie_len);

/* Initiator: a COOKIE notify we may echo has 1..64 bytes of data (2.6);
 * any other is ignored, as if the response had not come. */
int cookie_peer_len_ok(size_t len);

/*
 * The admission decision for an IKE_SA_INIT request that would create a
 * half-open SA.  cookie is the received N(COOKIE) data, NULL if absent.  A
 * bad or stale cookie counts as absent (a fresh one is sent, 2.6).  The
 * per-IP block is applied after the cookie check, so a spoofed source can
 * not get a real peer's address blocked.
 */
enum cookie_verdict cookie_admit(struct cookie_ctx *c, uint64_t now_ms,
				 const struct addr *ip, uint64_t spi_i,
				 const uint8_t *ni, size_t ni_len,
				 const uint8_t *cookie, size_t cookie_len,
				 uint8_t out[COOKIE_LEN]);

#endif
