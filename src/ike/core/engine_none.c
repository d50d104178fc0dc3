/*
 * The daemon side of engine.h for a build without the IKE engine: the
 * daemon runs, loads and reloads its configuration and answers ikectl, but
 * negotiates nothing.  It holds no SAs, so the lists are empty, and the
 * actions say so instead of pretending.  Replaced at link time by the IKE
 * engine (src/ike/sa) once that is built.
 */
#include "ike/core/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct engine {
	const struct config *cfg;
	struct engine_stats stats;
};

static const char not_available[] = "not available in this build (no IKE engine linked in)";

const char *engine_kind(void)
{
	return "none";
}

struct engine *engine_new(struct loop *loop, const struct config *cfg, char *err, size_t errlen)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	e->cfg = cfg;
	return e;
}

int engine_reload(struct engine *e, const struct config *newcfg, const struct reload_plan *plan,
		  char *err, size_t errlen)
{
	e->cfg = newcfg;
	return 0;
}

void engine_shutdown(struct engine *e)
{
	free(e);
}

void engine_list_ike_sas(struct engine *e, const char *conn, engine_ike_sa_fn fn, void *arg)
{
}

void engine_list_child_sas(struct engine *e, const char *conn, engine_child_sa_fn fn, void *arg)
{
}

int engine_list_kernel(struct engine *e, engine_kernel_sa_fn sa_fn,
		       engine_kernel_policy_fn pol_fn, void *arg, char *err, size_t errlen)
{
	snprintf(err, errlen, "show kernel: %s", not_available);
	return -1;
}

void engine_get_stats(struct engine *e, struct engine_stats *out)
{
	*out = e->stats;
}

int engine_initiate(struct engine *e, const char *conn, const char *child, char *err, size_t errlen)
{
	snprintf(err, errlen, "initiate: %s", not_available);
	return -1;
}

int engine_terminate(struct engine *e, const char *conn, uint64_t ike_sa_id, char *err, size_t errlen)
{
	snprintf(err, errlen, "terminate: %s", not_available);
	return -1;
}

int engine_rekey(struct engine *e, const char *conn, uint64_t ike_sa_id, char *err, size_t errlen)
{
	snprintf(err, errlen, "rekey: %s", not_available);
	return -1;
}

int engine_rekey_child(struct engine *e, const char *conn, const char *child,
		       uint64_t child_sa_id, char *err, size_t errlen)
{
	snprintf(err, errlen, "rekey: %s", not_available);
	return -1;
}

int engine_terminate_child(struct engine *e, const char *conn, const char *child,
			   uint64_t child_sa_id, char *err, size_t errlen)
{
	snprintf(err, errlen, "terminate: %s", not_available);
	return -1;
}

int engine_install(struct engine *e, const char *conn, const char *child, char *err,
		   size_t errlen)
{
	snprintf(err, errlen, "install: %s", not_available);
	return -1;
}

int engine_uninstall(struct engine *e, const char *conn, const char *child, char *err,
		     size_t errlen)
{
	snprintf(err, errlen, "uninstall: %s", not_available);
	return -1;
}

int engine_reauth(struct engine *e, const char *conn, uint64_t ike_sa_id, char *err,
		  size_t errlen)
{
	snprintf(err, errlen, "rekey --reauth: %s", not_available);
	return -1;
}

const char *engine_fail_name(unsigned cause)
{
	return "?";	/* nothing is ever counted without an engine */
}

void engine_set_event_cb(struct engine *e, engine_event_fn fn, void *arg)
{
}
