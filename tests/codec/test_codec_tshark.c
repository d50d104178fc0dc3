/*
 * Cross-check of the encoder with Wireshark's dissector: messages built
 * from typed payloads (every payload type at least once) are written into a
 * pcap (Ethernet/IPv4/UDP port 500) and dissected by tshark, which must
 * report nothing malformed and read back the values we put in.
 * Exit 77 (skip) when tshark is not installed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec_fixtures.h"
#include "ike/codec/codec.h"

#define NFRAMES 4
#define MAX_OUT 65536

static char pcap_path[] = "/tmp/codec-tshark-XXXXXX";
static char fields_out[MAX_OUT];
static char verbose_out[4 * MAX_OUT];

static const char *const fields[] = {
	"frame.number", "isakmp.exchangetype", "isakmp.typepayload",
	"isakmp.nextpayload", "isakmp.key_exchange.dh_group", "isakmp.nonce",
	"isakmp.notify.msgtype", "isakmp.prop.number", "isakmp.tf.id.encr",
	"isakmp.ike2.attr.key_length", "isakmp.id.data.fqdn", "isakmp.id.data.ipv4_addr",
	"isakmp.auth.method", "isakmp.cfg.type", "isakmp.cfg.attr.type",
	"isakmp.ts.start_ipv4", "isakmp.ts.end_ipv4", "isakmp.ts.start_ipv6",
	"isakmp.ts.end_ipv6", "isakmp.ts.start_port", "isakmp.ts.end_port",
	"isakmp.delete.protoid", "eap.code", "eap.len", "isakmp.frag.number",
	"isakmp.frag.total", "isakmp.cert.encoding", "isakmp.certreq.type", "isakmp.vid_bytes",
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

struct expect {
	int frame;
	const char *field;
	const char *value;
};

static const struct expect expects[] = {
	{ 1, "isakmp.exchangetype", "34" },
	{ 1, "isakmp.typepayload", "33,2,3,3,3,2,3,3,3,3,34,40,41,41,43" },
	{ 1, "isakmp.key_exchange.dh_group", "19" },
	{ 1, "isakmp.nonce", "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f" },
	{ 1, "isakmp.notify.msgtype", "16388,16393" },
	{ 1, "isakmp.prop.number", "1,2" },
	{ 1, "isakmp.tf.id.encr", "20,12" },
	{ 1, "isakmp.ike2.attr.key_length", "256,128" },
	{ 1, "isakmp.vid_bytes", "882fe56d6fd20dbc2286612e5a1c0dd5" },
	{ 2, "isakmp.exchangetype", "37" },
	{ 2, "isakmp.typepayload", "35,37,38,36,39,47,33,2,3,3,44,45,42,42,48" },
	{ 2, "isakmp.id.data.fqdn", "gw.example.org" },
	{ 2, "isakmp.id.data.ipv4_addr", "10.0.0.5" },
	{ 2, "isakmp.auth.method", "2" },
	{ 2, "isakmp.cert.encoding", "12" },
	{ 2, "isakmp.certreq.type", "4" },
	{ 2, "isakmp.cfg.type", "1" },
	{ 2, "isakmp.cfg.attr.type", "1,3,8" },
	{ 2, "isakmp.ts.start_ipv4", "192.0.2.1,198.51.100.7" },
	{ 2, "isakmp.ts.end_ipv4", "192.0.2.200,198.51.100.7" },
	{ 2, "isakmp.ts.start_ipv6", "2001:db8::" },
	{ 2, "isakmp.ts.end_ipv6", "2001:db8::ff" },
	{ 2, "isakmp.ts.start_port", "500,0,443" },
	{ 2, "isakmp.ts.end_port", "4500,65535,443" },
	{ 2, "isakmp.delete.protoid", "3,1" },
	{ 2, "eap.code", "2" },
	{ 2, "eap.len", "10" },
	{ 3, "isakmp.exchangetype", "35" },
	{ 3, "isakmp.typepayload", "46" },
	{ 3, "isakmp.nextpayload", "46,35" },
	{ 4, "isakmp.typepayload", "53" },
	{ 4, "isakmp.frag.number", "1" },
	{ 4, "isakmp.frag.total", "3" },
};

static void put_be16(uint8_t *p, unsigned v) { p[0] = v >> 8; p[1] = v & 0xff; }

/* Ethernet + IPv4 + UDP 500 -> 500 around one IKE message. */
static void pcap_write_frame(FILE *f, const uint8_t *ike, size_t len, unsigned n)
{
	uint8_t hdr[16 + 14 + 20 + 8] = { 0 };
	uint8_t *eth = hdr + 16, *ip = eth + 14, *udp = ip + 20;
	uint32_t frame_len = 14 + 20 + 8 + len, sum = 0;
	size_t i;

	memcpy(hdr, &n, 4);		/* seconds: host order, as the magic */
	memcpy(hdr + 8, &frame_len, 4);
	memcpy(hdr + 12, &frame_len, 4);
	memcpy(eth, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00", 14);
	ip[0] = 0x45;
	put_be16(ip + 2, 20 + 8 + len);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, "\xc0\x00\x02\x01\xc0\x00\x02\x02", 8);
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put_be16(ip + 10, ~sum & 0xffff);
	put_be16(udp, IKE_PORT);
	put_be16(udp + 2, IKE_PORT);
	put_be16(udp + 4, 8 + len);
	ck_assert_uint_eq(fwrite(hdr, 1, sizeof(hdr), f), sizeof(hdr));
	ck_assert_uint_eq(fwrite(ike, 1, len, f), len);
}

static void pcap_write_header(FILE *f)
{
	/* classic pcap, microseconds, host byte order, LINKTYPE_ETHERNET */
	uint32_t magic = 0xa1b2c3d4, snaplen = 65535, linktype = 1, zero = 0;
	uint16_t major = 2, minor = 4;

	fwrite(&magic, 4, 1, f);
	fwrite(&major, 2, 1, f);
	fwrite(&minor, 2, 1, f);
	fwrite(&zero, 4, 1, f);
	fwrite(&zero, 4, 1, f);
	fwrite(&snaplen, 4, 1, f);
	fwrite(&linktype, 4, 1, f);
}

static size_t build_frames(uint8_t frames[NFRAMES][FX_MAX_MSG], size_t *lens)
{
	static const uint8_t hash_url[] = "0123456789abcdefghijhttp://ca.example.org/gw.crt";
	static const uint8_t sk_body[48] = { 0x5e, 0xc7, [47] = 0xe7 };
	struct ike_pl_skf skf = { PL_IDI, 1, 3, 0, { sk_body, sizeof(sk_body) } };
	struct ike_payload pl[32];
	struct ike_msg_builder b;
	struct ike_hdr h;
	struct wr w;

	fx_all_payloads(pl, 32);
	/* a hash-and-URL CERT, so tshark has no X.509 DER to complain about */
	pl[7].u.cert.encoding = CERT_HASH_URL_X509;
	pl[7].u.cert.data.p = hash_url;
	pl[7].u.cert.data.len = sizeof(hash_url) - 1;
	fx_hdr(&h, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0);
	lens[0] = fx_encode(&h, pl, 6, frames[0], FX_MAX_MSG);
	/* tshark does not care which exchange carries them in the clear */
	fx_hdr(&h, INFORMATIONAL, IKE_FLAG_INITIATOR, 3);
	lens[1] = fx_encode(&h, pl + 6, 12, frames[1], FX_MAX_MSG);
	fx_hdr(&h, IKE_AUTH, IKE_FLAG_INITIATOR, 1);
	wr_init(&w, frames[2], FX_MAX_MSG);
	ike_build_msg(&b, &w, &h);
	ike_build_sk(&b, PL_IDI, sk_body, sizeof(sk_body));
	ck_assert_int_eq(ike_build_finish(&b), 0);
	lens[2] = wr_len(&w);
	wr_init(&w, frames[3], FX_MAX_MSG);
	ike_build_msg(&b, &w, &h);
	ike_build_skf(&b, &skf);
	ck_assert_int_eq(ike_build_finish(&b), 0);
	lens[3] = wr_len(&w);
	return NFRAMES;
}

static void run(const char *cmd, char *out, size_t cap)
{
	FILE *p = popen(cmd, "r");
	size_t n;

	ck_assert_msg(p != NULL, "cannot run %s", cmd);
	n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	ck_assert_int_eq(pclose(p), 0);
}

/* The value of field in frame's line of the -T fields output. */
static void field_value(int frame, const char *field, char *val, size_t size)
{
	const char *line = fields_out, *s, *e;
	size_t col, i;

	for (col = 0; col < NFIELDS && strcmp(fields[col], field) != 0; col++)
		;
	ck_assert_msg(col < NFIELDS, "field %s not requested", field);
	for (i = 1; i < (size_t)frame; i++) {
		line = strchr(line, '\n');
		ck_assert_msg(line != NULL, "no frame %d in tshark output", frame);
		line++;
	}
	for (s = line, i = 0; i < col; i++) {
		s = strchr(s, '|');
		ck_assert(s != NULL);
		s++;
	}
	for (e = s; *e && *e != '|' && *e != '\n'; e++)
		;
	ck_assert_uint_lt((size_t)(e - s), size);
	memcpy(val, s, e - s);
	val[e - s] = '\0';
}

START_TEST(test_field)
{
	const struct expect *x = &expects[_i];
	char val[512];

	field_value(x->frame, x->field, val, sizeof(val));
	ck_assert_msg(strcmp(val, x->value) == 0, "frame %d %s: tshark says \"%s\", expected \"%s\"",
		      x->frame, x->field, val, x->value);
}
END_TEST

START_TEST(test_not_malformed)
{
	ck_assert_msg(strstr(verbose_out, "Malformed") == NULL, "tshark: malformed packet");
	ck_assert_msg(strstr(verbose_out, "Expert Info (Error") == NULL, "tshark: expert error");
	ck_assert_msg(strstr(verbose_out, "Expert Info (Warning") == NULL, "tshark: expert warning");
	ck_assert_msg(strstr(verbose_out, "Internet Security Association and Key Management Protocol") != NULL,
		      "tshark did not dissect ISAKMP");
}
END_TEST

static void dissect(void)
{
	static uint8_t frames[NFRAMES][FX_MAX_MSG];
	size_t lens[NFRAMES], i, n;
	char cmd[4096];
	FILE *f;
	int fd;

	n = build_frames(frames, lens);
	fd = mkstemp(pcap_path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(f);
	pcap_write_header(f);
	for (i = 0; i < n; i++)
		pcap_write_frame(f, frames[i], lens[i], (unsigned)i + 1);
	ck_assert_int_eq(fclose(f), 0);

	n = snprintf(cmd, sizeof(cmd), "%s -r %s -T fields -E separator='|' -E occurrence=a "
		     "-E aggregator=,", TSHARK_PATH, pcap_path);
	for (i = 0; i < NFIELDS; i++)
		n += snprintf(cmd + n, sizeof(cmd) - n, " -e %s", fields[i]);
	ck_assert_uint_lt(n, sizeof(cmd) - 32);
	strcat(cmd, " 2>/dev/null");
	run(cmd, fields_out, sizeof(fields_out));
	snprintf(cmd, sizeof(cmd), "%s -r %s -V 2>/dev/null", TSHARK_PATH, pcap_path);
	run(cmd, verbose_out, sizeof(verbose_out));
}

START_TEST(test_dissect)
{
	dissect();
}
END_TEST

int main(void)
{
	SRunner *sr;
	Suite *s;
	TCase *tc;
	int failed;

	if (TSHARK_PATH[0] == '\0' || access(TSHARK_PATH, X_OK) != 0) {
		fprintf(stderr, "tshark not installed: skipped\n");
		return 77;
	}
	/* run tshark once, in this process, then check its answers */
	s = suite_create("codec-tshark");
	tc = tcase_create("dissect");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_dissect);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (failed) {
		unlink(pcap_path);
		return EXIT_FAILURE;
	}

	s = suite_create("codec-tshark");
	tc = tcase_create("fields");
	tcase_add_test(tc, test_not_malformed);
	tcase_add_loop_test(tc, test_field, 0, (int)(sizeof(expects) / sizeof(expects[0])));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	unlink(pcap_path);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
