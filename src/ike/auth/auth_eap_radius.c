/*
 * The eap-radius row (remote.auth = "eap-radius"): we are the EAP
 * authenticator's pass-through (RFC 3579 2), the method runs between the
 * client and a RADIUS server.  The row asks the EAP identity itself, then
 * relays every EAP message through the backend the daemon registered
 * (engine.h engine_eap_backend): round() submits and answers
 * AUTH_PENDING, resume() takes the server's answer (the next EAP-Request,
 * EAP-Success with the MSK from MS-MPPE-Recv-Key | MS-MPPE-Send-Key, or
 * EAP-Failure).  The final AUTH pair is RFC 7296 2.16's, keyed with that
 * MSK (or SK_pi / SK_pr when the method made none).
 *
 * Identity: eap_id = "%any" takes what the client says; another eap_id
 * must be given exactly; without eap_id the client must give its IKE
 * identity.
 */
#include <stdio.h>
#include <string.h>

#include "common/secret.h"
#include "ike/auth/auth.h"
#include "ike/auth/eap.h"
#include "ike/auth/eap_method.h"
#include "ike/crypto/mac.h"
#include "ike/engine/ike_sa.h"

#define RELAY_EAP_MAX	4096	/* an EAP message from the server */
/* Rounds a conversation may take (EAP-TLS with a long chain needs tens;
 * the half-open timeout bounds its time). */
#define RELAY_MAX_ROUNDS	64

enum { R_NONE = 0, R_IDENTITY, R_RELAY, R_DONE, R_CLOSED };

struct relay_state {
	int phase;
	int pending;			/* a message is with the backend */
	uint8_t req_id;			/* Identifier of our EAP-Identity request */
	uint8_t last_id;		/* of the last response relayed */
	unsigned rounds;
	char identity[EAP_ID_MAX + 1];
	uint8_t msk[EAP_MSK_MAX];
	size_t msk_len;
	uint8_t out[RELAY_EAP_MAX];
	size_t out_len;
	/* for state_free: the backend to cancel with */
	const struct engine_eap_backend *be;
	uint64_t sa_id;
};

static int relay_accepts(uint8_t method)
{
	return method == AUTH_METHOD_PSK;
}

static void relay_free(void *state)
{
	struct relay_state *st = state;

	/* the backend may hold the conversation's state between rounds */
	if (st->phase == R_RELAY && st->be && st->be->cancel)
		st->be->cancel(st->be->arg, st->sa_id);
	st->pending = 0;
	memzero(st->msk, sizeof(st->msk));
}

static enum auth_result relay_out(struct auth_io *io, struct relay_state *st,
				  const uint8_t *msg, size_t len, enum auth_result r)
{
	if (len > sizeof(st->out)) {
		snprintf(io->why, sizeof(io->why), "EAP message of %zu bytes from RADIUS", len);
		return AUTH_FAILED;
	}
	memcpy(st->out, msg, len);
	st->out_len = len;
	io->eap_out = st->out;
	io->eap_out_len = len;
	return r;
}

/* Our EAP-Identity request (RFC 3748 5.1). */
static enum auth_result relay_start(struct auth_io *io, struct relay_state *st)
{
	uint8_t req[5] = { EAP_REQUEST, 0, 0, 5, EAP_T_IDENTITY };

	if (eap_random(&st->req_id, 1) < 0) {
		snprintf(io->why, sizeof(io->why), "no random bytes");
		return AUTH_FAILED;
	}
	req[1] = st->req_id;
	st->phase = R_IDENTITY;
	st->be = &io->sa->eng->eap_backend;
	st->sa_id = io->sa->id;
	return relay_out(io, st, req, sizeof(req), AUTH_MORE);
}

static int printable(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 0;
	return n > 0 && n <= EAP_ID_MAX;
}

/* The client's EAP-Identity response m against eap_id; 0 or -1. */
static int identity_ok(struct auth_io *io, struct relay_state *st, const struct eap_msg *m)
{
	const char *want = io->conn->remote.eap_id;
	const struct ident *ike = &io->sa->remote_id;

	if (m->code != EAP_RESPONSE || m->id != st->req_id || m->type != EAP_T_IDENTITY ||
	    !printable(m->data, m->dlen)) {
		snprintf(io->why, sizeof(io->why), "EAP-Identity response unusable (code %u, type "
			 "%u, %zu bytes)", m->code, m->type, m->dlen);
		return -1;
	}
	memcpy(st->identity, m->data, m->dlen);
	st->identity[m->dlen] = 0;
	memcpy(io->sa->eap_identity, m->data, m->dlen);
	io->sa->eap_identity[m->dlen] = 0;
	if (want && strcmp(want, "%any") == 0)
		return 0;
	if (want ? strlen(want) == m->dlen && memcmp(want, m->data, m->dlen) == 0 :
	    ike->len == m->dlen && memcmp(ike->data, m->data, m->dlen) == 0)
		return 0;
	snprintf(io->why, sizeof(io->why), "EAP identity '%s' is not the one configured",
		 st->identity);
	return -1;
}

static enum auth_result relay_submit(struct auth_io *io, struct relay_state *st)
{
	struct engine_eap_request r = {
		.ike_sa_id = io->sa->id, .identity = st->identity, .local = &io->sa->local,
		.remote = &io->sa->remote, .eap = io->eap_in, .eap_len = io->eap_in_len,
	};

	if (++st->rounds > RELAY_MAX_ROUNDS) {
		snprintf(io->why, sizeof(io->why), "EAP through RADIUS did not finish in %u rounds",
			 RELAY_MAX_ROUNDS);
		return AUTH_FAILED;
	}
	st->last_id = io->eap_in[1];	/* eap_decode() saw the header */
	if (!st->be->submit || st->be->submit(st->be->arg, &r) < 0) {
		snprintf(io->why, sizeof(io->why), "EAP cannot be relayed to RADIUS");
		return AUTH_FAILED;
	}
	st->pending = 1;
	return AUTH_PENDING;
}

static enum auth_result relay_round(struct auth_io *io)
{
	struct relay_state *st = io->state;
	struct eap_msg m;

	if (st->phase == R_NONE)
		return relay_start(io, st);
	if (!io->eap_in) {
		snprintf(io->why, sizeof(io->why), "IKE_AUTH without an EAP payload during EAP");
		return AUTH_FAILED;
	}
	if (st->pending || st->phase >= R_DONE) {
		snprintf(io->why, sizeof(io->why), "EAP message while %s",
			 st->pending ? "RADIUS has not answered" : "AUTH is due");
		return AUTH_FAILED;
	}
	if (eap_decode(io->eap_in, io->eap_in_len, &m, io->why, sizeof(io->why)) < 0)
		return AUTH_FAILED;
	if (st->phase == R_IDENTITY) {
		if (identity_ok(io, st, &m) < 0)
			return AUTH_FAILED;
		st->phase = R_RELAY;	/* the Identity response goes to RADIUS first */
	} else if (m.code != EAP_RESPONSE) {
		snprintf(io->why, sizeof(io->why), "EAP code %u from the client", m.code);
		return AUTH_FAILED;
	}
	return relay_submit(io, st);
}

static enum auth_result relay_resume(struct auth_io *io, const struct engine_eap_answer *a)
{
	struct relay_state *st = io->state;
	enum auth_result r = AUTH_MORE;

	if (!st->pending) {
		snprintf(io->why, sizeof(io->why), "RADIUS answer without a question");
		return AUTH_FAILED;
	}
	st->pending = 0;
	if (a->result == ENGINE_EAP_FAIL) {
		snprintf(io->why, sizeof(io->why), "%s", a->why ? a->why : "RADIUS refused");
		st->phase = R_CLOSED;	/* the backend is done with it */
		r = AUTH_FAILED;
	} else if (a->result == ENGINE_EAP_ACCEPT) {
		if (a->msk_len > sizeof(st->msk)) {
			snprintf(io->why, sizeof(io->why), "MSK of %zu bytes", a->msk_len);
			return AUTH_FAILED;
		}
		memcpy(st->msk, a->msk, a->msk_len);
		st->msk_len = a->msk_len;
		st->phase = R_DONE;
		if (!a->eap_len) {	/* RFC 3579 2.6.3: we say EAP-Success */
			uint8_t ok[4] = { EAP_SUCCESS, st->last_id, 0, 4 };

			return relay_out(io, st, ok, sizeof(ok), r);
		}
	} else if (!a->eap_len) {
		snprintf(io->why, sizeof(io->why), "Access-Challenge without EAP-Message");
		return AUTH_FAILED;
	}
	return relay_out(io, st, a->eap, a->eap_len, r);
}

/* 2.16: AUTH of io's side keyed with the MSK, or SK_pi/SK_pr without one. */
static int relay_key_auth(struct auth_io *io, struct relay_state *st, uint8_t *out)
{
	const struct secret *skp = io->of_initiator ? &io->sa->keys.sk_pi : &io->sa->keys.sk_pr;

	return st->msk_len ? auth_psk_with_key(io, st->msk, st->msk_len, out) :
	       auth_psk_with_key(io, skp->ptr, skp->len, out);
}

static enum auth_result relay_ours(struct auth_io *io, struct auth_value *out)
{
	struct relay_state *st = io->state;

	if (st->phase != R_DONE) {
		snprintf(io->why, sizeof(io->why), "EAP has not finished");
		return AUTH_FAILED;
	}
	out->method = AUTH_METHOD_PSK;
	out->len = io->sa->algs.prf->out_len;
	if (relay_key_auth(io, st, out->data) < 0) {
		snprintf(io->why, sizeof(io->why), "AUTH from the EAP key could not be computed");
		return AUTH_FAILED;
	}
	return AUTH_OK;
}

static enum auth_result relay_verify(struct auth_io *io, const struct ike_pl_auth *a)
{
	struct relay_state *st = io->state;
	uint8_t want[MAC_MAX_OUT];
	int ok;

	if (st->phase != R_DONE) {
		snprintf(io->why, sizeof(io->why), "AUTH before EAP-Success");
		return AUTH_FAILED;
	}
	ok = a->data.len == io->sa->algs.prf->out_len && relay_key_auth(io, st, want) == 0 &&
	     memeq_ct(want, a->data.p, a->data.len);
	memzero(want, sizeof(want));
	if (!ok) {
		snprintf(io->why, sizeof(io->why), "AUTH does not match the %s",
			 st->msk_len ? "MSK from RADIUS" : "exchange's SK_p key");
		return AUTH_FAILED;
	}
	return AUTH_OK;
}

const struct auth_method auth_method_eap_radius = {
	.conf = CONF_AUTH_EAP_RADIUS, .name = "eap-radius", .state_size = sizeof(struct relay_state),
	.state_free = relay_free, .accepts = relay_accepts, .ours = relay_ours,
	.verify = relay_verify, .round = relay_round, .resume = relay_resume,
};
