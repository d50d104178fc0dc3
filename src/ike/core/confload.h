/*
 * Internal to the ike.conf loader (config.c, config_conn.c): the schema
 * tables and the walker that applies them to a libconfig group.
 */
#ifndef IKE_CORE_CONFLOAD_H
#define IKE_CORE_CONFLOAD_H

#include <libconfig.h>

#include "common/names.h"
#include "ike/core/conf.h"

struct conf_ctx {
	struct config *cfg;
	struct conf_diag *diag;
	const char *cur_file;	/* the file being read (not its includes) */
	const char *cur_dir;	/* where libconfig resolves its @include */
	unsigned flags;		/* CONF_LOAD_* */
	struct strmap *conn_names;	/* raw "name" settings of the connections before */
};

enum rule_kind {
	RK_STR,		/* char * */
	RK_UINT,	/* uint64_t within [min, max] */
	RK_FLOAT,	/* double within [min, max] */
	RK_TIME,	/* uint64_t seconds: "30s", "4h" or an integer */
	RK_COUNT,	/* uint64_t: "500k", "2M" or an integer */
	RK_ENUM,	/* unsigned, from the names table */
	RK_STRLIST,	/* struct conf_strlist: a list/array of strings or one string */
	RK_PROPOSALS,	/* RK_STRLIST of proposals for protocol min (PROTO_IKE/ESP) */
	RK_BOOL,	/* int 0/1 from true/false */
	RK_FN,		/* fn parses the setting into obj */
};

typedef int (*rule_fn)(struct conf_ctx *ctx, const config_setting_t *s, void *obj);

struct rule {
	const char *name;
	enum rule_kind kind;
	size_t off;
	uint64_t min, max;
	const struct name_entry *names;
	size_t nnames;
	rule_fn fn;
};

void conf_error(struct conf_ctx *ctx, const config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void conf_warn(struct conf_ctx *ctx, const config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void conf_error_at(struct conf_ctx *ctx, struct conf_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct conf_loc conf_loc_of(struct conf_ctx *ctx, const config_setting_t *s);

/* Applies rules to every member of group; unknown keys are errors. */
void conf_apply_rules(struct conf_ctx *ctx, const config_setting_t *group,
		      const struct rule *rules, size_t nrules, void *obj, const char *where);
void conf_free_rules(const struct rule *rules, size_t nrules, void *obj);
/* 0 and *out if s is a string, otherwise an error naming key. */
int conf_get_string(struct conf_ctx *ctx, const config_setting_t *s, const char **out);
/* A boolean setting into *out (0/1); -1 with "'key' must be true or false". */
int conf_get_bool(struct conf_ctx *ctx, const config_setting_t *s, int *out);
/* An identity (ident.h) and the text it was written as. */
int conf_get_ident(struct conf_ctx *ctx, const config_setting_t *s, struct ident *id,
		   char **text);
int conf_check_name(struct conf_ctx *ctx, const config_setting_t *s, const char *what,
		    char **out);

/*
 * conffile.c: path and every file it @includes (recursively, resolved as
 * libconfig does, against incdir) must be regular files; errors name the
 * @include's file:line.  0, or -1 with errors reported.
 */
int conf_files_check(struct conf_ctx *ctx, const char *path, const char *incdir);

/* config_conn.c */
void conf_load_conns(struct conf_ctx *ctx, const config_setting_t *list);
void conf_free_conn(struct conf_conn *c);
void conf_check_conn_secrets(struct conf_ctx *ctx);
void conf_check_conn_ports(struct conf_ctx *ctx);

/* config_xfrm.c: marks and XFRM interface IDs (swanctl syntax) */
int conf_load_mark(struct conf_ctx *ctx, const config_setting_t *s, void *obj);
int conf_load_if_id(struct conf_ctx *ctx, const config_setting_t *s, void *obj);
void conf_check_marks(struct conf_ctx *ctx, const config_setting_t *s,
		      const struct conf_child *ch);

/* config_pool.c */
int conf_load_pools(struct conf_ctx *ctx, const config_setting_t *s, void *obj);
int conf_load_vips(struct conf_ctx *ctx, const config_setting_t *s, void *obj);
void conf_check_conn_pools(struct conf_ctx *ctx);
void conf_free_pools(struct config *cfg);

/* config_radius.c */
int conf_load_radius(struct conf_ctx *ctx, const config_setting_t *s, void *obj);
void conf_radius_defaults(struct conf_radius *r);
void conf_check_conn_radius(struct conf_ctx *ctx);
void conf_free_radius(struct conf_radius *r);

/* config_pki.c */
extern const struct name_entry conf_send_cert_names[], conf_revocation_names[];
extern const size_t conf_nsend_cert_names, conf_nrevocation_names;
int conf_load_side_certs(struct conf_ctx *ctx, const config_setting_t *s, void *obj);
int conf_load_side_cacerts(struct conf_ctx *ctx, const config_setting_t *s, void *obj);
int conf_load_global_cacerts(struct conf_ctx *ctx, const config_setting_t *s, void *obj);
int conf_load_global_crls(struct conf_ctx *ctx, const config_setting_t *s, void *obj);
int conf_load_rsa_pss(struct conf_ctx *ctx, const config_setting_t *s, void *obj);
int conf_load_send_certreq(struct conf_ctx *ctx, const config_setting_t *s, void *obj);
void conf_load_privkey(struct conf_ctx *ctx, const config_setting_t *e);
void conf_check_conn_pki(struct conf_ctx *ctx);
void conf_free_side_pki(struct conf_side *s);
void conf_free_pki(struct config *cfg);

#endif
