#include "ike/core/metrics_fmt.h"

#include <inttypes.h>
#include <string.h>

void metrics_family(struct ctl_enc *e, const char *name, const char *type, const char *help)
{
	ctl_begin_rec(e, NULL);
	ctl_put_str(e, "name", name);
	ctl_put_str(e, "type", type);
	ctl_put_str(e, "help", help);
	ctl_begin_list(e, "samples");
}

void metrics_sample(struct ctl_enc *e, uint64_t value, const char *const *labels)
{
	ctl_begin_rec(e, NULL);
	ctl_begin_rec(e, "labels");
	for (size_t i = 0; labels && labels[i] && labels[i + 1]; i += 2)
		ctl_put_str(e, labels[i], labels[i + 1]);
	ctl_end(e);
	ctl_put_u64(e, "value", value);
	ctl_end(e);
}

void metrics_end(struct ctl_enc *e)
{
	ctl_end(e);	/* samples */
	ctl_end(e);	/* family */
}

/* [a-zA-Z_:][a-zA-Z0-9_:]* (the exposition formats' metric names) */
static int valid_name(const char *s)
{
	if (!s || !*s || strchr("0123456789", *s))
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:") ==
	       strlen(s);
}

/* Backslash, newline and (where quoted) the double quote are escaped. */
static void escaped(FILE *out, const char *s, int quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (*s == '"' && quote)
			fputs("\\\"", out);
		else
			fputc(*s, out);
	}
}

static int render_sample(const struct ctl_val *s, const char *name, FILE *out)
{
	const struct ctl_val *labels = ctl_get(s, "labels");
	size_t n = 0;
	uint64_t v;

	if (ctl_get_u64(s, "value", &v) < 0 || (labels && labels->type != CTL_T_REC))
		return -1;
	for (size_t i = 0; labels && i < labels->nkids; i++)
		if (labels->kids[i].type != CTL_T_STR)
			return -1;
	fputs(name, out);
	for (size_t i = 0; labels && i < labels->nkids; i++) {
		const struct ctl_val *l = &labels->kids[i];

		fprintf(out, "%s%s=\"", n++ ? "," : "{", l->name);
		escaped(out, l->str, 1);
		fputc('"', out);
	}
	fprintf(out, "%s %" PRIu64 "\n", n ? "}" : "", v);
	return 0;
}

static int render_family(const struct ctl_val *f, enum metrics_format fmt, FILE *out)
{
	const char *name = ctl_get_str(f, "name"), *type = ctl_get_str(f, "type");
	const char *help = ctl_get_str(f, "help");
	const struct ctl_val *samples = ctl_get(f, "samples");
	char sample_name[160];
	int counter, rc = 0;

	if (!valid_name(name) || !type || !samples || samples->type != CTL_T_LIST)
		return -1;
	counter = strcmp(type, "counter") == 0;
	if (!counter && strcmp(type, "gauge") != 0)
		return -1;
	snprintf(sample_name, sizeof(sample_name), "%s%s", name, counter ? "_total" : "");
	/* OpenMetrics names a counter's family without _total; the 0.0.4 text
	 * format names every family as its samples */
	fprintf(out, "# HELP %s ", fmt == METRICS_OPENMETRICS ? name : sample_name);
	escaped(out, help ? help : "", fmt == METRICS_OPENMETRICS);
	fprintf(out, "\n# TYPE %s %s\n", fmt == METRICS_OPENMETRICS ? name : sample_name, type);
	for (size_t i = 0; i < samples->nkids; i++)
		if (render_sample(&samples->kids[i], sample_name, out) < 0)
			rc = -1;
	return rc;
}

int metrics_render(const struct ctl_val *rec, enum metrics_format f, FILE *out)
{
	const struct ctl_val *l = ctl_get(rec, "families");
	int rc = 0;

	for (size_t i = 0; l && l->type == CTL_T_LIST && i < l->nkids; i++)
		if (render_family(&l->kids[i], f, out) < 0)
			rc = -1;
	if (f == METRICS_OPENMETRICS)
		fputs("# EOF\n", out);
	return rc;
}
