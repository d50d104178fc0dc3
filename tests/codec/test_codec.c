/* Codec: real strongSwan packets, round trips of every payload type, SK. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec_fixtures.h"
#include "ike/codec/codec.h"
#include "ike/codec/names.h"

static struct ike_msg m;

static void assert_reencodes(const uint8_t *buf, size_t len, const struct ike_msg *msg)
{
	uint8_t out[FX_MAX_MSG];
	struct wr w;

	wr_init(&w, out, sizeof(out));
	ck_assert_int_eq(ike_msg_encode(msg, &w), 0);
	ck_assert_uint_eq(wr_len(&w), len);
	ck_assert_mem_eq(out, buf, len);
}

/*
 * Every captured message decodes and re-encodes byte for byte.  For the
 * encrypted ones, the SK plaintext (decrypted by the capture script with the
 * keys charon logged) goes through the second entry point, passes the
 * exchange's rules and re-encodes byte for byte too.
 */
START_TEST(test_captured_roundtrip)
{
	uint8_t buf[FX_MAX_MSG], plain[FX_MAX_MSG], out[FX_MAX_MSG];
	char name[64];
	struct codec_err err;
	size_t len = fx_load(fx_captured[_i], buf, sizeof(buf)), plen;
	struct wr w;
	uint8_t first;

	ck_assert_msg(ike_msg_decode(buf, len, &m, &err) == 0, "%s: %s",
		      fx_captured[_i], err.reason);
	assert_reencodes(buf, len, &m);
	if (m.hdr.exchange == IKE_SA_INIT) {
		ck_assert_int_eq(m.sk_index, -1);
		ck_assert_msg(ike_msg_check_rules(&m, &err) == 0, "%s", err.reason);
		return;
	}
	/* encrypted: the SK payload is the whole chain */
	ck_assert_int_eq(m.sk_index, 0);
	ck_assert_uint_eq(m.npl, 1);
	ck_assert_uint_eq(m.pl[0].u.sk.hdr_off, IKE_HDR_LEN);
	ck_assert_uint_eq(m.pl[0].u.sk.body.len, len - IKE_HDR_LEN - 4);
	ck_assert_ptr_eq(m.pl[0].u.sk.body.p, buf + IKE_HDR_LEN + 4);
	snprintf(name, sizeof(name), "%.*s.plain", (int)strlen(fx_captured[_i]) - 4,
		 fx_captured[_i]);
	plen = fx_load(name, plain, sizeof(plain));
	ck_assert_msg(ike_msg_decode_sk(&m, m.pl[0].u.sk.first, plain, plen, &err) == 0,
		      "%s: %s", name, err.reason);
	ck_assert_msg(ike_msg_check_rules(&m, &err) == 0, "%s: %s", name, err.reason);
	wr_init(&w, out, sizeof(out));
	ck_assert_int_eq(ike_msg_encode_sk(&m, &w, &first), 0);
	ck_assert_uint_eq(first, plen ? m.pl[0].u.sk.first : PL_NONE);
	ck_assert_uint_eq(wr_len(&w), plen);
	ck_assert_mem_eq(out, plain, plen);
}
END_TEST

/* strongSwan's IKE_AUTH request, decrypted: IDi AUTH SA TSi TSr N... */
START_TEST(test_captured_ike_auth_fields)
{
	static const uint8_t ts_a[4] = { 10, 99, 0, 1 }, ts_b[4] = { 10, 99, 0, 2 };
	uint8_t buf[FX_MAX_MSG], plain[FX_MAX_MSG];
	struct codec_err err;
	size_t len = fx_load("03-ike_auth-req.bin", buf, sizeof(buf));
	size_t plen = fx_load("03-ike_auth-req.plain", plain, sizeof(plain));
	const struct ike_payload *p;
	int i;

	ck_assert_int_eq(ike_msg_decode(buf, len, &m, &err), 0);
	ck_assert_uint_eq(m.pl[0].u.sk.first, PL_IDI);
	ck_assert_int_eq(ike_msg_decode_sk(&m, PL_IDI, plain, plen, &err), 0);
	p = &m.pl[ike_msg_find(&m, PL_IDI, 0)];
	ck_assert(p->in_sk);
	ck_assert_uint_eq(p->u.id.type, ID_FQDN);
	ck_assert_uint_eq(p->u.id.data.len, 13);
	ck_assert_mem_eq(p->u.id.data.p, "A.example.org", 13);
	p = &m.pl[ike_msg_find(&m, PL_AUTH, 0)];
	ck_assert_uint_eq(p->u.auth.method, AUTH_METHOD_PSK);
	ck_assert_uint_eq(p->u.auth.data.len, 32);	/* PRF-HMAC-SHA2-256 output */
	p = &m.pl[ike_msg_find(&m, PL_SA, 0)];
	ck_assert_uint_eq(p->u.sa.nprop, 1);
	ck_assert_uint_eq(p->u.sa.prop[0].protocol, PROTO_ESP);
	ck_assert_uint_eq(p->u.sa.prop[0].spi_size, 4);
	ck_assert_uint_eq(p->u.sa.prop[0].xf[0].id, ENCR_AES_GCM_16);
	ck_assert_uint_eq(p->u.sa.prop[0].xf[0].keylen, 256);
	ck_assert_uint_eq(p->u.sa.prop[0].xf[1].type, TT_ESN);
	i = ike_msg_find(&m, PL_TSI, 0);
	ck_assert_uint_eq(m.pl[i].u.ts.nts, 1);
	ck_assert_mem_eq(m.pl[i].u.ts.ts[0].start, ts_a, 4);
	ck_assert_uint_eq(m.pl[i].u.ts.ts[0].end_port, 65535);
	i = ike_msg_find(&m, PL_TSR, 0);
	ck_assert_mem_eq(m.pl[i].u.ts.ts[0].end, ts_b, 4);
	ck_assert_ptr_nonnull(ike_msg_notify(&m, N_MOBIKE_SUPPORTED));
	/* the IKE_AUTH response refuses the CHILD_SA (no ESP on this kernel) */
	len = fx_load("04-ike_auth-resp.bin", buf, sizeof(buf));
	plen = fx_load("04-ike_auth-resp.plain", plain, sizeof(plain));
	ck_assert_int_eq(ike_msg_decode(buf, len, &m, &err), 0);
	ck_assert_int_eq(ike_msg_decode_sk(&m, m.pl[0].u.sk.first, plain, plen, &err), 0);
	ck_assert_ptr_nonnull(ike_msg_notify(&m, N_NO_PROPOSAL_CHOSEN));
	ck_assert_int_eq(ike_msg_find(&m, PL_SA, 0), -1);
	ck_assert_int_ge(ike_msg_find(&m, PL_AUTH, 0), 0);
}
END_TEST

/* Field values of strongSwan's IKE_SA_INIT request (aes256gcm16-prfsha256-x25519). */
START_TEST(test_captured_sa_init_fields)
{
	uint8_t buf[FX_MAX_MSG];
	struct codec_err err;
	size_t len = fx_load("01-ike_sa_init-req.bin", buf, sizeof(buf));
	const struct ike_proposal *p;
	int i;

	ck_assert_int_eq(ike_msg_decode(buf, len, &m, &err), 0);
	ck_assert_uint_eq(m.hdr.exchange, IKE_SA_INIT);
	ck_assert_uint_eq(m.hdr.flags, IKE_FLAG_INITIATOR);
	ck_assert_uint_eq(m.hdr.major, 2);
	i = ike_msg_find(&m, PL_SA, 0);
	ck_assert_int_eq(i, 0);
	ck_assert_uint_eq(m.pl[i].u.sa.nprop, 1);
	p = &m.pl[i].u.sa.prop[0];
	ck_assert_uint_eq(p->protocol, PROTO_IKE);
	ck_assert_uint_eq(p->ntransforms, 3);
	ck_assert_uint_eq(p->xf[0].type, TT_ENCR);
	ck_assert_uint_eq(p->xf[0].id, ENCR_AES_GCM_16);
	ck_assert_uint_eq(p->xf[0].keylen, 256);
	ck_assert_uint_eq(p->xf[1].id, PRF_HMAC_SHA2_256);
	ck_assert_uint_eq(p->xf[2].id, KE_CURVE25519);
	i = ike_msg_find(&m, PL_KE, 0);
	ck_assert_uint_eq(m.pl[i].u.ke.group, KE_CURVE25519);
	ck_assert_uint_eq(m.pl[i].u.ke.data.len, 32);
	i = ike_msg_find(&m, PL_NONCE, 0);
	ck_assert_uint_eq(m.pl[i].u.nonce.len, 32);
	ck_assert_ptr_nonnull(ike_msg_notify(&m, N_NAT_DETECTION_SOURCE_IP));
	ck_assert_uint_eq(ike_msg_notify(&m, N_NAT_DETECTION_DESTINATION_IP)->data.len, 20);
	ck_assert_ptr_nonnull(ike_msg_notify(&m, N_IKEV2_FRAGMENTATION_SUPPORTED));
	ck_assert_ptr_nonnull(ike_msg_notify(&m, N_SIGNATURE_HASH_ALGORITHMS));
	ck_assert_ptr_null(ike_msg_notify(&m, N_COOKIE));
}
END_TEST

static void check_all_payloads(const struct ike_msg *msg, int in_sk)
{
	struct ike_payload want[32];
	size_t n = fx_all_payloads(want, 32), i, j;
	const struct ike_payload *p;

	ck_assert_uint_eq(msg->npl, n + (in_sk ? 1 : 0));
	for (i = 0, j = in_sk ? 1 : 0; i < n; i++, j++) {
		p = &msg->pl[j];
		ck_assert_uint_eq(p->type, want[i].type);
		ck_assert_uint_eq(p->in_sk, in_sk);
		ck_assert(p->known);
	}
	p = &msg->pl[in_sk ? 1 : 0];
	ck_assert_uint_eq(p->u.sa.nprop, 2);
	ck_assert_mem_eq(&p->u.sa.prop[1].xf[0], &fx_ike_props[1].xf[0],
			 sizeof(struct ike_transform));
	ck_assert_uint_eq(p->u.sa.prop[1].ntransforms, 4);
	p++;
	ck_assert_uint_eq(p->u.ke.group, KE_ECP_256);
	ck_assert_mem_eq(p->u.ke.data.p, fx_ke, sizeof(fx_ke));
	p++;
	ck_assert_uint_eq(p->u.nonce.len, 32);
	ck_assert_mem_eq(p->u.nonce.p, fx_nonce, 32);
	p += 2;
	ck_assert_uint_eq(p->u.notify.type, N_REKEY_SA);
	ck_assert_uint_eq(p->u.notify.proto, PROTO_ESP);
	ck_assert_uint_eq(p->u.notify.spi.len, 4);
	p += 2;
	ck_assert_uint_eq(p->u.id.type, ID_FQDN);
	ck_assert_uint_eq(p->u.id.data.len, 14);
	p += 5;
	ck_assert_uint_eq(p->u.cp.cfg_type, CFG_REQUEST);
	ck_assert_uint_eq(p->u.cp.nattr, 3);
	ck_assert_uint_eq(p->u.cp.attr[0].value.len, 4);
	ck_assert_uint_eq(p->u.cp.attr[2].type, 8);
	p++;
	ck_assert_uint_eq(p->u.sa.prop[0].spi_size, 4);
	ck_assert_uint_eq(p->u.sa.prop[0].xf[1].type, TT_ESN);
	p++;
	ck_assert_uint_eq(p->u.ts.nts, 2);
	ck_assert_mem_eq(&p->u.ts.ts[0], &fx_tsi[0], sizeof(struct ike_ts));
	ck_assert_mem_eq(&p->u.ts.ts[1], &fx_tsi[1], sizeof(struct ike_ts));
	p += 2;
	ck_assert_uint_eq(p->u.del.nspi, 2);
	ck_assert_uint_eq(p->u.del.spi_size, 4);
	p += 2;
	ck_assert_uint_eq(p->u.eap.code, 2);
	ck_assert_uint_eq(p->u.eap.id, 7);
	ck_assert_mem_eq(p->u.eap.msg.p, fx_eap, sizeof(fx_eap));
}

/* One payload of each type: encode, decode, compare fields, re-encode. */
START_TEST(test_all_payloads_roundtrip)
{
	struct ike_payload pl[32];
	uint8_t buf[FX_MAX_MSG];
	struct codec_err err;
	struct ike_hdr h;
	size_t n = fx_all_payloads(pl, 32), len;

	fx_hdr(&h, INFORMATIONAL, IKE_FLAG_INITIATOR, 5);
	len = fx_encode(&h, pl, n, buf, sizeof(buf));
	ck_assert_msg(ike_msg_decode(buf, len, &m, &err) == 0, "%s", err.reason);
	ck_assert_uint_eq(m.hdr.msgid, 5);
	ck_assert_uint_eq(m.hdr.length, len);
	check_all_payloads(&m, 0);
	assert_reencodes(buf, len, &m);
	/* unencrypted payloads in INFORMATIONAL are dropped by the rules */
	ck_assert_int_eq(ike_msg_check_rules(&m, &err), -1);
	ck_assert_int_eq(err.status, CODEC_DROP);
}
END_TEST

/* SK: inner chain built apart, carried "encrypted" (identity cipher), then
 * decoded through the second entry point; both chains re-encode exactly. */
START_TEST(test_sk_roundtrip)
{
	struct ike_payload pl[32];
	uint8_t inner[FX_MAX_MSG], buf[FX_MAX_MSG], again[FX_MAX_MSG];
	struct ike_msg_builder b;
	struct codec_err err;
	struct ike_hdr h;
	struct wr wi, w;
	size_t n = fx_all_payloads(pl, 32), ilen, body_off;
	uint8_t first;

	wr_init(&wi, inner, sizeof(inner));
	ike_build_chain(&b, &wi);
	for (size_t i = 0; i < n; i++)
		ike_build_payload(&b, &pl[i]);
	ck_assert_int_eq(ike_build_finish(&b), 0);
	ck_assert_uint_eq(b.first, PL_SA);
	ilen = wr_len(&wi);

	fx_hdr(&h, IKE_AUTH, IKE_FLAG_INITIATOR, 1);
	wr_init(&w, buf, sizeof(buf));
	ike_build_msg(&b, &w, &h);
	body_off = ike_build_sk_reserve(&b, PL_SA, ilen);
	ck_assert_uint_eq(body_off, IKE_HDR_LEN + 4);
	/* the header length is final before the body is filled in (AAD) */
	ck_assert_uint_eq(buf[27], (IKE_HDR_LEN + 4 + ilen) & 0xff);
	memcpy(buf + body_off, inner, ilen);
	ck_assert_int_eq(ike_build_finish(&b), 0);
	/* nothing may follow SK */
	ike_build_payload(&b, &pl[0]);
	ck_assert_int_eq(ike_build_finish(&b), -1);

	ck_assert_msg(ike_msg_decode(buf, IKE_HDR_LEN + 4 + ilen, &m, &err) == 0, "%s", err.reason);
	ck_assert_int_eq(m.sk_index, 0);
	ck_assert_uint_eq(m.pl[0].u.sk.first, PL_SA);
	ck_assert_uint_eq(m.pl[0].u.sk.hdr_off, IKE_HDR_LEN);
	ck_assert_msg(ike_msg_decode_sk(&m, m.pl[0].u.sk.first, m.pl[0].u.sk.body.p,
					m.pl[0].u.sk.body.len, &err) == 0, "%s", err.reason);
	check_all_payloads(&m, 1);
	wr_init(&w, again, sizeof(again));
	ck_assert_int_eq(ike_msg_encode_sk(&m, &w, &first), 0);
	ck_assert_uint_eq(first, PL_SA);
	ck_assert_uint_eq(wr_len(&w), ilen);
	ck_assert_mem_eq(again, inner, ilen);
	assert_reencodes(buf, IKE_HDR_LEN + 4 + ilen, &m);
	/* the sample carries payloads IKE_AUTH does not allow */
	ck_assert_int_eq(ike_msg_check_rules(&m, &err), -1);
	ck_assert_int_eq(err.status, CODEC_INVALID_SYNTAX);
	ck_assert_str_eq(err.reason, "IKE_AUTH request: KE payload at offset 84 not allowed");
}
END_TEST

/* A typical IKE_AUTH request (IDi CERT CERTREQ IDr AUTH CP SA TSi TSr N)
 * passes the rules once its SK plaintext is decoded, and only then. */
START_TEST(test_rules_ike_auth)
{
	struct ike_payload pl[32], auth[12];
	uint8_t inner[FX_MAX_MSG], buf[FX_MAX_MSG];
	struct ike_msg_builder b;
	struct codec_err err;
	struct ike_hdr h;
	struct wr wi, w;
	size_t i, n = 0;

	fx_all_payloads(pl, 32);
	for (i = 6; i <= 14; i++)
		auth[n++] = pl[i];
	auth[n++] = pl[3];
	wr_init(&wi, inner, sizeof(inner));
	ike_build_chain(&b, &wi);
	for (i = 0; i < n; i++)
		ike_build_payload(&b, &auth[i]);
	ck_assert_int_eq(ike_build_finish(&b), 0);
	fx_hdr(&h, IKE_AUTH, IKE_FLAG_INITIATOR, 1);
	wr_init(&w, buf, sizeof(buf));
	ike_build_msg(&b, &w, &h);
	ike_build_sk(&b, PL_IDI, inner, wr_len(&wi));
	ck_assert_int_eq(ike_build_finish(&b), 0);
	ck_assert_int_eq(ike_msg_decode(buf, wr_len(&w), &m, &err), 0);
	ck_assert_int_eq(ike_msg_decode_sk(&m, PL_IDI, inner, wr_len(&wi), &err), 0);
	ck_assert_uint_eq(m.npl, n + 1);
	ck_assert_msg(ike_msg_check_rules(&m, &err) == 0, "%s", err.reason);
	/* the same payloads in the clear are dropped */
	wr_init(&w, buf, sizeof(buf));
	ike_build_msg(&b, &w, &h);
	for (i = 0; i < n; i++)
		ike_build_payload(&b, &auth[i]);
	ck_assert_int_eq(ike_build_finish(&b), 0);
	ck_assert_int_eq(ike_msg_decode(buf, wr_len(&w), &m, &err), 0);
	ck_assert_int_eq(ike_msg_check_rules(&m, &err), -1);
	ck_assert_int_eq(err.status, CODEC_DROP);
	ck_assert_str_eq(err.reason, "IKE_AUTH request without an SK payload");
}
END_TEST

START_TEST(test_skf_roundtrip)
{
	static const uint8_t body[40] = { 1, 2, 3 };
	struct ike_pl_skf f = { PL_IDI, 1, 3, 0, { body, sizeof(body) } };
	struct ike_msg_builder b;
	uint8_t buf[256];
	struct codec_err err;
	struct ike_hdr h;
	struct wr w;

	fx_hdr(&h, IKE_AUTH, IKE_FLAG_INITIATOR, 1);
	wr_init(&w, buf, sizeof(buf));
	ike_build_msg(&b, &w, &h);
	ike_build_skf(&b, &f);
	ck_assert_int_eq(ike_build_finish(&b), 0);
	ck_assert_msg(ike_msg_decode(buf, wr_len(&w), &m, &err) == 0, "%s", err.reason);
	ck_assert_uint_eq(m.pl[0].type, PL_SKF);
	ck_assert_uint_eq(m.pl[0].u.skf.num, 1);
	ck_assert_uint_eq(m.pl[0].u.skf.total, 3);
	ck_assert_uint_eq(m.pl[0].u.skf.first, PL_IDI);
	ck_assert_uint_eq(m.pl[0].u.skf.body.len, sizeof(body));
	assert_reencodes(buf, wr_len(&w), &m);
}
END_TEST

/* A valid IKE_SA_INIT request built from typed payloads passes the rules,
 * and so does a notify-only error response (2.21.1). */
START_TEST(test_rules_sa_init)
{
	struct ike_payload pl[32];
	uint8_t buf[FX_MAX_MSG];
	struct codec_err err;
	struct ike_hdr h;
	size_t len;
	static const uint8_t group[2] = { 0, KE_ECP_256 };
	struct ike_payload inv_ke = { .type = PL_NOTIFY, .known = 1,
		.u.notify = { 0, N_INVALID_KE_PAYLOAD, { NULL, 0 }, { group, 2 } } };

	fx_all_payloads(pl, 32);
	fx_hdr(&h, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0);
	len = fx_encode(&h, pl, 6, buf, sizeof(buf));
	ck_assert_int_eq(ike_msg_decode(buf, len, &m, &err), 0);
	ck_assert_msg(ike_msg_check_rules(&m, &err) == 0, "%s", err.reason);

	fx_hdr(&h, IKE_SA_INIT, IKE_FLAG_RESPONSE, 0);
	len = fx_encode(&h, &inv_ke, 1, buf, sizeof(buf));
	ck_assert_int_eq(ike_msg_decode(buf, len, &m, &err), 0);
	ck_assert_msg(ike_msg_check_rules(&m, &err) == 0, "%s", err.reason);
	ck_assert_uint_eq(ike_msg_notify(&m, N_INVALID_KE_PAYLOAD)->data.len, 2);
	/* ... but a request without KE does not */
	fx_hdr(&h, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0);
	pl[1] = pl[0];
	len = fx_encode(&h, pl + 1, 2, buf, sizeof(buf));
	ck_assert_int_eq(ike_msg_decode(buf, len, &m, &err), 0);
	ck_assert_int_eq(ike_msg_check_rules(&m, &err), -1);
	ck_assert_int_eq(err.status, CODEC_INVALID_SYNTAX);
	ck_assert_str_eq(err.reason, "IKE_SA_INIT request: 0 KE payloads < 1");
}
END_TEST

/* Encrypted exchange with the given inner payloads; returns the rules' verdict. */
static int sk_rules(uint8_t exch, uint8_t flags, const struct ike_payload *pl, size_t n,
		    struct codec_err *err)
{
	static uint8_t inner[FX_MAX_MSG], buf[FX_MAX_MSG];
	struct ike_msg_builder b;
	struct ike_hdr h;
	struct wr wi, w;
	size_t i;

	wr_init(&wi, inner, sizeof(inner));
	ike_build_chain(&b, &wi);
	for (i = 0; i < n; i++)
		ike_build_payload(&b, &pl[i]);
	ck_assert_int_eq(ike_build_finish(&b), 0);
	fx_hdr(&h, exch, flags, 7);
	wr_init(&w, buf, sizeof(buf));
	ike_build_msg(&b, &w, &h);
	ike_build_sk(&b, n ? pl[0].type : PL_NONE, inner, wr_len(&wi));
	ck_assert_int_eq(ike_build_finish(&b), 0);
	ck_assert_int_eq(ike_msg_decode(buf, wr_len(&w), &m, err), 0);
	ck_assert_int_eq(ike_msg_decode_sk(&m, m.pl[0].u.sk.first, inner, wr_len(&wi), err), 0);
	return ike_msg_check_rules(&m, err);
}

START_TEST(test_rules_encrypted_exchanges)
{
	static const uint8_t natd[20];
	struct ike_payload pl[32], no_sas = { .type = PL_NOTIFY, .known = 1,
		.u.notify = { 0, N_NO_ADDITIONAL_SAS, { NULL, 0 }, { NULL, 0 } } };
	struct ike_payload child[5];
	struct codec_err err;

	fx_all_payloads(pl, 32);
	/* liveness check: an empty INFORMATIONAL request and response */
	ck_assert_msg(sk_rules(INFORMATIONAL, IKE_FLAG_INITIATOR, NULL, 0, &err) == 0,
		      "%s", err.reason);
	ck_assert_msg(sk_rules(INFORMATIONAL, IKE_FLAG_RESPONSE, NULL, 0, &err) == 0,
		      "%s", err.reason);
	/* Delete of the IKE SA */
	ck_assert_msg(sk_rules(INFORMATIONAL, IKE_FLAG_INITIATOR, &pl[16], 1, &err) == 0,
		      "%s", err.reason);
	/* CREATE_CHILD_SA error response: the notify alone */
	ck_assert_msg(sk_rules(CREATE_CHILD_SA, IKE_FLAG_RESPONSE, &no_sas, 1, &err) == 0,
		      "%s", err.reason);
	/* CREATE_CHILD_SA request: SA Ni [KEi] TSi TSr */
	child[0] = pl[12];
	child[1] = pl[2];
	child[2] = pl[1];
	child[3] = pl[13];
	child[4] = pl[14];
	ck_assert_msg(sk_rules(CREATE_CHILD_SA, IKE_FLAG_INITIATOR, child, 5, &err) == 0,
		      "%s", err.reason);
	/* ... without its nonce */
	child[1] = child[4];
	ck_assert_int_eq(sk_rules(CREATE_CHILD_SA, IKE_FLAG_INITIATOR, child, 4, &err), -1);
	ck_assert_str_eq(err.reason, "CREATE_CHILD_SA request: 0 Nonce payloads < 1");
	/* a non-error status notify does not excuse a missing SA in a response */
	no_sas.u.notify.type = N_NAT_DETECTION_SOURCE_IP;
	no_sas.u.notify.data.p = natd;
	no_sas.u.notify.data.len = sizeof(natd);
	ck_assert_int_eq(sk_rules(CREATE_CHILD_SA, IKE_FLAG_RESPONSE, &no_sas, 1, &err), -1);
	ck_assert_str_eq(err.reason, "CREATE_CHILD_SA response: 0 SA payloads < 1");
	/* Delete is not an IKE_AUTH payload */
	ck_assert_int_eq(sk_rules(IKE_AUTH, IKE_FLAG_INITIATOR, &pl[15], 1, &err), -1);
	ck_assert_int_eq(err.status, CODEC_INVALID_SYNTAX);
	ck_assert_str_eq(err.reason, "IKE_AUTH request: Delete payload at offset 0 not allowed");
}
END_TEST

/* BAD-INPUT 10: unknown non-critical payloads (IKEv1 numbers too) are
 * skipped by the rules yet kept, so the message re-encodes exactly. */
START_TEST(test_unknown_noncritical_skipped)
{
	static const uint8_t junk[5] = { 9, 8, 7, 6, 5 };
	struct ike_payload pl[32];
	uint8_t buf[FX_MAX_MSG];
	struct codec_err err;
	struct ike_hdr h;
	size_t len;

	fx_all_payloads(pl, 32);
	memmove(pl + 2, pl + 1, 5 * sizeof(pl[0]));
	memset(&pl[1], 0, sizeof(pl[1]));
	pl[1].type = 1;		/* IKEv1 SA */
	pl[1].u.raw.p = junk;
	pl[1].u.raw.len = sizeof(junk);
	pl[7] = pl[1];
	pl[7].type = 200;
	fx_hdr(&h, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0);
	len = fx_encode(&h, pl, 8, buf, sizeof(buf));
	ck_assert_msg(ike_msg_decode(buf, len, &m, &err) == 0, "%s", err.reason);
	ck_assert_uint_eq(m.npl, 8);
	ck_assert(!m.pl[1].known);
	ck_assert_uint_eq(m.pl[1].u.raw.len, 5);
	ck_assert_msg(ike_msg_check_rules(&m, &err) == 0, "%s", err.reason);
	assert_reencodes(buf, len, &m);
}
END_TEST

START_TEST(test_nonesp_marker)
{
	static const uint8_t natt[8] = { 0, 0, 0, 0, 0xe0, 0xea };
	static const uint8_t esp[8] = { 0xc1, 0, 0, 0, 0, 0, 0, 1 };
	const uint8_t *ike;
	struct codec_err err;
	size_t len;

	ck_assert_int_eq(ike_nonesp_strip(natt, sizeof(natt), &ike, &len, &err), 0);
	ck_assert_ptr_eq(ike, natt + 4);
	ck_assert_uint_eq(len, 4);
	ck_assert_int_eq(ike_nonesp_strip(esp, sizeof(esp), &ike, &len, &err), -1);
	ck_assert_int_eq(err.status, CODEC_DROP);
	ck_assert_int_eq(ike_nonesp_strip(natt, 3, &ike, &len, &err), -1);
	ck_assert_int_eq(err.status, CODEC_DROP);
}
END_TEST

START_TEST(test_names)
{
	char b[24];

	ck_assert_str_eq(ike_payload_name(PL_SKF), "SKF");
	ck_assert_str_eq(ike_exchange_name(CREATE_CHILD_SA), "CREATE_CHILD_SA");
	ck_assert_str_eq(ike_notify_name(N_TS_UNACCEPTABLE), "TS_UNACCEPTABLE");
	ck_assert_str_eq(ike_notify_name(N_INTERMEDIATE_EXCHANGE_SUPPORTED),
			 "INTERMEDIATE_EXCHANGE_SUPPORTED");
	ck_assert_str_eq(ike_transform_id_name(TT_KE, KE_CURVE25519), "CURVE25519");
	ck_assert_str_eq(ike_transform_id_name(TT_ENCR, ENCR_AES_GCM_16), "ENCR_AES_GCM_16");
	ck_assert_str_eq(ike_transform_id_name(TT_INTEG, AUTH_HMAC_SHA2_256_128),
			 "AUTH_HMAC_SHA2_256_128");
	ck_assert_str_eq(ike_transform_id_name(TT_PRF, PRF_HMAC_SHA2_512), "PRF_HMAC_SHA2_512");
	ck_assert_str_eq(ike_id_type_name(ID_KEY_ID), "ID_KEY_ID");
	ck_assert_str_eq(ike_auth_method_name(AUTH_METHOD_PSK), "SHARED_KEY_MIC");
	ck_assert_ptr_null(ike_transform_id_name(9, 1));
	ck_assert_ptr_null(ike_notify_name(12345));
	ck_assert_str_eq(ike_notify_str(12345, b, sizeof(b)), "UNKNOWN(12345)");
	ck_assert_str_eq(codec_status_name(CODEC_INVALID_SYNTAX), "INVALID_SYNTAX");
	ck_assert_uint_eq(codec_status_notify(CODEC_DROP), 0);
}
END_TEST

/* Every notify type ikev2.h defines has a name. */
START_TEST(test_notify_names_complete)
{
	static const unsigned types[] = { 1, 4, 5, 7, 9, 11, 14, 17, 24, 34, 35, 36,
					  37, 38, 39, 43, 44 };
	unsigned t;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		ck_assert_msg(ike_notify_name(types[i]) != NULL, "notify %u", types[i]);
	for (t = N_INITIAL_CONTACT; t <= N_INTERMEDIATE_EXCHANGE_SUPPORTED; t++)
		ck_assert_msg(ike_notify_name(t) != NULL, "notify %u", t);
}
END_TEST

static Suite *codec_suite(void)
{
	Suite *s = suite_create("codec");
	TCase *tc = tcase_create("decode-encode");

	tcase_add_loop_test(tc, test_captured_roundtrip, 0, (int)fx_ncaptured);
	tcase_add_test(tc, test_captured_sa_init_fields);
	tcase_add_test(tc, test_captured_ike_auth_fields);
	tcase_add_test(tc, test_all_payloads_roundtrip);
	tcase_add_test(tc, test_sk_roundtrip);
	tcase_add_test(tc, test_skf_roundtrip);
	tcase_add_test(tc, test_rules_sa_init);
	tcase_add_test(tc, test_rules_ike_auth);
	tcase_add_test(tc, test_rules_encrypted_exchanges);
	tcase_add_test(tc, test_unknown_noncritical_skipped);
	tcase_add_test(tc, test_nonesp_marker);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_notify_names_complete);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(codec_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
