/*
 * strongSwan proposal keywords.  Rules kept from its documentation
 * (IKEv2 cipher suites): in IKE proposals an integrity keyword such as
 * "sha256" also stands for the matching PRF when no prfXXX is given; an
 * AEAD IKE proposal must name its PRF; ESP proposals carry no PRF, an
 * optional KE group (PFS) and esn/noesn (noesn when absent).
 * Differences: a proposal that mixes AEAD and classic ciphers is refused
 * (strongSwan splits it in two); list them as two proposals instead.
 *
 * "default" is the strong set below.  It never includes the legacy
 * transforms (3des, modp1024, modp1536), which are accepted only when
 * written explicitly.
 */
#include "ike/crypto/proposal.h"

#include <stdio.h>
#include <string.h>

#include "ike/crypto/xform.h"

static const char default_ike[] =
	"aes256gcm16-aes128gcm16-chacha20poly1305-prfsha256-prfsha384-prfsha512-"
	"x25519-ecp256-ecp384-curve448-modp3072,"
	"aes256-aes128-sha256-sha384-sha512-x25519-ecp256-ecp384-curve448-modp3072";
static const char default_esp[] =
	"aes256gcm16-aes128gcm16-chacha20poly1305,aes256-aes128-sha256-sha384-sha512";

#define TOKEN_MAX	64
#define ONE_MAX		512

static int has_xf(const struct ike_proposal *p, uint8_t type, uint16_t id, uint16_t keylen)
{
	size_t i;

	for (i = 0; i < p->ntransforms; i++)
		if (p->xf[i].type == type && p->xf[i].id == id && p->xf[i].keylen == keylen)
			return 1;
	return 0;
}

static int count_type(const struct ike_proposal *p, uint8_t type)
{
	int i, n = 0;

	for (i = 0; i < p->ntransforms; i++)
		n += p->xf[i].type == type;
	return n;
}

static int add_xf(struct ike_proposal *p, uint8_t type, uint16_t id, uint16_t keylen)
{
	if (has_xf(p, type, id, keylen))
		return 0;
	if (p->ntransforms >= IKE_MAX_TRANSFORMS)
		return -1;
	p->xf[p->ntransforms++] = (struct ike_transform){ type, id, keylen };
	return 0;
}

/* One keyword into the proposal; 1 if the keyword is unknown here. */
static int add_token(struct ike_proposal *p, const char *tok, int *aead, int *classic)
{
	const struct encr_alg *e = encr_by_keyword(tok);
	const struct prf_alg *f = prf_by_keyword(tok);
	const struct integ_alg *g = integ_by_keyword(tok);
	const struct ke_alg *k = ke_by_keyword(tok);
	int esp = p->protocol == PROTO_ESP;

	if (e) {
		*(encr_is_aead(e) ? aead : classic) = 1;
		return add_xf(p, TT_ENCR, e->id, e->keybits);
	}
	if (f && !esp)
		return add_xf(p, TT_PRF, f->id, 0);
	if (g)
		return add_xf(p, TT_INTEG, g->id, 0);
	if (k)
		return add_xf(p, TT_KE, k->id, 0);
	if (esp && strcmp(tok, "esn") == 0)
		return add_xf(p, TT_ESN, ESN_YES, 0);
	if (esp && strcmp(tok, "noesn") == 0)
		return add_xf(p, TT_ESN, ESN_NO, 0);
	return 1;
}

/* In IKE, "sha256" without a prfXXX also means PRF_HMAC_SHA2_256. */
static int derive_prfs(struct ike_proposal *p)
{
	size_t i, n = p->ntransforms;

	for (i = 0; i < n; i++)
		if (p->xf[i].type == TT_INTEG &&
		    add_xf(p, TT_PRF, integ_lookup(p->xf[i].id)->prf, 0) < 0)
			return -1;
	return 0;
}

static int check_one(struct ike_proposal *p, const char *str, int aead, int classic,
		     char *why, size_t whylen)
{
	const char *err = NULL;

	if (!count_type(p, TT_ENCR))
		err = "no encryption algorithm";
	else if (aead && classic)
		err = "AEAD and non-AEAD ciphers mixed (use two proposals)";
	else if (classic && !count_type(p, TT_INTEG))
		err = "no integrity algorithm";
	else if (aead && count_type(p, TT_INTEG))
		err = "integrity algorithm given with an AEAD cipher";
	if (!err && p->protocol == PROTO_IKE) {
		if (!count_type(p, TT_PRF) && derive_prfs(p) < 0)
			err = "too many transforms";
		else if (!count_type(p, TT_PRF))
			err = "AEAD proposal needs a PRF (prfsha256, ...)";
		else if (!count_type(p, TT_KE))
			err = "no key exchange group";
	}
	if (!err && p->protocol == PROTO_ESP && !count_type(p, TT_ESN) &&
	    add_xf(p, TT_ESN, ESN_NO, 0) < 0)
		err = "too many transforms";
	if (err) {
		snprintf(why, whylen, "%s in proposal '%s'", err, str);
		return -1;
	}
	return 0;
}

/* Sort transforms by type (stable), the order strongSwan sends them in. */
static void sort_by_type(struct ike_proposal *p)
{
	struct ike_transform tmp[IKE_MAX_TRANSFORMS];
	size_t i, n = 0;
	uint8_t t;

	for (t = TT_ENCR; t <= TT_MAX; t++)
		for (i = 0; i < p->ntransforms; i++)
			if (p->xf[i].type == t)
				tmp[n++] = p->xf[i];
	memcpy(p->xf, tmp, n * sizeof(tmp[0]));
	p->ntransforms = (uint8_t)n;
}

static int parse_one(const char *str, uint8_t protocol, struct ike_proposal *p,
		     char *why, size_t whylen)
{
	char tok[TOKEN_MAX];
	const char *s = str, *dash;
	size_t len;
	int aead = 0, classic = 0, rc;

	memset(p, 0, sizeof(*p));
	p->protocol = protocol;
	while (*s) {
		dash = strchr(s, '-');
		len = dash ? (size_t)(dash - s) : strlen(s);
		if (len == 0 || len >= sizeof(tok)) {
			snprintf(why, whylen, "empty or over-long token in proposal '%s'", str);
			return -1;
		}
		memcpy(tok, s, len);
		tok[len] = '\0';
		rc = add_token(p, tok, &aead, &classic);
		if (rc != 0) {
			snprintf(why, whylen, rc > 0 ? "unknown algorithm '%s' in proposal '%s'"
						     : "too many transforms at '%s' in proposal '%s'",
				 tok, str);
			return -1;
		}
		s += len + (dash ? 1 : 0);
		if (dash && !*s) {
			snprintf(why, whylen, "trailing '-' in proposal '%s'", str);
			return -1;
		}
	}
	if (check_one(p, str, aead, classic, why, whylen) < 0)
		return -1;
	sort_by_type(p);
	return 0;
}

int proposal_parse(const char *str, uint8_t protocol, struct ike_proposal *out,
		   size_t max, size_t *n, char *why, size_t whylen)
{
	char one[ONE_MAX];
	const char *s = str, *comma;
	size_t len, got = 0, sub;

	*n = 0;
	if (protocol != PROTO_IKE && protocol != PROTO_ESP) {
		snprintf(why, whylen, "protocol %u: only IKE and ESP proposals", protocol);
		return -1;
	}
	do {
		comma = strchr(s, ',');
		len = comma ? (size_t)(comma - s) : strlen(s);
		while (len && (*s == ' ' || *s == '\t'))
			s++, len--;
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len == 0 || len >= sizeof(one)) {
			snprintf(why, whylen, "empty or over-long proposal in '%s'", str);
			return -1;
		}
		memcpy(one, s, len);
		one[len] = '\0';
		if (got >= max) {
			snprintf(why, whylen, "more than %zu proposals in '%s'", max, str);
			return -1;
		}
		if (strcmp(one, "default") == 0) {
			if (proposal_parse(protocol == PROTO_IKE ? default_ike : default_esp,
					   protocol, out + got, max - got, &sub, why, whylen) < 0)
				return -1;
			got += sub;
		} else {
			if (parse_one(one, protocol, &out[got], why, whylen) < 0)
				return -1;
			got++;
		}
		s = comma ? comma + 1 : s + len;
	} while (comma);
	for (len = 0; len < got; len++)
		out[len].num = (uint8_t)(len + 1);
	*n = got;
	return 0;
}

static const char *xf_text(const struct ike_transform *x, int names)
{
	const struct encr_alg *e;
	const struct prf_alg *f;
	const struct integ_alg *g;
	const struct ke_alg *k;

	switch (x->type) {
	case TT_ENCR:
		e = encr_lookup(x->id, x->keylen);
		return e ? (names ? e->name : e->keyword) : NULL;
	case TT_PRF:
		f = prf_lookup(x->id);
		return f ? (names ? f->name : f->keyword) : NULL;
	case TT_INTEG:
		g = integ_lookup(x->id);
		return g ? (names ? g->name : g->keyword) : NULL;
	case TT_KE:
		k = ke_lookup(x->id);
		return k ? (names ? k->name : k->keyword) : NULL;
	case TT_ESN:
		if (x->id == ESN_YES)
			return names ? "ESN" : "esn";
		return names ? "NO_ESN" : "noesn";
	}
	return NULL;
}

static int to_text(const struct ike_proposal *p, char *buf, size_t len, int names)
{
	char unknown[32];
	const char *t;
	const struct ike_transform *x[IKE_MAX_TRANSFORMS];
	size_t i, nx = 0, off = 0;
	int n;

	if (len == 0)
		return -1;
	buf[0] = '\0';
	/* names (what ikectl shows): one order, by transform type, whichever
	 * side's proposal the chosen one came from; stable within a type */
	for (unsigned type = 0; type <= 255 && nx < p->ntransforms; type++)
		for (i = 0; i < p->ntransforms && nx < IKE_MAX_TRANSFORMS; i++)
			if (names ? p->xf[i].type == type : (type == 0))
				x[nx++] = &p->xf[i];
	for (i = 0; i < nx; i++) {
		t = xf_text(x[i], names);
		if (!t) {
			snprintf(unknown, sizeof(unknown), "%s%u_%u", names ? "TYPE" : "type",
				 x[i]->type, x[i]->id);
			t = unknown;
		}
		n = snprintf(buf + off, len - off, "%s%s", i ? (names ? "/" : "-") : "", t);
		if (n < 0 || (size_t)n >= len - off)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

int proposal_to_names(const struct ike_proposal *p, char *buf, size_t len)
{
	return to_text(p, buf, len, 1);
}

int proposal_to_keywords(const struct ike_proposal *p, char *buf, size_t len)
{
	return to_text(p, buf, len, 0);
}
