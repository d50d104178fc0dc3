/*
 * The pre-shared key row (RFC 7296 2.15): AUTH = prf(prf(PSK, "Key Pad for
 * IKEv2"), <octets>).  The key is the one of the peer's identity, or else
 * of ours (config_find_psk).
 */
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/secret.h"
#include "ike/crypto/keymat.h"
#include "ike/crypto/mac.h"
#include "ike/engine/auth.h"

static int psk_mac(const struct ike_sa *sa, const struct conf_psk *psk, int of_init,
		   const struct ident *id, uint8_t out[MAC_MAX_OUT])
{
	const struct prf_alg *prf = sa->algs.prf;
	uint8_t body[4 + IDENT_MAX], maced[MAC_MAX_OUT];
	size_t blen = ike_id_body(id, body, sizeof(body));
	const struct secret *msg = of_init ? &sa->init_req : &sa->init_resp;
	const struct secret *nonce = of_init ? &sa->nr : &sa->ni;
	int rc;

	if (!blen || auth_maced_id(prf, of_init ? &sa->keys.sk_pi : &sa->keys.sk_pr, body,
				   blen, maced) != CR_OK)
		return -1;
	rc = auth_psk(prf, psk->key.ptr, psk->key.len, msg->ptr, msg->len, nonce->ptr,
		      nonce->len, maced, out) == CR_OK ? 0 : -1;
	memzero(maced, sizeof(maced));
	return rc;
}

static const struct conf_psk *psk_for(const struct ike_sa *sa, const struct conf_conn *conn,
				      const struct ident *peer)
{
	return config_find_psk(sa->eng->cfg, &conn->local.id, peer);
}

static int psk_build(struct ike_sa *sa, const struct conf_conn *conn, int we_init,
		     struct auth_out *out)
{
	const struct conf_psk *psk =
		psk_for(sa, conn, sa->remote_id.type ? &sa->remote_id : &conn->remote.id);

	if (!psk) {
		log_err(LS_IKE, "IKE SA %llu (%s): no PSK for %s", (unsigned long long)sa->id,
			conn->name, conn->local.id_text ? conn->local.id_text : "our identity");
		return -1;
	}
	if (psk_mac(sa, psk, we_init, &sa->local_id, out->data) < 0)
		return -1;
	out->method = AUTH_METHOD_PSK;
	out->len = sa->algs.prf->out_len;
	return 0;
}

static int psk_verify(struct ike_sa *sa, const struct conf_conn *conn, int peer_init,
		      const struct ident *peer, const struct ike_msg *m, char *why, size_t wlen)
{
	const struct ike_payload *pa = msg_pl(m, PL_AUTH);
	const struct conf_psk *psk = psk_for(sa, conn, peer);
	uint8_t want[MAC_MAX_OUT];
	int ok;

	if (!psk) {
		snprintf(why, wlen, "no PSK for this identity");
		return -1;
	}
	if (!pa || pa->u.auth.method != AUTH_METHOD_PSK) {
		snprintf(why, wlen, "AUTH method %u, the connection expects a PSK",
			 pa ? pa->u.auth.method : 0);
		return -1;
	}
	if (pa->u.auth.data.len != sa->algs.prf->out_len ||
	    psk_mac(sa, psk, peer_init, peer, want) < 0) {
		snprintf(why, wlen, "the PSK does not match");
		return -1;
	}
	ok = memeq_ct(want, pa->u.auth.data.p, pa->u.auth.data.len);
	memzero(want, sizeof(want));
	if (!ok)
		snprintf(why, wlen, "the PSK does not match");
	return ok ? 0 : -1;
}

const struct auth_row auth_row_psk = { "psk", psk_build, psk_verify };
