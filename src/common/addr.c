#include "common/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

int addr_parse(struct addr *a, const char *s, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	if (!s)
		return -1;
	if (inet_pton(AF_INET, s, &a->u.sin.sin_addr) == 1) {
		a->u.sin.sin_family = AF_INET;
		a->u.sin.sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->u.sin6.sin6_addr) == 1) {
		a->u.sin6.sin6_family = AF_INET6;
		a->u.sin6.sin6_port = htons(port);
		return 0;
	}
	memset(a, 0, sizeof(*a));
	return -1;
}

int addr_from_sockaddr(struct addr *a, const struct sockaddr *sa, socklen_t len)
{
	memset(a, 0, sizeof(*a));
	if (!sa || len < sizeof(sa_family_t))
		return -1;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		memcpy(&a->u.sin, sa, sizeof(struct sockaddr_in));
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		memcpy(&a->u.sin6, sa, sizeof(struct sockaddr_in6));
		return 0;
	}
	return -1;
}

const uint8_t *addr_bytes(const struct addr *a, size_t *len)
{
	switch (a->u.sa.sa_family) {
	case AF_INET:
		*len = 4;
		return (const uint8_t *)&a->u.sin.sin_addr;
	case AF_INET6:
		*len = 16;
		return (const uint8_t *)&a->u.sin6.sin6_addr;
	}
	*len = 0;
	return NULL;
}

int addr_set_bytes(struct addr *a, int family, const void *bytes, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	switch (family) {
	case AF_INET:
		a->u.sin.sin_family = AF_INET;
		a->u.sin.sin_port = htons(port);
		memcpy(&a->u.sin.sin_addr, bytes, 4);
		return 0;
	case AF_INET6:
		a->u.sin6.sin6_family = AF_INET6;
		a->u.sin6.sin6_port = htons(port);
		memcpy(&a->u.sin6.sin6_addr, bytes, 16);
		return 0;
	}
	return -1;
}

int addr_family(const struct addr *a)
{
	return a->u.sa.sa_family;
}

socklen_t addr_socklen(const struct addr *a)
{
	switch (a->u.sa.sa_family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	}
	return 0;
}

uint16_t addr_port(const struct addr *a)
{
	switch (a->u.sa.sa_family) {
	case AF_INET:
		return ntohs(a->u.sin.sin_port);
	case AF_INET6:
		return ntohs(a->u.sin6.sin6_port);
	}
	return 0;
}

void addr_set_port(struct addr *a, uint16_t port)
{
	switch (a->u.sa.sa_family) {
	case AF_INET:
		a->u.sin.sin_port = htons(port);
		break;
	case AF_INET6:
		a->u.sin6.sin6_port = htons(port);
		break;
	}
}

int addr_is_any(const struct addr *a)
{
	static const uint8_t zero[16];
	size_t len;
	const uint8_t *b = addr_bytes(a, &len);

	return !b || memcmp(b, zero, len) == 0;
}

int addr_cmp(const struct addr *a, const struct addr *b)
{
	int fa = addr_family(a), fb = addr_family(b);
	const uint8_t *ba, *bb;
	size_t la, lb;
	uint16_t pa, pb;
	int c;

	if (fa != fb)
		return fa < fb ? -1 : 1;
	ba = addr_bytes(a, &la);
	bb = addr_bytes(b, &lb);
	if (!ba || !bb)
		return 0;
	c = memcmp(ba, bb, la);
	if (c)
		return c < 0 ? -1 : 1;
	pa = addr_port(a);
	pb = addr_port(b);
	if (pa != pb)
		return pa < pb ? -1 : 1;
	return 0;
}

int addr_eq_host(const struct addr *a, const struct addr *b)
{
	const uint8_t *ba, *bb;
	size_t la, lb;

	if (addr_family(a) != addr_family(b))
		return 0;
	ba = addr_bytes(a, &la);
	bb = addr_bytes(b, &lb);
	if (!ba || !bb)
		return 0;
	return memcmp(ba, bb, la) == 0;
}

const char *addr_host_str(const struct addr *a, char *buf, size_t size)
{
	char tmp[INET6_ADDRSTRLEN];
	size_t len;
	const uint8_t *b = addr_bytes(a, &len);

	if (!b || !inet_ntop(addr_family(a), b, tmp, sizeof(tmp)))
		snprintf(buf, size, "%%any");
	else
		snprintf(buf, size, "%s", tmp);
	return buf;
}

const char *addr_str(const struct addr *a, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	addr_host_str(a, host, sizeof(host));
	if (addr_family(a) == AF_INET || addr_family(a) == AF_INET6)
		snprintf(buf, size, "%s[%u]", host, (unsigned)addr_port(a));
	else
		snprintf(buf, size, "%s", host);
	return buf;
}

int addr_host_name_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t label = 0;
	char s[254];
	struct in_addr v4;

	if (len == 0 || len > 253)
		return 0;
	/* RFC 1123 2.1: a host name never has the dotted-decimal form of an
	 * IPv4 address (such a "name" would read back as the address) */
	memcpy(s, b, len);
	s[len] = '\0';
	if (inet_pton(AF_INET, s, &v4) == 1)
		return 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = b[i];

		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
		if (++label > 63)
			return 0;
	}
	return 1;
}
