/*
 * libFuzzer target: a CP payload body (RFC 7296 3.15), as the decoder sees
 * it inside IKE_AUTH, then the attribute table's typed view (codec/cp.c)
 * and a CFG_REPLY built back from what it kept, decoded again: the values
 * must survive the trip.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike/codec/codec.h"
#include "ike/codec/cp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ike_msg m, m2;

/* The body as one CP payload (generic header in front) of an SK chain. */
static int decode_cp(struct ike_msg *msg, const uint8_t *body, size_t len, uint8_t *buf)
{
	struct codec_err err;

	buf[0] = PL_NONE;
	buf[1] = 0;
	buf[2] = (uint8_t)((len + 4) >> 8);
	buf[3] = (uint8_t)(len + 4);
	memcpy(buf + 4, body, len);
	memset(&msg->hdr, 0, sizeof(msg->hdr));
	msg->hdr.exchange = IKE_AUTH;
	msg->hdr.major = IKE_VERSION_MAJOR;
	msg->npl = msg->nprop = msg->nts = msg->ncp = 0;
	msg->sk_index = -1;
	if (ike_msg_decode_sk(msg, PL_CP, buf, len + 4, &err) < 0)
		return -1;
	return msg->npl == 1 && msg->pl[0].type == PL_CP ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[65536], out[4096];
	struct cp_info ci, back;
	struct cp_out o;
	struct ike_payload p;
	struct ike_msg_builder b;
	struct wr w;

	if (size > 65535 - 4 || decode_cp(&m, data, size, buf) < 0)
		return 0;
	cp_parse(&m.pl[0].u.cp, &ci);
	if (ci.naddrs > CP_MAX_ADDRS * 2 || ci.ndns > CP_MAX_ADDRS * 2 ||
	    ci.nsubnets > CP_MAX_SUBNETS || m.pl[0].u.cp.nattr > IKE_MSG_MAX_CP_ATTRS)
		abort();
	cp_out_init(&o, CFG_REPLY);
	for (size_t i = 0; i < ci.naddrs; i++)
		cp_out_net(&o, CPA_IP4_ADDRESS, &ci.addrs[i]);
	for (size_t i = 0; i < ci.ndns; i++)
		cp_out_net(&o, CPA_IP4_DNS, &ci.dns[i]);
	memset(&p, 0, sizeof(p));
	p.type = PL_CP;
	cp_out_payload(&o, &p.u.cp);
	wr_init(&w, out, sizeof(out));
	ike_build_chain(&b, &w);
	ike_build_payload(&b, &p);
	if (ike_build_finish(&b) < 0 || decode_cp(&m2, out + 4, wr_len(&w) - 4, buf) < 0)
		abort();
	cp_parse(&m2.pl[0].u.cp, &back);
	if (back.naddrs != ci.naddrs || back.ndns != ci.ndns ||
	    (ci.naddrs && memcmp(back.addrs, ci.addrs, ci.naddrs * sizeof(ci.addrs[0]))) ||
	    (ci.ndns && memcmp(back.dns, ci.dns, ci.ndns * sizeof(ci.dns[0]))))
		abort();
	return 0;
}
