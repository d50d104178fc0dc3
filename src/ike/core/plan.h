/*
 * Reload plan: what replacing the running configuration with a new one
 * adds, removes and changes.  Computed by comparing the parsed structures
 * (as control records, field by field), shown by "ikectl reload --dry-run"
 * and applied by engine_reload().
 */
#ifndef IKE_CORE_PLAN_H
#define IKE_CORE_PLAN_H

#include <stddef.h>

#include "ike/core/conf.h"

enum plan_op {
	PLAN_ADD = 1,
	PLAN_REMOVE,
	PLAN_CHANGE,
};

struct plan_entry {
	enum plan_op op;
	char *conn;		/* connection name */
	char *fields;		/* PLAN_CHANGE: "rekey_time, children" */
	/*
	 * PLAN_CHANGE: the running SAs stay when only settings the next rekey
	 * or DPD check reads changed (times, DPD, rekey limits, proposals,
	 * close/start actions); a change of addresses, identities, auth,
	 * selectors, mode or the set of children replaces them.  replace_fields
	 * names those ("remote_addrs, children.net.local_ts"), NULL if kept.
	 */
	int keep_sas;
	char *replace_fields;
};

struct reload_plan {
	struct plan_entry *v;
	size_t n;
	char *global_fields;	/* NULL when the global section is unchanged */
	char *restart_fields;	/* global keys that only a restart applies */
	int secrets_changed;
};

int plan_compute(const struct config *old, const struct config *new, struct reload_plan *plan);
void plan_free(struct reload_plan *plan);
const char *plan_op_name(enum plan_op op);
/* Nothing to do at all. */
int plan_empty(const struct reload_plan *plan);

#endif
