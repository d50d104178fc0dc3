/*
 * EAP-TLS (RFC 5216, RFC 9190) between eap.c's server and peer machines,
 * with a PKI made in memory when the test runs: TLS 1.3 and 1.2 succeed
 * with the same MSK on both sides and fragments that fit 1,024 bytes;
 * an untrusted, expired or wrong-identity certificate fails on the side
 * that checks it; hostile EAP-TLS framing (lengths that lie, truncated
 * headers, oversized messages, fragments without L) fails with a reason
 * and an EAP-Failure.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "ike/auth/eap.h"
#include "ike/auth/eap_tls.h"
#include "pki/testpki.h"

static EVP_PKEY *ca_k, *rogue_k, *gw_k, *cl_k;
static X509 *ca, *rogue, *gw, *cl, *cl_rogue, *cl_expired;
static struct eap_server S;
static struct eap_peer P;

static void pki_up(void)
{
	struct tp_opts r = { .cn = "EAP Root", .serial = 1, .ca = 1, .pathlen = 0, .from = -3600,
			     .to = 86400, .ku = "critical,keyCertSign,cRLSign" };
	struct tp_opts g = { .cn = "gw", .serial = 2, .from = -60, .to = 86400,
			     .san = "DNS:gw.example", .ku = "critical,digitalSignature" };
	struct tp_opts c = { .cn = "alice", .serial = 3, .from = -60, .to = 86400,
			     .san = "email:alice@example.org", .ku = "critical,digitalSignature" };

	tp_now = time(NULL);
	ca_k = tp_key("p256");
	rogue_k = tp_key("p256");
	gw_k = tp_key("rsa4096");	/* a big flight: several fragments */
	cl_k = tp_key("p256");
	ca = tp_cert(&r, ca_k, NULL, NULL);
	rogue = tp_cert(&r, rogue_k, NULL, NULL);
	gw = tp_cert(&g, gw_k, ca, ca_k);
	cl = tp_cert(&c, cl_k, ca, ca_k);
	cl_rogue = tp_cert(&c, cl_k, rogue, rogue_k);
	c.from = -7200;
	c.to = -3600;
	cl_expired = tp_cert(&c, cl_k, ca, ca_k);
}

static void pki_down(void)
{
	X509 *xs[] = { ca, rogue, gw, cl, cl_rogue, cl_expired };
	EVP_PKEY *ks[] = { ca_k, rogue_k, gw_k, cl_k };

	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++)
		X509_free(xs[i]);
	for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++)
		EVP_PKEY_free(ks[i]);
}

struct side {
	STACK_OF(X509) *chain, *anchors;
	struct eap_tls_cred cred;
};

static void side_init(struct side *s, X509 *cert, EVP_PKEY *key, X509 *anchor, const char *peer,
		      int maxv)
{
	char err[128];

	memset(s, 0, sizeof(*s));
	s->chain = sk_X509_new_null();
	s->anchors = sk_X509_new_null();
	sk_X509_push(s->chain, cert);
	sk_X509_push(s->anchors, anchor);
	s->cred.chain = s->chain;
	s->cred.key = key;
	s->cred.anchors = s->anchors;
	s->cred.max_version = maxv;
	if (peer)
		ck_assert_int_eq(ident_parse(&s->cred.peer_id, peer, err, sizeof(err)), 0);
}

static void side_free(struct side *s)
{
	sk_X509_free(s->chain);
	sk_X509_free(s->anchors);
}

static int no_pw(void *arg, const uint8_t *id, size_t idlen, const uint8_t **pw, size_t *pwlen)
{
	(void)arg;
	(void)id;
	(void)idlen;
	(void)pw;
	(void)pwlen;
	return -1;
}

/* Server and peer talk until one ends: 1 both done, 0 someone failed. */
static int converse(struct side *srv, struct side *peer, const char *server_wants)
{
	enum eap_status st;

	if (server_wants && !strcmp(server_wants, "%any"))
		server_wants = NULL;	/* asked, any (as auth_eap.c passes it) */
	S.tls_cred = &srv->cred;
	P.tls_cred = &peer->cred;
	ck_assert_int_eq(eap_peer_init(&P, EAP_T_TLS, (const uint8_t *)"alice@example.org", 17,
				       NULL, 0), 0);
	ck_assert_int_eq(eap_server_start(&S, EAP_T_TLS, NULL, 0,
					  (const uint8_t *)server_wants,
					  server_wants ? strlen(server_wants) : 0, no_pw, NULL), 0);
	for (int i = 0; i < 200; i++) {
		ck_assert_uint_le(S.out_len, 1024);
		st = eap_peer_rx(&P, S.out, S.out_len);
		if (st == EAP_DONE)
			return 1;
		if (st == EAP_FAIL)
			return 0;
		ck_assert_uint_le(P.out_len, 1024);
		st = eap_server_rx(&S, P.out, P.out_len);
		if (st == EAP_FAIL)
			return 0;
	}
	ck_abort_msg("no end");
	return 0;
}

static void done(void)
{
	eap_server_free(&S);
	eap_peer_free(&P);
}

static void both_ok(int maxv_peer, int maxv_srv, const char *version)
{
	struct side srv, peer;
	char d[400];

	side_init(&srv, gw, gw_k, ca, NULL, maxv_srv);
	side_init(&peer, cl, cl_k, ca, "gw.example", maxv_peer);
	ck_assert_msg(converse(&srv, &peer, "%any"), "server: %s / peer: %s", S.why, P.why);
	ck_assert_uint_eq(S.msk_len, 64);
	ck_assert_uint_eq(P.msk_len, 64);
	ck_assert_mem_eq(S.msk, P.msk, 64);
	ck_assert_str_eq((const char *)S.identity, "alice@example.org");
	ck_assert_uint_gt(S.rounds, 4);		/* the RSA-4096 flight came in fragments */
	ck_assert_str_eq(eap_tls_desc(S.tls, d, sizeof(d)), version);
	eap_tls_desc(P.tls, d, sizeof(d));
	ck_assert_msg(strstr(d, "server certificate \"C=CH, O=Example, CN=gw\""), "%s", d);
	done();
	side_free(&srv);
	side_free(&peer);
}

START_TEST(tls13)
{
	both_ok(0, 0, "TLSv1.3, client certificate \"C=CH, O=Example, CN=alice\"");
}
END_TEST

START_TEST(tls12)
{
	both_ok(TLS1_2_VERSION, 0, "TLSv1.2, client certificate \"C=CH, O=Example, CN=alice\"");
	both_ok(0, TLS1_2_VERSION, "TLSv1.2, client certificate \"C=CH, O=Example, CN=alice\"");
}
END_TEST

static const struct bad_cert {
	const char *name;
	int client_cert;		/* 0 cl, 1 rogue, 2 expired */
	const char *peer_wants, *server_wants;
	int server_fails;		/* else the peer does */
	const char *why;
} bad_certs[] = {
	{ "client certificate of an unknown CA", 1, "gw.example", "%any", 1,
	  "client certificate C=CH, O=Example, CN=alice" },
	{ "expired client certificate", 2, "gw.example", "%any", 1, "expired" },
	{ "EAP identity other than the eap_id required", 0, "gw.example", "bob@example.org", 1,
	  "EAP identity 'alice@example.org' is not the one configured" },
	{ "server certificate without the gateway's identity", 0, "vpn.example", "%any", 0,
	  "identity vpn.example is not in the server certificate" },
};

START_TEST(bad_cert)
{
	const struct bad_cert *c = &bad_certs[_i];
	X509 *cc = c->client_cert == 1 ? cl_rogue : c->client_cert == 2 ? cl_expired : cl;
	struct side srv, peer;

	side_init(&srv, gw, gw_k, ca, NULL, 0);
	side_init(&peer, cc, cl_k, ca, c->peer_wants, 0);
	ck_assert_msg(!converse(&srv, &peer, c->server_wants), "%s: succeeded", c->name);
	ck_assert_msg(strstr(c->server_fails ? S.why : P.why, c->why), "%s: '%s' / '%s'", c->name,
		      S.why, P.why);
	if (c->server_fails) {
		ck_assert_uint_eq(S.out_len, 4);
		ck_assert_uint_eq(S.out[0], EAP_FAILURE);
		ck_assert_uint_eq(S.msk_len, 0);
	}
	done();
	side_free(&srv);
	side_free(&peer);
}
END_TEST

/* The client's certificate must carry the EAP identity it gave. */
START_TEST(eap_identity_not_in_cert)
{
	struct side srv, peer;

	side_init(&srv, gw, gw_k, ca, NULL, 0);
	side_init(&peer, cl, cl_k, ca, "gw.example", 0);
	S.tls_cred = &srv.cred;
	P.tls_cred = &peer.cred;
	ck_assert_int_eq(eap_peer_init(&P, EAP_T_TLS, (const uint8_t *)"carol@example.org", 17,
				       NULL, 0), 0);
	ck_assert_int_eq(eap_server_start(&S, EAP_T_TLS, NULL, 0, NULL, 0, no_pw, NULL), 0);
	for (int i = 0; i < 50; i++) {
		if (eap_peer_rx(&P, S.out, S.out_len) != EAP_MORE ||
		    eap_server_rx(&S, P.out, P.out_len) != EAP_MORE)
			break;
	}
	ck_assert_msg(strstr(S.why, "identity carol@example.org is not in the client certificate"),
		      "%s", S.why);
	done();
	side_free(&srv);
	side_free(&peer);
}
END_TEST

/* A hostile client's EAP-TLS responses, after Start. */
static const struct bad_frame {
	const char *name;
	const char *typedata;		/* hex of Flags .. data, "+N": N bytes 0x16 appended */
	const char *then;		/* a second response, or NULL */
	const char *why;
} bad_frames[] = {
	{ "L without the 4 bytes of length", "80 00 01", NULL, "too short for its Flags 0x80" },
	{ "TLS Message Length over 64 KiB", "c0 00 01 00 01 +16", NULL,
	  "TLS Message Length 65537 over the 65536-byte cap" },
	{ "L says 100, fragments carry 80", "c0 00 00 00 64 +60", "00 +20",
	  "TLS Message Length 100, but the fragments carried 80 bytes" },
	{ "L says 50, a fragment carries 60", "c0 00 00 00 32 +60", NULL,
	  "fragments carry more than 50 bytes" },
	{ "a later fragment's L disagrees", "c0 00 00 00 64 +60", "80 00 00 00 65 +40",
	  "TLS Message Length 101 in a later fragment, the first said 100" },
	{ "first fragment without L", "40 +30", NULL, "first fragment (30 bytes) without TLS" },
	{ "empty message during the handshake", "00", NULL, "empty message during the TLS" },
	{ "M with no data", "c0 00 00 00 10", NULL, "message with Flags 0xc0 and no data" },
	{ "Start from the client", "20", NULL, "Start flag" },
	{ "no Flags at all", "", NULL, "too short" },
	{ "not TLS", "00 +40", NULL, "TLS handshake failed" },
};

static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	while (*h) {
		if (*h == ' ') {
			h++;
		} else if (*h == '+') {
			int k = atoi(h + 1);

			for (int i = 0; i < k && n < cap; i++)
				out[n++] = 0x16;
			while (*++h && *h != ' ')
				;
		} else {
			ck_assert_int_eq(sscanf(h, "%2x", &v), 1);
			out[n++] = (uint8_t)v;
			h += 2;
		}
	}
	return n;
}

static enum eap_status respond(const char *typedata)
{
	uint8_t m[600];
	size_t n = unhex(typedata, m + 5, sizeof(m) - 5) + 5;

	m[0] = EAP_RESPONSE;
	m[1] = S.req_id;
	m[2] = (uint8_t)(n >> 8);
	m[3] = (uint8_t)n;
	m[4] = EAP_T_TLS;
	return eap_server_rx(&S, m, n);
}

START_TEST(bad_frame)
{
	const struct bad_frame *c = &bad_frames[_i];
	struct side srv;
	enum eap_status st;

	side_init(&srv, gw, gw_k, ca, NULL, 0);
	S.tls_cred = &srv.cred;
	ck_assert_int_eq(eap_server_start(&S, EAP_T_TLS, (const uint8_t *)"alice@example.org", 17,
					  NULL, 0, no_pw, NULL), 0);
	ck_assert_uint_eq(S.out[5], EAP_TLS_S);
	st = respond(c->typedata);
	if (c->then) {
		ck_assert_msg(st == EAP_MORE, "%s: %s", c->name, S.why);
		ck_assert_uint_eq(S.out_len, 6);	/* the acknowledgement */
		ck_assert_uint_eq(S.out[5], 0);
		st = respond(c->then);
	}
	ck_assert_int_eq(st, EAP_FAIL);
	ck_assert_msg(strstr(S.why, c->why), "%s: %s", c->name, S.why);
	ck_assert_uint_eq(S.out_len, 4);
	ck_assert_uint_eq(S.out[0], EAP_FAILURE);
	done();
	side_free(&srv);
}
END_TEST

/* The peer: TLS requests before Start, and a second Start. */
START_TEST(peer_bad)
{
	struct side peer;
	uint8_t req[] = { EAP_REQUEST, 7, 0, 6, EAP_T_TLS, 0 };

	side_init(&peer, cl, cl_k, ca, "gw.example", 0);
	P.tls_cred = &peer.cred;
	ck_assert_int_eq(eap_peer_init(&P, EAP_T_TLS, (const uint8_t *)"a", 1, NULL, 0), 0);
	ck_assert_int_eq(eap_peer_rx(&P, req, sizeof(req)), EAP_FAIL);
	ck_assert_ptr_nonnull(strstr(P.why, "request without Start"));
	eap_peer_free(&P);
	P.tls_cred = &peer.cred;
	ck_assert_int_eq(eap_peer_init(&P, EAP_T_TLS, (const uint8_t *)"a", 1, NULL, 0), 0);
	req[5] = EAP_TLS_S;
	ck_assert_int_eq(eap_peer_rx(&P, req, sizeof(req)), EAP_MORE);
	ck_assert_uint_gt(P.out_len, 6);	/* ClientHello */
	ck_assert_int_eq(eap_peer_rx(&P, req, sizeof(req)), EAP_FAIL);
	ck_assert_ptr_nonnull(strstr(P.why, "second Start"));
	eap_peer_free(&P);
	side_free(&peer);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("eap_tls");
	TCase *tc = tcase_create("eap_tls");
	SRunner *sr;
	int nf;

	pki_up();
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, tls13);
	tcase_add_test(tc, tls12);
	tcase_add_loop_test(tc, bad_cert, 0, (int)(sizeof(bad_certs) / sizeof(bad_certs[0])));
	tcase_add_test(tc, eap_identity_not_in_cert);
	tcase_add_loop_test(tc, bad_frame, 0, (int)(sizeof(bad_frames) / sizeof(bad_frames[0])));
	tcase_add_test(tc, peer_bad);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	pki_down();
	return nf == 0 ? 0 : 1;
}
