/* Token buckets (tbucket.h). */
#include "ike/sa/tbucket.h"

#include <stddef.h>

int tbucket_take(struct tbucket *b, uint64_t now_ms, unsigned rate, unsigned burst)
{
	uint64_t cap = (uint64_t)burst * 1000;

	if (!b->used) {
		b->used = 1;
		b->milli = cap;
		b->last_ms = now_ms;
	}
	if (now_ms > b->last_ms) {
		uint64_t add = (now_ms - b->last_ms) * rate;

		b->milli = add >= cap - b->milli ? cap : b->milli + add;
		b->last_ms = now_ms;
	}
	if (b->milli < 1000)
		return 0;
	b->milli -= 1000;
	return 1;
}

static size_t slot_of(const struct tbucket_set *s, const struct addr *src)
{
	size_t len;
	const uint8_t *p = addr_bytes(src, &len);

	return p ? (size_t)(hidx_hash(&s->key, p, len) % TBUCKET_PEERS) : 0;
}

int tbucket_admit(struct tbucket_set *s, const struct addr *src, uint64_t now_ms,
		  unsigned global_rate, unsigned peer_rate, unsigned peer_burst)
{
	if (!tbucket_take(&s->peer[slot_of(s, src)], now_ms, peer_rate, peer_burst))
		return 0;
	return tbucket_take(&s->global, now_ms, global_rate, global_rate);
}
