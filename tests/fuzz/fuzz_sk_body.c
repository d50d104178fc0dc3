/*
 * libFuzzer target: a decrypted SK plaintext.  The first input byte is the
 * type of the first inner payload (the SK payload's next-payload field), the
 * rest the inner payload chain; decoded as an IKE_AUTH request's.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_codec_check.h"
#include "ike/codec/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ike_msg m;
	struct codec_err err;

	if (size < 1)
		return 0;
	memset(&m.hdr, 0, sizeof(m.hdr));
	m.hdr.exchange = IKE_AUTH;
	m.hdr.major = IKE_VERSION_MAJOR;
	m.npl = m.nprop = m.nts = m.ncp = 0;
	m.sk_index = -1;
	if (ike_msg_decode_sk(&m, data[0], data + 1, size - 1, &err) < 0) {
		fuzz_check_reason(&err);
		return 0;
	}
	(void)ike_msg_check_rules(&m, &err);
	fuzz_check_stable(&m, 1);
	return 0;
}
