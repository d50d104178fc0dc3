/*
 * "ikectl diagnose CONN": what went wrong with a connection lately, in
 * plain words.  The engine names the connection it is working on
 * (log_ctx_set); every log line at info level or above logged meanwhile
 * is kept here, per connection (the last DIAG_LINES), with the causes of
 * the last failed handshakes (from the engine's state events) and advice
 * chosen by what those lines and causes say.  Bounded: DIAG_CONNS
 * connections at most (the oldest is reused).
 */
#ifndef IKE_CORE_DIAG_H
#define IKE_CORE_DIAG_H

#include <stdint.h>

#include "ike/core/engine.h"

struct ctl_enc;
struct diag;

struct diag *diag_new(void);
void diag_free(struct diag *g);
/* The engine's state events: failed handshakes are recorded. */
void diag_event(struct diag *g, const struct engine_event *ev);
/* The report for one connection into resp ("lines", "failures", "advice"). */
void diag_put(const struct diag *g, const char *conn, struct ctl_enc *resp);

#endif
