#include "codec_fixtures.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

const char *const fx_captured[] = {
	"01-ike_sa_init-req.bin", "02-ike_sa_init-resp.bin",
	"03-ike_auth-req.bin", "04-ike_auth-resp.bin",
	"05-informational-req.bin", "06-informational-resp.bin",
	"07-informational-req.bin", "08-informational-resp.bin",
};
const size_t fx_ncaptured = sizeof(fx_captured) / sizeof(fx_captured[0]);

size_t fx_load(const char *name, uint8_t *buf, size_t cap)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", CODEC_DATADIR, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	n = fread(buf, 1, cap, f);
	ck_assert_msg(!ferror(f) && n < cap, "cannot read %s", path);
	fclose(f);
	return n;
}

const uint8_t fx_nonce[32] = {
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
	0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
	0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
};

/* An ECP-256 public value's length; the bytes themselves do not matter here. */
const uint8_t fx_ke[64] = { 0x04, 0xa5, 0x5a, [63] = 0x77 };

const struct ike_proposal fx_ike_props[2] = {
	{ .num = 1, .protocol = PROTO_IKE, .ntransforms = 3, .xf = {
		{ TT_ENCR, ENCR_AES_GCM_16, 256 }, { TT_PRF, PRF_HMAC_SHA2_256, 0 },
		{ TT_KE, KE_ECP_256, 0 } } },
	{ .num = 2, .protocol = PROTO_IKE, .ntransforms = 4, .xf = {
		{ TT_ENCR, ENCR_AES_CBC, 128 }, { TT_PRF, PRF_HMAC_SHA2_256, 0 },
		{ TT_INTEG, AUTH_HMAC_SHA2_256_128, 0 }, { TT_KE, KE_CURVE25519, 0 } } },
};

static const struct ike_proposal esp_prop = {
	.num = 1, .protocol = PROTO_ESP, .spi_size = 4, .spi = { 0xc1, 0xc2, 0xc3, 0xc4 },
	.ntransforms = 2, .xf = { { TT_ENCR, ENCR_AES_GCM_16, 128 }, { TT_ESN, ESN_NO, 0 } },
};

const struct ike_ts fx_tsi[2] = {
	{ .type = TS_IPV4_ADDR_RANGE, .ip_proto = 17, .start_port = 500, .end_port = 4500,
	  .start = { 192, 0, 2, 1 }, .end = { 192, 0, 2, 200 } },
	{ .type = TS_IPV6_ADDR_RANGE, .ip_proto = 0, .start_port = 0, .end_port = 65535,
	  .start = { 0x20, 0x01, 0x0d, 0xb8 },
	  .end = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0xff } },
};

static const struct ike_ts tsr = {
	.type = TS_IPV4_ADDR_RANGE, .ip_proto = 6, .start_port = 443, .end_port = 443,
	.start = { 198, 51, 100, 7 }, .end = { 198, 51, 100, 7 },
};

/* EAP-Response/Identity "user1" */
const uint8_t fx_eap[10] = { 2, 7, 0, 10, 1, 'u', 's', 'e', 'r', '1' };

static const uint8_t natd[20] = { 0xde, 0xad, 0xbe, 0xef, [19] = 0x01 };
static const uint8_t rekey_spi[4] = { 0xc1, 0xc2, 0xc3, 0xc4 };
static const uint8_t del_spis[8] = { 0xc1, 0xc2, 0xc3, 0xc4, 0xd1, 0xd2, 0xd3, 0xd4 };
static const uint8_t ip4_addr[4] = { 10, 0, 0, 5 };
static const uint8_t cert[12] = { 0x30, 0x0a, 0x02, 0x01, 0x01 };
static const uint8_t certreq[20] = { 0x5a, [19] = 0xa5 };
static const uint8_t auth[32] = { 0xaa, [31] = 0xbb };
static const uint8_t vid[16] = { 0x88, 0x2f, 0xe5, 0x6d, 0x6f, 0xd2, 0x0d, 0xbc,
				 0x22, 0x86, 0x61, 0x2e, 0x5a, 0x1c, 0x0d, 0xd5 };

static const struct ike_cp_attr cp_attrs[3] = {
	{ 1, { ip4_addr, sizeof(ip4_addr) } },	/* INTERNAL_IP4_ADDRESS */
	{ 3, { NULL, 0 } },			/* INTERNAL_IP4_DNS */
	{ 8, { NULL, 0 } },			/* INTERNAL_IP6_ADDRESS */
};

#define SL(a) { (a), sizeof(a) }

size_t fx_all_payloads(struct ike_payload *pl, size_t max)
{
	static const uint8_t fqdn[] = "gw.example.org";
	struct ike_payload all[] = {
		{ .type = PL_SA, .u.sa = { fx_ike_props, 2, 0, 0 } },
		{ .type = PL_KE, .u.ke = { KE_ECP_256, SL(fx_ke) } },
		{ .type = PL_NONCE, .u.nonce = SL(fx_nonce) },
		{ .type = PL_NOTIFY, .u.notify = { 0, N_NAT_DETECTION_SOURCE_IP,
						     { NULL, 0 }, SL(natd) } },
		{ .type = PL_NOTIFY, .u.notify = { PROTO_ESP, N_REKEY_SA,
						     SL(rekey_spi), { NULL, 0 } } },
		{ .type = PL_VENDOR, .u.vendor = SL(vid) },
		{ .type = PL_IDI, .u.id = { ID_FQDN, { fqdn, sizeof(fqdn) - 1 } } },
		{ .type = PL_CERT, .u.cert = { CERT_X509_SIGNATURE, SL(cert) } },
		{ .type = PL_CERTREQ, .u.cert = { CERT_X509_SIGNATURE, SL(certreq) } },
		{ .type = PL_IDR, .u.id = { ID_IPV4_ADDR, SL(ip4_addr) } },
		{ .type = PL_AUTH, .u.auth = { AUTH_METHOD_PSK, SL(auth) } },
		{ .type = PL_CP, .u.cp = { CFG_REQUEST, cp_attrs, 3 } },
		{ .type = PL_SA, .u.sa = { &esp_prop, 1, 0, 0 } },
		{ .type = PL_TSI, .u.ts = { fx_tsi, 2 } },
		{ .type = PL_TSR, .u.ts = { &tsr, 1 } },
		{ .type = PL_DELETE, .u.del = { PROTO_ESP, 4, 2, SL(del_spis) } },
		{ .type = PL_DELETE, .u.del = { PROTO_IKE, 0, 0, { NULL, 0 } } },
		{ .type = PL_EAP, .u.eap = { 2, 7, SL(fx_eap) } },
	};
	size_t i, n = sizeof(all) / sizeof(all[0]);

	ck_assert_uint_ge(max, n);
	for (i = 0; i < n; i++)
		pl[i] = all[i];
	return n;
}

void fx_hdr(struct ike_hdr *h, uint8_t exchange, uint8_t flags, uint32_t msgid)
{
	static const uint8_t spi_i[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
	static const uint8_t spi_r[8] = { 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01 };

	memset(h, 0, sizeof(*h));
	memcpy(h->spi_i, spi_i, 8);
	if (exchange != IKE_SA_INIT || (flags & IKE_FLAG_RESPONSE))
		memcpy(h->spi_r, spi_r, 8);
	h->major = IKE_VERSION_MAJOR;
	h->exchange = exchange;
	h->flags = flags;
	h->msgid = msgid;
}

size_t fx_encode(const struct ike_hdr *h, const struct ike_payload *pl, size_t n,
		 uint8_t *buf, size_t cap)
{
	struct ike_msg_builder b;
	struct wr w;
	size_t i;

	wr_init(&w, buf, cap);
	ike_build_msg(&b, &w, h);
	for (i = 0; i < n; i++)
		ike_build_payload(&b, &pl[i]);
	ck_assert_int_eq(ike_build_finish(&b), 0);
	return wr_len(&w);
}
