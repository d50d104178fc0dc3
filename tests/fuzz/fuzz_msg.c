/*
 * libFuzzer target: a whole IKE message (as after the non-ESP marker).
 * Decode, check the exchange's payload rules, re-encode whatever decoded.
 * An SK body is also decoded as if it were plaintext (identity cipher), so
 * mutations reach the inner-chain decoder and the encrypted exchanges' rules.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_codec_check.h"
#include "ike/codec/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ike_msg m;
	const struct ike_payload *sk;
	struct codec_err err;

	if (ike_msg_decode(data, size, &m, &err) < 0) {
		fuzz_check_reason(&err);
		return 0;
	}
	if (ike_msg_check_rules(&m, &err) < 0)
		fuzz_check_reason(&err);
	fuzz_check_stable(&m, 0);
	if (m.sk_index < 0)
		return 0;
	sk = &m.pl[m.sk_index];
	if (sk->type != PL_SK)
		return 0;
	if (ike_msg_decode_sk(&m, sk->u.sk.first, sk->u.sk.body.p, sk->u.sk.body.len,
			      &err) < 0) {
		fuzz_check_reason(&err);
		return 0;
	}
	if (ike_msg_check_rules(&m, &err) < 0)
		fuzz_check_reason(&err);
	fuzz_check_stable(&m, 1);
	return 0;
}
