/*
 * The metrics endpoint: a small HTTP/1.x server on the event loop that
 * answers GET /metrics (and GET /) with the exposition text.  Sockets are
 * non-blocking and every read and write goes through the loop, so a slow
 * or silent client never holds the daemon up; each client has
 * METRICS_HTTP_TIMEOUT_MS to send its request and read the answer, a
 * request head is at most METRICS_HTTP_HEAD_MAX bytes, and at most
 * METRICS_HTTP_CLIENTS are served at once (more wait in the backlog).
 */
#ifndef IKE_CORE_METRICS_HTTP_H
#define IKE_CORE_METRICS_HTTP_H

#include <stddef.h>

#include "ike/core/metrics_fmt.h"

#define METRICS_HTTP_TIMEOUT_MS	5000
#define METRICS_HTTP_HEAD_MAX	4096
#define METRICS_HTTP_CLIENTS	8

struct loop;
struct metrics_http;

/* Produces the body in the format asked for (malloc'd); 0 or -1. */
typedef int (*metrics_body_fn)(void *arg, enum metrics_format f, char **body, size_t *len);

/* Listens on where ("ADDR:PORT"); NULL with err filled on failure. */
struct metrics_http *metrics_http_new(struct loop *loop, const char *where, metrics_body_fn fn,
				      void *arg, char *err, size_t errlen);
void metrics_http_free(struct metrics_http *h);

/* For tests: how a request head is answered (status, format). */
int metrics_http_route(const char *head, size_t len, enum metrics_format *f);

#endif
