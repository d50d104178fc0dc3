/*
 * Lifetimes and rekeying (RFC 7296 1.3.2, 1.3.3, 2.8, 2.8.1, 2.8.2, 2.18):
 * the daemon timers (rekey_time less a random part of rand_time, life_time,
 * over_time, reauth_time), the kernel's soft and hard EXPIRE events, and the
 * bookkeeping that lets an old and a new SA coexist: policies stay with
 * whichever CHILD SA of the same reqid is still alive, and an IKE SA that is
 * reauthenticated keeps running until its successor carries every child.
 *
 * The exchanges themselves are in create_child.c; this file decides when.
 * A trigger that finds a rekey under way (REKEYING, REKEYED, DELETING) is
 * absorbed by it.
 */
#ifndef IKE_ENGINE_REKEY_H
#define IKE_ENGINE_REKEY_H

#include <stddef.h>
#include <stdint.h>

#include "common/loop.h"
#include "common/secret.h"

struct engine;
struct ike_sa;
struct child_sa;
struct ccsa;
struct conf_child;
struct conf_conn;
struct kernel_sa_id;
struct kernel_acquire;
struct kernel_sa;

/* Per-CHILD SA part (struct child_sa.rk). */
struct child_rekey {
	struct timer rekey, expire;
	uint64_t rekey_at_ms, expire_at_ms;	/* 0: not scheduled */
	/* Nonces of the CREATE_CHILD_SA that made this SA (2.17 KEYMAT); empty
	 * for the IKE_AUTH child, which uses the IKE SA's. */
	struct secret ni, nr;
	int timers_ready;
	/* 2.8: as rekey responder, the outbound SA waits for the old SA's
	 * DELETE, so we never send on an SA the peer cannot read yet. */
	int defer_out;
	struct kernel_sa *out_sa;	/* the outbound SA held back, keys included */
	int redundant;			/* lost a collision: never sends */
	/* 2.17: the keys of the exchange's initiator come first; for a
	 * CREATE_CHILD_SA that is who sent the request, not who started the
	 * IKE SA.  0: made in IKE_AUTH (the IKE SA's role), 1: we sent the
	 * request, 2: we answered it. */
	int kx_role;
	struct timer out_late;		/* reauth responder: send after all */
};

/* Per-IKE SA part (struct ike_sa.rk). */
struct ike_rekey {
	struct timer rekey, reauth, expire, retry;
	uint64_t rekey_at_ms, reauth_at_ms, expire_at_ms;
	struct ccsa *req;		/* our CREATE_CHILD_SA in flight */
	/* Work the window could not take yet (one request at a time). */
	uint64_t want_children[8];	/* CHILD SA ids to rekey */
	size_t nwant;
	const struct conf_child *want_new[8];	/* new CHILD SAs to create */
	uint32_t want_new_reqid[8];
	size_t nwant_new;
	int want_ike;			/* rekey this IKE SA */
	unsigned tempfail;		/* TEMPORARY_FAILURE answers in a row */
	uint64_t retry_not_before_ms;	/* TEMPORARY_FAILURE back-off */
	/* A new IKE SA of a rekey not settled yet: the SA it replaces. */
	struct ike_sa *twin_of;
	/* Reauthentication (make-before-break, 2.8.3). */
	struct ike_sa *successor, *predecessor;
	int want_delete;		/* reauth done: delete once the window is free */
	uint32_t deleting_spi;		/* CHILD SA whose DELETE awaits its answer */
	int timers_ready;
};

/* Delay before a retry after TEMPORARY_FAILURE, and the cap on retries. */
#define REKEY_RETRY_MIN_MS	1000
#define REKEY_RETRY_SPREAD_MS	4000
#define REKEY_RETRY_MAX		5
/* A refused rekey: try again after this long (less near the expiry). */
#define REKEY_FAILED_RETRY_MS	10000
#define REKEY_FAILED_MIN_MS	200
/* A busy window: try the queued work again after this long. */
#define REKEY_BUSY_MS		200
/* Reauthentication responder: the longest the new CHILD SA's outbound
 * half waits for the old IKE SA's DELETE. */
#define REKEY_REAUTH_OUT_MS	3000
/* How long a replaced SA waits for the peer's DELETE. */
#define REKEY_GRACE_MS		30000

/* ---- hooks called by the engine's files (one line each) ---- */
void rekey_ike_init(struct ike_sa *sa);
/* IKE SA established: arm its rekey/reauth timers; finishes a reauth. */
void rekey_ike_established(struct ike_sa *sa);
/* Before an IKE SA is freed: timers, the exchange in flight, links. */
void rekey_ike_gone(struct ike_sa *sa);
void rekey_child_init(struct child_sa *c);
/* A CHILD SA reached INSTALLED: arm its timers; may complete a reauth. */
void rekey_child_installed(struct child_sa *c);
/* Before a CHILD SA leaves the kernel: its policies go to a sibling of the
 * same reqid if one is alive (the SA that replaced it), timers stop. */
void rekey_child_gone(struct child_sa *c);
/* 1 if another live CHILD SA of the same reqid owns the policies, c then
 * installs only its SAs: the SA it rekeys, or (reauthentication) one of
 * the same peer identity, configuration and selectors, whose reqid c
 * takes. */
int rekey_policies_shared(struct child_sa *c);
/* The peer deletes IKE SA sa (before our answer): the CHILD SAs of a
 * reauthentication that replace its children send from now on. */
void rekey_ike_handover(struct ike_sa *sa);
/* 1 if a CHILD SA of another IKE SA (a reauthentication) carries c's
 * flows: c's end is no reason for close_action. */
int rekey_child_carried_on(const struct child_sa *c);
/* Our reauthentication's IKE_AUTH is about to leave: c's inbound SA goes
 * into the kernel first if the SA it replaces tells what it will be. */
void rekey_reauth_early_in(struct ike_sa *n, struct child_sa *c);
/* 1 if c holds its outbound SA back (defer_out): ks is kept for later. */
int rekey_defer_out(struct child_sa *c, const struct kernel_sa *ks);
/* 1 if the KEYMAT's initiator-to-responder keys are our outbound ones. */
int rekey_child_key_initiator(const struct child_sa *c);
/* The KEYMAT nonces of c (its exchange's, or the IKE SA's). */
void rekey_child_nonces(const struct child_sa *c, const struct secret **ni,
			const struct secret **nr);
/* 1 if c was replaced by a rekey (or lost a collision): its end is no
 * reason for close_action. */
int rekey_child_replaced(const struct child_sa *c);
/* Kernel EXPIRE for one of our SAs. */
void rekey_on_expire(struct engine *e, const struct kernel_sa_id *id, int hard);
/* The window has room again (a response was handled). */
void rekey_window_free(struct ike_sa *sa);

/* A rekey refused by the peer (other than TEMPORARY_FAILURE) or with an
 * unusable answer: if the SA has rekey limits configured and its rekey
 * timer is idle (a timer or EXPIRE started it), the timer tries again after
 * REKEY_FAILED_RETRY_MS, or halfway to the hard expiry if that is sooner;
 * with less than 2 * REKEY_FAILED_MIN_MS left, the expiry ends the SA. */
void rekey_child_retry(struct child_sa *c);
void rekey_ike_retry(struct ike_sa *sa);

/* ---- triggers (timers, kernel, ikectl) ---- */
int rekey_child(struct child_sa *c);
int rekey_ike(struct ike_sa *sa);
int rekey_reauth(struct ike_sa *sa);
/* A new CHILD SA on an established IKE SA (ikectl initiate, ACQUIRE). */
int rekey_new_child(struct ike_sa *sa, const struct conf_child *cfg, uint32_t reqid);
/* A further CHILD SA for a trap policy of an IKE SA that is up (2.9). */
void acquire_new_child(struct ike_sa *sa, const struct conf_child *cfg, uint32_t reqid,
		   const struct kernel_acquire *acq);
/* ikectl initiate: on the connection's established IKE SA by
 * CREATE_CHILD_SA, or a new IKE SA whose other children follow once it is
 * up (ch NULL: every child).  0, or -1 with err filled. */
int rekey_initiate(struct engine *e, const struct conf_conn *conn, const struct conf_child *ch,
		   char *err, size_t errlen);
/* ikectl rekey: every IKE SA of conn (or the one with ike_sa_id); its
 * CHILD SAs move to the new one.  0, or -1 with err filled. */
int rekey_conn(struct engine *e, const char *conn, uint64_t ike_sa_id, char *err,
	       size_t errlen);
/* ikectl rekey --child / --child-id: see engine_rekey_child (engine.h). */
int rekey_children(struct engine *e, const char *conn, const char *child, uint64_t child_sa_id,
		   char *err, size_t errlen);
/* Seconds until the next rekey / the hard expiry; 0: not scheduled. */
uint64_t rekey_child_rekey_in(const struct child_sa *c);
uint64_t rekey_child_expire_in(const struct child_sa *c);
uint64_t rekey_ike_rekey_in(const struct ike_sa *sa);
uint64_t rekey_ike_reauth_in(const struct ike_sa *sa);

/* 2.8: the initiator of a rekey deletes the replaced SA (or, having lost
 * a collision, its redundant one): its outbound SA goes at once, its
 * inbound SA goes on accepting what the peer still sends until the peer
 * answers the DELETE (having moved its own traffic by then). */
int rekey_delete_child(struct child_sa *c);
/* Replaced but not yet deleted by the peer: deleted by us after a grace
 * period if the peer's DELETE never comes. */
void rekey_child_superseded(struct child_sa *c);
void rekey_ike_superseded(struct ike_sa *sa);

/* Ask for work once the window is free (queued; runs as soon as it can). */
void rekey_queue_child(struct ike_sa *sa, uint64_t child_id);
void rekey_queue_new(struct ike_sa *sa, const struct conf_child *cfg, uint32_t reqid);
/* After TEMPORARY_FAILURE: the same work again after a random delay. */
void rekey_retry_later(struct ike_sa *sa);

#endif
