/* The method table and what every row shares (2.15 octets, per-SA state). */
#include "ike/auth/auth.h"

#include <stdlib.h>
#include <string.h>

#include "common/secret.h"
#include "ike/crypto/keymat.h"
#include "ike/crypto/mac.h"
#include "ike/engine/ike_sa.h"

#define ID_BODY_MAX	(4 + IDENT_MAX)

extern const struct auth_method auth_method_psk;
extern const struct auth_method auth_method_pubkey, auth_method_rsa, auth_method_ecdsa,
	auth_method_ed25519, auth_method_ed448;
extern const struct auth_method auth_method_eap_md5, auth_method_eap_mschapv2,
	auth_method_eap_radius;

/* One row per method; EAP adds its own here. */
static const struct auth_method *const methods[] = {
	&auth_method_psk,
	&auth_method_pubkey,
	&auth_method_rsa,
	&auth_method_ecdsa,
	&auth_method_ed25519,
	&auth_method_ed448,
	&auth_method_eap_md5,
	&auth_method_eap_mschapv2,
	&auth_method_eap_radius,
};

const struct auth_method *auth_method_of(unsigned conf_auth)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i]->conf == conf_auth)
			return methods[i];
	return NULL;
}

int auth_state_attach(const struct auth_method *m, struct auth_io *io)
{
	struct ike_sa *sa = io->sa;
	size_t free_slot = AUTH_SLOTS;

	io->state = NULL;
	if (!m->state_size)
		return 0;
	for (size_t i = 0; i < AUTH_SLOTS; i++) {
		if (sa->auth_st[i].m == m) {
			io->state = sa->auth_st[i].p;
			return 0;
		}
		if (!sa->auth_st[i].m && free_slot == AUTH_SLOTS)
			free_slot = i;
	}
	if (free_slot == AUTH_SLOTS || !(io->state = calloc(1, m->state_size)))
		return -1;
	sa->auth_st[free_slot].m = m;
	sa->auth_st[free_slot].p = io->state;
	return 0;
}

void auth_state_free(struct ike_sa *sa)
{
	for (size_t i = 0; i < AUTH_SLOTS; i++) {
		const struct auth_method *m = sa->auth_st[i].m;

		if (!m)
			continue;
		if (m->state_free)
			m->state_free(sa->auth_st[i].p);
		memzero(sa->auth_st[i].p, m->state_size);
		free(sa->auth_st[i].p);
		sa->auth_st[i].m = NULL;
		sa->auth_st[i].p = NULL;
	}
}

void auth_io_init(struct auth_io *io, struct ike_sa *sa, const struct conf_conn *conn,
		  int of_initiator, const struct ident *id, const struct ident *cred_local,
		  const struct ident *cred_remote)
{
	memset(io, 0, sizeof(*io));
	io->sa = sa;
	io->cfg = sa->eng->cfg;
	io->conn = conn;
	io->of_initiator = of_initiator;
	io->id = id;
	io->cred_local = cred_local;
	io->cred_remote = cred_remote;
}

int auth_maced_id_of(const struct auth_io *io, uint8_t *out)
{
	const struct ike_sa *sa = io->sa;
	uint8_t body[ID_BODY_MAX];
	size_t blen = ike_id_body(io->id, body, sizeof(body));

	return blen && auth_maced_id(sa->algs.prf,
				     io->of_initiator ? &sa->keys.sk_pi : &sa->keys.sk_pr, body,
				     blen, out) == CR_OK ? 0 : -1;
}

int auth_signed_octets(const struct auth_io *io, struct wr *w)
{
	const struct ike_sa *sa = io->sa;
	const struct secret *msg = io->of_initiator ? &sa->init_req : &sa->init_resp;
	const struct secret *nonce = io->of_initiator ? &sa->nr : &sa->ni;
	uint8_t body[ID_BODY_MAX];
	size_t blen = ike_id_body(io->id, body, sizeof(body));

	return blen && auth_octets(sa->algs.prf,
				   io->of_initiator ? &sa->keys.sk_pi : &sa->keys.sk_pr,
				   msg->ptr, msg->len, nonce->ptr, nonce->len, body, blen,
				   w) == CR_OK ? 0 : -1;
}
