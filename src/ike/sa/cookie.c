#include "ike/sa/cookie.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "common/log.h"
#include "common/secret.h"
#include "ike/ikev2.h"

struct ip_count {
	struct hnode node;
	struct addr host;	/* port 0 */
	unsigned n;
};

void cookie_cfg_defaults(struct cookie_cfg *cfg)
{
	cfg->total_threshold = 30;
	cfg->ip_threshold = 3;
	cfg->ip_block = 5;
	cfg->secret_lifetime_ms = 120000;
	cfg->calmdown_ms = 10000;
}

static int new_secret(struct cookie_secret *s, uint8_t version, uint64_t now_ms)
{
	if (RAND_bytes(s->key, sizeof(s->key)) != 1) {
		log_err(LS_IKE, "cookie: RAND_bytes failed for a new secret");
		s->valid = 0;
		return -1;
	}
	s->version = version;
	s->born_ms = now_ms;
	s->valid = 1;
	return 0;
}

int cookie_ctx_init(struct cookie_ctx *c, const struct cookie_cfg *cfg, uint64_t now_ms)
{
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	if (c->cfg.secret_lifetime_ms == 0)
		c->cfg.secret_lifetime_ms = 1;
	if (hkey_random(&c->key) < 0 || new_secret(&c->cur, 0, now_ms) < 0)
		return -1;
	return hidx_init(&c->per_ip, 0);
}

void cookie_ctx_free(struct cookie_ctx *c)
{
	for (size_t i = 0; c->per_ip.buckets && i <= c->per_ip.mask; i++) {
		while (c->per_ip.buckets[i]) {
			struct hnode *n = c->per_ip.buckets[i];

			hidx_remove(&c->per_ip, n);
			free(hidx_entry(n, struct ip_count, node));
		}
	}
	hidx_free(&c->per_ip);
	memzero(&c->cur, sizeof(c->cur));
	memzero(&c->prev, sizeof(c->prev));
}

/* Renew the secret when due; after two idle lifetimes the old one dies too. */
static int rotate(struct cookie_ctx *c, uint64_t now_ms)
{
	uint64_t age = now_ms - c->cur.born_ms;

	if (now_ms >= c->cur.born_ms && age < c->cfg.secret_lifetime_ms)
		return 0;
	memzero(&c->prev, sizeof(c->prev));
	if (age < 2 * c->cfg.secret_lifetime_ms)
		c->prev = c->cur;
	log_dbg(LS_IKE, "cookie: secret version %u renewed", c->cur.version);
	return new_secret(&c->cur, (uint8_t)(c->cur.version + 1), now_ms);
}

static uint64_t host_hash(const struct cookie_ctx *c, const struct addr *ip,
			  struct addr *host)
{
	size_t len = 0;
	const uint8_t *b = addr_bytes(ip, &len);

	memset(host, 0, sizeof(*host));
	if (!b || addr_set_bytes(host, addr_family(ip), b, 0) < 0)
		return 0;
	return hidx_hash(&c->key, b, len);
}

static struct ip_count *find_ip(const struct cookie_ctx *c, const struct addr *ip,
				struct addr *host, uint64_t *hash)
{
	struct hnode *n;

	*hash = host_hash(c, ip, host);
	for (n = hidx_first(&c->per_ip, *hash); n; n = hidx_next(n, *hash)) {
		struct ip_count *ic = hidx_entry(n, struct ip_count, node);

		if (addr_cmp(&ic->host, host) == 0)
			return ic;
	}
	return NULL;
}

int halfopen_inc(struct cookie_ctx *c, const struct addr *ip)
{
	struct addr host;
	uint64_t h;
	struct ip_count *ic = find_ip(c, ip, &host, &h);

	if (!ic) {
		ic = calloc(1, sizeof(*ic));
		if (!ic) {
			log_err(LS_IKE, "cookie: out of memory counting half-open SAs");
			return -1;
		}
		ic->host = host;
		hidx_insert(&c->per_ip, &ic->node, h);
	}
	ic->n++;
	c->total++;
	return 0;
}

void halfopen_dec(struct cookie_ctx *c, const struct addr *ip)
{
	struct addr host;
	uint64_t h;
	struct ip_count *ic = find_ip(c, ip, &host, &h);

	if (!ic || c->total == 0) {
		log_err(LS_IKE, "cookie: half-open count for an address with none");
		return;
	}
	c->total--;
	if (--ic->n == 0) {
		hidx_remove(&c->per_ip, &ic->node);
		free(ic);
	}
}

unsigned halfopen_total(const struct cookie_ctx *c)
{
	return c->total;
}

unsigned halfopen_count(const struct cookie_ctx *c, const struct addr *ip)
{
	struct addr host;
	uint64_t h;
	struct ip_count *ic = find_ip(c, ip, &host, &h);

	return ic ? ic->n : 0;
}

int cookie_required(struct cookie_ctx *c, uint64_t now_ms, const struct addr *ip)
{
	if (c->cfg.total_threshold && c->total >= c->cfg.total_threshold) {
		c->required_once = 1;
		c->last_required_ms = now_ms;
		return 1;
	}
	if (c->required_once && now_ms - c->last_required_ms < c->cfg.calmdown_ms)
		return 1;
	return c->cfg.ip_threshold && halfopen_count(c, ip) >= c->cfg.ip_threshold;
}

static int cookie_hash(const struct cookie_secret *s, const struct addr *ip,
		       uint64_t spi_i, const uint8_t *ni, size_t ni_len,
		       uint8_t out[COOKIE_HASH_LEN])
{
	uint8_t buf[IKE_NONCE_MAX + 16 + 8 + sizeof(s->key)];
	size_t alen = 0, off = 0;
	const uint8_t *ab = addr_bytes(ip, &alen);
	unsigned int mdlen = 0;
	int rc = -1;

	if (!ab || alen > 16 || ni_len > IKE_NONCE_MAX) {
		log_err(LS_IKE, "cookie: nonce of %zu bytes (max %d) or bad address",
			ni_len, IKE_NONCE_MAX);
		return -1;
	}
	memcpy(buf, ni, ni_len);
	off = ni_len;
	memcpy(buf + off, ab, alen);
	off += alen;
	for (int i = 7; i >= 0; i--)
		buf[off++] = (uint8_t)(spi_i >> (8 * i));
	memcpy(buf + off, s->key, sizeof(s->key));
	off += sizeof(s->key);
	if (EVP_Digest(buf, off, out, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != COOKIE_HASH_LEN) {
		log_err(LS_IKE, "cookie: SHA-256 failed");
		goto out;
	}
	rc = 0;
out:
	memzero(buf, sizeof(buf));
	return rc;
}

int cookie_make(struct cookie_ctx *c, uint64_t now_ms, const struct addr *ip,
		uint64_t spi_i, const uint8_t *ni, size_t ni_len,
		uint8_t out[COOKIE_LEN])
{
	if (rotate(c, now_ms) < 0 || !c->cur.valid)
		return -1;
	out[0] = c->cur.version;
	return cookie_hash(&c->cur, ip, spi_i, ni, ni_len, out + 1);
}

int cookie_verify(struct cookie_ctx *c, uint64_t now_ms, const struct addr *ip,
		  uint64_t spi_i, const uint8_t *ni, size_t ni_len,
		  const uint8_t *cookie, size_t cookie_len)
{
	const struct cookie_secret *s = NULL;
	uint8_t want[COOKIE_HASH_LEN];
	int ok;

	if (!cookie || cookie_len != COOKIE_LEN) {
		log_dbg(LS_IKE, "cookie: %zu bytes, ours are %d", cookie_len, COOKIE_LEN);
		return 0;
	}
	if (rotate(c, now_ms) < 0)
		return 0;
	if (c->cur.valid && cookie[0] == c->cur.version)
		s = &c->cur;
	else if (c->prev.valid && cookie[0] == c->prev.version)
		s = &c->prev;
	if (!s) {
		log_dbg(LS_IKE, "cookie: secret version %u is not live", cookie[0]);
		return 0;
	}
	if (cookie_hash(s, ip, spi_i, ni, ni_len, want) < 0)
		return 0;
	ok = memeq_ct(want, cookie + 1, COOKIE_HASH_LEN);
	memzero(want, sizeof(want));
	return ok;
}

int cookie_peer_len_ok(size_t len)
{
	return len >= 1 && len <= IKE_COOKIE_MAX;
}

enum cookie_verdict cookie_admit(struct cookie_ctx *c, uint64_t now_ms,
				 const struct addr *ip, uint64_t spi_i,
				 const uint8_t *ni, size_t ni_len,
				 const uint8_t *cookie, size_t cookie_len,
				 uint8_t out[COOKIE_LEN])
{
	char abuf[ADDR_STRLEN];
	unsigned held;

	if (cookie_required(c, now_ms, ip) &&
	    !cookie_verify(c, now_ms, ip, spi_i, ni, ni_len, cookie, cookie_len)) {
		if (cookie_make(c, now_ms, ip, spi_i, ni, ni_len, out) < 0)
			return COOKIE_DROP;
		log_dbg(LS_IKE, "IKE_SA_INIT from %s: %u half-open in total, "
			"cookie required", addr_host_str(ip, abuf, sizeof(abuf)), c->total);
		return COOKIE_SEND;
	}
	held = halfopen_count(c, ip);
	if (c->cfg.ip_block && held >= c->cfg.ip_block) {
		log_info(LS_IKE, "IKE_SA_INIT from %s dropped: it holds %u half-open "
			 "IKE SAs, limit %u", addr_host_str(ip, abuf, sizeof(abuf)),
			 held, c->cfg.ip_block);
		return COOKIE_DROP;
	}
	return COOKIE_PASS;
}
