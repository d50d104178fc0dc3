/*
 * Reassembly of IKE fragments (RFC 7383 2.6), one struct frag_rx per IKE SA
 * and direction of exchange.  The caller (the engine's receive path) checks
 * a fragment here first (cheap, nothing changes), then verifies its ICV and
 * decrypts it, and only then hands the plaintext to frag_rx_add(): nothing
 * unauthenticated changes the collected set.  Knows no keys and no SA.
 *
 * Bounds (BAD-INPUT 31): at most FRAG_MAX_FRAGMENTS fragments and
 * FRAG_MAX_BYTES bytes of plaintext per message, a set older than
 * FRAG_MAX_AGE_MS is abandoned when the next fragment arrives.
 */
#ifndef IKE_SA_FRAG_H
#define IKE_SA_FRAG_H

#include <stddef.h>
#include <stdint.h>

#include "common/secret.h"

#define FRAG_MAX_FRAGMENTS	64
#define FRAG_MAX_BYTES		32768	/* strongSwan's max_packet is 10000 */
#define FRAG_MAX_AGE_MS		30000

enum frag_verdict {
	FRAG_OK,		/* frag_rx_check: go on (verify, then add) */
	FRAG_KEPT,		/* frag_rx_add: kept, more to come */
	FRAG_COMPLETE,		/* frag_rx_add: every fragment is here */
	FRAG_DUPLICATE,		/* seen already: drop quietly */
	FRAG_REFUSED,		/* drop; why says which rule */
};

/* One received fragment.  plain: its verified, decrypted content. */
struct frag_in {
	uint32_t msgid;
	uint16_t num, total;
	uint8_t first;			/* Next Payload of the SKF payload */
	const uint8_t *plain;
	size_t plain_len;
	const uint8_t *dgram;		/* the datagram (fragment 1 is kept) */
	size_t dgram_len;
};

struct frag_rx {
	int active;
	uint32_t msgid;
	uint16_t total;
	uint16_t count;
	uint8_t first;
	size_t bytes;
	uint64_t start_ms;
	uint64_t have;			/* bit n-1: fragment n kept */
	struct secret *piece;		/* total of them, allocated with the set */
	uint8_t *frag1;			/* fragment 1's datagram (RFC 7383 2.6.1) */
	size_t frag1_len;
};

void frag_rx_init(struct frag_rx *r);
/* Bytes the set holds (plaintext and fragment 1's datagram): the engine
 * keeps the sum over its IKE SAs under a budget. */
size_t frag_rx_held(const struct frag_rx *r);
/* Frees (and zeroizes) what was collected. */
void frag_rx_clear(struct frag_rx *r);
/* Before the ICV check: number 0 or above total, total above the cap or
 * below the set's (2.6), a duplicate.  Changes nothing. */
enum frag_verdict frag_rx_check(const struct frag_rx *r, uint32_t msgid, uint16_t num,
				uint16_t total, uint64_t now_ms, char *why, size_t whylen);
/* After the ICV check: keeps the fragment; a higher total, another message
 * ID or a stale set starts over (2.6).  FRAG_KEPT, FRAG_COMPLETE,
 * FRAG_DUPLICATE or FRAG_REFUSED (why filled). */
enum frag_verdict frag_rx_add(struct frag_rx *r, const struct frag_in *in, uint64_t now_ms,
			      char *why, size_t whylen);
/* The complete message: the fragments' plaintext in order (out, zeroized
 * on secret_free) and fragment 1's Next Payload.  The set stays (frag1 is
 * valid) until frag_rx_clear(). */
int frag_rx_take(const struct frag_rx *r, struct secret *out, uint8_t *first);

#endif
