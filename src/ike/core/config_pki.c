/*
 * ike.conf keys for public-key authentication (schema in ike.conf.5):
 * local.certs, remote.cacerts, remote.revocation, global cacerts and crls,
 * secrets { private_key = "..."; }, send_cert, send_certreq.  Every file
 * is loaded and checked here, so `ikedaemon -n` and a reload report a bad
 * certificate, a key that matches no certificate or a broken chain with
 * the file:line of the entry.  Relative paths are relative to the
 * directory of the main configuration file.
 */
#include "ike/core/confload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/x509v3.h>

#include "ike/pki/pki.h"

const struct name_entry conf_send_cert_names[] = {
	{ CONF_SEND_CERT_IFASKED, "ifasked" },
	{ CONF_SEND_CERT_ALWAYS, "always" },
	{ CONF_SEND_CERT_NEVER, "never" },
};
const size_t conf_nsend_cert_names = NAMES_LEN(conf_send_cert_names);
const struct name_entry conf_revocation_names[] = {
	{ CONF_REV_RELAXED, "relaxed" },
	{ CONF_REV_IFURI, "ifuri" },
	{ CONF_REV_STRICT, "strict" },
};
const size_t conf_nrevocation_names = NAMES_LEN(conf_revocation_names);

const char *conf_send_cert_name(unsigned v)
{
	const char *s = names_lookup(conf_send_cert_names, conf_nsend_cert_names, v);

	return s ? s : "?";
}

const char *conf_revocation_name(unsigned v)
{
	const char *s = names_lookup(conf_revocation_names, conf_nrevocation_names, v);

	return s ? s : "?";
}

static char *resolve(struct conf_ctx *ctx, const char *path)
{
	const char *base = ctx->cfg->path, *slash = strrchr(base, '/');
	char *out = NULL;

	if (path[0] == '/' || !slash)
		return strdup(path);
	if (asprintf(&out, "%.*s/%s", (int)(slash - base), base, path) < 0)
		return NULL;
	return out;
}

typedef int (*file_loader)(struct conf_ctx *ctx, const config_setting_t *s, const char *path,
			   void *dst);

/* A string or a list/array of strings, each a file given to LOAD; the
 * paths as written go to L. */
static int each_file(struct conf_ctx *ctx, const config_setting_t *s, struct conf_strlist *l,
		     file_loader load, void *dst)
{
	int n = config_setting_type(s) == CONFIG_TYPE_STRING ? 1 : config_setting_length(s);
	int single = config_setting_type(s) == CONFIG_TYPE_STRING;
	int rc = 0;

	if (!single && config_setting_type(s) != CONFIG_TYPE_LIST &&
	    config_setting_type(s) != CONFIG_TYPE_ARRAY) {
		conf_error(ctx, s, "'%s' must be a file name or a list of file names",
			   config_setting_name(s));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = single ? s : config_setting_get_elem(s, (unsigned)i);
		const char *v = config_setting_get_string(e);
		char *full, **nv;

		if (!v || !*v) {
			conf_error(ctx, s, "'%s' entry %d is not a file name", config_setting_name(s),
				   i + 1);
			rc = -1;
			continue;
		}
		if (!(full = resolve(ctx, v)) ||
		    !(nv = realloc(l->v, (l->n + 1) * sizeof(*nv)))) {
			free(full);
			return -1;
		}
		l->v = nv;
		l->v[l->n++] = strdup(v);
		if (load(ctx, s, full, dst) < 0)
			rc = -1;
		free(full);
	}
	return rc;
}

static int load_cert_file(struct conf_ctx *ctx, const config_setting_t *s, const char *path,
			  void *dst)
{
	STACK_OF(X509) **sk = dst;
	char err[PKI_ERR_LEN], why[PKI_ERR_LEN], who[PKI_ERR_LEN];
	int before;

	if (!*sk && !(*sk = sk_X509_new_null()))
		return -1;
	before = sk_X509_num(*sk);
	if (pki_load_certs(path, *sk, err, sizeof(err)) < 0) {
		conf_error(ctx, s, "'%s': %s", config_setting_name(s), err);
		return -1;
	}
	for (int i = before; i < sk_X509_num(*sk); i++) {
		X509 *x = sk_X509_value(*sk, i);

		if (pki_key_check(X509_get0_pubkey(x), why, sizeof(why)) < 0) {
			conf_error(ctx, s, "'%s': %s in %s: %s", config_setting_name(s),
				   pki_cert_desc(x, who, sizeof(who)), path, why);
			return -1;
		}
	}
	return 0;
}

static int load_crl_file(struct conf_ctx *ctx, const config_setting_t *s, const char *path,
			 void *dst)
{
	STACK_OF(X509_CRL) **sk = dst;
	char err[PKI_ERR_LEN];

	if (!*sk && !(*sk = sk_X509_CRL_new_null()))
		return -1;
	if (pki_load_crls(path, *sk, err, sizeof(err)) < 0) {
		conf_error(ctx, s, "'crls': %s", err);
		return -1;
	}
	return 0;
}

int conf_load_side_certs(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_side *side = obj;

	return each_file(ctx, s, &side->certs, load_cert_file, &side->chain);
}

int conf_load_side_cacerts(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_side *side = obj;

	return each_file(ctx, s, &side->cacerts, load_cert_file, &side->anchors);
}

int conf_load_global_cacerts(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	(void)obj;
	return each_file(ctx, s, &ctx->cfg->global.cacerts, load_cert_file, &ctx->cfg->cacerts);
}

int conf_load_global_crls(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	(void)obj;
	return each_file(ctx, s, &ctx->cfg->global.crls, load_crl_file, &ctx->cfg->crls);
}

int conf_load_send_certreq(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_conn *c = obj;

	return conf_get_bool(ctx, s, &c->send_certreq);
}

int conf_load_rsa_pss(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	(void)obj;
	return conf_get_bool(ctx, s, &ctx->cfg->global.rsa_pss);
}

/* secrets { private_key = "gw.key"; }: the key file's mode is checked like
 * a file holding PSKs. */
void conf_load_privkey(struct conf_ctx *ctx, const config_setting_t *e)
{
	const config_setting_t *s = config_setting_get_member(e, "private_key");
	struct config *cfg = ctx->cfg;
	struct conf_privkey k = { 0 }, *nv;
	char err[PKI_ERR_LEN];
	const char *v = NULL;
	struct stat st;

	if (config_setting_length(e) != 1) {
		conf_error(ctx, e, "a private_key secret has no other keys (the certificate names it)");
		return;
	}
	if (conf_get_string(ctx, s, &v) < 0)
		return;
	k.loc = conf_loc_of(ctx, s);
	if (!(k.path = resolve(ctx, v)))
		return;
	if (!(k.key = pki_load_key(k.path, err, sizeof(err)))) {
		conf_error(ctx, s, "'private_key': %s", err);
		goto drop;
	}
	if (pki_key_check(k.key, err, sizeof(err)) < 0) {
		conf_error(ctx, s, "'private_key' %s: %s", k.path, err);
		goto drop;
	}
	if (stat(k.path, &st) == 0 && (st.st_mode & 077))
		conf_warn(ctx, s, "private key %s is readable by group or others (mode %04o): chmod 600 it",
			  k.path, (unsigned)(st.st_mode & 07777));
	if (!(nv = realloc(cfg->privkeys, (cfg->nprivkeys + 1) * sizeof(*nv))))
		goto drop;
	cfg->privkeys = nv;
	cfg->privkeys[cfg->nprivkeys++] = k;
	return;
drop:
	EVP_PKEY_free(k.key);
	free(k.path);
}

static int key_fits_auth(unsigned auth, EVP_PKEY *pk)
{
	static const struct {
		unsigned auth;
		enum pki_keytype key;
	} need[] = {
		{ CONF_AUTH_RSA, PKI_KEY_RSA }, { CONF_AUTH_ECDSA, PKI_KEY_ECDSA },
		{ CONF_AUTH_ED25519, PKI_KEY_ED25519 }, { CONF_AUTH_ED448, PKI_KEY_ED448 },
	};

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (need[i].auth == auth)
			return pki_key_type(pk) == need[i].key;
	return 1;
}

static void check_local(struct conf_ctx *ctx, struct conf_conn *c)
{
	struct conf_side *l = &c->local;
	char who[PKI_ERR_LEN], buf[IDENT_STRLEN];
	X509 *ee;

	if (!l->chain || sk_X509_num(l->chain) == 0) {
		conf_error_at(ctx, c->loc, "connection '%s': local auth = %s needs 'certs'", c->name,
			      conf_auth_name(l->auth));
		return;
	}
	ee = sk_X509_value(l->chain, 0);
	pki_cert_desc(ee, who, sizeof(who));
	for (int i = 0; i + 1 < sk_X509_num(l->chain); i++)
		if (X509_check_issued(sk_X509_value(l->chain, i + 1), sk_X509_value(l->chain, i)) !=
		    X509_V_OK)
			conf_error_at(ctx, c->loc,
				      "connection '%s': local certs entry %d did not issue entry %d "
				      "(our certificate first, then each issuer in order)",
				      c->name, i + 2, i + 1);
	for (size_t i = 0; i < ctx->cfg->nprivkeys && !l->key; i++)
		if (pki_key_matches_cert(ctx->cfg->privkeys[i].key, ee))
			l->key = ctx->cfg->privkeys[i].key;
	if (!l->key)
		conf_error_at(ctx, c->loc, "connection '%s': no private_key in secrets matches %s",
			      c->name, who);
	else if (!key_fits_auth(l->auth, l->key))
		conf_error_at(ctx, c->loc, "connection '%s': local auth = %s but %s has a %s key",
			      c->name, conf_auth_name(l->auth), who,
			      pki_key_desc(l->key, buf, sizeof(buf)));
	if (!l->id_text) {
		/* the default local ID is the certificate's subject DN */
		if (pki_cert_subject_id(ee, &l->id) < 0) {
			conf_error_at(ctx, c->loc, "connection '%s': the subject of %s does not fit an "
				      "ID payload; set local 'id'", c->name, who);
			return;
		}
		l->id_from_cert = 1;
		l->id_text = strdup(ident_str(&l->id, buf, sizeof(buf)));
	} else if (!pki_cert_has_id(ee, &l->id)) {
		conf_error_at(ctx, c->loc, "connection '%s': local id \"%s\" is neither the subject nor "
			      "a subjectAltName of %s", c->name, l->id_text, who);
	}
}

static void check_remote(struct conf_ctx *ctx, struct conf_conn *c)
{
	struct conf_side *r = &c->remote;
	STACK_OF(X509) *g = ctx->cfg->cacerts;

	if (!r->anchors && !(r->anchors = sk_X509_new_null()))
		return;
	for (int i = 0; g && i < sk_X509_num(g); i++)
		if (X509_up_ref(sk_X509_value(g, i)))
			sk_X509_push(r->anchors, sk_X509_value(g, i));
	if (sk_X509_num(r->anchors) == 0)
		conf_error_at(ctx, c->loc, "connection '%s': remote auth = %s needs trust anchors: "
			      "remote 'cacerts' or global 'cacerts'", c->name,
			      conf_auth_name(r->auth));
}

/* After every file is read: private keys to certificates, default IDs,
 * and each connection's trust anchors. */
void conf_check_conn_pki(struct conf_ctx *ctx)
{
	for (size_t i = 0; i < ctx->cfg->nconns; i++) {
		struct conf_conn *c = &ctx->cfg->conns[i];

		if (CONF_AUTH_USES_CERTS(c->local.auth))
			check_local(ctx, c);
		else if (c->local.certs.n)
			conf_error_at(ctx, c->loc, "connection '%s': local 'certs' given but auth = %s",
				      c->name, conf_auth_name(c->local.auth));
		if (CONF_AUTH_USES_CERTS(c->remote.auth))
			check_remote(ctx, c);
		else if (c->remote.cacerts.n)
			conf_error_at(ctx, c->loc, "connection '%s': remote 'cacerts' given but auth = %s",
				      c->name, conf_auth_name(c->remote.auth));
		/* the EAP-TLS server shows the certificate it signs IKE with */
		if (c->remote.auth == CONF_AUTH_EAP_TLS && !c->local.chain)
			conf_error_at(ctx, c->loc, "connection '%s': remote auth = eap-tls needs a "
				      "certificate of ours: local auth = pubkey with 'certs'", c->name);
	}
}

static void strlist_clear(struct conf_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void conf_free_side_pki(struct conf_side *s)
{
	strlist_clear(&s->certs);
	strlist_clear(&s->cacerts);
	sk_X509_pop_free(s->chain, X509_free);
	sk_X509_pop_free(s->anchors, X509_free);
	s->chain = s->anchors = NULL;
	s->key = NULL;
}

void conf_free_pki(struct config *cfg)
{
	for (size_t i = 0; i < cfg->nprivkeys; i++) {
		EVP_PKEY_free(cfg->privkeys[i].key);
		free(cfg->privkeys[i].path);
	}
	free(cfg->privkeys);
	strlist_clear(&cfg->global.cacerts);
	strlist_clear(&cfg->global.crls);
	sk_X509_pop_free(cfg->cacerts, X509_free);
	sk_X509_CRL_pop_free(cfg->crls, X509_CRL_free);
}
