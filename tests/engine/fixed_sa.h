/*
 * Fixed-keys IKE SAs, for the engine fuzzer (tests/fuzz/fuzz_engine.c) and
 * its regression tests: an IKE SA put into an engine as if IKE_SA_INIT had
 * run with known SPIs, nonces, g^ir and RealMessage1/2, so SK_* are the same
 * in every run and in both engines of a pair, without a key exchange.  A
 * peer's message is then sealed with the SA's own inbound keys
 * (fixed_sa_seal) and passes the integrity check, and an AUTH payload
 * computed once stays valid: the fuzzer's seeds carry one.
 *
 * Test code only: nothing here is built into the daemon.  One fixed IKE SA
 * per engine at a time (the SPIs are fixed).
 */
#ifndef TESTS_ENGINE_FIXED_SA_H
#define TESTS_ENGINE_FIXED_SA_H

#include <stddef.h>
#include <stdint.h>

#include "ike/engine/ike_sa.h"

#define FIXED_SPI_I	0x0123456789abcdefULL
#define FIXED_SPI_R	0xfedcba9876543210ULL

/*
 * A new IKE SA of conn in e with the fixed keys (the connection's first
 * IKE proposal).  Initiator: its IKE_AUTH request for conn's first child
 * is out (AUTH_SENT; the datagram went to e->test_send).  Responder:
 * half-open (INIT_RECEIVED), waiting for the IKE_AUTH request.  NULL on
 * failure (logged).
 */
struct ike_sa *fixed_sa_new(struct engine *e, const struct conf_conn *conn, int initiator,
			    const struct addr *local, const struct addr *remote);

/*
 * A message from sa's peer: IKE header (sa's SPIs, the Initiator flag when
 * the peer is the original initiator, Response when response), one SK
 * payload whose first inner payload is first, protecting chain with sa's
 * inbound keys.  Returns the length, 0 if out is too small.
 */
size_t fixed_sa_seal(const struct ike_sa *sa, uint8_t exchange, int response, uint32_t msgid,
		     uint8_t first, const uint8_t *chain, size_t clen, uint8_t *out, size_t size);

/* Every IKE SA of e destroyed (children and kernel state with them). */
void fixed_sa_clear(struct engine *e);

#endif
