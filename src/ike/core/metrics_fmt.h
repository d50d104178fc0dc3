/*
 * Metrics as a control record, and its text exposition for Prometheus.
 *
 * The daemon builds one record (metrics.c) with a list "families", each
 *   { name, type ("gauge" | "counter"), help,
 *     samples: [ { labels: { key: "value", ... }, value: u64 } ] }
 * where a counter's name has no "_total" (OpenMetrics family names).
 * "ikectl metrics --json" prints that record; the HTTP endpoint and plain
 * "ikectl metrics" render it with metrics_render(), in one of two formats:
 *   METRICS_TEXT         Prometheus text format 0.0.4: every family named
 *                        as its samples (counters end in _total), what
 *                        "promtool check metrics" reads;
 *   METRICS_OPENMETRICS  OpenMetrics 1.0.0: counter families without
 *                        _total, closed by "# EOF".
 */
#ifndef IKE_CORE_METRICS_FMT_H
#define IKE_CORE_METRICS_FMT_H

#include <stdint.h>
#include <stdio.h>

#include "ike/core/ctlproto.h"

enum metrics_format {
	METRICS_TEXT = 0,
	METRICS_OPENMETRICS,
};

#define METRICS_CT_TEXT		"text/plain; version=0.0.4; charset=utf-8"
#define METRICS_CT_OPENMETRICS	"application/openmetrics-text; version=1.0.0; charset=utf-8"

/* Opens a family in e (inside the "families" list); close it with metrics_end(). */
void metrics_family(struct ctl_enc *e, const char *name, const char *type, const char *help);
/* One sample; labels: key, value, key, value, ..., NULL (or NULL alone). */
void metrics_sample(struct ctl_enc *e, uint64_t value, const char *const *labels);
void metrics_end(struct ctl_enc *e);

/* Writes the families of rec to out; -1 if a family or label is malformed
 * (it is skipped, the rest written). */
int metrics_render(const struct ctl_val *rec, enum metrics_format f, FILE *out);

#endif
