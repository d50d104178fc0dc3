/* The loaded certificates as control-protocol records ("ikectl show certs"). */
#ifndef IKE_CORE_CTLCERTS_H
#define IKE_CORE_CTLCERTS_H

#include "ike/core/conf.h"
#include "ike/core/ctlproto.h"

/* A "certs" list: each certificate once, with role and connections. */
int ctl_put_certs(struct ctl_enc *e, const struct config *cfg);

#endif
