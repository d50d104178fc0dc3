/*
 * Which payloads each exchange may carry, per direction: how many, and
 * whether inside SK (RFC 7296 sections 1.2-1.4 and 2.21).  One table row per
 * exchange and direction; the checker holds no protocol knowledge of its own.
 */
#include "ike/codec/codec.h"

#include <stdio.h>
#include <string.h>

#include "ike/codec/codec_int.h"
#include "ike/codec/names.h"

#define ANY	255
#define MAX_RULES 14

struct pl_rule {
	uint8_t type;
	uint8_t min;	/* waived in responses that carry an error notify */
	uint8_t max;
};

struct msg_rules {
	uint8_t exchange;
	uint8_t response;
	uint8_t encrypted;	/* every payload inside SK */
	struct pl_rule pl[MAX_RULES];	/* ends at type PL_NONE */
};

static const struct msg_rules rules[] = {
	{ IKE_SA_INIT, 0, 0, {
		{ PL_SA, 1, 1 }, { PL_KE, 1, 1 }, { PL_NONCE, 1, 1 },
		{ PL_NOTIFY, 0, ANY }, { PL_VENDOR, 0, ANY } } },
	{ IKE_SA_INIT, 1, 0, {
		{ PL_SA, 1, 1 }, { PL_KE, 1, 1 }, { PL_NONCE, 1, 1 },
		{ PL_CERTREQ, 0, ANY }, { PL_NOTIFY, 0, ANY }, { PL_VENDOR, 0, ANY } } },
	/* IKE_AUTH: EAP rounds (2.16) and multiple auth carry subsets only */
	{ IKE_AUTH, 0, 1, {
		{ PL_IDI, 0, 1 }, { PL_CERT, 0, ANY }, { PL_CERTREQ, 0, ANY },
		{ PL_IDR, 0, 1 }, { PL_AUTH, 0, 1 }, { PL_EAP, 0, 1 }, { PL_CP, 0, 1 },
		{ PL_SA, 0, 1 }, { PL_TSI, 0, 1 }, { PL_TSR, 0, 1 },
		{ PL_NOTIFY, 0, ANY }, { PL_VENDOR, 0, ANY } } },
	{ IKE_AUTH, 1, 1, {
		{ PL_IDR, 0, 1 }, { PL_CERT, 0, ANY }, { PL_AUTH, 0, 1 },
		{ PL_EAP, 0, 1 }, { PL_CP, 0, 1 }, { PL_SA, 0, 1 }, { PL_TSI, 0, 1 },
		{ PL_TSR, 0, 1 }, { PL_NOTIFY, 0, ANY }, { PL_VENDOR, 0, ANY } } },
	/* TS absent when rekeying the IKE SA (1.3.2) */
	{ CREATE_CHILD_SA, 0, 1, {
		{ PL_SA, 1, 1 }, { PL_NONCE, 1, 1 }, { PL_KE, 0, 1 },
		{ PL_TSI, 0, 1 }, { PL_TSR, 0, 1 }, { PL_NOTIFY, 0, ANY },
		{ PL_VENDOR, 0, ANY } } },
	{ CREATE_CHILD_SA, 1, 1, {
		{ PL_SA, 1, 1 }, { PL_NONCE, 1, 1 }, { PL_KE, 0, 1 },
		{ PL_TSI, 0, 1 }, { PL_TSR, 0, 1 }, { PL_NOTIFY, 0, ANY },
		{ PL_VENDOR, 0, ANY } } },
	{ INFORMATIONAL, 0, 1, {
		{ PL_NOTIFY, 0, ANY }, { PL_DELETE, 0, ANY }, { PL_CP, 0, 1 },
		{ PL_VENDOR, 0, ANY } } },
	{ INFORMATIONAL, 1, 1, {
		{ PL_NOTIFY, 0, ANY }, { PL_DELETE, 0, ANY }, { PL_CP, 0, 1 },
		{ PL_VENDOR, 0, ANY } } },
};

/*
 * Notifies only some exchanges and directions may carry (RFC 5685 4-6):
 * a notify listed here is honoured only where a row allows it; notifies
 * not listed are not restricted by this table.
 */
struct notify_rule {
	uint16_t type;
	uint8_t exchange;
	uint8_t response;
};

static const struct notify_rule notify_rules[] = {
	{ N_REDIRECT_SUPPORTED, IKE_SA_INIT, 0 },
	{ N_REDIRECTED_FROM, IKE_SA_INIT, 0 },
	{ N_REDIRECT, IKE_SA_INIT, 1 },		/* 4: before any state */
	{ N_REDIRECT, IKE_AUTH, 1 },		/* 6: after authentication */
	{ N_REDIRECT, INFORMATIONAL, 0 },	/* 5: an established SA */
};

int ike_notify_allowed(uint16_t type, uint8_t exchange, int response)
{
	int listed = 0;

	for (size_t i = 0; i < sizeof(notify_rules) / sizeof(notify_rules[0]); i++) {
		if (notify_rules[i].type != type)
			continue;
		listed = 1;
		if (notify_rules[i].exchange == exchange && notify_rules[i].response == !!response)
			return 1;
	}
	return !listed;
}

static const struct msg_rules *find_rules(uint8_t exchange, int response)
{
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i].exchange == exchange && rules[i].response == response)
			return &rules[i];
	return NULL;
}

static const struct pl_rule *find_rule(const struct msg_rules *r, uint8_t type)
{
	const struct pl_rule *pr;

	for (pr = r->pl; pr < r->pl + MAX_RULES && pr->type != PL_NONE; pr++)
		if (pr->type == type)
			return pr;
	return NULL;
}

/* 2.21: a response carrying an error notify need not carry anything else;
 * neither does an IKE_SA_INIT response asking for a cookie (2.6) or
 * redirecting the initiator (RFC 5685 4). */
static int min_waived(const struct ike_msg *m, int response)
{
	size_t i;

	if (!response)
		return 0;
	for (i = 0; i < m->npl; i++) {
		const struct ike_payload *p = &m->pl[i];

		if (!p->known || p->type != PL_NOTIFY)
			continue;
		if (p->u.notify.type <= N_ERROR_MAX || p->u.notify.type == N_COOKIE ||
		    p->u.notify.type == N_REDIRECT)
			return 1;
	}
	return 0;
}

/* 3.1, BAD-INPUT 3; 3.3.1, BAD-INPUT 14 */
static int check_sa_init(const struct ike_msg *m, int response, struct codec_err *err)
{
	static const uint8_t zero[8];
	int i = -1;

	if (!response && memcmp(m->hdr.spi_i, zero, 8) == 0)
		return codec_fail(err, CODEC_DROP, 0, 0, "IKE_SA_INIT request: initiator SPI is 0");
	if (!response && memcmp(m->hdr.spi_r, zero, 8) != 0)
		return codec_fail(err, CODEC_DROP, 0, 8,
				 "IKE_SA_INIT request: responder SPI is not 0");
	if (m->hdr.msgid != 0)
		return codec_fail(err, CODEC_DROP, 0, 20, "IKE_SA_INIT: message ID %u != 0",
				 m->hdr.msgid);
	while ((i = ike_msg_find(m, PL_SA, i + 1)) >= 0)
		if (m->pl[i].u.sa.ike_spi_nonzero)
			return codec_fail(err, CODEC_INVALID_SYNTAX, PL_SA, m->pl[i].off,
					 "SA payload at offset %zu: IKE proposal with an SPI in IKE_SA_INIT",
					 m->pl[i].off);
	return 0;
}

static int check_placement(const struct ike_msg *m, const struct msg_rules *r,
			   const char *what, struct codec_err *err)
{
	size_t i;

	if (!r->encrypted)
		return 0;
	if (m->sk_index < 0)
		return codec_fail(err, CODEC_DROP, 0, IKE_HDR_LEN, "%s without an SK payload", what);
	for (i = 0; i < m->npl; i++) {
		const struct ike_payload *p = &m->pl[i];

		if (p->known && !p->in_sk && p->type != PL_SK && p->type != PL_SKF)
			return codec_fail(err, CODEC_DROP, p->type, p->off,
					 "%s: %s payload at offset %zu outside SK", what,
					 ike_payload_name(p->type), p->off);
	}
	return 0;
}

int ike_msg_check_rules(const struct ike_msg *m, struct codec_err *err)
{
	int response = (m->hdr.flags & IKE_FLAG_RESPONSE) != 0;
	const struct msg_rules *r = find_rules(m->hdr.exchange, response);
	unsigned count[256] = { 0 };
	const struct pl_rule *pr;
	char what[48], xbuf[16];
	const char *xname = ike_exchange_name(m->hdr.exchange);
	size_t i;

	memset(err, 0, sizeof(*err));
	if (!xname) {
		snprintf(xbuf, sizeof(xbuf), "exchange %u", m->hdr.exchange);
		xname = xbuf;
	}
	snprintf(what, sizeof(what), "%s %s", xname, response ? "response" : "request");
	if (!r)
		return codec_fail(err, CODEC_DROP, 0, 18, "%s: no payload rules", what);
	if (m->hdr.exchange == IKE_SA_INIT && check_sa_init(m, response, err) < 0)
		return -1;
	if (check_placement(m, r, what, err) < 0)
		return -1;
	for (i = 0; i < m->npl; i++) {
		const struct ike_payload *p = &m->pl[i];

		if (!p->known || p->type == PL_SK || p->type == PL_SKF)
			continue;
		pr = find_rule(r, p->type);
		if (!pr)
			return codec_fail(err, CODEC_INVALID_SYNTAX, p->type, p->off,
					 "%s: %s payload at offset %zu not allowed", what,
					 ike_payload_name(p->type), p->off);
		if (++count[p->type] > pr->max)
			return codec_fail(err, CODEC_INVALID_SYNTAX, p->type, p->off,
					 "%s: %s payload at offset %zu: more than %u", what,
					 ike_payload_name(p->type), p->off, pr->max);
	}
	if (min_waived(m, response))
		return 0;
	for (pr = r->pl; pr < r->pl + MAX_RULES && pr->type != PL_NONE; pr++)
		if (count[pr->type] < pr->min)
			return codec_fail(err, CODEC_INVALID_SYNTAX, pr->type, 0,
					 "%s: %u %s payloads < %u", what, count[pr->type],
					 ike_payload_name(pr->type), pr->min);
	return 0;
}
