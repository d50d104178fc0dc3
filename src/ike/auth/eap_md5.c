/* EAP-MD5-Challenge (RFC 3748 5.4; CHAP's RFC 1994 4.1 hash). */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/secret.h"
#include "ike/auth/eap_method.h"

/* MD5(Identifier | secret | challenge) */
static int md5_value(uint8_t id, const uint8_t *pw, size_t pwlen, const uint8_t *ch,
		     size_t chlen, uint8_t out[16])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c && EVP_DigestInit_ex(c, EVP_md5(), NULL) && EVP_DigestUpdate(c, &id, 1) &&
		 EVP_DigestUpdate(c, pw, pwlen) && EVP_DigestUpdate(c, ch, chlen) &&
		 EVP_DigestFinal_ex(c, out, NULL);

	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

static int md5_challenge(struct eap_server *s, struct wr *w)
{
	if (eap_random(s->challenge, sizeof(s->challenge)) < 0)
		return -1;
	wr_u8(w, sizeof(s->challenge));
	wr_bytes(w, s->challenge, sizeof(s->challenge));
	return 0;
}

static enum eap_status md5_response(struct eap_server *s, const struct eap_msg *m, struct wr *w)
{
	const uint8_t *pw;
	size_t pwlen;
	uint8_t want[16];
	int ok;

	if (m->dlen < 17 || m->data[0] != 16) {
		snprintf(s->why, sizeof(s->why), "EAP-MD5 response of %zu bytes, value size %u",
			 m->dlen, m->dlen ? m->data[0] : 0);
		return EAP_FAIL;
	}
	if (eap_srv_password(s, &pw, &pwlen) < 0)
		return EAP_FAIL;
	ok = md5_value(m->id, pw, pwlen, s->challenge, sizeof(s->challenge), want) == 0 &&
	     memeq_ct(want, m->data + 1, 16);
	memzero(want, sizeof(want));
	if (!ok) {
		snprintf(s->why, sizeof(s->why), "EAP-MD5 response does not match the password");
		return EAP_FAIL;
	}
	return EAP_DONE;
}

static enum eap_status md5_request(struct eap_peer *p, const struct eap_msg *m, struct wr *w)
{
	uint8_t v[16];

	if (m->dlen < 1 || m->data[0] == 0 || (size_t)m->data[0] + 1 > m->dlen) {
		snprintf(p->why, sizeof(p->why), "EAP-MD5 challenge of %zu bytes", m->dlen);
		return EAP_FAIL;
	}
	if (md5_value(m->id, p->pw, p->pw_len, m->data + 1, m->data[0], v) < 0) {
		snprintf(p->why, sizeof(p->why), "MD5 not available");
		return EAP_FAIL;
	}
	wr_u8(w, sizeof(v));
	wr_bytes(w, v, sizeof(v));
	memzero(v, sizeof(v));
	p->state = PEER_FINISHED;	/* RFC 3748 5.4: no MSK; Success may follow */
	return EAP_MORE;
}

const struct eap_method_ops eap_md5_ops = {
	.type = EAP_T_MD5,
	.name = "MD5",
	.srv_challenge = md5_challenge,
	.srv_response = md5_response,
	.peer_request = md5_request,
};
