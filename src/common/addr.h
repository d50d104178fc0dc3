/* Socket addresses: IPv4/IPv6 parse, compare, print, port. */
#ifndef IKE_COMMON_ADDR_H
#define IKE_COMMON_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

/* Longest string addr_str() writes: "[v6]:port" fits in this. */
#define ADDR_STRLEN 64

struct addr {
	union {
		struct sockaddr sa;
		struct sockaddr_in sin;
		struct sockaddr_in6 sin6;
		struct sockaddr_storage ss;
	} u;
};

/* Parse a literal IPv4/IPv6 address (no hostnames); 0 on success, else -1
 * with *a cleared. */
int addr_parse(struct addr *a, const char *s, uint16_t port);
/* 1 if the len bytes at p are a host name: letters, digits, '-' and '_',
 * dot-separated labels of 1..63 bytes, at most 253 in all (RFC 1035 2.3.4). */
int addr_host_name_ok(const void *p, size_t len);
int addr_from_sockaddr(struct addr *a, const struct sockaddr *sa, socklen_t len);
/* Family-specific raw address bytes (4 or 16) and setter. */
const uint8_t *addr_bytes(const struct addr *a, size_t *len);
int addr_set_bytes(struct addr *a, int family, const void *bytes, uint16_t port);
int addr_family(const struct addr *a);
socklen_t addr_socklen(const struct addr *a);
uint16_t addr_port(const struct addr *a);
void addr_set_port(struct addr *a, uint16_t port);
int addr_is_any(const struct addr *a);
/* Total order over family, address, port (memcmp-like). */
int addr_cmp(const struct addr *a, const struct addr *b);
/* Same family and address; ports ignored. */
int addr_eq_host(const struct addr *a, const struct addr *b);
/* "192.0.2.1" or "2001:db8::1"; "%any" when no address is set. */
const char *addr_host_str(const struct addr *a, char *buf, size_t size);
/* strongSwan style: "192.0.2.1[500]", "2001:db8::1[4500]" */
const char *addr_str(const struct addr *a, char *buf, size_t size);

#endif
