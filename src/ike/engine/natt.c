/*
 * NAT traversal after IKE_SA_INIT (RFC 7296 2.23, RFC 3948): an
 * established IKE SA and its CHILD SAs follow the peer to the address and
 * port its NAT gave it, once an authenticated message came from there.
 * Only a host not behind a NAT follows (2.23: one behind a NAT would let
 * a single forged packet break the connection), and only for a peer
 * behind one.  The kernel's MAPPING event (kevents.c) is a hint that
 * sends a liveness check to the new address; its authenticated answer
 * moves the SA like any other message.
 */
#include <string.h>

#include "common/log.h"
#include "ike/engine/ike_sa.h"
#include "ike/engine/natt.h"

int natt_may_follow(const struct ike_sa *sa)
{
	return sa->nat_remote && !sa->nat_local;
}

/* The kernel's SAs and tunnel policies of c to the IKE SA's addresses. */
static void child_follow(struct child_sa *c, const struct ike_sa *sa)
{
	struct kernel *k = sa->eng->kernel;
	struct kernel_sa_id id;
	struct kernel_sa_move mv;
	struct addr old_local = c->sa_local, old_remote = c->sa_remote;

	c->sa_local = sa->local;
	c->sa_remote = sa->remote;
	memset(&id, 0, sizeof(id));
	id.proto = IPPROTO_ESP;
	memset(&mv, 0, sizeof(mv));
	if (c->sa_in) {
		id.dst = old_local;
		id.spi = c->spi_in;
		mv.src = c->sa_remote;
		mv.dst = c->sa_local;
		if (c->natt) {
			mv.encap_sport = addr_port(&c->sa_remote);
			mv.encap_dport = addr_port(&c->sa_local);
		}
		if (kernel_move_sa(k, &id, &mv) < 0)
			sa->eng->stats.kernel_errors++;
	}
	if (c->sa_out) {
		id.dst = old_remote;
		id.spi = c->spi_out;
		mv.src = c->sa_local;
		mv.dst = c->sa_remote;
		if (c->natt) {
			mv.encap_sport = addr_port(&c->sa_local);
			mv.encap_dport = addr_port(&c->sa_remote);
		}
		if (kernel_move_sa(k, &id, &mv) < 0)
			sa->eng->stats.kernel_errors++;
	}
	child_sa_policies_follow(c);
}

void natt_move_peer(struct ike_sa *sa, const struct addr *local, const struct addr *remote)
{
	char from[ADDR_STRLEN], to[ADDR_STRLEN];

	log_info(LS_IKE, "IKE SA %llu: the peer's NAT moved it from %s to %s: "
		 "IKE SA and CHILD SAs follow (RFC 7296 2.23)", (unsigned long long)sa->id,
		 addr_str(&sa->remote, from, sizeof(from)), addr_str(remote, to, sizeof(to)));
	sa->remote = *remote;
	if (!addr_is_any(local))
		sa->local = *local;
	sa->probing = 0;
	for (struct child_sa *c = sa->children; c; c = c->next)
		child_follow(c, sa);
	sa->eng->stats.nat_peer_moves++;
}

void natt_refuse_move(struct ike_sa *sa, const struct addr *remote)
{
	char from[ADDR_STRLEN], to[ADDR_STRLEN];

	log_info(LS_IKE, "IKE SA %llu: authenticated message from %s, the peer is at %s: "
		 "not followed (%s, RFC 7296 2.23)", (unsigned long long)sa->id,
		 addr_str(remote, to, sizeof(to)), addr_str(&sa->remote, from, sizeof(from)),
		 sa->nat_local ? "we are behind a NAT" : "no NAT in front of the peer");
	sa->probing = 0;
	sa->eng->stats.nat_moves_refused++;
}
