/*
 * Control requests, one handler per command (field names: ikectl(8)).
 * Every response carries "ok"; a failed one carries "error" and, for a
 * reload, "errors" (one "file:line: message" each).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "common/log.h"
#include "common/loop.h"
#include "ike/codec/names.h"
#include "ike/core/ctlcerts.h"
#include "ike/core/ctlconf.h"
#include "ike/core/daemon.h"
#include "ike/core/diag.h"

typedef void (*cmd_fn)(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
		       struct ctl_enc *resp);

static void fail(struct ctl_enc *resp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct ctl_enc *resp, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctl_put_bool(resp, "ok", 0);
	ctl_put_str(resp, "error", msg);
}

/* The "conn" argument must name a configured connection, if given. */
static int check_conn(struct daemon *d, const struct ctl_val *req, struct ctl_enc *resp,
		      const struct conf_conn **out)
{
	const char *name = ctl_get_str(req, "conn");

	*out = NULL;
	if (!name)
		return 0;
	*out = config_find_conn(d->cfg, name);
	if (!*out) {
		fail(resp, "unknown connection '%s'", name);
		return -1;
	}
	return 0;
}

static void cmd_show_conns(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
			   struct ctl_enc *resp)
{
	const struct conf_conn *only;
	size_t i;

	if (check_conn(d, req, resp, &only) < 0)
		return;
	ctl_put_bool(resp, "ok", 1);
	ctl_begin_list(resp, "conns");
	for (i = 0; i < d->cfg->nconns; i++)
		if (!only || only == &d->cfg->conns[i])
			ctl_put_conn(resp, NULL, &d->cfg->conns[i]);
	ctl_end(resp);
}

static void count_sa(const struct engine_ike_sa_info *sa, void *arg)
{
	uint64_t *n = arg;

	n[strcmp(sa->state, "ESTABLISHED") == 0]++;
}

/* diagnose CONN: its recent failures and log lines, with advice (diag.c). */
static void cmd_diagnose(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
			 struct ctl_enc *resp)
{
	const struct conf_conn *conn;
	uint64_t n[2] = { 0, 0 };	/* other states, established */

	(void)c;
	if (check_conn(d, req, resp, &conn) < 0)
		return;
	if (!conn) {
		fail(resp, "diagnose needs a connection name");
		return;
	}
	ctl_put_bool(resp, "ok", 1);
	ctl_put_str(resp, "conn", conn->name);
	if (d->engine)
		engine_list_ike_sas(d->engine, conn->name, count_sa, n);
	ctl_put_u64(resp, "ike_sas_established", n[1]);
	ctl_put_u64(resp, "ike_sas_other", n[0]);
	diag_put(d->diag, conn->name, resp);
}

static void cmd_show_certs(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
			   struct ctl_enc *resp)
{
	(void)c;
	(void)req;
	ctl_put_bool(resp, "ok", 1);
	if (ctl_put_certs(resp, d->cfg) < 0)
		fail(resp, "out of memory");
}

static void put_hex64(struct ctl_enc *e, const char *name, uint64_t v, int width)
{
	char buf[20];

	snprintf(buf, sizeof(buf), "%0*" PRIx64, width, v);
	ctl_put_str(e, name, buf);
}

static void put_addr(struct ctl_enc *e, const char *name, const struct addr *a)
{
	char buf[ADDR_STRLEN];

	ctl_put_str(e, name, addr_str(a, buf, sizeof(buf)));
}

static void put_ident(struct ctl_enc *e, const char *name, const struct ident *id)
{
	char buf[IDENT_STRLEN];

	ctl_put_str(e, name, ident_str(id, buf, sizeof(buf)));
}

static void put_hosts(struct ctl_enc *e, const char *name, const struct addr *a, size_t n)
{
	char buf[ADDR_STRLEN];

	ctl_begin_list(e, name);
	for (size_t i = 0; i < n; i++)
		ctl_put_str(e, NULL, addr_host_str(&a[i], buf, sizeof(buf)));
	ctl_end(e);
}

static void put_sa(const struct engine_ike_sa_info *sa, void *arg)
{
	struct ctl_enc *e = arg;

	ctl_begin_rec(e, NULL);
	ctl_put_u64(e, "id", sa->id);
	ctl_put_str(e, "conn", sa->conn);
	ctl_put_str(e, "state", sa->state);
	ctl_put_bool(e, "initiator", sa->initiator);
	put_hex64(e, "spi_i", sa->spi_i, 16);
	put_hex64(e, "spi_r", sa->spi_r, 16);
	put_addr(e, "local", &sa->local);
	put_addr(e, "remote", &sa->remote);
	put_ident(e, "local_id", &sa->local_id);
	put_ident(e, "remote_id", &sa->remote_id);
	ctl_put_str(e, "proposal", sa->proposal);
	ctl_put_bool(e, "nat_local", sa->nat_local);
	ctl_put_bool(e, "nat_remote", sa->nat_remote);
	ctl_put_bool(e, "fragmentation", sa->fragmentation);
	ctl_put_bool(e, "established", sa->established);
	ctl_put_u64(e, "established_secs", sa->established_secs);
	ctl_put_u64(e, "rekey_in_secs", sa->rekey_in_secs);
	ctl_put_u64(e, "reauth_in_secs", sa->reauth_in_secs);
	ctl_put_u64(e, "children", sa->nchildren);
	ctl_put_str(e, "local_auth", sa->local_auth ? ike_auth_method_name(sa->local_auth) : "");
	ctl_put_str(e, "remote_auth", sa->remote_auth ? ike_auth_method_name(sa->remote_auth) : "");
	ctl_put_str(e, "peer_cert", sa->peer_cert ? sa->peer_cert : "");
	put_hosts(e, "vips", sa->vips, sa->nvips);
	put_hosts(e, "dns", sa->dns, sa->ndns);
	ctl_put_str(e, "eap_id", sa->eap_id ? sa->eap_id : "");
	ctl_end(e);
}

/* The head of show sa/child: checks "conn", opens the list; -1 if answered already. */
static int begin_sa_list(struct daemon *d, const struct ctl_val *req, struct ctl_enc *resp,
			 const char *list, const char **conn)
{
	const struct conf_conn *only;

	if (check_conn(d, req, resp, &only) < 0)
		return -1;
	*conn = only ? only->name : NULL;
	ctl_put_bool(resp, "ok", 1);
	ctl_put_str(resp, "engine", engine_kind());
	ctl_begin_list(resp, list);
	return 0;
}

static void cmd_show_sa(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
			struct ctl_enc *resp)
{
	const char *conn;

	if (begin_sa_list(d, req, resp, "sas", &conn) < 0)
		return;
	engine_list_ike_sas(d->engine, conn, put_sa, resp);
	ctl_end(resp);
}

/* show pools: each pool with its leases (a lease follows its pool). */
struct pools_out {
	struct ctl_enc *e;
	int open;		/* a pool record with its "leases" list is open */
};

static void put_pool(const struct engine_pool_info *p, void *arg)
{
	struct pools_out *o = arg;

	if (o->open) {
		ctl_end(o->e);
		ctl_end(o->e);
	}
	ctl_begin_rec(o->e, NULL);
	ctl_put_str(o->e, "name", p->name);
	ctl_put_str(o->e, "addrs", p->addrs);
	ctl_put_u64(o->e, "size", p->size);
	ctl_put_u64(o->e, "online", p->online);
	ctl_put_u64(o->e, "offline", p->offline);
	ctl_begin_list(o->e, "leases");
	o->open = 1;
}

static void put_lease(const struct engine_pool_lease *l, void *arg)
{
	struct pools_out *o = arg;
	char buf[ADDR_STRLEN];

	ctl_begin_rec(o->e, NULL);
	ctl_put_str(o->e, "addr", addr_host_str(&l->addr, buf, sizeof(buf)));
	put_ident(o->e, "id", &l->id);
	ctl_put_bool(o->e, "online", l->online);
	ctl_end(o->e);
}

static void cmd_show_pools(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
			   struct ctl_enc *resp)
{
	struct pools_out o = { resp, 0 };

	ctl_put_bool(resp, "ok", 1);
	ctl_put_str(resp, "engine", engine_kind());
	ctl_begin_list(resp, "pools");
	engine_list_pools(d->engine, put_pool, put_lease, &o);
	if (o.open) {
		ctl_end(resp);
		ctl_end(resp);
	}
	ctl_end(resp);
}

static void put_ts_array(struct ctl_enc *e, const char *name, const struct ike_ts *ts, size_t n)
{
	struct tsspec t;
	char buf[TSSPEC_STRLEN];
	size_t i;

	ctl_begin_list(e, name);
	for (i = 0; i < n; i++) {
		memset(&t, 0, sizeof(t));
		t.ts = ts[i];
		ctl_put_str(e, NULL, tsspec_str(&t, buf, sizeof(buf)));
	}
	ctl_end(e);
}

static void put_child(const struct engine_child_sa_info *ch, void *arg)
{
	struct ctl_enc *e = arg;

	ctl_begin_rec(e, NULL);
	ctl_put_u64(e, "ike_sa_id", ch->ike_sa_id);
	ctl_put_u64(e, "id", ch->id);
	ctl_put_str(e, "conn", ch->conn);
	ctl_put_str(e, "child", ch->child);
	ctl_put_str(e, "state", ch->state);
	ctl_put_str(e, "mode", conf_mode_name(ch->mode));
	ctl_put_str(e, "protocol", ch->protocol == PROTO_AH ? "ah" : "esp");
	put_hex64(e, "spi_in", ch->spi_in, 8);
	put_hex64(e, "spi_out", ch->spi_out, 8);
	ctl_put_u64(e, "reqid", ch->reqid);
	ctl_put_str(e, "proposal", ch->proposal);
	put_ts_array(e, "local_ts", ch->local_ts, ch->nlocal_ts);
	put_ts_array(e, "remote_ts", ch->remote_ts, ch->nremote_ts);
	ctl_put_u64(e, "bytes_in", ch->bytes_in);
	ctl_put_u64(e, "bytes_out", ch->bytes_out);
	ctl_put_u64(e, "packets_in", ch->packets_in);
	ctl_put_u64(e, "packets_out", ch->packets_out);
	ctl_put_u64(e, "installed_secs", ch->installed_secs);
	ctl_put_u64(e, "rekey_in_secs", ch->rekey_in_secs);
	ctl_put_u64(e, "expire_in_secs", ch->expire_in_secs);
	ctl_put_u64(e, "mark_in", ch->mark_in);
	ctl_put_u64(e, "mark_in_mask", ch->mark_in_mask);
	ctl_put_u64(e, "mark_out", ch->mark_out);
	ctl_put_u64(e, "mark_out_mask", ch->mark_out_mask);
	ctl_put_u64(e, "if_id_in", ch->if_id_in);
	ctl_put_u64(e, "if_id_out", ch->if_id_out);
	ctl_end(e);
}

static void cmd_show_child(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
			   struct ctl_enc *resp)
{
	const char *conn;

	if (begin_sa_list(d, req, resp, "children", &conn) < 0)
		return;
	engine_list_child_sas(d->engine, conn, put_child, resp);
	ctl_end(resp);
}

/* show kernel collects into a scratch encoder: the lists are separate. */
struct kernel_lists {
	struct ctl_enc sas, pols;
};

static void put_kernel_sa(const struct engine_kernel_sa *sa, void *arg)
{
	struct ctl_enc *e = &((struct kernel_lists *)arg)->sas;

	ctl_begin_rec(e, NULL);
	put_addr(e, "src", &sa->src);
	put_addr(e, "dst", &sa->dst);
	put_hex64(e, "spi", sa->spi, 8);
	ctl_put_str(e, "protocol", sa->protocol == PROTO_AH ? "ah" : "esp");
	ctl_put_u64(e, "reqid", sa->reqid);
	ctl_put_str(e, "mode", conf_mode_name(sa->mode));
	ctl_put_str(e, "enc_alg", sa->enc_alg ? sa->enc_alg : "");
	ctl_put_str(e, "integ_alg", sa->integ_alg ? sa->integ_alg : "");
	ctl_put_u64(e, "bytes", sa->bytes);
	ctl_put_u64(e, "packets", sa->packets);
	ctl_end(e);
}

static void put_kernel_policy(const struct engine_kernel_policy *p, void *arg)
{
	struct ctl_enc *e = &((struct kernel_lists *)arg)->pols;

	ctl_begin_rec(e, NULL);
	ctl_put_str(e, "dir", p->dir);
	put_ts_array(e, "src", &p->src, 1);
	put_ts_array(e, "dst", &p->dst, 1);
	ctl_put_u64(e, "reqid", p->reqid);
	ctl_put_u64(e, "priority", p->priority);
	ctl_put_str(e, "action", p->action);
	ctl_put_u64(e, "mark", p->mark);
	ctl_put_u64(e, "mark_mask", p->mark_mask);
	ctl_put_u64(e, "if_id", p->if_id);
	ctl_end(e);
}

/* Copies the items of a scratch list (its one element) into resp under name. */
static void splice_list(struct ctl_enc *resp, const char *name, struct ctl_enc *scratch)
{
	const uint8_t *frame;
	struct ctl_val root;
	size_t len, i;
	uint8_t kind;
	char err[64];

	ctl_begin_list(resp, name);
	if (ctl_enc_finish(scratch, &frame, &len) == 0 &&
	    ctl_decode(frame + 4, len - 4, &kind, &root, err, sizeof(err)) == 0) {
		for (i = 0; root.nkids == 1 && i < root.kids[0].nkids; i++)
			ctl_put_val(resp, &root.kids[0].kids[i]);
		ctl_val_free(&root);
	}
	ctl_end(resp);
}

static void cmd_show_kernel(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
			    struct ctl_enc *resp)
{
	struct kernel_lists k;
	char err[256];

	ctl_enc_init(&k.sas, CTL_MSG_RESPONSE);
	ctl_enc_init(&k.pols, CTL_MSG_RESPONSE);
	ctl_begin_list(&k.sas, "l");
	ctl_begin_list(&k.pols, "l");
	if (engine_list_kernel(d->engine, put_kernel_sa, put_kernel_policy, &k, err, sizeof(err)) < 0) {
		fail(resp, "%s", err);
	} else {
		ctl_end(&k.sas);
		ctl_end(&k.pols);
		ctl_put_bool(resp, "ok", 1);
		splice_list(resp, "sas", &k.sas);
		splice_list(resp, "policies", &k.pols);
	}
	ctl_enc_free(&k.sas);
	ctl_enc_free(&k.pols);
}

static void cmd_show_stats(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
			   struct ctl_enc *resp)
{
	struct engine_stats st;

	engine_get_stats(d->engine, &st);
	ctl_put_bool(resp, "ok", 1);
	ctl_put_str(resp, "engine", engine_kind());
	ctl_put_str(resp, "version", PACKAGE_VERSION);
	ctl_put_u64(resp, "uptime_secs", (loop_now_ms(d->loop) - d->start_ms) / 1000);
	ctl_put_u64(resp, "reloads", d->reloads);
	ctl_put_u64(resp, "reload_failures", d->reload_failures);
	ctl_put_u64(resp, "control_requests", ctl_server_requests(d->ctl));
	ctl_put_u64(resp, "connections", d->cfg->nconns);
	ctl_put_u64(resp, "ike_sas", st.ike_sas);
	ctl_put_u64(resp, "ike_sas_half_open", st.ike_sas_half_open);
	ctl_put_u64(resp, "child_sas", st.child_sas);
	ctl_put_u64(resp, "ike_sas_established_total", st.ike_sas_established_total);
	ctl_put_u64(resp, "child_sas_installed_total", st.child_sas_installed_total);
	ctl_put_u64(resp, "packets_in", st.packets_in);
	ctl_put_u64(resp, "packets_out", st.packets_out);
	ctl_put_u64(resp, "bytes_in", st.bytes_in);
	ctl_put_u64(resp, "bytes_out", st.bytes_out);
	ctl_put_u64(resp, "packets_dropped", st.packets_dropped);
	ctl_put_u64(resp, "retransmits", st.retransmits);
	ctl_put_u64(resp, "cookies_sent", st.cookies_sent);
	ctl_put_u64(resp, "init_refused_half_open", st.init_refused_half_open);
	ctl_put_u64(resp, "kernel_errors", st.kernel_errors);
	ctl_put_u64(resp, "invalid_spi_sent", st.invalid_spi_sent);
	ctl_put_u64(resp, "invalid_spi_limited", st.invalid_spi_limited);
	ctl_put_u64(resp, "invalid_spi_received", st.invalid_spi_received);
	ctl_put_u64(resp, "unique_refused", st.unique_refused);
	ctl_put_u64(resp, "unique_replaced", st.unique_replaced);
	ctl_put_u64(resp, "nat_peer_moves", st.nat_peer_moves);
	ctl_put_u64(resp, "nat_moves_refused", st.nat_moves_refused);
	ctl_put_u64(resp, "nat_mappings_ignored", st.nat_mappings_ignored);
	ctl_put_u64(resp, "fragments_out", st.frags_out);
	ctl_put_u64(resp, "fragments_in", st.frags_in);
	ctl_put_u64(resp, "fragments_dropped", st.frags_dropped);
	ctl_put_u64(resp, "fragmented_messages_out", st.frag_msgs_out);
	ctl_put_u64(resp, "fragmented_messages_in", st.frag_msgs_in);
	ctl_put_u64(resp, "redirects_sent", st.redirects_sent);
	ctl_put_u64(resp, "redirects_followed", st.redirects_followed);
	ctl_put_u64(resp, "redirects_refused", st.redirects_refused);
	ctl_put_u64(resp, "handshakes_completed", st.handshakes_completed);
	for (unsigned i = 0; i < ENGINE_FAIL_MAX; i++) {
		char name[CTL_NAME_MAX + 1];

		snprintf(name, sizeof(name), "handshakes_failed_%s", engine_fail_name(i));
		ctl_put_u64(resp, name, st.handshakes_failed[i]);
	}
	ctl_put_u64(resp, "ike_rekeys", st.ike_rekeys);
	ctl_put_u64(resp, "child_rekeys", st.child_rekeys);
	ctl_put_u64(resp, "peers_lost", st.peers_lost);
}

static void cmd_initiate(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
			 struct ctl_enc *resp)
{
	const char *child = ctl_get_str(req, "child");
	int ike_only = ctl_get_bool(req, "ike_only");
	const struct conf_conn *conn;
	uint64_t timeout_ms = 0;
	char err[256];

	if (check_conn(d, req, resp, &conn) < 0)
		return;
	if (!conn) {
		fail(resp, "initiate: which connection? (CONN or CONN/CHILD)");
		return;
	}
	if (child && !config_find_child(conn, child)) {
		fail(resp, "connection '%s' has no child '%s'", conn->name, child);
		return;
	}
	if (ike_only && child) {
		fail(resp, "initiate --ike-only: CONN, not CONN/CHILD");
		return;
	}
	if ((ike_only ? engine_initiate_ike(d->engine, conn->name, err, sizeof(err)) :
	     engine_initiate(d->engine, conn->name, child, err, sizeof(err))) < 0) {
		fail(resp, "%s", err);
		return;
	}
	/* "wait_ms": wait for the outcome (ikectl's default); without it, at once */
	if (ctl_get_u64(req, "wait_ms", &timeout_ms) == 0 && timeout_ms && c) {
		if (ctl_wait_initiate(d, c, conn, child, timeout_ms, resp) < 0)
			fail(resp, "initiate: out of memory");
		return;
	}
	ctl_put_bool(resp, "ok", 1);
}

/* 1 if some connection (conn, if given) has a child named name. */
static int child_configured(const struct config *cfg, const struct conf_conn *conn,
			    const char *name)
{
	for (size_t i = 0; i < cfg->nconns; i++)
		if ((!conn || conn == &cfg->conns[i]) && config_find_child(&cfg->conns[i], name))
			return 1;
	return 0;
}

/* The engine's answer: -1 fails with its message; else its count goes out as
 * field (NULL: the action returns no count). */
static void answer(struct ctl_enc *resp, int rc, const char *err, const char *field)
{
	if (rc < 0) {
		fail(resp, "%s", err);
		return;
	}
	ctl_put_bool(resp, "ok", 1);
	if (field)
		ctl_put_u64(resp, field, (uint64_t)rc);
}

/*
 * terminate/rekey with "child" (a child name, "conn" optional) or "child_sa"
 * (an id).
 */
static void child_sa_action(struct daemon *d, const struct ctl_val *req, struct ctl_enc *resp,
			    int (*action)(struct engine *, const char *, const char *, uint64_t,
					  char *, size_t),
			    const char *verb, const char *field)
{
	const char *child = ctl_get_str(req, "child");
	const struct conf_conn *conn;
	uint64_t id = 0;
	char err[256];
	int rc;

	if (check_conn(d, req, resp, &conn) < 0)
		return;
	if (!child && ctl_get_u64(req, "child_sa", &id) < 0) {
		fail(resp, "%s: which CHILD SA? (a child name or a CHILD SA id)", verb);
		return;
	}
	if (!child && id == 0) {
		fail(resp, "%s: CHILD SA id 0 names no SA (ids start at 1)", verb);
		return;
	}
	if (child && !child_configured(d->cfg, conn, child)) {
		if (conn)
			fail(resp, "connection '%s' has no child '%s'", conn->name, child);
		else
			fail(resp, "no connection has a child '%s'", child);
		return;
	}
	rc = action(d->engine, conn ? conn->name : NULL, child, id, err, sizeof(err));
	answer(resp, rc, err, field);
}

/*
 * terminate and rekey take a connection name or an IKE SA id.  With a
 * client c and "wait_ms" (terminate), the answer waits until the SAs are
 * gone (ctlwait.c).
 */
static void sa_action(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
		      struct ctl_enc *resp,
		      int (*action)(struct engine *, const char *, uint64_t, char *, size_t),
		      const char *verb, const char *field)
{
	const struct conf_conn *conn;
	struct ctl_wait *w = NULL;
	uint64_t id = 0, wait_ms = 0;
	char err[256];
	int rc;

	if (check_conn(d, req, resp, &conn) < 0)
		return;
	if (!conn && ctl_get_u64(req, "sa", &id) < 0) {
		fail(resp, "%s: which connection or IKE SA id?", verb);
		return;
	}
	if (!conn && id == 0) {
		fail(resp, "%s: IKE SA id 0 names no SA (ids start at 1)", verb);
		return;
	}
	if (c && ctl_get_u64(req, "wait_ms", &wait_ms) == 0 && wait_ms &&
	    !(w = ctl_wait_terminate_prepare(d, c, conn ? conn->name : NULL, id))) {
		fail(resp, "%s: out of memory", verb);
		return;
	}
	rc = action(d->engine, conn ? conn->name : NULL, id, err, sizeof(err));
	if (w && rc >= 0) {
		ctl_wait_terminate_start(w, wait_ms, resp);
		return;
	}
	free(w);
	answer(resp, rc, err, field);
}

static void cmd_terminate(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
			  struct ctl_enc *resp)
{
	uint64_t id;

	if (ctl_get_str(req, "child") || ctl_get_u64(req, "child_sa", &id) == 0)
		child_sa_action(d, req, resp, engine_terminate_child, "terminate", "child_sas");
	else
		sa_action(d, c, req, resp, engine_terminate, "terminate", NULL);
}

/* install/uninstall: "conn" and optionally "child". */
static void trap_action(struct daemon *d, const struct ctl_val *req, struct ctl_enc *resp,
			int (*action)(struct engine *, const char *, const char *, char *, size_t),
			const char *verb)
{
	const char *child = ctl_get_str(req, "child");
	const struct conf_conn *conn;
	char err[256];

	if (check_conn(d, req, resp, &conn) < 0)
		return;
	if (!conn) {
		fail(resp, "%s: which connection? (CONN or CONN/CHILD)", verb);
		return;
	}
	if (child && !config_find_child(conn, child)) {
		fail(resp, "connection '%s' has no child '%s'", conn->name, child);
		return;
	}
	answer(resp, action(d->engine, conn->name, child, err, sizeof(err)), err, "children");
}

static void cmd_install(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
			struct ctl_enc *resp)
{
	trap_action(d, req, resp, engine_install, "install");
}

static void cmd_uninstall(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
			  struct ctl_enc *resp)
{
	trap_action(d, req, resp, engine_uninstall, "uninstall");
}

static void cmd_rekey(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
		      struct ctl_enc *resp)
{
	uint64_t id;

	if (ctl_get_str(req, "child") || ctl_get_u64(req, "child_sa", &id) == 0)
		child_sa_action(d, req, resp, engine_rekey_child, "rekey", NULL);
	else if (ctl_get_bool(req, "reauth"))
		sa_action(d, NULL, req, resp, engine_reauth, "rekey --reauth", "ike_sas");
	else
		sa_action(d, NULL, req, resp, engine_rekey, "rekey", NULL);
}

/* redirect: "conn" or "sa", and "gateway" (RFC 5685 5, engine_redirect) */
static void cmd_redirect(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
			 struct ctl_enc *resp)
{
	const char *gw = ctl_get_str(req, "gateway");
	const struct conf_conn *conn;
	uint64_t id = 0;
	char err[256];

	if (check_conn(d, req, resp, &conn) < 0)
		return;
	if (!conn && (ctl_get_u64(req, "sa", &id) < 0 || id == 0)) {
		fail(resp, "redirect: which connection or IKE SA id?");
		return;
	}
	if (!gw || !*gw) {
		fail(resp, "redirect: which gateway? (--gateway ADDR|FQDN)");
		return;
	}
	answer(resp, engine_redirect(d->engine, conn ? conn->name : NULL, id, gw, err,
				     sizeof(err)), err, "ike_sas");
}

/* "a, b" -> ["a", "b"]: JSON readers get lists, not text to split. */
static void put_csv_list(struct ctl_enc *resp, const char *name, const char *csv)
{
	const char *p = csv;
	char item[CTL_NAME_MAX + 1];
	size_t n;

	ctl_begin_list(resp, name);
	while (p && *p) {
		n = strcspn(p, ",");
		snprintf(item, sizeof(item), "%.*s", (int)n, p);
		ctl_put_str(resp, NULL, item);
		p += n;
		p += strspn(p, ", ");
	}
	ctl_end(resp);
}

static void put_sa_id(const struct engine_ike_sa_info *sa, void *arg)
{
	ctl_put_u64(arg, NULL, sa->id);
}

/* What a change does to the connection's SAs: kept, or replaced and why.
 * The ids are the running IKE SAs (for an applied reload: those kept). */
static void put_change(struct daemon *d, struct ctl_enc *resp, const struct plan_entry *v,
		       int applied)
{
	ctl_begin_rec(resp, NULL);
	ctl_put_str(resp, "conn", v->conn);
	put_csv_list(resp, "fields", v->fields);
	ctl_put_bool(resp, "keeps_sas", v->keep_sas);
	put_csv_list(resp, "replaced_by", v->replace_fields);
	ctl_begin_list(resp, "ike_sas");
	if (v->keep_sas || !applied)
		engine_list_ike_sas(d->engine, v->conn, put_sa_id, resp);
	ctl_end(resp);
	ctl_end(resp);
}

static void put_plan(struct daemon *d, struct ctl_enc *resp, const struct reload_plan *p,
		     int applied)
{
	static const enum plan_op ops[] = { PLAN_ADD, PLAN_REMOVE };
	size_t i, k;

	for (k = 0; k < 2; k++) {
		ctl_begin_list(resp, plan_op_name(ops[k]));
		for (i = 0; i < p->n; i++)
			if (p->v[i].op == ops[k])
				ctl_put_str(resp, NULL, p->v[i].conn);
		ctl_end(resp);
	}
	ctl_begin_list(resp, "change");
	for (i = 0; i < p->n; i++)
		if (p->v[i].op == PLAN_CHANGE)
			put_change(d, resp, &p->v[i], applied);
	ctl_end(resp);
	put_csv_list(resp, "global_changed", p->global_fields);
	put_csv_list(resp, "restart_needed", p->restart_fields);
	ctl_put_bool(resp, "secrets_changed", p->secrets_changed);
}

static void put_strv(struct ctl_enc *resp, const char *name, char **v, size_t n)
{
	size_t i;

	ctl_begin_list(resp, name);
	for (i = 0; i < n; i++)
		ctl_put_str(resp, NULL, v[i]);
	ctl_end(resp);
}

static void cmd_reload(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
		       struct ctl_enc *resp)
{
	int dry_run = ctl_get_bool(req, "dry_run");
	struct reload_result r;

	if (daemon_reload(d, dry_run, &r) < 0) {
		fail(resp, "%s", r.err);
		put_strv(resp, "errors", r.diag.errors, r.diag.nerrors);
	} else {
		ctl_put_bool(resp, "ok", 1);
		ctl_put_bool(resp, "applied", r.applied);
		put_plan(d, resp, &r.plan, r.applied);
	}
	put_strv(resp, "warnings", r.diag.warnings, r.diag.nwarnings);
	reload_result_free(&r);
}

static void put_levels(struct ctl_enc *resp)
{
	int i;

	ctl_begin_rec(resp, "levels");
	for (i = 0; i < LS_MAX; i++)
		ctl_put_str(resp, log_subsys_name(i), log_level_name(log_get_level(i)));
	ctl_end(resp);
}

/* Until the next reload, which applies ike.conf's levels again. */
static void cmd_log(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
		    struct ctl_enc *resp)
{
	const char *sub = ctl_get_str(req, "subsys"), *lvl = ctl_get_str(req, "level");
	enum log_subsys s;
	enum log_level l;

	if (lvl && log_level_from_name(lvl, &l) < 0) {
		fail(resp, "unknown log level '%s' (error, warn, info, debug, trace)", lvl);
		return;
	}
	if (sub && strcmp(sub, "all") != 0 && log_subsys_from_name(sub, &s) < 0) {
		fail(resp, "unknown subsystem '%s' (all, dmn, cfg, net, enc, cry, ike, chd, knl, ctl)", sub);
		return;
	}
	if (lvl) {
		if (!sub || strcmp(sub, "all") == 0)
			log_set_all(l);
		else
			log_set_level(s, l);
		log_info(LS_CTL, "log level of %s set to %s", sub ? sub : "all", lvl);
	}
	ctl_put_bool(resp, "ok", 1);
	put_levels(resp);
}

static void cmd_metrics(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
			struct ctl_enc *resp)
{
	ctl_put_bool(resp, "ok", 1);
	metrics_collect(d, resp);
}

static void cmd_monitor(struct daemon *d, struct ctl_client *c, const struct ctl_val *req,
			struct ctl_enc *resp)
{
	ctl_client_set_monitor(c);
	daemon_monitor_update(d);
	ctl_put_bool(resp, "ok", 1);
}

static const struct {
	const char *name;
	cmd_fn fn;
} commands[] = {
	{ "show-conns", cmd_show_conns },
	{ "show-certs", cmd_show_certs },
	{ "show-sa", cmd_show_sa },
	{ "show-child", cmd_show_child },
	{ "show-kernel", cmd_show_kernel },
	{ "show-stats", cmd_show_stats },
	{ "show-pools", cmd_show_pools },
	{ "initiate", cmd_initiate },
	{ "terminate", cmd_terminate },
	{ "install", cmd_install },
	{ "uninstall", cmd_uninstall },
	{ "rekey", cmd_rekey },
	{ "redirect", cmd_redirect },
	{ "reload", cmd_reload },
	{ "log", cmd_log },
	{ "metrics", cmd_metrics },
	{ "monitor", cmd_monitor },
	{ "diagnose", cmd_diagnose },
};

void daemon_ctl_request(void *arg, struct ctl_client *c, const struct ctl_val *req,
			struct ctl_enc *resp)
{
	const char *cmd = ctl_get_str(req, "command");
	size_t i;

	for (i = 0; cmd && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, cmd) == 0) {
			log_dbg(LS_CTL, "control request: %s", cmd);
			commands[i].fn(arg, c, req, resp);
			return;
		}
	fail(resp, "unknown command '%s'", cmd ? cmd : "(none)");
}

/* ---- events for monitors ---- */

static void broadcast(struct daemon *d, struct ctl_enc *e)
{
	const uint8_t *frame;
	size_t len;

	if (ctl_enc_finish(e, &frame, &len) == 0)
		ctl_server_broadcast(d->ctl, frame, len);
	ctl_enc_free(e);
}

void daemon_engine_event(const struct engine_event *ev, void *arg)
{
	struct daemon *d = arg;
	struct ctl_enc e;

	daemon_updown(d, ev);
	ctl_wait_event(d, ev);
	diag_event(d->diag, ev);
	if (!d->ctl || ctl_server_monitors(d->ctl) == 0 || ctl_enc_init(&e, CTL_MSG_EVENT) < 0)
		return;
	ctl_put_str(&e, "event", ev->kind == ENGINE_EV_IKE_STATE ? "ike_state" : "child_state");
	ctl_put_u64(&e, "ike_sa_id", ev->ike_sa_id);
	ctl_put_str(&e, "conn", ev->conn);
	if (ev->kind == ENGINE_EV_CHILD_STATE) {
		ctl_put_u64(&e, "child_sa_id", ev->child_sa_id);
		ctl_put_str(&e, "child", ev->child);
	}
	ctl_put_str(&e, "old", ev->old_state);
	ctl_put_str(&e, "new", ev->new_state);
	if (ev->reason)
		ctl_put_str(&e, "reason", ev->reason);
	if (ev->updown)
		ctl_put_str(&e, "updown", ev->updown->up ? "up" : "down");
	broadcast(d, &e);
}

/*
 * While a monitor is connected, log lines are also sent to it as records.
 * The sink replaces log.c's output, so it hands the line back to log.c
 * (sink removed for that one call) to keep stderr/syslog as they were.
 */
static struct daemon *sink_daemon;

static void monitor_sink(enum log_subsys sub, enum log_level lvl, const char *line, void *arg)
{
	struct daemon *d = arg;
	struct ctl_enc e;

	log_set_sink(NULL, NULL);
	log_msg(sub, lvl, "%s", line);
	if (ctl_server_monitors(d->ctl) == 0) {
		sink_daemon = NULL;	/* the last monitor left: back to plain output */
		return;
	}
	log_set_sink(monitor_sink, d);
	if (d->in_sink || ctl_enc_init(&e, CTL_MSG_EVENT) < 0)
		return;
	d->in_sink = 1;
	ctl_put_str(&e, "event", "log");
	ctl_put_str(&e, "subsys", log_subsys_name(sub));
	ctl_put_str(&e, "level", log_level_name(lvl));
	ctl_put_str(&e, "message", line);
	broadcast(d, &e);
	d->in_sink = 0;
}

void daemon_monitor_update(struct daemon *d)
{
	int want = d->ctl && ctl_server_monitors(d->ctl) > 0;

	if (want && sink_daemon != d)
		log_set_sink(monitor_sink, d);
	else if (!want && sink_daemon == d)
		log_set_sink(NULL, NULL);
	sink_daemon = want ? d : NULL;
}
