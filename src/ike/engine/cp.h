/*
 * The configuration payload of IKE_AUTH (RFC 7296 2.19, 3.15): virtual
 * addresses.  Gateway: a CFG_REQUEST is answered from the connection's
 * pools (leases per identity, src/ike/sa/pool.h); the addresses narrow the
 * CHILD SA's remote selectors and go back to their pool when the IKE SA
 * goes.  Client (vips = [...]): a CFG_REQUEST goes out, the addresses of
 * the CFG_REPLY become the CHILD SA's local selectors and are added on
 * CP_VIP_IFNAME until the IKE SA goes.  Layer 1 (objects): it owns the
 * pools and an IKE SA's virtual addresses, and calls nothing above.
 */
#ifndef IKE_ENGINE_CP_H
#define IKE_ENGINE_CP_H

#include <stddef.h>
#include <stdint.h>

#include "ike/codec/cp.h"
#include "ike/engine/ike_sa.h"

/* Where a client puts its virtual addresses (strongSwan: the outgoing
 * interface; the loopback keeps them off the wire and out of ARP/ND). */
#define CP_VIP_IFNAME	"lo"

/* The engine's pools for cfg: a pool whose addresses did not change is
 * kept with its leases (reload), the others start empty.  0 or -1. */
int cp_pools_sync(struct engine *e, const struct config *cfg);
void cp_pools_free(struct engine *e);

/*
 * Gateway, IKE_AUTH request m of an authenticated peer: o gets the
 * CFG_REPLY (*send = 1) for a CFG_REQUEST; other CP types and CPs to a
 * connection without pools are logged and ignored.  Returns 0, or
 * INTERNAL_ADDRESS_FAILURE when an address was asked for and no pool of
 * the connection had one (3.10.1: no CHILD SA then).
 */
uint16_t cp_gateway_reply(struct ike_sa *sa, const struct ike_msg *m, struct cp_out *o,
			  int *send);
/* Client: 1 and o filled when the connection asks for addresses. */
int cp_client_request(const struct ike_sa *sa, struct cp_out *o);
/* Client: the CFG_REPLY of IKE_AUTH response m: addresses kept and added
 * on the interface, DNS servers kept (shown by ikectl). */
void cp_client_take(struct ike_sa *sa, const struct ike_msg *m);
/*
 * What "dynamic" selectors stand for: our side (local) or the peer's, as
 * addresses for conf_ts_resolve_hosts(): the virtual ones when there are,
 * 0.0.0.0 / :: while a client still waits for them, else the IKE SA's.
 */
size_t cp_ts_hosts(const struct ike_sa *sa, int local, struct addr *out, size_t max);
/* An IKE SA rekey (2.18): to takes over from's addresses, leases, DNS. */
void cp_sa_move(struct ike_sa *from, struct ike_sa *to);
/* The IKE SA goes: leases back to their pools, our addresses removed. */
void cp_sa_gone(struct ike_sa *sa);

#endif
