#include "ike/sa/socket.h"

#include <errno.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/log.h"
#include "ike/ikev2.h"

#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif

#define RX_BUF_LEN	65536
/* Datagrams read per wake-up before other fds get their turn; the loop
 * is level-triggered, so what is left is read on the next round. */
#define RX_BUDGET	64

union pktinfo_cmsg {
	char v4[CMSG_SPACE(sizeof(struct in_pktinfo))];
	char v6[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	struct cmsghdr align;
};

static const uint8_t non_esp_marker[IKE_NON_ESP_MARKER_LEN];

size_t ike_socket_defaults(struct ike_socket_spec *specs, size_t max,
			   uint16_t port, uint16_t natt_port)
{
	static const char *const any[] = { "0.0.0.0", "::" };
	size_t n = 0;

	for (size_t f = 0; f < 2; f++) {
		for (int natt = 0; natt < 2 && n < max; natt++) {
			memset(&specs[n], 0, sizeof(specs[n]));
			addr_parse(&specs[n].local, any[f], natt ? natt_port : port);
			specs[n].natt = natt;
			specs[n].kernel_encap = natt;
			n++;
		}
	}
	return n;
}

/* The local address from the pktinfo control message; port from the socket. */
static void local_from_cmsg(const struct ike_socket *s, struct msghdr *mh, struct addr *local)
{
	*local = s->bound;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			addr_set_bytes(local, AF_INET, &pi.ipi_addr, addr_port(&s->bound));
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			addr_set_bytes(local, AF_INET6, &pi.ipi6_addr, addr_port(&s->bound));
			if (IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr))
				local->u.sin6.sin6_scope_id = pi.ipi6_ifindex;
		}
	}
}

/* Size and marker checks (RFC 3948 2.2, RFC 7296 3.1); deliver if IKE. */
static void deliver(struct ike_socket *s, const uint8_t *p, size_t len,
		    const struct addr *local, const struct addr *remote)
{
	struct ike_socket_set *set = s->set;
	char abuf[ADDR_STRLEN];

	if (s->natt) {
		if (len == 1 && p[0] == 0xff) {
			set->stats.keepalives++;
			log_trace(LS_NET, "NAT-keepalive from %s", addr_str(remote, abuf, sizeof(abuf)));
			return;
		}
		if (len < IKE_NON_ESP_MARKER_LEN ||
		    memcmp(p, non_esp_marker, IKE_NON_ESP_MARKER_LEN) != 0) {
			set->stats.not_ike++;
			log_dbg(LS_NET, "%zu bytes from %s on the NAT-T port without "
				"non-ESP marker, dropped", len, addr_str(remote, abuf, sizeof(abuf)));
			return;
		}
		p += IKE_NON_ESP_MARKER_LEN;
		len -= IKE_NON_ESP_MARKER_LEN;
	}
	if (len < IKE_HDR_LEN) {
		set->stats.too_short++;
		log_dbg(LS_NET, "%zu bytes from %s, IKE needs %d, dropped", len,
			addr_str(remote, abuf, sizeof(abuf)), IKE_HDR_LEN);
		return;
	}
	set->stats.delivered++;
	set->on_packet(p, len, local, remote, s->natt, set->arg);
}

static void on_readable(int fd, uint32_t events, void *arg)
{
	struct ike_socket *s = arg;
	uint8_t *buf = s->set->buf;

	for (int i = 0; i < RX_BUDGET; i++) {
		union pktinfo_cmsg cbuf;
		struct sockaddr_storage from;
		struct iovec iov = { .iov_base = buf, .iov_len = RX_BUF_LEN };
		struct msghdr mh = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = &cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct addr local, remote;
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn(LS_NET, "recvmsg on fd %d: %s", fd, strerror(errno));
			return;
		}
		if ((mh.msg_flags & MSG_TRUNC) ||
		    addr_from_sockaddr(&remote, (struct sockaddr *)&from, mh.msg_namelen) < 0)
			continue;
		local_from_cmsg(s, &mh, &local);
		deliver(s, buf, (size_t)n, &local, &remote);
	}
}

static int set_opts(int fd, const struct ike_socket_spec *spec)
{
	int on = 1, encap = UDP_ENCAP_ESPINUDP;

	if (addr_family(&spec->local) == AF_INET) {
		if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) < 0)
			return -1;
	} else if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0 ||
		   setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0) {
		return -1;
	}
	if (spec->natt && spec->kernel_encap &&
	    setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &encap, sizeof(encap)) < 0)
		return -1;
	return 0;
}

static int open_one(struct ike_socket_set *set, const struct ike_socket_spec *spec)
{
	struct ike_socket *s = &set->s[set->n];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char abuf[ADDR_STRLEN];
	int fd;

	fd = socket(addr_family(&spec->local), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || set_opts(fd, spec) < 0 ||
	    bind(fd, &spec->local.u.sa, addr_socklen(&spec->local)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0 ||
	    addr_from_sockaddr(&s->bound, (struct sockaddr *)&ss, sl) < 0) {
		log_err(LS_NET, "IKE socket %s%s: %s", addr_str(&spec->local, abuf, sizeof(abuf)),
			spec->natt ? " (NAT-T)" : "", strerror(errno));
		goto fail;
	}
	s->fd = fd;
	s->natt = spec->natt;
	s->set = set;
	if (loop_add_fd(set->loop, fd, LOOP_IN, on_readable, s) < 0)
		goto fail;
	set->n++;
	log_info(LS_NET, "listening on %s%s", addr_str(&s->bound, abuf, sizeof(abuf)),
		 s->natt ? " (NAT-T)" : "");
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

int ike_sockets_open(struct ike_socket_set *set, struct loop *loop,
		     const struct ike_socket_spec *specs, size_t n,
		     ike_packet_cb on_packet, void *arg)
{
	memset(set, 0, sizeof(*set));
	set->loop = loop;
	set->on_packet = on_packet;
	set->arg = arg;
	if (n > IKE_SOCKETS_MAX) {
		log_err(LS_NET, "IKE sockets: %zu requested, at most %d", n, IKE_SOCKETS_MAX);
		return -1;
	}
	set->buf = malloc(RX_BUF_LEN);
	if (!set->buf)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (open_one(set, &specs[i]) < 0) {
			ike_sockets_close(set);
			return -1;
		}
	}
	return 0;
}

void ike_sockets_close(struct ike_socket_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		loop_del_fd(set->loop, set->s[i].fd);
		close(set->s[i].fd);
	}
	set->n = 0;
	free(set->buf);
	set->buf = NULL;
}

uint16_t ike_sockets_port(const struct ike_socket_set *set, int family, int natt)
{
	for (size_t i = 0; i < set->n; i++)
		if (addr_family(&set->s[i].bound) == family && set->s[i].natt == natt)
			return addr_port(&set->s[i].bound);
	return 0;
}

static struct ike_socket *pick(struct ike_socket_set *set, const struct addr *local)
{
	struct ike_socket *any = NULL;

	for (size_t i = 0; i < set->n; i++) {
		struct ike_socket *s = &set->s[i];

		if (addr_family(&s->bound) != addr_family(local) ||
		    addr_port(&s->bound) != addr_port(local))
			continue;
		if (addr_eq_host(&s->bound, local))
			return s;
		if (addr_is_any(&s->bound) && !any)
			any = s;
	}
	return any;
}

static void put_cmsg(struct msghdr *mh, int level, int type, const void *data, size_t len)
{
	struct cmsghdr *c;

	mh->msg_controllen = CMSG_SPACE(len);
	c = CMSG_FIRSTHDR(mh);
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(c), data, len);
}

/* Ask for local as the source address (only needed on a wildcard socket). */
static void add_pktinfo(struct msghdr *mh, union pktinfo_cmsg *cbuf, const struct addr *local)
{
	memset(cbuf, 0, sizeof(*cbuf));
	mh->msg_control = cbuf;
	if (addr_family(local) == AF_INET) {
		struct in_pktinfo pi = { .ipi_spec_dst = local->u.sin.sin_addr };

		put_cmsg(mh, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
	} else {
		struct in6_pktinfo pi = { .ipi6_addr = local->u.sin6.sin6_addr,
					  .ipi6_ifindex = local->u.sin6.sin6_scope_id };

		put_cmsg(mh, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	}
}

int ike_send(struct ike_socket_set *set, const struct addr *local,
	     const struct addr *remote, const uint8_t *pkt, size_t len)
{
	struct ike_socket *s = pick(set, local);
	char lb[ADDR_STRLEN], rb[ADDR_STRLEN];
	union pktinfo_cmsg cbuf;
	struct iovec iov[2];
	struct msghdr mh;
	int k = 0;

	if (!s) {
		log_err(LS_NET, "no IKE socket for source %s", addr_str(local, lb, sizeof(lb)));
		set->stats.send_errors++;
		return -1;
	}
	if (s->natt)
		iov[k++] = (struct iovec){ (void *)non_esp_marker, IKE_NON_ESP_MARKER_LEN };
	iov[k++] = (struct iovec){ (void *)pkt, len };
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = (void *)&remote->u.sa;
	mh.msg_namelen = addr_socklen(remote);
	mh.msg_iov = iov;
	mh.msg_iovlen = (size_t)k;
	if (addr_is_any(&s->bound) && !addr_is_any(local))
		add_pktinfo(&mh, &cbuf, local);
	if (sendmsg(s->fd, &mh, MSG_DONTWAIT) < 0) {
		log_warn(LS_NET, "sending %zu bytes %s -> %s: %s", len,
			 addr_str(local, lb, sizeof(lb)), addr_str(remote, rb, sizeof(rb)),
			 strerror(errno));
		set->stats.send_errors++;
		return -1;
	}
	set->stats.sent++;
	return 0;
}
