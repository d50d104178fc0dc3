/*
 * RADIUS client for eap-radius (see radius_client.h): one session per IKE
 * SA relaying EAP, one connected non-blocking UDP socket per server.
 */
#include "ike/core/radius_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "common/log.h"
#include "common/loop.h"
#include "common/secret.h"
#include "ike/auth/eap.h"
#include "ike/auth/radius.h"
#include "ike/core/conf.h"

#define NAS_PORT_TYPE_VIRTUAL	5	/* RFC 2865 5.41 */
#define SERVICE_TYPE_FRAMED	2	/* RFC 2865 5.6 */
#define NAS_ID_DEFAULT		"ikedaemon"

struct rsess {
	struct rsess *next;
	struct radius_client *c;
	uint64_t sa_id;
	char user[EAP_ID_MAX + 1];
	struct addr local, remote;
	uint8_t state[RADIUS_ATTR_MAX];	/* RFC 2865 5.24: echoed as received */
	size_t state_len;
	uint8_t eap[RADIUS_EAP_MAX - 512];	/* the client's message being relayed */
	size_t eap_len;
	int pending;			/* an Access-Request is out */
	size_t server;			/* index in cfg->servers */
	unsigned sends, servers_tried;
	uint8_t id, req_auth[RADIUS_AUTH_LEN];
	uint8_t pkt[RADIUS_MAX_LEN];
	size_t pkt_len;
	struct timer t;
};

struct radius_client {
	struct loop *loop;
	const struct conf_radius *cfg;
	radius_answer_fn fn;
	void *arg;
	int fds[CONF_RADIUS_MAX_SERVERS];
	uint8_t next_id[CONF_RADIUS_MAX_SERVERS];
	size_t current;			/* the server new sessions start with */
	struct rsess *sessions;
};

static void on_readable(int fd, uint32_t events, void *arg);

static const char *server_str(const struct radius_client *c, size_t i, char *buf, size_t len)
{
	return addr_str(&c->cfg->servers[i].addr, buf, len);
}

static void close_fds(struct radius_client *c)
{
	for (size_t i = 0; i < CONF_RADIUS_MAX_SERVERS; i++)
		if (c->fds[i] >= 0) {
			loop_del_fd(c->loop, c->fds[i]);
			close(c->fds[i]);
			c->fds[i] = -1;
		}
}

/* Server i's socket, opened on first use; -1 if it cannot be. */
static int server_fd(struct radius_client *c, size_t i)
{
	const struct addr *a = &c->cfg->servers[i].addr;
	char buf[64];
	int fd;

	if (c->fds[i] >= 0)
		return c->fds[i];
	fd = socket(addr_family(a), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, &a->u.sa, addr_socklen(a)) < 0 ||
	    loop_add_fd(c->loop, fd, LOOP_IN, on_readable, c) < 0) {
		log_err(LS_NET, "RADIUS server %s: no socket: %s", server_str(c, i, buf, sizeof(buf)),
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	c->fds[i] = fd;
	return fd;
}

struct radius_client *radius_client_new(struct loop *l, const struct conf_radius *cfg,
					radius_answer_fn fn, void *arg)
{
	struct radius_client *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->loop = l;
	c->cfg = cfg;
	c->fn = fn;
	c->arg = arg;
	for (size_t i = 0; i < CONF_RADIUS_MAX_SERVERS; i++)
		c->fds[i] = -1;
	return c;
}

static void sess_free(struct rsess *s)
{
	struct rsess **pp = &s->c->sessions;

	while (*pp && *pp != s)
		pp = &(*pp)->next;
	if (*pp)
		*pp = s->next;
	timer_cancel(s->c->loop, &s->t);
	memzero(s, sizeof(*s));
	free(s);
}

static struct rsess *sess_find(struct radius_client *c, uint64_t sa_id)
{
	for (struct rsess *s = c->sessions; s; s = s->next)
		if (s->sa_id == sa_id)
			return s;
	return NULL;
}

/* An Identifier no request to server i uses; -1 if all 256 are out. */
static int free_id(struct radius_client *c, size_t i)
{
	for (unsigned n = 0; n < 256; n++) {
		uint8_t id = c->next_id[i]++;
		struct rsess *s = c->sessions;

		while (s && !(s->pending && s->server == i && s->id == id))
			s = s->next;
		if (!s)
			return id;
	}
	return -1;
}

/* The Access-Request of s for its current server (RFC 2865 4.1, RFC 3579 3). */
static int build(struct rsess *s)
{
	const struct conf_radius *cfg = s->c->cfg;
	const struct conf_radius_server *sv = &cfg->servers[s->server];
	const char *nas = cfg->nas_identifier ? cfg->nas_identifier : NAS_ID_DEFAULT;
	uint8_t u32[4] = { 0, 0, 0, 0 };
	char host[64];
	struct radius_req b;
	size_t alen;
	const uint8_t *ab;
	int id = free_id(s->c, s->server), n;

	/* RFC 2865 3: unpredictable Request Authenticators */
	if (id < 0 || RAND_bytes(s->req_auth, sizeof(s->req_auth)) != 1)
		return -1;
	s->id = (uint8_t)id;
	radius_req_start(&b, s->pkt, sizeof(s->pkt), RADIUS_ACCESS_REQUEST, s->id, s->req_auth);
	radius_put(&b, RA_USER_NAME, s->user, strlen(s->user));
	radius_put(&b, RA_NAS_IDENTIFIER, nas, strlen(nas));
	ab = addr_bytes(&s->local, &alen);
	if (addr_family(&s->local) == AF_INET)
		radius_put(&b, RA_NAS_IP_ADDRESS, ab, alen);
	else
		radius_put(&b, RA_NAS_IPV6_ADDRESS, ab, alen);
	u32[3] = NAS_PORT_TYPE_VIRTUAL;
	radius_put(&b, RA_NAS_PORT_TYPE, u32, 4);
	u32[3] = SERVICE_TYPE_FRAMED;
	radius_put(&b, RA_SERVICE_TYPE, u32, 4);
	addr_host_str(&s->local, host, sizeof(host));
	radius_put(&b, RA_CALLED_STATION_ID, host, strlen(host));
	addr_host_str(&s->remote, host, sizeof(host));
	radius_put(&b, RA_CALLING_STATION_ID, host, strlen(host));
	if (s->state_len)
		radius_put(&b, RA_STATE, s->state, s->state_len);
	radius_put_eap(&b, s->eap, s->eap_len);
	n = radius_req_finish(&b, sv->secret.ptr, sv->secret.len);
	if (n < 0)
		return -1;
	s->pkt_len = (size_t)n;
	s->sends = 0;
	return 0;
}

static uint64_t timeout_ms(const struct radius_client *c)
{
	return (uint64_t)(c->cfg->retransmit_timeout * 1000.0);
}

/* One send of s's packet; a lost one is the timer's business. */
static void transmit(struct rsess *s)
{
	int fd = server_fd(s->c, s->server);

	s->sends++;
	s->pending = 1;
	if (fd >= 0 && send(fd, s->pkt, s->pkt_len, 0) < 0)
		log_dbg(LS_NET, "RADIUS: send: %s", strerror(errno));
	timer_schedule(s->c->loop, &s->t, timeout_ms(s->c));
}

static void fail(struct rsess *s, const char *why)
{
	struct radius_client *c = s->c;
	struct engine_eap_answer a = { .ike_sa_id = s->sa_id, .result = ENGINE_EAP_FAIL, .why = why };

	sess_free(s);
	c->fn(c->arg, &a);
}

static void on_timeout(void *arg)
{
	struct rsess *s = arg;
	struct radius_client *c = s->c;
	char buf[64], why[160];

	if (s->sends < c->cfg->retransmit_tries) {
		transmit(s);
		return;
	}
	log_warn(LS_NET, "RADIUS server %s did not answer %u tries for IKE SA %llu",
		 server_str(c, s->server, buf, sizeof(buf)), s->sends,
		 (unsigned long long)s->sa_id);
	if (++s->servers_tried >= c->cfg->nservers) {
		snprintf(why, sizeof(why), "no RADIUS server answered (%zu server%s, %llu tries "
			 "each)", c->cfg->nservers, c->cfg->nservers == 1 ? "" : "s",
			 (unsigned long long)c->cfg->retransmit_tries);
		fail(s, why);
		return;
	}
	/* fail-over: the next server, and new sessions start there */
	s->server = (s->server + 1) % c->cfg->nservers;
	c->current = s->server;
	s->pending = 0;
	if (build(s) < 0) {
		fail(s, "RADIUS request cannot be built");
		return;
	}
	transmit(s);
}

int radius_client_submit(void *arg, const struct engine_eap_request *r)
{
	struct radius_client *c = arg;
	struct rsess *s = sess_find(c, r->ike_sa_id);

	if (!c->cfg->nservers || r->eap_len > sizeof(s->eap) || r->eap_len == 0)
		return -1;
	if (!s) {
		if (!(s = calloc(1, sizeof(*s))))
			return -1;
		s->c = c;
		s->sa_id = r->ike_sa_id;
		/* later rounds stay with the server holding the State */
		s->server = c->current < c->cfg->nservers ? c->current : 0;
		timer_init(&s->t, on_timeout, s);
		s->next = c->sessions;
		c->sessions = s;
	}
	if (s->pending)
		return -1;	/* one message at a time */
	snprintf(s->user, sizeof(s->user), "%s", r->identity);
	s->local = *r->local;
	s->remote = *r->remote;
	memcpy(s->eap, r->eap, r->eap_len);
	s->eap_len = r->eap_len;
	s->servers_tried = 0;
	if (build(s) < 0) {
		sess_free(s);
		return -1;
	}
	transmit(s);
	return 0;
}

void radius_client_cancel(void *arg, uint64_t ike_sa_id)
{
	struct rsess *s = sess_find(arg, ike_sa_id);

	if (s)
		sess_free(s);
}

size_t radius_client_sessions(const struct radius_client *c)
{
	size_t n = 0;

	for (const struct rsess *s = c->sessions; s; s = s->next)
		n++;
	return n;
}

/* RFC 5247 / strongSwan's eap-radius: MSK = MS-MPPE-Recv-Key | MS-MPPE-Send-Key. */
static int msk_of(const struct rsess *s, const struct radius_pkt *p, uint8_t *msk, size_t *len,
		  char *why, size_t whylen)
{
	const struct conf_radius_server *sv = &s->c->cfg->servers[s->server];
	size_t r = 0, t = 0;

	*len = 0;
	if (radius_mppe_key(p, MS_MPPE_RECV_KEY, sv->secret.ptr, sv->secret.len, s->req_auth, msk,
			    EAP_MSK_MAX / 2, &r, why, whylen) < 0)
		return -1;
	if (radius_mppe_key(p, MS_MPPE_SEND_KEY, sv->secret.ptr, sv->secret.len, s->req_auth,
			    msk + r, EAP_MSK_MAX - r, &t, why, whylen) < 0)
		return -1;
	*len = r + t;
	return 0;
}

/* A checked answer p to s's request. */
static void answered(struct rsess *s, const struct radius_pkt *p)
{
	struct radius_client *c = s->c;
	struct engine_eap_answer a = { .ike_sa_id = s->sa_id };
	const struct radius_attr *st = radius_find(p, RA_STATE);
	uint8_t eap[RADIUS_EAP_MAX], msk[EAP_MSK_MAX];
	char why[160];
	int n = radius_eap(p, eap, sizeof(eap));

	timer_cancel(c->loop, &s->t);
	s->pending = 0;
	if (n < 0) {
		fail(s, "RADIUS EAP-Message attributes do not make an EAP message");
		return;
	}
	a.eap = eap;
	a.eap_len = (size_t)n;
	if (p->code == RADIUS_ACCESS_CHALLENGE) {
		s->state_len = st ? st->len : 0;
		if (st)
			memcpy(s->state, st->v, st->len);
		a.result = ENGINE_EAP_MORE;
		c->fn(c->arg, &a);	/* may cancel s */
		return;
	}
	if (p->code == RADIUS_ACCESS_REJECT) {
		a.result = ENGINE_EAP_FAIL;
		a.why = "RADIUS Access-Reject";
	} else if (msk_of(s, p, msk, &a.msk_len, why, sizeof(why)) < 0) {
		/* EAP methods without keys (MD5) get none; a malformed key fails */
		if (radius_find(p, RA_VENDOR_SPECIFIC) && strncmp(why, "no ", 3) != 0) {
			a.result = ENGINE_EAP_FAIL;
			a.why = why;
		} else {
			a.result = ENGINE_EAP_ACCEPT;
			a.msk_len = 0;
		}
	} else {
		a.result = ENGINE_EAP_ACCEPT;
		a.msk = msk;
	}
	sess_free(s);
	c->fn(c->arg, &a);
	memzero(msk, sizeof(msk));
}

static void on_readable(int fd, uint32_t events, void *arg)
{
	struct radius_client *c = arg;
	uint8_t buf[RADIUS_MAX_LEN];
	struct radius_pkt p;
	char why[160], sv[64];
	ssize_t n;
	size_t i;

	(void)events;
	for (i = 0; i < CONF_RADIUS_MAX_SERVERS && c->fds[i] != fd; i++)
		;
	if (i == CONF_RADIUS_MAX_SERVERS || i >= c->cfg->nservers)
		return;
	while ((n = recv(fd, buf, sizeof(buf), 0)) >= 0 || errno == ECONNREFUSED) {
		const struct conf_radius_server *s_cfg = &c->cfg->servers[i];
		struct rsess *s = c->sessions;

		if (n < RADIUS_HDR_LEN)
			continue;	/* ICMP unreachable or a runt: the timer decides */
		while (s && !(s->pending && s->server == i && s->id == buf[1]))
			s = s->next;
		server_str(c, i, sv, sizeof(sv));
		if (!s) {
			log_info(LS_NET, "RADIUS server %s: answer with Identifier %u of no request "
				 "outstanding, dropped", sv, buf[1]);
			continue;
		}
		if (radius_resp_check(buf, (size_t)n, s->id, s->req_auth, s_cfg->secret.ptr,
				      s_cfg->secret.len, &p, why, sizeof(why)) < 0) {
			log_warn(LS_NET, "RADIUS server %s: answer for IKE SA %llu dropped: %s", sv,
				 (unsigned long long)s->sa_id, why);
			continue;
		}
		answered(s, &p);
	}
}

void radius_client_set_config(struct radius_client *c, const struct conf_radius *cfg)
{
	close_fds(c);
	c->cfg = cfg;
	c->current = 0;
	for (struct rsess *s = c->sessions; s; s = s->next) {
		if (s->server >= cfg->nservers)
			s->server = 0;	/* a server that is gone: the next round starts over there */
		if (s->pending) {	/* its request again, to the new first server */
			s->server = 0;
			s->servers_tried = 0;
			s->pending = 0;
			if (!cfg->nservers || build(s) < 0)
				timer_cancel(c->loop, &s->t);	/* the half-open timeout ends it */
			else
				transmit(s);
		}
	}
}

void radius_client_free(struct radius_client *c)
{
	if (!c)
		return;
	while (c->sessions)
		sess_free(c->sessions);
	close_fds(c);
	free(c);
}
