/*
 * libFuzzer target: RFC 5685 notify data (REDIRECT, REDIRECTED_FROM) as
 * codec/redirect.c decodes it.  The first byte picks the form (REDIRECT
 * in IKE_AUTH/INFORMATIONAL, REDIRECT with the nonce of an IKE_SA_INIT
 * response, REDIRECTED_FROM), the rest is the data.  What decodes is
 * printed, turned into an address, encoded again and decoded again: the
 * identity and nonce must survive the trip.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "ike/codec/redirect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[2 + REDIRECT_GW_MAX + 512];
	struct redirect_gw gw, back;
	struct ike_slice in, nonce, nonce2, enc;
	enum redirect_form form;
	char why[160], str[REDIRECT_GW_STRLEN];
	struct addr a;
	struct wr w;

	if (size < 1)
		return 0;
	form = (enum redirect_form)(data[0] % 3);
	in.p = data + 1;
	in.len = size - 1;
	if (redirect_decode(form, &in, &gw, &nonce, why, sizeof(why)) < 0) {
		if (!memchr(why, '\0', sizeof(why)))
			abort();
		return 0;
	}
	if (!redirect_gw_str(&gw, str, sizeof(str)) || strlen(str) >= sizeof(str))
		abort();
	/* only address types give an address, and one of the right family */
	if ((redirect_gw_addr(&gw, 500, &a) == 0) != (gw.type != REDIRECT_GW_FQDN))
		abort();
	if (form == REDIRECT_FORM_FROM && gw.type == REDIRECT_GW_FQDN)
		abort();
	wr_init(&w, out, sizeof(out));
	redirect_encode(&w, &gw, nonce.len ? nonce.p : NULL, nonce.len);
	if (!wr_ok(&w) || wr_len(&w) != in.len || memcmp(out, in.p, in.len) != 0)
		abort();
	enc.p = out;
	enc.len = wr_len(&w);
	if (redirect_decode(form, &enc, &back, &nonce2, why, sizeof(why)) < 0 ||
	    back.type != gw.type || back.len != gw.len || memcmp(back.id, gw.id, gw.len) ||
	    nonce2.len != nonce.len)
		abort();
	/* an FQDN printed and parsed again is the same gateway */
	if (gw.type == REDIRECT_GW_FQDN &&
	    (redirect_gw_parse(str, &back) < 0 || back.len != gw.len ||
	     memcmp(back.id, gw.id, gw.len)))
		abort();
	return 0;
}
