#include "ike/core/daemon.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/loop.h"
#include "ike/core/sdnotify.h"

void daemon_apply_log_levels(const struct daemon *d)
{
	enum log_level floor = d->verbose >= 2 ? LL_TRACE : d->verbose == 1 ? LL_DEBUG : LL_ERROR;
	int i;

	for (i = 0; i < LS_MAX; i++)
		log_set_level(i, d->cfg->global.log[i] > floor ? d->cfg->global.log[i] : floor);
}

static void log_plan(const struct reload_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		log_info(LS_CFG, "reload: %s connection '%s'%s%s%s", plan_op_name(p->v[i].op),
			 p->v[i].conn, p->v[i].fields ? " (" : "",
			 p->v[i].fields ? p->v[i].fields : "", p->v[i].fields ? ")" : "");
	if (p->global_fields)
		log_info(LS_CFG, "reload: global settings changed: %s", p->global_fields);
	if (p->restart_fields)
		log_warn(LS_CFG, "reload: %s changed: takes effect only after a restart",
			 p->restart_fields);
	if (p->secrets_changed)
		log_info(LS_CFG, "reload: secrets changed (new IKE SAs use them)");
}

int daemon_reload(struct daemon *d, int dry_run, struct reload_result *r)
{
	struct config *old, *new;
	size_t i;

	memset(r, 0, sizeof(*r));
	new = config_load(d->cfg_path, &r->diag);
	for (i = 0; i < r->diag.nwarnings; i++)
		log_warn(LS_CFG, "%s", r->diag.warnings[i]);
	if (!new) {
		for (i = 0; i < r->diag.nerrors; i++)
			log_err(LS_CFG, "%s", r->diag.errors[i]);
		snprintf(r->err, sizeof(r->err), "%s: %zu error%s, running configuration kept",
			 d->cfg_path, r->diag.nerrors, r->diag.nerrors == 1 ? "" : "s");
		log_err(LS_CFG, "reload: %s", r->err);
		d->reload_failures++;
		return -1;
	}
	if (plan_compute(d->cfg, new, &r->plan) < 0) {
		snprintf(r->err, sizeof(r->err), "out of memory computing the reload plan");
		goto fail;
	}
	if (dry_run) {
		config_free(new);
		return 0;
	}
	sd_notify_reloading();
	if (engine_reload(d->engine, new, &r->plan, r->err, sizeof(r->err)) < 0) {
		log_err(LS_CFG, "reload: engine refused the new configuration: %s", r->err);
		sd_notify_ready();
		goto fail;
	}
	log_plan(&r->plan);
	old = d->cfg;
	d->cfg = new;
	config_free(old);
	daemon_apply_log_levels(d);
	d->reloads++;
	r->applied = 1;
	log_info(LS_CFG, "reloaded %s: %zu connection%s", d->cfg_path, d->cfg->nconns,
		 d->cfg->nconns == 1 ? "" : "s");
	sd_notify_ready();
	return 0;
fail:
	d->reload_failures++;
	config_free(new);
	return -1;
}

void reload_result_free(struct reload_result *r)
{
	conf_diag_free(&r->diag);
	plan_free(&r->plan);
}
