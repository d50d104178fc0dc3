/*
 * EAP rows of the method table (RFC 7296 2.16), one per method, for both
 * roles: the remote side's row makes us the EAP server (authenticator),
 * the local side's row the EAP peer.  The machines are eap.c's; here is
 * the IKE side of them:
 *
 *   server: round() runs the conversation (the first call, on the request
 *           without AUTH, starts it); verify() checks the client's final
 *           AUTH and ours() makes our final one, both keyed with the MSK
 *           or, for a method without one (MD5), SK_pi / SK_pr.
 *   peer:   ours() answers AUTH_MORE until EAP-Success, then the final
 *           AUTH; round() answers the server's requests; verify() checks
 *           the server's final AUTH.
 *
 * The AUTH payloads of 2.16's last pair use the shared-key method (2).
 */
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/secret.h"
#include "ike/auth/auth.h"
#include "ike/auth/eap.h"
#include "ike/auth/eap_tls.h"
#include "ike/crypto/mac.h"
#include "ike/engine/ike_sa.h"

enum { ROLE_NONE = 0, ROLE_SERVER, ROLE_PEER };

struct eap_state {
	int role;
	int done;			/* EAP-Success sent / received */
	struct eap_server srv;
	struct eap_peer peer;
	struct eap_tls_cred tls;	/* EAP-TLS: borrowed from the configuration at start */
};

static const struct {
	unsigned conf;
	uint8_t type;
} conf_types[] = {
	{ CONF_AUTH_EAP_MD5, EAP_T_MD5 },
	{ CONF_AUTH_EAP_MSCHAPV2, EAP_T_MSCHAPV2 },
	{ CONF_AUTH_EAP_TLS, EAP_T_TLS },
};

static uint8_t eap_type_of(unsigned conf)
{
	for (size_t i = 0; i < sizeof(conf_types) / sizeof(conf_types[0]); i++)
		if (conf_types[i].conf == conf)
			return conf_types[i].type;
	return 0;
}

static int eap_accepts(uint8_t method)
{
	return method == AUTH_METHOD_PSK;
}

static int pw_of(void *arg, const uint8_t *id, size_t idlen, const uint8_t **pw, size_t *pwlen)
{
	const struct conf_psk *p = config_find_eap(arg, id, idlen);

	if (!p)
		return -1;
	*pw = p->key.ptr;
	*pwlen = p->key.len;
	return 0;
}

static int add_eap(struct auth_io *io, const uint8_t *msg, size_t len)
{
	io->eap_out = msg;
	io->eap_out_len = len;
	return 0;
}

/* The EAP payload of the message received: 0, or -1 (why set). */
static int eap_in(struct auth_io *io)
{
	if (io->eap_in)
		return 0;
	snprintf(io->why, sizeof(io->why), "IKE_AUTH without an EAP payload during EAP");
	return -1;
}

/* 2.16: AUTH of io's side keyed with the MSK, or SK_pi/SK_pr without one. */
static int final_auth(struct auth_io *io, struct eap_state *st, uint8_t *out)
{
	const struct ike_sa *sa = io->sa;
	const uint8_t *msk = st->role == ROLE_SERVER ? st->srv.msk : st->peer.msk;
	size_t len = st->role == ROLE_SERVER ? st->srv.msk_len : st->peer.msk_len;
	const struct secret *skp = io->of_initiator ? &sa->keys.sk_pi : &sa->keys.sk_pr;

	if (!len) {
		msk = skp->ptr;
		len = skp->len;
	}
	return auth_psk_with_key(io, msk, len, out);
}

static void keep_identity(struct auth_io *io, const uint8_t *id, size_t len)
{
	size_t n = len < sizeof(io->sa->eap_identity) - 1 ? len : sizeof(io->sa->eap_identity) - 1;

	memcpy(io->sa->eap_identity, id, n);
	io->sa->eap_identity[n] = 0;
}

/* EAP-TLS: our certificate (local certs) and the anchors for the other
 * side's (the connection's remote cacerts, else the global ones); the
 * conversation takes its own references when it starts. */
static void tls_cred(struct auth_io *io, struct eap_state *st, const struct ident *peer)
{
	const struct conf_conn *c = io->conn;

	st->tls.chain = c->local.chain;
	st->tls.key = c->local.key;
	st->tls.anchors = c->remote.anchors ? c->remote.anchors : io->cfg->cacerts;
	st->tls.crls = io->cfg->crls;
	st->tls.revocation = (int)c->remote.revocation;
	if (peer)
		st->tls.peer_id = *peer;
	st->srv.tls_cred = &st->tls;
	st->peer.tls_cred = &st->tls;
}

/* EAP-TLS finished: the version and the certificate it accepted. */
static void log_tls(const struct auth_io *io, const struct eap_tls *t)
{
	char d[400];

	if (t)
		log_info(LS_IKE, "IKE SA %llu: EAP-TLS done: %s", (unsigned long long)io->sa->id,
			 eap_tls_desc(t, d, sizeof(d)));
}

static void eap_state_free(void *p)
{
	struct eap_state *st = p;

	if (st->role == ROLE_SERVER)
		eap_server_free(&st->srv);
	else if (st->role == ROLE_PEER)
		eap_peer_free(&st->peer);
	memzero(st, sizeof(*st));
}

/* ---- server ---- */

static enum auth_result srv_start(struct auth_io *io, struct eap_state *st)
{
	const char *want = io->conn->remote.eap_id;
	const struct ident *id = io->id;
	int ask = want != NULL;

	if (want && strcmp(want, "%any") == 0)
		want = NULL;
	st->role = ROLE_SERVER;
	/* the client's certificate carries its IKE identity, or (eap_id set)
	 * the EAP identity it gives */
	tls_cred(io, st, ask ? NULL : id);
	/* without eap_id the IKE identity is the EAP identity, not asked */
	if (eap_server_start(&st->srv, eap_type_of(io->conn->remote.auth),
			     ask ? NULL : id->data, ask ? 0 : id->len, (const uint8_t *)want,
			     want ? strlen(want) : 0, pw_of, (void *)io->cfg) < 0) {
		snprintf(io->why, sizeof(io->why), "EAP cannot start: %s",
			 st->srv.why[0] ? st->srv.why : "IKE identity unusable as EAP identity");
		return AUTH_FAILED;
	}
	if (st->srv.id_len)
		keep_identity(io, st->srv.identity, st->srv.id_len);
	return add_eap(io, st->srv.out, st->srv.out_len) < 0 ? AUTH_FAILED : AUTH_MORE;
}

static enum auth_result srv_round(struct auth_io *io, struct eap_state *st)
{
	enum eap_status s;

	if (st->role == ROLE_NONE)
		return srv_start(io, st);
	if (st->done) {
		snprintf(io->why, sizeof(io->why), "EAP message after EAP-Success, AUTH due");
		return AUTH_FAILED;
	}
	if (eap_in(io) < 0)
		return AUTH_FAILED;
	st->srv.pw_arg = (void *)io->cfg;	/* the configuration may have been reloaded */
	s = eap_server_rx(&st->srv, io->eap_in, io->eap_in_len);
	if (st->srv.id_len)
		keep_identity(io, st->srv.identity, st->srv.id_len);
	if (s == EAP_FAIL) {
		snprintf(io->why, sizeof(io->why), "%s", st->srv.why);
		add_eap(io, st->srv.out, st->srv.out_len);	/* EAP-Failure */
		return AUTH_FAILED;
	}
	st->done = s == EAP_DONE;
	if (st->done)
		log_tls(io, st->srv.tls);
	return add_eap(io, st->srv.out, st->srv.out_len) < 0 ? AUTH_FAILED : AUTH_MORE;
}

/* ---- peer ---- */

static enum auth_result peer_start(struct auth_io *io, struct eap_state *st)
{
	const struct conf_side *l = &io->conn->local;
	const char *id = l->eap_id ? l->eap_id : l->id_text ? l->id_text : "";
	const struct conf_psk *p = config_find_eap(io->cfg, id, strlen(id));
	uint8_t type = eap_type_of(l->auth);

	st->role = ROLE_PEER;
	/* EAP-TLS: a certificate instead of a password */
	tls_cred(io, st, NULL);
	if (type == EAP_T_TLS) {
		if (eap_peer_init(&st->peer, type, (const uint8_t *)id, strlen(id), NULL, 0) < 0) {
			snprintf(io->why, sizeof(io->why), "EAP identity '%s' unusable", id);
			return AUTH_FAILED;
		}
	} else if (!p || eap_peer_init(&st->peer, type, (const uint8_t *)id, strlen(id),
				       p->key.ptr, p->key.len) < 0) {
		snprintf(io->why, sizeof(io->why), "no EAP secret for '%s'", id);
		return AUTH_FAILED;
	}
	keep_identity(io, (const uint8_t *)id, strlen(id));
	return AUTH_MORE;
}

static enum auth_result peer_round(struct auth_io *io, struct eap_state *st)
{
	enum eap_status s;

	if (eap_in(io) < 0)
		return AUTH_FAILED;
	/* EAP-TLS: the server's certificate carries the IKE identity the
	 * responder proved (known from the first response on) */
	st->tls.peer_id = io->sa->remote_id;
	s = eap_peer_rx(&st->peer, io->eap_in, io->eap_in_len);
	if (s == EAP_FAIL) {
		snprintf(io->why, sizeof(io->why), "%s", st->peer.why);
		return AUTH_FAILED;
	}
	if (s == EAP_DONE) {
		st->done = 1;
		log_tls(io, st->peer.tls);
		return AUTH_OK;
	}
	return add_eap(io, st->peer.out, st->peer.out_len) < 0 ? AUTH_FAILED : AUTH_MORE;
}

/* ---- the row's hooks ---- */

static enum auth_result eap_round(struct auth_io *io)
{
	struct eap_state *st = io->state;

	return st->role == ROLE_PEER ? peer_round(io, st) : srv_round(io, st);
}

static enum auth_result eap_ours(struct auth_io *io, struct auth_value *out)
{
	struct eap_state *st = io->state;

	if (st->role == ROLE_NONE)
		return peer_start(io, st);
	if (!st->done) {
		if (st->role == ROLE_PEER)
			return AUTH_MORE;
		snprintf(io->why, sizeof(io->why), "EAP has not finished");
		return AUTH_FAILED;
	}
	out->method = AUTH_METHOD_PSK;
	out->len = io->sa->algs.prf->out_len;
	if (final_auth(io, st, out->data) < 0) {
		snprintf(io->why, sizeof(io->why), "AUTH from the EAP key could not be computed");
		return AUTH_FAILED;
	}
	return AUTH_OK;
}

static enum auth_result eap_verify(struct auth_io *io, const struct ike_pl_auth *a)
{
	struct eap_state *st = io->state;
	uint8_t want[MAC_MAX_OUT];
	int ok;

	if (!st->done) {
		snprintf(io->why, sizeof(io->why), "AUTH before EAP-Success");
		return AUTH_FAILED;
	}
	ok = a->data.len == io->sa->algs.prf->out_len && final_auth(io, st, want) == 0 &&
	     memeq_ct(want, a->data.p, a->data.len);
	memzero(want, sizeof(want));
	if (!ok) {
		snprintf(io->why, sizeof(io->why), "AUTH does not match the EAP %s",
			 (st->role == ROLE_SERVER ? st->srv.msk_len : st->peer.msk_len) ?
			 "MSK" : "exchange's SK_p key");
		return AUTH_FAILED;
	}
	return AUTH_OK;
}

const struct auth_method auth_method_eap_md5 = {
	.conf = CONF_AUTH_EAP_MD5, .name = "eap-md5", .state_size = sizeof(struct eap_state),
	.state_free = eap_state_free,
	.accepts = eap_accepts, .ours = eap_ours, .verify = eap_verify, .round = eap_round,
};

const struct auth_method auth_method_eap_mschapv2 = {
	.conf = CONF_AUTH_EAP_MSCHAPV2, .name = "eap-mschapv2",
	.state_size = sizeof(struct eap_state), .state_free = eap_state_free,
	.accepts = eap_accepts, .ours = eap_ours, .verify = eap_verify, .round = eap_round,
};

const struct auth_method auth_method_eap_tls = {
	.conf = CONF_AUTH_EAP_TLS, .name = "eap-tls",
	.state_size = sizeof(struct eap_state), .state_free = eap_state_free,
	.accepts = eap_accepts, .ours = eap_ours, .verify = eap_verify, .round = eap_round,
};
