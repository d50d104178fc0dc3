/*
 * Token buckets for answers that cost us work and create no state
 * (INVALID_IKE_SPI, RFC 7296 2.21.4): one global bucket, and a small
 * table of per-source buckets indexed by a hash of the address (two
 * sources sharing a slot share its limit; nothing is allocated).
 */
#ifndef IKE_SA_TBUCKET_H
#define IKE_SA_TBUCKET_H

#include <stdint.h>

#include "common/addr.h"
#include "ike/sa/hidx.h"

struct tbucket {
	uint64_t last_ms;	/* last refill */
	uint64_t milli;		/* tokens x 1000 */
	int used;
};

/* rate tokens a second, at most burst stored; 1 if a token was taken. */
int tbucket_take(struct tbucket *b, uint64_t now_ms, unsigned rate, unsigned burst);

#define TBUCKET_PEERS	64

struct tbucket_set {
	struct tbucket global;
	struct tbucket peer[TBUCKET_PEERS];
	struct hkey key;	/* random (hkey_random): a source cannot choose its slot */
};

/* 1 if both the source's bucket and the global one have a token (the
 * global one is charged only when the source's allows). */
int tbucket_admit(struct tbucket_set *s, const struct addr *src, uint64_t now_ms,
		  unsigned global_rate, unsigned peer_rate, unsigned peer_burst);

#endif
