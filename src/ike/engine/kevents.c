/*
 * Kernel events (registered by engine.c on the kernel backend): an ACQUIRE
 * from one of our trap policies starts an IKE SA or a new CHILD SA on the
 * established one; an SA EXPIRE goes to the lifetime logic (rekey.c); a
 * MAPPING (ESP in UDP arrived from a new address/port) starts a liveness
 * check towards it (natt.c moves the SAs once the answer is authentic).
 * Scheduling layer: decides what to negotiate, the exchanges do it.
 */
#include "common/log.h"
#include "ike/engine/exchange.h"
#include "ike/engine/natt.h"

/* The packet's side of the flow as a selector (one address, its port). */
static void acquire_ts(struct ike_ts *ts, const struct addr *a, uint8_t plen, uint8_t proto,
		       uint16_t port)
{
	size_t len;
	const uint8_t *b = addr_bytes(a, &len);

	ts_from_prefix(ts, addr_family(a), b, plen);
	ts->ip_proto = proto;
	ts->start_port = port;
	ts->end_port = port ? port : 65535;
}

void kevent_acquire(void *arg, const struct kernel_acquire *acq)
{
	struct engine *e = arg;
	const struct conf_conn *conn;
	const struct conf_child *child;
	char err[160];

	if (trap_lookup(e, acq->reqid, &conn, &child) < 0) {
		log_dbg(LS_CHD, "ACQUIRE for reqid %08x: no trap policy of ours", acq->reqid);
		return;
	}
	for (struct ike_sa *sa = ike_sa_conn_first(e, conn); sa; sa = ike_sa_conn_next(sa)) {
		if (sa->conn != conn || sa->state == IKE_SA_DEAD)
			continue;
		if (sa->state == IKE_SA_ESTABLISHED)
			acquire_new_child(sa, child, acq->reqid, acq);	/* rekey.c */
		return;	/* already negotiating */
	}
	log_info(LS_CHD, "ACQUIRE for %s/%s (reqid %08x): initiating", conn->name, child->name,
		 acq->reqid);
	if (!engine_start(e, conn, child, acq, acq->reqid, err, sizeof(err)))
		log_err(LS_CHD, "ACQUIRE for %s/%s: %s", conn->name, child->name, err);
}

void kevent_acquire_ts(const struct kernel_acquire *acq, struct ike_ts *src, struct ike_ts *dst)
{
	acquire_ts(src, &acq->sel.src, acq->sel.src_plen, acq->sel.proto, acq->sel.sport);
	acquire_ts(dst, &acq->sel.dst, acq->sel.dst_plen, acq->sel.proto, acq->sel.dport);
}

void kevent_expire(void *arg, const struct kernel_sa_id *id, uint32_t reqid, int hard)
{
	(void)reqid;
	rekey_on_expire(arg, id, hard);	/* rekeying (rekey.c) */
}

/* Only a hint: an ESP packet passed the kernel's checks from new_peer.
 * The peer is moved when an authenticated IKE message comes from there:
 * a liveness check goes to it now (or the outstanding request's next
 * retransmission does); no answer and the SA is lost as with any DPD. */
void kevent_mapping(void *arg, const struct kernel_sa_id *id, const struct addr *old_peer,
		    const struct addr *new_peer)
{
	struct engine *e = arg;
	struct ike_sa *sa = NULL;
	struct child_sa *c = child_sa_by_spi(e, id->spi, &sa);
	char from[ADDR_STRLEN], to[ADDR_STRLEN];

	addr_str(old_peer, from, sizeof(from));
	addr_str(new_peer, to, sizeof(to));
	if (!c || !sa || c->spi_in != id->spi || id->proto != IPPROTO_ESP ||
	    !addr_eq_host(&c->sa_local, &id->dst)) {
		e->stats.nat_mappings_ignored++;
		log_info(LS_KNL, "MAPPING for SA %08x (%s -> %s): not one of our inbound SAs, "
			 "ignored", id->spi, from, to);
		return;
	}
	/* followed already, or being checked */
	if (addr_cmp(&sa->remote, new_peer) == 0 ||
	    (sa->probing && addr_cmp(&sa->probe, new_peer) == 0))
		return;
	if (sa->state != IKE_SA_ESTABLISHED || !natt_may_follow(sa)) {
		e->stats.nat_mappings_ignored++;
		log_info(LS_KNL, "MAPPING for CHILD SA %llu (%08x, %s -> %s): %s, ignored",
			 (unsigned long long)c->id, id->spi, from, to,
			 sa->state != IKE_SA_ESTABLISHED ? "IKE SA not established" :
			 sa->nat_local ? "we are behind a NAT" : "no NAT in front of the peer");
		return;
	}
	log_info(LS_IKE, "IKE SA %llu: ESP from %s, the peer is at %s: liveness check there",
		 (unsigned long long)sa->id, to, addr_str(&sa->remote, from, sizeof(from)));
	sa->probing = 1;
	sa->probe = *new_peer;
	if (ike_window_can_send(&sa->win))
		info_dpd(sa);
}
