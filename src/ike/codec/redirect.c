/*
 * RFC 5685 notify data: one table row per GW Ident Type says how long the
 * identity may be and whether REDIRECTED_FROM may carry it.
 */
#include "ike/codec/redirect.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ike/codec/names.h"
#include "ike/ikev2.h"

struct gw_type_desc {
	uint8_t type;
	uint8_t min, max;	/* GW Ident Len */
	uint8_t in_from;	/* allowed in REDIRECTED_FROM (9.2: an address) */
	int family;		/* AF_INET/AF_INET6, 0: a name */
};

static const struct gw_type_desc gw_types[] = {
	{ REDIRECT_GW_IPV4, 4, 4, 1, AF_INET },
	{ REDIRECT_GW_IPV6, 16, 16, 1, AF_INET6 },
	{ REDIRECT_GW_FQDN, 1, REDIRECT_GW_MAX, 0, 0 },
};

static const struct gw_type_desc *gw_desc(uint8_t type)
{
	for (size_t i = 0; i < sizeof(gw_types) / sizeof(gw_types[0]); i++)
		if (gw_types[i].type == type)
			return &gw_types[i];
	return NULL;
}

static int fail(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

int redirect_decode(enum redirect_form form, const struct ike_slice *data,
		    struct redirect_gw *gw, struct ike_slice *nonce, char *why, size_t whylen)
{
	const struct gw_type_desc *d;
	const uint8_t *id;
	struct rd r;
	size_t rest;

	memset(gw, 0, sizeof(*gw));
	nonce->p = NULL;
	nonce->len = 0;
	rd_init(&r, data->p, data->len);
	gw->type = rd_u8(&r);
	gw->len = rd_u8(&r);
	if (!rd_ok(&r))
		return fail(why, whylen, "%u bytes of data, fewer than the 2-byte header",
			    (unsigned)data->len);
	d = gw_desc(gw->type);
	if (!d)
		return fail(why, whylen, "unknown GW Ident Type %u", gw->type);
	if (form == REDIRECT_FORM_FROM && !d->in_from)
		return fail(why, whylen, "GW Ident Type %u not allowed in REDIRECTED_FROM",
			    gw->type);
	if (gw->len < d->min || gw->len > d->max)
		return fail(why, whylen, "GW Ident Len %u for GW Ident Type %u", gw->len, gw->type);
	id = rd_bytes(&r, gw->len);
	if (!id)
		return fail(why, whylen, "GW Ident Len %u but %u bytes follow", gw->len,
			    (unsigned)(data->len - 2));
	memcpy(gw->id, id, gw->len);
	if (gw->type == REDIRECT_GW_FQDN && !addr_host_name_ok(gw->id, gw->len))
		return fail(why, whylen, "FQDN of %u bytes is not a host name", gw->len);
	rest = rd_left(&r);
	if (form != REDIRECT_FORM_NONCE) {
		if (rest)
			return fail(why, whylen, "%u bytes after the GW identity",
				    (unsigned)rest);
		return 0;
	}
	/* 9.2: the initiator's nonce, within RFC 7296 3.9's bounds */
	if (rest < IKE_NONCE_MIN || rest > IKE_NONCE_MAX)
		return fail(why, whylen, "Nonce Data of %u bytes (%u..%u allowed)",
			    (unsigned)rest, IKE_NONCE_MIN, IKE_NONCE_MAX);
	nonce->p = rd_rest(&r, &nonce->len);
	return 0;
}

void redirect_encode(struct wr *w, const struct redirect_gw *gw, const uint8_t *nonce,
		     size_t nonce_len)
{
	wr_u8(w, gw->type);
	wr_u8(w, gw->len);
	wr_bytes(w, gw->id, gw->len);
	if (nonce)
		wr_bytes(w, nonce, nonce_len);
}

int redirect_gw_parse(const char *s, struct redirect_gw *gw)
{
	size_t n = strlen(s);

	memset(gw, 0, sizeof(*gw));
	for (size_t i = 0; i < sizeof(gw_types) / sizeof(gw_types[0]); i++) {
		const struct gw_type_desc *d = &gw_types[i];

		if (d->family && inet_pton(d->family, s, gw->id) == 1) {
			gw->type = d->type;
			gw->len = d->min;
			return 0;
		}
	}
	if (!addr_host_name_ok((const uint8_t *)s, n))
		return -1;
	gw->type = REDIRECT_GW_FQDN;
	gw->len = (uint8_t)n;
	memcpy(gw->id, s, n);
	return 0;
}

void redirect_gw_from_addr(const struct addr *a, struct redirect_gw *gw)
{
	size_t len;
	const uint8_t *b = addr_bytes(a, &len);

	memset(gw, 0, sizeof(*gw));
	gw->type = addr_family(a) == AF_INET6 ? REDIRECT_GW_IPV6 : REDIRECT_GW_IPV4;
	gw->len = (uint8_t)len;
	memcpy(gw->id, b, len);
}

int redirect_gw_addr(const struct redirect_gw *gw, uint16_t port, struct addr *a)
{
	char buf[INET6_ADDRSTRLEN];
	const struct gw_type_desc *d = gw_desc(gw->type);

	if (!d || !d->family || gw->len != d->min ||
	    !inet_ntop(d->family, gw->id, buf, sizeof(buf)))
		return -1;
	return addr_parse(a, buf, port);
}

const char *redirect_gw_str(const struct redirect_gw *gw, char *buf, size_t size)
{
	const struct gw_type_desc *d = gw_desc(gw->type);

	if (d && d->family && gw->len == d->min && inet_ntop(d->family, gw->id, buf, (socklen_t)size))
		return buf;
	if (gw->type == REDIRECT_GW_FQDN && addr_host_name_ok(gw->id, gw->len)) {
		snprintf(buf, size, "%.*s", (int)gw->len, (const char *)gw->id);
		return buf;
	}
	snprintf(buf, size, "%s(%u bytes)", ike_redirect_gw_type_name(gw->type) ?
		 ike_redirect_gw_type_name(gw->type) : "UNKNOWN", gw->len);
	return buf;
}
