/*
 * swanctl.conf -> ike.conf.  Which swanctl key becomes which ike.conf key
 * is a table per section (connection, side, child, secret); the keys are
 * strongSwan's own names, so most carry over unchanged.  A key with no
 * row, a value ikedaemon does not take (auth = pubkey, mode = beet, ...)
 * or a section it has no counterpart for (pools, authorities, a second
 * authentication round) is reported with its line and left out; a
 * connection that cannot work without it (IKEv1, certificate auth) is
 * left out whole, said so once.
 */
#include "ike/ctl/swanctl.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

enum vk {
	V_LIST = 1,	/* comma-separated -> ["a", "b"] */
	V_STR,		/* "value" (times and counts keep their units) */
	V_UINT,		/* a bare number */
	V_ENUM,		/* one of allowed[], as a string */
	V_PATH,		/* an absolute path, no arguments, as a string */
};

struct keymap {
	const char *key;	/* swanctl.conf and ike.conf name */
	enum vk kind;
	const char *allowed;	/* V_ENUM: "a|b|c" */
};

static const struct keymap conn_keys[] = {
	{ "local_addrs", V_LIST, NULL },
	{ "remote_addrs", V_LIST, NULL },
	{ "proposals", V_LIST, NULL },
	{ "rekey_time", V_STR, NULL },
	{ "over_time", V_STR, NULL },
	{ "rand_time", V_STR, NULL },
	{ "reauth_time", V_STR, NULL },
	{ "dpd_delay", V_STR, NULL },
	{ "childless", V_ENUM, "allow|force|never" },
	{ "unique", V_ENUM, "no|never|replace|keep" },
	{ "fragmentation", V_ENUM, "yes|no|force" },
	{ "if_id_in", V_STR, NULL },
	{ "if_id_out", V_STR, NULL },
	{ "local_port", V_UINT, NULL },
	{ "remote_port", V_UINT, NULL },
};

static const struct keymap child_keys[] = {
	{ "local_ts", V_LIST, NULL },
	{ "remote_ts", V_LIST, NULL },
	{ "mode", V_ENUM, "tunnel|transport" },
	{ "esp_proposals", V_LIST, NULL },
	{ "rekey_time", V_STR, NULL },
	{ "life_time", V_STR, NULL },
	{ "rand_time", V_STR, NULL },
	{ "rekey_bytes", V_STR, NULL },
	{ "life_bytes", V_STR, NULL },
	{ "rekey_packets", V_STR, NULL },
	{ "life_packets", V_STR, NULL },
	{ "start_action", V_ENUM, "none|trap|start" },
	{ "close_action", V_ENUM, "none|trap|start" },
	{ "replay_window", V_UINT, NULL },
	{ "sha256_96", V_ENUM, "no|yes" },
	/* numbers or %unique/%unique-dir: ike.conf reads either from a string */
	{ "if_id_in", V_STR, NULL },
	{ "if_id_out", V_STR, NULL },
	{ "updown", V_PATH, NULL },
	{ "mark_in", V_STR, NULL },
	{ "mark_out", V_STR, NULL },
	{ "set_mark_in", V_STR, NULL },
	{ "set_mark_out", V_STR, NULL },
	{ "mark_in_sa", V_ENUM, "no|yes" },
	{ "priority", V_UINT, NULL },
	{ "copy_df", V_ENUM, "no|yes" },
	{ "copy_ecn", V_ENUM, "no|yes" },
	{ "copy_dscp", V_ENUM, "out|in|yes|no" },
	{ "hostaccess", V_ENUM, "no|yes" },
};

struct conv {
	const char *file;
	FILE *out, *notes;
	size_t left;		/* keys not carried over */
};

static void note(struct conv *cv, const struct snode *n, const char *path, const char *why)
{
	fprintf(cv->notes, "%s:%d: %s%s%s: %s\n", cv->file, n->line, path, *path ? "." : "",
		n->name, why);
	cv->left++;
}

static const struct snode *find(const struct snode *sec, const char *name)
{
	for (size_t i = 0; sec && i < sec->nkids; i++)
		if (strcmp(sec->kids[i].name, name) == 0)
			return &sec->kids[i];
	return NULL;
}

static const char *val(const struct snode *sec, const char *name)
{
	const struct snode *n = find(sec, name);

	return n && !n->section ? n->value : NULL;
}

/* A libconfig string: backslash and double quote escaped. */
static void put_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static void put_list(FILE *out, const char *csv)
{
	const char *p = csv;
	int first = 1;

	fputc('[', out);
	while (*p) {
		size_t n = strcspn(p, ","), e = n;
		char *item;

		while (n && isspace((unsigned char)*p)) {
			p++;
			n--;
			e--;
		}
		while (e && isspace((unsigned char)p[e - 1]))
			e--;
		if (e && (item = strndup(p, e))) {
			fputs(first ? "" : ", ", out);
			put_str(out, item);
			free(item);
			first = 0;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	fputc(']', out);
}

static int in_set(const char *v, const char *allowed)
{
	size_t n = strlen(v);

	for (const char *p = allowed; p; p = strchr(p, '|'), p = p ? p + 1 : NULL)
		if (strncmp(p, v, n) == 0 && (p[n] == '|' || p[n] == '\0'))
			return 1;
	return 0;
}

/* One key through its table: written, or noted; 1 if it had a row. */
static int map_key(struct conv *cv, const struct snode *n, const struct keymap *tab, size_t ntab,
		   const char *path, const char *indent)
{
	char why[160];

	for (size_t i = 0; i < ntab; i++) {
		if (strcmp(tab[i].key, n->name) != 0)
			continue;
		if (n->section) {
			note(cv, n, path, "a section where a value was expected");
			return 1;
		}
		if ((tab[i].kind == V_UINT && (!*n->value || strspn(n->value, "0123456789") !=
							   strlen(n->value))) ||
		    (tab[i].kind == V_ENUM && !in_set(n->value, tab[i].allowed)) ||
		    (tab[i].kind == V_PATH && (n->value[0] != '/' || strpbrk(n->value, " \t")))) {
			snprintf(why, sizeof(why), "\"%s\" not supported (ikedaemon takes %s)",
				 n->value, tab[i].kind == V_UINT ? "a number" :
				 tab[i].kind == V_PATH ? "a script path without arguments" :
				 tab[i].allowed);
			note(cv, n, path, why);
			return 1;
		}
		fprintf(cv->out, "%s%s = ", indent, n->name);
		if (tab[i].kind == V_LIST)
			put_list(cv->out, n->value);
		else if (tab[i].kind == V_UINT)
			fputs(n->value, cv->out);
		else
			put_str(cv->out, n->value);
		fputs(";\n", cv->out);
		return 1;
	}
	return 0;
}

/* "local"/"remote" (or the first "local-*"): id and auth = psk. */
static int side_ok(struct conv *cv, const struct snode *side, const char *cpath)
{
	const char *auth = val(side, "auth");
	char path[256];
	int ok = 1;

	snprintf(path, sizeof(path), "%s.%s", cpath, side->name);

	for (size_t i = 0; i < side->nkids; i++) {
		const struct snode *k = &side->kids[i];

		if (!strcmp(k->name, "id") || !strcmp(k->name, "auth"))
			continue;
		note(cv, k, path, "not supported (ikedaemon authenticates with id and a PSK only)");
	}
	if (!auth || strcmp(auth, "psk") != 0) {
		fprintf(cv->notes, "%s:%d: %s.auth: \"%s\" not supported (only psk): the connection "
			"is left out\n", cv->file, side->line, path, auth ? auth : "pubkey (default)");
		cv->left++;
		ok = 0;
	}
	return ok;
}

static void put_side(struct conv *cv, const char *name, const struct snode *side,
		     const char *fallback_id)
{
	const char *id = val(side, "id");

	if (!id)
		id = fallback_id;
	fprintf(cv->out, "\t%s = { ", name);
	if (id) {
		fputs("id = ", cv->out);
		put_str(cv->out, id);
		fputs("; ", cv->out);
	}
	fputs("auth = \"psk\"; };\n", cv->out);
}

static void child(struct conv *cv, const struct snode *ch, const char *cpath, int first,
		  const char **dpd_action)
{
	char path[256];

	snprintf(path, sizeof(path), "%s.children.%s", cpath, ch->name);
	fprintf(cv->out, "%s\t\t{\n\t\t\tname = ", first ? "" : ",\n");
	put_str(cv->out, ch->name);
	fputs(";\n", cv->out);
	for (size_t i = 0; i < ch->nkids; i++) {
		const struct snode *k = &ch->kids[i];

		if (map_key(cv, k, child_keys, sizeof(child_keys) / sizeof(child_keys[0]), path,
			    "\t\t\t"))
			continue;
		if (!strcmp(k->name, "dpd_action") && !k->section) {
			/* per child in swanctl.conf, per connection in ike.conf */
			if (!in_set(k->value, "clear|trap|restart"))
				note(cv, k, path, "not supported (clear, trap or restart)");
			else if (*dpd_action && strcmp(*dpd_action, k->value) != 0)
				note(cv, k, path, "differs from another child's: ike.conf has one "
				     "dpd_action per connection");
			else
				*dpd_action = k->value;
			continue;
		}
		note(cv, k, path, "not supported by ikedaemon");
	}
	fputs("\t\t}", cv->out);
}

/* Why a connection cannot be carried at all, or NULL. */
static const char *conn_refused(const struct snode *c)
{
	const char *v = val(c, "version");

	if (!c->section)
		return "a value where a connection section was expected";
	if (c->value)
		return "a connection inheriting from a template (\"name : template\")";
	if (v && strcmp(v, "2") != 0 && strcmp(v, "0") != 0)
		return "IKEv1 (version = 1) is not supported";
	return NULL;
}

static void connection(struct conv *cv, const struct snode *c, int *nconns)
{
	const struct snode *local = find(c, "local"), *remote = find(c, "remote");
	const struct snode *children = find(c, "children");
	const char *dpd_action = NULL, *why = conn_refused(c), *addrs;
	char path[160], fallback[64] = "";
	size_t nch = 0;
	int ok_local;

	snprintf(path, sizeof(path), "connections.%s", c->name);
	if (why) {
		note(cv, c, "connections", why);
		return;
	}
	for (size_t i = 0; i < c->nkids; i++) {	/* the first round only */
		const struct snode *k = &c->kids[i];

		if (!local && !strncmp(k->name, "local", 5) && k->section)
			local = k;
		if (!remote && !strncmp(k->name, "remote", 6) && k->section)
			remote = k;
	}
	if (!local || !remote) {
		note(cv, c, "connections", "no local or remote section: the connection is left out");
		return;
	}
	ok_local = side_ok(cv, local, path);	/* both: every problem is reported */
	if (!side_ok(cv, remote, path) || !ok_local)
		return;
	/* swanctl's local id defaults to the address; ike.conf wants it said */
	addrs = val(c, "local_addrs");
	if (!val(local, "id") && addrs)
		snprintf(fallback, sizeof(fallback), "%.*s", (int)strcspn(addrs, ", "), addrs);
	if (!val(local, "id") && !fallback[0]) {
		note(cv, local, path, "no id and no local_addrs to take it from: the connection "
		     "is left out");
		return;
	}
	fprintf(cv->out, "%s\t{\n\t\tname = ", (*nconns)++ ? ",\n" : "");
	put_str(cv->out, c->name);
	fputs(";\n", cv->out);
	for (size_t i = 0; i < c->nkids; i++) {
		const struct snode *k = &c->kids[i];

		if (k == local || k == remote || k == children || !strcmp(k->name, "version"))
			continue;
		if (!map_key(cv, k, conn_keys, sizeof(conn_keys) / sizeof(conn_keys[0]), path,
			     "\t\t"))
			note(cv, k, path, k->section ? "a section ikedaemon has no counterpart for"
						     : "not supported by ikedaemon");
	}
	fputc('\t', cv->out);
	put_side(cv, "local", local, fallback[0] ? fallback : NULL);
	fputc('\t', cv->out);
	put_side(cv, "remote", remote, NULL);
	fputs("\t\tchildren = (\n", cv->out);
	for (size_t i = 0; children && i < children->nkids; i++)
		if (children->kids[i].section)
			child(cv, &children->kids[i], path, !nch++, &dpd_action);
		else
			note(cv, &children->kids[i], path, "a value where a child section was expected");
	fputs("\n\t\t);\n", cv->out);
	if (dpd_action)
		fprintf(cv->out, "\t\tdpd_action = \"%s\";\n", dpd_action);
	fputs("\t}", cv->out);
}

/* strongSwan secrets: "0x..." hex, "0s..." base64, or the string's bytes. */
static void put_psk(FILE *out, const char *s)
{
	size_t n = strlen(s);
	unsigned char *raw;
	int len;

	if (strncmp(s, "0s", 2) != 0 || n < 6 || !(raw = malloc(n))) {
		put_str(out, s);
		return;
	}
	len = EVP_DecodeBlock(raw, (const unsigned char *)s + 2, (int)(n - 2));
	/* EVP_DecodeBlock counts "=" padding as zero bytes */
	for (const char *p = s + n; len > 0 && p > s + 2 && p[-1] == '='; p--)
		len--;
	if (len <= 0) {
		free(raw);
		put_str(out, s);
		return;
	}
	fputs("\"0x", out);
	for (int i = 0; i < len; i++)
		fprintf(out, "%02x", raw[i]);
	fputc('"', out);
	OPENSSL_cleanse(raw, n);
	free(raw);
}

static int is_id_key(const struct snode *k)
{
	return !k->section && !strncmp(k->name, "id", 2) && (!k->name[2] || k->name[2] == '-');
}

/* ike-* sections: two ids make one secret of that pair (either side);
 * one, or more than two, one secret per id. */
static void secret(struct conv *cv, const struct snode *s, int *nsecrets)
{
	const char *psk = val(s, "secret"), *pair[2];
	char path[160];
	int ids = 0;

	snprintf(path, sizeof(path), "secrets.%s", s->name);
	if (strncmp(s->name, "ike", 3) != 0 || !s->section) {
		note(cv, s, "secrets", "only ike secrets (PSKs) are supported");
		return;
	}
	if (!psk) {
		note(cv, s, "secrets", "no secret");
		return;
	}
	for (size_t i = 0; i < s->nkids; i++)
		if (is_id_key(&s->kids[i]) && ids++ < 2)
			pair[ids - 1] = s->kids[i].value;
	for (size_t i = 0; i < s->nkids; i++) {
		const struct snode *k = &s->kids[i];

		if (!strcmp(k->name, "secret"))
			continue;
		if (!is_id_key(k)) {
			note(cv, k, path, "not supported by ikedaemon");
			continue;
		}
		if (ids == 2 && k->value != pair[0])
			continue;
		fprintf(cv->out, "%s\t{ id = ", (*nsecrets)++ ? ",\n" : "");
		if (ids == 2) {
			fputc('[', cv->out);
			put_str(cv->out, pair[0]);
			fputs(", ", cv->out);
			put_str(cv->out, pair[1]);
			fputc(']', cv->out);
		} else {
			put_str(cv->out, k->value);
		}
		fputs("; psk = ", cv->out);
		put_psk(cv->out, psk);
		fputs("; }", cv->out);
	}
	if (!ids)
		note(cv, s, "secrets", "a secret without an id (for any peer) is not supported");
}

size_t swanctl_convert(const struct snode *root, const char *file, FILE *out, FILE *notes)
{
	struct conv cv = { file, out, notes, 0 };
	const struct snode *conns = find(root, "connections"), *secrets = find(root, "secrets");
	int n = 0;

	fprintf(out, "# Converted from %s by ikectl import-swanctl.\n", file);
	for (size_t i = 0; i < root->nkids; i++) {
		const struct snode *k = &root->kids[i];

		if (k != conns && k != secrets)
			note(&cv, k, "", strcmp(k->name, "include") == 0 ?
					 "not followed: convert the included files too" :
					 "not supported by ikedaemon");
	}
	fputs("secrets: (\n", out);
	for (size_t i = 0; secrets && i < secrets->nkids; i++)
		secret(&cv, &secrets->kids[i], &n);
	fputs("\n);\nconnections: (\n", out);
	n = 0;
	for (size_t i = 0; conns && i < conns->nkids; i++)
		connection(&cv, &conns->kids[i], &n);
	fputs("\n);\n", out);
	return cv.left;
}
