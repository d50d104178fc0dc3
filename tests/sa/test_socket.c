#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/loop.h"
#include "ike/sa/socket.h"
#include "runner.h"

struct rx {
	int count;
	uint8_t pkt[2048];
	size_t len;
	struct addr local, remote;
	int natt;
};

static void on_packet(const uint8_t *pkt, size_t len, const struct addr *local,
		      const struct addr *remote, int natt, void *arg)
{
	struct rx *r = arg;

	r->count++;
	r->len = len < sizeof(r->pkt) ? len : sizeof(r->pkt);
	memcpy(r->pkt, pkt, r->len);
	r->local = *local;
	r->remote = *remote;
	r->natt = natt;
}

static struct loop *lp;
static struct ike_socket_set set;
static struct rx got;

/* v4 and v6 loopback, plain and NAT-T, ephemeral ports; no kernel encap so
 * that the userspace checks see ESP and keepalives. */
static void open_set(const char *v4, const char *v6)
{
	struct ike_socket_spec sp[4];

	memset(sp, 0, sizeof(sp));
	ck_assert_int_eq(addr_parse(&sp[0].local, v4, 0), 0);
	ck_assert_int_eq(addr_parse(&sp[1].local, v4, 0), 0);
	sp[1].natt = 1;
	ck_assert_int_eq(addr_parse(&sp[2].local, v6, 0), 0);
	ck_assert_int_eq(addr_parse(&sp[3].local, v6, 0), 0);
	sp[3].natt = 1;
	memset(&got, 0, sizeof(got));
	lp = loop_new();
	ck_assert_ptr_nonnull(lp);
	ck_assert_int_eq(ike_sockets_open(&set, lp, sp, 4, on_packet, &got), 0);
}

static void close_set(void)
{
	ike_sockets_close(&set);
	loop_free(lp);
}

/* A plain UDP peer bound to family's loopback. */
static int peer(int family, struct addr *bound)
{
	struct addr a;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(addr_parse(&a, family == AF_INET ? "127.0.0.1" : "::1", 0), 0);
	ck_assert_int_eq(bind(fd, &a.u.sa, addr_socklen(&a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&ss, &sl), 0);
	ck_assert_int_eq(addr_from_sockaddr(bound, (struct sockaddr *)&ss, sl), 0);
	return fd;
}

static void send_to(int fd, const char *host, uint16_t port, const void *p, size_t len)
{
	struct addr a;

	ck_assert_int_eq(addr_parse(&a, host, port), 0);
	ck_assert_int_eq(sendto(fd, p, len, 0, &a.u.sa, addr_socklen(&a)), (ssize_t)len);
}

/* Run the loop until `want` packets were delivered or 10 rounds passed. */
static void pump(int want)
{
	for (int i = 0; i < 10 && got.count < want; i++)
		loop_run_once(lp, 100);
	/* let stray datagrams arrive, so a wrong extra delivery is seen */
	loop_run_once(lp, 20);
}

static ssize_t recv_wait(int fd, void *buf, size_t len, struct addr *from)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	ssize_t n;

	if (poll(&pfd, 1, 1000) != 1)
		return -1;
	n = recvfrom(fd, buf, len, 0, (struct sockaddr *)&ss, &sl);
	if (from)
		addr_from_sockaddr(from, (struct sockaddr *)&ss, sl);
	return n;
}

static const uint8_t ike[40] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, [16] = 0x2e, 0x20 };

static void check_family(int family, const char *host)
{
	struct addr me, from;
	uint16_t p = ike_sockets_port(&set, family, 0), pn = ike_sockets_port(&set, family, 1);
	uint8_t marked[44] = { 0 }, buf[128], esp[40] = { 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1 };
	uint8_t ka = 0xff;
	int fd = peer(family, &me);
	char hs[ADDR_STRLEN];

	ck_assert_uint_ne(p, 0);
	ck_assert_uint_ne(pn, 0);
	ck_assert_uint_ne(p, pn);
	memcpy(marked + 4, ike, sizeof(ike));
	memset(&set.stats, 0, sizeof(set.stats));

	/* plain port: delivered as is, with both addresses */
	send_to(fd, host, p, ike, sizeof(ike));
	pump(1);
	ck_assert_int_eq(got.count, 1);
	ck_assert_uint_eq(got.len, sizeof(ike));
	ck_assert_mem_eq(got.pkt, ike, sizeof(ike));
	ck_assert_int_eq(got.natt, 0);
	ck_assert_int_eq(addr_cmp(&got.remote, &me), 0);
	ck_assert_str_eq(addr_host_str(&got.local, hs, sizeof(hs)), host);
	ck_assert_uint_eq(addr_port(&got.local), p);

	/* NAT-T port: marker stripped, natt flagged */
	send_to(fd, host, pn, marked, sizeof(marked));
	pump(2);
	ck_assert_int_eq(got.count, 2);
	ck_assert_uint_eq(got.len, sizeof(ike));
	ck_assert_mem_eq(got.pkt, ike, sizeof(ike));
	ck_assert_int_eq(got.natt, 1);
	ck_assert_uint_eq(addr_port(&got.local), pn);

	/* dropped: short IKE, ESP on 4500, short with marker, < 4 bytes;
	 * ignored: keepalive */
	send_to(fd, host, p, ike, 27);
	send_to(fd, host, pn, esp, sizeof(esp));
	send_to(fd, host, pn, marked, 4 + 27);
	send_to(fd, host, pn, marked, 3);
	send_to(fd, host, pn, &ka, 1);
	send_to(fd, host, p, ike, 28);	/* the minimum passes */
	pump(3);
	ck_assert_int_eq(got.count, 3);
	ck_assert_uint_eq(got.len, 28);
	ck_assert_uint_eq(set.stats.too_short, 2);
	ck_assert_uint_eq(set.stats.not_ike, 2);
	ck_assert_uint_eq(set.stats.keepalives, 1);
	ck_assert_uint_eq(set.stats.delivered, 3);

	/* replies: from the NAT-T socket with the marker, from 500 without */
	ck_assert_int_eq(ike_send(&set, &got.local, &me, ike, sizeof(ike)), 0);
	ck_assert_int_eq(recv_wait(fd, buf, sizeof(buf), &from), (ssize_t)sizeof(ike));
	ck_assert_mem_eq(buf, ike, sizeof(ike));
	ck_assert_uint_eq(addr_port(&from), p);
	addr_set_port(&got.local, pn);
	ck_assert_int_eq(ike_send(&set, &got.local, &me, ike, sizeof(ike)), 0);
	ck_assert_int_eq(recv_wait(fd, buf, sizeof(buf), &from), (ssize_t)sizeof(marked));
	ck_assert_mem_eq(buf, marked, sizeof(marked));
	ck_assert_uint_eq(addr_port(&from), pn);
	/* no socket on this port */
	addr_set_port(&got.local, 1);
	ck_assert_int_eq(ike_send(&set, &got.local, &me, ike, sizeof(ike)), -1);
	close(fd);
}

START_TEST(test_v4_v6_loopback)
{
	open_set("127.0.0.1", "::1");
	check_family(AF_INET, "127.0.0.1");
	memset(&got, 0, sizeof(got));
	check_family(AF_INET6, "::1");
	close_set();
}
END_TEST

/* Wildcard sockets: the local address comes from pktinfo, and the reply
 * leaves from it (127.0.0.2 is local on Linux without configuration). */
START_TEST(test_pktinfo_reply_source)
{
	struct addr me, from;
	uint8_t buf[64];
	char hs[ADDR_STRLEN];
	int fd;

	open_set("0.0.0.0", "::");
	fd = peer(AF_INET, &me);
	send_to(fd, "127.0.0.2", ike_sockets_port(&set, AF_INET, 0), ike, sizeof(ike));
	pump(1);
	ck_assert_int_eq(got.count, 1);
	ck_assert_str_eq(addr_host_str(&got.local, hs, sizeof(hs)), "127.0.0.2");
	ck_assert_int_eq(ike_send(&set, &got.local, &got.remote, ike, sizeof(ike)), 0);
	ck_assert_int_eq(recv_wait(fd, buf, sizeof(buf), &from), (ssize_t)sizeof(ike));
	ck_assert_str_eq(addr_host_str(&from, hs, sizeof(hs)), "127.0.0.2");
	/* and from 127.0.0.3 if asked to */
	ck_assert_int_eq(addr_parse(&got.local, "127.0.0.3", ike_sockets_port(&set, AF_INET, 0)), 0);
	ck_assert_int_eq(ike_send(&set, &got.local, &got.remote, ike, sizeof(ike)), 0);
	ck_assert_int_eq(recv_wait(fd, buf, sizeof(buf), &from), (ssize_t)sizeof(ike));
	ck_assert_str_eq(addr_host_str(&from, hs, sizeof(hs)), "127.0.0.3");
	close(fd);
	close_set();
}
END_TEST

/* Many queued datagrams are all read (in budgeted rounds). */
START_TEST(test_drain)
{
	struct addr me;
	int fd;

	open_set("127.0.0.1", "::1");
	fd = peer(AF_INET, &me);
	for (int i = 0; i < 150; i++)
		send_to(fd, "127.0.0.1", ike_sockets_port(&set, AF_INET, 0), ike, sizeof(ike));
	pump(150);
	ck_assert_int_eq(got.count, 150);
	close(fd);
	close_set();
}
END_TEST

/* With kernel ESP-in-UDP decapsulation on, IKE still flows on 4500. */
START_TEST(test_kernel_encap)
{
	struct ike_socket_spec sp[4];
	struct addr me;
	uint8_t marked[44] = { 0 };
	size_t n = ike_socket_defaults(sp, 4, 0, 0);
	int fd;

	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(sp[1].natt, 1);
	ck_assert_int_eq(sp[1].kernel_encap, 1);
	ck_assert_int_eq(addr_family(&sp[2].local), AF_INET6);
	lp = loop_new();
	memset(&got, 0, sizeof(got));
	ck_assert_int_eq(ike_sockets_open(&set, lp, sp, 2, on_packet, &got), 0);
	fd = peer(AF_INET, &me);
	memcpy(marked + 4, ike, sizeof(ike));
	send_to(fd, "127.0.0.1", ike_sockets_port(&set, AF_INET, 1), marked, sizeof(marked));
	pump(1);
	ck_assert_int_eq(got.count, 1);
	ck_assert_int_eq(got.natt, 1);
	ck_assert_uint_eq(got.len, sizeof(ike));
	close(fd);
	close_set();
}
END_TEST

START_TEST(test_open_failure)
{
	struct ike_socket_spec sp[2];
	struct ike_socket_set s2;

	open_set("127.0.0.1", "::1");
	memset(sp, 0, sizeof(sp));
	ck_assert_int_eq(addr_parse(&sp[0].local, "127.0.0.1", 0), 0);
	/* the port set already holds */
	ck_assert_int_eq(addr_parse(&sp[1].local, "127.0.0.1", ike_sockets_port(&set, AF_INET, 0)), 0);
	ck_assert_int_eq(ike_sockets_open(&s2, lp, sp, 2, on_packet, &got), -1);
	ck_assert_uint_eq(s2.n, 0);
	close_set();
}
END_TEST

int main(void)
{
	const TTest *tests[] = {
		test_v4_v6_loopback,
		test_pktinfo_reply_source,
		test_drain,
		test_kernel_encap,
		test_open_failure,
		NULL,
	};

	return run_tests("socket", tests, 30);
}
