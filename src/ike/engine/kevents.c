/*
 * Kernel events (registered by engine.c on the kernel backend): an ACQUIRE
 * from one of our trap policies starts an IKE SA or a new CHILD SA on the
 * established one; an SA EXPIRE goes to the lifetime logic (rekey.c).
 * Scheduling layer: decides what to negotiate, the exchanges do it.
 */
#include "common/log.h"
#include "ike/engine/exchange.h"

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
