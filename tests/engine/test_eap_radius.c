/*
 * eap-radius in the engine (auth_eap_radius.c, ike_auth_eap.c): A is an
 * EAP-MSCHAPv2 client, B relays to the EAP backend this test registers
 * (engine.h engine_eap_backend) in place of the daemon's RADIUS client.
 * The test answers for the backend with eap.c's server machine, when it
 * chooses: B's IKE_AUTH response waits for the answer, A's retransmission
 * meanwhile is not relayed again, the MSK of the answer keys both final
 * AUTH payloads; a refusal answers AUTHENTICATION_FAILED and leaves no
 * SA; an IKE SA that goes while waiting cancels its question.  The RADIUS
 * side itself is tested in tests/core/test_radius_client.c and against
 * FreeRADIUS (interop-radius-cases.sh).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/auth/eap.h"
#include "ike/engine/exchange.h"
#include "lib/kernel_mem.h"
#include "pair.h"

static struct pair P;

static const char conf_a[] =
	"secrets: ( { id = \"b.example\"; psk = \"pair-test-psk-0123456789\"; },\n"
	"  { id = \"alice\"; eap = \"radius-side-pw\"; } );\n"
	"connections: ( { name = \"ab\"; local_addrs = [\"192.0.2.1\"];\n"
	"  remote_addrs = [\"192.0.2.2\"];\n"
	"  local = { id = \"alice\"; auth = \"eap-mschapv2\"; };\n"
	"  remote = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.1.0.0/16\"]; "
	"remote_ts = [\"10.2.0.0/16\"]; } ); } );\n";
static const char conf_b[] =
	"secrets: ( { id = \"b.example\"; psk = \"pair-test-psk-0123456789\"; } );\n"
	"radius: { servers = ( { address = \"127.0.0.1\"; secret = \"unused\"; } ); };\n"
	"connections: ( { name = \"ba\"; local_addrs = [\"192.0.2.2\"];\n"
	"  remote_addrs = [\"%any\"];\n"
	"  local = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  remote = { auth = \"eap-radius\"; eap_id = \"%any\"; };\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"]; "
	"remote_ts = [\"10.1.0.0/16\"]; } ); } );\n";

/* The backend: the last question, and the authenticator answering it. */
static struct {
	unsigned submits, cancels;
	uint64_t sa_id;
	char identity[EAP_ID_MAX + 1];
	uint8_t eap[1024];
	size_t eap_len;
	struct eap_server srv;
	int started;
} BE;

static int pw(void *arg, const uint8_t *id, size_t idlen, const uint8_t **out, size_t *len)
{
	(void)arg;
	if (idlen != 5 || memcmp(id, "alice", 5) != 0)
		return -1;
	*out = (const uint8_t *)"radius-side-pw";
	*len = 14;
	return 0;
}

static int be_submit(void *arg, const struct engine_eap_request *r)
{
	(void)arg;
	BE.submits++;
	BE.sa_id = r->ike_sa_id;
	snprintf(BE.identity, sizeof(BE.identity), "%s", r->identity);
	ck_assert_uint_le(r->eap_len, sizeof(BE.eap));
	memcpy(BE.eap, r->eap, r->eap_len);
	BE.eap_len = r->eap_len;
	return 0;
}

static void be_cancel(void *arg, uint64_t id)
{
	(void)arg;
	(void)id;
	BE.cancels++;
}

/* The authenticator's answer to the question outstanding (refuse: FAIL). */
static void be_answer(int refuse)
{
	struct engine_eap_answer a = { .ike_sa_id = BE.sa_id };
	enum eap_status st;

	if (refuse) {
		a.result = ENGINE_EAP_FAIL;
		a.why = "RADIUS Access-Reject";
	} else if (!BE.started) {
		/* the Identity response: the method's first request */
		BE.started = 1;
		ck_assert_int_eq(eap_server_start(&BE.srv, EAP_T_MSCHAPV2, (const uint8_t *)"alice",
						  5, NULL, 0, pw, NULL), 0);
		a.result = ENGINE_EAP_MORE;
	} else {
		st = eap_server_rx(&BE.srv, BE.eap, BE.eap_len);
		ck_assert_int_ne(st, EAP_FAIL);
		a.result = st == EAP_DONE ? ENGINE_EAP_ACCEPT : ENGINE_EAP_MORE;
		a.msk = BE.srv.msk;
		a.msk_len = st == EAP_DONE ? BE.srv.msk_len : 0;
	}
	a.eap = BE.srv.out;
	a.eap_len = refuse ? 0 : BE.srv.out_len;
	engine_eap_answer(P.peer[PAIR_B].e, &a);
}

static void setup(void)
{
	static const struct engine_eap_backend be = { be_submit, be_cancel, NULL };

	memset(&BE, 0, sizeof(BE));
	pair_setup(&P, conf_a, conf_b);
	engine_set_eap_backend(P.peer[PAIR_B].e, &be);
	pair_initiate(&P);
	pair_pump(&P, 0);
}

static size_t sent0;

static int retransmitted(struct pair *p)
{
	return p->peer[PAIR_A].sent > sent0;
}

START_TEST(relayed_and_deferred)
{
	struct ike_sa *a, *b;
	unsigned rounds = 0;

	setup();
	/* B asked the identity itself, relayed the answer and waits */
	ck_assert_uint_eq(BE.submits, 1);
	ck_assert_str_eq(BE.identity, "alice");
	ck_assert_uint_eq(BE.eap[0], EAP_RESPONSE);
	ck_assert_uint_eq(BE.eap[4], EAP_T_IDENTITY);
	ck_assert_uint_eq(pair_queued(&P), 0);
	/* A retransmits its request meanwhile: not relayed a second time */
	sent0 = P.peer[PAIR_A].sent;
	ck_assert(pair_run(&P, 5000, retransmitted));
	pair_pump(&P, 0);
	ck_assert_uint_eq(BE.submits, 1);
	ck_assert(!pair_established(&P));
	while (!pair_established(&P) && rounds++ < 4) {
		unsigned before = BE.submits;

		be_answer(0);
		pair_pump(&P, 0);
		if (BE.submits == before)
			break;
	}
	ck_assert_msg(pair_established(&P), "not established after %u answers", rounds);
	a = pair_sa(&P, PAIR_A);
	b = pair_sa(&P, PAIR_B);
	ck_assert_str_eq(b->eap_identity, "alice");
	ck_assert_uint_eq(b->auth_remote_method, AUTH_METHOD_PSK);
	ck_assert_uint_eq(a->auth_local_method, AUTH_METHOD_PSK);
	ck_assert_ptr_null(b->eap);
	ck_assert_uint_eq(BE.cancels, 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 2);
	pair_free(&P);
}
END_TEST

START_TEST(refused)
{
	setup();
	be_answer(0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(BE.submits, 2);
	be_answer(1);
	pair_pump(&P, 0);
	ck_assert(!pair_established(&P));
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 0);
	ck_assert_uint_eq(BE.cancels, 0);	/* the answer closed it */
	/* a late answer for the SA that is gone is ignored */
	be_answer(1);
	pair_free(&P);
}
END_TEST

START_TEST(gone_while_waiting)
{
	setup();
	ck_assert_uint_eq(BE.submits, 1);
	pair_run(&P, ENGINE_HALF_OPEN_MS + 1000, NULL);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	ck_assert_uint_eq(BE.cancels, 1);
	be_answer(0);				/* too late: ignored */
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	pair_free(&P);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("eap_radius");
	TCase *tc = tcase_create("relay");

	tcase_add_test(tc, relayed_and_deferred);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, gone_while_waiting);
	suite_add_tcase(s, tc);
	return pair_main(s);
}
