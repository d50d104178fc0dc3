/*
 * Intrusive chained hash index with doubling/halving, keyed by a 64-bit hash
 * the caller computes with hidx_hash() (SipHash-2-4 under a random key, so a
 * peer choosing SPIs or addresses cannot aim at one bucket).  A node carries
 * its hash, so resizing never needs the owner's key.
 */
#ifndef IKE_SA_HIDX_H
#define IKE_SA_HIDX_H

#include <stddef.h>
#include <stdint.h>

struct hnode {
	struct hnode *next;
	uint64_t hash;
};

struct hidx {
	struct hnode **buckets;
	size_t mask;		/* bucket count - 1 (a power of two) */
	size_t count;
};

struct hkey {
	uint64_t k0, k1;
};

int hidx_init(struct hidx *x, size_t min_buckets);
void hidx_free(struct hidx *x);		/* nodes belong to their owners */
/*
 * Resizes (doubles when count reaches the bucket count, halves below 1/8)
 * only here, never in hidx_remove(), so removing nodes while walking a
 * chain is safe.  Never fails: a resize that cannot allocate costs speed.
 */
void hidx_insert(struct hidx *x, struct hnode *n, uint64_t hash);
void hidx_remove(struct hidx *x, struct hnode *n);

/* First node of the chain that may hold hash; walk with hidx_next(). */
struct hnode *hidx_first(const struct hidx *x, uint64_t hash);
struct hnode *hidx_next(const struct hnode *n, uint64_t hash);

/* A fresh random key from the OpenSSL RNG; -1 if the RNG fails. */
int hkey_random(struct hkey *k);
uint64_t hidx_hash(const struct hkey *k, const void *data, size_t len);

#define hidx_entry(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#endif
