#include "ike/core/ctlconf.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ike/core/units.h"

static void put_strlist(struct ctl_enc *e, const char *name, const struct conf_strlist *l)
{
	size_t i;

	ctl_begin_list(e, name);
	for (i = 0; i < l->n; i++)
		ctl_put_str(e, NULL, l->v[i]);
	ctl_end(e);
}

static void put_hosts(struct ctl_enc *e, const char *name, const struct conf_host *h, size_t n)
{
	size_t i;

	ctl_begin_list(e, name);
	for (i = 0; i < n; i++)
		ctl_put_str(e, NULL, h[i].text);
	ctl_end(e);
}

static void put_ts(struct ctl_enc *e, const char *name, const struct conf_ts_list *l)
{
	char buf[TSSPEC_STRLEN];
	size_t i;

	ctl_begin_list(e, name);
	for (i = 0; i < l->n; i++)
		ctl_put_str(e, NULL, tsspec_str(&l->v[i], buf, sizeof(buf)));
	ctl_end(e);
}

static void put_side(struct ctl_enc *e, const char *name, const struct conf_side *s)
{
	char buf[IDENT_STRLEN];

	ctl_begin_rec(e, name);
	ctl_put_str(e, "id", ident_str(&s->id, buf, sizeof(buf)));
	ctl_put_str(e, "id_type", ident_type_name(s->id.type));
	ctl_put_str(e, "auth", conf_auth_name(s->auth));
	if (CONF_AUTH_USES_CERTS(s->auth)) {
		put_strlist(e, "certs", &s->certs);
		put_strlist(e, "cacerts", &s->cacerts);
		ctl_put_str(e, "revocation", conf_revocation_name(s->revocation));
	}
	if (CONF_AUTH_IS_EAP(s->auth))
		ctl_put_str(e, "eap_id", s->eap_id ? s->eap_id : "");
	ctl_end(e);
}

/* A mark or XFRM interface ID as ike.conf writes it ("" when unset). */
static const char *id_str(uint64_t v, char *buf, size_t size)
{
	if (v == CONF_ID_UNIQUE)
		return "%unique";
	if (v == CONF_ID_UNIQUE_DIR)
		return "%unique-dir";
	if (v == CONF_ID_SAME)
		return "%same";
	snprintf(buf, size, "%llu", (unsigned long long)v);
	return buf;
}

static void put_id(struct ctl_enc *e, const char *key, uint64_t v)
{
	char buf[24];

	ctl_put_str(e, key, v ? id_str(v, buf, sizeof(buf)) : "");
}

static void put_mark(struct ctl_enc *e, const char *key, const struct conf_mark *m)
{
	char buf[24], out[48];

	if (!m->mask) {
		ctl_put_str(e, key, "");
		return;
	}
	snprintf(out, sizeof(out), "%s/0x%08x", id_str(m->value, buf, sizeof(buf)), m->mask);
	ctl_put_str(e, key, out);
}

static void put_child(struct ctl_enc *e, const struct conf_child *ch)
{
	ctl_begin_rec(e, NULL);
	ctl_put_str(e, "name", ch->name);
	ctl_put_str(e, "mode", conf_mode_name(ch->mode));
	put_ts(e, "local_ts", &ch->local_ts);
	put_ts(e, "remote_ts", &ch->remote_ts);
	put_strlist(e, "esp_proposals", &ch->esp_proposals);
	ctl_put_u64(e, "rekey_time", ch->rekey_time);
	ctl_put_u64(e, "life_time", ch->life_time);
	ctl_put_u64(e, "rand_time", ch->rand_time);
	ctl_put_u64(e, "rekey_bytes", ch->rekey_bytes);
	ctl_put_u64(e, "life_bytes", ch->life_bytes);
	ctl_put_u64(e, "rekey_packets", ch->rekey_packets);
	ctl_put_u64(e, "life_packets", ch->life_packets);
	ctl_put_str(e, "start_action", conf_start_action_name(ch->start_action));
	ctl_put_str(e, "close_action", conf_close_action_name(ch->close_action));
	ctl_put_bool(e, "fail_closed", (int)ch->fail_closed);
	ctl_put_bool(e, "sha256_96", (int)ch->sha256_96);
	put_id(e, "if_id_in", ch->if_id_in);
	put_id(e, "if_id_out", ch->if_id_out);
	put_mark(e, "mark_in", &ch->mark_in);
	put_mark(e, "mark_out", &ch->mark_out);
	put_mark(e, "set_mark_in", &ch->set_mark_in);
	put_mark(e, "set_mark_out", &ch->set_mark_out);
	ctl_put_bool(e, "mark_in_sa", (int)ch->mark_in_sa);
	ctl_put_u64(e, "priority", ch->priority);
	ctl_put_bool(e, "copy_df", (int)ch->copy_df);
	ctl_put_bool(e, "copy_ecn", (int)ch->copy_ecn);
	ctl_put_str(e, "copy_dscp", conf_copy_dscp_name(ch->copy_dscp));
	ctl_put_bool(e, "hostaccess", (int)ch->hostaccess);
	ctl_put_u64(e, "replay_window", ch->replay_window);
	ctl_put_str(e, "pfs", conf_pfs_name(ch->pfs));
	ctl_put_str(e, "updown", ch->updown ? ch->updown : "");
	ctl_end(e);
}

void ctl_put_conn(struct ctl_enc *e, const char *name, const struct conf_conn *c)
{
	char src[600], vip[ADDR_STRLEN];
	size_t i;

	ctl_begin_rec(e, name);
	ctl_put_str(e, "name", c->name);
	snprintf(src, sizeof(src), "%s:%d", c->loc.file, c->loc.line);
	ctl_put_str(e, "source", src);
	put_hosts(e, "local_addrs", c->local_addrs, c->nlocal_addrs);
	put_hosts(e, "remote_addrs", c->remote_addrs, c->nremote_addrs);
	put_side(e, "local", &c->local);
	put_side(e, "remote", &c->remote);
	put_strlist(e, "proposals", &c->proposals);
	ctl_put_u64(e, "rekey_time", c->rekey_time);
	ctl_put_u64(e, "over_time", c->over_time);
	ctl_put_u64(e, "rand_time", c->rand_time);
	ctl_put_u64(e, "reauth_time", c->reauth_time);
	ctl_put_u64(e, "dpd_delay", c->dpd_delay);
	ctl_put_str(e, "dpd_action", conf_dpd_action_name(c->dpd_action));
	ctl_put_str(e, "childless", conf_childless_name(c->childless));
	ctl_put_str(e, "unique", conf_unique_name(c->unique));
	ctl_put_str(e, "send_cert", conf_send_cert_name(c->send_cert));
	ctl_put_str(e, "send_certreq", c->send_certreq ? "yes" : "no");
	put_strlist(e, "pools", &c->pools);
	ctl_begin_list(e, "vips");
	for (i = 0; i < c->nvips; i++)
		ctl_put_str(e, NULL, addr_host_str(&c->vips[i], vip, sizeof(vip)));
	ctl_end(e);
	ctl_put_str(e, "fragmentation", conf_frag_name(c->fragmentation));
	ctl_put_u64(e, "fragment_size", c->fragment_size);
	ctl_put_str(e, "encap", c->encap ? "yes" : "no");
	ctl_put_u64(e, "dpd_timeout", c->dpd_timeout);
	ctl_put_u64(e, "keyingtries", c->keyingtries);
	put_id(e, "if_id_in", c->if_id_in);
	put_id(e, "if_id_out", c->if_id_out);
	ctl_put_u64(e, "local_port", c->local_port);
	ctl_put_u64(e, "remote_port", c->remote_port);
	ctl_begin_list(e, "children");
	for (i = 0; i < c->nchildren; i++)
		put_child(e, &c->children[i]);
	ctl_end(e);
	ctl_end(e);
}

void ctl_put_global(struct ctl_enc *e, const char *name, const struct conf_global *g)
{
	char buf[32];
	int i;

	ctl_begin_rec(e, name);
	put_strlist(e, "listen", &g->listen);
	put_strlist(e, "cacerts", &g->cacerts);
	put_strlist(e, "crls", &g->crls);
	ctl_put_u64(e, "port", g->port);
	ctl_put_u64(e, "port_nat_t", g->port_nat_t);
	ctl_put_str(e, "pidfile", g->pidfile);
	ctl_put_str(e, "control_socket", g->control_socket);
	ctl_begin_rec(e, "log");
	for (i = 0; i < LS_MAX; i++)
		ctl_put_str(e, log_subsys_name(i), log_level_name(g->log[i]));
	ctl_end(e);
	/* Milliseconds and per-mille keep the record integer-only. */
	ctl_put_u64(e, "retransmit_timeout_ms", (uint64_t)(g->retransmit_timeout * 1000 + 0.5));
	snprintf(buf, sizeof(buf), "%g", g->retransmit_base);
	ctl_put_str(e, "retransmit_base", buf);
	ctl_put_u64(e, "retransmit_tries", g->retransmit_tries);
	ctl_put_u64(e, "cookie_threshold", g->cookie_threshold);
	ctl_put_u64(e, "half_open_limit", g->half_open_limit);
	ctl_put_str(e, "metrics_listen", g->metrics_listen ? g->metrics_listen : "");
	ctl_put_u64(e, "cookie_threshold_ip", g->cookie_threshold_ip);
	ctl_put_u64(e, "block_threshold", g->block_threshold);
	ctl_put_u64(e, "keep_alive", g->keep_alive);
	ctl_end(e);
}

/* Encodes one value in a message of its own and decodes it back. */
static int record_of(void (*put)(struct ctl_enc *, const void *), const void *obj,
		     struct ctl_val *out)
{
	struct ctl_enc e;
	const uint8_t *frame;
	size_t len;
	uint8_t kind;
	char err[128];
	struct ctl_val root;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (ctl_enc_init(&e, CTL_MSG_RESPONSE) < 0)
		return -1;
	put(&e, obj);
	if (ctl_enc_finish(&e, &frame, &len) == 0 &&
	    ctl_decode(frame + 4, len - 4, &kind, &root, err, sizeof(err)) == 0) {
		if (root.nkids == 1) {
			*out = root.kids[0];
			root.nkids = 0;
			ret = 0;
		}
		ctl_val_free(&root);
	}
	ctl_enc_free(&e);
	return ret;
}

static void put_conn_v(struct ctl_enc *e, const void *c)
{
	ctl_put_conn(e, "conn", c);
}

static void put_global_v(struct ctl_enc *e, const void *g)
{
	ctl_put_global(e, "global", g);
}

int ctl_record_of_conn(const struct conf_conn *c, struct ctl_val *out)
{
	return record_of(put_conn_v, c, out);
}

int ctl_record_of_global(const struct conf_global *g, struct ctl_val *out)
{
	return record_of(put_global_v, g, out);
}
