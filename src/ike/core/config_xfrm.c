/*
 * ike.conf keys a child (or connection) hands to the kernel's XFRM state
 * as strongSwan's swanctl.conf writes them: marks ("value[/mask]",
 * %unique, %unique-dir, %same), XFRM interface IDs (a number, %unique,
 * %unique-dir).  Values are strings or integers.
 */
#include "ike/core/confload.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The specials, and which keys take them. */
static const struct {
	const char *name;
	uint64_t value;
	int same_ok;		/* only set_mark_* */
} specials[] = {
	{ "%unique", CONF_ID_UNIQUE, 0 },
	{ "%unique-dir", CONF_ID_UNIQUE_DIR, 0 },
	{ "%same", CONF_ID_SAME, 1 },
};

/* A 32-bit number: decimal, 0x hex (strtoul base 0, no sign, no junk). */
static int parse_u32(const char *s, uint32_t *v)
{
	unsigned long long n;
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno || *end || n > UINT32_MAX)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

static int parse_special(const char *s, int is_set_mark, uint64_t *v)
{
	for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++)
		if (strcmp(s, specials[i].name) == 0 && (!specials[i].same_ok || is_set_mark)) {
			*v = specials[i].value;
			return 0;
		}
	return -1;
}

/* An integer setting as a number in [0, UINT32_MAX]; -1 if not an integer. */
static int setting_int(const config_setting_t *s, uint64_t *v)
{
	long long n;

	if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64)
		return -1;
	n = config_setting_get_int64(s);
	if (n < 0 || n > (long long)UINT32_MAX)
		return -2;
	*v = (uint64_t)n;
	return 0;
}

/* mark_in, mark_out, set_mark_in, set_mark_out: obj is a struct conf_mark. */
int conf_load_mark(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_mark *m = obj;
	const char *key = config_setting_name(s), *str;
	int set = strncmp(key, "set_", 4) == 0, rc;
	char buf[64], *slash;
	uint32_t n;

	m->mask = UINT32_MAX;
	if ((rc = setting_int(s, &m->value)) != -1) {
		if (rc < 0)
			conf_error(ctx, s, "'%s' must be within 0..4294967295", key);
		return rc < 0 ? -1 : 0;
	}
	if (conf_get_string(ctx, s, &str) < 0)
		return -1;
	if (strlen(str) >= sizeof(buf))
		goto bad;
	strcpy(buf, str);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		if (parse_u32(slash + 1, &m->mask) < 0)
			goto bad;
	}
	if (buf[0] == '%') {
		if (parse_special(buf, set, &m->value) < 0)
			goto bad;
		return 0;
	}
	if (parse_u32(buf, &n) < 0)
		goto bad;
	m->value = n;
	return 0;
bad:
	conf_error(ctx, s, "'%s' = \"%s\": expected value[/mask] (numbers up to 0xffffffff), "
		   "%%unique or %%unique-dir%s", key, str, set ? ", or %same[/mask]" : "");
	return -1;
}

/* if_id_in, if_id_out (child and connection): obj is a uint64_t. */
int conf_load_if_id(struct conf_ctx *ctx, const config_setting_t *s, void *obj)
{
	uint64_t *v = obj;
	const char *key = config_setting_name(s), *str;
	uint32_t n;
	int rc;

	if ((rc = setting_int(s, v)) != -1) {
		if (rc < 0)
			conf_error(ctx, s, "'%s' must be within 0..4294967295", key);
		return rc < 0 ? -1 : 0;
	}
	if (conf_get_string(ctx, s, &str) < 0)
		return -1;
	if (parse_special(str, 0, v) == 0)
		return 0;
	if (parse_u32(str, &n) == 0) {
		*v = n;
		return 0;
	}
	conf_error(ctx, s, "'%s' = \"%s\": expected a number up to 0xffffffff, %%unique or "
		   "%%unique-dir", key, str);
	return -1;
}

/* set_mark_* = %same needs the mark it copies. */
void conf_check_marks(struct conf_ctx *ctx, const config_setting_t *s, const struct conf_child *ch)
{
	if (ch->set_mark_in.value == CONF_ID_SAME && !ch->mark_in.mask)
		conf_error(ctx, s, "child '%s': set_mark_in = %%same without a mark_in", ch->name);
	if (ch->set_mark_out.value == CONF_ID_SAME && !ch->mark_out.mask)
		conf_error(ctx, s, "child '%s': set_mark_out = %%same without a mark_out", ch->name);
	if (ch->mark_in_sa && !ch->mark_in.mask)
		conf_warn(ctx, s, "child '%s': mark_in_sa = yes without a mark_in does nothing",
			  ch->name);
}
