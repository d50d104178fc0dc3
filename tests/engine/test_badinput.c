/*
 * BAD-INPUT.md, rows 1-27 and 30, against a daemon-side IKE SA: each
 * hostile input goes to a real engine (the responder B of the pair
 * harness; the initiator A for rows 6, 16, 21, 22, 23 where the hostile
 * party is the responder) and the test checks the table's reaction: the
 * notify sent (decrypted with the SA's own keys when protected) or
 * silence, one log line naming the reason, no state left, and the next
 * good exchange still succeeding.  Rows 28, 29 and 31 (certificates, EAP,
 * fragments) are not implemented by the engine yet.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine/exchange.h"
#include "ike/crypto/ke_modp.h"
#include "lib/kernel_mem.h"
#include "badinput.h"

#define EVIL_SPI	0x1122334455667788ULL
#define PROP_X25519	"aes256gcm16-prfsha256-x25519"

static uint8_t pkt[BI_MSG_MAX], chain[BI_MSG_MAX], body[BI_MSG_MAX];

static struct ike_sa *A_sa(void) { return pair_sa(&BI, PAIR_A); }
static struct ike_sa *B_sa(void) { return pair_sa(&BI, PAIR_B); }

/* Silence from B, nothing kept, the reason logged once. */
static void assert_dropped(size_t mark, const char *reason)
{
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	bi_assert_b_empty();
	if (!bi_logged(mark, reason)) {
		bi_log_dump(mark);
		ck_abort_msg("no log line with \"%s\"", reason);
	}
}

static void assert_logged(size_t mark, const char *reason)
{
	if (!bi_logged(mark, reason)) {
		bi_log_dump(mark);
		ck_abort_msg("no log line with \"%s\"", reason);
	}
}

/* A crafted IKE_SA_INIT from the attacker's address to B. */
static void init_to_b(const uint8_t *p, size_t len)
{
	bi_inject(PAIR_B, &bi_evil, p, len);
}

static size_t good_init(const struct bi_pl *extra, size_t n)
{
	return bi_init(EVIL_SPI, PROP_X25519, KE_CURVE25519, extra, n, pkt, sizeof(pkt));
}

/* An INIT request from SA/KE/Ni bodies of our choice. */
static size_t init_from(const struct bi_pl *v, size_t n, uint64_t spi_i, uint64_t spi_r)
{
	struct ike_hdr h;
	uint8_t first;
	size_t clen = bi_chain(v, n, chain, sizeof(chain), &first);

	bi_hdr(&h, spi_i, spi_r, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0);
	return bi_msg(&h, chain, clen, first, pkt, sizeof(pkt));
}

static uint8_t sa_b[2048], ke_b[1100], ke_pub[1100], nonce_b[300];

/* SA (props), KE (group, data or a real value), Ni of nlen bytes. */
static size_t init_parts(struct bi_pl *v, const char *props, uint16_t group,
			 const uint8_t *ke, size_t kelen, size_t nlen)
{
	size_t n = 0;

	memset(v, 0, 3 * sizeof(*v));
	memset(nonce_b, 0x77, sizeof(nonce_b));
	if (!ke) {
		kelen = bi_ke_pub(group, ke_pub, sizeof(ke_pub));
		ke = ke_pub;
	}
	v[n].type = PL_SA;
	v[n].body = sa_b;
	v[n++].len = bi_sa_body(props, PROTO_IKE, 0, sa_b, sizeof(sa_b));
	v[n].type = PL_KE;
	v[n].body = ke_b;
	v[n++].len = bi_ke_body(group, ke, kelen, ke_b, sizeof(ke_b));
	v[n].type = PL_NONCE;
	v[n].body = nonce_b;
	v[n++].len = nlen;
	return n;
}

/* B answered an IKE_SA_INIT normally (SA, KE, Nr) and holds one half-open SA. */
static void assert_init_answered(void)
{
	struct pair_pkt *q = bi_pop(PAIR_B);
	const struct ike_msg *m;

	ck_assert_ptr_nonnull(q);
	m = bi_decode(q, NULL);
	ck_assert(m->hdr.flags & IKE_FLAG_RESPONSE);
	ck_assert_int_ge(ike_msg_find(m, PL_SA, 0), 0);
	ck_assert_int_ge(ike_msg_find(m, PL_KE, 0), 0);
	ck_assert_int_ge(ike_msg_find(m, PL_NONCE, 0), 0);
	free(q);
	ck_assert_uint_eq(pair_nsas(&BI, PAIR_B), 1);
	ck_assert_uint_eq(halfopen_total(&bi_e(PAIR_B)->cookies), 1);
}

/* B answered IKE_AUTH with notify type and deleted the half-open SA. */
static void assert_auth_refused(size_t mark, uint16_t type, const char *reason)
{
	struct sk_ctx *a_in = &A_sa()->sk_in;

	bi_expect_notify(PAIR_B, a_in, type);
	bi_assert_b_empty();
	assert_logged(mark, reason);
}

/* ---- row 1: datagram < 28 bytes, header length != datagram length ---- */

START_TEST(test_r01_short_datagram)
{
	size_t mark, len, dropped;

	bi_begin(NULL, NULL);
	len = good_init(NULL, 0);
	dropped = bi_e(PAIR_B)->stats.packets_dropped;
	mark = bi_log_mark();
	init_to_b(pkt, 27);
	assert_dropped(mark, "datagram of 27 bytes < 28");
	init_to_b(pkt, 0);
	assert_dropped(mark, "datagram of 0 bytes < 28");
	/* the length field says one byte more / less than what arrived */
	mark = bi_log_mark();
	pkt[27]++;
	init_to_b(pkt, len);
	assert_dropped(mark, "!= datagram length");
	pkt[27] -= 2;
	init_to_b(pkt, len);
	pkt[27]++;
	init_to_b(pkt, len - 1);
	ck_assert_uint_eq(bi_logged(mark, "!= datagram length"), 3);
	ck_assert_uint_eq(bi_e(PAIR_B)->stats.packets_dropped, dropped + 5);
	bi_assert_b_empty();
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 2: major version > 2; minor != 0 and reserved flags ignored ---- */

START_TEST(test_r02_major_version)
{
	const struct ike_msg *m;
	size_t mark, len, answers = 0;
	struct pair_pkt *q;

	bi_begin(NULL, NULL);
	len = good_init(NULL, 0);
	pkt[17] = 0x30;		/* IKEv3 */
	mark = bi_log_mark();
	init_to_b(pkt, len);
	q = bi_pop(PAIR_B);
	ck_assert_ptr_nonnull(q);
	m = bi_decode(q, NULL);
	/* 3.10.1: the closest version we support is in the reply header */
	ck_assert_uint_eq(m->hdr.major, 2);
	ck_assert(m->hdr.flags & IKE_FLAG_RESPONSE);
	ck_assert_ptr_nonnull(ike_msg_notify(m, N_INVALID_MAJOR_VERSION));
	ck_assert_mem_eq(m->hdr.spi_i, pkt, 8);
	free(q);
	bi_assert_b_empty();
	assert_logged(mark, "major version 3 > 2");
	/* a flood gets a bounded number of answers */
	for (int i = 0; i < 200; i++)
		init_to_b(pkt, len);
	while ((q = bi_pop(PAIR_B))) {
		answers++;
		free(q);
	}
	ck_assert_uint_ge(answers, 1);
	ck_assert_uint_le(answers, ENGINE_UNAUTH_NOTIFY_PER_S);
	bi_assert_b_empty();
	/* IKEv1 (major 1) is not ours to answer */
	pkt[17] = 0x10;
	init_to_b(pkt, len);
	assert_dropped(mark, "major version 1 < 2");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

START_TEST(test_r02_minor_and_reserved_flags)
{
	size_t len;

	bi_begin(NULL, NULL);
	len = good_init(NULL, 0);
	pkt[17] = 0x2f;			/* minor 15 */
	pkt[19] |= 0xc7;		/* every reserved flag bit */
	pkt[19] |= IKE_FLAG_VERSION;
	init_to_b(pkt, len);
	assert_init_answered();
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 3: SPIi = 0, SPIr != 0 in a first IKE_SA_INIT ---- */

START_TEST(test_r03_init_spis)
{
	struct bi_pl v[3];
	size_t n, mark, len;

	bi_begin(NULL, NULL);
	n = init_parts(v, PROP_X25519, KE_CURVE25519, NULL, 0, 32);
	mark = bi_log_mark();
	len = init_from(v, n, 0, 0);
	init_to_b(pkt, len);
	assert_dropped(mark, "initiator SPI is 0");
	len = init_from(v, n, EVIL_SPI, 0x99);
	init_to_b(pkt, len);
	assert_dropped(mark, "responder SPI is not 0");
	/* message ID != 0 */
	len = init_from(v, n, EVIL_SPI, 0);
	pkt[23] = 1;
	init_to_b(pkt, len);
	assert_dropped(mark, "message ID 1 != 0");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 4: response flag set for an unknown SA ---- */

START_TEST(test_r04_response_unknown_sa)
{
	struct ike_hdr h;
	uint8_t first;
	size_t mark, len, clen;
	struct bi_pl v[1] = { { PL_NOTIFY, 0, body, 0, 0, 0 } };

	bi_begin(NULL, NULL);
	mark = bi_log_mark();
	/* an IKE_SA_INIT "response" nobody asked for */
	len = good_init(NULL, 0);
	pkt[8] = 0x42;
	pkt[19] = IKE_FLAG_RESPONSE;
	init_to_b(pkt, len);
	assert_dropped(mark, "response for an unknown IKE SA");
	/* an error notify as an INFORMATIONAL response */
	v[0].len = bi_notify_body(0, N_INVALID_SYNTAX, NULL, 0, NULL, 0, body, sizeof(body));
	clen = bi_chain(v, 1, chain, sizeof(chain), &first);
	bi_hdr(&h, EVIL_SPI, 0x42, INFORMATIONAL, IKE_FLAG_RESPONSE, 7);
	len = bi_msg(&h, chain, clen, first, pkt, sizeof(pkt));
	init_to_b(pkt, len);
	ck_assert_uint_eq(bi_logged(mark, "response for an unknown IKE SA"), 2);
	assert_dropped(mark, "response for an unknown IKE SA");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 5: request for an unknown SPI (we stay silent, no state) ---- */

START_TEST(test_r05_request_unknown_spi)
{
	struct ike_hdr h;
	struct sk_ctx *sk;
	size_t mark, len;

	bi_begin(NULL, NULL);
	bi_establish();
	/* protected with real keys, but the SPIs name no IKE SA */
	sk = &A_sa()->sk_out;
	bi_hdr(&h, EVIL_SPI, 0x4242, INFORMATIONAL, IKE_FLAG_INITIATOR, 2);
	len = bi_seal(&h, sk, NULL, 0, PL_NONE, pkt, sizeof(pkt));
	mark = bi_log_mark();
	init_to_b(pkt, len);
	bi_hdr(&h, EVIL_SPI, 0x4242, IKE_AUTH, IKE_FLAG_INITIATOR, 1);
	len = bi_seal(&h, sk, NULL, 0, PL_NONE, pkt, sizeof(pkt));
	init_to_b(pkt, len);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	ck_assert_uint_eq(bi_logged(mark, "request for an unknown IKE SA"), 2);
	ck_assert_uint_eq(pair_nsas(&BI, PAIR_B), 1);
	bi_dpd_ok();
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 6: unprotected error notifies, INVALID_IKE_SPI ---- */

START_TEST(test_r06_unprotected_error_to_responder)
{
	struct ike_hdr h;
	uint8_t first;
	uint64_t rx;
	size_t mark, len, clen;
	struct bi_pl v[1] = { { PL_NOTIFY, 0, body, 0, 0, 0 } };

	bi_begin(NULL, NULL);
	bi_establish();
	rx = B_sa()->win.rx_next;
	v[0].len = bi_notify_body(0, N_INVALID_IKE_SPI, NULL, 0, NULL, 0, body, sizeof(body));
	clen = bi_chain(v, 1, chain, sizeof(chain), &first);
	bi_hdr(&h, A_sa()->entry.spi_i, A_sa()->entry.spi_r, INFORMATIONAL, IKE_FLAG_INITIATOR,
	       (uint32_t)rx);
	len = bi_msg(&h, chain, clen, first, pkt, sizeof(pkt));
	mark = bi_log_mark();
	bi_inject(PAIR_B, &bi_a, pkt, len);
	/* and as a response, and an AUTHENTICATION_FAILED in the clear */
	h.flags = IKE_FLAG_INITIATOR | IKE_FLAG_RESPONSE;
	len = bi_msg(&h, chain, clen, first, pkt, sizeof(pkt));
	bi_inject(PAIR_B, &bi_a, pkt, len);
	v[0].len = bi_notify_body(0, N_AUTHENTICATION_FAILED, NULL, 0, NULL, 0, body, sizeof(body));
	clen = bi_chain(v, 1, chain, sizeof(chain), &first);
	h.flags = IKE_FLAG_INITIATOR;
	len = bi_msg(&h, chain, clen, first, pkt, sizeof(pkt));
	bi_inject(PAIR_B, &bi_a, pkt, len);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	assert_logged(mark, "no SK payload");
	assert_logged(mark, "unexpected response");
	ck_assert_int_eq(B_sa()->state, IKE_SA_ESTABLISHED);
	ck_assert_uint_eq(B_sa()->win.rx_next, rx);
	ck_assert_uint_eq(kernel_mem_sa_count(BI.peer[PAIR_B].k), 2);
	bi_dpd_ok();
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

START_TEST(test_r06_unprotected_error_to_initiator)
{
	struct ike_hdr h;
	uint8_t first;
	size_t mark, len, clen;
	struct bi_pl v[1] = { { PL_NOTIFY, 0, body, 0, 0, 0 } };
	struct ike_sa *a;

	bi_begin(NULL, NULL);
	pair_initiate(&BI);
	pair_pump(&BI, 2);		/* INIT both ways: A's IKE_AUTH waits */
	a = A_sa();
	ck_assert_int_eq(a->state, IKE_SA_AUTH_SENT);
	/* a forged, unprotected IKE_AUTH "answer" refusing the peer */
	v[0].len = bi_notify_body(0, N_AUTHENTICATION_FAILED, NULL, 0, NULL, 0, body, sizeof(body));
	clen = bi_chain(v, 1, chain, sizeof(chain), &first);
	bi_hdr(&h, a->entry.spi_i, a->entry.spi_r, IKE_AUTH, IKE_FLAG_RESPONSE, 1);
	len = bi_msg(&h, chain, clen, first, pkt, sizeof(pkt));
	mark = bi_log_mark();
	bi_inject(PAIR_A, &bi_b, pkt, len);
	ck_assert_uint_eq(bi_nfrom(PAIR_A), 1);		/* only A's own IKE_AUTH */
	ck_assert_int_eq(a->state, IKE_SA_AUTH_SENT);
	assert_logged(mark, "no SK payload");
	/* the real answer still completes the exchange */
	pair_pump(&BI, 0);
	ck_assert(pair_established(&BI));
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 7: INFORMATIONAL / CREATE_CHILD_SA before IKE_AUTH completes ---- */

START_TEST(test_r07_before_auth)
{
	static const uint8_t exch[] = { INFORMATIONAL, CREATE_CHILD_SA };
	struct ike_hdr h;
	uint8_t first;
	size_t mark, len, clen;
	struct bi_pl v[1] = { { PL_DELETE, 0, body, 0, 0, 0 } };

	bi_begin(NULL, NULL);
	bi_half_open();
	v[0].len = bi_delete_body(PROTO_IKE, 0, 0, NULL, 0, body, sizeof(body));
	clen = bi_chain(v, 1, chain, sizeof(chain), &first);
	mark = bi_log_mark();
	for (size_t i = 0; i < sizeof(exch); i++) {
		bi_hdr(&h, A_sa()->entry.spi_i, A_sa()->entry.spi_r, exch[i],
		       IKE_FLAG_INITIATOR, 1);
		len = bi_seal(&h, &A_sa()->sk_out, chain, clen, first, pkt, sizeof(pkt));
		bi_inject(PAIR_B, &bi_a, pkt, len);
	}
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	ck_assert_uint_eq(bi_logged(mark, "exchange not allowed in this state"), 2);
	ck_assert_int_eq(B_sa()->state, IKE_SA_INIT_RECEIVED);
	/* the real IKE_AUTH (message 1) still goes through */
	bi_auth_send(0, NULL, 0);
	pair_pump(&BI, 0);
	ck_assert(pair_established(&BI));
	ck_assert_ptr_nonnull(B_sa()->children);
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 8: payload length < 4, overrunning, broken chain ---- */

START_TEST(test_r08_broken_chain_before_auth)
{
	struct bi_pl v[3];
	size_t n, mark, len;

	bi_begin(NULL, NULL);
	n = init_parts(v, PROP_X25519, KE_CURVE25519, NULL, 0, 32);
	mark = bi_log_mark();
	v[2].lie = 1;
	v[2].len_field = 3;		/* Ni length < 4 */
	len = init_from(v, n, EVIL_SPI, 0);
	init_to_b(pkt, len);
	assert_dropped(mark, "length 3 < 4");
	v[2].len_field = 4 + 33;	/* overruns the message */
	len = init_from(v, n, EVIL_SPI, 0);
	init_to_b(pkt, len);
	assert_dropped(mark, "bytes left");
	v[2].lie = 0;
	len = init_from(v, n, EVIL_SPI, 0);
	pkt[IKE_HDR_LEN + v[0].len + 4 + v[1].len + 4] = PL_VENDOR;	/* chain goes on */
	init_to_b(pkt, len);
	assert_dropped(mark, "bytes left < 4");
	/* KE payload overrunning the SA payload's sub-structures */
	v[0].lie = 1;
	v[0].len_field = (uint16_t)(4 + v[0].len + 2);
	len = init_from(v, n, EVIL_SPI, 0);
	init_to_b(pkt, len);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	bi_assert_b_empty();
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

START_TEST(test_r08_broken_chain_after_auth)
{
	struct bi_pl v[2];
	uint8_t first;
	size_t mark, clen;

	bi_begin(NULL, NULL);
	bi_establish();
	memset(v, 0, sizeof(v));
	v[0].type = PL_NOTIFY;
	v[0].body = body;
	v[0].len = bi_notify_body(0, N_INITIAL_CONTACT, NULL, 0, NULL, 0, body, sizeof(body));
	v[0].lie = 1;
	v[0].len_field = 2;
	clen = bi_chain(v, 1, chain, sizeof(chain), &first);
	mark = bi_log_mark();
	bi_info_send(chain, clen, first);
	bi_expect_notify(PAIR_B, &A_sa()->sk_in, N_INVALID_SYNTAX);
	assert_logged(mark, "length 2 < 4");
	bi_a_bump();
	/* overrunning: the notify claims 100 bytes */
	v[0].len_field = 100;
	clen = bi_chain(v, 1, chain, sizeof(chain), &first);
	bi_info_send(chain, clen, first);
	bi_expect_notify(PAIR_B, &A_sa()->sk_in, N_INVALID_SYNTAX);
	bi_a_bump();
	ck_assert_int_eq(B_sa()->state, IKE_SA_ESTABLISHED);
	bi_dpd_ok();
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

START_TEST(test_r08_broken_chain_in_auth)
{
	size_t mark;
	struct bi_pl extra = { PL_NOTIFY, 0, body, 0, 1, 3 };

	bi_begin(NULL, NULL);
	bi_half_open();
	extra.len = bi_notify_body(0, N_INITIAL_CONTACT, NULL, 0, NULL, 0, body, sizeof(body));
	mark = bi_log_mark();
	bi_auth_send(0, &extra, 1);
	assert_auth_refused(mark, N_INVALID_SYNTAX, "length 3 < 4");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 9: unknown payload with the critical bit ---- */

START_TEST(test_r09_critical_in_init)
{
	const struct ike_pl_notify *n;
	static const uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct bi_pl extra = { 200, PL_FLAG_CRITICAL, junk, sizeof(junk), 0, 0 };
	size_t mark, len;

	bi_begin(NULL, NULL);
	len = good_init(&extra, 1);
	mark = bi_log_mark();
	init_to_b(pkt, len);
	n = bi_expect_notify(PAIR_B, NULL, N_UNSUPPORTED_CRITICAL_PAYLOAD);
	ck_assert_uint_eq(n->data.len, 1);
	ck_assert_uint_eq(n->data.p[0], 200);
	bi_assert_b_empty();
	assert_logged(mark, "unsupported and critical");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

START_TEST(test_r09_critical_after_auth)
{
	const struct ike_pl_notify *n;
	static const uint8_t junk[4] = { 9, 9, 9, 9 };
	struct bi_pl v[1] = { { 77, PL_FLAG_CRITICAL, junk, sizeof(junk), 0, 0 } };
	uint8_t first;
	size_t mark, clen;

	bi_begin(NULL, NULL);
	bi_establish();
	clen = bi_chain(v, 1, chain, sizeof(chain), &first);
	mark = bi_log_mark();
	bi_info_send(chain, clen, first);
	n = bi_expect_notify(PAIR_B, &A_sa()->sk_in, N_UNSUPPORTED_CRITICAL_PAYLOAD);
	ck_assert_uint_eq(n->data.len, 1);
	ck_assert_uint_eq(n->data.p[0], 77);
	assert_logged(mark, "unsupported and critical");
	bi_a_bump();
	bi_dpd_ok();
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

START_TEST(test_r09_critical_in_auth)
{
	const struct ike_pl_notify *n;
	static const uint8_t junk[4] = { 9, 9, 9, 9 };
	struct bi_pl extra = { 150, PL_FLAG_CRITICAL, junk, sizeof(junk), 0, 0 };
	size_t mark;

	bi_begin(NULL, NULL);
	bi_half_open();
	mark = bi_log_mark();
	bi_auth_send(0, &extra, 1);
	n = bi_expect_notify(PAIR_B, &A_sa()->sk_in, N_UNSUPPORTED_CRITICAL_PAYLOAD);
	ck_assert_uint_eq(n->data.len, 1);
	ck_assert_uint_eq(n->data.p[0], 150);
	bi_assert_b_empty();
	assert_logged(mark, "unsupported and critical");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 10: unknown non-critical payloads, IKEv1 payload numbers ---- */

START_TEST(test_r10_unknown_skipped)
{
	static const uint8_t junk[6] = { 1, 2, 3, 4, 5, 6 };
	struct bi_pl extra[3] = {
		{ 1, 0, junk, sizeof(junk), 0, 0 },	/* IKEv1 SA */
		{ 13, 0, junk, sizeof(junk), 0, 0 },	/* IKEv1 vendor ID */
		{ 222, 0x7f, junk, sizeof(junk), 0, 0 },	/* reserved bits too */
	};
	uint8_t first;
	size_t len, clen;

	bi_begin(NULL, NULL);
	len = good_init(extra, 3);
	init_to_b(pkt, len);
	assert_init_answered();
	ike_sa_destroy(B_sa());
	/* in IKE_AUTH the request is processed as if they were absent */
	bi_half_open();
	bi_auth_send(0, extra, 3);
	pair_pump(&BI, 0);
	ck_assert(pair_established(&BI));
	ck_assert_ptr_nonnull(B_sa()->children);
	/* and in an INFORMATIONAL: answered */
	clen = bi_chain(extra, 3, chain, sizeof(chain), &first);
	bi_info_send(chain, clen, first);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 1);
	ck_assert_int_lt(bi_decode(BI.head, &A_sa()->sk_in)->npl, 2);
	free(bi_pop(PAIR_B));
	bi_a_bump();
	bi_dpd_ok();
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 11: hundreds of payloads, duplicate SA/KE/Ni ---- */

START_TEST(test_r11_many_payloads)
{
	static const uint8_t vid[16] = { 0 };
	struct bi_pl many[70], v[3 + 3];
	uint8_t first;
	size_t mark, len, clen, n;

	bi_begin(NULL, NULL);
	for (size_t i = 0; i < 70; i++)
		many[i] = (struct bi_pl){ PL_VENDOR, 0, vid, sizeof(vid), 0, 0 };
	mark = bi_log_mark();
	len = good_init(many, 70);
	init_to_b(pkt, len);
	assert_dropped(mark, "more than 64 payloads");
	/* duplicates: SA, KE or Ni twice (before authentication: dropped) */
	for (int d = 0; d < 3; d++) {
		n = init_parts(v, PROP_X25519, KE_CURVE25519, NULL, 0, 32);
		v[n++] = v[d];
		len = init_from(v, n, EVIL_SPI, 0);
		init_to_b(pkt, len);
		bi_assert_b_empty();
	}
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	ck_assert_uint_eq(bi_logged(mark, ": more than 1"), 3);
	/* after authentication: INVALID_SYNTAX, the IKE SA stays */
	bi_establish();
	clen = bi_chain(many, 70, chain, sizeof(chain), &first);
	mark = bi_log_mark();
	bi_info_send(chain, clen, first);
	bi_expect_notify(PAIR_B, &A_sa()->sk_in, N_INVALID_SYNTAX);
	assert_logged(mark, "more than 64 payloads");
	bi_a_bump();
	bi_dpd_ok();
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

START_TEST(test_r11_duplicates_in_auth)
{
	size_t mark;

	bi_begin(NULL, NULL);
	bi_half_open();
	mark = bi_log_mark();
	/* IDi twice */
	bi_auth_send(0, &bi_auth_pl[0], 1);
	assert_auth_refused(mark, N_INVALID_SYNTAX, "more than 1");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 12: IKE_SA_INIT without SA, KE or Ni ---- */

START_TEST(test_r12_init_missing)
{
	static const char *const why[3] = { "0 SA payloads < 1", "0 KE payloads < 1",
					    "0 Nonce payloads < 1" };
	struct bi_pl v[3], w[2];
	size_t mark, len;

	bi_begin(NULL, NULL);
	for (int skip = 0; skip < 3; skip++) {
		size_t n = 0;

		init_parts(v, PROP_X25519, KE_CURVE25519, NULL, 0, 32);
		for (int i = 0; i < 3; i++)
			if (i != skip)
				w[n++] = v[i];
		mark = bi_log_mark();
		len = init_from(w, n, EVIL_SPI, 0);
		init_to_b(pkt, len);
		assert_dropped(mark, why[skip]);
	}
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 13: IKE_AUTH without IDi, AUTH, SA or TS ---- */

START_TEST(test_r13_auth_missing)
{
	static const struct { uint8_t type; uint16_t notify; const char *why; } c[] = {
		{ PL_IDI, N_AUTHENTICATION_FAILED, "without IDi" },
		{ PL_AUTH, N_AUTHENTICATION_FAILED, "without AUTH" },
		{ PL_SA, N_INVALID_SYNTAX, "without SA" },
		{ PL_TSI, N_INVALID_SYNTAX, "without TSi" },
		{ PL_TSR, N_INVALID_SYNTAX, "without TSr" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		size_t mark;

		bi_begin(NULL, NULL);
		bi_half_open();
		mark = bi_log_mark();
		bi_auth_send(c[i].type, NULL, 0);
		assert_auth_refused(mark, c[i].notify, c[i].why);
		bi_fresh_exchange_ok();
		bi_end();
	}
}
END_TEST

/* ---- row 14: inconsistent SA structure ---- */

/* Byte offsets of the first proposal and transform in an INIT request. */
#define OFF_PROP	(IKE_HDR_LEN + 4)
#define OFF_XF		(OFF_PROP + 8)

START_TEST(test_r14_sa_structure)
{
	size_t mark, len;
	struct bi_pl v[3];
	size_t n;

	bi_begin(NULL, NULL);
	mark = bi_log_mark();
	len = good_init(NULL, 0);
	pkt[OFF_PROP + 3]++;		/* proposal length + 1 */
	init_to_b(pkt, len);
	assert_dropped(mark, "proposal");
	len = good_init(NULL, 0);
	pkt[OFF_XF + 3] = 200;		/* transform length past the proposal */
	init_to_b(pkt, len);
	assert_dropped(mark, "transform length 200");
	len = good_init(NULL, 0);
	pkt[OFF_PROP + 4] = 2;		/* first proposal numbered 2 */
	init_to_b(pkt, len);
	assert_dropped(mark, "proposal number 2, expected 1");
	len = good_init(NULL, 0);
	pkt[OFF_PROP + 7]++;		/* transform count one too many */
	init_to_b(pkt, len);
	assert_dropped(mark, "transform count");
	len = good_init(NULL, 0);
	pkt[OFF_XF + 20] = 3;		/* "more transforms" on the last one (KE) */
	init_to_b(pkt, len);
	assert_dropped(mark, "last-substructure 3 but 0 bytes follow");
	len = good_init(NULL, 0);
	pkt[OFF_XF] = 0;		/* "last" on the first one */
	init_to_b(pkt, len);
	assert_dropped(mark, "last-substructure 0 but");
	/* an SPI in an IKE proposal of IKE_SA_INIT (3.3.1): 8 bytes, then 4 */
	n = init_parts(v, PROP_X25519, KE_CURVE25519, NULL, 0, 32);
	{
		uint8_t sa8[2048];
		size_t l = v[0].len;

		memcpy(sa8, sa_b, 8);
		sa8[2] = (uint8_t)((l + 8) >> 8);
		sa8[3] = (uint8_t)(l + 8);
		sa8[6] = 8;
		memset(sa8 + 8, 0xee, 8);
		memcpy(sa8 + 16, sa_b + 8, l - 8);
		v[0].body = sa8;
		v[0].len = l + 8;
		len = init_from(v, n, EVIL_SPI, 0);
		init_to_b(pkt, len);
		assert_dropped(mark, "IKE proposal with an SPI in IKE_SA_INIT");
		sa8[2] = (uint8_t)((l + 4) >> 8);
		sa8[3] = (uint8_t)(l + 4);
		sa8[6] = 4;
		memcpy(sa8 + 12, sa_b + 8, l - 8);
		v[0].len = l + 4;
		len = init_from(v, n, EVIL_SPI, 0);
		init_to_b(pkt, len);
		assert_dropped(mark, "SPI size 4 invalid for protocol 1");
	}
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

START_TEST(test_r14_esp_spi_size_in_auth)
{
	size_t mark, len;

	bi_begin(NULL, NULL);
	bi_half_open();
	/* the ESP proposal's SPI size set to 0: its transforms no longer line up */
	len = bi_sa_body("aes256gcm16", PROTO_ESP, 0x01020304, body, sizeof(body));
	body[6] = 0;
	mark = bi_log_mark();
	bi_auth_send_swap(PL_SA, body, len, 0);
	assert_auth_refused(mark, N_INVALID_SYNTAX, "SPI size 0 invalid for protocol 3");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 15: mandatory transform missing, unknown transform/attribute/type ---- */

START_TEST(test_r15_unacceptable_proposals)
{
	static const struct { const char *props; uint8_t drop; } c[] = {
		{ PROP_X25519, TT_PRF },
		{ PROP_X25519, TT_KE },
		{ PROP_X25519, TT_ENCR },
		{ "aes256-sha256-prfsha256-x25519", TT_INTEG },	/* CBC without INTEG */
	};
	struct bi_pl v[3];
	size_t mark, len;

	bi_begin(NULL, NULL);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		init_parts(v, PROP_X25519, KE_CURVE25519, NULL, 0, 32);
		v[0].len = bi_sa_body_without(c[i].props, c[i].drop, sa_b, sizeof(sa_b));
		len = init_from(v, 3, EVIL_SPI, 0);
		mark = bi_log_mark();
		init_to_b(pkt, len);
		bi_expect_notify(PAIR_B, NULL, N_NO_PROPOSAL_CHOSEN);
		bi_assert_b_empty();
		assert_logged(mark, "no proposal chosen");
	}
	/* unknown ENCR id; unknown transform type; unknown attribute */
	for (int k = 0; k < 3; k++) {
		len = good_init(NULL, 0);
		if (k == 0)
			pkt[OFF_XF + 7] = 250;		/* ENCR id 250 */
		else if (k == 1)
			pkt[OFF_XF + 4] = 9;		/* transform type 9 */
		else
			pkt[OFF_XF + 8] = 0x80 | 0x7f;	/* attribute 0x7f0e (TV) */
		mark = bi_log_mark();
		init_to_b(pkt, len);
		bi_expect_notify(PAIR_B, NULL, N_NO_PROPOSAL_CHOSEN);
		bi_assert_b_empty();
		assert_logged(mark, "no proposal chosen");
	}
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

START_TEST(test_r15_bad_then_good_proposal)
{
	const struct ike_msg *m;
	struct pair_pkt *q;
	size_t len;

	bi_begin(NULL, NULL);
	/* proposal 1 has an unknown attribute, proposal 2 is fine */
	len = bi_init(EVIL_SPI, PROP_X25519 "," PROP_X25519, KE_CURVE25519, NULL, 0, pkt,
		      sizeof(pkt));
	pkt[OFF_XF + 8] = 0xff;
	init_to_b(pkt, len);
	q = bi_pop(PAIR_B);
	ck_assert_ptr_nonnull(q);
	m = bi_decode(q, NULL);
	ck_assert_int_ge(ike_msg_find(m, PL_SA, 0), 0);
	ck_assert_uint_eq(m->pl[ike_msg_find(m, PL_SA, 0)].u.sa.prop[0].num, 2);
	free(q);
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

START_TEST(test_r15_esp_no_proposal_in_auth)
{
	const struct ike_msg *m;
	struct pair_pkt *q;
	size_t len;

	bi_begin(NULL, NULL);
	bi_half_open();
	/* ESP with an unknown cipher: the IKE SA comes up, the child does not */
	len = bi_sa_body("aes256gcm16", PROTO_ESP, 0x01020304, body, sizeof(body));
	body[8 + 4 + 4 + 3] = 250;
	bi_auth_send_swap(PL_SA, body, len, 0);
	q = bi_pop(PAIR_B);
	ck_assert_ptr_nonnull(q);
	m = bi_decode(q, &A_sa()->sk_in);
	ck_assert_ptr_nonnull(ike_msg_notify(m, N_NO_PROPOSAL_CHOSEN));
	ck_assert_int_ge(ike_msg_find(m, PL_AUTH, 0), 0);
	free(q);
	ck_assert_int_eq(B_sa()->state, IKE_SA_ESTABLISHED);
	ck_assert_ptr_null(B_sa()->children);
	ck_assert_uint_eq(kernel_mem_sa_count(BI.peer[PAIR_B].k), 0);
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 16: the responder picks what the initiator never offered ---- */

START_TEST(test_r16_not_offered)
{
	static const char *const picks[] = {
		"aes128-sha1-prfsha1-modp2048",		/* nothing like it offered */
		"aes256gcm16-prfsha256-ecp521",		/* a group never offered */
	};

	for (size_t i = 0; i < 2; i++) {
		static uint8_t bodies[IKE_MAX_PAYLOADS][1024];
		uint8_t resp[BI_MSG_MAX], sa[2048];
		struct pair_pkt *q;
		const struct ike_msg *m;
		struct bi_pl v[IKE_MAX_PAYLOADS];
		struct ike_hdr h;
		uint8_t first;
		size_t n = 0, mark, clen, len;

		bi_begin(NULL, NULL);
		pair_initiate(&BI);
		pair_pump(&BI, 1);
		q = bi_pop(PAIR_B);
		m = bi_decode(q, NULL);
		/* the real answer with its SA payload replaced */
		for (size_t k = 0; k < m->npl; k++) {
			uint8_t *b = bodies[k];

			memset(&v[n], 0, sizeof(v[n]));
			v[n].type = m->pl[k].type;
			if (v[n].type == PL_SA) {
				v[n].body = sa;
				v[n].len = bi_sa_body(picks[i], PROTO_IKE, 0, sa, sizeof(sa));
			} else {
				v[n].body = b;
				v[n].len = bi_body(&m->pl[k], b, sizeof(bodies[k]));
			}
			n++;
		}
		h = m->hdr;
		clen = bi_chain(v, n, chain, sizeof(chain), &first);
		len = bi_msg(&h, chain, clen, first, resp, sizeof(resp));
		free(q);
		mark = bi_log_mark();
		bi_inject(PAIR_A, &bi_b, resp, len);
		ck_assert_uint_eq(bi_nfrom(PAIR_A), 0);
		ck_assert_uint_eq(pair_nsas(&BI, PAIR_A), 0);
		ck_assert_uint_eq(kernel_mem_sa_count(BI.peer[PAIR_A].k), 0);
		assert_logged(mark, "which we did not offer: abandoned");
		bi_fresh_exchange_ok();
		bi_end();
	}
}
END_TEST

/* ---- row 17: KE group != the chosen group ---- */

START_TEST(test_r17_wrong_ke_group)
{
	const struct ike_pl_notify *n;
	size_t mark, len;

	bi_begin(NULL, NULL);
	/* we would pick x25519 (our first choice) but the KE is for ECP-256 */
	len = bi_init(EVIL_SPI, "aes256gcm16-prfsha256-ecp256-x25519", KE_ECP_256, NULL, 0, pkt,
		      sizeof(pkt));
	mark = bi_log_mark();
	init_to_b(pkt, len);
	n = bi_expect_notify(PAIR_B, NULL, N_INVALID_KE_PAYLOAD);
	ck_assert_uint_eq(n->data.len, 2);
	ck_assert_uint_eq(n->data.p[0] << 8 | n->data.p[1], KE_CURVE25519);
	bi_assert_b_empty();
	assert_logged(mark, "asking for");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 18: bad KE values ---- */

static void ke_refused(const char *props, uint16_t group, const uint8_t *ke, size_t len,
		       const char *why)
{
	struct bi_pl v[3];
	size_t n = init_parts(v, props, group, ke, len, 32), mark = bi_log_mark();

	len = init_from(v, n, EVIL_SPI, 0);
	init_to_b(pkt, len);
	assert_dropped(mark, why);
}

START_TEST(test_r18_bad_ke_values)
{
	static uint8_t v[1100];
	static const char modp[] = "aes256gcm16-prfsha256-modp3072";
	size_t plen;

	bi_begin(NULL, NULL);
	memset(v, 0x42, sizeof(v));
	ke_refused(PROP_X25519, KE_CURVE25519, v, 31, "initiator's KE refused");
	ke_refused(PROP_X25519, KE_CURVE25519, v, 33, "initiator's KE refused");
	memset(v, 0, 32);		/* small order: all-zero shared secret */
	ke_refused(PROP_X25519, KE_CURVE25519, v, 32, "initiator's KE refused");
	memset(v, 0x01, 64);		/* not on P-256 */
	ke_refused("aes256gcm16-prfsha256-ecp256", KE_ECP_256, v, 64, "initiator's KE refused");
	memset(v, 0, 384);		/* MODP 0, 1, p-1 (RFC 6989) */
	ke_refused(modp, KE_MODP_3072, v, 384, "initiator's KE refused");
	v[383] = 1;
	ke_refused(modp, KE_MODP_3072, v, 384, "initiator's KE refused");
	/* p - 1 (the prime ends in 64 one bits), p itself, and above p */
	plen = ke_public_len(KE_MODP_3072);
	ck_assert_uint_eq(plen, 384);
	ck_assert_int_eq(modp_prime(KE_MODP_3072, v, plen), 0);
	ck_assert_uint_eq(v[plen - 1], 0xff);
	v[plen - 1] = 0xfe;
	ke_refused(modp, KE_MODP_3072, v, plen, "initiator's KE refused");
	v[plen - 1] = 0xff;
	ke_refused(modp, KE_MODP_3072, v, plen, "initiator's KE refused");
	memset(v, 0xff, plen);
	ke_refused(modp, KE_MODP_3072, v, plen, "initiator's KE refused");
	ke_refused(modp, KE_MODP_3072, v, 100, "initiator's KE refused");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

START_TEST(test_r18_unknown_group)
{
	const struct ike_pl_notify *n;
	static const uint8_t junk[32] = { 7 };
	struct bi_pl v[3];
	size_t len, mark;

	bi_begin(NULL, NULL);
	/* KE for group 999 while the proposal (and our choice) is x25519 */
	init_parts(v, PROP_X25519, KE_CURVE25519, NULL, 0, 32);
	v[1].len = bi_ke_body(999, junk, sizeof(junk), ke_b, sizeof(ke_b));
	len = init_from(v, 3, EVIL_SPI, 0);
	mark = bi_log_mark();
	init_to_b(pkt, len);
	n = bi_expect_notify(PAIR_B, NULL, N_INVALID_KE_PAYLOAD);
	ck_assert_uint_eq(n->data.p[0] << 8 | n->data.p[1], KE_CURVE25519);
	bi_assert_b_empty();
	/* a proposal with only group 999: nothing to choose */
	len = good_init(NULL, 0);
	pkt[OFF_XF + 8 * 2 + 4 + 6] = 0x03;	/* KE transform id 31 -> 0x031f */
	init_to_b(pkt, len);
	bi_expect_notify(PAIR_B, NULL, N_NO_PROPOSAL_CHOSEN);
	bi_assert_b_empty();
	assert_logged(mark, "no proposal chosen");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 19: KE where no DH was negotiated ---- */

START_TEST(test_r19_ke_in_auth)
{
	uint8_t pub[64];
	size_t mark, len;
	struct bi_pl extra = { PL_KE, 0, ke_b, 0, 0, 0 };

	bi_begin(NULL, NULL);
	bi_half_open();
	len = bi_ke_pub(KE_CURVE25519, pub, sizeof(pub));
	extra.len = bi_ke_body(KE_CURVE25519, pub, len, ke_b, sizeof(ke_b));
	mark = bi_log_mark();
	bi_auth_send(0, &extra, 1);
	assert_auth_refused(mark, N_INVALID_SYNTAX, "KE payload at offset");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

START_TEST(test_r19_ke_transform_in_esp_ignored)
{
	size_t len;

	bi_begin(NULL, NULL);
	bi_half_open();
	/* 1.2: a KE transform in the first CHILD SA's proposal is ignored */
	len = bi_sa_body("aes256gcm16-modp2048", PROTO_ESP, 0x0a0b0c0d, body, sizeof(body));
	bi_auth_send_swap(PL_SA, body, len, 0);
	pair_pump(&BI, 0);
	ck_assert(pair_established(&BI));
	ck_assert_ptr_nonnull(B_sa()->children);
	ck_assert_int_eq(B_sa()->children->state, CHILD_SA_INSTALLED);
	bi_end();
}
END_TEST

/* ---- row 20: nonce < 16 or > 256 bytes ---- */

START_TEST(test_r20_nonce_length)
{
	static const size_t lens[] = { 0, 15, 257, 280 };
	struct bi_pl v[3];
	size_t mark, len;

	bi_begin(NULL, NULL);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		init_parts(v, PROP_X25519, KE_CURVE25519, NULL, 0, lens[i]);
		len = init_from(v, 3, EVIL_SPI, 0);
		mark = bi_log_mark();
		init_to_b(pkt, len);
		assert_dropped(mark, "outside [16, 256]");
	}
	/* 16 and 256 are fine */
	init_parts(v, PROP_X25519, KE_CURVE25519, NULL, 0, 256);
	len = init_from(v, 3, EVIL_SPI, 0);
	init_to_b(pkt, len);
	assert_init_answered();
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 21: COOKIE of length 0 or > 64, or stale ---- */

/* An IKE_SA_INIT to B from the attacker, a COOKIE of len bytes first. */
static size_t init_with_cookie(uint64_t spi, const uint8_t *ck, size_t len)
{
	static uint8_t nb[128];
	struct bi_pl v[4];

	init_parts(v + 1, PROP_X25519, KE_CURVE25519, NULL, 0, 32);
	memset(&v[0], 0, sizeof(v[0]));
	v[0].type = PL_NOTIFY;
	v[0].body = nb;
	v[0].len = bi_notify_body(0, N_COOKIE, NULL, 0, ck, len, nb, sizeof(nb));
	return init_from(v, 4, spi, 0);
}

START_TEST(test_r21_bad_cookies)
{
	static const struct { size_t len; const char *why; } c[] = {
		{ 0, "cookie: 0 bytes" }, { 65, "cookie: 65 bytes" }, { 80, "cookie: 80 bytes" },
		{ COOKIE_LEN, "is not live" },
	};
	static uint8_t ck[80], good[COOKIE_LEN];
	const struct ike_pl_notify *n;
	size_t len, mark, i;
	char conf[4096];

	/* cookies are asked for as soon as one IKE SA is half open */
	snprintf(conf, sizeof(conf), "global: { cookie_threshold = 1; };\n%s", pair_conf_b);
	bi_begin(NULL, conf);
	len = good_init(NULL, 0);
	init_to_b(pkt, len);
	assert_init_answered();
	memset(ck, 0xc5, sizeof(ck));
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		len = init_with_cookie(EVIL_SPI + 1 + i, ck, c[i].len);
		mark = bi_log_mark();
		init_to_b(pkt, len);
		n = bi_expect_notify(PAIR_B, NULL, N_COOKIE);
		ck_assert_uint_eq(n->data.len, COOKIE_LEN);
		memcpy(good, n->data.p, COOKIE_LEN);
		ck_assert_uint_eq(pair_nsas(&BI, PAIR_B), 1);
		assert_logged(mark, c[i].why);
		assert_logged(mark, "cookie required");
	}
	/* a real cookie, but made for another SPI: a fresh one again */
	len = init_with_cookie(EVIL_SPI + 1 + i, good, COOKIE_LEN);
	init_to_b(pkt, len);
	n = bi_expect_notify(PAIR_B, NULL, N_COOKIE);
	ck_assert_mem_ne(n->data.p, good, COOKIE_LEN);
	memcpy(good, n->data.p, COOKIE_LEN);
	ck_assert_uint_eq(bi_e(PAIR_B)->stats.cookies_sent, 5);
	ck_assert_uint_eq(halfopen_total(&bi_e(PAIR_B)->cookies), 1);
	/* echoing the fresh one, as a real initiator does, gets in */
	len = init_with_cookie(EVIL_SPI + 1 + i, good, COOKIE_LEN);
	init_to_b(pkt, len);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 1);
	ck_assert_int_ge(ike_msg_find(bi_decode(BI.head, NULL), PL_KE, 0), 0);
	free(bi_pop(PAIR_B));
	ck_assert_uint_eq(halfopen_total(&bi_e(PAIR_B)->cookies), 2);
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

START_TEST(test_r21_bad_cookie_to_initiator)
{
	static const size_t lens[] = { 0, 65 };
	struct ike_hdr h;
	struct bi_pl v[1] = { { PL_NOTIFY, 0, body, 0, 0, 0 } };
	uint8_t ck[65] = { 0 }, first;
	size_t mark, len, clen;

	bi_begin(NULL, NULL);
	pair_initiate(&BI);
	ck_assert_uint_eq(bi_nfrom(PAIR_A), 1);
	mark = bi_log_mark();
	for (size_t i = 0; i < 2; i++) {
		v[0].len = bi_notify_body(0, N_COOKIE, NULL, 0, ck, lens[i], body, sizeof(body));
		clen = bi_chain(v, 1, chain, sizeof(chain), &first);
		bi_hdr(&h, A_sa()->entry.spi_i, 0, IKE_SA_INIT, IKE_FLAG_RESPONSE, 0);
		len = bi_msg(&h, chain, clen, first, pkt, sizeof(pkt));
		bi_inject(PAIR_A, &bi_b, pkt, len);
	}
	ck_assert_uint_eq(bi_logged(mark, "COOKIE of"), 2);
	ck_assert_uint_eq(A_sa()->cookie_len, 0);
	ck_assert_uint_eq(A_sa()->init_retries, 0);
	ck_assert_uint_eq(bi_nfrom(PAIR_A), 1);
	pair_pump(&BI, 0);
	ck_assert(pair_established(&BI));
	bi_end();
}
END_TEST

/* ---- row 22: forged errors in an IKE_SA_INIT response ---- */

static size_t forged_init_answer(uint16_t type, const uint8_t *data, size_t dlen)
{
	struct ike_hdr h;
	struct bi_pl v[1] = { { PL_NOTIFY, 0, body, 0, 0, 0 } };
	uint8_t first;
	size_t clen;

	v[0].len = bi_notify_body(0, type, NULL, 0, data, dlen, body, sizeof(body));
	clen = bi_chain(v, 1, chain, sizeof(chain), &first);
	bi_hdr(&h, A_sa()->entry.spi_i, 0, IKE_SA_INIT, IKE_FLAG_RESPONSE, 0);
	return bi_msg(&h, chain, clen, first, pkt, sizeof(pkt));
}

START_TEST(test_r22_forged_error)
{
	size_t mark, len;

	bi_begin(NULL, NULL);
	pair_initiate(&BI);
	mark = bi_log_mark();
	len = forged_init_answer(N_NO_PROPOSAL_CHOSEN, NULL, 0);
	bi_inject(PAIR_A, &bi_b, pkt, len);
	/* 2.21.1: unauthenticated, so A keeps waiting for the real answer */
	ck_assert_uint_eq(pair_nsas(&BI, PAIR_A), 1);
	ck_assert_int_eq(A_sa()->state, IKE_SA_INIT_SENT);
	assert_logged(mark, "NO_PROPOSAL_CHOSEN");
	pair_pump(&BI, 0);
	ck_assert(pair_established(&BI));
	ck_assert_ptr_nonnull(A_sa()->children);
	bi_end();
}
END_TEST

START_TEST(test_r22_forged_invalid_ke)
{
	static const uint16_t groups[] = { KE_ECP_521, KE_MODP_1024, 0 };
	uint8_t g[2];
	size_t mark, len;

	bi_begin(NULL, NULL);
	pair_initiate(&BI);
	mark = bi_log_mark();
	/* groups never offered (and none at all): ignored */
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		g[0] = (uint8_t)(groups[i] >> 8);
		g[1] = (uint8_t)groups[i];
		len = forged_init_answer(N_INVALID_KE_PAYLOAD, g, groups[i] ? 2 : 0);
		bi_inject(PAIR_A, &bi_b, pkt, len);
	}
	ck_assert_uint_eq(bi_logged(mark, "INVALID_KE_PAYLOAD asking for"), 3);
	ck_assert_uint_eq(A_sa()->init_retries, 0);
	ck_assert_uint_eq(A_sa()->ke_group, KE_CURVE25519);
	/* offered groups: ECP-256, ECP-384, x25519 again, then capped */
	for (int i = 0; i < 6; i++) {
		static const uint16_t seq[6] = { KE_ECP_256, KE_ECP_384, KE_CURVE25519,
						 KE_ECP_256, KE_ECP_384, KE_MODP_3072 };

		g[0] = (uint8_t)(seq[i] >> 8);
		g[1] = (uint8_t)seq[i];
		len = forged_init_answer(N_INVALID_KE_PAYLOAD, g, 2);
		bi_inject(PAIR_A, &bi_b, pkt, len);
	}
	ck_assert_uint_eq(A_sa()->init_retries, ENGINE_INIT_RETRIES);
	ck_assert_uint_eq(A_sa()->ke_group, KE_CURVE25519);
	ck_assert_uint_eq(bi_logged(mark, "INVALID_KE_PAYLOAD asking for"), 6);
	/* the requests of the forged restarts are lost; A's retransmission of
	 * the last one still completes the exchange */
	while (bi_nfrom(PAIR_A))
		free(bi_pop(PAIR_A));
	ck_assert(pair_run(&BI, 2000, pair_established));
	bi_end();
}
END_TEST

START_TEST(test_r23_bad_notify_request)
{
	static const uint8_t spi3[3] = { 0xde, 0xad, 0xbe };
	struct bi_pl v[2];
	const struct ike_msg *m;
	uint8_t first, b2[64];
	size_t mark, clen;

	bi_begin(NULL, NULL);
	bi_establish();
	memset(v, 0, sizeof(v));
	v[0].type = PL_NOTIFY;
	v[0].body = body;
	v[0].len = bi_notify_body(9, N_INVALID_SYNTAX, spi3, 3, NULL, 0, body, sizeof(body));
	v[1].type = PL_NOTIFY;
	v[1].body = b2;
	v[1].len = bi_notify_body(PROTO_ESP, 40000, spi3, 3, NULL, 0, b2, sizeof(b2));
	clen = bi_chain(v, 2, chain, sizeof(chain), &first);
	mark = bi_log_mark();
	bi_info_send(chain, clen, first);
	/* answered, echoing nothing of it */
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 1);
	m = bi_decode(BI.head, &A_sa()->sk_in);
	ck_assert(m->hdr.flags & IKE_FLAG_RESPONSE);
	ck_assert_int_lt(ike_msg_find(m, PL_NOTIFY, 0), 0);
	free(bi_pop(PAIR_B));
	assert_logged(mark, "peer reports");
	bi_a_bump();
	bi_dpd_ok();
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

START_TEST(test_r23_unknown_error_in_response)
{
	struct ike_hdr h;
	struct bi_pl v[1] = { { PL_NOTIFY, 0, body, 0, 0, 0 } };
	uint8_t first;
	size_t mark, len, clen;

	bi_begin(NULL, NULL);
	bi_half_open();
	/* B "answers" A's IKE_AUTH with error 42 (unassigned), protected */
	v[0].len = bi_notify_body(0, 42, NULL, 0, NULL, 0, body, sizeof(body));
	clen = bi_chain(v, 1, chain, sizeof(chain), &first);
	bi_hdr(&h, A_sa()->entry.spi_i, A_sa()->entry.spi_r, IKE_AUTH, IKE_FLAG_RESPONSE, 1);
	len = bi_seal(&h, &B_sa()->sk_out, chain, clen, first, pkt, sizeof(pkt));
	mark = bi_log_mark();
	bi_inject(PAIR_A, &bi_b, pkt, len);
	/* the request failed: A gives the IKE SA up, sends nothing */
	ck_assert_uint_eq(bi_nfrom(PAIR_A), 0);
	ck_assert_uint_eq(pair_nsas(&BI, PAIR_A), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(BI.peer[PAIR_A].k), 0);
	assert_logged(mark, "IKE_AUTH refused by the peer");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 24: SK not last, nested, in IKE_SA_INIT ---- */

START_TEST(test_r24_sk_placement)
{
	static const uint8_t sk_junk[40] = { 1 };
	static const uint8_t vid[8] = { 2 };
	struct bi_pl extra = { PL_SK, 0, sk_junk, sizeof(sk_junk), 0, 0 };
	struct bi_pl nested[2] = { { PL_VENDOR, 0, vid, sizeof(vid), 0, 0 },
				   { PL_SK, 0, sk_junk, sizeof(sk_junk), 0, 0 } };
	uint8_t first, msg[BI_MSG_MAX];
	uint64_t rx;
	size_t mark, len, clen;

	bi_begin(NULL, NULL);
	mark = bi_log_mark();
	len = good_init(&extra, 1);
	init_to_b(pkt, len);
	assert_dropped(mark, "not allowed in IKE_SA_INIT");
	bi_establish();
	rx = B_sa()->win.rx_next;
	/* nested */
	clen = bi_chain(nested, 2, chain, sizeof(chain), &first);
	mark = bi_log_mark();
	bi_info_send(chain, clen, first);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	assert_logged(mark, "nested inside SK");
	/* not last: a vendor ID after a valid SK payload */
	{
		struct ike_sa *a = A_sa();
		struct ike_hdr h;
		size_t l;

		bi_hdr(&h, a->entry.spi_i, a->entry.spi_r, INFORMATIONAL, IKE_FLAG_INITIATOR,
		       (uint32_t)rx);
		l = bi_seal(&h, &a->sk_out, NULL, 0, PL_NONE, msg, sizeof(msg) - 16);
		/* 12 more bytes (a vendor ID payload) after the SK payload */
		memcpy(pkt, msg, l);
		pkt[l] = 0;
		pkt[l + 1] = 0;
		pkt[l + 2] = 0;
		pkt[l + 3] = 12;
		memset(pkt + l + 4, 0x33, 8);
		pkt[24] = (uint8_t)((l + 12) >> 24);
		pkt[25] = (uint8_t)((l + 12) >> 16);
		pkt[26] = (uint8_t)((l + 12) >> 8);
		pkt[27] = (uint8_t)(l + 12);
		bi_inject(PAIR_B, &bi_a, pkt, l + 12);
	}
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	assert_logged(mark, "not the last payload");
	ck_assert_uint_eq(B_sa()->win.rx_next, rx);
	bi_dpd_ok();
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 25: bad ICV, bad padding ---- */

START_TEST(test_r25_bad_icv)
{
	struct ike_sa *a;
	struct ike_hdr h;
	uint64_t rx, dropped;
	size_t mark, len;
	uint8_t d[8];
	struct bi_pl v[1] = { { PL_DELETE, 0, d, 0, 0, 0 } };
	uint8_t first;
	size_t clen;

	bi_begin(NULL, NULL);
	bi_establish();
	a = A_sa();
	rx = B_sa()->win.rx_next;
	dropped = bi_e(PAIR_B)->stats.packets_dropped;
	/* a DELETE of the IKE SA whose ICV, IV or cipher text is damaged */
	v[0].len = bi_delete_body(PROTO_IKE, 0, 0, NULL, 0, d, sizeof(d));
	clen = bi_chain(v, 1, chain, sizeof(chain), &first);
	bi_hdr(&h, a->entry.spi_i, a->entry.spi_r, INFORMATIONAL, IKE_FLAG_INITIATOR,
	       (uint32_t)rx);
	mark = bi_log_mark();
	for (int where = 0; where < 4; where++) {
		len = bi_seal(&h, &a->sk_out, chain, clen, first, pkt, sizeof(pkt));
		if (where == 0)
			pkt[len - 1] ^= 1;		/* ICV */
		else if (where == 1)
			pkt[IKE_HDR_LEN + 4] ^= 0x80;	/* IV */
		else if (where == 2)
			pkt[IKE_HDR_LEN + 4 + 8] ^= 1;	/* cipher text */
		else
			pkt[19] |= 0x40;		/* AAD: a reserved flag bit */
		bi_inject(PAIR_B, &bi_a, pkt, len);
	}
	/* truncated body: shorter than IV + ICV */
	len = bi_seal(&h, &a->sk_out, chain, clen, first, pkt, sizeof(pkt));
	pkt[IKE_HDR_LEN + 3] = 4 + 10;
	pkt[27] = IKE_HDR_LEN + 4 + 10;
	bi_inject(PAIR_B, &bi_a, pkt, IKE_HDR_LEN + 4 + 10);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	ck_assert_uint_eq(bi_logged(mark, "SK payload:"), 5);
	ck_assert_uint_eq(bi_e(PAIR_B)->stats.packets_dropped, dropped + 5);
	ck_assert_uint_eq(B_sa()->win.rx_next, rx);
	ck_assert_int_eq(B_sa()->state, IKE_SA_ESTABLISHED);
	bi_dpd_ok();
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* AES-GCM-256 (RFC 5282) SK body by hand, so the plaintext's last byte (the
 * pad length) can lie: IV | cipher text | 16-byte ICV. */
static size_t seal_raw_gcm(const struct ike_hdr *h, const struct sk_ctx *sk,
			   const uint8_t *plain, size_t plen, uint8_t *out)
{
	static const uint8_t iv[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	size_t total = IKE_HDR_LEN + 4 + 8 + plen + 16;
	uint8_t nonce[12];
	size_t len;

	/* header and SK header through the encryptor, then our own body */
	len = bi_seal(h, sk, NULL, 0, PL_NONE, out, BI_MSG_MAX);
	ck_assert_uint_gt(len, IKE_HDR_LEN + 4);
	ck_assert_uint_eq(sk->ekey.len, 32 + 4);
	out[24] = (uint8_t)(total >> 24);
	out[25] = (uint8_t)(total >> 16);
	out[26] = (uint8_t)(total >> 8);
	out[27] = (uint8_t)total;
	out[IKE_HDR_LEN + 2] = (uint8_t)((total - IKE_HDR_LEN) >> 8);
	out[IKE_HDR_LEN + 3] = (uint8_t)(total - IKE_HDR_LEN);
	memcpy(nonce, sk->ekey.ptr + 32, 4);
	memcpy(nonce + 4, iv, 8);
	memcpy(out + IKE_HDR_LEN + 4, iv, 8);
	ck_assert_int_eq(test_gcm_seal(sk->ekey.ptr, nonce, out, IKE_HDR_LEN + 4, plain, plen,
				       out + IKE_HDR_LEN + 4 + 8), 0);
	return total;
}

START_TEST(test_r25_bad_padding)
{
	struct ike_sa *a;
	struct ike_hdr h;
	uint8_t plain[16];
	size_t mark, len;
	uint64_t rx, dropped;

	bi_begin(NULL, NULL);
	bi_establish();
	a = A_sa();
	rx = B_sa()->win.rx_next;
	dropped = bi_e(PAIR_B)->stats.packets_dropped;
	bi_hdr(&h, a->entry.spi_i, a->entry.spi_r, INFORMATIONAL, IKE_FLAG_INITIATOR,
	       (uint32_t)rx);
	mark = bi_log_mark();
	/* the ICV is right, the pad length claims more than was decrypted */
	memset(plain, 0, sizeof(plain));
	plain[15] = 200;
	len = seal_raw_gcm(&h, &a->sk_out, plain, sizeof(plain), pkt);
	bi_inject(PAIR_B, &bi_a, pkt, len);
	plain[15] = 16;
	len = seal_raw_gcm(&h, &a->sk_out, plain, sizeof(plain), pkt);
	bi_inject(PAIR_B, &bi_a, pkt, len);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	ck_assert_uint_eq(bi_logged(mark, "pad length"), 2);
	ck_assert_uint_eq(bi_e(PAIR_B)->stats.packets_dropped, dropped + 2);
	ck_assert_uint_eq(B_sa()->win.rx_next, rx);
	/* and the same construction with a truthful pad length is accepted:
	 * the raw sealing above is right */
	plain[15] = 15;
	len = seal_raw_gcm(&h, &a->sk_out, plain, sizeof(plain), pkt);
	bi_inject(PAIR_B, &bi_a, pkt, len);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 1);
	free(bi_pop(PAIR_B));
	bi_a_bump();
	bi_dpd_ok();
	bi_end();
}
END_TEST

/* ---- row 26: replays, outside the window, IKE_SA_INIT floods ---- */

START_TEST(test_r26_replay)
{
	uint8_t first_answer[BI_MSG_MAX];
	struct pair_pkt *q;
	struct ike_sa *a;
	struct ike_hdr h;
	size_t len, alen, mark;
	uint64_t resent;

	bi_begin(NULL, NULL);
	bi_establish();
	a = A_sa();
	/* an empty INFORMATIONAL, answered once */
	bi_hdr(&h, a->entry.spi_i, a->entry.spi_r, INFORMATIONAL, IKE_FLAG_INITIATOR,
	       ike_window_next_id(&a->win));
	len = bi_seal(&h, &a->sk_out, NULL, 0, PL_NONE, pkt, sizeof(pkt));
	bi_inject(PAIR_B, &bi_a, pkt, len);
	q = bi_pop(PAIR_B);
	ck_assert_ptr_nonnull(q);
	alen = q->len;
	memcpy(first_answer, q->data, alen);
	free(q);
	resent = B_sa()->win.resent;
	/* replayed 5 times: the cached answer, byte for byte */
	for (int i = 0; i < 5; i++) {
		bi_inject(PAIR_B, &bi_a, pkt, len);
		q = bi_pop(PAIR_B);
		ck_assert_ptr_nonnull(q);
		ck_assert_uint_eq(q->len, alen);
		ck_assert_mem_eq(q->data, first_answer, alen);
		free(q);
	}
	ck_assert_uint_eq(B_sa()->win.resent, resent + 5);
	bi_a_bump();
	/* message IDs behind and ahead of the window */
	mark = bi_log_mark();
	h.msgid = 0;
	len = bi_seal(&h, &a->sk_out, NULL, 0, PL_NONE, pkt, sizeof(pkt));
	bi_inject(PAIR_B, &bi_a, pkt, len);
	h.msgid = ike_window_next_id(&a->win) + 1;
	len = bi_seal(&h, &a->sk_out, NULL, 0, PL_NONE, pkt, sizeof(pkt));
	bi_inject(PAIR_B, &bi_a, pkt, len);
	h.msgid = 0xffffffff;
	len = bi_seal(&h, &a->sk_out, NULL, 0, PL_NONE, pkt, sizeof(pkt));
	bi_inject(PAIR_B, &bi_a, pkt, len);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	ck_assert_uint_eq(bi_logged(mark, "retransmission or outside the window"), 3);
	bi_dpd_ok();
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

START_TEST(test_r26_init_flood)
{
	uint8_t first_answer[BI_MSG_MAX];
	struct pair_pkt *q;
	size_t len, alen;

	bi_begin(NULL, NULL);
	len = good_init(NULL, 0);
	init_to_b(pkt, len);
	q = bi_pop(PAIR_B);
	ck_assert_ptr_nonnull(q);
	alen = q->len;
	memcpy(first_answer, q->data, alen);
	free(q);
	for (int i = 0; i < 50; i++) {
		init_to_b(pkt, len);
		q = bi_pop(PAIR_B);
		ck_assert_ptr_nonnull(q);
		ck_assert_mem_eq(q->data, first_answer, alen);
		free(q);
	}
	ck_assert_uint_eq(pair_nsas(&BI, PAIR_B), 1);
	ck_assert_uint_eq(halfopen_total(&bi_e(PAIR_B)->cookies), 1);
	ck_assert_uint_eq(bi_e(PAIR_B)->stats.cookies_sent, 0);
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 27: ID with NUL/CR, oversized ID ---- */

START_TEST(test_r27_bad_ids)
{
	static char big[4000];
	static const struct { uint8_t type; const char *data; size_t len; } ids[] = {
		{ ID_FQDN, "a.exa\0mple", 10 },
		{ ID_FQDN, "a.example\r\nX: y", 15 },
		{ ID_RFC822_ADDR, "a@example\r", 10 },
		{ ID_FQDN, big, 256 },
		{ ID_FQDN, big, sizeof(big) },
		{ ID_KEY_ID, big, 300 },
		{ 0, "a.example", 9 },
	};

	memset(big, 'a', sizeof(big));
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		size_t mark, len;

		bi_begin(NULL, NULL);
		bi_half_open();
		len = bi_id_body(ids[i].type, ids[i].data, ids[i].len, body, sizeof(body));
		mark = bi_log_mark();
		bi_auth_send_swap(PL_IDI, body, len, 0);
		assert_auth_refused(mark, N_AUTHENTICATION_FAILED, "refused");
		ck_assert_uint_eq(bi_logged(mark, "IDi/IDr of type"), 1);
		bi_fresh_exchange_ok();
		bi_end();
	}
}
END_TEST

/* ---- row 30: bad traffic selectors, malformed Delete ---- */

START_TEST(test_r30_bad_ts)
{
	static const struct { uint8_t type; uint16_t len; const char *s, *e, *why; } ts[] = {
		{ TS_IPV4_ADDR_RANGE, 15, "10.1.0.0", "10.1.255.255", "selector length 15" },
		{ TS_IPV4_ADDR_RANGE, 40, "10.1.0.0", "10.1.255.255", "selector length 40" },
		{ TS_IPV4_ADDR_RANGE, 16, "10.1.255.255", "10.1.0.0", "start address > end" },
		{ 99, 16, "10.1.0.0", "10.1.255.255", "selector type 99 unknown" },
	};

	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		size_t mark, len;

		bi_begin(NULL, NULL);
		bi_half_open();
		len = bi_ts_body(ts[i].type, ts[i].len, ts[i].s, ts[i].e, body, sizeof(body));
		mark = bi_log_mark();
		bi_auth_send_swap(PL_TSI, body, len, 0);
		assert_auth_refused(mark, N_INVALID_SYNTAX, ts[i].why);
		bi_fresh_exchange_ok();
		bi_end();
	}
}
END_TEST

START_TEST(test_r30_ts_unacceptable)
{
	size_t len, mark;
	const struct ike_msg *m;
	struct pair_pkt *q;

	bi_begin(NULL, NULL);
	bi_half_open();
	/* well formed, but nothing we would agree to */
	len = bi_ts_body(TS_IPV4_ADDR_RANGE, 16, "172.16.0.0", "172.16.0.255", body, sizeof(body));
	mark = bi_log_mark();
	bi_auth_send_swap(PL_TSI, body, len, 0);
	q = bi_pop(PAIR_B);
	ck_assert_ptr_nonnull(q);
	m = bi_decode(q, &A_sa()->sk_in);
	ck_assert_ptr_nonnull(ike_msg_notify(m, N_TS_UNACCEPTABLE));
	free(q);
	assert_logged(mark, "traffic selectors unacceptable");
	ck_assert_ptr_null(B_sa()->children);
	ck_assert_uint_eq(kernel_mem_sa_count(BI.peer[PAIR_B].k), 0);
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

START_TEST(test_r30_bad_delete)
{
	static const uint8_t spis[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	static const struct { uint8_t proto, size; uint16_t n; size_t len; const char *why; } d[] = {
		{ PROTO_ESP, 3, 4, 12, "SPI size 3 != 4" },
		{ PROTO_ESP, 4, 5, 12, "5 SPIs of 4 bytes != 12 bytes" },
		{ PROTO_IKE, 0, 2, 0, "2 SPIs for the IKE SA" },
		{ 9, 4, 3, 12, "protocol 9 is not IKE, AH or ESP" },
		{ PROTO_ESP, 4, 0xffff, 12, "65535 SPIs of 4 bytes" },
	};
	struct bi_pl v[1] = { { PL_DELETE, 0, body, 0, 0, 0 } };
	uint8_t first;
	size_t clen;

	bi_begin(NULL, NULL);
	bi_establish();
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		size_t mark = bi_log_mark();

		v[0].len = bi_delete_body(d[i].proto, d[i].size, d[i].n, spis, d[i].len, body,
					  sizeof(body));
		clen = bi_chain(v, 1, chain, sizeof(chain), &first);
		bi_info_send(chain, clen, first);
		bi_expect_notify(PAIR_B, &A_sa()->sk_in, N_INVALID_SYNTAX);
		assert_logged(mark, d[i].why);
		bi_a_bump();
	}
	/* a well-formed DELETE for SPIs we do not have: answered, empty */
	v[0].len = bi_delete_body(PROTO_ESP, 4, 3, spis, 12, body, sizeof(body));
	clen = bi_chain(v, 1, chain, sizeof(chain), &first);
	bi_info_send(chain, clen, first);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 1);
	ck_assert_int_lt(ike_msg_find(bi_decode(BI.head, &A_sa()->sk_in), PL_DELETE, 0), 0);
	free(bi_pop(PAIR_B));
	bi_a_bump();
	ck_assert_ptr_nonnull(B_sa()->children);
	ck_assert_uint_eq(kernel_mem_sa_count(BI.peer[PAIR_B].k), 2);
	bi_dpd_ok();
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("BAD-INPUT rows against the engine");
	TCase *tc = tcase_create("bad input");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_r01_short_datagram);
	tcase_add_test(tc, test_r02_major_version);
	tcase_add_test(tc, test_r02_minor_and_reserved_flags);
	tcase_add_test(tc, test_r03_init_spis);
	tcase_add_test(tc, test_r04_response_unknown_sa);
	tcase_add_test(tc, test_r05_request_unknown_spi);
	tcase_add_test(tc, test_r06_unprotected_error_to_responder);
	tcase_add_test(tc, test_r06_unprotected_error_to_initiator);
	tcase_add_test(tc, test_r07_before_auth);
	tcase_add_test(tc, test_r08_broken_chain_before_auth);
	tcase_add_test(tc, test_r08_broken_chain_after_auth);
	tcase_add_test(tc, test_r08_broken_chain_in_auth);
	tcase_add_test(tc, test_r09_critical_in_init);
	tcase_add_test(tc, test_r09_critical_after_auth);
	tcase_add_test(tc, test_r09_critical_in_auth);
	tcase_add_test(tc, test_r10_unknown_skipped);
	tcase_add_test(tc, test_r11_many_payloads);
	tcase_add_test(tc, test_r11_duplicates_in_auth);
	tcase_add_test(tc, test_r12_init_missing);
	tcase_add_test(tc, test_r13_auth_missing);
	tcase_add_test(tc, test_r14_sa_structure);
	tcase_add_test(tc, test_r14_esp_spi_size_in_auth);
	tcase_add_test(tc, test_r15_unacceptable_proposals);
	tcase_add_test(tc, test_r15_bad_then_good_proposal);
	tcase_add_test(tc, test_r15_esp_no_proposal_in_auth);
	tcase_add_test(tc, test_r16_not_offered);
	tcase_add_test(tc, test_r17_wrong_ke_group);
	tcase_add_test(tc, test_r18_bad_ke_values);
	tcase_add_test(tc, test_r18_unknown_group);
	tcase_add_test(tc, test_r19_ke_in_auth);
	tcase_add_test(tc, test_r19_ke_transform_in_esp_ignored);
	tcase_add_test(tc, test_r20_nonce_length);
	tcase_add_test(tc, test_r21_bad_cookies);
	tcase_add_test(tc, test_r21_bad_cookie_to_initiator);
	tcase_add_test(tc, test_r22_forged_error);
	tcase_add_test(tc, test_r22_forged_invalid_ke);
	tcase_add_test(tc, test_r23_bad_notify_request);
	tcase_add_test(tc, test_r23_unknown_error_in_response);
	tcase_add_test(tc, test_r24_sk_placement);
	tcase_add_test(tc, test_r25_bad_icv);
	tcase_add_test(tc, test_r25_bad_padding);
	tcase_add_test(tc, test_r26_replay);
	tcase_add_test(tc, test_r26_init_flood);
	tcase_add_test(tc, test_r27_bad_ids);
	tcase_add_test(tc, test_r30_bad_ts);
	tcase_add_test(tc, test_r30_ts_unacceptable);
	tcase_add_test(tc, test_r30_bad_delete);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pair_main(suite());
}
