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
	plan->v[plan->n++] = (struct plan_entry){ op, copy, fields };
	return 0;
}

static int diff_conn(struct reload_plan *plan, const struct conf_conn *a, const struct conf_conn *b)
{
	struct ctl_val ra, rb;
	char *fields = NULL;
	int ret = -1;

	if (ctl_record_of_conn(a, &ra) < 0)
		return -1;
	if (ctl_record_of_conn(b, &rb) < 0)
		goto out_a;
	if (diff_fields(&ra, &rb, &fields, NULL) < 0)
		goto out;
	ret = fields ? add_entry(plan, PLAN_CHANGE, a->name, fields) : 0;
	fields = NULL;
out:
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
	}
	free(plan->v);
	free(plan->global_fields);
	free(plan->restart_fields);
	memset(plan, 0, sizeof(*plan));
}
