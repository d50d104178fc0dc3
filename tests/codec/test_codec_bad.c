/*
 * Codec: hostile input.  A table of malformed messages with the status and
 * the reason each must get (BAD-INPUT.md rows 1-3, 8-11, 14, 20, 24, 30, 31),
 * every truncation point of valid messages, and bit-flip mutation of real
 * packets (run under ASan+UBSan by the 20-sanitizers stage).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "codec_fixtures.h"
#include "fuzz/fuzz_codec_check.h"
#include "ike/codec/codec.h"

static struct ike_msg m;
static struct ike_payload pl[80];

static size_t build(uint8_t exch, uint8_t flags, size_t n, uint8_t *buf)
{
	struct ike_hdr h;

	fx_hdr(&h, exch, flags, exch == IKE_SA_INIT ? 0 : 1);
	return fx_encode(&h, pl, n, buf, FX_MAX_MSG);
}

/* SA KE Ni N(NATD) N(REKEY_SA) V: a valid IKE_SA_INIT request. */
static size_t base_init(uint8_t *buf)
{
	fx_all_payloads(pl, 80);
	return build(IKE_SA_INIT, IKE_FLAG_INITIATOR, 6, buf);
}

/* The header offset of the first payload of a type in a valid message. */
static size_t off_of(const uint8_t *buf, size_t len, uint8_t type)
{
	struct codec_err err;
	int i;

	ck_assert_int_eq(ike_msg_decode(buf, len, &m, &err), 0);
	i = ike_msg_find(&m, type, 0);
	ck_assert_int_ge(i, 0);
	return m.pl[i].off;
}

static void put16(uint8_t *buf, size_t off, uint16_t v)
{
	buf[off] = v >> 8;
	buf[off + 1] = v & 0xff;
}

static void set_hdr_len(uint8_t *buf, size_t len)
{
	put16(buf, 24, (uint16_t)(len >> 16));
	put16(buf, 26, (uint16_t)len);
}

/* Row 1 */
static size_t c_short(uint8_t *buf) { base_init(buf); return 27; }
static size_t c_hdr_len(uint8_t *buf) { size_t n = base_init(buf); set_hdr_len(buf, n + 1); return n; }

/* Row 2 */
static size_t c_major3(uint8_t *buf) { size_t n = base_init(buf); buf[17] = 0x30; return n; }
static size_t c_major1(uint8_t *buf) { size_t n = base_init(buf); buf[17] = 0x10; return n; }
static size_t c_minor_flags(uint8_t *buf)
{
	size_t n = base_init(buf);

	buf[17] = 0x27;		/* minor 7 */
	buf[19] |= 0xc7;	/* reserved flag bits */
	return n;
}

/* Row 3 */
static size_t c_spii_zero(uint8_t *buf) { size_t n = base_init(buf); memset(buf, 0, 8); return n; }
static size_t c_spir_set(uint8_t *buf) { size_t n = base_init(buf); buf[15] = 1; return n; }

/* Row 8 */
static size_t c_ke_len3(uint8_t *buf)
{
	size_t n = base_init(buf);

	put16(buf, off_of(buf, n, PL_KE) + 2, 3);
	return n;
}

static size_t c_sa_overrun(uint8_t *buf)
{
	size_t n = base_init(buf);

	put16(buf, off_of(buf, n, PL_SA) + 2, 0xffff);
	return n;
}

static size_t c_proposal_overruns_sa(uint8_t *buf)
{
	size_t n = base_init(buf), sa = off_of(buf, n, PL_SA);

	/* proposal 2 claims 4 bytes more than the SA payload holds */
	put16(buf, sa + 4 + 36 + 2, 48);
	return n;
}

static size_t c_transform_underruns(uint8_t *buf)
{
	size_t n = base_init(buf), sa = off_of(buf, n, PL_SA);

	/* proposal 1 shrinks by 4: its last transform overruns it */
	put16(buf, sa + 4 + 2, 32);
	return n;
}

static size_t c_trailing(uint8_t *buf)
{
	size_t n = base_init(buf);

	memset(buf + n, 0, 6);
	set_hdr_len(buf, n + 6);
	return n + 6;
}

static size_t c_chain_runs_out(uint8_t *buf)
{
	size_t n = base_init(buf), v = off_of(buf, n, PL_VENDOR);

	buf[v] = PL_NOTIFY;	/* the last payload names a successor */
	return n;
}

static size_t c_nonce_zero(uint8_t *buf)
{
	base_init(buf);
	pl[2].u.nonce.len = 0;
	return build(IKE_SA_INIT, IKE_FLAG_INITIATOR, 6, buf);
}

/* Row 9 */
static size_t c_unknown_critical(uint8_t *buf)
{
	static const uint8_t junk[3] = { 1, 2, 3 };

	base_init(buf);
	memset(&pl[5], 0, sizeof(pl[5]));
	pl[5].type = 200;
	pl[5].flags = PL_FLAG_CRITICAL;
	pl[5].u.raw.p = junk;
	pl[5].u.raw.len = sizeof(junk);
	return build(IKE_SA_INIT, IKE_FLAG_INITIATOR, 6, buf);
}

/* Row 11 */
static size_t c_too_many(uint8_t *buf)
{
	size_t i;

	base_init(buf);
	for (i = 5; i < 65; i++)
		pl[i] = pl[5];
	return build(IKE_SA_INIT, IKE_FLAG_INITIATOR, 65, buf);
}

static size_t c_two_nonces(uint8_t *buf)
{
	base_init(buf);
	pl[3] = pl[2];
	return build(IKE_SA_INIT, IKE_FLAG_INITIATOR, 6, buf);
}

/* Row 14 */
static size_t c_prop_num_start(uint8_t *buf)
{
	size_t n = base_init(buf);

	buf[off_of(buf, n, PL_SA) + 4 + 4] = 2;
	return n;
}

static size_t c_prop_num_order(uint8_t *buf)
{
	size_t n = base_init(buf);

	buf[off_of(buf, n, PL_SA) + 4 + 36 + 4] = 3;
	return n;
}

static size_t c_xf_count(uint8_t *buf)
{
	size_t n = base_init(buf);

	buf[off_of(buf, n, PL_SA) + 4 + 7] = 4;
	return n;
}

static size_t c_attr_format(uint8_t *buf)
{
	size_t n = base_init(buf);

	/* first transform's Key Length attribute, TV bit cleared */
	buf[off_of(buf, n, PL_SA) + 4 + 8 + 8] = 0x00;
	return n;
}

static size_t c_prop_last(uint8_t *buf)
{
	size_t n = base_init(buf);

	buf[off_of(buf, n, PL_SA) + 4] = 0;	/* "last" on proposal 1 of 2 */
	return n;
}

static struct ike_proposal spi_prop;

static size_t c_ike_spi(uint8_t *buf, uint8_t size)
{
	base_init(buf);
	spi_prop = fx_ike_props[0];
	spi_prop.spi_size = size;
	memset(spi_prop.spi, 0xab, size);
	pl[0].u.sa.prop = &spi_prop;
	pl[0].u.sa.nprop = 1;
	return build(IKE_SA_INIT, IKE_FLAG_INITIATOR, 6, buf);
}

static size_t c_ike_spi8(uint8_t *buf) { return c_ike_spi(buf, 8); }
static size_t c_ike_spi4(uint8_t *buf) { return c_ike_spi(buf, 4); }

/* Row 20 */
static uint8_t big_nonce[300];

static size_t c_nonce(uint8_t *buf, size_t len)
{
	base_init(buf);
	pl[2].u.nonce.p = big_nonce;
	pl[2].u.nonce.len = len;
	return build(IKE_SA_INIT, IKE_FLAG_INITIATOR, 6, buf);
}

static size_t c_nonce15(uint8_t *buf) { return c_nonce(buf, 15); }
static size_t c_nonce257(uint8_t *buf) { return c_nonce(buf, 257); }

/* Row 24 */
static size_t c_sk_in_init(uint8_t *buf)
{
	struct ike_msg_builder b;
	struct ike_hdr h;
	struct wr w;

	fx_hdr(&h, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0);
	wr_init(&w, buf, FX_MAX_MSG);
	ike_build_msg(&b, &w, &h);
	ike_build_sk(&b, PL_NONCE, fx_nonce, sizeof(fx_nonce));
	ck_assert_int_eq(ike_build_finish(&b), 0);
	return wr_len(&w);
}

static size_t c_sk_not_last(uint8_t *buf)
{
	size_t n = c_sk_in_init(buf);

	buf[18] = IKE_AUTH;
	put16(buf, IKE_HDR_LEN + 2, 4 + 24);	/* 8 bytes follow the SK payload */
	return n;
}

/* Row 30 */
static struct ike_ts bad_ts;

static size_t c_ts(uint8_t *buf, const struct ike_ts *ts)
{
	fx_all_payloads(pl, 80);
	bad_ts = *ts;
	pl[0] = pl[13];
	pl[0].u.ts.ts = &bad_ts;
	pl[0].u.ts.nts = 1;
	return build(INFORMATIONAL, IKE_FLAG_INITIATOR, 1, buf);
}

static size_t c_ts_ports(uint8_t *buf)
{
	struct ike_ts ts = fx_tsi[0];

	ts.start_port = 600;
	ts.end_port = 500;
	return c_ts(buf, &ts);
}

static size_t c_ts_addrs(uint8_t *buf)
{
	struct ike_ts ts = fx_tsi[1];

	ts.start[15] = 1;
	ts.end[15] = 0;
	return c_ts(buf, &ts);
}

static size_t c_ts_type(uint8_t *buf)
{
	size_t n = c_ts(buf, &fx_tsi[0]);

	buf[IKE_HDR_LEN + 8] = 9;	/* TS_FC_ADDR_RANGE */
	return n;
}

static size_t c_ts_len(uint8_t *buf)
{
	size_t n = c_ts(buf, &fx_tsi[0]);

	put16(buf, IKE_HDR_LEN + 8 + 2, 40);	/* IPv6 length on an IPv4 range */
	return n;
}

static size_t c_ts_count(uint8_t *buf)
{
	size_t n = c_ts(buf, &fx_tsi[0]);

	buf[IKE_HDR_LEN + 4] = 2;
	return n;
}

static size_t c_delete(uint8_t *buf, size_t at, uint8_t v)
{
	size_t n;

	fx_all_payloads(pl, 80);
	pl[0] = pl[15];
	n = build(INFORMATIONAL, IKE_FLAG_INITIATOR, 1, buf);
	buf[IKE_HDR_LEN + 4 + at] = v;
	return n;
}

static size_t c_delete_count(uint8_t *buf) { return c_delete(buf, 3, 3); }
static size_t c_delete_spisize(uint8_t *buf) { return c_delete(buf, 1, 8); }
static size_t c_delete_proto(uint8_t *buf) { return c_delete(buf, 0, 9); }

/* Row 31 */
static size_t c_skf(uint8_t *buf, uint16_t num, uint16_t total)
{
	struct ike_pl_skf f = { PL_IDI, num, total, 0, { fx_nonce, sizeof(fx_nonce) } };
	struct ike_msg_builder b;
	struct ike_hdr h;
	struct wr w;

	fx_hdr(&h, IKE_AUTH, IKE_FLAG_INITIATOR, 1);
	wr_init(&w, buf, FX_MAX_MSG);
	ike_build_msg(&b, &w, &h);
	ike_build_skf(&b, &f);
	ck_assert_int_eq(ike_build_finish(&b), 0);
	return wr_len(&w);
}

static size_t c_skf_zero(uint8_t *buf) { return c_skf(buf, 0, 2); }
static size_t c_skf_over(uint8_t *buf) { return c_skf(buf, 3, 2); }

/* Row 29 */
static size_t c_eap_len(uint8_t *buf)
{
	size_t n;

	fx_all_payloads(pl, 80);
	pl[0] = pl[17];
	n = build(INFORMATIONAL, IKE_FLAG_INITIATOR, 1, buf);
	put16(buf, IKE_HDR_LEN + 4 + 2, 11);
	return n;
}

static size_t c_id_ipv4_len(uint8_t *buf)
{
	static const uint8_t five[5] = { 10, 0, 0, 1, 0 };

	fx_all_payloads(pl, 80);
	pl[0] = pl[9];
	pl[0].u.id.data.p = five;
	pl[0].u.id.data.len = sizeof(five);
	return build(INFORMATIONAL, IKE_FLAG_INITIATOR, 1, buf);
}

static size_t c_cp_attr_len(uint8_t *buf)
{
	size_t n;

	fx_all_payloads(pl, 80);
	pl[0] = pl[11];
	n = build(INFORMATIONAL, IKE_FLAG_INITIATOR, 1, buf);
	put16(buf, IKE_HDR_LEN + 22, 1);	/* the last attribute: 1 > 0 */
	return n;
}

struct bad_case {
	const char *name;
	size_t (*make)(uint8_t *buf);
	int rules;		/* the failure comes from ike_msg_check_rules() */
	enum codec_status want;
	uint8_t payload;
	const char *reason;
};

static const struct bad_case cases[] = {
	{ "short datagram", c_short, 0, CODEC_DROP, 0,
	  "IKE header: datagram of 27 bytes < 28" },
	{ "header length", c_hdr_len, 0, CODEC_DROP, 0,
	  "IKE header: length 281 != datagram length 280" },
	{ "major 3", c_major3, 0, CODEC_INVALID_MAJOR_VERSION, 0,
	  "IKE header: major version 3 > 2" },
	{ "major 1", c_major1, 0, CODEC_DROP, 0, "IKE header: major version 1 < 2" },
	{ "minor and reserved flags", c_minor_flags, 1, CODEC_OK, 0, "" },
	{ "SPIi 0", c_spii_zero, 1, CODEC_DROP, 0, "IKE_SA_INIT request: initiator SPI is 0" },
	{ "SPIr set", c_spir_set, 1, CODEC_DROP, 0,
	  "IKE_SA_INIT request: responder SPI is not 0" },
	{ "payload length 3", c_ke_len3, 0, CODEC_INVALID_SYNTAX, PL_KE,
	  "KE payload at offset 112: length 3 < 4" },
	{ "payload overruns message", c_sa_overrun, 0, CODEC_INVALID_SYNTAX, PL_SA,
	  "SA payload at offset 28: length 65535 > 252 bytes left" },
	{ "proposal overruns SA", c_proposal_overruns_sa, 0, CODEC_INVALID_SYNTAX, PL_SA,
	  "SA payload at offset 28: proposal length 48 outside [8, 44]" },
	{ "transform overruns proposal", c_transform_underruns, 0, CODEC_INVALID_SYNTAX, PL_SA,
	  "SA payload at offset 28: transform: 4 bytes < 8" },
	{ "bytes after the chain", c_trailing, 0, CODEC_INVALID_SYNTAX, 0,
	  "6 bytes after the last payload at offset 280" },
	{ "chain runs out", c_chain_runs_out, 0, CODEC_INVALID_SYNTAX, PL_NOTIFY,
	  "Notify payload at offset 280: 0 bytes left < 4" },
	{ "empty nonce", c_nonce_zero, 0, CODEC_INVALID_SYNTAX, PL_NONCE,
	  "Nonce payload at offset 184: nonce of 0 bytes outside [16, 256]" },
	{ "unknown critical", c_unknown_critical, 0, CODEC_UNSUPPORTED_CRITICAL, 200,
	  "UNKNOWN(200) payload at offset 260: unsupported and critical" },
	{ "65 payloads", c_too_many, 0, CODEC_INVALID_SYNTAX, PL_VENDOR,
	  "Vendor ID payload at offset 1440: more than 64 payloads" },
	{ "two nonces", c_two_nonces, 1, CODEC_INVALID_SYNTAX, PL_NONCE,
	  "IKE_SA_INIT request: Nonce payload at offset 220: more than 1" },
	{ "proposal numbering starts at 2", c_prop_num_start, 0, CODEC_INVALID_SYNTAX, PL_SA,
	  "SA payload at offset 28: proposal number 2, expected 1" },
	{ "proposal numbers out of order", c_prop_num_order, 0, CODEC_INVALID_SYNTAX, PL_SA,
	  "SA payload at offset 28: proposal number 3, expected 2" },
	{ "transform count", c_xf_count, 0, CODEC_INVALID_SYNTAX, PL_SA,
	  "SA payload at offset 28: proposal 1: transform count 4 but 3 transforms" },
	{ "attribute format bit", c_attr_format, 0, CODEC_INVALID_SYNTAX, PL_SA,
	  "SA payload at offset 28: Key Length attribute in TLV format (must be TV)" },
	{ "proposal last flag", c_prop_last, 0, CODEC_INVALID_SYNTAX, PL_SA,
	  "SA payload at offset 28: proposal last-substructure 0 but 44 bytes follow" },
	{ "IKE SPI in IKE_SA_INIT", c_ike_spi8, 1, CODEC_INVALID_SYNTAX, PL_SA,
	  "SA payload at offset 28: IKE proposal with an SPI in IKE_SA_INIT" },
	{ "IKE SPI of 4 bytes", c_ike_spi4, 0, CODEC_INVALID_SYNTAX, PL_SA,
	  "SA payload at offset 28: proposal 1: SPI size 4 invalid for protocol 1" },
	{ "nonce 15", c_nonce15, 0, CODEC_INVALID_SYNTAX, PL_NONCE,
	  "Nonce payload at offset 184: nonce of 15 bytes outside [16, 256]" },
	{ "nonce 257", c_nonce257, 0, CODEC_INVALID_SYNTAX, PL_NONCE,
	  "Nonce payload at offset 184: nonce of 257 bytes outside [16, 256]" },
	{ "SK in IKE_SA_INIT", c_sk_in_init, 0, CODEC_DROP, PL_SK,
	  "SK payload at offset 28: not allowed in IKE_SA_INIT" },
	{ "SK not last", c_sk_not_last, 0, CODEC_DROP, PL_SK,
	  "SK payload at offset 28: not the last payload (8 bytes follow)" },
	{ "TS ports", c_ts_ports, 0, CODEC_INVALID_SYNTAX, PL_TSI,
	  "TSi payload at offset 28: selector start port 600 > end port 500" },
	{ "TS addresses", c_ts_addrs, 0, CODEC_INVALID_SYNTAX, PL_TSI,
	  "TSi payload at offset 28: selector start address > end address" },
	{ "TS type", c_ts_type, 0, CODEC_INVALID_SYNTAX, PL_TSI,
	  "TSi payload at offset 28: selector type 9 unknown" },
	{ "TS length", c_ts_len, 0, CODEC_INVALID_SYNTAX, PL_TSI,
	  "TSi payload at offset 28: TS_IPV4_ADDR_RANGE selector length 40 != 16" },
	{ "TS count", c_ts_count, 0, CODEC_INVALID_SYNTAX, PL_TSI,
	  "TSi payload at offset 28: selector: 0 bytes < 8" },
	{ "Delete count", c_delete_count, 0, CODEC_INVALID_SYNTAX, PL_DELETE,
	  "Delete payload at offset 28: 3 SPIs of 4 bytes != 8 bytes" },
	{ "Delete SPI size", c_delete_spisize, 0, CODEC_INVALID_SYNTAX, PL_DELETE,
	  "Delete payload at offset 28: SPI size 8 != 4 for protocol 3" },
	{ "Delete protocol", c_delete_proto, 0, CODEC_INVALID_SYNTAX, PL_DELETE,
	  "Delete payload at offset 28: protocol 9 is not IKE, AH or ESP" },
	{ "SKF number 0", c_skf_zero, 0, CODEC_DROP, PL_SKF,
	  "SKF payload at offset 28: fragment number 0 outside [1, total 2]" },
	{ "SKF number > total", c_skf_over, 0, CODEC_DROP, PL_SKF,
	  "SKF payload at offset 28: fragment number 3 outside [1, total 2]" },
	{ "EAP length", c_eap_len, 0, CODEC_INVALID_SYNTAX, PL_EAP,
	  "EAP payload at offset 28: EAP length 11 != payload length - 4 (10)" },
	{ "ID_IPV4_ADDR length", c_id_ipv4_len, 0, CODEC_INVALID_SYNTAX, PL_IDR,
	  "IDr payload at offset 28: ID_IPV4_ADDR of 5 bytes != 4" },
	{ "CP attribute length", c_cp_attr_len, 0, CODEC_INVALID_SYNTAX, PL_CP,
	  "CP payload at offset 28: attribute length 1 > 0 bytes left" },
};

START_TEST(test_bad_case)
{
	const struct bad_case *c = &cases[_i];
	uint8_t buf[FX_MAX_MSG];
	struct codec_err err;
	size_t len = c->make(buf);
	int rc;

	rc = ike_msg_decode(buf, len, &m, &err);
	if (c->rules) {
		ck_assert_msg(rc == 0, "%s: decode: %s", c->name, err.reason);
		rc = ike_msg_check_rules(&m, &err);
	}
	ck_assert_msg(rc == (c->want == CODEC_OK ? 0 : -1), "%s: rc %d (%s)", c->name, rc,
		      err.reason);
	ck_assert_msg(err.status == c->want, "%s: status %s, expected %s", c->name,
		      codec_status_name(err.status), codec_status_name(c->want));
	ck_assert_msg(err.payload == c->payload, "%s: payload %u", c->name, err.payload);
	ck_assert_str_eq(err.reason, c->reason);
}
END_TEST

/* Row 2: the header is filled even when the version is rejected, so the
 * caller can answer INVALID_MAJOR_VERSION to the right SPIs. */
START_TEST(test_major_version_header)
{
	uint8_t buf[FX_MAX_MSG];
	struct codec_err err;
	size_t len = c_major3(buf);

	ck_assert_int_eq(ike_msg_decode(buf, len, &m, &err), -1);
	ck_assert_uint_eq(codec_status_notify(err.status), N_INVALID_MAJOR_VERSION);
	ck_assert_uint_eq(m.hdr.major, 3);
	ck_assert_uint_eq(m.hdr.exchange, IKE_SA_INIT);
	ck_assert_mem_eq(m.hdr.spi_i, buf, 8);
}
END_TEST

/* Row 24: SK inside the SK plaintext. */
START_TEST(test_sk_nested)
{
	uint8_t buf[FX_MAX_MSG];
	struct codec_err err;
	size_t len = c_sk_in_init(buf);

	buf[18] = IKE_AUTH;
	ck_assert_int_eq(ike_msg_decode(buf, len, &m, &err), 0);
	/* the "plaintext" is an SK payload again */
	ck_assert_int_eq(ike_msg_decode_sk(&m, PL_SK, buf + IKE_HDR_LEN, len - IKE_HDR_LEN,
					   &err), -1);
	ck_assert_int_eq(err.status, CODEC_DROP);
	ck_assert_str_eq(err.reason, "SK payload at offset 0: nested inside SK");
}
END_TEST

/* Every truncation point of valid messages, the header length adjusted so
 * that the payload chain itself is cut: INVALID_SYNTAX every time. */
START_TEST(test_truncations)
{
	uint8_t orig[FX_MAX_MSG], buf[FX_MAX_MSG];
	struct codec_err err;
	size_t len, n;

	if (_i == 0)
		len = base_init(orig);
	else
		len = fx_load(fx_captured[_i - 1], orig, sizeof(orig));
	for (n = 0; n < len; n++) {
		memcpy(buf, orig, n);
		if (n >= IKE_HDR_LEN)
			set_hdr_len(buf, n);
		ck_assert_int_eq(ike_msg_decode(buf, n, &m, &err), -1);
		ck_assert_msg(err.status == (n < IKE_HDR_LEN ? CODEC_DROP : CODEC_INVALID_SYNTAX),
			      "cut at %zu: %s", n, err.reason);
	}
	memcpy(buf, orig, len);
	ck_assert_int_eq(ike_msg_decode(buf, len, &m, &err), 0);
}
END_TEST

static unsigned mutate(const uint8_t *orig, size_t len, int sk_plain)
{
	uint8_t buf[FX_MAX_MSG];
	struct codec_err err;
	unsigned ok = 0;
	size_t bit;

	for (bit = 0; bit < len * 8; bit++) {
		int rc;

		memcpy(buf, orig, len);
		buf[bit / 8] ^= 1u << (bit % 8);
		if (sk_plain) {
			memset(&m, 0, sizeof(m));
			m.hdr.exchange = IKE_AUTH;
			m.sk_index = -1;
			rc = ike_msg_decode_sk(&m, buf[0], buf + 1, len - 1, &err);
		} else {
			rc = ike_msg_decode(buf, len, &m, &err);
		}
		ck_assert_msg(rc == 0 || err.reason[0] != '\0', "bit %zu: no reason", bit);
		if (rc != 0)
			continue;
		ok++;
		(void)ike_msg_check_rules(&m, &err);
		/* decode -> encode -> decode -> encode is stable (aborts if not) */
		fuzz_check_stable(&m, sk_plain);
	}
	return ok;
}

START_TEST(test_mutations_captured)
{
	uint8_t orig[FX_MAX_MSG];
	size_t len = fx_load(fx_captured[_i], orig, sizeof(orig));

	/* some flips land in ignored fields or opaque data and still decode */
	ck_assert_uint_gt(mutate(orig, len, 0), 0);
}
END_TEST

/* strongSwan's decrypted IKE_AUTH plaintexts, first byte = first type */
START_TEST(test_mutations_captured_plain)
{
	static const char *const plain[] = { "03-ike_auth-req.plain", "04-ike_auth-resp.plain" };
	uint8_t orig[FX_MAX_MSG];
	size_t len = fx_load(plain[_i], orig + 1, sizeof(orig) - 1);

	orig[0] = _i == 0 ? PL_IDI : PL_IDR;
	ck_assert_uint_gt(mutate(orig, len + 1, 1), 0);
}
END_TEST

START_TEST(test_mutations_all_payloads)
{
	uint8_t orig[FX_MAX_MSG], chain[FX_MAX_MSG];
	struct ike_msg_builder b;
	struct ike_hdr h;
	struct wr w;
	size_t n = fx_all_payloads(pl, 80), len, i;

	fx_hdr(&h, INFORMATIONAL, IKE_FLAG_INITIATOR, 2);
	len = fx_encode(&h, pl, n, orig, sizeof(orig));
	ck_assert_uint_gt(mutate(orig, len, 0), 0);
	/* the same payloads as an SK plaintext: first byte = first type */
	wr_init(&w, chain + 1, sizeof(chain) - 1);
	ike_build_chain(&b, &w);
	for (i = 0; i < n; i++)
		ike_build_payload(&b, &pl[i]);
	ck_assert_int_eq(ike_build_finish(&b), 0);
	chain[0] = b.first;
	ck_assert_uint_gt(mutate(chain, wr_len(&w) + 1, 1), 0);
}
END_TEST

static Suite *bad_suite(void)
{
	Suite *s = suite_create("codec-bad-input");
	TCase *tc = tcase_create("bad");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_bad_case, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_major_version_header);
	tcase_add_test(tc, test_sk_nested);
	tcase_add_loop_test(tc, test_truncations, 0, 3);
	tcase_add_loop_test(tc, test_mutations_captured, 0, (int)fx_ncaptured);
	tcase_add_loop_test(tc, test_mutations_captured_plain, 0, 2);
	tcase_add_test(tc, test_mutations_all_payloads);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(bad_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
