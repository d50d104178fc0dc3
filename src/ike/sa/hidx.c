#include "ike/sa/hidx.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#define HIDX_MIN 16

int hidx_init(struct hidx *x, size_t min_buckets)
{
	size_t n = HIDX_MIN;

	while (n < min_buckets)
		n <<= 1;
	x->buckets = calloc(n, sizeof(*x->buckets));
	if (!x->buckets)
		return -1;
	x->mask = n - 1;
	x->count = 0;
	return 0;
}

void hidx_free(struct hidx *x)
{
	free(x->buckets);
	x->buckets = NULL;
	x->mask = 0;
	x->count = 0;
}

static void rehash(struct hidx *x, size_t nbuckets)
{
	struct hnode **nb = calloc(nbuckets, sizeof(*nb));

	/* Failing to resize only costs speed: keep the current table. */
	if (!nb)
		return;
	for (size_t i = 0; i <= x->mask; i++) {
		struct hnode *n = x->buckets[i], *next;

		for (; n; n = next) {
			next = n->next;
			n->next = nb[n->hash & (nbuckets - 1)];
			nb[n->hash & (nbuckets - 1)] = n;
		}
	}
	free(x->buckets);
	x->buckets = nb;
	x->mask = nbuckets - 1;
}

void hidx_insert(struct hidx *x, struct hnode *n, uint64_t hash)
{
	struct hnode **b;

	if (x->count >= x->mask + 1 && x->mask < SIZE_MAX / 4)
		rehash(x, (x->mask + 1) * 2);
	else if (x->mask + 1 > HIDX_MIN && x->count < (x->mask + 1) / 8)
		rehash(x, (x->mask + 1) / 2);
	b = &x->buckets[hash & x->mask];
	n->hash = hash;
	n->next = *b;
	*b = n;
	x->count++;
}

void hidx_remove(struct hidx *x, struct hnode *n)
{
	struct hnode **pp = &x->buckets[n->hash & x->mask];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			n->next = NULL;
			x->count--;
			break;
		}
	}
}

struct hnode *hidx_first(const struct hidx *x, uint64_t hash)
{
	struct hnode *n = x->buckets[hash & x->mask];

	while (n && n->hash != hash)
		n = n->next;
	return n;
}

struct hnode *hidx_next(const struct hnode *n, uint64_t hash)
{
	struct hnode *m = n->next;

	while (m && m->hash != hash)
		m = m->next;
	return m;
}

int hkey_random(struct hkey *k)
{
	uint8_t b[16];

	if (RAND_bytes(b, sizeof(b)) != 1)
		return -1;
	memcpy(&k->k0, b, 8);
	memcpy(&k->k1, b + 8, 8);
	return 0;
}

/* SipHash-2-4 (Aumasson and Bernstein), written from the paper. */
#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

static void sipround(uint64_t v[4])
{
	v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0]; v[0] = ROTL(v[0], 32);
	v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2]; v[2] = ROTL(v[2], 32);
}

static uint64_t le64(const uint8_t *p, size_t n)
{
	uint64_t m = 0;

	for (size_t i = 0; i < n; i++)
		m |= (uint64_t)p[i] << (8 * i);
	return m;
}

uint64_t hidx_hash(const struct hkey *k, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t v[4] = {
		k->k0 ^ 0x736f6d6570736575ULL, k->k1 ^ 0x646f72616e646f6dULL,
		k->k0 ^ 0x6c7967656e657261ULL, k->k1 ^ 0x7465646279746573ULL,
	};
	size_t left = len;
	uint64_t m;

	for (; left >= 8; p += 8, left -= 8) {
		m = le64(p, 8);
		v[3] ^= m;
		sipround(v);
		sipround(v);
		v[0] ^= m;
	}
	m = le64(p, left) | (uint64_t)(len & 0xff) << 56;
	v[3] ^= m;
	sipround(v);
	sipround(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
