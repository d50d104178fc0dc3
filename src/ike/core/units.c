#include "ike/core/units.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit {
	char suffix;
	uint64_t mult;
};

static const struct unit time_units[] = {
	{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
};

static const struct unit count_units[] = {
	{ 'k', 1024ULL }, { 'K', 1024ULL }, { 'M', 1024ULL * 1024 },
	{ 'G', 1024ULL * 1024 * 1024 },
};

static int parse_with_units(const char *s, const struct unit *units, size_t nunits,
			    const char *what, const char *hint, uint64_t *out,
			    char *err, size_t errlen)
{
	unsigned long long v;
	uint64_t mult = 1;
	char *end;
	size_t i;

	if (!isdigit((unsigned char)s[0]))
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		goto bad;
	if (*end) {
		for (i = 0; i < nunits; i++)
			if (end[0] == units[i].suffix && end[1] == '\0')
				break;
		if (i == nunits)
			goto bad;
		mult = units[i].mult;
	}
	if (v > UINT64_MAX / mult) {
		snprintf(err, errlen, "%s '%s' is too large", what, s);
		return -1;
	}
	*out = v * mult;
	return 0;
bad:
	snprintf(err, errlen, "invalid %s '%s' (expected e.g. %s)", what, s, hint);
	return -1;
}

int units_parse_time(const char *s, uint64_t *secs, char *err, size_t errlen)
{
	return parse_with_units(s, time_units, sizeof(time_units) / sizeof(time_units[0]),
				"time", "30s, 10m, 4h, 1d", secs, err, errlen);
}

int units_parse_count(const char *s, uint64_t *out, char *err, size_t errlen)
{
	return parse_with_units(s, count_units, sizeof(count_units) / sizeof(count_units[0]),
				"count", "1000, 500k, 2M, 1G", out, err, errlen);
}

const char *units_time_str(uint64_t secs, char *buf, size_t size)
{
	int i;

	for (i = (int)(sizeof(time_units) / sizeof(time_units[0])) - 1; i > 0; i--)
		if (secs && secs % time_units[i].mult == 0)
			break;
	snprintf(buf, size, "%" PRIu64 "%c", secs / time_units[i].mult, time_units[i].suffix);
	return buf;
}

const char *units_human_str(uint64_t secs, char *buf, size_t size)
{
	int i = (int)(sizeof(time_units) / sizeof(time_units[0])) - 1;
	uint64_t hi, lo;

	while (i > 0 && secs < time_units[i].mult)
		i--;
	hi = secs / time_units[i].mult;
	lo = i ? (secs % time_units[i].mult) / time_units[i - 1].mult : 0;
	if (lo)
		snprintf(buf, size, "%" PRIu64 "%c %" PRIu64 "%c", hi, time_units[i].suffix, lo,
			 time_units[i - 1].suffix);
	else
		snprintf(buf, size, "%" PRIu64 "%c", hi, time_units[i].suffix);
	return buf;
}
