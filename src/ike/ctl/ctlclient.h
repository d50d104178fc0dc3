/* ikectl's side of the control socket, and its output helpers. */
#ifndef IKE_CTL_CTLCLIENT_H
#define IKE_CTL_CTLCLIENT_H

#include <stdio.h>

#include "ike/core/ctlproto.h"

struct ctl_conn {
	int fd;
	const char *path;
	int eof;		/* the daemon closed the connection between messages */
};

/* Prints "ikectl: cannot connect to PATH: ..." itself on failure. */
int ctl_connect(struct ctl_conn *c, const char *path);
void ctl_disconnect(struct ctl_conn *c);
int ctl_send(struct ctl_conn *c, struct ctl_enc *req);
/* Next message (response or event); 0, or -1 on EOF/error (printed unless EOF). */
int ctl_recv(struct ctl_conn *c, uint8_t *kind, struct ctl_val *msg);

/* Control bytes in every string written as \\xNN (human output). */
void ctl_val_escape(struct ctl_val *v);

/* JSON of a record, without its "ok" field; one line when compact. */
void json_print(FILE *f, const struct ctl_val *rec, int compact);

#endif
