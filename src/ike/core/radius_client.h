/*
 * The RADIUS client behind remote.auth = "eap-radius": the engine's EAP
 * backend (engine.h engine_eap_backend).  Each EAP message of a client
 * becomes an Access-Request (RFC 2865, RFC 3579) on a non-blocking UDP
 * socket of the daemon's loop; the answer comes back through fn from the
 * loop, never from inside submit.  A server that does not answer after
 * retransmit_tries sends of retransmit_timeout each is left for the next
 * one (fail-over, the next sessions start there too); when every server
 * has been tried the session fails.  Timeouts run on the loop's clock
 * (virtual in tests).
 */
#ifndef IKE_CORE_RADIUS_CLIENT_H
#define IKE_CORE_RADIUS_CLIENT_H

#include <stdint.h>

#include "ike/core/engine.h"

struct loop;
struct conf_radius;
struct radius_client;

typedef void (*radius_answer_fn)(void *arg, const struct engine_eap_answer *a);

/* cfg stays valid until radius_client_set_config() or _free(). */
struct radius_client *radius_client_new(struct loop *l, const struct conf_radius *cfg,
					radius_answer_fn fn, void *arg);
/* After a reload: sessions under way go on with the new servers. */
void radius_client_set_config(struct radius_client *c, const struct conf_radius *cfg);
/* Sessions still open fail silently (no answer); sockets closed. */
void radius_client_free(struct radius_client *c);

/* The engine_eap_backend hooks (arg: the client). */
int radius_client_submit(void *c, const struct engine_eap_request *r);
void radius_client_cancel(void *c, uint64_t ike_sa_id);

/* Sessions open (tests). */
size_t radius_client_sessions(const struct radius_client *c);

#endif
