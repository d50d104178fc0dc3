/*
 * ike.conf: radius = { ... } for remote.auth = "eap-radius" (the names of
 * strongSwan's eap-radius plugin settings: servers with address,
 * auth_port and secret; retransmit_timeout, retransmit_tries,
 * nas_identifier).  Server addresses are literals: the daemon never waits
 * on DNS for RADIUS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ike/core/confload.h"

#define RADIUS_PORT		1812	/* RFC 2865 3 */
#define RADIUS_SECRET_MAX	128

static const struct rule server_rules[] = {
	{ "address", RK_STR, offsetof(struct conf_radius_server, address), 0, 0, NULL, 0, NULL },
	{ "auth_port", RK_UINT, offsetof(struct conf_radius_server, auth_port), 1, 65535, NULL, 0,
	  NULL },
	{ "secret", RK_STR, offsetof(struct conf_radius_server, secret_text), 0, 0, NULL, 0, NULL },
	{ "secret_file", RK_STR, offsetof(struct conf_radius_server, secret_file), 0, 0, NULL, 0,
	  NULL },
};

/* The first line of path, without its line end. */
static int read_secret_file(struct conf_ctx *ctx, const config_setting_t *e,
			    struct conf_radius_server *sv)
{
	char buf[RADIUS_SECRET_MAX + 2];
	FILE *f = fopen(sv->secret_file, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	struct stat st;
	int rc = -1;

	if (f && fstat(fileno(f), &st) == 0 && (st.st_mode & 077))
		conf_warn(ctx, e, "secret_file \"%s\" is readable by group or others (mode %04o): "
			  "chmod 600 it", sv->secret_file, (unsigned)(st.st_mode & 07777));
	if (f)
		fclose(f);
	buf[n] = 0;
	n = strcspn(buf, "\r\n");
	if (!f)
		conf_error(ctx, e, "secret_file \"%s\" cannot be read", sv->secret_file);
	else if (n == 0 || n > RADIUS_SECRET_MAX)
		conf_error(ctx, e, "secret_file \"%s\": the first line must hold the secret "
			   "(1 to %u bytes)", sv->secret_file, RADIUS_SECRET_MAX);
	else
		rc = secret_dup(&sv->secret, buf, n);
	memzero(buf, sizeof(buf));
	return rc;
}

static int load_server(struct conf_ctx *ctx, const config_setting_t *e,
		       struct conf_radius_server *sv)
{
	size_t nerr = ctx->diag->nerrors;

	sv->auth_port = RADIUS_PORT;
	sv->loc = conf_loc_of(ctx, e);
	conf_apply_rules(ctx, e, server_rules, NAMES_LEN(server_rules), sv, "a RADIUS server");
	if (ctx->diag->nerrors != nerr)
		return -1;
	if (!sv->address || addr_parse(&sv->addr, sv->address, (uint16_t)sv->auth_port) < 0) {
		conf_error(ctx, e, "a RADIUS server needs 'address', an IPv4 or IPv6 literal");
		return -1;
	}
	if (!!sv->secret_text == !!sv->secret_file) {
		conf_error(ctx, e, "RADIUS server %s needs 'secret' or 'secret_file' (one of them)",
			   sv->address);
		return -1;
	}
	if (sv->secret_file)
		return read_secret_file(ctx, e, sv);
	if (strlen(sv->secret_text) > RADIUS_SECRET_MAX) {
		conf_error(ctx, e, "RADIUS secret longer than %u bytes", RADIUS_SECRET_MAX);
		return -1;
	}
	return secret_dup(&sv->secret, sv->secret_text, strlen(sv->secret_text));
}

static int load_servers(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_radius *r = obj;
	int n = config_setting_length(s);

	if (config_setting_type(s) != CONFIG_TYPE_LIST) {
		conf_error(ctx, s, "'servers' must be a list ( { address = ...; secret = ...; } )");
		return -1;
	}
	if (n > CONF_RADIUS_MAX_SERVERS) {
		conf_error(ctx, s, "more than %u RADIUS servers", CONF_RADIUS_MAX_SERVERS);
		return -1;
	}
	for (int i = 0; i < n; i++)
		if (load_server(ctx, config_setting_get_elem(s, (unsigned)i),
				&r->servers[r->nservers++]) < 0)
			return -1;
	return 0;
}

static const struct rule radius_rules[] = {
	{ "servers", RK_FN, 0, 0, 0, NULL, 0, load_servers },
	{ "retransmit_timeout", RK_FLOAT, offsetof(struct conf_radius, retransmit_timeout), 1, 60,
	  NULL, 0, NULL },
	{ "retransmit_tries", RK_UINT, offsetof(struct conf_radius, retransmit_tries), 1, 20, NULL,
	  0, NULL },
	{ "nas_identifier", RK_STR, offsetof(struct conf_radius, nas_identifier), 0, 0, NULL, 0,
	  NULL },
};

int conf_load_radius(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_radius *r = &ctx->cfg->radius;

	(void)obj;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		conf_error(ctx, s, "'radius' must be a group { servers = ( ... ); }");
		return -1;
	}
	conf_apply_rules(ctx, s, radius_rules, NAMES_LEN(radius_rules), r, "'radius'");
	if (r->nas_identifier && (!*r->nas_identifier || strlen(r->nas_identifier) > 253))
		conf_error(ctx, s, "'nas_identifier' must have 1 to 253 bytes");
	return 0;
}

void conf_radius_defaults(struct conf_radius *r)
{
	r->retransmit_timeout = 2.0;	/* strongSwan's eap-radius defaults */
	r->retransmit_tries = 4;
}

/* remote.auth = "eap-radius" needs a server; local cannot relay. */
void conf_check_conn_radius(struct conf_ctx *ctx)
{
	struct config *cfg = ctx->cfg;

	for (size_t i = 0; i < cfg->nconns; i++) {
		const struct conf_conn *c = &cfg->conns[i];

		if (c->local.auth == CONF_AUTH_EAP_RADIUS)
			conf_error_at(ctx, c->loc, "connection '%s': eap-radius is for 'remote' (the "
				      "gateway relays its clients' EAP)", c->name);
		if (c->remote.auth == CONF_AUTH_EAP_RADIUS && !cfg->radius.nservers)
			conf_error_at(ctx, c->loc, "connection '%s': remote auth = eap-radius but no "
				      "radius = { servers = ( ... ); }", c->name);
	}
}

void conf_free_radius(struct conf_radius *r)
{
	for (size_t i = 0; i < r->nservers; i++) {
		free(r->servers[i].address);
		if (r->servers[i].secret_text)
			memzero(r->servers[i].secret_text, strlen(r->servers[i].secret_text));
		free(r->servers[i].secret_text);
		free(r->servers[i].secret_file);
		secret_free(&r->servers[i].secret);
	}
	free(r->nas_identifier);
	memset(r, 0, sizeof(*r));
}
