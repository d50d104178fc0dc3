#include "ike/core/daemon.h"

#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/loop.h"
#include "ike/core/radius_client.h"
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
	if (d->radius)
		radius_client_set_config(d->radius, &d->cfg->radius);
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

/* strongSwan runs the script once per pair of selectors; a bound keeps a
 * child with long selector lists from flooding the queue. */
#define UPDOWN_MAX_PAIRS	16

void daemon_updown(struct daemon *d, const struct engine_event *ev)
{
	const struct conf_conn *c;
	const struct conf_child *ch;
	struct updown_call call;
	struct updown_env env;
	char ifname[IF_NAMESIZE + 1], verb[32], label[2 * CONF_NAME_MAX + 40];
	size_t i, j, pairs = 0;

	if (!ev->updown || !d->updown || !ev->conn || !ev->child ||
	    !(c = config_find_conn(d->cfg, ev->conn)) || !(ch = config_find_child(c, ev->child)) ||
	    !ch->updown)
		return;
	memset(&call, 0, sizeof(call));
	call.conn = ev->conn;
	call.child = ev->child;
	call.ike_sa_id = ev->ike_sa_id;
	call.u = ev->updown;
	call.interface = updown_interface(&ev->updown->local, ifname, sizeof(ifname));
	call.if_id_in = (uint32_t)ch->if_id_in;
	call.if_id_out = (uint32_t)ch->if_id_out;
	for (i = 0; i < call.u->nlocal_ts; i++)
		for (j = 0; j < call.u->nremote_ts; j++) {
			if (pairs++ == UPDOWN_MAX_PAIRS) {
				log_warn(LS_DMN, "updown %s/%s: more than %u selector pairs, the rest "
					 "not run", ev->conn, ev->child, UPDOWN_MAX_PAIRS);
				return;
			}
			snprintf(label, sizeof(label), "%s/%s %s", ev->conn, ev->child,
				 updown_verb(&call, i, verb, sizeof(verb)));
			if (updown_env_build(&env, &call, i, j) < 0) {
				log_err(LS_DMN, "updown %s: environment too large, not run", label);
				continue;
			}
			/* one flow's runs in order: its reqid stays across rekeys */
			updown_run(d->updown, ch->updown, env.v, label, ev->updown->reqid);
		}
}

void reload_result_free(struct reload_result *r)
{
	conf_diag_free(&r->diag);
	plan_free(&r->plan);
}
