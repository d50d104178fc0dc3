/*
 * Traffic selectors as written in ike.conf, swanctl style:
 *   10.1.0.0/16   192.0.2.7   10.0.0.1-10.0.0.9   ::/0   dynamic
 * each optionally followed by [PROTO] or [PROTO/PORT] or [PROTO/LO-HI],
 * e.g. "10.3.0.0/16[tcp/443]", "dynamic[udp/500]".  "dynamic" stands for
 * the address the IKE SA runs over, filled in at negotiation time.
 */
#ifndef IKE_CORE_TSSPEC_H
#define IKE_CORE_TSSPEC_H

#include <stddef.h>

#include "ike/ikev2.h"

#define TSSPEC_STRLEN 128

struct tsspec {
	struct ike_ts ts;	/* addresses unset when dynamic */
	int dynamic;
};

int tsspec_parse(struct tsspec *t, const char *s, char *err, size_t errlen);
const char *tsspec_str(const struct tsspec *t, char *buf, size_t size);
int tsspec_eq(const struct tsspec *a, const struct tsspec *b);
/* Both selectors can match one packet (same family, ranges intersect). */
int tsspec_overlap(const struct tsspec *a, const struct tsspec *b);
const char *tsspec_proto_name(uint8_t proto, char *buf, size_t size);

#endif
