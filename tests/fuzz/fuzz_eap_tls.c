/*
 * libFuzzer target: EAP-TLS (src/ike/auth/eap_tls.c) in eap.c's server and
 * peer machines, fed hostile messages between the steps of a genuine
 * conversation, so that framing, reassembly and TLS are hit in every
 * state.  Credentials: a CA, a server and a client certificate (P-256)
 * made once at start-up.  Input: a flags byte (bit 0: the peer offers TLS
 * 1.2 only; bit 1: the server asks the EAP identity), then steps, each
 * [control byte][length u16][bytes]:
 *   control bit 2: a genuine step (the server's message to the peer, the
 *                  peer's answer to the server); the bytes are ignored
 *   control bit 3: the bytes go to the peer (else to the server)
 *   control bit 1: the bytes are a whole EAP message; else they are the
 *                  EAP-TLS Type-Data, wrapped in a Response (Request for
 *                  the peer) of type 13 with the Identifier due.
 * Checks: a failure is final and says why; the server then answers
 * EAP-Failure; no message of ours exceeds 1,024 bytes; the rounds stay
 * bounded; a server that says done has an MSK.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "ike/auth/eap.h"
#include "ike/auth/eap_tls.h"
#include "pki/testpki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct eap_tls_cred srv_cred, peer_cred;
static struct eap_server S;
static struct eap_peer P;

static STACK_OF(X509) *one(X509 *x)
{
	STACK_OF(X509) *s = sk_X509_new_null();

	if (!s || !sk_X509_push(s, x))
		abort();
	return s;
}

static void creds(void)
{
	struct tp_opts r = { .cn = "Fuzz CA", .serial = 1, .ca = 1, .pathlen = 0, .from = -3600,
			     .to = 86400 * 3650, .ku = "critical,keyCertSign,cRLSign" };
	struct tp_opts g = { .cn = "gw", .serial = 2, .from = -60, .to = 86400 * 3650,
			     .san = "DNS:gw.example", .ku = "critical,digitalSignature" };
	struct tp_opts c = { .cn = "alice", .serial = 3, .from = -60, .to = 86400 * 3650,
			     .san = "DNS:alice.example", .ku = "critical,digitalSignature" };
	EVP_PKEY *ck, *gk, *ak;
	X509 *ca;
	char err[64];

	tp_now = time(NULL);
	ck = tp_key("p256");
	gk = tp_key("p256");
	ak = tp_key("p256");
	ca = tp_cert(&r, ck, NULL, NULL);
	srv_cred.chain = one(tp_cert(&g, gk, ca, ck));
	srv_cred.key = gk;
	srv_cred.anchors = one(ca);
	peer_cred.chain = one(tp_cert(&c, ak, ca, ck));
	peer_cred.key = ak;
	peer_cred.anchors = srv_cred.anchors;
	if (ident_parse(&peer_cred.peer_id, "gw.example", err, sizeof(err)) < 0)
		abort();
}

static void check_out(const uint8_t *out, size_t len)
{
	if (len > 1024)
		abort();
	if (len >= 4 && (size_t)(out[2] << 8 | out[3]) != len)
		abort();
}

static int srv_rx(const uint8_t *m, size_t n)
{
	enum eap_status st = eap_server_rx(&S, m, n);

	check_out(S.out, S.out_len);
	if (st == EAP_FAIL) {
		if (!S.why[0] || S.out_len != 4 || S.out[0] != EAP_FAILURE)
			abort();
		return 1;
	}
	if (S.rounds > EAP_TLS_MAX_ROUNDS || !S.out_len)
		abort();
	if (st == EAP_DONE && (S.msk_len != EAP_MSK_MAX || S.out[0] != EAP_SUCCESS))
		abort();
	return st == EAP_DONE;
}

static int peer_rx(const uint8_t *m, size_t n)
{
	enum eap_status st = eap_peer_rx(&P, m, n);

	check_out(P.out, P.out_len);
	if (st == EAP_FAIL) {
		if (!P.why[0])
			abort();
		return 1;
	}
	if (st == EAP_DONE && P.msk_len != EAP_MSK_MAX)
		abort();
	return st == EAP_DONE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	uint8_t msg[4096];
	size_t off = 1;
	int sdone = 0, pdone = 0;

	if (!ready) {
		creds();
		ready = 1;
	}
	if (size < 1)
		return 0;
	peer_cred.max_version = data[0] & 1 ? TLS1_2_VERSION : 0;
	S.tls_cred = &srv_cred;
	P.tls_cred = &peer_cred;
	if (eap_server_start(&S, EAP_T_TLS, data[0] & 2 ? NULL : (const uint8_t *)"alice.example",
			     data[0] & 2 ? 0 : 13, NULL, 0, NULL, NULL) < 0 ||
	    eap_peer_init(&P, EAP_T_TLS, (const uint8_t *)"alice.example", 13, NULL, 0) < 0)
		abort();
	while (off + 3 <= size && !(sdone && pdone)) {
		uint8_t ctl = data[off];
		size_t n = (size_t)data[off + 1] << 8 | data[off + 2];
		int to_peer = ctl & 8;

		off += 3;
		if (n > size - off || n + 5 > sizeof(msg))
			break;
		if (ctl & 4) {
			/* genuine: the server's last message to the peer and back */
			if (!pdone && !sdone && S.out_len)
				pdone = peer_rx(S.out, S.out_len);
			if (!sdone && !pdone && P.out_len)
				sdone = srv_rx(P.out, P.out_len);
			off += n;
			continue;
		}
		if (ctl & 2) {
			memcpy(msg, data + off, n);
		} else {
			memcpy(msg + 5, data + off, n);
			msg[0] = to_peer ? EAP_REQUEST : EAP_RESPONSE;
			msg[1] = to_peer ? (uint8_t)(S.req_id + 1) : S.req_id;
			msg[2] = (uint8_t)((n + 5) >> 8);
			msg[3] = (uint8_t)(n + 5);
			msg[4] = EAP_T_TLS;
			n += 5;
		}
		off += ctl & 2 ? n : n - 5;
		if (to_peer) {
			if (!pdone)
				pdone = peer_rx(msg, n);
		} else if (!sdone) {
			sdone = srv_rx(msg, n);
		}
	}
	eap_server_free(&S);
	eap_peer_free(&P);
	return 0;
}
