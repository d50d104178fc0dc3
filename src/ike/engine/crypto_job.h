/*
 * Crypto on worker threads (issue 17): the responder's IKE_SA_INIT key
 * exchange (key pair + shared secret) runs on the work queue
 * (src/common/workq.c, one worker per core) while the IKE SA waits with
 * sa->dh_job set ("crypto pending": retransmissions of the request are
 * dropped by the window, nothing else can arrive before our response).
 * Responders take pre-generated pairs from the KE pool (ke_pool.c) when
 * one is ready, each exactly once.  A result whose IKE SA was deleted
 * meanwhile is dropped and its key material freed.
 *
 * Loop thread only.  Without workers (tests, or workq_new failing) the
 * exchange computes synchronously as before.  engine_new() asks for
 * workers but they start with the first key exchange, after ikedaemon has
 * dropped its capabilities: a thread keeps the capabilities it was
 * created with (capset(2) changes only the calling thread).
 */
#ifndef IKE_ENGINE_CRYPTO_JOB_H
#define IKE_ENGINE_CRYPTO_JOB_H

#include <stddef.h>
#include <stdint.h>

struct engine;
struct ike_sa;
struct config;
struct ke;
struct secret;

/* Starts nthreads workers (<= 0: one per core) and the KE pool, noting the
 * groups of every configured IKE proposal.  0, or -1 (logged; the engine
 * then keeps computing on the loop thread). */
int engine_crypto_start(struct engine *e, int nthreads);
/* After a reload: note the new configuration's groups. */
void engine_crypto_note_groups(struct engine *e, const struct config *cfg);
/* Cancels what is in flight and joins the workers (engine shutdown, after
 * every IKE SA is gone). */
void engine_crypto_stop(struct engine *e);

/* A pre-generated pair for group, or NULL (then make one). */
struct ke *engine_crypto_pair(struct engine *e, uint16_t group);

/*
 * Called with the key exchange's result on the loop thread: our pair (now
 * the callee's), CR_OK and g^ir, or an error and why.  The callee frees
 * ke and gir.
 */
typedef void (*crypto_dh_fn)(struct ike_sa *sa, struct ke *ke, int rc, struct secret *gir,
			     const char *why, int arg);

/*
 * Queues key generation (unless a pooled pair is ready) and the shared
 * secret with the peer's KE data for sa; fn(sa, ...) runs later.  0 when
 * queued, -1 when there are no workers or the queue is full (the caller
 * computes synchronously).
 */
int crypto_dh_submit(struct ike_sa *sa, uint16_t group, const uint8_t *peer, size_t len,
		     crypto_dh_fn fn, int arg);
/* sa is being destroyed: its job's result will be dropped. */
void crypto_sa_gone(struct ike_sa *sa);

#endif
