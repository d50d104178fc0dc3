#include "ike/core/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/core/ctlconf.h"

/* Global keys the running daemon cannot change under its feet. */
static const char *const restart_keys[] = { "listen", "port", "port_nat_t", "pidfile",
					    "control_socket", "metrics_listen" };

const char *plan_op_name(enum plan_op op)
{
	switch (op) {
	case PLAN_ADD: return "add";
	case PLAN_REMOVE: return "remove";
	case PLAN_CHANGE: return "change";
	}
	return "?";
}

static int append(char **list, const char *item)
{
	char *n = NULL;

	if (asprintf(&n, "%s%s%s", *list ? *list : "", *list ? ", " : "", item) < 0)
		return -1;
	free(*list);
	*list = n;
	return 0;
}

static int is_restart_key(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(restart_keys) / sizeof(restart_keys[0]); i++)
		if (strcmp(name, restart_keys[i]) == 0)
			return 1;
	return 0;
}

/* Settings that running SAs do not depend on: the next rekey, DPD check or
 * CHILD SA reads them from the configuration (strongSwan keeps SAs on them);
 * pools: an SA keeps its lease, the next client gets one from the new list. */
static const char *const soft_conn_keys[] = { "proposals", "rekey_time", "over_time",
					      "rand_time", "reauth_time", "dpd_delay",
					      "dpd_action", "childless", "unique", "pools", "fragmentation",
					      "fragment_size", "encap", "dpd_timeout", "keyingtries" };
static const char *const soft_child_keys[] = { "esp_proposals", "rekey_time", "life_time",
					       "rand_time", "rekey_bytes", "life_bytes",
					       "rekey_packets", "life_packets", "start_action",
					       "close_action", "replay_window", "fail_closed",
					       "updown", "hostaccess" };

static int in_list(const char *name, const char *const *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, l[i]) == 0)
			return 1;
	return 0;
}

/* The children lists a and b: which differences replace the SAs. */
static int diff_children(const struct ctl_val *a, const struct ctl_val *b, char **hard)
{
	char item[160];

	if (a->nkids != b->nkids)
		return append(hard, "children (added or removed)");
	for (size_t i = 0; i < a->nkids; i++) {
		const struct ctl_val *ca = &a->kids[i], *cb = &b->kids[i];
		const char *name = ctl_get_str(ca, "name");

		if (!name || !ctl_get_str(cb, "name") || strcmp(name, ctl_get_str(cb, "name")))
			return append(hard, "children (renamed or reordered)");
		for (size_t k = 0; k < ca->nkids && k < cb->nkids; k++) {
			if (ctl_val_eq(&ca->kids[k], &cb->kids[k]) ||
			    strcmp(ca->kids[k].name, "source") == 0 ||
			    in_list(ca->kids[k].name, soft_child_keys,
				    sizeof(soft_child_keys) / sizeof(soft_child_keys[0])))
				continue;
			snprintf(item, sizeof(item), "children.%s.%s", name, ca->kids[k].name);
			if (append(hard, item) < 0)
				return -1;
		}
	}
	return 0;
}

/* Names of the top-level fields that differ; "source" (file:line) is not a change. */
static int diff_fields(const struct ctl_val *a, const struct ctl_val *b, char **out,
		       char **restart)
{
	size_t i;

	for (i = 0; i < a->nkids && i < b->nkids; i++) {
		if (strcmp(a->kids[i].name, "source") == 0 || ctl_val_eq(&a->kids[i], &b->kids[i]))
			continue;
		if (append(out, a->kids[i].name) < 0)
			return -1;
		if (restart && is_restart_key(a->kids[i].name) && append(restart, a->kids[i].name) < 0)
			return -1;
	}
	return 0;
}

static int add_entry(struct reload_plan *plan, enum plan_op op, const char *conn, char *fields)
{
	struct plan_entry *nv = realloc(plan->v, (plan->n + 1) * sizeof(*nv));
	char *copy = strdup(conn);

	if (nv)
		plan->v = nv;
	if (!nv || !copy) {
		free(copy);
		free(fields);
		return -1;
	}
	plan->v[plan->n++] = (struct plan_entry){ op, copy, fields, 0, NULL };
	return 0;
}

static int diff_conn(struct reload_plan *plan, const struct conf_conn *a, const struct conf_conn *b)
{
	struct ctl_val ra, rb;
	char *fields = NULL, *hard = NULL;
	int ret = -1;

	if (ctl_record_of_conn(a, &ra) < 0)
		return -1;
	if (ctl_record_of_conn(b, &rb) < 0)
		goto out_a;
	if (diff_fields(&ra, &rb, &fields, NULL) < 0)
		goto out;
	if (!fields) {
		ret = 0;
		goto out;
	}
	for (size_t i = 0; i < ra.nkids && i < rb.nkids; i++) {
		const char *f = ra.kids[i].name;

		if (!strcmp(f, "source") || ctl_val_eq(&ra.kids[i], &rb.kids[i]) ||
		    in_list(f, soft_conn_keys, sizeof(soft_conn_keys) / sizeof(soft_conn_keys[0])))
			continue;
		if (strcmp(f, "children") == 0 ? diff_children(&ra.kids[i], &rb.kids[i], &hard) < 0 :
						 append(&hard, f) < 0)
			goto out;
	}
	ret = add_entry(plan, PLAN_CHANGE, a->name, fields);
	fields = NULL;
	if (ret == 0) {
		plan->v[plan->n - 1].keep_sas = !hard;
		plan->v[plan->n - 1].replace_fields = hard;
		hard = NULL;
	}
out:
	free(hard);
	free(fields);
	ctl_val_free(&rb);
out_a:
	ctl_val_free(&ra);
	return ret;
}

static int secrets_differ(const struct config *a, const struct config *b)
{
	size_t i;

	if (a->nsecrets != b->nsecrets)
		return 1;
	for (i = 0; i < a->nsecrets; i++)
		if (!ident_eq(&a->secrets[i].id, &b->secrets[i].id) ||
		    a->secrets[i].eap != b->secrets[i].eap ||
		    a->secrets[i].id2.type != b->secrets[i].id2.type ||
		    (a->secrets[i].id2.type && !ident_eq(&a->secrets[i].id2, &b->secrets[i].id2)) ||
		    a->secrets[i].key.len != b->secrets[i].key.len ||
		    !memeq_ct(a->secrets[i].key.ptr, b->secrets[i].key.ptr, a->secrets[i].key.len))
			return 1;
	return 0;
}

static int diff_global(struct reload_plan *plan, const struct config *old, const struct config *new)
{
	struct ctl_val ga, gb;
	int ret = -1;

	if (ctl_record_of_global(&old->global, &ga) < 0)
		return -1;
	if (ctl_record_of_global(&new->global, &gb) == 0) {
		ret = diff_fields(&ga, &gb, &plan->global_fields, &plan->restart_fields);
		ctl_val_free(&gb);
	}
	ctl_val_free(&ga);
	return ret;
}

int plan_compute(const struct config *old, const struct config *new, struct reload_plan *plan)
{
	const struct conf_conn *o;
	size_t i;

	memset(plan, 0, sizeof(*plan));
	for (i = 0; i < old->nconns; i++)
		if (!config_find_conn(new, old->conns[i].name) &&
		    add_entry(plan, PLAN_REMOVE, old->conns[i].name, NULL) < 0)
			goto fail;
	for (i = 0; i < new->nconns; i++) {
		o = config_find_conn(old, new->conns[i].name);
		if (o ? diff_conn(plan, o, &new->conns[i]) < 0 :
			add_entry(plan, PLAN_ADD, new->conns[i].name, NULL) < 0)
			goto fail;
	}
	if (diff_global(plan, old, new) < 0)
		goto fail;
	plan->secrets_changed = secrets_differ(old, new);
	return 0;
fail:
	plan_free(plan);
	return -1;
}

int plan_empty(const struct reload_plan *plan)
{
	return plan->n == 0 && !plan->global_fields && !plan->secrets_changed;
}

void plan_free(struct reload_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->n; i++) {
		free(plan->v[i].conn);
		free(plan->v[i].fields);
		free(plan->v[i].replace_fields);
	}
	free(plan->v);
	free(plan->global_fields);
	free(plan->restart_fields);
	memset(plan, 0, sizeof(*plan));
}
