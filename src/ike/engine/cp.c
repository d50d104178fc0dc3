/* Virtual addresses through the configuration payload: see cp.h. */
#include "ike/engine/cp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/codec/names.h"
#include "ike/sa/pool.h"

/* A running pool and the definition it was made from (the configuration
 * it came from is freed by a reload). */
struct vpool {
	struct pool *p;
	int family;
	uint8_t first[16];
	uint64_t size;
};

static struct vpool *vpool_of(struct engine *e, const char *name)
{
	for (size_t i = 0; i < e->npools; i++)
		if (e->pools[i].p && strcmp(pool_name(e->pools[i].p), name) == 0)
			return &e->pools[i];
	return NULL;
}

int cp_pools_sync(struct engine *e, const struct config *cfg)
{
	struct vpool *nv = cfg->npools ? calloc(cfg->npools, sizeof(*nv)) : NULL;

	if (cfg->npools && !nv)
		return -1;
	for (size_t i = 0; i < cfg->npools; i++) {
		const struct conf_pool *cp = &cfg->pools[i];
		struct vpool *old = vpool_of(e, cp->name);

		nv[i].family = cp->family;
		memcpy(nv[i].first, cp->first, sizeof(nv[i].first));
		nv[i].size = cp->size;
		if (old && old->p && old->family == cp->family && old->size == cp->size &&
		    memcmp(old->first, cp->first, sizeof(old->first)) == 0) {
			nv[i].p = old->p;	/* unchanged: its leases stay */
			old->p = NULL;
			continue;
		}
		if (old && old->p)
			log_info(LS_CFG, "pool %s: addresses changed to %s, its leases are "
				 "forgotten", cp->name, cp->addrs);
		nv[i].p = pool_new(cp->name, cp->family, cp->first, cp->size);
		if (!nv[i].p) {
			for (size_t k = 0; k < i; k++)
				if (nv[k].p)
					pool_free(nv[k].p);
			free(nv);
			return -1;
		}
	}
	cp_pools_free(e);
	e->pools = nv;
	e->npools = cfg->npools;
	return 0;
}

void cp_pools_free(struct engine *e)
{
	for (size_t i = 0; i < e->npools; i++)
		pool_free(e->pools[i].p);
	free(e->pools);
	e->pools = NULL;
	e->npools = 0;
}

/* A lease's identity: the ID type, then its bytes. */
static size_t id_key(const struct ident *id, uint8_t *out)
{
	out[0] = id->type;
	memcpy(out + 1, id->data, id->len);
	return 1 + (size_t)id->len;
}

static void net_of_addr(const struct addr *a, uint8_t prefix, struct cp_net *n)
{
	size_t len;
	const uint8_t *b = addr_bytes(a, &len);

	memset(n, 0, sizeof(*n));
	n->family = (uint8_t)addr_family(a);
	n->prefix = prefix;
	if (b)
		memcpy(n->addr, b, len);
}

static void net_of_conf(const struct conf_net *c, struct cp_net *n)
{
	memset(n, 0, sizeof(*n));
	n->family = (uint8_t)c->family;
	n->prefix = c->prefix;
	memcpy(n->addr, c->addr, sizeof(n->addr));
}

/* An address of family fam from the first of the connection's pools that
 * has one (want: the client's wish, NULL if none).  1 leased, 0 no pool of
 * that family, -1 every such pool exhausted. */
static int lease_one(struct ike_sa *sa, int fam, const struct cp_info *ci)
{
	const struct conf_conn *conn = sa->conn;
	const uint8_t *want = NULL;
	uint8_t key[1 + IDENT_MAX], out[16];
	size_t klen = id_key(&sa->remote_id, key);
	int seen = 0;

	for (size_t i = 0; i < ci->naddrs; i++)
		if (ci->addrs[i].family == fam)
			want = ci->addrs[i].addr;
	for (size_t i = 0; i < conn->pools.n && sa->nvips < CONF_MAX_VIPS; i++) {
		const struct conf_pool *cp = config_find_pool(sa->eng->cfg, conn->pools.v[i]);
		struct vpool *vp = cp ? vpool_of(sa->eng, cp->name) : NULL;
		struct ike_vip *v = &sa->vips[sa->nvips];

		if (!vp || !vp->p || cp->family != fam)
			continue;
		seen = 1;
		if (pool_acquire(vp->p, key, klen, want, out) != POOL_OK)
			continue;
		memset(v, 0, sizeof(*v));
		addr_set_bytes(&v->addr, fam, out, 0);
		v->prefix = fam == AF_INET ? 32 : cp->prefix;
		snprintf(v->pool, sizeof(v->pool), "%s", cp->name);
		sa->nvips++;
		return 1;
	}
	return seen ? -1 : 0;
}

/* DNS servers, netmask and subnets of the pools that leased sa's addresses. */
static void reply_extras(const struct ike_sa *sa, const struct cp_info *ci, struct cp_out *o)
{
	struct cp_net n;

	for (size_t i = 0; i < sa->nvips; i++) {
		const struct conf_pool *cp = config_find_pool(sa->eng->cfg, sa->vips[i].pool);

		if (!cp)
			continue;
		if (cp->family == AF_INET && cp_asked(ci, CPA_IP4_NETMASK))
			cp_out_netmask(o, cp->prefix);
		for (size_t k = 0; k < cp->ndns; k++) {
			net_of_conf(&cp->dns[k], &n);
			cp_out_net(o, CPA_IP4_DNS, &n);
		}
		for (size_t k = 0; k < cp->nsubnets; k++) {
			net_of_conf(&cp->subnets[k], &n);
			cp_out_net(o, CPA_IP4_SUBNET, &n);
		}
	}
}

/* The first CP payload of m, or NULL. */
static const struct ike_payload *cp_pl(const struct ike_msg *m)
{
	int i = ike_msg_find(m, PL_CP, 0);

	return i < 0 ? NULL : &m->pl[i];
}

static void log_attrs(const struct ike_sa *sa, const struct ike_pl_cp *pl, const struct cp_info *ci)
{
	if (ci->nbad)
		log_info(LS_IKE, "IKE SA %llu: CP: %zu attribute(s) of a length RFC 7296 3.15.1 "
			 "does not allow ignored, the first %s of %u bytes",
			 (unsigned long long)sa->id, ci->nbad, ike_cp_attr_name(ci->bad_type),
			 ci->bad_len);
	if (pl->ndropped)
		log_info(LS_IKE, "IKE SA %llu: CP: %zu attributes beyond the first %d ignored",
			 (unsigned long long)sa->id, pl->ndropped, IKE_MSG_MAX_CP_ATTRS);
}

uint16_t cp_gateway_reply(struct ike_sa *sa, const struct ike_msg *m, struct cp_out *o,
			  int *send)
{
	const struct ike_payload *p = cp_pl(m);
	int want4, want6, r4 = 0, r6 = 0;
	char buf[64], id[IDENT_STRLEN];
	struct cp_info ci;
	struct cp_net n;

	*send = 0;
	if (!p)
		return 0;
	cp_parse(&p->u.cp, &ci);
	log_attrs(sa, &p->u.cp, &ci);
	if (ci.cfg_type != CFG_REQUEST) {
		/* 3.15: a client sends CFG_REQUEST; CFG_SET/ACK are not ours
		 * to take from it in IKE_AUTH */
		log_info(LS_IKE, "IKE SA %llu: CP of type %s from the client ignored",
			 (unsigned long long)sa->id, ike_cp_type_name(ci.cfg_type));
		return 0;
	}
	want4 = cp_asked(&ci, CPA_IP4_ADDRESS);
	want6 = cp_asked(&ci, CPA_IP6_ADDRESS);
	if (!sa->conn->pools.n) {
		if (want4 || want6)
			log_info(LS_IKE, "IKE SA %llu (%s): the peer asks for a virtual address, "
				 "the connection has no pools", (unsigned long long)sa->id,
				 sa->conn->name);
		return 0;
	}
	if (want4)
		r4 = lease_one(sa, AF_INET, &ci);
	if (want6)
		r6 = lease_one(sa, AF_INET6, &ci);
	if ((want4 || want6) && !sa->nvips) {
		log_info(LS_IKE, "IKE SA %llu (%s): no virtual address for %s: %s",
			 (unsigned long long)sa->id, sa->conn->name,
			 ident_str(&sa->remote_id, id, sizeof(id)),
			 r4 < 0 || r6 < 0 ? "pools exhausted" : "no pool of the family asked for");
		return N_INTERNAL_ADDRESS_FAILURE;
	}
	cp_out_init(o, CFG_REPLY);
	for (size_t i = 0; i < sa->nvips; i++) {
		net_of_addr(&sa->vips[i].addr, sa->vips[i].prefix, &n);
		cp_out_net(o, CPA_IP4_ADDRESS, &n);
		log_info(LS_IKE, "IKE SA %llu (%s): virtual address %s from pool %s for %s",
			 (unsigned long long)sa->id, sa->conn->name,
			 addr_host_str(&sa->vips[i].addr, buf, sizeof(buf)), sa->vips[i].pool,
			 ident_str(&sa->remote_id, id, sizeof(id)));
	}
	reply_extras(sa, &ci, o);
	*send = 1;
	return 0;
}

int cp_client_request(const struct ike_sa *sa, struct cp_out *o)
{
	const struct conf_conn *c = sa->conn;
	struct cp_net n;

	if (!c->nvips)
		return 0;
	cp_out_init(o, CFG_REQUEST);
	for (size_t i = 0; i < c->nvips; i++) {
		int v6 = addr_family(&c->vips[i]) == AF_INET6;

		if (addr_is_any(&c->vips[i])) {
			cp_out_empty(o, v6 ? CPA_IP6_ADDRESS : CPA_IP4_ADDRESS);
		} else {
			net_of_addr(&c->vips[i], v6 ? 128 : 32, &n);
			cp_out_net(o, CPA_IP4_ADDRESS, &n);
		}
		cp_out_empty(o, v6 ? CPA_IP6_DNS : CPA_IP4_DNS);
	}
	return 1;
}

static void vip_install(struct ike_sa *sa, struct ike_vip *v)
{
	char buf[64];
	int rc = kernel_add_addr(sa->eng->kernel, &v->addr, v->prefix, CP_VIP_IFNAME);

	/* -EEXIST: a reauthentication's new IKE SA got the address the old
	 * one installed; it stays, whichever SA goes last removes it */
	if (rc == 0 || rc == -EEXIST) {
		v->installed = 1;
		log_info(LS_IKE, "IKE SA %llu: virtual address %s/%u on %s",
			 (unsigned long long)sa->id, addr_host_str(&v->addr, buf, sizeof(buf)),
			 v->prefix, CP_VIP_IFNAME);
	} else {
		log_err(LS_KNL, "IKE SA %llu: virtual address %s not added on %s: %s",
			(unsigned long long)sa->id, addr_host_str(&v->addr, buf, sizeof(buf)),
			CP_VIP_IFNAME, strerror(-rc));
	}
}

void cp_client_take(struct ike_sa *sa, const struct ike_msg *m)
{
	const struct ike_payload *p = cp_pl(m);
	struct cp_info ci;
	char buf[64];

	if (!sa->conn->nvips)
		return;
	if (!p || p->u.cp.cfg_type != CFG_REPLY) {
		log_info(LS_IKE, "IKE SA %llu (%s): the gateway assigned no virtual address",
			 (unsigned long long)sa->id, sa->conn->name);
		return;
	}
	cp_parse(&p->u.cp, &ci);
	log_attrs(sa, &p->u.cp, &ci);
	for (size_t i = 0; i < ci.naddrs && sa->nvips < CONF_MAX_VIPS; i++) {
		struct ike_vip *v = &sa->vips[sa->nvips++];

		memset(v, 0, sizeof(*v));
		addr_set_bytes(&v->addr, ci.addrs[i].family, ci.addrs[i].addr, 0);
		v->prefix = ci.addrs[i].family == AF_INET ? 32 : 128;
		vip_install(sa, v);
	}
	for (size_t i = 0; i < ci.ndns && sa->nvip_dns < IKE_VIP_DNS_MAX; i++) {
		addr_set_bytes(&sa->vip_dns[sa->nvip_dns], ci.dns[i].family, ci.dns[i].addr, 0);
		log_info(LS_IKE, "IKE SA %llu: DNS server %s", (unsigned long long)sa->id,
			 addr_host_str(&sa->vip_dns[sa->nvip_dns], buf, sizeof(buf)));
		sa->nvip_dns++;
	}
}

size_t cp_ts_hosts(const struct ike_sa *sa, int local, struct addr *out, size_t max)
{
	int client = sa->conn && sa->conn->nvips;	/* the vips are ours */
	size_t n = 0;

	if (local == client && sa->nvips) {
		for (size_t i = 0; i < sa->nvips && n < max; i++)
			out[n++] = sa->vips[i].addr;
		return n;
	}
	if (local && client) {
		/* not assigned yet: the whole family, the gateway narrows it */
		for (size_t i = 0; i < sa->conn->nvips && n < max; i++, n++)
			addr_set_bytes(&out[n], addr_family(&sa->conn->vips[i]),
				       (const uint8_t[16]){ 0 }, 0);
		return n;
	}
	if (max)
		out[n++] = local ? sa->local : sa->remote;
	return n;
}

void cp_sa_move(struct ike_sa *from, struct ike_sa *to)
{
	memcpy(to->vips, from->vips, sizeof(to->vips));
	to->nvips = from->nvips;
	memcpy(to->vip_dns, from->vip_dns, sizeof(to->vip_dns));
	to->nvip_dns = from->nvip_dns;
	from->nvips = from->nvip_dns = 0;
}

/* Another IKE SA of this engine has a installed on the interface. */
static int vip_shared(const struct ike_sa *sa, const struct addr *a)
{
	for (const struct ike_sa *o = sa->eng->sas; o; o = o->next)
		for (size_t i = 0; o != sa && i < o->nvips; i++)
			if (o->vips[i].installed && addr_eq_host(&o->vips[i].addr, a))
				return 1;
	return 0;
}

void cp_sa_gone(struct ike_sa *sa)
{
	uint8_t key[1 + IDENT_MAX];
	size_t klen = id_key(&sa->remote_id, key);
	char buf[64];

	for (size_t i = 0; i < sa->nvips; i++) {
		struct ike_vip *v = &sa->vips[i];
		struct vpool *vp = v->pool[0] ? vpool_of(sa->eng, v->pool) : NULL;
		size_t len;
		const uint8_t *b = addr_bytes(&v->addr, &len);

		if (vp && vp->p && b && pool_release(vp->p, key, klen, b) == 0)
			log_info(LS_IKE, "IKE SA %llu: virtual address %s back to pool %s",
				 (unsigned long long)sa->id,
				 addr_host_str(&v->addr, buf, sizeof(buf)), v->pool);
		if (v->installed && !vip_shared(sa, &v->addr) &&
		    kernel_del_addr(sa->eng->kernel, &v->addr, v->prefix, CP_VIP_IFNAME) == 0)
			log_info(LS_IKE, "IKE SA %llu: virtual address %s removed from %s",
				 (unsigned long long)sa->id,
				 addr_host_str(&v->addr, buf, sizeof(buf)), CP_VIP_IFNAME);
	}
	sa->nvips = 0;
}

struct lease_walk {
	const char *pool;
	int family;
	engine_lease_fn fn;
	void *arg;
};

static int lease_cb(void *arg, const struct pool_lease_info *l)
{
	struct lease_walk *w = arg;
	struct engine_pool_lease el;

	memset(&el, 0, sizeof(el));
	el.pool = w->pool;
	addr_set_bytes(&el.addr, w->family, l->addr, 0);
	/* the key is the ID type, then its bytes (id_key) */
	if (l->idlen >= 1 && l->idlen - 1 <= IDENT_MAX) {
		el.id.type = l->id[0];
		el.id.len = (uint16_t)(l->idlen - 1);
		memcpy(el.id.data, l->id + 1, l->idlen - 1);
	}
	el.online = l->online != 0;
	w->fn(&el, w->arg);
	return 0;
}

void engine_list_pools(struct engine *e, engine_pool_fn pool_fn, engine_lease_fn lease_fn,
		       void *arg)
{
	for (size_t i = 0; i < e->npools; i++) {
		struct pool *p = e->pools[i].p;
		const struct conf_pool *cp = config_find_pool(e->cfg, pool_name(p));
		struct engine_pool_info pi = { pool_name(p), cp ? cp->addrs : "", pool_size(p),
					       pool_online(p), pool_offline(p) };
		struct lease_walk w = { pool_name(p), pool_family(p), lease_fn, arg };

		if (pool_fn)
			pool_fn(&pi, arg);
		if (lease_fn)
			pool_foreach(p, lease_cb, &w);
	}
}
