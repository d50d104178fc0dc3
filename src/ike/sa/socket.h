/*
 * IKE's UDP sockets: port 500 and the NAT-T port 4500 (RFC 3948, RFC 7296
 * 2.23), IPv4 and IPv6.  Each received datagram is delivered with the local
 * address it was sent to (IP_PKTINFO / IPV6_RECVPKTINFO) so the reply can
 * leave from that same address.  On a NAT-T socket the 4-byte non-ESP
 * marker is stripped on receive and prepended on send.
 */
#ifndef IKE_SA_SOCKET_H
#define IKE_SA_SOCKET_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/loop.h"

#define IKE_SOCKETS_MAX	8
#define IKE_NON_ESP_MARKER_LEN 4

struct ike_socket_spec {
	struct addr local;	/* bind address (any or one) and port; port 0: ephemeral */
	int natt;		/* non-ESP marker on this socket */
	int kernel_encap;	/* natt only: UDP_ENCAP_ESPINUDP, the kernel takes ESP */
};

/* Called once per accepted datagram; pkt is the IKE message (marker gone). */
typedef void (*ike_packet_cb)(const uint8_t *pkt, size_t len, const struct addr *local,
			      const struct addr *remote, int natt, void *arg);

struct ike_socket_stats {
	uint64_t delivered;
	uint64_t too_short;	/* < 28 bytes of IKE (after the marker) */
	uint64_t not_ike;	/* on a NAT-T socket without the marker (ESP) */
	uint64_t keepalives;	/* 1-byte 0xff NAT-keepalives */
	uint64_t sent;
	uint64_t send_errors;
};

struct ike_socket_set;

struct ike_socket {
	int fd;
	int natt;
	struct addr bound;	/* the address and port actually bound */
	struct ike_socket_set *set;
};

struct ike_socket_set {
	struct loop *loop;
	size_t n;
	struct ike_socket s[IKE_SOCKETS_MAX];
	ike_packet_cb on_packet;
	void *arg;
	struct ike_socket_stats stats;
	uint8_t *buf;		/* one datagram: 64 KiB */
};

/* The daemon's usual four: 0.0.0.0 and :: on port and natt_port. */
size_t ike_socket_defaults(struct ike_socket_spec *specs, size_t max,
			   uint16_t port, uint16_t natt_port);

/*
 * Open, bind and register every spec on the loop (non-blocking, drained on
 * readability).  0, or -1 with everything opened so far closed again and
 * the failing spec named in the log.
 */
int ike_sockets_open(struct ike_socket_set *set, struct loop *loop,
		     const struct ike_socket_spec *specs, size_t n,
		     ike_packet_cb on_packet, void *arg);
void ike_sockets_close(struct ike_socket_set *set);

/* The bound port of the first socket of this family and kind, or 0. */
uint16_t ike_sockets_port(const struct ike_socket_set *set, int family, int natt);

/*
 * Send one IKE message from local to remote: the socket is the one bound to
 * local's family and port (its address, or any); the source address is
 * local's unless that is unspecified; a NAT-T socket gets the marker.
 * 0, or -1 (logged: no such socket, or the kernel refused).
 */
int ike_send(struct ike_socket_set *set, const struct addr *local,
	     const struct addr *remote, const uint8_t *pkt, size_t len);

#endif
