/*
 * EAP-MSCHAPv2 (draft-kamath-pppext-eap-mschapv2; RFC 2759 inside):
 * Type-Data = OpCode | MS-CHAPv2-ID | MS-Length (== Type-Data length) |
 * the opcode's fields.  Server: Challenge -> Response -> Success-Request
 * ("S=<authenticator response> M=...") -> Success-Response (OpCode only)
 * -> EAP-Success.  A wrong password ends the conversation (no retry).
 */
#include <stdio.h>
#include <string.h>

#include "common/secret.h"
#include "ike/auth/eap_method.h"
#include "ike/auth/mschapv2.h"

enum { MS_CHALLENGE = 1, MS_RESPONSE = 2, MS_SUCCESS = 3, MS_FAILURE = 4 };

#define MS_HDR		4		/* OpCode, MS-CHAPv2-ID, MS-Length */
#define MS_RESP_VALUE	49		/* peer challenge, 8 reserved, NT-Response, flags */
static const char server_name[] = "ikedaemon";

static void ms_hdr(struct wr *w, uint8_t op, uint8_t id, size_t len)
{
	wr_u8(w, op);
	wr_u8(w, id);
	wr_u16(w, (uint16_t)len);
}

/* OpCode, id and MS-Length of m checked; the fields after them in r. */
static int ms_parse(const struct eap_msg *m, uint8_t *op, uint8_t *id, struct rd *r, char *why,
		    size_t wl)
{
	rd_init(r, m->data, m->dlen);
	*op = rd_u8(r);
	if (m->dlen == 1 && rd_ok(r))
		return 0;	/* Success/Failure-Response: the OpCode alone */
	*id = rd_u8(r);
	if (rd_u16(r) != m->dlen || !rd_ok(r)) {
		snprintf(why, wl, "EAP-MSCHAPv2 MS-Length disagrees with the EAP length (%zu)",
			 m->dlen);
		return -1;
	}
	return 0;
}

static int ms_challenge(struct eap_server *s, struct wr *w)
{
	if (eap_random(s->challenge, sizeof(s->challenge)) < 0 || eap_random(&s->ms_id, 1) < 0)
		return -1;
	ms_hdr(w, MS_CHALLENGE, s->ms_id, MS_HDR + 1 + 16 + sizeof(server_name) - 1);
	wr_u8(w, 16);
	wr_bytes(w, s->challenge, 16);
	wr_bytes(w, server_name, sizeof(server_name) - 1);
	return 0;
}

/* The Response: NT-Response checked, Success-Request into w. */
static enum eap_status ms_check_response(struct eap_server *s, uint8_t id, struct rd *r,
					 struct wr *w)
{
	const uint8_t *v, *name, *pw;
	size_t nlen, pwlen;
	uint8_t want[MSCHAP_NT_RESP_LEN];
	char auth[MSCHAP_AUTH_RESP_LEN + 1];
	static const char msg[] = " M=Welcome";
	int ok;

	if (id != s->ms_id || rd_u8(r) != MS_RESP_VALUE || !(v = rd_bytes(r, MS_RESP_VALUE))) {
		snprintf(s->why, sizeof(s->why), "EAP-MSCHAPv2 Response malformed (MS-CHAPv2-ID "
			 "%u, ours %u)", id, s->ms_id);
		return EAP_FAIL;
	}
	name = rd_rest(r, &nlen);
	if (eap_srv_password(s, &pw, &pwlen) < 0)
		return EAP_FAIL;
	/* the user name hashed is the one in the Response (RFC 2759 4) */
	ok = mschap_nt_response(s->challenge, v, name ? name : v, name ? nlen : 0, pw, pwlen,
				want) == 0 && memeq_ct(want, v + 24, MSCHAP_NT_RESP_LEN);
	if (ok)
		ok = mschap_auth_response(pw, pwlen, v + 24, v, s->challenge, name ? name : v,
					  name ? nlen : 0, auth) == 0 &&
		     mschap_msk(pw, pwlen, v + 24, s->msk) == 0;
	memzero(want, sizeof(want));
	if (!ok) {
		snprintf(s->why, sizeof(s->why), "EAP-MSCHAPv2 NT-Response does not match the "
			 "password");
		return EAP_FAIL;
	}
	s->msk_len = MSCHAP_MSK_LEN;
	ms_hdr(w, MS_SUCCESS, s->ms_id, MS_HDR + MSCHAP_AUTH_RESP_LEN + sizeof(msg) - 1);
	wr_bytes(w, auth, MSCHAP_AUTH_RESP_LEN);
	wr_bytes(w, msg, sizeof(msg) - 1);
	s->state = SRV_METHOD2;
	return EAP_MORE;
}

static enum eap_status ms_response(struct eap_server *s, const struct eap_msg *m, struct wr *w)
{
	uint8_t op = 0, id = 0;
	struct rd r;

	if (ms_parse(m, &op, &id, &r, s->why, sizeof(s->why)) < 0)
		return EAP_FAIL;
	if (s->state == SRV_METHOD && op == MS_RESPONSE && m->dlen > 1)
		return ms_check_response(s, id, &r, w);
	if (s->state == SRV_METHOD2 && op == MS_SUCCESS && m->dlen == 1)
		return EAP_DONE;
	snprintf(s->why, sizeof(s->why), "EAP-MSCHAPv2 OpCode %u (%zu bytes) out of turn", op,
		 m->dlen);
	return EAP_FAIL;
}

static enum eap_status ms_peer_challenge(struct eap_peer *p, uint8_t id, struct rd *r,
					 struct wr *w)
{
	const uint8_t *ch;

	if (rd_u8(r) != 16 || !(ch = rd_bytes(r, 16))) {
		snprintf(p->why, sizeof(p->why), "EAP-MSCHAPv2 Challenge malformed");
		return EAP_FAIL;
	}
	memcpy(p->auth_ch, ch, 16);
	if (eap_random(p->peer_ch, 16) < 0 ||
	    mschap_nt_response(p->auth_ch, p->peer_ch, p->identity, p->id_len, p->pw, p->pw_len,
			       p->nt_resp) < 0) {
		snprintf(p->why, sizeof(p->why), "MS-CHAPv2 needs MD4/DES (OpenSSL legacy provider)");
		return EAP_FAIL;
	}
	ms_hdr(w, MS_RESPONSE, id, MS_HDR + 1 + MS_RESP_VALUE + p->id_len);
	wr_u8(w, MS_RESP_VALUE);
	wr_bytes(w, p->peer_ch, 16);
	wr_zero(w, 8);
	wr_bytes(w, p->nt_resp, 24);
	wr_u8(w, 0);
	wr_bytes(w, p->identity, p->id_len);
	p->state = PEER_METHOD;
	return EAP_MORE;
}

/* Success-Request: the server proves it knows the password too. */
static enum eap_status ms_peer_success(struct eap_peer *p, struct rd *r, struct wr *w)
{
	char want[MSCHAP_AUTH_RESP_LEN + 1];
	const uint8_t *got = rd_bytes(r, MSCHAP_AUTH_RESP_LEN);
	int ok = got && mschap_auth_response(p->pw, p->pw_len, p->nt_resp, p->peer_ch, p->auth_ch,
					      p->identity, p->id_len, want) == 0 &&
		 memeq_ct(want, got, MSCHAP_AUTH_RESP_LEN) &&
		 mschap_msk(p->pw, p->pw_len, p->nt_resp, p->msk) == 0;

	if (!ok) {
		snprintf(p->why, sizeof(p->why), "EAP-MSCHAPv2 authenticator response is wrong: "
			 "the server does not know the password");
		return EAP_FAIL;
	}
	p->msk_len = MSCHAP_MSK_LEN;
	wr_u8(w, MS_SUCCESS);
	p->state = PEER_FINISHED;
	return EAP_MORE;
}

static enum eap_status ms_request(struct eap_peer *p, const struct eap_msg *m, struct wr *w)
{
	uint8_t op = 0, id = 0;
	struct rd r;

	if (ms_parse(m, &op, &id, &r, p->why, sizeof(p->why)) < 0 || m->dlen < MS_HDR)
		goto bad;
	if (op == MS_CHALLENGE && p->state == PEER_IDLE)
		return ms_peer_challenge(p, id, &r, w);
	if (op == MS_SUCCESS && p->state == PEER_METHOD)
		return ms_peer_success(p, &r, w);
	if (op == MS_FAILURE) {
		snprintf(p->why, sizeof(p->why), "EAP-MSCHAPv2 Failure from the server (wrong "
			 "password?)");
		return EAP_FAIL;
	}
bad:
	if (!p->why[0])
		snprintf(p->why, sizeof(p->why), "EAP-MSCHAPv2 OpCode %u out of turn", op);
	return EAP_FAIL;
}

const struct eap_method_ops eap_mschapv2_ops = {
	.type = EAP_T_MSCHAPV2,
	.name = "MSCHAPv2",
	.srv_challenge = ms_challenge,
	.srv_response = ms_response,
	.peer_request = ms_request,
};
