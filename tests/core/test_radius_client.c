/*
 * The RADIUS client (radius_client.h) on a loop with virtual time against
 * small RADIUS responders on 127.0.0.1 in this process: a Challenge with
 * State echoed in the next request, an Accept whose MS-MPPE keys make
 * the MSK (Recv-Key | Send-Key), answers with a wrong Response
 * Authenticator or Message-Authenticator dropped, retransmission with the
 * same Identifier and authenticator, fail-over to the second server, and
 * every server silent: failure after servers x tries x timeout exactly,
 * while another session goes on; a conversation's later rounds go to the
 * server holding its State.
 */
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/loop.h"
#include "ike/auth/radius.h"
#include "ike/core/conf.h"
#include "ike/core/radius_client.h"

static const char secret[] = "test-radius-secret";

/* A responder: mode says how it answers each request. */
enum { SILENT, CHALLENGE_THEN_ACCEPT, BAD_AUTH_THEN_GOOD, BAD_MA_THEN_GOOD };

struct responder {
	int fd, mode;
	unsigned got;			/* requests received */
	uint8_t last_id, last_auth[16];
	int same_as_before;		/* the last request repeated the one before */
	uint8_t state_seen[16];
	size_t state_len;
};

struct answer_log {
	unsigned n;
	uint64_t sa_id, at_ms;
	int result;
	uint8_t msk[64];
	size_t msk_len, eap_len;
};

static struct loop *L;
static struct answer_log A;

static void on_answer(void *arg, const struct engine_eap_answer *a)
{
	(void)arg;
	A.n++;
	A.sa_id = a->ike_sa_id;
	A.result = a->result;
	A.at_ms = loop_now_ms(L);
	A.eap_len = a->eap_len;
	A.msk_len = a->msk_len;
	if (a->msk_len)
		memcpy(A.msk, a->msk, a->msk_len);
}

static size_t vsa_key(uint8_t *out, uint8_t vtype, uint8_t fill, const uint8_t *ra)
{
	static const uint8_t salt[2] = { 0x80, 0x01 };
	uint8_t key[32];
	int n;

	memset(key, fill, sizeof(key));
	out[0] = RA_VENDOR_SPECIFIC;
	out[2] = 0, out[3] = 0, out[4] = 0x01, out[5] = 0x37;	/* 311 */
	out[6] = vtype;
	n = radius_mppe_encrypt(salt, key, 32, (const uint8_t *)secret, strlen(secret), ra,
				out + 8, 64);
	out[7] = (uint8_t)(2 + n);
	out[1] = (uint8_t)(8 + n);
	return (size_t)out[1];
}

/* code's answer to req: EAP, extra attributes, Message-Authenticator and
 * Response Authenticator with secret s (the test's own, or a wrong one). */
static void respond(struct responder *r, const uint8_t *req, const struct sockaddr_in *to,
		    uint8_t code, const char *s, int break_ma)
{
	static const uint8_t eap_req[] = { 1, 5, 0, 6, 4, 0 };	/* a Request */
	static const uint8_t eap_ok[] = { 3, 5, 0, 4 };
	uint8_t buf[RADIUS_MAX_LEN], extra[200];
	struct radius_req b;
	struct radius_part parts[4];
	size_t x = 0;
	int n;

	radius_req_start(&b, buf, sizeof(buf), code, req[1], req + 4);
	if (code == RADIUS_ACCESS_CHALLENGE)
		radius_put(&b, RA_STATE, "st-1", 4);
	if (code == RADIUS_ACCESS_ACCEPT) {
		x += vsa_key(extra, MS_MPPE_SEND_KEY, 0x22, req + 4);
		x += vsa_key(extra + x, MS_MPPE_RECV_KEY, 0x11, req + 4);
		wr_bytes(&b.w, extra, x);
	}
	if (code == RADIUS_ACCESS_CHALLENGE)
		radius_put_eap(&b, eap_req, sizeof(eap_req));
	else
		radius_put_eap(&b, eap_ok, sizeof(eap_ok));
	n = radius_req_finish(&b, (const uint8_t *)secret, strlen(secret));
	ck_assert_int_gt(n, 0);
	if (break_ma)
		buf[n - 1] ^= 1;
	parts[0] = (struct radius_part){ buf, 4 };
	parts[1] = (struct radius_part){ req + 4, 16 };
	parts[2] = (struct radius_part){ buf + 20, (size_t)n - 20 };
	parts[3] = (struct radius_part){ s, strlen(s) };
	ck_assert_int_eq(radius_md5(buf + 4, parts, 4), 0);
	ck_assert_int_eq(sendto(r->fd, buf, (size_t)n, 0, (const struct sockaddr *)to,
				sizeof(*to)), n);
}

static void on_request(int fd, uint32_t ev, void *arg)
{
	struct responder *r = arg;
	uint8_t req[RADIUS_MAX_LEN];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(fd, req, sizeof(req), 0, (struct sockaddr *)&from, &fl);

	(void)ev;
	if (n < 20)
		return;
	r->same_as_before = r->got && req[1] == r->last_id && !memcmp(req + 4, r->last_auth, 16);
	r->got++;
	r->last_id = req[1];
	memcpy(r->last_auth, req + 4, 16);
	for (size_t off = 20; off + 2 <= (size_t)n && req[off + 1] >= 2; off += req[off + 1])
		if (req[off] == RA_STATE && req[off + 1] - 2u <= sizeof(r->state_seen)) {
			r->state_len = req[off + 1] - 2u;
			memcpy(r->state_seen, req + off + 2, r->state_len);
		}
	switch (r->mode) {
	case SILENT:
		return;
	case CHALLENGE_THEN_ACCEPT:
		respond(r, req, &from, r->got == 1 ? RADIUS_ACCESS_CHALLENGE : RADIUS_ACCESS_ACCEPT,
			secret, 0);
		return;
	case BAD_AUTH_THEN_GOOD:
		respond(r, req, &from, RADIUS_ACCESS_ACCEPT, "another-secret", 0);
		respond(r, req, &from, RADIUS_ACCESS_ACCEPT, secret, 0);
		return;
	case BAD_MA_THEN_GOOD:
		respond(r, req, &from, RADIUS_ACCESS_ACCEPT, secret, 1);
		respond(r, req, &from, RADIUS_ACCESS_ACCEPT, secret, 0);
		return;
	}
}

static void responder_open(struct responder *r, int mode, struct conf_radius_server *sv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);

	memset(r, 0, sizeof(*r));
	r->mode = mode;
	r->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(r->fd, 0);
	ck_assert_int_eq(bind(r->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(r->fd, (struct sockaddr *)&a, &al), 0);
	ck_assert_int_eq(loop_add_fd(L, r->fd, LOOP_IN, on_request, r), 0);
	memset(sv, 0, sizeof(*sv));
	addr_parse(&sv->addr, "127.0.0.1", ntohs(a.sin_port));
	secret_dup(&sv->secret, secret, strlen(secret));
}

static struct conf_radius C;
static struct responder R[2];
static struct radius_client *RC;
static struct addr LOCAL, REMOTE;

static void setup(int mode0, int mode1)
{
	L = loop_new();
	ck_assert_ptr_nonnull(L);
	loop_clock_virtual(L, 1000000);
	memset(&C, 0, sizeof(C));
	memset(&A, 0, sizeof(A));
	C.retransmit_timeout = 2.0;
	C.retransmit_tries = 3;
	responder_open(&R[0], mode0, &C.servers[0]);
	responder_open(&R[1], mode1, &C.servers[1]);
	C.nservers = 2;
	RC = radius_client_new(L, &C, on_answer, NULL);
	ck_assert_ptr_nonnull(RC);
	addr_parse(&LOCAL, "192.0.2.1", 4500);
	addr_parse(&REMOTE, "192.0.2.2", 4500);
}

static void teardown(void)
{
	radius_client_free(RC);
	for (int i = 0; i < 2; i++) {
		loop_del_fd(L, R[i].fd);
		close(R[i].fd);
		secret_free(&C.servers[i].secret);
	}
	loop_free(L);
}

static int submit(uint64_t sa_id)
{
	static const uint8_t ident[] = { 2, 7, 0, 10, 1, 'a', 'l', 'i', 'c', 'e' };
	struct engine_eap_request q = { sa_id, "alice", &LOCAL, &REMOTE, ident, sizeof(ident) };

	return radius_client_submit(RC, &q);
}

/* Runs the loop until an answer came or max_ms of virtual time passed. */
static void run_until_answer(unsigned want, uint64_t max_ms)
{
	uint64_t end = loop_now_ms(L) + max_ms;

	while (A.n < want && loop_now_ms(L) < end)
		loop_run_once(L, 100);
}

START_TEST(challenge_state_then_accept_msk)
{
	uint8_t want[64];

	setup(CHALLENGE_THEN_ACCEPT, SILENT);
	ck_assert_int_eq(submit(7), 0);
	run_until_answer(1, 1000);
	ck_assert_uint_eq(A.n, 1);
	ck_assert_int_eq(A.result, ENGINE_EAP_MORE);
	ck_assert_uint_eq(A.eap_len, 6);
	ck_assert_int_eq(submit(7), 0);		/* the next EAP response */
	run_until_answer(2, 1000);
	ck_assert_uint_eq(A.n, 2);
	ck_assert_int_eq(A.result, ENGINE_EAP_ACCEPT);
	/* RFC 2865 5.24: State echoed */
	ck_assert_uint_eq(R[0].state_len, 4);
	ck_assert_mem_eq(R[0].state_seen, "st-1", 4);
	/* MSK = MS-MPPE-Recv-Key (0x11...) | MS-MPPE-Send-Key (0x22...) */
	memset(want, 0x11, 32);
	memset(want + 32, 0x22, 32);
	ck_assert_uint_eq(A.msk_len, 64);
	ck_assert_mem_eq(A.msk, want, 64);
	ck_assert_uint_eq(radius_client_sessions(RC), 0);
	teardown();
}
END_TEST

START_TEST(wrong_authenticators_dropped)
{
	setup(BAD_AUTH_THEN_GOOD, SILENT);
	ck_assert_int_eq(submit(8), 0);
	run_until_answer(1, 1000);
	ck_assert_uint_eq(A.n, 1);		/* the good one, once */
	ck_assert_int_eq(A.result, ENGINE_EAP_ACCEPT);
	teardown();
	setup(BAD_MA_THEN_GOOD, SILENT);
	ck_assert_int_eq(submit(8), 0);
	run_until_answer(1, 1000);
	ck_assert_uint_eq(A.n, 1);
	ck_assert_int_eq(A.result, ENGINE_EAP_ACCEPT);
	ck_assert_uint_eq(A.msk_len, 64);
	teardown();
}
END_TEST

START_TEST(retransmit_then_failover)
{
	uint64_t t0;

	setup(SILENT, CHALLENGE_THEN_ACCEPT);
	t0 = loop_now_ms(L);
	ck_assert_int_eq(submit(9), 0);
	run_until_answer(1, 60000);
	ck_assert_uint_eq(A.n, 1);
	ck_assert_int_eq(A.result, ENGINE_EAP_MORE);
	/* 3 sends of the same request to the first, then the second */
	ck_assert_uint_eq(R[0].got, 3);
	ck_assert(R[0].same_as_before);
	ck_assert_uint_eq(R[1].got, 1);
	ck_assert_uint_eq(A.at_ms - t0, 3 * 2000);
	/* the next session starts with the server that answered */
	ck_assert_int_eq(submit(10), 0);
	run_until_answer(2, 1000);
	ck_assert_uint_eq(R[0].got, 3);
	ck_assert_uint_eq(A.sa_id, 10);
	teardown();
}
END_TEST

/* A conversation stays with the server that holds its State, even when
 * another session failed over meanwhile. */
START_TEST(state_stays_with_its_server)
{
	setup(CHALLENGE_THEN_ACCEPT, CHALLENGE_THEN_ACCEPT);
	ck_assert_int_eq(submit(20), 0);
	run_until_answer(1, 1000);
	ck_assert_int_eq(A.result, ENGINE_EAP_MORE);
	R[0].mode = SILENT;
	ck_assert_int_eq(submit(21), 0);	/* fails over to the second */
	run_until_answer(2, 60000);
	ck_assert_uint_eq(A.sa_id, 21);
	ck_assert_uint_eq(R[1].got, 1);
	R[0].mode = CHALLENGE_THEN_ACCEPT;
	ck_assert_int_eq(submit(20), 0);	/* round 2 of 20: its server */
	run_until_answer(3, 1000);
	ck_assert_uint_eq(A.sa_id, 20);
	ck_assert_int_eq(A.result, ENGINE_EAP_ACCEPT);
	ck_assert_uint_eq(R[1].got, 1);
	ck_assert_uint_eq(R[0].state_len, 4);
	teardown();
}
END_TEST

START_TEST(all_down_fails_in_time_others_unaffected)
{
	uint64_t t0;

	setup(SILENT, SILENT);
	t0 = loop_now_ms(L);
	ck_assert_int_eq(submit(11), 0);
	run_until_answer(1, 60000);
	ck_assert_uint_eq(A.n, 1);
	ck_assert_int_eq(A.result, ENGINE_EAP_FAIL);
	ck_assert_uint_eq(A.at_ms - t0, 2 * 3 * 2000);
	ck_assert_uint_eq(R[0].got + R[1].got, 6);
	ck_assert_uint_eq(radius_client_sessions(RC), 0);
	/* a cancelled session never answers */
	ck_assert_int_eq(submit(12), 0);
	radius_client_cancel(RC, 12);
	run_until_answer(2, 60000);
	ck_assert_uint_eq(A.n, 1);
	teardown();
	/* one session waiting on a silent server does not hold another */
	setup(SILENT, SILENT);
	ck_assert_int_eq(submit(13), 0);
	loop_run_once(L, 0);			/* the first request is lost */
	R[0].mode = CHALLENGE_THEN_ACCEPT;
	ck_assert_int_eq(submit(14), 0);	/* answered at once */
	run_until_answer(1, 1000);
	ck_assert_uint_eq(A.sa_id, 14);
	ck_assert_uint_eq(radius_client_sessions(RC), 1);
	teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("radius_client");
	TCase *tc = tcase_create("client");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, challenge_state_then_accept_msk);
	tcase_add_test(tc, wrong_authenticators_dropped);
	tcase_add_test(tc, retransmit_then_failover);
	tcase_add_test(tc, state_stays_with_its_server);
	tcase_add_test(tc, all_down_fails_in_time_others_unaffected);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
