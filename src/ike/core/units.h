/*
 * Values with units in ike.conf: durations ("30s", "4h", "1d") and
 * byte/packet counts ("500k", "2M", "1G", binary multiples).
 */
#ifndef IKE_CORE_UNITS_H
#define IKE_CORE_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Seconds; a bare number is seconds.  0 on success, -1 with err filled. */
int units_parse_time(const char *s, uint64_t *secs, char *err, size_t errlen);
/* Counts with optional k/M/G (x1024, x1024^2, x1024^3). */
int units_parse_count(const char *s, uint64_t *out, char *err, size_t errlen);
/* "4h", "90m", "30s": the largest unit that divides secs exactly. */
const char *units_time_str(uint64_t secs, char *buf, size_t size);
/*
 * For people (ikectl): the two largest units, the smaller one dropped when
 * zero: "45s", "3m 12s", "3h 53m", "4h", "2d 1h".  Rounds down.
 */
const char *units_human_str(uint64_t secs, char *buf, size_t size);

#endif
