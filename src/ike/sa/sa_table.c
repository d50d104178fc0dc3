#include "ike/sa/sa_table.h"

#include <inttypes.h>
#include <string.h>

#include <openssl/rand.h>

#include "common/log.h"

static uint64_t local_spi(const struct sa_entry *e)
{
	return e->initiator ? e->spi_i : e->spi_r;
}

static uint64_t hash_spi(const struct sa_table *t, uint64_t spi)
{
	return hidx_hash(&t->key, &spi, sizeof(spi));
}

/* SPIi plus the peer's address bytes and port. */
static uint64_t hash_init(const struct sa_table *t, uint64_t spi_i,
			  const struct addr *peer)
{
	uint8_t buf[8 + 16 + 2];
	const uint8_t *ab;
	size_t alen = 0;
	uint16_t port = addr_port(peer);

	memcpy(buf, &spi_i, 8);
	ab = addr_bytes(peer, &alen);
	if (!ab || alen > 16)
		alen = 0;
	if (alen)
		memcpy(buf + 8, ab, alen);
	memcpy(buf + 8 + alen, &port, 2);
	return hidx_hash(&t->key, buf, 8 + alen + 2);
}

int sa_table_init(struct sa_table *t)
{
	memset(t, 0, sizeof(*t));
	if (hkey_random(&t->key) < 0) {
		log_err(LS_IKE, "SA table: RAND_bytes failed for the hash key");
		return -1;
	}
	if (hidx_init(&t->local, 0) < 0 || hidx_init(&t->init, 0) < 0 ||
	    hidx_init(&t->id, 0) < 0) {
		sa_table_free(t);
		log_err(LS_IKE, "SA table: out of memory");
		return -1;
	}
	return 0;
}

void sa_table_free(struct sa_table *t)
{
	hidx_free(&t->local);
	hidx_free(&t->init);
	hidx_free(&t->id);
}

size_t sa_table_count(const struct sa_table *t)
{
	return t->local.count;
}

static struct sa_entry *find_local(const struct sa_table *t, uint64_t spi)
{
	uint64_t h = hash_spi(t, spi);
	struct hnode *n;

	for (n = hidx_first(&t->local, h); n; n = hidx_next(n, h)) {
		struct sa_entry *e = hidx_entry(n, struct sa_entry, by_local);

		if (local_spi(e) == spi)
			return e;
	}
	return NULL;
}

int sa_table_new_spi(struct sa_table *t, uint64_t *spi)
{
	uint64_t v;

	do {
		if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1) {
			log_err(LS_IKE, "SA table: RAND_bytes failed for a new SPI");
			return -1;
		}
	} while (v == 0 || find_local(t, v));
	*spi = v;
	return 0;
}

int sa_table_insert(struct sa_table *t, struct sa_entry *e)
{
	uint64_t spi = local_spi(e);

	e->in_id = 0;
	if (spi == 0 || find_local(t, spi)) {
		log_err(LS_IKE, "SA table: our SPI %016" PRIx64 " is %s", spi,
			spi ? "already in use" : "zero");
		return -1;
	}
	if (!e->initiator) {
		if (e->spi_i == 0 || sa_table_find_half_open(t, e->spi_i, &e->peer)) {
			log_err(LS_IKE, "SA table: SPIi %016" PRIx64 " is %s", e->spi_i,
				e->spi_i ? "already used by this peer" : "zero");
			return -1;
		}
		hidx_insert(&t->init, &e->by_init, hash_init(t, e->spi_i, &e->peer));
	}
	hidx_insert(&t->local, &e->by_local, hash_spi(t, spi));
	if (e->id_hash) {
		uint64_t h = e->id_hash;

		e->id_hash = 0;
		sa_table_set_id(t, e, h);
	}
	return 0;
}

void sa_table_remove(struct sa_table *t, struct sa_entry *e)
{
	hidx_remove(&t->local, &e->by_local);
	if (!e->initiator)
		hidx_remove(&t->init, &e->by_init);
	sa_table_set_id(t, e, 0);
}

int sa_table_set_spi_r(struct sa_table *t, struct sa_entry *e, uint64_t spi_r)
{
	if (!e->initiator || e->spi_r != 0 || spi_r == 0) {
		log_err(LS_IKE, "SA table: SA %016" PRIx64 ": SPIr %016" PRIx64
			" refused (%s)", e->spi_i, spi_r,
			!e->initiator ? "we are the responder" :
			e->spi_r ? "SPIr already set" : "zero");
		return -1;
	}
	e->spi_r = spi_r;
	return 0;
}

struct sa_entry *sa_table_find(const struct sa_table *t, uint64_t spi_i,
			       uint64_t spi_r, int from_initiator)
{
	struct sa_entry *e;

	if (from_initiator) {
		if (spi_r == 0)
			return NULL;
		e = find_local(t, spi_r);
		return e && !e->initiator && e->spi_i == spi_i ? e : NULL;
	}
	e = find_local(t, spi_i);
	if (!e || !e->initiator)
		return NULL;
	return e->spi_r == 0 || e->spi_r == spi_r ? e : NULL;
}

struct sa_entry *sa_table_find_half_open(const struct sa_table *t, uint64_t spi_i,
					 const struct addr *peer)
{
	uint64_t h = hash_init(t, spi_i, peer);
	struct hnode *n;

	for (n = hidx_first(&t->init, h); n; n = hidx_next(n, h)) {
		struct sa_entry *e = hidx_entry(n, struct sa_entry, by_init);

		if (e->spi_i == spi_i && addr_cmp(&e->peer, peer) == 0)
			return e;
	}
	return NULL;
}

void sa_table_foreach(struct sa_table *t, void (*fn)(struct sa_entry *e, void *arg),
		      void *arg)
{
	for (size_t i = 0; i <= t->local.mask; i++) {
		struct hnode *n = t->local.buckets[i], *next;

		for (; n; n = next) {
			next = n->next;
			fn(hidx_entry(n, struct sa_entry, by_local), arg);
		}
	}
}

uint64_t sa_table_id_hash(const struct sa_table *t, uint8_t id_type,
			  const void *data, size_t len)
{
	struct hkey k = { t->key.k0 ^ id_type, t->key.k1 };
	uint64_t h = hidx_hash(&k, data, len);

	return h ? h : 1;
}

void sa_table_set_id(struct sa_table *t, struct sa_entry *e, uint64_t id_hash)
{
	if (e->in_id)
		hidx_remove(&t->id, &e->by_id);
	e->in_id = 0;
	e->id_hash = id_hash;
	if (id_hash) {
		hidx_insert(&t->id, &e->by_id, id_hash);
		e->in_id = 1;
	}
}

struct sa_entry *sa_table_id_first(const struct sa_table *t, uint64_t id_hash)
{
	struct hnode *n = hidx_first(&t->id, id_hash);

	return n ? hidx_entry(n, struct sa_entry, by_id) : NULL;
}

struct sa_entry *sa_table_id_next(const struct sa_entry *e)
{
	struct hnode *n = hidx_next(&e->by_id, e->id_hash);

	return n ? hidx_entry(n, struct sa_entry, by_id) : NULL;
}
