/*
 * BAD-INPUT.md against a daemon-side IKE SA, unprotected part: crafted
 * IKE_SA_INIT requests (and stray responses) to the responder B of the pair
 * harness, forged IKE_SA_INIT answers to the initiator A (rows 16, 21, 22).
 * Each case checks the table's reaction (the notify, or silence), the log
 * line naming the reason, that no state is left, and that a good exchange
 * still succeeds afterwards.  The encrypted exchanges: test_badinput.c.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine/exchange.h"
#include "ike/crypto/ke_modp.h"
#include "lib/kernel_mem.h"
#include "badinput.h"

static uint8_t pkt[BI_MSG_MAX], chain[BI_MSG_MAX], body[BI_MSG_MAX];

static struct ike_sa *A_sa(void) { return pair_sa(&BI, PAIR_A); }

/* NO_PROPOSAL_CHOSEN from B, stateless, logged. */
static void assert_no_proposal(size_t mark)
{
	bi_expect_notify(PAIR_B, NULL, N_NO_PROPOSAL_CHOSEN);
	bi_assert_b_empty();
	bi_assert_logged(mark, "no proposal chosen");
}

/* ---- row 1: datagram < 28 bytes, header length != datagram length ---- */

START_TEST(test_r01_short_datagram)
{
	size_t mark, len, dropped;

	bi_begin(NULL, NULL);
	len = bi_good_init(NULL, 0, pkt, sizeof(pkt));
	dropped = bi_e(PAIR_B)->stats.packets_dropped;
	mark = bi_log_mark();
	bi_evil_to_b(pkt, 27);
	bi_assert_dropped(mark, "datagram of 27 bytes < 28");
	bi_evil_to_b(pkt, 0);
	bi_assert_dropped(mark, "datagram of 0 bytes < 28");
	/* the length field says one byte more / less than what arrived */
	mark = bi_log_mark();
	pkt[27]++;
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, "!= datagram length");
	pkt[27] -= 2;
	bi_evil_to_b(pkt, len);
	pkt[27]++;
	bi_evil_to_b(pkt, len - 1);
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
	len = bi_good_init(NULL, 0, pkt, sizeof(pkt));
	pkt[17] = 0x30;		/* IKEv3 */
	mark = bi_log_mark();
	bi_evil_to_b(pkt, len);
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
	bi_assert_logged(mark, "major version 3 > 2");
	/* a flood gets a bounded number of answers */
	for (int i = 0; i < 200; i++)
		bi_evil_to_b(pkt, len);
	while ((q = bi_pop(PAIR_B))) {
		answers++;
		free(q);
	}
	ck_assert_uint_ge(answers, 1);
	ck_assert_uint_le(answers, ENGINE_UNAUTH_NOTIFY_PER_S);
	bi_assert_b_empty();
	/* IKEv1 (major 1) is not ours to answer */
	pkt[17] = 0x10;
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, "major version 1 < 2");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

START_TEST(test_r02_minor_and_reserved_flags)
{
	size_t len;

	bi_begin(NULL, NULL);
	len = bi_good_init(NULL, 0, pkt, sizeof(pkt));
	pkt[17] = 0x2f;			/* minor 15 */
	pkt[19] |= 0xc7;		/* every reserved flag bit */
	pkt[19] |= IKE_FLAG_VERSION;
	bi_evil_to_b(pkt, len);
	bi_assert_init_answered();
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
	n = bi_init_parts(v, BI_PROP, KE_CURVE25519, NULL, 0, 32);
	mark = bi_log_mark();
	len = bi_init_from(v, n, 0, 0, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, "initiator SPI is 0");
	len = bi_init_from(v, n, BI_EVIL_SPI, 0x99, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, "responder SPI is not 0");
	/* message ID != 0 */
	len = bi_init_from(v, n, BI_EVIL_SPI, 0, pkt, sizeof(pkt));
	pkt[23] = 1;
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, "message ID 1 != 0");
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
	len = bi_good_init(NULL, 0, pkt, sizeof(pkt));
	pkt[8] = 0x42;
	pkt[19] = IKE_FLAG_RESPONSE;
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, "response for an unknown IKE SA");
	/* an error notify as an INFORMATIONAL response */
	v[0].len = bi_notify_body(0, N_INVALID_SYNTAX, NULL, 0, NULL, 0, body, sizeof(body));
	clen = bi_chain(v, 1, chain, sizeof(chain), &first);
	bi_hdr(&h, BI_EVIL_SPI, 0x42, INFORMATIONAL, IKE_FLAG_RESPONSE, 7);
	len = bi_msg(&h, chain, clen, first, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	ck_assert_uint_eq(bi_logged(mark, "response for an unknown IKE SA"), 2);
	bi_assert_dropped(mark, "response for an unknown IKE SA");
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
	n = bi_init_parts(v, BI_PROP, KE_CURVE25519, NULL, 0, 32);
	mark = bi_log_mark();
	v[2].lie = 1;
	v[2].len_field = 3;		/* Ni length < 4 */
	len = bi_init_from(v, n, BI_EVIL_SPI, 0, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, "length 3 < 4");
	v[2].len_field = 4 + 33;	/* overruns the message */
	len = bi_init_from(v, n, BI_EVIL_SPI, 0, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, "bytes left");
	v[2].lie = 0;
	len = bi_init_from(v, n, BI_EVIL_SPI, 0, pkt, sizeof(pkt));
	pkt[IKE_HDR_LEN + v[0].len + 4 + v[1].len + 4] = PL_VENDOR;	/* chain goes on */
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, "bytes left < 4");
	/* KE payload overrunning the SA payload's sub-structures */
	v[0].lie = 1;
	v[0].len_field = (uint16_t)(4 + v[0].len + 2);
	len = bi_init_from(v, n, BI_EVIL_SPI, 0, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	bi_assert_b_empty();
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
	len = bi_good_init(&extra, 1, pkt, sizeof(pkt));
	mark = bi_log_mark();
	bi_evil_to_b(pkt, len);
	n = bi_expect_notify(PAIR_B, NULL, N_UNSUPPORTED_CRITICAL_PAYLOAD);
	ck_assert_uint_eq(n->data.len, 1);
	ck_assert_uint_eq(n->data.p[0], 200);
	bi_assert_b_empty();
	bi_assert_logged(mark, "unsupported and critical");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* In an answer nothing is sent back (2.21): the initiator drops it and
 * keeps waiting for the real one. */
START_TEST(test_r09_critical_in_init_response)
{
	static const uint8_t junk[4] = { 4, 4, 4, 4 };
	struct bi_pl v[2] = { { PL_NOTIFY, 0, body, 0, 0, 0 },
			      { 201, PL_FLAG_CRITICAL, junk, sizeof(junk), 0, 0 } };
	struct ike_hdr h;
	uint8_t first;
	size_t mark, len, clen;

	bi_begin(NULL, NULL);
	pair_initiate(&BI);
	v[0].len = bi_notify_body(0, N_NO_PROPOSAL_CHOSEN, NULL, 0, NULL, 0, body, sizeof(body));
	clen = bi_chain(v, 2, chain, sizeof(chain), &first);
	bi_hdr(&h, A_sa()->entry.spi_i, 0, IKE_SA_INIT, IKE_FLAG_RESPONSE, 0);
	len = bi_msg(&h, chain, clen, first, pkt, sizeof(pkt));
	mark = bi_log_mark();
	bi_inject(PAIR_A, &bi_b, pkt, len);
	ck_assert_uint_eq(bi_nfrom(PAIR_A), 1);		/* its own request only */
	ck_assert_int_eq(A_sa()->state, IKE_SA_INIT_SENT);
	ck_assert_uint_eq(A_sa()->notify_err, 0);
	bi_assert_logged(mark, "unsupported and critical");
	pair_pump(&BI, 0);
	ck_assert(pair_established(&BI));
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

		bi_init_parts(v, BI_PROP, KE_CURVE25519, NULL, 0, 32);
		for (int i = 0; i < 3; i++)
			if (i != skip)
				w[n++] = v[i];
		mark = bi_log_mark();
		len = bi_init_from(w, n, BI_EVIL_SPI, 0, pkt, sizeof(pkt));
		bi_evil_to_b(pkt, len);
		bi_assert_dropped(mark, why[skip]);
	}
	bi_fresh_exchange_ok();
	bi_end();
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
	len = bi_good_init(NULL, 0, pkt, sizeof(pkt));
	pkt[OFF_PROP + 3]++;		/* proposal length + 1 */
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, "proposal");
	len = bi_good_init(NULL, 0, pkt, sizeof(pkt));
	pkt[OFF_XF + 3] = 200;		/* transform length past the proposal */
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, "transform length 200");
	len = bi_good_init(NULL, 0, pkt, sizeof(pkt));
	pkt[OFF_PROP + 4] = 2;		/* first proposal numbered 2 */
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, "proposal number 2, expected 1");
	len = bi_good_init(NULL, 0, pkt, sizeof(pkt));
	pkt[OFF_PROP + 7]++;		/* transform count one too many */
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, "transform count");
	len = bi_good_init(NULL, 0, pkt, sizeof(pkt));
	pkt[OFF_XF + 20] = 3;		/* "more transforms" on the last one (KE) */
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, "last-substructure 3 but 0 bytes follow");
	len = bi_good_init(NULL, 0, pkt, sizeof(pkt));
	pkt[OFF_XF] = 0;		/* "last" on the first one */
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, "last-substructure 0 but");
	/* an SPI in an IKE proposal of IKE_SA_INIT (3.3.1): 8 bytes, then 4 */
	n = bi_init_parts(v, BI_PROP, KE_CURVE25519, NULL, 0, 32);
	{
		uint8_t sa8[2048];
		size_t l = v[0].len;

		memcpy(sa8, bi_sa_buf, 8);
		sa8[2] = (uint8_t)((l + 8) >> 8);
		sa8[3] = (uint8_t)(l + 8);
		sa8[6] = 8;
		memset(sa8 + 8, 0xee, 8);
		memcpy(sa8 + 16, bi_sa_buf + 8, l - 8);
		v[0].body = sa8;
		v[0].len = l + 8;
		len = bi_init_from(v, n, BI_EVIL_SPI, 0, pkt, sizeof(pkt));
		bi_evil_to_b(pkt, len);
		bi_assert_dropped(mark, "IKE proposal with an SPI in IKE_SA_INIT");
		sa8[2] = (uint8_t)((l + 4) >> 8);
		sa8[3] = (uint8_t)(l + 4);
		sa8[6] = 4;
		memcpy(sa8 + 12, bi_sa_buf + 8, l - 8);
		v[0].len = l + 4;
		len = bi_init_from(v, n, BI_EVIL_SPI, 0, pkt, sizeof(pkt));
		bi_evil_to_b(pkt, len);
		bi_assert_dropped(mark, "SPI size 4 invalid for protocol 1");
	}
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 15: mandatory transform missing, unknown transform/attribute/type ---- */

START_TEST(test_r15_unacceptable_proposals)
{
	static const struct { const char *props; uint8_t drop; } c[] = {
		{ BI_PROP, TT_PRF },
		{ BI_PROP, TT_KE },
		{ BI_PROP, TT_ENCR },
		{ "aes256-sha256-prfsha256-x25519", TT_INTEG },	/* CBC without INTEG */
	};
	struct bi_pl v[3];
	size_t mark, len;

	bi_begin(NULL, NULL);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		bi_init_parts(v, BI_PROP, KE_CURVE25519, NULL, 0, 32);
		v[0].len = bi_sa_body_without(c[i].props, c[i].drop, bi_sa_buf, sizeof(bi_sa_buf));
		len = bi_init_from(v, 3, BI_EVIL_SPI, 0, pkt, sizeof(pkt));
		mark = bi_log_mark();
		bi_evil_to_b(pkt, len);
		assert_no_proposal(mark);
	}
	/* unknown ENCR id; unknown transform type; unknown attribute */
	for (int k = 0; k < 3; k++) {
		len = bi_good_init(NULL, 0, pkt, sizeof(pkt));
		if (k == 0)
			pkt[OFF_XF + 7] = 250;		/* ENCR id 250 */
		else if (k == 1)
			pkt[OFF_XF + 4] = 9;		/* transform type 9 */
		else
			pkt[OFF_XF + 8] = 0x80 | 0x7f;	/* attribute 0x7f0e (TV) */
		mark = bi_log_mark();
		bi_evil_to_b(pkt, len);
		assert_no_proposal(mark);
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
	len = bi_init(BI_EVIL_SPI, BI_PROP "," BI_PROP, KE_CURVE25519, NULL, 0, pkt,
		      sizeof(pkt));
	pkt[OFF_XF + 8] = 0xff;
	bi_evil_to_b(pkt, len);
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
		bi_assert_logged(mark, "which we did not offer: abandoned");
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
	len = bi_init(BI_EVIL_SPI, "aes256gcm16-prfsha256-ecp256-x25519", KE_ECP_256, NULL, 0, pkt,
		      sizeof(pkt));
	mark = bi_log_mark();
	bi_evil_to_b(pkt, len);
	n = bi_expect_notify(PAIR_B, NULL, N_INVALID_KE_PAYLOAD);
	ck_assert_uint_eq(n->data.len, 2);
	ck_assert_uint_eq(n->data.p[0] << 8 | n->data.p[1], KE_CURVE25519);
	bi_assert_b_empty();
	bi_assert_logged(mark, "asking for");
	bi_fresh_exchange_ok();
	bi_end();
}
END_TEST

/* ---- row 18: bad KE values ---- */

static void ke_refused(const char *props, uint16_t group, const uint8_t *ke, size_t len,
		       const char *why)
{
	struct bi_pl v[3];
	size_t n = bi_init_parts(v, props, group, ke, len, 32), mark = bi_log_mark();

	len = bi_init_from(v, n, BI_EVIL_SPI, 0, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	bi_assert_dropped(mark, why);
}

START_TEST(test_r18_bad_ke_values)
{
	static uint8_t v[1100];
	static const char modp[] = "aes256gcm16-prfsha256-modp3072";
	size_t plen;

	bi_begin(NULL, NULL);
	memset(v, 0x42, sizeof(v));
	ke_refused(BI_PROP, KE_CURVE25519, v, 31, "initiator's KE refused");
	ke_refused(BI_PROP, KE_CURVE25519, v, 33, "initiator's KE refused");
	memset(v, 0, 32);		/* small order: all-zero shared secret */
	ke_refused(BI_PROP, KE_CURVE25519, v, 32, "initiator's KE refused");
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
	bi_init_parts(v, BI_PROP, KE_CURVE25519, NULL, 0, 32);
	v[1].len = bi_ke_body(999, junk, sizeof(junk), bi_ke_buf, sizeof(bi_ke_buf));
	len = bi_init_from(v, 3, BI_EVIL_SPI, 0, pkt, sizeof(pkt));
	mark = bi_log_mark();
	bi_evil_to_b(pkt, len);
	n = bi_expect_notify(PAIR_B, NULL, N_INVALID_KE_PAYLOAD);
	ck_assert_uint_eq(n->data.p[0] << 8 | n->data.p[1], KE_CURVE25519);
	bi_assert_b_empty();
	/* a proposal with only group 999: nothing to choose */
	len = bi_good_init(NULL, 0, pkt, sizeof(pkt));
	pkt[OFF_XF + 8 * 2 + 4 + 6] = 0x03;	/* KE transform id 31 -> 0x031f */
	bi_evil_to_b(pkt, len);
	assert_no_proposal(mark);
	bi_fresh_exchange_ok();
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
		bi_init_parts(v, BI_PROP, KE_CURVE25519, NULL, 0, lens[i]);
		len = bi_init_from(v, 3, BI_EVIL_SPI, 0, pkt, sizeof(pkt));
		mark = bi_log_mark();
		bi_evil_to_b(pkt, len);
		bi_assert_dropped(mark, "outside [16, 256]");
	}
	/* 16 and 256 are fine */
	bi_init_parts(v, BI_PROP, KE_CURVE25519, NULL, 0, 256);
	len = bi_init_from(v, 3, BI_EVIL_SPI, 0, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	bi_assert_init_answered();
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

	bi_init_parts(v + 1, BI_PROP, KE_CURVE25519, NULL, 0, 32);
	memset(&v[0], 0, sizeof(v[0]));
	v[0].type = PL_NOTIFY;
	v[0].body = nb;
	v[0].len = bi_notify_body(0, N_COOKIE, NULL, 0, ck, len, nb, sizeof(nb));
	return bi_init_from(v, 4, spi, 0, pkt, sizeof(pkt));
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
	len = bi_good_init(NULL, 0, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	bi_assert_init_answered();
	memset(ck, 0xc5, sizeof(ck));
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		len = init_with_cookie(BI_EVIL_SPI + 1 + i, ck, c[i].len);
		mark = bi_log_mark();
		bi_evil_to_b(pkt, len);
		n = bi_expect_notify(PAIR_B, NULL, N_COOKIE);
		ck_assert_uint_eq(n->data.len, COOKIE_LEN);
		memcpy(good, n->data.p, COOKIE_LEN);
		ck_assert_uint_eq(pair_nsas(&BI, PAIR_B), 1);
		bi_assert_logged(mark, c[i].why);
		bi_assert_logged(mark, "cookie required");
	}
	/* a real cookie, but made for another SPI: a fresh one again */
	len = init_with_cookie(BI_EVIL_SPI + 1 + i, good, COOKIE_LEN);
	bi_evil_to_b(pkt, len);
	n = bi_expect_notify(PAIR_B, NULL, N_COOKIE);
	ck_assert_mem_ne(n->data.p, good, COOKIE_LEN);
	memcpy(good, n->data.p, COOKIE_LEN);
	ck_assert_uint_eq(bi_e(PAIR_B)->stats.cookies_sent, 5);
	ck_assert_uint_eq(halfopen_total(&bi_e(PAIR_B)->cookies), 1);
	/* echoing the fresh one, as a real initiator does, gets in */
	len = init_with_cookie(BI_EVIL_SPI + 1 + i, good, COOKIE_LEN);
	bi_evil_to_b(pkt, len);
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
	bi_assert_logged(mark, "NO_PROPOSAL_CHOSEN");
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

START_TEST(test_r26_init_flood)
{
	uint8_t first_answer[BI_MSG_MAX];
	struct pair_pkt *q;
	size_t len, alen;

	bi_begin(NULL, NULL);
	len = bi_good_init(NULL, 0, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	q = bi_pop(PAIR_B);
	ck_assert_ptr_nonnull(q);
	alen = q->len;
	memcpy(first_answer, q->data, alen);
	free(q);
	for (int i = 0; i < 50; i++) {
		bi_evil_to_b(pkt, len);
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

/*
 * Per-address half-open limits (strongSwan's cookie_threshold_ip and
 * block_threshold): defaults cookies from 3, drop at 5; raised for many
 * clients behind one NAT address; 0 turns each off.
 */
static void inits_from_evil(unsigned n, uint64_t first_spi)
{
	for (unsigned i = 0; i < n; i++) {
		size_t len = bi_init(first_spi + i, BI_PROP, KE_CURVE25519, NULL, 0, pkt,
				     sizeof(pkt));

		struct pair_pkt *q;

		bi_evil_to_b(pkt, len);
		q = bi_pop(PAIR_B);
		ck_assert_ptr_nonnull(q);
		ck_assert_int_ge(ike_msg_find(bi_decode(q, NULL), PL_KE, 0), 0);
		free(q);
		ck_assert_uint_eq(halfopen_total(&bi_e(PAIR_B)->cookies), i + 1);
	}
}

START_TEST(test_per_address_thresholds)
{
	char conf[4096];
	size_t len;

	bi_begin(NULL, NULL);
	inits_from_evil(3, BI_EVIL_SPI);
	len = bi_init(BI_EVIL_SPI + 3, BI_PROP, KE_CURVE25519, NULL, 0, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	bi_expect_notify(PAIR_B, NULL, N_COOKIE);
	ck_assert_uint_eq(halfopen_total(&bi_e(PAIR_B)->cookies), 3);
	bi_end();

	snprintf(conf, sizeof(conf),
		 "global: { cookie_threshold = 0; cookie_threshold_ip = 10; block_threshold = 12; };\n%s",
		 pair_conf_b);
	bi_begin(NULL, conf);
	inits_from_evil(10, BI_EVIL_SPI);
	ck_assert_uint_eq(halfopen_total(&bi_e(PAIR_B)->cookies), 10);
	ck_assert_uint_eq(bi_e(PAIR_B)->stats.cookies_sent, 0);
	len = bi_init(BI_EVIL_SPI + 10, BI_PROP, KE_CURVE25519, NULL, 0, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	bi_expect_notify(PAIR_B, NULL, N_COOKIE);
	bi_end();

	snprintf(conf, sizeof(conf),
		 "global: { cookie_threshold = 0; cookie_threshold_ip = 0; block_threshold = 4; };\n%s",
		 pair_conf_b);
	bi_begin(NULL, conf);
	inits_from_evil(4, BI_EVIL_SPI);
	len = bi_init(BI_EVIL_SPI + 4, BI_PROP, KE_CURVE25519, NULL, 0, pkt, sizeof(pkt));
	bi_evil_to_b(pkt, len);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	ck_assert_uint_eq(halfopen_total(&bi_e(PAIR_B)->cookies), 4);
	ck_assert_uint_eq(bi_e(PAIR_B)->stats.cookies_sent, 0);
	bi_end();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("BAD-INPUT rows, IKE_SA_INIT");
	TCase *tc = tcase_create("unprotected");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_r01_short_datagram);
	tcase_add_test(tc, test_r02_major_version);
	tcase_add_test(tc, test_r02_minor_and_reserved_flags);
	tcase_add_test(tc, test_r03_init_spis);
	tcase_add_test(tc, test_r04_response_unknown_sa);
	tcase_add_test(tc, test_r08_broken_chain_before_auth);
	tcase_add_test(tc, test_r09_critical_in_init);
	tcase_add_test(tc, test_r09_critical_in_init_response);
	tcase_add_test(tc, test_r12_init_missing);
	tcase_add_test(tc, test_r14_sa_structure);
	tcase_add_test(tc, test_r15_unacceptable_proposals);
	tcase_add_test(tc, test_r15_bad_then_good_proposal);
	tcase_add_test(tc, test_r16_not_offered);
	tcase_add_test(tc, test_r17_wrong_ke_group);
	tcase_add_test(tc, test_r18_bad_ke_values);
	tcase_add_test(tc, test_r18_unknown_group);
	tcase_add_test(tc, test_r20_nonce_length);
	tcase_add_test(tc, test_r21_bad_cookies);
	tcase_add_test(tc, test_r21_bad_cookie_to_initiator);
	tcase_add_test(tc, test_r22_forged_error);
	tcase_add_test(tc, test_r22_forged_invalid_ke);
	tcase_add_test(tc, test_r26_init_flood);
	tcase_add_test(tc, test_per_address_thresholds);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pair_main(suite());
}
