/*
 * The PLUTO_* environment of an updown script (updown.h): the names and
 * forms strongSwan's updown plugin passes (itself compatible with pluto's
 * _updown interface version 1.1), so existing scripts read what they
 * expect.  A selector that is a range, not a prefix, is given as the
 * smallest prefix holding it, as strongSwan does.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ike/core/updown.h"

#define UPDOWN_ID_MAX	256	/* longer identities are cut */

static int put(struct updown_env *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int put(struct updown_env *env, const char *fmt, ...)
{
	size_t room = sizeof(env->buf) - env->used;
	va_list ap;
	int n;

	if (env->n >= UPDOWN_ENV_MAX)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(env->buf + env->used, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		return -1;
	env->v[env->n++] = env->buf + env->used;
	env->v[env->n] = NULL;
	env->used += (size_t)n + 1;
	return 0;
}

/* An identity from the network, safe in a script that quotes carelessly. */
static void clean_id(const struct ident *id, char *out, size_t size)
{
	char buf[IDENT_STRLEN];
	size_t i;

	ident_str(id, buf, sizeof(buf));
	for (i = 0; buf[i] && i + 1 < size && i < UPDOWN_ID_MAX; i++) {
		unsigned char ch = (unsigned char)buf[i];

		out[i] = (ch < 0x20 || ch > 0x7e || strchr("'\"\\$`", ch)) ? '?' : (char)ch;
	}
	out[i] = '\0';
}

static size_t ts_alen(const struct ike_ts *ts)
{
	return ts->type == TS_IPV6_ADDR_RANGE ? 16 : 4;
}

/* Smallest prefix holding ts: leading bits start and end share, then the
 * rest of start cleared. */
static unsigned ts_cover(const struct ike_ts *ts, uint8_t net[16])
{
	size_t n = ts_alen(ts), i;
	unsigned plen = 0;

	for (i = 0; i < n; i++) {
		uint8_t diff = ts->start[i] ^ ts->end[i];

		if (!diff) {
			plen += 8;
			continue;
		}
		while (!(diff & 0x80)) {
			diff <<= 1;
			plen++;
		}
		break;
	}
	memset(net, 0, 16);
	for (i = 0; i < n; i++) {
		unsigned bits = plen > i * 8 ? plen - (unsigned)i * 8 : 0;

		net[i] = ts->start[i] & (uint8_t)(bits >= 8 ? 0xff : (0xff00 >> bits) & 0xff);
	}
	return plen;
}

static int put_client(struct updown_env *env, const char *who, const struct ike_ts *ts)
{
	int fam = ts->type == TS_IPV6_ADDR_RANGE ? AF_INET6 : AF_INET;
	char a[INET6_ADDRSTRLEN], m[INET_ADDRSTRLEN];
	uint8_t net[16], mask[4] = { 0 };
	unsigned plen = ts_cover(ts, net);

	inet_ntop(fam, net, a, sizeof(a));
	if (put(env, "PLUTO_%s_CLIENT=%s/%u", who, a, plen) < 0 ||
	    put(env, "PLUTO_%s_CLIENT_NET=%s", who, a) < 0)
		return -1;
	if (fam == AF_INET) {
		for (unsigned i = 0; i < plen; i++)
			mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		inet_ntop(AF_INET, mask, m, sizeof(m));
		if (put(env, "PLUTO_%s_CLIENT_MASK=%s", who, m) < 0)
			return -1;
	}
	/* one port when the selector names one, else 0 (any) */
	return put(env, "PLUTO_%s_PORT=%u", who,
		   ts->start_port == ts->end_port ? ts->start_port : 0) < 0 ||
	       put(env, "PLUTO_%s_PROTOCOL=%u", who, ts->ip_proto) < 0 ? -1 : 0;
}

/* "host": our selector is our own address alone (transport mode). */
static int ts_is_host(const struct ike_ts *ts, const struct addr *a)
{
	size_t n;
	const uint8_t *b = addr_bytes(a, &n);

	return b && n == ts_alen(ts) && memcmp(ts->start, b, n) == 0 &&
	       memcmp(ts->end, b, n) == 0;
}

const char *updown_verb(const struct updown_call *call, size_t lts, char *buf, size_t size)
{
	const struct engine_updown *u = call->u;
	const struct ike_ts *ts = lts < u->nlocal_ts ? &u->local_ts[lts] : NULL;

	snprintf(buf, size, "%s-%s%s", u->up ? "up" : "down",
		 ts && ts_is_host(ts, &u->local) ? "host" : "client",
		 ts && ts->type == TS_IPV6_ADDR_RANGE ? "-v6" : "");
	return buf;
}

int updown_env_build(struct updown_env *env, const struct updown_call *call, size_t lts,
		     size_t rts)
{
	const struct engine_updown *u = call->u;
	char verb[32], me[ADDR_STRLEN], peer[ADDR_STRLEN], id[UPDOWN_ID_MAX + 1];

	memset(env, 0, sizeof(*env));
	if (lts >= u->nlocal_ts || rts >= u->nremote_ts)
		return -1;
	addr_host_str(&u->local, me, sizeof(me));
	addr_host_str(&u->remote, peer, sizeof(peer));
	if (put(env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") < 0 ||
	    put(env, "PLUTO_VERSION=1.1") < 0 ||
	    put(env, "PLUTO_VERB=%s", updown_verb(call, lts, verb, sizeof(verb))) < 0 ||
	    /* strongSwan names the child configuration here */
	    put(env, "PLUTO_CONNECTION=%s", call->child) < 0 ||
	    put(env, "IKEDAEMON_CONN=%s", call->conn) < 0 ||
	    put(env, "PLUTO_INTERFACE=%s", call->interface ? call->interface : "unknown") < 0 ||
	    put(env, "PLUTO_REQID=%u", u->reqid) < 0 ||
	    put(env, "PLUTO_PROTO=esp") < 0 ||
	    put(env, "PLUTO_UNIQUEID=%llu", (unsigned long long)call->ike_sa_id) < 0 ||
	    put(env, "PLUTO_ME=%s", me) < 0 ||
	    put(env, "PLUTO_PEER=%s", peer) < 0 ||
	    put_client(env, "MY", &u->local_ts[lts]) < 0 ||
	    put_client(env, "PEER", &u->remote_ts[rts]) < 0)
		return -1;
	clean_id(u->local_id, id, sizeof(id));
	if (put(env, "PLUTO_MY_ID=%s", id) < 0)
		return -1;
	clean_id(u->remote_id, id, sizeof(id));
	if (put(env, "PLUTO_PEER_ID=%s", id) < 0)
		return -1;
	/* route-based tunnels: the XFRM interface IDs, as strongSwan passes them */
	if ((call->if_id_in && put(env, "PLUTO_IF_ID_IN=%u", call->if_id_in) < 0) ||
	    (call->if_id_out && put(env, "PLUTO_IF_ID_OUT=%u", call->if_id_out) < 0))
		return -1;
	/* marks, and hostaccess (the _updown script's firewall rules) */
	if ((u->mark_in_mask &&
	     put(env, "PLUTO_MARK_IN=%u/0x%08x", u->mark_in, u->mark_in_mask) < 0) ||
	    (u->mark_out_mask &&
	     put(env, "PLUTO_MARK_OUT=%u/0x%08x", u->mark_out, u->mark_out_mask) < 0) ||
	    (call->hostaccess && put(env, "PLUTO_HOST_ACCESS=1") < 0))
		return -1;
	/* ESP in UDP: the port the SAs are encapsulated to (strongSwan) */
	if (u->natt && put(env, "PLUTO_UDP_ENC=%u", addr_port(&u->remote)) < 0)
		return -1;
	return 0;
}

const char *updown_interface(const struct addr *local, char *buf, size_t size)
{
	struct ifaddrs *ifs, *i;
	const char *found = NULL;
	struct addr a;

	if (getifaddrs(&ifs) < 0)
		return NULL;
	for (i = ifs; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr || (i->ifa_addr->sa_family != AF_INET &&
				     i->ifa_addr->sa_family != AF_INET6))
			continue;
		if (addr_from_sockaddr(&a, i->ifa_addr, i->ifa_addr->sa_family == AF_INET ?
				       sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) == 0 &&
		    addr_eq_host(&a, local)) {
			snprintf(buf, size, "%s", i->ifa_name);
			found = buf;
		}
	}
	freeifaddrs(ifs);
	return found;
}
