#include "ike/core/confload.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <arpa/inet.h>

#include "common/log.h"
#include "ike/core/units.h"
#include "ike/crypto/proposal.h"
#include "ike/ikev2.h"

/* ---- diagnostics ---- */

static int strv_push(char ***v, size_t *n, char *s)
{
	char **nv;

	if (!s)
		return -1;
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv) {
		free(s);
		return -1;
	}
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

static void report(struct conf_ctx *ctx, int is_err, const char *file, int line,
		   const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static void report(struct conf_ctx *ctx, int is_err, const char *file, int line,
		   const char *fmt, va_list ap)
{
	char raw[512], msg[512], *full = NULL;

	vsnprintf(raw, sizeof(raw), fmt, ap);
	log_escape(msg, sizeof(msg), raw);	/* values quoted from the file */
	if (asprintf(&full, "%s:%d: %s%s", file ? file : ctx->cfg->path, line,
		     is_err ? "" : "warning: ", msg) < 0)
		full = NULL;
	if (is_err)
		strv_push(&ctx->diag->errors, &ctx->diag->nerrors, full);
	else
		strv_push(&ctx->diag->warnings, &ctx->diag->nwarnings, full);
}

void conf_error(struct conf_ctx *ctx, const config_setting_t *s, const char *fmt, ...)
{
	struct conf_loc loc = conf_loc_of(ctx, s);
	va_list ap;

	va_start(ap, fmt);
	report(ctx, 1, loc.file, loc.line, fmt, ap);
	va_end(ap);
}

void conf_warn(struct conf_ctx *ctx, const config_setting_t *s, const char *fmt, ...)
{
	struct conf_loc loc = conf_loc_of(ctx, s);
	va_list ap;

	va_start(ap, fmt);
	report(ctx, 0, loc.file, loc.line, fmt, ap);
	va_end(ap);
}

void conf_error_at(struct conf_ctx *ctx, struct conf_loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(ctx, 1, loc.file, loc.line, fmt, ap);
	va_end(ap);
}

void conf_diag_free(struct conf_diag *diag)
{
	size_t i;

	for (i = 0; i < diag->nerrors; i++)
		free(diag->errors[i]);
	for (i = 0; i < diag->nwarnings; i++)
		free(diag->warnings[i]);
	free(diag->errors);
	free(diag->warnings);
	memset(diag, 0, sizeof(*diag));
}

static void conf_warn_at(struct conf_ctx *ctx, struct conf_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void conf_warn_at(struct conf_ctx *ctx, struct conf_loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(ctx, 0, loc.file, loc.line, fmt, ap);
	va_end(ap);
}

/*
 * libconfig records an @include'd file by the name written in the
 * directive; name it by its path relative to the including file's
 * directory, so the message leads the operator to the right file.
 */
static const char *include_path(struct conf_ctx *ctx, const char *f, char *buf, size_t size)
{
	if (f[0] == '/' || !ctx->cur_file || strcmp(f, ctx->cur_file) == 0 || !ctx->cur_dir)
		return f;
	snprintf(buf, size, "%s/%s", ctx->cur_dir, f);
	return buf;
}

struct conf_loc conf_loc_of(struct conf_ctx *ctx, const config_setting_t *s)
{
	struct config *cfg = ctx->cfg;
	const char *f = config_setting_source_file(s);
	struct conf_loc loc = { cfg->path, config_setting_source_line(s) };
	char full[4096];
	size_t i;

	if (!f)
		return loc;
	f = include_path(ctx, f, full, sizeof(full));
	for (i = 0; i < cfg->nfiles; i++)
		if (strcmp(cfg->files[i], f) == 0) {
			loc.file = cfg->files[i];
			return loc;
		}
	if (strv_push(&cfg->files, &cfg->nfiles, strdup(f)) == 0)
		loc.file = cfg->files[cfg->nfiles - 1];
	return loc;
}

/* ---- the schema walker ---- */

static const char *type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP: return "a group { }";
	case CONFIG_TYPE_INT: case CONFIG_TYPE_INT64: return "an integer";
	case CONFIG_TYPE_FLOAT: return "a number";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "a boolean";
	case CONFIG_TYPE_ARRAY: return "an array [ ]";
	case CONFIG_TYPE_LIST: return "a list ( )";
	default: return "an unknown type";
	}
}

static int wrong_type(struct conf_ctx *ctx, const config_setting_t *s, const char *want)
{
	conf_error(ctx, s, "'%s' must be %s, not %s", config_setting_name(s), want,
		   type_name(config_setting_type(s)));
	return -1;
}

int conf_get_string(struct conf_ctx *ctx, const config_setting_t *s, const char **out)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return wrong_type(ctx, s, "a string");
	*out = config_setting_get_string(s);
	return 0;
}

int conf_get_bool(struct conf_ctx *ctx, const config_setting_t *s, int *out)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		conf_error(ctx, s, "'%s' must be true or false", config_setting_name(s));
		return -1;
	}
	*out = config_setting_get_bool(s);
	return 0;
}

static int is_int(const config_setting_t *s)
{
	return config_setting_type(s) == CONFIG_TYPE_INT || config_setting_type(s) == CONFIG_TYPE_INT64;
}

static int get_uint(struct conf_ctx *ctx, const config_setting_t *s, const struct rule *r,
		    uint64_t *out)
{
	long long v;

	if (!is_int(s))
		return wrong_type(ctx, s, "an integer");
	v = config_setting_get_int64(s);
	if (v < 0 || (uint64_t)v < r->min || (uint64_t)v > r->max) {
		conf_error(ctx, s, "'%s' = %lld out of range %" PRIu64 "..%" PRIu64,
			   r->name, v, r->min, r->max);
		return -1;
	}
	*out = (uint64_t)v;
	return 0;
}

static int get_float(struct conf_ctx *ctx, const config_setting_t *s, const struct rule *r,
		     double *out)
{
	double v;

	if (config_setting_type(s) == CONFIG_TYPE_FLOAT)
		v = config_setting_get_float(s);
	else if (is_int(s))
		v = (double)config_setting_get_int64(s);
	else
		return wrong_type(ctx, s, "a number");
	if (v < (double)r->min || v > (double)r->max) {
		conf_error(ctx, s, "'%s' = %g out of range %" PRIu64 "..%" PRIu64,
			   r->name, v, r->min, r->max);
		return -1;
	}
	*out = v;
	return 0;
}

/* Durations and counts: an integer, or a string with a unit suffix. */
static int get_units(struct conf_ctx *ctx, const config_setting_t *s, const struct rule *r,
		     uint64_t *out)
{
	char err[160];
	int ret;

	if (is_int(s)) {
		if (config_setting_get_int64(s) < 0) {
			conf_error(ctx, s, "'%s' = %lld must not be negative", r->name,
				   config_setting_get_int64(s));
			return -1;
		}
		*out = (uint64_t)config_setting_get_int64(s);
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return wrong_type(ctx, s, r->kind == RK_TIME ? "a time such as \"4h\"" :
				  "a count such as \"500M\"");
	ret = r->kind == RK_TIME ?
		units_parse_time(config_setting_get_string(s), out, err, sizeof(err)) :
		units_parse_count(config_setting_get_string(s), out, err, sizeof(err));
	if (ret < 0)
		conf_error(ctx, s, "'%s': %s", r->name, err);
	return ret;
}

static int get_enum(struct conf_ctx *ctx, const config_setting_t *s, const struct rule *r,
		    unsigned *out)
{
	const char *v = NULL;
	char list[256];
	size_t i, off = 0;

	if (conf_get_string(ctx, s, &v) < 0)
		return -1;
	if (names_find(r->names, r->nnames, v, out) == 0)
		return 0;
	list[0] = '\0';
	for (i = 0; i < r->nnames && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
					i ? ", " : "", r->names[i].name);
	conf_error(ctx, s, "'%s' = \"%s\" is not one of: %s", r->name, v, list);
	return -1;
}

static int get_strlist(struct conf_ctx *ctx, const config_setting_t *s, struct conf_strlist *l)
{
	int i, n, type = config_setting_type(s);

	if (type == CONFIG_TYPE_STRING)
		return strv_push(&l->v, &l->n, strdup(config_setting_get_string(s)));
	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
		return wrong_type(ctx, s, "a list of strings [\"a\", \"b\"]");
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			conf_error(ctx, e, "'%s' must hold strings only, element %d is %s",
				   config_setting_name(s), i + 1, type_name(config_setting_type(e)));
			return -1;
		}
		if (strv_push(&l->v, &l->n, strdup(config_setting_get_string(e))) < 0)
			return -1;
	}
	return 0;
}

/* Each string must parse as proposals (strongSwan syntax) for the protocol. */
static int get_proposals(struct conf_ctx *ctx, const config_setting_t *s, const struct rule *r,
			 struct conf_strlist *l)
{
	struct ike_proposal p[IKE_MAX_PROPOSALS];
	char why[256];
	size_t i, n;
	int ret = 0;

	if (get_strlist(ctx, s, l) < 0)
		return -1;
	for (i = 0; i < l->n; i++)
		if (proposal_parse(l->v[i], (uint8_t)r->min, p, IKE_MAX_PROPOSALS, &n, why,
				   sizeof(why)) < 0) {
			conf_error(ctx, s, "'%s': %s", r->name, why);
			ret = -1;
		}
	return ret;
}

static void apply_rule(struct conf_ctx *ctx, const config_setting_t *s, const struct rule *r,
		       void *obj)
{
	void *field = (char *)obj + r->off;
	const char *str = NULL;

	switch (r->kind) {
	case RK_STR:
		if (conf_get_string(ctx, s, &str) == 0) {
			free(*(char **)field);
			*(char **)field = strdup(str);
		}
		break;
	case RK_UINT:
		get_uint(ctx, s, r, field);
		break;
	case RK_FLOAT:
		get_float(ctx, s, r, field);
		break;
	case RK_TIME:
	case RK_COUNT:
		get_units(ctx, s, r, field);
		break;
	case RK_ENUM:
		get_enum(ctx, s, r, field);
		break;
	case RK_STRLIST:
		get_strlist(ctx, s, field);
		break;
	case RK_PROPOSALS:
		get_proposals(ctx, s, r, field);
		break;
	case RK_BOOL:
		if (config_setting_type(s) == CONFIG_TYPE_BOOL)
			*(int *)field = config_setting_get_bool(s);
		else
			conf_error(ctx, s, "'%s' must be true or false", r->name);
		break;
	case RK_FN:
		/* off: a field of obj the function fills (0: obj itself) */
		r->fn(ctx, s, (char *)obj + r->off);
		break;
	}
}

void conf_apply_rules(struct conf_ctx *ctx, const config_setting_t *group,
		      const struct rule *rules, size_t nrules, void *obj, const char *where)
{
	int i, n;
	size_t k;

	if (config_setting_type(group) != CONFIG_TYPE_GROUP) {
		wrong_type(ctx, group, "a group { }");
		return;
	}
	n = config_setting_length(group);
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(s);

		for (k = 0; k < nrules; k++)
			if (strcmp(rules[k].name, name) == 0)
				break;
		if (k == nrules)
			conf_error(ctx, s, "unknown key '%s' in %s", name, where);
		else
			apply_rule(ctx, s, &rules[k], obj);
	}
}

static void strlist_free(struct conf_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void conf_free_rules(const struct rule *rules, size_t nrules, void *obj)
{
	size_t k;

	for (k = 0; k < nrules; k++) {
		void *field = (char *)obj + rules[k].off;

		if (rules[k].kind == RK_STR) {
			free(*(char **)field);
			*(char **)field = NULL;
		} else if (rules[k].kind == RK_STRLIST || rules[k].kind == RK_PROPOSALS) {
			strlist_free(field);
		}
	}
}

int conf_check_name(struct conf_ctx *ctx, const config_setting_t *s, const char *what,
		    char **out)
{
	const char *v = NULL, *p;

	if (conf_get_string(ctx, s, &v) < 0)
		return -1;
	for (p = v; *p; p++)
		if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') ||
		      ('0' <= *p && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			break;
	if (!*v || *p || strlen(v) >= CONF_NAME_MAX) {
		conf_error(ctx, s, "%s name \"%s\" must be 1..%d characters of A-Z a-z 0-9 . _ -",
			   what, v, CONF_NAME_MAX - 1);
		return -1;
	}
	/* ikectl reads a number as an IKE SA id ("terminate 7"). */
	if (strspn(v, "0123456789") == strlen(v)) {
		conf_error(ctx, s, "%s name \"%s\" must not be only digits", what, v);
		return -1;
	}
	free(*out);
	*out = strdup(v);
	return 0;
}

/* ---- global section ---- */

#define G(f) offsetof(struct conf_global, f)

static int load_listen(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_global *g = obj;
	struct conf_strlist l = { NULL, 0 };
	uint8_t buf[16];
	size_t i;
	int ret = 0;

	if (get_strlist(ctx, s, &l) < 0) {
		strlist_free(&l);
		return -1;
	}
	for (i = 0; i < l.n; i++)
		if (inet_pton(AF_INET, l.v[i], buf) != 1 && inet_pton(AF_INET6, l.v[i], buf) != 1) {
			conf_error(ctx, s, "'listen': \"%s\" is not an IPv4 or IPv6 address", l.v[i]);
			ret = -1;
		}
	if (l.n == 0) {
		conf_error(ctx, s, "'listen' is empty: give at least one address");
		ret = -1;
	}
	strlist_free(&g->listen);
	g->listen = l;
	return ret;
}

static int load_log(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_global *g = obj;
	int i, n, j, ret = 0;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return wrong_type(ctx, s, "a group { default = \"info\"; ike = \"debug\"; }");
	n = config_setting_length(s);
	/* "default" first, whatever its position, so subsystems override it. */
	for (j = 0; j < 2; j++)
		for (i = 0; i < n; i++) {
			const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
			const char *name = config_setting_name(e), *v = NULL;
			int is_default = strcmp(name, "default") == 0;
			enum log_subsys sub;
			enum log_level lvl;

			if (is_default != (j == 0))
				continue;
			if (!is_default && log_subsys_from_name(name, &sub) < 0) {
				conf_error(ctx, e, "unknown log subsystem '%s' (default, dmn, cfg, net, enc, cry, ike, chd, knl, ctl)",
					   name);
				ret = -1;
				continue;
			}
			if (conf_get_string(ctx, e, &v) < 0 || log_level_from_name(v, &lvl) < 0) {
				if (config_setting_type(e) == CONFIG_TYPE_STRING)
					conf_error(ctx, e, "unknown log level \"%s\" (error, warn, info, debug, trace)", v);
				ret = -1;
				continue;
			}
			if (is_default)
				for (sub = 0; sub < LS_MAX; sub++)
					g->log[sub] = lvl;
			else
				g->log[sub] = lvl;
		}
	return ret;
}

struct retransmit {
	double timeout, base;
	uint64_t tries;
};

static const struct rule retransmit_rules[] = {
	{ "timeout", RK_FLOAT, offsetof(struct retransmit, timeout), 1, 3600, NULL, 0, NULL },
	{ "base", RK_FLOAT, offsetof(struct retransmit, base), 1, 10, NULL, 0, NULL },
	{ "tries", RK_UINT, offsetof(struct retransmit, tries), 0, 20, NULL, 0, NULL },
};

static int load_retransmit(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_global *g = obj;
	struct retransmit rt = { g->retransmit_timeout, g->retransmit_base, g->retransmit_tries };

	conf_apply_rules(ctx, s, retransmit_rules, NAMES_LEN(retransmit_rules), &rt,
			 "'retransmit'");
	g->retransmit_timeout = rt.timeout;
	g->retransmit_base = rt.base;
	g->retransmit_tries = rt.tries;
	return 0;
}

int conf_parse_hostport(const char *s, struct addr *out, char *err, size_t errlen)
{
	const char *orig = s;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	unsigned long port;
	char *end;
	size_t n;

	if (!colon || colon == s)
		goto bad;
	n = (size_t)(colon - s);
	if (s[0] == '[') {
		if (n < 3 || s[n - 1] != ']')
			goto bad;
		s++;
		n -= 2;
	}
	if (n >= sizeof(host))
		goto bad;
	memcpy(host, s, n);
	host[n] = '\0';
	port = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || port == 0 || port > 65535 || addr_parse(out, host, (uint16_t)port) < 0 ||
	    (addr_family(out) == AF_INET6) != (orig[0] == '['))
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "\"%s\" is not ADDRESS:PORT (e.g. \"127.0.0.1:9273\", \"[::1]:9273\")",
		 orig);
	return -1;
}

static int load_metrics(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_global *g = obj;
	const config_setting_t *l;
	const char *v = NULL;
	struct addr a;
	char err[160];

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return wrong_type(ctx, s, "a group { listen = \"127.0.0.1:9273\"; }");
	for (int i = 0; i < config_setting_length(s); i++) {
		l = config_setting_get_elem(s, (unsigned)i);
		if (strcmp(config_setting_name(l), "listen") != 0) {
			conf_error(ctx, l, "unknown key '%s' in 'metrics' (only 'listen')",
				   config_setting_name(l));
			return -1;
		}
		if (conf_get_string(ctx, l, &v) < 0)
			return -1;
		if (conf_parse_hostport(v, &a, err, sizeof(err)) < 0) {
			conf_error(ctx, l, "'listen': %s", err);
			return -1;
		}
		free(g->metrics_listen);
		g->metrics_listen = strdup(v);
		if (!g->metrics_listen)
			return -1;
	}
	return 0;
}

int conf_gateway_ok(const char *v)
{
	uint8_t buf[16];

	return inet_pton(AF_INET, v, buf) == 1 || inet_pton(AF_INET6, v, buf) == 1 ||
	       addr_host_name_ok(v, strlen(v));
}

struct redirect_rule {
	uint64_t above;
	char *to;
};

static const struct rule redirect_rules[] = {
	{ "above", RK_UINT, offsetof(struct redirect_rule, above), 0, 100000000, NULL, 0, NULL },
	{ "to", RK_STR, offsetof(struct redirect_rule, to), 0, 0, NULL, 0, NULL },
};

/* redirect = { above = 1000; to = "gw2.example.net"; } */
static int load_redirect(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_global *g = obj;
	struct redirect_rule rr = { g->redirect_above, g->redirect_to };

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return wrong_type(ctx, s, "a group { above = 1000; to = \"gw2.example.net\"; }");
	conf_apply_rules(ctx, s, redirect_rules, NAMES_LEN(redirect_rules), &rr, "'redirect'");
	g->redirect_above = rr.above;
	g->redirect_to = rr.to;
	if (!g->redirect_to) {
		conf_error(ctx, s, "'redirect' without 'to': give the gateway to redirect to");
		return -1;
	}
	if (!conf_gateway_ok(g->redirect_to)) {
		conf_error(ctx, s, "'redirect': 'to' = \"%s\" is not an IP address or a host name",
			   g->redirect_to);
		return -1;
	}
	return 0;
}

/* strongSwan's charon.follow_redirects */
static int load_follow_redirects(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_global *g = obj;

	return conf_get_bool(ctx, s, &g->follow_redirects);
}

static const struct rule global_rules[] = {
	{ "redirect", RK_FN, 0, 0, 0, NULL, 0, load_redirect },
	{ "follow_redirects", RK_FN, 0, 0, 0, NULL, 0, load_follow_redirects },
	{ "listen", RK_FN, 0, 0, 0, NULL, 0, load_listen },
	{ "port", RK_UINT, G(port), 1, 65535, NULL, 0, NULL },
	{ "port_nat_t", RK_UINT, G(port_nat_t), 1, 65535, NULL, 0, NULL },
	{ "pidfile", RK_STR, G(pidfile), 0, 0, NULL, 0, NULL },
	{ "control_socket", RK_STR, G(control_socket), 0, 0, NULL, 0, NULL },
	{ "secrets_file", RK_STR, G(secrets_file), 0, 0, NULL, 0, NULL },
	{ "log", RK_FN, 0, 0, 0, NULL, 0, load_log },
	{ "retransmit", RK_FN, 0, 0, 0, NULL, 0, load_retransmit },
	{ "cookie_threshold", RK_UINT, G(cookie_threshold), 0, 1000000, NULL, 0, NULL },
	{ "half_open_limit", RK_UINT, G(half_open_limit), 1, 10000000, NULL, 0, NULL },
	{ "metrics", RK_FN, 0, 0, 0, NULL, 0, load_metrics },
	{ "cookie_threshold_ip", RK_UINT, G(cookie_threshold_ip), 0, 1000000, NULL, 0, NULL },
	{ "block_threshold", RK_UINT, G(block_threshold), 0, 1000000, NULL, 0, NULL },
	{ "cacerts", RK_FN, 0, 0, 0, NULL, 0, conf_load_global_cacerts },
	{ "crls", RK_FN, 0, 0, 0, NULL, 0, conf_load_global_crls },
	{ "rsa_pss", RK_FN, 0, 0, 0, NULL, 0, conf_load_rsa_pss },
	{ "fragment_size", RK_UINT, G(fragment_size), CONF_FRAGMENT_SIZE_MIN,
	  CONF_FRAGMENT_SIZE_MAX, NULL, 0, NULL },
	{ "keep_alive", RK_TIME, G(keep_alive), 0, 0, NULL, 0, NULL },
};

/* Values every deployment gets unless ike.conf says otherwise (ike.conf.5). */
static int global_defaults(struct conf_global *g)
{
	enum log_subsys sub;

	memset(g, 0, sizeof(*g));
	g->port = IKE_PORT;
	g->port_nat_t = IKE_NATT_PORT;
	g->pidfile = strdup(IKE_RUNSTATEDIR "/ikedaemon.pid");
	g->control_socket = strdup(IKE_RUNSTATEDIR "/ikedaemon.ctl");
	for (sub = 0; sub < LS_MAX; sub++)
		g->log[sub] = LL_INFO;
	g->retransmit_timeout = 4.0;
	g->retransmit_base = 1.8;
	g->retransmit_tries = 5;
	g->cookie_threshold = 30;
	g->half_open_limit = 5000;
	g->cookie_threshold_ip = 3;
	g->block_threshold = 5;
	g->fragment_size = CONF_FRAGMENT_SIZE_DEFAULT;
	g->keep_alive = CONF_KEEP_ALIVE_DEFAULT;
	g->follow_redirects = 1;
	if (strv_push(&g->listen.v, &g->listen.n, strdup("0.0.0.0")) < 0 ||
	    strv_push(&g->listen.v, &g->listen.n, strdup("::")) < 0)
		return -1;
	return g->pidfile && g->control_socket ? 0 : -1;
}

static void load_global(struct conf_ctx *ctx, const config_setting_t *s)
{
	struct conf_global *g = &ctx->cfg->global;

	conf_apply_rules(ctx, s, global_rules, NAMES_LEN(global_rules), g, "'global'");
	if (g->port == g->port_nat_t)
		conf_error(ctx, s, "'port' and 'port_nat_t' are both %" PRIu64 ": they must differ",
			   g->port);
	if (g->pidfile[0] != '/')
		conf_error(ctx, s, "'pidfile' = \"%s\" must be an absolute path", g->pidfile);
	if (g->control_socket[0] != '/')
		conf_error(ctx, s, "'control_socket' = \"%s\" must be an absolute path",
			   g->control_socket);
}

/* ---- secrets ---- */

static int parse_psk(struct conf_ctx *ctx, const config_setting_t *s, struct secret *key)
{
	const char *v = NULL;
	size_t i, n;

	if (conf_get_string(ctx, s, &v) < 0)
		return -1;
	n = strlen(v);
	if (strncmp(v, "0x", 2) != 0) {
		if (n == 0) {
			conf_error(ctx, s, "'psk' is empty");
			return -1;
		}
		return secret_dup(key, v, n);
	}
	v += 2;
	n -= 2;
	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", v[i]))
			break;
	if (n == 0 || n % 2 || i < n) {
		/* The value is a secret: say what is wrong, never echo it. */
		conf_error(ctx, s, "'psk' starts with 0x but is not an even number of hex digits");
		return -1;
	}
	if (secret_alloc(key, n / 2) < 0)
		return -1;
	for (i = 0; i < n / 2; i++) {
		char hex[3] = { v[2 * i], v[2 * i + 1], 0 };
		key->ptr[i] = (uint8_t)strtoul(hex, NULL, 16);
	}
	return 0;
}

int conf_get_ident(struct conf_ctx *ctx, const config_setting_t *s, struct ident *id,
		   char **text)
{
	const char *v = NULL;
	char err[256];

	if (conf_get_string(ctx, s, &v) < 0)
		return -1;
	if (ident_parse(id, v, err, sizeof(err)) < 0) {
		conf_error(ctx, s, "'id': %s", err);
		return -1;
	}
	free(*text);
	*text = strdup(v);
	return *text ? 0 : -1;
}

/* "id" or, for the key of a pair of identities, ["id1", "id2"]. */
static int load_secret_id(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_psk *p = obj;
	int type = config_setting_type(s);

	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
		return conf_get_ident(ctx, s, &p->id, &p->id_text);
	if (config_setting_length(s) != 2) {
		conf_error(ctx, s, "'id': one identity, or a list of two (a key of that pair), "
			   "not %d", config_setting_length(s));
		return -1;
	}
	if (conf_get_ident(ctx, config_setting_get_elem(s, 0), &p->id, &p->id_text) < 0 ||
	    conf_get_ident(ctx, config_setting_get_elem(s, 1), &p->id2, &p->id2_text) < 0)
		return -1;
	if (ident_eq(&p->id, &p->id2)) {
		conf_error(ctx, s, "'id': the pair names \"%s\" twice", p->id_text);
		return -1;
	}
	return 0;
}

static int same_ids(const struct conf_psk *a, const struct conf_psk *b)
{
	if (a->eap != b->eap)
		return 0;
	if (a->id2.type != b->id2.type && (!a->id2.type || !b->id2.type))
		return 0;
	if (!a->id2.type)
		return ident_eq(&a->id, &b->id);
	return (ident_eq(&a->id, &b->id) && ident_eq(&a->id2, &b->id2)) ||
	       (ident_eq(&a->id, &b->id2) && ident_eq(&a->id2, &b->id));
}

static int load_secret_psk(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_psk *p = obj;

	if (p->key.ptr) {
		conf_error(ctx, s, "a secret has either 'psk' or 'eap', not both");
		return -1;
	}
	return parse_psk(ctx, s, &p->key);
}

/* eap = "password": an EAP user's password (RFC 7296 2.16, strongSwan's
 * EAP secrets), looked up by EAP identity only. */
static int load_secret_eap(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_psk *p = obj;
	const char *v = NULL;

	if (p->key.ptr) {
		conf_error(ctx, s, "a secret has either 'psk' or 'eap', not both");
		return -1;
	}
	if (conf_get_string(ctx, s, &v) < 0)
		return -1;
	if (!v[0] || strlen(v) > 256) {
		conf_error(ctx, s, "'eap' must be 1 to 256 bytes");
		return -1;
	}
	p->eap = 1;
	return secret_dup(&p->key, v, strlen(v));
}

static const struct rule secret_rules[] = {
	{ "id", RK_FN, 0, 0, 0, NULL, 0, load_secret_id },
	{ "psk", RK_FN, 0, 0, 0, NULL, 0, load_secret_psk },
	{ "eap", RK_FN, 0, 0, 0, NULL, 0, load_secret_eap },
};

static void free_psk(struct conf_psk *p)
{
	free(p->id_text);
	free(p->id2_text);
	secret_free(&p->key);
}

static void load_secret(struct conf_ctx *ctx, const config_setting_t *e)
{
	struct config *cfg = ctx->cfg;
	struct conf_psk p, *nv;
	size_t i, before = ctx->diag->nerrors;

	if (config_setting_type(e) == CONFIG_TYPE_GROUP &&
	    config_setting_get_member(e, "private_key")) {
		conf_load_privkey(ctx, e);
		return;
	}
	memset(&p, 0, sizeof(p));
	p.loc = conf_loc_of(ctx, e);
	conf_apply_rules(ctx, e, secret_rules, NAMES_LEN(secret_rules), &p, "a secret");
	if (ctx->diag->nerrors != before)
		goto drop;
	if (!p.id_text || !p.key.ptr) {
		if (config_setting_type(e) == CONFIG_TYPE_GROUP)
			conf_error(ctx, e, "secret needs 'id' and 'psk' (or 'eap')");
		goto drop;
	}
	for (i = 0; i < cfg->nsecrets; i++)
		if (same_ids(&cfg->secrets[i], &p)) {
			conf_error(ctx, e, "second secret for id \"%s\"%s%s%s (first at %s:%d)",
				   p.id_text, p.id2_text ? " and \"" : "",
				   p.id2_text ? p.id2_text : "", p.id2_text ? "\"" : "",
				   cfg->secrets[i].loc.file, cfg->secrets[i].loc.line);
			goto drop;
		}
	nv = realloc(cfg->secrets, (cfg->nsecrets + 1) * sizeof(*nv));
	if (!nv)
		goto drop;
	cfg->secrets = nv;
	cfg->secrets[cfg->nsecrets++] = p;
	return;
drop:
	free_psk(&p);
}

static void load_secrets(struct conf_ctx *ctx, const config_setting_t *list)
{
	int i, n;

	if (config_setting_type(list) != CONFIG_TYPE_LIST) {
		wrong_type(ctx, list, "a list ( { id = ...; psk = ...; }, ... )");
		return;
	}
	n = config_setting_length(list);
	for (i = 0; i < n; i++)
		load_secret(ctx, config_setting_get_elem(list, (unsigned)i));
}

/* Secrets readable by others are an operator mistake worth a warning, not a refusal. */
static void check_secret_files(struct conf_ctx *ctx)
{
	struct config *cfg = ctx->cfg;
	struct stat st;
	size_t i, j;

	for (i = 0; i < cfg->nsecrets; i++) {
		for (j = 0; j < i; j++)
			if (cfg->secrets[j].loc.file == cfg->secrets[i].loc.file)
				break;
		if (j < i || stat(cfg->secrets[i].loc.file, &st) < 0 || !(st.st_mode & 077))
			continue;
		conf_warn_at(ctx, cfg->secrets[i].loc,
			     "file holds secrets but is readable by group or others (mode %04o): chmod 600 it",
			     (unsigned)(st.st_mode & 07777));
	}
}

/* ---- files ---- */

/* On success the caller owns *dirp (the include directory) until config_destroy. */
static int read_file(struct conf_ctx *ctx, config_t *lc, const char *path, char **dirp)
{
	char *dir = strdup(path), *slash, full[4096];
	const char *ef;
	FILE *f;
	int ret = -1;

	config_init(lc);
	*dirp = dir;
	if (!dir)
		return -1;
	slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir ? 1 : 0] = '\0';
	else
		strcpy(dir, ".");
	/* @include "x" is relative to the including file's directory. */
	config_set_include_dir(lc, dir);
	ctx->cur_file = path;
	ctx->cur_dir = dir;
	/* libconfig exits on a directory and blocks on a FIFO: never hand it one. */
	if (conf_files_check(ctx, path, dir) < 0)
		goto out;
	f = fopen(path, "r");
	if (!f) {
		conf_error_at(ctx, (struct conf_loc){ path, 0 }, "cannot open: %s", strerror(errno));
		goto out;
	}
	fclose(f);
	if (config_read_file(lc, path) != CONFIG_TRUE) {
		ef = config_error_file(lc) ? include_path(ctx, config_error_file(lc), full, sizeof(full)) : path;
		conf_error_at(ctx, (struct conf_loc){ ef, config_error_line(lc) },
			      "syntax error: %s", config_error_text(lc));
		goto out;
	}
	ret = 0;
out:
	return ret;
}

static char *relative_to(const char *base, const char *path)
{
	const char *slash = strrchr(base, '/');
	char *out = NULL;

	if (path[0] == '/' || !slash)
		return strdup(path);
	if (asprintf(&out, "%.*s/%s", (int)(slash - base), base, path) < 0)
		return NULL;
	return out;
}

static void load_secrets_file(struct conf_ctx *ctx)
{
	char *path = relative_to(ctx->cfg->path, ctx->cfg->global.secrets_file);
	const char *saved_file = ctx->cur_file, *saved_dir = ctx->cur_dir;
	const config_setting_t *s;
	char *dir = NULL;
	config_t lc;
	int i, n;

	if (!path)
		return;
	if (read_file(ctx, &lc, path, &dir) < 0)
		goto out;
	s = config_root_setting(&lc);
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (strcmp(config_setting_name(e), "secrets") == 0)
			load_secrets(ctx, e);
		else
			conf_error(ctx, e, "unknown key '%s' in a secrets file (only 'secrets')",
				   config_setting_name(e));
	}
out:
	config_destroy(&lc);
	ctx->cur_file = saved_file;
	ctx->cur_dir = saved_dir;
	free(dir);
	free(path);
}

static int load_global_fn(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	load_global(ctx, s);
	return 0;
}

static int load_secrets_fn(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	load_secrets(ctx, s);
	return 0;
}

static int load_conns_fn(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	conf_load_conns(ctx, s);
	return 0;
}

static const struct rule top_rules[] = {
	{ "global", RK_FN, 0, 0, 0, NULL, 0, load_global_fn },
	{ "secrets", RK_FN, 0, 0, 0, NULL, 0, load_secrets_fn },
	{ "connections", RK_FN, 0, 0, 0, NULL, 0, load_conns_fn },
	{ "pools", RK_FN, 0, 0, 0, NULL, 0, conf_load_pools },
	{ "radius", RK_FN, 0, 0, 0, NULL, 0, conf_load_radius },
};

struct config *config_load(const char *path, struct conf_diag *diag)
{
	return config_load_flags(path, 0, diag);
}

struct config *config_load_flags(const char *path, unsigned flags, struct conf_diag *diag)
{
	struct config *cfg = calloc(1, sizeof(*cfg));
	struct conf_ctx ctx = { cfg, diag, NULL, NULL, flags, NULL };
	char *dir = NULL;
	config_t lc;
	int have_lc = 0;

	memset(diag, 0, sizeof(*diag));
	if (!cfg || !(cfg->path = strdup(path)) || global_defaults(&cfg->global) < 0) {
		strv_push(&diag->errors, &diag->nerrors, strdup("out of memory"));
		goto fail;
	}
	conf_radius_defaults(&cfg->radius);
	have_lc = 1;
	if (read_file(&ctx, &lc, path, &dir) < 0)
		goto fail;
	conf_apply_rules(&ctx, config_root_setting(&lc), top_rules, NAMES_LEN(top_rules), cfg,
			 "the top level (global, secrets, connections, pools, radius)");
	if (cfg->global.secrets_file && (flags & CONF_LOAD_ONE_FILE))
		conf_error_at(&ctx, (struct conf_loc){ path, 0 }, "secrets_file not read (one-file mode)");
	else if (cfg->global.secrets_file)
		load_secrets_file(&ctx);
	conf_check_conn_pki(&ctx);
	conf_check_conn_secrets(&ctx);
	conf_check_conn_ports(&ctx);
	conf_check_conn_pools(&ctx);
	conf_check_conn_radius(&ctx);
	check_secret_files(&ctx);
	for (size_t i = 0; i < cfg->nconns && !diag->nerrors; i++)
		if (strmap_put(&cfg->conn_index, cfg->conns[i].name, &cfg->conns[i]) < 0)
			strv_push(&diag->errors, &diag->nerrors, strdup("out of memory"));
	if (diag->nerrors)
		goto fail;
	config_destroy(&lc);
	free(dir);
	return cfg;
fail:
	if (have_lc)
		config_destroy(&lc);
	free(dir);
	config_free(cfg);
	return NULL;
}

void config_free(struct config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	conf_free_rules(global_rules, NAMES_LEN(global_rules), &cfg->global);
	strlist_free(&cfg->global.listen);
	conf_free_pki(cfg);
	free(cfg->global.metrics_listen);
	free(cfg->global.redirect_to);
	for (i = 0; i < cfg->nsecrets; i++)
		free_psk(&cfg->secrets[i]);
	free(cfg->secrets);
	for (i = 0; i < cfg->nconns; i++)
		conf_free_conn(&cfg->conns[i]);
	free(cfg->conns);
	conf_free_pools(cfg);
	conf_free_radius(&cfg->radius);
	for (i = 0; i < cfg->nfiles; i++)
		free(cfg->files[i]);
	free(cfg->files);
	free(cfg->path);
	strmap_free(&cfg->conn_index);
	free(cfg);
}

const struct conf_conn *config_find_conn(const struct config *cfg, const char *name)
{
	size_t i;

	if (cfg->conn_index.cap)
		return strmap_get(&cfg->conn_index, name);
	for (i = 0; i < cfg->nconns; i++)
		if (strcmp(cfg->conns[i].name, name) == 0)
			return &cfg->conns[i];
	return NULL;
}

const struct conf_child *config_find_child(const struct conf_conn *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nchildren; i++)
		if (strcmp(c->children[i].name, name) == 0)
			return &c->children[i];
	return NULL;
}

const struct conf_psk *config_find_eap(const struct config *cfg, const void *id, size_t len)
{
	for (size_t i = 0; i < cfg->nsecrets; i++) {
		const struct conf_psk *p = &cfg->secrets[i];

		/* the id as written: "alice" is an FQDN to ident_parse, but its
		 * text is what an EAP peer sends */
		if (p->eap && !p->id2.type && strlen(p->id_text) == len &&
		    memcmp(p->id_text, id, len) == 0)
			return p;
	}
	return NULL;
}

const struct conf_psk *config_find_psk(const struct config *cfg, const struct ident *local,
				       const struct ident *remote)
{
	const struct ident *want[2] = { remote, local };
	size_t i, k;

	for (i = 0; i < cfg->nsecrets; i++) {
		const struct conf_psk *p = &cfg->secrets[i];

		if (!p->eap && p->id2.type && remote->type && local->type &&
		    ((ident_eq(&p->id, remote) && ident_eq(&p->id2, local)) ||
		     (ident_eq(&p->id, local) && ident_eq(&p->id2, remote))))
			return p;
	}
	for (int pair = 0; pair < 2; pair++)
		for (k = 0; k < 2; k++)
			for (i = 0; i < cfg->nsecrets; i++) {
				const struct conf_psk *p = &cfg->secrets[i];

				if (p->eap || !want[k]->type || !p->id2.type != !pair)
					continue;
				if (ident_eq(&p->id, want[k]) ||
				    (pair && ident_eq(&p->id2, want[k])))
					return p;
			}
	return NULL;
}
