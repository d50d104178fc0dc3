/*
 * Virtual address pools of a gateway (RFC 7296 3.15 CFG_REPLY).  A pool is
 * a contiguous range of IPv4 or IPv6 addresses; a lease binds one address
 * to one identity (the peer's IDi, as bytes).  A lease is online while an
 * IKE SA of that identity holds it (a count: one identity may hold it from
 * several IKE SAs) and offline after its last release: the identity gets
 * the same address back on its next connect while nobody else took it
 * (strongSwan's behaviour).  Addresses never handed out go first; only
 * when there are none left does the oldest offline lease move to another
 * identity.
 *
 * Cost: acquire and release are O(1) expected (hash by identity and by
 * address offset, a cursor over a bitmap for never-used addresses that
 * moves only forward, the offline leases in LRU order).
 */
#ifndef IKE_SA_POOL_H
#define IKE_SA_POOL_H

#include <stddef.h>
#include <stdint.h>

/* Bound on the addresses of one pool (an IPv6 /64 is cut to this). */
#define POOL_MAX_SIZE	(1u << 22)
#define POOL_ID_MAX	255

struct pool;

struct pool_lease_info {
	uint8_t addr[16];	/* 4 bytes for an IPv4 pool */
	const uint8_t *id;	/* the identity's bytes, as passed to acquire */
	size_t idlen;
	unsigned online;	/* IKE SAs holding it, 0: offline */
};

/* A pool of size addresses from first (4 or 16 bytes by family); size is
 * cut to POOL_MAX_SIZE.  NULL when out of memory. */
struct pool *pool_new(const char *name, int family, const uint8_t *first, uint64_t size);
void pool_free(struct pool *p);
const char *pool_name(const struct pool *p);
int pool_family(const struct pool *p);
uint32_t pool_size(const struct pool *p);
size_t pool_online(const struct pool *p);
size_t pool_offline(const struct pool *p);
/* Bitmap bits and hash nodes looked at so far (tests: the cost stays O(1)
 * per operation however many leases there are). */
uint64_t pool_probes(const struct pool *p);
/* 1 if addr (family's length) lies in the pool. */
int pool_contains(const struct pool *p, const uint8_t *addr);

enum pool_result { POOL_OK = 0, POOL_EXHAUSTED = -1, POOL_NOMEM = -2 };

/*
 * An address for identity id (idlen <= POOL_ID_MAX) into out: its own
 * lease if it has one (online again, the count raised); else want when
 * want (NULL: none) lies in the pool and nobody leases it; else a
 * never-used address; else the oldest offline lease, taken from its
 * identity.  POOL_EXHAUSTED when every address is online.
 */
enum pool_result pool_acquire(struct pool *p, const uint8_t *id, size_t idlen,
			      const uint8_t *want, uint8_t *out);
/* One IKE SA of id lets addr go; offline after the last.  -1 when id does
 * not lease addr (the pool was replaced, or a bug). */
int pool_release(struct pool *p, const uint8_t *id, size_t idlen, const uint8_t *addr);
/* Every lease, online ones first; stops when fn returns non-zero. */
int pool_foreach(const struct pool *p, int (*fn)(void *arg, const struct pool_lease_info *l),
		 void *arg);
/* Address arithmetic on big-endian bytes (alen 4 or 16): out = a + off. */
void pool_addr_add(const uint8_t *a, size_t alen, uint64_t off, uint8_t *out);

#endif
