/*
 * Notify data of the IKEv2 redirect mechanism (RFC 5685 section 9):
 * REDIRECT (16407) and REDIRECTED_FROM (16408).  REDIRECT_SUPPORTED
 * (16406) carries no data.
 *
 *   GW Ident Type (1) | GW Ident Len (1) | GW Identity (Len) | Nonce Data
 *
 * Nonce Data follows only in a REDIRECT of an IKE_SA_INIT response (the
 * initiator's nonce echoed, 9.2); REDIRECTED_FROM names the original
 * gateway by address only (IPv4 or IPv6, never an FQDN).  Like the rest of
 * the codec this knows no SA and resolves no name.
 */
#ifndef IKE_CODEC_REDIRECT_H
#define IKE_CODEC_REDIRECT_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/buf.h"
#include "ike/codec/codec.h"

enum redirect_gw_type {
	REDIRECT_GW_IPV4 = 1,
	REDIRECT_GW_IPV6 = 2,
	REDIRECT_GW_FQDN = 3,
};

#define REDIRECT_GW_MAX		255	/* GW Ident Len is one byte */
#define REDIRECT_GW_STRLEN	(REDIRECT_GW_MAX + 1)

struct redirect_gw {
	uint8_t type;			/* enum redirect_gw_type */
	uint8_t len;
	uint8_t id[REDIRECT_GW_MAX];	/* 4 or 16 address bytes, or the FQDN (no NUL) */
};

/* Which notify's data is decoded: what may follow the identity. */
enum redirect_form {
	REDIRECT_FORM_PLAIN,	/* REDIRECT in IKE_AUTH or INFORMATIONAL: nothing */
	REDIRECT_FORM_NONCE,	/* REDIRECT in an IKE_SA_INIT response: the nonce */
	REDIRECT_FORM_FROM,	/* REDIRECTED_FROM: an address, nothing after it */
};

/*
 * Decodes notify data through the bounds-checked reader: 0 with *gw (and
 * *nonce for REDIRECT_FORM_NONCE, empty otherwise), or -1 with why filled
 * ("GW Ident Len 5 for IPv4", "FQDN with a byte 0x00", ...).
 */
int redirect_decode(enum redirect_form form, const struct ike_slice *data,
		    struct redirect_gw *gw, struct ike_slice *nonce, char *why, size_t whylen);
/* Encodes the data (nonce NULL: none); the writer's error flag on failure. */
void redirect_encode(struct wr *w, const struct redirect_gw *gw, const uint8_t *nonce,
		     size_t nonce_len);

/* "192.0.2.7", "2001:db8::7" or "gw2.example.net" into *gw; -1 if none. */
int redirect_gw_parse(const char *s, struct redirect_gw *gw);
/* An address into *gw (type IPv4/IPv6). */
void redirect_gw_from_addr(const struct addr *a, struct redirect_gw *gw);
/* The address of an IPv4/IPv6 identity with port; -1 for an FQDN. */
int redirect_gw_addr(const struct redirect_gw *gw, uint16_t port, struct addr *a);
/* Printable form (an FQDN is printable once decoded). */
const char *redirect_gw_str(const struct redirect_gw *gw, char *buf, size_t size);

#endif
