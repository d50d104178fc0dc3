/*
 * libFuzzer target: the EAP server and peer machines (src/ike/auth/eap.h)
 * fed hostile messages.  Input: a flags byte (bit 0: MSCHAPv2 instead of
 * MD5; bit 1: ask the identity; bit 2: require the identity "alice"), then
 * messages, each [control byte][length u16][bytes]; control bit 0 puts
 * the outstanding request's Identifier into the message (random otherwise,
 * so the fuzzer could never get past the first check), bit 1 sends the
 * message to the peer machine instead of the server.  Checks: a failure is
 * final, says why, answers nothing or EAP-Failure, never shows the password.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike/auth/eap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char password[] = "fuzz-password";

static int pw(void *arg, const uint8_t *id, size_t idlen, const uint8_t **out, size_t *len)
{
	(void)arg;
	if (idlen != 5 || memcmp(id, "alice", 5) != 0)
		return -1;
	*out = (const uint8_t *)password;
	*len = sizeof(password) - 1;
	return 0;
}

/* The password may be in why only where the input itself put it (an
 * identity quoted in the reason). */
static void check_fail(const char *why, const uint8_t *out, size_t out_len, const uint8_t *in,
		       size_t inlen)
{
	int echoed = memmem(in, inlen, password, sizeof(password) - 1) != NULL;

	if (!why[0] || (strstr(why, password) && !echoed) || out_len > EAP_OUT_MAX ||
	    (out_len && (out_len != 4 || out[0] != EAP_FAILURE)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct eap_server s;
	static struct eap_peer p;
	uint8_t msg[1024];
	size_t off = 1;
	int sdone = 0, pdone = 0;

	if (size < 1)
		return 0;
	if (eap_server_start(&s, data[0] & 1 ? EAP_T_MSCHAPV2 : EAP_T_MD5,
			     data[0] & 2 ? NULL : (const uint8_t *)"alice", data[0] & 2 ? 0 : 5,
			     data[0] & 4 ? (const uint8_t *)"alice" : NULL, data[0] & 4 ? 5 : 0,
			     pw, NULL) < 0 ||
	    eap_peer_init(&p, data[0] & 1 ? EAP_T_MSCHAPV2 : EAP_T_MD5, (const uint8_t *)"alice",
			  5, (const uint8_t *)password, sizeof(password) - 1) < 0)
		abort();
	while (off + 3 <= size) {
		uint8_t ctl = data[off];
		size_t n = (size_t)data[off + 1] << 8 | data[off + 2];
		enum eap_status st;

		off += 3;
		if (n > size - off || n > sizeof(msg))
			break;
		memcpy(msg, data + off, n);
		off += n;
		if (ctl & 2) {
			if (pdone)
				continue;
			st = eap_peer_rx(&p, msg, n);
			if (st == EAP_FAIL) {
				check_fail(p.why, NULL, p.out_len, data, size);
				pdone = 1;
			} else if (p.out_len > EAP_OUT_MAX) {
				abort();
			}
			continue;
		}
		if (sdone)
			continue;
		if ((ctl & 1) && n >= 2 && s.out_len >= 2)
			msg[1] = s.out[1];
		st = eap_server_rx(&s, msg, n);
		if (st == EAP_FAIL) {
			check_fail(s.why, s.out, s.out_len, data, size);
			sdone = 1;
		} else if (s.rounds > EAP_MAX_ROUNDS || !s.out_len) {
			abort();
		}
	}
	return 0;
}
