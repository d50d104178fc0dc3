/*
 * The configuration model read as IKE objects (proposals, selectors,
 * connections for addresses): used by the exchanges, kept out of them.
 */
#ifndef IKE_SA_CONF_OBJECTS_H
#define IKE_SA_CONF_OBJECTS_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "ike/core/conf.h"
#include "ike/ikev2.h"
#include "ike/sa/ts.h"

/* The next connection after 'after' (NULL: the first) allowing these addresses. */
const struct conf_conn *conn_by_addrs(const struct config *cfg, const struct addr *local,
				      const struct addr *remote, const struct conf_conn *after);
/* Our proposals for conn (IKE) or child (ESP), "default" when none are set. */
int conf_proposals(const struct conf_strlist *l, uint8_t protocol, struct ike_proposal *out,
		   size_t *n);
/* The same into a fresh array (*out, freed by the caller). */
int conf_proposals_dup(const struct conf_strlist *l, uint8_t protocol, struct ike_proposal **out,
		       size_t *n);
/* A connection's selectors with "dynamic" resolved to host. */
void conf_ts_resolve(const struct conf_ts_list *l, const struct addr *host, struct ts_set *out);
/* The same with "dynamic" standing for each of hosts (virtual addresses,
 * RFC 7296 3.15); a host 0.0.0.0 or :: for the whole address family (a
 * client asking for an address it does not know yet). */
void conf_ts_resolve_hosts(const struct conf_ts_list *l, const struct addr *hosts,
			   size_t nhosts, struct ts_set *out);

#endif
