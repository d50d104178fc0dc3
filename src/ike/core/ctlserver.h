/*
 * The daemon's end of the control socket: a UNIX stream socket (mode 0600,
 * root only), non-blocking clients on the event loop, frames decoded with
 * ctlproto.h and handed to one request callback.  Clients that asked for
 * "monitor" stay connected and receive event frames.
 */
#ifndef IKE_CORE_CTLSERVER_H
#define IKE_CORE_CTLSERVER_H

#include <stddef.h>
#include <stdint.h>

#include "ike/core/ctlproto.h"

struct loop;
struct ctl_server;
struct ctl_client;

/* Fills resp (a response message) for req. */
typedef void (*ctl_request_fn)(void *arg, struct ctl_client *c, const struct ctl_val *req,
			       struct ctl_enc *resp);

struct ctl_server *ctl_server_new(struct loop *l, const char *path, ctl_request_fn fn, void *arg,
				  char *err, size_t errlen);
/* Closes every client and removes the socket file. */
void ctl_server_free(struct ctl_server *s);
/*
 * From the request callback: the response comes later, through
 * ctl_client_respond (which finishes and frees resp).  If the client goes
 * first, gone(arg) is called and c must not be used after it.
 */
void ctl_client_defer(struct ctl_client *c, void (*gone)(void *arg), void *arg);
int ctl_client_respond(struct ctl_client *c, struct ctl_enc *resp);
/* From the request callback: keep c open for events after its response. */
void ctl_client_set_monitor(struct ctl_client *c);
size_t ctl_server_monitors(const struct ctl_server *s);
/* Queues one event frame to every monitor; a monitor too slow to read is dropped. */
void ctl_server_broadcast(struct ctl_server *s, const uint8_t *frame, size_t len);
uint64_t ctl_server_requests(const struct ctl_server *s);

#endif
