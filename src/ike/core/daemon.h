/*
 * ikedaemon's running state: the configuration in force, the engine, the
 * control socket and the single-instance lock; reload and the control
 * requests act on it (daemon.c, ctlcmds.c).
 */
#ifndef IKE_CORE_DAEMON_H
#define IKE_CORE_DAEMON_H

#include <stdint.h>

#include "ike/core/conf.h"
#include "ike/core/ctlserver.h"
#include "ike/core/engine.h"
#include "ike/core/metrics_http.h"
#include "ike/core/pidfile.h"
#include "ike/core/plan.h"
#include "ike/core/updown.h"

struct ctl_wait;

struct daemon {
	struct loop *loop;
	const char *cfg_path;
	struct config *cfg;
	struct engine *engine;
	struct ctl_server *ctl;
	struct metrics_http *metrics;	/* NULL unless global.metrics.listen */
	struct pidfile pid;
	int verbose;			/* -v count: raises every subsystem's level */
	uint64_t start_ms;
	uint64_t reloads, reload_failures;
	int in_sink;			/* the log sink is running (no recursion) */
	struct updown_runner *updown;	/* updown scripts (updown.h) */
	struct ctl_wait *waits;		/* "ikectl initiate" waiting (ctlwait.c) */
	struct diag *diag;		/* "ikectl diagnose" (diag.c), may be NULL */
	struct radius_client *radius;	/* the engine's EAP backend (eap-radius) */
};

struct reload_result {
	struct conf_diag diag;		/* errors and warnings of the new file */
	struct reload_plan plan;
	int applied;
	char err[256];
};

/* Loads cfg_path again; applies it unless dry_run.  -1 leaves everything as it was. */
int daemon_reload(struct daemon *d, int dry_run, struct reload_result *r);
void reload_result_free(struct reload_result *r);
void daemon_apply_log_levels(const struct daemon *d);
/* Log lines go to monitors only while one is connected. */
void daemon_monitor_update(struct daemon *d);

/* metrics.c: the "families" list of metrics_fmt.h into e; the rendered text. */
void metrics_collect(struct daemon *d, struct ctl_enc *e);
int metrics_text(struct daemon *d, enum metrics_format f, char **out, size_t *len);

/* daemon.c: queues the child's updown script for an up/down event. */
void daemon_updown(struct daemon *d, const struct engine_event *ev);

/*
 * ctlwait.c: initiate's answer once conn (its child, or every child) is
 * up or failed, within timeout_ms; the response is put in resp now if
 * everything is up already, else deferred.  -1: out of memory.
 */
int ctl_wait_initiate(struct daemon *d, struct ctl_client *c, const struct conf_conn *conn,
		      const char *child, uint64_t timeout_ms, struct ctl_enc *resp);
/*
 * terminate: prepare lists the IKE SAs of conn (or the one with
 * ike_sa_id) before the engine acts; start, after it acted, answers in
 * resp at once if they are gone already, else once the last one is
 * DEAD or timeout_ms passed.  prepare returns NULL when memory is short;
 * a waiter that is not started must be freed.
 */
struct ctl_wait *ctl_wait_terminate_prepare(struct daemon *d, struct ctl_client *c,
					    const char *conn, uint64_t ike_sa_id);
void ctl_wait_terminate_start(struct ctl_wait *w, uint64_t timeout_ms, struct ctl_enc *resp);
void ctl_wait_event(struct daemon *d, const struct engine_event *ev);
/* Answers every waiter with a failure (shut-down). */
void ctl_wait_abort(struct daemon *d, const char *why);

/* ctlcmds.c */
void daemon_ctl_request(void *arg, struct ctl_client *c, const struct ctl_val *req,
			struct ctl_enc *resp);
void daemon_engine_event(const struct engine_event *ev, void *arg);

#endif
