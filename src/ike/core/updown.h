/*
 * updown scripts (ike.conf(5) "updown"): a child's script runs when its
 * CHILD SA comes up or goes down (engine_updown), with strongSwan's
 * PLUTO_* environment, so operators' existing scripts work unchanged.
 *
 * The runner never blocks the loop: posix_spawn, the script's output
 * (stdout and stderr, one pipe) read on the loop and logged line by line,
 * escaped; its end seen through a pidfd (a 100 ms waitpid poll where the
 * kernel has none).  At most max_running scripts run at once, the rest
 * wait in order; the runs of one flow (same key) never overlap, so its
 * down never overtakes its up.  A script still running after the time
 * limit is killed (SIGKILL to its process group) and that is logged, as
 * is every exit status but 0.
 */
#ifndef IKE_CORE_UPDOWN_H
#define IKE_CORE_UPDOWN_H

#include <stddef.h>
#include <stdint.h>

#include "ike/core/engine.h"

struct loop;
struct updown_runner;

#define UPDOWN_MAX_RUNNING	4
#define UPDOWN_TIMEOUT_MS	30000
#define UPDOWN_MAX_QUEUED	1024
#define UPDOWN_DRAIN_MS		10000	/* at shut-down, for the down scripts */

struct updown_stats {
	uint64_t started, ok, failed, killed, dropped;
};

struct updown_runner *updown_new(struct loop *l);
/* Kills what still runs (logged) and frees r. */
void updown_free(struct updown_runner *r);
void updown_set_limits(struct updown_runner *r, unsigned max_running, uint64_t timeout_ms);
/*
 * Queues a run of path with exactly the environment env (NULL-terminated
 * "NAME=value" strings, copied).  label names it in the log ("site/net
 * up-client").  Runs with the same key run one after the other.  -1 if
 * the queue is full or memory is short (logged).
 */
int updown_run(struct updown_runner *r, const char *path, char *const *env, const char *label,
	       uint64_t key);
/* Scripts running or waiting. */
size_t updown_busy(const struct updown_runner *r);
void updown_get_stats(const struct updown_runner *r, struct updown_stats *out);
/* At shut-down: runs the loop until no script is left or max_ms passed. */
void updown_drain(struct updown_runner *r, uint64_t max_ms);

/* ---- updown_env.c: the PLUTO_* environment ---- */

/* What one call of the script is about. */
struct updown_call {
	const char *conn, *child;
	uint64_t ike_sa_id;		/* PLUTO_UNIQUEID */
	const struct engine_updown *u;
	const char *interface;		/* PLUTO_INTERFACE; NULL: "unknown" */
	uint32_t if_id_in, if_id_out;	/* the child's XFRM interface IDs, 0: none */
	int hostaccess;			/* PLUTO_HOST_ACCESS=1 (the child's hostaccess) */
};

#define UPDOWN_ENV_MAX	40

struct updown_env {
	char *v[UPDOWN_ENV_MAX + 1];	/* NULL-terminated, pointing into buf */
	size_t n, used;
	char buf[6144];
};

/*
 * The environment of call for the pair (local TS lts, remote TS rts) of
 * call->u (strongSwan runs the script once per pair).  Identities come
 * from the network: characters other than printable ASCII, and quotes,
 * backslash, '$' and '`', become '?'.  -1 if it does not fit.
 */
int updown_env_build(struct updown_env *env, const struct updown_call *call, size_t lts,
		     size_t rts);
/* PLUTO_VERB of that pair: "up-client", "down-host-v6", ... */
const char *updown_verb(const struct updown_call *call, size_t lts, char *buf, size_t size);
/* The interface holding the local address, into buf (size >= 16); NULL if none. */
const char *updown_interface(const struct addr *local, char *buf, size_t size);

#endif
