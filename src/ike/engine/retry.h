/*
 * keyingtries: initiation attempts after an unanswered one (retry.c).
 */
#ifndef IKE_ENGINE_RETRY_H
#define IKE_ENGINE_RETRY_H

#include <stdint.h>

struct engine;
struct ike_sa;

/* Back-off before attempt 2: 1 s, doubling per attempt, at most 60 s. */
#define RETRY_FIRST_MS	1000u
#define RETRY_MAX_MS	60000u

/* The wait before attempt (2, 3, ...). */
uint64_t retry_backoff_ms(unsigned attempt);
/* engine->rx.init_lost: sa, ours and not established, got no answer;
 * another attempt is scheduled if its connection's keyingtries allow. */
void retry_init_lost(struct ike_sa *sa);
/* Shutdown: pending attempts dropped. */
void retry_free_all(struct engine *e);

#endif
