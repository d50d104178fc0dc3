/*
 * The engine side of src/ike/core/engine.h: life cycle (sockets, XFRM,
 * traps, start_action=start), reload, the "show" listings, the ikectl
 * actions and the event callback.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "ike/core/plan.h"
#include "ike/crypto/proposal.h"
#include "ike/engine/cp.h"
#include "ike/engine/create_child.h"
#include "ike/engine/crypto_job.h"
#include "ike/engine/exchange.h"
#include "ike/engine/flows.h"
#include "ike/engine/retry.h"

const char *engine_kind(void)
{
	return "ikev2";
}

/* The source address the kernel would pick towards remote. */
static int route_src(const struct addr *remote, struct addr *local)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = socket(addr_family(remote), SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	if (fd < 0)
		return -1;
	if (connect(fd, &remote->u.sa, addr_socklen(remote)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
	    addr_from_sockaddr(local, (struct sockaddr *)&ss, sl) == 0)
		rc = 0;
	close(fd);
	return rc;
}

/* to: the gateway a redirect sent us to (RFC 5685), NULL: the configured one */
static int start_addrs(struct engine *e, const struct conf_conn *conn, const struct addr *to,
		       struct addr *local, struct addr *remote, char *err, size_t errlen)
{
	const struct addr *r = to, *l = NULL;

	for (size_t i = 0; i < conn->nremote_addrs && !r; i++)
		if (!conn->remote_addrs[i].any && conn->remote_addrs[i].naddrs)
			r = &conn->remote_addrs[i].addrs[0];
	if (!r) {
		snprintf(err, errlen, "connection %s: no remote address to initiate to", conn->name);
		return -1;
	}
	*remote = *r;
	addr_set_port(remote, conn->remote_port ? (uint16_t)conn->remote_port : IKE_PORT);
	for (size_t i = 0; i < conn->nlocal_addrs && !l; i++)
		if (!conn->local_addrs[i].any && conn->local_addrs[i].naddrs &&
		    addr_family(&conn->local_addrs[i].addrs[0]) == addr_family(r))
			l = &conn->local_addrs[i].addrs[0];
	if (l)
		*local = *l;
	else if (route_src(remote, local) < 0) {
		snprintf(err, errlen, "connection %s: no route to %s", conn->name,
			 addr_str(remote, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
		return -1;
	}
	/* local_port: one of our sockets (checked at load) */
	addr_set_port(local, conn->local_port ? (uint16_t)conn->local_port : e->port);
	return 0;
}

/* engine_start(); ike_only: no CHILD SA at all (a childless IKE SA). */
static struct ike_sa *start_sa(struct engine *e, const struct conf_conn *conn,
			       const struct conf_child *child, const struct kernel_acquire *acq,
			       uint32_t reqid, int ike_only, const struct addr *to,
			       const struct addr *from, char *err, size_t errlen)
{
	struct addr local, remote;
	struct ike_sa *sa;

	if (start_addrs(e, conn, to, &local, &remote, err, errlen) < 0)
		return NULL;
	sa = ike_sa_new(e, 1, &local, &remote, conn);
	if (!sa) {
		snprintf(err, errlen, "connection %s: out of memory", conn->name);
		return NULL;
	}
	/* started on the NAT-T socket: non-ESP marker from the first message (2.23) */
	if (addr_port(&local) == e->port_natt && e->port_natt != e->port)
		sa->natt = 1;
	if (from) {
		sa->redir.have_from = 1;
		sa->redir.from = *from;
	}
	if (!child && conn->nchildren && !ike_only)
		child = &conn->children[0];
	sa->init_child = child;
	sa->local_id = conn->local.id;
	if (sa_table_insert(&e->table, &sa->entry) < 0 ||
	    conf_proposals_dup(&conn->proposals, PROTO_IKE, &sa->offered, &sa->noffered) < 0)
		goto fail;
	if (child && conn->childless == CONF_CHILDLESS_FORCE) {
		/* RFC 6023: IKE_AUTH without a CHILD SA, this one follows by
		 * CREATE_CHILD_SA (the packet of an ACQUIRE is not kept) */
		rekey_queue_new(sa, child, reqid);
		child = NULL;
	} else if (child && !(sa->pending_child = child_sa_new(sa, child))) {
		goto fail;
	}
	if (child && reqid)
		sa->pending_child->reqid = reqid;
	if (child && acq) {
		sa->pending_child->have_acquire_ts = 1;
		kevent_acquire_ts(acq, &sa->pending_child->acquire_src,
				&sa->pending_child->acquire_dst);
	}
	if (init_start(sa) < 0)
		goto fail;
	log_info(LS_IKE, "IKE SA %llu (%s): initiating to %s", (unsigned long long)sa->id,
		 conn->name, addr_str(&remote, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
	return sa;
fail:
	snprintf(err, errlen, "connection %s: IKE_SA_INIT could not be sent", conn->name);
	ike_sa_destroy(sa);
	return NULL;
}

struct ike_sa *engine_start(struct engine *e, const struct conf_conn *conn,
			    const struct conf_child *child, const struct kernel_acquire *acq,
			    uint32_t reqid, char *err, size_t errlen)
{
	return start_sa(e, conn, child, acq, reqid, 0, NULL, NULL, err, errlen);
}

/* e->redirect_start (redirect.c follows a REDIRECT through it) */
static struct ike_sa *start_redirected(struct engine *e, const struct conf_conn *conn,
				       const struct conf_child *child, const struct addr *to,
				       const struct addr *from, char *err, size_t errlen)
{
	return start_sa(e, conn, child, NULL, 0, child == NULL, to, from, err, errlen);
}

static void on_socket(const uint8_t *pkt, size_t len, const struct addr *local,
		      const struct addr *remote, int natt, void *arg)
{
	engine_packet_in(arg, pkt, len, local, remote, natt);
}

static void on_kernel(int fd, uint32_t events, void *arg)
{
	struct engine *e = arg;

	kernel_dispatch(e->kernel);
}

static void kernel_hook(struct engine *e, struct kernel *k)
{
	k->ev.on_acquire = kevent_acquire;
	k->ev.on_expire = kevent_expire;
	k->ev.on_mapping = kevent_mapping;
	k->ev.on_resync = kernel_resync;
	k->ev.arg = e;
	e->kernel = k;
}

/* Sockets for every listen address on both ports, bypassing IPsec. */
static int open_sockets(struct engine *e, char *err, size_t errlen)
{
	struct ike_socket_spec specs[IKE_SOCKETS_MAX];
	const struct conf_strlist *l = &e->cfg->global.listen;
	size_t n = 0;

	memset(specs, 0, sizeof(specs));
	for (size_t i = 0; i < l->n && n + 2 <= IKE_SOCKETS_MAX; i++)
		for (int natt = 0; natt < 2; natt++) {
			if (addr_parse(&specs[n].local, l->v[i], natt ? e->port_natt : e->port) < 0) {
				snprintf(err, errlen, "listen address \"%s\" invalid", l->v[i]);
				return -1;
			}
			specs[n].natt = natt;
			specs[n].kernel_encap = natt;
			n++;
		}
	if (ike_sockets_open(&e->sockets, e->loop, specs, n, on_socket, e) < 0) {
		snprintf(err, errlen, "IKE sockets could not be opened (see the log)");
		return -1;
	}
	e->have_sockets = 1;
	for (size_t i = 0; i < e->sockets.n; i++)
		if (kernel_bypass_socket(e->sockets.s[i].fd,
					 addr_family(&e->sockets.s[i].bound)) < 0) {
			snprintf(err, errlen, "IPsec bypass policy on the IKE socket refused");
			return -1;
		}
	return 0;
}

static struct engine *engine_alloc(struct loop *loop, const struct config *cfg)
{
	struct engine *e = calloc(1, sizeof(*e));
	struct cookie_cfg cc;

	if (!e)
		return NULL;
	e->loop = loop;
	e->cfg = cfg;
	e->kernel_fd = -1;
	e->port = (uint16_t)cfg->global.port;
	e->port_natt = (uint16_t)cfg->global.port_nat_t;
	e->retx.timeout_ms = (uint32_t)(cfg->global.retransmit_timeout * 1000);
	e->retx.base = cfg->global.retransmit_base;
	e->retx.tries = (unsigned)cfg->global.retransmit_tries;
	/* the receive path (transport) hands requests up to the exchanges */
	e->rx.init_request = init_rx_request;
	e->rx.auth_request = auth_rx_request;
	e->redirect_start = start_redirected;
	e->rx.info_request = info_rx_request;
	e->rx.create_child_request = create_child_rx_request;
	e->rx.init_lost = retry_init_lost;	/* keyingtries */
	e->rx.start = engine_start;
	cookie_cfg_defaults(&cc);
	cc.total_threshold = (unsigned)cfg->global.cookie_threshold;
	cc.ip_threshold = (unsigned)cfg->global.cookie_threshold_ip;
	cc.ip_block = (unsigned)cfg->global.block_threshold;
	e->rx_msg = malloc(sizeof(*e->rx_msg));
	e->tx_buf = malloc(ENGINE_TX_MAX);
	if (!e->rx_msg || !e->tx_buf || sa_table_init(&e->table) < 0 ||
	    cookie_ctx_init(&e->cookies, &cc, loop_now_ms(loop)) < 0 ||
	    hidx_init(&e->sa_by_id, 64) < 0 || flows_init(e) < 0 ||
	    hidx_init(&e->sa_by_conn, 64) < 0 || hkey_random(&e->invalid_spi.key) < 0 ||
	    cp_pools_sync(e, cfg) < 0) {
		sa_table_free(&e->table);
		cookie_ctx_free(&e->cookies);
		hidx_free(&e->sa_by_id);
		hidx_free(&e->sa_by_conn);
		flows_free(e);
		free(e->rx_msg);
		free(e->tx_buf);
		free(e);
		return NULL;
	}
	return e;
}

/* Kernel events on the loop, traps, start_action=start. */
static int engine_begin(struct engine *e, char *err, size_t errlen)
{
	int fd = kernel_event_fd(e->kernel);

	if (fd >= 0 && loop_add_fd(e->loop, fd, LOOP_IN, on_kernel, e) == 0)
		e->kernel_fd = fd;
	kernel_reconcile(e);
	for (size_t i = 0; i < e->cfg->nconns; i++) {
		const struct conf_conn *c = &e->cfg->conns[i];

		for (size_t k = 0; k < c->nchildren; k++)
			if (c->children[k].start_action == CONF_START_START &&
			    !engine_start(e, c, &c->children[k], NULL, 0, err, errlen))
				log_err(LS_IKE, "%s", err);
	}
	return 0;
}

struct engine *engine_new_test(struct loop *loop, const struct config *cfg, struct kernel *k,
			       const struct engine_test_hooks *hooks, char *err, size_t errlen)
{
	struct engine *e = engine_alloc(loop, cfg);

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	e->test_send = hooks->send;
	e->test_arg = hooks->arg;
	e->test_nonce = hooks->nonce;
	e->test_nonce_len = hooks->nonce_len;
	if (hooks->retx)
		e->retx = *hooks->retx;
	kernel_hook(e, k);
	engine_begin(e, err, errlen);
	return e;
}

struct engine *engine_new(struct loop *loop, const struct config *cfg, char *err, size_t errlen)
{
	struct engine *e = engine_alloc(loop, cfg);
	struct kernel_events ev;
	struct kernel *k;

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memset(&ev, 0, sizeof(ev));
	k = kernel_xfrm_new(&ev);
	if (!k) {
		snprintf(err, errlen, "XFRM netlink sockets could not be opened (see the log)");
		goto fail;
	}
	kernel_hook(e, k);
	e->own_kernel = 1;
	if (open_sockets(e, err, errlen) < 0)
		goto fail;
	/* the workers start with the first key exchange: after the daemon
	 * has dropped its capabilities, which threads inherit when created */
	e->crypto_workers_wanted = 1;
	engine_begin(e, err, errlen);
	return e;
fail:
	engine_shutdown(e);
	return NULL;
}

void engine_shutdown(struct engine *e)
{
	if (!e)
		return;
	/*
	 * fail_closed: block policies first, so the CHILD SAs going below give
	 * their places back to them, never to a trap (whose ACQUIRE nobody
	 * would answer, and whose larval SA would delay the next start's).
	 */
	if (e->kernel)
		trap_shutdown(e, 0);
	/* best effort: one DELETE each, no waiting for answers */
	while (e->sas) {
		struct ike_sa *sa = e->sas;

		if (sa->state == IKE_SA_ESTABLISHED)
			info_delete_ike(sa);
		if (e->sas == sa)
			ike_sa_destroy(sa);
	}
	retry_free_all(e);
	engine_crypto_stop(e);
	if (e->kernel) {
		kernel_state_shutdown(e);
		if (e->kernel_fd >= 0)
			loop_del_fd(e->loop, e->kernel_fd);
		if (e->own_kernel)
			kernel_free(e->kernel);
	}
	if (e->have_sockets)
		ike_sockets_close(&e->sockets);
	cookie_ctx_free(&e->cookies);
	sa_table_free(&e->table);
	hidx_free(&e->sa_by_id);
	hidx_free(&e->sa_by_conn);
	flows_free(e);
	cp_pools_free(e);
	redirect_engine_free(e);
	free(e->rx_msg);
	free(e->tx_buf);
	free(e);
}

void engine_set_event_cb(struct engine *e, engine_event_fn fn, void *arg)
{
	e->ev_fn = fn;
	e->ev_arg = arg;
}

void engine_set_eap_backend(struct engine *e, const struct engine_eap_backend *b)
{
	e->eap_backend = *b;
}

void engine_eap_answer(struct engine *e, const struct engine_eap_answer *a)
{
	struct ike_sa *sa = ike_sa_by_id(e, a->ike_sa_id);

	if (!sa || !sa->eap) {
		log_dbg(LS_IKE, "IKE SA %llu: EAP answer for an IKE SA no longer waiting",
			(unsigned long long)a->ike_sa_id);
		return;
	}
	auth_eap_resume(sa, a);
}

void engine_get_stats(struct engine *e, struct engine_stats *out)
{
	*out = e->stats;
	out->ike_sas_half_open = halfopen_total(&e->cookies);
	out->retransmits = 0;
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next)
		out->retransmits += sa->win.retransmits;
	out->retransmits += e->stats.retransmits;
}

/* ---- listings ---- */

void engine_list_ike_sas(struct engine *e, const char *conn, engine_ike_sa_fn fn, void *arg)
{
	uint64_t now = loop_now_ms(e->loop);

	for (struct ike_sa *sa = e->sas; sa; sa = sa->next) {
		struct engine_ike_sa_info in;
		char prop[256] = "";
		size_t n = 0;

		if (!ike_sa_of_conn(sa, conn))
			continue;
		for (struct child_sa *c = sa->children; c; c = c->next)
			n++;
		memset(&in, 0, sizeof(in));
		in.id = sa->id;
		in.conn = sa->conn ? sa->conn->name : "";
		in.state = ike_sa_state_name(sa->state);
		in.initiator = sa->entry.initiator;
		in.spi_i = sa->entry.spi_i;
		in.spi_r = sa->entry.spi_r;
		in.local = sa->local;
		in.remote = sa->remote;
		in.local_id = sa->local_id;
		in.remote_id = sa->remote_id;
		if (sa->prop.ntransforms)
			proposal_to_names(&sa->prop, prop, sizeof(prop));
		in.proposal = prop;
		in.nat_local = sa->nat_local;
		in.nat_remote = sa->nat_remote;
		in.fragmentation = sa->frag_ok;
		in.established = sa->established_ms != 0;
		in.established_secs = sa->established_ms ? (now - sa->established_ms) / 1000 : 0;
		in.nchildren = n;
		in.rekey_in_secs = rekey_ike_rekey_in(sa);	/* rekeying (rekey.c) */
		in.reauth_in_secs = rekey_ike_reauth_in(sa);
		in.local_auth = sa->auth_local_method;
		in.remote_auth = sa->auth_remote_method;
		in.peer_cert = sa->peer_cert;
		for (size_t i = 0; i < sa->nvips && i < 2; i++)
			in.vips[in.nvips++] = sa->vips[i].addr;
		for (size_t i = 0; i < sa->nvip_dns && i < 4; i++)
			in.dns[in.ndns++] = sa->vip_dns[i];
		in.eap_id = sa->eap_identity;
		fn(&in, arg);
	}
}

void engine_list_child_sas(struct engine *e, const char *conn, engine_child_sa_fn fn, void *arg)
{
	uint64_t now = loop_now_ms(e->loop);

	for (struct ike_sa *sa = e->sas; sa; sa = sa->next) {
		if (!ike_sa_of_conn(sa, conn))
			continue;
		for (struct child_sa *c = sa->children; c; c = c->next) {
			struct engine_child_sa_info in;
			char prop[256] = "";
			uint64_t age = c->installed_ms ? (now - c->installed_ms) / 1000 : 0;

			memset(&in, 0, sizeof(in));
			in.ike_sa_id = sa->id;
			in.id = c->id;
			in.conn = sa->conn ? sa->conn->name : "";
			in.child = c->cfg->name;
			in.state = child_sa_state_name(c->state);
			in.mode = c->mode;
			in.protocol = PROTO_ESP;
			in.spi_in = c->spi_in;
			in.spi_out = c->spi_out;
			in.reqid = c->reqid;
			proposal_to_names(&c->prop, prop, sizeof(prop));
			in.proposal = prop;
			in.local_ts = c->local_ts.ts;
			in.nlocal_ts = c->local_ts.n;
			in.remote_ts = c->remote_ts.ts;
			in.nremote_ts = c->remote_ts.n;
			child_sa_query(c, &in.bytes_in, &in.packets_in, &in.bytes_out,
				       &in.packets_out);
			in.installed_secs = age;
			in.rekey_in_secs = rekey_child_rekey_in(c);	/* rekeying (rekey.c) */
			in.expire_in_secs = rekey_child_expire_in(c);
			in.mark_in = c->xfrm.mark_in.value;
			in.mark_in_mask = c->xfrm.mark_in.mask;
			in.mark_out = c->xfrm.mark_out.value;
			in.mark_out_mask = c->xfrm.mark_out.mask;
			in.if_id_in = c->xfrm.if_id_in;
			in.if_id_out = c->xfrm.if_id_out;
			fn(&in, arg);
		}
	}
}

/* ---- actions ---- */

int engine_initiate(struct engine *e, const char *conn, const char *child, char *err, size_t errlen)
{
	const struct conf_conn *c = config_find_conn(e->cfg, conn);
	const struct conf_child *ch = NULL;

	if (!c) {
		snprintf(err, errlen, "initiate: no connection named \"%s\"", conn);
		return -1;
	}
	if (child && !(ch = config_find_child(c, child))) {
		snprintf(err, errlen, "initiate: connection %s has no child \"%s\"", conn, child);
		return -1;
	}
	return rekey_initiate(e, c, ch, err, errlen);	/* rekeying (rekey.c) */
}

int engine_initiate_ike(struct engine *e, const char *conn, char *err, size_t errlen)
{
	const struct conf_conn *c = config_find_conn(e->cfg, conn);

	if (!c) {
		snprintf(err, errlen, "initiate: no connection named \"%s\"", conn);
		return -1;
	}
	return start_sa(e, c, NULL, NULL, 0, 1, NULL, NULL, err, errlen) ? 0 : -1;
}

int engine_terminate(struct engine *e, const char *conn, uint64_t ike_sa_id, char *err, size_t errlen)
{
	struct ike_sa *sa, *next;
	int n = 0;

	for (sa = e->sas; sa; sa = next) {
		next = sa->next;
		if ((ike_sa_id && sa->id != ike_sa_id) || (!ike_sa_id && !ike_sa_of_conn(sa, conn)))
			continue;
		if (sa->state == IKE_SA_DELETING)
			continue;
		n++;
		info_delete_ike(sa);
		/* info_delete_ike may have destroyed sa; next is still valid */
	}
	if (!n) {
		if (ike_sa_id)
			snprintf(err, errlen, "terminate: no IKE SA with id %llu",
				 (unsigned long long)ike_sa_id);
		else
			snprintf(err, errlen, "terminate: no IKE SA of connection %s",
				 conn ? conn : "(any)");
		return -1;
	}
	return 0;
}

int engine_rekey(struct engine *e, const char *conn, uint64_t ike_sa_id, char *err, size_t errlen)
{
	return rekey_conn(e, conn, ike_sa_id, err, errlen);	/* rekeying (rekey.c) */
}

int engine_rekey_child(struct engine *e, const char *conn, const char *child,
		       uint64_t child_sa_id, char *err, size_t errlen)
{
	return rekey_children(e, conn, child, child_sa_id, err, errlen);
}

/* ---- reload ---- */

/* Removed, or changed in what its SAs were negotiated for (plan.h keep_sas). */
static int plan_touches(const struct reload_plan *plan, const char *conn)
{
	for (size_t i = 0; i < plan->n; i++)
		if ((plan->v[i].op == PLAN_REMOVE ||
		     (plan->v[i].op == PLAN_CHANGE && !plan->v[i].keep_sas)) &&
		    strcmp(plan->v[i].conn, conn) == 0)
			return 1;
	return 0;
}

/* Points an SA that survives the reload at the new configuration. */
static int sa_remap(struct ike_sa *sa, const struct config *newcfg)
{
	const struct conf_conn *c = config_find_conn(newcfg, sa->conn->name);

	if (!c)
		return -1;
	for (struct child_sa *ch = sa->children; ch; ch = ch->next)
		if (!(ch->cfg = config_find_child(c, ch->cfg->name)))
			return -1;
	if (sa->pending_child &&
	    !(sa->pending_child->cfg = config_find_child(c, sa->pending_child->cfg->name)))
		return -1;
	if (sa->init_child && !(sa->init_child = config_find_child(c, sa->init_child->name)))
		return -1;
	ike_sa_set_conn(sa, c);
	return 0;
}

/* A changed connection whose SAs stay: a child no longer start_action =
 * trap loses its trap policies (unless a CHILD SA stands in for them). */
static void traps_follow(struct engine *e, const struct conf_conn *old, const struct conf_conn *c)
{
	for (size_t k = 0; old && k < c->nchildren && k < old->nchildren; k++) {
		const struct conf_child *ch = &c->children[k];

		if (old->children[k].start_action != CONF_START_TRAP ||
		    ch->start_action == CONF_START_TRAP)
			continue;
		if (engine_child_up(e, c, ch))
			log_info(LS_CHD, "reload: %s/%s is no longer trapped; its trap policies go "
				 "with its CHILD SAs ('ikectl uninstall' once they are down)",
				 c->name, ch->name);
		else
			trap_uninstall(e, c, ch);
	}
}

int engine_reload(struct engine *e, const struct config *newcfg, const struct reload_plan *plan,
		  char *err, size_t errlen)
{
	const struct config *oldcfg;
	struct ike_sa *sa, *next;
	uint64_t id;

	for (size_t i = 0; i < plan->n; i++)
		if (plan->v[i].op != PLAN_ADD && !plan->v[i].keep_sas)
			trap_remove_conn(e, plan->v[i].conn);
	/* removed and changed connections: their SAs go (DELETE sent, best effort) */
	for (sa = e->sas; sa; sa = next) {
		next = sa->next;
		if (!sa->conn || (!plan_touches(plan, sa->conn->name) && sa_remap(sa, newcfg) == 0))
			continue;
		log_info(LS_IKE, "reload: IKE SA %llu (%s) deleted", (unsigned long long)sa->id,
			 sa->conn->name);
		id = sa->id;
		if (sa->state == IKE_SA_ESTABLISHED)
			info_delete_ike(sa);
		if ((sa = ike_sa_by_id(e, id)) != NULL)	/* still there (by id, no walk) */
			ike_sa_destroy(sa);
	}
	trap_remap(e, newcfg);
	/* after the SAs that went gave their leases back: an unchanged pool
	 * keeps its leases (cp.c) */
	if (cp_pools_sync(e, newcfg) < 0) {
		snprintf(err, errlen, "out of memory for the address pools");
		return -1;
	}
	oldcfg = e->cfg;
	e->cfg = newcfg;
	engine_crypto_note_groups(e, newcfg);
	e->retx.timeout_ms = (uint32_t)(newcfg->global.retransmit_timeout * 1000);
	e->retx.base = newcfg->global.retransmit_base;
	e->retx.tries = (unsigned)newcfg->global.retransmit_tries;
	e->cookies.cfg.total_threshold = (unsigned)newcfg->global.cookie_threshold;
	e->cookies.cfg.ip_threshold = (unsigned)newcfg->global.cookie_threshold_ip;
	e->cookies.cfg.ip_block = (unsigned)newcfg->global.block_threshold;
	for (size_t i = 0; i < plan->n; i++) {
		const struct conf_conn *c;

		if (plan->v[i].op == PLAN_REMOVE || !(c = config_find_conn(newcfg, plan->v[i].conn)))
			continue;
		trap_install_conn(e, c);
		if (plan->v[i].keep_sas) {
			traps_follow(e, config_find_conn(oldcfg, c->name), c);
			log_info(LS_IKE, "reload: connection %s (%s): its SAs are kept, the new "
				 "settings apply from the next rekey or DPD check", c->name,
				 plan->v[i].fields);
			continue;
		}
		for (size_t k = 0; k < c->nchildren; k++)
			if (c->children[k].start_action == CONF_START_START &&
			    !engine_start(e, c, &c->children[k], NULL, 0, err, errlen))
				log_err(LS_IKE, "reload: %s", err);
	}
	return 0;
}

/* ---- the kernel's view ---- */

struct klist {
	engine_kernel_sa_fn sa_fn;
	engine_kernel_policy_fn pol_fn;
	void *arg;
};

static void klist_sa(const struct kernel_sa_info *k, void *arg)
{
	struct klist *l = arg;
	struct engine_kernel_sa sa;

	memset(&sa, 0, sizeof(sa));
	sa.src = k->src;
	sa.dst = k->id.dst;
	sa.spi = k->id.spi;
	sa.protocol = k->id.proto == IPPROTO_AH ? PROTO_AH : PROTO_ESP;
	sa.reqid = k->reqid;
	sa.mode = k->mode == KERNEL_MODE_TUNNEL ? CONF_MODE_TUNNEL : CONF_MODE_TRANSPORT;
	sa.enc_alg = k->enc_alg;
	sa.integ_alg = k->integ_alg;
	sa.bytes = k->bytes;
	sa.packets = k->packets;
	l->sa_fn(&sa, l->arg);
}

static void sel_ts(struct ike_ts *ts, const struct addr *a, uint8_t plen, uint8_t proto,
		   uint16_t port, uint16_t mask)
{
	size_t len;
	const uint8_t *b = addr_bytes(a, &len);

	memset(ts, 0, sizeof(*ts));
	if (b)
		ts_from_prefix(ts, addr_family(a), b, plen);
	ts->ip_proto = proto;
	mask = kernel_port_mask(port, mask);
	ts->start_port = (uint16_t)(port & mask);
	ts->end_port = (uint16_t)(port | (uint16_t)~mask);
}

static void klist_policy(const struct kernel_policy_info *k, void *arg)
{
	static const char *const dirs[] = { "in", "out", "fwd" };
	struct klist *l = arg;
	struct engine_kernel_policy p;
	/* a fixed priority (child's priority) has no class: a template protects */
	unsigned cls = kernel_prio_is_own(k->priority) ? (k->priority - KERNEL_PRIO_MIN) >> 12 :
							 KERNEL_PRIO_IPSEC;

	memset(&p, 0, sizeof(p));
	p.dir = dirs[k->dir <= KERNEL_DIR_FWD ? k->dir : 0];
	sel_ts(&p.src, &k->sel.src, k->sel.src_plen, k->sel.proto, k->sel.sport,
	       k->sel.sport_mask);
	sel_ts(&p.dst, &k->sel.dst, k->sel.dst_plen, k->sel.proto, k->sel.dport,
	       k->sel.dport_mask);
	p.reqid = k->reqid;
	p.priority = k->priority;
	p.mark = k->mark.value;
	p.mark_mask = k->mark.mask;
	p.if_id = k->if_id;
	p.action = k->action == KERNEL_BLOCK ? "block" : !k->has_tmpl ? "bypass" :
		   cls == KERNEL_PRIO_TRAP ? "trap" : "protect";
	l->pol_fn(&p, l->arg);
}

int engine_list_kernel(struct engine *e, engine_kernel_sa_fn sa_fn,
		       engine_kernel_policy_fn pol_fn, void *arg, char *err, size_t errlen)
{
	struct klist l = { sa_fn, pol_fn, arg };
	int rc = kernel_list_own(e->kernel, sa_fn ? klist_sa : NULL,
				 pol_fn ? klist_policy : NULL, &l);

	if (rc < 0) {
		snprintf(err, errlen, "show kernel: listing failed: %s", strerror(-rc));
		return -1;
	}
	return 0;
}
