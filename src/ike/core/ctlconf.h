/*
 * The configuration as control-protocol records: what "ikectl show conns"
 * prints, and what a reload plan compares field by field.
 */
#ifndef IKE_CORE_CTLCONF_H
#define IKE_CORE_CTLCONF_H

#include "ike/core/conf.h"
#include "ike/core/ctlproto.h"

/* One record per connection (fields in ikectl(8), "show conns"). */
void ctl_put_conn(struct ctl_enc *e, const char *name, const struct conf_conn *c);
void ctl_put_global(struct ctl_enc *e, const char *name, const struct conf_global *g);
/* A value (e.g. a connection record) built alone and decoded back. */
int ctl_record_of_conn(const struct conf_conn *c, struct ctl_val *out);
int ctl_record_of_global(const struct conf_global *g, struct ctl_val *out);

#endif
