/*
 * EAP: MS-CHAPv2 with the RFC 2759 section 9 example, the MPPE master
 * keys with RFC 3079 section 3.5's, and the server and peer machines
 * (eap.h) talking to each other: MD5, MSCHAPv2 (both MSKs equal), Nak,
 * and the bad input of BAD-INPUT (wrong identifiers, lengths, early
 * Success, endless rounds).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../crypto/hex.h"
#include "ike/auth/eap.h"
#include "ike/auth/mschapv2.h"

static const uint8_t user[] = "User", pass[] = "clientPass";
#define AUTH_CH "5B5D7C7D7B3F2F3E3C2C602132262628"
#define PEER_CH "21402324255E262A28295F2B3A337C7E"
#define NT_RESP "82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF"

static void check_hex(const uint8_t *got, size_t n, const char *want)
{
	uint8_t w[64];

	ck_assert_uint_eq(unhex(want, w, sizeof(w)), n);
	ck_assert_mem_eq(got, w, n);
}

START_TEST(rfc2759_vectors)
{
	uint8_t ach[16], pch[16], out[24];
	char auth[MSCHAP_AUTH_RESP_LEN + 1];

	unhex(AUTH_CH, ach, 16);
	unhex(PEER_CH, pch, 16);
	ck_assert_int_eq(mschap_challenge_hash(pch, ach, user, 4, out), 0);
	check_hex(out, 8, "D02E4386BCE91226");
	ck_assert_int_eq(mschap_nt_hash(pass, 10, out), 0);
	check_hex(out, 16, "44EBBA8D5312B8D611474411F56989AE");
	ck_assert_int_eq(mschap_nt_response(ach, pch, user, 4, pass, 10, out), 0);
	check_hex(out, 24, NT_RESP);
	ck_assert_int_eq(mschap_auth_response(pass, 10, out, pch, ach, user, 4, auth), 0);
	ck_assert_str_eq(auth, "S=407A5589115FD0D6209F510FE9C04566932CDA56");
	/* a "DOMAIN\" prefix is not hashed (RFC 2759 8.2) */
	ck_assert_int_eq(mschap_challenge_hash(pch, ach, (const uint8_t *)"DOM\\User", 8, out), 0);
	check_hex(out, 8, "D02E4386BCE91226");
}
END_TEST

START_TEST(rfc3079_vectors)
{
	uint8_t nt[24], mk[16], k[16], msk[MSCHAP_MSK_LEN];

	unhex(NT_RESP, nt, 24);
	ck_assert_int_eq(mschap_master_key(pass, 10, nt, mk), 0);
	check_hex(mk, 16, "FDECE3717A8C838CB388E527AE3CDD31");
	ck_assert_int_eq(mschap_asym_key(mk, 1, 1, k), 0);
	check_hex(k, 16, "8B7CDC149B993A1BA118CB153F56DCCB");
	/* MSK: the server's receive key (the client's send key) first */
	ck_assert_int_eq(mschap_msk(pass, 10, nt, msk), 0);
	ck_assert_int_eq(mschap_asym_key(mk, 1, 0, k), 0);
	ck_assert_mem_eq(msk, k, 16);
	ck_assert_int_eq(mschap_asym_key(mk, 1, 1, k), 0);
	ck_assert_mem_eq(msk + 16, k, 16);
	for (int i = 32; i < 64; i++)
		ck_assert_uint_eq(msk[i], 0);
}
END_TEST

static int pw_lookup(void *arg, const uint8_t *id, size_t idlen, const uint8_t **pw,
		     size_t *pwlen)
{
	if (idlen != 5 || memcmp(id, "alice", 5) != 0)
		return -1;
	*pw = (const uint8_t *)arg;
	*pwlen = strlen(arg);
	return 0;
}

static struct eap_server srv;
static struct eap_peer peer;

/* Runs the conversation; the server's last status. */
static enum eap_status converse(uint8_t stype, uint8_t ptype, const char *spw, const char *ppw,
				int ask)
{
	enum eap_status s = EAP_MORE, p;

	ck_assert_int_eq(eap_server_start(&srv, stype, ask ? NULL : (const uint8_t *)"alice",
					  ask ? 0 : 5, NULL, 0, pw_lookup, (void *)spw), 0);
	ck_assert_int_eq(eap_peer_init(&peer, ptype, (const uint8_t *)"alice", 5,
				       (const uint8_t *)ppw, strlen(ppw)), 0);
	for (int i = 0; i < 20 && s == EAP_MORE; i++) {
		p = eap_peer_rx(&peer, srv.out, srv.out_len);
		ck_assert_int_eq(p, EAP_MORE);
		s = eap_server_rx(&srv, peer.out, peer.out_len);
	}
	if (s == EAP_DONE)
		ck_assert_int_eq(eap_peer_rx(&peer, srv.out, srv.out_len), EAP_DONE);
	return s;
}

START_TEST(md5_ok)
{
	ck_assert_int_eq(converse(EAP_T_MD5, EAP_T_MD5, "secret", "secret", 1), EAP_DONE);
	ck_assert_str_eq((char *)srv.identity, "alice");
	ck_assert_uint_eq(srv.msk_len, 0);
	ck_assert_uint_eq(peer.msk_len, 0);
}
END_TEST

START_TEST(md5_wrong_password)
{
	ck_assert_int_eq(converse(EAP_T_MD5, EAP_T_MD5, "secret", "guess", 0), EAP_FAIL);
	ck_assert_ptr_nonnull(strstr(srv.why, "does not match"));
	ck_assert_ptr_null(strstr(srv.why, "secret"));
	ck_assert_uint_eq(srv.out[0], EAP_FAILURE);
	ck_assert_int_eq(eap_peer_rx(&peer, srv.out, srv.out_len), EAP_FAIL);
}
END_TEST

START_TEST(mschapv2_ok)
{
	ck_assert_int_eq(converse(EAP_T_MSCHAPV2, EAP_T_MSCHAPV2, "pässwörd", "pässwörd", 1),
			 EAP_DONE);
	ck_assert_uint_eq(srv.msk_len, 64);
	ck_assert_uint_eq(peer.msk_len, 64);
	ck_assert_mem_eq(srv.msk, peer.msk, 64);
}
END_TEST

START_TEST(mschapv2_wrong_password)
{
	ck_assert_int_eq(converse(EAP_T_MSCHAPV2, EAP_T_MSCHAPV2, "secret", "guess", 0), EAP_FAIL);
	ck_assert_ptr_nonnull(strstr(srv.why, "NT-Response"));
}
END_TEST

START_TEST(nak)
{
	ck_assert_int_eq(converse(EAP_T_MSCHAPV2, EAP_T_MD5, "x", "x", 0), EAP_FAIL);
	ck_assert_ptr_nonnull(strstr(srv.why, "Nak"));
	ck_assert_ptr_nonnull(strstr(srv.why, "MD5"));
}
END_TEST

START_TEST(bad_server_input)
{
	uint8_t m[64];

	ck_assert_int_eq(eap_server_start(&srv, EAP_T_MD5, NULL, 0, NULL, 0, pw_lookup, "x"), 0);
	/* identifier of another request */
	memcpy(m, "\x02\x00\x00\x0a\x01" "alice", 10);
	m[1] = (uint8_t)(srv.out[1] + 1);
	ck_assert_int_eq(eap_server_rx(&srv, m, 10), EAP_FAIL);
	ck_assert_ptr_nonnull(strstr(srv.why, "identifier"));
	/* after a failure nothing more */
	m[1] = srv.out[1];
	ck_assert_int_eq(eap_server_rx(&srv, m, 10), EAP_FAIL);
	/* length != payload length */
	ck_assert_int_eq(eap_server_start(&srv, EAP_T_MD5, NULL, 0, NULL, 0, pw_lookup, "x"), 0);
	memcpy(m, "\x02\x00\x00\x0b\x01" "alice", 10);
	m[1] = srv.out[1];
	ck_assert_int_eq(eap_server_rx(&srv, m, 10), EAP_FAIL);
	ck_assert_ptr_nonnull(strstr(srv.why, "Length"));
	/* a Success from the peer */
	ck_assert_int_eq(eap_server_start(&srv, EAP_T_MD5, NULL, 0, NULL, 0, pw_lookup, "x"), 0);
	memcpy(m, "\x03\x00\x00\x04", 4);
	m[1] = srv.out[1];
	ck_assert_int_eq(eap_server_rx(&srv, m, 4), EAP_FAIL);
	/* an identity the configuration does not allow */
	ck_assert_int_eq(eap_server_start(&srv, EAP_T_MD5, NULL, 0, (const uint8_t *)"bob", 3,
					  pw_lookup, "x"), 0);
	memcpy(m, "\x02\x00\x00\x0a\x01" "alice", 10);
	m[1] = srv.out[1];
	ck_assert_int_eq(eap_server_rx(&srv, m, 10), EAP_FAIL);
	ck_assert_ptr_nonnull(strstr(srv.why, "alice"));
	/* an identity with no secret */
	ck_assert_int_eq(eap_server_start(&srv, EAP_T_MD5, (const uint8_t *)"carol", 5, NULL, 0,
					  pw_lookup, "x"), 0);
	memcpy(m, "\x02\x00\x00\x16\x04\x10" "0123456789abcdef", 22);
	m[1] = srv.out[1];
	ck_assert_int_eq(eap_server_rx(&srv, m, 22), EAP_FAIL);
	ck_assert_ptr_nonnull(strstr(srv.why, "no EAP secret for 'carol'"));
}
END_TEST

START_TEST(early_success)
{
	uint8_t m[4] = { EAP_SUCCESS, 7, 0, 4 };

	ck_assert_int_eq(eap_peer_init(&peer, EAP_T_MD5, (const uint8_t *)"alice", 5,
				       (const uint8_t *)"x", 1), 0);
	ck_assert_int_eq(eap_peer_rx(&peer, m, 4), EAP_FAIL);
	ck_assert_ptr_nonnull(strstr(peer.why, "before"));
}
END_TEST

START_TEST(endless_identity)
{
	uint8_t req[5] = { EAP_REQUEST, 1, 0, 5, EAP_T_IDENTITY };
	enum eap_status st = EAP_MORE;
	int n = 0;

	ck_assert_int_eq(eap_peer_init(&peer, EAP_T_MD5, (const uint8_t *)"alice", 5,
				       (const uint8_t *)"x", 1), 0);
	while (st == EAP_MORE && n < 100) {
		req[1]++;
		st = eap_peer_rx(&peer, req, 5);
		n++;
	}
	ck_assert_int_eq(st, EAP_FAIL);
	ck_assert_int_le(n, EAP_MAX_ROUNDS + 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("eap");
	TCase *tc = tcase_create("eap");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, rfc2759_vectors);
	tcase_add_test(tc, rfc3079_vectors);
	tcase_add_test(tc, md5_ok);
	tcase_add_test(tc, md5_wrong_password);
	tcase_add_test(tc, mschapv2_ok);
	tcase_add_test(tc, mschapv2_wrong_password);
	tcase_add_test(tc, nak);
	tcase_add_test(tc, bad_server_input);
	tcase_add_test(tc, early_success);
	tcase_add_test(tc, endless_identity);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	mschap_cleanup();
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
