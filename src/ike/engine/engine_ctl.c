/*
 * The engine.h actions ikectl added for operators: terminating one CHILD
 * SA, installing and removing trap policies by hand, and reauthenticating
 * an IKE SA now.  Each answers with how many things it acted on, or -1 and
 * a message naming what was not found.
 */
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine/exchange.h"

/* Installed CHILD SAs by child name (conn optional), or one by id. */
int engine_terminate_child(struct engine *e, const char *conn, const char *child,
			   uint64_t child_sa_id, char *err, size_t errlen)
{
	int n = 0;

	for (struct ike_sa *sa = e->sas; sa; sa = sa->next) {
		struct child_sa *c, *next;

		if (!ike_sa_of_conn(sa, conn))
			continue;
		for (c = sa->children; c; c = next) {
			next = c->next;
			if (child_sa_id ? c->id != child_sa_id : strcmp(c->cfg->name, child) != 0)
				continue;
			if (c->state != CHILD_SA_INSTALLED && c->state != CHILD_SA_REKEYED) {
				if (!child_sa_id)
					continue;
				snprintf(err, errlen, "terminate: CHILD SA %llu is %s; only an "
					 "installed one is deleted", (unsigned long long)c->id,
					 child_sa_state_name(c->state));
				return -1;
			}
			log_info(LS_CHD, "CHILD SA %llu (%s/%s) %08x: deleted by ikectl",
				 (unsigned long long)c->id, sa->conn ? sa->conn->name : "-",
				 c->cfg->name, c->spi_in);
			info_delete_child(c);	/* c is gone; next stays valid */
			n++;
		}
	}
	if (n)
		return n;
	if (child_sa_id)
		snprintf(err, errlen, "terminate: no CHILD SA with id %llu",
			 (unsigned long long)child_sa_id);
	else
		snprintf(err, errlen, "terminate: no installed CHILD SA named '%s'%s%s", child,
			 conn ? " in connection " : "", conn ? conn : "");
	return -1;
}

static int find_children(struct engine *e, const char *verb, const char *conn, const char *child,
			 const struct conf_conn **c, const struct conf_child **ch, char *err,
			 size_t errlen)
{
	*c = config_find_conn(e->cfg, conn);
	*ch = NULL;
	if (!*c) {
		snprintf(err, errlen, "%s: no connection named '%s'", verb, conn);
		return -1;
	}
	if (child && !(*ch = config_find_child(*c, child))) {
		snprintf(err, errlen, "%s: connection %s has no child '%s'", verb, conn, child);
		return -1;
	}
	return 0;
}

int engine_install(struct engine *e, const char *conn, const char *child, char *err,
		   size_t errlen)
{
	const struct conf_conn *c;
	const struct conf_child *ch;
	int n = 0;

	if (find_children(e, "install", conn, child, &c, &ch, err, errlen) < 0)
		return -1;
	for (size_t k = 0; k < c->nchildren; k++) {
		if (ch && ch != &c->children[k])
			continue;
		if (trap_reqid(e, c, &c->children[k], NULL))
			continue;
		if (trap_install_child(e, c, &c->children[k]) < 0) {
			snprintf(err, errlen, "install: connection %s child %s: trap policies "
				 "refused (literal local_addrs and remote_addrs needed; see the log)",
				 conn, c->children[k].name);
			return -1;
		}
		n++;
	}
	return n;
}

struct child_sa *engine_child_up(struct engine *e, const struct conf_conn *c,
				 const struct conf_child *ch)
{
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next)
		for (struct child_sa *cs = sa->children; sa->conn == c && cs; cs = cs->next)
			if ((!ch || cs->cfg == ch) && cs->state != CHILD_SA_DEAD)
				return cs;
	return NULL;
}

int engine_uninstall(struct engine *e, const char *conn, const char *child, char *err,
		     size_t errlen)
{
	const struct conf_conn *c;
	const struct conf_child *ch;
	struct child_sa *cs;
	size_t n;

	if (find_children(e, "uninstall", conn, child, &c, &ch, err, errlen) < 0)
		return -1;
	/* a CHILD SA's policies stand in for the trap policies while it is up */
	cs = engine_child_up(e, c, ch);
	if (cs) {
		snprintf(err, errlen, "uninstall: CHILD SA %llu of %s/%s is up: its policies stand "
			 "in for the trap policies; terminate it first", (unsigned long long)cs->id,
			 conn, cs->cfg->name);
		return -1;
	}
	n = trap_uninstall(e, c, ch);
	if (!n) {
		snprintf(err, errlen, "uninstall: no trap policies installed for %s%s%s", conn,
			 child ? "/" : "", child ? child : "");
		return -1;
	}
	log_info(LS_CHD, "%s%s%s: trap policies removed by ikectl", conn, child ? "/" : "",
		 child ? child : "");
	return (int)n;
}

int engine_reauth(struct engine *e, const char *conn, uint64_t ike_sa_id, char *err,
		  size_t errlen)
{
	struct ike_sa *sa, *next;
	int n = 0;

	for (sa = e->sas; sa; sa = next) {
		next = sa->next;
		if (ike_sa_id ? sa->id != ike_sa_id : !ike_sa_of_conn(sa, conn))
			continue;
		if (sa->state != IKE_SA_ESTABLISHED || sa->rk.successor)
			continue;
		if (rekey_reauth(sa) < 0) {
			snprintf(err, errlen, "rekey --reauth: IKE SA %llu: the new IKE SA could "
				 "not be started (see the log)", (unsigned long long)sa->id);
			return -1;
		}
		n++;
	}
	if (n)
		return n;
	if (ike_sa_id)
		snprintf(err, errlen, "rekey --reauth: no established IKE SA with id %llu",
			 (unsigned long long)ike_sa_id);
	else
		snprintf(err, errlen, "rekey --reauth: no established IKE SA of connection '%s'",
			 conn ? conn : "");
	return -1;
}

int engine_redirect(struct engine *e, const char *conn, uint64_t ike_sa_id, const char *gateway,
		    char *err, size_t errlen)
{
	struct redirect_gw gw;
	struct ike_sa *sa;
	int n = 0;

	if (redirect_gw_parse(gateway, &gw) < 0) {
		snprintf(err, errlen, "redirect: \"%s\" is not an IP address or a host name",
			 gateway);
		return -1;
	}
	for (sa = e->sas; sa; sa = sa->next) {
		if (ike_sa_id ? sa->id != ike_sa_id : !ike_sa_of_conn(sa, conn))
			continue;
		if (!ike_sa_id && (sa->state != IKE_SA_ESTABLISHED || !sa->redir.peer_announced))
			continue;
		if (redirect_send(sa, &gw, err, errlen) < 0)
			return -1;
		n++;
	}
	if (n)
		return n;
	if (ike_sa_id)
		snprintf(err, errlen, "redirect: no IKE SA with id %llu",
			 (unsigned long long)ike_sa_id);
	else
		snprintf(err, errlen, "redirect: no established IKE SA of connection '%s' whose "
			 "client supports redirects", conn ? conn : "");
	return -1;
}
