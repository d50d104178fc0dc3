/*
 * BAD-INPUT.md against a daemon-side IKE SA, protected part: IKE_AUTH and
 * INFORMATIONAL requests crafted and sealed with the real SK keys of the
 * IKE SA under test (and forged answers to the initiator, rows 6 and 23).
 * Each case checks the table's reaction (the notify, decrypted with the
 * SA's keys, or silence), the log line naming the reason, that no state is
 * left, and that the next good exchange still succeeds.  Row 28
 * (certificates): test_badinput_cert.c; row 31 (fragments): test_frag.c;
 * row 29: EAP in test_badinput_eap.c, configuration payloads in
 * test_badinput_cp.c.  The unprotected rows: test_badinput_init.c.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine/exchange.h"
#include "lib/kernel_mem.h"
#include "badinput.h"

static uint8_t pkt[BI_MSG_MAX], chain[BI_MSG_MAX], body[BI_MSG_MAX];

static struct ike_sa *A_sa(void) { return pair_sa(&BI, PAIR_A); }
static struct ike_sa *B_sa(void) { return pair_sa(&BI, PAIR_B); }

/* ---- row 5: request for an unknown SPI (INVALID_IKE_SPI, rate-limited, no state) ---- */

START_TEST(test_r05_request_unknown_spi)
{
	struct ike_hdr h;
	struct sk_ctx *sk;
	size_t mark, len;
	struct engine *b;

	bi_begin(NULL, NULL);
	bi_establish();
	b = bi_e(PAIR_B);
	/* protected with real keys, but the SPIs name no IKE SA: an
	 * unprotected INVALID_IKE_SPI answers each (RFC 7296 1.5, 2.21.4) */
	sk = &A_sa()->sk_out;
	bi_hdr(&h, BI_EVIL_SPI, 0x4242, INFORMATIONAL, IKE_FLAG_INITIATOR, 2);
	len = bi_seal(&h, sk, NULL, 0, PL_NONE, pkt, sizeof(pkt));
	mark = bi_log_mark();
	bi_evil_to_b(pkt, len);
	bi_expect_notify(PAIR_B, NULL, N_INVALID_IKE_SPI);
	bi_hdr(&h, BI_EVIL_SPI, 0x4242, IKE_AUTH, IKE_FLAG_INITIATOR, 1);
	len = bi_seal(&h, sk, NULL, 0, PL_NONE, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	bi_expect_notify(PAIR_B, NULL, N_INVALID_IKE_SPI);
	ck_assert_uint_eq(b->stats.invalid_spi_sent, 2);
	ck_assert_uint_eq(bi_logged(mark, "request for an unknown IKE SA"), 2);
	ck_assert_uint_eq(pair_nsas(&BI, PAIR_B), 1);
	/* unprotected (no SK) or IKE_SA_INIT with an SPIr: silence */
	bi_hdr(&h, BI_EVIL_SPI, 0x4242, INFORMATIONAL, IKE_FLAG_INITIATOR, 3);
	len = bi_msg(&h, NULL, 0, PL_NONE, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	ck_assert_uint_eq(b->stats.invalid_spi_sent, 2);
	bi_dpd_ok();
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* row 5, a flood: one source gets its burst, many sources the global
 * rate; the rest is counted, nothing is kept */
START_TEST(test_r05_invalid_spi_flood)
{
	struct ike_hdr h;
	size_t len, sent;
	struct engine *b;
	struct addr from;

	bi_begin(NULL, NULL);
	bi_establish();
	b = bi_e(PAIR_B);
	bi_hdr(&h, BI_EVIL_SPI, 0x4242, INFORMATIONAL, IKE_FLAG_INITIATOR, 2);
	len = bi_seal(&h, &A_sa()->sk_out, NULL, 0, PL_NONE, pkt, sizeof(pkt));
	for (int i = 0; i < 100; i++)
		bi_evil_to_b(pkt, len);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), ENGINE_INVALID_SPI_PEER_BURST);
	ck_assert_uint_eq(b->stats.invalid_spi_sent, ENGINE_INVALID_SPI_PEER_BURST);
	ck_assert_uint_eq(b->stats.invalid_spi_limited, 100 - ENGINE_INVALID_SPI_PEER_BURST);
	while (BI.head)
		free(bi_pop(PAIR_B));
	/* a second later the source has a token again */
	loop_advance_ms(BI.loop, 1000);
	bi_evil_to_b(pkt, len);
	bi_evil_to_b(pkt, len);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 1);
	free(bi_pop(PAIR_B));
	/* 1000 sources at once: no more than the global bucket holds */
	loop_advance_ms(BI.loop, 10000);
	sent = b->stats.invalid_spi_sent;
	for (int i = 0; i < 1000; i++) {
		char a[32];

		snprintf(a, sizeof(a), "198.51.%d.%d", i / 250, 1 + i % 250);
		ck_assert_int_eq(addr_parse(&from, a, 500), 0);
		bi_inject(PAIR_B, &from, pkt, len);
	}
	ck_assert_uint_eq(b->stats.invalid_spi_sent - sent, ENGINE_INVALID_SPI_PER_S);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), ENGINE_INVALID_SPI_PER_S);
	while (BI.head)
		free(bi_pop(PAIR_B));
	ck_assert_uint_eq(pair_nsas(&BI, PAIR_B), 1);
	ck_assert_uint_eq(halfopen_total(&b->cookies), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(BI.peer[PAIR_B].k), 2);
	bi_dpd_ok();
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
	/* the INVALID_IKE_SPI "response" is not trusted: B checks liveness */
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 1);
	ck_assert_uint_eq(bi_e(PAIR_B)->stats.invalid_spi_received, 1);
	bi_assert_logged(mark, "no SK payload");
	bi_assert_logged(mark, "unprotected INVALID_IKE_SPI");
	pair_pump(&BI, 0);
	ck_assert_int_eq(B_sa()->state, IKE_SA_ESTABLISHED);
	ck_assert_int_eq(B_sa()->win.tx_pending, 0);
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
	bi_assert_logged(mark, "no SK payload");
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

/* The initiator before it has keys: requests naming its half-open SA, in
 * the clear or with a garbage SK payload, are never answered. */
START_TEST(test_r07_initiator_without_keys)
{
	static const uint8_t junk[48] = { 3 };
	struct bi_pl v[1] = { { PL_SK, 0, junk, sizeof(junk), 0, 0 } };
	static const uint8_t exch[] = { IKE_AUTH, INFORMATIONAL, CREATE_CHILD_SA };
	struct ike_hdr h;
	uint8_t first;
	size_t mark, len, clen;
	struct ike_sa *a;

	bi_begin(NULL, NULL);
	pair_initiate(&BI);
	a = A_sa();
	ck_assert_int_eq(a->state, IKE_SA_INIT_SENT);
	ck_assert_int_eq(a->have_keys, 0);
	clen = bi_chain(v, 1, chain, sizeof(chain), &first);
	mark = bi_log_mark();
	for (size_t i = 0; i < sizeof(exch); i++) {
		bi_hdr(&h, a->entry.spi_i, 0x5151, exch[i], 0, 0);
		len = bi_msg(&h, chain, clen, first, pkt, sizeof(pkt));
		bi_inject(PAIR_A, &bi_b, pkt, len);
		bi_hdr(&h, a->entry.spi_i, 0, exch[i], 0, 0);
		len = bi_msg(&h, chain, clen, first, pkt, sizeof(pkt));
		bi_inject(PAIR_A, &bi_b, pkt, len);
	}
	ck_assert_uint_eq(bi_nfrom(PAIR_A), 1);		/* its own IKE_SA_INIT only */
	ck_assert_uint_eq(bi_logged(mark, "192.0.2.2[500] dropped"), 2 * sizeof(exch));
	ck_assert_uint_eq(bi_logged(mark, "dropped: no keys yet"), 2);
	ck_assert_int_eq(a->state, IKE_SA_INIT_SENT);
	pair_pump(&BI, 0);
	ck_assert(pair_established(&BI));
	bi_end();
}
END_TEST

/* ---- row 8: payload length < 4, overrunning, broken chain (after IKE_SA_INIT) ---- */

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
	bi_assert_logged(mark, "length 2 < 4");
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
	bi_assert_auth_refused(mark, N_INVALID_SYNTAX, "length 3 < 4");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 9: unknown payload with the critical bit (protected) ---- */

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
	bi_assert_logged(mark, "unsupported and critical");
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
	bi_assert_logged(mark, "unsupported and critical");
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
	len = bi_good_init(extra, 3, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	bi_assert_init_answered();
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
	len = bi_good_init(many, 70, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, "more than 64 payloads");
	/* duplicates: SA, KE or Ni twice (before authentication: dropped) */
	for (int d = 0; d < 3; d++) {
		n = bi_init_parts(v, BI_PROP, KE_CURVE25519, NULL, 0, 32);
		v[n++] = v[d];
		len = bi_init_from(v, n, BI_EVIL_SPI, 0, pkt, sizeof(pkt));
		bi_evil_to_b(pkt, len);
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
	bi_assert_logged(mark, "more than 64 payloads");
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
	bi_assert_auth_refused(mark, N_INVALID_SYNTAX, "more than 1");
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
		bi_assert_auth_refused(mark, c[i].notify, c[i].why);
		bi_fresh_exchange_ok();
		bi_end();
	}
}
END_TEST

/* The AUTH payload names the method: a signature where the connection
 * takes a PSK is logged as the wrong method, a wrong PSK value as a PSK
 * that does not match (auth/auth.h rows). */
START_TEST(test_auth_wrong_method)
{
	static const struct { uint8_t method; const char *why; } c[] = {
		{ AUTH_METHOD_ECDSA_256, "authenticates with ECDSA_SHA256_P256, the connection accepts psk only" },
		{ AUTH_METHOD_DIGITAL_SIG, "authenticates with DIGITAL_SIGNATURE, the connection accepts psk only" },
		{ AUTH_METHOD_PSK, "does not verify: the PSK does not match" },
	};
	uint8_t ab[4 + 32];

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		size_t mark;

		memset(ab, 0x5a, sizeof(ab));
		ab[0] = c[i].method;
		ab[1] = ab[2] = ab[3] = 0;
		bi_begin(NULL, NULL);
		bi_half_open();
		mark = bi_log_mark();
		bi_auth_send_swap(PL_AUTH, ab, sizeof(ab), 0);
		bi_assert_auth_refused(mark, N_AUTHENTICATION_FAILED, c[i].why);
		ck_assert_uint_eq(bi_logged(mark, c[i].method == AUTH_METHOD_PSK ?
					    "authenticates with" : "PSK does not match"), 0);
		bi_fresh_exchange_ok();
		bi_end();
	}
}
END_TEST

/* A CHILD SA our own kernel refuses is logged as our kernel's refusal with
 * its reason; one the peer refuses as the peer's answer. */
START_TEST(test_kernel_refusal_named)
{
	size_t mark;

	/* the initiator's kernel refuses the inbound SA */
	bi_begin(NULL, NULL);
	pair_initiate(&BI);
	ck_assert_uint_eq(pair_pump(&BI, 3), 3);
	mark = bi_log_mark();
	kernel_mem_fail_next(BI.peer[PAIR_A].k, ENOBUFS);
	pair_pump(&BI, 0);
	ck_assert_uint_eq(bi_logged(mark, "our kernel refused the SA: No buffer space available"), 1);
	ck_assert_uint_eq(bi_logged(mark, "the peer answered"), 0);
	bi_end();
	/* the responder's kernel refuses: it says so, the initiator reports
	 * the peer's NO_PROPOSAL_CHOSEN */
	bi_begin(NULL, NULL);
	pair_initiate(&BI);
	ck_assert_uint_eq(pair_pump(&BI, 2), 2);
	mark = bi_log_mark();
	kernel_mem_fail_next(BI.peer[PAIR_B].k, ENOBUFS);
	pair_pump(&BI, 0);
	ck_assert_uint_eq(bi_logged(mark, "our kernel refused an inbound SPI: No buffer space available"), 1);
	ck_assert_uint_eq(bi_logged(mark, "not installed on our side, answering NO_PROPOSAL_CHOSEN"), 1);
	ck_assert_uint_eq(bi_logged(mark, "the peer answered NO_PROPOSAL_CHOSEN"), 1);
	bi_end();
}
END_TEST

/* ---- row 14: inconsistent SA structure (IKE_AUTH) ---- */

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
	bi_assert_auth_refused(mark, N_INVALID_SYNTAX, "SPI size 0 invalid for protocol 3");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 15: unknown transform in the CHILD SA proposal ---- */

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

/* ---- row 19: KE where no DH was negotiated ---- */

START_TEST(test_r19_ke_in_auth)
{
	uint8_t pub[64];
	size_t mark, len;
	struct bi_pl extra = { PL_KE, 0, bi_ke_buf, 0, 0, 0 };

	bi_begin(NULL, NULL);
	bi_half_open();
	len = bi_ke_pub(KE_CURVE25519, pub, sizeof(pub));
	extra.len = bi_ke_body(KE_CURVE25519, pub, len, bi_ke_buf, sizeof(bi_ke_buf));
	mark = bi_log_mark();
	bi_auth_send(0, &extra, 1);
	bi_assert_auth_refused(mark, N_INVALID_SYNTAX, "KE payload at offset");
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

/* ---- row 23: notify with bad protocol/SPI size; unknown error in a response ---- */

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
	bi_assert_logged(mark, "peer reports");
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
	bi_assert_logged(mark, "IKE_AUTH refused by the peer");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 24: SK not last, nested, in IKE_SA_INIT; payloads outside SK ---- */

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
	len = bi_good_init(&extra, 1, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, "not allowed in IKE_SA_INIT");
	bi_establish();
	rx = B_sa()->win.rx_next;
	/* nested */
	clen = bi_chain(nested, 2, chain, sizeof(chain), &first);
	mark = bi_log_mark();
	bi_info_send(chain, clen, first);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	bi_assert_logged(mark, "nested inside SK");
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
	bi_assert_logged(mark, "not the last payload");
	/* a Notify in the clear before a valid SK payload (3.14: everything
	 * after IKE_SA_INIT is inside SK) */
	{
		struct ike_sa *a = A_sa();
		struct bi_pl pre[2] = { { PL_NOTIFY, 0, vid, 0, 0, 0 }, { PL_SK, 0, NULL, 0, 0, 0 } };
		uint8_t nb[16], pchain[64], pfirst;
		struct ike_hdr h;
		size_t plen;

		pre[0].body = nb;
		pre[0].len = bi_notify_body(0, N_AUTHENTICATION_FAILED, NULL, 0, NULL, 0, nb,
					    sizeof(nb));
		plen = bi_chain(pre, 2, pchain, sizeof(pchain), &pfirst) - 4;
		bi_hdr(&h, a->entry.spi_i, a->entry.spi_r, INFORMATIONAL, IKE_FLAG_INITIATOR,
		       (uint32_t)rx);
		len = bi_seal_pre(&h, pchain, plen, pfirst, &a->sk_out, NULL, 0, PL_NONE, pkt,
				  sizeof(pkt));
		bi_inject(PAIR_B, &bi_a, pkt, len);
	}
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	bi_assert_logged(mark, "outside SK");
	/* an exchange type nobody defined, sealed with the right keys */
	{
		struct ike_sa *a = A_sa();
		struct ike_hdr h;

		bi_hdr(&h, a->entry.spi_i, a->entry.spi_r, 99, IKE_FLAG_INITIATOR, (uint32_t)rx);
		len = bi_seal(&h, &a->sk_out, NULL, 0, PL_NONE, pkt, sizeof(pkt));
		bi_inject(PAIR_B, &bi_a, pkt, len);
	}
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	bi_assert_logged(mark, "exchange 99");
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
	ck_assert_uint_eq(bi_logged(mark, "request outside the window"), 3);
	bi_dpd_ok();
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
		bi_assert_auth_refused(mark, N_AUTHENTICATION_FAILED, "refused");
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
		bi_assert_auth_refused(mark, N_INVALID_SYNTAX, ts[i].why);
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
	bi_assert_logged(mark, "traffic selectors unacceptable");
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
		bi_assert_logged(mark, d[i].why);
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
	Suite *s = suite_create("BAD-INPUT rows, protected exchanges");
	TCase *tc = tcase_create("protected");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_r05_request_unknown_spi);
	tcase_add_test(tc, test_r05_invalid_spi_flood);
	tcase_add_test(tc, test_r06_unprotected_error_to_responder);
	tcase_add_test(tc, test_r06_unprotected_error_to_initiator);
	tcase_add_test(tc, test_r07_before_auth);
	tcase_add_test(tc, test_r07_initiator_without_keys);
	tcase_add_test(tc, test_r08_broken_chain_after_auth);
	tcase_add_test(tc, test_r08_broken_chain_in_auth);
	tcase_add_test(tc, test_r09_critical_after_auth);
	tcase_add_test(tc, test_r09_critical_in_auth);
	tcase_add_test(tc, test_r10_unknown_skipped);
	tcase_add_test(tc, test_r11_many_payloads);
	tcase_add_test(tc, test_r11_duplicates_in_auth);
	tcase_add_test(tc, test_r13_auth_missing);
	tcase_add_test(tc, test_auth_wrong_method);
	tcase_add_test(tc, test_kernel_refusal_named);
	tcase_add_test(tc, test_r14_esp_spi_size_in_auth);
	tcase_add_test(tc, test_r15_esp_no_proposal_in_auth);
	tcase_add_test(tc, test_r19_ke_in_auth);
	tcase_add_test(tc, test_r19_ke_transform_in_esp_ignored);
	tcase_add_test(tc, test_r23_bad_notify_request);
	tcase_add_test(tc, test_r23_unknown_error_in_response);
	tcase_add_test(tc, test_r24_sk_placement);
	tcase_add_test(tc, test_r25_bad_icv);
	tcase_add_test(tc, test_r25_bad_padding);
	tcase_add_test(tc, test_r26_replay);
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
