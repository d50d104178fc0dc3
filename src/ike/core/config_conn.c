/* ike.conf connections and their children (schema in ike.conf.5). */
#include "ike/core/confload.h"

#include <errno.h>
#include <netdb.h>
#include <sys/stat.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "ike/core/units.h"

#define UNSET UINT64_MAX

static const struct name_entry mode_names[] = {
	{ CONF_MODE_TUNNEL, "tunnel" }, { CONF_MODE_TRANSPORT, "transport" },
};
static const struct name_entry start_names[] = {
	{ CONF_START_NONE, "none" }, { CONF_START_TRAP, "trap" }, { CONF_START_START, "start" },
};
static const struct name_entry yes_no_names[] = { { 0, "no" }, { 1, "yes" } };
static const struct name_entry dscp_names[] = {
	{ CONF_DSCP_OUT, "out" }, { CONF_DSCP_IN, "in" }, { CONF_DSCP_YES, "yes" },
	{ CONF_DSCP_NO, "no" },
};
static const struct name_entry close_names[] = {
	{ CONF_CLOSE_NONE, "none" }, { CONF_CLOSE_TRAP, "trap" }, { CONF_CLOSE_START, "start" },
};
static const struct name_entry dpd_names[] = {
	{ CONF_DPD_CLEAR, "clear" }, { CONF_DPD_TRAP, "trap" }, { CONF_DPD_RESTART, "restart" },
};
static const struct name_entry pfs_names[] = {
	{ CONF_PFS_ACCEPT, "accept" }, { CONF_PFS_REQUIRE, "require" }, { CONF_PFS_NO, "no" },
};
static const struct name_entry childless_names[] = {
	{ CONF_CHILDLESS_ALLOW, "allow" }, { CONF_CHILDLESS_FORCE, "force" },
	{ CONF_CHILDLESS_NEVER, "never" },
};
static const struct name_entry unique_names[] = {
	{ CONF_UNIQUE_NO, "no" }, { CONF_UNIQUE_NEVER, "never" }, { CONF_UNIQUE_REPLACE, "replace" },
	{ CONF_UNIQUE_KEEP, "keep" },
};
static const struct name_entry frag_names[] = {
	{ CONF_FRAG_YES, "yes" }, { CONF_FRAG_NO, "no" }, { CONF_FRAG_FORCE, "force" },
};
static const struct name_entry auth_names[] = {
	{ CONF_AUTH_PSK, "psk" }, { CONF_AUTH_PUBKEY, "pubkey" }, { CONF_AUTH_RSA, "rsa" },
	{ CONF_AUTH_ECDSA, "ecdsa" }, { CONF_AUTH_ED25519, "ed25519" }, { CONF_AUTH_ED448, "ed448" },
	{ CONF_AUTH_EAP_MD5, "eap-md5" }, { CONF_AUTH_EAP_MSCHAPV2, "eap-mschapv2" },
	{ CONF_AUTH_EAP_RADIUS, "eap-radius" }, { CONF_AUTH_EAP_TLS, "eap-tls" },
};

static const char *name_of(const struct name_entry *tab, size_t n, unsigned v)
{
	const char *s = names_lookup(tab, n, v);

	return s ? s : "?";
}

const char *conf_mode_name(unsigned v)
{
	return name_of(mode_names, NAMES_LEN(mode_names), v);
}

const char *conf_copy_dscp_name(unsigned v)
{
	return name_of(dscp_names, NAMES_LEN(dscp_names), v);
}

const char *conf_start_action_name(unsigned v)
{
	return name_of(start_names, NAMES_LEN(start_names), v);
}

const char *conf_close_action_name(unsigned v)
{
	return name_of(close_names, NAMES_LEN(close_names), v);
}

const char *conf_frag_name(unsigned v)
{
	return name_of(frag_names, NAMES_LEN(frag_names), v);
}

const char *conf_dpd_action_name(unsigned v)
{
	return name_of(dpd_names, NAMES_LEN(dpd_names), v);
}

const char *conf_pfs_name(unsigned v)
{
	return name_of(pfs_names, NAMES_LEN(pfs_names), v);
}

const char *conf_childless_name(unsigned v)
{
	return name_of(childless_names, NAMES_LEN(childless_names), v);
}

const char *conf_unique_name(unsigned v)
{
	return name_of(unique_names, NAMES_LEN(unique_names), v);
}

const char *conf_auth_name(unsigned v)
{
	return name_of(auth_names, NAMES_LEN(auth_names), v);
}

/* ---- addresses ---- */

static int resolve_host(struct conf_ctx *ctx, const config_setting_t *s, struct conf_host *h)
{
	struct addrinfo hints, *res = NULL, *ai;
	int rc;

	if (ctx->flags & CONF_LOAD_NO_RESOLVE) {
		conf_error(ctx, s, "host \"%s\" not resolved (name resolution disabled)", h->text);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	rc = getaddrinfo(h->text, NULL, &hints, &res);
	if (rc) {
		conf_error(ctx, s, "cannot resolve host \"%s\": %s", h->text, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai && h->naddrs < CONF_MAX_RESOLVED; ai = ai->ai_next)
		if (addr_from_sockaddr(&h->addrs[h->naddrs], ai->ai_addr, ai->ai_addrlen) == 0)
			h->naddrs++;
	freeaddrinfo(res);
	return 0;
}

static int parse_host(struct conf_ctx *ctx, const config_setting_t *s, const char *v,
		      struct conf_host *h)
{
	memset(h, 0, sizeof(*h));
	h->text = strdup(v);
	if (!h->text)
		return -1;
	if (strcmp(v, "%any") == 0) {
		h->any = 1;
		return 0;
	}
	if (addr_parse(&h->addrs[0], v, 0) < 0)
		return resolve_host(ctx, s, h);
	h->family = addr_family(&h->addrs[0]);
	h->any = addr_is_any(&h->addrs[0]);
	h->naddrs = 1;
	return 0;
}

static void free_hosts(struct conf_host *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(h[i].text);
	free(h);
}

/* Fills *out, replacing what it held. */
static int load_hosts(struct conf_ctx *ctx, const config_setting_t *s,
		      struct conf_host **out, size_t *nout)
{
	int i, n, type = config_setting_type(s);
	struct conf_host *v;

	free_hosts(*out, *nout);
	*out = NULL;
	*nout = 0;
	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST) {
		conf_error(ctx, s, "'%s' must be a list of addresses [\"192.0.2.1\", \"%%any\"]",
			   config_setting_name(s));
		return -1;
	}
	n = config_setting_length(s);
	v = calloc((size_t)n + 1, sizeof(*v));
	if (!v)
		return -1;
	*out = v;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *str = NULL;

		if (conf_get_string(ctx, e, &str) < 0)
			return -1;
		if (parse_host(ctx, e, str, &v[*nout]) < 0) {
			free(v[*nout].text);
			return -1;
		}
		(*nout)++;
	}
	return 0;
}

static int load_local_addrs(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_conn *c = obj;

	return load_hosts(ctx, s, &c->local_addrs, &c->nlocal_addrs);
}

static int load_remote_addrs(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_conn *c = obj;

	return load_hosts(ctx, s, &c->remote_addrs, &c->nremote_addrs);
}

/* ---- local / remote sides ---- */

static int load_side_id(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_side *side = obj;

	return conf_get_ident(ctx, s, &side->id, &side->id_text);
}

static int load_side_auth(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_side *side = obj;
	const char *v = NULL;

	if (conf_get_string(ctx, s, &v) < 0)
		return -1;
	if (names_find(auth_names, NAMES_LEN(auth_names), v, &side->auth) < 0) {
		conf_error(ctx, s, "'auth' = \"%s\" is not one of: psk, pubkey, rsa, ecdsa, ed25519, ed448, "
			   "eap-md5, eap-mschapv2, eap-radius, eap-tls", v);
		return -1;
	}
	return 0;
}

static const struct rule side_rules[] = {
	{ "id", RK_FN, 0, 0, 0, NULL, 0, load_side_id },
	{ "auth", RK_FN, 0, 0, 0, NULL, 0, load_side_auth },
	{ "certs", RK_FN, 0, 0, 0, NULL, 0, conf_load_side_certs },
	{ "cacerts", RK_FN, 0, 0, 0, NULL, 0, conf_load_side_cacerts },
	{ "eap_id", RK_STR, offsetof(struct conf_side, eap_id), 0, 0, NULL, 0, NULL },
	{ "revocation", RK_ENUM, offsetof(struct conf_side, revocation), 0, 0, conf_revocation_names,
	  3, NULL },
};

static int load_side(struct conf_ctx *ctx, const config_setting_t *s, struct conf_side *side,
		     int need_id)
{
	size_t before = ctx->diag->nerrors;

	conf_apply_rules(ctx, s, side_rules, NAMES_LEN(side_rules), side,
			 need_id ? "'local'" : "'remote'");
	if (ctx->diag->nerrors != before)
		return -1;
	if (!side->auth)
		conf_error(ctx, s, "'%s' needs 'auth' (psk or pubkey)", config_setting_name(s));
	/* with a certificate, the default ID is its subject (config_pki.c) */
	if (need_id && !side->id_text && !CONF_AUTH_USES_CERTS(side->auth))
		conf_error(ctx, s, "'local' needs 'id' (the identity this host proves)");
	return 0;
}

static int load_local(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	return load_side(ctx, s, &((struct conf_conn *)obj)->local, 1);
}

static int load_remote(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	return load_side(ctx, s, &((struct conf_conn *)obj)->remote, 0);
}

/* ---- traffic selectors ---- */

static int load_ts_list(struct conf_ctx *ctx, const config_setting_t *s, struct conf_ts_list *l)
{
	int i, n, type = config_setting_type(s);
	char err[256], a[TSSPEC_STRLEN], b[TSSPEC_STRLEN];
	size_t j;

	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST) {
		conf_error(ctx, s, "'%s' must be a list of selectors [\"10.1.0.0/16\", \"dynamic\"]",
			   config_setting_name(s));
		return -1;
	}
	n = config_setting_length(s);
	if (n == 0) {
		conf_error(ctx, s, "'%s' is empty", config_setting_name(s));
		return -1;
	}
	free(l->v);
	l->n = 0;
	l->v = calloc((size_t)n, sizeof(*l->v));
	if (!l->v)
		return -1;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v = NULL;

		if (conf_get_string(ctx, e, &v) < 0)
			return -1;
		if (tsspec_parse(&l->v[l->n], v, err, sizeof(err)) < 0) {
			conf_error(ctx, e, "'%s': \"%s\": %s", config_setting_name(s), v, err);
			return -1;
		}
		for (j = 0; j < l->n; j++)
			if (tsspec_overlap(&l->v[j], &l->v[l->n])) {
				conf_error(ctx, e, "'%s': %s overlaps %s in the same list",
					   config_setting_name(s),
					   tsspec_str(&l->v[l->n], a, sizeof(a)),
					   tsspec_str(&l->v[j], b, sizeof(b)));
				return -1;
			}
		l->n++;
	}
	return 0;
}

static int load_local_ts(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	return load_ts_list(ctx, s, &((struct conf_child *)obj)->local_ts);
}

static int load_remote_ts(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	return load_ts_list(ctx, s, &((struct conf_child *)obj)->remote_ts);
}

/* Bit 0: the list may match IPv4, bit 1: IPv6 ("dynamic" may be either). */
static unsigned ts_families(const struct conf_ts_list *l)
{
	unsigned f = 0;
	size_t i;

	for (i = 0; i < l->n; i++)
		f |= l->v[i].dynamic ? 3u : l->v[i].ts.type == TS_IPV4_ADDR_RANGE ? 1u : 2u;
	return f;
}

/* Selector pairs that can never carry traffic. */
static void check_ts_pairs(struct conf_ctx *ctx, const config_setting_t *s, struct conf_child *ch)
{
	char a[TSSPEC_STRLEN];
	size_t i, j;

	for (i = 0; i < ch->local_ts.n; i++)
		for (j = 0; j < ch->remote_ts.n; j++)
			if (!ch->local_ts.v[i].dynamic &&
			    tsspec_eq(&ch->local_ts.v[i], &ch->remote_ts.v[j])) {
				conf_error(ctx, s, "child '%s': local_ts and remote_ts both hold %s",
					   ch->name, tsspec_str(&ch->local_ts.v[i], a, sizeof(a)));
				return;
			}
	if (!(ts_families(&ch->local_ts) & ts_families(&ch->remote_ts)))
		conf_error(ctx, s, "child '%s': local_ts and remote_ts share no address family",
			   ch->name);
}

/* ---- children ---- */

#define CH(f) offsetof(struct conf_child, f)

static int load_child_name(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	return conf_check_name(ctx, s, "child", &((struct conf_child *)obj)->name);
}

static const struct rule child_rules[] = {
	{ "name", RK_FN, 0, 0, 0, NULL, 0, load_child_name },
	{ "local_ts", RK_FN, 0, 0, 0, NULL, 0, load_local_ts },
	{ "remote_ts", RK_FN, 0, 0, 0, NULL, 0, load_remote_ts },
	{ "mode", RK_ENUM, CH(mode), 0, 0, mode_names, NAMES_LEN(mode_names), NULL },
	{ "esp_proposals", RK_PROPOSALS, CH(esp_proposals), PROTO_ESP, 0, NULL, 0, NULL },
	{ "rekey_time", RK_TIME, CH(rekey_time), 0, 0, NULL, 0, NULL },
	{ "life_time", RK_TIME, CH(life_time), 0, 0, NULL, 0, NULL },
	{ "rand_time", RK_TIME, CH(rand_time), 0, 0, NULL, 0, NULL },
	{ "rekey_bytes", RK_COUNT, CH(rekey_bytes), 0, 0, NULL, 0, NULL },
	{ "life_bytes", RK_COUNT, CH(life_bytes), 0, 0, NULL, 0, NULL },
	{ "rekey_packets", RK_COUNT, CH(rekey_packets), 0, 0, NULL, 0, NULL },
	{ "life_packets", RK_COUNT, CH(life_packets), 0, 0, NULL, 0, NULL },
	{ "start_action", RK_ENUM, CH(start_action), 0, 0, start_names, NAMES_LEN(start_names), NULL },
	{ "close_action", RK_ENUM, CH(close_action), 0, 0, close_names, NAMES_LEN(close_names), NULL },
	{ "replay_window", RK_UINT, CH(replay_window), 0, 4096, NULL, 0, NULL },
	{ "pfs", RK_ENUM, CH(pfs), 0, 0, pfs_names, NAMES_LEN(pfs_names), NULL },
	{ "fail_closed", RK_ENUM, CH(fail_closed), 0, 0, yes_no_names, NAMES_LEN(yes_no_names), NULL },
	{ "sha256_96", RK_ENUM, CH(sha256_96), 0, 0, yes_no_names, NAMES_LEN(yes_no_names), NULL },
	{ "if_id_in", RK_FN, CH(if_id_in), 0, 0, NULL, 0, conf_load_if_id },
	{ "if_id_out", RK_FN, CH(if_id_out), 0, 0, NULL, 0, conf_load_if_id },
	{ "updown", RK_STR, CH(updown), 0, 0, NULL, 0, NULL },
	{ "mark_in", RK_FN, CH(mark_in), 0, 0, NULL, 0, conf_load_mark },
	{ "mark_out", RK_FN, CH(mark_out), 0, 0, NULL, 0, conf_load_mark },
	{ "set_mark_in", RK_FN, CH(set_mark_in), 0, 0, NULL, 0, conf_load_mark },
	{ "set_mark_out", RK_FN, CH(set_mark_out), 0, 0, NULL, 0, conf_load_mark },
	{ "mark_in_sa", RK_ENUM, CH(mark_in_sa), 0, 0, yes_no_names, NAMES_LEN(yes_no_names), NULL },
	{ "priority", RK_UINT, CH(priority), 0, UINT32_MAX, NULL, 0, NULL },
	{ "copy_df", RK_ENUM, CH(copy_df), 0, 0, yes_no_names, NAMES_LEN(yes_no_names), NULL },
	{ "copy_ecn", RK_ENUM, CH(copy_ecn), 0, 0, yes_no_names, NAMES_LEN(yes_no_names), NULL },
	{ "copy_dscp", RK_ENUM, CH(copy_dscp), 0, 0, dscp_names, NAMES_LEN(dscp_names), NULL },
	{ "hostaccess", RK_ENUM, CH(hostaccess), 0, 0, yes_no_names, NAMES_LEN(yes_no_names), NULL },
};

static void free_child(struct conf_child *ch)
{
	conf_free_rules(child_rules, NAMES_LEN(child_rules), ch);
	free(ch->name);
	free(ch->local_ts.v);
	free(ch->remote_ts.v);
}

static int default_ts(struct conf_ts_list *l)
{
	if (l->n)
		return 0;
	l->v = calloc(1, sizeof(*l->v));
	if (!l->v)
		return -1;
	l->v[0].dynamic = 1;
	l->v[0].ts.end_port = 65535;
	l->n = 1;
	return 0;
}

static void check_limit_pair(struct conf_ctx *ctx, const config_setting_t *s,
			     const struct conf_child *ch, const char *soft, uint64_t sv,
			     const char *hard, uint64_t hv)
{
	if (sv && hv && sv >= hv)
		conf_error(ctx, s, "child '%s': %s = %" PRIu64 " must be less than %s = %" PRIu64,
			   ch->name, soft, sv, hard, hv);
}

/*
 * The daemon runs the updown script as root: it must be a regular file
 * (symbolic links followed) that only its owner and group can change, and
 * executable.  strongSwan takes a command line ("script args"); only a
 * path is taken here.
 */
static void check_updown(struct conf_ctx *ctx, const config_setting_t *s, struct conf_child *ch)
{
	const char *p = ch->updown;
	struct stat st;

	if (p[0] != '/') {
		conf_error(ctx, s, "child '%s': 'updown' = \"%s\" must be an absolute path", ch->name, p);
		return;
	}
	if (stat(p, &st) < 0)
		conf_error(ctx, s, "child '%s': updown script %s: %s", ch->name, p, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		conf_error(ctx, s, "child '%s': updown script %s is not a regular file", ch->name, p);
	else if (st.st_mode & S_IWOTH)
		conf_error(ctx, s, "child '%s': updown script %s is writable by everyone (mode %04o)",
			   ch->name, p, (unsigned)(st.st_mode & 07777));
	else if (!(st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
		conf_error(ctx, s, "child '%s': updown script %s is not executable", ch->name, p);
}

/* strongSwan's defaults: rekey after 1h, hard expiry 10% later. */
static void child_finish(struct conf_ctx *ctx, const config_setting_t *s, struct conf_child *ch)
{
	char a[32], b[32];

	if (ch->fail_closed > 1)
		ch->fail_closed = ch->start_action != CONF_START_NONE;
	if (ch->life_time == UNSET)
		ch->life_time = ch->rekey_time + ch->rekey_time / 10;
	if (ch->rand_time == UNSET)
		ch->rand_time = ch->life_time > ch->rekey_time ? ch->life_time - ch->rekey_time : 0;
	if (ch->rekey_time && ch->life_time <= ch->rekey_time)
		conf_error(ctx, s, "child '%s': life_time %s must be greater than rekey_time %s",
			   ch->name, units_time_str(ch->life_time, a, sizeof(a)),
			   units_time_str(ch->rekey_time, b, sizeof(b)));
	check_limit_pair(ctx, s, ch, "rekey_bytes", ch->rekey_bytes, "life_bytes", ch->life_bytes);
	check_limit_pair(ctx, s, ch, "rekey_packets", ch->rekey_packets, "life_packets", ch->life_packets);
	if (ch->updown)
		check_updown(ctx, config_setting_get_member(s, "updown"), ch);
	conf_check_marks(ctx, s, ch);
	if (default_ts(&ch->local_ts) < 0 || default_ts(&ch->remote_ts) < 0)
		return;
	check_ts_pairs(ctx, s, ch);
}

static void load_child(struct conf_ctx *ctx, const config_setting_t *e, struct conf_conn *c)
{
	struct conf_child ch, *nv;
	size_t i, before = ctx->diag->nerrors;

	memset(&ch, 0, sizeof(ch));
	ch.loc = conf_loc_of(ctx, config_setting_get_member(e, "name") ?
			     config_setting_get_member(e, "name") : e);
	ch.mode = CONF_MODE_TUNNEL;
	ch.rekey_time = 3600;
	ch.life_time = ch.rand_time = UNSET;
	ch.replay_window = 32;
	ch.fail_closed = 2;	/* not set */
	ch.if_id_in = ch.if_id_out = UNSET;	/* the connection's */
	ch.copy_df = ch.copy_ecn = 1;
	conf_apply_rules(ctx, e, child_rules, NAMES_LEN(child_rules), &ch, "a child");
	if (!ch.name) {
		if (ctx->diag->nerrors == before)
			conf_error(ctx, e, "child of connection '%s' needs a 'name'", c->name);
		goto drop;
	}
	for (i = 0; i < c->nchildren; i++)
		if (strcmp(c->children[i].name, ch.name) == 0) {
			conf_error(ctx, e, "connection '%s': second child named '%s' (first at line %d)",
				   c->name, ch.name, c->children[i].loc.line);
			goto drop;
		}
	if (ctx->diag->nerrors != before)
		goto drop;
	child_finish(ctx, e, &ch);
	nv = realloc(c->children, (c->nchildren + 1) * sizeof(*nv));
	if (!nv)
		goto drop;
	c->children = nv;
	c->children[c->nchildren++] = ch;
	return;
drop:
	free_child(&ch);
}

static int load_children(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_conn *c = obj;
	int i, n;

	if (config_setting_type(s) != CONFIG_TYPE_LIST) {
		conf_error(ctx, s, "'children' must be a list ( { name = ...; }, ... )");
		return -1;
	}
	n = config_setting_length(s);
	for (i = 0; i < n; i++)
		load_child(ctx, config_setting_get_elem(s, (unsigned)i), c);
	return 0;
}

/* ---- connections ---- */

#define CN(f) offsetof(struct conf_conn, f)

/* The name is read before the other keys (messages quote it); see load_conn. */
static int conn_name_seen(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	return 0;
}

/* redirect_to = "ADDR|FQDN" (RFC 5685 gateway side) */
static int load_redirect_to(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_conn *c = obj;
	const char *v = NULL;

	if (conf_get_string(ctx, s, &v) < 0)
		return -1;
	if (!conf_gateway_ok(v)) {
		conf_error(ctx, s, "'redirect_to' = \"%s\" is not an IP address or a host name", v);
		return -1;
	}
	free(c->redirect_to);
	c->redirect_to = strdup(v);
	return c->redirect_to ? 0 : -1;
}

static const struct rule conn_rules[] = {
	{ "name", RK_FN, 0, 0, 0, NULL, 0, conn_name_seen },
	{ "local_addrs", RK_FN, 0, 0, 0, NULL, 0, load_local_addrs },
	{ "remote_addrs", RK_FN, 0, 0, 0, NULL, 0, load_remote_addrs },
	{ "local", RK_FN, 0, 0, 0, NULL, 0, load_local },
	{ "remote", RK_FN, 0, 0, 0, NULL, 0, load_remote },
	{ "proposals", RK_PROPOSALS, CN(proposals), PROTO_IKE, 0, NULL, 0, NULL },
	{ "rekey_time", RK_TIME, CN(rekey_time), 0, 0, NULL, 0, NULL },
	{ "over_time", RK_TIME, CN(over_time), 0, 0, NULL, 0, NULL },
	{ "rand_time", RK_TIME, CN(rand_time), 0, 0, NULL, 0, NULL },
	{ "reauth_time", RK_TIME, CN(reauth_time), 0, 0, NULL, 0, NULL },
	{ "dpd_delay", RK_TIME, CN(dpd_delay), 0, 0, NULL, 0, NULL },
	{ "dpd_action", RK_ENUM, CN(dpd_action), 0, 0, dpd_names, NAMES_LEN(dpd_names), NULL },
	{ "childless", RK_ENUM, CN(childless), 0, 0, childless_names, NAMES_LEN(childless_names),
	  NULL },
	{ "unique", RK_ENUM, CN(unique), 0, 0, unique_names, NAMES_LEN(unique_names), NULL },
	{ "children", RK_FN, 0, 0, 0, NULL, 0, load_children },
	{ "send_cert", RK_ENUM, CN(send_cert), 0, 0, conf_send_cert_names, 3, NULL },
	{ "send_certreq", RK_FN, 0, 0, 0, NULL, 0, conf_load_send_certreq },
	{ "pools", RK_STRLIST, CN(pools), 0, 0, NULL, 0, NULL },
	{ "vips", RK_FN, 0, 0, 0, NULL, 0, conf_load_vips },
	{ "fragmentation", RK_ENUM, CN(fragmentation), 0, 0, frag_names, NAMES_LEN(frag_names),
	  NULL },
	{ "fragment_size", RK_UINT, CN(fragment_size), CONF_FRAGMENT_SIZE_MIN,
	  CONF_FRAGMENT_SIZE_MAX, NULL, 0, NULL },
	{ "encap", RK_BOOL, CN(encap), 0, 0, NULL, 0, NULL },
	{ "dpd_timeout", RK_TIME, CN(dpd_timeout), 0, 0, NULL, 0, NULL },
	{ "keyingtries", RK_UINT, CN(keyingtries), 0, 1000000, NULL, 0, NULL },
	{ "if_id_in", RK_FN, CN(if_id_in), 0, 0, NULL, 0, conf_load_if_id },
	{ "if_id_out", RK_FN, CN(if_id_out), 0, 0, NULL, 0, conf_load_if_id },
	{ "local_port", RK_UINT, CN(local_port), 1, 65535, NULL, 0, NULL },
	{ "remote_port", RK_UINT, CN(remote_port), 1, 65535, NULL, 0, NULL },
	{ "redirect_to", RK_FN, 0, 0, 0, NULL, 0, load_redirect_to },
};

void conf_free_conn(struct conf_conn *c)
{
	size_t i;

	conf_free_rules(conn_rules, NAMES_LEN(conn_rules), c);
	free(c->name);
	free(c->redirect_to);
	free_hosts(c->local_addrs, c->nlocal_addrs);
	free_hosts(c->remote_addrs, c->nremote_addrs);
	free(c->local.id_text);
	free(c->remote.id_text);
	free(c->local.eap_id);
	free(c->remote.eap_id);
	conf_free_side_pki(&c->local);
	conf_free_side_pki(&c->remote);
	for (i = 0; i < c->nchildren; i++)
		free_child(&c->children[i]);
	free(c->children);
}

static int all_any(const struct conf_host *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!h[i].any)
			return 0;
	return 1;
}

/* An omitted local_addrs/remote_addrs means %any. */
static int default_any(struct conf_host **h, size_t *n)
{
	if (*h)
		return 0;
	*h = calloc(1, sizeof(**h));
	if (!*h || !((*h)[0].text = strdup("%any")))
		return -1;
	(*h)[0].any = 1;
	*n = 1;
	return 0;
}

static void conn_finish(struct conf_ctx *ctx, const config_setting_t *e, struct conf_conn *c)
{
	size_t i;

	if (!config_setting_get_member(e, "local"))
		conf_error(ctx, e, "connection '%s' needs a 'local' group (id, auth)", c->name);
	if (!config_setting_get_member(e, "remote"))
		conf_error(ctx, e, "connection '%s' needs a 'remote' group (auth, optional id)", c->name);
	if (c->over_time == UNSET)
		c->over_time = c->rekey_time / 10;
	if (c->rand_time == UNSET)
		c->rand_time = c->over_time;
	/* children without their own if_id_in/out take the connection's */
	for (i = 0; i < c->nchildren; i++) {
		if (c->children[i].if_id_in == UNSET)
			c->children[i].if_id_in = c->if_id_in;
		if (c->children[i].if_id_out == UNSET)
			c->children[i].if_id_out = c->if_id_out;
	}
	/* Initiating needs somewhere to send IKE_SA_INIT. */
	for (i = 0; i < c->nchildren; i++)
		if (c->children[i].start_action != CONF_START_NONE &&
		    all_any(c->remote_addrs, c->nremote_addrs))
			conf_error_at(ctx, c->children[i].loc,
				      "child '%s': start_action = %s needs a specific address in remote_addrs of connection '%s'",
				      c->children[i].name,
				      conf_start_action_name(c->children[i].start_action), c->name);
}

/*
 * Compared with the raw names of the connections before (ctx->conn_names,
 * filled by conf_load_conns), so a broken first definition still counts.
 */
static int dup_conn_name(struct conf_ctx *ctx, const config_setting_t *name, const char *v)
{
	const config_setting_t *on = ctx->conn_names ? strmap_get(ctx->conn_names, v) : NULL;
	struct conf_loc first;

	if (!on)
		return 0;
	first = conf_loc_of(ctx, on);
	conf_error(ctx, name, "second connection named '%s' (first at %s:%d)", v, first.file,
		   first.line);
	return 1;
}

static void load_conn(struct conf_ctx *ctx, const config_setting_t *e)
{
	struct config *cfg = ctx->cfg;
	const config_setting_t *name = config_setting_get_member(e, "name");
	struct conf_conn c, *nv;
	size_t before = ctx->diag->nerrors;

	memset(&c, 0, sizeof(c));
	if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
		conf_error(ctx, e, "a connection must be a group { name = ...; }");
		return;
	}
	if (!name) {
		conf_error(ctx, e, "connection needs a 'name'");
		return;
	}
	c.loc = conf_loc_of(ctx, name);
	if (conf_check_name(ctx, name, "connection", &c.name) < 0)
		return;
	c.rekey_time = 4 * 3600;
	c.over_time = c.rand_time = UNSET;
	c.dpd_action = CONF_DPD_CLEAR;
	c.send_certreq = 1;
	c.send_cert = CONF_SEND_CERT_ALWAYS;	/* RFC 7296 3.6: SHOULD, when we have one */
	c.keyingtries = 1;
	conf_apply_rules(ctx, e, conn_rules, NAMES_LEN(conn_rules), &c, "a connection");
	if (dup_conn_name(ctx, name, c.name))
		goto drop;
	if (default_any(&c.local_addrs, &c.nlocal_addrs) < 0 ||
	    default_any(&c.remote_addrs, &c.nremote_addrs) < 0)
		goto drop;
	conn_finish(ctx, e, &c);
	if (ctx->diag->nerrors != before)
		goto drop;
	nv = realloc(cfg->conns, (cfg->nconns + 1) * sizeof(*nv));
	if (!nv)
		goto drop;
	cfg->conns = nv;
	cfg->conns[cfg->nconns++] = c;
	return;
drop:
	conf_free_conn(&c);
}

void conf_load_conns(struct conf_ctx *ctx, const config_setting_t *list)
{
	struct strmap names = { NULL, 0, 0 };
	int i, n;

	if (config_setting_type(list) != CONFIG_TYPE_LIST) {
		conf_error(ctx, list, "'connections' must be a list ( { name = ...; }, ... )");
		return;
	}
	n = config_setting_length(list);
	ctx->conn_names = &names;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		const config_setting_t *on = config_setting_get_member(e, "name");

		load_conn(ctx, e);
		/* the first of a name stays (the one a later duplicate names) */
		if (on && config_setting_type(on) == CONFIG_TYPE_STRING &&
		    strmap_put(&names, config_setting_get_string(on), (void *)on) < 0)
			conf_error(ctx, e, "out of memory");
	}
	ctx->conn_names = NULL;
	strmap_free(&names);
}

/* local_port: a port ikedaemon has sockets on (socket.c binds the global
 * port and port_nat_t only). */
void conf_check_conn_ports(struct conf_ctx *ctx)
{
	const struct conf_global *g = &ctx->cfg->global;

	for (size_t i = 0; i < ctx->cfg->nconns; i++) {
		const struct conf_conn *c = &ctx->cfg->conns[i];

		if (c->local_port && c->local_port != g->port && c->local_port != g->port_nat_t)
			conf_error_at(ctx, c->loc, "connection '%s': local_port = %" PRIu64 " is "
				      "neither the global port (%" PRIu64 ") nor port_nat_t (%" PRIu64
				      "), the ports ikedaemon listens on", c->name, c->local_port,
				      (uint64_t)g->port, (uint64_t)g->port_nat_t);
	}
}

/* PSK authentication needs a key for the peer's (or our own) identity. */
void conf_check_conn_secrets(struct conf_ctx *ctx)
{
	struct config *cfg = ctx->cfg;
	size_t i;

	for (i = 0; i < cfg->nconns; i++) {
		const struct conf_conn *c = &cfg->conns[i];

		if (CONF_AUTH_IS_EAP(c->local.auth) && CONF_AUTH_IS_EAP(c->remote.auth))
			conf_error_at(ctx, c->loc, "connection '%s': EAP on both sides; the "
				      "responder authenticates with psk or a certificate", c->name);
		if (CONF_AUTH_IS_EAP(c->local.auth) && c->local.auth != CONF_AUTH_EAP_TLS &&
		    !config_find_eap(cfg, c->local.eap_id ? c->local.eap_id : c->local.id_text,
				     strlen(c->local.eap_id ? c->local.eap_id :
					    c->local.id_text ? c->local.id_text : "")))
			conf_error_at(ctx, c->loc, "connection '%s': local auth = %s but no secret "
				      "{ id = \"%s\"; eap = ...; }", c->name,
				      conf_auth_name(c->local.auth),
				      c->local.eap_id ? c->local.eap_id :
				      c->local.id_text ? c->local.id_text : "");
		if (c->local.auth != CONF_AUTH_PSK && c->remote.auth != CONF_AUTH_PSK)
			continue;
		if (!config_find_psk(cfg, &c->local.id, &c->remote.id))
			conf_error_at(ctx, c->loc,
				      "connection '%s': auth = psk but no secret for id \"%s\" or \"%s\"",
				      c->name, c->remote.id_text ? c->remote.id_text : "%any",
				      c->local.id_text ? c->local.id_text : "%any");
	}
}
