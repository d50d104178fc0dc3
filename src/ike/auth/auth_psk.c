/*
 * The pre-shared key row (RFC 7296 2.15): AUTH = prf(prf(Shared Secret,
 * "Key Pad for IKEv2"), <SignedOctets>), the secret found in the
 * configuration under (cred_local, cred_remote).  No state, no extra
 * payloads, one round.
 */
#include <stdio.h>
#include <string.h>

#include "common/secret.h"
#include "ike/auth/auth.h"
#include "ike/crypto/keymat.h"
#include "ike/crypto/mac.h"
#include "ike/engine/ike_sa.h"

static int psk_accepts(uint8_t method)
{
	return method == AUTH_METHOD_PSK;
}

int auth_psk_with_key(struct auth_io *io, const uint8_t *key, size_t keylen, uint8_t *out)
{
	const struct ike_sa *sa = io->sa;
	const struct secret *msg = io->of_initiator ? &sa->init_req : &sa->init_resp;
	const struct secret *nonce = io->of_initiator ? &sa->nr : &sa->ni;
	uint8_t maced[MAC_MAX_OUT];
	int rc;

	if (auth_maced_id_of(io, maced) < 0)
		return -1;
	rc = auth_psk(sa->algs.prf, key, keylen, msg->ptr, msg->len, nonce->ptr,
		      nonce->len, maced, out) == CR_OK ? 0 : -1;
	memzero(maced, sizeof(maced));
	return rc;
}

static int psk_compute(struct auth_io *io, const struct conf_psk *psk, uint8_t *out)
{
	return auth_psk_with_key(io, psk->key.ptr, psk->key.len, out);
}

static const struct conf_psk *psk_find(struct auth_io *io)
{
	const struct conf_psk *psk = config_find_psk(io->cfg, io->cred_local, io->cred_remote);

	if (!psk)
		snprintf(io->why, sizeof(io->why), "no PSK for this identity");
	return psk;
}

static enum auth_result psk_ours(struct auth_io *io, struct auth_value *out)
{
	const struct conf_psk *psk = psk_find(io);

	if (!psk)
		return AUTH_FAILED;
	out->method = AUTH_METHOD_PSK;
	out->len = io->sa->algs.prf->out_len;
	if (psk_compute(io, psk, out->data) < 0) {
		snprintf(io->why, sizeof(io->why), "PSK AUTH could not be computed");
		return AUTH_FAILED;
	}
	return AUTH_OK;
}

static enum auth_result psk_verify(struct auth_io *io, const struct ike_pl_auth *a)
{
	const struct conf_psk *psk = psk_find(io);
	uint8_t want[MAC_MAX_OUT];
	int ok;

	if (!psk)
		return AUTH_FAILED;
	ok = a->data.len == io->sa->algs.prf->out_len && psk_compute(io, psk, want) == 0 &&
	     memeq_ct(want, a->data.p, a->data.len);
	memzero(want, sizeof(want));
	if (!ok) {
		snprintf(io->why, sizeof(io->why), "the PSK does not match");
		return AUTH_FAILED;
	}
	return AUTH_OK;
}

const struct auth_method auth_method_psk = {
	.conf = CONF_AUTH_PSK,
	.name = "psk",
	.accepts = psk_accepts,
	.ours = psk_ours,
	.verify = psk_verify,
};
